/*
 * evs_time.h — instants: a moment in UTC, as seconds since 1970-01-01T00:00Z.
 *
 * An event's `time` is either a date ("2025-01-27") or an instant written in
 * ISO 8601 with an explicit offset ("2025-01-26T23:00:00Z",
 * "2025-01-27T08:00:00+09:00", "2025-01-27T08:00+0900"). An instant without
 * an offset is rejected: its meaning would depend on the machine's zone.
 * Seconds are optional; fractions of a second are not accepted. Years are
 * limited to the range of evs_date.h (1800..2199).
 */
#ifndef EVS_TIME_H
#define EVS_TIME_H

#include <stddef.h>

typedef long long evs_instant;

#define EVS_SECONDS_PER_DAY 86400LL

/* Result of evs_time_parse. */
typedef enum evs_time_kind {
    EVS_TIME_BAD = -1,       /* malformed, or out of range */
    EVS_TIME_NO_OFFSET = -2, /* looks like an instant but carries no Z / +HH:MM offset */
    EVS_TIME_DATE = 0,       /* a date only: *date is set, *t is its 00:00 UTC */
    EVS_TIME_INSTANT = 1     /* an instant: *t is set, *date is its UTC date */
} evs_time_kind;

/* Parse exactly len bytes of s as a date or an instant (see above). */
evs_time_kind evs_time_parse(const char *s, size_t len, int *date, evs_instant *t);

/* Write "YYYY-MM-DDTHH:MM:SSZ" and a NUL into out (21 bytes). */
void evs_instant_format(evs_instant t, char out[21]);

/* The UTC date (a day number) of t, and seconds since that date's midnight. */
int evs_instant_date(evs_instant t);
int evs_instant_second_of_day(evs_instant t);

#endif
