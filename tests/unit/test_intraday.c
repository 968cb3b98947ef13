/*
 * test_intraday.c — intraday event studies (analysis/evs_intraday.h, evs_ibars.h).
 *
 * 1. Alignment rules on a six-bar series whose returns are written out by hand
 *    (a missing bar, a bar the benchmark lacks, a session gap; overnight
 *    include and exclude; the day-0 bar for instants inside a bar, on a bar
 *    boundary and during the gap).
 * 2. Windows in minutes, hours and bars turned into bar offsets, by hand.
 * 3. A whole run on 5-minute bars generated here (two sessions, a planted -4%
 *    move, missing bars in the estimation window and in the event window, a
 *    bar only the benchmark lacks), for overnight = include and exclude, with
 *    the market model and the constant-mean model. Every AR, Var(AR), CAR,
 *    Var(CAR), SCAR and the J1 statistic is recomputed by a naive second
 *    implementation below: its own intersection of bar times, its own gap
 *    rule, OLS from textbook sums, and Var(CAR) from the matrix form
 *    sigma^2 (I + X (X'X)^-1 X') summed over the window (CLM 1997, eq. 4.4.8
 *    and section 4.4.3), not the closed form model.c uses.
 * 4. Errors: an intraday window on a date, no bars at the interval, an
 *    estimation window too short, overlapping, empty or mixed windows.
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
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evs_date.h"
#include "evs_engine.h"
#include "evs_fetch.h"
#include "evs_ibars.h"
#include "evs_intraday.h"
#include "evs_study.h"
#include "test_rng.h"

#define T0 1741012200LL /* 2025-03-03T14:30:00Z */
#define DAY 86400LL
#define NB 30           /* bars a session */

static void close_rel(double got, double want, double tol, const char *what)
{
    double d = fabs(got - want), s = fabs(want) > 1e-300 ? fabs(want) : 1;
    if (!(d <= tol * s || d <= 1e-300)) {
        print_error("%s: got %.17g, want %.17g\n", what, got, want);
        fail();
    }
}

static void put_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* ------------------------------------------------ 1. alignment by hand */

static void bars(evs_ibars *b, const evs_instant *t, double *p, size_t n)
{
    memset(b, 0, sizeof *b);
    b->n = n;
    b->t = (evs_instant *)t;
    b->close = p;
    b->price = p;
}

