/*
 * yahoo.c — the Yahoo Finance chart API (v8) response, parsed with jansson.
 *
 *   {"chart":{"result":[{"meta":{...},"timestamp":[...],
 *     "indicators":{"quote":[{"open":[],"high":[],"low":[],"close":[],"volume":[]}],
 *                   "adjclose":[{"adjclose":[]}]},
 *     "events":{"dividends":{"<epoch>":{"amount":..,"date":..}},
 *               "splits":{"<epoch>":{"date":..,"numerator":4,"denominator":1}}}}],
 *    "error":null}}
 *
 * What can be wrong with it, and what this does (SOURCES.md):
 * - keys in any order: looked up by name; unknown keys ignored;
 * - null values (holidays, halts): a bar without a close is skipped and
 *   counted; other nulls become empty fields;
 * - no "timestamp" at all with "quote":[{}]: no bars (not an error here);
 * - arrays of different lengths, non-numbers, a result that is not an
 *   object: a data error naming the key;
 * - an error object (404 "Not Found", 422 "Unprocessable Entity"): a data
 *   error with Yahoo's code and description and the HTTP status;
 * - daily timestamps: converted to the exchange-local date with the zone the
 *   response names (exchangeTimezoneName), falling back to the fixed
 *   gmtoffset only when the zone is unknown on this system;
 * - the bar of a session still in progress (its date is today's session and
 *   the regular session has not ended): dropped, so the cache never holds a
 *   partial day.
 */
#include "fetch_int.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evs_mem.h"

void evs_parsed_free(evs_parsed *p)
{
    evs_bars_free(&p->bars);
    evs_actions_free(&p->acts);
    evs_free(p->currency);
    evs_free(p->timezone);
    evs_free(p->exchange);
    evs_free(p->instrument);
    memset(p, 0, sizeof *p);
}

static int get_str(json_t *obj, const char *key, char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return 0;
    *out = evs_strdup(json_string_value(v));
    return *out ? 0 : -1;
}

/* Every time in a response (bar and event epochs, the session bounds, the
 * zone offset) must lie within +-EPOCH_MAX seconds of 1970 (about year 5100):
 * beyond that it is garbage, and converting or offsetting it could overflow. */
#define EPOCH_MAX 100000000000LL

static int epoch_ok(long long t)
{
    return t >= -EPOCH_MAX && t <= EPOCH_MAX;
}

/* An integer (or a real with an integral value) within +-EPOCH_MAX. */
static int get_int(json_t *obj, const char *key, long long *out)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_integer(v) && epoch_ok(json_integer_value(v))) {
        *out = json_integer_value(v);
        return 1;
    }
    if (json_is_real(v)) {
        double r = json_real_value(v);
        if (r >= (double)-EPOCH_MAX && r <= (double)EPOCH_MAX) { /* false for NaN */
            *out = (long long)r;
            return 1;
        }
    }
    return 0;
}

/* A numeric array of length n (or absent: NULL). -1 when malformed. */
static int num_array(json_t *obj, const char *key, size_t n, json_t **out)
{
    json_t *a = json_object_get(obj, key);
    *out = NULL;
    if (!a || json_is_null(a))
        return 0;
    if (!json_is_array(a) || json_array_size(a) != n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(a, i);
        if (!json_is_number(x) && !json_is_null(x))
            return -1;
    }
    *out = a;
    return 0;
}

static double at(json_t *a, size_t i)
{
    if (!a)
        return NAN;
    json_t *x = json_array_get(a, i);
    if (!json_is_number(x))
        return NAN;
    double v = json_number_value(x);
    return isfinite(v) ? v : NAN;
}

