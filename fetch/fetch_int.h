/*
 * fetch_int.h — the fetch module's internal pieces (not installed).
 *
 * The fetcher is layered:
 *
 *   evs_fetch_run (fetch.c)        plan per symbol -> HTTP jobs -> parse -> merge into cache
 *     |  evs_http_run (http.c)     libcurl multi: N at once, per-host gap, retries, caps
 *     |  provider parsers          yahoo.c (jansson), provcsv.c (FRED, Stooq, cache-format CSV)
 *     |  bars + cache files        bars.c: in-memory series, cache reader/writer, lock, sidecar
 *     `  tz.c                      epoch -> local date in a named exchange time zone
 *
 * Nothing here exposes libcurl, jansson or libxml2 types: each .c file keeps
 * its library to itself.
 */
#ifndef EVS_FETCH_INT_H
#define EVS_FETCH_INT_H

#include <stddef.h>
#include <stdio.h>

#include "evs_error.h"

/* ---------------------------------------------------------------- HTTP */

/* One URL to get. The caller fills url/user_agent/ud; evs_http_run fills the
 * rest. st == EVS_OK means a complete response arrived (any HTTP status: the
 * provider interprets 4xx bodies); otherwise err says why, after retries. */
typedef struct evs_http_req {
    char *url;              /* owned by the caller */
    const char *user_agent; /* NULL: libcurl's none */
    void *ud;
    long status;            /* last HTTP status seen, 0 when none */
    char *body;             /* NUL-terminated, evs_free'd by evs_http_req_clear */
    size_t len;
    int tries;              /* attempts made */
    evs_status st;
    char err[400];
    /* private to http.c */
    char *host;
    long long due_ms;
    int state, overcap;
    void *easy;
    char errbuf[256];
    long retry_after_s;
    size_t cap;
} evs_http_req;

enum { EVS_HTTP_EV_START, EVS_HTTP_EV_RETRY, EVS_HTTP_EV_DONE, EVS_HTTP_EV_BYTES };

typedef struct evs_http_cfg {
    int concurrency;         /* transfers at once (default 4) */
    int max_tries;           /* attempts per request, including the first (default 5) */
    long connect_timeout_ms; /* default 15000 */
    long timeout_ms;         /* whole transfer (default 300000) */
    long low_speed_time_s;   /* abort below low_speed_bytes/s for this long (default 30) */
    long low_speed_bytes;    /* default 16 */
    size_t max_body;         /* bytes (default 64 MiB) */
    long backoff_ms;         /* first retry delay (default 1000), doubled each try, jittered */
    long backoff_max_ms;     /* default 60000 */
    long host_gap_ms;        /* minimum gap between request starts on one host (default 250) */
    /* event callback: kind is EVS_HTTP_EV_*, delay_ms the wait before a retry */
    void (*on_event)(void *ud, evs_http_req *r, int kind, long delay_ms);
    void *ud;
} evs_http_cfg;

void evs_http_cfg_default(evs_http_cfg *c);
/* Run all requests to completion. Returns non-OK only when the machinery
 * itself fails (out of memory, libcurl cannot start); each request's own
 * outcome is in its st/err/status. */
evs_status evs_http_run(evs_http_req **reqs, size_t n, const evs_http_cfg *cfg, evs_err *e);
/* Free body and private state (not url). */
void evs_http_req_clear(evs_http_req *r);
/* Percent-encode s for a URL path or query component (unreserved bytes kept).
 * New string or NULL. */
char *evs_url_escape(const char *s);
/* A copy of url with the values of query parameters named like a key
 * (apikey, api_key, token, key) replaced by "REDACTED". New string or NULL. */
char *evs_url_redact(const char *url);

/* ---------------------------------------------------------------- bars */

/* A price series in memory: t is a day number (daily) or Unix seconds
 * (intraday). Numbers are NaN when missing. Kept sorted by t, unique. */
typedef struct evs_bars {
    size_t n, cap;
    int intraday;
    long long *t;
    double *o, *h, *l, *c, *adj, *v;
} evs_bars;

typedef enum { EVS_ACT_SPLIT, EVS_ACT_DIVIDEND } evs_act_kind;
typedef struct evs_action {
    long long t; /* day number (exchange-local date) */
    evs_act_kind kind;
    double value; /* split: new shares per old share (4:1 -> 4); dividend: amount */
} evs_action;

