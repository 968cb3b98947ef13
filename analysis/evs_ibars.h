/*
 * evs_ibars.h — intraday bars: reading a cache file, and a security with its
 * benchmark on common bars, as returns.
 *
 * File (DESIGN.md "The cache"): <data>/<interval>/<file>.csv with the header
 *     time,open,high,low,close,adj_close,volume
 * (any order; time and close required, other columns ignored), `time` the
 * start of the bar in UTC ISO 8601 with its offset (fetch writes
 * "2025-01-27T14:30:00Z"), on whole minutes, strictly ascending. The price is
 * adj_close when that column has any value, else close, positive and finite
 * on every row (as for daily files). Errors: "FILE:LINE: what (value)".
 *
 * Alignment (the intraday form of DESIGN.md "Prices, returns and alignment"):
 * keep the bar times both the security and its benchmark have; a return is
 * taken between consecutive kept bars, so it never spans a bar one of the two
 * lacks on one side only. Each return is classified by the time g between
 * its two bars, for bars of length D:
 *   g == D                 a regular return;
 *   D < g <= session_gap   a missing bar inside a session: the return spans
 *                          round(g / D) intervals; it is KEPT as one return
 *                          (one bar offset) and counted, so a cumulative
 *                          return over a window still holds the whole price
 *                          move; its expected return and variance are those
 *                          of one bar (stated approximation; a warning names
 *                          each such return inside an event span);
 *   g > session_gap        a session gap (overnight, lunch break, futures
 *                          maintenance break): with overnight = include the
 *                          return is kept like any other (and marked as
 *                          spanning the gap); with overnight = exclude it is
 *                          dropped everywhere, so bar offsets count only
 *                          returns inside sessions.
 * A return k is dated by the start time of its later bar, t[k]; with no gap
 * it is the return over [t[k], t[k] + D).
 */
#ifndef EVS_IBARS_H
#define EVS_IBARS_H

#include <stddef.h>

#include "evs_align.h"
#include "evs_error.h"
#include "evs_study.h"
#include "evs_time.h"

typedef struct evs_ibars {
    size_t n;
    evs_instant *t;        /* bar start, UTC seconds, whole minutes, ascending */
    double *close, *adj_close; /* NaN when empty */
    const double *price;   /* adj_close when uses_adj, else close */
    int uses_adj;
} evs_ibars;

evs_status evs_ibars_parse(const char *name, const char *text, size_t len, evs_ibars *b, evs_err *e);
evs_status evs_ibars_read(const char *path, evs_ibars *b, evs_err *e);
void evs_ibars_free(evs_ibars *b);

typedef enum evs_gap_kind { EVS_GAP_NONE = 0, EVS_GAP_MISSING = 1, EVS_GAP_SESSION = 2 } evs_gap_kind;

typedef struct evs_ialigned {
    evs_aligned a;        /* returns; a.date[k] is the minute number t[k] / 60 (see evs_intraday.h) */
    evs_instant *t;       /* start of the later bar of return k */
    evs_instant *t_prev;  /* start of its earlier bar */
    unsigned char *gap;   /* evs_gap_kind of return k */
    size_t n_missing;     /* returns kept across missing bars */
    size_t n_session;     /* returns across a session gap (kept or dropped) */
} evs_ialigned;

/* Align sec with mkt (mkt NULL: the security's own bars). interval and
 * session_gap in minutes (session_gap > interval). */
evs_status evs_ialign(const evs_ibars *sec, const evs_ibars *mkt, evs_returns_kind kind, int interval,
                      int session_gap, evs_overnight overnight, evs_ialigned *out, evs_err *e);
void evs_ialigned_free(evs_ialigned *a);

/* Day 0 for an event at instant: the first return whose bar ends after it,
 * i.e. the bar holding the instant (t <= instant < t + D), or, when the
 * instant falls where there is no bar (market closed, a dropped overnight
 * return), the first return after it. -1 when none. */
long evs_ialigned_day0(const evs_ialigned *a, evs_instant instant, int interval);

#endif
