/*
 * activity.c — abnormal volume and volatility (see evs_activity.h for the
 * measures, tests and sources).
 */
#include "evs_activity.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "evs_mem.h"
#include "evs_sum.h"

static const char *names[EVS_NACT] = {"volume-cda", "volume-bmp", "volatility-chisq", "volatility-cs"};

const char *evs_activity_name(evs_activity_id a)
{
    return (unsigned)a < EVS_NACT ? names[a] : "?";
}

void evs_volume_free(evs_volume *v)
{
    evs_free(v->est_av);
    evs_free(v->vol); /* owns lv, av and sav too */
    memset(v, 0, sizeof *v);
}

void evs_volume_drop_estimation(evs_volume *v)
{
    evs_free(v->est_av);
    v->est_av = NULL;
}

/* ln(1 + V): log1p where it matters (V < 1, where 1 + V would lose V's low
 * digits), else log(1 + V), as accurate there (1 + V is exact for a whole
 * number of shares, and within half an ulp otherwise, while ln(1 + V) >= ln 2)
 * and several times cheaper than glibc's log1p. */
static double log1v(double x)
{
    return x >= 1.0 ? log(1.0 + x) : log1p(x);
}

/* the row of day d at or after *cur (then *cur = that position), or -1 */
static long find_from(const evs_series *s, int d, size_t *cur)
{
    size_t i = *cur;
    while (i < s->n && s->date[i] < d)
        i++;
    *cur = i;
    return i < s->n && s->date[i] == d ? (long)i : -1;
}

evs_status evs_volume_compute(const evs_firm *f, const evs_series *sec, evs_volume *v, evs_err *e)
{
    memset(v, 0, sizeof *v);
    if (!f->ok || !sec->volume || f->n_est < 3)
        return EVS_OK;
    size_t L1 = f->n_est, ns = f->n_span;
    v->est_av = evs_malloc(L1 * sizeof *v->est_av);
    v->vol = evs_malloc(4 * ns * sizeof *v->vol); /* one block: vol, lv, av, sav */
    if (!v->est_av || !v->vol) {
        evs_volume_free(v);
        return evs_nomem(e);
    }
    v->lv = v->vol + ns;
    v->av = v->lv + ns;
    v->sav = v->av + ns;
    /* the dates ascend in both the firm-event and the series: one binary search,
     * then a forward walk (O(L1 + L2), not O((L1 + L2) log n)); when the
     * firm-event's dates are the series' own (evs_firm.h: borrowed), its rows
     * directly */
    uintptr_t d0 = (uintptr_t)sec->date, de = (uintptr_t)f->est_date;
    int own = sec->n && de >= d0 && de < d0 + sec->n * sizeof *sec->date;
    size_t row0 = own ? (size_t)(de - d0) / sizeof *sec->date : 0;
    size_t cur = own ? row0 : evs_series_lower(sec, f->est_date[0]);
    /* the mean and the sum of squares in four lanes (evs_sum.h) */
    double ms[4] = {0}, sq[4] = {0}, *av = v->est_av;
    for (size_t t = 0; t < L1; t++) {
        long k = own ? (long)(row0 + t) : find_from(sec, f->est_date[t], &cur);
        double x = k < 0 ? NAN : sec->volume[k];
        if (!(x >= 0)) {
            evs_volume_free(v);
            return EVS_OK;
        }
        av[t] = log1v(x);
        ms[t & 3] += av[t];
    }
    double m = EVS_SUM4(ms) / (double)L1;
#define V2(l, t)                                                                                                      \
    do {                                                                                                              \
        av[t] -= m;                                                                                                   \
        sq[l] += av[t] * av[t];                                                                                       \
    } while (0)
    EVS_LANES4(L1, V2);
#undef V2
    double s2 = EVS_SUM4(sq) / (double)(L1 - 1);
    if (!(s2 > 0)) {
        evs_volume_free(v);
        return EVS_OK;
    }
    cur = evs_series_lower(sec, f->sp_date[0]);
    for (size_t t = 0; t < ns; t++) {
        long k = find_from(sec, f->sp_date[t], &cur);
        double x = k < 0 ? NAN : sec->volume[k];
        if (!(x >= 0)) {
            evs_volume_free(v);
            return EVS_OK;
        }
        v->vol[t] = x;
        v->lv[t] = log1v(x);
        v->av[t] = v->lv[t] - m;
        v->sav[t] = v->av[t] / sqrt(s2 * (1.0 + 1.0 / (double)L1));
    }
    v->ok = 1;
    v->L1 = L1;
    v->mean = m;
    v->s2 = s2;
    return EVS_OK;
}

static void row(evs_test_row *r, size_t n, double est, double stat, double df, double p)
{
    r->n = n;
    r->estimate = est;
    r->statistic = isfinite(stat) ? stat : NAN;
    r->df = df;
    r->p_value = isfinite(stat) ? p : NAN;
    r->p_boot = NAN;
    r->clustered = 0;
    r->rbar = NAN;
}

