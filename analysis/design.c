/*
 * design.c — the dependent variable and the regressors of each model (see
 * evs_design.h).
 */
#include "evs_design.h"

#include <math.h>
#include <string.h>

#include "evs_mem.h"

void evs_design_free(evs_design *d)
{
    if (!d->borrowed) {
        evs_free(d->y);
        evs_free(d->rm);
        evs_free(d->x);
    }
    evs_free(d->rf);
    memset(d, 0, sizeof *d);
}

static long factor_col(const evs_factors *ft, const char *const *alts)
{
    for (; *alts; alts++) {
        long c = evs_factors_col(ft, *alts);
        if (c >= 0)
            return c;
    }
    return -1;
}

evs_status evs_design_build(const evs_params *p, const evs_aligned *a, const evs_factors *ft, const char *factors_name,
                            evs_design *d, evs_err *e)
{
    memset(d, 0, sizeof *d);
    int lags = p->model == EVS_MODEL_DIMSON ? p->dimson_lags : 1;
    size_t k = (size_t)evs_model_nreg(p->model, lags), n = a->n;
    d->n = n;
    d->k = k;
    if (p->model == EVS_MODEL_CONSTANT_MEAN || p->model == EVS_MODEL_MARKET_ADJUSTED ||
        p->model == EVS_MODEL_MARKET) {
        /* y = R and x = (Rm) or (): the aligned arrays themselves, no copy */
        d->borrowed = 1;
        d->y = a->r;
        d->rm = a->rm;
        d->x = a->rm;
        if (p->model != EVS_MODEL_CONSTANT_MEAN)
            d->names[0] = "market";
        return EVS_OK;
    }
    int factors = evs_model_uses_factors(p->model);
    d->y = evs_malloc(n * sizeof *d->y + 1);
    d->rf = factors ? evs_malloc(n * sizeof *d->rf + 1) : NULL;
    d->rm = evs_malloc(n * sizeof *d->rm + 1);
    d->x = evs_malloc(n * k * sizeof *d->x + 1);
    if (!d->y || (factors && !d->rf) || !d->rm || !d->x) {
        evs_design_free(d);
        return evs_nomem(e);
    }
    for (size_t t = 0; t < n; t++) {
        d->y[t] = a->r[t];
        d->rm[t] = a->rm[t];
    }
    for (size_t t = 0; factors && t < n; t++)
        d->rf[t] = 0;
    switch (p->model) {
    case EVS_MODEL_CONSTANT_MEAN:
    case EVS_MODEL_MARKET_ADJUSTED:
    case EVS_MODEL_MARKET: break; /* borrowed above */
    case EVS_MODEL_TWO_INDEX:
        d->names[0] = "market";
        d->names[1] = "sector";
        for (size_t t = 0; t < n; t++) {
            d->x[2 * t] = a->rm[t];
            d->x[2 * t + 1] = a->rs ? a->rs[t] : NAN;
        }
        break;
    case EVS_MODEL_DIMSON:
    case EVS_MODEL_SCHOLES_WILLIAMS: {
        static const char *lagname[] = {"market-5", "market-4", "market-3", "market-2", "market-1", "market",
                                        "market+1", "market+2", "market+3", "market+4", "market+5"};
        for (int j = -lags; j <= lags; j++)
            d->names[j + lags] = lagname[j + EVS_DIMSON_MAX_LAGS];
        for (size_t t = 0; t < n; t++)
            for (int j = -lags; j <= lags; j++) {
                long s = (long)t + j;
                d->x[t * k + (size_t)(j + lags)] = s >= 0 && s < (long)n ? a->rm[s] : NAN;
            }
        break;
    }
    case EVS_MODEL_FF3:
    case EVS_MODEL_CARHART:
    case EVS_MODEL_FF5: {
        static const char *mkt[] = {"Mkt-RF", NULL}, *smb[] = {"SMB", NULL}, *hml[] = {"HML", NULL},
                          *mom[] = {"Mom", "UMD", "WML", NULL}, *rmw[] = {"RMW", NULL}, *cma[] = {"CMA", NULL},
                          *rfn[] = {"RF", NULL};
        const char *const *want[6] = {mkt, smb, hml, NULL, NULL, NULL};
        if (p->model == EVS_MODEL_CARHART)
            want[3] = mom;
        if (p->model == EVS_MODEL_FF5) {
            want[3] = rmw;
            want[4] = cma;
        }
        long col[6], crf;
        if (!ft) {
            evs_design_free(d);
            return evs_errf(e, EVS_ERR_DATA, "model %s: no factor file loaded", evs_model_name(p->model));
        }
        for (size_t j = 0; j < k; j++) {
            col[j] = factor_col(ft, want[j]);
            d->names[j] = want[j][0];
            if (col[j] < 0) {
                evs_design_free(d);
                return evs_errf(e, EVS_ERR_DATA, "%s: no %s column, which model %s needs", factors_name, want[j][0],
                                evs_model_name(p->model));
            }
        }
        if ((crf = factor_col(ft, rfn)) < 0) {
            evs_design_free(d);
            return evs_errf(e, EVS_ERR_DATA, "%s: no RF column, which model %s needs", factors_name,
                            evs_model_name(p->model));
        }
        size_t nc = ft->ncol;
        for (size_t t = 0; t < n; t++) {
            long r = evs_factors_find(ft, a->date[t]);
            if (r < 0) {
                d->y[t] = NAN;
                for (size_t j = 0; j < k; j++)
                    d->x[t * k + j] = NAN;
                d->rm[t] = a->rm[t];
                continue;
            }
            /* the factor rows this return spans: after the previous kept date, up to this one */
            long r0 = r;
            while (t > 0 && r0 > 0 && ft->date[r0 - 1] > a->date[t - 1])
                r0--;
            /* prod(1 + f) - 1 as expm1(sum log1p(f)): exact for a single day */
            double g[6] = {0}, grf = 0;
            for (long q = r0; q <= r; q++) {
                for (size_t j = 0; j < k; j++)
                    g[j] += log1p(ft->v[(size_t)q * nc + (size_t)col[j]]);
                grf += log1p(ft->v[(size_t)q * nc + (size_t)crf]);
            }
            d->rf[t] = expm1(grf);
            d->y[t] = a->r[t] - d->rf[t];
            for (size_t j = 0; j < k; j++)
                d->x[t * k + j] = expm1(g[j]);
            if (!isfinite(a->rm[t]))
                d->rm[t] = d->x[t * k] + d->rf[t];
        }
        break;
    }
    }
    return EVS_OK;
}
