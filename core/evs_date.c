/*
 * evs_date.c — Gregorian day numbers.
 *
 * The conversion counts eras of 400 years (146097 days) from 0000-03-01 so
 * that the leap day is the last day of each computed year; this is the usual
 * closed form (see e.g. the "days from civil" derivation in the C++ <chrono>
 * design notes). Verified in tests against a day-by-day walk of the calendar.
 */
#include "evs_date.h"

int evs_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;                                  /* [0, 399] */
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1; /* [0, 365] */
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void evs_civil_from_days(int z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dm[m - 1];
}

int evs_digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

int evs_date_parse(const char *s, size_t len, int *out)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    if (evs_digits(s, 4, &y) || evs_digits(s + 5, 2, &m) || evs_digits(s + 8, 2, &d))
        return -1;
    if (y < EVS_DATE_MIN_YEAR || y > EVS_DATE_MAX_YEAR || m < 1 || m > 12 || d < 1 ||
        d > days_in_month(y, m))
        return -1;
    *out = evs_days_from_civil(y, m, d);
    return 0;
}

void evs_date_format(int days, char out[11])
{
    int y, m, d;
    evs_civil_from_days(days, &y, &m, &d);
    /* y is in 0..9999 for every date this program creates */
    out[0] = (char)('0' + (y / 1000) % 10);
    out[1] = (char)('0' + (y / 100) % 10);
    out[2] = (char)('0' + (y / 10) % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = 0;
}

int evs_weekday(int days)
{
    /* 1970-01-01 was a Thursday (4). */
    int w = (days + 4) % 7;
    return w < 0 ? w + 7 : w;
}

size_t evs_date_lower(const int *dates, size_t n, int d)
{
    if (n == 0 || d <= dates[0])
        return 0;
    if (d > dates[n - 1])
        return n;
    /* dates[0] < d <= dates[n-1], so the answer is in 1..n-1 (and n >= 2).
     * Trading days advance almost evenly through the calendar, so the straight
     * line through the two ends points near the answer: start there, widen a
     * bracket by doubling steps, then bisect it. A few probes close together
     * in memory instead of log2(n) spread over the column (each a cache miss
     * on a long series); uneven dates cost at most twice a plain bisection. */
    size_t g = 1 + (size_t)(((double)d - (double)dates[0]) / ((double)dates[n - 1] - (double)dates[0]) * (double)(n - 2));
    size_t lo, hi, step = 1;
    if (dates[g] >= d) { /* the answer is at or before g */
        hi = g;
        for (;;) {
            size_t q = hi > step ? hi - step : 0;
            if (dates[q] < d) {
                lo = q + 1;
                break;
            }
            hi = q;
            step *= 2;
        }
    } else { /* after g */
        lo = g + 1;
        for (;;) {
            size_t q = g + step < n - 1 ? g + step : n - 1;
            if (dates[q] >= d) {
                hi = q;
                break;
            }
            lo = q + 1;
            g = q;
            step *= 2;
        }
    }
    while (lo < hi) { /* dates[lo - 1] < d <= dates[hi] */
        size_t mid = lo + (hi - lo) / 2;
        if (dates[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
