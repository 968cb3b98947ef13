/*
 * test_battery_ext.c — the tests added to the battery for issue 5
 * (corrado-zivney, grank, wilcoxon, lamb, skew-t-bhar) against naive
 * implementations written here from METHODS.md, on firm-events built by hand
 * (with tied abnormal returns) and on the small synthetic study.
 * The Wilcoxon exact p-value is checked against brute-force enumeration of
 * all 2^m sign patterns and against a value worked out by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_sf_gamma.h>

#include "evs_engine.h"
#include "evs_fmt.h"
#include "evs_study.h"
#include "evs_tests.h"

#define NF 3
#define NE 8
#define NS 3

static void close_rel(double got, double want, double tol, const char *what)
{
    double scale = fabs(want) > 1e-300 ? fabs(want) : 1.0;
    if (!(fabs(got - want) <= tol * scale)) {
        fail_msg("%s: got %.17g, want %.17g (rel err %.3g)", what, got, want, fabs(got - want) / scale);
    }
}

/* two-sided p-values computed independently of the library's GSL CDF calls */
static double p_norm(double z)
{
    return erfc(fabs(z) / sqrt(2.0));
}

static double p_t(double t, double df)
{
    return gsl_sf_beta_inc(df / 2.0, 0.5, df / (df + t * t));
}

/* naive average ranks, O(n^2) */
static void naive_ranks(const double *v, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++) {
        double less = 0, eq = 0;
        for (size_t j = 0; j < n; j++) {
            less += v[j] < v[i];
            eq += v[j] == v[i];
        }
        out[i] = less + (eq + 1) / 2.0;
    }
}

static double naive_median(const double *v, size_t n)
{
    double *c = malloc(n * sizeof *c);
    memcpy(c, v, n * sizeof *c);
    for (size_t i = 1; i < n; i++) /* insertion sort */
        for (size_t j = i; j > 0 && c[j - 1] > c[j]; j--) {
            double t = c[j];
            c[j] = c[j - 1];
            c[j - 1] = t;
        }
    double m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    free(c);
    return m;
}

/* the same midranks stored as the firm-event keeps them (float, exact) */
static void naive_ranks_f(const double *v, size_t n, float *out)
{
    double *d = malloc(n * sizeof *d);
    assert_non_null(d);
    naive_ranks(v, n, d);
    for (size_t i = 0; i < n; i++)
        out[i] = (float)d[i];
    free(d);
}

/* ---- hand-made firm-events ------------------------------------------- */

static int est_off[NE] = {-10, -9, -8, -7, -6, -5, -4, -3};
static int est_date[NF][NE];
static double est_ar[NF][NE] = {{0.01, -0.02, 0.00, 0.01, 0.03, -0.01, 0.02, -0.005},
                                {-0.01, 0.01, 0.01, -0.02, 0.00, 0.02, -0.03, 0.015},
                                {0.02, 0.00, -0.01, 0.01, -0.01, 0.01, 0.00, -0.02}};
static double est_sar[NF][NE];
static float rank_sar[NF][NE];
static double sp_ar[NF][NS] = {{-0.01, -0.05, 0.01}, {0.00, -0.04, -0.02}, {0.01, 0.02, -0.01}};
static double sp_var[NF][NS] = {{1.1e-4, 1.3e-4, 1.05e-4}, {2.1e-4, 2.2e-4, 2.4e-4}, {0.9e-4, 1.0e-4, 0.95e-4}};
static double sigma2[NF] = {1e-4, 2e-4, 0.8e-4};
static double sp_zero[NS];
static float rank_est[NF][NE], rank_span[NF][NS];
/* windows: 0 = 0..0, 1 = -1..1 */
static double car[NF][2], var_car[NF][2], scar[NF][2], csar[NF][2], bhar[NF][2];
static evs_firm firms[NF];

