/*
 * evs_tz.h — IANA time zones without setenv("TZ"): thread safe and exact.
 *
 * A zone ("Asia/Tokyo") is read from the system's compiled tz database
 * (TZif files, RFC 8536, in $TZDIR or /usr/share/zoneinfo; Debian package
 * tzdata). The version 2+ 64-bit transition table is used; instants after the
 * last transition follow the POSIX TZ rule in the file's footer (RFC 8536
 * section 3.3, e.g. "EST5EDT,M3.2.0,M11.1.0"), so a "slim" file works too.
 * An evs_tz is immutable after evs_tz_load and may be shared by threads.
 */
#ifndef EVS_TZ_H
#define EVS_TZ_H

#include <stddef.h>

#include "evs_error.h"
#include "evs_time.h"

typedef struct evs_tz_type {
    long off;      /* seconds east of UTC */
    int isdst;
    char abbr[12]; /* "JST", "EDT", "+09" */
} evs_tz_type;

typedef struct evs_tz_rule_day {
    int month, week, wday; /* Mm.w.d: week 1..5 (5 = last), wday 0 = Sunday */
    long secs;             /* local time of the change, seconds after midnight */
} evs_tz_rule_day;

typedef struct evs_tz {
    char name[64];
    size_t n;              /* transitions */
    long long *at;         /* UTC instants of the transitions, ascending */
    unsigned char *idx;    /* type in force from at[i] on */
    size_t ntypes;
    evs_tz_type *types;
    int has_rule;          /* footer rule usable beyond at[n-1] */
    evs_tz_type rstd, rdst;
    int rule_dst;          /* the rule has daylight saving */
    evs_tz_rule_day rstart, rend;
} evs_tz;

/* Load zone (letters, digits, '_', '-', '+', '/'; no ".."). Errors name the
 * zone and the file. */
evs_status evs_tz_load(const char *zone, evs_tz *tz, evs_err *e);
void evs_tz_free(evs_tz *tz);

/* The type (offset, abbreviation) in force at UTC instant t. */
const evs_tz_type *evs_tz_at(const evs_tz *tz, evs_instant t);

/* The UTC instant of local wall time (date, second of day) in tz. A wall
 * time that a spring-forward change skips is taken with the offset before
 * the change; one that a fall-back repeats is taken as the first (earlier). */
evs_instant evs_tz_utc(const evs_tz *tz, int date, long second_of_day);

/* Format UTC instant t as local "YYYY-MM-DD HH:MM ABBR" into out (40 bytes). */
void evs_tz_format(const evs_tz *tz, evs_instant t, char out[40]);

#endif
