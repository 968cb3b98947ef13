/*
 * test_fetch_e2e.c — the evstudy program end to end against the local server.
 *
 * 1. `evstudy fetch samples/deepseek-2025/study.ini` (a copy whose cache is a
 *    fresh directory) with EVS_YAHOO_BASE pointing at a server that answers
 *    in Yahoo's chart shape from the bundled data (bars stamped at 09:30 New
 *    York, converted to UTC with the US daylight-saving rule written out
 *    here, independently of the library); then `evstudy run` on what it
 *    fetched must give the same result files as `evstudy run` on the
 *    bundled data.
 * 2. Faults through the program: each gives an "evstudy: error:" line that
 *    says what happened and the documented exit code.
 */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "evs_csv.h"
#include "evs_date.h"
#include "evs_file.h"
#include "httpd.h"
#include "testutil.h"

static char bin[PATH_MAX + 16], root[PATH_MAX / 2], tmp[64];

/* Run bin with args and extra environment (NAME=VALUE or NULL); stderr goes to
 * errpath. Returns the exit code (or 128+signal). */
static int run(const char *const *args, const char *env1, const char *errpath)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (env1)
            putenv((char *)env1);
        int fd = open(errpath ? errpath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int nul = open("/dev/null", O_WRONLY);
        dup2(fd, 2);
        dup2(nul, 1);
        char *argv[32];
        int n = 0;
        argv[n++] = bin;
        for (; args[n - 1] && n < 31; n++)
            argv[n] = (char *)args[n - 1];
        argv[n] = NULL;
        execv(bin, argv);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---------------------------------------------------------------- the replay */

/* US Eastern offset of day d: -4 h from the second Sunday of March to the
 * first Sunday of November (2007 rule), else -5 h. */
static int eastern_offset_h(int d)
{
    int y, m, dd;
    evs_civil_from_days(d, &y, &m, &dd);
    int mar1 = evs_days_from_civil(y, 3, 1), nov1 = evs_days_from_civil(y, 11, 1);
    int start = mar1 + (7 - evs_weekday(mar1)) % 7 + 7;
    int end = nov1 + (7 - evs_weekday(nov1)) % 7;
    return d >= start && d < end ? -4 : -5;
}

static void append(char **b, size_t *n, size_t *cap, const char *s, size_t k)
{
    if (*n + k + 1 > *cap) {
        *cap = (*n + k + 1) * 2;
        *b = realloc(*b, *cap);
    }
    memcpy(*b + *n, s, k);
    *n += k;
    (*b)[*n] = 0;
}

/* Serve /v8/finance/chart/<stem>?period1&period2 from the bundled cache file. */
static int replay(void *ud, const char *target, int *status, const char **ctype, char **body, size_t *len)
{
    (void)ud;
    const char *p = strstr(target, "/v8/finance/chart/");
    long long p1, p2;
    if (!p || httpd_qparam(target, "period1", &p1) || httpd_qparam(target, "period2", &p2))
        return -1;
    p += strlen("/v8/finance/chart/");
    size_t sl = strcspn(p, "?");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/samples/deepseek-2025/data/1d/%.*s.csv", root, (int)sl, p);
    char *text = tu_slurp(path);
    *ctype = "application/json";
    if (!text) {
        *status = 404;
        *body = strdup("{\"chart\":{\"result\":null,\"error\":{\"code\":\"Not Found\","
                       "\"description\":\"No data found, symbol may be delisted\"}}}");
        *len = strlen(*body);
        return 0;
    }
    /* columns: ts, open, high, low, close, adj, volume */
    char *col[7] = {0};
    size_t n[7] = {0}, cap[7] = {0};
    evs_csv c;
    evs_err e;
    evs_csv_init(&c, path, text, strlen(text));
    int first = 1, rows = 0;
    while (evs_csv_next(&c, &e) > 0) {
        if (first) {
            first = 0;
            continue;
        }
        int d;
        if (c.nfields < 7 || evs_date_parse(c.fields[0], c.lens[0], &d) != 0)
            continue;
        long long t = (long long)d * 86400 + 9 * 3600 + 1800 - eastern_offset_h(d) * 3600LL;
        if (t < p1 || t >= p2)
            continue;
        char ts[32];
        int k = snprintf(ts, sizeof ts, "%s%lld", rows ? "," : "", t);
        append(&col[0], &n[0], &cap[0], ts, (size_t)k);
        for (int i = 1; i < 7; i++) {
            if (rows)
                append(&col[i], &n[i], &cap[i], ",", 1);
            if (c.lens[i])
                append(&col[i], &n[i], &cap[i], c.fields[i], c.lens[i]);
            else
                append(&col[i], &n[i], &cap[i], "null", 4);
        }
        rows++;
    }
    evs_csv_free(&c);
    free(text);
    for (int i = 0; i < 7; i++)
        if (!col[i])
            col[i] = strdup("");
    size_t blen = 1024;
    for (int i = 0; i < 7; i++)
        blen += strlen(col[i]);
    char *b = malloc(blen);
    *len = (size_t)snprintf(b, blen,
                            "{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"USD\",\"symbol\":\"x\","
                            "\"exchangeName\":\"NMS\",\"instrumentType\":\"EQUITY\",\"gmtoffset\":-18000,"
                            "\"timezone\":\"EST\",\"exchangeTimezoneName\":\"America/New_York\","
                            "\"dataGranularity\":\"1d\"},\"timestamp\":[%s],\"indicators\":{\"quote\":[{"
                            "\"close\":[%s],\"volume\":[%s],\"open\":[%s],\"low\":[%s],\"high\":[%s]}],"
                            "\"adjclose\":[{\"adjclose\":[%s]}]}}],\"error\":null}}",
                            col[0], col[4], col[6], col[1], col[3], col[2], col[5]);
    for (int i = 0; i < 7; i++)
        free(col[i]);
    *status = 200;
    *body = b;
    return 0;
}

/* ---------------------------------------------------------------- tests */

static void fetch_then_run_matches_bundled(void **state)
{
    (void)state;
    httpd_rule rule = {.match = "/v8/finance/chart/", .action = HTTPD_CALLBACK, .cb = replay};
    httpd *srv = httpd_start(&rule, 1);
    assert_non_null(srv);
    char study[PATH_MAX], src[PATH_MAX], env[256], err[PATH_MAX], cmd[3 * PATH_MAX];
    snprintf(src, sizeof src, "%s/samples/deepseek-2025/study.ini", root);
    snprintf(study, sizeof study, "%s/deepseek-2025/study.ini", tmp);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/deepseek-2025' && cp '%s' '%s'", tmp, src, study);
    assert_int_equal(system(cmd), 0);
    snprintf(env, sizeof env, "EVS_YAHOO_BASE=%s", httpd_base(srv));
    snprintf(err, sizeof err, "%s/fetch.err", tmp);
    const char *fa[] = {"fetch", study, "--backoff", "10", NULL};
    int rc = run(fa, env, err);
    char *msg = tu_slurp(err);
    if (rc != 0)
        fail_msg("evstudy fetch exited %d: %s", rc, msg);
    assert_string_equal(msg, ""); /* not a terminal: nothing but errors, and there are none */
    free(msg);
    assert_int_equal(httpd_count(srv, "/v8/finance/chart/"), 11);
    assert_int_equal(httpd_count(srv, "/v8/finance/chart/%5EGSPC?"), 1);
    /* Fetched again: everything is up to date, nothing is requested. */
    assert_int_equal(run(fa, env, err), 0);
    assert_int_equal(httpd_count(srv, "/v8/finance/chart/"), 11);
    const char *off[] = {"fetch", study, "--offline", NULL};
    assert_int_equal(run(off, NULL, err), 0);
    httpd_stop(srv);

    char out1[PATH_MAX], out2[PATH_MAX];
    snprintf(out1, sizeof out1, "%s/out-fetched", tmp);
    snprintf(out2, sizeof out2, "%s/out-bundled", tmp);
    const char *r1[] = {"run", study, "--out", out1, "--quiet", NULL};
    const char *r2[] = {"run", src, "--out", out2, "--quiet", NULL};
    assert_int_equal(run(r1, NULL, err), 0);
    assert_int_equal(run(r2, NULL, err), 0);
    const char *files[] = {"abnormal_returns.csv", "aar.csv", "estimates.csv", "cars.csv", "tests.csv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char a[PATH_MAX + 32], b[PATH_MAX + 32];
        snprintf(a, sizeof a, "%s/%s", out1, files[i]);
        snprintf(b, sizeof b, "%s/%s", out2, files[i]);
        char *x = tu_slurp(a), *y = tu_slurp(b);
        assert_non_null(x);
        assert_non_null(y);
        if (strcmp(x, y) != 0)
            fail_msg("%s differs between the fetched and the bundled data", files[i]);
        assert_true(strlen(x) > 100);
        free(x);
        free(y);
    }
    /* The NVDA estimation excluded nothing for lack of data. */
    char est[PATH_MAX + 32];
    snprintf(est, sizeof est, "%s/estimates.csv", out1);
    char *es = tu_slurp(est);
    assert_null(strstr(es, "excluded"));
    free(es);
}

typedef struct cli_fault {
    const char *name;
    httpd_rule rule;
    const char *provider; /* NULL: yahoo */
    int code;
    const char *says;
} cli_fault;

static void faults_through_the_program(void **state)
{
    (void)state;
    cli_fault cases[] = {
        {"500", {.match = "chart", .action = HTTPD_SEND, .status = 500, .body = "oops"}, NULL, 3,
         "evstudy: error: NVDA: yahoo: HTTP 500 Internal Server Error after 2 tries"},
        {"429", {.match = "chart", .action = HTTPD_SEND, .status = 429, .body = "Too Many Requests"}, NULL, 3,
         "HTTP 429 Too Many Requests (rate limited) after 2 tries"},
        {"404", {.match = "chart", .action = HTTPD_SEND, .status = 404,
                 .body = "{\"chart\":{\"result\":null,\"error\":{\"code\":\"Not Found\","
                         "\"description\":\"No data found, symbol may be delisted\"}}}"},
         NULL, 1, "Yahoo: Not Found: No data found, symbol may be delisted (HTTP 404)"},
        {"json", {.match = "chart", .action = HTTPD_SEND, .status = 200, .body = "{\"chart\":"}, NULL, 1,
         "invalid JSON"},
        {"redirect", {.match = "chart", .action = HTTPD_REDIRECT, .location = "file:///etc/passwd"}, NULL, 3,
         "refused: only http and https"},
        {"reset", {.match = "chart", .action = HTTPD_RESET}, NULL, 3, "after 2 tries"},
        {"html", {.match = "/q/d/l/", .action = HTTPD_SEND, .status = 200, .body = "<html><body>no key</body></html>"},
         "stooq:nvda.us", 1, "Stooq: answered with an HTML page instead of CSV"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        httpd *srv = httpd_start(&cases[i].rule, 1);
        assert_non_null(srv);
        char data[128], err[128];
        snprintf(data, sizeof data, "%s/fault-%s", tmp, cases[i].name);
        snprintf(err, sizeof err, "%s/fault-%s.err", tmp, cases[i].name);
        const char *args[] = {"fetch",         "NVDA",    "--from",          "2025-01-02",    "--to",
                              "2025-01-31",    "--data",  data,              "--yahoo-base",  httpd_base(srv),
                              "--stooq-base",  httpd_base(srv), "--tries",   "2",             "--backoff",
                              "10",            "--timeout", "2",            "--provider",
                              cases[i].provider ? cases[i].provider : "yahoo", NULL};
        int rc = run(args, "EVS_STOOQ_APIKEY=k", err);
        char *msg = tu_slurp(err);
        if (rc != cases[i].code || !strstr(msg, cases[i].says))
            fail_msg("%s: exit %d (want %d), stderr: %s", cases[i].name, rc, cases[i].code, msg);
        free(msg);
        httpd_stop(srv);
        /* Nothing was written. */
        char f[256];
        snprintf(f, sizeof f, "%s/1d/NVDA.csv", data);
        assert_int_not_equal(access(f, F_OK), 0);
    }
    char err[128];
    snprintf(err, sizeof err, "%s/usage.err", tmp);
    const char *u1[] = {"fetch", "NVDA", NULL};
    assert_int_equal(run(u1, NULL, err), 2);
    const char *u2[] = {"fetch", "NV/DA", "--from", "2025-01-02", NULL};
    assert_int_equal(run(u2, NULL, err), 2);
    const char *u3[] = {"fetch", "NVDA", "--from", "2025-01-02", "--interval", "2d", NULL};
    assert_int_equal(run(u3, NULL, err), 2);
    const char *off[] = {"fetch", "NVDA", "--from", "2025-01-02", "--offline", "--data", tmp, NULL};
    assert_int_equal(run(off, NULL, err), 1);
    char *msg = tu_slurp(err);
    assert_non_null(strstr(msg, "NVDA: offline: not in the cache"));
    free(msg);
    const char *h[] = {"fetch", "--help", NULL};
    assert_int_equal(run(h, NULL, err), 0);
}

int main(void)
{
    const char *r = getenv("EVS_TEST_ROOT");
    snprintf(root, sizeof root, "%s", r ? r : ".");
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 1;
    exe[n] = 0;
    /* <builddir>/tests/test_fetch_e2e -> <builddir>/evstudy */
    char *s = strrchr(exe, '/');
    *s = 0;
    s = strrchr(exe, '/');
    *s = 0;
    snprintf(bin, sizeof bin, "%s/evstudy", exe);
    snprintf(tmp, sizeof tmp, "/tmp/evs-fetch-e2e-XXXXXX");
    if (!mkdtemp(tmp))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fetch_then_run_matches_bundled),
        cmocka_unit_test(faults_through_the_program),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
