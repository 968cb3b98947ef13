/*
 * evs_plot.c — chart data files and the gnuplot runs (see evs_plot.h).
 *
 * Layout written under OUTDIR/charts/:
 *
 *   <slug>/labels.gp    strings and counts, gnuplot syntax, all quoted here
 *   <slug>/price.dat    blocks per series: date, index, price, day
 *   <slug>/ar_day0.dat  rank, symbol, AR%, low%, high%, return%, market%
 *   <slug>/caar.dat     day, date label, CAAR%, low%, high%, AAR%, N
 *   <slug>/car.dat      blocks per security: day, date label, CAR%
 *   <slug>/intraday.dat blocks per security: time, index   (intraday results)
 *   simulation/sim.dat  blocks per test: shock%, rejection rate%
 *   <slug>/<chart>.svg|png   made by plots/<chart>.gp
 *
 * Data files hold numbers and symbols only; a symbol there is data gnuplot
 * reads, never code it runs. Strings gnuplot parses (titles, names) are in
 * labels.gp, each through evs_gp_quote.
 */
#include "evs_plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evs_date.h"
#include "evs_file.h"
#include "evs_fmt.h"
#include "evs_mem.h"
#include "evs_series.h"

#ifndef EVS_PREFIX
#define EVS_PREFIX "/usr/local"
#endif

/* ---- strings ---- */

char *evs_gp_quote(const char *s)
{
    size_t n = 3;
    for (const char *p = s; *p; p++)
        n += *p == '\'' ? 2 : 1;
    char *out = evs_malloc(n), *o = out;
    if (!out)
        return NULL;
    *o++ = '\'';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            /* a line break becomes a space so that words stay apart */
            if (*p == '\n' || *p == '\t' || *p == '\r')
                if (o[-1] != ' ' && o[-1] != '\'')
                    *o++ = ' ';
            continue;
        }
        if (*p == '\'')
            *o++ = '\'';
        *o++ = (char)*p;
    }
    *o++ = '\'';
    *o = 0;
    return out;
}

char *evs_plot_slug(const char *name)
{
    size_t n = strlen(name);
    if (n > 64)
        n = 64;
    char *s = evs_malloc(n + 6);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                 c == '-' || (c == '.' && i > 0);
        s[i] = ok ? (char)c : '_';
    }
    s[n] = 0;
    if (n == 0)
        strcpy(s, "event");
    return s;
}

/* Data file field: control characters (tabs, newlines) become spaces. */
static void put_field(FILE *fp, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, fp);
}

static void put_num(FILE *fp, double v)
{
    char b[EVS_FMT_DOUBLE_MAX];
    if (!isfinite(v))
        fputs("NaN", fp);
    else
        fputs(evs_fmt_double(v, b), fp);
}

static void put_q(FILE *fp, const char *var, const char *s, int *nomem)
{
    char *q = evs_gp_quote(s);
    if (!q) {
        *nomem = 1;
        return;
    }
    fprintf(fp, "%s = %s\n", var, q);
    evs_free(q);
}

/* "Mon 27 Jan 2025" from "2025-01-27..." (or the text as it is). */
static void day_label(const char *date, char out[32], int with_year)
{
    static const char *wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int d, y, m, dd;
    if (strlen(date) >= 10 && evs_date_parse(date, 10, &d) == 0) {
        evs_civil_from_days(d, &y, &m, &dd);
        if (with_year)
            snprintf(out, 32, "%s %d %s %d", wd[evs_weekday(d)], dd, mo[m - 1], y);
        else
            snprintf(out, 32, "%d %s", dd, mo[m - 1]);
        if (strlen(date) > 10 && date[10] == 'T') /* an instant: keep the time */
            snprintf(out + strlen(out), 32 - strlen(out), " %.5s", date + 11);
    } else {
        snprintf(out, 32, "%s", date);
    }
}

/* ---- the set ---- */

static evs_status add_chart(evs_chart_set *set, size_t ev, const char *dir, const char *kind, const char *caption,
                            evs_err *e)
{
    evs_chart *nc = evs_reallocarray(set->c, set->n + 1, sizeof *nc);
    if (!nc)
        return evs_nomem(e);
    set->c = nc;
    evs_chart *c = &nc[set->n];
    memset(c, 0, sizeof *c);
    c->ev = ev;
    c->kind = kind;
    c->caption = caption;
    size_t n = strlen(dir) + strlen(kind) + 8;
    c->dir = evs_strdup(dir);
    c->svg = evs_malloc(n);
    c->png = evs_malloc(n);
    set->n++;
    if (!c->dir || !c->svg || !c->png)
        return evs_nomem(e);
    snprintf(c->svg, n, "%s/%s.svg", dir, kind);
    snprintf(c->png, n, "%s/%s.png", dir, kind);
    return EVS_OK;
}

