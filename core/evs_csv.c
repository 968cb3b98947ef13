/* evs_csv.c — RFC 4180 records with line numbers (see evs_csv.h). */
#include "evs_csv.h"

#include <stdint.h>
#include <string.h>

#include "evs_mem.h"

void evs_csv_init(evs_csv *c, const char *name, const char *text, size_t len)
{
    memset(c, 0, sizeof *c);
    c->name = name;
    c->p = text;
    c->end = text + len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        c->p += 3;
    c->next_line = 1;
    c->max_fields = 4096;
}

void evs_csv_free(evs_csv *c)
{
    evs_free(c->buf);
    evs_free(c->fields);
    evs_free(c->lens);
    c->buf = NULL;
    c->fields = NULL;
    c->lens = NULL;
}

int evs_csv_next(evs_csv *c, evs_err *e)
{
    /* skip blank lines */
    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
        if (*c->p == '\n')
            c->next_line++;
        c->p++;
    }
    if (c->p >= c->end)
        return 0;
    c->line = c->next_line;
    size_t need = (size_t)(c->end - c->p) + 1;
    /* the record is at most the rest of the text */
    size_t rec_max = need;
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    if (nl && !memchr(c->p, '"', (size_t)(nl - c->p)))
        rec_max = (size_t)(nl - c->p) + 1;
    if (evs_grow((void **)&c->buf, &c->bufcap, rec_max, 1)) {
        evs_nomem(e);
        return -1;
    }
    size_t k = 0;
    c->nfields = 0;
    size_t start = 0;
    int in_q = 0, was_q = 0;
    for (;;) {
        int at_end = c->p >= c->end;
        char ch = at_end ? '\n' : *c->p;
        if (in_q) {
            if (at_end) {
                evs_errf(e, EVS_ERR_DATA, "%s:%d: unterminated quoted field", c->name, c->line);
                return -1;
            }
            c->p++;
            if (ch == '"') {
                if (c->p < c->end && *c->p == '"') {
                    c->buf[k++] = '"';
                    c->p++;
                } else {
                    in_q = 0;
                }
            } else {
                if (ch == '\n')
                    c->next_line++;
                c->buf[k++] = ch;
            }
            continue;
        }
        if (ch == '"') {
            if (k != start || was_q) {
                evs_errf(e, EVS_ERR_DATA, "%s:%d: stray quote inside a field", c->name, c->line);
                return -1;
            }
            in_q = was_q = 1;
            c->p++;
            continue;
        }
        if (ch == ',' || ch == '\n') {
            size_t flen = k - start;
            if (ch == '\n' && !was_q && flen && c->buf[k - 1] == '\r')
                flen--, k--;
            if (c->nfields + 1 > c->max_fields) {
                evs_errf(e, EVS_ERR_DATA, "%s:%d: more than %zu fields", c->name, c->line, c->max_fields);
                return -1;
            }
            if (evs_grow((void **)&c->fields, &c->fcap, c->nfields + 1, sizeof *c->fields)) {
                evs_nomem(e);
                return -1;
            }
            c->nfields++;
            /* lens grows in step with fields */
            size_t *nl2 = evs_reallocarray(c->lens, c->fcap, sizeof *c->lens);
            if (!nl2) {
                evs_nomem(e);
                return -1;
            }
            c->lens = nl2;
            c->fields[c->nfields - 1] = (char *)(uintptr_t)start; /* offset; fixed below */
            c->lens[c->nfields - 1] = flen;
            c->buf[k++] = 0;
            start = k;
            was_q = 0;
            if (!at_end)
                c->p++;
            if (ch == '\n') {
                if (!at_end)
                    c->next_line++;
                break;
            }
            continue;
        }
        if (was_q && ch == '\r') { /* CRLF after a quoted last field */
            c->p++;
            continue;
        }
        if (was_q) {
            evs_errf(e, EVS_ERR_DATA, "%s:%d: text after a closing quote", c->name, c->line);
            return -1;
        }
        c->buf[k++] = ch;
        c->p++;
    }
    for (size_t i = 0; i < c->nfields; i++)
        c->fields[i] = c->buf + (size_t)(uintptr_t)c->fields[i];
    return 1;
}

int evs_csv_col(const evs_csv *c, const char *name)
{
    for (size_t i = 0; i < c->nfields; i++)
        if (strcmp(c->fields[i], name) == 0)
            return (int)i;
    return -1;
}
