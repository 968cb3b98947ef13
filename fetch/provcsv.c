/*
 * provcsv.c — the CSV providers: FRED, Stooq and files in the cache format.
 *
 * All three are read with the line-numbered RFC 4180 reader (evs_csv.h), and
 * all three may answer with something that is not CSV at all, with HTTP 200:
 * - FRED (fredgraph.csv): header observation_date,ID (DATE,ID before
 *   December 2024): both accepted; "." and an empty field are missing values
 *   (the row is skipped, counted in nulls).
 * - Stooq: a body is accepted only if its first line starts with "Date,";
 *   otherwise it is an HTML page (no or bad API key) or an error text such as
 *   "No data" or "Exceeded the daily hits limit", reported verbatim.
 * - csv: a file in the cache format (date or time, open, high, low, close,
 *   adj_close, volume; columns in any order).
 */
#include "fetch_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evs_csv.h"
#include "evs_date.h"
#include "evs_mem.h"

static int looks_html(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n' || (unsigned char)s[i] == 0xEF ||
                       (unsigned char)s[i] == 0xBB || (unsigned char)s[i] == 0xBF))
        i++;
    return i < len && s[i] == '<';
}

static evs_status first_line(const char *who, const char *s, size_t len, evs_err *e)
{
    char ex[160];
    size_t n = 0;
    while (n < len && s[n] != '\n')
        n++;
    evs_excerpt(s, n < 120 ? n : 120, ex, sizeof ex);
    if (looks_html(s, len))
        return evs_errf(e, EVS_ERR_DATA, "%s: answered with an HTML page instead of CSV (%s)", who, ex);
    return evs_errf(e, EVS_ERR_DATA, "%s: answered with an error instead of CSV (%s)", who,
                    ex[0] ? ex : "empty body");
}

evs_status evs_fred_parse(const char *body, size_t len, evs_parsed *p, evs_err *e)
{
    memset(p, 0, sizeof *p);
    if (len == 0 || looks_html(body, len))
        return first_line("FRED", body, len, e);
    evs_csv c;
    evs_csv_init(&c, "FRED response", body, len);
    evs_status st = EVS_OK;
    int r = evs_csv_next(&c, e);
    if (r <= 0 || c.nfields < 2 ||
        !((c.lens[0] == 16 && strncasecmp(c.fields[0], "observation_date", 16) == 0) ||
          (c.lens[0] == 4 && strncasecmp(c.fields[0], "DATE", 4) == 0))) {
        evs_csv_free(&c);
        return first_line("FRED", body, len, e);
    }
    while ((r = evs_csv_next(&c, e)) > 0) {
        int d;
        if (evs_date_parse(c.fields[0], c.lens[0], &d) != 0) {
            st = evs_errf(e, EVS_ERR_DATA, "FRED response:%d: bad date (%.*s)", c.line, (int)c.lens[0],
                          c.fields[0]);
            break;
        }
        double v;
        if (c.nfields < 2 || c.lens[1] == 0 || (c.lens[1] == 1 && c.fields[1][0] == '.')) {
            p->nulls++;
            continue;
        }
        if (evs_parse_num(c.fields[1], c.lens[1], &v) != 0) {
            st = evs_errf(e, EVS_ERR_DATA, "FRED response:%d: bad value (%.*s)", c.line, (int)c.lens[1],
                          c.fields[1]);
            break;
        }
        if (!(v > 0)) {
            p->nulls++;
            continue;
        }
        st = evs_bars_push(&p->bars, d, NAN, NAN, NAN, v, NAN, NAN, e);
        if (st != EVS_OK)
            break;
    }
    if (r < 0 && st == EVS_OK)
        st = e->status;
    evs_csv_free(&c);
    if (st != EVS_OK) {
        evs_parsed_free(p);
        return st;
    }
    evs_bars_sort(&p->bars);
    return EVS_OK;
}

evs_status evs_stooq_parse(const char *body, size_t len, evs_parsed *p, evs_err *e)
{
    memset(p, 0, sizeof *p);
    if (len < 5 || memcmp(body, "Date,", 5) != 0)
        return first_line("Stooq", body, len, e);
    evs_csv c;
    evs_csv_init(&c, "Stooq response", body, len);
    evs_status st = EVS_OK;
    int r = evs_csv_next(&c, e);
    int ci[6];
    static const char *cols[] = {"Date", "Open", "High", "Low", "Close", "Volume"};
    for (int k = 0; r > 0 && k < 6; k++)
        ci[k] = evs_csv_col(&c, cols[k]);
    if (r <= 0 || ci[0] < 0 || ci[4] < 0) {
        evs_csv_free(&c);
        return r < 0 ? e->status : evs_errf(e, EVS_ERR_DATA, "Stooq: header lacks Date or Close");
    }
    while ((r = evs_csv_next(&c, e)) > 0) {
        double v[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
        int d;
        size_t f0 = (size_t)ci[0];
        if (f0 >= c.nfields || evs_date_parse(c.fields[f0], c.lens[f0], &d) != 0) {
            st = evs_errf(e, EVS_ERR_DATA, "Stooq response:%d: bad date (%.*s)", c.line,
                          f0 < c.nfields ? (int)c.lens[f0] : 0, f0 < c.nfields ? c.fields[f0] : "");
            break;
        }
        for (int k = 1; k < 6; k++) {
            if (ci[k] < 0 || (size_t)ci[k] >= c.nfields || c.lens[ci[k]] == 0)
                continue;
            if (evs_parse_num(c.fields[ci[k]], c.lens[ci[k]], &v[k]) != 0) {
                st = evs_errf(e, EVS_ERR_DATA, "Stooq response:%d: bad %s (%.*s)", c.line, cols[k],
                              (int)c.lens[ci[k]], c.fields[ci[k]]);
                goto out;
            }
        }
        if (!(v[4] > 0)) {
            p->nulls++;
            continue;
        }
        st = evs_bars_push(&p->bars, d, v[1], v[2], v[3], v[4], NAN, v[5], e);
        if (st != EVS_OK)
            break;
    }
    if (r < 0 && st == EVS_OK)
        st = e->status;
out:
    evs_csv_free(&c);
    if (st != EVS_OK) {
        evs_parsed_free(p);
        return st;
    }
    evs_bars_sort(&p->bars);
    return EVS_OK;
}

evs_status evs_cachecsv_parse(const char *name, const char *body, size_t len, int intraday, evs_parsed *p,
                              evs_err *e)
{
    memset(p, 0, sizeof *p);
    if (len == 0 || looks_html(body, len))
        return first_line(name, body, len, e);
    evs_status st = evs_bars_parse(name, body, len, intraday, &p->bars, e);
    if (st != EVS_OK)
        return st;
    size_t k = 0;
    for (size_t i = 0; i < p->bars.n; i++)
        if (p->bars.adj[i] > 0)
            k++;
    p->adjusted = k > 0;
    return EVS_OK;
}
