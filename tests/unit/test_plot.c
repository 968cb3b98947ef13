/*
 * test_plot.c — chart data files against the result files they came from,
 * the gnuplot runs (no warnings), quoting and the injection guard.
 *
 * Numbers are recomputed here from the raw files with plain string parsing
 * (price index = 100·P_t/P_−1 from the data CSV; AR and its band from
 * abnormal_returns.csv; CAAR band from aar.csv), not through the library.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "evs_mem.h"
#include "evs_plot.h"
#include "evs_outdir.h"
#include "test_plot_util.h"

static int have_gnuplot(void)
{
    evs_plot_opts o = {0};
    return evs_plot_have_gnuplot(&o);
}

static void warn_collect(void *ud, const char *msg)
{
    size_t *n = ud;
    fprintf(stderr, "(warning in test) %s\n", msg);
    (*n)++;
}

static void test_gp_quote(void **state)
{
    (void)state;
    char *q = evs_gp_quote("It's `touch x`");
    assert_string_equal(q, "'It''s `touch x`'");
    evs_free(q);
    q = evs_gp_quote("a\nb\r\n\tc\x01\x7f" "d");
    assert_string_equal(q, "'a b cd'");
    evs_free(q);
    q = evs_gp_quote("");
    assert_string_equal(q, "''");
    evs_free(q);
    q = evs_gp_quote("Ünïcødé — ^GSPC");
    assert_string_equal(q, "'Ünïcødé — ^GSPC'");
    evs_free(q);
}

static void test_slug(void **state)
{
    (void)state;
    char *s = evs_plot_slug("deepseek-selloff");
    assert_string_equal(s, "deepseek-selloff");
    evs_free(s);
    s = evs_plot_slug("../`rm -rf`/x");
    assert_string_equal(s, "_.__rm_-rf__x");
    assert_null(strchr(s, '/'));
    evs_free(s);
    s = evs_plot_slug("");
    assert_string_equal(s, "event");
    evs_free(s);
}

static void test_results_load(void **state)
{
    (void)state;
    evs_outdir r;
    evs_err e = {0};
    assert_int_equal(evs_outdir_load(FIXTURE, &r, &e), EVS_OK);
    assert_int_equal(r.nevents, 2);
    assert_string_equal(r.events[0].name, "deepseek-selloff");
    assert_string_equal(r.events[0].market, "^GSPC");
    assert_int_equal(r.events[0].nwindows, 3);
    assert_int_equal(r.nar, 2 * 4 * 6);
    assert_int_equal(r.naar, 2 * 6);
    assert_int_equal(r.nest, 10);
    assert_false(r.est[4].ok);
    assert_non_null(strstr(r.est[4].reason, "min_estimation"));
    assert_int_equal(r.ntest, 2 * 3 * 8);
    assert_true(isnan(r.test[1].df));
    assert_int_equal(r.ndata, 6);
    assert_null(r.sim);
    evs_outdir_free(&r);
}

static void test_results_errors(void **state)
{
    (void)state;
    const char *dir = fixture_copy();
    assert_non_null(dir);
    char path[256];
    snprintf(path, sizeof path, "%s/aar.csv", dir);
    spit(path, "event,day,date,n,aar,caar,se_aar\n");
    evs_outdir r;
    evs_err e = {0};
    assert_int_equal(evs_outdir_load(dir, &r, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "aar.csv:1: missing column (se_caar)"));
    spit(path, "event,day,date,n,aar,caar,se_aar,se_caar\nx,0,2025-01-27,4,oops,1,1,1\n");
    assert_int_equal(evs_outdir_load(dir, &r, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "aar.csv:2: aar is not a number (oops)"));
    remove(path);
    assert_int_equal(evs_outdir_load(dir, &r, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "aar.csv"));
    rm_rf(dir);
}

/* Write the data files of a fresh copy; returns the copy's folder. */
static const char *write_data(evs_chart_set *set, evs_outdir *r)
{
    const char *dir = fixture_copy();
    assert_non_null(dir);
    evs_err e = {0};
    assert_int_equal(evs_outdir_load(dir, r, &e), EVS_OK);
    size_t nw = 0;
    evs_warner w = {warn_collect, &nw};
    assert_int_equal(evs_plot_write_data(r, NULL, set, &w, &e), EVS_OK);
    assert_int_equal(nw, 0);
    return dir;
}

