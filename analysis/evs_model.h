/*
 * evs_model.h — normal-return models estimated on the estimation window.
 *
 * Formulas: Campbell, Lo & MacKinlay (1997), The Econometrics of Financial
 * Markets, ch. 4 (CLM), sections 4.3-4.4; MacKinlay (1997) JEL 35:13-39.
 * Every model is a linear regression of the (excess) return y_t on a row of k
 * regressors x_t plus a constant; the caller builds y and x (evs_design.h):
 *   constant mean    k = 0              E[y_t] = mean_E(y);  s^2 divisor L1 - 1
 *   market-adjusted  x = (Rm)           E[y_t] = Rm_t (nothing estimated); s^2 = var_E(y - Rm), divisor L1 - 1
 *   market model     x = (Rm)           OLS, s^2 = SSR / (L1 - 2)
 *   two-index        x = (Rm, Rs)       market plus a sector index, OLS, s^2 = SSR / (L1 - 3)
 *   ff3              x = (Mkt-RF, SMB, HML), y = R - RF            Fama & French (1993) JFE 33:3
 *   carhart          x = ff3 + Mom, y = R - RF                    Carhart (1997) JF 52:57
 *   ff5              x = ff3 + RMW, CMA, y = R - RF               Fama & French (2015) JFE 116:1
 *                    (OLS, s^2 = SSR / (L1 - k - 1): METHODS.md "k-factor models")
 *   dimson           x = (Rm_{t-N} .. Rm_{t+N})                   Dimson (1979) JFE 7:197
 *   scholes-williams x = (Rm_{t-1}, Rm_t, Rm_{t+1})               Scholes & Williams (1977) JFE 5:309
 * Dimson and Scholes-Williams give one aggregate beta for a non-synchronous
 * or thinly traded series; the expected return is a + beta Rm_t with only the
 * contemporaneous market return (the leads and lags serve to estimate beta,
 * they are not used to predict), a = mean_E(y) - beta mean_E(Rm), and
 * s^2 = sum_E (y - a - beta Rm)^2 / (L1 - 2). See model.c for both betas.
 *
 * Forecast-error variances (CLM section 4.4.2-4.4.3; METHODS.md):
 *   OLS models with X the L1 x (k+1) estimation design (constant first) and
 *   x~_t = (1, x_t):  Var(AR_t) = s^2 (1 + x~_t' (X'X)^-1 x~_t)
 *                     Var(CAR)  = s^2 (L2 + g' (X'X)^-1 g),  g = sum_W x~_t
 *   (for k = 1 this is exactly the market-model form below, which the code
 *   keeps so that the single-index results are unchanged to the last bit).
 *   market model, dimson, scholes-williams (one beta):
 *     Var(AR_t) = s^2 [1 + 1/L1 + (Rm_t - Rm_bar)^2 / Sxx],
 *     Var(CAR)  = s^2 [L2 + L2^2/L1 + (sum_W (Rm_t - Rm_bar))^2 / Sxx]
 *     (for dimson and scholes-williams an approximation that treats their
 *     beta like an OLS slope, as Eventus and estudy2 do).
 *   constant mean: s^2 (1 + 1/L1), s^2 (L2 + L2^2/L1); market-adjusted: s^2, L2 s^2.
 * The multi-regressor OLS uses GSL's gsl_multifit_linear_tsvd (SVD; its rank
 * tells a collinear design apart); the one-regressor market model is the
 * closed-form OLS of CLM (1997) eqs. 4.4.5-4.4.8 from centred sums (model.c),
 * checked against gsl_fit_linear in test_models.
 */
#ifndef EVS_MODEL_H
#define EVS_MODEL_H

#include <stddef.h>

#include "evs_study.h"

#define EVS_MODEL_MAXK 11            /* regressors besides the constant (dimson with 5 lags) */
#define EVS_MODEL_MAXP (EVS_MODEL_MAXK + 1)
#define EVS_DIMSON_MAX_LAGS 5