/* mean and sd (divisor n - 1) */
static void mean_sd(const double *x, size_t n, double *m, double *sd)
{
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    *m = n ? s / (double)n : NAN;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - *m) * (x[i] - *m);
    *sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
}

evs_status evs_activity_run(const evs_firm *const *f, const evs_volume *const *v, size_t n, evs_window win,
                            evs_test_row out[EVS_NACT], evs_err *e)
{
    for (int a = 0; a < EVS_NACT; a++)
        row(&out[a], 0, NAN, NAN, NAN, NAN);
    if (n == 0)
        return EVS_OK;
    size_t L2 = (size_t)(win.last - win.first + 1);
    double *x = evs_malloc(2 * n * sizeof *x), *cav = x ? x + n : NULL; /* one block */
    double *sum = NULL;
    size_t *cnt = NULL;
    evs_status st = EVS_OK;
    if (!x) {
        st = evs_nomem(e);
        goto out;
    }
    /* volatility: every firm-event */
    double chi = 0, u = 0;
    for (size_t i = 0; i < n; i++) {
        double d = f[i]->fit.dof, s = 0;
        for (int o = win.first; o <= win.last; o++) {
            double z = f[i]->sp_sar[evs_firm_span_index(f[i], o)];
            s += z * z;
        }
        chi += (d - 2) / d * s;
        u += s;
        x[i] = s / (double)L2 - d / (d - 2);
    }
    double dfc = (double)(n * L2), pc = NAN;
    if (isfinite(chi) && chi >= 0) { /* GSL's default handler aborts on a domain error: only valid input */
        /* the smaller tail: the upper one only when the lower is above 1/2
         * (each is an incomplete gamma function, GSL's costliest call here) */
        double pl = gsl_cdf_chisq_P(chi, dfc), pu = pl > 0.5 ? gsl_cdf_chisq_Q(chi, dfc) : pl;
        pc = 2 * (pl < pu ? pl : pu);
        pc = pc > 1 ? 1 : pc;
    }
    row(&out[EVS_A_VOLATILITY_CHISQ], n, u / (double)dfc, chi, dfc, pc);
    double m, sd;
    mean_sd(x, n, &m, &sd);
    double t = m / (sd / sqrt((double)n));
    row(&out[EVS_A_VOLATILITY_CS], n, u / (double)dfc, t, (double)n - 1, evs_p_student(t, (double)n - 1));

    /* volume: the firm-events with volume measures */
    size_t nv = 0;
    int lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        if (!v[i]->ok)
            continue;
        double c = 0;
        for (int o = win.first; o <= win.last; o++)
            c += v[i]->av[evs_firm_span_index(f[i], o)];
        cav[nv] = c;
        x[nv] = c / sqrt(v[i]->s2 * ((double)L2 + (double)(L2 * L2) / (double)v[i]->L1));
        int a = evs_firm_est_off(f[i], 0);
        lo = nv == 0 || a < lo ? a : lo;
        hi = nv == 0 || f[i]->span_last > hi ? f[i]->span_last : hi;
        nv++;
    }
    if (nv == 0)
        goto out;
    double mc, sc;
    mean_sd(cav, nv, &mc, &sc);
    mean_sd(x, nv, &m, &sd);
    t = m / (sd / sqrt((double)nv));
    row(&out[EVS_A_VOLUME_BMP], nv, mc, t, (double)nv - 1, evs_p_student(t, (double)nv - 1));
    /* crude dependence adjustment: AAV per estimation offset, its sd over those
     * offsets (one firm-event: its own values, evs_cda_sd_one) */
    size_t T;
    double S;
    if (nv == 1) {
        size_t i = 0;
        while (!v[i]->ok)
            i++;
        S = evs_cda_sd_one(v[i]->est_av, f[i]->n_est, &T);
    } else {
        size_t no = (size_t)(hi - lo + 1);
        sum = evs_calloc(1, no * (sizeof *sum + sizeof *cnt)); /* one zeroed block: sums, then counts */
        if (!sum) {
            st = evs_nomem(e);
            goto out;
        }
        cnt = (size_t *)(void *)(sum + no);
        for (size_t i = 0; i < n; i++) {
            if (!v[i]->ok)
                continue;
            for (size_t k = 0; k < f[i]->n_est; k++) {
                size_t o = (size_t)(evs_firm_est_off(f[i], k) - lo);
                sum[o] += v[i]->est_av[k];
                cnt[o]++;
            }
        }
        S = evs_cda_sd(sum, cnt, no, &T);
    }
    if (T > 1) {
        double w = 0;
        for (int o = win.first; o <= win.last; o++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                if (v[i]->ok)
                    s += v[i]->av[evs_firm_span_index(f[i], o)];
            w += s / (double)nv;
        }
        t = w / (sqrt((double)L2) * S);
        row(&out[EVS_A_VOLUME_CDA], nv, mc, t, (double)T - 1, evs_p_student(t, (double)T - 1));
    }
out:
    evs_free(x);
    evs_free(sum);
    return st;
}