void evs_chart_set_free(evs_chart_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        evs_free(set->c[i].dir);
        evs_free(set->c[i].svg);
        evs_free(set->c[i].png);
        evs_free(set->c[i].gp_stderr);
    }
    evs_free(set->c);
    for (size_t i = 0; i < set->nev; i++)
        evs_free(set->ev_dir[i]);
    evs_free(set->ev_dir);
    memset(set, 0, sizeof *set);
}

/* Open DIR/NAME for atomic writing. */
static evs_status open_in(evs_afile *f, const char *dir, const char *name, evs_err *e)
{
    char *p = evs_path_join(dir, name);
    if (!p)
        return evs_nomem(e);
    evs_status st = evs_afile_open(f, p, e);
    evs_free(p);
    return st;
}

/* ---- per-event data ---- */

typedef struct price_series {
    const char *symbol;
    int style; /* 1..10 stock, 101 benchmark, 102 futures */
    const char *day0; /* date of day 0 for this series ("" = the event's) */
} price_series;

static int is_futures(const char *s)
{
    size_t n = strlen(s);
    return n > 2 && strcmp(s + n - 2, "=F") == 0;
}

static int cmp_ar(const void *a, const void *b)
{
    const evs_res_ar *x = *(const evs_res_ar *const *)a, *y = *(const evs_res_ar *const *)b;
    if (x->ar < y->ar)
        return -1;
    if (x->ar > y->ar)
        return 1;
    return strcmp(x->symbol, y->symbol);
}

/* The price block of one series: rows from day0-before to day0+after of its
 * own file, indexed to the close before day 0. Returns 1 when written, 0
 * when the data are missing (warned), -1 on a write or memory error. */
static int write_price_block(FILE *fp, const evs_outdir *r, const char *symbol, const char *day0, int before,
                             int after, const evs_warner *w, evs_err *e)
{
    const evs_res_data *d = evs_outdir_data(r, symbol);
    if (!d) {
        evs_warnf(w, "price chart: %s is not among run.json's data files; left out", symbol);
        return 0;
    }
    int nomem;
    char *path = evs_outdir_data_path(r, d, &nomem);
    if (!path && nomem)
        return evs_nomem(e), -1;
    if (!path) {
        evs_warnf(w, "price chart: cannot find %s's data file (%s); left out", symbol, d->file);
        return 0;
    }
    evs_series s;
    evs_err se;
    if (evs_series_read(path, &s, &se)) {
        evs_warnf(w, "price chart: %s; %s left out", se.msg, symbol);
        evs_free(path);
        return se.status == EVS_ERR_NOMEM ? (evs_nomem(e), -1) : 0;
    }
    evs_free(path);
    int d0;
    if (strlen(day0) < 10 || evs_date_parse(day0, 10, &d0)) {
        evs_series_free(&s);
        return 0;
    }
    size_t i0 = 0;
    while (i0 < s.n && s.date[i0] < d0)
        i0++;
    if (i0 == 0 || i0 >= s.n) {
        evs_warnf(w, "price chart: %s has no prices on both sides of %s; left out", symbol, day0);
        evs_series_free(&s);
        return 0;
    }
    double base = s.price[i0 - 1];
    size_t lo = i0 >= (size_t)before ? i0 - (size_t)before : 0;
    size_t hi = i0 + (size_t)after < s.n ? i0 + (size_t)after : s.n - 1;
    for (size_t i = lo; i <= hi; i++) {
        char ds[11];
        evs_date_format(s.date[i], ds);
        fprintf(fp, "%s\t", ds);
        put_num(fp, 100.0 * s.price[i] / base);
        fputc('\t', fp);
        put_num(fp, s.price[i]);
        fprintf(fp, "\t%ld\n", (long)i - (long)i0);
    }
    fputs("\n\n", fp);
    evs_series_free(&s);
    return 1;
}

