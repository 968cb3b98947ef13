/*
 * test_fetch_parse.c — the provider parsers, time zones and cache files,
 * without any network: the real recorded Yahoo response and hand-written
 * ones in each provider's shape (tests/fetch/fixtures, see its README).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "evs_date.h"
#include "evs_file.h"
#include "evs_mem.h"
#include "fetch_int.h"
#include "testutil.h"

static void yahoo_real_aapl(void **state)
{
    (void)state;
    size_t len;
    char *b = tu_fixture("yahoo-chart-AAPL-2020-01-02.json", &len);
    evs_parsed p;
    evs_err e;
    assert_int_equal(evs_yahoo_parse(b, len, 200, 0, 1600000000, &p, &e), EVS_OK);
    assert_int_equal(p.bars.n, 1);
    assert_int_equal(p.bars.t[0], tu_day("2020-01-02")); /* 14:30Z = 09:30 New York */
    assert_true(p.bars.c[0] == 75.0875015258789);
    assert_true(p.bars.adj[0] == 73.98847198486328);
    assert_true(p.bars.o[0] == 74.05999755859375);
    assert_true(p.bars.h[0] == 75.1500015258789);
    assert_true(p.bars.l[0] == 73.79750061035156);
    assert_true(p.bars.v[0] == 135480400.0);
    assert_string_equal(p.timezone, "America/New_York");
    assert_string_equal(p.currency, "USD");
    assert_string_equal(p.instrument, "EQUITY");
    assert_int_equal(p.adjusted, 1);
    evs_parsed_free(&p);
    free(b);
}

static void yahoo_tokyo_dates_and_events(void **state)
{
    (void)state;
    size_t len;
    char *b = tu_fixture("yahoo-chart-9984.T-tokyo.json", &len);
    evs_parsed p;
    evs_err e;
    assert_int_equal(evs_yahoo_parse(b, len, 200, 0, 1800000000, &p, &e), EVS_OK);
    /* 4 timestamps; the last has a null close and is skipped. */
    assert_int_equal(p.bars.n, 3);
    assert_int_equal(p.nulls, 1);
    assert_int_equal(p.bars.t[0], tu_day("2025-01-23"));
    assert_int_equal(p.bars.t[1], tu_day("2025-01-24")); /* 15:00Z on the 23rd is Tokyo's midnight of the 24th */
    assert_int_equal(p.bars.t[2], tu_day("2025-01-27"));
    assert_true(p.bars.c[2] == 9630.0);
    assert_true(p.bars.adj[1] == 2626.02099609375);
    assert_true(p.bars.v[2] == 5000000000.0); /* beyond 32 bits */
    assert_int_equal(p.acts.n, 2);
    assert_int_equal(p.acts.a[0].t, tu_day("2025-01-23"));
    assert_int_equal(p.acts.a[0].kind, EVS_ACT_DIVIDEND);
    assert_true(p.acts.a[0].value == 22.0);
    assert_int_equal(p.acts.a[1].t, tu_day("2025-01-27"));
    assert_int_equal(p.acts.a[1].kind, EVS_ACT_SPLIT);
    assert_true(p.acts.a[1].value == 4.0);
    evs_parsed_free(&p);
    free(b);
}

static void yahoo_nulls_and_missing_timestamp(void **state)
{
    (void)state;
    size_t len;
    char *b = tu_fixture("yahoo-chart-NQ=F-nulls.json", &len);
    evs_parsed p;
    evs_err e;
    assert_int_equal(evs_yahoo_parse(b, len, 200, 0, 1800000000, &p, &e), EVS_OK);
    assert_int_equal(p.bars.n, 2);
    assert_int_equal(p.nulls, 1);
    assert_int_equal(p.bars.t[0], tu_day("2025-01-24")); /* 05:00Z = midnight New York */
    assert_int_equal(p.bars.t[1], tu_day("2025-01-28"));
    assert_true(p.bars.c[1] == 21300.5);
    evs_parsed_free(&p);
    free(b);
    b = tu_fixture("yahoo-chart-SOX-notimestamp.json", &len);
    assert_int_equal(evs_yahoo_parse(b, len, 200, 0, 1800000000, &p, &e), EVS_OK);
    assert_int_equal(p.bars.n, 0);
    evs_parsed_free(&p);
    free(b);
}

