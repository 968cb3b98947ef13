/*
 * test_fetch_http.c — evs_fetch_run against the scripted local server:
 * recorded responses, every fault of issue 3 (429 twice then success, 500,
 * reset, truncated body, stall, invalid JSON, nulls and a missing timestamp,
 * Yahoo's 404 body, HTML with status 200, an over-cap body, a redirect to
 * file:///etc/passwd), incremental fetching and the refetch rules. Every
 * fault must give a clear message, a failure status and an unchanged cache.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "evs_date.h"
#include "evs_fetch.h"
#include "evs_file.h"
#include "evs_ini.h"
#include "evs_mem.h"
#include "httpd.h"
#include "testutil.h"

#define NOW 1740787200LL /* 2025-03-01T00:00:00Z: "today" for every test */

/* ---------------------------------------------------------------- set-up */

typedef struct fx {
    char dir[64];
    httpd *srv;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/evs-fetch-http-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    httpd_stop(f->srv);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void opts_for(fx *f, evs_fetch_opts *o)
{
    evs_fetch_opts_default(o);
    o->data_dir = f->dir;
    o->yahoo_base = httpd_base(f->srv);
    o->fred_base = httpd_base(f->srv);
    o->stooq_base = httpd_base(f->srv);
    o->max_tries = 3;
    o->backoff_ms = 10;
    o->backoff_max_ms = 40;
    o->host_gap_ms = 0;
    o->timeout_ms = 600;
    o->connect_timeout_ms = 1000;
    o->low_speed_time_s = 2;
    o->now = NOW;
}

static evs_status fetch1(fx *f, const char *sym, const char *prov, const char *from, const char *to, int full,
                         evs_fetch_result *r, evs_fetch_opts *custom)
{
    evs_fetch_opts o;
    if (custom)
        o = *custom;
    else
        opts_for(f, &o);
    o.full = full;
    evs_fetch_item it = {sym, prov, NULL, tu_day(from), tu_day(to)};
    evs_err e;
    return evs_fetch_run(&it, 1, &o, r, &e);
}

static char *cache_file(fx *f, const char *stem, const char *ext)
{
    char p[512];
    snprintf(p, sizeof p, "%s/1d/%s%s", f->dir, stem, ext);
    return tu_slurp(p);
}

static const char *meta_value(const char *text, const char *key, char *out, size_t n)
{
    evs_ini ini;
    evs_err e;
    out[0] = 0;
    if (evs_ini_parse("meta", text, strlen(text), &ini, &e) != EVS_OK)
        return NULL;
    const evs_ini_entry *en = evs_ini_get(&ini.sections[0], key);
    if (en)
        snprintf(out, n, "%s", en->value);
    evs_ini_free(&ini);
    return en ? out : NULL;
}

/* ---------------------------------------------------------------- recorded */

static char *aapl_body;
static size_t aapl_len;

static void recorded_yahoo_into_cache(void **state)
{
    fx *f = *state;
    httpd_rule rules[] = {{.match = "/v8/finance/chart/AAPL", .action = HTTPD_SEND, .status = 200,
                           .ctype = "application/json;charset=utf-8", .body = aapl_body, .len = aapl_len}};
    f->srv = httpd_start(rules, 1);
    assert_non_null(f->srv);
    evs_fetch_result r;
    assert_int_equal(fetch1(f, "AAPL", NULL, "2020-01-02", "2020-01-02", 0, &r, NULL), EVS_OK);
    assert_int_equal(r.outcome, EVS_FETCH_FETCHED);
    assert_int_equal(r.rows, 1);
    assert_int_equal(r.tries, 1);
    char *csv = cache_file(f, "AAPL", ".csv");
    assert_non_null(csv);
    assert_string_equal(csv, "date,open,high,low,close,adj_close,volume\n"
                             "2020-01-02,74.05999755859375,75.1500015258789,73.79750061035156,75.0875015258789,"
                             "73.98847198486328,135480400\n");
    free(csv);
    char *meta = cache_file(f, "AAPL", ".meta");
    assert_non_null(meta);
    char v[512];
    assert_string_equal(meta_value(meta, "provider", v, sizeof v), "yahoo");
    assert_string_equal(meta_value(meta, "symbol", v, sizeof v), "AAPL");
    assert_string_equal(meta_value(meta, "timezone", v, sizeof v), "America/New_York");
    assert_string_equal(meta_value(meta, "currency", v, sizeof v), "USD");
    assert_string_equal(meta_value(meta, "adjusted", v, sizeof v), "yes");
    assert_string_equal(meta_value(meta, "fetched", v, sizeof v), "2025-03-01T00:00:00Z");
    assert_non_null(strstr(meta_value(meta, "url", v, sizeof v), "/v8/finance/chart/AAPL?period1="));
    free(meta);
    char target[1024], ua[256];
    assert_int_equal(httpd_target(f->srv, 0, target, sizeof target), 0);
    assert_non_null(strstr(target, "interval=1d&events=div%7Csplit&includeAdjustedClose=true"));
    httpd_last_ua(f->srv, ua, sizeof ua);
    assert_memory_equal(ua, "Mozilla/5.0", 11);
    /* Same range again: up to date, no request. */
    assert_int_equal(fetch1(f, "AAPL", NULL, "2020-01-02", "2020-01-02", 0, &r, NULL), EVS_OK);
    assert_int_equal(r.outcome, EVS_FETCH_UPTODATE);
    assert_int_equal(httpd_count(f->srv, ""), 1);
}

static void rate_limited_twice_then_ok(void **state)
{
    fx *f = *state;
    httpd_rule rules[] = {
        {.match = "AAPL", .times = 2, .action = HTTPD_SEND, .status = 429, .body = "Too Many Requests"},
        {.match = "AAPL", .action = HTTPD_SEND, .status = 200, .ctype = "application/json", .body = aapl_body,
         .len = aapl_len}};
    f->srv = httpd_start(rules, 2);
    evs_fetch_result r;
    assert_int_equal(fetch1(f, "AAPL", NULL, "2020-01-02", "2020-01-02", 0, &r, NULL), EVS_OK);
    assert_int_equal(r.outcome, EVS_FETCH_FETCHED);
    assert_int_equal(r.tries, 3);
    assert_int_equal(httpd_count(f->srv, "AAPL"), 3);
    char *csv = cache_file(f, "AAPL", ".csv");
    assert_non_null(strstr(csv, "2020-01-02,74.05999755859375"));
    free(csv);
}

/* Fill the cache with a good AAPL file, then fetch it whole again against a
 * fault: the fetch must fail with status st and a message holding `what`,
 * after `tries` attempts, leaving both cache files byte for byte unchanged. */
static void fault_case(fx *f, httpd_rule *fault, evs_status st, const char *what, int tries)
{
    httpd_rule rules[] = {{.match = "AAPL", .times = 1, .action = HTTPD_SEND, .status = 200,
                           .ctype = "application/json", .body = aapl_body, .len = aapl_len},
                          *fault};
    f->srv = httpd_start(rules, 2);
    evs_fetch_result r;
    assert_int_equal(fetch1(f, "AAPL", NULL, "2020-01-02", "2020-01-02", 0, &r, NULL), EVS_OK);
    char *csv0 = cache_file(f, "AAPL", ".csv"), *meta0 = cache_file(f, "AAPL", ".meta");
    evs_fetch_opts o;
    opts_for(f, &o);
    o.max_body = 100000;
    assert_int_equal(fetch1(f, "AAPL", NULL, "2020-01-02", "2020-01-02", 1, &r, &o), st);
    assert_int_equal(r.outcome, EVS_FETCH_FAILED);
    assert_int_equal(r.status, st);
    if (!strstr(r.msg, what))
        fail_msg("message '%s' lacks '%s'", r.msg, what);
    assert_int_equal(r.tries, tries);
    assert_int_equal(httpd_count(f->srv, "AAPL"), 1 + (size_t)tries);
    char *csv1 = cache_file(f, "AAPL", ".csv"), *meta1 = cache_file(f, "AAPL", ".meta");
    assert_string_equal(csv0, csv1);
    assert_string_equal(meta0, meta1);
    free(csv0);
    free(csv1);
    free(meta0);
    free(meta1);
    /* No temporary file left behind. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls '%s/1d' | grep -q tmp", f->dir);
    assert_int_not_equal(system(cmd), 0);
}

static void fault_500(void **state)
{
    httpd_rule r = {.match = "AAPL", .action = HTTPD_SEND, .status = 500, .body = "oops"};
    fault_case(*state, &r, EVS_ERR_NET, "HTTP 500 Internal Server Error after 3 tries", 3);
}

static void fault_reset(void **state)
{
    httpd_rule r = {.match = "AAPL", .action = HTTPD_RESET};
    fault_case(*state, &r, EVS_ERR_NET, "after 3 tries", 3);
}

static void fault_truncated(void **state)
{
    httpd_rule r = {.match = "AAPL", .action = HTTPD_TRUNCATE, .status = 200, .body = aapl_body, .len = aapl_len};
    fault_case(*state, &r, EVS_ERR_NET, "truncated response", 3);
}

static void fault_stall(void **state)
{
    httpd_rule r = {.match = "AAPL", .action = HTTPD_STALL};
    fault_case(*state, &r, EVS_ERR_NET, "timed out", 3);
}

static void fault_invalid_json(void **state)
{
    httpd_rule r = {.match = "AAPL", .action = HTTPD_SEND, .status = 200, .body = "{\"chart\":{\"result\":[{\"meta\":"};
    fault_case(*state, &r, EVS_ERR_DATA, "invalid JSON", 1);
}

static void fault_missing_timestamp(void **state)
{
    static char *body;
    size_t len;
    body = tu_fixture("yahoo-chart-SOX-notimestamp.json", &len);
    httpd_rule r = {.match = "AAPL", .action = HTTPD_SEND, .status = 200, .body = body, .len = len};
    fault_case(*state, &r, EVS_ERR_DATA, "returned no data", 1);
    free(body);
}

static void fault_yahoo_404(void **state)
{
    size_t len;
    char *body = tu_fixture("yahoo-404.json", &len);
    httpd_rule r = {.match = "AAPL", .action = HTTPD_SEND, .status = 404, .body = body, .len = len};
    fault_case(*state, &r, EVS_ERR_DATA, "Not Found: No data found, symbol may be delisted (HTTP 404)", 1);
    free(body);
}

static void fault_over_cap(void **state)
{
    char *big = malloc(300001);
    memset(big, ' ', 300000);
    big[300000] = 0;
    httpd_rule r = {.match = "AAPL", .action = HTTPD_SEND, .status = 200, .body = big, .len = 300000};
    fault_case(*state, &r, EVS_ERR_DATA, "larger than the 100000-byte cap", 1);
    free(big);
}

static void fault_over_cap_no_length(void **state)
{
    char *big = malloc(300001);
    memset(big, ' ', 300000);
    big[300000] = 0;
    httpd_rule r = {.match = "AAPL", .action = HTTPD_NOLEN, .status = 200, .body = big, .len = 300000};
    fault_case(*state, &r, EVS_ERR_DATA, "larger than the 100000-byte cap", 1);
    free(big);
}

/* Hostile input (issue 7): a 10 GB Content-Length with a small body is
 * refused from the header, before anything is buffered or written. */
static void fault_claims_10gb(void **state)
{
    httpd_rule r = {.match = "AAPL", .action = HTTPD_TRUNCATE, .status = 200, .body = "{\"chart\":", .len = 10,
                    .claim = 10LL << 30};
    fault_case(*state, &r, EVS_ERR_DATA, "larger than the 100000-byte cap", 1);
}

static void fault_redirect_to_file(void **state)
{
    httpd_rule r = {.match = "AAPL", .action = HTTPD_REDIRECT, .location = "file:///etc/passwd"};
    fault_case(*state, &r, EVS_ERR_NET, "refused: only http and https", 1);
    fx *f = *state;
    char *csv = cache_file(f, "AAPL", ".csv");
    assert_null(strstr(csv, "root:"));
    free(csv);
}

static void fault_html_for_csv(void **state)
{
    fx *f = *state;
    size_t len, hlen;
    char *csv = tu_fixture("stooq-nvda.us.csv", &len), *html = tu_fixture("stooq-nokey.html", &hlen);
    httpd_rule rules[] = {
        {.match = "s=nvda.us", .times = 1, .action = HTTPD_SEND, .status = 200, .body = csv, .len = len},
        {.match = "s=nvda.us", .action = HTTPD_SEND, .status = 200, .ctype = "text/html", .body = html, .len = hlen}};
    f->srv = httpd_start(rules, 2);
    evs_fetch_opts o;
    opts_for(f, &o);
    o.stooq_apikey = "SECRET123";
    evs_fetch_item it = {"NVDA", "stooq", "nvda.us", tu_day("2025-01-23"), tu_day("2025-01-27")};
    evs_fetch_result r;
    evs_err e;
    assert_int_equal(evs_fetch_run(&it, 1, &o, &r, &e), EVS_OK);
    assert_int_equal(r.rows, 3);
    char *meta = cache_file(f, "NVDA", ".meta"), *c0 = cache_file(f, "NVDA", ".csv");
    assert_null(strstr(meta, "SECRET123")); /* the key never reaches the cache */
    assert_non_null(strstr(meta, "apikey=REDACTED"));
    char target[1024];
    httpd_target(f->srv, 0, target, sizeof target);
    assert_non_null(strstr(target, "/q/d/l/?s=nvda.us&i=d&d1=20250123&d2=20250127&apikey=SECRET123"));
    o.full = 1;
    assert_int_equal(evs_fetch_run(&it, 1, &o, &r, &e), EVS_ERR_DATA);
    assert_non_null(strstr(r.msg, "HTML page instead of CSV"));
    char *c1 = cache_file(f, "NVDA", ".csv");
    assert_string_equal(c0, c1);
    /* the client stops reading at the HTML: stop the server (joining its
     * connection threads) before freeing the bodies they may still send */
    httpd_stop(f->srv);
    f->srv = NULL;
    free(meta);
    free(c0);
    free(c1);
    /* the server's threads may still be sending these bodies to the closed connection */
    httpd_stop(f->srv);
    f->srv = NULL;
    free(csv);
    free(html);
}

static void fred_through_server(void **state)
{
    fx *f = *state;
    size_t len;
    char *csv = tu_fixture("fred-SP500.csv", &len);
    httpd_rule rules[] = {{.match = "/graph/fredgraph.csv?id=SP500", .action = HTTPD_SEND, .status = 200,
                           .ctype = "text/csv", .body = csv, .len = len}};
    f->srv = httpd_start(rules, 1);
    evs_fetch_result r;
    assert_int_equal(fetch1(f, "SP500", "fred", "2025-01-01", "2025-01-31", 0, &r, NULL), EVS_OK);
    char *out = cache_file(f, "SP500", ".csv");
    assert_string_equal(out, "date,open,high,low,close,adj_close,volume\n"
                             "2025-01-23,,,,6118.71,,\n2025-01-24,,,,6101.24,,\n2025-01-28,,,,6067.7,,\n");
    free(out);
    free(csv);
}

/* ---------------------------------------------------------------- incremental */

static void incremental_only_missing(void **state)
{
    fx *f = *state;
    httpd_gen g = {0};
    httpd_rule rules[] = {{.match = "/v8/finance/chart/", .action = HTTPD_CALLBACK, .cb = httpd_gen_chart, .cb_ud = &g}};
    f->srv = httpd_start(rules, 1);
    evs_fetch_result r;
    assert_int_equal(fetch1(f, "^SOX", NULL, "2024-12-02", "2025-01-10", 0, &r, NULL), EVS_OK);
    size_t rows1 = r.rows;
    assert_int_equal(rows1, 30); /* weekdays 2024-12-02..2025-01-10 */
    /* Extend to the end of January: only the new part (plus an overlap) is asked for. */
    assert_int_equal(fetch1(f, "^SOX", NULL, "2024-12-02", "2025-01-31", 0, &r, NULL), EVS_OK);
    assert_int_equal(r.outcome, EVS_FETCH_FETCHED);
    assert_int_equal(r.full, 0);
    char target[1024];
    assert_int_equal(httpd_target(f->srv, 1, target, sizeof target), 0);
    assert_non_null(strstr(target, "/v8/finance/chart/%5ESOX?"));
    long long p1;
    assert_int_equal(httpd_qparam(target, "period1", &p1), 0);
    assert_true(p1 >= (long long)(tu_day("2025-01-10") - 12) * 86400);
    assert_true(r.fetched_rows < 25);
    assert_int_equal(r.rows, 45);
    char *merged = cache_file(f, "%5ESOX", ".csv");
    /* The same file as one whole fetch of the union. */
    assert_int_equal(fetch1(f, "^SOX", NULL, "2024-12-02", "2025-01-31", 1, &r, NULL), EVS_OK);
    char *whole = cache_file(f, "%5ESOX", ".csv");
    assert_string_equal(merged, whole);
    free(merged);
    free(whole);
}

static void split_triggers_whole_refetch(void **state)
{
    fx *f = *state;
    httpd_gen g = {0};
    httpd_rule rules[] = {{.match = "/v8/finance/chart/", .action = HTTPD_CALLBACK, .cb = httpd_gen_chart, .cb_ud = &g}};
    f->srv = httpd_start(rules, 1);
    evs_fetch_result r;
    assert_int_equal(fetch1(f, "NQ=F", NULL, "2024-12-02", "2025-01-10", 0, &r, NULL), EVS_OK);
    g.split_day = tu_day("2025-01-21");
    assert_int_equal(fetch1(f, "NQ=F", NULL, "2024-12-02", "2025-01-31", 0, &r, NULL), EVS_OK);
    assert_int_equal(r.full, 1);
    assert_int_equal(g.requests, 3); /* first fetch, incremental, whole */
    char target[1024];
    httpd_target(f->srv, 2, target, sizeof target);
    long long p1;
    httpd_qparam(target, "period1", &p1);
    assert_int_equal(p1, (long long)(tu_day("2024-12-02") - 1) * 86400);
    char *acts = cache_file(f, "NQ%3DF", ".actions.csv");
    assert_non_null(acts);
    assert_string_equal(acts, "date,type,value\n2025-01-21,split,2\n");
    free(acts);
}

static void disagreement_triggers_whole_refetch(void **state)
{
    fx *f = *state;
    httpd_gen g = {0};
    httpd_rule rules[] = {{.match = "/v8/finance/chart/", .action = HTTPD_CALLBACK, .cb = httpd_gen_chart, .cb_ud = &g}};
    f->srv = httpd_start(rules, 1);
    evs_fetch_result r;
    assert_int_equal(fetch1(f, "9984.T", NULL, "2024-12-02", "2025-01-10", 0, &r, NULL), EVS_OK);
    g.bump = 1; /* the provider rewrote history */
    assert_int_equal(fetch1(f, "9984.T", NULL, "2024-12-02", "2025-01-31", 0, &r, NULL), EVS_OK);
    assert_int_equal(r.full, 1);
    char *csv = cache_file(f, "9984.T", ".csv");
    /* Every row now carries the new values: 2024-12-02 is day 20059. */
    char want[64];
    snprintf(want, sizeof want, "2024-12-02,,,,%.17g,", 101 + (double)(20059 - 20000) / 8);
    assert_non_null(strstr(csv, want));
    free(csv);
}

static void offline_reports_missing(void **state)
{
    fx *f = *state;
    httpd_gen g = {0};
    httpd_rule rules[] = {{.match = "/v8/finance/chart/", .action = HTTPD_CALLBACK, .cb = httpd_gen_chart, .cb_ud = &g}};
    f->srv = httpd_start(rules, 1);
    evs_fetch_result r;
    assert_int_equal(fetch1(f, "AMD", NULL, "2025-01-02", "2025-01-31", 0, &r, NULL), EVS_OK);
    evs_fetch_opts o;
    opts_for(f, &o);
    o.offline = 1;
    assert_int_equal(fetch1(f, "AMD", NULL, "2025-01-06", "2025-01-20", 0, &r, &o), EVS_OK);
    assert_int_equal(r.outcome, EVS_FETCH_UPTODATE);
    assert_int_equal(fetch1(f, "AMD", NULL, "2024-12-01", "2025-01-20", 0, &r, &o), EVS_ERR_DATA);
    assert_int_equal(r.outcome, EVS_FETCH_MISSING);
    assert_non_null(strstr(r.msg, "cache covers 2025-01-02..2025-01-31, 2024-12-01..2025-01-20 needed"));
    assert_int_equal(fetch1(f, "MU", NULL, "2025-01-06", "2025-01-20", 0, &r, &o), EVS_ERR_DATA);
    assert_non_null(strstr(r.msg, "not in the cache"));
    assert_int_equal(g.requests, 1);
}

static void many_at_once(void **state)
{
    fx *f = *state;
    httpd_gen g = {0};
    httpd_rule rules[] = {
        {.match = "/v8/finance/chart/BAD", .action = HTTPD_SEND, .status = 500, .body = "down"},
        {.match = "/v8/finance/chart/", .action = HTTPD_CALLBACK, .cb = httpd_gen_chart, .cb_ud = &g}};
    f->srv = httpd_start(rules, 2);
    const char *syms[] = {"NVDA", "AMD", "AVGO", "TSM", "ASML", "BAD", "MU", "^GSPC", "ES=F"};
    enum { N = sizeof syms / sizeof *syms };
    evs_fetch_item it[N];
    evs_fetch_result r[N];
    for (size_t i = 0; i < N; i++) {
        it[i] = (evs_fetch_item){syms[i], "yahoo", NULL, tu_day("2025-01-02"), tu_day("2025-01-31")};
    }
    evs_fetch_opts o;
    opts_for(f, &o);
    evs_err e;
    assert_int_equal(evs_fetch_run(it, N, &o, r, &e), EVS_ERR_NET);
    assert_non_null(strstr(e.msg, "1 of 9 symbols failed; first: BAD: yahoo: HTTP 500"));
    for (size_t i = 0; i < N; i++) {
        if (i == 5) {
            assert_int_equal(r[i].outcome, EVS_FETCH_FAILED);
            continue;
        }
        assert_int_equal(r[i].outcome, EVS_FETCH_FETCHED);
        assert_int_equal(r[i].rows, 22);
    }
    char *gspc = cache_file(f, "%5EGSPC", ".csv"), *es = cache_file(f, "ES%3DF", ".csv");
    assert_non_null(gspc);
    assert_non_null(es);
    free(gspc);
    free(es);
    assert_int_equal(httpd_count(f->srv, "/v8/finance/chart/%5EGSPC?"), 1);
    assert_int_equal(httpd_count(f->srv, "/v8/finance/chart/ES%3DF?"), 1);
}

static void intraday_chunks_and_limits(void **state)
{
    fx *f = *state;
    httpd_gen g = {0};
    httpd_rule rules[] = {{.match = "/v8/finance/chart/", .action = HTTPD_CALLBACK, .cb = httpd_gen_chart, .cb_ud = &g}};
    f->srv = httpd_start(rules, 1);
    evs_fetch_opts o;
    opts_for(f, &o);
    o.interval = "1m";
    evs_fetch_result r;
    /* 18 days of 1m bars: three requests of at most 7 days. */
    assert_int_equal(fetch1(f, "NQ=F", NULL, "2025-02-03", "2025-02-20", 0, &r, &o), EVS_OK);
    assert_int_equal(httpd_count(f->srv, "interval=1m"), 3);
    for (size_t i = 0; i < 3; i++) {
        char t[1024];
        long long p1, p2;
        assert_int_equal(httpd_target(f->srv, i, t, sizeof t), 0);
        assert_int_equal(httpd_qparam(t, "period1", &p1), 0);
        assert_int_equal(httpd_qparam(t, "period2", &p2), 0);
        assert_true(p2 - p1 <= 7 * 86400);
    }
    char p[256];
    snprintf(p, sizeof p, "%s/1m/NQ%%3DF.csv", f->dir);
    char *csv = tu_slurp(p);
    assert_non_null(csv);
    assert_memory_equal(csv, "time,open,high,low,close,adj_close,volume\n2025-02-03T14:30:00Z,,,,", 64);
    free(csv);
    assert_int_equal(r.rows, 14); /* weekdays 2025-02-03..2025-02-20 */
    /* Older than Yahoo keeps: refused before any request. */
    assert_int_equal(fetch1(f, "NQ=F", NULL, "2025-01-02", "2025-02-20", 0, &r, &o), EVS_ERR_USAGE);
    assert_non_null(strstr(r.msg, "last 30 days"));
    assert_int_equal(httpd_count(f->srv, ""), 3);
    /* 1h: one request, its own cache folder. */
    o.interval = "1h";
    assert_int_equal(fetch1(f, "NQ=F", NULL, "2024-06-03", "2025-02-20", 0, &r, &o), EVS_OK);
    assert_int_equal(httpd_count(f->srv, "interval=1h"), 1);
    snprintf(p, sizeof p, "%s/1h/NQ%%3DF.meta", f->dir);
    char *meta = tu_slurp(p), v[64];
    assert_string_equal(meta_value(meta, "interval", v, sizeof v), "1h");
    free(meta);
    /* Intraday comes from Yahoo only. */
    assert_int_equal(fetch1(f, "SP500", "fred", "2025-02-03", "2025-02-20", 0, &r, &o), EVS_ERR_USAGE);
}

static void polite_per_host(void **state)
{
    fx *f = *state;
    httpd_gen g = {0};
    httpd_rule rules[] = {{.match = "/v8/finance/chart/", .action = HTTPD_CALLBACK, .cb = httpd_gen_chart, .cb_ud = &g}};
    f->srv = httpd_start(rules, 1);
    evs_fetch_item it[4] = {{"A", NULL, NULL, tu_day("2025-01-02"), tu_day("2025-01-10")},
                            {"B", NULL, NULL, tu_day("2025-01-02"), tu_day("2025-01-10")},
                            {"C", NULL, NULL, tu_day("2025-01-02"), tu_day("2025-01-10")},
                            {"D", NULL, NULL, tu_day("2025-01-02"), tu_day("2025-01-10")}};
    evs_fetch_result r[4];
    evs_fetch_opts o;
    opts_for(f, &o);
    o.host_gap_ms = 150;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    evs_err e;
    assert_int_equal(evs_fetch_run(it, 4, &o, r, &e), EVS_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1000 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    assert_true(ms >= 3 * 150 - 20); /* four starts on one host, 150 ms apart */
    assert_int_equal(g.requests, 4);
}

int main(void)
{
    aapl_body = tu_fixture("yahoo-chart-AAPL-2020-01-02.json", &aapl_len);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(recorded_yahoo_into_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(rate_limited_twice_then_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_500, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_stall, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_invalid_json, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_missing_timestamp, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_yahoo_404, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_over_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_over_cap_no_length, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_claims_10gb, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_redirect_to_file, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_html_for_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(fred_through_server, setup, teardown),
        cmocka_unit_test_setup_teardown(incremental_only_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(split_triggers_whole_refetch, setup, teardown),
        cmocka_unit_test_setup_teardown(disagreement_triggers_whole_refetch, setup, teardown),
        cmocka_unit_test_setup_teardown(offline_reports_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(many_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(intraday_chunks_and_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(polite_per_host, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(aapl_body);
    return rc;
}