typedef struct evs_fit {
    evs_model_kind kind;
    int L1;          /* estimation returns used */
    int k;           /* regressors besides the constant (columns of x) */
    int lags;        /* dimson N (1 for scholes-williams); 0 otherwise */
    int dof;         /* residual degrees of freedom: L1 - k - 1 (OLS), L1 - 2 (one beta), L1 - 1 (constant mean, market-adjusted) */
    double alpha;    /* intercept, or the mean return (constant mean); NaN for market-adjusted */
    double beta;     /* market slope (OLS coefficient of x[0]; the aggregate beta for dimson, scholes-williams); NaN otherwise */
    double sigma2;   /* residual variance s^2 */
    double r2;       /* R^2 of the regression (OLS models); NaN otherwise */
    double rm_mean;  /* mean market return over E (one-beta models) */
    double rm_sxx;   /* sum_E (Rm - mean)^2 (one-beta models) */
    double coef[EVS_MODEL_MAXP];               /* regression coefficients, constant first (OLS and dimson's lead/lag regression); for scholes-williams beta-, beta0, beta+ in coef[1..3] */
    double xtxi[EVS_MODEL_MAXP * EVS_MODEL_MAXP]; /* (X'X)^-1, (k+1) x (k+1) row-major (multi-regressor OLS) */
    double rho_m;    /* scholes-williams: first-order autocorrelation of Rm over E; NaN otherwise */
} evs_fit;

/* Number of regressors of a model (besides the constant); lags is the
 * dimson N (ignored for the others). */
int evs_model_nreg(evs_model_kind kind, int lags);
/* 1 when the model regresses the excess return R - RF on factors from a factor file. */
int evs_model_uses_factors(evs_model_kind kind);

/* Fit kind on n estimation rows: y[t] the (excess) return, x[t*k .. t*k+k-1]
 * its regressors (k = evs_model_nreg(kind, lags); x may be NULL when k == 0).
 * Returns 0, or -1 with a reason for excluding the security (written into reason). */
int evs_model_fit_x(evs_model_kind kind, int lags, const double *y, const double *x, size_t n, evs_fit *fit,
                    char *reason, size_t rsz);
/* Expected (normal) (excess) return on a day with regressors x. */
double evs_model_expected_x(const evs_fit *f, const double *x);
/* 1 when x holds what the prediction needs (dimson, scholes-williams: only Rm_t). */
int evs_model_can_predict(const evs_fit *f, const double *x);
/* Var(AR_t) for a day with regressors x. */
double evs_model_var_ar_x(const evs_fit *f, const double *x);
/* The one-beta models' (market, dimson, scholes-williams) expected return and
 * Var(AR_t) = s^2 [1 + 1/L1 + (Rm_t - Rm_bar)^2 / Sxx] at market return rm:
 * what evs_model_expected_x and evs_model_var_ar_x return for them, inline for
 * the loop over every estimation day of every firm-event (firm.c). */
static inline double evs_model_expected_1b(const evs_fit *f, double rm)
{
    return f->alpha + f->beta * rm;
}
static inline double evs_model_var_ar_1b(const evs_fit *f, double rm)
{
    double d = rm - f->rm_mean;
    return f->sigma2 * (1.0 + 1.0 / (double)f->L1 + d * d / f->rm_sxx);
}
/* The one-beta models' AR_t = r_t - E[R_t] and SAR_t = AR_t / sqrt(Var(AR_t))
 * over n days with market returns rm: the same bits as the two functions
 * above day by day, two days a step where the target has SSE2 (its packed
 * subtract, multiply, divide and square root round each lane exactly as the
 * scalar instructions do). The loop over every estimation day of every
 * firm-event (firm.c), where a division and a square root a day were a tenth
 * of a firm-event's time. */
void evs_model_residuals_1b(const evs_fit *f, const double *r, const double *rm, size_t n, double *ar, double *sar);
/* Var(CAR) over a window of L2 days whose regressor rows are xw[0 .. L2*k-1]. */
double evs_model_var_car_x(const evs_fit *f, const double *xw, size_t L2);

/* The single-market interface, for constant mean, market-adjusted and the
 * market model (x = (Rm); rm may be NULL for constant mean). */
int evs_model_fit(evs_model_kind kind, const double *r, const double *rm, size_t n, evs_fit *fit, char *reason,
                  size_t rsz);
double evs_model_expected(const evs_fit *f, double rm);
double evs_model_var_ar(const evs_fit *f, double rm);
double evs_model_var_car(const evs_fit *f, const double *rm, size_t L2);

#endif
