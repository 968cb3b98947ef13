/*
 * test_feed.c — feeds into events: RSS and Atom with time zones, EDGAR's
 * ISO-8859-1 feed, the exact CSV written, and the hostile documents: an
 * external entity (stays unexpanded, the file it names is never read) and a
 * billion-laughs document (fails at once).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "evs_feed.h"
#include "evs_mem.h"

static char path_buf[1024];

static const char *feed_path(const char *name)
{
    const char *root = getenv("EVS_TEST_ROOT");
    snprintf(path_buf, sizeof path_buf, "%s/tests/fetch/feeds/%s", root ? root : ".", name);
    return path_buf;
}

/* The events CSV of a feed file, as a malloc'd string. */
static char *csv_of(const char *file, const char *match, evs_status *st, evs_err *e)
{
    evs_feed f;
    *st = evs_feed_load(feed_path(file), NULL, &f, e);
    if (*st != EVS_OK)
        return NULL;
    if (match && (*st = evs_feed_filter(&f, match, e)) != EVS_OK) {
        evs_feed_free(&f);
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    *st = evs_feed_write_csv(fp, &f, file, e);
    fclose(fp);
    evs_feed_free(&f);
    return buf;
}

static void rss_with_zones(void **state)
{
    (void)state;
    evs_status st;
    evs_err e;
    char *csv = csv_of("rss-news.xml", NULL, &st, &e);
    assert_int_equal(st, EVS_OK);
    assert_string_equal(csv,
                        "event,time,title,link,source\n"
                        "https://news.example.com/a/3,2025-01-26T23:00:00Z,\"Weekend: a new open model, says a lab\","
                        "https://news.example.com/a/3,\"Markets, news search\"\n"
                        "https://news.example.com/a/2,2025-01-27T01:30:00Z,\"Tokyo: SoftBank, Advantest fall "
                        "\"\"sharply\"\"\",https://news.example.com/a/2,\"Markets, news search\"\n"
                        "CBMiK2h0dHBzOi8vbmV3cy5leGFtcGxlLmNvbS9hLzE,2025-01-27T04:12:00Z,\"DeepSeek-R1 rattles chip "
                        "stocks, Nvidia & peers slide\",https://news.example.com/a/1,\"Markets, news search\"\n"
                        "nature-2025,2025-09-17T19:00:00Z,\"DeepSeek paper, in Nature\",https://news.example.com/a/4,"
                        "\"Markets, news search\"\n");
    free(csv);
    csv = csv_of("rss-news.xml", "deepseek", &st, &e);
    assert_int_equal(st, EVS_OK);
    assert_non_null(strstr(csv, "CBMiK2h0"));
    assert_non_null(strstr(csv, "nature-2025"));
    assert_null(strstr(csv, "Tokyo"));
    free(csv);
    assert_null(csv_of("rss-news.xml", "(", &st, &e));
    assert_int_equal(st, EVS_ERR_USAGE);
}

static void atom_with_offsets(void **state)
{
    (void)state;
    evs_status st;
    evs_err e;
    char *csv = csv_of("atom-blog.xml", NULL, &st, &e);
    assert_int_equal(st, EVS_OK);
    assert_string_equal(csv, "event,time,title,link,source\n"
                             "\"tag:blog.example.org,2024:v3\",2024-12-26T14:00:00Z,V3 <em>notes</em>,"
                             "https://blog.example.org/v3,A lab's blog\n"
                             "\"tag:blog.example.org,2025:r1\",2025-01-20T12:30:00Z,Release: R1,"
                             "https://blog.example.org/r1,A lab's blog\n");
    free(csv);
}

static void edgar_latin1(void **state)
{
    (void)state;
    evs_feed f;
    evs_err e;
    assert_int_equal(evs_feed_load(feed_path("edgar-8k-latin1.xml"), NULL, &f, &e), EVS_OK);
    assert_string_equal(f.kind, "edgar");
    assert_string_equal(f.title, "NVIDIA CORP (0001045810)");
    assert_int_equal(f.n, 2);
    assert_string_equal(f.items[0].id, "0001045810-25-000005");
    assert_int_equal(f.items[0].time, 1738015500); /* 2025-01-27T22:05:00Z */
    assert_string_equal(f.items[1].id, "0001045810-25-000023");
    assert_int_equal(f.items[1].time, 1740604867); /* 2025-02-26T21:21:07Z */
    /* ISO-8859-1 0xE9 became UTF-8 C3 A9. */
    assert_string_equal(f.items[1].title, "8-K - Current report, r\xc3\xa9sultats trimestriels");
    assert_string_equal(f.items[1].link,
                        "https://www.sec.gov/Archives/edgar/data/1045810/000104581025000023/"
                        "0001045810-25-000023-index.htm");
    evs_feed_free(&f);
}

static void external_entity_unexpanded(void **state)
{
    (void)state;
    char dir[] = "/tmp/evs-feed-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char secret[256], doc[256];
    snprintf(secret, sizeof secret, "%s/secret.txt", dir);
    snprintf(doc, sizeof doc, "%s/xxe.xml", dir);
    FILE *fp = fopen(secret, "w");
    fputs("TOP-SECRET-MARKER-4711\n", fp);
    fclose(fp);
    fp = fopen(doc, "w");
    fprintf(fp,
            "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM \"file://%s\">\n"
            "<!ENTITY net SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n]>\n"
            "<rss version=\"2.0\"><channel><title>x&xxe;</title>\n"
            "<item><title>before&xxe;after&net;</title><guid>g1</guid>"
            "<pubDate>Mon, 27 Jan 2025 04:12:00 GMT</pubDate></item></channel></rss>\n",
            secret);
    fclose(fp);
    evs_feed f;
    evs_err e;
    assert_int_equal(evs_feed_load(doc, NULL, &f, &e), EVS_OK);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.items[0].title, "beforeafter"); /* the entity stayed a reference */
    assert_string_equal(f.title, "x");
    char *buf = NULL;
    size_t len = 0;
    FILE *mp = open_memstream(&buf, &len);
    assert_int_equal(evs_feed_write_csv(mp, &f, doc, &e), EVS_OK);
    fclose(mp);
    assert_null(strstr(buf, "TOP-SECRET"));
    free(buf);
    evs_feed_free(&f);
    unlink(secret);
    unlink(doc);
    rmdir(dir);
}

