/*
 * evs_design.h — what each return model regresses: the dependent variable
 * and the row of regressors of every aligned day (see evs_model.h).
 *
 *   constant mean                y = R                x = ()
 *   market-adjusted, market      y = R                x = (Rm)
 *   two-index                    y = R                x = (Rm, Rs)        Rs: the sector index (sector = SYMBOL)
 *   ff3 / carhart / ff5          y = R - RF           x = (Mkt-RF, SMB, HML [, Mom | , RMW, CMA])
 *   dimson (N lags)              y = R                x = (Rm_{t-N}, ..., Rm_t, ..., Rm_{t+N})
 *   scholes-williams             y = R                x = (Rm_{t-1}, Rm_t, Rm_{t+1})
 *
 * Factor values come from the factor file (evs_factors.h) by date. A return
 * that spans several factor days (the security has no price on a day the
 * factor file has) gets the compounded factor prod(1 + f) - 1 over those
 * days; a return dated on a day the factor file lacks has y = NaN (the day
 * cannot be used). Leads and lags beyond the data are NaN. The momentum
 * column may be called Mom (French's file), UMD or WML.
 */
#ifndef EVS_DESIGN_H
#define EVS_DESIGN_H

#include <math.h>
#include <stddef.h>

#include "evs_align.h"
#include "evs_error.h"
#include "evs_factors.h"
#include "evs_model.h"
#include "evs_study.h"

typedef struct evs_design {
    size_t n;       /* = the aligned returns */
    size_t k;       /* regressors per row (evs_model_nreg) */
    double *y;      /* dependent variable; NaN when the day has no factor row */
    double *rf;     /* risk-free return of the day; NULL without a factor file (0 every day: evs_design_rf) */
    double *rm;     /* the market return to report: the aligned one, or Mkt-RF + RF of the factor file without a market */
    double *x;      /* n x k row-major; NaN where a lead, lag or factor is missing */
    const char *names[EVS_MODEL_MAXK]; /* regressor names (for estimates.csv) */
    /* 1: y, rm and x are the aligned data's own arrays (r, rm, rm), not
     * copies: the models whose design is the aligned returns themselves
     * (constant mean, market-adjusted, market), built for every firm-event;
     * they must outlive the design, which evs_design_free leaves alone */
    int borrowed;
} evs_design;

/* Build the design of p->model for a; ft is the study's factor table (NULL
 * when the model uses none). factors_name names it in messages. */
evs_status evs_design_build(const evs_params *p, const evs_aligned *a, const evs_factors *ft, const char *factors_name,
                            evs_design *d, evs_err *e);
void evs_design_free(evs_design *d);

/* The risk-free return of day t. */
static inline double evs_design_rf(const evs_design *d, size_t t)
{
    return d->rf ? d->rf[t] : 0.0;
}

/* 1 when day t can be used for estimation: y and every regressor finite. */
static inline int evs_design_row_ok(const evs_design *d, size_t t)
{ /* inline: called for every estimation day of every firm-event */
    if (!isfinite(d->y[t]))
        return 0;
    for (size_t j = 0; j < d->k; j++)
        if (!isfinite(d->x[t * d->k + j]))
            return 0;
    return 1;
}

#endif
