/*
 * evs_series.c — reading and writing cached daily price files.
 *
 * The reader holds the whole file in memory and walks it once; fields are
 * located by scanning for ',' and '\n', numbers are converted in place by
 * evs_num_parse (exact, strtod's result with a fast path), so there is no
 * per-line buffer and no line limit.
 */
#include "evs_series.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evs_date.h"
#include "evs_file.h"
#include "evs_fmt.h"
#include "evs_mem.h"
#include "evs_num.h"

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

/* The arrays live in one block: the dates, then the number columns kept
 * (bit c-1 of keep for column c; EVS_COL_*) in the order below, each `cap`
 * long (one allocation and one free instead of seven; the reader sizes it
 * from an estimate of the row count and moves it only if the estimate was
 * short). s->mem owns it. close comes last and adj_close just before it, so
 * that evs_series_keep_price can give back the one the price does not use
 * by shortening the block. */
static const int col_order[] = {C_OPEN, C_HIGH, C_LOW, C_VOL, C_ADJ, C_CLOSE};

static unsigned keep_mask(unsigned cols)
{
    /* close and adj_close always: the price is one of them */
    return (cols & (EVS_COL_OPEN | EVS_COL_HIGH | EVS_COL_LOW | EVS_COL_VOLUME)) | (1u << (C_CLOSE - 1)) |
           (1u << (C_ADJ - 1));
}

/* The dates' share of the block, rounded up so that the doubles after them are aligned. */
static size_t date_bytes(size_t cap)
{
    return (cap * sizeof(int) + sizeof(double) - 1) / sizeof(double) * sizeof(double);
}

static evs_status set_block(evs_series *s, size_t cap, unsigned keep, evs_err *e)
{
    if (cap == 0)
        cap = 1;
    size_t k = 0;
    for (int c = C_OPEN; c < C_N; c++)
        k += (keep >> (c - 1)) & 1;
    if (cap > SIZE_MAX / (k * sizeof(double) + sizeof(int)) - 1)
        return evs_nomem(e);
    char *b = evs_malloc(date_bytes(cap) + cap * k * sizeof(double));
    if (!b)
        return evs_nomem(e);
    int *date = (int *)(void *)b;
    double *d = (double *)(void *)(b + date_bytes(cap)), *cols[C_N] = {NULL};
    for (size_t q = 0; q < sizeof col_order / sizeof *col_order; q++)
        if ((keep >> (col_order[q] - 1)) & 1) {
            cols[col_order[q]] = d;
            d += cap;
        }
    if (s->mem) { /* move the rows read so far */
        for (int c = C_OPEN; c < C_N; c++)
            if (cols[c])
                memcpy(cols[c], *col_ptr(s, c), s->n * sizeof(double));
        memcpy(date, s->date, s->n * sizeof(int));
        evs_free(s->mem);
    }
    s->mem = b;
    s->cap = cap;
    for (int c = C_OPEN; c < C_N; c++)
        *col_ptr(s, c) = cols[c];
    s->date = date;
    return EVS_OK;
}

void evs_series_keep_price(evs_series *s)
{
    if (!s->mem || !s->close || !s->adj_close || s->adj_close + s->cap != s->close)
        return; /* not the reader's block with both columns at its end */
    char *b = s->mem;
    double *keep = s->adj_close; /* the price's column moves to adj_close's place */
    if (!s->uses_adj)
        memmove(keep, s->close, s->n * sizeof *keep);
    size_t off = (size_t)((char *)keep - b), bytes = off + s->n * sizeof *keep;
    /* every column's place in the block, taken before realloc, which may move it */
    size_t at[C_N] = {0}, at_date = (size_t)((char *)s->date - b);
    for (int c = C_OPEN; c < C_N; c++)
        if (*col_ptr(s, c))
            at[c] = (size_t)((char *)*col_ptr(s, c) - b);
    /* the block shortened in place (glibc splits the chunk and frees the
     * rest); should realloc move it, every column moves with it */
    char *nb = evs_reallocarray(b, bytes, 1);
    if (!nb) { /* no smaller block: keep the whole one, adj_close empty again */
        for (size_t r = 0; !s->uses_adj && r < s->n; r++)
            keep[r] = NAN;
        return;
    }
    for (int c = C_OPEN; c < C_N; c++)
        if (*col_ptr(s, c))
            *col_ptr(s, c) = (double *)(void *)(nb + at[c]);
    s->date = (int *)(void *)(nb + at_date);
    keep = (double *)(void *)(nb + off);
    s->mem = nb;
    s->cap = s->n;
    s->close = s->uses_adj ? NULL : keep;
    s->adj_close = s->uses_adj ? keep : NULL;
    s->price = keep;
}

