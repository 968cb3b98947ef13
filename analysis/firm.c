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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evs_date.h"
#include "evs_fmt.h"
#include "evs_mem.h"

void evs_firm_free(evs_firm *f)
{
    void *ps[] = {f->est_off, f->est_date, f->est_ar, f->est_sar,  f->sp_date, f->sp_r,   f->sp_rm,     f->sp_exp,
                  f->sp_ar,   f->sp_var,   f->sp_sar,  f->sp_car,  f->car,    f->var_car,   f->scar,
                  f->csar,    f->bhar,     f->rank_est, f->rank_span};
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
        evs_free(ps[i]);
    f->est_off = f->est_date = NULL;
    f->est_ar = f->est_sar = f->sp_r = f->sp_rm = f->sp_exp = f->sp_ar = f->sp_var = f->sp_sar = f->sp_car = NULL;
    f->sp_date = NULL;
    f->car = f->var_car = f->scar = f->csar = f->bhar = f->rank_est = f->rank_span = NULL;
}

static void exclude(evs_firm *f, const char *fmt, ...) EVS_PRINTF(2, 3);
static void exclude(evs_firm *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    f->ok = 0;
    vsnprintf(f->reason, sizeof f->reason, fmt, ap);
    va_end(ap);
}

typedef struct rank_item {
    double v;
    size_t i;
} rank_item;

static int cmp_item(const void *x, const void *y)
{
    const rank_item *a = x, *b = y;
    if (a->v < b->v)
        return -1;
    if (a->v > b->v)
        return 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Average ranks (1-based) of v[0..n-1] into out. Returns -1 when out of memory. */
static int average_ranks(const double *v, size_t n, double *out)
{
    rank_item *it = evs_malloc(n * sizeof *it + 1);
    if (!it)
        return -1;
    for (size_t i = 0; i < n; i++) {
        it[i].v = v[i];
        it[i].i = i;
    }
    qsort(it, n, sizeof *it, cmp_item);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b + 1 < n && it[b + 1].v == it[a].v)
            b++;
        double r = (double)(a + b) / 2.0 + 1.0;
        for (size_t k = a; k <= b; k++)
            out[it[k].i] = r;
        a = b + 1;
    }
    evs_free(it);
    return 0;
}