typedef struct ev_ctx {
    const evs_outdir *r;
    size_t ev;
    const char *dir;
    const evs_plot_opts *o;
    const evs_warner *w;
    evs_err *e;
    /* gathered */
    const evs_res_ar **ar0; /* day-0 rows, sorted by AR */
    size_t nar0;
    const char **car_sym;   /* securities with AR rows, in file order */
    size_t ncar;
    price_series *ps;
    size_t nps;
    int day_first, day_last;
    int intraday;
    const char *day0;
} ev_ctx;

static int has_str(const char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return 1;
    return 0;
}

static evs_status gather(ev_ctx *x)
{
    const evs_outdir *r = x->r;
    size_t n0 = 0, nsym = 0;
    for (size_t i = 0; i < r->nar; i++)
        if (r->ar[i].ev == x->ev) {
            nsym++;
            if (r->ar[i].day == 0 && isfinite(r->ar[i].ar))
                n0++;
        }
    x->ar0 = evs_calloc(n0 + 1, sizeof *x->ar0);
    x->car_sym = evs_calloc(nsym + 1, sizeof *x->car_sym);
    x->ps = evs_calloc(nsym + r->ndata + 2, sizeof *x->ps);
    if (!x->ar0 || !x->car_sym || !x->ps)
        return evs_nomem(x->e);
    x->day_first = 0;
    x->day_last = 0;
    int any = 0;
    x->day0 = r->events[x->ev].date;
    for (size_t i = 0; i < r->nar; i++) {
        const evs_res_ar *a = &r->ar[i];
        if (a->ev != x->ev)
            continue;
        if (!any || a->day < x->day_first)
            x->day_first = a->day;
        if (!any || a->day > x->day_last)
            x->day_last = a->day;
        any = 1;
        if (strchr(a->date, 'T'))
            x->intraday = 1;
        if (a->day == 0 && isfinite(a->ar)) {
            if (x->nar0 == 0)
                x->day0 = a->date;
            x->ar0[x->nar0++] = a;
        }
        if (!has_str(x->car_sym, x->ncar, a->symbol))
            x->car_sym[x->ncar++] = a->symbol;
    }
    qsort(x->ar0, x->nar0, sizeof *x->ar0, cmp_ar);
    /* price series: the securities, then benchmarks and futures */
    for (size_t i = 0; i < x->ncar; i++) {
        x->ps[x->nps].symbol = x->car_sym[i];
        x->ps[x->nps].style = (int)(i % 10) + 1;
        x->ps[x->nps].day0 = "";
        for (size_t k = 0; k < x->nar0; k++)
            if (strcmp(x->ar0[k]->symbol, x->car_sym[i]) == 0)
                x->ps[x->nps].day0 = x->ar0[k]->date;
        x->nps++;
    }
    const char *mkt = r->events[x->ev].market;
    for (size_t i = 0; i < r->ndata; i++) {
        const char *s = r->data[i].symbol;
        int bench = strcmp(s, mkt) == 0 || s[0] == '^';
        int fut = is_futures(s);
        if (!bench && !fut)
            continue;
        int dup = 0;
        for (size_t k = 0; k < x->nps; k++)
            dup |= strcmp(x->ps[k].symbol, s) == 0;
        if (dup)
            continue;
        x->ps[x->nps].symbol = s;
        x->ps[x->nps].style = fut ? 102 : 101;
        x->ps[x->nps].day0 = "";
        x->nps++;
    }
    return EVS_OK;
}

static void gather_free(ev_ctx *x)
{
    evs_free(x->ar0);
    evs_free(x->car_sym);
    evs_free(x->ps);
}

