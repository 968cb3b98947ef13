/*
 * plan.c — what a study needs from the providers.
 *
 * For each event, each security and its benchmark need prices from the
 * earliest offset (the start of the estimation window, or of an event window
 * if earlier) to the latest (the end of the last event window). Offsets are
 * trading days; a trading day is at most 7/5 calendar days on average, but
 * holidays (Lunar New Year closes Seoul and Taipei for a week) make that
 * short: the conversion allows 8% for holidays and the plan adds MARGIN
 * calendar days on both sides. One item per
 * symbol: the union of what its events need. The end is capped at today.
 * A plan is for one interval: daily events for 1d, the intraday events on
 * that interval's bars otherwise (evs_fetch_plan_study_at).
 */
#include "evs_fetch.h"

#include <string.h>

#include "evs_cache.h"
#include "evs_mem.h"
#include "evs_study.h"

#define MARGIN_DAYS 14

static char *own(evs_fetch_plan *p, const char *s, size_t n)
{
    char **no = evs_reallocarray(p->owned, p->nowned + 1, sizeof *no);
    if (!no)
        return NULL;
    p->owned = no;
    char *d = evs_strndup(s, n);
    if (!d)
        return NULL;
    p->owned[p->nowned++] = d;
    return d;
}

evs_status evs_fetch_plan_add(evs_fetch_plan *p, const char *symbol, const char *provider, int from, int to,
                              evs_err *e)
{
    const char *why = evs_symbol_problem(symbol);
    if (why)
        return evs_errf(e, EVS_ERR_USAGE, "bad symbol (%s): %s", symbol, why);
    if (!provider || !provider[0])
        provider = "yahoo";
    why = evs_fetch_provider_problem(provider);
    if (why)
        return evs_errf(e, EVS_ERR_USAGE, "%s: bad provider (%s): %s", symbol, provider, why);
    for (size_t i = 0; i < p->n; i++) {
        if (strcmp(p->items[i].symbol, symbol) == 0) {
            if (from < p->items[i].from)
                p->items[i].from = from;
            if (to > p->items[i].to)
                p->items[i].to = to;
            return EVS_OK;
        }
    }
    evs_fetch_item *ni = evs_reallocarray(p->items, p->n + 1, sizeof *ni);
    if (!ni)
        return evs_nomem(e);
    p->items = ni;
    evs_fetch_item *it = &p->items[p->n];
    memset(it, 0, sizeof *it);
    const char *colon = strchr(provider, ':');
    it->symbol = own(p, symbol, strlen(symbol));
    it->provider = own(p, provider, colon ? (size_t)(colon - provider) : strlen(provider));
    it->remote = colon ? own(p, colon + 1, strlen(colon + 1)) : NULL;
    if (!it->symbol || !it->provider || (colon && !it->remote))
        return evs_nomem(e);
    it->from = from;
    it->to = to;
    p->n++;
    return EVS_OK;
}

void evs_fetch_plan_free(evs_fetch_plan *p)
{
    for (size_t i = 0; i < p->nowned; i++)
        evs_free(p->owned[i]);
    evs_free(p->owned);
    evs_free(p->items);
    memset(p, 0, sizeof *p);
}

/* Calendar days that hold `trading` sessions: 7/5 for weekends, plus 8%
 * for holidays (Tokyo and Seoul close 15-20 weekdays a year). */
static int cal_days(int trading)
{
    return trading <= 0 ? 0 : (trading * 7 * 108 + 499) / 500;
}

/* Calendar days around an intraday event: its bars are `bars` intervals of
 * `minutes` of trading time; a weekday is taken to hold at least 300 trading
 * minutes (Tokyo's session; New York has 390, Globex futures about 1380). */
static int intraday_days(long bars, int minutes)
{
    long trading_days = (bars * minutes + 299) / 300;
    return cal_days((int)(trading_days > 100000 ? 100000 : trading_days));
}

evs_status evs_fetch_plan_study(const evs_study *s, long long now, evs_fetch_plan *p, evs_err *e)
{
    return evs_fetch_plan_study_at(s, "1d", now, p, e);
}

evs_status evs_fetch_plan_study_at(const evs_study *s, const char *interval, long long now, evs_fetch_plan *p,
                                   evs_err *e)
{
    memset(p, 0, sizeof *p);
    int today = (int)(now / 86400);
    int want = strcmp(interval, "1m") == 0 ? 1 : strcmp(interval, "5m") == 0 ? 5 : strcmp(interval, "1h") == 0 ? 60 : 0;
    size_t other = 0;
    const char *other_iv = NULL;
    for (size_t k = 0; k < s->nevents; k++) {
        const evs_event_def *ev = &s->events[k];
        int iv = ev->intraday ? ev->p.interval : 0;
        if (iv != want) { /* an event on other bars: fetched with its own --interval */
            other++;
            other_iv = iv == 1 ? "1m" : iv == 5 ? "5m" : iv == 60 ? "1h" : "1d";
            continue;
        }
        long lo = ev->p.estimation.first, hi = ev->p.estimation.last;
        for (size_t w = 0; w < ev->p.nwindows; w++) {
            if (ev->p.windows[w].first < lo)
                lo = ev->p.windows[w].first;
            if (ev->p.windows[w].last > hi)
                hi = ev->p.windows[w].last;
        }
        int from, to;
        if (iv) { /* bars of trading time around the instant; the provider keeps 30/60/730 days */
            from = ev->date - intraday_days(lo < 0 ? -lo : 0, iv) - 3;
            to = ev->date + intraday_days(hi > 0 ? hi : 0, iv) + 2;
            int keep = iv == 1 ? 29 : iv == 5 ? 59 : 729;
            if (from < today - keep)
                from = today - keep;
        } else {
            from = ev->date - cal_days((int)-lo) - MARGIN_DAYS;
            to = ev->date + cal_days((int)hi) + MARGIN_DAYS;
        }
        if (to > today)
            to = today;
        if (from > to) {
            evs_fetch_plan_free(p);
            return evs_errf(e, EVS_ERR_USAGE, "%s: event %s lies in the future%s", s->path, ev->name,
                            iv ? " or beyond what the provider keeps of its bars" : "");
        }
        for (size_t i = 0; i < ev->nsymbols; i++) {
            /* the security, its market, and the two-index model's sector index */
            const char *syms[3] = {ev->symbols[i], evs_study_market(s, ev, ev->symbols[i]),
                                   ev->p.model == EVS_MODEL_TWO_INDEX ? ev->p.sector : NULL};
            for (int m = 0; m < 3; m++) {
                if (!syms[m])
                    continue;
                const evs_security_def *sd = evs_study_security(s, syms[m]);
                const char *prov = sd && sd->provider ? sd->provider : s->provider;
                evs_status st = evs_fetch_plan_add(p, syms[m], prov, from, to, e);
                if (st != EVS_OK) {
                    evs_fetch_plan_free(p);
                    return evs_err_prefix(e, "%s", s->path);
                }
            }
        }
    }
    if (p->n == 0 && other)
        return evs_errf(e, EVS_ERR_USAGE, "%s: no event uses %s bars; %zu event%s use%s other bars (fetch them with "
                                          "--interval %s)",
                        s->path, interval, other, other > 1 ? "s" : "", other > 1 ? "" : "s", other_iv);
    return EVS_OK;
}
