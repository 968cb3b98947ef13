/* fuzz_feed.c — libFuzzer target: RSS 2.0, Atom and SEC EDGAR XML
 * (fetch/evs_feed.h evs_feed_parse), then the events-CSV writer on whatever
 * was accepted (into /dev/null). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "evs_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sink && !(sink = fopen("/dev/null", "w")))
        abort();
    evs_feed f;
    evs_err e;
    if (evs_feed_parse("fuzz.xml", (const char *)data, size, &f, &e) == EVS_OK) {
        for (size_t i = 0; i < f.n; i++)
            if (!f.items[i].id || !f.items[i].title || !f.items[i].link)
                abort();
        evs_feed_write_csv(sink, &f, "fuzz", &e);
        evs_feed_free(&f);
    } else if (!e.msg[0]) {
        abort();
    }
    return 0;
}
