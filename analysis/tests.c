/*
 * tests.c — the parametric and rank/sign tests (see evs_tests.h).
 *
 * Notation: N firm-events, window W of L2 days, L1_i estimation returns of
 * firm i, d_i its residual degrees of freedom (L1 - 2 for the market model,
 * L1 - 1 for constant mean and market-adjusted).
 */
#include "evs_tests.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evs_date.h"

#if defined(__SSE2__)
#include <emmintrin.h>

/* Two floats from p as two doubles (exact). */
static inline __m128d load2f(const float *p)
{
    return _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)(const void *)p)));
}

/* The lanes set in a two-bit _mm_movemask_pd mask. */
static inline size_t count2(int m)
{
    return (size_t)((m & 1) + (m >> 1));
}

/* The next four dates of a and b are the same (and both have four left). */
static inline int eq4(const int *a, const int *b, size_t na, size_t nb)
{
    return na >= 4 && nb >= 4 && evs_dates_eq4(a, b);
}

/* (g > 0) - (g < 0) in each lane, as a double: 1, -1 or +0 (0 for NaN), as the scalar int converts. */
static inline __m128d sign2(__m128d g)
{
    const __m128d zero = _mm_setzero_pd(), one = _mm_set1_pd(1.0);
    return _mm_sub_pd(_mm_and_pd(_mm_cmpgt_pd(g, zero), one), _mm_and_pd(_mm_cmplt_pd(g, zero), one));
}
#endif

#include "evs_bootstrap.h"
#include "evs_mem.h"
#include "evs_par.h"
#include "evs_rank.h"
#include "evs_sum.h"

typedef evs_ranked ranked;

/* 1-based ranks of v[0..n-1] with ties averaged; tmp holds n items. Returns
 * the tie correction sum (t^3 - t) over tied groups (core/evs_rank.h). */
static double rank_avg(const double *v, size_t n, double *out, ranked *tmp)
{
    return evs_rank_avg(v, n, out, tmp, NULL);
}

/* Wilcoxon (1945) signed-rank test on x[0..n-1] (zeros dropped, ties given
 * average ranks). Statistic: the normal score of W+ with the tie-corrected
 * variance n(n+1)(2n+1)/24 - sum(t^3 - t)/48 (Lehmann 1975, ch. 3). p-value:
 * exact for up to 50 non-zero values, from the permutation distribution of
 * W+ given the tie pattern (each sign equally likely under H0), computed by
 * counting subsets of doubled ranks; normal otherwise. */
static int wilcoxon(const double *x, size_t n, double *z, double *p)
{
    ranked *tmp = evs_malloc((n + 1) * (sizeof *tmp + 2 * sizeof(double))); /* one block: tmp, a, r */
    if (!tmp)
        return -1;
    double *a = (double *)(void *)(tmp + n + 1), *r = a + n + 1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] != 0)
            a[m++] = fabs(x[i]);
    *z = *p = NAN;
    if (m > 0) {
        double ties = rank_avg(a, m, r, tmp), wplus = 0, dm = (double)m;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (x[i] != 0) {
                if (x[i] > 0)
                    wplus += r[k];
                k++;
            }
        double var = dm * (dm + 1) * (2 * dm + 1) / 24.0 - ties / 48.0;
        *z = var > 0 ? (wplus - dm * (dm + 1) / 4.0) / sqrt(var) : NAN;
        *p = evs_p_normal(*z);
        if (m <= 50) {
            size_t total = m * (m + 1); /* doubled ranks sum to m(m+1) */
            double *cnt = evs_calloc(total + 1, sizeof *cnt);
            if (!cnt) {
                evs_free(tmp);
                return -1;
            }
            cnt[0] = 1;
            size_t reach = 0;
            for (size_t i = 0; i < m; i++) {
                size_t d = (size_t)llround(2 * r[i]);
                for (size_t s2 = reach + 1; s2-- > 0;)
                    if (cnt[s2] != 0)
                        cnt[s2 + d] += cnt[s2];
                reach += d;
            }
            size_t w2 = (size_t)llround(2 * wplus);
            double lo = 0, hi = 0, all = ldexp(1.0, (int)m);
            for (size_t s2 = 0; s2 <= total; s2++) {
                if (s2 <= w2)
                    lo += cnt[s2];
                if (s2 >= w2)
                    hi += cnt[s2];
            }
            double pe = 2.0 * (lo < hi ? lo : hi) / all;
            *p = pe > 1 ? 1 : pe;
            evs_free(cnt);
        }
    }
    evs_free(tmp);
    return 0;
}

static const char *names[EVS_NTESTS] = {"t-cs",    "j1",      "j2",       "bw-cda",         "patell",
                                        "patell-kp", "bmp",   "bmp-kp",   "sign",           "gen-sign",
                                        "corrado", "corrado-zivney", "grank", "wilcoxon", "lamb",
                                        "skew-t-bhar"};

/* The firm-event's estimation days are consecutive offsets (no day removed
 * by exclude_events, no gap in its aligned dates): est_off ascends strictly,
 * so equal ends mean every offset in between. */
static int est_contiguous(const evs_firm *f)
{
    return f->n_est > 0 && (!f->est_off || f->est_off[f->n_est - 1] - f->est_off[0] == (int)f->n_est - 1);
}

static int cmp_int(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return (a > b) - (a < b);
}

int evs_test_independence(evs_test_id t)
{
    switch (t) {
    case EVS_T_TCS:
    case EVS_T_J1:
    case EVS_T_J2:
    case EVS_T_PATELL:
    case EVS_T_BMP:
    case EVS_T_SIGN:
    case EVS_T_GENSIGN:
    case EVS_T_WILCOXON:
    case EVS_T_SKEW_T_BHAR: return 1;
    case EVS_T_PATELL_KP:
    case EVS_T_BMP_KP:
    case EVS_T_GRANK: return 2;
    default: return 0;
    }
}

const char *evs_test_name(evs_test_id t)
{
    return (unsigned)t < EVS_NTESTS ? names[t] : "?";
}

double evs_p_normal(double z)
{
    if (!isfinite(z))
        return isnan(z) ? NAN : 0.0;
    return 2.0 * gsl_cdf_ugaussian_Q(fabs(z));
}

/* sum/cnt without the division when cnt is 1 (x / 1.0 == x exactly): a
 * one-firm sample, the usual case of per-event samples, divides nothing. */
static inline double mean_of_cnt(double sum, size_t cnt)
{
    return cnt == 1 ? sum : sum / (double)cnt;
}