/* The close of `date` and of the row before `day0` in a raw price CSV. */
static void raw_prices(const char *file, const char *date, const char *day0, double *p, double *base)
{
    char *t = slurp(file);
    assert_non_null(t);
    *p = *base = NAN;
    double prev = NAN;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        char d[16], close[32];
        csv_field(line, 0, d, sizeof d);
        csv_field(line, 4, close, sizeof close);
        double v = strtod(close, NULL);
        if (strcmp(d, day0) == 0)
            *base = prev;
        if (strcmp(d, date) == 0)
            *p = v;
        prev = v;
    }
    free(t);
}

static void test_price_data(void **state)
{
    (void)state;
    evs_chart_set set;
    evs_outdir r;
    const char *dir = write_data(&set, &r);
    char path[256];
    snprintf(path, sizeof path, "%s/charts/deepseek-selloff/price.dat", dir);
    char *t = slurp(path);
    assert_non_null(t);
    /* blocks in labels.gp order: NVDA AMD AVGO TSM ^GSPC */
    static const char *files[] = {FIXTURE "/data/NVDA.csv", FIXTURE "/data/AMD.csv", FIXTURE "/data/AVGO.csv",
                                  FIXTURE "/data/TSM.csv", FIXTURE "/data/%5EGSPC.csv"};
    size_t block = 0, rows = 0, checked = 0;
    int blank = 0;
    for (char *p = t; *p;) {
        char *nl = strchr(p, '\n');
        *nl = 0;
        if (*p == '#') {
        } else if (*p == 0) {
            if (++blank == 2) {
                assert_int_equal(rows, 21); /* day -10 .. +10 */
                block++;
                rows = 0;
            }
        } else {
            blank = 0;
            char date[16];
            double idx, price;
            int day;
            assert_int_equal(sscanf(p, "%15s\t%lf\t%lf\t%d", date, &idx, &price, &day), 4);
            double raw, base;
            raw_prices(files[block], date, "2025-01-27", &raw, &base);
            assert_true(fabs(price - raw) <= 1e-12 * raw);
            assert_true(fabs(idx - 100 * raw / base) <= 1e-12 * idx);
            if (strcmp(date, "2025-01-27") == 0)
                assert_int_equal(day, 0);
            rows++;
            checked++;
        }
        p = nl + 1;
    }
    assert_int_equal(block, 5);
    assert_int_equal(checked, 5 * 21);
    /* labels.gp names the blocks */
    snprintf(path, sizeof path, "%s/charts/deepseek-selloff/labels.gp", dir);
    char *l = slurp(path);
    assert_non_null(strstr(l, "price_name[5] = '^GSPC'\nprice_style[5] = 101\n"));
    assert_non_null(strstr(l, "day0_date = '2025-01-27'"));
    free(l);
    free(t);
    evs_chart_set_free(&set);
    evs_outdir_free(&r);
    rm_rf(dir);
}

