/*
 * test_stats_naive.c — every statistic of the engine against a second,
 * deliberately naive implementation written here.
 *
 * Nothing below calls the code under test to obtain an expected value. The
 * naive side reads the price CSVs with its own parser, intersects dates by
 * string comparison, fits OLS through the explicit normal equations
 * (beta = Sxy/Sxx, alpha = ybar - beta xbar), ranks by counting (ties
 * averaged), computes every test of METHODS.md with plain loops, and takes
 * p-values from erfc (normal) and the regularized incomplete beta function
 * gsl_sf_beta_inc (Student t: p = I_{d/(d+t^2)}(d/2, 1/2)), not from the
 * gsl_cdf_* routines the library uses.
 *
 *   (a) the bundled study samples/deepseek-2025 (both events, all windows,
 *       all tests, the pooled rows event = ALL) in memory and in the written
 *       result files;
 *   (b) a synthetic panel written here (missing dates, an event on a day
 *       without data, adj_close vs close, ties for Corrado, zero returns for
 *       gen-sign) for every model and both return kinds;
 *   (c) the exclusion rules and the "no security left" error.
 *
 * Tolerances: 1e-10 relative for everything computed by the same formula
 * (both sides do O(n) floating-point sums in different orders, so they agree
 * to ~1e-13 here); 1e-9 relative for p-values (a different special-function
 * routine on each side).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evs_engine.h"
#include "evs_fmt.h"
#include "evs_results.h"
#include "evs_study.h"

#define RT 1e-10 /* relative tolerance, same formula */
#define RP 1e-9  /* relative tolerance, p-values from another routine */

/* The tests of issue 2 (t-cs .. corrado, the first ones in evs_tests.h's
 * order); later tests have their own suite. */
#define NV_NT (EVS_T_CORRADO + 1)

/* ------------------------------------------------------------------------ */
/* Checking with readable messages                                           */

static int nfail;

