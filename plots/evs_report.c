/*
 * evs_report.c — report.html (see evs_report.h).
 *
 * The page is written top to bottom in one pass over the loaded results:
 *
 *   header · contents · question & parameters · summary · [overview]
 *   · per event: summary, charts, abnormal returns, CARs, tests, clustering
 *     note, estimation · pooled tests · excluded · provenance · glossary
 *
 * Every sentence of the summary is computed from the result rows; nothing
 * about the selloff is written here. Numbers in prose are rounded for
 * reading (one decimal of a percent); the tables keep three to four
 * significant decimals and the CSV files keep full precision.
 *
 * Charts are gnuplot's SVGs inlined; each one's ids are prefixed (c<N>-) so
 * that several charts on one page do not share clip paths or markers. An
 * SVG that holds a script or foreign object is not inlined.
 */
#include "evs_report.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evs_date.h"
#include "evs_file.h"
#include "evs_mem.h"

/* ---- small writers ---- */

void evs_html_escape(FILE *fp, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", fp);
            break;
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        case '\'':
            fputs("&#39;", fp);
            break;
        default:
            if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
                break;
            fputc(*p, fp);
        }
    }
}

#define H(s) evs_html_escape(fp, (s))

static void out(FILE *fp, const char *fmt, ...) EVS_PRINTF(2, 3);
static void out(FILE *fp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(fp, fmt, ap);
    va_end(ap);
}

/* A fraction as a percent with d decimals ("-16.97%"), "n/a" for NaN. */
static const char *pct(char *b, double v, int d)
{
    if (!isfinite(v))
        return strcpy(b, "n/a");
    if (fabs(v * 100) < 0.5 * pow(10, -d))
        v = 0;
    snprintf(b, 32, "%.*f%%", d, 100 * v);
    return b;
}

static const char *fnum(char *b, double v, int d)
{
    if (!isfinite(v))
        return strcpy(b, "n/a");
    snprintf(b, 32, "%.*f", d, v);
    return b;
}

static const char *pval(char *b, double p)
{
    if (!isfinite(p))
        return strcpy(b, "n/a");
    if (p < 0.001)
        snprintf(b, 32, "%.2g", p);
    else
        snprintf(b, 32, "%.3f", p);
    return b;
}

static const char *sig_label(double p)
{
    if (!isfinite(p))
        return "n/a";
    if (p < 0.01)
        return "*** at 1%";
    if (p < 0.05)
        return "** at 5%";
    if (p < 0.10)
        return "* at 10%";
    return "not significant";
}

