/*
 * test_study.c — the study-file reader (analysis/study.c over core/evs_ini.c).
 *
 * The bundled sample must load with exactly the events and parameters its
 * text states (dates as day numbers counted by hand, the file hash from the
 * system's sha256sum); every rejection must name the file, the line and the
 * offending value; comments, quotes, very long lines and `securities = @FILE`
 * must work as DESIGN.md and evs_ini.h describe.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evs_study.h"

static const char *root(void)
{
    const char *r = getenv("EVS_TEST_ROOT");
    return r ? r : ".";
}

static char tmpdir[64];
static char study_path[128];

static int setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/evs-unit-study-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(study_path, sizeof study_path, "%s/study.ini", tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[256];
    static const char *files[] = {"study.ini", "list.txt", "bad.txt", "big.txt"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, files[i]);
        remove(p);
    }
    return rmdir(tmpdir);
}

static void put(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static evs_status load(const char *text, evs_study *s, evs_err *e)
{
    put("study.ini", text);
    memset(e, 0, sizeof *e);
    return evs_study_load(study_path, s, e);
}

/* The load fails with a usage error whose message starts "FILE:LINE:" and
 * contains each of the given fragments. */
static void expect_error(const char *text, int line, const char *frag1, const char *frag2)
{
    evs_study s;
    evs_err e;
    evs_status st = load(text, &s, &e);
    char where[200];
    snprintf(where, sizeof where, "%s:%d:", study_path, line);
    int ok = st == EVS_ERR_USAGE && strncmp(e.msg, where, strlen(where)) == 0 && (!frag1 || strstr(e.msg, frag1)) &&
             (!frag2 || strstr(e.msg, frag2));
    if (!ok)
        print_error("status %d, message '%s'\nexpected '%s' ... '%s' ... '%s'\n", st, e.msg, where,
                    frag1 ? frag1 : "", frag2 ? frag2 : "");
    if (st == EVS_OK)
        evs_study_free(&s);
    assert_true(ok);
}

#define BASE_STUDY "[study]\ndata = data\nestimation = -250..-11\nwindows = 0..0\nmarket = ^GSPC\n\n"
#define BASE_EVENT "[event e1]\ntime = 2025-01-27\nsecurities = NVDA AMD\n"

/* ------------------------------------------------------------------------ */

static int line_of(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    int line = 1;
    for (const char *q = text; p && q < p; q++)
        line += *q == '\n';
    return p ? line : -1;
}

static void test_sample(void **state)
{
    (void)state;
    char path[1024], cmd[1200], want_hash[65] = "";
    snprintf(path, sizeof path, "%s/samples/deepseek-2025/study.ini", root());
    evs_study s;
    evs_err e;
    assert_int_equal(evs_study_load(path, &s, &e), EVS_OK);
    assert_string_equal(s.title, "DeepSeek-R1 selloff, January 2025");
    assert_string_equal(s.name, "deepseek-2025");
    char data[1100];
    snprintf(data, sizeof data, "%s/samples/deepseek-2025/data", root());
    assert_string_equal(s.data_dir, data);
    /* the hash of the file's bytes, from the system's sha256sum */
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
    FILE *pp = popen(cmd, "r");
    assert_non_null(pp);
    assert_int_equal(fscanf(pp, "%64s", want_hash), 1);
    pclose(pp);
    assert_string_equal(s.sha256, want_hash);

    const evs_params *d = &s.defaults;
    assert_int_equal(d->returns, EVS_RET_SIMPLE);
    assert_int_equal(d->model, EVS_MODEL_MARKET);
    assert_int_equal(d->estimation.first, -250);
    assert_int_equal(d->estimation.last, -11);
    assert_int_equal((int)d->nwindows, 3);
    static const int wf[3] = {0, -1, 0}, wl[3] = {0, 1, 4};
    for (int w = 0; w < 3; w++) {
        assert_int_equal(d->windows[w].first, wf[w]);
        assert_int_equal(d->windows[w].last, wl[w]);
    }
    assert_int_equal(d->min_estimation, 120);
    assert_string_equal(d->market, "^GSPC");

    assert_int_equal((int)s.nevents, 2);
    static const char *names[2] = {"deepseek-selloff", "deepseek-nature"};
    /* 2025-01-01 is day 55*365 + 14 = 20089; +26 -> 01-27; + 243 (Jan..Aug) + 16 -> 09-17 */
    static const int dates[2] = {20115, 20348};
    static const char *syms[10] = {"NVDA", "AMD", "AVGO", "TSM", "ASML", "MU", "ARM", "MRVL", "INTC", "QCOM"};
    char *text = NULL;
    {
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        text = calloc(1, 1 << 16);
        size_t got = fread(text, 1, (1 << 16) - 1, fp);
        (void)got;
        fclose(fp);
    }
    for (int k = 0; k < 2; k++) {
        const evs_event_def *ev = &s.events[k];
        char hdr[100];
        snprintf(hdr, sizeof hdr, "[event %s]", names[k]);
        assert_string_equal(ev->name, names[k]);
        assert_int_equal(ev->date, dates[k]);
        assert_int_equal(ev->line, line_of(text, hdr));
        assert_int_equal((int)ev->nsymbols, 10);
        for (int i = 0; i < 10; i++)
            assert_string_equal(ev->symbols[i], syms[i]);
        assert_int_equal(ev->p.model, EVS_MODEL_MARKET);
        assert_int_equal(ev->p.estimation.first, -250);
        assert_int_equal((int)ev->p.nwindows, 3);
        assert_int_equal(ev->p.min_estimation, 120);
        assert_string_equal(evs_study_market(&s, ev, "NVDA"), "^GSPC");
    }
    free(text);
    evs_study_free(&s);
}

