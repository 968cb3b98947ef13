/*
 * evs_cache.h — where a symbol's data lives on disk.
 *
 * Layout (DESIGN.md "The cache"):
 *     <data>/<interval>/<file>.csv     the series
 *     <data>/<interval>/<file>.meta    its provenance sidecar (key = value)
 * <interval> is 1d, 1h, 5m or 1m. <file> is the symbol with every byte outside
 * A-Z a-z 0-9 . _ - percent-encoded as %XX (upper-case hex): ^GSPC -> %5EGSPC,
 * NQ=F -> NQ%3DF. The mapping is reversible. Symbols that are empty, longer
 * than EVS_SYMBOL_MAX, or contain '/', "..", whitespace or control bytes are
 * rejected before any path is built.
 */
#ifndef EVS_CACHE_H
#define EVS_CACHE_H

#include <stddef.h>

#include "evs_error.h"

#define EVS_SYMBOL_MAX 64

/* NULL when the symbol is acceptable, otherwise a short reason. */
const char *evs_symbol_problem(const char *sym);

/* Percent-encode a valid symbol into out (at least 3*EVS_SYMBOL_MAX+1 bytes). */
evs_status evs_symbol_encode(const char *sym, char *out, size_t outsz, evs_err *e);
/* Decode a cache file stem back into a symbol. */
evs_status evs_symbol_decode(const char *stem, char *out, size_t outsz, evs_err *e);

/* NULL when interval is one of 1d 1h 5m 1m, else a reason. */
const char *evs_interval_problem(const char *interval);

/* New string "<data>/<interval>/<encoded symbol><ext>" (ext like ".csv"). */
evs_status evs_cache_path(const char *data_dir, const char *interval, const char *symbol, const char *ext,
                          char **out, evs_err *e);

#endif
