/*
 * test_models.c — the k-regressor models (evs_model.h), the factor-file
 * reader (evs_factors.h), the designs (evs_design.h) and estimation hygiene
 * (exclude_events), each against an independent computation written here:
 * OLS by the normal equations X'X b = X'y solved and inverted by Gauss-Jordan
 * elimination, the forecast-error variances s^2 (1 + x'(X'X)^-1 x) and
 * s^2 (L2 + g'(X'X)^-1 g) of CLM (1997) section 4.4 from that inverse, the
 * Dimson (1979) and Scholes-Williams (1977) betas from their definitions, and
 * the factor file read back line by line with sscanf.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_sf_gamma.h>

#include "evs_date.h"
#include "evs_design.h"
#include "evs_factors.h"
#include "evs_fetch.h"
#include "evs_firm.h"
#include "evs_gslerr.h"
#include "evs_model.h"
#include "evs_study.h"

static void close_rel(double got, double want, double tol, const char *what)
{
    double scale = fabs(want) > 1e-300 ? fabs(want) : 1.0;
    if (!(fabs(got - want) <= tol * scale))
        fail_msg("%s: got %.17g, want %.17g (rel err %.3g)", what, got, want, fabs(got - want) / scale);
}

/* deterministic pseudo-random numbers (LCG + Box-Muller) */
static uint64_t rng = 88172645463325252ull;
static double unif(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void)
{
    return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif());
}

#define MAXN 400
#define P EVS_MODEL_MAXP

/* Naive OLS of y on (1, x): normal equations, Gauss-Jordan with partial
 * pivoting on [X'X | I | X'y]. Fills b, the inverse, and s^2 = SSR/(n - p). */
static void naive_ols(const double *y, const double *x, size_t n, size_t k, double *b, double *inv, double *s2)
{
    size_t p = k + 1;
    double A[P][2 * P + 1];
    memset(A, 0, sizeof A);
    for (size_t t = 0; t < n; t++) {
        double row[P];
        row[0] = 1;
        for (size_t j = 0; j < k; j++)
            row[j + 1] = x[t * k + j];
        for (size_t i = 0; i < p; i++) {
            for (size_t j = 0; j < p; j++)
                A[i][j] += row[i] * row[j];
            A[i][2 * p] += row[i] * y[t];
        }
    }
    for (size_t i = 0; i < p; i++)
        A[i][p + i] = 1;
    for (size_t c = 0; c < p; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < p; r++)
            if (fabs(A[r][c]) > fabs(A[piv][c]))
                piv = r;
        for (size_t j = 0; j <= 2 * p; j++) {
            double tmp = A[c][j];
            A[c][j] = A[piv][j];
            A[piv][j] = tmp;
        }
        double d = A[c][c];
        for (size_t j = 0; j <= 2 * p; j++)
            A[c][j] /= d;
        for (size_t r = 0; r < p; r++)
            if (r != c) {
                double m = A[r][c];
                for (size_t j = 0; j <= 2 * p; j++)
                    A[r][j] -= m * A[c][j];
            }
    }
    for (size_t i = 0; i < p; i++) {
        b[i] = A[i][2 * p];
        for (size_t j = 0; j < p; j++)
            inv[i * p + j] = A[i][p + j];
    }
    double ssr = 0;
    for (size_t t = 0; t < n; t++) {
        double e = y[t] - b[0];
        for (size_t j = 0; j < k; j++)
            e -= b[j + 1] * x[t * k + j];
        ssr += e * e;
    }
    *s2 = ssr / (double)(n - p);
}

static double naive_quad(const double *inv, size_t p, const double *g)
{
    double q = 0;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            q += g[i] * inv[i * p + j] * g[j];
    return q;
}

/* a small panel: n days of k factors and y = a + x'b + noise */
static void panel(size_t n, size_t k, double *y, double *x)
{
    for (size_t t = 0; t < n; t++) {
        double v = 0.0004;
        for (size_t j = 0; j < k; j++) {
            x[t * k + j] = 0.01 * gauss() + (j == 0 ? 0.0003 : 0);
            v += (1.3 - 0.4 * (double)j) * x[t * k + j];
        }
        y[t] = v + 0.015 * gauss();
    }
}

