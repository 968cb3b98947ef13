/*
 * summary.c — the short readable summary `evstudy run` prints on stdout:
 * per event, the securities sorted by day-0 abnormal return (raw return, AR,
 * its t-statistic SAR), then the CAAR of each window with the main tests,
 * the cross-correlation-adjusted ones (Kolari-Pynnonen) beside the others.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evs_date.h"
#include "evs_engine.h"
#include "evs_fmt.h"
#include "evs_intraday.h"
#include "evs_mem.h"
#include "evs_reactions.h"

static const char *dow[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

static const char *stars(double p)
{
    return isnan(p) ? "" : p < 0.01 ? "***" : p < 0.05 ? "**" : p < 0.10 ? "*" : "";
}

static void cell(char *out, size_t n, const evs_test_row *t)
{
    if (isnan(t->statistic)) {
        snprintf(out, n, "n/a");
        return;
    }
    char p[16];
    if (t->p_value < 0.0001)
        snprintf(p, sizeof p, "<.0001");
    else
        snprintf(p, sizeof p, "%.4f", t->p_value);
    snprintf(out, n, "%6.2f (%s)%s", t->statistic, p, stars(t->p_value));
}

typedef struct row {
    const evs_firm *f;
    long i0;
} row;

static int by_ar(const void *a, const void *b)
{
    const row *x = a, *y = b;
    double u = x->f->sp_ar[x->i0], v = y->f->sp_ar[y->i0];
    return u < v ? -1 : u > v ? 1 : strcmp(x->f->symbol, y->f->symbol);
}

static void window_table(const char *label, const evs_test_row (*rows)[EVS_NTESTS], const evs_window *wins,
                         size_t nw, double rbar)
{
    static const evs_test_id shown[] = {EVS_T_TCS, EVS_T_BMP, EVS_T_BMP_KP, EVS_T_PATELL, EVS_T_PATELL_KP,
                                        EVS_T_CORRADO};
    printf("  %-8s %8s", label, "CAAR");
    for (size_t j = 0; j < sizeof shown / sizeof *shown; j++)
        printf("  %-18s", evs_test_name(shown[j]));
    printf("\n");
    for (size_t w = 0; w < nw; w++) {
        char ws[32];
        printf("  %-8s %+7.2f%%", evs_window_format(wins[w], ws), 100 * rows[w][EVS_T_TCS].estimate);
        for (size_t j = 0; j < sizeof shown / sizeof *shown; j++) {
            char c[40];
            cell(c, sizeof c, &rows[w][shown[j]]);
            printf("  %-18s", c);
        }
        printf("\n");
    }
    printf("  statistic (two-sided p); * p<0.10, ** p<0.05, *** p<0.01. Mean residual cross-correlation r = %.3f.\n",
           rbar);
    const evs_test_row *r0 = nw ? &rows[0][EVS_T_TCS] : NULL;
    if (r0 && r0->clustered > 1)
        printf("  Clustered: %zu of %zu firm-events share a day 0. The tests that assume independent firm-events\n"
               "  (t-cs, j1, j2, patell, bmp, sign, gen-sign, wilcoxon, skew-t-bhar) %s;\n"
               "  patell-kp, bmp-kp (Kolari-Pynnonen 2010) and grank (2011) allow for it (tests.csv, column note).\n",
               r0->clustered, r0->n, rbar > 0.05 ? "overstate significance here" : "may overstate significance");
    else
        printf("  %s\n", rbar > 0.05 ? "Correlated residuals: prefer bmp-kp and patell-kp (Kolari-Pynnonen 2010)."
                                     : "Little cross-correlation; adjusted and unadjusted tests agree closely.");
    if (r0 && !isnan(r0->p_boot))
        printf("  Bootstrap p-values (tests.csv, column p_boot), window %s: t-cs %.4f, bmp %.4f, skew-t-bhar %.4f.\n",
               evs_window_format(wins[0], (char[32]){0}), rows[0][EVS_T_TCS].p_boot, rows[0][EVS_T_BMP].p_boot,
               rows[0][EVS_T_SKEW_T_BHAR].p_boot);
}


/* The order in which markets reacted (reactions.csv): one line per exchange
 * and day 0, by session open; printed only when the event spans more than
 * one exchange or day 0. */
static void reaction_table(const evs_event_result *er)
{
    evs_reaction *g;
    size_t n;
    evs_err e;
    if (evs_reactions(er, &g, &n, &e) != EVS_OK)
        return;
    if (n > 1) {
        printf("  order in which markets reacted (session the news first hit; mean day-0 return and AR):\n");
        printf("  %-5s %-14s %-17s %3s %9s %9s\n", "exch", "day 0", "opens (UTC)", "n", "return", "AR");
        for (size_t j = 0; j < n; j++) {
            char d[11], o[21], c1[11], c2[11];
            evs_date_format(g[j].day0, d);
            evs_instant_format(g[j].open, o);
            o[16] = 0;
            o[10] = ' ';
            printf("  %-5s %s %s %-17s %3zu %+8.2f%% %+8.2f%%", g[j].exchange->mic, dow[evs_weekday(g[j].day0)], d, o,
                   g[j].n, 100 * g[j].mean_r, 100 * g[j].mean_ar);
            if (g[j].closed_first != EVS_NO_DATE) {
                evs_date_format(g[j].closed_first, c1);
                evs_date_format(g[j].closed_last, c2);
                printf("  closed %s..%s (no session in the data: holiday), reacted on its first session after",
                       c1, c2);
            }
            printf("\n");
        }
    }
    evs_free(g);
}