static evs_status write_event(ev_ctx *x, evs_chart_set *set)
{
    const evs_outdir *r = x->r;
    const evs_res_event *ev = &r->events[x->ev];
    evs_err *e = x->e;
    evs_afile f = {0};
    evs_status st;
    int nomem = 0;
    int before = x->o && x->o->days_before > 0 ? x->o->days_before : 10;
    int after = x->o && x->o->days_after > 0 ? x->o->days_after : 10;
    int *price_ok = evs_calloc(x->nps + 1, sizeof *price_ok);
    if (!price_ok)
        return evs_nomem(e);

    /* price.dat (daily results only) */
    size_t nprice = 0;
    if (!x->intraday && x->nps) {
        if ((st = open_in(&f, x->dir, "price.dat", e)))
            goto out;
        fprintf(f.fp, "# evstudy chart data: prices indexed to 100 at day -1 (see plots/price.gp)\n"
                      "# columns: date\tindex\tprice\tday; one block per series, in labels.gp order\n");
        for (size_t i = 0; i < x->nps; i++) {
            const char *d0 = x->ps[i].day0[0] ? x->ps[i].day0 : x->day0;
            int rc = write_price_block(f.fp, r, x->ps[i].symbol, d0, before, after, x->w, e);
            if (rc < 0) {
                st = EVS_ERR_NOMEM;
                goto out;
            }
            price_ok[i] = rc;
            nprice += (size_t)rc;
        }
        if (nprice == 0)
            evs_afile_abort(&f);
        else if ((st = evs_afile_commit(&f, e)))
            goto out;
    }

    /* ar_day0.dat */
    if (x->nar0) {
        if ((st = open_in(&f, x->dir, "ar_day0.dat", e)))
            goto out;
        fprintf(f.fp, "# evstudy chart data: day-0 abnormal returns, sorted (see plots/ar_day0.gp)\n"
                      "# columns: rank\tsymbol\tar_pct\tlow_pct\thigh_pct\treturn_pct\tmarket_return_pct\n");
        for (size_t i = 0; i < x->nar0; i++) {
            const evs_res_ar *a = x->ar0[i];
            double sd = (isfinite(a->sar) && a->sar != 0) ? a->ar / a->sar : NAN;
            fprintf(f.fp, "%zu\t", i + 1);
            put_field(f.fp, a->symbol);
            fputc('\t', f.fp);
            put_num(f.fp, 100 * a->ar);
            fputc('\t', f.fp);
            put_num(f.fp, 100 * (a->ar - 1.96 * sd));
            fputc('\t', f.fp);
            put_num(f.fp, 100 * (a->ar + 1.96 * sd));
            fputc('\t', f.fp);
            put_num(f.fp, 100 * a->ret);
            fputc('\t', f.fp);
            put_num(f.fp, 100 * a->market_ret);
            fputc('\n', f.fp);
        }
        if ((st = evs_afile_commit(&f, e)))
            goto out;
    }

    /* caar.dat */
    size_t ncaar = 0;
    for (size_t i = 0; i < r->naar; i++)
        ncaar += r->aar[i].ev == x->ev;
    if (ncaar) {
        if ((st = open_in(&f, x->dir, "caar.dat", e)))
            goto out;
        fprintf(f.fp, "# evstudy chart data: CAAR with 95%% band = CAAR +- 1.96 se_caar (see plots/caar.gp)\n"
                      "# columns: day\tdate\tcaar_pct\tlow_pct\thigh_pct\taar_pct\tn\n");
        for (size_t i = 0; i < r->naar; i++) {
            const evs_res_aar *a = &r->aar[i];
            if (a->ev != x->ev)
                continue;
            char lab[32];
            day_label(a->date, lab, 0);
            fprintf(f.fp, "%d\t", a->day);
            put_field(f.fp, lab);
            fputc('\t', f.fp);
            put_num(f.fp, 100 * a->caar);
            fputc('\t', f.fp);
            put_num(f.fp, 100 * (a->caar - 1.96 * a->se_caar));
            fputc('\t', f.fp);
            put_num(f.fp, 100 * (a->caar + 1.96 * a->se_caar));
            fputc('\t', f.fp);
            put_num(f.fp, 100 * a->aar);
            fputc('\t', f.fp);
            put_num(f.fp, a->n);
            fputc('\n', f.fp);
        }
        if ((st = evs_afile_commit(&f, e)))
            goto out;
    }

    /* car.dat and intraday.dat */
    if (x->ncar) {
        if ((st = open_in(&f, x->dir, x->intraday ? "intraday.dat" : "car.dat", e)))
            goto out;
        if (x->intraday)
            fprintf(f.fp, "# evstudy chart data: intraday paths, 100 x cumulated returns, = 100 at the bar\n"
                          "# before day 0 (see plots/intraday.gp)\n# columns: time\tindex\tbar; one block per"
                          " security, in labels.gp order\n");
        else
            fprintf(f.fp, "# evstudy chart data: CAR per security (see plots/car.gp)\n"
                          "# columns: day\tdate\tcar_pct; one block per security, in labels.gp order\n");
        for (size_t k = 0; k < x->ncar; k++) {
            double cum = 1, base = NAN;
            /* the base of the intraday index: cumulated return up to day -1 */
            for (size_t i = 0; x->intraday && i < r->nar; i++) {
                const evs_res_ar *a = &r->ar[i];
                if (a->ev != x->ev || strcmp(a->symbol, x->car_sym[k]))
                    continue;
                if (a->day < 0 && isfinite(a->ret))
                    cum *= 1 + a->ret;
                if (a->day == -1)
                    base = cum;
            }
            if (!isfinite(base))
                base = 1;
            cum = 1;
            for (size_t i = 0; i < r->nar; i++) {
                const evs_res_ar *a = &r->ar[i];
                if (a->ev != x->ev || strcmp(a->symbol, x->car_sym[k]))
                    continue;
                if (x->intraday) {
                    if (isfinite(a->ret))
                        cum *= 1 + a->ret;
                    put_field(f.fp, a->date);
                    fputc('\t', f.fp);
                    put_num(f.fp, 100 * cum / base);
                    fprintf(f.fp, "\t%d\n", a->day);
                } else {
                    char lab[32];
                    day_label(a->date, lab, 0);
                    fprintf(f.fp, "%d\t", a->day);
                    put_field(f.fp, lab);
                    fputc('\t', f.fp);
                    put_num(f.fp, 100 * a->car);
                    fputc('\n', f.fp);
                }
            }
            fputs("\n\n", f.fp);
        }
        if ((st = evs_afile_commit(&f, e)))
            goto out;
    }

    /* labels.gp */
    if ((st = open_in(&f, x->dir, "labels.gp", e)))
        goto out;
    char lab[32];
    fprintf(f.fp, "# labels.gp — strings for this event's charts, written by evstudy plot.\n"
                  "# Every string is single-quoted ('' is a quote); the chart scripts load this file.\n");
    put_q(f.fp, "event_name", ev->name, &nomem);
    put_q(f.fp, "event_date", ev->date, &nomem);
    put_q(f.fp, "study_title", r->title, &nomem);
    put_q(f.fp, "day0_date", x->day0, &nomem);
    day_label(x->day0, lab, 1);
    put_q(f.fp, "day0_label", lab, &nomem);
    fprintf(f.fp, "day_first = %d\nday_last = %d\n", x->day_first, x->day_last);
    size_t nband = 0;
    for (size_t i = 0; i < x->nar0; i++)
        nband += isfinite(x->ar0[i]->sar) && x->ar0[i]->sar != 0;
    fprintf(f.fp, "n_ar = %zu\nn_band = %zu\n", x->nar0, nband);
    fprintf(f.fp, "n_price = %zu\n", nprice);
    if (nprice) {
        fprintf(f.fp, "array price_name[%zu]\narray price_style[%zu]\n", nprice, nprice);
        size_t k = 0;
        for (size_t i = 0; i < x->nps; i++) {
            if (!price_ok[i])
                continue;
            char var[64];
            k++;
            snprintf(var, sizeof var, "price_name[%zu]", k);
            put_q(f.fp, var, x->ps[i].symbol, &nomem);
            fprintf(f.fp, "price_style[%zu] = %d\n", k, x->ps[i].style);
        }
    }
    fprintf(f.fp, "n_car = %zu\n", x->ncar);
    if (x->ncar) {
        fprintf(f.fp, "array car_name[%zu]\n", x->ncar);
        for (size_t i = 0; i < x->ncar; i++) {
            char var[64];
            snprintf(var, sizeof var, "car_name[%zu]", i + 1);
            put_q(f.fp, var, x->car_sym[i], &nomem);
        }
    }
    if (nomem) {
        evs_afile_abort(&f);
        st = evs_nomem(e);
        goto out;
    }
    if ((st = evs_afile_commit(&f, e)))
        goto out;

    if (nprice && (st = add_chart(set, x->ev, x->dir, "price",
                                  "Prices around the event, indexed to 100 at the close on day −1.", e)))
        goto out;
    if (x->nar0 && (st = add_chart(set, x->ev, x->dir, "ar_day0",
                                   "Abnormal return of each security on day 0, sorted, with its 95% band.", e)))
        goto out;
    if (ncaar && (st = add_chart(set, x->ev, x->dir, "caar",
                                 "Cumulative average abnormal return (CAAR) with its 95% confidence band.", e)))
        goto out;
    if (x->ncar && !x->intraday &&
        (st = add_chart(set, x->ev, x->dir, "car", "Cumulative abnormal return (CAR) of each security.", e)))
        goto out;
    if (x->ncar && x->intraday &&
        (st = add_chart(set, x->ev, x->dir, "intraday",
                        "Intraday path of each series around the news, indexed to 100 at the bar before it.", e)))
        goto out;
    st = EVS_OK;
out:
    evs_afile_abort(&f);
    evs_free(price_ok);
    return st;
}

