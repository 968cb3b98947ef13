/*
 * model.c — estimating the normal-return models and the variances of their
 * forecast errors (see evs_model.h for the models and formulas).
 *
 * OLS with several regressors: GSL's gsl_multifit_linear_tsvd with the
 * tolerance gsl_multifit_linear itself uses (GSL_DBL_EPSILON), so the
 * solution is gsl_multifit_linear's; the rank it returns rejects a collinear
 * design (e.g. a factor constant over the window). GSL returns
 * cov = s^2 (X'X)^-1 with s^2 = SSR / (n - p); (X'X)^-1 is cov / s^2.
 *
 * Dimson (1979) JFE 7:197-226, "aggregated coefficients" estimator: regress
 * R_t on Rm_{t-N} .. Rm_{t+N} (OLS) and take beta = the sum of the 2N + 1
 * slopes.
 * Scholes & Williams (1977) JFE 5:309-327: beta = (b- + b0 + b+) / (1 + 2 rho),
 * where b-, b0, b+ are the simple OLS slopes of R_t on Rm_{t-1}, Rm_t and
 * Rm_{t+1} and rho the first-order autocorrelation of the market return
 * (here the Pearson correlation of Rm_t with Rm_{t-1} over E).
 * For both, alpha = mean(R) - beta mean(Rm) (Scholes & Williams 1977; the
 * convention of Eventus), residuals R - alpha - beta Rm and s^2 with L1 - 2.
 */
#include "evs_model.h"

#include <gsl/gsl_machine.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evs_mem.h"
#include "evs_sum.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

int evs_model_nreg(evs_model_kind kind, int lags)
{
    switch (kind) {
    case EVS_MODEL_CONSTANT_MEAN: return 0;
    case EVS_MODEL_MARKET_ADJUSTED:
    case EVS_MODEL_MARKET: return 1;
    case EVS_MODEL_TWO_INDEX: return 2;
    case EVS_MODEL_FF3: return 3;
    case EVS_MODEL_CARHART: return 4;
    case EVS_MODEL_FF5: return 5;
    case EVS_MODEL_DIMSON: return 2 * lags + 1;
    case EVS_MODEL_SCHOLES_WILLIAMS: return 3;
    }
    return 0;
}

int evs_model_uses_factors(evs_model_kind kind)
{
    return kind == EVS_MODEL_FF3 || kind == EVS_MODEL_CARHART || kind == EVS_MODEL_FF5;
}

static int one_beta(evs_model_kind kind)
{
    return kind == EVS_MODEL_MARKET || kind == EVS_MODEL_DIMSON || kind == EVS_MODEL_SCHOLES_WILLIAMS;
}

static int multi_ols(evs_model_kind kind)
{
    return kind == EVS_MODEL_TWO_INDEX || evs_model_uses_factors(kind);
}

/* The contemporaneous market return in a row of regressors. */
static double rm_of(const evs_fit *f, const double *x)
{
    return f->kind == EVS_MODEL_DIMSON || f->kind == EVS_MODEL_SCHOLES_WILLIAMS ? x[f->lags] : x[0];
}

static double mean_of(const double *v, size_t stride, size_t n)
{
    double m = 0;
    for (size_t t = 0; t < n; t++)
        m += v[t * stride];
    return m / (double)n;
}

