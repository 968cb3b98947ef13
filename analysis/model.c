/*
 * model.c — estimating the normal-return models and the variances of their
 * forecast errors (see evs_model.h for the models).
 *
 * Variances, with L1 estimation days, L2 event-window days:
 *  market model (CLM sections 4.4.2-4.4.3: variance of the forecast error
 *  and of its sum over the window; MacKinlay 1997 section 5):
 *    Var(AR_t)  = s^2 [1 + 1/L1 + (Rm_t - Rm_bar)^2 / Sxx]
 *    Var(CAR)   = s^2 [L2 + L2^2/L1 + (sum_W (Rm_t - Rm_bar))^2 / Sxx]
 *  constant mean (CLM section 4.4.2, same derivation with no regressor):
 *    Var(AR_t) = s^2 (1 + 1/L1),   Var(CAR) = s^2 (L2 + L2^2/L1)
 *  market-adjusted (no parameters estimated):
 *    Var(AR_t) = s^2,              Var(CAR) = L2 s^2
 * The market model is fitted with GSL's gsl_fit_linear (OLS).
 */
#include "evs_model.h"

#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdio.h>

int evs_model_fit(evs_model_kind kind, const double *r, const double *rm, size_t n, evs_fit *f, char *reason,
                  size_t rsz)
{
    f->kind = kind;
    f->L1 = (int)n;
    f->alpha = f->beta = f->r2 = NAN;
    f->rm_mean = f->rm_sxx = NAN;
    f->sigma2 = NAN;
    f->dof = kind == EVS_MODEL_MARKET ? (int)n - 2 : (int)n - 1;
    if (n < 3) {
        snprintf(reason, rsz, "too few estimation returns (n=%zu)", n);
        return -1;
    }
    if (kind == EVS_MODEL_CONSTANT_MEAN) {
        double m = 0, ss = 0;
        for (size_t t = 0; t < n; t++)
            m += r[t];
        m /= (double)n;
        for (size_t t = 0; t < n; t++)
            ss += (r[t] - m) * (r[t] - m);
        f->alpha = m;
        f->sigma2 = ss / (double)(n - 1);
    } else if (kind == EVS_MODEL_MARKET_ADJUSTED) {
        double m = 0, ss = 0;
        for (size_t t = 0; t < n; t++)
            m += r[t] - rm[t];
        m /= (double)n;
        for (size_t t = 0; t < n; t++) {
            double d = r[t] - rm[t] - m;
            ss += d * d;
        }
        f->sigma2 = ss / (double)(n - 1);
    } else {
        /* gsl_fit_linear checks neither n nor a varying x: check both first. */
        double mn = rm[0], mx = rm[0], m = 0, sxx = 0;
        for (size_t t = 0; t < n; t++) {
            mn = rm[t] < mn ? rm[t] : mn;
            mx = rm[t] > mx ? rm[t] : mx;
            m += rm[t];
        }
        if (mn == mx) {
            snprintf(reason, rsz, "market return constant over the estimation window");
            return -1;
        }
        m /= (double)n;
        for (size_t t = 0; t < n; t++)
            sxx += (rm[t] - m) * (rm[t] - m);
        double c0, c1, cov00, cov01, cov11, ssr;
        if (gsl_fit_linear(rm, 1, r, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &ssr) != 0 || !isfinite(c0) ||
            !isfinite(c1)) {
            snprintf(reason, rsz, "market-model regression failed");
            return -1;
        }
        double ym = 0, sst = 0;
        for (size_t t = 0; t < n; t++)
            ym += r[t];
        ym /= (double)n;
        for (size_t t = 0; t < n; t++)
            sst += (r[t] - ym) * (r[t] - ym);
        f->alpha = c0;
        f->beta = c1;
        f->sigma2 = ssr / (double)(n - 2);
        f->r2 = sst > 0 ? 1.0 - ssr / sst : NAN;
        f->rm_mean = m;
        f->rm_sxx = sxx;
    }
    if (!(f->sigma2 > 0) || !isfinite(f->sigma2)) {
        snprintf(reason, rsz, "zero residual variance over the estimation window (constant prices?)");
        return -1;
    }
    return 0;
}

double evs_model_expected(const evs_fit *f, double rm)
{
    switch (f->kind) {
    case EVS_MODEL_CONSTANT_MEAN: return f->alpha;
    case EVS_MODEL_MARKET_ADJUSTED: return rm;
    case EVS_MODEL_MARKET: return f->alpha + f->beta * rm;
    }
    return NAN;
}

double evs_model_var_ar(const evs_fit *f, double rm)
{
    double L1 = f->L1;
    switch (f->kind) {
    case EVS_MODEL_CONSTANT_MEAN: return f->sigma2 * (1.0 + 1.0 / L1);
    case EVS_MODEL_MARKET_ADJUSTED: return f->sigma2;
    case EVS_MODEL_MARKET: {
        double d = rm - f->rm_mean;
        return f->sigma2 * (1.0 + 1.0 / L1 + d * d / f->rm_sxx);
    }
    }
    return NAN;
}

double evs_model_var_car(const evs_fit *f, const double *rm, size_t n)
{
    double L1 = f->L1, L2 = (double)n;
    switch (f->kind) {
    case EVS_MODEL_CONSTANT_MEAN: return f->sigma2 * (L2 + L2 * L2 / L1);
    case EVS_MODEL_MARKET_ADJUSTED: return f->sigma2 * L2;
    case EVS_MODEL_MARKET: {
        double s = 0;
        for (size_t t = 0; t < n; t++)
            s += rm[t] - f->rm_mean;
        return f->sigma2 * (L2 + L2 * L2 / L1 + s * s / f->rm_sxx);
    }
    }
    return NAN;
}
