/*
 * test_fetch_cache.c — the cache under interruption and concurrency, with
 * real processes: a fetch killed (SIGKILL) just before it writes, and at
 * random moments while it refetches and rewrites, must leave a cache file
 * that is exactly the old one or exactly the new one; two fetches at once
 * into one cache must produce the one correct file.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "evs_date.h"
#include "evs_fetch.h"
#include "evs_file.h"
#include "evs_mem.h"
#include "evs_series.h"
#include "httpd.h"
#include "testutil.h"

#define NOW 1740787200LL /* 2025-03-01T00:00:00Z */

typedef struct fx {
    char dir[64];
    httpd *srv;
    httpd_gen gen;
    httpd_rule rule;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/evs-fetch-cache-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->rule = (httpd_rule){.match = "/v8/finance/chart/", .action = HTTPD_CALLBACK, .cb = httpd_gen_chart,
                           .cb_ud = &f->gen};
    f->srv = httpd_start(&f->rule, 1);
    *state = f;
    return f->srv ? 0 : -1;
}

static int teardown(void **state)
{
    fx *f = *state;
    httpd_stop(f->srv);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static void opts_for(fx *f, evs_fetch_opts *o)
{
    evs_fetch_opts_default(o);
    o->data_dir = f->dir;
    o->yahoo_base = httpd_base(f->srv);
    o->max_tries = 2;
    o->backoff_ms = 10;
    o->host_gap_ms = 0;
    o->timeout_ms = 5000;
    o->now = NOW;
}

static evs_status fetch_range(fx *f, const char *sym, int from, int to, int full, evs_fetch_opts *custom)
{
    evs_fetch_opts o;
    if (custom)
        o = *custom;
    else
        opts_for(f, &o);
    o.full = full;
    evs_fetch_item it = {sym, "yahoo", NULL, from, to};
    evs_fetch_result r;
    evs_err e;
    evs_status st = evs_fetch_run(&it, 1, &o, &r, &e);
    if (st != EVS_OK && !custom)
        print_message("fetch %s: status %d: %s\n", sym, st, e.msg);
    return st;
}

static void die_at_commit(void *ud, const evs_fetch_progress *p)
{
    (void)ud;
    if (p->kind == EVS_FETCH_EV_COMMIT)
        raise(SIGKILL);
}

static void lock_is_free(fx *f, const char *stem)
{
    char lp[256];
    snprintf(lp, sizeof lp, "%s/1d/%s.lock", f->dir, stem);
    int fd = open(lp, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    close(fd);
}

static void killed_before_write_keeps_old_file(void **state)
{
    fx *f = *state;
    int a = tu_day("2024-01-02"), b = tu_day("2025-01-31");
    assert_int_equal(fetch_range(f, "NVDA", a, b, 0, NULL), EVS_OK);
    char csvp[256], metap[256];
    snprintf(csvp, sizeof csvp, "%s/1d/NVDA.csv", f->dir);
    snprintf(metap, sizeof metap, "%s/1d/NVDA.meta", f->dir);
    char *csv0 = tu_slurp(csvp), *meta0 = tu_slurp(metap);
    f->gen.bump = 1; /* the refetch brings different numbers */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        evs_fetch_opts o;
        opts_for(f, &o);
        o.progress = die_at_commit;
        fetch_range(f, "NVDA", a, b, 1, &o);
        _exit(0); /* not reached */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    char *csv1 = tu_slurp(csvp), *meta1 = tu_slurp(metap);
    assert_string_equal(csv0, csv1);
    assert_string_equal(meta0, meta1);
    lock_is_free(f, "NVDA");
    evs_series s;
    evs_err e;
    assert_int_equal(evs_series_read(csvp, &s, &e), EVS_OK);
    evs_series_free(&s);
    free(csv0);
    free(csv1);
    free(meta0);
    free(meta1);
}

static void killed_at_random_moments(void **state)
{
    /* Under valgrind (make check-valgrind sets EVS_VALGRIND) forked children
     * report the parent's memory as leaked and run too slowly to be killed
     * mid-write; these process tests run in the plain and ASan builds. */
    if (getenv("EVS_VALGRIND"))
        skip();
    fx *f = *state;
    /* A long daily series, so that writing takes a measurable time. */
    int a = tu_day("1990-01-02"), b = tu_day("2025-01-31");
    assert_int_equal(fetch_range(f, "^GSPC", a, b, 0, NULL), EVS_OK);
    char csvp[256];
    snprintf(csvp, sizeof csvp, "%s/1d/%%5EGSPC.csv", f->dir);
    char *old = tu_slurp(csvp);
    assert_non_null(old);
    f->gen.bump = 1;
    unsigned seed = 12345;
    int kills = 0, midwrite = 0;
    char **seen = calloc(80, sizeof *seen);
    for (int round = 0; round < 80; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            for (;;)
                fetch_range(f, "^GSPC", a, b, 1, NULL); /* rewrite again and again until killed */
        }
        struct timespec ts = {0, (long)(rand_r(&seed) % 100000) * 1000};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        kills += WIFSIGNALED(status);
        seen[round] = tu_slurp(csvp);
        assert_non_null(seen[round]);
        char cmd[256];
        snprintf(cmd, sizeof cmd, "ls '%s/1d' | grep -q tmp", f->dir);
        midwrite += system(cmd) == 0; /* killed between creating and renaming a temporary file */
    }
    assert_int_equal(kills, 80);
    print_message("killed mid-write in %d of 80 rounds\n", midwrite);
    assert_true(midwrite > 0); /* the test did interrupt writes, not only transfers */
    /* Now the new version, fetched to the end. */
    assert_int_equal(fetch_range(f, "^GSPC", a, b, 1, NULL), EVS_OK);
    char *nw = tu_slurp(csvp);
    assert_string_not_equal(old, nw);
    for (int i = 0; i < 80; i++) {
        if (strcmp(seen[i], old) != 0 && strcmp(seen[i], nw) != 0)
            fail_msg("after kill %d the cache file is neither the old nor the new version", i);
        free(seen[i]);
    }
    free(seen);
    free(old);
    free(nw);
    /* No temporary file is left once a fetch has run after the kills. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls '%s/1d' | grep -q tmp", f->dir);
    assert_int_not_equal(system(cmd), 0);
}

static void two_fetches_at_once(void **state)
{
    /* Under valgrind (make check-valgrind sets EVS_VALGRIND) forked children
     * report the parent's memory as leaked and run too slowly to be killed
     * mid-write; these process tests run in the plain and ASan builds. */
    if (getenv("EVS_VALGRIND"))
        skip();
    fx *f = *state;
    /* The reference: one fetch of the union into another cache. */
    char ref[256];
    snprintf(ref, sizeof ref, "%s/ref", f->dir);
    evs_fetch_opts o;
    opts_for(f, &o);
    o.data_dir = ref;
    assert_int_equal(fetch_range(f, "AMD", tu_day("2024-12-02"), tu_day("2025-01-31"), 0, &o), EVS_OK);
    char refp[300], p[300];
    snprintf(refp, sizeof refp, "%s/1d/AMD.csv", ref);
    char *want = tu_slurp(refp);
    for (int round = 0; round < 5; round++) {
        char d[256];
        snprintf(d, sizeof d, "%s/c%d", f->dir, round);
        pid_t kids[2];
        for (int k = 0; k < 2; k++) {
            kids[k] = fork();
            assert_true(kids[k] >= 0);
            if (kids[k] == 0) {
                evs_fetch_opts oo;
                opts_for(f, &oo);
                oo.data_dir = d;
                evs_status st = k == 0 ? fetch_range(f, "AMD", tu_day("2024-12-02"), tu_day("2025-01-10"), 0, &oo)
                                       : fetch_range(f, "AMD", tu_day("2025-01-06"), tu_day("2025-01-31"), 0, &oo);
                _exit(st == EVS_OK ? 0 : 1);
            }
        }
        for (int k = 0; k < 2; k++) {
            int status;
            assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        snprintf(p, sizeof p, "%s/1d/AMD.csv", d);
        char *got = tu_slurp(p);
        assert_string_equal(got, want);
        free(got);
        /* The sidecar covers the union: the whole range is now up to date. */
        opts_for(f, &o);
        o.data_dir = d;
        o.offline = 1;
        assert_int_equal(fetch_range(f, "AMD", tu_day("2024-12-02"), tu_day("2025-01-31"), 0, &o), EVS_OK);
    }
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(killed_before_write_keeps_old_file, setup, teardown),
        cmocka_unit_test_setup_teardown(killed_at_random_moments, setup, teardown),
        cmocka_unit_test_setup_teardown(two_fetches_at_once, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