/* OLS of y on (1, x) by GSL multifit; fills coef, xtxi, sigma2 and r2. */
static int fit_multi(evs_fit *f, const double *y, const double *x, size_t n, size_t k, char *reason, size_t rsz)
{
    size_t p = k + 1;
    if (n <= p) {
        snprintf(reason, rsz, "too few estimation returns for %zu regressors (n=%zu)", k, n);
        return -1;
    }
    /* the matrices live in evs_malloc'd memory (fault injection reaches them); only
     * GSL's SVD workspace is allocated by GSL */
    double *mem = evs_malloc((n * p + p * p + n + p) * sizeof *mem);
    gsl_multifit_linear_workspace *w = mem ? gsl_multifit_linear_alloc(n, p) : NULL;
    int rc = -1;
    if (!mem || !w) {
        snprintf(reason, rsz, "out of memory in the regression");
        evs_free(mem);
        if (w)
            gsl_multifit_linear_free(w);
        return -1;
    }
    gsl_matrix_view Xv = gsl_matrix_view_array(mem, n, p), Cv = gsl_matrix_view_array(mem + n * p, p, p);
    gsl_vector_view Yv = gsl_vector_view_array(mem + n * p + p * p, n), cv = gsl_vector_view_array(mem + n * p + p * p + n, p);
    gsl_matrix *X = &Xv.matrix, *cov = &Cv.matrix;
    gsl_vector *Y = &Yv.vector, *c = &cv.vector;
    for (size_t t = 0; t < n; t++) {
        gsl_matrix_set(X, t, 0, 1.0);
        for (size_t j = 0; j < k; j++)
            gsl_matrix_set(X, t, j + 1, x[t * k + j]);
        gsl_vector_set(Y, t, y[t]);
    }
    double chisq;
    size_t rank = 0;
    if (gsl_multifit_linear_tsvd(X, Y, GSL_DBL_EPSILON, c, cov, &chisq, &rank, w) != 0) {
        snprintf(reason, rsz, "regression failed");
        goto out;
    }
    if (rank < p) {
        snprintf(reason, rsz, "regressors collinear over the estimation window (rank %zu of %zu)", rank, p);
        goto out;
    }
    double s2 = chisq / (double)(n - p);
    for (size_t i = 0; i < p; i++) {
        f->coef[i] = gsl_vector_get(c, i);
        for (size_t j = 0; j < p; j++)
            f->xtxi[i * p + j] = s2 > 0 ? gsl_matrix_get(cov, i, j) / s2 : NAN;
    }
    double ym = mean_of(y, 1, n), sst = 0;
    for (size_t t = 0; t < n; t++)
        sst += (y[t] - ym) * (y[t] - ym);
    f->sigma2 = s2;
    f->r2 = sst > 0 ? 1.0 - chisq / sst : NAN;
    rc = 0;
out:
    evs_free(mem);
    gsl_multifit_linear_free(w);
    return rc;
}

/* Simple OLS slope of y on v (stride between values of v). */
static double slope(const double *y, const double *v, size_t stride, size_t n)
{
    double my = mean_of(y, 1, n), mv = mean_of(v, stride, n), sxy = 0, sxx = 0;
    for (size_t t = 0; t < n; t++) {
        double d = v[t * stride] - mv;
        sxy += d * (y[t] - my);
        sxx += d * d;
    }
    return sxy / sxx;
}

/* OLS of the market model R = alpha + beta Rm from centred sums (Campbell, Lo
 * & MacKinlay 1997, eqs. 4.4.5-4.4.8): beta = S_xy / S_xx, alpha = mean(R) -
 * beta mean(Rm), sigma^2 = sum (R - alpha - beta Rm)^2 / (L1 - 2), the
 * residuals summed directly rather than as S_yy - beta S_xy (no
 * cancellation); three passes, each in four lanes (evs_sum.h), two per SSE2
 * vector where the target has it (each lane rounds as the scalar code would:
 * the same bits). */