static void chk(double got, double want, double rtol, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void chk(double got, double want, double rtol, const char *fmt, ...)
{
    if (isnan(got) && isnan(want))
        return;
    double d = fabs(got - want), s = fmax(fabs(got), fabs(want));
    if (d == 0 || d <= rtol * s)
        return;
    nfail++;
    if (nfail <= 30) {
        char lbl[300];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(lbl, sizeof lbl, fmt, ap);
        va_end(ap);
        print_error("MISMATCH %s: library %.17g, independent %.17g (rel %.3g)\n", lbl, got, want,
                    s > 0 ? d / s : d);
    }
}

static void chk_true(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void chk_true(int cond, const char *fmt, ...)
{
    if (cond)
        return;
    nfail++;
    if (nfail <= 30) {
        char lbl[600];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(lbl, sizeof lbl, fmt, ap);
        va_end(ap);
        print_error("FAILED %s\n", lbl);
    }
}

/* ------------------------------------------------------------------------ */
/* Files                                                                     */

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    size_t got;
    while ((got = fread(b + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            b = realloc(b, cap + 1);
        }
    }
    fclose(fp);
    b[n] = 0;
    if (len)
        *len = n;
    return b;
}

static void put_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void rm_rf(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *root(void)
{
    const char *r = getenv("EVS_TEST_ROOT");
    return r ? r : ".";
}

/* ------------------------------------------------------------------------ */
/* Naive dates: strings compared with strcmp (ISO order), day numbers by    */
/* counting days from 1970-01-01.                                            */

static int nv_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int nv_mdays(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && nv_leap(y) ? 29 : d[m - 1];
}

static int nv_daynum(const char *s)
{
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8), n = 0;
    for (int yy = 1970; yy < y; yy++)
        n += nv_leap(yy) ? 366 : 365;
    for (int mm = 1; mm < m; mm++)
        n += nv_mdays(y, mm);
    return n + d - 1;
}

/* ------------------------------------------------------------------------ */
/* Naive CSV (quotes, doubled quotes; enough for our files)                   */

typedef struct nv_csv {
    size_t nrow;
    size_t *nf;
    char ***f;
} nv_csv;

static int nv_csv_load(const char *path, nv_csv *c)
{
    memset(c, 0, sizeof *c);
    size_t len;
    char *t = slurp(path, &len);
    if (!t)
        return -1;
    size_t i = 0;
    while (i < len) {
        char **fields = NULL;
        size_t nfields = 0;
        for (;;) {
            char *fb = malloc(len - i + 1);
            size_t k = 0;
            if (t[i] == '"') {
                i++;
                for (;;) {
                    if (t[i] == '"' && t[i + 1] == '"') {
                        fb[k++] = '"';
                        i += 2;
                    } else if (t[i] == '"') {
                        i++;
                        break;
                    } else {
                        fb[k++] = t[i++];
                    }
                }
            } else {
                while (i < len && t[i] != ',' && t[i] != '\n')
                    fb[k++] = t[i++];
            }
            fb[k] = 0;
            fields = realloc(fields, (nfields + 1) * sizeof *fields);
            fields[nfields++] = fb;
            if (i < len && t[i] == ',') {
                i++;
                continue;
            }
            if (i < len && t[i] == '\n')
                i++;
            break;
        }
        c->f = realloc(c->f, (c->nrow + 1) * sizeof *c->f);
        c->nf = realloc(c->nf, (c->nrow + 1) * sizeof *c->nf);
        c->f[c->nrow] = fields;
        c->nf[c->nrow] = nfields;
        c->nrow++;
    }
    free(t);
    return 0;
}

static void nv_csv_free(nv_csv *c)
{
    for (size_t r = 0; r < c->nrow; r++) {
        for (size_t k = 0; k < c->nf[r]; k++)
            free(c->f[r][k]);
        free(c->f[r]);
    }
    free(c->f);
    free(c->nf);
}

static double num(const char *s)
{
    return s[0] ? strtod(s, NULL) : NAN;
}

/* ------------------------------------------------------------------------ */
/* Naive price files                                                         */

typedef struct nv_px {
    size_t n;
    char (*d)[11];
    double *p;
} nv_px;

/* date and price (adj_close when any row has one, else close). */
static int nv_read_px(const char *path, nv_px *s)
{
    nv_csv c;
    memset(s, 0, sizeof *s);
    if (nv_csv_load(path, &c) != 0 || c.nrow < 2)
        return -1;
    int id = -1, ic = -1, ia = -1;
    for (size_t k = 0; k < c.nf[0]; k++) {
        if (strcmp(c.f[0][k], "date") == 0)
            id = (int)k;
        if (strcmp(c.f[0][k], "close") == 0)
            ic = (int)k;
        if (strcmp(c.f[0][k], "adj_close") == 0)
            ia = (int)k;
    }
    if (id < 0 || ic < 0) {
        nv_csv_free(&c);
        return -1;
    }
    int any_adj = 0;
    for (size_t r = 1; r < c.nrow; r++)
        if (ia >= 0 && c.f[r][ia][0])
            any_adj = 1;
    s->d = malloc(c.nrow * sizeof *s->d);
    s->p = malloc(c.nrow * sizeof *s->p);
    for (size_t r = 1; r < c.nrow; r++) {
        if (c.nf[r] < 2)
            continue;
        snprintf(s->d[s->n], 11, "%s", c.f[r][id]);
        s->p[s->n] = strtod(c.f[r][any_adj ? ia : ic], NULL);
        s->n++;
    }
    nv_csv_free(&c);
    return 0;
}

static void nv_px_free(nv_px *s)
{
    free(s->d);
    free(s->p);
}

/* Returns between consecutive dates both series have. */
typedef struct nv_al {
    size_t n;
    char (*d)[11];
    double *r, *rm;
} nv_al;

static void nv_align(const nv_px *s, const nv_px *m, int logret, nv_al *a)
{
    char(*kd)[11] = malloc((s->n + 1) * sizeof *kd);
    double *ks = malloc((s->n + 1) * sizeof *ks), *km = malloc((s->n + 1) * sizeof *km);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        long j = -1;
        if (m) {
            for (size_t q = 0; q < m->n; q++)
                if (strcmp(m->d[q], s->d[i]) == 0)
                    j = (long)q;
            if (j < 0)
                continue;
        }
        memcpy(kd[k], s->d[i], 11);
        ks[k] = s->p[i];
        km[k] = m ? m->p[j] : NAN;
        k++;
    }
    a->n = k ? k - 1 : 0;
    a->d = malloc((k + 1) * sizeof *a->d);
    a->r = malloc((k + 1) * sizeof *a->r);
    a->rm = malloc((k + 1) * sizeof *a->rm);
    for (size_t t = 1; t < k; t++) {
        memcpy(a->d[t - 1], kd[t], 11);
        a->r[t - 1] = logret ? log(ks[t] / ks[t - 1]) : ks[t] / ks[t - 1] - 1.0;
        a->rm[t - 1] = m ? (logret ? log(km[t] / km[t - 1]) : km[t] / km[t - 1] - 1.0) : NAN;
    }
    free(kd);
    free(ks);
    free(km);
}

static void nv_al_free(nv_al *a)
{
    free(a->d);
    free(a->r);
    free(a->rm);
}

/* ------------------------------------------------------------------------ */
/* Naive firm-event                                                          */

#define NV_MAXW 4

typedef struct nv_par {
    int model; /* EVS_MODEL_* */
    int logret;
    int e1, e2; /* estimation offsets */
    int nw, wf[NV_MAXW], wl[NV_MAXW];
    int minest;
} nv_par;

typedef struct nv_firm {
    const char *event, *sym;
    int ok;
    const char *why; /* a phrase the library's reason must contain */
    char day0[11], estfirst[11], estlast[11];
    int L1, dof;
    double alpha, beta, sig2, r2, rmbar, sxx;
    double *est_ar;
    int *est_off;
    char (*est_d)[11];
    int s1, s2, ns;
    char (*sp_d)[11];
    double *sp_r, *sp_rm, *sp_exp, *sp_ar, *sp_var, *sp_sar, *sp_car, *rk_est, *rk_sp;
    double car[NV_MAXW], vcar[NV_MAXW], scar[NV_MAXW], csar[NV_MAXW], bhar[NV_MAXW];
} nv_firm;

static void nv_firm_free(nv_firm *f)
{
    free(f->est_ar);
    free(f->est_off);
    free(f->est_d);
    free(f->sp_d);
    double *ps[] = {f->sp_r, f->sp_rm, f->sp_exp, f->sp_ar, f->sp_var, f->sp_sar, f->sp_car, f->rk_est, f->rk_sp};
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
        free(ps[i]);
}

static double nv_expected(const nv_firm *f, const nv_par *p, double rm)
{
    if (p->model == EVS_MODEL_CONSTANT_MEAN)
        return f->alpha;
    if (p->model == EVS_MODEL_MARKET_ADJUSTED)
        return rm;
    return f->alpha + f->beta * rm;
}

/* Rank of v[i] among v[0..n-1]: 1 + number smaller + (number equal - 1)/2. */
static double nv_rank(const double *v, size_t n, size_t i)
{
    size_t lt = 0, eq = 0;
    for (size_t j = 0; j < n; j++) {
        lt += v[j] < v[i];
        eq += v[j] == v[i];
    }
    return 1.0 + (double)lt + ((double)eq - 1.0) / 2.0;
}

static void nv_firm_run(nv_firm *f, const nv_al *a, const nv_par *p, const char *evdate)
{
    f->ok = 0;
    f->why = NULL;
    f->alpha = f->beta = f->r2 = NAN;
    int s1 = p->wf[0], s2 = p->wl[0];
    for (int w = 1; w < p->nw; w++) {
        s1 = p->wf[w] < s1 ? p->wf[w] : s1;
        s2 = p->wl[w] > s2 ? p->wl[w] : s2;
    }
    f->s1 = s1;
    f->s2 = s2;
    for (int w = 0; w < p->nw; w++)
        if (!(p->wl[w] < p->e1 || p->wf[w] > p->e2)) {
            f->why = "overlaps";
            return;
        }
    long k0 = -1;
    for (size_t t = 0; t < a->n && k0 < 0; t++)
        if (strcmp(a->d[t], evdate) >= 0)
            k0 = (long)t;
    if (k0 < 0) {
        f->why = "beyond the data";
        return;
    }
    memcpy(f->day0, a->d[k0], 11);
    if (k0 + s1 < 0 || k0 + s2 >= (long)a->n) {
        f->why = "does not fit";
        return;
    }
    long e1 = k0 + p->e1, e2 = k0 + p->e2;
    if (e1 < 0)
        e1 = 0;
    if (e2 < e1) {
        f->why = "does not fit";
        return;
    }
    int L1 = (int)(e2 - e1 + 1);
    f->L1 = L1;
    memcpy(f->estfirst, a->d[e1], 11);
    memcpy(f->estlast, a->d[e2], 11);
    if (L1 < p->minest) {
        f->why = "too few estimation returns";
        return;
    }
    const double *x = a->rm + e1, *y = a->r + e1;
    double n = L1;
    if (p->model == EVS_MODEL_MARKET) {
        int varies = 0;
        for (int t = 1; t < L1; t++)
            varies |= x[t] != x[0];
        if (!varies) {
            f->why = "market return constant";
            return;
        }
        double xb = 0, yb = 0, sxx = 0, sxy = 0, syy = 0, ssr = 0;
        for (int t = 0; t < L1; t++) {
            xb += x[t];
            yb += y[t];
        }
        xb /= n;
        yb /= n;
        for (int t = 0; t < L1; t++) {
            sxx += (x[t] - xb) * (x[t] - xb);
            sxy += (x[t] - xb) * (y[t] - yb);
            syy += (y[t] - yb) * (y[t] - yb);
        }
        f->beta = sxy / sxx;
        f->alpha = yb - f->beta * xb;
        for (int t = 0; t < L1; t++) {
            double u = y[t] - f->alpha - f->beta * x[t];
            ssr += u * u;
        }
        f->sig2 = ssr / (n - 2);
        f->r2 = sxy * sxy / (sxx * syy); /* = 1 - SSR/SST for OLS with intercept */
        f->rmbar = xb;
        f->sxx = sxx;
        f->dof = L1 - 2;
    } else {
        double m = 0, ss = 0;
        for (int t = 0; t < L1; t++)
            m += p->model == EVS_MODEL_CONSTANT_MEAN ? y[t] : y[t] - x[t];
        m /= n;
        for (int t = 0; t < L1; t++) {
            double u = (p->model == EVS_MODEL_CONSTANT_MEAN ? y[t] : y[t] - x[t]) - m;
            ss += u * u;
        }
        if (p->model == EVS_MODEL_CONSTANT_MEAN)
            f->alpha = m;
        f->sig2 = ss / (n - 1);
        f->dof = L1 - 1;
    }
    f->ok = 1;
    f->est_ar = malloc((size_t)L1 * sizeof *f->est_ar);
    f->est_off = malloc((size_t)L1 * sizeof *f->est_off);
    f->est_d = malloc((size_t)L1 * sizeof *f->est_d);
    for (int t = 0; t < L1; t++) {
        f->est_ar[t] = y[t] - nv_expected(f, p, x[t]);
        f->est_off[t] = (int)(e1 + t - k0);
        memcpy(f->est_d[t], a->d[e1 + t], 11);
    }
    int ns = s2 - s1 + 1;
    f->ns = ns;
    f->sp_d = malloc((size_t)ns * sizeof *f->sp_d);
    double **arr[] = {&f->sp_r, &f->sp_rm, &f->sp_exp, &f->sp_ar, &f->sp_var, &f->sp_sar, &f->sp_car, &f->rk_sp};
    for (size_t i = 0; i < sizeof arr / sizeof *arr; i++)
        *arr[i] = malloc((size_t)ns * sizeof(double));
    f->rk_est = malloc((size_t)L1 * sizeof(double));
    double run = 0;
    for (int t = 0; t < ns; t++) {
        long k = k0 + s1 + t;
        memcpy(f->sp_d[t], a->d[k], 11);
        f->sp_r[t] = a->r[k];
        f->sp_rm[t] = a->rm[k];
        f->sp_exp[t] = nv_expected(f, p, a->rm[k]);
        f->sp_ar[t] = a->r[k] - f->sp_exp[t];
        if (p->model == EVS_MODEL_CONSTANT_MEAN)
            f->sp_var[t] = f->sig2 * (1.0 + 1.0 / n);
        else if (p->model == EVS_MODEL_MARKET_ADJUSTED)
            f->sp_var[t] = f->sig2;
        else
            f->sp_var[t] = f->sig2 * (1.0 + 1.0 / n + pow(a->rm[k] - f->rmbar, 2) / f->sxx);
        f->sp_sar[t] = f->sp_ar[t] / sqrt(f->sp_var[t]);
        run += f->sp_ar[t];
        f->sp_car[t] = run;
    }
    for (int w = 0; w < p->nw; w++) {
        int i0 = p->wf[w] - s1, i1 = p->wl[w] - s1;
        double L2 = i1 - i0 + 1, c = 0, cs = 0, dm = 0, pr = 1, pe = 1;
        for (int i = i0; i <= i1; i++) {
            c += f->sp_ar[i];
            cs += f->sp_sar[i];
            dm += f->sp_rm[i] - f->rmbar;
            /* buy and hold: gross return 1+R (simple) or exp(r) (log) */
            pr *= p->logret ? exp(f->sp_r[i]) : 1.0 + f->sp_r[i];
            pe *= p->logret ? exp(f->sp_exp[i]) : 1.0 + f->sp_exp[i];
        }
        f->car[w] = c;
        f->csar[w] = cs;
        if (p->model == EVS_MODEL_CONSTANT_MEAN)
            f->vcar[w] = f->sig2 * (L2 + L2 * L2 / n);
        else if (p->model == EVS_MODEL_MARKET_ADJUSTED)
            f->vcar[w] = f->sig2 * L2;
        else
            f->vcar[w] = f->sig2 * (L2 + L2 * L2 / n + dm * dm / f->sxx);
        f->scar[w] = c / sqrt(f->vcar[w]);
        f->bhar[w] = pr - pe;
    }
    size_t T = (size_t)L1 + (size_t)ns;
    double *all = malloc(T * sizeof *all);
    memcpy(all, f->est_ar, (size_t)L1 * sizeof *all);
    memcpy(all + L1, f->sp_ar, (size_t)ns * sizeof *all);
    for (size_t i = 0; i < T; i++) {
        double r = nv_rank(all, T, i);
        if (i < (size_t)L1)
            f->rk_est[i] = r;
        else
            f->rk_sp[i - (size_t)L1] = r;
    }
    free(all);
}

/* ------------------------------------------------------------------------ */
/* Naive tests                                                               */

typedef struct nv_row {
    size_t n;
    double est, stat, df, p;
} nv_row;

static double nv_pnorm(double z)
{
    return isnan(z) ? NAN : erfc(fabs(z) / sqrt(2.0));
}

/* Two-sided Student-t p-value: P(|T| > t) = I_{d/(d+t^2)}(d/2, 1/2). */
static double nv_pt(double t, double d)
{
    return isnan(t) ? NAN : gsl_sf_beta_inc(d / 2.0, 0.5, d / (d + t * t));
}

static double nv_mean(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s / (double)n;
}

static double nv_sd(const double *x, size_t n)
{
    double m = nv_mean(x, n), s = 0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return sqrt(s / (double)(n - 1));
}

/* Pearson correlation of two firms' estimation residuals on common dates;
 * -1 return when fewer than 3 common dates or no variation. */
static int nv_corr(const nv_firm *a, const nv_firm *b, double *r)
{
    double *x = malloc((size_t)a->L1 * sizeof *x), *y = malloc((size_t)a->L1 * sizeof *y);
    size_t n = 0;
    for (int i = 0; i < a->L1; i++)
        for (int j = 0; j < b->L1; j++)
            if (strcmp(a->est_d[i], b->est_d[j]) == 0) {
                x[n] = a->est_ar[i];
                y[n] = b->est_ar[j];
                n++;
            }
    int rc = -1;
    if (n >= 3) {
        double mx = nv_mean(x, n), my = nv_mean(y, n), sxy = 0, sxx = 0, syy = 0;
        for (size_t i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx > 0 && syy > 0) {
            *r = sxy / sqrt(sxx * syy);
            rc = 0;
        }
    }
    free(x);
    free(y);
    return rc;
}

/* KP r-bar: pairs of the same event or the same day 0 count, others 0; mean over all pairs. */
static double nv_rbar(nv_firm *const *f, size_t n)
{
    if (n < 2)
        return 0;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            if (strcmp(f[i]->event, f[j]->event) != 0 && strcmp(f[i]->day0, f[j]->day0) != 0)
                continue;
            double r;
            if (nv_corr(f[i], f[j], &r) == 0)
                s += r;
        }
    return s / ((double)n * (double)(n - 1) / 2.0);
}

