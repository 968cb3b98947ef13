/*
 * evs_study.h — the study file (INI), read and validated.
 *
 * Layout (DESIGN.md "The study file"): one [study] section with defaults, one
 * [event NAME] section per event, optional [security SYMBOL] sections. Any
 * [study] setting that shapes the analysis (returns, model, estimation,
 * windows, min_estimation, market) may be overridden inside an event. Paths
 * are relative to the study file. Every error names the file, the line and
 * the offending value; an unknown section or setting is an error.
 *
 * `events = FILE` in [study] adds the events of an events CSV (evs_events.h),
 * with the study's parameters.
 *
 * Market precedence for a security in an event: the events-file row's market,
 * then [security X] market, then
 * the event's market, then the study's. [security X] also takes exchange =
 * MIC (evs_exchange.h; default from the symbol) and model = NAME (overrides
 * the event's model for that security; market = none with a model that
 * needs a market falls back to constant-mean, and the results say so).
 */
#ifndef EVS_STUDY_H
#define EVS_STUDY_H

#include <stddef.h>

#include "evs_error.h"
#include "evs_time.h"

typedef enum evs_returns_kind { EVS_RET_SIMPLE, EVS_RET_LOG } evs_returns_kind;

typedef enum evs_model_kind {
    EVS_MODEL_CONSTANT_MEAN,
    EVS_MODEL_MARKET_ADJUSTED,
    EVS_MODEL_MARKET,
    EVS_MODEL_TWO_INDEX,       /* market plus a sector index (sector = SYMBOL) */
    EVS_MODEL_FF3,             /* Fama-French 3 factors from factors = FILE */
    EVS_MODEL_CARHART,         /* FF3 plus momentum (Mom) */
    EVS_MODEL_FF5,             /* Fama-French 5 factors */
    EVS_MODEL_DIMSON,          /* Dimson (1979) beta, dimson_lags = N */
    EVS_MODEL_SCHOLES_WILLIAMS /* Scholes-Williams (1977) beta */
} evs_model_kind;

/* An inclusive range of offsets from day 0, written FIRST..LAST: trading days
 * (unit 0), or for an intraday event bars, written in minutes (`-60m..240m`,
 * unit 'm'), hours ('h') or bars ('b'). first/last are always the offsets the
 * engine uses (trading days or bars); wfirst/wlast keep the numbers as written
 * in their unit, so results show the window as the study file wrote it.
 * Minutes and hours become the bars whose offset times the interval lies
 * inside FIRST..LAST (analysis/evs_intraday.h). */
typedef struct evs_window {
    int first, last;
    char unit;          /* 0 trading days; 'm', 'h' or 'b' intraday */
    int wfirst, wlast;  /* as written (= first, last for unit 0) */
} evs_window;

/* How an intraday return across a session gap (overnight, a lunch break, a
 * futures maintenance break) is treated; see analysis/evs_intraday.h. */
typedef enum evs_overnight { EVS_OVERNIGHT_INCLUDE, EVS_OVERNIGHT_EXCLUDE } evs_overnight;

/* Settings an event may override. */
typedef struct evs_params {
    evs_returns_kind returns;
    evs_model_kind model;
    evs_window estimation;
    evs_window *windows;
    size_t nwindows;
    int min_estimation;
    char *market; /* benchmark symbol; NULL for none (constant-mean only) */
    char *sector; /* second index of the two-index model (sector = SYMBOL); NULL for none */
    char *factors; /* factor files (factors = FILE [FILE...]) as written, relative to the study; NULL for none */
    int dimson_lags; /* N of model = dimson (1..EVS_DIMSON_MAX_LAGS; default 1) */
    int exclude_events; /* exclude_events = yes: other events' windows leave the estimation window (DESIGN.md) */
    int bootstrap;      /* bootstrap = B: bootstrap p-values with B resamples (0: none; evs_bootstrap.h) */
    unsigned long seed; /* seed = S for them (default 1) */
    /* intraday events only (analysis/evs_intraday.h) */
    int interval;         /* bar length in minutes: 1, 5 or 60 (default 5) */
    evs_overnight overnight; /* default include */
    int session_gap;      /* minutes; a longer gap between bars ends a session (0: default) */
    unsigned set;         /* EVS_SET_* bits: settings written in this section */
} evs_params;

#define EVS_SET_ESTIMATION 1u
#define EVS_SET_MIN_ESTIMATION 2u

typedef struct evs_event_def {
    char *name;    /* identifier used in every result file */
    int date;      /* event date, a day number (evs_date.h); for an instant, its UTC date */
    int has_instant; /* time was given as an instant (evs_time.h), not a date */
    evs_instant instant; /* that instant in UTC seconds; 00:00 UTC of date otherwise */
    int line;      /* line of the [event] section */
    int intraday;  /* its windows are intraday (minutes, hours or bars): see evs_intraday.h */
    char **symbols;
    size_t nsymbols;
    char **markets; /* events file: per-symbol market of its row (NULL entries: none given); NULL otherwise */
    int from_file;  /* from `events = FILE` (evs_events.h): line is the file's line of its first row */
    evs_params p;  /* the study's defaults with this event's overrides */
} evs_event_def;

typedef struct evs_security_def {
    char *symbol;
    char *market;   /* NULL: use the event's / study's market */
    char *exchange; /* exchange MIC (evs_exchange.h), checked; NULL: the symbol's default */
    int has_model;  /* model = ... in [security]: overrides the event's model for this security */
    evs_model_kind model;
    char *provider; /* data provider for fetch, or NULL for the study's */
    int line;
} evs_security_def;

typedef struct evs_study {
    char *path;     /* the study file as given */
    char *dir;      /* its directory */
    char *name;     /* the name of that directory (default output: out/<name>) */
    char *title;    /* "" when not set */
    char *data_dir; /* the cache directory, resolved against dir */
    char *provider; /* default data provider for fetch ("yahoo") */
    char sha256[65];/* hex digest of the study file's bytes */
    evs_params defaults;
    evs_event_def *events;
    size_t nevents;
    evs_security_def *securities;
    size_t nsecurities;
} evs_study;

evs_status evs_study_load(const char *path, evs_study *s, evs_err *e);
void evs_study_free(evs_study *s);

/* The benchmark for symbol in ev (see precedence above); NULL for none. */
const char *evs_study_market(const evs_study *s, const evs_event_def *ev, const char *symbol);
/* The [security] section for symbol, or NULL. */
const evs_security_def *evs_study_security(const evs_study *s, const char *symbol);

const char *evs_model_name(evs_model_kind m);
const char *evs_returns_name(evs_returns_kind r);
/* Parse "FIRST..LAST" (or "FIRST,LAST") (len bytes), each number optionally followed by the
 * same unit m, h or b (then first/last = wfirst/wlast until the intraday
 * conversion); 0 on success. */
int evs_window_parse(const char *s, size_t len, evs_window *w);
/* Format "FIRST..LAST" (with its unit, as written) into out (at least 32 bytes). */
char *evs_window_format(evs_window w, char *out);

#endif