static void yahoo_errors(void **state)
{
    (void)state;
    size_t len;
    evs_parsed p;
    evs_err e;
    char *b = tu_fixture("yahoo-404.json", &len);
    assert_int_equal(evs_yahoo_parse(b, len, 404, 0, 0, &p, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "Not Found"));
    assert_non_null(strstr(e.msg, "symbol may be delisted"));
    assert_non_null(strstr(e.msg, "HTTP 404"));
    free(b);
    b = tu_fixture("yahoo-422.json", &len);
    assert_int_equal(evs_yahoo_parse(b, len, 422, 1, 0, &p, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "Unprocessable Entity"));
    free(b);
    const char *bad = "{\"chart\":{\"result\":[{\"timestamp\":[1,2";
    assert_int_equal(evs_yahoo_parse(bad, strlen(bad), 200, 0, 0, &p, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "invalid JSON"));
    const char *html = "<html>Too Many Requests</html>";
    assert_int_equal(evs_yahoo_parse(html, strlen(html), 200, 0, 0, &p, &e), EVS_ERR_DATA);
    const char *mism = "{\"chart\":{\"result\":[{\"timestamp\":[1737936000,1738022400],"
                       "\"indicators\":{\"quote\":[{\"close\":[1.0]}]}}],\"error\":null}}";
    assert_int_equal(evs_yahoo_parse(mism, strlen(mism), 200, 0, 0, &p, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "close"));
    const char *str = "{\"chart\":{\"result\":[{\"timestamp\":[1737936000],"
                      "\"indicators\":{\"quote\":[{\"close\":[\"1.0\"]}]}}],\"error\":null}}";
    assert_int_equal(evs_yahoo_parse(str, strlen(str), 200, 0, 0, &p, &e), EVS_ERR_DATA);
    const char *noresult = "{\"chart\":{\"result\":[],\"error\":null}}";
    assert_int_equal(evs_yahoo_parse(noresult, strlen(noresult), 200, 0, 0, &p, &e), EVS_ERR_DATA);
    /* Times beyond any calendar (found by fuzz_yahoo: a real 1.7e31 cast to
     * long long was undefined): a data error naming the value, never UB. */
    const char *farts = "{\"chart\":{\"result\":[{\"timestamp\":[1737936000,9223372036854775807],"
                        "\"meta\":{\"gmtoffset\":3600},"
                        "\"indicators\":{\"quote\":[{\"close\":[1.0,2.0]}]}}],\"error\":null}}";
    assert_int_equal(evs_yahoo_parse(farts, strlen(farts), 200, 0, 0, &p, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "timestamp[1] = 9223372036854775807 is out of range"));
    const char *fardate = "{\"chart\":{\"result\":[{\"events\":{\"splits\":{\"1\":"
                          "{\"date\":1.7e31,\"numerator\":4,\"denominator\":1}}}}],\"error\":null}}";
    assert_int_equal(evs_yahoo_parse(fardate, strlen(fardate), 200, 0, 0, &p, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "events.splits.1 has no date (or one out of range)"));
    /* the same split with an in-range real date is accepted */
    const char *realdate = "{\"chart\":{\"result\":[{\"events\":{\"splits\":{\"1\":"
                           "{\"date\":1737936000.0,\"numerator\":4,\"denominator\":1}}}}],\"error\":null}}";
    assert_int_equal(evs_yahoo_parse(realdate, strlen(realdate), 200, 0, 0, &p, &e), EVS_OK);
    assert_int_equal(p.acts.n, 1);
    assert_int_equal(p.acts.a[0].t, evs_days_from_civil(2025, 1, 27));
    evs_parsed_free(&p);
}

static void yahoo_live_session_dropped(void **state)
{
    (void)state;
    /* A bar of today's session while it still trades is not cached. */
    const char *live = "{\"chart\":{\"result\":[{\"meta\":{\"exchangeTimezoneName\":\"America/New_York\","
                       "\"currentTradingPeriod\":{\"regular\":{\"start\":1737988200,\"end\":1738011600}}},"
                       "\"timestamp\":[1737729000,1737998000],"
                       "\"indicators\":{\"quote\":[{\"close\":[142.62,120.0]}]}}],\"error\":null}}";
    evs_parsed p;
    evs_err e;
    assert_int_equal(evs_yahoo_parse(live, strlen(live), 200, 0, 1738000000, &p, &e), EVS_OK);
    assert_int_equal(p.bars.n, 1);
    assert_int_equal(p.dropped_live, 1);
    evs_parsed_free(&p);
    /* After the close it is kept. */
    assert_int_equal(evs_yahoo_parse(live, strlen(live), 200, 0, 1738020000, &p, &e), EVS_OK);
    assert_int_equal(p.bars.n, 2);
    assert_int_equal(p.bars.t[1], tu_day("2025-01-27"));
    evs_parsed_free(&p);
}

