/*
 * evs_tests.h — significance tests over a sample of firm-events for one event
 * window. Identifiers, in the order tests.csv lists them:
 *   t-cs j1 j2 bw-cda patell patell-kp bmp bmp-kp sign gen-sign corrado
 *   corrado-zivney grank wilcoxon lamb skew-t-bhar
 * Each result carries the number of firm-events, an estimate (the CAAR; for
 * the sign tests the share of positive CARs; for skew-t-bhar the mean BHAR), the statistic, its degrees of
 * freedom (NaN for normal-referenced tests) and a two-sided p-value computed
 * from GSL's upper-tail functions so that tiny p-values keep their precision.
 * Formulas and sources: ../shared guide METHODS.md, cited in tests.c.
 */
#ifndef EVS_TESTS_H
#define EVS_TESTS_H

#include <stddef.h>

#include "evs_error.h"
#include "evs_firm.h"

typedef enum evs_test_id {
    EVS_T_TCS,
    EVS_T_J1,
    EVS_T_J2,
    EVS_T_BWCDA,
    EVS_T_PATELL,
    EVS_T_PATELL_KP,
    EVS_T_BMP,
    EVS_T_BMP_KP,
    EVS_T_SIGN,
    EVS_T_GENSIGN,
    EVS_T_CORRADO,
    EVS_T_CORRADO_ZIVNEY,
    EVS_T_GRANK,
    EVS_T_WILCOXON,
    EVS_T_LAMB,
    EVS_T_SKEW_T_BHAR,
    EVS_NTESTS
} evs_test_id;

const char *evs_test_name(evs_test_id t);

typedef struct evs_test_row {
    size_t n;
    double estimate, statistic, df, p_value; /* NaN where not applicable */
    double p_boot;    /* bootstrap p-value (evs_bootstrap.h) for t-cs, bmp, skew-t-bhar when the sample asks; NaN otherwise */
    size_t clustered; /* firm-events of the sample sharing their day 0 with another one (0: no clustering) */
    double rbar;      /* the sample's Kolari-Pynnonen r-bar */
} evs_test_row;

/* 1 for the tests that assume cross-sectionally independent firm-events
 * (t-cs j1 j2 patell bmp sign gen-sign wilcoxon skew-t-bhar): with events
 * clustered on one date they over-reject (Brown & Warner 1985 section 5;
 * Kolari & Pynnonen 2010). 2 for those adjusted for clustering (patell-kp,
 * bmp-kp: Kolari & Pynnonen 2010; grank: Kolari & Pynnonen 2011). 0 for the
 * others, whose variance comes from the time series of the portfolio
 * (bw-cda, corrado, corrado-zivney, lamb). */
int evs_test_independence(evs_test_id t);

/* The sample: firm i contributes its window widx[i] (an index into its
 * event's windows), all of which equal `win` in offsets. */
typedef struct evs_sample {
    const evs_firm *const *firm;
    const size_t *widx;
    size_t n;
    evs_window win;
    double rbar; /* Kolari-Pynnonen mean residual cross-correlation (evs_kp_rbar) */
    int bootstrap;       /* B > 0: bootstrap p-values with B resamples (evs_bootstrap.h) */
    unsigned long seed;  /* their seed */
    int jobs;            /* threads for a large sample (0 or 1: the calling thread); results do not depend on it */
} evs_sample;

evs_status evs_tests_run(const evs_sample *s, evs_test_row out[EVS_NTESTS], evs_err *e);

/* Mean pairwise correlation of estimation-window residuals (Kolari &
 * Pynnonen 2010), each pair over the dates both have. A pair counts only
 * when its event dates are clustered: the same event, or the same day 0;
 * other pairs contribute 0. The mean is over all N(N-1)/2 pairs. */
double evs_kp_rbar(const evs_firm *const *f, size_t n);
/* The same on up to `jobs` threads (evs_par.h): the pairs are summed in
 * fixed chunks of firms, added in order, so the result is the same bits for
 * any jobs. */
double evs_kp_rbar_jobs(const evs_firm *const *f, size_t n, int jobs);
/* The same, the same bits, when ev[i] numbers firm i's event (firms of one
 * event share a number, distinct events have distinct numbers and names,
 * as in a study) and the firms come in ascending ev: the groups are found
 * without comparing names, and those of one day 0 by a counting sort. */
double evs_kp_rbar_events(const evs_firm *const *f, size_t n, const size_t *ev, int jobs);

/* Brown & Warner (1985) crude dependence adjustment's yardstick, shared by
 * the return (bw-cda) and volume (volume-cda) tests: over the estimation
 * offsets o with cnt[o] > 0, the daily average x_o = sum[o] / cnt[o];
 * returns S = sqrt(sum_o (x_o - mean x)^2 / (T - 1)) and sets *T to the
 * number of such offsets (S is NaN when T < 2). */
double evs_cda_sd(const double *sum, const size_t *cnt, size_t n, size_t *T);
/* The same for one firm-event, whose n values x (in day order) each sit alone
 * at their offset: the same bits as evs_cda_sd on its per-offset sums, without
 * them (*T = n). */
double evs_cda_sd_one(const double *x, size_t n, size_t *T);

/* Two-sided p-values from upper tails. */
double evs_p_normal(double z);
double evs_p_student(double t, double df);

#endif
