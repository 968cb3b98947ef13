/*
 * evs_factors.c — reading Kenneth French's daily factor CSV (see evs_factors.h).
 */
#include "evs_factors.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evs_date.h"
#include "evs_file.h"
#include "evs_mem.h"

#define MAX_COLS 64
#define MAX_NAME 64

void evs_factors_free(evs_factors *f)
{
    for (size_t i = 0; i < f->ncol; i++)
        evs_free(f->names[i]);
    evs_free(f->names);
    evs_free(f->date);
    evs_free(f->v);
    memset(f, 0, sizeof *f);
}

typedef struct span {
    const char *p;
    size_t n;
} span;

static span trim(const char *p, size_t n)
{
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    return (span){p, n};
}

/* Split a line at commas into at most max trimmed fields; returns the count
 * (max + 1 when there are more). */
static size_t split(span line, span *out, size_t max)
{
    size_t n = 0;
    const char *p = line.p, *end = line.p + line.n;
    for (;;) {
        const char *q = memchr(p, ',', (size_t)(end - p));
        if (!q)
            q = end;
        if (n == max)
            return max + 1;
        out[n++] = trim(p, (size_t)(q - p));
        if (q == end)
            break;
        p = q + 1;
    }
    return n;
}

/* Show at most 60 bytes of a field, control bytes replaced. */
static void shown(span s, char out[64])
{
    size_t n = s.n > 60 ? 60 : s.n;
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f ? '?' : s.p[i];
    out[n] = 0;
}

static int all_digits(span s)
{
    if (!s.n)
        return 0;
    for (size_t i = 0; i < s.n; i++)
        if (!isdigit((unsigned char)s.p[i]))
            return 0;
    return 1;
}

evs_status evs_factors_parse(const char *name, const char *buf, size_t len, evs_factors *f, evs_err *e)
{
    memset(f, 0, sizeof *f);
    if (memchr(buf, 0, len))
        return evs_errf(e, EVS_ERR_DATA, "%s: NUL byte in file", name);
    span fld[MAX_COLS + 2];
    char sh[64];
    size_t cap = 0;
    int line = 0, in_block = 0, prev = 0;
    const char *p = buf, *end = buf + len;
    evs_status st = EVS_OK;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line++;
        span L = trim(p, (size_t)(le - p));
        p = nl ? nl + 1 : end;
        if (!in_block) {
            if (L.n == 0)
                continue;
            if (L.p[0] != ',') {
                if (isdigit((unsigned char)L.p[0]) && memchr(L.p, ',', L.n)) {
                    span d = trim(L.p, (size_t)((const char *)memchr(L.p, ',', L.n) - L.p));
                    if (all_digits(d)) {
                        shown(d, sh);
                        st = evs_errf(e, EVS_ERR_DATA, "%s:%d: data row before the header line ',Mkt-RF,...' (%s)",
                                      name, line, sh);
                        goto fail;
                    }
                }
                continue; /* a text line above the header */
            }
            size_t nf = split(L, fld, MAX_COLS + 1);
            if (nf > MAX_COLS + 1 || nf < 2) {
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: header must name 1 to %d factor columns (%zu fields)", name,
                              line, MAX_COLS, nf);
                goto fail;
            }
            f->ncol = 0;
            if (!(f->names = evs_calloc(nf - 1, sizeof *f->names)))
                goto nomem;
            for (size_t j = 1; j < nf; j++) {
                shown(fld[j], sh);
                if (fld[j].n == 0 || fld[j].n > MAX_NAME) {
                    st = evs_errf(e, EVS_ERR_DATA, "%s:%d: empty or over-long column name in the header (column %zu: '%s')",
                                  name, line, j + 1, sh);
                    goto fail;
                }
                for (size_t i = 0; i < f->ncol; i++)
                    if (strlen(f->names[i]) == fld[j].n && memcmp(f->names[i], fld[j].p, fld[j].n) == 0) {
                        st = evs_errf(e, EVS_ERR_DATA, "%s:%d: duplicate column name in the header (%s)", name, line, sh);
                        goto fail;
                    }
                if (!(f->names[f->ncol] = evs_strndup(fld[j].p, fld[j].n)))
                    goto nomem;
                f->ncol++;
            }
            in_block = 1;
            continue;
        }
        /* the daily block */
        if (L.n == 0)
            break;
        if (!isdigit((unsigned char)L.p[0]) && L.p[0] != '-' && L.p[0] != ',')
            break; /* text: the footer or the next section */
        size_t nf = split(L, fld, MAX_COLS + 1);
        if (nf != f->ncol + 1) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: row has %zu fields, the header %zu (%.*s)", name, line, nf,
                          f->ncol + 1, (int)(L.n > 60 ? 60 : L.n), L.p);
            goto fail;
        }
        shown(fld[0], sh);
        int d = 0;
        if (!all_digits(fld[0]) || (fld[0].n != 8 && fld[0].n != 6 && fld[0].n != 4)) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: malformed date, expected YYYYMMDD (%s)", name, line, sh);
            goto fail;
        }
        if (fld[0].n != 8) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: %s date where a daily file (YYYYMMDD) was expected (%s)", name,
                          line, fld[0].n == 6 ? "monthly" : "annual", sh);
            goto fail;
        }
        char iso[11];
        snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", fld[0].p, fld[0].p + 4, fld[0].p + 6);
        if (evs_date_parse(iso, 10, &d) != 0) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: not a calendar date (%s)", name, line, sh);
            goto fail;
        }
        if (f->n && d <= prev) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: date %s, dates must be strictly ascending", name, line, sh);
            goto fail;
        }
        prev = d;
        if (f->n + 1 > cap) {
            size_t nc = cap ? 2 * cap : 1024;
            int *nd = evs_reallocarray(f->date, nc, sizeof *nd);
            if (!nd)
                goto nomem;
            f->date = nd;
            double *nv = evs_reallocarray(f->v, nc, f->ncol * sizeof *nv);
            if (!nv)
                goto nomem;
            f->v = nv;
            cap = nc;
        }
        for (size_t j = 0; j < f->ncol; j++) {
            span s = fld[j + 1];
            shown(s, sh);
            char tmp[64];
            if (s.n == 0 || s.n >= sizeof tmp) {
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: malformed number in column %s ('%s')", name, line, f->names[j], sh);
                goto fail;
            }
            memcpy(tmp, s.p, s.n);
            tmp[s.n] = 0;
            char *ep;
            errno = 0;
            double x = strtod(tmp, &ep);
            if (*ep || errno || !isfinite(x) || isspace((unsigned char)tmp[0])) {
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: malformed number in column %s (%s)", name, line, f->names[j], sh);
                goto fail;
            }
            if (x == -99.99 || x == -999) {
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: missing-value code in column %s (%s)", name, line, f->names[j], sh);
                goto fail;
            }
            if (x <= -100) {
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: return of -100%% or below in column %s (%s)", name, line,
                              f->names[j], sh);
                goto fail;
            }
            f->v[f->n * f->ncol + j] = x / 100.0;
        }
        f->date[f->n++] = d;
    }
    if (!in_block) {
        st = evs_errf(e, EVS_ERR_DATA, "%s: no header line (e.g. ',Mkt-RF,SMB,HML,RF'): not a factor file in Kenneth "
                                       "French's layout",
                      name);
        goto fail;
    }
    if (f->n == 0) {
        st = evs_errf(e, EVS_ERR_DATA, "%s: no daily rows after the header", name);
        goto fail;
    }
    return EVS_OK;