/* Both sums in four lanes (evs_sum.h), the k-th offset that has a value in
 * lane k mod 4. */
double evs_cda_sd(const double *sum, const size_t *cnt, size_t n, size_t *T)
{
    double m[4] = {0}, ss[4] = {0};
    size_t k = 0;
    for (size_t o = 0; o < n; o++)
        if (cnt[o])
            m[k++ & 3] += mean_of_cnt(sum[o], cnt[o]);
    *T = k;
    if (k < 2)
        return NAN;
    double mean = EVS_SUM4(m) / (double)k;
    k = 0;
    for (size_t o = 0; o < n; o++)
        if (cnt[o]) {
            double d = mean_of_cnt(sum[o], cnt[o]) - mean;
            ss[k++ & 3] += d * d;
        }
    return sqrt(EVS_SUM4(ss) / (double)(k - 1));
}

double evs_cda_sd_one(const double *x, size_t n, size_t *T)
{
    /* evs_cda_sd's operations: each offset's sum is 0 + x, its mean that sum */
    double m[4] = {0}, ss[4] = {0};
#define C1(l, t) m[l] += 0.0 + x[t]
    EVS_LANES4(n, C1);
#undef C1
    *T = n;
    if (n < 2)
        return NAN;
    double mean = EVS_SUM4(m) / (double)n;
#define C2(l, t)                                                                                                      \
    do {                                                                                                              \
        double d_ = (0.0 + x[t]) - mean;                                                                              \
        ss[l] += d_ * d_;                                                                                             \
    } while (0)
    EVS_LANES4(n, C2);
#undef C2
    return sqrt(EVS_SUM4(ss) / (double)(n - 1));
}

double evs_p_student(double t, double df)
{
    if (isnan(t) || !(df > 0))
        return NAN;
    if (isinf(t))
        return 0.0;
    return 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
}

static void set(evs_test_row *r, size_t n, double est, double stat, double df, int student)
{
    r->n = n;
    r->estimate = est;
    r->statistic = isfinite(stat) ? stat : NAN;
    r->df = student ? df : NAN;
    r->p_value = student ? evs_p_student(r->statistic, df) : evs_p_normal(r->statistic);
}

/* mean and sample standard deviation (divisor n - 1) */
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

/* Per-offset sums over a sample's firm-events (offset o = day - min_off). */
enum { NSUMS = 6 };
typedef struct day_sums {
    double *aar;     /* sum of AR over estimation days (BW-CDA) */
    double *corrado; /* sum of K - (T+1)/2 over estimation and span days (Corrado) */
    double *cz;      /* sum of sign(AR - median) over estimation and span days (Corrado-Zivney) */
    double *grank;   /* sum of U = rank(GSAR)/(T+1) - 1/2 over estimation days (GRANK) */
    double *lamb_c;  /* sum of Var(AR)/s^2 over span days (Lamb) */
    double *span_ar; /* sum of AR over span days (Lamb) */
    size_t *n_est;   /* firm-events with an estimation day at o */
    size_t *n_all;   /* ... with an estimation or span day at o */
} day_sums;

/* Adds firm-event f's days to the per-offset sums in one pass over its
 * arrays (each sum receives the firm-events in sample order, as separate
 * passes would: the same bits), and returns its share of positive
 * estimation ARs (Cowan's p_hat). With GRANK's standardized CAR Sg (not NaN)
 * it also adds f's U on every estimation day and its event-day U to *u0. */
static double fuse_days(const evs_firm *f, int min_off, double Sg, day_sums *d, double *u0)
{
    /* restrict-qualified locals: the compiler may keep every pointer in a
     * register instead of reloading f's fields after each store to a sum */
    const size_t ne = f->n_est, ns = f->n_span;
    const double *restrict ar = f->est_ar, *restrict sar = f->est_sar;
    const float *restrict rk_ar = f->rank_est, *restrict rk_sar = f->rank_sar;
    const int *restrict off = f->est_off;
    double *restrict aar = d->aar, *restrict cor = d->corrado, *restrict cz = d->cz, *restrict gr = d->grank;
    size_t *restrict n_est = d->n_est, *restrict n_all = d->n_all;
    double kbar = (double)(ne + ns + 1) / 2.0, md = f->median_ar;
    int contig = est_contiguous(f), grank = !isnan(Sg);
    size_t o0 = ne ? (size_t)(evs_firm_est_off(f, 0) - min_off) : 0, pos = 0, below = 0, eq = 0;
    double inv = 1.0 / (double)(ne + 2); /* 1 / (T_i + 1) */
    size_t t0 = 0; /* the days done two at a time */
#if defined(__SSE2__)
    /* Consecutive offsets (the usual case): two days a step, each lane doing
     * the scalar loops' operations in their order (SSE2 rounds each lane as
     * the scalar instructions do; the signs and counts are exact), so the
     * sums are the same bits. */
    if (contig) {
        const __m128d zero = _mm_setzero_pd(), one = _mm_set1_pd(1.0), vmd = _mm_set1_pd(md),
                      vk = _mm_set1_pd(kbar);
        const __m128i inc = _mm_set1_epi64x(1);
        for (; t0 + 2 <= ne; t0 += 2) {
            size_t o = o0 + t0;
            __m128d x = _mm_loadu_pd(ar + t0), g = _mm_sub_pd(x, vmd);
            int mp = _mm_movemask_pd(_mm_cmpgt_pd(x, zero));
            pos += count2(mp);
            _mm_storeu_pd(aar + o, _mm_add_pd(_mm_loadu_pd(aar + o), x));
            __m128d rk = load2f(rk_ar + t0);
            _mm_storeu_pd(cor + o, _mm_add_pd(_mm_loadu_pd(cor + o), _mm_sub_pd(rk, vk)));
            __m128d sg = sign2(g);
            _mm_storeu_pd(cz + o, _mm_add_pd(_mm_loadu_pd(cz + o), sg));
            __m128i *ne_o = (__m128i *)(void *)(n_est + o), *na_o = (__m128i *)(void *)(n_all + o);
            _mm_storeu_si128(ne_o, _mm_add_epi64(_mm_loadu_si128(ne_o), inc));
            _mm_storeu_si128(na_o, _mm_add_epi64(_mm_loadu_si128(na_o), inc));
        }
        if (grank) {
            const __m128d vS = _mm_set1_pd(Sg), half = _mm_set1_pd(0.5), vinv = _mm_set1_pd(inv);
            for (size_t t = 0; t + 2 <= ne; t += 2) {
                size_t o = o0 + t;
                __m128d y = _mm_loadu_pd(sar + t), eqm = _mm_cmpeq_pd(vS, y);
                __m128d lt = _mm_and_pd(_mm_cmplt_pd(vS, y), one), same = _mm_and_pd(eqm, one);
                int mb = _mm_movemask_pd(_mm_cmplt_pd(y, vS)), me = _mm_movemask_pd(eqm);
                below += count2(mb);
                eq += count2(me);
                __m128d rk = load2f(rk_sar + t);
                rk = _mm_add_pd(rk, _mm_add_pd(lt, _mm_mul_pd(half, same)));
                _mm_storeu_pd(gr + o, _mm_add_pd(_mm_loadu_pd(gr + o), _mm_sub_pd(_mm_mul_pd(rk, vinv), half)));
            }
        }
    }
#endif
    for (size_t t = t0; t < ne; t++) {
        size_t o = contig ? o0 + t : (size_t)(off[t] - min_off);
        double x = ar[t], g = x - md;
        pos += x > 0;
        aar[o] += x;
        cor[o] += rk_ar[t] - kbar;
        cz[o] += (g > 0) - (g < 0);
        n_est[o]++;
        n_all[o]++;
    }
    if (grank)
        for (size_t t = t0; t < ne; t++) {
            size_t o = contig ? o0 + t : (size_t)(off[t] - min_off);
            double y = sar[t];
            int lt = Sg < y, same = Sg == y; /* without branches: y against Sg is a coin toss */
            below += y < Sg;
            eq += (size_t)same;
            double rk = rk_sar[t] + ((double)lt + 0.5 * (double)same); /* + 1, 1/2 or 0, exactly */
            gr[o] += rk * inv - 0.5;
        }
    double *restrict lamb = d->lamb_c, *restrict span = d->span_ar;
    const double *restrict sp_ar = f->sp_ar, *restrict sp_var = f->sp_var;
    const float *restrict rk_sp = f->rank_span;
    double s2 = f->fit.sigma2;
    size_t os = (size_t)(f->span_first - min_off);
    for (size_t t = 0; t < ns; t++) {
        size_t o = os + t;
        double g = sp_ar[t] - md;
        cor[o] += rk_sp[t] - kbar;
        cz[o] += (g > 0) - (g < 0);
        n_all[o]++;
        lamb[o] += sp_var[t] / s2;
        span[o] += sp_ar[t];
    }
    if (grank)
        *u0 += (1.0 + (double)below + 0.5 * (double)eq) * inv - 0.5;
    return (double)pos / (double)ne;
}

