/*
 * evs_simulate.h — the Brown & Warner (1985) experiment on real data: how
 * often does each test reject "no effect" when there is none (size), and when
 * an abnormal return of known size has been planted (power)?
 *
 * Brown, S. J. and J. B. Warner (1985), "Using daily stock returns: the case
 * of event studies", JFE 14:3-31, section 2; design and targets in the shared
 * guide METHODS.md, "Validation targets".
 *
 *   cache (evs_sim_load) ──► trials of pseudo-events ──► evs_firm_compute
 *       ──► evs_tests_run ──► rejection counts (evs_sim_result)
 *
 * A trial draws a sample of pseudo-events from the aligned returns:
 *   - independent dates (default): n firm-events, each a security drawn
 *     uniformly and a day 0 drawn uniformly among the return dates where the
 *     estimation window, the event window and the planting window all fit
 *     (securities may repeat, as in Brown & Warner); the dimson and
 *     scholes-williams models need their leads and lags around those
 *     windows too, so choosing them narrows the dates drawn;
 *   - clustered (cluster = 1): one date drawn among the dates that fit for
 *     every security, and every security on it (n = the number of
 *     securities). The securities' own residual cross-correlation then
 *     makes the tests that assume independence over-reject (Kolari &
 *     Pynnonen 2010).
 * Then, for every shock size s, it adds s / L_p to the return of each day of
 * the planting window (L_p days; day 0 alone by default) and, when var_mult
 * k != 1, a zero-mean disturbance sqrt(k - 1) sigma_i z_i to the day-0
 * return (z_i ~ N(0,1), sigma_i the firm's estimation-window residual
 * standard deviation under the model), so that the day-0 abnormal return
 * has k times its usual variance (event-induced variance, Boehmer,
 * Musumeci & Poulsen 1991, section 3). Each model is fitted, each firm-event
 * computed and every test of evs_tests.h run on the event window, by the
 * same code as `evstudy run` (evs_firm.h, evs_tests.h, evs_model.h); the
 * Kolari-Pynnonen r-bar comes from evs_kp_rbar, pseudo-events counting as
 * clustered when they share day 0.
 *
 * Reproducibility: trial t uses its own gsl_rng (MT19937) seeded from
 * (seed, t), and shocks and models reuse the trial's draws (common random
 * numbers), so results are identical whatever the number of threads.
 */
#ifndef EVS_SIMULATE_H
#define EVS_SIMULATE_H

#include <stddef.h>

#include "evs_align.h"
#include "evs_error.h"
#include "evs_factors.h"
#include "evs_study.h"
#include "evs_tests.h"

/* Where the pseudo-events come from. */
typedef struct evs_sim_source {
    const char *data_dir;         /* the cache */
    const char *market;           /* the benchmark symbol */
    const char *sector;           /* second index of the two-index model, or NULL */
    const char *factors;          /* a factor file in Kenneth French's layout (evs_factors.h), or NULL */
    char *const *securities;      /* NULL: every .csv in data_dir/1d but the market, the sector and
                                   * index symbols (those starting with '^') */
    size_t nsecurities;
    evs_returns_kind returns;
} evs_sim_source;

/* The securities of a cache aligned with the market (and the sector). */
typedef struct evs_sim_data {
    char *market, *sector;        /* sector NULL when none */
    char *factors_path;           /* NULL when none */
    evs_factors *ft;              /* the factor table, NULL when none */
    evs_returns_kind returns;
    size_t nsec;
    char **symbol;     /* sorted by name */
    evs_aligned *a;    /* a[j]: security j against the market (and the sector) */
} evs_sim_data;

/* Load the market, the sector, the factor file and the securities and align
 * each security (evs_align2). A file that cannot be read is an error. */
evs_status evs_sim_load(const evs_sim_source *src, evs_sim_data *d, evs_err *e);
void evs_sim_data_free(evs_sim_data *d);

/* Significance levels and sides reported. */
#define EVS_SIM_NLEVELS 3
#define EVS_SIM_NSIDES 3
extern const double evs_sim_levels[EVS_SIM_NLEVELS]; /* 0.01 0.05 0.10 */
typedef enum evs_sim_side {
    EVS_SIDE_TWO,   /* two-sided: p < level */
    EVS_SIDE_UPPER, /* one-sided, H1: mean abnormal return > 0 (statistic > 0 and p/2 < level) */
    EVS_SIDE_LOWER  /* one-sided, H1: mean abnormal return < 0 */
} evs_sim_side;
const char *evs_sim_side_name(evs_sim_side s); /* "two" "upper" "lower" */

