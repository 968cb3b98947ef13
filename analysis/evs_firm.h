/*
 * evs_firm.h — one firm-event: a security around one event.
 *
 * From the aligned returns and day 0 it fits the model on the estimation
 * window and computes, for every day of the event span (earliest window
 * start .. latest window end), AR, Var(AR), SAR and CAR, and for every event
 * window CAR, Var(CAR), SCAR, CSAR and BHAR. It also keeps the estimation
 * residuals and the ranks the non-parametric tests need.
 * A firm-event that cannot be analysed is marked excluded with a reason; the
 * study goes on without it.
 */
#ifndef EVS_FIRM_H
#define EVS_FIRM_H

#include <stddef.h>

#include "evs_align.h"
#include "evs_day0.h"
#include "evs_exchange.h"
#include "evs_model.h"
#include "evs_study.h"

#define EVS_FIRM_MAXROLLS 64

typedef struct evs_firm {
    /* What the tests of every sample and r-bar read (tests.c), firm-event
     * after firm-event of thousands: together at the start, in four cache
     * lines instead of a dozen scattered over the 3 KB below. */
    const char *event;  /* borrowed from the study */
    int ok;             /* 1 analysed, 0 excluded */
    int day0_date;      /* EVS_NO_DATE when unknown */
    int est_first_date, est_last_date;
    size_t n_est;       /* estimation returns used (= fit.L1) */
    int *est_off;       /* offsets relative to day 0; NULL when they are consecutive,
                         * est_off0, est_off0 + 1, ... (evs_firm_est_off) */
    int est_off0;       /* the first offset */
    int est_moments;    /* 1: est_mean, est_dsum and est_ss below are set (evs_firm_compute_d) */
    const int *est_date;/* in block, or borrowed from the aligned data's date_src */
    double *est_ar;     /* estimation-window residuals (abnormal returns) */
    double *est_sar;    /* est_ar / sqrt(Var(AR)) with the forecast-error variance (GRANK) */
    double est_mean;    /* mean of est_ar, summed in day order in four lanes (evs_sum.h) */
    double est_dsum;    /* sum over E of (est_ar - est_mean), likewise (the rounding left by est_mean) */
    double est_ss;      /* sum over E of (est_ar - est_mean)^2, likewise (KP r-bar's pairs reuse all three) */
    double median_ar;   /* median AR over E and the span (Corrado & Zivney 1992) */
    /* Midranks (ties averaged) as float: half-integers up to L1 + L2 < 2^23
     * (evs_firm_compute_d excludes longer samples), so exact, at half the
     * memory a study keeps per firm-event; read as double they are the same values. */
    float *rank_est, *rank_span; /* Corrado (1989) ranks over E and the span */
    float *rank_sar;    /* midranks of est_sar within E alone: GRANK's ranks follow from them in O(L1) */

    int span_first, span_last; /* offsets */
    size_t n_span;
    int *sp_date;
    double *sp_ar, *sp_var, *sp_sar, *sp_car, *sp_r, *sp_rm, *sp_exp;

    size_t nw;          /* event windows (as in the event's parameters) */
    double *car, *var_car, *scar, *csar, *bhar;

    evs_fit fit;        /* its first line (dof, sigma2) is read with the above */

    const char *symbol;
    const char *market; /* NULL: none */
    char reason[256];   /* why excluded */
    const char *xnames[EVS_MODEL_MAXK]; /* the regressors' names (static strings), NULL past fit.k */
    size_t n_removed;   /* estimation days removed by exclude_events (other events' windows) */
    void *block;        /* owns every array above (one allocation); evs_firm_free releases it */

    /* time and calendars: filled by the engine (engine.c), not by evs_firm_compute */
    const evs_exchange *exchange;        /* the security's exchange */
    const evs_exchange *market_exchange; /* the benchmark's, NULL without one */
    evs_day0 day0;       /* the first session that could react, and why (evs_day0.h) */
    int nonsync;         /* benchmark closes at another instant than the security */
    double nonsync_hours;/* benchmark close minus security close on day 0, hours */
    evs_model_kind model;/* the model used (a security's own, or the constant-mean fallback) */
    char note[512];      /* fallback, roll days excluded, data gaps; "" when none */
    int rolls[EVS_FIRM_MAXROLLS]; /* a future's roll days against its index, removed from its returns */
    size_t nrolls;
} evs_firm;

/* Analyse one firm-event. Returns EVS_OK also when the firm is excluded
 * (f->ok == 0, f->reason set); an error status only for out of memory. */
evs_status evs_firm_compute(evs_firm *f, const evs_aligned *a, const evs_params *p, int event_date, evs_err *e);
/* The same with a prebuilt design (factor models need the factor table, see
 * evs_design.h) and skip[k] = 1 for aligned days to leave out of the
 * estimation window (exclude_events; NULL for none): the window then reaches
 * back further so that it keeps its nominal number of days, and n_removed
 * counts what was left out. evs_firm_compute builds the design without
 * factors and skips nothing. */
struct evs_design;
evs_status evs_firm_compute_d(evs_firm *f, const evs_aligned *a, const struct evs_design *d, const evs_params *p,
                              int event_date, const unsigned char *skip, evs_err *e);
void evs_firm_free(evs_firm *f);
/* Mark the firm-event excluded (ok = 0) with the reason printf'd into
 * f->reason (cut to its size); the daily and intraday paths share it. */
void evs_firm_exclude(evs_firm *f, const char *fmt, ...) EVS_PRINTF(2, 3);

/* The offset from day 0 of estimation day t (0 <= t < n_est). */
static inline int evs_firm_est_off(const evs_firm *f, size_t t)
{
    return f->est_off ? f->est_off[t] : f->est_off0 + (int)t;
}

/* Span index of offset t, or -1. */
static inline long evs_firm_span_index(const evs_firm *f, int t)
{
    return (t < f->span_first || t > f->span_last) ? -1 : (long)(t - f->span_first);
}

#endif
