/* fuzz_series.c — libFuzzer target: the daily price CSV of the cache
 * (core/evs_series.h evs_series_parse). Any input must either parse into a
 * valid series (strictly ascending dates, positive finite prices) or be
 * refused with a message; never crash, leak or read out of bounds. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evs_series.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evs_series s, c;
    evs_err e, ec;
    /* the reader that keeps only some columns (the engine's) must agree on
     * every input: the same verdict, message, rows and kept values */
    evs_status st = evs_series_parse("fuzz.csv", (const char *)data, size, &s, &e);
    evs_status stc = evs_series_parse_cols("fuzz.csv", (const char *)data, size, EVS_COL_VOLUME, &c, &ec);
    if (st != stc || (st != EVS_OK && strcmp(e.msg, ec.msg) != 0))
        abort();
    if (stc == EVS_OK) {
        if (c.n != s.n || c.uses_adj != s.uses_adj || c.open || c.high || c.low ||
            memcmp(c.date, s.date, s.n * sizeof *s.date) != 0 ||
            memcmp(c.close, s.close, s.n * sizeof *s.close) != 0 ||
            memcmp(c.adj_close, s.adj_close, s.n * sizeof *s.adj_close) != 0 ||
            memcmp(c.volume, s.volume, s.n * sizeof *s.volume) != 0)
            abort(); /* NaN == NaN bit for bit: the reader writes one NaN */
        evs_series_free(&c);
    }
    if (st == EVS_OK) {
        /* the header's promises, checked on every accepted input */
        for (size_t i = 0; i < s.n; i++) {
            if (i > 0 && s.date[i] <= s.date[i - 1])
                abort();
            if (!(s.price[i] > 0) || !isfinite(s.price[i]))
                abort();
        }
        evs_series_free(&s);
    } else if (!e.msg[0]) {
        abort(); /* a refusal must say why */
    }
    return 0;
}