typedef struct evs_sim_opts {
    size_t trials;
    size_t n;               /* firm-events per sample (ignored when clustered) */
    int cluster;            /* 1: every security on one date per trial */
    const double *shocks;   /* planted abnormal returns (fractions, 0.01 = 1%) */
    size_t nshocks;
    evs_window plant;       /* days the shock is spread over (default 0..0) */
    double var_mult;        /* k: day-0 variance multiplier (1 = none) */
    const evs_model_kind *models; /* any of evs_study.h; two-index needs a sector, ff3/carhart/ff5 factors */
    size_t nmodels;
    int dimson_lags;        /* N of the dimson model (1..EVS_DIMSON_MAX_LAGS; 0 means 1) */
    evs_window estimation;  /* must end before the event and planting windows */
    evs_window window;      /* the event window tested */
    unsigned long seed;
    unsigned jobs;          /* threads (0 or 1: one), through evs_par_for (core/evs_par.h) */
    /* Called at most five times a second and after the last trial, from
     * whichever thread finished a trial, never two at once (may be NULL). */
    void (*progress)(void *ud, size_t done, size_t total);
    void *ud;
} evs_sim_opts;

/* Rejection counts. Index helpers below. */
typedef struct evs_sim_result {
    size_t nmodels, nshocks, trials;
    size_t *valid;       /* [m][s][t]: trials with a p-value */
    size_t *rejections;  /* [m][s][t][level][side] */
    double *mean_n;      /* [m]: mean firm-events analysed per trial */
    double *mean_rbar;   /* [m]: mean Kolari-Pynnonen r-bar */
    double *bmp_pred;    /* [m]: predicted 5% two-sided rejection rate of the unadjusted BMP given each
                          * trial's r-bar and N (METHODS.md, t(N-1) critical values), averaged over trials */
    double *pos_share;   /* [m]: share of positive estimation-window abnormal returns */
    double *sar2;        /* [m]: mean squared day-0 SAR with no shock planted (NaN when no shock is 0);
                          * about d/(d-2) ~ 1 when the estimation window measures day 0's variance well */
    size_t excluded;     /* firm-events excluded by the engine (all models, all shocks) */
} evs_sim_result;

static inline size_t evs_sim_ix(const evs_sim_result *r, size_t m, size_t s, size_t t)
{
    return (m * r->nshocks + s) * EVS_NTESTS + t;
}
static inline size_t evs_sim_rix(const evs_sim_result *r, size_t m, size_t s, size_t t, size_t level,
                                 evs_sim_side side)
{
    return (evs_sim_ix(r, m, s, t) * EVS_SIM_NLEVELS + level) * EVS_SIM_NSIDES + (size_t)side;
}
/* Rejection rate (NaN when no valid trial) and its Monte Carlo standard
 * error sqrt(p (1 - p) / trials). */
double evs_sim_rate(const evs_sim_result *r, size_t m, size_t s, size_t t, size_t level, evs_sim_side side,
                    double *mc_se);

/* Check opts against d; EVS_ERR_USAGE with a message when they cannot work
 * (overlapping windows, no date where everything fits, ...). */
evs_status evs_sim_check(const evs_sim_data *d, const evs_sim_opts *o, evs_err *e);
evs_status evs_simulate(const evs_sim_data *d, const evs_sim_opts *o, evs_sim_result *r, evs_err *e);
void evs_sim_result_free(evs_sim_result *r);

/* An exact binomial acceptance band for a rejection count: the smallest lo
 * and largest hi with P(X < lo) <= alpha/2 and P(X > hi) <= alpha/2 for
 * X ~ Binomial(trials, p0). */
void evs_sim_band(size_t trials, double p0, double alpha, size_t *lo, size_t *hi);

/* Write OUTDIR/simulation.csv atomically: test,shock,rejection_rate, then
 * model,level,sided,trials,rejections,mc_se,firm_events,clustered,var_mult,
 * window,mean_rbar — one row per model, shock, test, level and side. */
evs_status evs_sim_write(const evs_sim_result *r, const evs_sim_opts *o, const char *outdir, evs_err *e);

#endif