static void test_align_by_hand(void **state)
{
    (void)state;
    /* security: 14:30 14:35 [14:40 missing] 14:45 14:50 | next day 14:30 14:35
     * market:   14:30 14:35  14:40          14:45 [14:50 missing] | 14:30 14:35 */
    evs_instant ts[] = {T0, T0 + 300, T0 + 900, T0 + 1200, T0 + DAY, T0 + DAY + 300};
    double ps[] = {100, 101, 99, 98, 97, 98.5};
    evs_instant tm[] = {T0, T0 + 300, T0 + 600, T0 + 900, T0 + DAY, T0 + DAY + 300};
    double pm[] = {50, 50.5, 50.2, 50.25, 49, 49.49};
    evs_ibars s, m;
    bars(&s, ts, ps, 6);
    bars(&m, tm, pm, 6);
    evs_ialigned a;
    evs_err e = {0};
    assert_int_equal(evs_ialign(&s, &m, EVS_RET_SIMPLE, 5, 30, EVS_OVERNIGHT_INCLUDE, &a, &e), EVS_OK);
    /* kept bars: 14:30 14:35 14:45 | 14:30 14:35 (14:50 dropped: the market lacks it) */
    assert_int_equal((int)a.a.n, 4);
    close_rel(a.a.r[0], 101.0 / 100 - 1, 1e-15, "regular return");
    close_rel(a.a.r[1], 99.0 / 101 - 1, 1e-15, "return across the missing 14:40 bar");
    close_rel(a.a.rm[1], 50.25 / 50.5 - 1, 1e-15, "market return over the same two intervals");
    close_rel(a.a.r[2], 97.0 / 99 - 1, 1e-15, "overnight return from 14:45, not from 14:50 (market lacks it)");
    close_rel(a.a.rm[2], 49.0 / 50.25 - 1, 1e-15, "market overnight return");
    close_rel(a.a.r[3], 98.5 / 97 - 1, 1e-15, "first regular return of day 2");
    assert_int_equal(a.gap[0], EVS_GAP_NONE);
    assert_int_equal(a.gap[1], EVS_GAP_MISSING);
    assert_int_equal(a.gap[2], EVS_GAP_SESSION);
    assert_int_equal(a.gap[3], EVS_GAP_NONE);
    assert_int_equal((int)a.n_missing, 1);
    assert_int_equal(a.a.date[0], (int)((T0 + 300) / 60));
    /* day 0: the bar that holds the instant, else the first after it */
    assert_int_equal(evs_ialigned_day0(&a, T0 + 300, 5), 0);       /* on the 14:35 boundary */
    assert_int_equal(evs_ialigned_day0(&a, T0 + 300 + 299, 5), 0); /* inside 14:35 */
    assert_int_equal(evs_ialigned_day0(&a, T0 + 600, 5), 1);       /* the missing slot: the next kept bar */
    assert_int_equal(evs_ialigned_day0(&a, T0 + 5 * 3600, 5), 2);  /* overnight: the return spanning the gap */
    assert_int_equal(evs_ialigned_day0(&a, T0 + DAY + 600, 5), -1);
    evs_ialigned_free(&a);

    /* exclude: the overnight return is dropped, day 0 of an overnight instant is 14:35 of day 2 */
    assert_int_equal(evs_ialign(&s, &m, EVS_RET_LOG, 5, 30, EVS_OVERNIGHT_EXCLUDE, &a, &e), EVS_OK);
    assert_int_equal((int)a.a.n, 3);
    close_rel(a.a.r[1], log(99.0 / 101), 1e-15, "log return across the missing bar");
    close_rel(a.a.r[2], log(98.5 / 97), 1e-15, "return after the dropped overnight one");
    assert_int_equal((int)a.n_session, 1);
    assert_int_equal(evs_ialigned_day0(&a, T0 + 5 * 3600, 5), 2);
    evs_ialigned_free(&a);

    /* a session gap of 30 minutes or less is a run of missing bars */
    assert_int_equal(evs_ialign(&s, &m, EVS_RET_SIMPLE, 5, 24 * 60, EVS_OVERNIGHT_EXCLUDE, &a, &e), EVS_OK);
    assert_int_equal((int)a.a.n, 4);
    assert_int_equal(a.gap[2], EVS_GAP_MISSING);
    evs_ialigned_free(&a);
}

static void test_bar_file(void **state)
{
    (void)state;
    evs_ibars b;
    evs_err e = {0};
    const char *ok = "time,open,close,adj_close\n2025-01-27T14:30:00Z,1,10,\n2025-01-27T09:35:00-05:00,1,11,\n";
    assert_int_equal(evs_ibars_parse("x.csv", ok, strlen(ok), &b, &e), EVS_OK);
    assert_int_equal((int)b.n, 2);
    assert_true(b.t[1] - b.t[0] == 300);
    assert_false(b.uses_adj);
    close_rel(b.price[1], 11, 0, "close used without adj_close");
    evs_ibars_free(&b);
    struct {
        const char *text, *msg;
    } bad[] = {
        {"date,close\n2025-01-27,1\n", "x.csv:1: header lacks the time column (a daily file"},
        {"time,close\n2025-01-27T14:30:00,1\n", "x.csv:2: malformed bar time"},
        {"time,close\n2025-01-27T14:30:10Z,1\n", "x.csv:2: bar time not on a whole minute (2025-01-27T14:30:10Z)"},
        {"time,close\n2025-01-27T14:35:00Z,1\n2025-01-27T14:30:00Z,1\n", "x.csv:3: out-of-order bar time"},
        {"time,close\n2025-01-27T14:35:00Z,1\n2025-01-27T14:35:00Z,1\n", "x.csv:3: duplicate bar time"},
        {"time,close\n2025-01-27T14:35:00Z,abc\n", "x.csv:2: malformed number in column close (abc)"},
        {"time,close\n2025-01-27T14:35:00Z,0\n", "x.csv: bar 2025-01-27T14:35:00Z has no positive close"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&e, 0, sizeof e);
        assert_int_equal(evs_ibars_parse("x.csv", bad[i].text, strlen(bad[i].text), &b, &e), EVS_ERR_DATA);
        if (!strstr(e.msg, bad[i].msg)) {
            print_error("case %zu: %s\n", i, e.msg);
            fail();
        }
    }
}