static void build(void)
{
    for (int i = 0; i < NF; i++) {
        evs_firm *f = &firms[i];
        memset(f, 0, sizeof *f);
        f->event = "hand";
        f->ok = 1;
        f->day0_date = 20000;
        f->fit.kind = EVS_MODEL_MARKET;
        f->fit.L1 = NE;
        f->fit.dof = NE - 2;
        f->fit.sigma2 = sigma2[i];
        f->n_est = NE;
        for (int t = 0; t < NE; t++) {
            est_date[i][t] = 20000 + est_off[t];
            est_sar[i][t] = est_ar[i][t] / sqrt(sigma2[i] * (1.0 + 0.1 * t / NE));
        }
        f->est_off = est_off;
        f->est_date = est_date[i];
        f->est_ar = est_ar[i];
        f->est_sar = est_sar[i];
        f->span_first = -1;
        f->span_last = 1;
        f->n_span = NS;
        f->sp_ar = sp_ar[i];
        f->sp_var = sp_var[i];
        f->sp_r = f->sp_rm = f->sp_exp = f->sp_sar = f->sp_car = sp_zero;
        double all[NE + NS];
        float rk[NE + NS];
        memcpy(all, est_ar[i], sizeof est_ar[i]);
        memcpy(all + NE, sp_ar[i], sizeof sp_ar[i]);
        naive_ranks_f(all, NE + NS, rk);
        memcpy(rank_est[i], rk, sizeof rank_est[i]);
        memcpy(rank_span[i], rk + NE, sizeof rank_span[i]);
        f->rank_est = rank_est[i];
        f->rank_span = rank_span[i];
        naive_ranks_f(est_sar[i], NE, rank_sar[i]); /* as evs_firm_compute_d keeps them */
        f->rank_sar = rank_sar[i];
        f->median_ar = naive_median(all, NE + NS);
        /* windows */
        int lo[2] = {0, -1}, hi[2] = {0, 1};
        for (int w = 0; w < 2; w++) {
            double c = 0, v = 0, cs = 0, pb = 1, pe = 1;
            for (int t = lo[w]; t <= hi[w]; t++) {
                c += sp_ar[i][t + 1];
                v += sp_var[i][t + 1];
                cs += sp_ar[i][t + 1] / sqrt(sp_var[i][t + 1]);
                pb *= 1 + 0.001 * (i + 1) + sp_ar[i][t + 1];
                pe *= 1 + 0.001 * (i + 1);
            }
            car[i][w] = c;
            var_car[i][w] = v * 1.01;
            scar[i][w] = c / sqrt(var_car[i][w]);
            csar[i][w] = cs;
            bhar[i][w] = pb - pe;
        }
        f->nw = 2;
        f->car = car[i];
        f->var_car = var_car[i];
        f->scar = scar[i];
        f->csar = csar[i];
        f->bhar = bhar[i];
    }
}

static void run_hand(int w, evs_window win, evs_test_row *out)
{
    const evs_firm *fp[NF] = {&firms[0], &firms[1], &firms[2]};
    size_t widx[NF] = {(size_t)w, (size_t)w, (size_t)w};
    evs_sample smp = {fp, widx, NF, win, 0.1, 0, 0, 1};
    evs_err e = {0};
    assert_int_equal(evs_tests_run(&smp, out, &e), EVS_OK);
}

/* Corrado & Zivney (1992), naive */
static void naive_cz(evs_window win, double *z)
{
    /* offsets -10..1 all present for every firm */
    double S = 0, sw = 0;
    int T = 0;
    for (int off = -10; off <= 1; off++) {
        if (off == -2)
            continue; /* no firm has a day -2 */
        double g = 0;
        int n = 0;
        for (int i = 0; i < NF; i++) {
            double all[NE + NS];
            memcpy(all, est_ar[i], sizeof est_ar[i]);
            memcpy(all + NE, sp_ar[i], sizeof sp_ar[i]);
            double med = naive_median(all, NE + NS);
            double v = off <= -3 ? est_ar[i][off + 10] : sp_ar[i][off + 1];
            g += v > med ? 1 : v < med ? -1 : 0;
            n++;
        }
        double x = g / sqrt(n);
        S += x * x;
        T++;
        if (off >= win.first && off <= win.last)
            sw += x;
    }
    S = sqrt(S / T);
    *z = sw / (sqrt(win.last - win.first + 1) * S);
}

static void naive_lamb(evs_window win, double *z)
{
    double aar[NE], m = 0;
    for (int t = 0; t < NE; t++) {
        aar[t] = 0;
        for (int i = 0; i < NF; i++)
            aar[t] += est_ar[i][t] / NF;
        m += aar[t] / NE;
    }
    double ss = 0;
    for (int t = 0; t < NE; t++)
        ss += (aar[t] - m) * (aar[t] - m);
    double S = sqrt(ss / (NE - 1)), sum = 0;
    for (int off = win.first; off <= win.last; off++) {
        double a = 0, c = 0;
        for (int i = 0; i < NF; i++) {
            a += sp_ar[i][off + 1] / NF;
            c += sp_var[i][off + 1] / sigma2[i] / NF;
        }
        sum += a / (S * sqrt(c));
    }
    *z = sum / sqrt(win.last - win.first + 1);
}