static int fit_market(evs_fit *f, const double *y, const double *x, size_t n, char *reason, size_t rsz)
{
    double mn = x[0], mx = x[0], sx[4] = {0}, sy[4] = {0};
    size_t t0 = 0; /* the days done by the SSE2 loops: lanes (0, 1) and (2, 3) in two vectors */
#if defined(__SSE2__)
    t0 = n & ~(size_t)3;
    {
        __m128d vmn = _mm_set1_pd(x[0]), vmx = vmn, x01 = _mm_setzero_pd(), x23 = x01, y01 = x01, y23 = x01;
        for (size_t t = 0; t < t0; t += 4) {
            __m128d xa = _mm_loadu_pd(x + t), xb = _mm_loadu_pd(x + t + 2);
            vmn = _mm_min_pd(_mm_min_pd(vmn, xa), xb);
            vmx = _mm_max_pd(_mm_max_pd(vmx, xa), xb);
            x01 = _mm_add_pd(x01, xa);
            x23 = _mm_add_pd(x23, xb);
            y01 = _mm_add_pd(y01, _mm_loadu_pd(y + t));
            y23 = _mm_add_pd(y23, _mm_loadu_pd(y + t + 2));
        }
        double a[2], b[2];
        _mm_storeu_pd(a, vmn);
        _mm_storeu_pd(b, vmx);
        mn = a[0] < a[1] ? a[0] : a[1];
        mx = b[0] > b[1] ? b[0] : b[1];
        evs_lanes_store(sx, x01, x23);
        evs_lanes_store(sy, y01, y23);
    }
#endif
#define P1(l, t)                                                                                                      \
    do {                                                                                                              \
        double v_ = x[t];                                                                                             \
        mn = v_ < mn ? v_ : mn;                                                                                       \
        mx = v_ > mx ? v_ : mx;                                                                                       \
        sx[l] += v_;                                                                                                  \
        sy[l] += y[t];                                                                                                \
    } while (0)
    EVS_LANES4_FROM(t0, n, P1);
#undef P1
    if (mn == mx) {
        snprintf(reason, rsz, "market return constant over the estimation window");
        return -1;
    }
    double m = EVS_SUM4(sx) / (double)n, ym = EVS_SUM4(sy) / (double)n, sxx[4] = {0}, sst[4] = {0}, sxy[4] = {0};
#if defined(__SSE2__)
    {
        const __m128d vm = _mm_set1_pd(m), vym = _mm_set1_pd(ym);
        __m128d xx01 = _mm_setzero_pd(), xx23 = xx01, tt01 = xx01, tt23 = xx01, xy01 = xx01, xy23 = xx01;
        for (size_t t = 0; t < t0; t += 4) {
            __m128d dxa = _mm_sub_pd(_mm_loadu_pd(x + t), vm), dxb = _mm_sub_pd(_mm_loadu_pd(x + t + 2), vm);
            __m128d dya = _mm_sub_pd(_mm_loadu_pd(y + t), vym), dyb = _mm_sub_pd(_mm_loadu_pd(y + t + 2), vym);
            xx01 = _mm_add_pd(xx01, _mm_mul_pd(dxa, dxa));
            xx23 = _mm_add_pd(xx23, _mm_mul_pd(dxb, dxb));
            tt01 = _mm_add_pd(tt01, _mm_mul_pd(dya, dya));
            tt23 = _mm_add_pd(tt23, _mm_mul_pd(dyb, dyb));
            xy01 = _mm_add_pd(xy01, _mm_mul_pd(dxa, dya));
            xy23 = _mm_add_pd(xy23, _mm_mul_pd(dxb, dyb));
        }
        evs_lanes_store(sxx, xx01, xx23);
        evs_lanes_store(sst, tt01, tt23);
        evs_lanes_store(sxy, xy01, xy23);
    }
#endif
#define P2(l, t)                                                                                                      \
    do {                                                                                                              \
        double dx_ = x[t] - m, dy_ = y[t] - ym;                                                                       \
        sxx[l] += dx_ * dx_;                                                                                          \
        sst[l] += dy_ * dy_;                                                                                          \
        sxy[l] += dx_ * dy_;                                                                                          \
    } while (0)
    EVS_LANES4_FROM(t0, n, P2);
#undef P2
    double Sxx = EVS_SUM4(sxx), Sst = EVS_SUM4(sst), c1 = EVS_SUM4(sxy) / Sxx, c0 = ym - c1 * m, ssr[4] = {0};
#if defined(__SSE2__)
    {
        const __m128d v0 = _mm_set1_pd(c0), v1 = _mm_set1_pd(c1);
        __m128d r01 = _mm_setzero_pd(), r23 = r01;
        for (size_t t = 0; t < t0; t += 4) {
            __m128d da = _mm_sub_pd(_mm_loadu_pd(y + t), _mm_add_pd(v0, _mm_mul_pd(v1, _mm_loadu_pd(x + t))));
            __m128d db = _mm_sub_pd(_mm_loadu_pd(y + t + 2), _mm_add_pd(v0, _mm_mul_pd(v1, _mm_loadu_pd(x + t + 2))));
            r01 = _mm_add_pd(r01, _mm_mul_pd(da, da));
            r23 = _mm_add_pd(r23, _mm_mul_pd(db, db));
        }
        evs_lanes_store(ssr, r01, r23);
    }
#endif
#define P3(l, t)                                                                                                      \
    do {                                                                                                              \
        double d_ = y[t] - (c0 + c1 * x[t]);                                                                          \
        ssr[l] += d_ * d_;                                                                                            \
    } while (0)
    EVS_LANES4_FROM(t0, n, P3);
#undef P3
    double Ssr = EVS_SUM4(ssr);
    if (!isfinite(c0) || !isfinite(c1) || !isfinite(Ssr)) {
        snprintf(reason, rsz, "market-model regression failed");
        return -1;
    }
    f->alpha = c0;
    f->beta = c1;
    f->coef[0] = c0;
    f->coef[1] = c1;
    f->sigma2 = Ssr / (double)(n - 2);
    f->r2 = Sst > 0 ? 1.0 - Ssr / Sst : NAN;
    f->rm_mean = m;
    f->rm_sxx = Sxx;
    return 0;
}

