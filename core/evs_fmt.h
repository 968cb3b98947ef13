/*
 * evs_fmt.h — numbers as the result files write them.
 *
 * evs_fmt_double writes the shortest decimal that reads back to the same
 * double (trying 15, 16 then 17 significant digits, as %.15g, %.16g, %.17g
 * would print them), so results are exact and byte-identical between runs;
 * NaN (our "not applicable") becomes an empty string, and -0 is written as 0.
 * For 1e-6 <= |v| < 2^52 (nearly every number a result holds) the digits
 * come from exact 128-bit integer arithmetic, about ten times faster than
 * printf; elsewhere from printf itself (evs_fmt.c).
 */
#ifndef EVS_FMT_H
#define EVS_FMT_H

#include <stdio.h>

#define EVS_FMT_DOUBLE_MAX 32

/* Returns out. Writes "" for NaN; "inf"/"-inf" never occur in results. */
char *evs_fmt_double(double v, char out[EVS_FMT_DOUBLE_MAX]);

/* Write one CSV field (RFC 4180: quoted when it holds , " CR or LF). */
void evs_csv_str(FILE *fp, const char *s);
/* Write a number field (empty for NaN). */
void evs_csv_num(FILE *fp, double v);
/* Write a date field (empty for a negative sentinel EVS_NO_DATE). */
#define EVS_NO_DATE (-2147483647 - 1)
void evs_csv_date(FILE *fp, int days);

#endif