/* "27 January 2025" from "2025-01-27..." (the text itself otherwise). */
static const char *long_date(char *b, const char *date)
{
    static const char *mo[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
    int d, y, m, dd;
    if (strlen(date) >= 10 && evs_date_parse(date, 10, &d) == 0) {
        evs_civil_from_days(d, &y, &m, &dd);
        snprintf(b, 48, "%d %s %d", dd, mo[m - 1], y);
        if (strlen(date) > 10 && date[10] == 'T')
            snprintf(b + strlen(b), 48 - strlen(b), " %.5s UTC", date + 11);
    } else {
        snprintf(b, 48, "%s", date);
    }
    return b;
}

static double normal_p2(double z)
{
    return isfinite(z) ? erfc(fabs(z) / sqrt(2.0)) : NAN;
}

/* ---- test descriptions ---- */

typedef struct test_info {
    const char *id, *name, *assumes;
    int independence; /* 1: assumes independent securities */
} test_info;

static const test_info TESTS[] = {
    {"t-cs", "Cross-sectional t", "dispersion of the CARs across securities; assumes they are independent", 1},
    {"j1", "J1 (Campbell, Lo & MacKinlay)", "CAAR over its model variance; assumes independent securities", 1},
    {"j2", "J2 (Campbell, Lo & MacKinlay)", "mean standardized CAR; assumes independent securities", 1},
    {"bw-cda", "Brown–Warner crude dependence adjustment",
     "variance from the time series of average returns; allows cross-correlation", 0},
    {"patell", "Patell Z", "standardized returns; assumes independent securities and no extra event variance", 1},
    {"patell-kp", "Patell Z, Kolari–Pynnönen adjusted", "Patell corrected for cross-correlation", 0},
    {"bmp", "BMP (Boehmer, Musumeci & Poulsen)",
     "standardized, allows event-induced variance; assumes independent securities", 1},
    {"bmp-kp", "BMP, Kolari–Pynnönen adjusted", "BMP corrected for cross-correlation", 0},
    {"sign", "Sign test", "share of negative vs positive CARs against one half; non-parametric", 1},
    {"gen-sign", "Generalized sign (Cowan)", "share of positive CARs against the estimation window's; non-parametric",
     1},
    {"corrado", "Corrado rank", "ranks of abnormal returns; non-parametric", 0},
    {"corrado-zivney", "Corrado–Zivney sign", "signs around each security's median; non-parametric", 0},
    {"grank", "Generalized rank (Kolari–Pynnönen)", "ranks; robust to cross-correlation and event variance", 0},
    {"wilcoxon", "Wilcoxon signed rank", "signed ranks of the CARs; non-parametric", 1},
    {"lamb", "Lamb", "average returns' time series, for one common date", 0},
    {"skew-t-bhar", "Skewness-adjusted t (BHAR)", "buy-and-hold abnormal returns; corrects for skewness", 1},
};

static const test_info *test_of(const char *id)
{
    for (size_t i = 0; i < sizeof TESTS / sizeof *TESTS; i++)
        if (strcmp(TESTS[i].id, id) == 0)
            return &TESTS[i];
    return NULL;
}

/* ---- event facts, gathered once per event ---- */

typedef struct ev_facts {
    size_t ev;
    size_t n_ok, n_excl;
    const evs_res_ar **ar0; /* day-0 rows, by AR ascending */
    size_t nar0;
    int one_date;           /* every security's day 0 on the same date */
    const char *day0;       /* date of day 0 */
    const char *main_win;   /* "0..0" when present, else the first window */
    const char *long_win;   /* the longest window */
    double caar_main, caar_long, aar0;
} ev_facts;

static int cmp_ar(const void *a, const void *b)
{
    const evs_res_ar *x = *(const evs_res_ar *const *)a, *y = *(const evs_res_ar *const *)b;
    return x->ar < y->ar ? -1 : x->ar > y->ar ? 1 : strcmp(x->symbol, y->symbol);
}

/* Length of a window "FIRST..LAST", counted in its own unit (intraday windows
 * carry m, h or b after each number: "-30m..60m"). */
static int win_len(const char *w)
{
    char *p;
    long a = strtol(w, &p, 10);
    if (p == w)
        return 0;
    if (*p == 'm' || *p == 'h' || *p == 'b')
        p++;
    if (strncmp(p, "..", 2) != 0)
        return 0;
    char *q;
    long b = strtol(p + 2, &q, 10);
    return q == p + 2 ? 0 : (int)(b - a + 1);
}

static const evs_res_test *find_test(const evs_outdir *r, size_t ev, const char *win, const char *id)
{
    for (size_t i = 0; i < r->ntest; i++)
        if (r->test[i].ev == ev && strcmp(r->test[i].window, win) == 0 && strcmp(r->test[i].test, id) == 0)
            return &r->test[i];
    return NULL;
}

static evs_status facts(const evs_outdir *r, size_t ev, ev_facts *f, evs_err *e)
{
    memset(f, 0, sizeof *f);
    f->ev = ev;
    f->caar_main = f->caar_long = f->aar0 = NAN;
    size_t n0 = 0;
    for (size_t i = 0; i < r->nar; i++)
        n0 += r->ar[i].ev == ev && r->ar[i].day == 0;
    f->ar0 = evs_calloc(n0 + 1, sizeof *f->ar0);
    if (!f->ar0)
        return evs_nomem(e);
    f->one_date = 1;
    f->day0 = r->events[ev].date;
    for (size_t i = 0; i < r->nar; i++) {
        const evs_res_ar *a = &r->ar[i];
        if (a->ev != ev || a->day != 0 || !isfinite(a->ar))
            continue;
        if (f->nar0 == 0)
            f->day0 = a->date;
        else if (strcmp(a->date, f->day0) != 0)
            f->one_date = 0;
        f->ar0[f->nar0++] = a;
    }
    qsort(f->ar0, f->nar0, sizeof *f->ar0, cmp_ar);
    for (size_t i = 0; i < r->nest; i++)
        if (r->est[i].ev == ev) {
            if (r->est[i].ok)
                f->n_ok++;
            else
                f->n_excl++;
        }
    for (size_t i = 0; i < r->naar; i++)
        if (r->aar[i].ev == ev && r->aar[i].day == 0)
            f->aar0 = r->aar[i].aar;
    /* windows: from the tests, else from cars.csv */
    for (size_t i = 0; i < r->ntest + r->ncar; i++) {
        const char *w = i < r->ntest ? (r->test[i].ev == ev ? r->test[i].window : NULL)
                                     : (r->car[i - r->ntest].ev == ev ? r->car[i - r->ntest].window : NULL);
        if (!w)
            continue;
        if (!f->main_win || (strcmp(w, "0..0") == 0 && strcmp(f->main_win, "0..0") != 0))
            f->main_win = w;
        if (!f->long_win || win_len(w) > win_len(f->long_win))
            f->long_win = w;
    }
    if (f->main_win) {
        const evs_res_test *t = find_test(r, ev, f->main_win, "t-cs");
        f->caar_main = t ? t->estimate : NAN;
        t = find_test(r, ev, f->long_win, "t-cs");
        f->caar_long = t ? t->estimate : NAN;
        if (!isfinite(f->caar_main) || !isfinite(f->caar_long)) {
            /* CAAR = mean of the CARs */
            double s1 = 0, s2 = 0;
            size_t n1 = 0, n2 = 0;
            for (size_t i = 0; i < r->ncar; i++) {
                const evs_res_car *c = &r->car[i];
                if (c->ev != ev || !isfinite(c->car))
                    continue;
                if (strcmp(c->window, f->main_win) == 0)
                    s1 += c->car, n1++;
                if (strcmp(c->window, f->long_win) == 0)
                    s2 += c->car, n2++;
            }
            if (!isfinite(f->caar_main) && n1)
                f->caar_main = s1 / (double)n1;
            if (!isfinite(f->caar_long) && n2)
                f->caar_long = s2 / (double)n2;
        }
    }
    return EVS_OK;
}

/* A readable name for a symbol: the provenance's name when there is one. */
static const char *display_name(const evs_outdir *r, const char *symbol)
{
    const evs_res_data *d = evs_outdir_data(r, symbol);
    static const char *keys[] = {"name", "long_name", "longName", "short_name", "shortName"};
    for (size_t k = 0; d && k < sizeof keys / sizeof *keys; k++)
        for (size_t i = 0; i < d->nprov; i++)
            if (strcmp(d->prov[i].key, keys[k]) == 0 && d->prov[i].value[0])
                return d->prov[i].value;
    return symbol;
}

static const evs_res_est *est_of(const evs_outdir *r, size_t ev, const char *symbol)
{
    for (size_t i = 0; i < r->nest; i++)
        if (r->est[i].ev == ev && strcmp(r->est[i].symbol, symbol) == 0)
            return &r->est[i];
    return NULL;
}

/* The implied mean residual correlation from an adjusted/unadjusted pair
 * (METHODS.md: t_adj = t·√((1−r)/(1+(N−1)r)); Z_adj = Z/√(1+(N−1)r)). */
static double implied_rbar(const evs_res_test *raw, const evs_res_test *adj, int bmp)
{
    if (!raw || !adj || !isfinite(raw->statistic) || !isfinite(adj->statistic) || raw->statistic == 0)
        return NAN;
    double n = raw->n, q = adj->statistic / raw->statistic;
    q *= q;
    if (!(n > 1) || q <= 0)
        return NAN;
    return bmp ? (1 - q) / (1 + q * (n - 1)) : (1 / q - 1) / (n - 1);
}

/* ---- sections ---- */

/* events summarised at the top of the page; later ones in their sections */
#define SUMMARY_EVENTS 5

static void summary_paragraphs(FILE *fp, const evs_outdir *r, const ev_facts *f)
{
    char b1[48], b2[48], b3[48], b4[48], d[48];
    const evs_res_event *ev = &r->events[f->ev];
    if (f->nar0 == 0) {
        out(fp, "<p>No security has an abnormal return on day 0 for this event");
        if (f->n_excl)
            out(fp, " (%zu excluded; see the table of excluded securities)", f->n_excl);
        out(fp, ".</p>\n");
        return;
    }
    /* the largest mover by its raw return */
    const evs_res_ar *big = f->ar0[0];
    for (size_t i = 0; i < f->nar0; i++)
        if (fabs(f->ar0[i]->ret) > fabs(big->ret))
            big = f->ar0[i];
    const char *name = display_name(r, big->symbol);
    const evs_res_est *es = est_of(r, f->ev, big->symbol);
    out(fp, "<p class=\"lead\">");
    H(name);
    if (strcmp(name, big->symbol) != 0) {
        out(fp, " (");
        H(big->symbol);
        out(fp, ")");
    }
    out(fp, " %s about %s on %s", big->ret < 0 ? "fell" : "rose", pct(b1, fabs(big->ret), 1),
        long_date(d, big->date));
    if (isfinite(big->market_ret) && ev->market[0]) {
        out(fp, "; the market (");
        H(ev->market);
        out(fp, ") %s %s %s", big->market_ret < 0 ? "fell" : "rose", pct(b2, fabs(big->market_ret), 1),
            strchr(big->date, 'T') ? "in that bar" : "that day");
    }
    if (isfinite(big->expected)) {
        out(fp, ", and the ");
        H(es && es->model[0] ? es->model : "return");
        out(fp, " model");
        if (es && isfinite(es->beta))
            out(fp, " (β = %s)", fnum(b3, es->beta, 2));
        out(fp, " expected %s", pct(b4, big->expected, 1));
    }
    if (isfinite(big->ar)) {
        if ((big->ar < 0) == (big->ret < 0))
            out(fp, ", so about %s points of that %s were abnormal given the market", fnum(b1, fabs(100 * big->ar), 1),
                big->ret < 0 ? "fall" : "rise");
        else
            out(fp, "; its abnormal return was %s: the market explains more than the whole move", pct(b1, big->ar, 1));
        if (isfinite(big->sar))
            out(fp, " (%s standard deviations of its usual %s noise)", fnum(b2, fabs(big->sar), 1),
                strchr(big->date, 'T') ? "bar-to-bar" : "daily");
    }
    out(fp, ".</p>\n<p>");
    size_t neg = 0;
    for (size_t i = 0; i < f->nar0; i++)
        neg += f->ar0[i]->ar < 0;
    if (f->nar0 > 1) {
        out(fp, "Across the %zu securities the average abnormal return on day 0 was %s; %zu of %zu did worse than the "
                "model expected and %zu better. ",
            f->nar0, pct(b1, isfinite(f->aar0) ? f->aar0 : 0, 1), neg, f->nar0, f->nar0 - neg);
        out(fp, "Largest abnormal returns on day 0: ");
        size_t shown = 0;
        /* most negative first when the average is negative, else most positive */
        for (size_t k = 0; k < f->nar0 && shown < 3; k++, shown++) {
            const evs_res_ar *a = (isfinite(f->aar0) && f->aar0 < 0) ? f->ar0[k] : f->ar0[f->nar0 - 1 - k];
            out(fp, "%s", shown ? ", " : "");
            H(a->symbol);
            out(fp, " %s", pct(b1, a->ar, 1));
        }
        out(fp, ". ");
    }
    if (f->long_win && isfinite(f->caar_long) && strcmp(f->long_win, f->main_win) != 0) {
        out(fp, "Over days ");
        H(f->long_win);
        out(fp, " the cumulative average abnormal return was %s", pct(b1, f->caar_long, 1));
        if (isfinite(f->caar_main)) {
            out(fp, " (");
            H(f->main_win);
            out(fp, ": %s)", pct(b2, f->caar_main, 1));
        }
        out(fp, ". ");
    }
    out(fp, "</p>\n");
    /* significance on the main window */
    if (f->main_win) {
        const evs_res_test *robust = find_test(r, f->ev, f->main_win, "bmp-kp");
        const evs_res_test *raw = find_test(r, f->ev, f->main_win, "bmp");
        if (!robust) {
            robust = find_test(r, f->ev, f->main_win, "patell-kp");
            raw = find_test(r, f->ev, f->main_win, "patell");
        }
        if (!robust) {
            robust = find_test(r, f->ev, f->main_win, "t-cs");
            raw = NULL;
        }
        if (robust) {
            const test_info *ti = test_of(robust->test);
            out(fp, "<p>Is it significant? Over window ");
            H(f->main_win);
            out(fp, ", the %s test gives %s = %s, p = %s: <strong>%s</strong>", ti ? ti->name : robust->test,
                isfinite(robust->df) ? "t" : "z", fnum(b1, robust->statistic, 2), pval(b2, robust->p_value),
                robust->p_value < 0.05 ? "significant at 5%" : "not significant at 5%");
            if (ti && !ti->independence && f->one_date && f->n_ok > 1)
                out(fp, " (this test allows for the securities moving together on the shared date)");
            if (raw) {
                const test_info *tr = test_of(raw->test);
                out(fp, "; the %s test, which assumes independent securities, gives %s = %s, p = %s",
                    tr ? tr->name : raw->test, isfinite(raw->df) ? "t" : "z", fnum(b1, raw->statistic, 2),
                    pval(b2, raw->p_value));
            }
            out(fp, ".</p>\n");
        }
    }
    if (f->n_excl)
        out(fp, "<p>%zu security%s excluded from this event (see <em>Excluded securities</em>).</p>\n", f->n_excl,
            f->n_excl == 1 ? " was" : "s were");
}

static void clustering_note(FILE *fp, const evs_outdir *r, const ev_facts *f)
{
    if (!f->one_date || f->n_ok < 2 || !f->main_win)
        return;
    const evs_res_test *bmp = find_test(r, f->ev, f->main_win, "bmp");
    const evs_res_test *bmpk = find_test(r, f->ev, f->main_win, "bmp-kp");
    const evs_res_test *pat = find_test(r, f->ev, f->main_win, "patell");
    const evs_res_test *patk = find_test(r, f->ev, f->main_win, "patell-kp");
    if (!(bmp && bmpk) && !(pat && patk))
        return;
    /* the engine's estimate when run.json has it, else the one its tests imply */
    double rbar = r->events[f->ev].rbar;
    if (!isfinite(rbar))
        rbar = implied_rbar(bmp, bmpk, 1);
    if (!isfinite(rbar))
        rbar = implied_rbar(pat, patk, 0);
    double n = (bmp ? bmp : pat)->n;
    char b1[48], b2[48], b3[48], b4[48], d[48];
    out(fp, "<div class=\"note\" id=\"clustering-%zu\"><h4>Why the tests disagree: one date for every security</h4>\n",
        f->ev);
    out(fp, "<p>All %.0f securities have their day 0 on the same date (%s). Their abnormal returns that day are not "
            "independent draws: stocks of one industry move together for reasons no market model removes. ",
        n, long_date(d, f->day0));
    if (isfinite(rbar)) {
        double k = 1 + (n - 1) * rbar;
        out(fp, "The average correlation of their estimation-window residuals is r̄ ≈ %s. ", fnum(b1, rbar, 2));
        if (k > 0)
            out(fp, "Tests that assume independence (Patell, BMP, J1, J2, the cross-sectional t) count the %.0f "
                    "abnormal returns as %.0f separate pieces of evidence; with that correlation they are worth about "
                    "%s independent ones, so those statistics are too large by a factor of about √(1 + (N − 1) r̄) ≈ %s. ",
                n, n, fnum(b2, n / k, 1), fnum(b3, sqrt(k), 2));
    }
    out(fp, "The Kolari–Pynnönen adjustment (patell-kp, bmp-kp) divides that inflation out");
    if (bmp && bmpk)
        out(fp, ": over window %s the BMP statistic %s (p = %s) becomes %s (p = %s)", bmp->window,
            fnum(b1, bmp->statistic, 2), pval(b2, bmp->p_value), fnum(b3, bmpk->statistic, 2),
            pval(b4, bmpk->p_value));
    if (pat && patk)
        out(fp, "%s Patell's Z %s (p = %s) becomes %s (p = %s)", bmp && bmpk ? ", and" : ":",
            fnum(b1, pat->statistic, 2), pval(b2, pat->p_value), fnum(b3, patk->statistic, 2),
            pval(b4, patk->p_value));
    out(fp, ". When the two disagree, trust the adjusted test: it asks whether the move was large compared with how "
            "much these securities usually move <em>together</em>.</p></div>\n");
}

/* Set when inlining a chart ran out of memory: the report is then an error,
 * not a page that quietly says a chart is missing (found by
 * tests/fault-loop.sh). Reset and checked by evs_report_write. */
static int svg_nomem;

/* Inline one SVG file with its ids prefixed. */
static int inline_svg(FILE *fp, const char *path, size_t idx)
{
    char *text;
    size_t len;
    evs_err e;
    if (evs_read_file(path, (size_t)64 << 20, &text, &len, &e)) {
        if (e.status == EVS_ERR_NOMEM)
            svg_nomem = 1;
        return 0;
    }
    char *start = strstr(text, "<svg");
    if (!start || strstr(text, "<script") || strstr(text, "<foreignObject") || strstr(text, "<SCRIPT")) {
        evs_free(text);
        return 0;
    }
    char pre[24];
    snprintf(pre, sizeof pre, "c%zu-", idx);
    /* "<svg" + role and a class, then the rest with ids rewritten */
    out(fp, "<svg class=\"chart\" role=\"img\"");
    const char *p = start + 4;
    while (*p) {
        if ((strncmp(p, " id=\"", 5) == 0 || strncmp(p, " id='", 5) == 0)) {
            fwrite(p, 1, 5, fp);
            fputs(pre, fp);
            p += 5;
        } else if (strncmp(p, "href='#", 7) == 0 || strncmp(p, "href=\"#", 7) == 0) {
            fwrite(p, 1, 7, fp);
            fputs(pre, fp);
            p += 7;
        } else if (strncmp(p, "url(#", 5) == 0) {
            fwrite(p, 1, 5, fp);
            fputs(pre, fp);
            p += 5;
        } else if (strncmp(p, "<title>", 7) == 0) {
            /* gnuplot's "<title>Gnuplot</title>" would show as a tooltip */
            const char *end = strstr(p, "</title>");
            if (!end)
                break;
            p = end + 8;
        } else {
            fputc(*p++, fp);
        }
    }
    fputc('\n', fp);
    evs_free(text);
    return 1;
}

static void charts_block(FILE *fp, const evs_outdir *r, const evs_chart_set *cs, size_t ev, const char *note)
{
    (void)r;
    size_t shown = 0;
    for (size_t i = 0; cs && i < cs->n; i++) {
        const evs_chart *c = &cs->c[i];
        if (c->ev != ev || !c->rendered)
            continue;
        out(fp, "<figure class=\"chart\" id=\"chart-%zu\" data-chart=\"%s\">\n", i, c->kind);
        if (!inline_svg(fp, c->svg, i))
            out(fp, "<p class=\"missing\">Chart not available (%s).</p>\n", c->kind);
        out(fp, "<figcaption>");
        H(c->caption);
        out(fp, " <span class=\"files\">(");
        H(c->kind);
        out(fp, ".svg / .png)</span></figcaption>\n</figure>\n");
        shown++;
    }
    if (!shown && note) {
        out(fp, "<p class=\"missing\">Charts not drawn: ");
        H(note);
        out(fp, "</p>\n");
    }
}

static void ar_tables(FILE *fp, const evs_outdir *r, const ev_facts *f)
{
    char b[6][48];
    if (f->nar0) {
        out(fp, "<h4>Day 0 (%s), security by security</h4>\n", long_date(b[0], f->day0));
        out(fp, "<table class=\"num\"><thead><tr><th>Security</th><th>Return</th><th>Market</th><th>Expected</th>"
                "<th>Abnormal return</th><th>95%% band</th><th>SAR</th><th>p (normal)</th><th>Significance</th>"
                "</tr></thead><tbody>\n");
        for (size_t i = 0; i < f->nar0; i++) {
            const evs_res_ar *a = f->ar0[i];
            double sd = isfinite(a->sar) && a->sar != 0 ? a->ar / a->sar : NAN;
            double p = normal_p2(a->sar);
            out(fp, "<tr><th>");
            H(a->symbol);
            out(fp, "</th><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s to %s</td>", pct(b[0], a->ret, 2),
                pct(b[1], a->market_ret, 2), pct(b[2], a->expected, 2), pct(b[3], a->ar, 2),
                pct(b[4], a->ar - 1.96 * sd, 1), pct(b[5], a->ar + 1.96 * sd, 1));
            out(fp, "<td>%s</td><td>%s</td><td>%s</td></tr>\n", fnum(b[0], a->sar, 2), pval(b[1], p), sig_label(p));
        }
        out(fp, "</tbody></table>\n<p class=\"small\">Abnormal return = return − expected return under the model. "
                "SAR = abnormal return / its standard deviation (the model's forecast error); the band is ±1.96 of "
                "them, and p treats SAR as standard normal.</p>\n");
    }
    /* day by day */
    int dmin = 0, dmax = 0, any = 0;
    for (size_t i = 0; i < r->nar; i++)
        if (r->ar[i].ev == f->ev) {
            if (!any || r->ar[i].day < dmin)
                dmin = r->ar[i].day;
            if (!any || r->ar[i].day > dmax)
                dmax = r->ar[i].day;
            any = 1;
        }
    if (any && dmax - dmin < 40) {
        out(fp, "<h4>Abnormal returns day by day</h4>\n<table class=\"num\"><thead><tr><th>Security</th>");
        for (int d = dmin; d <= dmax; d++) {
            const char *date = "";
            for (size_t i = 0; i < r->naar; i++)
                if (r->aar[i].ev == f->ev && r->aar[i].day == d)
                    date = r->aar[i].date;
            out(fp, "<th>day %d<br><span class=\"small\">", d);
            H(strlen(date) >= 10 ? date + 5 : date);
            out(fp, "</span></th>");
        }
        out(fp, "</tr></thead><tbody>\n");
        const char *last = NULL;
        for (size_t i = 0; i < r->nar; i++) {
            const evs_res_ar *a = &r->ar[i];
            if (a->ev != f->ev || (last && strcmp(last, a->symbol) == 0))
                continue;
            last = a->symbol;
            out(fp, "<tr><th>");
            H(a->symbol);
            out(fp, "</th>");
            for (int d = dmin; d <= dmax; d++) {
                double v = NAN;
                for (size_t k = i; k < r->nar; k++)
                    if (r->ar[k].ev == f->ev && r->ar[k].day == d && strcmp(r->ar[k].symbol, a->symbol) == 0) {
                        v = r->ar[k].ar;
                        break;
                    }
                out(fp, "<td>%s</td>", pct(b[0], v, 2));
            }
            out(fp, "</tr>\n");
        }
        out(fp, "<tr class=\"avg\"><th>Average (AAR)</th>");
        for (int d = dmin; d <= dmax; d++) {
            double v = NAN;
            for (size_t k = 0; k < r->naar; k++)
                if (r->aar[k].ev == f->ev && r->aar[k].day == d)
                    v = r->aar[k].aar;
            out(fp, "<td>%s</td>", pct(b[0], v, 2));
        }
        out(fp, "</tr>\n<tr class=\"avg\"><th>Cumulated (CAAR)</th>");
        for (int d = dmin; d <= dmax; d++) {
            double v = NAN;
            for (size_t k = 0; k < r->naar; k++)
                if (r->aar[k].ev == f->ev && r->aar[k].day == d)
                    v = r->aar[k].caar;
            out(fp, "<td>%s</td>", pct(b[0], v, 2));
        }
        out(fp, "</tr></tbody></table>\n");
    }
    /* CARs by window */
    size_t ncar = 0;
    for (size_t i = 0; i < r->ncar; i++)
        ncar += r->car[i].ev == f->ev;
    if (ncar) {
        out(fp, "<h4>Cumulative abnormal returns by window</h4>\n<table class=\"num\"><thead><tr><th>Security</th>"
                "<th>Window</th><th>CAR</th><th>SCAR</th><th>BHAR</th><th>p (normal)</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < r->ncar; i++) {
            const evs_res_car *c = &r->car[i];
            if (c->ev != f->ev)
                continue;
            out(fp, "<tr><th>");
            H(c->symbol);
            out(fp, "</th><td>");
            H(c->window);
            out(fp, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", pct(b[0], c->car, 2),
                fnum(b[1], c->scar, 2), pct(b[2], c->bhar, 2), pval(b[3], normal_p2(c->scar)));
        }
        out(fp, "</tbody></table>\n");
    }
}

static void tests_table(FILE *fp, const evs_outdir *r, size_t ev)
{
    char b[5][48];
    size_t n = 0;
    for (size_t i = 0; i < r->ntest; i++)
        n += r->test[i].ev == ev;
    if (!n) {
        out(fp, "<p>No tests in tests.csv for this event.</p>\n");
        return;
    }
    out(fp, "<table class=\"num tests\"><thead><tr><th>Window</th><th>Test</th><th>What it assumes</th><th>N</th>"
            "<th>Estimate (CAAR)</th><th>Statistic</th><th>df</th><th>p-value</th><th>Significance</th></tr>"
            "</thead><tbody>\n");
    for (size_t i = 0; i < r->ntest; i++) {
        const evs_res_test *t = &r->test[i];
        if (t->ev != ev)
            continue;
        const test_info *ti = test_of(t->test);
        out(fp, "<tr class=\"%s\"><td>", t->p_value < 0.05 ? "sig" : "");
        H(t->window);
        out(fp, "</td><th><code>");
        H(t->test);
        out(fp, "</code>%s", ti ? "<br><span class=\"small\">" : "");
        if (ti) {
            H(ti->name);
            out(fp, "</span>");
        }
        out(fp, "</th><td class=\"text small\">%s</td>", ti ? ti->assumes : "");
        out(fp, "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", fnum(b[0], t->n, 0),
            pct(b[1], t->estimate, 2), fnum(b[2], t->statistic, 3), isfinite(t->df) ? fnum(b[3], t->df, 0) : "normal",
            pval(b[4], t->p_value), sig_label(t->p_value));
    }
    out(fp, "</tbody></table>\n<p class=\"small\">p-values are two-sided. Significance: *** p &lt; 0.01, ** p &lt; "
            "0.05, * p &lt; 0.10. df “normal”: the statistic is referred to the standard normal.</p>\n");
}

static void estimation_table(FILE *fp, const evs_outdir *r, size_t ev)
{
    char b[5][48];
    out(fp, "<table class=\"num\"><thead><tr><th>Security</th><th>Model</th><th>Estimation period</th><th>Days</th>"
            "<th>α (daily)</th><th>β</th><th>σ (daily)</th><th>R²</th><th>Status</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < r->nest; i++) {
        const evs_res_est *s = &r->est[i];
        if (s->ev != ev)
            continue;
        out(fp, "<tr%s><th>", s->ok ? "" : " class=\"excluded\"");
        H(s->symbol);
        out(fp, "</th><td>");
        H(s->model);
        out(fp, "</td><td>");
        H(s->est_first);
        out(fp, " – ");
        H(s->est_last);
        out(fp, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"text\">", fnum(b[0], s->n, 0),
            pct(b[1], s->alpha, 3), fnum(b[2], s->beta, 3), pct(b[3], s->sigma, 2), fnum(b[4], s->r2, 3));
        if (s->ok)
            out(fp, "ok");
        else {
            out(fp, "excluded: ");
            H(s->reason);
        }
        out(fp, "</td></tr>\n");
    }
    out(fp, "</tbody></table>\n");
}

static const char CSS[] =
    ":root{--ink:#1a1a1a;--mute:#555;--rule:#ccc;--bg:#fff;--band:#f3f3f3}\n"
    "*{box-sizing:border-box}\n"
    "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:var(--ink);"
    "background:var(--bg);margin:0 auto;max-width:1100px;padding:24px 32px}\n"
    "h1{font-size:1.7em;margin:.2em 0}h2{font-size:1.35em;border-bottom:2px solid var(--ink);padding-bottom:.15em;"
    "margin-top:2em}h3{font-size:1.15em;margin-top:1.6em}h4{font-size:1em;margin:1.3em 0 .4em}\n"
    ".sub,.small,figcaption{color:var(--mute);font-size:.86em}\n"
    ".lead{font-size:1.12em}\n"
    "nav{background:var(--band);padding:.6em 1em;margin:1em 0}nav ol{margin:.2em 0;padding-left:1.4em}\n"
    "table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}\n"
    "th,td{padding:.25em .6em;border-bottom:1px solid var(--rule);vertical-align:top}\n"
    "thead th{border-bottom:2px solid var(--ink);text-align:left;background:var(--band)}\n"
    "table.num td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "table.num td.text{text-align:left;white-space:normal}\n"
    "tbody th{text-align:left;font-weight:600}\n"
    "tr.sig td:last-child{font-weight:700}tr.avg th,tr.avg td{font-weight:700;border-top:1px solid var(--ink)}\n"
    "tr.excluded{color:var(--mute);font-style:italic}\n"
    ".params td,.params th{text-align:left}\n"
    ".note{border-left:4px solid var(--ink);background:var(--band);padding:.4em 1em;margin:1em 0}\n"
    "figure.chart{margin:1em 0 1.6em}svg.chart{width:100%;height:auto;display:block;border:1px solid var(--rule)}\n"
    ".missing{color:#8a1c1c}code{font-size:.95em}\n"
    "dl.kv{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:.3em 0}dl.kv dt{color:var(--mute)}"
    "dl.kv dd{margin:0;word-break:break-all}\n"
    "footer{margin-top:3em;color:var(--mute);font-size:.85em;border-top:1px solid var(--rule);padding-top:.5em}\n"
    "@media print{@page{size:A4;margin:14mm 12mm}body{max-width:none;padding:0;font-size:10.5pt}"
    "nav{display:none}a{color:inherit;text-decoration:none}h2,h3,h4{break-after:avoid}"
    "section.event{break-before:page}figure,table,.note,tr{break-inside:avoid}"
    "svg.chart{max-height:120mm;border:none}thead{display:table-header-group}}\n";

static void params_section(FILE *fp, const evs_outdir *r)
{
    out(fp, "<section id=\"question\"><h2>The question</h2>\n<p class=\"lead\">");
    /* securities of the first event, market and dates */
    size_t nsec = 0;
    for (size_t i = 0; i < r->nest; i++)
        nsec += r->est[i].ev == 0;
    if (r->nevents == 1) {
        char d[48];
        out(fp, "How far did %s%zu securit%s move around ", nsec > 1 ? "these " : "", nsec, nsec == 1 ? "y" : "ies");
        H(r->events[0].name);
        out(fp, " (%s) beyond what ", long_date(d, r->events[0].date));
        if (r->events[0].market[0])
            H(r->events[0].market);
        else
            out(fp, "their usual behaviour");
        out(fp, " explains, on which day, for how long — and is it significant?</p>\n");
    } else {
        out(fp, "How far did the securities move around each of the %zu events beyond what their market explains, "
                "on which day, for how long — and is it significant?</p>\n",
            r->nevents);
    }
    out(fp, "<h3>Parameters</h3>\n<table class=\"params\"><tbody>\n");
    for (size_t i = 0; i < r->nparams; i++) {
        out(fp, "<tr><th>");
        H(r->params[i].key);
        out(fp, "</th><td>");
        H(r->params[i].value);
        out(fp, "</td></tr>\n");
    }
    out(fp, "<tr><th>study file</th><td>");
    H(r->study_path);
    out(fp, "</td></tr>\n</tbody></table>\n");
    size_t show = r->nevents < 50 ? r->nevents : 50;
    out(fp, "<h3>Events</h3>\n<table class=\"params\"><thead><tr><th>Event</th><th>Date</th><th>Model</th>"
            "<th>Market</th><th>Returns</th><th>Estimation</th><th>Windows</th><th>Securities</th></tr></thead>"
            "<tbody>\n");
    for (size_t i = 0; i < show; i++) {
        const evs_res_event *ev = &r->events[i];
        size_t ok = 0, all = 0;
        for (size_t k = 0; k < r->nest; k++)
            if (r->est[k].ev == i) {
                all++;
                ok += r->est[k].ok;
            }
        out(fp, "<tr><th>");
        H(ev->name);
        out(fp, "</th><td>");
        H(ev->date);
        out(fp, "</td><td>");
        H(ev->model);
        out(fp, "</td><td>");
        H(ev->market);
        out(fp, "</td><td>");
        H(ev->returns);
        out(fp, "</td><td>");
        H(ev->estimation);
        out(fp, "</td><td>");
        for (size_t w = 0; w < ev->nwindows; w++) {
            out(fp, "%s", w ? " " : "");
            H(ev->windows[w]);
        }
        out(fp, "</td><td>%zu (%zu used)</td></tr>\n", all, ok);
    }
    out(fp, "</tbody></table>\n");
    if (show < r->nevents)
        out(fp, "<p class=\"small\">… and %zu more events (see run.json).</p>\n", r->nevents - show);
    out(fp, "<p class=\"small\">Windows are trading days relative to day 0, the first session on or after the event "
            "date; the estimation window fits the model, the event windows measure the reaction.");
    int intraday = 0;
    for (size_t i = 0; i < r->nar && !intraday; i++)
        intraday = strchr(r->ar[i].date, 'T') != NULL;
    if (intraday)
        out(fp, " Windows written with m, h or b are intraday: minutes, hours or bars around the event instant, "
                "counted in bars of trading time; day 0 is then the bar that holds the instant (times in UTC).");
    out(fp, "</p>\n</section>\n");
}

static void overview_table(FILE *fp, const evs_outdir *r, const ev_facts *fs, size_t nfs, size_t nsections)
{
    char b[6][48];
    out(fp, "<section id=\"overview\"><h2>Overview of the %zu events</h2>\n<table class=\"num\"><thead><tr>"
            "<th>Event</th><th>Day 0</th><th>Securities</th><th>AAR day 0</th><th>Window</th><th>CAAR</th>"
            "<th>Robust test</th><th>Statistic</th><th>p-value</th><th>Significance</th></tr></thead><tbody>\n",
        r->nevents);
    for (size_t i = 0; i < nfs; i++) {
        const ev_facts *f = &fs[i];
        const evs_res_test *t = f->main_win ? find_test(r, f->ev, f->main_win, "bmp-kp") : NULL;
        if (!t && f->main_win)
            t = find_test(r, f->ev, f->main_win, "patell-kp");
        if (!t && f->main_win)
            t = find_test(r, f->ev, f->main_win, "t-cs");
        out(fp, "<tr><th>");
        if (i < nsections)
            out(fp, "<a href=\"#event-%zu\">", i);
        H(r->events[f->ev].name);
        out(fp, "%s</th><td>", i < nsections ? "</a>" : "");
        H(f->day0);
        out(fp, "</td><td>%zu</td><td>%s</td><td>", f->n_ok, pct(b[0], f->aar0, 2));
        H(f->main_win ? f->main_win : "");
        out(fp, "</td><td>%s</td><td>", pct(b[1], f->caar_main, 2));
        if (t)
            H(t->test);
        out(fp, "</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", t ? fnum(b[2], t->statistic, 2) : "n/a",
            t ? pval(b[3], t->p_value) : "n/a", t ? sig_label(t->p_value) : "n/a");
    }
    out(fp, "</tbody></table>\n");
    if (nsections < r->nevents)
        out(fp, "<p class=\"small\">Detailed sections follow for the first %zu events; every event's numbers are in "
                "the CSV files.</p>\n",
            nsections);
    out(fp, "</section>\n");
}

static void excluded_section(FILE *fp, const evs_outdir *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nest; i++)
        n += !r->est[i].ok;
    out(fp, "<section id=\"excluded\"><h2>Excluded securities</h2>\n");
    if (!n) {
        out(fp, "<p>None: every security of every event had enough data.</p></section>\n");
        return;
    }
    out(fp, "<table><thead><tr><th>Event</th><th>Security</th><th>Why</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < r->nest; i++) {
        const evs_res_est *s = &r->est[i];
        if (s->ok)
            continue;
        out(fp, "<tr><td>");
        H(r->events[s->ev].name);
        out(fp, "</td><th>");
        H(s->symbol);
        out(fp, "</th><td>");
        H(s->reason[0] ? s->reason : "(no reason given)");
        out(fp, "</td></tr>\n");
    }
    out(fp, "</tbody></table></section>\n");
}