static void billion_laughs_fails_fast(void **state)
{
    (void)state;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    evs_feed f;
    evs_err e;
    assert_int_equal(evs_feed_load(feed_path("billion-laughs.xml"), NULL, &f, &e), EVS_ERR_DATA);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    assert_true(s < 1.0);
    assert_non_null(strstr(e.msg, "not a readable feed"));
}

static void bad_documents(void **state)
{
    (void)state;
    evs_feed f;
    evs_err e;
    const char *html = "<html><body>Too Many Requests</body></html>";
    assert_int_equal(evs_feed_parse("h", html, strlen(html), &f, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "neither RSS 2.0 nor Atom"));
    const char *notime = "<rss version=\"2.0\"><channel><item><title>t</title><guid>g</guid>"
                         "<pubDate>yesterday</pubDate></item></channel></rss>";
    assert_int_equal(evs_feed_parse("n", notime, strlen(notime), &f, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "bad or missing time (yesterday)"));
    assert_int_equal(evs_feed_parse("t", "<rss", 4, &f, &e), EVS_ERR_DATA);
    assert_int_equal(evs_feed_load("file:///etc/passwd", NULL, &f, &e), EVS_ERR_USAGE);
    evs_feed_opts o;
    evs_feed_opts_default(&o);
    o.user_agent = "evstudy";
    assert_int_equal(
        evs_feed_load("https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=1&output=atom", &o, &f, &e),
        EVS_ERR_USAGE);
    assert_non_null(strstr(e.msg, "e-mail"));
}

static void times(void **state)
{
    (void)state;
    long long t;
    assert_int_equal(evs_feed_parse_time("Mon, 27 Jan 2025 04:12:00 GMT", &t), 0);
    assert_int_equal(t, 1737951120);
    assert_int_equal(evs_feed_parse_time("27 Jan 2025 13:12 +0900", &t), 0);
    assert_int_equal(t, 1737951120);
    assert_int_equal(evs_feed_parse_time("Sun, 26 Jan 2025 23:12:00 EST", &t), 0);
    assert_int_equal(t, 1737951120);
    assert_int_equal(evs_feed_parse_time("2025-01-27T04:12:00Z", &t), 0);
    assert_int_equal(t, 1737951120);
    assert_int_equal(evs_feed_parse_time("2025-01-26T23:12:00-05:00", &t), 0);
    assert_int_equal(t, 1737951120);
    assert_int_equal(evs_feed_parse_time("2025-01-27", &t), 0);
    assert_int_equal(t, 1737936000);
    assert_int_equal(evs_feed_parse_time("Mon, 27 Jan 2025 04:12:00", &t), -1);  /* no zone */
    assert_int_equal(evs_feed_parse_time("Mon, 31 Feb 2025 04:12:00 GMT", &t), -1);
    assert_int_equal(evs_feed_parse_time("Mon, 27 Foo 2025 04:12:00 GMT", &t), -1);
    assert_int_equal(evs_feed_parse_time("", &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rss_with_zones),
        cmocka_unit_test(atom_with_offsets),
        cmocka_unit_test(edgar_latin1),
        cmocka_unit_test(external_entity_unexpanded),
        cmocka_unit_test(billion_laughs_fails_fast),
        cmocka_unit_test(bad_documents),
        cmocka_unit_test(times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