static evs_status read_events(json_t *res, evs_parsed *p, long long **ep, size_t *nep, evs_err *e)
{
    json_t *ev = json_object_get(res, "events");
    if (!json_is_object(ev))
        return EVS_OK;
    static const char *kinds[] = {"splits", "dividends"};
    for (int k = 0; k < 2; k++) {
        json_t *o = json_object_get(ev, kinds[k]);
        if (!json_is_object(o))
            continue;
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v)
        {
            long long d;
            if (!json_is_object(v) || !get_int(v, "date", &d))
                return evs_errf(e, EVS_ERR_DATA, "Yahoo: events.%s.%s has no date (or one out of range)", kinds[k],
                                key);
            double val;
            if (k == 0) {
                json_t *jn = json_object_get(v, "numerator"), *jd = json_object_get(v, "denominator");
                if (!json_is_number(jn) || !json_is_number(jd) || json_number_value(jd) <= 0 ||
                    json_number_value(jn) <= 0)
                    return evs_errf(e, EVS_ERR_DATA, "Yahoo: events.splits.%s has no valid ratio", key);
                val = json_number_value(jn) / json_number_value(jd);
            } else {
                json_t *ja = json_object_get(v, "amount");
                if (!json_is_number(ja) || !isfinite(json_number_value(ja)))
                    return evs_errf(e, EVS_ERR_DATA, "Yahoo: events.dividends.%s has no amount", key);
                val = json_number_value(ja);
            }
            evs_status st = evs_actions_push(&p->acts, d, k == 0 ? EVS_ACT_SPLIT : EVS_ACT_DIVIDEND, val, e);
            if (st != EVS_OK)
                return st;
            long long *ne = evs_reallocarray(*ep, *nep + 2, sizeof *ne); /* room for one more: the session start */
            if (!ne)
                return evs_nomem(e);
            *ep = ne;
            ne[(*nep)++] = d;
        }
    }
    return EVS_OK;
}