/* The firm-events of a sample are added to the per-day sums in fixed chunks
 * of FUSE_CHUNK (each chunk in sample order, the chunks then added in
 * order): a large sample's chunks can run on several threads with the same
 * bits as on one, and a sample of up to FUSE_CHUNK is one plain pass. */
enum { FUSE_CHUNK = 512 };

typedef struct fuse_job {
    const evs_sample *s;
    int min_off;
    size_t noff;
    double sd_scar;     /* NaN: no GRANK */
    double *sums;       /* per chunk: NSUMS * noff sums, then p_hat and u0 */
    size_t *cnts;       /* per chunk: 2 * noff counts */
} fuse_job;

static void fuse_sums(const fuse_job *q, size_t c, day_sums *d, double *phat, double *u0)
{
    double *b = q->sums + c * (NSUMS * q->noff + 2);
    size_t *n = q->cnts + c * 2 * q->noff, no = q->noff;
    *d = (day_sums){b, b + no, b + 2 * no, b + 3 * no, b + 4 * no, b + 5 * no, n, n + no};
    if (phat)
        *phat = b[NSUMS * no];
    if (u0)
        *u0 = b[NSUMS * no + 1];
}

static void fuse_chunk(void *ctx, size_t c)
{
    const fuse_job *q = ctx;
    const evs_sample *s = q->s;
    day_sums d;
    fuse_sums(q, c, &d, NULL, NULL);
    double *tail = q->sums + c * (NSUMS * q->noff + 2) + NSUMS * q->noff, phat = 0, u0 = 0;
    size_t i1 = (c + 1) * FUSE_CHUNK < s->n ? (c + 1) * FUSE_CHUNK : s->n;
    for (size_t i = c * FUSE_CHUNK; i < i1; i++) {
        const evs_firm *f = s->firm[i];
        /* The firm-events' arrays lie wherever the analysis found room (the
         * holes the data files left, engine.c): no stream for the hardware
         * to follow. Each one's arrays two ahead, its first lines four ahead
         * (evs_firm.h), are asked for meanwhile. */
        if (i + 2 < i1) {
            const evs_firm *g = s->firm[i + 2];
            for (size_t b = 0; b < g->n_est * sizeof(double); b += 64) {
                __builtin_prefetch((const char *)g->est_ar + b);
                __builtin_prefetch((const char *)g->est_sar + b);
                __builtin_prefetch((const char *)g->rank_est + b / 2);
                __builtin_prefetch((const char *)g->rank_sar + b / 2);
            }
        }
        if (i + 4 < i1)
            for (size_t b = 0; b < 256; b += 64)
                __builtin_prefetch((const char *)s->firm[i + 4] + b);
        phat += fuse_days(f, q->min_off, isnan(q->sd_scar) ? NAN : f->scar[s->widx[i]] / q->sd_scar, &d, &u0);
    }
    tail[0] = phat;
    tail[1] = u0;
}

/* What the day-based tests need from a sample's per-day sums: Cowan's p_hat,
 * BW-CDA's yardstick S over aL estimation days, Corrado's sum of squares sk
 * over T days and window sum sw, Corrado-Zivney's gs, gT and gw, Lamb's
 * window sum lz (when aL > 1). GRANK keeps its own sums (several firm-events). */
typedef struct day_stats {
    double phat, S, sk, sw, gs, gw, lz;
    size_t aL, T, gT;
} day_stats;

/* One firm-event, the usual per-event sample (a one-security event): its days
 * are the per-day values, so the reductions come straight from its arrays,
 * with the operations of the general path below in its order (each day's sum
 * is 0 + the day's value, each day's mean a division by 1 that is skipped;
 * estimation days precede the span's), hence the same bits, without the
 * zeroed per-offset block and the pass that fills it. BW-CDA's yardstick is
 * then the sd of the estimation ARs, whose mean and sum of squares
 * evs_firm_compute_d took in day order (est_mean, est_ss: evs_cda_sd's sums). */