static evs_status write_simulation(const evs_outdir *r, const char *charts, evs_chart_set *set, evs_err *e)
{
    evs_status st;
    evs_afile f = {0};
    int nomem = 0;
    char *dir = evs_path_join(charts, "simulation");
    const char **names = evs_calloc(r->nsim + 1, sizeof *names);
    size_t nn = 0;
    if (!dir || !names) {
        st = evs_nomem(e);
        goto out;
    }
    for (size_t i = 0; i < r->nsim; i++)
        if (!has_str(names, nn, r->sim[i].test))
            names[nn++] = r->sim[i].test;
    if ((st = evs_mkdirs(dir, e)) || (st = open_in(&f, dir, "sim.dat", e)))
        goto out;
    fprintf(f.fp, "# evstudy chart data: rejection rate against planted abnormal return (see plots/simulation.gp)\n"
                  "# columns: shock_pct\trate_pct; one block per test, in labels.gp order\n");
    for (size_t k = 0; k < nn; k++) {
        /* rows of this test by increasing shock (insertion order is kept for ties) */
        double last = -INFINITY;
        for (;;) {
            size_t best = r->nsim;
            for (size_t i = 0; i < r->nsim; i++)
                if (strcmp(r->sim[i].test, names[k]) == 0 && r->sim[i].shock > last &&
                    (best == r->nsim || r->sim[i].shock < r->sim[best].shock))
                    best = i;
            if (best == r->nsim)
                break;
            last = r->sim[best].shock;
            put_num(f.fp, 100 * r->sim[best].shock);
            fputc('\t', f.fp);
            put_num(f.fp, 100 * r->sim[best].rate);
            fputc('\n', f.fp);
        }
        fputs("\n\n", f.fp);
    }
    if ((st = evs_afile_commit(&f, e)) || (st = open_in(&f, dir, "labels.gp", e)))
        goto out;
    fprintf(f.fp, "# labels.gp — strings for the simulation chart, written by evstudy plot.\n");
    put_q(f.fp, "study_title", r->title, &nomem);
    fprintf(f.fp, "n_sim = %zu\narray sim_name[%zu]\n", nn, nn ? nn : 1);
    for (size_t k = 0; k < nn; k++) {
        char var[64];
        snprintf(var, sizeof var, "sim_name[%zu]", k + 1);
        put_q(f.fp, var, names[k], &nomem);
    }
    if (nomem) {
        st = evs_nomem(e);
        goto out;
    }
    if ((st = evs_afile_commit(&f, e)))
        goto out;
    st = add_chart(set, EVS_RES_ALL, dir, "simulation",
                   "Simulation: how often each test rejects at 5%, against the abnormal return planted.", e);
out:
    evs_afile_abort(&f);
    evs_free(names);
    evs_free(dir);
    return st;
}

