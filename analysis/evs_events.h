/*
 * evs_events.h — the events CSV (`events = FILE` in [study]; DESIGN.md "The
 * study file"): columns `event,time` and optional `symbol,market,title,link,
 * source`, in any order, one header row. `evstudy events` writes exactly this
 * schema. `time` is a date or an instant with its offset (evs_time.h); an
 * instant without an offset is rejected. Each row is one (event, symbol); a
 * row without a symbol applies to the study's securities; rows of one event
 * name form one event (the study reader groups them). Every error reads
 * "NAME:LINE: what is wrong (the value)".
 *
 * The parser works on a memory buffer so that it can be fuzzed directly.
 */
#ifndef EVS_EVENTS_H
#define EVS_EVENTS_H

#include <stddef.h>

#include "evs_error.h"
#include "evs_time.h"

typedef struct evs_event_row {
    int line;
    char *event;
    int has_instant;
    evs_instant instant; /* for a date: its 00:00 UTC */
    int date;            /* the date, or the instant's UTC date */
    char *symbol;        /* NULL: the study's securities */
    char *market;        /* NULL: not given; "none" allowed */
    char *title;         /* NULL: not given */
} evs_event_row;

typedef struct evs_events {
    evs_event_row *rows;
    size_t n;
} evs_events;

/* Parse len bytes of buf; name is used in messages. On error nothing is left
 * allocated in *out. */
evs_status evs_events_parse(const char *name, const char *buf, size_t len, evs_events *out, evs_err *e);
void evs_events_free(evs_events *ev);

#endif
