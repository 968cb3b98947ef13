/* gslerr.c — a GSL error handler that records instead of aborting (see evs_gslerr.h). */
#include "evs_gslerr.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>

static unsigned long count;
static char first[256];

static void record(const char *reason, const char *file, int line, int gsl_errno)
{
    if (__atomic_fetch_add(&count, 1, __ATOMIC_ACQ_REL) == 0)
        snprintf(first, sizeof first, "%s (%s:%d, gsl_errno %d)", reason ? reason : "?", file ? file : "?", line,
                 gsl_errno);
}

void evs_gslerr_install(void)
{
    gsl_set_error_handler(record);
}

unsigned long evs_gslerr_count(char *out, size_t n)
{
    unsigned long c = __atomic_load_n(&count, __ATOMIC_ACQUIRE);
    if (out && n)
        snprintf(out, n, "%s", c ? first : "");
    return c;
}