nomem:
    st = evs_nomem(e);
fail:
    evs_factors_free(f);
    return st;
}

evs_status evs_factors_read(const char *path, evs_factors *f, evs_err *e)
{
    char *buf;
    size_t len;
    memset(f, 0, sizeof *f);
    evs_status st = evs_read_file(path, EVS_FACTORS_MAX_BYTES, &buf, &len, e);
    if (st != EVS_OK)
        return st;
    st = evs_factors_parse(path, buf, len, f, e);
    evs_free(buf);
    return st;
}

long evs_factors_col(const evs_factors *f, const char *name)
{
    for (size_t j = 0; j < f->ncol; j++)
        if (strcmp(f->names[j], name) == 0)
            return (long)j;
    return -1;
}

long evs_factors_find(const evs_factors *f, int d)
{
    size_t lo = evs_date_lower(f->date, f->n, d);
    return lo < f->n && f->date[lo] == d ? (long)lo : -1;
}

evs_status evs_factors_join(evs_factors *a, const evs_factors *b, const char *bname, evs_err *e)
{
    for (size_t j = 0; j < b->ncol; j++)
        if (evs_factors_col(a, b->names[j]) >= 0)
            return evs_errf(e, EVS_ERR_DATA, "%s: column %s is already in an earlier factor file", bname, b->names[j]);
    size_t nc = a->ncol + b->ncol;
    char **names = evs_reallocarray(a->names, nc, sizeof *names);
    if (!names)
        return evs_nomem(e);
    a->names = names;
    double *v = evs_malloc(a->n * nc * sizeof *v + 1);
    if (!v)
        return evs_nomem(e);
    for (size_t j = 0; j < b->ncol; j++)
        if (!(a->names[a->ncol + j] = evs_strdup(b->names[j]))) {
            for (size_t k = 0; k < j; k++)
                evs_free(a->names[a->ncol + k]);
            evs_free(v);
            return evs_nomem(e);
        }
    size_t m = 0;
    for (size_t i = 0; i < a->n; i++) {
        long r = evs_factors_find(b, a->date[i]);
        if (r < 0)
            continue;
        memcpy(v + m * nc, a->v + i * a->ncol, a->ncol * sizeof *v);
        memcpy(v + m * nc + a->ncol, b->v + (size_t)r * b->ncol, b->ncol * sizeof *v);
        a->date[m++] = a->date[i];
    }
    evs_free(a->v);
    a->v = v;
    a->ncol = nc;
    a->n = m;
    return EVS_OK;
}
