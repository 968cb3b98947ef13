/*
 * evs_report.h — report.html: one self-contained page an analyst can forward.
 *
 * The page (inline CSS and SVG, no scripts, no fetches) holds: the question
 * and the parameters; a plain-language summary computed from the results
 * ("NVDA fell about 17.0% on 27 January 2025; about 13.2 points of that were
 * abnormal given the market ..."); an overview table when there are several
 * events; per event the charts, the abnormal returns, every test with its
 * statistic, p-value and significance, and — when the securities share one
 * event date — why the tests that assume independence and the
 * Kolari–Pynnönen-adjusted ones disagree; the excluded securities and why;
 * provenance (data files, their sources and fetch times, program version).
 * Every data string is HTML-escaped. A print stylesheet makes it a clean PDF.
 */
#ifndef EVS_REPORT_H
#define EVS_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "evs_error.h"
#include "evs_plot.h"
#include "evs_outdir.h"

typedef struct evs_report_opts {
    int no_plot;               /* 1: use the charts already in OUTDIR/charts; 0: draw them first */
    evs_plot_opts plot;        /* how to draw them */
    size_t max_event_sections; /* full sections for the first N events, the rest in the overview (0: 100) */
} evs_report_opts;

/* Write OUTDIR/report.html (atomically) from loaded results. charts may be
 * NULL; charts_note, when not NULL, is shown where the charts would be (for
 * example why they are missing). */
evs_status evs_report_write(const evs_outdir *r, const evs_chart_set *charts, const char *charts_note,
                            const evs_report_opts *o, evs_err *e);

/* The batch entry point (`evstudy report`, `evstudy run --report`): read
 * OUTDIR, draw the charts unless o->no_plot, write OUTDIR/report.html.
 * Charts that cannot be drawn (gnuplot missing, a script failing) are a
 * warning through w, and the report says so; the function then still
 * succeeds. *charts_ok (when not NULL) is set to 1 when every chart was drawn.
 * *path (when not NULL) receives the report's path (evs_free). */
evs_status evs_report_build(const char *outdir, const evs_report_opts *o, const evs_warner *w, int *charts_ok,
                            char **path, evs_err *e);

/* Write s HTML-escaped (& < > " ') with control characters other than
 * newline and tab dropped. */
void evs_html_escape(FILE *fp, const char *s);

#endif