evs_status evs_yahoo_parse(const char *body, size_t len, long status, int intraday, long long now, evs_parsed *p,
                           evs_err *e)
{
    memset(p, 0, sizeof *p);
    p->bars.intraday = intraday;
    char ex[160];
    json_error_t jerr;
    json_t *root = json_loadb(body ? body : "", len, 0, &jerr);
    if (!root) {
        evs_excerpt(body ? body : "", len < 120 ? len : 120, ex, sizeof ex);
        if (status != 200)
            return evs_errf(e, status == 401 || status == 403 ? EVS_ERR_NET : EVS_ERR_DATA,
                            "Yahoo: HTTP %ld (%s)", status, ex[0] ? ex : "empty body");
        return evs_errf(e, EVS_ERR_DATA, "Yahoo: invalid JSON at line %d column %d: %s (%s)", jerr.line,
                        jerr.column, jerr.text, ex);
    }
    evs_status st = EVS_OK;
    long long *ep = NULL; /* epochs to convert: bars, then events */
    int *days = NULL;
    size_t nep = 0;
    json_t *chart = json_object_get(root, "chart");
    if (!json_is_object(chart)) {
        st = evs_errf(e, EVS_ERR_DATA, "Yahoo: HTTP %ld: not a chart response (no \"chart\" object)", status);
        goto out;
    }
    json_t *err = json_object_get(chart, "error");
    if (err && !json_is_null(err)) {
        const char *code = json_string_value(json_object_get(err, "code"));
        const char *desc = json_string_value(json_object_get(err, "description"));
        char c1[80], c2[240];
        evs_excerpt(code ? code : "error", code ? strlen(code) : 5, c1, sizeof c1);
        evs_excerpt(desc ? desc : "", desc ? strlen(desc) : 0, c2, sizeof c2);
        st = evs_errf(e, EVS_ERR_DATA, "Yahoo: %s: %s (HTTP %ld)", c1, c2[0] ? c2 : "no description", status);
        goto out;
    }
    if (status < 200 || status > 299) {
        st = evs_errf(e, status == 401 || status == 403 ? EVS_ERR_NET : EVS_ERR_DATA,
                      "Yahoo: HTTP %ld without an error description", status);
        goto out;
    }
    json_t *results = json_object_get(chart, "result");
    json_t *res = json_array_get(results, 0);
    if (!json_is_object(res)) {
        st = evs_errf(e, EVS_ERR_DATA, "Yahoo: chart.result is empty or not a list of objects");
        goto out;
    }
    json_t *meta = json_object_get(res, "meta");
    long long gmtoff = 0;
    int have_off = 0;
    if (json_is_object(meta)) {
        if (get_str(meta, "currency", &p->currency) < 0 || get_str(meta, "exchangeTimezoneName", &p->timezone) < 0 ||
            get_str(meta, "exchangeName", &p->exchange) < 0 || get_str(meta, "instrumentType", &p->instrument) < 0) {
            st = evs_nomem(e);
            goto out;
        }
        have_off = get_int(meta, "gmtoffset", &gmtoff) && gmtoff >= -86400 && gmtoff <= 86400;
    }
    json_t *ts = json_object_get(res, "timestamp");
    size_t n = 0;
    if (ts && !json_is_null(ts)) {
        if (!json_is_array(ts)) {
            st = evs_errf(e, EVS_ERR_DATA, "Yahoo: \"timestamp\" is not a list");
            goto out;
        }
        n = json_array_size(ts);
    }
    json_t *ind = json_object_get(res, "indicators");
    json_t *quote = json_array_get(json_object_get(ind, "quote"), 0);
    json_t *adjo = json_array_get(json_object_get(ind, "adjclose"), 0);
    json_t *a_o = NULL, *a_h = NULL, *a_l = NULL, *a_c = NULL, *a_v = NULL, *a_adj = NULL;
    if (n > 0) {
        if (!json_is_object(quote)) {
            st = evs_errf(e, EVS_ERR_DATA, "Yahoo: %zu timestamps but no indicators.quote", n);
            goto out;
        }
        static const char *names[] = {"open", "high", "low", "close", "volume"};
        json_t **arrs[] = {&a_o, &a_h, &a_l, &a_c, &a_v};
        for (int k = 0; k < 5; k++)
            if (num_array(quote, names[k], n, arrs[k]) != 0) {
                st = evs_errf(e, EVS_ERR_DATA, "Yahoo: indicators.quote.%s is not a list of %zu numbers or nulls",
                              names[k], n);
                goto out;
            }
        if (!a_c) {
            st = evs_errf(e, EVS_ERR_DATA, "Yahoo: %zu timestamps but no close prices", n);
            goto out;
        }
        if (json_is_object(adjo) && num_array(adjo, "adjclose", n, &a_adj) != 0) {
            st = evs_errf(e, EVS_ERR_DATA, "Yahoo: indicators.adjclose is not a list of %zu numbers or nulls", n);
            goto out;
        }
    }
    ep = evs_calloc(n + 1, sizeof *ep);
    if (!ep) {
        st = evs_nomem(e);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(ts, i);
        if (!json_is_integer(x)) {
            st = evs_errf(e, EVS_ERR_DATA, "Yahoo: timestamp[%zu] is not an integer", i);
            goto out;
        }
        if (!epoch_ok(json_integer_value(x))) {
            st = evs_errf(e, EVS_ERR_DATA, "Yahoo: timestamp[%zu] = %" JSON_INTEGER_FORMAT " is out of range", i,
                          json_integer_value(x));
            goto out;
        }
        ep[i] = json_integer_value(x);
    }
    nep = n;
    st = read_events(res, p, &ep, &nep, e);
    if (st != EVS_OK)
        goto out;
    days = evs_calloc(nep + 2, sizeof *days);
    if (!days) {
        st = evs_nomem(e);
        goto out;
    }
    /* Exchange-local dates for daily bars and for every event. */
    long long sess_start = 0, sess_end = 0;
    json_t *reg = json_object_get(json_object_get(meta, "currentTradingPeriod"), "regular");
    int have_sess = json_is_object(reg) && get_int(reg, "start", &sess_start) && get_int(reg, "end", &sess_end);
    ep[nep] = sess_start; /* converted along with the rest */
    if (p->timezone && !evs_tz_problem(p->timezone)) {
        st = evs_tz_dates(p->timezone, ep, days, nep + 1, e);
        if (st != EVS_OK)
            goto out;
    } else {
        for (size_t i = 0; i <= nep; i++) {
            long long t = ep[i] + (have_off ? gmtoff : 0);
            days[i] = (int)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
        }
    }
    for (size_t i = 0; i < p->acts.n; i++)
        p->acts.a[i].t = days[n + i];
    int any_adj = 0;
    for (size_t i = 0; i < n; i++) {
        double c = at(a_c, i);
        if (!(c > 0)) {
            p->nulls++;
            continue;
        }
        double adj = at(a_adj, i);
        if (!(adj > 0))
            adj = NAN;
        else
            any_adj = 1;
        long long key = intraday ? ep[i] : days[i];
        st = evs_bars_push(&p->bars, key, at(a_o, i), at(a_h, i), at(a_l, i), c, adj, at(a_v, i), e);
        if (st != EVS_OK)
            goto out;
    }
    evs_bars_sort(&p->bars);
    evs_actions_sort(&p->acts);
    p->adjusted = any_adj;
    if (!intraday && have_sess && now >= sess_start && now < sess_end && p->bars.n &&
        p->bars.t[p->bars.n - 1] == days[nep]) {
        p->bars.n--; /* today's session is still trading */
        p->dropped_live = 1;
    }
out:
    evs_free(ep);
    evs_free(days);
    json_decref(root);
    if (st != EVS_OK)
        evs_parsed_free(p);
    return st;
}
