/*
 * test_time.c — time zones, exchanges, day 0, roll days, alignment.
 *
 * Independent computations:
 *  - evs_tz against glibc's localtime_r/mktime under TZ=<zone> (setenv in
 *    this single-threaded test only), hour by hour over 2024-2026 and 2040
 *    (past the TZif table: the footer rule), for every exchange zone;
 *  - day 0 against expectations worked out by hand from the session hours
 *    and the published DST dates (US: 2025-03-09, 2025-11-02; EU:
 *    2025-03-30, 2025-10-26), each chosen so that a rule ignoring DST, the
 *    close, the weekend or a holiday would give another date;
 *  - alignment against a brute-force re-computation of every return from
 *    the raw prices on the common dates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evs_align.h"
#include "evs_date.h"
#include "evs_day0.h"
#include "evs_exchange.h"
#include "evs_fmt.h"
#include "evs_roll.h"
#include "evs_time.h"
#include "evs_tz.h"

static int D(int y, int m, int d)
{
    return evs_days_from_civil(y, m, d);
}

static evs_instant T(const char *iso)
{
    int d;
    evs_instant t;
    assert_int_equal(evs_time_parse(iso, strlen(iso), &d, &t), EVS_TIME_INSTANT);
    return t;
}

/* ---- time zones vs glibc ------------------------------------------------- */

static void check_zone(const char *zone)
{
    evs_tz tz;
    evs_err e;
    assert_int_equal(evs_tz_load(zone, &tz, &e), EVS_OK);
    setenv("TZ", zone, 1);
    tzset();
    static const int years[][2] = {{2024, 2026}, {2040, 2040}};
    size_t checked = 0;
    for (size_t y = 0; y < 2; y++) {
        time_t a = (time_t)D(years[y][0], 1, 1) * 86400, b = (time_t)D(years[y][1] + 1, 1, 1) * 86400;
        for (time_t t = a; t < b; t += 3600) {
            struct tm lt;
            localtime_r(&t, &lt);
            const evs_tz_type *ty = evs_tz_at(&tz, (evs_instant)t);
            if (ty->off != lt.tm_gmtoff || strcmp(ty->abbr, lt.tm_zone) != 0)
                fail_msg("%s at %lld: offset %ld %s, glibc %ld %s", zone, (long long)t, ty->off, ty->abbr,
                         (long)lt.tm_gmtoff, lt.tm_zone);
            /* local wall time -> UTC: at 17:00 and 09:30 local every day (mktime as the reference) */
            if (lt.tm_hour == 12) {
                int mins[] = {9 * 60 + 30, 17 * 60};
                for (int k = 0; k < 2; k++) {
                    struct tm q = lt;
                    q.tm_hour = mins[k] / 60;
                    q.tm_min = mins[k] % 60;
                    q.tm_sec = 0;
                    q.tm_isdst = -1;
                    time_t want = mktime(&q);
                    int day = D(lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday);
                    evs_instant got = evs_tz_utc(&tz, day, mins[k] * 60L);
                    if (got != (evs_instant)want)
                        fail_msg("%s local %d %d min: %lld, mktime %lld", zone, day, mins[k], got, (long long)want);
                }
            }
            checked++;
        }
    }
    assert_true(checked > 3 * 8700);
    unsetenv("TZ");
    tzset();
    evs_tz_free(&tz);
}

static void test_tz_vs_glibc(void **state)
{
    (void)state;
    for (size_t i = 0; i < evs_exchange_count(); i++)
        check_zone(evs_exchange_at(i)->zone);
    check_zone("Europe/London");
    check_zone("Australia/Sydney"); /* southern hemisphere: DST across the new year */
}

static void test_tz_errors(void **state)
{
    (void)state;
    evs_tz tz;
    evs_err e;
    assert_int_not_equal(evs_tz_load("../etc/passwd", &tz, &e), EVS_OK);
    assert_non_null(strstr(e.msg, "../etc/passwd"));
    assert_int_not_equal(evs_tz_load("Mars/Olympus_Mons", &tz, &e), EVS_OK);
    assert_non_null(strstr(e.msg, "Mars/Olympus_Mons"));
}