static void test_ar_day0_data(void **state)
{
    (void)state;
    evs_chart_set set;
    evs_outdir r;
    const char *dir = write_data(&set, &r);
    char path[256];
    snprintf(path, sizeof path, "%s/charts/deepseek-nature/ar_day0.dat", dir);
    char *t = slurp(path);
    char *ar = slurp(FIXTURE "/abnormal_returns.csv");
    assert_non_null(t);
    double last = -INFINITY;
    size_t n = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        if (*line == '#')
            continue;
        int rank;
        char sym[32];
        double a, lo, hi, ret, mret;
        assert_int_equal(sscanf(line, "%d\t%31s\t%lf\t%lf\t%lf\t%lf\t%lf", &rank, sym, &a, &lo, &hi, &ret, &mret), 7);
        assert_int_equal(rank, (int)++n);
        assert_true(a >= last); /* sorted */
        last = a;
        /* the row of abnormal_returns.csv for (deepseek-nature, sym, day 0) */
        char key[64];
        snprintf(key, sizeof key, "\ndeepseek-nature,%s,", sym);
        char *row = strstr(ar, key);
        int found = 0;
        for (; row; row = strstr(row + 1, key)) {
            char f[64];
            csv_field(row + 1, 3, f, sizeof f);
            if (strcmp(f, "0") != 0)
                continue;
            found = 1;
            csv_field(row + 1, 7, f, sizeof f);
            double want = strtod(f, NULL);
            csv_field(row + 1, 8, f, sizeof f);
            double sar = strtod(f, NULL);
            csv_field(row + 1, 4, f, sizeof f);
            double wret = strtod(f, NULL);
            assert_true(fabs(a - 100 * want) <= 1e-12 * fabs(a));
            assert_true(fabs(lo - 100 * (want - 1.96 * want / sar)) <= 1e-10 * fabs(lo));
            assert_true(fabs(hi - 100 * (want + 1.96 * want / sar)) <= 1e-10 * fabs(hi) + 1e-12);
            assert_true(fabs(ret - 100 * wret) <= 1e-12 * fabs(ret));
            break;
        }
        assert_true(found);
    }
    assert_int_equal(n, 4);
    free(ar);
    free(t);
    evs_chart_set_free(&set);
    evs_outdir_free(&r);
    rm_rf(dir);
}

static void test_caar_car_data(void **state)
{
    (void)state;
    evs_chart_set set;
    evs_outdir r;
    const char *dir = write_data(&set, &r);
    char path[256];
    snprintf(path, sizeof path, "%s/charts/deepseek-selloff/caar.dat", dir);
    char *t = slurp(path);
    char *aar = slurp(FIXTURE "/aar.csv");
    size_t n = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        if (*line == '#')
            continue;
        int day;
        char lab[16], lab2[16];
        double caar, lo, hi, a, nn;
        assert_int_equal(sscanf(line, "%d\t%15s %15s\t%lf\t%lf\t%lf\t%lf\t%lf", &day, lab, lab2, &caar, &lo, &hi, &a,
                                &nn),
                         8);
        char key[64], f[64];
        snprintf(key, sizeof key, "\ndeepseek-selloff,%d,", day);
        char *row = strstr(aar, key);
        assert_non_null(row);
        csv_field(row + 1, 5, f, sizeof f);
        double want = strtod(f, NULL);
        csv_field(row + 1, 7, f, sizeof f);
        double se = strtod(f, NULL);
        assert_true(fabs(caar - 100 * want) <= 1e-12 * fabs(caar));
        assert_true(fabs(lo - 100 * (want - 1.96 * se)) <= 1e-10 * fabs(lo) + 1e-12);
        assert_true(fabs(hi - 100 * (want + 1.96 * se)) <= 1e-10 * fabs(hi) + 1e-12);
        assert_int_equal((int)nn, 4);
        n++;
    }
    assert_int_equal(n, 6);
    free(t);
    /* car.dat: the CAR column of abnormal_returns.csv, per security */
    snprintf(path, sizeof path, "%s/charts/deepseek-selloff/car.dat", dir);
    t = slurp(path);
    char *ar = slurp(FIXTURE "/abnormal_returns.csv");
    static const char *syms[] = {"NVDA", "AMD", "AVGO", "TSM"};
    size_t block = 0, rows = 0;
    int blank = 0;
    for (char *p = t; *p;) {
        char *nl = strchr(p, '\n');
        *nl = 0;
        if (*p == 0) {
            if (++blank == 2) {
                assert_int_equal(rows, 6);
                block++;
                rows = 0;
            }
        } else if (*p != '#') {
            blank = 0;
            int day;
            double car;
            char l1[16], l2[16];
            assert_int_equal(sscanf(p, "%d\t%15s %15s\t%lf", &day, l1, l2, &car), 4);
            char key[64], f[64];
            snprintf(key, sizeof key, "\ndeepseek-selloff,%s,", syms[block]);
            char *row = strstr(ar, key);
            for (; row; row = strstr(row + 1, key)) {
                csv_field(row + 1, 3, f, sizeof f);
                if (atoi(f) == day)
                    break;
            }
            assert_non_null(row);
            csv_field(row + 1, 9, f, sizeof f);
            assert_true(fabs(car - 100 * strtod(f, NULL)) <= 1e-12 * fabs(car));
            rows++;
        }
        p = nl + 1;
    }
    assert_int_equal(block, 4);
    free(ar);
    free(t);
    free(aar);
    evs_chart_set_free(&set);
    evs_outdir_free(&r);
    rm_rf(dir);
}

