/* day0.c — the first session that could react (see evs_day0.h). */
#include "evs_day0.h"

#include <stdio.h>
#include <string.h>

#include "evs_date.h"
#include "evs_fmt.h"

static int weekend(int d)
{
    int w = evs_weekday(d);
    return w == 0 || w == 6;
}

void evs_day0_find(const evs_exchange *x, const evs_tz *tz, const int *dates, size_t n, int has_instant,
                   evs_instant t, int date, evs_day0 *out)
{
    memset(out, 0, sizeof *out);
    out->date = out->closed_first = out->closed_last = EVS_NO_DATE;
    char when[48], ds[11], de[11];
    evs_instant o, c;
    size_t k;
    int natural; /* the first weekday that would have been day 0 without holidays */
    if (has_instant) {
        evs_instant_format(t, when);
        /* a session's close is never more than a day after its UTC date */
        k = evs_date_lower(dates, n, evs_instant_date(t) - 1);
        for (; k < n; k++) {
            evs_session_utc(x, tz, dates[k], &o, &c);
            if (c > t)
                break;
        }
        natural = evs_instant_date(t) - 1;
        for (;; natural++) {
            if (weekend(natural))
                continue;
            evs_session_utc(x, tz, natural, &o, &c);
            if (c > t)
                break;
        }
    } else {
        snprintf(when, sizeof when, "date ");
        evs_date_format(date, when + 5);
        k = evs_date_lower(dates, n, date);
        for (natural = date; weekend(natural); natural++)
            ;
    }
    if (k >= n) {
        evs_date_format(n ? dates[n - 1] : date, ds);
        snprintf(out->reason, sizeof out->reason, "%s %s is beyond the data (last %s session %s)",
                 has_instant ? "instant" : "event", when, x->mic, ds);
        return;
    }
    out->date = dates[k];
    evs_session_utc(x, tz, out->date, &out->open, &out->close);
    evs_date_format(out->date, ds);
    if (natural < out->date) {
        int last = out->date - 1;
        while (weekend(last))
            last--;
        if (last >= natural) {
            out->closed_first = natural;
            out->closed_last = last;
            char cf[11];
            evs_date_format(natural, cf);
            evs_date_format(last, de);
            snprintf(out->reason, sizeof out->reason,
                     "%s%s: %s had no session %s%s%s (no row in the data: holiday or closure); first session %s",
                     has_instant ? "instant " : "event ", when, x->mic, cf, natural == last ? "" : "..",
                     natural == last ? "" : de, ds);
            return;
        }
    }
    char lo[40], lc[40];
    evs_tz_format(tz, out->open, lo);
    evs_tz_format(tz, out->close, lc);
    if (!has_instant)
        snprintf(out->reason, sizeof out->reason, "event %s: the %s session of that day (opens %s)", when, x->mic,
                 lo);
    else if (t < out->open)
        snprintf(out->reason, sizeof out->reason, "instant %s is before the %s open %s", when, x->mic, lo);
    else
        snprintf(out->reason, sizeof out->reason, "instant %s is during the %s session of %s (open %s, close %s)",
                 when, x->mic, ds, lo, lc);
}