static void check_ols_model(evs_model_kind kind, size_t n)
{
    size_t k = (size_t)evs_model_nreg(kind, 0), p = k + 1;
    static double y[MAXN], x[MAXN * EVS_MODEL_MAXK];
    panel(n, k, y, x);
    evs_fit f;
    char why[200];
    assert_int_equal(evs_model_fit_x(kind, 0, y, x, n, &f, why, sizeof why), 0);
    double b[P], inv[P * P], s2;
    naive_ols(y, x, n, k, b, inv, &s2);
    assert_int_equal(f.dof, (int)(n - k - 1));
    assert_int_equal(f.k, (int)k);
    for (size_t j = 0; j < p; j++)
        close_rel(f.coef[j], b[j], 1e-9, "coefficient");
    close_rel(f.alpha, b[0], 1e-9, "alpha");
    close_rel(f.beta, b[1], 1e-9, "beta (first regressor)");
    close_rel(f.sigma2, s2, 1e-9, "s^2 with L1 - k - 1");
    /* one day out of sample: expected return and Var(AR) = s^2 (1 + x~'(X'X)^-1 x~) */
    double xt[EVS_MODEL_MAXK], g[P] = {1};
    for (size_t j = 0; j < k; j++)
        g[j + 1] = xt[j] = 0.02 * gauss();
    double ex = b[0];
    for (size_t j = 0; j < k; j++)
        ex += b[j + 1] * xt[j];
    close_rel(evs_model_expected_x(&f, xt), ex, 1e-9, "expected");
    close_rel(evs_model_var_ar_x(&f, xt), s2 * (1 + naive_quad(inv, p, g)), 1e-9, "Var(AR)");
    /* a 3-day window: Var(CAR) = s^2 (L2 + g'(X'X)^-1 g), g = sum of the rows with the constant */
    double xw[3 * EVS_MODEL_MAXK], gw[P] = {3};
    for (size_t t = 0; t < 3; t++)
        for (size_t j = 0; j < k; j++) {
            xw[t * k + j] = 0.02 * gauss();
            gw[j + 1] += xw[t * k + j];
        }
    close_rel(evs_model_var_car_x(&f, xw, 3), s2 * (3 + naive_quad(inv, p, gw)), 1e-9, "Var(CAR)");
}

static void test_factor_models_vs_normal_equations(void **state)
{
    (void)state;
    check_ols_model(EVS_MODEL_TWO_INDEX, 40);
    check_ols_model(EVS_MODEL_FF3, 30);
    check_ols_model(EVS_MODEL_CARHART, 60);
    check_ols_model(EVS_MODEL_FF5, 25);
}

/* The one-regressor closed form of CLM 4.4 equals the k-regressor form. */
static void test_market_model_is_k1_case(void **state)
{
    (void)state;
    size_t n = 50;
    double y[50], x[50];
    panel(n, 1, y, x);
    evs_fit f;
    char why[200];
    assert_int_equal(evs_model_fit(EVS_MODEL_MARKET, y, x, n, &f, why, sizeof why), 0);
    double b[P], inv[P * P], s2;
    naive_ols(y, x, n, 1, b, inv, &s2);
    assert_int_equal(f.dof, 48);
    close_rel(f.beta, b[1], 1e-10, "beta");
    close_rel(f.sigma2, s2, 1e-10, "s^2");
    close_rel(f.alpha, b[0], 1e-10, "alpha");
    /* and against GSL's updating-means fit, a second independent method */
    double c0, c1, cov00, cov01, cov11, ssr, ym = 0, sst = 0;
    assert_int_equal(gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &ssr), 0);
    for (size_t t = 0; t < n; t++)
        ym += y[t] / (double)n;
    for (size_t t = 0; t < n; t++)
        sst += (y[t] - ym) * (y[t] - ym);
    close_rel(f.alpha, c0, 1e-12, "alpha (gsl)");
    close_rel(f.beta, c1, 1e-12, "beta (gsl)");
    close_rel(f.sigma2, ssr / (double)(n - 2), 1e-12, "s^2 (gsl)");
    close_rel(f.r2, 1.0 - ssr / sst, 1e-12, "R^2 (gsl)");
    double rm = 0.031, g[2] = {1, rm};
    close_rel(evs_model_var_ar(&f, rm), s2 * (1 + naive_quad(inv, 2, g)), 1e-12, "Var(AR) k=1");
    double w[4] = {0.01, -0.02, 0.005, 0.03}, gw[2] = {4, 0.025};
    close_rel(evs_model_var_car(&f, w, 4), s2 * (4 + naive_quad(inv, 2, gw)), 1e-12, "Var(CAR) k=1");
}