/* ------------------------------------------------ 2. windows to bars */

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/evs-unit-intraday-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    (void)state;
    return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static evs_status load_text(const char *text, evs_study *s, evs_err *e)
{
    char path[128];
    snprintf(path, sizeof path, "%s/study.ini", tmpdir);
    put_file(path, text);
    memset(e, 0, sizeof *e);
    return evs_study_load(path, s, e);
}

static void test_windows(void **state)
{
    (void)state;
    evs_study s;
    evs_err e;
    assert_int_equal(load_text("[study]\nmarket = M\n[event a]\ntime = 2025-01-27T15:02:00Z\nsecurities = X\n"
                               "windows = -60m..240m 0m..4m -1h..2h 0b..3b -7m..7m -60m,+240m\n"
                               "[event b]\ntime = 2025-01-27T15:02:00Z\nsecurities = X\ninterval = 1h\n"
                               "windows = 0m..59m -2h..3h\nestimation = -48h..-3h\novernight = exclude\n"
                               "[event c]\ntime = 2025-01-27\nsecurities = X\nwindows = -1..1\n",
                               &s, &e),
                     EVS_OK);
    const evs_event_def *a = &s.events[0], *b = &s.events[1], *c = &s.events[2];
    assert_true(a->intraday && b->intraday && !c->intraday);
    int want_a[6][2] = {{-12, 48}, {0, 0}, {-12, 24}, {0, 3}, {-1, 1}, {-12, 48}};
    assert_int_equal((int)a->p.nwindows, 6);
    for (int w = 0; w < 6; w++) {
        assert_int_equal(a->p.windows[w].first, want_a[w][0]);
        assert_int_equal(a->p.windows[w].last, want_a[w][1]);
    }
    char ws[32];
    assert_string_equal(evs_window_format(a->p.windows[0], ws), "-60m..240m");
    assert_string_equal(evs_window_format(a->p.windows[5], ws), "-60m..240m"); /* the form, written ours */
    /* default estimation -1440m..-61m at 5m: bars -288..-13; min_estimation half of 276 */
    assert_int_equal(a->p.estimation.first, -288);
    assert_int_equal(a->p.estimation.last, -13);
    assert_int_equal(a->p.min_estimation, 138);
    assert_int_equal(a->p.interval, 5);
    assert_int_equal(a->p.session_gap, 30);
    assert_int_equal(a->p.overnight, EVS_OVERNIGHT_INCLUDE);
    /* 1h bars: 0m..59m is bar 0; -2h..3h bars -2..3; estimation -48..-3; session gap 2 intervals */
    assert_int_equal(b->p.windows[0].first, 0);
    assert_int_equal(b->p.windows[0].last, 0);
    assert_int_equal(b->p.windows[1].first, -2);
    assert_int_equal(b->p.windows[1].last, 3);
    assert_int_equal(b->p.estimation.first, -48);
    assert_int_equal(b->p.estimation.last, -3);
    assert_int_equal(b->p.session_gap, 120);
    assert_int_equal(b->p.overnight, EVS_OVERNIGHT_EXCLUDE);
    assert_int_equal(c->p.estimation.first, -250); /* the daily event keeps the daily default */
    /* exclude_events of a daily event: event a's bars -12..48 of 5m = 60 min before, 240 after:
     * -ceil(60/300) = -1 .. ceil(240/300) + 1 = 2; event b's -2..3 of 1h: -ceil(120/300) .. ceil(180/300) + 1 */
    int f, l;
    evs_intraday_day_span(&a->p, &f, &l);
    assert_int_equal(f, -1);
    assert_int_equal(l, 2);
    evs_intraday_day_span(&b->p, &f, &l);
    assert_int_equal(f, -1);
    assert_int_equal(l, 2);
    evs_study_free(&s);
}