static void one_firm_days(const evs_firm *f, evs_window win, double dN, day_stats *z)
{
    size_t ne = f->n_est, ns = f->n_span, pos = 0;
    double kbar = (double)(ne + ns + 1) / 2.0, md = f->median_ar;
    /* the sums of squares over all days in four lanes, the k-th day in lane
     * k mod 4 as the general path numbers its offsets (evs_sum.h); the
     * window sums, a few days, in one */
    double sk[4] = {0}, gs[4] = {0}, sw = 0, gw = 0;
    *z = (day_stats){0};
    size_t t0 = 0; /* the days done by SSE2, lanes (0, 1) and (2, 3) in two vectors: the same bits */
#if defined(__SSE2__)
    /* when no estimation day is in the window (the usual case: the window
     * sums then take only the span's days, and adding +0.0 to them would
     * change nothing) */
    if (ne >= 4 && (evs_firm_est_off(f, ne - 1) < win.first || evs_firm_est_off(f, 0) > win.last)) {
        t0 = ne & ~(size_t)3;
        const __m128d zero = _mm_setzero_pd(), vmd = _mm_set1_pd(md), vk = _mm_set1_pd(kbar);
        __m128d k01 = zero, k23 = zero, g01 = zero, g23 = zero;
        for (size_t t = 0; t < t0; t += 2) {
            __m128d x = _mm_loadu_pd(f->est_ar + t), g = _mm_sub_pd(x, vmd);
            int mp = _mm_movemask_pd(_mm_cmpgt_pd(x, zero));
            pos += count2(mp);
            __m128d rk = load2f(f->rank_est + t);
            __m128d dt = _mm_add_pd(zero, _mm_sub_pd(rk, vk));
            __m128d c = _mm_add_pd(zero, sign2(g));
            if (t & 2) { /* days 4q + 2, 4q + 3: lanes 2 and 3 */
                k23 = _mm_add_pd(k23, _mm_mul_pd(dt, dt));
                g23 = _mm_add_pd(g23, _mm_mul_pd(c, c));
            } else {
                k01 = _mm_add_pd(k01, _mm_mul_pd(dt, dt));
                g01 = _mm_add_pd(g01, _mm_mul_pd(c, c));
            }
        }
        evs_lanes_store(sk, k01, k23);
        evs_lanes_store(gs, g01, g23);
    }
#endif
#define D1(l, t)                                                                                                      \
    do {                                                                                                              \
        double x_ = f->est_ar[t], g_ = x_ - md, dt_ = 0.0 + (f->rank_est[t] - kbar);                                  \
        double c_ = 0.0 + (double)((g_ > 0) - (g_ < 0));                                                              \
        int off_ = evs_firm_est_off(f, t), in_ = off_ >= win.first && off_ <= win.last;                               \
        pos += x_ > 0;                                                                                                \
        sk[l] += dt_ * dt_;                                                                                           \
        sw += in_ ? dt_ : 0.0;                                                                                        \
        gs[l] += c_ * c_;                                                                                             \
        gw += in_ ? c_ : 0.0;                                                                                         \
    } while (0)
    EVS_LANES4_FROM(t0, ne, D1);
#undef D1
    for (size_t t = 0; t < ns; t++) {
        double g = f->sp_ar[t] - md, dt = 0.0 + (f->rank_span[t] - kbar);
        double c = 0.0 + (double)((g > 0) - (g < 0));
        int off = f->span_first + (int)t, in = off >= win.first && off <= win.last;
        size_t l = (ne + t) & 3;
        sk[l] += dt * dt;
        sw += in ? dt : 0.0;
        gs[l] += c * c;
        gw += in ? c : 0.0;
    }
    z->sk = EVS_SUM4(sk);
    z->sw = sw;
    z->gs = EVS_SUM4(gs);
    z->gw = gw;
    z->T = z->gT = ne + ns;
    z->phat = (0.0 + (double)pos / (double)ne) / dN;
    z->aL = ne;
    z->S = ne < 2 ? NAN : sqrt(f->est_ss / (double)(ne - 1));
    if (z->aL > 1)
        for (int off = win.first; off <= win.last; off++) {
            size_t t = (size_t)(off - f->span_first);
            z->lz += ((0.0 + f->sp_ar[t]) / dN) / (z->S * sqrt((0.0 + f->sp_var[t] / f->fit.sigma2) / dN));
        }
}

