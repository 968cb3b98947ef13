/*
 * evs_roll.h — futures contract rolls in a continuous front-month series.
 *
 * A continuous future (Yahoo's ES=F, NQ=F) switches from the expiring
 * contract to the next one without splicing, so the roll day's return
 * carries the calendar spread: a jump the underlying index does not have
 * (DESIGN.md "Time and calendars"). Detection, on a future aligned with its
 * index (evs_align.h): d_t = R_future - R_index; a roll day is one where
 * |d_t - median(d)| > k * 1.4826 * MAD(d) (the MAD scaled to sigma under
 * normality; Rousseeuw & Croux 1993) and which lies within 3 days before to
 * 4 days after a quarterly expiry, the third Friday of March, June,
 * September or December (CME Rulebook ch. 351-358: equity-index futures
 * terminate on the third Friday of the contract month). Those returns are
 * then excluded (removed from the aligned series), with a warning.
 */
#ifndef EVS_ROLL_H
#define EVS_ROLL_H

#include <stddef.h>

#include "evs_align.h"

#define EVS_ROLL_K 10.0

/* The third Friday of month m of year y (a day number). */
int evs_third_friday(int y, int m);

/* Dates (ascending) of the returns of a flagged as roll days; at most cap
 * are written, the count found is returned. a->rm must be set. */
size_t evs_roll_detect(const evs_aligned *a, double k, int *dates, size_t cap);

/* Remove the returns dated dates[0..n-1] from a (the days are excluded). */
void evs_aligned_drop(evs_aligned *a, const int *dates, size_t n);

#endif
