/*
 * test_events.c — the events CSV parser (analysis/events.c) on memory
 * buffers: the DESIGN.md schema in any column order, quoting, rows without a
 * symbol, and every rejection with its line and value. Expected values are
 * written by hand from the text of each buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "evs_date.h"
#include "evs_events.h"

static void test_schema(void **state)
{
    (void)state;
    const char *t = "title,time,event,symbol,market,link,source\n"
                    "\"DeepSeek, R1\",2025-01-26T23:00:00Z,selloff,NVDA,,https://x,feed\n"
                    "\"DeepSeek, R1\",2025-01-27T08:00:00+09:00,selloff,9984.T,^N225,,\n"
                    "\n"
                    "Nature,2025-09-17,nature,,,,\n";
    evs_events ev;
    evs_err e;
    assert_int_equal(evs_events_parse("ev.csv", t, strlen(t), &ev, &e), EVS_OK);
    assert_int_equal(ev.n, 3);
    assert_string_equal(ev.rows[0].event, "selloff");
    assert_string_equal(ev.rows[0].symbol, "NVDA");
    assert_null(ev.rows[0].market);
    assert_string_equal(ev.rows[0].title, "DeepSeek, R1");
    assert_int_equal(ev.rows[0].has_instant, 1);
    /* 2025-01-26 is day 20114 (2025-01-01 = 20089); 23:00 = 82800 s; 08:00+09:00 is the same instant */
    assert_true(ev.rows[0].instant == 20114LL * 86400 + 82800);
    assert_true(ev.rows[1].instant == ev.rows[0].instant);
    assert_string_equal(ev.rows[1].market, "^N225");
    assert_int_equal(ev.rows[1].line, 3);
    assert_null(ev.rows[2].symbol);
    assert_int_equal(ev.rows[2].has_instant, 0);
    assert_int_equal(ev.rows[2].date, 20089 + 243 + 16);
    assert_int_equal(ev.rows[2].line, 5);
    evs_events_free(&ev);
}

static void expect_error(const char *text, const char *says)
{
    evs_events ev;
    evs_err e;
    assert_int_not_equal(evs_events_parse("ev.csv", text, strlen(text), &ev, &e), EVS_OK);
    if (!strstr(e.msg, says))
        fail_msg("message '%s' lacks '%s'", e.msg, says);
    assert_null(ev.rows);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("", "ev.csv:1: empty events file");
    expect_error("event,symbol\na,NVDA\n", "ev.csv:1: the header needs the columns event and time");
    expect_error("event,time\na,2025-01-27\nb,2025-01-27T09:30:00\n",
                 "ev.csv:3: event instant has no UTC offset; add Z or +HH:MM (2025-01-27T09:30:00)");
    expect_error("event,time\na,2025-02-30\n", "ev.csv:2: malformed time");
    expect_error("event,time\nALL,2025-01-27\n", "ev.csv:2: bad event name");
    expect_error("event,time\n\"a b\",2025-01-27\n", "(a b)");
    expect_error("event,time,symbol\na,2025-01-27,../x\n", "ev.csv:2:");
    expect_error("event,time,symbol\na,2025-01-27,NVDA\nb,2025-01-28,AMD\na,2025-01-27,NVDA\n",
                 "ev.csv:4: event a lists NVDA twice (first on line 2)");
    expect_error("event,time\na\n", "ev.csv:2: too few fields");
    expect_error("event,time\na,\"2025-01-27\n", "ev.csv");
    expect_error("event,time\n", "no events in the file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_schema), cmocka_unit_test(test_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
