/*
 * evs_bootstrap.h — bootstrap p-values for the cross-sectional tests.
 *
 * Efron & Tibshirani (1993), An Introduction to the Bootstrap, section 16.4
 * (a bootstrap test of a mean with the data shifted so that H0 holds): for
 * each sample x_1..x_N (the CARs for t-cs, the SCARs for bmp, the BHARs for
 * skew-t-bhar) the centred values z_i = x_i - mean(x) are resampled N at a
 * time with replacement B times and the test's statistic T* is recomputed on
 * each resample; the two-sided p-value is
 *     p = (1 + #{b : |T*_b| >= |T|}) / (B + 1)
 * (Davison & Hinkley 1997, Bootstrap Methods and their Application, eq. 4.11),
 * T the statistic on the original sample. For skew-t-bhar this is the
 * bootstrapped skewness-adjusted t of Lyon, Barber & Tsai (1999) section
 * III.B (they resample N/4 per draw; evstudy resamples N).
 *
 * Resampling: GSL's MT19937 seeded with the study's seed; resample b draws
 * its N indices with gsl_rng_uniform_int(rng, N), for b = 1..B in turn, and
 * every statistic of a tests row uses the same B resamples. The same seed
 * gives the same p-values on every machine and for any number of threads.
 */
#ifndef EVS_BOOTSTRAP_H
#define EVS_BOOTSTRAP_H

#include <stddef.h>

typedef enum evs_boot_stat {
    EVS_BOOT_T,      /* mean / (sd / sqrt N)                                  */
    EVS_BOOT_SKEW_T  /* sqrt N (S + g S^2 / 3 + g / (6N)), Lyon et al. (1999) */
} evs_boot_stat;

/* The statistic on x[0..n-1] (NaN when undefined). */
double evs_boot_statistic(evs_boot_stat k, const double *x, size_t n);

/* p[j] for the nx samples xs[j] (each of n values) with statistics kind[j].
 * Returns 0, or -1 when out of memory. p[j] is NaN when the original
 * statistic is not finite, n < 3 or B < 1. */
int evs_bootstrap_p(const double *const *xs, const evs_boot_stat *kind, size_t nx, size_t n, int B,
                    unsigned long seed, double *p);

#endif