/* evs_model_residuals_1b (four days a step with AVX, two with SSE2) against the textbook formulas of
 * CLM (1997) eqs. 4.4.9-4.4.10 written out here, AR = R - alpha - beta Rm and
 * Var(AR) = s^2 (1 + 1/L1 + (Rm - Rm_bar)^2 / Sxx), day by day: the same bits,
 * for every length (the vector loops leave the last days to the scalar one). */
static void test_residuals_1b_bits(void **state)
{
    (void)state;
    static const size_t lens[] = {0, 1, 2, 3, 4, 5, 8, 11, 250, 251, 301};
    double y[301], x[301], ar[301], sar[301];
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        size_t n = lens[i];
        panel(250, 1, y, x);
        evs_fit f;
        char why[200];
        assert_int_equal(evs_model_fit(EVS_MODEL_MARKET, y, x, 250, &f, why, sizeof why), 0);
        for (size_t t = 0; t < n; t++) { /* days out of the estimation window */
            y[t] = 0.02 * (unif() - 0.5);
            x[t] = 0.015 * (unif() - 0.5);
        }
        evs_model_residuals_1b(&f, y, x, n, ar, sar);
        for (size_t t = 0; t < n; t++) {
            double a = y[t] - (f.alpha + f.beta * x[t]), d = x[t] - f.rm_mean;
            double v = f.sigma2 * (1.0 + 1.0 / (double)f.L1 + d * d / f.rm_sxx), z = a / sqrt(v);
            assert_true(memcmp(&ar[t], &a, sizeof a) == 0);
            assert_true(memcmp(&sar[t], &z, sizeof z) == 0);
            /* and the library's day-by-day forms */
            assert_true(ar[t] == y[t] - evs_model_expected(&f, x[t]));
            assert_true(sar[t] == ar[t] / sqrt(evs_model_var_ar(&f, x[t])));
        }
    }
}

static void test_collinear_and_constant(void **state)
{
    (void)state;
    size_t n = 30;
    double y[30], x[30 * 3];
    panel(n, 3, y, x);
    for (size_t t = 0; t < n; t++)
        x[t * 3 + 2] = 2 * x[t * 3 + 1];
    evs_fit f;
    char why[200];
    assert_int_equal(evs_model_fit_x(EVS_MODEL_FF3, 0, y, x, n, &f, why, sizeof why), -1);
    assert_non_null(strstr(why, "collinear"));
    for (size_t t = 0; t < n; t++)
        x[t * 3 + 2] = 0.001;
    assert_int_equal(evs_model_fit_x(EVS_MODEL_FF3, 0, y, x, n, &f, why, sizeof why), -1);
    assert_non_null(strstr(why, "constant"));
}

/* a market series with some autocorrelation and a security that reacts with a lag */
static void lagged_panel(size_t n, double *rm, double *r)
{
    double prev = 0;
    for (size_t t = 0; t < n; t++) {
        rm[t] = 0.3 * prev + 0.01 * gauss();
        prev = rm[t];
    }
    for (size_t t = 0; t < n; t++)
        r[t] = 0.0002 + 0.8 * rm[t] + (t ? 0.4 * rm[t - 1] : 0) + 0.012 * gauss();
}