int evs_model_fit_x(evs_model_kind kind, int lags, const double *y, const double *x, size_t n, evs_fit *f,
                    char *reason, size_t rsz)
{
    int k = evs_model_nreg(kind, lags);
    f->kind = kind;
    f->L1 = (int)n;
    f->k = k;
    f->lags = kind == EVS_MODEL_DIMSON ? lags : kind == EVS_MODEL_SCHOLES_WILLIAMS ? 1 : 0;
    f->alpha = f->beta = f->r2 = f->rho_m = NAN;
    f->rm_mean = f->rm_sxx = NAN;
    f->sigma2 = NAN;
    for (int i = 0; i < EVS_MODEL_MAXP; i++)
        f->coef[i] = NAN;
    for (int i = 0; i < EVS_MODEL_MAXP * EVS_MODEL_MAXP; i++)
        f->xtxi[i] = NAN;
    f->dof = one_beta(kind) ? (int)n - 2 : multi_ols(kind) ? (int)n - k - 1 : (int)n - 1;
    if (k > EVS_MODEL_MAXK) {
        snprintf(reason, rsz, "too many regressors (%d)", k);
        return -1;
    }
    if (n < 3 || f->dof < 1) {
        snprintf(reason, rsz, "too few estimation returns (n=%zu)", n);
        return -1;
    }
    if (kind == EVS_MODEL_CONSTANT_MEAN) {
        double m = 0, ss = 0;
        for (size_t t = 0; t < n; t++)
            m += y[t];
        m /= (double)n;
        for (size_t t = 0; t < n; t++)
            ss += (y[t] - m) * (y[t] - m);
        f->alpha = m;
        f->sigma2 = ss / (double)(n - 1);
    } else if (kind == EVS_MODEL_MARKET_ADJUSTED) {
        double m = 0, ss = 0;
        for (size_t t = 0; t < n; t++)
            m += y[t] - x[t];
        m /= (double)n;
        for (size_t t = 0; t < n; t++) {
            double d = y[t] - x[t] - m;
            ss += d * d;
        }
        f->sigma2 = ss / (double)(n - 1);
    } else if (multi_ols(kind)) {
        for (size_t j = 0; j < (size_t)k; j++) {
            double mn = x[j], mx = x[j];
            for (size_t t = 0; t < n; t++) {
                mn = x[t * k + j] < mn ? x[t * k + j] : mn;
                mx = x[t * k + j] > mx ? x[t * k + j] : mx;
            }
            if (mn == mx) {
                snprintf(reason, rsz, "regressor %zu constant over the estimation window", j + 1);
                return -1;
            }
        }
        if (fit_multi(f, y, x, n, (size_t)k, reason, rsz) != 0)
            return -1;
        f->alpha = f->coef[0];
        f->beta = f->coef[1];
    } else if (kind == EVS_MODEL_MARKET) {
        if (fit_market(f, y, x, n, reason, rsz) != 0)
            return -1;
    } else {
        /* one beta: dimson, scholes-williams */
        size_t c = (size_t)f->lags; /* column of Rm_t */
        double mn = x[c], mx = x[c], m = 0, sxx = 0, ym = 0, sst = 0;
        for (size_t t = 0; t < n; t++) {
            double v = x[t * k + c];
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
            m += v;
            ym += y[t];
        }
        if (mn == mx) {
            snprintf(reason, rsz, "market return constant over the estimation window");
            return -1;
        }
        m /= (double)n;
        ym /= (double)n;
        for (size_t t = 0; t < n; t++) {
            double dx = x[t * k + c] - m, dy = y[t] - ym;
            sxx += dx * dx;
            sst += dy * dy;
        }
        double b;
        if (kind == EVS_MODEL_DIMSON) {
            /* Dimson (1979): OLS on Rm_{t-N..t+N}, beta = sum of the slopes. */
            evs_fit tmp = *f;
            if (fit_multi(&tmp, y, x, n, (size_t)k, reason, rsz) != 0)
                return -1;
            memcpy(f->coef, tmp.coef, sizeof f->coef);
            f->r2 = tmp.r2;
            b = 0;
            for (int j = 1; j <= k; j++)
                b += tmp.coef[j];
        } else {
            /* Scholes & Williams (1977): (b- + b0 + b+) / (1 + 2 rho_m). */
            double bm = slope(y, x + 0, 3, n), b0 = slope(y, x + 1, 3, n), bp = slope(y, x + 2, 3, n);
            double m0 = mean_of(x + 0, 3, n), m1 = mean_of(x + 1, 3, n), s01 = 0, s00 = 0, s11 = 0;
            for (size_t t = 0; t < n; t++) {
                double a0 = x[t * 3] - m0, a1 = x[t * 3 + 1] - m1;
                s01 += a0 * a1;
                s00 += a0 * a0;
                s11 += a1 * a1;
            }
            f->rho_m = s01 / sqrt(s00 * s11);
            f->coef[1] = bm;
            f->coef[2] = b0;
            f->coef[3] = bp;
            b = (bm + b0 + bp) / (1.0 + 2.0 * f->rho_m);
        }
        if (!isfinite(b)) {
            snprintf(reason, rsz, "%s beta not finite", evs_model_name(kind));
            return -1;
        }
        double a = ym - b * m, ssr = 0;
        for (size_t t = 0; t < n; t++) {
            double u = y[t] - a - b * x[t * k + c];
            ssr += u * u;
        }
        f->alpha = a;
        f->beta = b;
        f->sigma2 = ssr / (double)(n - 2);
        if (kind == EVS_MODEL_SCHOLES_WILLIAMS)
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

int evs_model_can_predict(const evs_fit *f, const double *x)
{
    if (f->kind == EVS_MODEL_CONSTANT_MEAN)
        return 1;
    if (one_beta(f->kind) || f->kind == EVS_MODEL_MARKET_ADJUSTED)
        return isfinite(rm_of(f, x));
    for (int j = 0; j < f->k; j++)
        if (!isfinite(x[j]))
            return 0;
    return 1;
}

double evs_model_expected_x(const evs_fit *f, const double *x)
{
    switch (f->kind) {
    case EVS_MODEL_CONSTANT_MEAN: return f->alpha;
    case EVS_MODEL_MARKET_ADJUSTED: return x[0];
    case EVS_MODEL_MARKET:
    case EVS_MODEL_DIMSON:
    case EVS_MODEL_SCHOLES_WILLIAMS: return evs_model_expected_1b(f, rm_of(f, x));
    default: {
        double e = f->coef[0];
        for (int j = 0; j < f->k; j++)
            e += f->coef[j + 1] * x[j];
        return e;
    }
    }
}

/* g' (X'X)^-1 g for g = (c, x) */
static double quad(const evs_fit *f, double c, const double *x)
{
    int p = f->k + 1;
    double g[EVS_MODEL_MAXP], q = 0;
    g[0] = c;
    for (int j = 0; j < f->k; j++)
        g[j + 1] = x[j];
    for (int i = 0; i < p; i++)
        for (int j = 0; j < p; j++)
            q += g[i] * f->xtxi[i * p + j] * g[j];
    return q;
}

double evs_model_var_ar_x(const evs_fit *f, const double *x)
{
    double L1 = f->L1;
    switch (f->kind) {
    case EVS_MODEL_CONSTANT_MEAN: return f->sigma2 * (1.0 + 1.0 / L1);
    case EVS_MODEL_MARKET_ADJUSTED: return f->sigma2;
    case EVS_MODEL_MARKET:
    case EVS_MODEL_DIMSON:
    case EVS_MODEL_SCHOLES_WILLIAMS: return evs_model_var_ar_1b(f, rm_of(f, x));
    default: return f->sigma2 * (1.0 + quad(f, 1.0, x));
    }
}

double evs_model_var_car_x(const evs_fit *f, const double *xw, size_t n)
{
    double L1 = f->L1, L2 = (double)n;
    size_t k = (size_t)f->k;
    switch (f->kind) {
    case EVS_MODEL_CONSTANT_MEAN: return f->sigma2 * (L2 + L2 * L2 / L1);
    case EVS_MODEL_MARKET_ADJUSTED: return f->sigma2 * L2;
    case EVS_MODEL_MARKET:
    case EVS_MODEL_DIMSON:
    case EVS_MODEL_SCHOLES_WILLIAMS: {
        double s = 0;
        for (size_t t = 0; t < n; t++)
            s += rm_of(f, xw + t * k) - f->rm_mean;
        return f->sigma2 * (L2 + L2 * L2 / L1 + s * s / f->rm_sxx);
    }
    default: {
        double g[EVS_MODEL_MAXK] = {0};
        for (size_t t = 0; t < n; t++)
            for (size_t j = 0; j < k; j++)
                g[j] += xw[t * k + j];
        return f->sigma2 * (L2 + quad(f, L2, g));
    }
    }
}

/* ---- the single-market interface ---------------------------------------- */

int evs_model_fit(evs_model_kind kind, const double *r, const double *rm, size_t n, evs_fit *f, char *reason,
                  size_t rsz)
{
    return evs_model_fit_x(kind, 0, r, kind == EVS_MODEL_CONSTANT_MEAN ? NULL : rm, n, f, reason, rsz);
}

double evs_model_expected(const evs_fit *f, double rm)
{
    return evs_model_expected_x(f, &rm);
}

double evs_model_var_ar(const evs_fit *f, double rm)
{
    return evs_model_var_ar_x(f, &rm);
}

double evs_model_var_car(const evs_fit *f, const double *rm, size_t L2)
{
    return evs_model_var_car_x(f, rm, L2);
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The loop below four days a step, where the processor has AVX (asked at run
 * time: the build targets plain x86-64): two divisions and a square root a
 * day bound it, and a 256-bit division takes about as long as a 128-bit one.
 * Each lane does the scalar operations, rounded alike (no fused multiply-add
 * in an AVX-only function): the same bits. Returns the days done. */
__attribute__((target("avx"))) static size_t residuals_1b_avx(const evs_fit *f, const double *r, const double *rm,
                                                              size_t n, double *ar, double *sar)
{
    const __m256d alpha = _mm256_set1_pd(f->alpha), beta = _mm256_set1_pd(f->beta),
                  mean = _mm256_set1_pd(f->rm_mean), sxx = _mm256_set1_pd(f->rm_sxx),
                  s2 = _mm256_set1_pd(f->sigma2), c = _mm256_set1_pd(1.0 + 1.0 / (double)f->L1);
    size_t t = 0;
    for (; t + 4 <= n; t += 4) {
        __m256d x = _mm256_loadu_pd(rm + t), y = _mm256_loadu_pd(r + t);
        __m256d a = _mm256_sub_pd(y, _mm256_add_pd(alpha, _mm256_mul_pd(beta, x)));
        __m256d d = _mm256_sub_pd(x, mean);
        __m256d v = _mm256_mul_pd(s2, _mm256_add_pd(c, _mm256_div_pd(_mm256_mul_pd(d, d), sxx)));
        _mm256_storeu_pd(ar + t, a);
        _mm256_storeu_pd(sar + t, _mm256_div_pd(a, _mm256_sqrt_pd(v)));
    }
    return t;
}
#endif

void evs_model_residuals_1b(const evs_fit *f, const double *r, const double *rm, size_t n, double *ar, double *sar)
{
    size_t t = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx"))
        t = residuals_1b_avx(f, r, rm, n, ar, sar);
#endif
#if defined(__SSE2__)
    /* evs_model_expected_1b and evs_model_var_ar_1b, lane by lane, with the
     * same operations in the same order: alpha + beta rm, and
     * s^2 ((1 + 1/L1) + (d d) / Sxx) with d = rm - rm_bar */
    const __m128d alpha = _mm_set1_pd(f->alpha), beta = _mm_set1_pd(f->beta), mean = _mm_set1_pd(f->rm_mean),
                  sxx = _mm_set1_pd(f->rm_sxx), s2 = _mm_set1_pd(f->sigma2),
                  c = _mm_set1_pd(1.0 + 1.0 / (double)f->L1);
    for (; t + 2 <= n; t += 2) {
        __m128d x = _mm_loadu_pd(rm + t), y = _mm_loadu_pd(r + t);
        __m128d a = _mm_sub_pd(y, _mm_add_pd(alpha, _mm_mul_pd(beta, x)));
        __m128d d = _mm_sub_pd(x, mean);
        __m128d v = _mm_mul_pd(s2, _mm_add_pd(c, _mm_div_pd(_mm_mul_pd(d, d), sxx)));
        _mm_storeu_pd(ar + t, a);
        _mm_storeu_pd(sar + t, _mm_div_pd(a, _mm_sqrt_pd(v)));
    }
#endif
    for (; t < n; t++) {
        ar[t] = r[t] - evs_model_expected_1b(f, rm[t]);
        sar[t] = ar[t] / sqrt(evs_model_var_ar_1b(f, rm[t]));
    }
}