evs_status evs_plot_write_data(const evs_outdir *r, const evs_plot_opts *o, evs_chart_set *set,
                               const evs_warner *w, evs_err *e)
{
    evs_status st;
    memset(set, 0, sizeof *set);
    char *charts = evs_path_join(r->outdir, "charts");
    if (!charts)
        return evs_nomem(e);
    size_t max = o && o->max_events ? o->max_events : 200;
    set->ev_dir = evs_calloc(r->nevents + 1, sizeof *set->ev_dir);
    if (!set->ev_dir) {
        st = evs_nomem(e);
        goto out;
    }
    set->nev = r->nevents;
    if ((st = evs_mkdirs(charts, e)))
        goto out;
    if (r->nevents > max)
        evs_warnf(w, "%zu events: charts are drawn for the first %zu only", r->nevents, max);
    for (size_t i = 0; i < r->nevents && i < max; i++) {
        char *slug = evs_plot_slug(r->events[i].name);
        if (!slug) {
            st = evs_nomem(e);
            goto out;
        }
        /* a suffix when an earlier event has the same slug */
        int clash = 0;
        char *dir = evs_path_join(charts, slug);
        for (size_t k = 0; dir && k < i; k++)
            clash |= set->ev_dir[k] && strcmp(set->ev_dir[k], dir) == 0;
        if (dir && (clash || strcmp(slug, "simulation") == 0)) {
            size_t n = strlen(slug);
            snprintf(slug + n, 6, "-%zu", (i + 1) % 10000);
            evs_free(dir);
            dir = evs_path_join(charts, slug);
        }
        evs_free(slug);
        if (!dir) {
            st = evs_nomem(e);
            goto out;
        }
        set->ev_dir[i] = dir;
        if ((st = evs_mkdirs(dir, e)))
            goto out;
        ev_ctx x = {.r = r, .ev = i, .dir = dir, .o = o, .w = w, .e = e};
        st = gather(&x);
        if (!st)
            st = write_event(&x, set);
        gather_free(&x);
        if (st)
            goto out;
    }
    if (r->nsim && (st = write_simulation(r, charts, set, e)))
        goto out;
    st = EVS_OK;
out:
    evs_free(charts);
    if (st)
        evs_chart_set_free(set);
    return st;
}

