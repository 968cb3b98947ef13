/*
 * bootstrap.c — bootstrap p-values (see evs_bootstrap.h for the method).
 */
#include "evs_bootstrap.h"

#include <gsl/gsl_rng.h>
#include <math.h>

#include "evs_mem.h"

double evs_boot_statistic(evs_boot_stat k, const double *x, size_t n)
{
    if (n < 3)
        return NAN;
    double dn = (double)n, m = 0, ss = 0, m3 = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= dn;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - m;
        ss += d * d;
        m3 += d * d * d;
    }
    double sd = sqrt(ss / (dn - 1));
    if (!(sd > 0))
        return NAN;
    if (k == EVS_BOOT_T)
        return m / (sd / sqrt(dn));
    /* Lyon, Barber & Tsai (1999) eq. 5, as in tests.c */
    double S = m / sd, g = m3 / (dn * sd * sd * sd);
    return sqrt(dn) * (S + g * S * S / 3.0 + g / (6.0 * dn));
}

int evs_bootstrap_p(const double *const *xs, const evs_boot_stat *kind, size_t nx, size_t n, int B,
                    unsigned long seed, double *p)
{
    for (size_t j = 0; j < nx; j++)
        p[j] = NAN;
    if (n < 3 || B < 1)
        return 0;
    double *z = evs_malloc(nx * n * sizeof *z), *r = evs_malloc(nx * n * sizeof *r), t0[8];
    size_t *idx = evs_malloc(n * sizeof *idx), hits[8] = {0};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = -1;
    if (!z || !r || !idx || !rng || nx > 8)
        goto out;
    gsl_rng_set(rng, seed);
    for (size_t j = 0; j < nx; j++) {
        t0[j] = evs_boot_statistic(kind[j], xs[j], n);
        double m = 0;
        for (size_t i = 0; i < n; i++)
            m += xs[j][i];
        m /= (double)n;
        for (size_t i = 0; i < n; i++)
            z[j * n + i] = xs[j][i] - m; /* impose H0: mean zero */
    }
    for (int b = 0; b < B; b++) {
        for (size_t i = 0; i < n; i++)
            idx[i] = (size_t)gsl_rng_uniform_int(rng, (unsigned long)n);
        for (size_t j = 0; j < nx; j++) {
            for (size_t i = 0; i < n; i++)
                r[j * n + i] = z[j * n + idx[i]];
            double t = evs_boot_statistic(kind[j], r + j * n, n);
            /* a degenerate resample (all values equal: sd 0) counts as extreme */
            hits[j] += !isfinite(t) || fabs(t) >= fabs(t0[j]);
        }
    }
    for (size_t j = 0; j < nx; j++)
        p[j] = isfinite(t0[j]) ? (1.0 + (double)hits[j]) / ((double)B + 1.0) : NAN;
    rc = 0;
out:
    evs_free(z);
    evs_free(r);
    evs_free(idx);
    if (rng)
        gsl_rng_free(rng);
    return rc;
}
