/*
 * cmd_report.c — `evstudy report OUTDIR`: report.html for a finished run.
 *
 * Draws the charts first (like `evstudy plot`) unless --no-plot, then writes
 * OUTDIR/report.html. Charts that cannot be drawn (gnuplot missing) are a
 * warning, not a failure: the report is still written, says why its charts
 * are missing, and the command exits 0. Unreadable results exit 1.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "evs_mem.h"
#include "evs_report.h"

static void help(void)
{
    printf("usage: evstudy report OUTDIR [--no-plot] [--gnuplot PROG] [--scripts DIR]\n"
           "\n"
           "Writes OUTDIR/report.html: one self-contained page (inline SVG charts and CSS, no\n"
           "scripts, no network) with the question and parameters, a plain-language summary,\n"
           "the abnormal returns, every test with statistic, p-value and significance, the\n"
           "charts, the excluded securities and the provenance of the data. It prints cleanly\n"
           "to PDF from a browser.\n"
           "\n"
           "options:\n"
           "  --no-plot          use the charts a previous 'evstudy plot OUTDIR' drew\n"
           "  --gnuplot PROG     the gnuplot program (default: $EVS_GNUPLOT or gnuplot on PATH)\n"
           "  --scripts DIR      the folder of the .gp chart scripts (default: found as for plot)\n"
           "  -h, --help         this help\n"
           "\n"
           "Without gnuplot (apt-get install gnuplot-nox) the report is written without charts,\n"
           "with a warning. Exit codes: 0 report written; 1 unreadable results; 2 usage; 4 I/O.\n");
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {{"no-plot", no_argument, NULL, 'n'},
                                             {"gnuplot", required_argument, NULL, 'g'},
                                             {"scripts", required_argument, NULL, 's'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    evs_report_opts o = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            o.no_plot = 1;
            break;
        case 'g':
            o.plot.gnuplot = optarg;
            break;
        case 's':
            o.plot.scripts_dir = optarg;
            break;
        case 'h':
            help();
            return cli_close_stdout(0);
        default:
            return cli_usage("report", "unknown option");
        }
    }
    if (argc - optind != 1)
        return cli_usage("report", "one OUTDIR expected");
    evs_err e = {0};
    evs_warner w = cli_warner();
    char *path = NULL;
    int charts_ok = 0;
    if (evs_report_build(argv[optind], &o, &w, &charts_ok, &path, &e))
        return cli_fail(&e);
    fprintf(stderr, "evstudy: report written: %s%s\n", path, charts_ok ? "" : " (without charts)");
    evs_free(path);
    return 0;
}