/* ---- running gnuplot ---- */

static const char *gnuplot_prog(const evs_plot_opts *o)
{
    if (o && o->gnuplot)
        return o->gnuplot;
    const char *env = getenv("EVS_GNUPLOT");
    return env && *env ? env : "gnuplot";
}

int evs_plot_have_gnuplot(const evs_plot_opts *o)
{
    const char *prog = gnuplot_prog(o);
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    while (*path) {
        const char *c = strchr(path, ':');
        size_t n = c ? (size_t)(c - path) : strlen(path);
        char buf[4096];
        if (n + strlen(prog) + 2 < sizeof buf) {
            snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? path : ".", prog);
            if (access(buf, X_OK) == 0)
                return 1;
        }
        path += n + (c ? 1 : 0);
    }
    return 0;
}

static int exists_file_oom(const char *dir, const char *name, int *oom)
{
    char *p = evs_path_join(dir, name);
    if (!p)
        *oom = 1;
    struct stat sb;
    int ok = p && stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
    evs_free(p);
    return ok;
}

char *evs_plot_find_scripts(int *nomem)
{
    int oom = 0;
    char *found = NULL;
    const char *env = getenv("EVS_PLOTS_DIR");
    if (env && *env) {
        if (exists_file_oom(env, "price.gp", &oom) && !(found = evs_strdup(env)))
            oom = 1;
        goto done;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        static const char *rel[] = {"plots", "../plots", "../../plots", "../share/evstudy/plots"};
        for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
            char *d = evs_path_join(exe, rel[i]);
            if (!d)
                oom = 1;
            if (d && exists_file_oom(d, "price.gp", &oom)) {
                found = d;
                goto done;
            }
            evs_free(d);
        }
    }
    if (exists_file_oom(EVS_PREFIX "/share/evstudy/plots", "price.gp", &oom)) {
        if (!(found = evs_strdup(EVS_PREFIX "/share/evstudy/plots")))
            oom = 1;
    } else if (exists_file_oom("plots", "price.gp", &oom)) {
        if (!(found = evs_strdup("plots")))
            oom = 1;
    }
done:
    if (nomem)
        *nomem = !found && oom;
    return found;
}

/* Run prog -e "datadir='DIR'" SCRIPT; stderr into *err (new string).
 * Returns 0 and sets *status (waitpid status), or an errno value when the
 * program could not be started (ENOENT when it does not exist). */