static void test_dimson(void **state)
{
    (void)state;
    for (int N = 1; N <= 2; N++) {
        enum { T = 120 };
        double rm[T], r[T];
        lagged_panel(T, rm, r);
        /* rows t = N .. T-N-1 with x = (Rm_{t-N} .. Rm_{t+N}) */
        size_t k = (size_t)(2 * N + 1), n = 0;
        static double y[T], x[T * 5];
        for (int t = N; t < T - N; t++, n++) {
            y[n] = r[t];
            for (int j = -N; j <= N; j++)
                x[n * k + (size_t)(j + N)] = rm[t + j];
        }
        evs_fit f;
        char why[200];
        assert_int_equal(evs_model_fit_x(EVS_MODEL_DIMSON, N, y, x, n, &f, why, sizeof why), 0);
        double b[P], inv[P * P], s2;
        naive_ols(y, x, n, k, b, inv, &s2);
        double beta = 0, my = 0, mx = 0, ssr = 0, sxx = 0;
        for (size_t j = 1; j <= k; j++)
            beta += b[j];
        for (size_t t = 0; t < n; t++) {
            my += y[t] / (double)n;
            mx += x[t * k + (size_t)N] / (double)n;
        }
        double alpha = my - beta * mx;
        for (size_t t = 0; t < n; t++) {
            double u = y[t] - alpha - beta * x[t * k + (size_t)N];
            ssr += u * u;
            sxx += (x[t * k + (size_t)N] - mx) * (x[t * k + (size_t)N] - mx);
        }
        close_rel(f.beta, beta, 1e-9, "Dimson beta = sum of slopes");
        close_rel(f.alpha, alpha, 1e-9, "Dimson alpha");
        close_rel(f.sigma2, ssr / (double)(n - 2), 1e-9, "Dimson s^2");
        assert_int_equal(f.dof, (int)n - 2);
        /* prediction uses only Rm_t; leads may be missing */
        double xt[5];
        for (size_t j = 0; j < k; j++)
            xt[j] = NAN;
        xt[N] = 0.02;
        assert_true(evs_model_can_predict(&f, xt));
        close_rel(evs_model_expected_x(&f, xt), alpha + beta * 0.02, 1e-12, "Dimson expected");
        close_rel(evs_model_var_ar_x(&f, xt), ssr / (double)(n - 2) * (1 + 1.0 / (double)n + (0.02 - mx) * (0.02 - mx) / sxx),
                  1e-9, "Dimson Var(AR)");
    }
}

/* simple slope cov(y, v)/var(v), computed with sums of products */
static double naive_slope(const double *y, const double *v, size_t n)
{
    double sy = 0, sv = 0, svv = 0, svy = 0;
    for (size_t t = 0; t < n; t++) {
        sy += y[t];
        sv += v[t];
        svv += v[t] * v[t];
        svy += v[t] * y[t];
    }
    double dn = (double)n;
    return (svy - sv * sy / dn) / (svv - sv * sv / dn);
}

