/*
 * evs_series.c — reading and writing cached daily price files.
 *
 * The reader holds the whole file in memory and walks it once; fields are
 * located by scanning for ',' and '\n', numbers are converted with strtod on
 * the field in place, so there is no per-line buffer and no line limit.
 */
#include "evs_series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evs_date.h"
#include "evs_file.h"
#include "evs_fmt.h"
#include "evs_mem.h"

enum { C_DATE, C_OPEN, C_HIGH, C_LOW, C_CLOSE, C_ADJ, C_VOL, C_N };
static const char *col_names[C_N] = {"date", "open", "high", "low", "close", "adj_close", "volume"};

static double **col_ptr(evs_series *s, int c)
{
    switch (c) {
    case C_OPEN: return &s->open;
    case C_HIGH: return &s->high;
    case C_LOW: return &s->low;
    case C_CLOSE: return &s->close;
    case C_ADJ: return &s->adj_close;
    case C_VOL: return &s->volume;
    }
    return NULL;
}

evs_status evs_series_alloc(evs_series *s, size_t n, evs_err *e)
{
    memset(s, 0, sizeof *s);
    s->date = evs_calloc(n ? n : 1, sizeof *s->date);
    int bad = !s->date;
    for (int c = C_OPEN; c < C_N; c++) {
        double **p = col_ptr(s, c);
        *p = evs_malloc((n ? n : 1) * sizeof **p);
        if (!*p)
            bad = 1;
        else
            for (size_t i = 0; i < n; i++)
                (*p)[i] = NAN;
    }
    if (bad) {
        evs_series_free(s);
        return evs_nomem(e);
    }
    s->n = n;
    s->price = s->close;
    return EVS_OK;
}

void evs_series_free(evs_series *s)
{
    evs_free(s->path);
    evs_free(s->date);
    for (int c = C_OPEN; c < C_N; c++)
        evs_free(*col_ptr(s, c));
    memset(s, 0, sizeof *s);
}

static void shown(const char *a, size_t n, char *out, size_t outsz)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 4 < outsz; i++)
        out[k++] = ((unsigned char)a[i] < 0x20 || a[i] == 0x7f) ? '?' : a[i];
    if (k + 4 >= outsz && n > k) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = 0;
}