static int run_gnuplot(const char *prog, const char *dir, const char *script, char **err, int *status)
{
    *err = NULL;
    char *q = evs_gp_quote(dir);
    if (!q)
        return ENOMEM;
    size_t n = strlen(q) + 16;
    char *expr = evs_malloc(n);
    if (!expr) {
        evs_free(q);
        return ENOMEM;
    }
    snprintf(expr, n, "datadir=%s", q);
    evs_free(q);
    char *argv[] = {(char *)prog, "-e", expr, (char *)script, NULL};

    int ep[2], xp[2];
    if (pipe2(ep, O_CLOEXEC) != 0) {
        int er = errno;
        evs_free(expr);
        return er;
    }
    if (pipe2(xp, O_CLOEXEC) != 0) {
        int er = errno;
        close(ep[0]);
        close(ep[1]);
        evs_free(expr);
        return er;
    }
    pid_t pid = fork();
    if (pid < 0) {
        int er = errno;
        close(ep[0]);
        close(ep[1]);
        close(xp[0]);
        close(xp[1]);
        evs_free(expr);
        return er;
    }
    if (pid == 0) {
        /* the child: stdin and stdout from/to /dev/null, stderr into the pipe */
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
        }
        dup2(ep[1], 2);
        signal(SIGPIPE, SIG_DFL);
        execvp(prog, argv);
        int er = errno;
        ssize_t wr = write(xp[1], &er, sizeof er);
        (void)wr;
        _exit(127);
    }
    close(ep[1]);
    close(xp[1]);
    evs_free(expr);
    size_t cap = 1024, len = 0;
    char *buf = evs_malloc(cap);
    for (;;) {
        char tmp[4096];
        ssize_t got = read(ep[0], tmp, sizeof tmp);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        if (buf && len + (size_t)got + 1 > cap && len < (1u << 20)) {
            size_t nc = (len + (size_t)got + 1) * 2;
            char *nb = evs_reallocarray(buf, nc, 1);
            if (nb) {
                buf = nb;
                cap = nc;
            }
        }
        if (buf && len + (size_t)got + 1 <= cap) {
            memcpy(buf + len, tmp, (size_t)got);
            len += (size_t)got;
        }
    }
    close(ep[0]);
    int exec_err = 0;
    ssize_t got;
    do
        got = read(xp[0], &exec_err, sizeof exec_err);
    while (got < 0 && errno == EINTR);
    close(xp[0]);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    if (buf)
        buf[len] = 0;
    *err = buf;
    if (got == (ssize_t)sizeof exec_err && exec_err) {
        evs_free(buf);
        *err = NULL;
        return exec_err;
    }
    return buf ? 0 : ENOMEM;
}

static int nonempty(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

evs_status evs_plot_render(evs_chart_set *set, const evs_plot_opts *o, const evs_warner *w, evs_err *e)
{
    const char *prog = gnuplot_prog(o);
    if (set->n == 0)
        return EVS_OK;
    if (!evs_plot_have_gnuplot(o))
        return evs_errf(e, EVS_ERR_IO,
                        "gnuplot not found (%s): install it with 'apt-get install gnuplot-nox' "
                        "(Debian/Ubuntu); the chart data files are written in %s",
                        prog, set->c[0].dir);
    char *found = NULL;
    int nomem = 0;
    const char *sdir = o && o->scripts_dir ? o->scripts_dir : (found = evs_plot_find_scripts(&nomem));
    if (!sdir && nomem)
        return evs_nomem(e);
    if (!sdir)
        return evs_errf(e, EVS_ERR_IO,
                        "cannot find the chart scripts (price.gp ...): set EVS_PLOTS_DIR to the plots/ folder");
    evs_status st = EVS_OK;
    for (size_t i = 0; i < set->n; i++) {
        evs_chart *c = &set->c[i];
        size_t n = strlen(sdir) + strlen(c->kind) + 8;
        char *script = evs_malloc(n);
        if (!script) {
            st = evs_nomem(e);
            break;
        }
        snprintf(script, n, "%s/%s.gp", sdir, c->kind);
        remove(c->svg);
        remove(c->png);
        int status = 0;
        evs_free(c->gp_stderr);
        c->gp_stderr = NULL;
        int er = run_gnuplot(prog, c->dir, script, &c->gp_stderr, &status);
        if (er) {
            st = er == ENOENT ? evs_errf(e, EVS_ERR_IO,
                                         "gnuplot not found (%s): install it with 'apt-get install gnuplot-nox' "
                                         "(Debian/Ubuntu); the chart data files are written in %s",
                                         prog, c->dir)
                 : er == ENOMEM ? evs_nomem(e)
                                : evs_errf(e, EVS_ERR_IO, "cannot run %s: %s", prog, strerror(er));
            evs_free(script);
            break;
        }
        const char *msg = c->gp_stderr ? c->gp_stderr : "";
        size_t ml = strlen(msg);
        while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == '\r'))
            ml--;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            st = evs_errf(e, EVS_ERR_DATA, "%s: gnuplot failed (%s %d) on %s: %.*s", script,
                          WIFEXITED(status) ? "exit status" : "signal",
                          WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), c->dir, (int)ml, msg);
            evs_free(script);
            break;
        }
        if (ml)
            evs_warnf(w, "%s: gnuplot: %.*s", script, (int)ml, msg);
        if (!nonempty(c->svg) || !nonempty(c->png)) {
            st = evs_errf(e, EVS_ERR_IO, "%s: gnuplot made no output (%s)", script, c->svg);
            evs_free(script);
            break;
        }
        c->rendered = 1;
        evs_free(script);
    }
    evs_free(found);
    return st;
}