static void test_scholes_williams(void **state)
{
    (void)state;
    enum { T = 150 };
    double rm[T], r[T];
    lagged_panel(T, rm, r);
    size_t n = 0;
    static double y[T], x[T * 3], lag[T], now[T], lead[T];
    for (int t = 1; t < T - 1; t++, n++) {
        y[n] = r[t];
        lag[n] = x[n * 3] = rm[t - 1];
        now[n] = x[n * 3 + 1] = rm[t];
        lead[n] = x[n * 3 + 2] = rm[t + 1];
    }
    evs_fit f;
    char why[200];
    assert_int_equal(evs_model_fit_x(EVS_MODEL_SCHOLES_WILLIAMS, 1, y, x, n, &f, why, sizeof why), 0);
    double bm = naive_slope(y, lag, n), b0 = naive_slope(y, now, n), bp = naive_slope(y, lead, n);
    /* rho: Pearson correlation of Rm_t and Rm_{t-1} */
    double s1 = 0, s2 = 0, s11 = 0, s22 = 0, s12 = 0, dn = (double)n;
    for (size_t t = 0; t < n; t++) {
        s1 += now[t];
        s2 += lag[t];
        s11 += now[t] * now[t];
        s22 += lag[t] * lag[t];
        s12 += now[t] * lag[t];
    }
    double rho = (s12 - s1 * s2 / dn) / sqrt((s11 - s1 * s1 / dn) * (s22 - s2 * s2 / dn));
    double beta = (bm + b0 + bp) / (1 + 2 * rho), my = 0;
    for (size_t t = 0; t < n; t++)
        my += y[t] / dn;
    close_rel(f.rho_m, rho, 1e-9, "rho_m");
    close_rel(f.coef[1], bm, 1e-9, "beta-");
    close_rel(f.coef[2], b0, 1e-9, "beta0");
    close_rel(f.coef[3], bp, 1e-9, "beta+");
    close_rel(f.beta, beta, 1e-9, "Scholes-Williams beta");
    close_rel(f.alpha, my - beta * s1 / dn, 1e-9, "Scholes-Williams alpha");
    /* the true beta is 1.2 (0.8 + 0.4 lagged): SW is closer to it than the OLS slope */
    assert_true(fabs(f.beta - 1.2) < fabs(b0 - 1.2));
}

/* ---- factor files ---------------------------------------------------------- */

static char *root_path(const char *rel)
{
    const char *r = getenv("EVS_TEST_ROOT");
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", r ? r : ".", rel);
    return buf;
}

static void test_factor_file_synthetic(void **state)
{
    (void)state;
    const char *path = root_path("tests/data/factors/F-F_Research_Data_Factors_daily.CSV");
    evs_factors ft;
    evs_err e = {0};
    assert_int_equal(evs_factors_read(path, &ft, &e), EVS_OK);
    assert_int_equal(ft.ncol, 4);
    assert_string_equal(ft.names[0], "Mkt-RF");
    assert_string_equal(ft.names[3], "RF");
    /* read the file back independently: every 8-digit line of the first block */
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[256];
    size_t n = 0;
    int ended = 0;
    while (fgets(line, sizeof line, fp)) {
        int y, m, d;
        double a, b, c, rf;
        char tail;
        if (!ended && sscanf(line, "%4d%2d%2d,%lf,%lf,%lf,%lf%c", &y, &m, &d, &a, &b, &c, &rf, &tail) >= 7 &&
            line[8] == ',') {
            assert_true(n < ft.n);
            assert_int_equal(ft.date[n], evs_days_from_civil(y, m, d));
            close_rel(ft.v[n * 4 + 0], a / 100, 1e-15, "Mkt-RF");
            close_rel(ft.v[n * 4 + 1], b / 100, 1e-15, "SMB");
            close_rel(ft.v[n * 4 + 2], c / 100, 1e-15, "HML");
            close_rel(ft.v[n * 4 + 3], rf / 100, 1e-15, "RF");
            n++;
        } else if (n > 0) {
            ended = 1; /* the annual section's 2024/2025 rows must not count */
        }
    }
    fclose(fp);
    assert_int_equal(n, ft.n);
    assert_true(n > 500);
    /* join the momentum file */
    evs_factors mom;
    assert_int_equal(evs_factors_read(root_path("tests/data/factors/F-F_Momentum_Factor_daily.CSV"), &mom, &e), EVS_OK);
    assert_string_equal(mom.names[0], "Mom");
    size_t before = ft.n;
    assert_int_equal(evs_factors_join(&ft, &mom, "mom", &e), EVS_OK);
    assert_int_equal(ft.ncol, 5);
    assert_int_equal(ft.n, before);
    long c = evs_factors_col(&ft, "Mom");
    assert_int_equal(c, 4);
    close_rel(ft.v[3 * 5 + 4], mom.v[3], 0, "joined Mom");
    assert_int_equal(evs_factors_join(&ft, &mom, "mom", &e), EVS_ERR_DATA); /* Mom twice */
    evs_factors_free(&mom);
    evs_factors_free(&ft);
}