static void expect_error(const char *text, const char *msg)
{
    evs_study s;
    evs_err e;
    assert_int_equal(load_text(text, &s, &e), EVS_ERR_USAGE);
    char want[512];
    snprintf(want, sizeof want, "%s/study.ini:%s", tmpdir, msg);
    if (!strstr(e.msg, want)) {
        print_error("got: %s\nwant: %s\n", e.msg, want);
        fail();
    }
}

static void test_study_errors(void **state)
{
    (void)state;
    static const struct {
        const char *body, *msg;
    } cases[] = {
        {"time = 2025-01-27\nwindows = 0m..30m\n",
         "3: event a has intraday windows (0m..30m) but its time is a date (2025-01-27)"},
        {"time = 2025-01-27T15:00Z\nwindows = 0m..30m\nestimation = -30m..0m\n",
         "3: event a: estimation window -30m..0m (bars -6..0) overlaps event window 0m..30m (bars 0..6 of 5m)"},
        {"time = 2025-01-27T15:00Z\nwindows = 0m..30m\nestimation = -20m..-10m\nmin_estimation = 10\n",
         "3: event a: estimation window -20m..-10m holds 3 bars of 5m, fewer than min_estimation (10)"},
        {"time = 2025-01-27T15:00Z\nwindows = 1m..3m\n", "3: event a: window 1m..3m holds no 5m bar"},
        {"time = 2025-01-27T15:00Z\nwindows = 0m..5m -1..1\n",
         "3: event a mixes intraday windows and windows in trading days (0m..5m and -1..1)"},
        {"time = 2025-01-27T15:00Z\nwindows = 0m..5m\nestimation = -250..-11\n",
         "3: event a has intraday windows but its estimation window is in trading days (-250..-11)"},
        {"time = 2025-01-27T15:00Z\nwindows = 0m..5m\ninterval = 2m\n", "7: unknown interval (2m)"},
        {"time = 2025-01-27T15:00Z\nwindows = 0m..5h\n", "6: malformed window"},
        {"time = 2025-01-27T15:00Z\nwindows = 0m..5m\novernight = maybe\n", "7: unknown overnight (maybe)"},
        {"time = 2025-01-27T15:00Z\nwindows = 0m..5m\nsession_gap = 5m\n",
         "3: event a: session_gap (5m) must be longer than the interval (5m)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char t[1024];
        snprintf(t, sizeof t, "[study]\nmarket = M\n[event a]\nsecurities = X\n%s", cases[i].body);
        expect_error(t, cases[i].msg);
    }
}

/* ------------------------------------------------ 3. a whole run, naively */

typedef struct series {
    evs_instant t[2 * NB];
    double p[2 * NB];
    int n;
} series;

static uint64_t rng = 88172645463325252ULL;
static double unif(void)
{
    return tu_unif(&rng);
}
static double noise(void)
{
    return unif() + unif() + unif() + unif() - 2.0;
}

static evs_instant slot(int s, int k)
{
    return T0 + s * DAY + 300LL * k;
}

static series gm, ga, gb; /* market, A, B */

static void generate(void)
{
    double pm = 5000, pa = 100, pb = 40;
    gm.n = ga.n = gb.n = 0;
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < NB; k++) {
            double rm = 0.002 * noise();
            double ra = 0.0003 + 1.3 * rm + 0.002 * noise();
            double rb = 0.0001 + 0.7 * rm + 0.003 * noise();
            if (s == 1 && k == 8) { /* bar 0: 15:10 on day 2 */
                ra += -0.04;
                rb += -0.04;
            }
            pm *= 1 + rm;
            pa *= 1 + ra;
            pb *= 1 + rb;
            if (!(s == 0 && k == 15)) { /* the market lacks 2025-03-03T15:45 */
                gm.t[gm.n] = slot(s, k);
                gm.p[gm.n++] = pm;
            }
            if (!(s == 0 && k == 20) && !(s == 1 && k == 9)) { /* A lacks 16:10 on day 1 and 15:15 on day 2 */
                ga.t[ga.n] = slot(s, k);
                ga.p[ga.n++] = pa;
            }
            gb.t[gb.n] = slot(s, k);
            gb.p[gb.n++] = pb;
        }
}