static void provenance_section(FILE *fp, const evs_outdir *r)
{
    out(fp, "<section id=\"provenance\"><h2>Provenance</h2>\n<dl class=\"kv\"><dt>program</dt><dd>");
    H(r->program);
    out(fp, " ");
    H(r->version);
    out(fp, "</dd><dt>run at</dt><dd>");
    H(r->run_at);
    out(fp, "</dd><dt>study file</dt><dd>");
    H(r->study_path);
    out(fp, "</dd><dt>study SHA-256</dt><dd><code>");
    H(r->study_sha256);
    out(fp, "</code></dd><dt>results</dt><dd>");
    H(r->outdir);
    out(fp, "</dd></dl>\n<h3>Data files</h3>\n<table><thead><tr><th>Symbol</th><th>File</th><th>First</th>"
            "<th>Last</th><th>Rows</th><th>Price</th><th>Source</th></tr></thead><tbody>\n");
    char b[48];
    for (size_t i = 0; i < r->ndata; i++) {
        const evs_res_data *d = &r->data[i];
        out(fp, "<tr><th>");
        H(d->symbol);
        out(fp, "</th><td class=\"small\">");
        H(d->file);
        out(fp, "</td><td>");
        H(d->first);
        out(fp, "</td><td>");
        H(d->last);
        out(fp, "</td><td>%s</td><td>", fnum(b, d->rows, 0));
        H(d->price_column);
        out(fp, "</td><td class=\"small\">");
        for (size_t k = 0; k < d->nprov; k++) {
            out(fp, "%s", k ? "<br>" : "");
            H(d->prov[k].key);
            out(fp, ": ");
            H(d->prov[k].value);
        }
        out(fp, "</td></tr>\n");
    }
    out(fp, "</tbody></table>\n");
    if (r->nwarnings) {
        out(fp, "<h3>Warnings from the run</h3>\n<ul>\n");
        for (size_t i = 0; i < r->nwarnings; i++) {
            out(fp, "<li>");
            H(r->warnings[i]);
            out(fp, "</li>\n");
        }
        out(fp, "</ul>\n");
    }
    out(fp, "</section>\n");
}