void cli_print_summary(const evs_run *r, const char *outdir);
void cli_print_summary(const evs_run *r, const char *outdir)
{
    const evs_study *s = r->study;
    if (s->title[0])
        printf("%s\n", s->title);
    for (size_t k = 0; k < r->nev; k++) {
        const evs_event_result *er = &r->ev[k];
        const evs_event_def *ev = er->def;
        char d[11], ws[32];
        evs_date_format(ev->date, d);
        char ti[21];
        evs_instant_format(ev->instant, ti);
        if (ev->intraday)
            printf("\n== %s: event instant %s, %s bars (overnight %s); %s model", ev->name, ti,
                   evs_interval_name(ev->p.interval), ev->p.overnight == EVS_OVERNIGHT_EXCLUDE ? "excluded" : "included",
                   evs_model_name(ev->p.model));
        else if (ev->has_instant)
            printf("\n== %s: event instant %s (%s UTC); %s model", ev->name, ti, dow[evs_weekday(ev->date)],
                   evs_model_name(ev->p.model));
        else
            printf("\n== %s: event date %s %s; %s model", ev->name, dow[evs_weekday(ev->date)], d,
                   evs_model_name(ev->p.model));
        if (ev->p.model != EVS_MODEL_CONSTANT_MEAN && ev->p.market)
            printf(" against %s", ev->p.market);
        if (ev->p.model == EVS_MODEL_TWO_INDEX && ev->p.sector)
            printf(" and %s", ev->p.sector);
        if (ev->p.model == EVS_MODEL_DIMSON)
            printf(" (%d lead%s and lag%s)", ev->p.dimson_lags, ev->p.dimson_lags > 1 ? "s" : "",
                   ev->p.dimson_lags > 1 ? "s" : "");
        if (ev->p.factors && (ev->p.model == EVS_MODEL_FF3 || ev->p.model == EVS_MODEL_CARHART ||
                              ev->p.model == EVS_MODEL_FF5))
            printf(" with factors %s", ev->p.factors);
        if (ev->p.exclude_events)
            printf(", other events' windows excluded from estimation");
        printf(", %s returns, estimation %s; %zu of %zu securities analysed\n", evs_returns_name(ev->p.returns),
               evs_window_format(ev->p.estimation, ws), er->nok, er->nfirm);
        row *rows = calloc(er->nfirm, sizeof *rows);
        size_t m = 0;
        int d0 = EVS_NO_DATE;
        for (size_t i = 0; rows && i < er->nfirm; i++) {
            const evs_firm *f = &er->firm[i];
            long i0 = f->ok ? evs_firm_span_index(f, 0) : -1;
            if (i0 < 0)
                continue;
            rows[m].f = f;
            rows[m++].i0 = i0;
            d0 = d0 == EVS_NO_DATE || d0 == f->sp_date[i0] ? f->sp_date[i0] : -1;
        }
        if (m) {
            qsort(rows, m, sizeof *rows, by_ar);
            if (ev->intraday && d0 != EVS_NO_DATE && d0 != -1) {
                evs_minute_format(d0, ti);
                printf("  bar 0 = %s (UTC), sorted by abnormal return:\n", ti);
            } else if (d0 != EVS_NO_DATE && d0 != -1) {
                evs_date_format(d0, d);
                printf("  day 0 = %s %s, sorted by abnormal return:\n", dow[evs_weekday(d0)], d);
            } else {
                printf("  day 0 (each security's own), sorted by abnormal return:\n");
            }
            printf("  %-10s %9s %9s %9s %8s\n", "security", "return", "expected", "AR", "t(AR)");
            for (size_t i = 0; i < m; i++) {
                const evs_firm *f = rows[i].f;
                long t = rows[i].i0;
                printf("  %-10s %+8.2f%% %+8.2f%% %+8.2f%% %8.2f\n", f->symbol, 100 * f->sp_r[t], 100 * f->sp_exp[t],
                       100 * f->sp_ar[t], f->sp_sar[t]);
            }
        }
        free(rows);
        for (size_t i = 0; i < er->nfirm; i++)
            if (!er->firm[i].ok)
                printf("  excluded %s: %s\n", er->firm[i].symbol, er->firm[i].reason);
        reaction_table(er);
        window_table("window", (const evs_test_row(*)[EVS_NTESTS])er->tests, ev->p.windows, ev->p.nwindows,
                     er->rbar);
    }
    if (r->npooled) {
        evs_window *wins = calloc(r->npooled, sizeof *wins);
        evs_test_row(*rows)[EVS_NTESTS] = calloc(r->npooled, sizeof *rows);
        if (wins && rows) {
            for (size_t w = 0; w < r->npooled; w++) {
                wins[w] = r->pooled[w].win;
                memcpy(rows[w], r->pooled[w].rows, sizeof rows[w]);
            }
            printf("\n== ALL events pooled: %zu firm-events\n", r->pooled[0].rows[0].n);
            window_table("window", (const evs_test_row(*)[EVS_NTESTS])rows, wins, r->npooled, r->pooled_rbar);
        }
        free(wins);
        free(rows);
    }
    printf("\nResults in %s/: abnormal_returns.csv aar.csv estimates.csv cars.csv tests.csv run.json reactions.csv\n", outdir);
}