static void nv_tests(nv_firm *const *f, const int *wi, size_t N, int wf, int wl, double rbar,
                     nv_row out[NV_NT])
{
    double dN = (double)N, L2 = wl - wf + 1;
    double *car = malloc(N * sizeof *car), *scar = malloc(N * sizeof *scar);
    double svar = 0, sscar = 0, scsar = 0, sdd = 0, phat = 0, w = 0;
    int minoff = 0, maxoff = 0;
    for (size_t i = 0; i < N; i++) {
        int k = wi[i];
        car[i] = f[i]->car[k];
        scar[i] = f[i]->scar[k];
        svar += f[i]->vcar[k];
        sscar += f[i]->scar[k];
        scsar += f[i]->csar[k];
        double d = f[i]->dof;
        sdd += d / (d - 2);
        w += f[i]->car[k] > 0;
        double pos = 0;
        for (int t = 0; t < f[i]->L1; t++)
            pos += f[i]->est_ar[t] > 0;
        phat += pos / f[i]->L1;
        int lo = f[i]->est_off[0], hi = f[i]->s2;
        if (i == 0 || lo < minoff)
            minoff = lo;
        if (i == 0 || hi > maxoff)
            maxoff = hi;
    }
    phat /= dN;
    double caar = nv_mean(car, N);
    for (int t = 0; t < NV_NT; t++) {
        out[t].n = N;
        out[t].est = caar;
        out[t].df = NAN;
    }
    /* t-cs */
    out[EVS_T_TCS].stat = caar / (nv_sd(car, N) / sqrt(dN));
    out[EVS_T_TCS].df = dN - 1;
    /* J1 */
    out[EVS_T_J1].stat = caar / sqrt(svar / (dN * dN));
    /* J2, generalised to firm-specific d_i */
    out[EVS_T_J2].stat = sscar / sqrt(sdd);
    /* Patell window Z */
    double zp = scsar / sqrt(L2 * sdd);
    out[EVS_T_PATELL].stat = zp;
    out[EVS_T_PATELL_KP].stat = zp / sqrt(1 + (dN - 1) * rbar);
    /* BMP */
    double tb = nv_mean(scar, N) / (nv_sd(scar, N) / sqrt(dN));
    out[EVS_T_BMP].stat = tb;
    out[EVS_T_BMP].df = dN - 1;
    out[EVS_T_BMP_KP].stat = tb * sqrt((1 - rbar) / (1 + (dN - 1) * rbar));
    out[EVS_T_BMP_KP].df = dN - 1;
    /* sign and generalised sign */
    out[EVS_T_SIGN].est = out[EVS_T_GENSIGN].est = w / dN;
    out[EVS_T_SIGN].stat = (w - 0.5 * dN) / sqrt(0.25 * dN);
    out[EVS_T_GENSIGN].stat = (w - dN * phat) / sqrt(dN * phat * (1 - phat));
    /* BW-CDA: AAR on each estimation offset any firm has */
    double *aar = calloc((size_t)(maxoff - minoff + 1), sizeof *aar);
    size_t L = 0;
    for (int o = minoff; o <= maxoff; o++) {
        double s = 0, c = 0;
        for (size_t i = 0; i < N; i++)
            for (int t = 0; t < f[i]->L1; t++)
                if (f[i]->est_off[t] == o) {
                    s += f[i]->est_ar[t];
                    c++;
                }
        if (c > 0)
            aar[L++] = s / c;
    }
    double S = nv_sd(aar, L);
    out[EVS_T_BWCDA].stat = caar / (sqrt(L2) * S);
    out[EVS_T_BWCDA].df = (double)L - 1;
    free(aar);
    /* Corrado: mean rank deviation per offset over E and the span */
    double sk = 0, sw = 0, T = 0;
    for (int o = minoff; o <= maxoff; o++) {
        double s = 0, c = 0;
        for (size_t i = 0; i < N; i++) {
            double kbar = (f[i]->L1 + f[i]->ns + 1) / 2.0;
            for (int t = 0; t < f[i]->L1; t++)
                if (f[i]->est_off[t] == o) {
                    s += f[i]->rk_est[t] - kbar;
                    c++;
                }
            if (o >= f[i]->s1 && o <= f[i]->s2) {
                s += f[i]->rk_sp[o - f[i]->s1] - kbar;
                c++;
            }
        }
        if (c > 0) {
            double D = s / c;
            sk += D * D;
            T++;
            if (o >= wf && o <= wl)
                sw += D;
        }
    }
    out[EVS_T_CORRADO].stat = sw / (sqrt(L2) * sqrt(sk / T));
    for (int t = 0; t < NV_NT; t++)
        out[t].p = isnan(out[t].df) ? nv_pnorm(out[t].stat) : nv_pt(out[t].stat, out[t].df);
    free(car);
    free(scar);
}

/* ------------------------------------------------------------------------ */
/* A naive study: events, firms, per-day cross-sections, tests                */

#define NV_MAXEV 4
#define NV_MAXSEC 16

typedef struct nv_event {
    const char *name;
    char date[11];
    const char *syms[NV_MAXSEC];
    size_t nsym;
    nv_firm f[NV_MAXSEC];
    size_t nok;
    double rbar;
    nv_row t[NV_MAXW][NV_NT];
    int ns;
    char sd[64][11]; /* common date of each span day, "" when firms differ */
    double aar[64], caar[64], se_aar[64], se_caar[64];
} nv_event;

typedef struct nv_study {
    nv_par par;
    const char *datadir; /* .../1d */
    const char *market;
    const char *ovr_sym, *ovr_mkt; /* one [security] market override */
    nv_event ev[NV_MAXEV];
    size_t nev;
    double prbar;
    nv_row pooled[NV_MAXW][NV_NT];
} nv_study;

