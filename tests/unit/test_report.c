/*
 * test_report.c — report.html: what it says is what the result files say.
 *
 * Expected sentences and numbers are recomputed here from the fixture's CSV
 * text (plain string parsing), then looked for in the page. The browser-level
 * checks (rendering, console, PDF) are in tests/browser/report-test.sh.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "evs_mem.h"
#include "evs_report.h"
#include "test_plot_util.h"

static char *build(const char *dir, const char *gnuplot, int *charts_ok)
{
    evs_report_opts o = {0};
    o.plot.gnuplot = gnuplot;
    o.plot.scripts_dir = "plots";
    evs_err e = {0};
    char *path = NULL;
    assert_int_equal(evs_report_build(dir, &o, NULL, charts_ok, &path, &e), EVS_OK);
    char *html = slurp(path);
    assert_non_null(html);
    evs_free(path);
    return html;
}

static void test_escape(void **state)
{
    (void)state;
    char buf[256] = "";
    FILE *fp = fmemopen(buf, sizeof buf, "w");
    evs_html_escape(fp, "<a href=\"x\">It's & \x01ok\n</a>");
    fclose(fp);
    assert_string_equal(buf, "&lt;a href=&quot;x&quot;&gt;It&#39;s &amp; ok\n&lt;/a&gt;");
}

/* Day-0 row of the security with the largest |return| in an event. */
static void biggest_mover(const char *event, char *sym, double *ret, double *ar)
{
    char *t = slurp(FIXTURE "/abnormal_returns.csv");
    double best = -1;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        char f[64], s[32];
        csv_field(line, 0, f, sizeof f);
        if (strcmp(f, event))
            continue;
        csv_field(line, 3, f, sizeof f);
        if (strcmp(f, "0"))
            continue;
        csv_field(line, 1, s, sizeof s);
        csv_field(line, 4, f, sizeof f);
        double r = strtod(f, NULL);
        if (fabs(r) > best) {
            best = fabs(r);
            strcpy(sym, s);
            *ret = r;
            csv_field(line, 7, f, sizeof f);
            *ar = strtod(f, NULL);
        }
    }
    free(t);
}

static void test_report_contents(void **state)
{
    (void)state;
    const char *dir = fixture_copy();
    int ok = 1;
    char *html = build(dir, "/nonexistent/gnuplot", &ok);
    assert_false(ok);
    /* charts missing: said, with the way out */
    assert_non_null(strstr(html, "Charts not drawn"));
    assert_non_null(strstr(html, "apt-get install gnuplot-nox"));
    /* the summary, recomputed */
    char sym[32] = "", want[256];
    double ret = 0, ar = 0;
    biggest_mover("deepseek-selloff", sym, &ret, &ar);
    snprintf(want, sizeof want, "%s %s about %.1f%% on 27 January 2025", sym, ret < 0 ? "fell" : "rose",
             fabs(100 * ret));
    assert_non_null(strstr(html, want));
    snprintf(want, sizeof want, "about %.1f points of that fall were abnormal given the market", fabs(100 * ar));
    assert_non_null(strstr(html, want));
    /* every test row: its statistic and p-value in the table */
    char *t = slurp(FIXTURE "/tests.csv");
    size_t rows = 0;
    double bmp = NAN, bmpkp = NAN, n = NAN;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        char f[64], test[32], ev[64], win[16];
        csv_field(line, 0, ev, sizeof ev);
        if (strcmp(ev, "event") == 0)
            continue;
        csv_field(line, 1, win, sizeof win);
        csv_field(line, 2, test, sizeof test);
        csv_field(line, 5, f, sizeof f);
        double stat = strtod(f, NULL);
        snprintf(want, sizeof want, "<td>%.3f</td>", stat);
        assert_non_null(strstr(html, want));
        /* the p-value as the report rounds it, then its significance */
        csv_field(line, 7, f, sizeof f);
        double p = strtod(f, NULL);
        char ps[32];
        snprintf(ps, sizeof ps, p < 0.001 ? "%.2g" : "%.3f", p);
        snprintf(want, sizeof want, "<td>%s</td><td>%s", ps,
                 p < 0.01 ? "***" : p < 0.05 ? "**" : p < 0.10 ? "*" : "not significant");
        assert_non_null(strstr(html, want));
        snprintf(want, sizeof want, "<code>%s</code>", test);
        assert_non_null(strstr(html, want));
        if (!strcmp(ev, "deepseek-selloff") && !strcmp(win, "0..0")) {
            csv_field(line, 3, f, sizeof f);
            n = strtod(f, NULL);
            if (!strcmp(test, "bmp"))
                bmp = stat;
            if (!strcmp(test, "bmp-kp"))
                bmpkp = stat;
        }
        rows++;
    }
    free(t);
    assert_int_equal(rows, 48);
    /* the clustering note with r̄ implied by bmp and bmp-kp */
    double q = (bmpkp / bmp) * (bmpkp / bmp);
    double rbar = (1 - q) / (1 + q * (n - 1));
    snprintf(want, sizeof want, "r̄ ≈ %.2f", rbar);
    assert_non_null(strstr(html, "Why the tests disagree"));
    assert_non_null(strstr(html, want));
    /* excluded securities with their reason */
    assert_non_null(strstr(html, "<th>ARM</th><td>estimation window has 87 valid returns, fewer than min_estimation"));
    /* provenance */
    assert_non_null(strstr(html, "fetched_at: 2025-12-31T22:00:00Z"));
    assert_non_null(strstr(html, "evstudy 0.1.0"));
    /* several events: an overview and one section each */
    assert_non_null(strstr(html, "Overview of the 2 events"));
    assert_non_null(strstr(html, "id=\"event-0\""));
    assert_non_null(strstr(html, "id=\"event-1\""));
    /* self-contained: no scripts, nothing fetched */
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_non_null(strstr(html, "@media print"));
    free(html);
    rm_rf(dir);
}