static void expect_error(const char *text, const char *want)
{
    evs_factors ft;
    evs_err e = {0};
    evs_status st = evs_factors_parse("f.csv", text, strlen(text), &ft, &e);
    if (st != EVS_ERR_DATA || !strstr(e.msg, want))
        fail_msg("parse of [%s]: status %d, message [%s], want [%s]", text, (int)st, e.msg, want);
}

static void test_factor_file_errors(void **state)
{
    (void)state;
    expect_error("Title\n\n,Mkt-RF,SMB,HML,RF\n20250102,  1.00, x.5, 0.1, 0.01\n", "f.csv:4: malformed number in column SMB (x.5)");
    expect_error("Title\n,Mkt-RF,SMB\n202501,  1.00, 0.5\n", "f.csv:3: monthly date where a daily file (YYYYMMDD) was expected (202501)");
    expect_error(",Mkt-RF,SMB\n20250102, 1, 2\n20250102, 1, 2\n", "f.csv:3: date 20250102, dates must be strictly ascending");
    expect_error(",Mkt-RF,SMB\n20250231, 1, 2\n", "f.csv:2: not a calendar date (20250231)");
    expect_error(",Mkt-RF,SMB\n20250102, 1\n", "f.csv:2: row has 2 fields, the header 3");
    expect_error(",Mom\n20250102, -99.99\n", "f.csv:2: missing-value code in column Mom (-99.99)");
    expect_error(",Mom\n20250102, -100\n", "f.csv:2: return of -100% or below");
    expect_error("just text\nno header\n", "f.csv: no header line");
    expect_error("20250102, 1, 2\n", "f.csv:1: data row before the header");
    expect_error(",Mkt-RF,Mkt-RF\n20250102, 1, 2\n", "f.csv:1: duplicate column name in the header (Mkt-RF)");
    expect_error(",Mkt-RF,\n20250102, 1, 2\n", "f.csv:1: empty or over-long column name");
    expect_error(",Mkt-RF\n\nCopyright\n", "f.csv: no daily rows after the header");
    expect_error(",Mkt-RF\n2025010a, 1\n", "f.csv:2: malformed date, expected YYYYMMDD (2025010a)");
    expect_error(",Mkt-RF\n20250102, 1e999\n", "f.csv:2: malformed number in column Mkt-RF (1e999)");
    /* the footer and a following section are ignored; CRLF works */
    const char *ok = "Text\r\n\r\n,Mkt-RF,RF\r\n20250102, 1.50, 0.02\r\n20250103,-2.00, 0.02\r\n\r\n Annual\r\n,Mkt-RF,RF\r\n2025, 9, 4\r\nCopyright\r\n";
    evs_factors ft;
    evs_err e = {0};
    assert_int_equal(evs_factors_parse("ok", ok, strlen(ok), &ft, &e), EVS_OK);
    assert_int_equal(ft.n, 2);
    close_rel(ft.v[2], -0.02, 1e-15, "second row");
    assert_int_equal(evs_factors_find(&ft, evs_days_from_civil(2025, 1, 3)), 1);
    assert_int_equal(evs_factors_find(&ft, evs_days_from_civil(2025, 1, 4)), -1);
    evs_factors_free(&ft);
}

/* A return spanning a day the security lacks gets the compounded factors;
 * a date the factor file lacks gives y = NaN. */