static void nv_path(char *out, size_t n, const char *dir, const char *sym)
{
    char enc[200];
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)sym; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
            *p == '_' || *p == '-')
            enc[k++] = (char)*p;
        else
            k += (size_t)sprintf(enc + k, "%%%02X", *p);
    }
    enc[k] = 0;
    snprintf(out, n, "%s/%s.csv", dir, enc);
}

static void nv_compute(nv_study *s)
{
    size_t total = 0;
    nv_firm *all[NV_MAXEV * NV_MAXSEC];
    int wi[NV_MAXEV * NV_MAXSEC];
    for (size_t k = 0; k < s->nev; k++) {
        nv_event *ev = &s->ev[k];
        nv_firm *ok[NV_MAXSEC];
        ev->nok = 0;
        for (size_t i = 0; i < ev->nsym; i++) {
            char ps[1024], pm[1024];
            const char *mk = s->ovr_sym && strcmp(s->ovr_sym, ev->syms[i]) == 0 ? s->ovr_mkt : s->market;
            if (!mk) { /* [security X] market = none under a model that needs one */
                nv_firm *f = &ev->f[i];
                memset(f, 0, sizeof *f);
                f->event = ev->name;
                f->sym = ev->syms[i];
                f->why = "no market";
                continue;
            }
            nv_path(ps, sizeof ps, s->datadir, ev->syms[i]);
            nv_path(pm, sizeof pm, s->datadir, mk);
            nv_px px, mx;
            assert_int_equal(nv_read_px(ps, &px), 0);
            assert_int_equal(nv_read_px(pm, &mx), 0);
            nv_al a;
            nv_align(&px, &mx, s->par.logret, &a);
            nv_firm *f = &ev->f[i];
            memset(f, 0, sizeof *f);
            f->event = ev->name;
            f->sym = ev->syms[i];
            nv_firm_run(f, &a, &s->par, ev->date);
            nv_al_free(&a);
            nv_px_free(&px);
            nv_px_free(&mx);
            if (f->ok) {
                ok[ev->nok++] = f;
                all[total++] = f;
            }
        }
        if (ev->nok == 0)
            continue;
        ev->rbar = nv_rbar(ok, ev->nok);
        int w0[NV_MAXSEC] = {0};
        for (int w = 0; w < s->par.nw; w++) {
            for (size_t i = 0; i < ev->nok; i++)
                w0[i] = w;
            nv_tests(ok, w0, ev->nok, s->par.wf[w], s->par.wl[w], ev->rbar, ev->t[w]);
        }
        ev->ns = ok[0]->ns;
        for (int t = 0; t < ev->ns; t++) {
            double a[NV_MAXSEC], c[NV_MAXSEC];
            memcpy(ev->sd[t], ok[0]->sp_d[t], 11);
            for (size_t i = 0; i < ev->nok; i++) {
                a[i] = ok[i]->sp_ar[t];
                c[i] = ok[i]->sp_car[t];
                if (strcmp(ok[i]->sp_d[t], ev->sd[t]) != 0)
                    ev->sd[t][0] = 0;
            }
            ev->aar[t] = nv_mean(a, ev->nok);
            ev->caar[t] = nv_mean(c, ev->nok);
            ev->se_aar[t] = ev->nok > 1 ? nv_sd(a, ev->nok) / sqrt((double)ev->nok) : NAN;
            ev->se_caar[t] = ev->nok > 1 ? nv_sd(c, ev->nok) / sqrt((double)ev->nok) : NAN;
        }
    }
    if (s->nev > 1 && total > 0) {
        s->prbar = nv_rbar(all, total);
        for (int w = 0; w < s->par.nw; w++) {
            for (size_t i = 0; i < total; i++)
                wi[i] = w;
            nv_tests(all, wi, total, s->par.wf[w], s->par.wl[w], s->prbar, s->pooled[w]);
        }
    }
}

static void nv_study_free(nv_study *s)
{
    for (size_t k = 0; k < s->nev; k++)
        for (size_t i = 0; i < s->ev[k].nsym; i++)
            nv_firm_free(&s->ev[k].f[i]);
}

/* ------------------------------------------------------------------------ */
/* Library run vs naive                                                      */

static void cmp_rows(const evs_test_row *got, const nv_row *want, const char *ev, int wf, int wl)
{
    static const char *nm[NV_NT] = {"t-cs", "j1",     "j2",   "bw-cda",   "patell", "patell-kp",
                                         "bmp",  "bmp-kp", "sign", "gen-sign", "corrado"};
    for (int t = 0; t < NV_NT; t++) {
        chk_true(got[t].n == want[t].n, "%s %d..%d %s: n %zu vs %zu", ev, wf, wl, nm[t], got[t].n, want[t].n);
        chk(got[t].estimate, want[t].est, RT, "%s %d..%d %s estimate", ev, wf, wl, nm[t]);
        chk(got[t].statistic, want[t].stat, RT, "%s %d..%d %s statistic", ev, wf, wl, nm[t]);
        chk(got[t].df, want[t].df, RT, "%s %d..%d %s df", ev, wf, wl, nm[t]);
        chk(got[t].p_value, want[t].p, RP, "%s %d..%d %s p", ev, wf, wl, nm[t]);
    }
}

static void cmp_firm(const evs_firm *g, const nv_firm *w, int nw)
{
    const char *E = w->event, *S = w->sym;
    chk_true(strcmp(g->symbol, S) == 0, "%s: firm order %s vs %s", E, g->symbol, S);
    chk_true(g->ok == w->ok, "%s %s: ok %d, independent %d (reason '%s')", E, S, g->ok, w->ok, g->reason);
    if (!w->ok) {
        chk_true(w->why && strstr(g->reason, w->why) != NULL, "%s %s: reason '%s' lacks '%s'", E, S, g->reason,
                 w->why ? w->why : "");
        return;
    }
    if (!g->ok)
        return;
    chk_true(g->day0_date == nv_daynum(w->day0), "%s %s: day 0 %d vs %s", E, S, g->day0_date, w->day0);
    chk_true(g->est_first_date == nv_daynum(w->estfirst) && g->est_last_date == nv_daynum(w->estlast),
             "%s %s: estimation dates", E, S);
    chk_true(g->fit.L1 == w->L1 && g->n_est == (size_t)w->L1, "%s %s: L1 %d vs %d", E, S, g->fit.L1, w->L1);
    chk_true(g->fit.dof == w->dof, "%s %s: dof %d vs %d", E, S, g->fit.dof, w->dof);
    chk(g->fit.alpha, w->alpha, RT, "%s %s alpha", E, S);
    chk(g->fit.beta, w->beta, RT, "%s %s beta", E, S);
    chk(g->fit.sigma2, w->sig2, RT, "%s %s sigma2", E, S);
    chk(g->fit.r2, w->r2, RT, "%s %s r2", E, S);
    for (int t = 0; t < w->L1 && (size_t)t < g->n_est; t++) {
        chk_true(evs_firm_est_off(g, t) == w->est_off[t] && g->est_date[t] == nv_daynum(w->est_d[t]),
                 "%s %s: estimation day %d offset/date", E, S, t);
        chk(g->est_ar[t], w->est_ar[t], RT, "%s %s est_ar[%d]", E, S, t);
        chk(g->rank_est[t], w->rk_est[t], 0, "%s %s rank_est[%d]", E, S, t);
    }
    chk_true(g->span_first == w->s1 && g->span_last == w->s2 && g->n_span == (size_t)w->ns, "%s %s: span", E, S);
    for (int t = 0; t < w->ns && (size_t)t < g->n_span; t++) {
        int o = w->s1 + t;
        chk_true(g->sp_date[t] == nv_daynum(w->sp_d[t]), "%s %s: date of day %d", E, S, o);
        chk(g->sp_r[t], w->sp_r[t], RT, "%s %s R[%d]", E, S, o);
        chk(g->sp_rm[t], w->sp_rm[t], RT, "%s %s Rm[%d]", E, S, o);
        chk(g->sp_exp[t], w->sp_exp[t], RT, "%s %s E[R][%d]", E, S, o);
        chk(g->sp_ar[t], w->sp_ar[t], RT, "%s %s AR[%d]", E, S, o);
        chk(g->sp_var[t], w->sp_var[t], RT, "%s %s Var(AR)[%d]", E, S, o);
        chk(g->sp_sar[t], w->sp_sar[t], RT, "%s %s SAR[%d]", E, S, o);
        chk(g->sp_car[t], w->sp_car[t], RT, "%s %s CAR(span)[%d]", E, S, o);
        chk(g->rank_span[t], w->rk_sp[t], 0, "%s %s rank_span[%d]", E, S, o);
    }
    chk_true(g->nw == (size_t)nw, "%s %s: windows", E, S);
    for (int k = 0; k < nw; k++) {
        chk(g->car[k], w->car[k], RT, "%s %s CAR w%d", E, S, k);
        chk(g->var_car[k], w->vcar[k], RT, "%s %s Var(CAR) w%d", E, S, k);
        chk(g->scar[k], w->scar[k], RT, "%s %s SCAR w%d", E, S, k);
        chk(g->csar[k], w->csar[k], RT, "%s %s CSAR w%d", E, S, k);
        chk(g->bhar[k], w->bhar[k], RT, "%s %s BHAR w%d", E, S, k);
    }
}

