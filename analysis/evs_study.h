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
 * Market precedence for a security in an event: [security X] market, then
 * the event's market, then the study's.
 */
#ifndef EVS_STUDY_H
#define EVS_STUDY_H

#include <stddef.h>

#include "evs_error.h"

typedef enum evs_returns_kind { EVS_RET_SIMPLE, EVS_RET_LOG } evs_returns_kind;

typedef enum evs_model_kind {
    EVS_MODEL_CONSTANT_MEAN,
    EVS_MODEL_MARKET_ADJUSTED,
    EVS_MODEL_MARKET
} evs_model_kind;

/* An inclusive range of trading-day offsets from day 0, written FIRST..LAST. */
typedef struct evs_window {
    int first, last;
} evs_window;

/* Settings an event may override. */
typedef struct evs_params {
    evs_returns_kind returns;
    evs_model_kind model;
    evs_window estimation;
    evs_window *windows;
    size_t nwindows;
    int min_estimation;
    char *market; /* benchmark symbol; NULL for none (constant-mean only) */
} evs_params;

typedef struct evs_event_def {
    char *name;    /* identifier used in every result file */
    int date;      /* event date, a day number (evs_date.h) */
    int line;      /* line of the [event] section */
    char **symbols;
    size_t nsymbols;
    evs_params p;  /* the study's defaults with this event's overrides */
} evs_event_def;

typedef struct evs_security_def {
    char *symbol;
    char *market;   /* NULL: use the event's / study's market */
    char *exchange; /* exchange code as written (e.g. XTKS), or NULL */
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
/* Parse "FIRST..LAST" (len bytes); 0 on success. */
int evs_window_parse(const char *s, size_t len, evs_window *w);
/* Format "FIRST..LAST" into out (at least 32 bytes). */
char *evs_window_format(evs_window w, char *out);

#endif
