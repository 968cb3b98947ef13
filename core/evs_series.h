/*
 * evs_series.h — a daily price series as the cache stores it.
 *
 * File format (DESIGN.md): CSV with the header
 *     date,open,high,low,close,adj_close,volume
 * (columns may come in any order; date and close are required), ISO dates
 * strictly ascending, empty fields where the source had none. The price used
 * for returns is adj_close when that column has any value, else close; every
 * row must then have a positive, finite price in the chosen column.
 *
 * The reader rejects, with "FILE:LINE: what (value)": a missing or unknown
 * column, a malformed date or number, a duplicate or out-of-order date, and an
 * empty, zero or negative price. Missing optional numbers are NaN. Numbers are
 * plain decimals (no hex, inf or nan). A price outside
 * EVS_PRICE_MIN..EVS_PRICE_MAX is refused as implausible: no quoted security
 * comes near these bounds, and beyond them returns and their squares lose
 * precision or overflow (a 1e308 price made the variance infinite).
 */
#ifndef EVS_SERIES_H
#define EVS_SERIES_H

#include <stddef.h>

#include "evs_error.h"

typedef struct evs_series {
    char *path;   /* the file it was read from (or NULL) */
    size_t n;     /* rows */
    int *date;    /* day numbers (evs_date.h), strictly ascending */
    double *open, *high, *low, *close, *adj_close, *volume; /* NaN when empty; NULL when not kept (_cols) */
    const double *price; /* = adj_close when uses_adj, else close */
    int uses_adj;
    void *mem;  /* the one allocation behind date and the six columns (evs_series_free) */
    size_t cap; /* rows it holds per column */
} evs_series;

/* Read and validate a cache file. max_bytes caps the file size. */
evs_status evs_series_read(const char *path, evs_series *s, evs_err *e);
/* Parse a buffer (for tests and fuzzing); name is used in messages. */
evs_status evs_series_parse(const char *name, const char *text, size_t len, evs_series *s, evs_err *e);

/* The same, keeping only some of the optional columns: every field is still
 * read and validated exactly as above (the same errors, the same values), but
 * the arrays of the columns left out are not kept and their pointers are
 * NULL. date, close and adj_close are always kept (the price is one of them).
 * A reader that uses only the price and volume (the engine) saves the memory
 * and the conversion of open, high and low. */
enum { EVS_COL_OPEN = 1, EVS_COL_HIGH = 2, EVS_COL_LOW = 4, EVS_COL_VOLUME = 32, EVS_COL_ALL = 63 };
evs_status evs_series_read_cols(const char *path, unsigned cols, evs_series *s, evs_err *e);
evs_status evs_series_parse_cols(const char *name, const char *text, size_t len, unsigned cols, evs_series *s,
                                 evs_err *e);

/* Give back the memory of the price column that the price does not use
 * (close when the file uses adj_close, else adj_close), whose pointer
 * becomes NULL; the price, the dates and the other columns keep their
 * values. For a reader that needs only the price once the file is read (the
 * engine): 8 bytes a row, a fifth of what it keeps, which the analysis then
 * reuses instead of asking the system for fresh pages. Without memory for a
 * smaller block nothing changes. */
void evs_series_keep_price(evs_series *s);

/* Allocate n empty rows (all numbers NaN, dates 0). */
evs_status evs_series_alloc(evs_series *s, size_t n, evs_err *e);
/* Write atomically in the cache format (full precision numbers). */
evs_status evs_series_write(const char *path, const evs_series *s, evs_err *e);
void evs_series_free(evs_series *s);

/* Index of date d, or -1. */
/* The first row on or after day d (s->n when none): a binary search. */
size_t evs_series_lower(const evs_series *s, int d);
long evs_series_find(const evs_series *s, int d);

#define EVS_PRICE_MIN 1e-9
#define EVS_PRICE_MAX 1e12

#define EVS_SERIES_MAX_BYTES ((size_t)1 << 30)

#endif