static void glossary(FILE *fp)
{
    out(fp, "<section id=\"glossary\"><h2>How to read this report</h2>\n<dl class=\"kv\">"
            "<dt>Abnormal return (AR)</dt><dd>the day's return minus what the model expected given the market "
            "that day (market model: α + β × market return, fitted on the estimation window).</dd>"
            "<dt>CAR</dt><dd>the abnormal returns of one security added up over a window.</dd>"
            "<dt>AAR, CAAR</dt><dd>the average abnormal return across securities on one day, and its sum over "
            "days.</dd>"
            "<dt>SAR, SCAR</dt><dd>an abnormal return (or CAR) divided by its standard deviation: how many "
            "“normal days” of noise the move was.</dd>"
            "<dt>BHAR</dt><dd>buy-and-hold abnormal return: compounded return minus compounded expected "
            "return.</dd>"
            "<dt>p-value</dt><dd>how often a move at least this large would appear by chance if the news had "
            "no effect; below 0.05 is called significant at 5%%.</dd>"
            "<dt>Kolari–Pynnönen adjustment</dt><dd>corrects tests for securities whose returns move together "
            "on a shared event date (see the notes in each event).</dd></dl>\n"
            "<p class=\"small\">All returns are simple daily returns unless the parameters say otherwise; "
            "percentages in the tables are rounded, the CSV files hold full precision.</p></section>\n");
}

