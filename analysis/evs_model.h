/*
 * evs_model.h — normal-return models estimated on the estimation window.
 *
 * Formulas: Campbell, Lo & MacKinlay (1997), The Econometrics of Financial
 * Markets, ch. 4 (CLM), sections 4.3-4.4; MacKinlay (1997) JEL 35:13-39.
 *   constant mean    E[R_t] = mean_E(R);  s^2 = sum_E (R - mean)^2 / (L1 - 1)
 *   market-adjusted  E[R_t] = Rm_t;       s^2 = var_E(R - Rm), divisor L1 - 1
 *   market model     E[R_t] = a + b Rm_t  (OLS);  s^2 = SSR / (L1 - 2)
 * and the forecast-error-corrected variances of AR and CAR (see model.c).
 */
#ifndef EVS_MODEL_H
#define EVS_MODEL_H

#include <stddef.h>

#include "evs_study.h"

typedef struct evs_fit {
    evs_model_kind kind;
    int L1;          /* estimation returns used */
    int dof;         /* d: L1 - 2 (market model), L1 - 1 (constant mean, market-adjusted) */
    double alpha;    /* intercept (market model) or mean return (constant mean); NaN otherwise */
    double beta;     /* slope (market model); NaN otherwise */
    double sigma2;   /* residual variance s^2 */
    double r2;       /* R^2 (market model); NaN otherwise */
    double rm_mean;  /* mean market return over E (market model) */
    double rm_sxx;   /* sum_E (Rm - mean)^2 (market model) */
} evs_fit;

/* Fit kind on n estimation returns. Returns 0, or -1 with a reason for
 * excluding the security (written into reason). */
int evs_model_fit(evs_model_kind kind, const double *r, const double *rm, size_t n, evs_fit *fit, char *reason,
                  size_t rsz);

/* Expected (normal) return on a day with market return rm. */
double evs_model_expected(const evs_fit *f, double rm);
/* Var(AR_t): sigma^2 times the forecast-error factor (CLM section 4.4.2). */
double evs_model_var_ar(const evs_fit *f, double rm);
/* Var(CAR) over a window whose market returns are rm[0..L2-1] (CLM section 4.4.3). */
double evs_model_var_car(const evs_fit *f, const double *rm, size_t L2);

#endif