static void naive_grank(int w, double *t, double *df)
{
    double m = 0, ss = 0;
    for (int i = 0; i < NF; i++)
        m += scar[i][w] / NF;
    for (int i = 0; i < NF; i++)
        ss += (scar[i][w] - m) * (scar[i][w] - m);
    double sd = sqrt(ss / (NF - 1));
    double U[NF][NE + 1];
    for (int i = 0; i < NF; i++) {
        double g[NE + 1], rk[NE + 1];
        memcpy(g, est_sar[i], sizeof est_sar[i]);
        g[NE] = scar[i][w] / sd;
        naive_ranks(g, NE + 1, rk);
        for (int k = 0; k <= NE; k++)
            U[i][k] = rk[k] / (NE + 2.0) - 0.5;
    }
    double su = 0;
    for (int k = 0; k <= NE; k++) {
        double ub = 0;
        for (int i = 0; i < NF; i++)
            ub += U[i][k] / NF;
        su += ub * ub; /* N_t = N on every day */
    }
    double T = NE + 1, Su = sqrt(su / T), u0 = 0;
    for (int i = 0; i < NF; i++)
        u0 += U[i][NE] / NF;
    double Z = u0 / Su;
    *t = Z * sqrt((T - 2) / (T - 1 - Z * Z));
    *df = T - 2;
}

static void naive_skew(int w, double *t)
{
    double m = 0, ss = 0, m3 = 0;
    for (int i = 0; i < NF; i++)
        m += bhar[i][w] / NF;
    for (int i = 0; i < NF; i++) {
        ss += pow(bhar[i][w] - m, 2);
        m3 += pow(bhar[i][w] - m, 3);
    }
    double sd = sqrt(ss / (NF - 1)), S = m / sd, g = m3 / (NF * pow(sd, 3));
    *t = sqrt(NF) * (S + g * S * S / 3 + g / (6.0 * NF));
}

/* Wilcoxon: W+ and the exact two-sided p by enumerating all sign patterns */
static void naive_wilcoxon(const double *x, int n, double *z, double *p)
{
    double a[64], r[64];
    int m = 0;
    for (int i = 0; i < n; i++)
        if (x[i] != 0)
            a[m++] = fabs(x[i]);
    naive_ranks(a, (size_t)m, r);
    double wp = 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (x[i] != 0) {
            if (x[i] > 0)
                wp += r[k];
            k++;
        }
    double ties = 0;
    for (int i = 0; i < m; i++) {
        int cnt = 0;
        for (int j = 0; j < m; j++)
            cnt += a[j] == a[i];
        ties += (double)(cnt * cnt - 1) / 1.0; /* summing t^2-1 over members = sum over groups of t^3 - t */
    }
    double var = m * (m + 1.0) * (2 * m + 1) / 24 - ties / 48;
    *z = (wp - m * (m + 1.0) / 4) / sqrt(var);
    double lo = 0, hi = 0;
    for (unsigned long mask = 0; mask < (1ul << m); mask++) {
        double s = 0;
        for (int i = 0; i < m; i++)
            if (mask >> i & 1)
                s += r[i];
        lo += s <= wp + 1e-9;
        hi += s >= wp - 1e-9;
    }
    double pe = 2 * fmin(lo, hi) / (double)(1ul << m);
    *p = pe > 1 ? 1 : pe;
}