/* ---- exchanges ----------------------------------------------------------- */

static void test_exchange_defaults(void **state)
{
    (void)state;
    static const char *map[][2] = {{"9984.T", "XTKS"},  {"000660.KS", "XKRX"}, {"2330.TW", "XTAI"},
                                   {"0700.HK", "XHKG"}, {"ASML.AS", "XAMS"},   {"SAP.DE", "XETR"},
                                   {"ES=F", "XCME"},    {"^N225", "XTKS"},     {"^GSPC", "XNYS"},
                                   {"^NDX", "XNAS"},    {"^SOX", "XNAS"},      {"^IXIC", "XNAS"},
                                   {"NVDA", "XNYS"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        assert_string_equal(evs_exchange_for_symbol(map[i][0])->mic, map[i][1]);
    assert_null(evs_exchange_find("XXXX"));
    assert_string_equal(evs_exchange_find("XCME")->zone, "America/Chicago");
}

/* ---- day 0 --------------------------------------------------------------- */

/* every weekday of [from, to] except the listed holidays */
static size_t weekdays(int from, int to, const int *hol, size_t nh, int *out)
{
    size_t n = 0;
    for (int d = from; d <= to; d++) {
        int w = evs_weekday(d), skip = w == 0 || w == 6;
        for (size_t i = 0; i < nh; i++)
            skip |= hol[i] == d;
        if (!skip)
            out[n++] = d;
    }
    return n;
}

static evs_day0 day0_of(const char *mic, const char *instant, const int *hol, size_t nh)
{
    static int dates[800];
    size_t n = weekdays(D(2024, 12, 1), D(2026, 1, 31), hol, nh, dates);
    const evs_exchange *x = evs_exchange_find(mic);
    evs_tz tz;
    evs_err e;
    assert_int_equal(evs_tz_load(x->zone, &tz, &e), EVS_OK);
    evs_day0 d;
    evs_day0_find(x, &tz, dates, n, 1, T(instant), 0, &d);
    evs_tz_free(&tz);
    return d;
}

static void expect_day0(const char *mic, const char *instant, int want)
{
    evs_day0 d = day0_of(mic, instant, NULL, 0);
    char a[11], b[11];
    evs_date_format(d.date, a);
    evs_date_format(want, b);
    if (d.date != want)
        fail_msg("%s %s: day 0 %s, expected %s (%s)", mic, instant, a, b, d.reason);
}

static void test_day0_close(void **state)
{
    (void)state;
    /* New York, UTC-5 in January: close 16:00 EST = 21:00Z on Friday 2025-01-24 */
    expect_day0("XNYS", "2025-01-24T20:59:59Z", D(2025, 1, 24));
    expect_day0("XNYS", "2025-01-24T21:00:00Z", D(2025, 1, 27)); /* at the close: next session (Monday) */
    expect_day0("XNYS", "2025-01-24T23:30:00Z", D(2025, 1, 27)); /* Friday evening */
    expect_day0("XNYS", "2025-01-25T15:00:00Z", D(2025, 1, 27)); /* Saturday */
    /* Tokyo, UTC+9: close 15:30 JST = 06:30Z */
    expect_day0("XTKS", "2025-01-27T06:29:59Z", D(2025, 1, 27));
    expect_day0("XTKS", "2025-01-27T06:30:00Z", D(2025, 1, 28));
    expect_day0("XTKS", "2025-01-27T15:29:00+09:00", D(2025, 1, 27));
    /* Globex: Friday 16:30 CST is after Friday's close: the Monday trade date (opens Sunday 17:00) */
    expect_day0("XCME", "2025-01-24T22:30:00Z", D(2025, 1, 27));
    expect_day0("XCME", "2025-01-27T21:59:00Z", D(2025, 1, 27));
    expect_day0("XCME", "2025-01-27T22:00:00Z", D(2025, 1, 28)); /* 16:00 CST Monday: Tuesday's date */
}

static void test_day0_weekend_news(void **state)
{
    (void)state;
    const char *news = "2025-01-26T23:00:00Z"; /* Sunday 18:00 New York, Monday 08:00 Tokyo */
    static const char *mics[] = {"XTKS", "XAMS", "XNYS", "XNAS", "XETR", "XHKG", "XKRX", "XTAI", "XCME"};
    for (size_t i = 0; i < sizeof mics / sizeof *mics; i++)
        expect_day0(mics[i], news, D(2025, 1, 27));
    evs_day0 t = day0_of("XTKS", news, NULL, 0);
    assert_non_null(strstr(t.reason, "before the XTKS open 2025-01-27 09:00 JST"));
    assert_true(t.open == T("2025-01-27T00:00:00Z"));
    /* Globex: the Sunday-evening session, open 17:00 CST Sunday = the instant itself */
    evs_day0 g = day0_of("XCME", news, NULL, 0);
    assert_true(g.open == T("2025-01-26T23:00:00Z"));
    assert_int_equal(evs_weekday(evs_instant_date(g.open - 6 * 3600)), 0); /* Sunday in Chicago */
    assert_non_null(strstr(g.reason, "during the XCME session"));
    evs_day0 n = day0_of("XNYS", news, NULL, 0);
    assert_true(n.open == T("2025-01-27T14:30:00Z"));
}

static void test_day0_holiday(void **state)
{
    (void)state;
    /* Seoul closed 2025-01-27..30 (Lunar New Year): first session Friday 01-31 */
    int hol[] = {D(2025, 1, 27), D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30)};
    evs_day0 k = day0_of("XKRX", "2025-01-26T23:00:00Z", hol, 4);
    assert_int_equal(k.date, D(2025, 1, 31));
    assert_int_equal(k.closed_first, D(2025, 1, 27));
    assert_int_equal(k.closed_last, D(2025, 1, 30));
    assert_non_null(strstr(k.reason, "XKRX had no session 2025-01-27..2025-01-30"));
    /* an instant on a New York holiday (2025-01-20), during what would be the session */
    int mlk[] = {D(2025, 1, 20)};
    evs_day0 u = day0_of("XNYS", "2025-01-20T15:00:00Z", mlk, 1);
    assert_int_equal(u.date, D(2025, 1, 21));
    assert_int_equal(u.closed_first, D(2025, 1, 20));
    assert_int_equal(u.closed_last, D(2025, 1, 20));
}

static void test_day0_dst(void **state)
{
    (void)state;
    /* US March: DST from 2025-03-09; Friday 03-07 closes 21:00Z (EST), Monday 03-10 20:00Z (EDT) */
    expect_day0("XNYS", "2025-03-07T20:30:00Z", D(2025, 3, 7));
    expect_day0("XNYS", "2025-03-10T20:30:00Z", D(2025, 3, 11));
    /* US November: back to EST on 2025-11-02; Friday 10-31 closes 20:00Z, Monday 11-03 21:00Z */
    expect_day0("XNYS", "2025-10-31T20:30:00Z", D(2025, 11, 3));
    expect_day0("XNYS", "2025-11-03T20:30:00Z", D(2025, 11, 3));
    /* Europe March: CEST from 2025-03-30; Amsterdam closes 17:30: 16:30Z on 03-28, 15:30Z on 03-31 */
    expect_day0("XAMS", "2025-03-28T16:00:00Z", D(2025, 3, 28));
    expect_day0("XAMS", "2025-03-31T16:00:00Z", D(2025, 4, 1));
    /* Europe October: CET from 2025-10-26; 15:30Z on 10-24, 16:30Z on 10-27 */
    expect_day0("XETR", "2025-10-24T16:00:00Z", D(2025, 10, 27));
    expect_day0("XETR", "2025-10-27T16:00:00Z", D(2025, 10, 27));
    /* Globex around the US change: Monday 03-10 session opens Sunday 17:00 CDT = 22:00Z */
    evs_day0 g = day0_of("XCME", "2025-03-09T22:30:00Z", NULL, 0);
    assert_int_equal(g.date, D(2025, 3, 10));
    assert_true(g.open == T("2025-03-09T22:00:00Z"));
}

static void test_day0_date_event(void **state)
{
    (void)state;
    static int dates[400];
    int hol[] = {D(2025, 1, 27)};
    size_t n = weekdays(D(2025, 1, 1), D(2025, 3, 31), hol, 1, dates);
    const evs_exchange *x = evs_exchange_find("XNYS");
    evs_tz tz;
    evs_err e;
    assert_int_equal(evs_tz_load(x->zone, &tz, &e), EVS_OK);
    evs_day0 d;
    evs_day0_find(x, &tz, dates, n, 0, 0, D(2025, 1, 24), &d); /* a Friday in the data */
    assert_int_equal(d.date, D(2025, 1, 24));
    assert_non_null(strstr(d.reason, "event date 2025-01-24"));
    evs_day0_find(x, &tz, dates, n, 0, 0, D(2025, 1, 25), &d); /* Saturday; Monday missing */
    assert_int_equal(d.date, D(2025, 1, 28));
    assert_int_equal(d.closed_first, D(2025, 1, 27));
    evs_day0_find(x, &tz, dates, n, 0, 0, D(2025, 6, 2), &d); /* beyond the data */
    assert_int_equal(d.date, EVS_NO_DATE);
    assert_non_null(strstr(d.reason, "beyond the data"));
    evs_tz_free(&tz);
}

/* ---- never a return across mismatched dates ------------------------------ */

static void test_align_common_dates(void **state)
{
    (void)state;
    /* security, benchmark and sector index on different calendars (each lacks
     * days the others have), every length mod 4 (the simple returns go four
     * at a time with AVX, two with SSE2), simple and log returns, with and
     * without a market and a sector;
     * from day 40 on, long runs of common dates of every length mod 4 (the
     * merge copies them four rows at a time) */
    enum { N = 80 };
    int sd[N], md[N], xd[N];
    double sp[N], mp[N], xp[N];
    size_t ns0 = 0, nm0 = 0, nx0 = 0;
    for (int i = 0; i < N; i++) {
        int d = D(2025, 1, 1) + i;
        int sec_gap = i < 40 ? i % 7 == 3 || i == 10 || i == 11 : i == 47 || i == 58 || i == 61 || i == 69;
        int mkt_gap = i < 40 ? i % 5 == 1 || i == 20 : i == 52 || i == 63 || i == 64;
        if (!sec_gap) {
            sd[ns0] = d;
            sp[ns0++] = 100 + i * 1.5 + (i % 3);
        }
        if (!mkt_gap) {
            md[nm0] = d;
            mp[nm0++] = 50 + i * 0.25 + (i % 4) * 0.5;
        }
        if (i != 13 && i != 14) {
            xd[nx0] = d;
            xp[nx0++] = 20 + i * 0.1 + (i % 6) * 0.3;
        }
    }
    for (int variant = 0; variant < 3; variant++)       /* market; none; market and sector */
        for (int kind = 0; kind < 2; kind++)            /* simple; log */
            for (size_t cut = 0; cut < 4; cut++) {      /* the security or the market ending early */
                size_t ns = ns0 - (variant == 1 ? cut : 0), nm = nm0 - (variant == 1 ? 0 : cut), nx = nx0;
                evs_series s = {0}, m = {0}, x = {0};
                s.n = ns;
                s.date = sd;
                s.price = sp;
                m.n = nm;
                m.date = md;
                m.price = mp;
                x.n = nx;
                x.date = xd;
                x.price = xp;
                evs_returns_kind rk = kind ? EVS_RET_LOG : EVS_RET_SIMPLE;
                evs_aligned a;
                evs_err e;
                assert_int_equal(evs_align2(&s, variant == 1 ? NULL : &m, variant == 2 ? &x : NULL, rk, &a, &e),
                                 EVS_OK);
                /* brute force: the common dates, and returns between consecutive ones */
                int cd[N];
                double cs[N], cm[N], cx[N];
                size_t nc = 0;
                for (size_t i = 0; i < ns; i++) {
                    long jm = -1, jx = -1;
                    for (size_t j = 0; j < nm; j++)
                        if (sd[i] == md[j])
                            jm = (long)j;
                    for (size_t j = 0; j < nx; j++)
                        if (sd[i] == xd[j])
                            jx = (long)j;
                    if ((variant != 1 && jm < 0) || (variant == 2 && jx < 0))
                        continue;
                    cd[nc] = sd[i];
                    cs[nc] = sp[i];
                    cm[nc] = jm >= 0 ? mp[jm] : NAN;
                    cx[nc++] = jx >= 0 ? xp[jx] : NAN;
                }
                assert_int_equal(a.n, nc - 1);
                assert_true((a.rs != NULL) == (variant == 2));
                for (size_t k = 1; k < nc; k++) {
                    assert_int_equal(a.date[k - 1], cd[k]);
                    double ws = kind ? log(cs[k] / cs[k - 1]) : cs[k] / cs[k - 1] - 1.0;
                    double wm = kind ? log(cm[k] / cm[k - 1]) : cm[k] / cm[k - 1] - 1.0;
                    double wx = kind ? log(cx[k] / cx[k - 1]) : cx[k] / cx[k - 1] - 1.0;
                    assert_true(a.r[k - 1] == ws);
                    if (variant == 1)
                        assert_true(isnan(a.rm[k - 1]));
                    else
                        assert_true(a.rm[k - 1] == wm);
                    if (variant == 2)
                        assert_true(a.rs[k - 1] == wx);
                }
                evs_aligned_free(&a);
            }
}

/* ---- futures rolls ------------------------------------------------------- */

static void test_roll(void **state)
{
    (void)state;
    assert_int_equal(evs_third_friday(2025, 9), D(2025, 9, 19));
    assert_int_equal(evs_third_friday(2025, 3), D(2025, 3, 21));
    assert_int_equal(evs_third_friday(2024, 12), D(2024, 12, 20));
    enum { N = 300 };
    evs_aligned a = {0};
    a.n = N;
    a.date = malloc(N * sizeof *a.date);
    a.r = malloc(N * sizeof *a.r);
    a.rm = malloc(N * sizeof *a.rm);
    uint64_t x = 7;
    int d = D(2025, 1, 2);
    for (int i = 0; i < N; i++) {
        while (evs_weekday(d) == 0 || evs_weekday(d) == 6)
            d++;
        a.date[i] = d++;
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(x >> 11) / 9007199254740992.0 - 0.5;
        a.rm[i] = 0.02 * u;
        a.r[i] = a.rm[i] + 0.0004 * (double)((i * 37) % 11 - 5) / 5.0;
        if (a.date[i] == D(2025, 9, 19))
            a.r[i] += 0.009; /* the roll */
        if (a.date[i] == D(2025, 5, 7))
            a.r[i] -= 0.02; /* a jump far from any expiry: not a roll */
    }
    int days[8];
    size_t n = evs_roll_detect(&a, EVS_ROLL_K, days, 8);
    assert_int_equal(n, 1);
    assert_int_equal(days[0], D(2025, 9, 19));
    evs_aligned_drop(&a, days, 1);
    assert_int_equal(a.n, N - 1);
    for (size_t i = 0; i < a.n; i++)
        assert_int_not_equal(a.date[i], D(2025, 9, 19));
    free(a.date);
    free(a.r);
    free(a.rm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tz_vs_glibc),       cmocka_unit_test(test_tz_errors),
        cmocka_unit_test(test_exchange_defaults), cmocka_unit_test(test_day0_close),
        cmocka_unit_test(test_day0_weekend_news), cmocka_unit_test(test_day0_holiday),
        cmocka_unit_test(test_day0_dst),          cmocka_unit_test(test_day0_date_event),
        cmocka_unit_test(test_align_common_dates), cmocka_unit_test(test_roll),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
