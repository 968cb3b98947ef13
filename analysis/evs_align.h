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
    /* NULL (as evs_align leaves it), or the security's own date column,
     * date_src[0 .. date_src_n-1], from which date[] was taken, set by a
     * caller whose series outlive every firm-event computed from this
     * alignment (the engine's loaded data): evs_firm_compute_d then points a
     * firm-event's estimation dates into it instead of keeping a copy */
    const int *date_src;
    size_t date_src_n;
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
