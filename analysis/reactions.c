/* reactions.c — per exchange, the session the news first hit (see evs_reactions.h). */
#include "evs_reactions.h"

#include <stdlib.h>
#include <string.h>

#include "evs_fmt.h"
#include "evs_mem.h"

static int by_open(const void *x, const void *y)
{
    const evs_reaction *a = x, *b = y;
    if (a->open != b->open)
        return a->open < b->open ? -1 : 1;
    return strcmp(a->exchange->mic, b->exchange->mic);
}

evs_status evs_reactions(const evs_event_result *er, evs_reaction **out, size_t *n, evs_err *e)
{
    *out = NULL;
    *n = 0;
    evs_reaction *g = evs_calloc(er->nfirm + 1, sizeof *g);
    if (!g)
        return evs_nomem(e);
    size_t m = 0;
    for (size_t i = 0; i < er->nfirm; i++) {
        const evs_firm *f = &er->firm[i];
        long t0 = f->ok ? evs_firm_span_index(f, 0) : -1;
        if (t0 < 0 || !f->exchange || f->day0.date == EVS_NO_DATE)
            continue;
        size_t j = 0;
        while (j < m && !(g[j].exchange == f->exchange && g[j].day0 == f->day0.date))
            j++;
        if (j == m) {
            g[m].exchange = f->exchange;
            g[m].day0 = f->day0.date;
            g[m].open = f->day0.open;
            g[m].close = f->day0.close;
            g[m].closed_first = f->day0.closed_first;
            g[m].closed_last = f->day0.closed_last;
            m++;
        }
        evs_reaction *r = &g[j];
        r->mean_ar += f->sp_ar[t0];
        r->mean_r += f->sp_r[t0];
        r->n++;
        size_t len = strlen(r->symbols);
        if (len + strlen(f->symbol) + 2 < sizeof r->symbols)
            snprintf(r->symbols + len, sizeof r->symbols - len, "%s%s", len ? " " : "", f->symbol);
    }
    for (size_t j = 0; j < m; j++)
    {
        g[j].mean_ar /= (double)g[j].n;
        g[j].mean_r /= (double)g[j].n;
    }
    qsort(g, m, sizeof *g, by_open);
    *out = g;
    *n = m;
    return EVS_OK;
}
