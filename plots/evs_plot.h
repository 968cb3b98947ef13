/*
 * evs_plot.h — charts of an OUTDIR: data files for gnuplot, then SVG and PNG.
 *
 * Two steps, so that the numbers exist even where gnuplot does not:
 *   1. evs_plot_write_data() writes, per event, OUTDIR/charts/<slug>/ with
 *      labels.gp (every data-derived string, single-quoted for gnuplot) and
 *      one tab-separated data file per chart (price.dat, ar_day0.dat,
 *      caar.dat, car.dat, intraday.dat), plus OUTDIR/charts/simulation/ when
 *      simulation.csv exists. <slug> is the event name with every byte
 *      outside A-Z a-z 0-9 . _ - replaced by '_' (and a numeric suffix when
 *      two events collide), so a name never becomes a path.
 *   2. evs_plot_render() runs `gnuplot -e "datadir='DIR'" SCRIPT` for each
 *      chart with fork/exec (never a shell), captures its stderr, checks its
 *      exit status and that the SVG and PNG exist.
 * The scripts are plots/<chart>.gp; each documents the files and columns it
 * reads and can be rerun by hand on the data files.
 *
 * Quoting (SOURCES.md): gnuplot substitutes `backquoted` commands inside
 * double-quoted strings but not single-quoted ones. Every string that comes
 * from data reaches gnuplot only through evs_gp_quote: single quotes, ' doubled,
 * control characters removed; the terminals are noenhanced.
 */
#ifndef EVS_PLOT_H
#define EVS_PLOT_H

#include <stddef.h>

#include "evs_error.h"
#include "evs_outdir.h"

typedef struct evs_plot_opts {
    const char *gnuplot;     /* program; NULL: $EVS_GNUPLOT or "gnuplot" from PATH */
    const char *scripts_dir; /* folder of the .gp scripts; NULL: evs_plot_find_scripts() */
    int days_before;         /* price chart: trading days before day 0 (0: 10) */
    int days_after;          /* price chart: trading days after day 0 (0: 10) */
    size_t max_events;       /* charts for the first max_events events only (0: 200) */
} evs_plot_opts;

typedef struct evs_chart {
    size_t ev;        /* event index, or EVS_RES_ALL for study-wide charts */
    const char *kind; /* "price", "ar_day0", "caar", "car", "intraday", "simulation" */
    const char *caption; /* one line for the report (static text) */
    char *dir;        /* OUTDIR/charts/<slug> */
    char *svg, *png;  /* the outputs */
    int rendered;     /* gnuplot ran and made both outputs */
    char *gp_stderr;  /* what gnuplot printed on stderr, NULL when not run */
} evs_chart;

typedef struct evs_chart_set {
    evs_chart *c;
    size_t n;
    char **ev_dir;    /* per event: its chart folder, NULL when it has no charts */
    size_t nev;
} evs_chart_set;

/* Step 1. The set lists the charts whose data were written. */
evs_status evs_plot_write_data(const evs_outdir *r, const evs_plot_opts *o, evs_chart_set *set,
                               const evs_warner *w, evs_err *e);

/* Step 2. gnuplot missing: EVS_ERR_IO with a message saying how to install
 * it (the data files stay). A script that fails: EVS_ERR_DATA with its
 * stderr. Warnings gnuplot prints are passed to w and kept in gp_stderr. */
evs_status evs_plot_render(evs_chart_set *set, const evs_plot_opts *o, const evs_warner *w, evs_err *e);

void evs_chart_set_free(evs_chart_set *set);

/* Where the .gp scripts are: $EVS_PLOTS_DIR, else plots/ next to or above
 * the running program, else PREFIX/share/evstudy/plots, else ./plots. New
 * string or NULL when none holds price.gp, or when memory ran out: *nomem
 * (when not NULL) tells which, so that out of memory is not reported as
 * missing scripts (found by tests/fault-loop.sh). */
char *evs_plot_find_scripts(int *nomem);

/* s as a gnuplot single-quoted string literal (' doubled, control characters
 * dropped). New string or NULL when out of memory. */
char *evs_gp_quote(const char *s);

/* The folder-safe name of an event (see above; no suffix). New string. */
char *evs_plot_slug(const char *name);

/* 1 when gnuplot can be started (the program exists on PATH or as given). */
int evs_plot_have_gnuplot(const evs_plot_opts *o);

#endif