evs_status evs_tests_run(const evs_sample *s, evs_test_row out[EVS_NTESTS], evs_err *e)
{
    size_t N = s->n;
    double dN = (double)N, L2 = (double)(s->win.last - s->win.first + 1);
    /* firm-events sharing their day 0 with another one of the sample */
    size_t clustered = 0;
    /* one scratch block: the CARs, the SCARs, the days 0 */
    double *car = evs_malloc(N * (2 * sizeof(double) + sizeof(int)) + 1), *scar = car ? car + N : NULL;
    if (!car)
        return evs_nomem(e);
    int *d0 = (int *)(void *)(scar + N);
    for (size_t i = 0; i < N; i++)
        d0[i] = s->firm[i]->day0_date;
    qsort(d0, N, sizeof *d0, cmp_int);
    for (size_t a = 0; a < N;) {
        size_t b = a;
        while (b + 1 < N && d0[b + 1] == d0[a])
            b++;
        clustered += b > a ? b - a + 1 : 0;
        a = b + 1;
    }
    for (int t = 0; t < EVS_NTESTS; t++) {
        set(&out[t], N, NAN, NAN, NAN, 0);
        out[t].p_boot = NAN;
        out[t].clustered = clustered;
        out[t].rbar = s->rbar;
    }
    if (N == 0) {
        evs_free(car);
        return EVS_OK;
    }
    double sum_var = 0, sum_scar = 0, sum_csar = 0, sum_dd = 0, phat = 0;
    size_t wpos = 0;
    int min_off = 0, max_off = 0;
    for (size_t i = 0; i < N; i++) {
        const evs_firm *f = s->firm[i];
        size_t w = s->widx[i];
        car[i] = f->car[w];
        scar[i] = f->scar[w];
        sum_var += f->var_car[w];
        sum_scar += f->scar[w];
        sum_csar += f->csar[w];
        double d = f->fit.dof;
        sum_dd += d > 2 ? d / (d - 2) : NAN;
        wpos += f->car[w] > 0;
        int lo = f->n_est ? evs_firm_est_off(f, 0) : f->span_first;
        min_off = (i == 0 || lo < min_off) ? lo : min_off;
        max_off = (i == 0 || f->span_last > max_off) ? f->span_last : max_off;
    }
    double caar, sd_car, mscar, sd_scar;
    mean_sd(car, N, &caar, &sd_car);
    mean_sd(scar, N, &mscar, &sd_scar);

    /* Every per-day statistic in one pass over each firm-event's days (see
     * fuse_days): the per-offset sums of BW-CDA, Corrado, Corrado-Zivney,
     * Lamb and GRANK, and the generalized sign test's p_hat, then their
     * reductions (z); or, for one firm-event, the reductions from its own
     * arrays (one_firm_days). */
    day_stats z;
    day_sums ds = {0};
    double u0 = 0, *aar_sum = NULL;
    size_t noff = (size_t)(max_off - min_off + 1), nch = (N + FUSE_CHUNK - 1) / FUSE_CHUNK;
    int grank = N > 1 && sd_scar > 0;
    if (N == 1 && s->firm[0]->est_moments && s->firm[0]->n_est > 0) {
        one_firm_days(s->firm[0], s->win, dN, &z);
    } else {
        /* one zeroed block: each chunk's sums, then each chunk's counts */
        aar_sum = evs_calloc(1, nch * ((NSUMS * noff + 2) * sizeof(double) + 2 * noff * sizeof(size_t)) + 1);
        if (!aar_sum)
            goto nomem;
        size_t *cnt_est = (size_t *)(void *)(aar_sum + nch * (NSUMS * noff + 2));
        fuse_job fj = {s, min_off, noff, grank ? sd_scar : NAN, aar_sum, cnt_est};
        evs_par_for(nch, s->jobs, fuse_chunk, &fj);
        /* the chunks' sums, added in chunk order into chunk 0's (one chunk: nothing to add) */
        fuse_sums(&fj, 0, &ds, &phat, &u0);
        for (size_t c = 1; c < nch; c++) {
            day_sums dc;
            double pc, uc;
            fuse_sums(&fj, c, &dc, &pc, &uc);
            for (size_t o = 0; o < noff; o++) {
                ds.aar[o] += dc.aar[o];
                ds.corrado[o] += dc.corrado[o];
                ds.cz[o] += dc.cz[o];
                ds.grank[o] += dc.grank[o];
                ds.lamb_c[o] += dc.lamb_c[o];
                ds.span_ar[o] += dc.span_ar[o];
                ds.n_est[o] += dc.n_est[o];
                ds.n_all[o] += dc.n_all[o];
            }
            phat += pc;
            u0 += uc;
        }
        z = (day_stats){.phat = phat / dN};
        z.S = evs_cda_sd(ds.aar, ds.n_est, noff, &z.aL);
        double sk[4] = {0}, gs[4] = {0}; /* the k-th offset with days in lane k mod 4 (evs_sum.h) */
        for (size_t o = 0; o < noff; o++)
            if (ds.n_all[o]) {
                int off = (int)o + min_off, in = off >= s->win.first && off <= s->win.last;
                double dt = mean_of_cnt(ds.corrado[o], ds.n_all[o]);
                sk[z.T & 3] += dt * dt;
                z.T++;
                if (in)
                    z.sw += dt;
                double x = ds.n_all[o] == 1 ? ds.cz[o] : ds.cz[o] / sqrt((double)ds.n_all[o]);
                gs[z.gT & 3] += x * x;
                z.gT++;
                if (in)
                    z.gw += x;
            }
        z.sk = EVS_SUM4(sk);
        z.gs = EVS_SUM4(gs);
        if (z.aL > 1)
            for (int off = s->win.first; off <= s->win.last; off++) {
                size_t o = (size_t)(off - min_off);
                z.lz += (ds.span_ar[o] / dN) / (z.S * sqrt(ds.lamb_c[o] / dN));
            }
    }
    phat = z.phat;

    /* Cross-sectional t: CAAR / (s_CAR / sqrt N), t(N-1) (CLM section 4.4; Brown & Warner 1985). */
    set(&out[EVS_T_TCS], N, caar, caar / (sd_car / sqrt(dN)), dN - 1, 1);
    /* J1 = CAAR / sqrt(N^-2 sum_i Var(CAR_i)), N(0,1) (CLM section 4.4.3, J1). */
    set(&out[EVS_T_J1], N, caar, caar / sqrt(sum_var / (dN * dN)), NAN, 0);
    /* J2 = sqrt(N (L1-4)/(L1-2)) mean(SCAR) (CLM section 4.4.3, J2); with firm-specific
     * d_i = L1_i - 2 this is sum SCAR_i / sqrt(sum d_i/(d_i - 2)), identical for equal L1. */
    set(&out[EVS_T_J2], N, caar, sum_scar / sqrt(sum_dd), NAN, 0);
    /* Patell (1976) window form: Z = sum_i CSAR_i / sqrt(sum_i L2 d_i/(d_i - 2)), N(0,1). */
    double zp = sum_csar / sqrt(L2 * sum_dd);
    set(&out[EVS_T_PATELL], N, caar, zp, NAN, 0);
    /* Boehmer, Musumeci & Poulsen (1991): mean(SCAR) / (s_SCAR / sqrt N), t(N-1). */
    double tb = mscar / (sd_scar / sqrt(dN));
    set(&out[EVS_T_BMP], N, caar, tb, dN - 1, 1);
    /* Kolari & Pynnonen (2010) RFS 23:3996, section 2: adjusted BMP t * sqrt((1-r)/(1+(N-1)r))
     * and adjusted Patell Z / sqrt(1+(N-1)r) for mean residual cross-correlation r. */
    double r = s->rbar, infl = 1.0 + (dN - 1.0) * r;
    set(&out[EVS_T_BMP_KP], N, caar, infl > 0 && r < 1 ? tb * sqrt((1.0 - r) / infl) : NAN, dN - 1, 1);
    set(&out[EVS_T_PATELL_KP], N, caar, infl > 0 ? zp / sqrt(infl) : NAN, NAN, 0);
    /* Sign test: Z = (w - 0.5N) / sqrt(0.25N), w = number of positive CARs. */
    set(&out[EVS_T_SIGN], N, (double)wpos / dN, ((double)wpos - 0.5 * dN) / sqrt(0.25 * dN), NAN, 0);
    /* Generalized sign (Cowan 1992): p_hat = N^-1 sum_i L1_i^-1 sum_E 1[AR > 0];
     * Z = (w - N p_hat) / sqrt(N p_hat (1 - p_hat)). */
    set(&out[EVS_T_GENSIGN], N, (double)wpos / dN, ((double)wpos - dN * phat) / sqrt(dN * phat * (1.0 - phat)),
        NAN, 0);

    /* Brown & Warner (1985) crude dependence adjustment: S^2 = sum_E (AAR_t - mean)^2 / (L1 - 1)
     * over the estimation days; t = CAAR / (sqrt(L2) S), t(L1 - 1). */
    if (z.aL > 1)
        set(&out[EVS_T_BWCDA], N, caar, caar / (sqrt(L2) * z.S), (double)z.aL - 1, 1);
    /* Corrado (1989) rank test, window form of Cowan (1992):
     * K_it ranks within firm i over E and the span; D_t = N_t^-1 sum_i (K_it - (T_i+1)/2);
     * S(K) = sqrt(T^-1 sum_t D_t^2) over all T days; Z = sum_W D_t / (sqrt(L2) S(K)), N(0,1). */
    if (z.T > 0 && z.sk > 0)
        set(&out[EVS_T_CORRADO], N, caar, z.sw / (sqrt(L2) * sqrt(z.sk / (double)z.T)), NAN, 0);
    /* Corrado & Zivney (1992) sign test: G_it = sign(AR_it - median_i) over E and the span;
     * S = sqrt(T^-1 sum_t (N_t^-1/2 sum_i G_it)^2); window Z = sum_W N_t^-1/2 sum_i G_it / (sqrt(L2) S). */
    if (z.gT > 0 && z.gs > 0)
        set(&out[EVS_T_CORRADO_ZIVNEY], N, caar, z.gw / (sqrt(L2) * sqrt(z.gs / (double)z.gT)), NAN, 0);
    /* Lamb (1995): t_t = AAR_t / (S_AAR sqrt(c_t)), c_t the mean over firms of Var(AR_it)/s_i^2
     * (= 1 + 1/L1 + (Rm_t - Rm_bar)^2/Sxx for a common market and estimation window),
     * S_AAR the standard deviation of AAR over E; window Z = sum_W t_t / sqrt(L2). */
    if (z.aL > 1)
        set(&out[EVS_T_LAMB], N, caar, z.lz / sqrt(L2), NAN, 0);

    /* GRANK (Kolari & Pynnonen 2011): SCAR*_i = SCAR_i / s_SCAR; GSAR_it = SAR_it on E and SCAR*_i
     * on the cumulated event day; U_it = rank(GSAR_it)/(T_i + 1) - 1/2; Ubar_t = N_t^-1 sum_i U_it;
     * S_U = sqrt(T^-1 sum_t (N_t/N) Ubar_t^2); Z = Ubar_0 / S_U; t = Z sqrt((T-2)/(T-1-Z^2)), t(T-2). */
    if (grank) {
        /* The rank of each GSAR among firm i's T_i = L1_i + 1 values follows from the
         * midranks of its SARs within E (f->rank_sar, computed once per firm-event):
         * adding SCAR*_i moves a SAR x up by 1 when SCAR*_i < x and by 1/2 when equal,
         * and SCAR*_i's own midrank is 1 + #{SAR < SCAR*_i} + #{SAR = SCAR*_i}/2
         * (fuse_days). O(L1) per firm-event and sample, no sort. */
        u0 /= dN;
        double su = u0 * u0; /* the event day, N_0 = N */
        size_t T = 1;
        for (size_t o = 0; o < noff; o++)
            if (ds.n_est[o]) {
                double ub = mean_of_cnt(ds.grank[o], ds.n_est[o]);
                su += ((double)ds.n_est[o] / dN) * ub * ub;
                T++;
            }
        double Su = sqrt(su / (double)T), Z = u0 / Su, dT = (double)T;
        double tg = (dT - 1 - Z * Z) > 0 ? Z * sqrt((dT - 2) / (dT - 1 - Z * Z)) : NAN;
        set(&out[EVS_T_GRANK], N, caar, tg, dT - 2, 1);
    }

    /* Wilcoxon signed rank on the CARs (see wilcoxon above). */
    {
        double z, pw;
        if (wilcoxon(car, N, &z, &pw) != 0)
            goto nomem;
        set(&out[EVS_T_WILCOXON], N, caar, z, NAN, 0);
        out[EVS_T_WILCOXON].p_value = pw;
    }

    /* Skewness-adjusted t for BHAR (Lyon, Barber & Tsai 1999, eq. 5; Johnson 1978):
     * t_sa = sqrt(N) (S + g S^2/3 + g/(6N)), S = mean/sd, g = sum (x - mean)^3 / (N sd^3); t(N-1). */
    if (N > 2) {
        double *b = car; /* reuse: the CARs are no longer needed */
        for (size_t i = 0; i < N; i++)
            b[i] = s->firm[i]->bhar[s->widx[i]];
        double mb, sb, m3 = 0;
        mean_sd(b, N, &mb, &sb);
        for (size_t i = 0; i < N; i++)
            m3 += (b[i] - mb) * (b[i] - mb) * (b[i] - mb);
        double S = mb / sb, gam = m3 / (dN * sb * sb * sb);
        set(&out[EVS_T_SKEW_T_BHAR], N, mb, sqrt(dN) * (S + gam * S * S / 3.0 + gam / (6.0 * dN)), dN - 1, 1);
    }
    /* Bootstrap p-values (evs_bootstrap.h; Efron & Tibshirani 1993 section 16.4) for t-cs (CARs),
     * bmp (SCARs) and skew-t-bhar (BHARs), all from the same resamples. */
    if (s->bootstrap > 0 && N > 2) {
        double *bh = evs_malloc(N * sizeof *bh), *cr = evs_malloc(N * sizeof *cr), pb[3];
        if (!bh || !cr) {
            evs_free(bh);
            evs_free(cr);
            goto nomem;
        }
        for (size_t i = 0; i < N; i++) {
            cr[i] = s->firm[i]->car[s->widx[i]];
            bh[i] = s->firm[i]->bhar[s->widx[i]];
        }
        const double *xs[3] = {cr, scar, bh};
        static const evs_boot_stat kinds[3] = {EVS_BOOT_T, EVS_BOOT_T, EVS_BOOT_SKEW_T};
        int brc = evs_bootstrap_p(xs, kinds, 3, N, s->bootstrap, s->seed, pb);
        evs_free(bh);
        evs_free(cr);
        if (brc != 0)
            goto nomem;
        out[EVS_T_TCS].p_boot = pb[0];
        out[EVS_T_BMP].p_boot = pb[1];
        out[EVS_T_SKEW_T_BHAR].p_boot = pb[2];
    }
    evs_status st = EVS_OK;
    goto done;
nomem:
    st = evs_nomem(e);
done:
    evs_free(aar_sum);
    evs_free(car);
    return st;
}