evs_status evs_firm_compute(evs_firm *f, const evs_aligned *a, const evs_params *p, int event_date, evs_err *e)
{
    f->ok = 0;
    f->day0_date = f->est_first_date = f->est_last_date = EVS_NO_DATE;
    f->fit.L1 = 0;
    f->fit.alpha = f->fit.beta = f->fit.sigma2 = f->fit.r2 = NAN;
    f->fit.kind = p->model;
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
            exclude(f, "estimation window %s overlaps event window %s", evs_window_format(p->estimation, w1),
                    evs_window_format(p->windows[w], w2));
            return EVS_OK;
        }
    if (a->n == 0) {
        exclude(f, "no common dates with the market");
        return EVS_OK;
    }
    long k0 = evs_aligned_day0(a, event_date);
    char d1[11], d2[11];
    if (k0 < 0) {
        evs_date_format(event_date, d1);
        evs_date_format(a->date[a->n - 1], d2);
        exclude(f, "event date %s is beyond the data (last common date %s)", d1, d2);
        return EVS_OK;
    }
    f->day0_date = a->date[k0];
    if (k0 + s1 < 0 || k0 + s2 >= (long)a->n) {
        evs_window sp = {s1, s2};
        evs_window_format(sp, w1);
        evs_date_format(k0 + s1 < 0 ? a->date[0] : a->date[a->n - 1], d2);
        exclude(f, "event span %s does not fit in the data (%s return %s)", w1, k0 + s1 < 0 ? "first" : "last", d2);
        return EVS_OK;
    }
    long e1 = k0 + p->estimation.first, e2 = k0 + p->estimation.last;
    if (e1 < 0)
        e1 = 0;
    if (e2 < e1) {
        evs_date_format(a->date[0], d2);
        exclude(f, "estimation window %s does not fit in the data (first return %s)",
                evs_window_format(p->estimation, w1), d2);
        return EVS_OK;
    }
    size_t L1 = (size_t)(e2 - e1 + 1);
    f->n_est = L1;
    f->est_first_date = a->date[e1];
    f->est_last_date = a->date[e2];
    f->fit.L1 = (int)L1;
    if ((int)L1 < p->min_estimation) {
        snprintf(f->reason, sizeof f->reason, "too few estimation returns (n=%zu, min_estimation=%d)", L1,
                 p->min_estimation);
        return EVS_OK;
    }
    if (evs_model_fit(p->model, a->r + e1, a->rm + e1, L1, &f->fit, f->reason, sizeof f->reason) != 0)
        return EVS_OK;

    size_t ns = (size_t)(s2 - s1 + 1), nw = p->nwindows;
    f->n_span = ns;
    f->nw = nw;
    f->est_off = evs_malloc(L1 * sizeof *f->est_off);
    f->est_date = evs_malloc(L1 * sizeof *f->est_date);
    f->est_ar = evs_malloc(L1 * sizeof *f->est_ar);
    f->est_sar = evs_malloc(L1 * sizeof *f->est_sar);
    f->rank_est = evs_malloc(L1 * sizeof *f->rank_est);
    f->sp_date = evs_malloc(ns * sizeof *f->sp_date);
    double **spa[] = {&f->sp_r, &f->sp_rm, &f->sp_exp, &f->sp_ar, &f->sp_var, &f->sp_sar, &f->sp_car, &f->rank_span};
    int bad = !f->est_off || !f->est_date || !f->est_ar || !f->est_sar || !f->rank_est || !f->sp_date;
    for (size_t i = 0; i < sizeof spa / sizeof *spa; i++)
        if (!(*spa[i] = evs_malloc(ns * sizeof(double))))
            bad = 1;
    double **wa[] = {&f->car, &f->var_car, &f->scar, &f->csar, &f->bhar};
    for (size_t i = 0; i < sizeof wa / sizeof *wa; i++)
        if (!(*wa[i] = evs_malloc(nw * sizeof(double))))
            bad = 1;
    double *all = evs_malloc((L1 + ns) * sizeof *all), *rk = evs_malloc((L1 + ns) * sizeof *rk);
    if (bad || !all || !rk) {
        evs_free(all);
        evs_free(rk);
        evs_firm_free(f);
        return evs_nomem(e);
    }
    /* estimation residuals */
    for (size_t t = 0; t < L1; t++) {
        long k = e1 + (long)t;
        f->est_off[t] = (int)(k - k0);
        f->est_date[t] = a->date[k];
        f->est_ar[t] = a->r[k] - evs_model_expected(&f->fit, a->rm[k]);
        f->est_sar[t] = f->est_ar[t] / sqrt(evs_model_var_ar(&f->fit, a->rm[k]));
    }
    /* the event span */
    double car = 0;
    for (size_t t = 0; t < ns; t++) {
        long k = k0 + s1 + (long)t;
        f->sp_date[t] = a->date[k];
        f->sp_r[t] = a->r[k];
        f->sp_rm[t] = a->rm[k];
        f->sp_exp[t] = evs_model_expected(&f->fit, a->rm[k]);
        f->sp_ar[t] = a->r[k] - f->sp_exp[t];
        f->sp_var[t] = evs_model_var_ar(&f->fit, a->rm[k]);
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
        f->var_car[w] = evs_model_var_car(&f->fit, f->sp_rm + i0, i1 - i0 + 1);
        f->scar[w] = c / sqrt(f->var_car[w]);
        f->csar[w] = cs;
        f->bhar[w] = p->returns == EVS_RET_LOG ? exp(lr) - exp(le) : pr - pe;
    }
    /* Corrado ranks over E and the span together */
    memcpy(all, f->est_ar, L1 * sizeof *all);
    memcpy(all + L1, f->sp_ar, ns * sizeof *all);
    /* median over E and the span: the middle of the sorted values */
    memcpy(rk, all, (L1 + ns) * sizeof *rk);
    qsort(rk, L1 + ns, sizeof *rk, cmp_double);
    size_t T = L1 + ns;
    f->median_ar = T % 2 ? rk[T / 2] : 0.5 * (rk[T / 2 - 1] + rk[T / 2]);
    if (average_ranks(all, L1 + ns, rk) != 0) {
        evs_free(all);
        evs_free(rk);
        evs_firm_free(f);
        return evs_nomem(e);
    }
    memcpy(f->rank_est, rk, L1 * sizeof *rk);
    memcpy(f->rank_span, rk + L1, ns * sizeof *rk);
    evs_free(all);
    evs_free(rk);
    f->ok = 1;
    return EVS_OK;
}