static void yahoo_intraday_utc(void **state)
{
    (void)state;
    const char *j = "{\"chart\":{\"result\":[{\"meta\":{\"exchangeTimezoneName\":\"America/New_York\"},"
                    "\"timestamp\":[1737988200,1737988500],"
                    "\"indicators\":{\"quote\":[{\"close\":[124.5,null],\"volume\":[1000,null]}]}}],\"error\":null}}";
    evs_parsed p;
    evs_err e;
    assert_int_equal(evs_yahoo_parse(j, strlen(j), 200, 1, 0, &p, &e), EVS_OK);
    assert_int_equal(p.bars.n, 1);
    assert_int_equal(p.bars.t[0], 1737988200);
    char ts[21];
    evs_fmt_utc(p.bars.t[0], ts);
    assert_string_equal(ts, "2025-01-27T14:30:00Z");
    evs_parsed_free(&p);
}

static void fred_both_headers(void **state)
{
    (void)state;
    size_t len;
    evs_parsed p;
    evs_err e;
    char *b = tu_fixture("fred-SP500.csv", &len);
    assert_int_equal(evs_fred_parse(b, len, &p, &e), EVS_OK);
    assert_int_equal(p.bars.n, 3);
    assert_int_equal(p.nulls, 2);
    assert_int_equal(p.bars.t[2], tu_day("2025-01-28"));
    assert_true(p.bars.c[2] == 6067.70);
    assert_true(isnan(p.bars.o[0]));
    evs_parsed_free(&p);
    free(b);
    b = tu_fixture("fred-SP500-old-header.csv", &len);
    assert_int_equal(evs_fred_parse(b, len, &p, &e), EVS_OK);
    assert_int_equal(p.bars.n, 3);
    assert_true(p.bars.c[2] == 6012.28);
    evs_parsed_free(&p);
    free(b);
    b = tu_fixture("stooq-nokey.html", &len);
    assert_int_equal(evs_fred_parse(b, len, &p, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "HTML"));
    free(b);
}

static void stooq_csv_html_and_errors(void **state)
{
    (void)state;
    size_t len;
    evs_parsed p;
    evs_err e;
    char *b = tu_fixture("stooq-nvda.us.csv", &len);
    assert_int_equal(evs_stooq_parse(b, len, &p, &e), EVS_OK);
    assert_int_equal(p.bars.n, 3);
    assert_true(p.bars.c[1] == 142.62);
    assert_true(p.bars.v[2] == 818830900.0);
    evs_parsed_free(&p);
    free(b);
    b = tu_fixture("stooq-nokey.html", &len);
    assert_int_equal(evs_stooq_parse(b, len, &p, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "HTML page"));
    free(b);
    b = tu_fixture("stooq-limit.txt", &len);
    assert_int_equal(evs_stooq_parse(b, len, &p, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "Exceeded the daily hits limit"));
    free(b);
    assert_int_equal(evs_stooq_parse("No data", 7, &p, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "No data"));
}

static void tz_conversion(void **state)
{
    (void)state;
    /* 2025-07-01 03:30Z is still June 30 in New York (EDT, UTC-4) and July 1 in Tokyo. */
    long long t[] = {1751340600};
    int d[1];
    evs_err e;
    assert_int_equal(evs_tz_dates("America/New_York", t, d, 1, &e), EVS_OK);
    assert_int_equal(d[0], tu_day("2025-06-30"));
    assert_int_equal(evs_tz_dates("Asia/Tokyo", t, d, 1, &e), EVS_OK);
    assert_int_equal(d[0], tu_day("2025-07-01"));
    assert_int_not_equal(evs_tz_dates("../../etc/passwd", t, d, 1, &e), EVS_OK);
    assert_int_not_equal(evs_tz_dates("Mars/Olympus_Mons", t, d, 1, &e), EVS_OK);
    assert_null(getenv("TZ")); /* restored */
}

