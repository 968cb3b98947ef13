/*
 * test_bootstrap.c — bootstrap p-values (evs_bootstrap.h) against a naive
 * re-computation written here from Efron & Tibshirani (1993) section 16.4 and
 * Davison & Hinkley (1997) eq. 4.11 with the same GSL random stream (MT19937,
 * gsl_rng_uniform_int, resample by resample), and for determinism.
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
#include <gsl/gsl_rng.h>

#include "evs_bootstrap.h"

#define N 25
#define B 499

/* naive statistics: t = mean / (sd / sqrt n); skewness-adjusted t of Lyon, Barber & Tsai (1999) eq. 5 */
static double naive_stat(int skew, const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    double m = s / (double)n, v = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        v += pow(x[i] - m, 2);
        c += pow(x[i] - m, 3);
    }
    double sd = sqrt(v / (double)(n - 1));
    if (!skew)
        return m * sqrt((double)n) / sd;
    double S = m / sd, g = (c / (double)n) / pow(sd, 3);
    return sqrt((double)n) * (S + g * S * S / 3 + g / (6 * (double)n));
}

static void naive_p(const double *const *xs, const int *skew, size_t nx, unsigned long seed, double *p)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    double t0[3], z[3][N];
    int hits[3] = {0, 0, 0};
    for (size_t j = 0; j < nx; j++) {
        t0[j] = naive_stat(skew[j], xs[j], N);
        double m = 0;
        for (size_t i = 0; i < N; i++)
            m += xs[j][i] / N;
        for (size_t i = 0; i < N; i++)
            z[j][i] = xs[j][i] - m;
    }
    for (int b = 0; b < B; b++) {
        size_t idx[N];
        for (size_t i = 0; i < N; i++)
            idx[i] = gsl_rng_uniform_int(r, N);
        for (size_t j = 0; j < nx; j++) {
            double y[N];
            for (size_t i = 0; i < N; i++)
                y[i] = z[j][idx[i]];
            hits[j] += fabs(naive_stat(skew[j], y, N)) >= fabs(t0[j]);
        }
    }
    for (size_t j = 0; j < nx; j++)
        p[j] = (1.0 + hits[j]) / (B + 1.0);
    gsl_rng_free(r);
}

static void sample(double *car, double *scar, double *bhar)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus);
    gsl_rng_set(r, 3);
    for (size_t i = 0; i < N; i++) {
        double u = gsl_rng_uniform(r), v = gsl_rng_uniform(r);
        car[i] = -0.0095 + 0.03 * (u - 0.5) + 0.05 * v * v * v; /* skewed, mean > 0 */
        scar[i] = car[i] / (0.01 + 0.02 * v);
        bhar[i] = car[i] * (1 + 0.3 * u);
    }
    gsl_rng_free(r);
}

static void test_matches_naive(void **state)
{
    (void)state;
    double car[N], scar[N], bhar[N], p[3], q[3];
    sample(car, scar, bhar);
    const double *xs[3] = {car, scar, bhar};
    const evs_boot_stat k[3] = {EVS_BOOT_T, EVS_BOOT_T, EVS_BOOT_SKEW_T};
    const int sk[3] = {0, 0, 1};
    for (unsigned long seed = 1; seed <= 3; seed++) {
        assert_int_equal(evs_bootstrap_p(xs, k, 3, N, B, seed, p), 0);
        naive_p(xs, sk, 3, seed, q);
        for (int j = 0; j < 3; j++) {
            if (p[j] != q[j])
                fail_msg("seed %lu statistic %d: p %.17g, naive %.17g", seed, j, p[j], q[j]);
            assert_true(p[j] > 5.0 / (B + 1) && p[j] <= 1); /* not a degenerate case */
        }
        /* the original statistics equal the naive ones */
        assert_true(fabs(evs_boot_statistic(EVS_BOOT_T, car, N) - naive_stat(0, car, N)) < 1e-12);
        assert_true(fabs(evs_boot_statistic(EVS_BOOT_SKEW_T, bhar, N) - naive_stat(1, bhar, N)) < 1e-12);
    }
}

static void test_deterministic(void **state)
{
    (void)state;
    double car[N], scar[N], bhar[N], p1[3], p2[3], p3[3];
    sample(car, scar, bhar);
    const double *xs[3] = {car, scar, bhar};
    const evs_boot_stat k[3] = {EVS_BOOT_T, EVS_BOOT_T, EVS_BOOT_SKEW_T};
    assert_int_equal(evs_bootstrap_p(xs, k, 3, N, B, 42, p1), 0);
    assert_int_equal(evs_bootstrap_p(xs, k, 3, N, B, 42, p2), 0);
    assert_int_equal(evs_bootstrap_p(xs, k, 3, N, B, 43, p3), 0);
    assert_memory_equal(p1, p2, sizeof p1);
    assert_true(p1[0] != p3[0] || p1[1] != p3[1] || p1[2] != p3[2]);
    /* a sample far from zero: no resample reaches it, p = 1/(B+1) */
    double far[N];
    for (size_t i = 0; i < N; i++)
        far[i] = 1.0 + 0.001 * (double)(i % 5);
    const double *xf[1] = {far};
    assert_int_equal(evs_bootstrap_p(xf, k, 1, N, B, 1, p1), 0);
    assert_true(p1[0] == 1.0 / (B + 1));
    /* too small a sample or no resamples: not applicable */
    assert_int_equal(evs_bootstrap_p(xf, k, 1, 2, B, 1, p1), 0);
    assert_true(isnan(p1[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_naive),
        cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