static void test_render_clean(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    evs_chart_set set;
    evs_outdir r;
    const char *dir = write_data(&set, &r);
    evs_plot_opts o = {.scripts_dir = "plots"};
    evs_err e = {0};
    size_t nw = 0;
    evs_warner w = {warn_collect, &nw};
    assert_int_equal(evs_plot_render(&set, &o, &w, &e), EVS_OK);
    assert_int_equal(set.n, 8);
    for (size_t i = 0; i < set.n; i++) {
        assert_true(set.c[i].rendered);
        /* no gnuplot warnings at all */
        assert_non_null(set.c[i].gp_stderr);
        assert_string_equal(set.c[i].gp_stderr, "");
        assert_true(file_size(set.c[i].svg) > 2000);
        assert_true(file_size(set.c[i].png) > 2000);
    }
    assert_int_equal(nw, 0);
    evs_chart_set_free(&set);
    evs_outdir_free(&r);
    rm_rf(dir);
}

/* An event named with a backquoted shell command, a title with quotes,
 * newlines and non-ASCII: gnuplot runs nothing and prints the text as is. */
static void test_injection_and_unicode(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    char pwned[64];
    snprintf(pwned, sizeof pwned, "/tmp/evs-pwned-%ld", (long)getpid());
    remove(pwned);
    const char *dir = fixture_copy();
    char evil[128];
    snprintf(evil, sizeof evil, "`touch %s`", pwned);
    fixture_rename(dir, "deepseek-selloff", evil, evil);
    /* Nature's "paper" — Ünïcødé: CSV doubles the quotes, JSON escapes them */
    fixture_rename(dir, "deepseek-nature", "\"Nature's \"\"paper\"\" — Ünïcødé\"",
                   "Nature's \\\"paper\\\" — Ünïcødé");
    fixture_rename(dir, "DeepSeek-R1 selloff, January 2025",
                   "", "It's \\\"DeepSeek\\\"\\nsecond line: Ünïcødé <b>&amp;</b>");
    evs_outdir r;
    evs_err e = {0};
    assert_int_equal(evs_outdir_load(dir, &r, &e), EVS_OK);
    assert_string_equal(r.events[1].name, "Nature's \"paper\" — Ünïcødé");
    assert_string_equal(r.title, "It's \"DeepSeek\"\nsecond line: Ünïcødé <b>&amp;</b>");
    evs_chart_set set;
    size_t nw = 0;
    evs_warner w = {warn_collect, &nw};
    assert_int_equal(evs_plot_write_data(&r, NULL, &set, &w, &e), EVS_OK);
    evs_plot_opts o = {.scripts_dir = "plots"};
    assert_int_equal(evs_plot_render(&set, &o, &w, &e), EVS_OK);
    for (size_t i = 0; i < set.n; i++) {
        assert_true(set.c[i].rendered);
        assert_string_equal(set.c[i].gp_stderr, "");
    }
    assert_int_equal(nw, 0);
    /* nothing ran */
    assert_int_equal(access(pwned, F_OK), -1);
    /* folders are slugs: no backquote, no slash from the name */
    assert_non_null(set.ev_dir[0]);
    assert_null(strchr(strrchr(set.ev_dir[0], '/'), '`'));
    /* the text reached the chart intact (SVG escapes only < and &) */
    char path[512];
    snprintf(path, sizeof path, "%s/ar_day0.svg", set.ev_dir[0]);
    char *svg = slurp(path);
    assert_non_null(strstr(svg, evil));
    free(svg);
    snprintf(path, sizeof path, "%s/caar.svg", set.ev_dir[1]);
    svg = slurp(path);
    assert_non_null(strstr(svg, "Nature's \"paper\" — Ünïcødé"));
    free(svg);
    /* and labels.gp holds it single-quoted with the quote doubled */
    snprintf(path, sizeof path, "%s/labels.gp", set.ev_dir[1]);
    char *l = slurp(path);
    assert_non_null(strstr(l, "event_name = 'Nature''s \"paper\" — Ünïcødé'\n"));
    assert_non_null(strstr(l, "study_title = 'It''s \"DeepSeek\" second line: Ünïcødé <b>&amp;</b>'\n"));
    free(l);
    evs_chart_set_free(&set);
    evs_outdir_free(&r);
    rm_rf(dir);
}

