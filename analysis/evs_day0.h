/*
 * evs_day0.h — day 0 of one security for one event: the first session of its
 * own exchange that could react (DESIGN.md "Time and calendars").
 *
 * Sessions are the security's own trading days (dates[], from its data:
 * holidays are the weekdays the data lacks), each running from the
 * exchange's open to its close in the exchange's time zone (evs_exchange.h).
 *   - An instant: day 0 is the first session whose close is after the
 *     instant: the same day when the instant is before that day's close,
 *     otherwise the next session; an instant on a weekend or a holiday maps
 *     to the next session in the data.
 *   - A date: day 0 is the first session on or after the date.
 * The reason is one readable sentence, e.g. "instant 2025-01-26T23:00:00Z is
 * before the XTKS open 2025-01-27 09:00 JST" or "XKRX had no session
 * 2025-01-27..2025-01-30 (no row in the data: holiday or closure); first
 * session 2025-01-31".
 */
#ifndef EVS_DAY0_H
#define EVS_DAY0_H

#include <stddef.h>

#include "evs_exchange.h"
#include "evs_time.h"
#include "evs_tz.h"

typedef struct evs_day0 {
    int date;                      /* EVS_NO_DATE: the event is after the last session in the data */
    evs_instant open, close;       /* that session in UTC */
    int closed_first, closed_last; /* weekdays before day 0 without a session; EVS_NO_DATE if none */
    char reason[320];
} evs_day0;

/* dates[0..n-1] ascending. When has_instant is 0, date is the event date
 * and t is ignored. */
void evs_day0_find(const evs_exchange *x, const evs_tz *tz, const int *dates, size_t n, int has_instant,
                   evs_instant t, int date, evs_day0 *out);

#endif