static void test_hand_panel(void **state)
{
    (void)state;
    build();
    evs_window wins[2] = {{.first = 0, .last = 0}, {.first = -1, .last = 1}};
    for (int w = 0; w < 2; w++) {
        evs_test_row out[EVS_NTESTS];
        run_hand(w, wins[w], out);
        double z, t, df;
        naive_cz(wins[w], &z);
        close_rel(out[EVS_T_CORRADO_ZIVNEY].statistic, z, 1e-12, "corrado-zivney");
        close_rel(out[EVS_T_CORRADO_ZIVNEY].p_value, p_norm(z), 1e-9, "corrado-zivney p");
        naive_lamb(wins[w], &z);
        close_rel(out[EVS_T_LAMB].statistic, z, 1e-12, "lamb");
        close_rel(out[EVS_T_LAMB].p_value, p_norm(z), 1e-9, "lamb p");
        naive_grank(w, &t, &df);
        close_rel(out[EVS_T_GRANK].statistic, t, 1e-12, "grank");
        close_rel(out[EVS_T_GRANK].df, df, 0, "grank df");
        close_rel(out[EVS_T_GRANK].p_value, p_t(t, df), 1e-9, "grank p");
        naive_skew(w, &t);
        close_rel(out[EVS_T_SKEW_T_BHAR].statistic, t, 1e-12, "skew-t-bhar");
        close_rel(out[EVS_T_SKEW_T_BHAR].p_value, p_t(t, NF - 1), 1e-9, "skew-t-bhar p");
        double c[NF] = {car[0][w], car[1][w], car[2][w]}, p;
        naive_wilcoxon(c, NF, &z, &p);
        close_rel(out[EVS_T_WILCOXON].statistic, z, 1e-12, "wilcoxon z");
        close_rel(out[EVS_T_WILCOXON].p_value, p, 1e-12, "wilcoxon exact p");
        assert_string_equal(evs_test_name(EVS_T_SKEW_T_BHAR), "skew-t-bhar");
    }
}

/* GRANK when a firm's standardized CAR ties with some of its SARs: the ranks
 * the engine derives from the SARs' own midranks (+1 above, +1/2 when equal)
 * must match the naive ranks over the combined values. SCARs 1, 2, 3 give
 * mean 2 and sd 1 exactly, so SCAR*_i = 1, 2, 3 and the SARs set to those
 * values tie with it. */
static void test_grank_ties(void **state)
{
    (void)state;
    build();
    for (int i = 0; i < NF; i++) {
        scar[i][0] = (double)(i + 1);
        est_sar[i][2] = est_sar[i][5] = (double)(i + 1);
        est_sar[i][6] = (double)(i + 1) - 0.5;
        naive_ranks_f(est_sar[i], NE, rank_sar[i]);
    }
    evs_test_row out[EVS_NTESTS];
    run_hand(0, (evs_window){.first = 0, .last = 0}, out);
    double t, df;
    naive_grank(0, &t, &df);
    assert_true(isfinite(t));
    close_rel(out[EVS_T_GRANK].statistic, t, 1e-12, "grank with ties");
    close_rel(out[EVS_T_GRANK].df, df, 0, "grank df with ties");
}

/* Wilcoxon on ten CARs like the selloff's day 0: 8 negative, 2 small positive.
 * By hand: |x| ranks 1..10, positives hold ranks 1 and 2, so W+ = 3; subsets of
 * {1..10} with sum <= 3: {}, {1}, {2}, {3}, {1,2} -> 5 of 1024; two-sided p = 10/1024. */
static void test_wilcoxon_by_hand(void **state)
{
    (void)state;
    static int off0[1] = {-2};
    static int dt0[1] = {1};
    static double est0[1] = {0.0}, v1[1] = {1};
    static float r1[1] = {1};
    double x[10] = {0.0094, 0.0238, -0.024, -0.0291, -0.0568, -0.084, -0.1076, -0.1321, -0.1376, -0.1534};
    evs_firm f[10];
    double cars[10][1], sc[10][1];
    const evs_firm *fp[10];
    size_t widx[10] = {0};
    for (int i = 0; i < 10; i++) {
        memset(&f[i], 0, sizeof f[i]);
        f[i].event = "e";
        f[i].ok = 1;
        f[i].n_est = 1;
        f[i].est_off = off0;
        f[i].est_date = dt0;
        f[i].est_ar = est0;
        f[i].est_sar = est0;
        f[i].rank_est = r1;
        f[i].rank_span = r1;
        f[i].rank_sar = r1;
        f[i].sp_ar = &x[i];
        f[i].sp_var = v1;
        f[i].fit.sigma2 = 1;
        f[i].fit.dof = 10;
        f[i].fit.L1 = 1;
        f[i].n_span = 1;
        cars[i][0] = x[i];
        sc[i][0] = x[i] * 10 + i * 0.001;
        f[i].car = cars[i];
        f[i].var_car = v1;
        f[i].scar = sc[i];
        f[i].csar = sc[i];
        f[i].bhar = cars[i];
        fp[i] = &f[i];
    }
    evs_sample smp = {fp, widx, 10, {.first = 0, .last = 0}, 0, 0, 0, 1};
    evs_test_row out[EVS_NTESTS];
    evs_err e = {0};
    assert_int_equal(evs_tests_run(&smp, out, &e), EVS_OK);
    close_rel(out[EVS_T_WILCOXON].p_value, 10.0 / 1024.0, 1e-15, "wilcoxon p by hand");
    /* z = (3 - 27.5) / sqrt(96.25) */
    close_rel(out[EVS_T_WILCOXON].statistic, (3 - 27.5) / sqrt(96.25), 1e-14, "wilcoxon z by hand");
}