static void iso_times(void **state)
{
    (void)state;
    long long t;
    const char *a = "2025-01-27T14:30:00Z", *b = "2025-01-27T09:30:00-05:00", *c = "2025-01-27T23:30:00.123+0900";
    assert_int_equal(evs_parse_iso_time(a, strlen(a), &t), 0);
    assert_int_equal(t, 1737988200);
    assert_int_equal(evs_parse_iso_time(b, strlen(b), &t), 0);
    assert_int_equal(t, 1737988200);
    assert_int_equal(evs_parse_iso_time(c, strlen(c), &t), 0);
    assert_int_equal(t, 1737988200);
    assert_int_equal(evs_parse_iso_time("2025-01-27T14:30:00", 19, &t), -1);
    assert_int_equal(evs_parse_iso_time("2025-13-27T14:30:00Z", 20, &t), -1);
}

static void url_helpers(void **state)
{
    (void)state;
    char *u = evs_url_escape("^SOX");
    assert_string_equal(u, "%5ESOX");
    evs_free(u);
    u = evs_url_escape("NQ=F");
    assert_string_equal(u, "NQ%3DF");
    evs_free(u);
    u = evs_url_redact("https://stooq.com/q/d/l/?s=nvda.us&apikey=SECRET&i=d");
    assert_string_equal(u, "https://stooq.com/q/d/l/?s=nvda.us&apikey=REDACTED&i=d");
    evs_free(u);
}

static void bars_merge_by_range(void **state)
{
    (void)state;
    evs_bars a, b, m;
    evs_err e;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    for (int d = 10; d <= 20; d++)
        assert_int_equal(evs_bars_push(&a, d, NAN, NAN, NAN, 100 + d, NAN, NAN, &e), EVS_OK);
    for (int d = 18; d <= 25; d++)
        assert_int_equal(evs_bars_push(&b, d, NAN, NAN, NAN, 200 + d, NAN, NAN, &e), EVS_OK);
    assert_int_equal(evs_bars_merge(&a, &b, 18, 25, &m, &e), EVS_OK);
    assert_int_equal(m.n, 16); /* 10..25, no duplicates */
    for (size_t i = 0; i < m.n; i++) {
        assert_int_equal(m.t[i], 10 + (long long)i);
        assert_true(m.c[i] == (m.t[i] >= 18 ? 200.0 : 100.0) + (double)m.t[i]);
    }
    evs_bars_free(&a);
    evs_bars_free(&b);
    evs_bars_free(&m);
}

static void cache_file_roundtrip(void **state)
{
    (void)state;
    char dir[] = "/tmp/evs-fetch-parse-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/x.csv", dir);
    evs_bars b, r;
    evs_err e;
    memset(&b, 0, sizeof b);
    b.intraday = 1;
    assert_int_equal(evs_bars_push(&b, 1737988200, 124.5, 125, 124, 124.75, NAN, 5e9, &e), EVS_OK);
    assert_int_equal(evs_bars_write(path, &b, &e), EVS_OK);
    char *text;
    size_t len;
    assert_int_equal(evs_read_file(path, 1 << 20, &text, &len, &e), EVS_OK);
    assert_string_equal(text, "time,open,high,low,close,adj_close,volume\n"
                              "2025-01-27T14:30:00Z,124.5,125,124,124.75,,5000000000\n");
    evs_free(text);
    assert_int_equal(evs_bars_read(path, 1, &r, &e), EVS_OK);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.t[0], 1737988200);
    assert_true(isnan(r.adj[0]));
    evs_bars_free(&r);
    evs_bars_free(&b);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(yahoo_real_aapl),
        cmocka_unit_test(yahoo_tokyo_dates_and_events),
        cmocka_unit_test(yahoo_nulls_and_missing_timestamp),
        cmocka_unit_test(yahoo_errors),
        cmocka_unit_test(yahoo_live_session_dropped),
        cmocka_unit_test(yahoo_intraday_utc),
        cmocka_unit_test(fred_both_headers),
        cmocka_unit_test(stooq_csv_html_and_errors),
        cmocka_unit_test(tz_conversion),
        cmocka_unit_test(iso_times),
        cmocka_unit_test(url_helpers),
        cmocka_unit_test(bars_merge_by_range),
        cmocka_unit_test(cache_file_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