static void test_valid_features(void **state)
{
    (void)state;
    evs_study s;
    evs_err e;
    const char *t = "; a comment line\n"
                    "# another\n"
                    "[Study]\n"
                    "title = \"a ; b # c \\\"q\\\" \\\\ end\"   ; trailing comment\n"
                    "DATA = data   # inline comment\n"
                    "returns = log\n"
                    "model = market ; the market model\n"
                    "estimation = -120..-6\n"
                    "windows = 0..0   -2..2 0..10\n"
                    "min_estimation = 60\n"
                    "market = ^GSPC;x\n"
                    "\n"
                    "[security 9984.T]\n"
                    "market = ^N225\n"
                    "exchange = XTKS\n"
                    "[security GOLD]\n"
                    "market = none\n"
                    "\n"
                    "[event e1]\n"
                    "time = 2025-01-27\n"
                    "securities = NVDA AMD 9984.T\n"
                    "\n"
                    "[event e2]\n"
                    "date = 2024-02-29\n"
                    "model = constant-mean\n"
                    "returns = simple\n"
                    "windows = -1..1\n"
                    "market = ^IXIC\n"
                    "securities = GOLD NVDA\n";
    evs_status st = load(t, &s, &e);
    if (st != EVS_OK)
        print_error("%s\n", e.msg);
    assert_int_equal(st, EVS_OK);
    assert_string_equal(s.title, "a ; b # c \"q\" \\ end");
    assert_int_equal(s.defaults.returns, EVS_RET_LOG);
    assert_int_equal(s.defaults.model, EVS_MODEL_MARKET);
    assert_string_equal(s.defaults.market, "^GSPC;x"); /* ';' without whitespace before it is not a comment */
    assert_int_equal((int)s.defaults.nwindows, 3);
    assert_int_equal(s.defaults.windows[1].first, -2);
    assert_int_equal(s.defaults.windows[2].last, 10);
    assert_int_equal(s.defaults.min_estimation, 60);
    char data[200];
    snprintf(data, sizeof data, "%s/data", tmpdir);
    assert_string_equal(s.data_dir, data);
    assert_int_equal((int)s.nevents, 2);
    const evs_event_def *e1 = &s.events[0], *e2 = &s.events[1];
    assert_int_equal((int)e1->nsymbols, 3);
    assert_string_equal(e1->symbols[1], "AMD");
    assert_string_equal(e1->symbols[2], "9984.T");
    assert_int_equal(e1->p.model, EVS_MODEL_MARKET);
    assert_int_equal(e1->p.returns, EVS_RET_LOG);
    assert_int_equal(e1->line, 19);
    assert_int_equal(e2->date, 19782); /* 2024-02-29: 54*365 + 13 + 31 + 28 */
    assert_int_equal(e2->p.model, EVS_MODEL_CONSTANT_MEAN);
    assert_int_equal(e2->p.returns, EVS_RET_SIMPLE);
    assert_int_equal((int)e2->p.nwindows, 1);
    assert_int_equal(e2->p.estimation.first, -120); /* inherited */
    /* market precedence: [security], then the event, then [study] */
    assert_string_equal(evs_study_market(&s, e1, "NVDA"), "^GSPC;x");
    assert_string_equal(evs_study_market(&s, e1, "9984.T"), "^N225");
    assert_string_equal(evs_study_market(&s, e2, "NVDA"), "^IXIC");
    assert_null(evs_study_market(&s, e2, "GOLD"));
    const evs_security_def *sd = evs_study_security(&s, "9984.T");
    assert_non_null(sd);
    assert_string_equal(sd->exchange, "XTKS");
    assert_null(evs_study_security(&s, "AMD"));
    evs_study_free(&s);
}