evs_status evs_series_alloc(evs_series *s, size_t n, evs_err *e)
{
    memset(s, 0, sizeof *s);
    evs_status st = set_block(s, n, keep_mask(EVS_COL_ALL), e);
    if (st != EVS_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        s->date[i] = 0;
        for (int c = C_OPEN; c < C_N; c++)
            (*col_ptr(s, c))[i] = NAN;
    }
    s->n = n;
    s->price = s->close;
    return EVS_OK;
}

void evs_series_free(evs_series *s)
{
    evs_free(s->path);
    evs_free(s->mem);
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

/* Only [+-.eE0-9]: strtod, behind evs_num_parse, would also take hex
 * ("0x10"), which no price file means. */
static int plain_decimal(const char *f, const char *fe)
{
    for (; f < fe; f++)
        if (!((*f >= '0' && *f <= '9') || *f == '+' || *f == '-' || *f == '.' || *f == 'e' || *f == 'E'))
            return 0;
    return 1;
}

/* After a full date f (10 bytes, valid, day number d): remember its
 * "YYYY-MM-", the day number before its month's first, and its month's
 * length, so that the next rows of the month read only their day. */
static void new_month(const char *f, int d, char ym[8], int *base, int *days)
{
    int y = (f[0] - '0') * 1000 + (f[1] - '0') * 100 + (f[2] - '0') * 10 + (f[3] - '0');
    int mo = (f[5] - '0') * 10 + (f[6] - '0');
    memcpy(ym, f, 8);
    *base = d - ((f[8] - '0') * 10 + (f[9] - '0'));
    *days = (mo == 12 ? evs_days_from_civil(y + 1, 1, 1) : evs_days_from_civil(y, mo + 1, 1)) - (*base + 1);
}

static evs_status parse(const char *name, const char *text, size_t len, unsigned cols, evs_series *s, evs_err *e);

/* A NUL byte anywhere is reported as such, whatever else is wrong. No NUL
 * can pass the reader (every byte of a file is part of a name, a date, a
 * number or a separator, and none of them admits 0), so the search for one
 * is needed only when the file was refused: a good file is not read twice. */
evs_status evs_series_parse(const char *name, const char *text, size_t len, evs_series *s, evs_err *e)
{
    return evs_series_parse_cols(name, text, len, EVS_COL_ALL, s, e);
}

evs_status evs_series_parse_cols(const char *name, const char *text, size_t len, unsigned cols, evs_series *s,
                                 evs_err *e)
{
    evs_status st = parse(name, text, len, cols, s, e);
    if (st != EVS_OK && memchr(text, 0, len))
        st = evs_errf(e, EVS_ERR_DATA, "%s: NUL byte in file", name);
    return st;
}

static evs_status parse(const char *name, const char *text, size_t len, unsigned cols, evs_series *s, evs_err *e)
{
    memset(s, 0, sizeof *s);
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
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
    /* Size the arrays from the first row's length (rows of a price file are
     * much alike) with 1/8 to spare, instead of a counting pass over the
     * text; a row that does not fit moves the block to 1.5 times the size. */
    size_t cap;
    {
        const char *nl = memchr(body, '\n', (size_t)(end - body));
        size_t first = nl ? (size_t)(nl - body) + 1 : (size_t)(end - body) + 1, rest = (size_t)(end - body);
        cap = rest / first + rest / first / 8 + 16;
    }
    unsigned keep = keep_mask(cols);
    evs_status st = set_block(s, cap, keep, e);
    if (st != EVS_OK)
        return st;
    /* where each header column's value goes in a row's vals[] (the date: 0) */
    int last = ncols - 1;
    int line = 1;
    size_t adj_rows = 0;
    char ym[8] = {0}; /* the last full date's "YYYY-MM-", the day before its month's first, its length */
    int ym_base = 0, ym_days = 0;
    /* the fast path's number scans need no bound before the last '\n' */
    const char *last_nl = end > body ? memrchr(body, '\n', (size_t)(end - body)) : NULL;
    for (const char *q = body; q < end;) {
        line++;
        size_t r = s->n;
        if (r == cap) {
            cap += cap / 2;
            if ((st = set_block(s, cap, keep, e)) != EVS_OK)
                goto fail;
        }
        /* The common row, in one pass: every field a fast-path number, empty,
         * or a date of 10 bytes, each ending where the header says (',' or the
         * end of the line). Anything else (blank lines, odd fields, errors)
         * is read again, from the row's start, by the general code below,
         * which finds the line's end first and has every message. Nothing is
         * stored until the row is complete. */
        if (q < last_nl) {
            double vals[C_N] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN};
            int date = 0;
            const char *f = q;
            for (int col = 0;; col++) {
                int c = map[col];
                const char *fe;
                if (c == C_DATE) {
                    if (end - f < 10)
                        goto general;
                    fe = f + 10;
                    unsigned d1 = (unsigned)(f[8] - '0'), d2 = (unsigned)(f[9] - '0');
                    if (d1 < 10 && d2 < 10 && memcmp(f, ym, 8) == 0 && d1 * 10 + d2 >= 1 &&
                        (int)(d1 * 10 + d2) <= ym_days)
                        date = ym_base + (int)(d1 * 10 + d2);
                    else if ((fe == end || *fe == ',' || *fe == '\n' || *fe == '\r') &&
                             evs_date_parse(f, 10, &date) == 0)
                        new_month(f, date, ym, &ym_base, &ym_days);
                    else
                        goto general; /* not a date: the general code has the message */
                } else if (!(fe = (keep >> (c - 1)) & 1 ? evs_num_scan_nl(f, &vals[c]) : evs_num_skip_nl(f))) {
                    /* f <= last_nl (see above); a column not kept is only checked */
                    if (*f == ',' || *f == '\n' || *f == '\r')
                        fe = f; /* empty: NaN */
                    else
                        goto general;
                }
                /* fe <= last_nl < end: no field of the fast path passes a '\n' */
                if (col < last) {
                    if (*fe != ',')
                        goto general;
                    f = fe + 1;
                    continue;
                }
                /* the last field: the line must end here */
                const char *next;
                if (fe == end)
                    next = end;
                else if (*fe == '\n')
                    next = fe + 1;
                else if (*fe == '\r' && fe + 1 < end && fe[1] == '\n')
                    next = fe + 2;
                else
                    goto general;
                if (r > 0 && date <= s->date[r - 1])
                    goto general; /* the general code has the message */
                s->date[r] = date;
                if (s->open)
                    s->open[r] = vals[C_OPEN];
                if (s->high)
                    s->high[r] = vals[C_HIGH];
                if (s->low)
                    s->low[r] = vals[C_LOW];
                s->close[r] = vals[C_CLOSE];
                s->adj_close[r] = vals[C_ADJ];
                if (s->volume)
                    s->volume[r] = vals[C_VOL];
                adj_rows += vals[C_ADJ] == vals[C_ADJ]; /* not NaN */
                s->n++;
                q = next;
                break;
            }
            continue;
        }
    general:;
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        if (le > q && le[-1] == '\r')
            le--;
        if (le == q) {
            q = next;
            continue;
        }
        for (int c = C_OPEN; c < C_N; c++)
            if (*col_ptr(s, c))
                (*col_ptr(s, c))[r] = NAN;
        int col = 0;
        const char *f = q;
        for (;;) {
            if (col >= ncols) {
                size_t nf = 1; /* the line's fields, for the message */
                for (const char *x = q; (x = memchr(x, ',', (size_t)(le - x))) != NULL; x++)
                    nf++;
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: %zu fields, more than the header's %d", name, line, nf, ncols);
                goto fail;
            }
            int c = map[col];
            char x[80];
            const char *fe;
            if (c == C_DATE) {
                /* a date is 10 bytes; only an odd field needs the search for its end */
                if (f + 10 <= le && (f + 10 == le || f[10] == ','))
                    fe = f + 10;
                else if (!(fe = memchr(f, ',', (size_t)(le - f))))
                    fe = le;
                /* rows of one month share "YYYY-MM-": then only the day is new */
                unsigned d1 = fe == f + 10 ? (unsigned)(f[8] - '0') : 10, d2 = d1 < 10 ? (unsigned)(f[9] - '0') : 10;
                if (d1 < 10 && d2 < 10 && memcmp(f, ym, 8) == 0 && d1 * 10 + d2 >= 1 &&
                    (int)(d1 * 10 + d2) <= ym_days) {
                    s->date[r] = ym_base + (int)(d1 * 10 + d2);
                } else if (evs_date_parse(f, (size_t)(fe - f), &s->date[r]) == 0) { /* 10 bytes, all checked */
                    new_month(f, s->date[r], ym, &ym_base, &ym_days);
                } else {
                    shown(f, (size_t)(fe - f), x, sizeof x);
                    st = evs_errf(e, EVS_ERR_DATA, "%s:%d: malformed date (%s)", name, line, x);
                    goto fail;
                }
            } else {
                /* one pass: the number's own end is the field's end in all but odd fields */
                double v;
                fe = evs_num_scan(f, le, &v);
                if (!fe || (fe != le && *fe != ',')) {
                    if (!(fe = memchr(f, ',', (size_t)(le - f))))
                        fe = le;
                    if (fe > f && (!plain_decimal(f, fe) || evs_num_parse(f, fe, &v) != 0)) {
                        shown(f, (size_t)(fe - f), x, sizeof x);
                        st = evs_errf(e, EVS_ERR_DATA, "%s:%d: malformed number in column %s (%s)", name, line,
                                      col_names[c], x);
                        goto fail;
                    }
                }
                if (fe > f) {
                    if (*col_ptr(s, c))
                        (*col_ptr(s, c))[r] = v;
                    if (c == C_ADJ)
                        adj_rows++;
                }
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
    /* validate the price column; only a bad row needs its line number found */
    for (size_t r = 0; r < s->n; r++) {
        double v = s->price[r];
        if (v >= EVS_PRICE_MIN && v <= EVS_PRICE_MAX)
            continue;
        int ln = 1;
        size_t k = 0;
        for (const char *q = body; q < end;) {
            ln++;
            const char *nl = memchr(q, '\n', (size_t)(end - q));
            const char *le = nl ? nl : end;
            int blank = le == q || (le == q + 1 && *q == '\r');
            q = nl ? nl + 1 : end;
            if (!blank && k++ == r)
                break;
        }
        char d[11], x[40];
        evs_date_format(s->date[r], d);
        if (v > 0) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: implausible price on %s (%.17g); prices must lie in %g..%g",
                          name, ln, d, v, EVS_PRICE_MIN, EVS_PRICE_MAX);
            goto fail;
        }
        if (isnan(v))
            snprintf(x, sizeof x, "empty");
        else
            snprintf(x, sizeof x, "%.17g", v);
        st = evs_errf(e, EVS_ERR_DATA, "%s:%d: %s price on %s (%s)%s", name, ln,
                      isnan(v) ? "empty" : (v == 0 ? "zero" : "negative"), d, x,
                      s->uses_adj && isnan(v) ? "; the file uses adj_close because other rows have it" : "");
        goto fail;
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
    return evs_series_read_cols(path, EVS_COL_ALL, s, e);
}

evs_status evs_series_read_cols(const char *path, unsigned cols, evs_series *s, evs_err *e)
{
    char *buf;
    size_t len;
    memset(s, 0, sizeof *s);
    evs_status st = evs_read_file(path, EVS_SERIES_MAX_BYTES, &buf, &len, e);
    if (st != EVS_OK)
        return st;
    st = evs_series_parse_cols(path, buf, len, cols, s, e);
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

size_t evs_series_lower(const evs_series *s, int d)
{
    return evs_date_lower(s->date, s->n, d);
}

long evs_series_find(const evs_series *s, int d)
{
    size_t lo = evs_series_lower(s, d);
    return lo < s->n && s->date[lo] == d ? (long)lo : -1;
}
