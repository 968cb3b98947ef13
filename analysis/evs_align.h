/*
 * evs_align.h — a security and its benchmark on common dates, as returns.
 *
 * DESIGN.md "Prices, returns and alignment": keep the dates on which both the
 * security and its market have a price; returns are computed between
 * consecutive kept dates (so a return never spans a date one of the two
 * lacks on one side only); day 0 is the first kept return date on or after
 * the event date; windows are offsets in this kept-date index.
 */
#ifndef EVS_ALIGN_H
#define EVS_ALIGN_H

#include <stddef.h>

#include "evs_error.h"
#include "evs_series.h"
#include "evs_study.h"

typedef struct evs_aligned {
    size_t n;   /* number of returns */
    int *date;  /* date of return k (the later of its two kept dates) */
    double *r;  /* security return */
    double *rm; /* market return; NaN everywhere when there is no market */
    double *rs; /* second index (two-index model's sector) return; NULL when none */
} evs_aligned;

/* Align sec with mkt (mkt may be NULL: the security's own dates are kept). */
evs_status evs_align(const evs_series *sec, const evs_series *mkt, evs_returns_kind kind, evs_aligned *out,
                     evs_err *e);
/* The same with a second index: a date is kept only when all three have a
 * price (sector may be NULL: then this is evs_align). */
evs_status evs_align2(const evs_series *sec, const evs_series *mkt, const evs_series *sector, evs_returns_kind kind,
                      evs_aligned *out, evs_err *e);
void evs_aligned_free(evs_aligned *a);

/* Index of the first return dated on or after d, or -1 when none. */
long evs_aligned_day0(const evs_aligned *a, int d);

#endif
