/*
 * evs_factors.h — a daily factor file in Kenneth French's CSV layout.
 *
 * The layout of F-F_Research_Data_Factors_daily.CSV, F-F_Research_Data_5_Factors_2x3_daily.CSV
 * and F-F_Momentum_Factor_daily.CSV from the Kenneth R. French Data Library:
 *
 *     This file was created by CMPT_ME_BEME_RETS using the 202412 CRSP database.   <- text lines
 *     The 1-month TBill return is from Ibbotson and Associates, Inc.
 *                                                                                   <- blank
 *     ,Mkt-RF,SMB,HML,RF                                                            <- header: empty first field
 *     19260701,    0.10,   -0.25,   -0.27,    0.01                                 <- YYYYMMDD, percent
 *     ...
 *                                                                                   <- blank ends the block
 *     Copyright 2025 Kenneth R. French                                              <- footer
 *
 * Only the first block (the daily one) is read: lines before the first header
 * are text, the block ends at the first blank or non-numeric line, and what
 * follows (footer, an annual section) is ignored. CRLF and LF both work;
 * names are trimmed ("Mom   " is "Mom"). Values are stored in decimals
 * (percent / 100). Rejected with "FILE:LINE: what (value)": no header; a
 * duplicate or empty column name; a row with the wrong number of fields; a
 * date that is not YYYYMMDD (a monthly YYYYMM file is named as such) or not
 * strictly ascending; a value that is not a finite number, is French's
 * missing-value code (-99.99 or -999) or is -100% or below; no rows.
 */
#ifndef EVS_FACTORS_H
#define EVS_FACTORS_H

#include <stddef.h>

#include "evs_error.h"

typedef struct evs_factors {
    size_t n;      /* rows (days) */
    size_t ncol;   /* factor columns */
    char **names;  /* column names as in the header, trimmed */
    int *date;     /* day numbers (evs_date.h), strictly ascending */
    double *v;     /* n x ncol row-major, decimal units */
} evs_factors;

/* Parse a buffer (name is used in messages); for tests and fuzzing. */
evs_status evs_factors_parse(const char *name, const char *buf, size_t len, evs_factors *f, evs_err *e);
/* Read a file. */
evs_status evs_factors_read(const char *path, evs_factors *f, evs_err *e);
/* Join b into a on common dates (rows of a whose date b lacks are dropped);
 * a column name present in both is an error. */
evs_status evs_factors_join(evs_factors *a, const evs_factors *b, const char *bname, evs_err *e);
void evs_factors_free(evs_factors *f);

/* Column index of name (exact), or -1. */
long evs_factors_col(const evs_factors *f, const char *name);
/* Row index of date d, or -1. */
long evs_factors_find(const evs_factors *f, int d);

#define EVS_FACTORS_MAX_BYTES ((size_t)256 << 20)

#endif