static void test_long_lines(void **state)
{
    (void)state;
    /* 2500 symbols (a 14,999-character line) and a 20,000-character title */
    size_t cap = 200000;
    char *t = malloc(cap);
    size_t k = (size_t)snprintf(t, cap, "[study]\ndata = data\nwindows = 0..0\nmarket = ^GSPC\ntitle = ");
    for (int i = 0; i < 20000; i++)
        t[k++] = (char)('a' + i % 26);
    k += (size_t)snprintf(t + k, cap - k, "\n[event big]\ntime = 2025-01-27\nsecurities =");
    size_t line_start = k;
    for (int i = 1; i <= 2500; i++)
        k += (size_t)snprintf(t + k, cap - k, " S%04d", i);
    assert_true(k - line_start > 10000);
    k += (size_t)snprintf(t + k, cap - k, "\nmodel = nonsense\n");
    /* the line after the long ones is counted right: model is on line 9 */
    evs_study s;
    evs_err e;
    evs_status st = load(t, &s, &e);
    char where[200];
    snprintf(where, sizeof where, "%s:9:", study_path);
    if (st == EVS_OK || !strstr(e.msg, where))
        print_error("status %d: %s\n", st, e.msg);
    assert_int_equal(st, EVS_ERR_USAGE);
    assert_non_null(strstr(e.msg, where));
    assert_non_null(strstr(e.msg, "(nonsense)"));
    /* without the bad line it loads in full */
    char *bad = strstr(t, "\nmodel = nonsense");
    bad[1] = 0;
    st = load(t, &s, &e);
    if (st != EVS_OK)
        print_error("%s\n", e.msg);
    assert_int_equal(st, EVS_OK);
    assert_int_equal((int)strlen(s.title), 20000);
    assert_int_equal((int)s.events[0].nsymbols, 2500);
    assert_string_equal(s.events[0].symbols[0], "S0001");
    assert_string_equal(s.events[0].symbols[2499], "S2500");
    evs_study_free(&s);
    free(t);
}