/* The earliest window start: the first day of the event span. */
static int span_first(const nv_par *p)
{
    int s1 = p->wf[0];
    for (int w = 1; w < p->nw; w++)
        s1 = p->wf[w] < s1 ? p->wf[w] : s1;
    return s1;
}

static void cmp_run(const evs_run *r, const nv_study *s)
{
    chk_true(r->nev == s->nev, "number of events %zu vs %zu", r->nev, s->nev);
    for (size_t k = 0; k < s->nev && k < r->nev; k++) {
        const evs_event_result *g = &r->ev[k];
        const nv_event *w = &s->ev[k];
        chk_true(strcmp(g->def->name, w->name) == 0, "event name %s vs %s", g->def->name, w->name);
        chk_true(g->nfirm == w->nsym && g->nok == w->nok, "%s: firms %zu/%zu vs %zu/%zu", w->name, g->nok,
                 g->nfirm, w->nok, w->nsym);
        for (size_t i = 0; i < w->nsym && i < g->nfirm; i++)
            cmp_firm(&g->firm[i], &w->f[i], s->par.nw);
        chk(g->rbar, w->rbar, RT, "%s rbar", w->name);
        chk_true(g->nspan == (size_t)w->ns && g->span_first == span_first(&s->par),
                 "%s: span %d, %zu days; expected %d, %d days", w->name, g->span_first, g->nspan,
                 span_first(&s->par), w->ns);
        for (int t = 0; t < w->ns && (size_t)t < g->nspan; t++) {
            chk_true(g->n[t] == w->nok, "%s day %d: n", w->name, t);
            chk_true(w->sd[t][0] ? g->date[t] == nv_daynum(w->sd[t]) : g->date[t] == EVS_NO_DATE,
                     "%s span day %d: date", w->name, t);
            chk(g->aar[t], w->aar[t], RT, "%s AAR[%d]", w->name, t);
            chk(g->caar[t], w->caar[t], RT, "%s CAAR[%d]", w->name, t);
            chk(g->se_aar[t], w->se_aar[t], RT, "%s se_AAR[%d]", w->name, t);
            chk(g->se_caar[t], w->se_caar[t], RT, "%s se_CAAR[%d]", w->name, t);
        }
        for (int k2 = 0; k2 < s->par.nw; k2++)
            cmp_rows(g->tests[k2], w->t[k2], w->name, s->par.wf[k2], s->par.wl[k2]);
    }
    if (s->nev > 1) {
        chk(r->pooled_rbar, s->prbar, RT, "pooled rbar");
        chk_true(r->npooled == (size_t)s->par.nw, "pooled windows %zu", r->npooled);
        for (size_t k = 0; k < r->npooled && k < (size_t)s->par.nw; k++) {
            chk_true(r->pooled[k].win.first == s->par.wf[k] && r->pooled[k].win.last == s->par.wl[k],
                     "pooled window %zu", k);
            cmp_rows(r->pooled[k].rows, s->pooled[k], "ALL", s->par.wf[k], s->par.wl[k]);
        }
    } else {
        chk_true(r->npooled == 0, "pooled rows with one event");
    }
}

/* ------------------------------------------------------------------------ */
/* Written result files vs naive (own CSV parser, expected row order)        */

static void load_out(const char *dir, const char *name, const char *header, nv_csv *c)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    assert_int_equal(nv_csv_load(p, c), 0);
    assert_true(c->nrow >= 1);
    /* DESIGN.md: these columns first and in order; later features add columns after them */
    char h[1024] = "";
    for (size_t k = 0; k < c->nf[0] && strlen(h) + strlen(c->f[0][k]) + 2 < sizeof h; k++) {
        strcat(h, k ? "," : "");
        strcat(h, c->f[0][k]);
    }
    size_t hl = strlen(header);
    if (strncmp(h, header, hl) != 0 || (h[hl] != 0 && h[hl] != ','))
        fail_msg("%s header: %s, want %s first", name, h, header);
}

/* The tests.csv rows of one (event, window) block: each of our tests once,
 * in our order, after the previous block's (*last: row of the previous match). */
static void cmp_file_rows(const nv_csv *c, size_t *last, const char *ev, int wf, int wl, const nv_row *w)
{
    static const char *nm[NV_NT] = {"t-cs", "j1",     "j2",   "bw-cda",   "patell", "patell-kp",
                                    "bmp",  "bmp-kp", "sign", "gen-sign", "corrado"};
    char ws[32];
    snprintf(ws, sizeof ws, "%d..%d", wf, wl);
    for (int t = 0; t < NV_NT; t++) {
        size_t row = 0, hits = 0;
        for (size_t r = 1; r < c->nrow; r++)
            if (c->nf[r] >= 8 && strcmp(c->f[r][0], ev) == 0 && strcmp(c->f[r][1], ws) == 0 &&
                strcmp(c->f[r][2], nm[t]) == 0) {
                row = r;
                hits++;
            }
        if (hits != 1) {
            chk_true(0, "tests.csv: %zu rows for %s,%s,%s", hits, ev, ws, nm[t]);
            continue;
        }
        chk_true(row > *last, "tests.csv: row %zu (%s,%s,%s) out of order", row, ev, ws, nm[t]);
        *last = row;
        char **f = c->f[row];
        chk_true(strtoul(f[3], NULL, 10) == w[t].n, "tests.csv %s %s %s: n", ev, ws, nm[t]);
        chk(num(f[4]), w[t].est, RT, "tests.csv %s %s %s estimate", ev, ws, nm[t]);
        chk(num(f[5]), w[t].stat, RT, "tests.csv %s %s %s statistic", ev, ws, nm[t]);
        chk(num(f[6]), w[t].df, RT, "tests.csv %s %s %s df", ev, ws, nm[t]);
        chk(num(f[7]), w[t].p, RP, "tests.csv %s %s %s p_value", ev, ws, nm[t]);
    }
}

