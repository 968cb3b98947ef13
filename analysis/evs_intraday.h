/*
 * evs_intraday.h — intraday event studies: windows in minutes, hours or bars
 * around an event instant, on 1m, 5m or 1h bars (issue 4 item 4).
 *
 * An event is intraday when its windows carry a unit (`windows = 0m..0m
 * -30m..120m`, `-1h..4h`, `0b..12b`); all its windows must then carry one,
 * and its `time` must be an instant (2025-01-27T14:30:00Z), not a date.
 * Daily and intraday events live side by side in one study.
 *
 * Settings (in [study] or an [event]):
 *   interval    = 5m        1m | 5m | 1h: the bars read from <data>/<interval>/
 *   estimation  = -1440m..-61m   (default for intraday events; m, h or b)
 *   overnight   = include   include | exclude: the return across a session
 *                           gap (see evs_ibars.h)
 *   session_gap = 30m       a gap between bars longer than this ends a
 *                           session (default: 30m, at least 2 intervals)
 *   min_estimation          in bars (default: half the estimation bars, >= 3)
 *
 * Offsets. Bar 0 is the bar holding the instant (or the first bar after it,
 * evs_ialigned_day0); bar k is the k-th kept return after it (bars of
 * trading time, as daily offsets count trading days). A window in minutes
 * or hours holds the bars whose offset times the interval lies inside it:
 * FIRST..LAST minutes -> bars ceil(FIRST/I)..floor(LAST/I); with 5m bars
 * `-60m..240m` is bars -12..48 and `0m..0m` is bar 0 alone. A window in
 * bars (`b`) is taken as written. A window that holds no bar, an estimation
 * window overlapping an event window, or one holding fewer bars than
 * min_estimation is an error when the study is read.
 *
 * Model. The firm-event is then computed exactly as a daily one (evs_firm,
 * CLM 1997 ch. 4): constant mean (the pre-event mean of the estimation bars),
 * market-adjusted or market model against the benchmark's bars at the same
 * interval and the same times, the variance from the estimation bars, and
 * every test of evs_tests.h on the bar offsets. This is the intraday event
 * study design of Busse & Green (2002, JFE 65:415-437, section 3: minute
 * returns around the event, the pre-event period as the benchmark).
 *
 * Times in the engine. For an intraday firm-event the `date` fields of
 * evs_aligned/evs_firm and of evs_event_result hold minute numbers (UTC
 * seconds / 60) instead of day numbers; evs_event_def.intraday says which.
 * The result files write them as UTC instants ("2025-01-27T14:30:00Z").
 */
#ifndef EVS_INTRADAY_H
#define EVS_INTRADAY_H

#include <stdio.h>

#include "evs_engine.h"
#include "evs_error.h"
#include "evs_ibars.h"
#include "evs_ini.h"
#include "evs_study.h"

/* Study file: a setting interval, overnight or session_gap (key) with its value. */
evs_status evs_intraday_setting(const char *path, int line, const char *key, const char *value, evs_params *p,
                                evs_err *e);
/* After an event's settings are final: decide whether it is intraday, check
 * it and turn its windows into bar offsets (see above). study: the [study]
 * defaults. Errors name path and the [event] line. */
evs_status evs_intraday_event_params(const char *path, evs_event_def *ev, const evs_params *study, evs_err *e);

/* exclude_events of a daily event: the trading days, as offsets from the
 * daily day 0 of the intraday event's UTC date, that its span of bars may
 * touch (a weekday counted as at least 300 trading minutes, and one more
 * day at the end for an instant after the close). */
void evs_intraday_day_span(const evs_params *p, int *first, int *last);

/* "1m", "5m" or "1h" for an interval in minutes (the cache folder). */
const char *evs_interval_name(int minutes);

/* The instant of a minute number, and its text ("2025-01-27T14:30:00Z"). */
static inline evs_instant evs_minute_instant(int minute) { return (evs_instant)minute * 60; }
void evs_minute_format(int minute, char out[21]);

/* One intraday data file loaded by a run. */
typedef struct evs_ifile {
    char *symbol, *path;
    int interval;   /* minutes */
    evs_ibars b;
    evs_ini meta;   /* provenance sidecar; n == 0 when absent */
} evs_ifile;

typedef struct evs_intraday_data {
    evs_ifile *f;
    size_t n;
    char **note; /* per event: EVS_INTRADAY_NOTE bytes per firm-event, the warnings of its span */
    size_t nnote;
    int **span_min; /* per event: nfirm x span bars, minutes each span return covers (0: not computed) */
} evs_intraday_data;

#define EVS_INTRADAY_NOTE 700

/* Load (sequentially, once each) the bars of every security and benchmark of
 * the study's intraday events into r->intraday. A missing or malformed file
 * is an error whose message says how to fetch the bars. */
evs_status evs_intraday_load(evs_run *r, evs_err *e);
/* Firm-event i of event k (an intraday event): align the security's bars
 * with its benchmark's, find bar 0 and compute it (evs_firm_compute).
 * Excluded firm-events get a reason with instants. Reads only what
 * evs_intraday_load loaded and writes only the firm-event and its note, so
 * firm-events may be computed on several threads. Error: out of memory. */
evs_status evs_intraday_firm(evs_run *r, size_t k, size_t i, evs_err *e);
/* Afterwards, sequentially: the warnings of every intraday firm-event
 * (returns inside its event span that cross missing bars or a session gap). */
evs_status evs_intraday_warn(evs_run *r, const evs_warner *w, evs_err *e);
void evs_intraday_data_free(evs_intraday_data *d);

/* Minutes between the two bars return t of firm-event i of event k's span is
 * taken across: the interval for a regular bar, more across missing bars or
 * a session gap (abnormal_returns.csv `span_minutes`); -1 for a daily event
 * or an excluded firm-event. */
int evs_intraday_span_minutes(const evs_run *r, size_t k, size_t i, size_t t);

/* run.json: the intraday files of r as entries of the "data" array
 * (preceded by ",\n" when *written is nonzero; *written counts entries). */
void evs_intraday_json_data(FILE *fp, const evs_run *r, size_t *written);

#endif