static void test_securities_file(void **state)
{
    (void)state;
    evs_study s;
    evs_err e;
    put("list.txt", "NVDA\n# a comment\n\n  AMD  \r\n^GSPC\r\nNQ=F");
    evs_status st = load(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = @list.txt\n", &s, &e);
    if (st != EVS_OK)
        print_error("%s\n", e.msg);
    assert_int_equal(st, EVS_OK);
    assert_int_equal((int)s.events[0].nsymbols, 4);
    assert_string_equal(s.events[0].symbols[0], "NVDA");
    assert_string_equal(s.events[0].symbols[1], "AMD");
    assert_string_equal(s.events[0].symbols[2], "^GSPC");
    assert_string_equal(s.events[0].symbols[3], "NQ=F");
    evs_study_free(&s);
    /* a bad symbol in the list: the list file and its line */
    put("bad.txt", "NVDA\nAMD\na/b\n");
    st = load(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = @bad.txt\n", &s, &e);
    char where[200];
    snprintf(where, sizeof where, "%s/bad.txt:3:", tmpdir);
    if (st == EVS_OK || !strstr(e.msg, where))
        print_error("status %d: %s\n", st, e.msg);
    assert_int_not_equal(st, EVS_OK);
    assert_non_null(strstr(e.msg, where));
    assert_non_null(strstr(e.msg, "a/b"));
    /* a duplicate in the list */
    put("bad.txt", "NVDA\nAMD\nNVDA\n");
    st = load(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = @bad.txt\n", &s, &e);
    assert_int_not_equal(st, EVS_OK);
    assert_non_null(strstr(e.msg, where));
    assert_non_null(strstr(e.msg, "(NVDA)"));
    assert_non_null(strstr(e.msg, "listed twice"));
    /* 60,000 symbols (through the index's growth from 64 slots), then a
     * repeat of the 30,000th on line 60,001 and a bad symbol after it: the
     * repeat is reported, with its line; symbols differ by case */
    {
        enum { NS = 60000 };
        size_t cap = (size_t)NS * 8 + 64, k = 0;
        char *t = malloc(cap);
        assert_non_null(t);
        for (int i = 0; i < NS; i++)
            k += (size_t)snprintf(t + k, cap - k, "%c%05d\n", i % 2 ? 'S' : 's', i / 2);
        put("big.txt", t);
        st = load(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = @big.txt\n", &s, &e);
        if (st != EVS_OK)
            print_error("%s\n", e.msg);
        assert_int_equal(st, EVS_OK);
        assert_int_equal((int)s.events[0].nsymbols, NS);
        assert_string_equal(s.events[0].symbols[NS - 1], "S29999");
        evs_study_free(&s);
        k += (size_t)snprintf(t + k, cap - k, "s15000\na/b\n");
        put("big.txt", t);
        st = load(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = @big.txt\n", &s, &e);
        snprintf(where, sizeof where, "%s/big.txt:%d: security listed twice (s15000)", tmpdir, NS + 1);
        if (st == EVS_OK || !strstr(e.msg, where))
            print_error("status %d: %s\n", st, e.msg);
        assert_int_equal(st, EVS_ERR_USAGE);
        assert_non_null(strstr(e.msg, where));
        free(t);
    }
    /* inline lists too: the line of the setting */
    st = load(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = NVDA, AMD nvda AMD\n", &s, &e);
    snprintf(where, sizeof where, "%s:9: security listed twice (AMD)", study_path);
    if (st == EVS_OK || !strstr(e.msg, where))
        print_error("status %d: %s\n", st, e.msg);
    assert_int_equal(st, EVS_ERR_USAGE);
    assert_non_null(strstr(e.msg, where));
    /* a missing list: the study file and the line of the setting */
    st = load(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = @missing.txt\n", &s, &e);
    snprintf(where, sizeof where, "%s:9:", study_path);
    if (st == EVS_OK || !strstr(e.msg, where) || !strstr(e.msg, "missing.txt"))
        print_error("status %d: %s\n", st, e.msg);
    assert_int_not_equal(st, EVS_OK);
    assert_non_null(strstr(e.msg, where));
    assert_non_null(strstr(e.msg, "missing.txt"));
}

static void test_errors(void **state)
{
    (void)state;
    /* BASE_STUDY is lines 1-6, BASE_EVENT lines 7-9 */
    expect_error(BASE_STUDY BASE_EVENT "\n[foo]\nx = 1\n", 11, "unknown section", "(foo)");
    expect_error("[study]\ncolour = red\n" BASE_EVENT, 2, "unknown setting", "(colour)");
    expect_error(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = NVDA\nsize = 3\n", 10, "unknown setting",
                 "(size)");
    expect_error(BASE_STUDY "[security NVDA]\nsector = chips\n" BASE_EVENT, 8, "unknown setting", "(sector)");
    expect_error("[study]\nmarket = ^GSPC\nmodel = fama\n" BASE_EVENT, 3, "model", "(fama)");
    expect_error("[study]\nmarket = ^GSPC\nreturns = weird\n" BASE_EVENT, 3, "returns", "(weird)");
    expect_error("[study]\nmarket = ^GSPC\nestimation = -250..x\n" BASE_EVENT, 3, "window", "(-250..x)");
    expect_error("[study]\nmarket = ^GSPC\nwindows = 0..0 5..1\n" BASE_EVENT, 3, "window", "(5..1)");
    expect_error("[study]\nmarket = ^GSPC\nwindows = 0..0 0...1\n" BASE_EVENT, 3, "window", "(0...1)");
    expect_error("[study]\nmarket = ^GSPC\nestimation = -250..-11 -5..-1\n" BASE_EVENT, 3, "window", "-250..-11 -5..-1");
    expect_error("[study]\nmarket = ^GSPC\nwindows = 0..0\nmin_estimation = ten\n" BASE_EVENT, 4, "min_estimation",
                 "(ten)");
    expect_error("[study]\nmodel = market\nmarket = ^GSPC\nmodel = market\n" BASE_EVENT, 4, "'model' repeated",
                 "first at line 2");
    expect_error(BASE_STUDY BASE_EVENT "[event e1]\ntime = 2025-01-28\nsecurities = NVDA\n", 10, "repeated",
                 "first at line 7");
    expect_error(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = NVDA AMD NVDA\n", 9, "twice", "(NVDA)");
    expect_error(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = NVDA ../x\n", 9, "symbol", "(../x)");
    expect_error(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = NVDA a/b\n", 9, "symbol", "(a/b)");
    expect_error("[study]\nmarket = ../up\n" BASE_EVENT, 2, "symbol", "(../up)");
    expect_error(BASE_STUDY "[security a/b]\nmarket = ^N225\n" BASE_EVENT, 7, "symbol", "(a/b)");
    expect_error(BASE_STUDY "[event e1]\nsecurities = NVDA\n", 7, "no time", "e1");
    expect_error(BASE_STUDY "[event e1]\ntime = 2025-02-30\nsecurities = NVDA\n", 8, "date", "(2025-02-30)");
    expect_error(BASE_STUDY "[event e1]\ntime = 27/01/2025\nsecurities = NVDA\n", 8, "date", "(27/01/2025)");
    expect_error(BASE_STUDY "[event ALL]\ntime = 2025-01-27\nsecurities = NVDA\n", 7, "event name", "ALL");
    expect_error(BASE_STUDY "[event e1]\ntime = 2025-01-27\n", 7, "no securities", NULL);
    expect_error(BASE_STUDY "[event e1]\ntime = 2025-01-27\nsecurities = NVDA\ntitle = \"open\n", 10, "unterminated",
                 NULL);
    expect_error(BASE_STUDY "[event e1\ntime = 2025-01-27\n", 7, "]", "[event e1");
    expect_error(BASE_STUDY "just some words\n" BASE_EVENT, 7, "key = value", "just some words");
    expect_error("model = market\n" BASE_STUDY BASE_EVENT, 1, "outside a section", "model");
    expect_error("[study]\nmodel = market\nwindows = 0..0\n" BASE_EVENT, 4, "needs a market", NULL);
}

static void test_missing_file(void **state)
{
    (void)state;
    evs_study s;
    evs_err e;
    char p[200];
    snprintf(p, sizeof p, "%s/nope.ini", tmpdir);
    memset(&e, 0, sizeof e);
    assert_int_equal(evs_study_load(p, &s, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, p));
    assert_non_null(strstr(e.msg, "cannot open"));
    /* a study without events */
    assert_int_not_equal(load(BASE_STUDY, &s, &e), EVS_OK);
    assert_non_null(strstr(e.msg, study_path));
}

static void test_window_parse(void **state)
{
    (void)state;
    evs_window w;
    assert_int_equal(evs_window_parse("-250..-11", 9, &w), 0);
    assert_int_equal(w.first, -250);
    assert_int_equal(w.last, -11);
    assert_int_equal(evs_window_parse("3..3", 4, &w), 0);
    static const char *bad[] = {"-250..x", "5..1", "..1", "1..", "1.2", "a..b", " 1..2", "1..2 ", "1..+", "1...2",
                                "99999999999..1", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (evs_window_parse(bad[i], strlen(bad[i]), &w) == 0)
            print_error("accepted window '%s' as %d..%d\n", bad[i], w.first, w.last);
        assert_int_equal(evs_window_parse(bad[i], strlen(bad[i]), &w), -1);
    }
    char out[32];
    w.first = -1;
    w.last = 2;
    assert_string_equal(evs_window_format(w, out), "-1..2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample),          cmocka_unit_test(test_valid_features),
        cmocka_unit_test(test_long_lines),      cmocka_unit_test(test_securities_file),
        cmocka_unit_test(test_errors),          cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_window_parse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