static void evs_date_format_for_test(int days, char out[16])
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1970, m = 0;
    for (;;) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0, len = 365 + leap;
        if (days < len)
            break;
        days -= len;
        y++;
    }
    for (;;) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int len = mdays[m] + (m == 1 && leap);
        if (days < len)
            break;
        days -= len;
        m++;
    }
    snprintf(out, 16, "%04d-%02d-%02d", y % 10000, (m + 1) % 100, (days + 1) % 100);
}

/* The ^MKT simple return on day number d, read naively from the CSV. */
static double market_return(const char *root, int d)
{
    char path[4096], line[256], want[16];
    snprintf(path, sizeof path, "%s/tests/data/mini/1d/%%5EMKT.csv", root ? root : ".");
    evs_date_format_for_test(d, want);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    double prev = NAN, r = NAN;
    while (fgets(line, sizeof line, fp)) {
        char *c = line;
        for (int k = 0; k < 4 && c; k++)
            c = strchr(c + 1, ',');
        double close = c ? atof(c + 1) : NAN;
        if (strncmp(line, want, 10) == 0) {
            r = close / prev - 1;
            break;
        }
        prev = close;
    }
    fclose(fp);
    return r;
}

/* firm.c's median and estimation SARs on the synthetic study */
static void test_firm_inputs_on_study(void **state)
{
    (void)state;
    const char *root = getenv("EVS_TEST_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/mini/study.ini", root ? root : ".");
    evs_study s;
    evs_err e = {0};
    assert_int_equal(evs_study_load(path, &s, &e), EVS_OK);
    evs_run r;
    assert_int_equal(evs_run_study(&s, NULL, &r, &e), EVS_OK);
    for (size_t i = 0; i < r.ev[0].nfirm; i++) {
        const evs_firm *f = &r.ev[0].firm[i];
        assert_true(f->ok);
        size_t T = f->n_est + f->n_span;
        double *all = malloc(T * sizeof *all);
        memcpy(all, f->est_ar, f->n_est * sizeof *all);
        memcpy(all + f->n_est, f->sp_ar, f->n_span * sizeof *all);
        close_rel(f->median_ar, naive_median(all, T), 0, "median AR");
        free(all);
        /* estimation SAR_t = AR_t / sqrt(s^2 (1 + 1/L1 + (Rm_t - mean)^2 / Sxx)), with Rm
         * recomputed here from the raw market file (every date is common in this panel) */
        double *rm = malloc(f->n_est * sizeof *rm), mean = 0, sxx = 0;
        for (size_t t = 0; t < f->n_est; t++) {
            rm[t] = market_return(root, f->est_date[t]);
            mean += rm[t] / (double)f->n_est;
        }
        for (size_t t = 0; t < f->n_est; t++)
            sxx += (rm[t] - mean) * (rm[t] - mean);
        for (size_t t = 0; t < f->n_est; t++) {
            double v = f->fit.sigma2 * (1 + 1.0 / f->fit.L1 + (rm[t] - mean) * (rm[t] - mean) / sxx);
            close_rel(f->est_sar[t], f->est_ar[t] / sqrt(v), 1e-9, "estimation SAR");
        }
        free(rm);
    }
    evs_run_free(&r);
    evs_study_free(&s);
}

/* ---- a large sample: fixed chunks, any number of threads ----------------- */

/* 1,300 firm-events (more than one chunk of the battery's per-day sums and of
 * r-bar's pairs), in groups of five sharing a day 0 (r-bar's pairs), some
 * with a missing estimation day (the scattered path). The battery must give
 * the same bits on 1 and 3 threads, r-bar must equal a naive Pearson double
 * loop, and the statistics must not depend on the order of the firm-events
 * (another split into chunks, other summation orders: equal to 1e-10). */
