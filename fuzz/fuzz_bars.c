/* fuzz_bars.c — libFuzzer target: the fetcher's cache CSV reader for daily
 * and intraday bars (fetch/fetch_int.h evs_bars_parse). The first byte picks
 * daily (even) or intraday (odd); the rest is the file. */
#include <stdint.h>
#include <stdlib.h>

#include "fetch_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int intraday = data[0] & 1;
    evs_bars b = {0};
    evs_err e;
    if (evs_bars_parse("fuzz.csv", (const char *)data + 1, size - 1, intraday, &b, &e) == EVS_OK) {
        for (size_t i = 1; i < b.n; i++)
            if (b.t[i] <= b.t[i - 1])
                abort(); /* kept sorted and unique (fetch_int.h) */
    } else if (!e.msg[0]) {
        abort();
    }
    evs_bars_free(&b);
    return 0;
}