static void test_missing_gnuplot(void **state)
{
    (void)state;
    const char *dir = fixture_copy();
    char before[256];
    snprintf(before, sizeof before, "%s/abnormal_returns.csv", dir);
    char *orig = slurp(before);
    evs_outdir r;
    evs_err e = {0};
    assert_int_equal(evs_outdir_load(dir, &r, &e), EVS_OK);
    evs_chart_set set;
    assert_int_equal(evs_plot_write_data(&r, NULL, &set, NULL, &e), EVS_OK);
    evs_plot_opts o = {.gnuplot = "/nonexistent/gnuplot", .scripts_dir = "plots"};
    assert_int_equal(evs_plot_render(&set, &o, NULL, &e), EVS_ERR_IO);
    assert_non_null(strstr(e.msg, "apt-get install gnuplot-nox"));
    /* data files written, results untouched */
    char path[512];
    snprintf(path, sizeof path, "%s/ar_day0.dat", set.ev_dir[0]);
    assert_true(file_size(path) > 0);
    char *now = slurp(before);
    assert_string_equal(now, orig);
    free(now);
    free(orig);
    /* a program that is not on PATH */
    o.gnuplot = "evs-no-such-gnuplot";
    assert_int_equal(evs_plot_render(&set, &o, NULL, &e), EVS_ERR_IO);
    assert_non_null(strstr(e.msg, "gnuplot-nox"));
    evs_chart_set_free(&set);
    evs_outdir_free(&r);
    rm_rf(dir);
}

static void test_failing_script(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    const char *dir = fixture_copy();
    evs_outdir r;
    evs_err e = {0};
    assert_int_equal(evs_outdir_load(dir, &r, &e), EVS_OK);
    evs_chart_set set;
    assert_int_equal(evs_plot_write_data(&r, NULL, &set, NULL, &e), EVS_OK);
    /* a scripts folder whose price.gp is broken */
    char sdir[256], path[512];
    snprintf(sdir, sizeof sdir, "%s/badplots", dir);
    mkdir(sdir, 0755);
    snprintf(path, sizeof path, "%s/price.gp", sdir);
    spit(path, "plot this_is_not_a_function(x)\n");
    evs_plot_opts o = {.scripts_dir = sdir};
    assert_int_equal(evs_plot_render(&set, &o, NULL, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "gnuplot failed (exit status"));
    assert_non_null(strstr(e.msg, "this_is_not_a_function"));
    evs_chart_set_free(&set);
    evs_outdir_free(&r);
    rm_rf(dir);
}