/* Pearson correlation of two firms' estimation residuals over their common
 * dates, in one pass by shifted sums (Chan, Golub & LeVeque 1983, The
 * American Statistician 37:242, eq. 1.5 with a shift): with da = a - Ka and
 * db = b - Kb, Ka and Kb each firm's mean over its own estimation window
 * (est_mean: close to the mean over the common dates, so the corrections
 * below are small and the sums stay accurate; its first residual for a
 * firm-event without est_mean),
 *   Sab = sum da db - (sum da)(sum db) / n,  Saa = sum da^2 - (sum da)^2 / n,
 * Sbb likewise, and r = Sab / sqrt(Saa Sbb). When both firms have the same
 * dates (the usual case for the firms of one event) sum da, sum da^2 and
 * their b counterparts are each firm's own est_dsum and est_ss, taken in
 * day order as the merge below takes them: only the cross products are
 * left, and the result is the merge's to the bit. */
static int pair_corr(const evs_firm *a, const evs_firm *b, double *r)
{
    if (a->n_est == 0 || b->n_est == 0)
        return -1;
    /* the shifts: without est_mean (a firm-event built elsewhere), its first value */
    double ka = a->est_moments ? a->est_mean : a->est_ar[0], kb = b->est_moments ? b->est_mean : b->est_ar[0];
    /* every sum in four lanes, the n-th common date in lane n mod 4 (evs_sum.h) */
    double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0, xy[4] = {0};
    size_t n = 0;
    if (a->est_moments && b->est_moments && a->n_est == b->n_est && a->est_first_date == b->est_first_date &&
        a->est_last_date == b->est_last_date &&
        memcmp(a->est_date, b->est_date, a->n_est * sizeof *a->est_date) == 0) {
        n = a->n_est;
        const double *x = a->est_ar, *y = b->est_ar;
#define XY(l, t) xy[l] += (x[t] - ka) * (y[t] - kb)
        EVS_LANES4(n, XY);
#undef XY
        sab = EVS_SUM4(xy);
        sa = a->est_dsum;
        sb = b->est_dsum;
        saa = a->est_ss;
        sbb = b->est_ss;
    } else {
        double s1[4] = {0}, s2[4] = {0}, s11[4] = {0}, s22[4] = {0};
        const int *ad = a->est_date, *bd = b->est_date;
        const double *ar = a->est_ar, *br = b->est_ar;
        size_t na = a->n_est, nb = b->n_est, i = 0, j = 0;
        while (i < na && j < nb) {
#if defined(__SSE2__)
            /* Two securities' estimation dates differ by a few missing days
             * (nine pairs in ten on the bench panel) and coincide in long
             * runs between them: four common dates at a time where they run
             * from lane 0, the lanes in registers, each lane taking its terms
             * in the same order as the step below (the same bits). */
            if ((n & 3) == 0 && eq4(ad + i, bd + j, na - i, nb - j)) {
                const __m128d va = _mm_set1_pd(ka), vb = _mm_set1_pd(kb);
                __m128d a01 = _mm_loadu_pd(s1), a23 = _mm_loadu_pd(s1 + 2), b01 = _mm_loadu_pd(s2),
                        b23 = _mm_loadu_pd(s2 + 2), p01 = _mm_loadu_pd(xy), p23 = _mm_loadu_pd(xy + 2),
                        q01 = _mm_loadu_pd(s11), q23 = _mm_loadu_pd(s11 + 2), r01 = _mm_loadu_pd(s22),
                        r23 = _mm_loadu_pd(s22 + 2);
                do {
                    __m128d x01 = _mm_sub_pd(_mm_loadu_pd(ar + i), va), x23 = _mm_sub_pd(_mm_loadu_pd(ar + i + 2), va);
                    __m128d y01 = _mm_sub_pd(_mm_loadu_pd(br + j), vb), y23 = _mm_sub_pd(_mm_loadu_pd(br + j + 2), vb);
                    a01 = _mm_add_pd(a01, x01);
                    a23 = _mm_add_pd(a23, x23);
                    b01 = _mm_add_pd(b01, y01);
                    b23 = _mm_add_pd(b23, y23);
                    p01 = _mm_add_pd(p01, _mm_mul_pd(x01, y01));
                    p23 = _mm_add_pd(p23, _mm_mul_pd(x23, y23));
                    q01 = _mm_add_pd(q01, _mm_mul_pd(x01, x01));
                    q23 = _mm_add_pd(q23, _mm_mul_pd(x23, x23));
                    r01 = _mm_add_pd(r01, _mm_mul_pd(y01, y01));
                    r23 = _mm_add_pd(r23, _mm_mul_pd(y23, y23));
                    i += 4;
                    j += 4;
                    n += 4;
                } while (eq4(ad + i, bd + j, na - i, nb - j));
                evs_lanes_store(s1, a01, a23);
                evs_lanes_store(s2, b01, b23);
                evs_lanes_store(xy, p01, p23);
                evs_lanes_store(s11, q01, q23);
                evs_lanes_store(s22, r01, r23);
                continue;
            }
#endif
            if (ad[i] < bd[j]) {
                i++;
            } else if (ad[i] > bd[j]) {
                j++;
            } else {
                double x = ar[i++] - ka, y = br[j++] - kb;
                size_t l = n++ & 3;
                s1[l] += x;
                s2[l] += y;
                xy[l] += x * y;
                s11[l] += x * x;
                s22[l] += y * y;
            }
        }
        sa = EVS_SUM4(s1);
        sb = EVS_SUM4(s2);
        sab = EVS_SUM4(xy);
        saa = EVS_SUM4(s11);
        sbb = EVS_SUM4(s22);
    }
    if (n < 3)
        return -1;
    double dn = (double)n;
    sab -= sa * sb / dn;
    saa -= sa * sa / dn;
    sbb -= sb * sb / dn;
    if (!(saa > 0 && sbb > 0))
        return -1;
    *r = sab / sqrt(saa * sbb);
    return 0;
}

