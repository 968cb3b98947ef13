/*
 * cmd_run.c — `evstudy run STUDY [--out DIR] [--quiet]`: run an event study
 * and write its result files, then print a short summary.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "evs_engine.h"
#include "evs_file.h"
#include "evs_mem.h"
#include "evs_par.h"
#include "evs_report.h"
#include "evs_results.h"
#include "evs_study.h"

void cli_print_summary(const evs_run *r, const char *outdir);

static void help(void)
{
    printf("usage: evstudy run STUDY.ini [--out DIR] [--report] [--quiet] [--jobs N] [--timings]\n\n"
           "Runs the event study described by STUDY.ini on the cached data it names and writes\n"
           "abnormal_returns.csv, aar.csv, estimates.csv, cars.csv, tests.csv, abnormal_volume.csv,\n"
           "activity.csv (volume and volatility tests) and run.json into DIR.\n"
           "Then prints a summary: per event, the securities sorted by day-0 abnormal return, and\n"
           "the CAAR of each window with its tests and p-values.\n"
           "Models (model = in the study): constant-mean, market-adjusted, market, two-index\n"
           "(sector = SYMBOL), ff3, carhart, ff5 (factors = FILE in Kenneth French's daily CSV\n"
           "layout), dimson (dimson_lags = N), scholes-williams. Also exclude_events = yes,\n"
           "bootstrap = B and seed = S; see README.md.\n\n"
           "options:\n"
           "  -o, --out DIR   output directory (default: out/<name of the folder holding STUDY.ini>)\n"
           "  -r, --report    also draw the charts and write DIR/report.html (as 'evstudy report DIR')\n"
           "  -q, --quiet     do not print the summary\n"
           "  -j, --jobs N    threads for loading and analysis (default: online CPUs, here %d);\n"
           "                  results are identical bit for bit whatever N\n"
           "      --timings   print to stderr the seconds spent loading, analysing and writing\n"
           "                  (wall clock, and CPU seconds of all threads; the analysis split into\n"
           "                  firm-events with their events, the pooled sample, and the notes)\n"
           "  -h, --help      this help\n\n"
           "Securities that cannot be analysed are excluded with the reason in estimates.csv; the run\n"
           "fails (exit 1) only when data cannot be read or an event has no security left.\n"
           "Exit codes: 0 ok, 1 data or analysis error, 2 usage error, 4 I/O error.\n",
           evs_par_cpus());
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"report", no_argument, NULL, 'r'},
                                         {"jobs", required_argument, NULL, 'j'},
                                         {"timings", no_argument, NULL, 'T'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int quiet = 0, report = 0, timings = 0, jobs = evs_par_cpus(), c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qrj:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'r': report = 1; break;
        case 'T': timings = 1; break;
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > EVS_PAR_MAX_JOBS)
                return cli_usage("run", "--jobs must be 1..%d (%s)", EVS_PAR_MAX_JOBS, optarg);
            jobs = (int)v;
            break;
        }
        case 'h': help(); return cli_close_stdout(0);
        case ':': return cli_usage("run", "option %s needs a value", argv[optind - 1]);
        default: return cli_usage("run", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage("run", "missing the study file");
    if (optind + 1 < argc)
        return cli_usage("run", "unexpected argument %s", argv[optind + 1]);
    const char *path = argv[optind];
    evs_err e = {0};
    evs_study s;
    evs_status st = evs_study_load(path, &s, &e);
    if (st != EVS_OK)
        return cli_fail(&e);
    char *outdir = NULL;
    if (out) {
        outdir = strdup(out);
    } else {
        outdir = malloc(strlen(s.name) + 5);
        if (outdir)
            sprintf(outdir, "out/%s", s.name);
    }
    if (!outdir) {
        evs_study_free(&s);
        cli_error("out of memory");
        return 1;
    }
    evs_warner w = cli_warner();
    evs_run r;
    evs_run_opts ro = {.jobs = jobs};
    st = evs_run_study_opts(&s, &ro, &w, &r, &e);
    int code = 0;
    if (st == EVS_OK) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        st = evs_results_write(&r, outdir, EVS_VERSION, &e);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (timings)
            fprintf(stderr,
                    "evstudy: timings: jobs %d; load %.6f s, cpu %.6f s (%zu files, %zu rows, %zu bytes); "
                    "analysis %.6f s, cpu %.6f s (%zu firm-events: firm-events and their events %.6f s, "
                    "pooled %.6f s, notes %.6f s); write %.6f s\n",
                    r.jobs, r.sec_load, r.cpu_load, r.ndata, r.rows_loaded, r.bytes_loaded, r.sec_analysis,
                    r.cpu_analysis, r.nfirm_events, r.sec_firms, r.sec_pooled,
                    r.sec_analysis - r.sec_firms - r.sec_pooled,
                    (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
        if (st == EVS_OK && !quiet)
            cli_print_summary(&r, outdir);
        evs_run_free(&r);
        if (st == EVS_OK && report) {
            evs_report_opts ro = {0};
            char *rpath = NULL;
            int charts_ok = 0;
            st = evs_report_build(outdir, &ro, &w, &charts_ok, &rpath, &e);
            if (st == EVS_OK)
                printf("Report: %s%s\n", rpath, charts_ok ? "" : " (without charts: apt-get install gnuplot-nox)");
            evs_free(rpath);
        }
    }
    if (st != EVS_OK)
        code = cli_fail(&e);
    free(outdir);
    evs_study_free(&s);
    return cli_close_stdout(code);
}