static void test_design_factor_compounding(void **state)
{
    (void)state;
    const char *txt = ",Mkt-RF,SMB,HML,RF\n"
                      "20250102, 1.00, 0.10, 0.20, 0.01\n"
                      "20250103, 2.00, 0.30, 0.40, 0.01\n"
                      "20250106,-1.00, 0.50, 0.60, 0.02\n"
                      "20250107, 0.50, 0.70, 0.80, 0.02\n";
    evs_factors ft;
    evs_err e = {0};
    assert_int_equal(evs_factors_parse("t", txt, strlen(txt), &ft, &e), EVS_OK);
    int dates[3] = {evs_days_from_civil(2025, 1, 2), evs_days_from_civil(2025, 1, 6), evs_days_from_civil(2025, 1, 8)};
    double r[3] = {0.01, 0.02, 0.03}, rm[3] = {NAN, NAN, NAN};
    evs_aligned a = {.n = 3, .date = dates, .r = r, .rm = rm};
    evs_params p;
    memset(&p, 0, sizeof p);
    p.model = EVS_MODEL_FF3;
    evs_design d;
    assert_int_equal(evs_design_build(&p, &a, &ft, "t", &d, &e), EVS_OK);
    assert_int_equal(d.k, 3);
    close_rel(d.x[0], 0.01, 1e-15, "day 1 Mkt-RF");
    close_rel(d.rf[0], 0.0001, 1e-15, "day 1 RF");
    close_rel(d.y[0], 0.01 - 0.0001, 1e-15, "day 1 excess");
    /* 2025-01-06 spans 01-03 and 01-06 */
    close_rel(d.x[3], 1.02 * 0.99 - 1, 1e-12, "compounded Mkt-RF");
    close_rel(d.x[4], 1.003 * 1.005 - 1, 1e-12, "compounded SMB");
    close_rel(d.rf[1], 1.0001 * 1.0002 - 1, 1e-12, "compounded RF");
    close_rel(d.rm[1], d.x[3] + d.rf[1], 1e-15, "market from factors");
    assert_true(isnan(d.y[2]));
    assert_false(evs_design_row_ok(&d, 2));
    evs_design_free(&d);
    p.model = EVS_MODEL_FF5;
    assert_int_equal(evs_design_build(&p, &a, &ft, "t.csv", &d, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "t.csv: no RMW column"));
    evs_factors_free(&ft);
}

/* exclude_events: the skipped days leave the window, which reaches back to keep its length. */
static void test_exclude_events_extends_window(void **state)
{
    (void)state;
    enum { T = 120 };
    int dates[T];
    double r[T], rm[T];
    for (int t = 0; t < T; t++) {
        dates[t] = evs_days_from_civil(2024, 1, 1) + t;
        rm[t] = 0.01 * gauss();
        r[t] = 0.001 + 1.1 * rm[t] + 0.01 * gauss();
    }
    evs_aligned a = {.n = T, .date = dates, .r = r, .rm = rm};
    evs_window wins[1] = {{.first = 0, .last = 1}};
    evs_params p;
    memset(&p, 0, sizeof p);
    p.model = EVS_MODEL_MARKET;
    p.estimation = (evs_window){.first = -50, .last = -11};
    p.windows = wins;
    p.nwindows = 1;
    p.min_estimation = 20;
    unsigned char skip[T + 1];
    memset(skip, 0, sizeof skip);
    for (int t = 60; t <= 64; t++) /* inside the nominal window 50..89 */
        skip[t] = 1;
    skip[46] = 1; /* inside the extension */
    evs_design d;
    evs_err e = {0};
    assert_int_equal(evs_design_build(&p, &a, NULL, NULL, &d, &e), EVS_OK);
    evs_firm f;
    memset(&f, 0, sizeof f);
    f.symbol = "X";
    assert_int_equal(evs_firm_compute_d(&f, &a, &d, &p, dates[100], skip, &e), EVS_OK);
    assert_true(f.ok);
    /* by hand: from day 89 back, 40 days not skipped: 89..65 (25), 59..47 (13), 45..44 (2);
     * skipped on the way: 64..60 and 46 */
    assert_int_equal(f.n_removed, 6);
    assert_int_equal(f.n_est, 40);
    assert_int_equal(f.est_last_date, dates[89]);
    assert_int_equal(f.est_first_date, dates[44]);
    double y[40], x[40], b[P], inv[P * P], s2;
    size_t n = 0;
    for (int t = 44; t <= 89; t++)
        if (!skip[t]) {
            y[n] = r[t];
            x[n++] = rm[t];
        }
    assert_int_equal(n, 40);
    naive_ols(y, x, n, 1, b, inv, &s2);
    close_rel(f.fit.alpha, b[0], 1e-10, "alpha on the kept days");
    close_rel(f.fit.beta, b[1], 1e-10, "beta on the kept days");
    for (size_t t = 0; t < f.n_est; t++)
        assert_true(f.est_date[t] != dates[46] && (f.est_date[t] < dates[60] || f.est_date[t] > dates[64]));
    evs_firm_free(&f);
    evs_design_free(&d);
}

