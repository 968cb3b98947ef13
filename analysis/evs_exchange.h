/*
 * evs_exchange.h — the exchanges a study's securities trade on, and their
 * regular sessions in UTC.
 *
 * A small table keyed by ISO 10383 market identifier code (MIC): the IANA
 * time zone and the regular session hours in local time. Trading days are
 * never taken from here: they come from each security's own data
 * (DESIGN.md "Time and calendars"). Hours (exchange rule books, 2025):
 *   XNYS, XNAS  New York, Nasdaq      09:30-16:00 America/New_York
 *   XTKS        Tokyo                 09:00-15:30 Asia/Tokyo (15:00 before 2024-11-05)
 *   XAMS        Euronext Amsterdam    09:00-17:30 Europe/Amsterdam
 *   XETR        Xetra Frankfurt       09:00-17:30 Europe/Berlin
 *   XKRX        Korea Exchange        09:00-15:30 Asia/Seoul
 *   XTAI        Taiwan Stock Exchange 09:00-13:30 Asia/Taipei
 *   XHKG        Hong Kong             09:30-16:00 Asia/Hong_Kong
 *   XCME        CME Globex equity-index futures: trade date D runs from 17:00
 *               America/Chicago on the previous weekday evening (Sunday for
 *               Monday) to 16:00 on D.
 * The default exchange of a symbol follows Yahoo's suffixes (.T XTKS, .KS
 * XKRX, .TW XTAI, .HK XHKG, .AS XAMS, .DE XETR, =F XCME, ^N225 XTKS, ^IXIC
 * ^NDX ^SOX XNAS, other ^ indices and bare tickers XNYS); `exchange = MIC` in
 * [security SYMBOL] overrides it.
 */
#ifndef EVS_EXCHANGE_H
#define EVS_EXCHANGE_H

#include <stddef.h>

#include "evs_time.h"
#include "evs_tz.h"

typedef struct evs_exchange {
    const char *mic;
    const char *name;
    const char *zone;   /* IANA time zone */
    int open, close;    /* regular session, minutes after local midnight */
    int evening_open;   /* 1: session D opens at `open` on the previous weekday (Globex) */
} evs_exchange;

/* The exchange with this MIC, or NULL. */
const evs_exchange *evs_exchange_find(const char *mic);
/* The default exchange of a symbol (never NULL: XNYS when nothing matches). */
const evs_exchange *evs_exchange_for_symbol(const char *symbol);
/* The table, for documentation and tests. */
size_t evs_exchange_count(void);
const evs_exchange *evs_exchange_at(size_t i);

/* The UTC open and close of the session of trade date `date` (a day
 * number) in x's zone tz (loaded for x->zone). */
void evs_session_utc(const evs_exchange *x, const evs_tz *tz, int date, evs_instant *open, evs_instant *close);

#endif