typedef struct evs_actions {
    size_t n, cap;
    evs_action *a;
} evs_actions;

evs_status evs_bars_push(evs_bars *b, long long t, double o, double h, double l, double c, double adj, double v,
                         evs_err *e);
/* Sort by t; for equal t keep the row pushed last. */
void evs_bars_sort(evs_bars *b);
void evs_bars_free(evs_bars *b);
/* Keep rows with lo <= t <= hi. */
void evs_bars_clip(evs_bars *b, long long lo, long long hi);
/* out = old rows outside [lo,hi] + all new rows, sorted (new replaces old in the range). */
evs_status evs_bars_merge(const evs_bars *old, const evs_bars *nw, long long lo, long long hi, evs_bars *out,
                          evs_err *e);

evs_status evs_actions_push(evs_actions *a, long long t, evs_act_kind k, double v, evs_err *e);
void evs_actions_sort(evs_actions *a);
void evs_actions_free(evs_actions *a);
evs_status evs_actions_merge(const evs_actions *old, const evs_actions *nw, long long lo, long long hi,
                             evs_actions *out, evs_err *e);

/* Cache files. The reader accepts the cache format (header with date or
 * time, columns in any order, empty numbers as NaN). */
evs_status evs_bars_parse(const char *name, const char *text, size_t len, int intraday, evs_bars *b, evs_err *e);
evs_status evs_bars_read(const char *path, int intraday, evs_bars *b, evs_err *e);
evs_status evs_bars_write(const char *path, const evs_bars *b, evs_err *e);
evs_status evs_actions_read(const char *path, evs_actions *a, evs_err *e);
evs_status evs_actions_write(const char *path, const evs_actions *a, evs_err *e);

/* A finite number filling exactly n bytes; an empty field is NaN. 0 on success. */
int evs_parse_num(const char *s, size_t n, double *out);
/* Unix seconds -> "YYYY-MM-DDTHH:MM:SSZ" (21 bytes). */
void evs_fmt_utc(long long t, char out[21]);
/* Parse "YYYY-MM-DDTHH:MM[:SS[.frac]](Z|+HH:MM|-HH:MM|+HHMM)" into Unix
 * seconds; 0 on success, -1 otherwise. */
int evs_parse_iso_time(const char *s, size_t len, long long *out);

/* Exclusive lock on path (created when absent); returns an fd or -1 with e filled. */
int evs_lock_acquire(const char *path, evs_err *e);
void evs_lock_release(int fd);

/* ---------------------------------------------------------------- time zones */

/* NULL when tz is a plausible IANA zone name present on this system. */
const char *evs_tz_problem(const char *tz);
/* days[i] = local calendar date of epochs[i] in zone tz. */
evs_status evs_tz_dates(const char *tz, const long long *epochs, int *days, size_t n, evs_err *e);

/* ---------------------------------------------------------------- providers */

/* What a provider response holds, ready to merge. */
typedef struct evs_parsed {
    evs_bars bars;
    evs_actions acts;
    char *currency, *timezone, *exchange, *instrument; /* NULL when unknown */
    int adjusted;      /* adj_close carries split+dividend adjusted prices */
    int dropped_live;  /* a live (unfinished) session bar was dropped */
    size_t nulls;      /* bars skipped for a missing close */
} evs_parsed;

void evs_parsed_free(evs_parsed *p);

/* Yahoo v8 chart. status is the HTTP status; now is the current Unix time
 * (to drop an unfinished session bar). Daily bars get exchange-local dates. */
evs_status evs_yahoo_parse(const char *body, size_t len, long status, int intraday, long long now, evs_parsed *p,
                           evs_err *e);
/* FRED fredgraph.csv (observation_date or DATE header; "." or empty missing). */
evs_status evs_fred_parse(const char *body, size_t len, evs_parsed *p, evs_err *e);
/* Stooq CSV (must start with "Date,"; HTML and error text refused). */
evs_status evs_stooq_parse(const char *body, size_t len, evs_parsed *p, evs_err *e);
/* A file in the cache format. */
evs_status evs_cachecsv_parse(const char *name, const char *body, size_t len, int intraday, evs_parsed *p,
                              evs_err *e);

/* A short printable excerpt of untrusted text (control bytes replaced). */
void evs_excerpt(const char *s, size_t len, char *out, size_t outsz);

#endif