static void write_series(const char *dir, const char *file, const series *x)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("time,open,high,low,close,adj_close,volume\n", fp);
    for (int i = 0; i < x->n; i++) {
        char ts[21];
        evs_instant_format(x->t[i], ts);
        fprintf(fp, "%s,,,,%.17g,,\n", ts, x->p[i]);
    }
    assert_int_equal(fclose(fp), 0);
}

/* The naive firm-event. */
typedef struct naive {
    int n;
    double r[2 * NB], rm[2 * NB];
    evs_instant t[2 * NB];
    int k0;
    double alpha, beta, s2, ar[16], var_ar[16], car[3], var_car[3], scar[3];
    int L1;
} naive;

static int find(const series *x, evs_instant t)
{
    for (int i = 0; i < x->n; i++)
        if (x->t[i] == t)
            return i;
    return -1;
}

/* windows of the run: 0m..0m = 0..0, -10m..14m = -2..2, 0b..3b = 0..3; estimation -30b..-3b */
static const int W[3][2] = {{0, 0}, {-2, 2}, {0, 3}};

static void naive_firm(const series *x, const series *m, int market_model, int exclude, evs_instant instant,
                       naive *nv)
{
    memset(nv, 0, sizeof *nv);
    /* the bar times both have */
    evs_instant kt[2 * NB];
    double kp[2 * NB], kq[2 * NB];
    int nk = 0;
    for (int i = 0; i < x->n; i++) {
        int j = m ? find(m, x->t[i]) : i;
        if (j < 0)
            continue;
        kt[nk] = x->t[i];
        kp[nk] = x->p[i];
        kq[nk++] = m ? m->p[j] : NAN;
    }
    for (int i = 1; i < nk; i++) {
        if (exclude && kt[i] - kt[i - 1] > 30 * 60)
            continue;
        nv->t[nv->n] = kt[i];
        nv->r[nv->n] = kp[i] / kp[i - 1] - 1;
        nv->rm[nv->n++] = kq[i] / kq[i - 1] - 1;
    }
    nv->k0 = -1;
    for (int i = 0; i < nv->n && nv->k0 < 0; i++)
        if (nv->t[i] + 300 > instant)
            nv->k0 = i;
    int e1 = nv->k0 - 30, e2 = nv->k0 - 3, L = e2 - e1 + 1;
    nv->L1 = L;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = e1; i <= e2; i++) {
        sx += nv->rm[i];
        sy += nv->r[i];
        sxx += nv->rm[i] * nv->rm[i];
        sxy += nv->rm[i] * nv->r[i];
    }
    if (market_model) {
        nv->beta = (L * sxy - sx * sy) / (L * sxx - sx * sx);
        nv->alpha = (sy - nv->beta * sx) / L;
    } else {
        nv->beta = 0;
        nv->alpha = sy / L;
    }
    double ssr = 0;
    for (int i = e1; i <= e2; i++) {
        double u = nv->r[i] - nv->alpha - (market_model ? nv->beta * nv->rm[i] : 0);
        ssr += u * u;
    }
    nv->s2 = ssr / (L - (market_model ? 2 : 1));
    /* (X'X)^-1 for X = [1 rm] (market model) or [1] (constant mean) */
    double det = L * sxx - sx * sx, i00 = sxx / det, i01 = -sx / det, i11 = L / det;
    for (int d = -2; d <= 3; d++) {
        int k = nv->k0 + d;
        double xt = nv->rm[k];
        double h = market_model ? i00 + 2 * i01 * xt + i11 * xt * xt : 1.0 / L;
        nv->ar[d + 2] = nv->r[k] - nv->alpha - nv->beta * (market_model ? xt : 0);
        nv->var_ar[d + 2] = nv->s2 * (1 + h);
    }
    for (int w = 0; w < 3; w++) {
        double c = 0, v = 0;
        for (int d = W[w][0]; d <= W[w][1]; d++) {
            c += nv->ar[d + 2];
            for (int g = W[w][0]; g <= W[w][1]; g++) {
                double xt = nv->rm[nv->k0 + d], xs = nv->rm[nv->k0 + g];
                double h = market_model ? i00 + i01 * (xt + xs) + i11 * xt * xs : 1.0 / L;
                v += nv->s2 * ((d == g) + h);
            }
        }
        nv->car[w] = c;
        nv->var_car[w] = v;
        nv->scar[w] = c / sqrt(v);
    }
}