static void cmp_files(const char *dir, const nv_study *s, const char *model)
{
    nv_csv c;
    size_t row;
    const nv_par *p = &s->par;
    /* tests.csv */
    load_out(dir, "tests.csv", "event,window,test,n,estimate,statistic,df,p_value", &c);
    row = 0;
    for (size_t k = 0; k < s->nev; k++)
        for (int w = 0; w < p->nw; w++)
            cmp_file_rows(&c, &row, s->ev[k].name, p->wf[w], p->wl[w], s->ev[k].t[w]);
    if (s->nev > 1)
        for (int w = 0; w < p->nw; w++)
            cmp_file_rows(&c, &row, "ALL", p->wf[w], p->wl[w], s->pooled[w]);
    size_t blocks = s->nev * (size_t)p->nw + (s->nev > 1 ? (size_t)p->nw : 0);
    chk_true(c.nrow == 1 + blocks * EVS_NTESTS, "tests.csv: %zu rows for %zu blocks of %d tests", c.nrow, blocks,
             (int)EVS_NTESTS);
    nv_csv_free(&c);

    /* cars.csv */
    load_out(dir, "cars.csv", "event,symbol,window,car,var_car,scar,bhar", &c);
    row = 1;
    for (size_t k = 0; k < s->nev; k++)
        for (size_t i = 0; i < s->ev[k].nsym; i++) {
            const nv_firm *f = &s->ev[k].f[i];
            if (!f->ok)
                continue;
            for (int w = 0; w < p->nw; w++, row++) {
                char ws[32];
                snprintf(ws, sizeof ws, "%d..%d", p->wf[w], p->wl[w]);
                if (row >= c.nrow || c.nf[row] < 7) {
                    chk_true(0, "cars.csv: row %zu missing", row);
                    continue;
                }
                char **x = c.f[row];
                chk_true(strcmp(x[0], f->event) == 0 && strcmp(x[1], f->sym) == 0 && strcmp(x[2], ws) == 0,
                         "cars.csv row %zu: %s,%s,%s", row, x[0], x[1], x[2]);
                chk(num(x[3]), f->car[w], RT, "cars.csv %s %s %s car", f->event, f->sym, ws);
                chk(num(x[4]), f->vcar[w], RT, "cars.csv %s %s %s var_car", f->event, f->sym, ws);
                chk(num(x[5]), f->scar[w], RT, "cars.csv %s %s %s scar", f->event, f->sym, ws);
                chk(num(x[6]), f->bhar[w], RT, "cars.csv %s %s %s bhar", f->event, f->sym, ws);
            }
        }
    chk_true(row == c.nrow, "cars.csv: %zu rows, %zu expected", c.nrow, row);
    nv_csv_free(&c);

    /* estimates.csv */
    load_out(dir, "estimates.csv", "event,symbol,model,est_first,est_last,n,alpha,beta,sigma,r2,status,reason", &c);
    row = 1;
    for (size_t k = 0; k < s->nev; k++)
        for (size_t i = 0; i < s->ev[k].nsym; i++, row++) {
            const nv_firm *f = &s->ev[k].f[i];
            if (row >= c.nrow || c.nf[row] < 12) {
                chk_true(0, "estimates.csv: row %zu missing", row);
                continue;
            }
            char **x = c.f[row];
            chk_true(strcmp(x[0], f->event) == 0 && strcmp(x[1], f->sym) == 0 && strcmp(x[2], model) == 0,
                     "estimates.csv row %zu: %s,%s,%s", row, x[0], x[1], x[2]);
            if (f->ok) {
                chk_true(strcmp(x[3], f->estfirst) == 0 && strcmp(x[4], f->estlast) == 0 && atoi(x[5]) == f->L1,
                         "estimates.csv %s %s: est_first,est_last,n = %s,%s,%s", f->event, f->sym, x[3], x[4], x[5]);
                chk(num(x[6]), f->alpha, RT, "estimates.csv %s %s alpha", f->event, f->sym);
                chk(num(x[7]), f->beta, RT, "estimates.csv %s %s beta", f->event, f->sym);
                chk(num(x[8]), sqrt(f->sig2), RT, "estimates.csv %s %s sigma", f->event, f->sym);
                chk(num(x[9]), f->r2, RT, "estimates.csv %s %s r2", f->event, f->sym);
                chk_true(strcmp(x[10], "ok") == 0 && x[11][0] == 0, "estimates.csv %s %s: status %s", f->event,
                         f->sym, x[10]);
            } else {
                chk_true(strcmp(x[10], "excluded") == 0 && f->why && strstr(x[11], f->why),
                         "estimates.csv %s %s: status %s reason '%s'", f->event, f->sym, x[10], x[11]);
                chk_true(x[6][0] == 0 && x[7][0] == 0 && x[8][0] == 0 && x[9][0] == 0,
                         "estimates.csv %s %s: numbers of an excluded security must be empty", f->event, f->sym);
            }
        }
    chk_true(row == c.nrow, "estimates.csv: %zu rows, %zu expected", c.nrow, row);
    nv_csv_free(&c);

    /* abnormal_returns.csv */
    load_out(dir, "abnormal_returns.csv", "event,symbol,date,day,return,market_return,expected,ar,sar,car", &c);
    row = 1;
    for (size_t k = 0; k < s->nev; k++)
        for (size_t i = 0; i < s->ev[k].nsym; i++) {
            const nv_firm *f = &s->ev[k].f[i];
            if (!f->ok)
                continue;
            for (int t = 0; t < f->ns; t++, row++) {
                if (row >= c.nrow || c.nf[row] < 10) {
                    chk_true(0, "abnormal_returns.csv: row %zu missing", row);
                    continue;
                }
                char **x = c.f[row];
                int o = f->s1 + t;
                chk_true(strcmp(x[0], f->event) == 0 && strcmp(x[1], f->sym) == 0 && strcmp(x[2], f->sp_d[t]) == 0 &&
                             atoi(x[3]) == o,
                         "abnormal_returns.csv row %zu: %s,%s,%s,%s", row, x[0], x[1], x[2], x[3]);
                chk(num(x[4]), f->sp_r[t], RT, "ar.csv %s %s %d return", f->event, f->sym, o);
                chk(num(x[5]), f->sp_rm[t], RT, "ar.csv %s %s %d market_return", f->event, f->sym, o);
                chk(num(x[6]), f->sp_exp[t], RT, "ar.csv %s %s %d expected", f->event, f->sym, o);
                chk(num(x[7]), f->sp_ar[t], RT, "ar.csv %s %s %d ar", f->event, f->sym, o);
                chk(num(x[8]), f->sp_sar[t], RT, "ar.csv %s %s %d sar", f->event, f->sym, o);
                chk(num(x[9]), f->sp_car[t], RT, "ar.csv %s %s %d car", f->event, f->sym, o);
            }
        }
    chk_true(row == c.nrow, "abnormal_returns.csv: %zu rows, %zu expected", c.nrow, row);
    nv_csv_free(&c);

    /* aar.csv */
    load_out(dir, "aar.csv", "event,day,date,n,aar,caar,se_aar,se_caar", &c);
    row = 1;
    for (size_t k = 0; k < s->nev; k++) {
        const nv_event *ev = &s->ev[k];
        for (int t = 0; t < ev->ns; t++, row++) {
            if (row >= c.nrow || c.nf[row] < 8) {
                chk_true(0, "aar.csv: row %zu missing", row);
                continue;
            }
            char **x = c.f[row];
            chk_true(strcmp(x[0], ev->name) == 0 && atoi(x[1]) == span_first(p) + t &&
                         strcmp(x[2], ev->sd[t]) == 0 && strtoul(x[3], NULL, 10) == ev->nok,
                     "aar.csv row %zu: %s,%s,%s,%s", row, x[0], x[1], x[2], x[3]);
            chk(num(x[4]), ev->aar[t], RT, "aar.csv %s %d aar", ev->name, t);
            chk(num(x[5]), ev->caar[t], RT, "aar.csv %s %d caar", ev->name, t);
            chk(num(x[6]), ev->se_aar[t], RT, "aar.csv %s %d se_aar", ev->name, t);
            chk(num(x[7]), ev->se_caar[t], RT, "aar.csv %s %d se_caar", ev->name, t);
        }
    }
    chk_true(row == c.nrow, "aar.csv: %zu rows, %zu expected", c.nrow, row);
    nv_csv_free(&c);
}

/* Run the library on a study file: load, run, compare in memory, write, compare the files. */
static void run_and_compare(const char *ini, const nv_study *s, const char *model)
{
    evs_study st;
    evs_run r;
    evs_err e;
    memset(&e, 0, sizeof e);
    evs_status rc = evs_study_load(ini, &st, &e);
    if (rc != EVS_OK)
        print_error("%s\n", e.msg);
    assert_int_equal(rc, EVS_OK);
    rc = evs_run_study(&st, NULL, &r, &e);
    if (rc != EVS_OK)
        print_error("%s\n", e.msg);
    assert_int_equal(rc, EVS_OK);
    cmp_run(&r, s);
    char tmpl[] = "/tmp/evs-unit-out-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    rc = evs_results_write(&r, dir, "test", &e);
    if (rc != EVS_OK)
        print_error("%s\n", e.msg);
    assert_int_equal(rc, EVS_OK);
    cmp_files(dir, s, model);
    rm_rf(dir);
    evs_run_free(&r);
    evs_study_free(&st);
}

/* ------------------------------------------------------------------------ */
/* (a) The bundled study                                                      */

static void test_deepseek(void **state)
{
    (void)state;
    nfail = 0;
    static const char *syms[] = {"NVDA", "AMD", "AVGO", "TSM", "ASML", "MU", "ARM", "MRVL", "INTC", "QCOM"};
    char datadir[1024], ini[1024];
    snprintf(datadir, sizeof datadir, "%s/samples/deepseek-2025/data/1d", root());
    snprintf(ini, sizeof ini, "%s/samples/deepseek-2025/study.ini", root());
    nv_study *s = calloc(1, sizeof *s);
    /* the parameters written in samples/deepseek-2025/study.ini */
    s->par = (nv_par){EVS_MODEL_MARKET, 0, -250, -11, 3, {0, -1, 0}, {0, 1, 4}, 120};
    s->datadir = datadir;
    s->market = "^GSPC";
    s->nev = 2;
    s->ev[0].name = "deepseek-selloff";
    strcpy(s->ev[0].date, "2025-01-27");
    s->ev[1].name = "deepseek-nature";
    strcpy(s->ev[1].date, "2025-09-17");
    for (int k = 0; k < 2; k++) {
        s->ev[k].nsym = 10;
        for (int i = 0; i < 10; i++)
            s->ev[k].syms[i] = syms[i];
    }
    nv_compute(s);

    /* Sanity of the independent side itself: NVDA fell about 17% on 2025-01-27
     * (close 142.62 on 2025-01-24, 118.42 on 2025-01-27: -16.97%). */
    const nv_firm *nv = &s->ev[0].f[0];
    assert_true(nv->ok);
    assert_string_equal(nv->day0, "2025-01-27");
    int d0 = -nv->s1;
    assert_true(fabs(nv->sp_r[d0] - (118.42 / 142.62 - 1)) < 1e-12);
    assert_true(nv->sp_ar[d0] < -0.10 && nv->scar[0] < -3);
    assert_int_equal(nv->L1, 240);
    assert_int_equal((int)s->ev[0].nok, 10);
    assert_int_equal((int)s->ev[1].nok, 10);

    run_and_compare(ini, s, "market");
    nv_study_free(s);
    free(s);
    assert_int_equal(nfail, 0);
}

/* ------------------------------------------------------------------------ */
/* (b) A synthetic panel                                                       */

#define NDATES 60

static uint64_t lcg_state;
static double urand(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) * (1.0 / 9007199254740992.0);
}

