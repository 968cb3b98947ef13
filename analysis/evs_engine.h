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
 */
#ifndef EVS_ENGINE_H
#define EVS_ENGINE_H

#include <stddef.h>
#include <time.h>

#include "evs_error.h"
#include "evs_firm.h"
#include "evs_ini.h"
#include "evs_series.h"
#include "evs_study.h"
#include "evs_tests.h"

typedef struct evs_datafile {
    char *symbol;
    char *path;
    evs_series s;
    evs_ini meta; /* provenance sidecar (<file>.meta); n == 0 when absent */
} evs_datafile;

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
    evs_test_row (*tests)[EVS_NTESTS]; /* per window of def->p */
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
    char **warnings;
    size_t nwarnings, capwarnings;
    time_t run_at;
} evs_run;

/* Run the study. Warnings go to w (may be NULL) and are kept in the run. */
evs_status evs_run_study(const evs_study *s, const evs_warner *w, evs_run *r, evs_err *e);
void evs_run_free(evs_run *r);

/* The data file loaded for symbol, or NULL. */
const evs_datafile *evs_run_data(const evs_run *r, const char *symbol);

#endif