/* Orders firm indices by event name, then by day 0 (arg != NULL picks which), then by index. */
typedef struct kp_key {
    const evs_firm *const *f;
    int by_day0;
} kp_key;

static int cmp_kp(const void *x, const void *y, void *arg)
{
    const kp_key *k = arg;
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    int c = k->by_day0 ? (k->f[i]->day0_date > k->f[j]->day0_date) - (k->f[i]->day0_date < k->f[j]->day0_date)
                       : strcmp(k->f[i]->event, k->f[j]->event);
    return c ? c : (i > j) - (i < j);
}

/* The pairs (i < j) that share an event or a day 0 are found through two
 * orderings of the firms (by event, by day 0) rather than by testing all
 * n(n-1)/2 pairs, so the cost grows with the pairs that count; for every i,
 * its partners j are visited in increasing j, the order of the plain double
 * loop. The sum is taken in fixed chunks of RBAR_CHUNK values of i, each
 * summed in (i, j) order and the chunks added in order, so it is the same
 * bits whether the chunks run on one thread or several. Out of memory: the
 * plain loop, over the same chunks. */
enum { RBAR_CHUNK = 256 };

typedef struct rbar_job {
    const evs_firm *const *f;
    size_t n;
    const size_t *oe, *od, *pe, *pd; /* NULL: the plain loop */
    const size_t *ev;                /* the firms' event numbers (evs_kp_rbar_events); NULL: by name */
    double *part;                    /* per chunk */
} rbar_job;

