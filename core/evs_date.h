/*
 * evs_date.h — calendar dates as day numbers.
 *
 * A date is an int: days since 1970-01-01 in the proleptic Gregorian
 * calendar. Accepted range: 1800-01-01 .. 2199-12-31 (EVS_DATE_MIN/MAX);
 * anything outside is treated as malformed input, which keeps absurd years
 * (0, 9999) out of every computation.
 */
#ifndef EVS_DATE_H
#define EVS_DATE_H

#include <stddef.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

int evs_days_from_civil(int y, int m, int d);
void evs_civil_from_days(int days, int *y, int *m, int *d);

#define EVS_DATE_MIN_YEAR 1800
#define EVS_DATE_MAX_YEAR 2199

/* Parse exactly "YYYY-MM-DD" (len bytes, no trailing text); 0 on success, -1
 * when the text is not a valid calendar date in range. */
int evs_date_parse(const char *s, size_t len, int *out);

/* Exactly n decimal digits at s into *v (n <= 9); 0 on success, -1 at the
 * first byte that is not a digit. Shared by the date and instant parsers. */
int evs_digits(const char *s, int n, int *v);

/* The first index i of the ascending dates[0..n-1] with dates[i] >= d (n
 * when there is none), shared by every sorted date column: an interpolation
 * guess, a doubling bracket and a bisection (evs_date.c). */
size_t evs_date_lower(const int *dates, size_t n, int d);

/* a[0..3] equals b[0..3] (one SSE2 compare where there is SSE2): how the
 * merges of two date columns (the alignment, r-bar's pairs) step through
 * their long runs of common dates four at a time. */
static inline int evs_dates_eq4(const int *a, const int *b)
{
#if defined(__SSE2__)
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)a);
    __m128i y = _mm_loadu_si128((const __m128i *)(const void *)b);
    return _mm_movemask_epi8(_mm_cmpeq_epi32(x, y)) == 0xffff;
#else
    return memcmp(a, b, 4 * sizeof *a) == 0;
#endif
}

/* Write "YYYY-MM-DD" and a NUL into out (11 bytes). */
void evs_date_format(int days, char out[11]);

/* 0 = Sunday .. 6 = Saturday. */
int evs_weekday(int days);

#endif
