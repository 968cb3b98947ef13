/* fuzz_fred.c — libFuzzer target: FRED fredgraph.csv (fetch/fetch_int.h
 * evs_fred_parse). */
#include <stdint.h>
#include <stdlib.h>

#include "fetch_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evs_parsed p;
    evs_err e;
    if (evs_fred_parse((const char *)data, size, &p, &e) == EVS_OK) {
        for (size_t i = 1; i < p.bars.n; i++)
            if (p.bars.t[i] <= p.bars.t[i - 1])
                abort();
        evs_parsed_free(&p);
    } else if (!e.msg[0]) {
        abort();
    }
    return 0;
}
