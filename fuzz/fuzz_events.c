/* fuzz_events.c — libFuzzer target: the events CSV
 * (analysis/evs_events.h evs_events_parse). */
#include <stdint.h>
#include <stdlib.h>

#include "evs_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evs_events ev;
    evs_err e;
    if (evs_events_parse("fuzz.csv", (const char *)data, size, &ev, &e) == EVS_OK) {
        for (size_t i = 0; i < ev.n; i++) {
            const evs_event_row *r = &ev.rows[i];
            if (!r->event || !r->event[0] || r->line < 2)
                abort(); /* every row names its event and its line (evs_events.h) */
            if (!r->has_instant && r->instant != (evs_instant)r->date * EVS_SECONDS_PER_DAY)
                abort(); /* a date's instant is its 00:00 UTC */
        }
        evs_events_free(&ev);
    } else if (!e.msg[0]) {
        abort(); /* every refusal says why */
    }
    return 0;
}