/* evstudy fetch plans the sector index of a two-index study too. */
static void test_fetch_plan_has_sector(void **state)
{
    (void)state;
    char dir[] = "/tmp/evs-models-XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/study.ini", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("[study]\nmodel = two-index\nmarket = ^GSPC\nsector = ^SOX\nwindows = 0..0\n"
          "[event e]\ntime = 2025-01-27\nsecurities = NVDA\n", fp);
    fclose(fp);
    evs_study s;
    evs_err e = {0};
    assert_int_equal(evs_study_load(path, &s, &e), EVS_OK);
    evs_fetch_plan p;
    memset(&p, 0, sizeof p);
    assert_int_equal(evs_fetch_plan_study(&s, 1767225600LL, &p, &e), EVS_OK);
    int have[3] = {0, 0, 0};
    for (size_t i = 0; i < p.n; i++) {
        have[0] |= strcmp(p.items[i].symbol, "NVDA") == 0;
        have[1] |= strcmp(p.items[i].symbol, "^GSPC") == 0;
        have[2] |= strcmp(p.items[i].symbol, "^SOX") == 0;
    }
    assert_true(have[0] && have[1] && have[2]);
    evs_fetch_plan_free(&p);
    evs_study_free(&s);
    remove(path);
    rmdir(dir);
}

/* evs_gslerr: a failing GSL function returns its error value instead of
 * aborting the process, and the errors are counted, the first one named.
 * (A gamma distribution with shape -1 is outside GSL's domain: GSL's own
 * handler would abort here.) */
static void test_gsl_errors_recorded(void **state)
{
    (void)state;
    char first[300];
    assert_int_equal(evs_gslerr_count(first, sizeof first), 0);
    assert_string_equal(first, "");
    evs_gslerr_install();
    assert_true(isnan(gsl_cdf_gamma_Q(1.0, -1.0, 1.0)));
    unsigned long n = evs_gslerr_count(first, sizeof first);
    assert_true(n >= 1);
    assert_non_null(strstr(first, "domain error"));
    assert_non_null(strstr(first, "gsl_errno 1)")); /* GSL_EDOM */
    gsl_sf_result r;
    assert_int_equal(gsl_sf_gamma_e(-1.0, &r), GSL_EDOM);
    assert_int_equal(evs_gslerr_count(NULL, 0), n + 1);
    char again[300];
    evs_gslerr_count(again, sizeof again);
    assert_string_equal(again, first); /* the first error is kept */
    gsl_set_error_handler(NULL);      /* GSL's abort again for the other tests */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_factor_models_vs_normal_equations),
        cmocka_unit_test(test_market_model_is_k1_case),
        cmocka_unit_test(test_residuals_1b_bits),
        cmocka_unit_test(test_collinear_and_constant),
        cmocka_unit_test(test_dimson),
        cmocka_unit_test(test_scholes_williams),
        cmocka_unit_test(test_factor_file_synthetic),
        cmocka_unit_test(test_factor_file_errors),
        cmocka_unit_test(test_design_factor_compounding),
        cmocka_unit_test(test_exclude_events_extends_window),
        cmocka_unit_test(test_fetch_plan_has_sector),
        cmocka_unit_test(test_gsl_errors_recorded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