static void test_report_charts(void **state)
{
    (void)state;
    evs_plot_opts po = {0};
    if (!evs_plot_have_gnuplot(&po))
        skip();
    const char *dir = fixture_copy();
    int ok = 0;
    char *html = build(dir, NULL, &ok);
    assert_true(ok);
    size_t n = 0;
    for (const char *p = html; (p = strstr(p, "<svg class=\"chart\"")); p++)
        n++;
    assert_int_equal(n, 8);
    /* ids are unique per chart */
    assert_non_null(strstr(html, "id=\"c0-gnuplot_canvas\""));
    assert_non_null(strstr(html, "id=\"c7-gnuplot_canvas\""));
    assert_null(strstr(html, "id=\"gnuplot_canvas\""));
    assert_null(strstr(html, "<?xml"));
    assert_null(strstr(html, "Charts not drawn"));
    free(html);
    rm_rf(dir);
}

static void test_report_escapes_and_pooled(void **state)
{
    (void)state;
    const char *dir = fixture_copy();
    fixture_rename(dir, "DeepSeek-R1 selloff, January 2025", "",
                   "<script>alert(1)</script> It's \\\"Ünïcødé\\\"\\nline two");
    /* pooled rows */
    char path[256];
    snprintf(path, sizeof path, "%s/tests.csv", dir);
    char *t = slurp(path);
    char *u = malloc(strlen(t) + 200);
    sprintf(u, "%sALL,0..0,t-cs,8,-0.0591,-2.5,7,0.0411\n", t);
    spit(path, u);
    free(t);
    free(u);
    int ok;
    char *html = build(dir, "/nonexistent/gnuplot", &ok);
    assert_null(strstr(html, "<script>"));
    assert_non_null(strstr(html, "<h1>&lt;script&gt;alert(1)&lt;/script&gt; It&#39;s &quot;Ünïcødé&quot;\nline two</h1>"));
    assert_non_null(strstr(html, "All events pooled"));
    assert_non_null(strstr(html, "<td>-2.500</td>"));
    free(html);
    rm_rf(dir);
}

int main(void)
{
    go_root();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_report_contents),
        cmocka_unit_test(test_report_charts),
        cmocka_unit_test(test_report_escapes_and_pooled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
