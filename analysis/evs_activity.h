/*
 * evs_activity.h — abnormal trading volume and abnormal volatility around
 * the event, for the firm-events of one event (result files
 * abnormal_volume.csv and activity.csv).
 *
 * Volume (Campbell & Wasley 1996, RQFA 6:309-326, the mean-adjusted model on
 * log volume; Ajinkya & Jain 1989, JAE 11:331, for the log transform):
 *   v_t = ln(1 + V_t) for the security's share volume V_t (shares outstanding,
 *   hence turnover, are not in the data);  AV_t = v_t - mean_E(v);
 *   s^2 = sum_E (v - mean)^2 / (L1 - 1);  SAV_t = AV_t / (s sqrt(1 + 1/L1));
 *   CAV = sum_W AV_t;  SCAV = CAV / (s sqrt(L2 + L2^2/L1)) (CLM 1997 section 4.4, constant mean)
 * on exactly the estimation and event days of the return analysis. A
 * firm-event with a missing volume on one of those days, or no variation of
 * volume over E (an index), has no volume results.
 *   volume-cda  Campbell & Wasley's parametric test, Brown & Warner's (1985)
 *               crude dependence adjustment on log volume: AAV_t = N_t^-1 sum_i AV_it;
 *               S = sd over the estimation days of AAV (divisor T - 1);
 *               t = sum_W AAV_t / (sqrt(L2) S), t(T - 1)
 *   volume-bmp  the standardized cross-sectional test of Boehmer, Musumeci &
 *               Poulsen (1991) applied to SCAV: mean / (sd / sqrt N), t(N - 1)
 *   estimate: the mean CAV (log points).
 * Volatility (Beaver 1968, JAR 6 suppl.:67-92, U = AR^2 / s^2; here with
 * the forecast-error variance, so that U = SAR^2):
 *   volatility-chisq  X = sum_i (d_i - 2)/d_i sum_W SAR_it^2, approximately
 *                     chi-square with N L2 d.o.f. under H0 for normal,
 *                     independent abnormal returns (SAR ~ t(d_i) has variance
 *                     d_i/(d_i - 2)); statistic X, df N L2, two-sided p
 *   volatility-cs     the cross-sectional t of x_i = mean_W SAR_it^2 - d_i/(d_i - 2),
 *                     mean / (sd / sqrt N), t(N - 1): needs neither normality
 *                     nor a common variance (a BMP-style form of Beaver's U)
 *   estimate: the mean of SAR^2 over firms and window days (about 1 under H0).
 */
#ifndef EVS_ACTIVITY_H
#define EVS_ACTIVITY_H

#include <stddef.h>

#include "evs_error.h"
#include "evs_firm.h"
#include "evs_series.h"
#include "evs_tests.h"

typedef struct evs_volume {
    int ok;          /* 1 when the volume measures exist (see above) */
    size_t L1;       /* estimation days (= the firm's n_est) */
    double mean, s2; /* mean and variance of ln(1 + V) over E */
    double *est_av;  /* abnormal log volume per estimation day (the firm's est_off order);
                      * NULL after evs_volume_drop_estimation */
    double *vol, *lv, *av, *sav; /* per span day: volume, ln(1 + V), AV, SAV */
} evs_volume;

/* The volume measures of firm-event f from its security's series (looked up
 * by the firm's dates). v is cleared first; an unusable volume gives ok = 0. */
evs_status evs_volume_compute(const evs_firm *f, const evs_series *sec, evs_volume *v, evs_err *e);
void evs_volume_free(evs_volume *v);
/* Release est_av once the event's tests have used it (evs_activity_run): only
 * the event-window measures are written out, so a long study keeps ~2 KB less
 * per firm-event. */
void evs_volume_drop_estimation(evs_volume *v);

typedef enum evs_activity_id {
    EVS_A_VOLUME_CDA,
    EVS_A_VOLUME_BMP,
    EVS_A_VOLATILITY_CHISQ,
    EVS_A_VOLATILITY_CS,
    EVS_NACT
} evs_activity_id;

const char *evs_activity_name(evs_activity_id a);

/* The four tests over the n firm-events f[i] (v[i] their volume measures) for
 * window win. Volume tests use the firm-events with v[i]->ok only. */
evs_status evs_activity_run(const evs_firm *const *f, const evs_volume *const *v, size_t n, evs_window win,
                            evs_test_row out[EVS_NACT], evs_err *e);

#endif