static void event_section(FILE *fp, const evs_outdir *r, const evs_chart_set *cs, const char *note,
                          const ev_facts *f, size_t i)
{
    char d[48];
    const evs_res_event *ev = &r->events[f->ev];
    out(fp, "<section class=\"event\" id=\"event-%zu\"><h2>Event: ", i);
    H(ev->name);
    out(fp, " <span class=\"sub\">(%s)</span></h2>\n", long_date(d, ev->date));
    if (i >= SUMMARY_EVENTS) /* the first ones are in the summary at the top */
        summary_paragraphs(fp, r, f);
    out(fp, "<h3>Charts</h3>\n");
    charts_block(fp, r, cs, f->ev, note);
    out(fp, "<h3>Abnormal returns</h3>\n");
    ar_tables(fp, r, f);
    out(fp, "<h3>Tests</h3>\n");
    clustering_note(fp, r, f);
    tests_table(fp, r, f->ev);
    out(fp, "<h3>Estimation</h3>\n");
    estimation_table(fp, r, f->ev);
    out(fp, "</section>\n");
}

evs_status evs_report_write(const evs_outdir *r, const evs_chart_set *cs, const char *note,
                            const evs_report_opts *o, evs_err *e)
{
    size_t maxsec = o && o->max_event_sections ? o->max_event_sections : 100;
    size_t nsec = r->nevents < maxsec ? r->nevents : maxsec;
    ev_facts *fs = evs_calloc(r->nevents + 1, sizeof *fs);
    if (!fs)
        return evs_nomem(e);
    evs_status st = EVS_OK;
    for (size_t i = 0; i < r->nevents && !st; i++)
        st = facts(r, i, &fs[i], e);
    char *path = evs_path_join(r->outdir, "report.html");
    evs_afile af = {0};
    if (!st && !path)
        st = evs_nomem(e);
    if (!st)
        st = evs_afile_open(&af, path, e);
    if (st)
        goto out;
    FILE *fp = af.fp;
    svg_nomem = 0;
    const char *title = r->title[0] ? r->title : "Event study";
    out(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"evstudy\">\n<title>");
    H(title);
    out(fp, " — event study report</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", CSS);
    H(title);
    out(fp, "</h1>\n<p class=\"sub\">Event study report · ");
    H(r->program);
    out(fp, " ");
    H(r->version);
    out(fp, " · run ");
    H(r->run_at);
    out(fp, "</p>\n</header>\n<nav><strong>Contents</strong><ol><li><a href=\"#question\">The question and the "
            "parameters</a></li><li><a href=\"#summary\">Summary</a></li>");
    if (r->nevents > 1)
        out(fp, "<li><a href=\"#overview\">Overview of the events</a></li>");
    for (size_t i = 0; i < nsec && i < 30; i++) {
        out(fp, "<li><a href=\"#event-%zu\">Event: ", i);
        H(r->events[i].name);
        out(fp, "</a></li>");
    }
    if (r->nevents > 1 && nsec > 30)
        out(fp, "<li>… %zu more events</li>", nsec - 30);
    if (r->ntest && r->test[r->ntest - 1].ev == EVS_RES_ALL)
        out(fp, "<li><a href=\"#pooled\">All events pooled</a></li>");
    out(fp, "<li><a href=\"#excluded\">Excluded securities</a></li><li><a href=\"#provenance\">Provenance</a></li>"
            "<li><a href=\"#glossary\">How to read this report</a></li></ol></nav>\n");
    params_section(fp, r);

    out(fp, "<section id=\"summary\"><h2>Summary</h2>\n");
    size_t nsum = r->nevents < SUMMARY_EVENTS ? r->nevents : SUMMARY_EVENTS;
    for (size_t i = 0; i < nsum; i++) {
        if (r->nevents > 1) {
            char d[48];
            out(fp, "<h3>");
            H(r->events[i].name);
            out(fp, " <span class=\"sub\">(%s)</span></h3>\n", long_date(d, r->events[i].date));
        }
        summary_paragraphs(fp, r, &fs[i]);
    }
    if (nsum < r->nevents)
        out(fp, "<p>The other %zu events are summarised in the overview table.</p>\n", r->nevents - nsum);
    out(fp, "</section>\n");

    if (r->nevents > 1)
        overview_table(fp, r, fs, r->nevents, nsec);
    for (size_t i = 0; i < nsec; i++)
        event_section(fp, r, cs, note, &fs[i], i);

    int pooled = 0;
    for (size_t i = 0; i < r->ntest; i++)
        pooled |= r->test[i].ev == EVS_RES_ALL;
    if (pooled) {
        out(fp, "<section id=\"pooled\"><h2>All events pooled</h2>\n<p>Each (event, security) pair counts as one "
                "firm-event.</p>\n");
        tests_table(fp, r, EVS_RES_ALL);
        out(fp, "</section>\n");
    }
    /* the simulation chart, when there is one */
    for (size_t i = 0; cs && i < cs->n; i++)
        if (cs->c[i].ev == EVS_RES_ALL) {
            out(fp, "<section id=\"simulation\"><h2>Simulation</h2>\n");
            charts_block(fp, r, cs, EVS_RES_ALL, NULL);
            out(fp, "</section>\n");
            break;
        }
    excluded_section(fp, r);
    provenance_section(fp, r);
    glossary(fp);
    out(fp, "<footer>Made by ");
    H(r->program);
    out(fp, " ");
    H(r->version);
    out(fp, " from the result files in ");
    H(r->outdir);
    out(fp, " (abnormal_returns.csv, aar.csv, estimates.csv, cars.csv, tests.csv, run.json). Charts: "
            "charts/&lt;event&gt;/*.svg and *.png, redrawn with the scripts in plots/.</footer>\n</body>\n</html>\n");
    st = svg_nomem ? evs_nomem(e) : evs_afile_commit(&af, e);
out:
    evs_afile_abort(&af);
    evs_free(path);
    for (size_t i = 0; i < r->nevents; i++)
        evs_free(fs[i].ar0);
    evs_free(fs);
    return st;
}

