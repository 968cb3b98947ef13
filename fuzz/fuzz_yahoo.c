/* fuzz_yahoo.c — libFuzzer target: the Yahoo v8 chart JSON
 * (fetch/fetch_int.h evs_yahoo_parse), daily and intraday. The first byte
 * picks intraday (odd) and the HTTP status (200 or, for bit 1, 404). */
#include <stdint.h>
#include <stdlib.h>

#include "fetch_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int intraday = data[0] & 1;
    long status = (data[0] & 2) ? 404 : 200;
    evs_parsed p;
    evs_err e;
    /* now = 2030-01-01: fixed so that a run is reproducible */
    if (evs_yahoo_parse((const char *)data + 1, size - 1, status, intraday, 1893456000LL, &p, &e) == EVS_OK) {
        for (size_t i = 1; i < p.bars.n; i++)
            if (p.bars.t[i] <= p.bars.t[i - 1])
                abort();
        evs_parsed_free(&p);
    } else if (!e.msg[0]) {
        abort();
    }
    return 0;
}