static const evs_instant INSTANT = T0 + DAY + 40 * 60 + 150; /* 2025-03-04T15:12:30Z, in the 15:10 bar */

static void warn_count(void *ctx, const char *msg)
{
    (void)msg;
    (*(int *)ctx)++;
}

static void compare(const evs_firm *f, const naive *nv, int market_model, const char *who)
{
    char what[128];
    assert_true(f->ok);
    assert_int_equal(f->fit.L1, nv->L1);
    assert_int_equal(f->day0_date, (int)(nv->t[nv->k0] / 60));
    snprintf(what, sizeof what, "%s alpha", who);
    close_rel(f->fit.alpha, nv->alpha, 1e-9, what);
    if (market_model) {
        snprintf(what, sizeof what, "%s beta", who);
        close_rel(f->fit.beta, nv->beta, 1e-10, what);
    }
    snprintf(what, sizeof what, "%s sigma^2", who);
    close_rel(f->fit.sigma2, nv->s2, 1e-10, what);
    assert_int_equal(f->span_first, -2);
    assert_int_equal(f->span_last, 3);
    for (int d = 0; d < 6; d++) {
        assert_int_equal(f->sp_date[d], (int)(nv->t[nv->k0 - 2 + d] / 60));
        snprintf(what, sizeof what, "%s AR(%d)", who, d - 2);
        close_rel(f->sp_ar[d], nv->ar[d], 1e-10, what);
        snprintf(what, sizeof what, "%s Var(AR(%d))", who, d - 2);
        close_rel(f->sp_var[d], nv->var_ar[d], 1e-10, what);
    }
    for (int w = 0; w < 3; w++) {
        snprintf(what, sizeof what, "%s CAR w%d", who, w);
        close_rel(f->car[w], nv->car[w], 1e-10, what);
        snprintf(what, sizeof what, "%s Var(CAR) w%d", who, w);
        close_rel(f->var_car[w], nv->var_car[w], 1e-10, what);
        snprintf(what, sizeof what, "%s SCAR w%d", who, w);
        close_rel(f->scar[w], nv->scar[w], 1e-9, what);
    }
}

