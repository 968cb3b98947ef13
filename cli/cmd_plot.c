/*
 * cmd_plot.c — `evstudy plot OUTDIR`: the charts of a finished run.
 *
 * Reads the result files in OUTDIR, writes the chart data files under
 * OUTDIR/charts/, then runs gnuplot for each chart (SVG and PNG). Without
 * gnuplot the data files are still written and the command says how to
 * install it, exiting 4 (an I/O-class failure: a program it needs is
 * missing); the numeric results are never touched.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "evs_plot.h"
#include "evs_outdir.h"

static void help(void)
{
    printf("usage: evstudy plot OUTDIR [--gnuplot PROG] [--scripts DIR] [--days-before N] [--days-after N]\n"
           "\n"
           "Draws the charts of a finished run (the folder `evstudy run` wrote) with gnuplot:\n"
           "per event, prices indexed to 100 at day -1, day-0 abnormal returns with 95%% bands,\n"
           "the CAAR with its 95%% band and each security's CAR (intraday paths for intraday\n"
           "results; rejection rates when OUTDIR has simulation.csv). Writes\n"
           "OUTDIR/charts/<event>/{labels.gp,*.dat,*.svg,*.png}; each chart can be redrawn by hand:\n"
           "  gnuplot -e \"datadir='OUTDIR/charts/<event>'\" plots/<chart>.gp\n"
           "\n"
           "options:\n"
           "  --gnuplot PROG     the gnuplot program (default: $EVS_GNUPLOT or gnuplot on PATH)\n"
           "  --scripts DIR      the folder of the .gp scripts (default: $EVS_PLOTS_DIR, the\n"
           "                     plots/ folder next to the program, or the installed copy)\n"
           "  --days-before N    price chart: trading days before day 0 (default 10)\n"
           "  --days-after N     price chart: trading days after day 0 (default 10)\n"
           "  -h, --help         this help\n"
           "\n"
           "Exit codes: 0 charts drawn; 1 unreadable results or a chart script failed; 2 usage;\n"
           "4 gnuplot missing (install it: apt-get install gnuplot-nox) or a file could not be written.\n");
}

static int parse_days(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > 1000)
        return -1;
    *out = (int)v;
    return 0;
}

int cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"gnuplot", required_argument, NULL, 'g'},   {"scripts", required_argument, NULL, 's'},
        {"days-before", required_argument, NULL, 'b'}, {"days-after", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    evs_plot_opts o = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'g':
            o.gnuplot = optarg;
            break;
        case 's':
            o.scripts_dir = optarg;
            break;
        case 'b':
            if (parse_days(optarg, &o.days_before))
                return cli_usage("plot", "--days-before wants a number of days from 1 to 1000 (%s)", optarg);
            break;
        case 'a':
            if (parse_days(optarg, &o.days_after))
                return cli_usage("plot", "--days-after wants a number of days from 1 to 1000 (%s)", optarg);
            break;
        case 'h':
            help();
            return cli_close_stdout(0);
        default:
            return cli_usage("plot", "unknown option");
        }
    }
    if (argc - optind != 1)
        return cli_usage("plot", "one OUTDIR expected");
    const char *outdir = argv[optind];
    evs_err e = {0};
    evs_outdir r;
    if (evs_outdir_load(outdir, &r, &e))
        return cli_fail(&e);
    evs_warner w = cli_warner();
    evs_chart_set set;
    int code = 0;
    if (evs_plot_write_data(&r, &o, &set, &w, &e)) {
        code = cli_fail(&e);
    } else if (evs_plot_render(&set, &o, &w, &e)) {
        code = cli_fail(&e);
    } else {
        size_t n = 0;
        for (size_t i = 0; i < set.n; i++)
            n += set.c[i].rendered;
        fprintf(stderr, "evstudy: %zu charts (SVG and PNG) in %s/charts/\n", n, outdir);
    }
    evs_chart_set_free(&set);
    evs_outdir_free(&r);
    return code;
}
