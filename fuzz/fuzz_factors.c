/* fuzz_factors.c — libFuzzer target: Ken French factor files
 * (core/evs_factors.h evs_factors_parse), and the row lookup on what it parsed. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "evs_factors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evs_factors f;
    evs_err e;
    if (evs_factors_parse("fuzz.csv", (const char *)data, size, &f, &e) == EVS_OK) {
        for (size_t i = 0; i < f.n; i++) {
            if (i > 0 && f.date[i] <= f.date[i - 1])
                abort(); /* strictly ascending (evs_factors.h) */
            for (size_t j = 0; j < f.ncol; j++)
                if (!f.names[j])
                    abort();
            /* the lookup (evs_date_lower's interpolation search) finds every row,
             * and nothing between rows */
            if (evs_factors_find(&f, f.date[i]) != (long)i)
                abort();
            if (f.date[i] > INT_MIN && (i == 0 || f.date[i] - 1 > f.date[i - 1]) && evs_factors_find(&f, f.date[i] - 1) >= 0)
                abort();
        }
        evs_factors_free(&f);
    } else if (!e.msg[0]) {
        abort();
    }
    return 0;
}
