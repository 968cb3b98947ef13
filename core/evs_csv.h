/*
 * evs_csv.h — a general CSV reader (RFC 4180) that keeps line numbers.
 *
 * For the small, irregular CSVs the program reads: events files, provider
 * CSVs (FRED, Stooq), factor files, result files. Quoted fields may hold
 * commas, doubled quotes and newlines. The reader owns one record at a time;
 * fields point into its buffer and stay valid until the next call.
 * (Price files have their own faster reader in evs_series.c.)
 */
#ifndef EVS_CSV_H
#define EVS_CSV_H

#include <stddef.h>

#include "evs_error.h"

typedef struct evs_csv {
    const char *name;   /* for messages */
    const char *p, *end;/* the unread text */
    int line;           /* line on which the current record starts */
    int next_line;
    char *buf;          /* unquoted field bytes of the current record */
    size_t bufcap;
    char **fields;
    size_t *lens;
    size_t nfields, fcap;
    size_t max_fields;  /* a record with more fields is an error (default 4096) */
} evs_csv;

/* Start reading text (len bytes; the text must outlive the reader). */
void evs_csv_init(evs_csv *c, const char *name, const char *text, size_t len);
/* Read the next record. Returns 1 with a record, 0 at the end, -1 on error
 * (e filled: unterminated quote, stray quote, too many fields, out of memory).
 * Blank lines are skipped. */
int evs_csv_next(evs_csv *c, evs_err *e);
void evs_csv_free(evs_csv *c);

/* Index of the header field named name in the current record, or -1. */
int evs_csv_col(const evs_csv *c, const char *name);

#endif