#define NL 1300
#define LE 40
static char evname[NL / 5][16];
static void test_large_sample_chunks(void **state)
{
    (void)state;
    evs_firm *F = calloc(NL, sizeof *F);
    int *off = malloc(NL * LE * sizeof *off), *date = malloc(NL * LE * sizeof *date);
    double *ar = malloc(NL * LE * sizeof *ar), *sar = malloc(NL * LE * sizeof *sar);
    float *rk = malloc(NL * LE * sizeof *rk), *rks = malloc(NL * LE * sizeof *rks), *rksp = malloc(NL * NS * sizeof *rksp);
    double *sp = malloc(NL * NS * sizeof *sp), *spv = malloc(NL * NS * sizeof *spv);
    double *win = malloc(NL * 5 * sizeof *win);
    assert_true(F && off && date && ar && sar && rk && rks && sp && spv && rksp && win);
    unsigned long long x = 12345;
#define U() ((x ^= x << 13, x ^= x >> 7, x ^= x << 17), (double)(x >> 11) * 0x1.0p-53 - 0.5)
    for (int i = 0; i < NL; i++) {
        evs_firm *f = &F[i];
        snprintf(evname[i / 5], sizeof evname[i / 5], "g%d", i / 5); /* an event per group of five */
        f->event = evname[i / 5];
        f->ok = 1;
        f->day0_date = 20000 + i / 5;
        f->fit.dof = LE - 2;
        f->fit.sigma2 = 1e-4 * (1 + i % 7);
        int gap = i % 9 == 4; /* one estimation day missing: offsets not consecutive */
        f->n_est = LE;
        double all[LE + NS], common = U();
        float r2[LE + NS];
        for (int t = 0; t < LE; t++) {
            off[i * LE + t] = -60 + t + (gap && t >= 19 + i % 4); /* common runs of every length mod 4 */
            date[i * LE + t] = f->day0_date + off[i * LE + t];
            ar[i * LE + t] = 0.02 * (U() + 0.3 * sin(1.7 * t + i / 5) + 0.01 * common); /* a group's common part */
            sar[i * LE + t] = ar[i * LE + t] / sqrt(f->fit.sigma2 * (1 + 0.01 * (t % 5)));
            all[t] = ar[i * LE + t];
        }
        for (int t = 0; t < NS; t++) {
            sp[i * NS + t] = 0.03 * U() - (t == 1 ? 0.01 : 0);
            spv[i * NS + t] = f->fit.sigma2 * 1.02;
            all[LE + t] = sp[i * NS + t];
        }
        naive_ranks_f(all, LE + NS, r2);
        memcpy(rk + i * LE, r2, LE * sizeof *r2);
        memcpy(rksp + i * NS, r2 + LE, NS * sizeof *r2);
        naive_ranks_f(sar + i * LE, LE, rks + i * LE);
        f->median_ar = naive_median(all, LE + NS);
        f->est_off = off + i * LE;
        f->est_date = date + i * LE;
        f->est_ar = ar + i * LE;
        f->est_sar = sar + i * LE;
        f->rank_est = rk + i * LE;
        f->rank_sar = rks + i * LE;
        f->span_first = -1;
        f->span_last = 1;
        f->n_span = NS;
        f->sp_ar = sp + i * NS;
        f->sp_var = spv + i * NS;
        f->rank_span = rksp + i * NS;
        f->nw = 1;
        double *w = win + i * 5;
        w[0] = sp[i * NS] + sp[i * NS + 1] + sp[i * NS + 2];
        w[1] = 3 * spv[i * NS];
        w[2] = w[0] / sqrt(w[1]);
        w[3] = w[2] * 1.01;
        w[4] = w[0] * 0.98;
        f->car = w;
        f->var_car = w + 1;
        f->scar = w + 2;
        f->csar = w + 3;
        f->bhar = w + 4;
    }
#undef U
    const evs_firm **fp = malloc(NL * sizeof *fp), **rev = malloc(NL * sizeof *rev);
    size_t *widx = calloc(NL, sizeof *widx);
    for (int i = 0; i < NL; i++) {
        fp[i] = &F[i];
        rev[i] = &F[(i * 7919) % NL]; /* a permutation: 7919 is prime to 1300 */
    }
    /* r-bar: threads, and a naive Pearson double loop */
    double r1 = evs_kp_rbar_jobs(fp, NL, 1), r3 = evs_kp_rbar_jobs(fp, NL, 3), naive = 0;
    assert_true(memcmp(&r1, &r3, sizeof r1) == 0);
    /* with the events numbered (ascending, as the engine passes them): the same
     * bits, with the days 0 close (counting sort) and far apart (qsort) */
    size_t *evno = malloc(NL * sizeof *evno);
    for (int i = 0; i < NL; i++)
        evno[i] = (size_t)(i / 5);
    double r1e = evs_kp_rbar_events(fp, NL, evno, 1), r3e = evs_kp_rbar_events(fp, NL, evno, 3);
    assert_true(memcmp(&r1, &r1e, sizeof r1) == 0 && memcmp(&r1, &r3e, sizeof r1) == 0);
    for (int i = 0; i < NL; i++)
        F[i].day0_date = 20000 + (i / 10) * 997; /* pairs of events share a day 0, 130,000 days apart in all */
    double rf = evs_kp_rbar_jobs(fp, NL, 1), rfe = evs_kp_rbar_events(fp, NL, evno, 1);
    assert_true(memcmp(&rf, &rfe, sizeof rf) == 0);
    assert_true(rf != r1); /* the day-0 groups changed: so did the pairs */
    for (int i = 0; i < NL; i++)
        F[i].day0_date = 20000 + i / 5;
    free(evno);
    for (int i = 0; i < NL; i++)
        for (int j = i + 1; j < NL; j++) {
            if (F[i].day0_date != F[j].day0_date)
                continue;
            double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
            int n = 0;
            for (int a = 0; a < LE; a++)
                for (int b = 0; b < LE; b++)
                    if (F[i].est_date[a] == F[j].est_date[b]) {
                        ma += F[i].est_ar[a];
                        mb += F[j].est_ar[b];
                        n++;
                    }
            ma /= n;
            mb /= n;
            for (int a = 0; a < LE; a++)
                for (int b = 0; b < LE; b++)
                    if (F[i].est_date[a] == F[j].est_date[b]) {
                        sab += (F[i].est_ar[a] - ma) * (F[j].est_ar[b] - mb);
                        saa += (F[i].est_ar[a] - ma) * (F[i].est_ar[a] - ma);
                        sbb += (F[j].est_ar[b] - mb) * (F[j].est_ar[b] - mb);
                    }
            naive += sab / sqrt(saa * sbb);
        }
    naive /= (double)NL * (NL - 1) / 2.0;
    close_rel(r1, naive, 1e-10, "r-bar vs naive");
    assert_true(r1 > 0.0005); /* the common part makes a group's pairs correlate */
    /* the battery: threads, and the order of the firm-events */
    evs_window w = {.first = -1, .last = 1};
    evs_test_row o1[EVS_NTESTS], o3[EVS_NTESTS], orev[EVS_NTESTS];
    evs_sample s1 = {fp, widx, NL, w, r1, 0, 0, 1}, s3 = s1, sr = s1;
    s3.jobs = 3;
    sr.firm = rev;
    evs_err e = {0};
    assert_int_equal(evs_tests_run(&s1, o1, &e), EVS_OK);
    assert_int_equal(evs_tests_run(&s3, o3, &e), EVS_OK);
    assert_int_equal(evs_tests_run(&sr, orev, &e), EVS_OK);
    assert_true(memcmp(o1, o3, sizeof o1) == 0);
    for (int t = 0; t < EVS_NTESTS; t++) {
        if (isnan(o1[t].statistic)) {
            assert_true(isnan(orev[t].statistic));
            continue;
        }
        close_rel(orev[t].statistic, o1[t].statistic, 1e-10, evs_test_name((evs_test_id)t));
    }
    assert_true(isfinite(o1[EVS_T_GRANK].statistic) && isfinite(o1[EVS_T_CORRADO].statistic) &&
                isfinite(o1[EVS_T_CORRADO_ZIVNEY].statistic) && isfinite(o1[EVS_T_BWCDA].statistic));
    free(F), free(off), free(date), free(ar), free(sar), free(rk), free(rks), free(sp), free(spv), free(rksp);
    free(win), free(fp), free(rev), free(widx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_panel),
        cmocka_unit_test(test_wilcoxon_by_hand),
        cmocka_unit_test(test_grank_ties),
        cmocka_unit_test(test_firm_inputs_on_study),
        cmocka_unit_test(test_large_sample_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
