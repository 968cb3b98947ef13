/*
 * firm.c — abnormal returns of one firm-event (see evs_firm.h).
 *
 * Definitions (CLM 1997 section 4.4; MacKinlay 1997):
 *   AR_t   = R_t - E[R_t]                       abnormal return
 *   SAR_t  = AR_t / sqrt(Var(AR_t))             standardized AR (Patell 1976)
 *   CAR    = sum_W AR_t;  SCAR = CAR / sqrt(Var(CAR))   (CLM section 4.4.3)
 *   CSAR   = sum_W SAR_t                        (Patell 1976, window form)
 *   BHAR   = prod_W (1 + R_t) - prod_W (1 + E[R_t])     (Lyon, Barber & Tsai 1999);
 *            with log returns, exp(sum R_t) - exp(sum E[R_t]).
 * Ranks for Corrado (1989): all AR of the estimation window and the event
 * span ranked together, ties given their average rank; the median of the
 * same values for the Corrado & Zivney (1992) sign test.
 */
#include "evs_firm.h"

#include <math.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "evs_date.h"
#include "evs_design.h"
#include "evs_fmt.h"
#include "evs_mem.h"
#include "evs_rank.h"
#include "evs_sum.h"

void evs_firm_free(evs_firm *f)
{
    evs_free(f->block); /* every array below lives in it (evs_firm_compute_d) */
    f->block = NULL;
    f->est_off = NULL;
    f->est_date = NULL;
    f->est_ar = f->est_sar = f->sp_r = f->sp_rm = f->sp_exp = f->sp_ar = f->sp_var = f->sp_sar = f->sp_car = NULL;
    f->sp_date = NULL;
    f->car = f->var_car = f->scar = f->csar = f->bhar = NULL;
    f->rank_est = f->rank_span = f->rank_sar = NULL;
    f->est_moments = 0;
}

void evs_firm_exclude(evs_firm *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    f->ok = 0;
    vsnprintf(f->reason, sizeof f->reason, fmt, ap);
    va_end(ap);
}

/* Every y[t] and x[t], t < n, is finite (two at a time with SSE2: |v| < inf,
 * which NaN fails too). */
static int all_finite(const double *y, const double *x, size_t n)
{
    size_t t = 0;
#if defined(__SSE2__)
    const __m128d absm = _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffff)), inf = _mm_set1_pd(INFINITY);
    __m128d ok = _mm_cmpeq_pd(inf, inf);
    for (; t + 2 <= n; t += 2) {
        __m128d u = _mm_and_pd(_mm_loadu_pd(y + t), absm), v = _mm_and_pd(_mm_loadu_pd(x + t), absm);
        ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmplt_pd(u, inf), _mm_cmplt_pd(v, inf)));
    }
    if (_mm_movemask_pd(ok) != 3)
        return 0;
#endif
    for (; t < n; t++)
        if (!isfinite(y[t]) || !isfinite(x[t]))
            return 0;
    return 1;
}

evs_status evs_firm_compute(evs_firm *f, const evs_aligned *a, const evs_params *p, int event_date, evs_err *e)
{
    evs_design d;
    evs_status st = evs_design_build(p, a, NULL, NULL, &d, e);
    if (st != EVS_OK)
        return st;
    st = evs_firm_compute_d(f, a, &d, p, event_date, NULL, e);
    evs_design_free(&d);
    return st;
}

