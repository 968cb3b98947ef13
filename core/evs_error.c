/* evs_error.c — error records and warnings (see evs_error.h). */
#include "evs_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

evs_status evs_errf(evs_err *e, evs_status st, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->status = st;
    }
    return st;
}

evs_status evs_nomem(evs_err *e)
{
    return evs_errf(e, EVS_ERR_NOMEM, "out of memory");
}

evs_status evs_err_prefix(evs_err *e, const char *fmt, ...)
{
    if (!e)
        return EVS_ERR_DATA;
    char old[sizeof e->msg], pre[512];
    memcpy(old, e->msg, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    /* pre + ": " + old, cut to fit (explicit copies: no format truncation) */
    size_t pl = strlen(pre), ol = strlen(old), cap = sizeof e->msg - 1;
    if (pl > cap - 2)
        pl = cap - 2;
    if (ol > cap - 2 - pl)
        ol = cap - 2 - pl;
    memcpy(e->msg, pre, pl);
    memcpy(e->msg + pl, ": ", 2);
    memcpy(e->msg + pl + 2, old, ol);
    e->msg[pl + 2 + ol] = 0;
    return e->status;
}

int evs_exit_code(evs_status st)
{
    switch (st) {
    case EVS_OK: return 0;
    case EVS_ERR_DATA: return 1;
    case EVS_ERR_USAGE: return 2;
    case EVS_ERR_NET: return 3;
    case EVS_ERR_IO: return 4;
    case EVS_ERR_NOMEM: return 1;
    }
    return 1;
}

void evs_warnf(const evs_warner *w, const char *fmt, ...)
{
    if (!w || !w->fn)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    w->fn(w->ud, buf);
}