evs_status evs_series_parse(const char *name, const char *text, size_t len, evs_series *s, evs_err *e)
{
    memset(s, 0, sizeof *s);
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (memchr(p, 0, (size_t)(end - p)))
        return evs_errf(e, EVS_ERR_DATA, "%s: NUL byte in file", name);
    /* header */
    int map[64];
    int ncols = 0, have[C_N] = {0};
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        eol = end;
    const char *hend = eol;
    if (hend > p && hend[-1] == '\r')
        hend--;
    if (hend == p)
        return evs_errf(e, EVS_ERR_DATA, "%s:1: empty file or header", name);
    for (const char *f = p; f <= hend;) {
        const char *fe = memchr(f, ',', (size_t)(hend - f));
        if (!fe)
            fe = hend;
        if (ncols >= 64)
            return evs_errf(e, EVS_ERR_DATA, "%s:1: more than 64 columns in header", name);
        int c = -1;
        for (int k = 0; k < C_N; k++)
            if ((size_t)(fe - f) == strlen(col_names[k]) && memcmp(f, col_names[k], (size_t)(fe - f)) == 0)
                c = k;
        char x[80];
        shown(f, (size_t)(fe - f), x, sizeof x);
        if (c < 0) {
            if (fe - f == 4 && memcmp(f, "time", 4) == 0)
                return evs_errf(e, EVS_ERR_DATA, "%s:1: intraday file (column 'time') where daily bars were expected",
                                name);
            return evs_errf(e, EVS_ERR_DATA,
                            "%s:1: unknown column (%s); expected date,open,high,low,close,adj_close,volume", name, x);
        }
        if (have[c])
            return evs_errf(e, EVS_ERR_DATA, "%s:1: column repeated (%s)", name, x);
        have[c] = 1;
        map[ncols++] = c;
        f = fe + 1;
    }
    if (!have[C_DATE] || !have[C_CLOSE])
        return evs_errf(e, EVS_ERR_DATA, "%s:1: header lacks the %s column", name, have[C_DATE] ? "close" : "date");
    const char *body = eol < end ? eol + 1 : end;
    /* count rows to size the arrays */
    size_t rows = 0;
    for (const char *q = body; q < end;) {
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        const char *le = nl ? nl : end;
        if (!(le == q || (le == q + 1 && *q == '\r')))
            rows++;
        q = nl ? nl + 1 : end;
    }
    evs_status st = evs_series_alloc(s, rows, e);
    if (st != EVS_OK)
        return st;
    s->n = 0;
    int line = 1;
    size_t adj_rows = 0;
    for (const char *q = body; q < end;) {
        line++;
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        if (le > q && le[-1] == '\r')
            le--;
        if (le == q) {
            q = next;
            continue;
        }
        size_t r = s->n;
        int col = 0;
        const char *f = q;
        for (;;) {
            const char *fe = memchr(f, ',', (size_t)(le - f));
            if (!fe)
                fe = le;
            if (col >= ncols) {
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: more fields than the header's %d", name, line, ncols);
                goto fail;
            }
            int c = map[col];
            char x[80];
            if (c == C_DATE) {
                if (evs_date_parse(f, (size_t)(fe - f), &s->date[r]) != 0) {
                    shown(f, (size_t)(fe - f), x, sizeof x);
                    st = evs_errf(e, EVS_ERR_DATA, "%s:%d: malformed date (%s)", name, line, x);
                    goto fail;
                }
            } else if (fe > f) {
                char *ep;
                double v = strtod(f, &ep);
                if (ep != fe || !isfinite(v) || *f == ' ' || *f == '\t') {
                    shown(f, (size_t)(fe - f), x, sizeof x);
                    st = evs_errf(e, EVS_ERR_DATA, "%s:%d: malformed number in column %s (%s)", name, line,
                                  col_names[c], x);
                    goto fail;
                }
                (*col_ptr(s, c))[r] = v;
                if (c == C_ADJ)
                    adj_rows++;
            }
            col++;
            if (fe == le)
                break;
            f = fe + 1;
        }
        if (col != ncols) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: %d fields where the header has %d", name, line, col, ncols);
            goto fail;
        }
        if (r > 0 && s->date[r] <= s->date[r - 1]) {
            char d[11];
            evs_date_format(s->date[r], d);
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: %s date (%s)", name, line,
                          s->date[r] == s->date[r - 1] ? "duplicate" : "out-of-order", d);
            goto fail;
        }
        s->n++;
        q = next;
    }
    s->uses_adj = adj_rows > 0;
    s->price = s->uses_adj ? s->adj_close : s->close;
    /* validate the price column, reporting the line of the first bad row */
    {
        int ln = 1;
        size_t r = 0;
        for (const char *q = body; q < end && r < s->n;) {
            ln++;
            const char *nl = memchr(q, '\n', (size_t)(end - q));
            const char *le = nl ? nl : end;
            int blank = le == q || (le == q + 1 && *q == '\r');
            q = nl ? nl + 1 : end;
            if (blank)
                continue;
            double v = s->price[r];
            if (!(v > 0)) {
                char d[11], x[40];
                evs_date_format(s->date[r], d);
                if (isnan(v))
                    snprintf(x, sizeof x, "empty");
                else
                    snprintf(x, sizeof x, "%.17g", v);
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: %s price on %s (%s)%s", name, ln,
                              isnan(v) ? "empty" : (v == 0 ? "zero" : "negative"), d, x,
                              s->uses_adj && isnan(v) ? "; the file uses adj_close because other rows have it" : "");
                goto fail;
            }
            r++;
        }
    }
    if (s->n == 0) {
        st = evs_errf(e, EVS_ERR_DATA, "%s: no data rows", name);
        goto fail;
    }
    s->path = evs_strdup(name);
    if (!s->path) {
        st = evs_nomem(e);
        goto fail;
    }
    return EVS_OK;
fail:
    evs_series_free(s);
    return st;
}

evs_status evs_series_read(const char *path, evs_series *s, evs_err *e)
{
    char *buf;
    size_t len;
    memset(s, 0, sizeof *s);
    evs_status st = evs_read_file(path, EVS_SERIES_MAX_BYTES, &buf, &len, e);
    if (st != EVS_OK)
        return st;
    st = evs_series_parse(path, buf, len, s, e);
    evs_free(buf);
    return st;
}

evs_status evs_series_write(const char *path, const evs_series *s, evs_err *e)
{
    evs_afile f;
    evs_status st = evs_afile_open(&f, path, e);
    if (st != EVS_OK)
        return st;
    fputs("date,open,high,low,close,adj_close,volume\n", f.fp);
    for (size_t i = 0; i < s->n; i++) {
        evs_csv_date(f.fp, s->date[i]);
        const double *cols[6] = {s->open, s->high, s->low, s->close, s->adj_close, s->volume};
        for (int c = 0; c < 6; c++) {
            fputc(',', f.fp);
            if (cols[c])
                evs_csv_num(f.fp, cols[c][i]);
        }
        fputc('\n', f.fp);
    }
    return evs_afile_commit(&f, e);
}

long evs_series_find(const evs_series *s, int d)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->date[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->date[lo] == d ? (long)lo : -1;
}
