/* msg.c — the CLI's message helpers (see cli.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("evstudy: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("evstudy: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_fail(const evs_err *e)
{
    cli_error("%s", e->msg);
    return evs_exit_code(e->status);
}

static void warn_cb(void *ud, const char *msg)
{
    (void)ud;
    cli_warn("%s", msg);
}

evs_warner cli_warner(void)
{
    evs_warner w = {warn_cb, NULL};
    return w;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("evstudy: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'evstudy %s --help')\n", cmd);
    va_end(ap);
    return 2;
}

int cli_close_stdout(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("cannot write to standard output: %s", strerror(errno));
        return code ? code : 4;
    }
    return code;
}
