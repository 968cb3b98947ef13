/*
 * evs_fetch.h — price series from providers into the cache.
 *
 * evs_fetch_run takes a list of (symbol, provider, date range) items and
 * brings the cache up to date for each: it requests only what the cache
 * lacks (plus a few overlapping days to check that the provider has not
 * rewritten history), merges without duplicates, and refetches the whole
 * range when the new data carries a split or dividend or the overlapping days
 * disagree (adjusted prices are rewritten after every split and dividend).
 *
 * Cache layout (DESIGN.md "The cache"), for <stem> the percent-encoded symbol:
 *     <data>/<interval>/<stem>.csv          date,open,high,low,close,adj_close,volume
 *                                           (intraday: time in UTC ISO 8601 instead of date)
 *     <data>/<interval>/<stem>.meta         provenance, key = value (evs_ini)
 *     <data>/<interval>/<stem>.actions.csv  date,type,value (split | dividend)
 *     <data>/<interval>/<stem>.lock         held (flock) while a fetch writes the files
 * Files are written atomically (temporary file, fsync, rename); an
 * interrupted fetch leaves the previous files intact.
 *
 * Providers ("yahoo", "fred", "stooq", "csv") and their base URLs: see
 * docs/FETCH.md. The library never prints: progress goes to a callback.
 */
#ifndef EVS_FETCH_H
#define EVS_FETCH_H

#include <stddef.h>

#include "evs_error.h"

struct evs_study;

typedef struct evs_fetch_item {
    const char *symbol;   /* the symbol as the study names it; the cache file's name */
    const char *provider; /* "yahoo" (NULL), "fred", "stooq" or "csv" */
    const char *remote;   /* the provider's symbol, or for csv a URL or a path; NULL: symbol */
    int from, to;         /* day numbers (evs_date.h), inclusive */
} evs_fetch_item;

typedef enum evs_fetch_outcome {
    EVS_FETCH_FETCHED,  /* the cache was updated */
    EVS_FETCH_UPTODATE, /* the cache already covered the range */
    EVS_FETCH_FAILED,   /* see status and msg; the cache is unchanged */
    EVS_FETCH_MISSING   /* offline and the cache lacks (part of) the range */
} evs_fetch_outcome;

typedef struct evs_fetch_result {
    evs_fetch_outcome outcome;
    evs_status status;  /* EVS_OK unless FAILED or MISSING */
    char msg[600];      /* the reason for a failure; a note otherwise (may be "") */
    size_t rows;        /* rows in the cache file afterwards */
    size_t fetched_rows;/* rows received this time */
    int full;           /* the whole range was fetched again (split, dividend, disagreement) */
    int tries;          /* HTTP attempts made */
    size_t bytes;       /* bytes received */
    char path[512];     /* the cache file */
} evs_fetch_result;

enum {
    EVS_FETCH_EV_START,  /* a transfer starts (symbol, index) */
    EVS_FETCH_EV_RETRY,  /* a transfer failed and will be retried after delay_ms (why) */
    EVS_FETCH_EV_DONE,   /* an item is finished (result) */
    EVS_FETCH_EV_COMMIT  /* an item's files are about to be written (the lock is held) */
};

typedef struct evs_fetch_progress {
    int kind;
    const char *symbol;
    size_t index;        /* the item */
    size_t done, total;  /* items finished so far, all items */
    size_t bytes;        /* bytes received so far, all transfers */
    unsigned retries;    /* retries so far, all transfers */
    long delay_ms;       /* RETRY */
    const char *why;     /* RETRY */
    const evs_fetch_result *result; /* DONE */
} evs_fetch_progress;

typedef void (*evs_fetch_progress_fn)(void *ud, const evs_fetch_progress *p);

typedef struct evs_fetch_opts {
    const char *data_dir;   /* the cache directory (required) */
    const char *interval;   /* "1d" (default), "1h", "5m", "1m" */
    int offline;            /* use only the cache; report what is missing */
    int full;               /* ignore what the cache holds: fetch every range whole */
    int concurrency;        /* transfers at once (4) */
    int max_tries;          /* attempts per request (5) */
    long connect_timeout_ms;/* (15000) */
    long timeout_ms;        /* a whole transfer (300000) */
    long low_speed_time_s;  /* give up a transfer slower than 16 bytes/s for this long (30) */
    long backoff_ms;        /* first retry delay, doubled each time, jittered (1000) */
    long backoff_max_ms;    /* (60000) */
    long host_gap_ms;       /* minimum time between two request starts on one host (250) */
    size_t max_body;        /* bytes per response (64 MiB) */
    const char *user_agent; /* NULL: browser-like for Yahoo, "evstudy/VERSION" for the others */
    const char *yahoo_base; /* NULL: $EVS_YAHOO_BASE, else https://query1.finance.yahoo.com */
    const char *fred_base;  /* NULL: $EVS_FRED_BASE, else https://fred.stlouisfed.org */
    const char *stooq_base; /* NULL: $EVS_STOOQ_BASE, else https://stooq.com */
    const char *stooq_apikey; /* NULL: $EVS_STOOQ_APIKEY */
    long long now;          /* Unix time used for "today" (0: the clock) */
    evs_fetch_progress_fn progress;
    void *progress_ud;
    evs_warner warn;
} evs_fetch_opts;

void evs_fetch_opts_default(evs_fetch_opts *o);

/* Fetch every item. res must hold n results. Returns EVS_OK when every item
 * is fetched or up to date; otherwise the status of the first failed item,
 * with e summarising ("2 of 12 symbols failed; first: NVDA: ..."). */
evs_status evs_fetch_run(const evs_fetch_item *items, size_t n, const evs_fetch_opts *o, evs_fetch_result *res,
                         evs_err *e);

/* What a study needs: every security and benchmark (and the two-index model's sector index) of every event, from the
 * earliest estimation start to the latest window end, widened by a margin
 * for holidays (trading days become calendar days at 7/5, plus 14 days), the
 * end capped at today. Provider per security: its [security] provider, else
 * the study's; a provider may name the remote symbol as "stooq:nvda.us",
 * "fred:SP500" or "csv:URL-or-path". */
typedef struct evs_fetch_plan {
    evs_fetch_item *items;
    size_t n;
    char **owned; /* strings the items point to */
    size_t nowned;
} evs_fetch_plan;

evs_status evs_fetch_plan_study(const struct evs_study *s, long long now, evs_fetch_plan *p, evs_err *e);
/* The same for one interval ("1d", "1h", "5m", "1m"): a study's daily events
 * for 1d, its intraday events on those bars otherwise (analysis/evs_intraday.h),
 * each from its earliest to its latest bar as calendar days (a weekday taken
 * as 300 trading minutes, 7/5 calendar days per weekday, 3 days' margin
 * before and 2 after), the start no older than the provider keeps (1m 30
 * days, 5m 60, 1h 730). No event on those bars while others exist: a usage
 * error naming the --interval to give. */
evs_status evs_fetch_plan_study_at(const struct evs_study *s, const char *interval, long long now,
                                   evs_fetch_plan *p, evs_err *e);
/* Add one item (strings copied). provider may be "name" or "name:remote". */
evs_status evs_fetch_plan_add(evs_fetch_plan *p, const char *symbol, const char *provider, int from, int to,
                              evs_err *e);
void evs_fetch_plan_free(evs_fetch_plan *p);

/* NULL when name (without ":remote") is a known provider, else a reason. */
const char *evs_fetch_provider_problem(const char *name);

#endif
