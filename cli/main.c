/*
 * main.c — evstudy's entry point: look the subcommand up and hand over.
 *
 * Subcommands are a table of {name, function, summary}; `evstudy help CMD`
 * is `evstudy CMD --help`. Adding a command is one line here and one file.
 * A GSL failure does not abort the program: it is recorded (evs_gslerr.h)
 * and reported as a warning once the command has finished.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "evs_gslerr.h"

static const struct {
    const char *name;
    evs_cmd_fn fn;
    const char *summary;
} commands[] = {
    {"fetch", cmd_fetch, "download prices for a study or for symbols into the cache"},
    {"events", cmd_events, "turn an RSS, Atom or SEC EDGAR feed into an events CSV"},
    {"run", cmd_run, "run an event study from a study file and write the result files"},
    {"plot", cmd_plot, "draw the charts of a finished run (gnuplot: SVG and PNG)"},
    {"report", cmd_report, "write report.html, the self-contained report of a finished run"},
    {"simulate", cmd_simulate, "measure each test's size and power on random pseudo-events (Brown & Warner)"},
};

#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *fp)
{
    fprintf(fp, "usage: evstudy COMMAND [options]\n\n"
                "Measures how prices react to news: abnormal returns and their significance\n"
                "around event dates (event studies).\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\n'evstudy COMMAND --help' describes a command; 'evstudy --version' prints the version.\n"
                "Exit codes: 0 success, 1 data or analysis error, 2 usage error, 3 network error, 4 I/O error.\n");
}

/* Run a command, then say whether GSL failed during it. */
static int run_command(evs_cmd_fn fn, int argc, char **argv)
{
    int rc = fn(argc, argv);
    char first[300];
    unsigned long n = evs_gslerr_count(first, sizeof first);
    if (n)
        cli_warn("the GSL numerical library reported %lu error%s, the first: %s; each statistic it was computing "
                 "is left empty in the result files",
                 n, n == 1 ? "" : "s", first);
    return rc;
}

int main(int argc, char **argv)
{
    evs_gslerr_install();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return cli_close_stdout(0);
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("evstudy %s\n", EVS_VERSION);
        return cli_close_stdout(0);
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return cli_close_stdout(0);
        }
        cmd = argv[2];
        for (size_t i = 0; i < NCOMMANDS; i++)
            if (strcmp(commands[i].name, cmd) == 0) {
                char *hargv[] = {argv[2], "--help", NULL};
                return run_command(commands[i].fn, 2, hargv);
            }
        cli_error("unknown command '%s' (see 'evstudy --help')", cmd);
        return 2;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, cmd) == 0)
            return run_command(commands[i].fn, argc - 1, argv + 1);
    cli_error("unknown command '%s' (see 'evstudy --help')", cmd);
    return 2;
}