static void run_case(int exclude)
{
    generate();
    char data[128], d5[160], path[200], ini[1024];
    snprintf(data, sizeof data, "%s/run%d", tmpdir, exclude);
    mkdir(data, 0777);
    snprintf(d5, sizeof d5, "%s/5m", data);
    mkdir(d5, 0777);
    write_series(d5, "M.csv", &gm);
    write_series(d5, "A.csv", &ga);
    write_series(d5, "B.csv", &gb);
    snprintf(ini, sizeof ini,
             "[study]\ndata = .\nmarket = M\novernight = %s\n"
             "estimation = -30b..-3b\nmin_estimation = 20\nwindows = 0m..0m -10m..14m 0b..3b\n"
             "[event mm]\ntime = 2025-03-04T15:12:30Z\nsecurities = A B\n"
             "[event cm]\ntime = 2025-03-04T10:12:30-05:00\nsecurities = B\nmodel = constant-mean\nmarket = none\n",
             exclude ? "exclude" : "include");
    snprintf(path, sizeof path, "%s/study.ini", data);
    put_file(path, ini);
    evs_study s;
    evs_err e = {0};
    assert_int_equal(evs_study_load(path, &s, &e), EVS_OK);
    evs_run r;
    int nwarn = 0;
    evs_warner w = {warn_count, &nwarn};
    if (evs_run_study(&s, &w, &r, &e) != EVS_OK) {
        print_error("%s\n", e.msg);
        fail();
    }
    naive na, nb, nc;
    naive_firm(&ga, &gm, 1, exclude, INSTANT, &na);
    naive_firm(&gb, &gm, 1, exclude, INSTANT, &nb);
    naive_firm(&gb, NULL, 0, exclude, INSTANT, &nc);
    /* the generated data do what this test claims */
    assert_int_equal((int)na.t[na.k0], (int)slot(1, 8));           /* bar 0 is 15:10 of day 2 */
    assert_int_equal((int)na.t[na.k0 + 1], (int)slot(1, 10));      /* A's bar +1 spans the missing 15:15 */
    assert_int_equal((int)(na.t[na.k0 - 8] - slot(1, 0)), exclude ? (int)(slot(0, 29) - slot(1, 0)) : 0);
    assert_true(na.ar[2] < -0.03 && na.ar[2] > -0.05); /* the planted -4% */
    assert_true(nb.ar[2] < -0.03 && nb.ar[2] > -0.05);
    compare(&r.ev[0].firm[0], &na, 1, exclude ? "A excl" : "A incl");
    compare(&r.ev[0].firm[1], &nb, 1, exclude ? "B excl" : "B incl");
    compare(&r.ev[1].firm[0], &nc, 0, exclude ? "B cm excl" : "B cm incl");
    /* span_minutes: A's bar +1 (span index 3) is taken across the missing 15:15 bar: 10 minutes */
    assert_int_equal(evs_intraday_span_minutes(&r, 0, 0, 3), 10);
    assert_int_equal(evs_intraday_span_minutes(&r, 0, 0, 2), 5);
    assert_int_equal(evs_intraday_span_minutes(&r, 0, 1, 3), 5);
    /* J1 = CAAR / sqrt(sum Var(CAR_i) / N^2) (CLM section 4.4.3) over A and B */
    for (int k = 0; k < 3; k++) {
        double caar = (na.car[k] + nb.car[k]) / 2, j1 = caar / sqrt((na.var_car[k] + nb.var_car[k]) / 4);
        close_rel(r.ev[0].tests[k][EVS_T_J1].estimate, caar, 1e-10, "CAAR");
        close_rel(r.ev[0].tests[k][EVS_T_J1].statistic, j1, 1e-9, "J1");
    }
    /* warnings: A's span crosses the missing 15:15 bar; with include nothing crosses the gap in -2..3 */
    assert_true(nwarn >= 1);
    int seen = 0;
    for (size_t i = 0; i < r.nwarnings; i++)
        seen += strstr(r.warnings[i], "event mm: A: 1 return in the event span crosses missing 5m bars") != NULL &&
                strstr(r.warnings[i], "bar 1, 2025-03-04T15:20:00Z after 2025-03-04T15:10:00Z, spans 2") != NULL;
    assert_int_equal(seen, 1);
    evs_run_free(&r);
    evs_study_free(&s);
}

static void test_run_include(void **state)
{
    (void)state;
    run_case(0);
}

static void test_run_exclude(void **state)
{
    (void)state;
    run_case(1);
}

/* ------------------------------------------------ 4. run-time errors */