static void gen_dates(char d[][11], int n, int y, int m, int day)
{
    for (int i = 0; i < n; i++) {
        char b[48];
        snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, day);
        memcpy(d[i], b, 11);
        if (++day > nv_mdays(y, m)) {
            day = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}

static double r4(double x)
{
    return round(x * 1e4) / 1e4;
}

/* The panel: MKT, A (close only), B (adj_close used; close differs), C
 * (adj_close), D (columns reordered, no adj_close column).
 * Holes: every file lacks day 38 (the first event falls on it); MKT lacks
 * day 12; B lacks days 20 and 21; D starts at day 3.
 * Ties: all series unchanged on days 25 and 30 (zero returns: tied ARs in
 * every model, and ARs that are exactly 0 for market-adjusted); MKT and A
 * unchanged on days 38/39 (A's day-0 AR ties with its estimation days); MKT
 * and C alternate X,Y,X,Y on days 14-17 (two identical (R, Rm) pairs). */
static void write_panel(const char *data1d, char dates[][11])
{
    const char *names[5] = {"MKT", "A", "B", "C", "D"};
    double base[5] = {4000, 50, 120, 30, 75}, beta[5] = {0, 1.2, 0.8, 1.5, 0.4};
    double px[5][NDATES];
    lcg_state = 12345;
    double mret[NDATES];
    for (int t = 0; t < NDATES; t++)
        mret[t] = 0.02 * (urand() + urand() + urand() - 1.5);
    for (int s = 0; s < 5; s++) {
        double p = base[s];
        for (int t = 0; t < NDATES; t++) {
            double r = s == 0 ? mret[t] : beta[s] * mret[t] + 0.03 * (urand() - 0.5);
            if (t == 0)
                r = 0;
            int hold = t == 25 || t == 30 || ((s == 0 || s == 1) && (t == 38 || t == 39));
            if (!hold)
                p = r4(p * (1 + r));
            px[s][t] = p;
        }
        if (s == 0 || s == 3) {
            px[s][16] = px[s][14];
            px[s][17] = px[s][15];
            /* keep day 18 onwards as generated */
        }
    }
    for (int s = 0; s < 5; s++) {
        char path[2100];
        snprintf(path, sizeof path, "%s/%s.csv", data1d, names[s]);
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        if (s == 4)
            fputs("volume,close,date\n", fp);
        else
            fputs("date,open,high,low,close,adj_close,volume\n", fp);
        for (int t = 0; t < NDATES; t++) {
            if (t == 38 || (s == 0 && t == 12) || (s == 2 && (t == 20 || t == 21)) || (s == 4 && t < 3))
                continue;
            double p = px[s][t];
            if (s == 4)
                fprintf(fp, "%d,%.4f,%s\n", 1000 + t, p, dates[t]);
            else if (s == 2 || s == 3) /* close is the unadjusted price: 1.1 x adj */
                fprintf(fp, "%s,%.4f,%.4f,%.4f,%.4f,%.4f,%d\n", dates[t], p, p, p, r4(p * 1.1), p, 1000 + t);
            else
                fprintf(fp, "%s,%.4f,%.4f,%.4f,%.4f,,%d\n", dates[t], p, p, p, p, 1000 + t);
        }
        assert_int_equal(fclose(fp), 0);
    }
}

static void synthetic(int model, int logret)
{
    nfail = 0;
    static const char *mname[] = {"constant-mean", "market-adjusted", "market"};
    char tmpl[] = "/tmp/evs-unit-syn-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    char data1d[1024], path[1024], ini[4096];
    snprintf(path, sizeof path, "%s/data", dir);
    assert_int_equal(mkdir(path, 0777), 0);
    snprintf(data1d, sizeof data1d, "%s/data/1d", dir);
    assert_int_equal(mkdir(data1d, 0777), 0);
    static char dates[NDATES][11];
    gen_dates(dates, NDATES, 2024, 2, 10);
    write_panel(data1d, dates);
    snprintf(ini, sizeof ini,
             "[study]\ntitle = synthetic\ndata = data\nreturns = %s\nmodel = %s\nestimation = -30..-6\n"
             "windows = 0..0 -1..2\nmin_estimation = 20\nmarket = MKT\n\n"
             "[event ev1]\ntime = %s\nsecurities = A B C D\n\n"
             "[event ev2]\ntime = %s\nsecurities = A B C D\n\n"
             "[event ev3]\ntime = %s\nsecurities = A C\n\n"
             "[event ev4]\ntime = %s\nsecurities = B\n", /* one security: the per-event fast path */
             logret ? "log" : "simple", mname[model], dates[38], dates[50], dates[39], dates[44]);
    snprintf(path, sizeof path, "%s/study.ini", dir);
    put_file(path, ini);

    nv_study *s = calloc(1, sizeof *s);
    s->par = (nv_par){model, logret, -30, -6, 2, {0, -1}, {0, 2}, 20};
    s->datadir = data1d;
    s->market = "MKT";
    s->nev = 4;
    const char *evn[4] = {"ev1", "ev2", "ev3", "ev4"};
    int evd[4] = {38, 50, 39, 44};
    for (int k = 0; k < 4; k++) {
        s->ev[k].name = evn[k];
        strcpy(s->ev[k].date, dates[evd[k]]);
        static const char *four[] = {"A", "B", "C", "D"}, *two[] = {"A", "C"}, *one[] = {"B"};
        s->ev[k].nsym = k == 3 ? 1 : k == 2 ? 2 : 4;
        for (size_t i = 0; i < s->ev[k].nsym; i++)
            s->ev[k].syms[i] = k == 3 ? one[i] : k == 2 ? two[i] : four[i];
    }
    nv_compute(s);

    /* The panel does what it claims (checks of the test itself). */
    for (int k = 0; k < 4; k++)
        assert_int_equal((int)s->ev[k].nok, (int)s->ev[k].nsym);
    assert_string_equal(s->ev[0].f[0].day0, dates[39]); /* event on a day without data */
    assert_string_equal(s->ev[2].f[0].day0, dates[39]); /* ev1 and ev3 share day 0 */
    int ties = 0, span_tie = 0, zero_ar = 0;
    for (int i = 0; i < 4; i++) {
        const nv_firm *f = &s->ev[0].f[i];
        for (int t = 0; t < f->L1; t++) {
            for (int u = t + 1; u < f->L1; u++)
                ties += f->rk_est[t] == f->rk_est[u];
            zero_ar += f->est_ar[t] == 0;
        }
        for (int t = 0; t < f->ns; t++)
            for (int u = 0; u < f->L1; u++)
                span_tie += f->rk_sp[t] == f->rk_est[u];
        assert_int_equal(f->L1, 25);
    }
    assert_true(ties >= 4);
    assert_true(span_tie >= 1);
    if (model == EVS_MODEL_MARKET_ADJUSTED)
        assert_true(zero_ar >= 8);
    /* J2 in METHODS.md's form for equal L1: sqrt(N (L1-4)/(L1-2)) mean(SCAR) with
     * d = L1-2 (market model); with d = L1-1 it reads sqrt(N (L1-3)/(L1-1)) mean(SCAR). */
    for (int w = 0; w < 2; w++) {
        double m = 0, L1 = 25, N = 4;
        for (int i = 0; i < 4; i++)
            m += s->ev[0].f[i].scar[w] / N;
        double j2 = model == EVS_MODEL_MARKET ? sqrt(N * (L1 - 4) / (L1 - 2)) * m : sqrt(N * (L1 - 3) / (L1 - 1)) * m;
        chk(s->ev[0].t[w][EVS_T_J2].stat, j2, RT, "naive J2 vs METHODS form");
    }

    run_and_compare(path, s, mname[model]);
    nv_study_free(s);
    free(s);
    rm_rf(dir);
    assert_int_equal(nfail, 0);
}

static void test_syn_cm_simple(void **state)
{
    (void)state;
    synthetic(EVS_MODEL_CONSTANT_MEAN, 0);
}
static void test_syn_cm_log(void **state)
{
    (void)state;
    synthetic(EVS_MODEL_CONSTANT_MEAN, 1);
}
static void test_syn_ma_simple(void **state)
{
    (void)state;
    synthetic(EVS_MODEL_MARKET_ADJUSTED, 0);
}
static void test_syn_ma_log(void **state)
{
    (void)state;
    synthetic(EVS_MODEL_MARKET_ADJUSTED, 1);
}
static void test_syn_mm_simple(void **state)
{
    (void)state;
    synthetic(EVS_MODEL_MARKET, 0);
}
static void test_syn_mm_log(void **state)
{
    (void)state;
    synthetic(EVS_MODEL_MARKET, 1);
}

/* ------------------------------------------------------------------------ */
/* (c) Exclusions                                                              */

/* Write name.csv with the days [from, to] of a generated path (close only). */
static void write_series(const char *data1d, const char *name, char dates[][11], int from, int to, double base,
                         double vol, int constant)
{
    char path[2100];
    snprintf(path, sizeof path, "%s/%s.csv", data1d, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("date,open,high,low,close,adj_close,volume\n", fp);
    double p = base;
    for (int t = 0; t < NDATES; t++) {
        if (!constant && t > 0)
            p = r4(p * (1 + vol * (urand() - 0.5)));
        if (t >= from && t <= to)
            fprintf(fp, "%s,,,,%.4f,,\n", dates[t], p);
    }
    assert_int_equal(fclose(fp), 0);
}

static char *make_excl_dir(char dates[][11], char *data1d, size_t n)
{
    static char tmpl[64];
    strcpy(tmpl, "/tmp/evs-unit-exc-XXXXXX");
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    char path[2100];
    snprintf(path, sizeof path, "%s/data", dir);
    assert_int_equal(mkdir(path, 0777), 0);
    snprintf(data1d, n, "%s/data/1d", dir);
    assert_int_equal(mkdir(data1d, 0777), 0);
    gen_dates(dates, NDATES, 2023, 11, 20);
    lcg_state = 777;
    write_series(data1d, "MKT", dates, 0, NDATES - 1, 1000, 0.03, 0);
    write_series(data1d, "CONST", dates, 0, NDATES - 1, 100, 0, 1);
    write_series(data1d, "A", dates, 0, NDATES - 1, 20, 0.05, 0);
    write_series(data1d, "B", dates, 0, NDATES - 1, 40, 0.04, 0);
    write_series(data1d, "CLIP", dates, 18, NDATES - 1, 60, 0.05, 0); /* estimation clipped: L1 = 21 */
    write_series(data1d, "LATE", dates, 30, NDATES - 1, 10, 0.05, 0); /* L1 = 9 < 20 */
    write_series(data1d, "SHORT", dates, 0, 40, 15, 0.05, 0);         /* ends before the event */
    write_series(data1d, "FLAT", dates, 0, NDATES - 1, 25, 0.05, 0);  /* its market is CONST */
    write_series(data1d, "END", dates, 0, 46, 35, 0.05, 0);           /* day +2 missing */
    return dir;
}

static void test_exclusions(void **state)
{
    (void)state;
    nfail = 0;
    static char dates[NDATES][11];
    char data1d[1024], path[1024], ini[2048];
    char *dir = make_excl_dir(dates, data1d, sizeof data1d);
    snprintf(ini, sizeof ini,
             "[study]\ndata = data\nmodel = market\nestimation = -30..-6\nwindows = 0..0 -1..2\n"
             "min_estimation = 20\nmarket = MKT\n\n[security FLAT]\nmarket = CONST\n\n"
             "[event ev]\ntime = %s\nsecurities = A LATE SHORT CLIP FLAT END B\n",
             dates[45]);
    snprintf(path, sizeof path, "%s/study.ini", dir);
    put_file(path, ini);

    nv_study *s = calloc(1, sizeof *s);
    s->par = (nv_par){EVS_MODEL_MARKET, 0, -30, -6, 2, {0, -1}, {0, 2}, 20};
    s->datadir = data1d;
    s->market = "MKT";
    s->ovr_sym = "FLAT";
    s->ovr_mkt = "CONST";
    s->nev = 1;
    s->ev[0].name = "ev";
    strcpy(s->ev[0].date, dates[45]);
    static const char *syms[] = {"A", "LATE", "SHORT", "CLIP", "FLAT", "END", "B"};
    s->ev[0].nsym = 7;
    for (int i = 0; i < 7; i++)
        s->ev[0].syms[i] = syms[i];
    nv_compute(s);
    /* the naive side sees the intended situation */
    const nv_firm *f = s->ev[0].f;
    assert_true(f[0].ok && f[3].ok && f[6].ok);
    assert_int_equal(f[0].L1, 25);
    assert_int_equal(f[3].L1, 21);
    assert_string_equal(f[1].why, "too few estimation returns");
    assert_string_equal(f[2].why, "beyond the data");
    assert_string_equal(f[4].why, "market return constant");
    assert_string_equal(f[5].why, "does not fit");

    /* the library: same exclusions with reasons, the others analysed and
     * identical to the naive values (unequal L1: generalised J2, Patell,
     * gen-sign, BW-CDA over the union of offsets) */
    run_and_compare(path, s, "market");
    nv_study_free(s);
    free(s);
    rm_rf(dir);
    assert_int_equal(nfail, 0);
}

/* The first listed security excluded for having no market ([security X]
 * market = none): the event's span, AAR and CAAR must come from the
 * included securities. */
static void test_first_without_market(void **state)
{
    (void)state;
    nfail = 0;
    static char dates[NDATES][11];
    char data1d[1024], path[2100], ini[2048];
    char *dir = make_excl_dir(dates, data1d, sizeof data1d);
    snprintf(ini, sizeof ini,
             "[study]\ndata = data\nmodel = market\nestimation = -30..-6\nwindows = 0..0 -1..2\n"
             "min_estimation = 20\nmarket = MKT\n\n[security A]\nmarket = none\n\n"
             "[event ev]\ntime = %s\nsecurities = A B CLIP\n",
             dates[45]);
    snprintf(path, sizeof path, "%s/study.ini", dir);
    put_file(path, ini);
    nv_study *s = calloc(1, sizeof *s);
    s->par = (nv_par){EVS_MODEL_MARKET, 0, -30, -6, 2, {0, -1}, {0, 2}, 20};
    s->datadir = data1d;
    s->market = "MKT";
    s->ovr_sym = "A";
    s->ovr_mkt = NULL;
    s->nev = 1;
    s->ev[0].name = "ev";
    strcpy(s->ev[0].date, dates[45]);
    static const char *syms[] = {"A", "B", "CLIP"};
    s->ev[0].nsym = 3;
    for (int i = 0; i < 3; i++)
        s->ev[0].syms[i] = syms[i];
    nv_compute(s);
    assert_int_equal((int)s->ev[0].nok, 2);
    assert_int_equal(s->ev[0].ns, 4);
    run_and_compare(path, s, "market");
    nv_study_free(s);
    free(s);
    rm_rf(dir);
    assert_int_equal(nfail, 0);
}

static int line_of(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    int line = 1;
    for (const char *q = text; q < p; q++)
        line += *q == '\n';
    return line;
}

/* The study is head, the date of day 45 of the panel, tail. */
static void expect_no_security_left(const char *head, const char *tail, const char *bad_section, const char *reason)
{
    static char dates[NDATES][11];
    char data1d[1024], path[1024], ini[2048];
    char *dir = make_excl_dir(dates, data1d, sizeof data1d);
    snprintf(ini, sizeof ini, "%s%s%s", head, dates[45], tail);
    snprintf(path, sizeof path, "%s/study.ini", dir);
    put_file(path, ini);
    evs_study st;
    evs_run r;
    evs_err e;
    memset(&e, 0, sizeof e);
    assert_int_equal(evs_study_load(path, &st, &e), EVS_OK);
    assert_int_equal(evs_run_study(&st, NULL, &r, &e), EVS_ERR_DATA);
    char want[1100];
    snprintf(want, sizeof want, "%s:%d:", path, line_of(ini, bad_section));
    if (!strstr(e.msg, want) || !strstr(e.msg, "no security left") || !strstr(e.msg, reason))
        print_error("message: %s\nexpected it to contain '%s', 'no security left' and '%s'\n", e.msg, want, reason);
    assert_non_null(strstr(e.msg, want));
    assert_non_null(strstr(e.msg, "no security left"));
    assert_non_null(strstr(e.msg, reason));
    evs_study_free(&st);
    rm_rf(dir);
}

static void test_no_security_left(void **state)
{
    (void)state;
    /* estimation window overlapping an event window: every security of that event */
    expect_no_security_left("[study]\ndata = data\nmodel = market\nestimation = -30..-6\nwindows = 0..0 -1..2\n"
                            "min_estimation = 20\nmarket = MKT\n\n[event fine]\ntime = ",
                            "\nsecurities = A B\n\n"
                            "[event bad]\ntime = 2023-12-20\nestimation = -30..0\nsecurities = A B\n",
                            "[event bad]", "overlaps");
    /* an event date beyond the data of all its securities */
    expect_no_security_left("[study]\ndata = data\nmodel = market\nestimation = -30..-6\nwindows = 0..0\n"
                            "min_estimation = 20\nmarket = MKT\n\n[event ok]\ntime = ",
                            "\nsecurities = A\n\n"
                            "[event late]\ntime = 2030-01-02\nsecurities = A SHORT\n",
                            "[event late]", "beyond the data");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deepseek),      cmocka_unit_test(test_syn_cm_simple),
        cmocka_unit_test(test_syn_cm_log),    cmocka_unit_test(test_syn_ma_simple),
        cmocka_unit_test(test_syn_ma_log),    cmocka_unit_test(test_syn_mm_simple),
        cmocka_unit_test(test_syn_mm_log),    cmocka_unit_test(test_exclusions),
        cmocka_unit_test(test_no_security_left), cmocka_unit_test(test_first_without_market),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
