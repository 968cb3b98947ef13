/*
 * evs_reactions.h — the order in which markets reacted to one event.
 *
 * The included firm-events of an event grouped by (exchange, day 0): for
 * each group the session in which the news first reached that exchange (its
 * UTC open and close), the mean day-0 abnormal return of its securities, and
 * the weekdays before day 0 on which that exchange had no session (e.g. Seoul
 * and Taipei, closed for the Lunar New Year 2025-01-27..2025-01-30). Groups
 * are ordered by session open, then MIC. Written to reactions.csv
 * (evs_results.h) and shown by the summary.
 */
#ifndef EVS_REACTIONS_H
#define EVS_REACTIONS_H

#include <stddef.h>

#include "evs_engine.h"

typedef struct evs_reaction {
    const evs_exchange *exchange;
    int day0;
    evs_instant open, close;
    int closed_first, closed_last; /* EVS_NO_DATE when the exchange was not closed before day 0 */
    size_t n;
    double mean_ar;                /* mean day-0 AR of the group */
    double mean_r;                 /* mean day-0 raw return of the group */
    char symbols[256];             /* space-separated, in study order */
} evs_reaction;

/* Groups of er into *out (caller frees with evs_free); *n their count. */
evs_status evs_reactions(const evs_event_result *er, evs_reaction **out, size_t *n, evs_err *e);

#endif
