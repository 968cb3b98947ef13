/*
 * evs_engine.h — running a whole study: the analysis stage's entry point.
 *
 *   evs_study (study file) ──► evs_run_study ──► evs_run ──► evs_results_write
 *
 * evs_run_study loads every data file the study names (once each), aligns
 * each security with its benchmark, computes every firm-event (evs_firm), the
 * cross-sectional averages per day (AAR/CAAR) and every test for every
 * window; with more than one event it also pools all firm-events (rows
 * event = ALL) for the windows all events share. Securities that cannot be
 * analysed are excluded with a reason; the run fails only when data cannot be
 * read or an event has no security left.
 *
 * Time and calendars (DESIGN.md): each security has its exchange
 * (evs_exchange.h) and its own day 0 (evs_day0.h, from its own trading
 * days); a benchmark whose session closes at another instant marks the
 * firm-event non-synchronous (warning); a security without a benchmark falls
 * back to the constant-mean model (noted); a future's roll days against its
 * index are excluded (evs_roll.h, warning); a day missing from a security's
 * file that its benchmark or a peer on an exchange with the same sessions has
 * is a data gap (warning naming the return that spans it); event windows of
 * one security that overlap are reported (warning).
 */
#ifndef EVS_ENGINE_H
#define EVS_ENGINE_H

#include <stddef.h>
#include <time.h>

#include "evs_activity.h"
#include "evs_error.h"
#include "evs_factors.h"
#include "evs_firm.h"
#include "evs_ini.h"
#include "evs_series.h"
#include "evs_study.h"
#include "evs_tests.h"
#include "evs_tz.h"

typedef struct evs_datafile {
    char *symbol;
    char *path;
    evs_series s;
    evs_ini meta; /* provenance sidecar (<file>.meta); n == 0 when absent */
    size_t bytes; /* size of the price file */
    size_t first_jump; /* the first row whose one-day change reaches 30% (SIZE_MAX: none), found while loading */
} evs_datafile;

/* A factor table as a study names it (factors = FILE [FILE...]), loaded once. */
typedef struct evs_factorset {
    char *spec;      /* the setting as written */
    char *path;      /* the first file, resolved against the study directory (for messages) */
    evs_factors t;   /* the files joined on common dates */
} evs_factorset;

typedef struct evs_event_result {
    const evs_event_def *def;
    evs_firm *firm; /* one per listed security, in the listed order */
    size_t nfirm, nok;
    double rbar;    /* KP mean residual cross-correlation of the included firms */
    int span_first, span_last;
    size_t nspan;
    int *date;      /* common date of each span day, EVS_NO_DATE when firms differ */
    size_t *n;
    double *aar, *caar, *se_aar, *se_caar;
    evs_test_row (*tests)[EVS_NTESTS]; /* per window of def->p; one block with date, n, aar ... se_caar */
    evs_volume *vol;                   /* per firm: abnormal log volume (evs_activity.h) */
    evs_test_row (*act)[EVS_NACT];     /* per window: the volume and volatility tests */
} evs_event_result;

typedef struct evs_pooled {
    evs_window win;
    evs_test_row rows[EVS_NTESTS];
} evs_pooled;

typedef struct evs_run {
    const evs_study *study;
    evs_event_result *ev;
    size_t nev;
    evs_pooled *pooled; /* event = ALL rows; only with more than one event */
    size_t npooled;
    double pooled_rbar;
    evs_datafile *data;
    size_t ndata;
    evs_factorset *factors;
    size_t nfactors;
    struct evs_intraday_data *intraday; /* intraday bar files (evs_intraday.h); NULL when none */
    char **warnings;
    size_t nwarnings, capwarnings;
    evs_tz *tz;          /* time zones loaded (one per zone the exchanges use) */
    size_t ntz;
    time_t run_at;
    /* how the run went (for --timings and make bench): threads used, files'
     * rows and bytes, firm-events, wall-clock seconds of loading (read, parse,
     * check: jumps, data gaps) and of the analysis (align, fit, firm-events,
     * AAR, tests, pooled), and the CPU seconds of each (all threads together);
     * within the analysis, the wall-clock seconds of the firm-events with their
     * events' cross-sections and of the pooled sample (the rest: notes, warnings) */
    int jobs;
    size_t rows_loaded, bytes_loaded, nfirm_events;
    double sec_load, sec_analysis, cpu_load, cpu_analysis;
    double sec_firms, sec_pooled;
} evs_run;

typedef struct evs_run_opts {
    int jobs; /* threads; <= 1: the calling thread only */
} evs_run_opts;

/* Run the study. Warnings go to w (may be NULL) and are kept in the run.
 * Data files are loaded, and firm-events and events analysed, on o->jobs
 * threads (core/evs_par.h); every result, warning and error is the same,
 * bit for bit, whatever the number of threads. o may be NULL (one thread). */
evs_status evs_run_study_opts(const evs_study *s, const evs_run_opts *o, const evs_warner *w, evs_run *r, evs_err *e);
/* = evs_run_study_opts(s, NULL, w, r, e) */
evs_status evs_run_study(const evs_study *s, const evs_warner *w, evs_run *r, evs_err *e);
void evs_run_free(evs_run *r);

/* Record warning msg in the run and pass it to w (for the stages the engine calls). */
evs_status evs_run_warn(evs_run *r, const evs_warner *w, const char *msg, evs_err *e);

/* The data file loaded for symbol, or NULL. */
const evs_datafile *evs_run_data(const evs_run *r, const char *symbol);

#endif