/* The two optional charts: intraday paths and the simulation's curves. */
static void test_intraday_and_simulation(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    char dir[] = "/tmp/evs-plot-intra-XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    static const char *bars[] = {"2025-01-26T23:00:00Z", "2025-01-26T23:05:00Z", "2025-01-26T23:10:00Z",
                                 "2025-01-26T23:15:00Z", "2025-01-26T23:20:00Z"};
    static const double ret[] = {0.001, -0.002, -0.011, -0.006, 0.002};
    char ar[2048] = "event,symbol,date,day,return,market_return,expected,ar,sar,car\n";
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < 5; i++)
            snprintf(ar + strlen(ar), sizeof ar - strlen(ar), "news,%s,%s,%d,%g,,0,%g,,\n", s ? "ES=F" : "NQ=F",
                     bars[i], i - 2, ret[i] * (s ? 0.7 : 1), ret[i] * (s ? 0.7 : 1));
    snprintf(path, sizeof path, "%s/abnormal_returns.csv", dir);
    spit(path, ar);
    snprintf(path, sizeof path, "%s/aar.csv", dir);
    spit(path, "event,day,date,n,aar,caar,se_aar,se_caar\n");
    snprintf(path, sizeof path, "%s/estimates.csv", dir);
    spit(path, "event,symbol,model,est_first,est_last,n,alpha,beta,sigma,r2,status,reason\n");
    snprintf(path, sizeof path, "%s/cars.csv", dir);
    spit(path, "event,symbol,window,car,var_car,scar,bhar\n");
    snprintf(path, sizeof path, "%s/tests.csv", dir);
    spit(path, "event,window,test,n,estimate,statistic,df,p_value\n");
    snprintf(path, sizeof path, "%s/run.json", dir);
    spit(path, "{\"program\":\"evstudy\",\"version\":\"0\",\"study\":{\"path\":\"x.ini\",\"sha256\":\"\","
               "\"title\":\"t\"},\"events\":[{\"name\":\"news\",\"date\":\"2025-01-26T23:10:00Z\"}]}");
    snprintf(path, sizeof path, "%s/simulation.csv", dir);
    spit(path, "test,shock,rejection_rate\nbmp,0,0.052\nbmp,0.01,0.61\nbmp,0.005,0.22\n"
               "patell,0,0.081\npatell,0.005,0.30\npatell,0.01,0.72\n");
    evs_outdir r;
    evs_err e = {0};
    assert_int_equal(evs_outdir_load(dir, &r, &e), EVS_OK);
    assert_int_equal(r.nsim, 6);
    evs_chart_set set;
    assert_int_equal(evs_plot_write_data(&r, NULL, &set, NULL, &e), EVS_OK);
    evs_plot_opts o = {.scripts_dir = "plots"};
    assert_int_equal(evs_plot_render(&set, &o, NULL, &e), EVS_OK);
    int seen_intraday = 0, seen_sim = 0;
    for (size_t i = 0; i < set.n; i++) {
        assert_string_equal(set.c[i].gp_stderr, "");
        seen_intraday |= strcmp(set.c[i].kind, "intraday") == 0;
        seen_sim |= strcmp(set.c[i].kind, "simulation") == 0;
    }
    assert_true(seen_intraday && seen_sim);
    /* the intraday index is 100 at the bar before day 0 and compounds after */
    snprintf(path, sizeof path, "%s/charts/news/intraday.dat", dir);
    char *t = slurp(path);
    assert_non_null(strstr(t, "2025-01-26T23:05:00Z\t100\t-1\n"));
    double want = 100 * (1 - 0.011);
    char line[128];
    snprintf(line, sizeof line, "2025-01-26T23:10:00Z\t%.15g\t0\n", want);
    assert_non_null(strstr(t, line));
    free(t);
    /* the simulation rows by increasing shock, in percent */
    snprintf(path, sizeof path, "%s/charts/simulation/sim.dat", dir);
    t = slurp(path);
    assert_non_null(strstr(t, "0\t5.2\n0.5\t22\n1\t61\n\n\n0\t8.1\n0.5\t30\n1\t72\n"));
    free(t);
    evs_chart_set_free(&set);
    evs_outdir_free(&r);
    rm_rf(dir);
}

int main(void)
{
    go_root();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gp_quote),        cmocka_unit_test(test_slug),
        cmocka_unit_test(test_results_load),    cmocka_unit_test(test_results_errors),
        cmocka_unit_test(test_price_data),      cmocka_unit_test(test_ar_day0_data),
        cmocka_unit_test(test_caar_car_data),   cmocka_unit_test(test_render_clean),
        cmocka_unit_test(test_injection_and_unicode), cmocka_unit_test(test_missing_gnuplot),
        cmocka_unit_test(test_failing_script),  cmocka_unit_test(test_intraday_and_simulation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