static void rbar_chunk(void *ctx, size_t c)
{
    const rbar_job *q = ctx;
    const evs_firm *const *f = q->f;
    size_t n = q->n, i1 = (c + 1) * RBAR_CHUNK < n ? (c + 1) * RBAR_CHUNK : n;
    double sum = 0;
    for (size_t i = c * RBAR_CHUNK; i < i1; i++) {
        if (!q->oe) {
            for (size_t j = i + 1; j < n; j++) {
                if (f[i]->day0_date != f[j]->day0_date && strcmp(f[i]->event, f[j]->event) != 0)
                    continue;
                double r;
                if (pair_corr(f[i], f[j], &r) == 0)
                    sum += r;
            }
            continue;
        }
        /* partners after i: the rest of i's event group and of its day-0 group, merged by index */
        const size_t *oe = q->oe, *od = q->od;
        size_t a = q->pe[i] + 1, b = q->pd[i] + 1;
        for (;;) {
            int ina = a < n && (q->ev ? q->ev[oe[a]] == q->ev[i] : strcmp(f[oe[a]]->event, f[i]->event) == 0);
            int inb = b < n && f[od[b]]->day0_date == f[i]->day0_date;
            if (!ina && !inb)
                break;
            size_t j;
            if (ina && inb && oe[a] == od[b]) {
                j = oe[a++];
                b++;
            } else if (ina && (!inb || oe[a] < od[b])) {
                j = oe[a++];
            } else {
                j = od[b++];
            }
            double r;
            for (size_t b2 = 0; b2 < f[j]->n_est * sizeof(double); b2 += 64) { /* cold: all lines at once */
                __builtin_prefetch((const char *)f[j]->est_ar + b2);
                __builtin_prefetch((const char *)f[j]->est_date + b2 / 2);
            }
            if (pair_corr(f[i], f[j], &r) == 0)
                sum += r;
        }
    }
    q->part[c] = sum;
}

double evs_kp_rbar(const evs_firm *const *f, size_t n)
{
    return evs_kp_rbar_jobs(f, n, 1);
}

/* od: the firm indices by day 0, then index, as cmp_kp orders them: a stable
 * counting sort over the days when they span at most 8n + 64 of them, else
 * qsort_r. -1: out of memory. */
static int order_by_day0(const evs_firm *const *f, size_t n, size_t *od)
{
    int lo = f[0]->day0_date, hi = lo;
    for (size_t i = 1; i < n; i++) {
        lo = f[i]->day0_date < lo ? f[i]->day0_date : lo;
        hi = f[i]->day0_date > hi ? f[i]->day0_date : hi;
    }
    size_t span = (size_t)((long)hi - lo) + 1;
    if (span > 8 * n + 64) {
        for (size_t i = 0; i < n; i++)
            od[i] = i;
        kp_key kd = {f, 1};
        qsort_r(od, n, sizeof *od, cmp_kp, &kd);
        return 0;
    }
    size_t *cnt = evs_calloc(span + 1, sizeof *cnt);
    if (!cnt)
        return -1;
    for (size_t i = 0; i < n; i++)
        cnt[(size_t)((long)f[i]->day0_date - lo) + 1]++;
    for (size_t k = 0; k < span; k++)
        cnt[k + 1] += cnt[k];
    for (size_t i = 0; i < n; i++)
        od[cnt[(size_t)((long)f[i]->day0_date - lo)]++] = i;
    evs_free(cnt);
    return 0;
}

/* r-bar with the orders by event (oe, or by ev when given) and by day 0. */
static double kp_rbar(const evs_firm *const *f, size_t n, const size_t *ev, int jobs)
{
    if (n < 2)
        return 0.0;
    size_t nch = (n + RBAR_CHUNK - 1) / RBAR_CHUNK;
    double one, *part = nch > 1 ? evs_malloc(nch * sizeof *part) : &one;
    size_t *ord = evs_malloc(4 * n * sizeof *ord);
    rbar_job q = {.f = f, .n = n, .part = part};
    if (ord) {
        size_t *oe = ord, *od = ord + n, *pe = ord + 2 * n, *pd = ord + 3 * n; /* orders and positions */
        int ok = 1;
        if (ev) { /* ascending event numbers: the firms' own order is by event, then index */
            for (size_t i = 0; i < n; i++)
                oe[i] = i;
            ok = order_by_day0(f, n, od) == 0;
        } else {
            for (size_t i = 0; i < n; i++)
                oe[i] = od[i] = i;
            kp_key ke = {f, 0}, kd = {f, 1};
            qsort_r(oe, n, sizeof *oe, cmp_kp, &ke);
            qsort_r(od, n, sizeof *od, cmp_kp, &kd);
        }
        if (ok) {
            for (size_t p = 0; p < n; p++) {
                pe[oe[p]] = p;
                pd[od[p]] = p;
            }
            q.oe = oe;
            q.od = od;
            q.pe = pe;
            q.pd = pd;
            q.ev = ev;
        }
    }
    double sum = 0;
    if (part) {
        evs_par_for(nch, jobs, rbar_chunk, &q);
        for (size_t c = 0; c < nch; c++)
            sum += part[c];
    } else { /* no memory for the chunk sums: the chunks one by one, in order */
        q.part = &one;
        for (size_t c = 0; c < nch; c++) {
            rbar_chunk(&q, c);
            sum += one;
        }
    }
    if (part != &one)
        evs_free(part);
    evs_free(ord);
    return sum / ((double)n * (double)(n - 1) / 2.0);
}

double evs_kp_rbar_jobs(const evs_firm *const *f, size_t n, int jobs)
{
    return kp_rbar(f, n, NULL, jobs);
}

double evs_kp_rbar_events(const evs_firm *const *f, size_t n, const size_t *ev, int jobs)
{
    return kp_rbar(f, n, ev, jobs);
}
