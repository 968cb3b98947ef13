/* events.c — the events CSV parser (see evs_events.h). */
#include "evs_events.h"

#include <stdio.h>
#include <string.h>

#include "evs_cache.h"
#include "evs_csv.h"
#include "evs_mem.h"

void evs_events_free(evs_events *ev)
{
    for (size_t i = 0; i < ev->n; i++) {
        evs_free(ev->rows[i].event);
        evs_free(ev->rows[i].symbol);
        evs_free(ev->rows[i].market);
        evs_free(ev->rows[i].title);
    }
    evs_free(ev->rows);
    memset(ev, 0, sizeof *ev);
}

/* A field for a message: at most 80 bytes, control bytes as '?'. */
static void shown(const char *s, size_t n, char out[100])
{
    snprintf(out, 100, "%.*s", (int)(n > 80 ? 80 : n), s);
    for (char *q = out; *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7f)
            *q = '?';
}

static int valid_name(const char *s, size_t n)
{
    if (n == 0 || n > 64 || (n == 3 && memcmp(s, "ALL", 3) == 0))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}

evs_status evs_events_parse(const char *name, const char *buf, size_t len, evs_events *out, evs_err *e)
{
    memset(out, 0, sizeof *out);
    evs_csv c;
    evs_csv_init(&c, name, buf, len);
    evs_status st = EVS_OK;
    size_t cap = 0;
    int ce = -1, ct = -1, cs = -1, cm = -1, cti = -1, r;
    char v[100];
    if ((r = evs_csv_next(&c, e)) <= 0) {
        st = r < 0 ? e->status : evs_errf(e, EVS_ERR_USAGE, "%s:1: empty events file, expected a header event,time", name);
        goto out;
    }
    ce = evs_csv_col(&c, "event");
    ct = evs_csv_col(&c, "time");
    cs = evs_csv_col(&c, "symbol");
    cm = evs_csv_col(&c, "market");
    cti = evs_csv_col(&c, "title");
    if (ce < 0 || ct < 0) {
        shown(c.nfields ? c.fields[0] : "", c.nfields ? c.lens[0] : 0, v);
        st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: the header needs the columns event and time (%s...)", name, c.line, v);
        goto out;
    }
    while ((r = evs_csv_next(&c, e)) > 0) {
        int need = ce > ct ? ce : ct;
        if ((int)c.nfields <= need) {
            st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: too few fields (%zu)", name, c.line, c.nfields);
            goto out;
        }
        if (!valid_name(c.fields[ce], c.lens[ce])) {
            shown(c.fields[ce], c.lens[ce], v);
            st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: bad event name; use 1-64 letters, digits, '.', '_' or '-' (not ALL) (%s)",
                          name, c.line, v);
            goto out;
        }
        evs_event_row row;
        memset(&row, 0, sizeof row);
        row.line = c.line;
        evs_time_kind k = evs_time_parse(c.fields[ct], c.lens[ct], &row.date, &row.instant);
        if (k < 0) {
            shown(c.fields[ct], c.lens[ct], v);
            st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: %s (%s)", name, c.line,
                          k == EVS_TIME_NO_OFFSET ? "event instant has no UTC offset; add Z or +HH:MM"
                                                  : "malformed time, expected YYYY-MM-DD or an instant with Z or +HH:MM",
                          v);
            goto out;
        }
        row.has_instant = k == EVS_TIME_INSTANT;
        if (cs >= 0 && (int)c.nfields > cs && c.lens[cs] > 0) {
            if (!(row.symbol = evs_strndup(c.fields[cs], c.lens[cs]))) {
                st = evs_nomem(e);
                goto out;
            }
            const char *why = evs_symbol_problem(row.symbol);
            if (why) {
                shown(c.fields[cs], c.lens[cs], v);
                evs_free(row.symbol);
                st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: %s (%s)", name, c.line, why, v);
                goto out;
            }
        }
        if (cm >= 0 && (int)c.nfields > cm && c.lens[cm] > 0) {
            row.market = evs_strndup(c.fields[cm], c.lens[cm]);
            const char *why = row.market && strcmp(row.market, "none") ? evs_symbol_problem(row.market) : NULL;
            if (why) {
                shown(c.fields[cm], c.lens[cm], v);
                st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: market: %s (%s)", name, c.line, why, v);
            }
        }
        if (st == EVS_OK && cti >= 0 && (int)c.nfields > cti && c.lens[cti] > 0)
            row.title = evs_strndup(c.fields[cti], c.lens[cti]);
        row.event = evs_strndup(c.fields[ce], c.lens[ce]);
        if (st == EVS_OK && (!row.event || (cm >= 0 && (int)c.nfields > cm && c.lens[cm] > 0 && !row.market) ||
                             (cti >= 0 && (int)c.nfields > cti && c.lens[cti] > 0 && !row.title) ||
                             evs_grow((void **)&out->rows, &cap, out->n + 1, sizeof *out->rows)))
            st = evs_nomem(e);
        if (st != EVS_OK) {
            evs_free(row.event);
            evs_free(row.symbol);
            evs_free(row.market);
            evs_free(row.title);
            goto out;
        }
        /* one (event, symbol) once */
        for (size_t i = 0; i < out->n; i++) {
            const evs_event_row *o = &out->rows[i];
            if (strcmp(o->event, row.event) == 0 &&
                ((!o->symbol && !row.symbol) || (o->symbol && row.symbol && strcmp(o->symbol, row.symbol) == 0))) {
                st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s lists %s twice (first on line %d)", name, c.line,
                              row.event, row.symbol ? row.symbol : "the study's securities", o->line);
                break;
            }
        }
        out->rows[out->n++] = row;
        if (st != EVS_OK)
            goto out;
    }
    if (r < 0)
        st = e->status;
    else if (out->n == 0)
        st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: no events in the file", name, c.line);
out:
    evs_csv_free(&c);
    if (st != EVS_OK)
        evs_events_free(out);
    return st;
}
