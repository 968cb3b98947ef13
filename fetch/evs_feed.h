/*
 * evs_feed.h — event times from news feeds: RSS 2.0, Atom, SEC EDGAR.
 *
 * A feed (a URL or a local file) becomes a list of items with a stable id,
 * a UTC instant, a title and a link, written as the events CSV of DESIGN.md:
 *     event,time,title,link,source
 * (time in UTC ISO 8601, e.g. 2025-01-27T04:12:00Z), which a study names
 * with `events = FILE`. Items come out sorted by time, then id.
 *
 * The XML is untrusted: it is parsed without network access, without
 * substituting entities (an external entity stays unexpanded and no file is
 * read: an entity loader that refuses everything is installed while
 * parsing), without DTD loading, XInclude or the HUGE option; libxml2's
 * entity-amplification check makes a billion-laughs document fail at once.
 */
#ifndef EVS_FEED_H
#define EVS_FEED_H

#include <stddef.h>
#include <stdio.h>

#include "evs_error.h"

typedef struct evs_feed_item {
    char *id;       /* guid / id / EDGAR accession number */
    long long time; /* Unix seconds */
    char *title;    /* "" when absent */
    char *link;     /* "" when absent */
} evs_feed_item;

typedef struct evs_feed {
    char *kind;  /* "rss", "atom" or "edgar" */
    char *title; /* the feed's own title, "" when absent */
    evs_feed_item *items;
    size_t n, cap;
} evs_feed;

typedef struct evs_feed_opts {
    const char *user_agent; /* NULL: $EVS_USER_AGENT, else "evstudy/VERSION"; EDGAR needs one with an e-mail */
    long timeout_ms;        /* whole transfer (default 60000) */
    int max_tries;          /* (default 4) */
    long backoff_ms;        /* (default 1000) */
    size_t max_bytes;       /* (default 16 MiB) */
} evs_feed_opts;

void evs_feed_opts_default(evs_feed_opts *o);

/* Parse a feed held in memory; name is used in messages. An item without a
 * usable time or id is an error naming it. */
evs_status evs_feed_parse(const char *name, const char *buf, size_t len, evs_feed *f, evs_err *e);
/* Read a feed from an http(s) URL or a file, then parse it. */
evs_status evs_feed_load(const char *source, const evs_feed_opts *o, evs_feed *f, evs_err *e);
/* Keep the items whose title matches an extended regular expression
 * (case-insensitive). */
evs_status evs_feed_filter(evs_feed *f, const char *regex, evs_err *e);
/* Write the events CSV (header included); source fills the source column
 * when the feed has no title. Returns EVS_ERR_IO on a write error. */
evs_status evs_feed_write_csv(FILE *fp, const evs_feed *f, const char *source, evs_err *e);
void evs_feed_free(evs_feed *f);

/* RFC 822 / RFC 2822 date-time ("Mon, 27 Jan 2025 04:12:00 GMT", "+0900",
 * "EST", 2-digit years) and RFC 3339 into Unix seconds; 0 on success. */
int evs_feed_parse_time(const char *s, long long *out);

#endif
