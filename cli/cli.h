/*
 * cli.h — the command-line front end's shared pieces.
 *
 * Each subcommand lives in its own cli/cmd_<name>.c and has the signature of
 * evs_cmd_fn; main.c looks it up in a table. Commands return a process exit
 * code (0 ok, 1 data/analysis, 2 usage, 3 network, 4 I/O — evs_exit_code).
 * Only the CLI prints: errors and warnings go to stderr through cli_error and
 * cli_warn, in the shapes "evstudy: error: ..." and "evstudy: warning: ...".
 */
#ifndef EVS_CLI_H
#define EVS_CLI_H

#include "evs_error.h"

typedef int (*evs_cmd_fn)(int argc, char **argv);

void cli_error(const char *fmt, ...) EVS_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) EVS_PRINTF(1, 2);
/* Print e's message as an error and return its exit code. */
int cli_fail(const evs_err *e);
/* A warner that prints through cli_warn. */
evs_warner cli_warner(void);
/* "see 'evstudy CMD --help'" usage error; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...) EVS_PRINTF(2, 3);
/* Close stdout and report a write error (e.g. a full disk or a closed pipe). */
int cli_close_stdout(int code);

int cmd_run(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_simulate(int argc, char **argv);

#include "evs_version.h"

#endif