evs_status evs_report_build(const char *outdir, const evs_report_opts *o, const evs_warner *w, int *charts_ok,
                            char **path, evs_err *e)
{
    evs_outdir r;
    evs_chart_set cs = {0};
    evs_status st;
    char note[1100] = "";
    int ok = 0;
    if (charts_ok)
        *charts_ok = 0;
    if (path)
        *path = NULL;
    if ((st = evs_outdir_load(outdir, &r, e)))
        return st;
    const evs_plot_opts *po = o ? &o->plot : NULL;
    if ((st = evs_plot_write_data(&r, po, &cs, w, e)))
        goto out;
    if (o && o->no_plot) {
        /* use what a previous `evstudy plot` drew */
        ok = 1;
        for (size_t i = 0; i < cs.n; i++)
            ok &= (cs.c[i].rendered = access(cs.c[i].svg, R_OK) == 0);
        if (!ok)
            snprintf(note, sizeof note, "some charts are missing; run 'evstudy plot %s'", outdir);
    } else {
        evs_err pe = {0};
        if (evs_plot_render(&cs, po, w, &pe)) {
            if (pe.status == EVS_ERR_NOMEM) {
                st = evs_nomem(e);
                goto out;
            }
            evs_warnf(w, "report without charts: %s", pe.msg);
            snprintf(note, sizeof note, "%s", pe.msg);
        } else {
            ok = 1;
        }
    }
    if ((st = evs_report_write(&r, &cs, note[0] ? note : NULL, o, e)))
        goto out;
    if (charts_ok)
        *charts_ok = ok;
    if (path && !(*path = evs_path_join(outdir, "report.html")))
        st = evs_nomem(e);
out:
    evs_chart_set_free(&cs);
    evs_outdir_free(&r);
    return st;
}