static void test_run_errors(void **state)
{
    (void)state;
    char data[128], path[200];
    snprintf(data, sizeof data, "%s/nodata", tmpdir);
    mkdir(data, 0777);
    snprintf(path, sizeof path, "%s/study.ini", data);
    put_file(path, "[study]\ndata = .\nmarket = M\n[event a]\ntime = 2025-03-04T15:12:30Z\nsecurities = A\n"
                   "windows = 0m..0m\ninterval = 1m\n");
    evs_study s;
    evs_err e = {0};
    assert_int_equal(evs_study_load(path, &s, &e), EVS_OK);
    evs_run r;
    assert_int_equal(evs_run_study(&s, NULL, &r, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "1m bars for A (fetch them with 'evstudy fetch A --interval 1m"));
    assert_non_null(strstr(e.msg, "/1m/A.csv: cannot open"));
    evs_study_free(&s);
}

/* ------------------------------------------------ 5. what fetch plans */

static void test_fetch_plan(void **state)
{
    (void)state;
    evs_study s;
    evs_err e;
    assert_int_equal(load_text("[study]\nmarket = M\nwindows = -1..1\n"
                               "[event d]\ntime = 2025-01-27\nsecurities = D\n"
                               "[event i]\ntime = 2025-01-27T15:02:00Z\nsecurities = X\nmarket = N\n"
                               "windows = 0m..0m -30m..60m\n",
                               &s, &e),
                     EVS_OK);
    int d;
    assert_int_equal(evs_date_parse("2025-01-27", 10, &d), 0);
    evs_fetch_plan p;
    long long now = (long long)(d + 10) * 86400;
    /* 1d: the daily event only; 250 trading days -> 250 * 7/5 * 1.08 = 378 calendar days, + 14 */
    assert_int_equal(evs_fetch_plan_study_at(&s, "1d", now, &p, &e), EVS_OK);
    assert_int_equal((int)p.n, 2);
    assert_string_equal(p.items[0].symbol, "D");
    assert_string_equal(p.items[1].symbol, "M");
    assert_int_equal(p.items[0].from, d - 378 - 14);
    assert_int_equal(p.items[0].to, d + 10); /* d + 2 + 14, capped at today */
    evs_fetch_plan_free(&p);
    /* 5m: bars -288..12; 288 x 5 min = 4.8 -> 5 weekdays of 300 minutes -> 8 calendar days, + 3;
     * 12 bars = 60 min -> 1 weekday -> 2 days, + 2 */
    assert_int_equal(evs_fetch_plan_study_at(&s, "5m", now, &p, &e), EVS_OK);
    assert_int_equal((int)p.n, 2);
    assert_string_equal(p.items[0].symbol, "X");
    assert_string_equal(p.items[1].symbol, "N");
    assert_int_equal(p.items[0].from, d - 8 - 3);
    assert_int_equal(p.items[0].to, d + 2 + 2);
    evs_fetch_plan_free(&p);
    /* 55 days later the provider keeps 5m bars from today - 59 only */
    now = (long long)(d + 55) * 86400;
    assert_int_equal(evs_fetch_plan_study_at(&s, "5m", now, &p, &e), EVS_OK);
    assert_int_equal(p.items[0].from, d + 55 - 59);
    evs_fetch_plan_free(&p);
    /* a year later nothing is left to fetch; and no event uses 1m bars */
    now = (long long)(d + 365) * 86400;
    assert_int_equal(evs_fetch_plan_study_at(&s, "5m", now, &p, &e), EVS_ERR_USAGE);
    assert_non_null(strstr(e.msg, "event i lies in the future or beyond what the provider keeps of its bars"));
    assert_int_equal(evs_fetch_plan_study_at(&s, "1m", now, &p, &e), EVS_ERR_USAGE);
    assert_non_null(strstr(e.msg, "no event uses 1m bars; 2 events use other bars"));
    evs_study_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_align_by_hand), cmocka_unit_test(test_bar_file),
        cmocka_unit_test(test_windows),       cmocka_unit_test(test_study_errors),
        cmocka_unit_test(test_run_include),   cmocka_unit_test(test_run_exclude),
        cmocka_unit_test(test_run_errors),    cmocka_unit_test(test_fetch_plan),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