evs_status evs_firm_compute_d(evs_firm *f, const evs_aligned *a, const evs_design *dz, const evs_params *p,
                              int event_date, const unsigned char *skip, evs_err *e)
{
    f->ok = 0;
    f->est_moments = 0;
    f->day0_date = f->est_first_date = f->est_last_date = EVS_NO_DATE;
    f->n_removed = 0;
    f->fit.L1 = 0;
    f->fit.k = (int)dz->k;
    f->fit.alpha = f->fit.beta = f->fit.sigma2 = f->fit.r2 = NAN;
    f->fit.kind = p->model;
    for (size_t j = 0; j < EVS_MODEL_MAXK; j++)
        f->xnames[j] = j < dz->k ? dz->names[j] : NULL;
    char w1[32], w2[32];
    /* the event span */
    int s1 = p->windows[0].first, s2 = p->windows[0].last;
    for (size_t w = 1; w < p->nwindows; w++) {
        s1 = p->windows[w].first < s1 ? p->windows[w].first : s1;
        s2 = p->windows[w].last > s2 ? p->windows[w].last : s2;
    }
    f->span_first = s1;
    f->span_last = s2;
    for (size_t w = 0; w < p->nwindows; w++)
        if (p->windows[w].first <= p->estimation.last && p->windows[w].last >= p->estimation.first) {
            evs_firm_exclude(f, "estimation window %s overlaps event window %s", evs_window_format(p->estimation, w1),
                             evs_window_format(p->windows[w], w2));
            return EVS_OK;
        }
    if (a->n == 0) {
        evs_firm_exclude(f, "no common dates with the market");
        return EVS_OK;
    }
    long k0 = evs_aligned_day0(a, event_date);
    char d1[11], d2[11];
    if (k0 < 0) {
        evs_date_format(event_date, d1);
        evs_date_format(a->date[a->n - 1], d2);
        evs_firm_exclude(f, "event date %s is beyond the data (last common date %s)", d1, d2);
        return EVS_OK;
    }
    f->day0_date = a->date[k0];
    if (k0 + s1 < 0 || k0 + s2 >= (long)a->n) {
        evs_window sp = {.first = s1, .last = s2};
        evs_window_format(sp, w1);
        evs_date_format(k0 + s1 < 0 ? a->date[0] : a->date[a->n - 1], d2);
        evs_firm_exclude(f, "event span %s does not fit in the data (%s return %s)", w1,
                         k0 + s1 < 0 ? "first" : "last", d2);
        return EVS_OK;
    }
    long e1 = k0 + p->estimation.first, e2 = k0 + p->estimation.last;
    if (e2 < 0 || (e1 < 0 && e2 < 0)) {
        evs_date_format(a->date[0], d2);
        evs_firm_exclude(f, "estimation window %s does not fit in the data (first return %s)",
                         evs_window_format(p->estimation, w1), d2);
        return EVS_OK;
    }
    /* Estimation hygiene (DESIGN.md): days inside other events' windows (skip) are
     * removed and the window extended backwards to keep its nominal length. */
    long want = e2 - e1 + 1, lo = e2, kept = 0;
    for (long t = e2; t >= 0; t--) {
        if (skip && skip[t]) {
            f->n_removed++;
            continue;
        }
        lo = t;
        if (++kept == want)
            break;
    }
    /* one scratch block for the fit and the ranks (freed below) instead of six
     * allocations: a firm-event's cost is a few microseconds, malloc's is not
     * negligible. Sized for every row of the window (B >= L1), so the usable
     * rows are found and gathered in one pass. */
    size_t kx = dz->k, B = (size_t)(e2 - lo + 1);
    size_t ns = (size_t)(s2 - s1 + 1), nw = p->nwindows, nb = B + ns;
    evs_ranked *tmp = evs_malloc(nb * sizeof *tmp + B * sizeof(long) + (B * (kx + 1) + 2 * nb) * sizeof(double) +
                                 2 * nb * sizeof(uint32_t));
    if (!tmp)
        return evs_nomem(e);
    long *eidx = (long *)(tmp + nb);
    double *gy = (double *)(eidx + B), *gx = gy + B, *all = gx + B * kx, *rk = all + nb;
    const double *ey = gy, *ex = gx; /* the estimation rows' y and x: gathered, or the design's own */
    uint32_t *order = (uint32_t *)(rk + nb), *est_order = order + nb;
    size_t L1 = 0;
    if (kx == 1 && !skip && all_finite(dz->y + lo, dz->x + lo, B)) {
        /* one regressor (the market model) and every row usable, the usual
         * case: the rows are the design's own, in place */
        ey = dz->y + lo;
        ex = dz->x + lo;
        for (L1 = 0; L1 < B; L1++)
            eidx[L1] = lo + (long)L1;
    } else if (kx == 1 && !skip) { /* one regressor: no per-row copy call */
        for (long t = lo; t <= e2; t++)
            if (isfinite(dz->y[t]) && isfinite(dz->x[t])) {
                eidx[L1] = t;
                gy[L1] = dz->y[t];
                gx[L1] = dz->x[t];
                L1++;
            }
    } else {
        for (long t = lo; t <= e2; t++)
            if (!(skip && skip[t]) && evs_design_row_ok(dz, (size_t)t)) {
                eidx[L1] = t;
                gy[L1] = dz->y[t];
                memcpy(gx + L1 * kx, dz->x + (size_t)t * kx, kx * sizeof *gx);
                L1++;
            }
    }
    f->n_est = L1;
    f->est_first_date = a->date[lo];
    f->est_last_date = a->date[e2];
    f->fit.L1 = (int)L1;
    size_t nall = L1 + ns;
    if ((int)L1 < p->min_estimation) {
        snprintf(f->reason, sizeof f->reason, "too few estimation returns (n=%zu, min_estimation=%d)", L1,
                 p->min_estimation);
        evs_free(tmp);
        return EVS_OK;
    }
    if (nall >= ((size_t)1 << 23)) { /* the midranks are kept as float (evs_firm.h) */
        evs_firm_exclude(f, "estimation and event windows of %zu returns: more than 8,388,607", nall);
        evs_free(tmp);
        return EVS_OK;
    }
    int frc = evs_model_fit_x(p->model, p->dimson_lags, ey, ex, L1, &f->fit, f->reason, sizeof f->reason);
    if (frc != 0) {
        evs_free(tmp);
        return EVS_OK;
    }
    /* every span day needs what the prediction uses */
    for (long t = k0 + s1; t <= k0 + s2; t++)
        if (!isfinite(dz->y[t]) || !evs_model_can_predict(&f->fit, dz->x + (size_t)t * dz->k)) {
            evs_date_format(a->date[t], d2);
            evs_firm_exclude(f, "%s has no %s on event-window day %s", f->symbol ? f->symbol : "security",
                             isfinite(dz->y[t]) ? "market lead or lag" : "factor row", d2);
            evs_free(tmp);
            return EVS_OK;
        }

    f->n_span = ns;
    f->nw = nw;
    /* Kept for the whole run, these arrays are most of a study's memory, and
     * first touches of fresh memory are a large part of a firm-event's cost:
     * consecutive offsets are not stored (est_off0 and evs_firm_est_off), and
     * the dates point into the security's own date column when they are a
     * run of it (a->date_src: the usual case, no day removed) */
    int contig = L1 > 0 && eidx[L1 - 1] - eidx[0] == (long)L1 - 1;
    const int *borrow = NULL;
    if (a->date_src && L1 > 0) {
        size_t r0 = evs_date_lower(a->date_src, a->date_src_n, a->date[eidx[0]]);
        if (r0 + L1 <= a->date_src_n) {
            borrow = a->date_src + r0;
            for (size_t t = 0; t < L1 && borrow; t++)
                if (borrow[t] != a->date[eidx[t]])
                    borrow = NULL;
        }
    }
    /* the firm-event's arrays, in one block that evs_firm_free releases:
     * doubles (2 L1 + 7 ns + 5 nw), then ints (offsets unless consecutive,
     * dates unless borrowed, the span's dates), then floats (2 L1 + ns) */
    size_t nd = 2 * L1 + 7 * ns + 5 * nw, ni = (contig ? 0 : L1) + (borrow ? 0 : L1) + ns, nf = 2 * L1 + ns;
    double *blk = evs_malloc(nd * sizeof(double) + ni * sizeof(int) + nf * sizeof(float));
    if (!blk) {
        evs_free(tmp);
        return evs_nomem(e);
    }
    f->block = blk;
    double **da[] = {&f->est_ar, &f->est_sar};
    for (size_t i = 0; i < sizeof da / sizeof *da; i++, blk += L1)
        *da[i] = blk;
    double **spa[] = {&f->sp_r, &f->sp_rm, &f->sp_exp, &f->sp_ar, &f->sp_var, &f->sp_sar, &f->sp_car};
    for (size_t i = 0; i < sizeof spa / sizeof *spa; i++, blk += ns)
        *spa[i] = blk;
    double **wa[] = {&f->car, &f->var_car, &f->scar, &f->csar, &f->bhar};
    for (size_t i = 0; i < sizeof wa / sizeof *wa; i++, blk += nw)
        *wa[i] = blk;
    int *ib = (int *)blk, *ed = NULL;
    f->est_off0 = L1 ? (int)(eidx[0] - k0) : 0;
    f->est_off = contig ? NULL : ib;
    ib += contig ? 0 : L1;
    if (borrow) {
        f->est_date = borrow;
    } else {
        f->est_date = ed = ib;
        ib += L1;
    }
    f->sp_date = ib;
    float *fb = (float *)(ib + ns);
    f->rank_est = fb;
    f->rank_sar = fb + L1;
    f->rank_span = fb + 2 * L1;
    /* estimation offsets and dates, where not implied or borrowed */
    for (size_t t = 0; f->est_off && t < L1; t++)
        f->est_off[t] = (int)(eidx[t] - k0);
    for (size_t t = 0; ed && t < L1; t++)
        ed[t] = a->date[eidx[t]];
    if (p->model == EVS_MODEL_MARKET) {
        /* the market model over the estimation rows already gathered in ey, ex
         * (x = Rm): evs_model_expected_x and evs_model_var_ar_x's values, two
         * days a step instead of two calls a day */
        evs_model_residuals_1b(&f->fit, ey, ex, L1, f->est_ar, f->est_sar);
    } else {
        for (size_t t = 0; t < L1; t++) {
            const double *xk = dz->x + (size_t)eidx[t] * kx;
            f->est_ar[t] = dz->y[eidx[t]] - evs_model_expected_x(&f->fit, xk);
            f->est_sar[t] = f->est_ar[t] / sqrt(evs_model_var_ar_x(&f->fit, xk));
        }
    }
    /* the event span */
    double car = 0;
    for (size_t t = 0; t < ns; t++) {
        long k = k0 + s1 + (long)t;
        const double *xk = dz->x + (size_t)k * kx;
        f->sp_date[t] = a->date[k];
        f->sp_r[t] = a->r[k];
        f->sp_rm[t] = dz->rm[k];
        f->sp_exp[t] = evs_design_rf(dz, (size_t)k) + evs_model_expected_x(&f->fit, xk);
        f->sp_ar[t] = a->r[k] - f->sp_exp[t];
        f->sp_var[t] = evs_model_var_ar_x(&f->fit, xk);
        f->sp_sar[t] = f->sp_ar[t] / sqrt(f->sp_var[t]);
        car += f->sp_ar[t];
        f->sp_car[t] = car;
    }
    /* windows */
    for (size_t w = 0; w < nw; w++) {
        size_t i0 = (size_t)(p->windows[w].first - s1), i1 = (size_t)(p->windows[w].last - s1);
        double c = 0, cs = 0, lr = 0, le = 0, pr = 1, pe = 1;
        for (size_t i = i0; i <= i1; i++) {
            c += f->sp_ar[i];
            cs += f->sp_sar[i];
            if (p->returns == EVS_RET_LOG) {
                lr += f->sp_r[i];
                le += f->sp_exp[i];
            } else {
                pr *= 1.0 + f->sp_r[i];
                pe *= 1.0 + f->sp_exp[i];
            }
        }
        f->car[w] = c;
        f->var_car[w] = evs_model_var_car_x(&f->fit, dz->x + (size_t)(k0 + s1 + (long)i0) * kx, i1 - i0 + 1);
        f->scar[w] = c / sqrt(f->var_car[w]);
        f->csar[w] = cs;
        f->bhar[w] = p->returns == EVS_RET_LOG ? exp(lr) - exp(le) : pr - pe;
    }
    /* Corrado ranks over E and the span together */
    memcpy(all, f->est_ar, L1 * sizeof *all);
    memcpy(all + L1, f->sp_ar, ns * sizeof *all);
    /* ... and the median over E and the span (the middle of the same sorted values) */
    evs_rank_avg_ord(all, nall, rk, tmp, &f->median_ar, order);
    for (size_t t = 0; t < L1; t++)
        f->rank_est[t] = (float)rk[t];
    for (size_t t = 0; t < ns; t++)
        f->rank_span[t] = (float)rk[L1 + t];
    /* ... and the ranks of the SARs within E, from which every sample's GRANK
     * ranks follow (evs_tests.c): here, in the parallel phase, once per firm-event.
     * SAR_t = AR_t / sd_t with sd_t within a few per cent of s on most days, so
     * the ARs' order (the estimation days of the sort above) is nearly the SARs'
     * order: an insertion sort from it costs a tenth of a sort from scratch
     * (evs_rank_avg_near; the same ranks whatever the hint). */
    size_t ne = 0;
    for (size_t k = 0; k < nall; k++)
        if (order[k] < L1)
            est_order[ne++] = order[k];
    evs_rank_avg_near(f->est_sar, L1, est_order, rk, tmp, NULL);
    for (size_t t = 0; t < L1; t++)
        f->rank_sar[t] = (float)rk[t];
    evs_free(tmp);
    /* the moments every r-bar pair on the same dates needs (evs_kp_rbar) */
    /* (in four lanes, evs_sum.h, as evs_cda_sd and pair_corr number them) */
    const double *ar = f->est_ar;
    double sa[4] = {0}, ds[4] = {0}, ss[4] = {0};
    size_t t0 = 0; /* the days the SSE2 loops did, lanes (0, 1) and (2, 3) in two vectors: the same bits */
#if defined(__SSE2__)
    t0 = L1 & ~(size_t)3;
    {
        __m128d a01 = _mm_setzero_pd(), a23 = a01;
        for (size_t t = 0; t < t0; t += 4) {
            a01 = _mm_add_pd(a01, _mm_loadu_pd(ar + t));
            a23 = _mm_add_pd(a23, _mm_loadu_pd(ar + t + 2));
        }
        evs_lanes_store(sa, a01, a23);
    }
#endif
#define M1(l, t) sa[l] += ar[t]
    EVS_LANES4_FROM(t0, L1, M1);
#undef M1
    double mean = EVS_SUM4(sa) / (double)L1;
#if defined(__SSE2__)
    {
        const __m128d vm = _mm_set1_pd(mean);
        __m128d d01 = _mm_setzero_pd(), d23 = d01, q01 = d01, q23 = d01;
        for (size_t t = 0; t < t0; t += 4) {
            __m128d da = _mm_sub_pd(_mm_loadu_pd(ar + t), vm), db = _mm_sub_pd(_mm_loadu_pd(ar + t + 2), vm);
            d01 = _mm_add_pd(d01, da);
            d23 = _mm_add_pd(d23, db);
            q01 = _mm_add_pd(q01, _mm_mul_pd(da, da));
            q23 = _mm_add_pd(q23, _mm_mul_pd(db, db));
        }
        evs_lanes_store(ds, d01, d23);
        evs_lanes_store(ss, q01, q23);
    }
#endif
#define M2(l, t)                                                                                                      \
    do {                                                                                                              \
        double d_ = ar[t] - mean;                                                                                     \
        ds[l] += d_;                                                                                                  \
        ss[l] += d_ * d_;                                                                                             \
    } while (0)
    EVS_LANES4_FROM(t0, L1, M2);
#undef M2
    f->est_mean = mean;
    f->est_dsum = EVS_SUM4(ds);
    f->est_ss = EVS_SUM4(ss);
    f->est_moments = 1;
    f->ok = 1;
    return EVS_OK;
}
