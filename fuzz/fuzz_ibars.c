/* fuzz_ibars.c — libFuzzer target: intraday bar files as the engine reads
 * them (analysis/evs_ibars.h evs_ibars_parse). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evs_ibars.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evs_ibars b;
    evs_err e;
    memset(&b, 0, sizeof b);
    if (evs_ibars_parse("fuzz.csv", (const char *)data, size, &b, &e) == EVS_OK)
        evs_ibars_free(&b);
    else if (!e.msg[0])
        abort();
    return 0;
}
