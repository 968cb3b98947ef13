/*
 * ibars.c — intraday bar files and their alignment into returns (see evs_ibars.h).
 *
 * Returns between kept bars: simple R = P_k / P_{k-1} - 1, log ln(P_k / P_{k-1})
 * (CLM 1997, section 1.4), as for daily data (align.c).
 */
#include "evs_ibars.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evs_csv.h"
#include "evs_file.h"
#include "evs_mem.h"

void evs_ibars_free(evs_ibars *b)
{
    evs_free(b->t);
    evs_free(b->close);
    evs_free(b->adj_close);
    memset(b, 0, sizeof *b);
}

static void shown(const char *a, size_t n, char *out, size_t outsz)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 4 < outsz; i++)
        out[k++] = ((unsigned char)a[i] < 0x20 || a[i] == 0x7f) ? '?' : a[i];
    out[k] = 0;
}

static int num(const char *s, size_t n, double *out)
{
    *out = NAN;
    if (n == 0)
        return 0;
    char buf[64];
    if (n >= sizeof buf || s[0] == ' ' || s[0] == '\t')
        return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    char *ep;
    double v = strtod(buf, &ep);
    if (*ep || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

evs_status evs_ibars_parse(const char *name, const char *text, size_t len, evs_ibars *b, evs_err *e)
{
    memset(b, 0, sizeof *b);
    evs_csv c;
    evs_csv_init(&c, name, text, len);
    evs_status st = EVS_OK;
    size_t cap = 0, nadj = 0;
    char x[80];
    int r = evs_csv_next(&c, e);
    if (r <= 0) {
        evs_csv_free(&c);
        return r < 0 ? e->status : evs_errf(e, EVS_ERR_DATA, "%s:1: empty file", name);
    }
    int ct = evs_csv_col(&c, "time"), cc = evs_csv_col(&c, "close"), ca = evs_csv_col(&c, "adj_close");
    if (ct < 0 || cc < 0) {
        st = evs_errf(e, EVS_ERR_DATA, "%s:%d: header lacks the %s column%s", name, c.line, ct < 0 ? "time" : "close",
                      evs_csv_col(&c, "date") >= 0 ? " (a daily file where intraday bars were expected)" : "");
        goto out;
    }
    while ((r = evs_csv_next(&c, e)) > 0) {
        size_t need = (size_t)(ct > cc ? ct : cc);
        if (ca > (int)need)
            need = (size_t)ca;
        if (c.nfields <= need) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: %zu fields, fewer than the header's", name, c.line, c.nfields);
            goto out;
        }
        if (b->n == cap) {
            size_t nc = cap ? 2 * cap : 1024;
            evs_instant *t = evs_reallocarray(b->t, nc, sizeof *t);
            if (t)
                b->t = t;
            double *p1 = evs_reallocarray(b->close, nc, sizeof *p1);
            if (p1)
                b->close = p1;
            double *p2 = evs_reallocarray(b->adj_close, nc, sizeof *p2);
            if (p2)
                b->adj_close = p2;
            if (!t || !p1 || !p2) {
                st = evs_nomem(e);
                goto out;
            }
            cap = nc;
        }
        size_t i = b->n;
        const char *f = c.fields[ct];
        size_t fl = c.lens[ct];
        int day;
        shown(f, fl, x, sizeof x);
        evs_time_kind k = evs_time_parse(f, fl, &day, &b->t[i]);
        if (k != EVS_TIME_INSTANT) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: malformed bar time, expected UTC ISO 8601 such as "
                                           "2025-01-27T14:30:00Z (%s)", name, c.line, x);
            goto out;
        }
        if (b->t[i] % 60 != 0) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: bar time not on a whole minute (%s)", name, c.line, x);
            goto out;
        }
        if (i > 0 && b->t[i] <= b->t[i - 1]) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: %s bar time (%s)", name, c.line,
                          b->t[i] == b->t[i - 1] ? "duplicate" : "out-of-order", x);
            goto out;
        }
        if (num(c.fields[cc], c.lens[cc], &b->close[i]) != 0 ||
            (ca >= 0 && num(c.fields[ca], c.lens[ca], &b->adj_close[i]) != 0)) {
            int bad_c = num(c.fields[cc], c.lens[cc], &b->close[i]) != 0;
            const char *bf = bad_c ? c.fields[cc] : c.fields[ca];
            size_t bl = bad_c ? c.lens[cc] : c.lens[ca];
            shown(bf, bl, x, sizeof x);
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: malformed number in column %s (%s)", name, c.line,
                          bad_c ? "close" : "adj_close", x);
            goto out;
        }
        if (ca < 0)
            b->adj_close[i] = NAN;
        nadj += !isnan(b->adj_close[i]);
        b->n++;
    }
    if (r < 0) {
        st = e->status;
        goto out;
    }
    if (b->n == 0) {
        st = evs_errf(e, EVS_ERR_DATA, "%s: no bars", name);
        goto out;
    }
    b->uses_adj = nadj > 0;
    b->price = b->uses_adj ? b->adj_close : b->close;
    /* every bar needs a positive price in the chosen column; the line is the row + 1 (header) */
    for (size_t i = 0; i < b->n; i++)
        if (!(b->price[i] > 0)) {
            char ts[21];
            evs_instant_format(b->t[i], ts);
            st = evs_errf(e, EVS_ERR_DATA, "%s: bar %s has no positive %s (%g)", name, ts,
                          b->uses_adj ? "adj_close" : "close", b->price[i]);
            goto out;
        }
out:
    evs_csv_free(&c);
    if (st != EVS_OK)
        evs_ibars_free(b);
    return st;
}

evs_status evs_ibars_read(const char *path, evs_ibars *b, evs_err *e)
{
    char *buf;
    size_t len;
    evs_status st = evs_read_file(path, (size_t)1 << 30, &buf, &len, e);
    if (st != EVS_OK)
        return st;
    st = evs_ibars_parse(path, buf, len, b, e);
    evs_free(buf);
    return st;
}

static double ret(double p1, double p0, evs_returns_kind kind)
{
    return kind == EVS_RET_LOG ? log(p1 / p0) : p1 / p0 - 1.0;
}

void evs_ialigned_free(evs_ialigned *a)
{
    evs_aligned_free(&a->a);
    evs_free(a->t);
    evs_free(a->t_prev);
    evs_free(a->gap);
    memset(a, 0, sizeof *a);
}

evs_status evs_ialign(const evs_ibars *sec, const evs_ibars *mkt, evs_returns_kind kind, int interval,
                      int session_gap, evs_overnight overnight, evs_ialigned *out, evs_err *e)
{
    memset(out, 0, sizeof *out);
    size_t cap = sec->n + 1;
    evs_aligned *a = &out->a;
    a->date = evs_malloc(cap * sizeof *a->date);
    a->r = evs_malloc(cap * sizeof *a->r);
    a->rm = evs_malloc(cap * sizeof *a->rm);
    out->t = evs_malloc(cap * sizeof *out->t);
    out->t_prev = evs_malloc(cap * sizeof *out->t_prev);
    out->gap = evs_malloc(cap * sizeof *out->gap);
    if (!a->date || !a->r || !a->rm || !out->t || !out->t_prev || !out->gap) {
        evs_ialigned_free(out);
        return evs_nomem(e);
    }
    const evs_instant D = 60LL * interval, G = 60LL * session_gap;
    size_t i = 0, j = 0, n = 0;
    int have_prev = 0;
    double ps = 0, pm = NAN;
    evs_instant tp = 0;
    for (; i < sec->n; i++) {
        evs_instant t = sec->t[i];
        double qm = NAN;
        if (mkt) {
            while (j < mkt->n && mkt->t[j] < t)
                j++;
            if (j >= mkt->n)
                break;
            if (mkt->t[j] != t)
                continue; /* the benchmark lacks this bar: not a kept bar */
            qm = mkt->price[j];
        }
        double qs = sec->price[i];
        if (have_prev) {
            evs_instant g = t - tp;
            unsigned char kind_gap = g <= D ? EVS_GAP_NONE : g <= G ? EVS_GAP_MISSING : EVS_GAP_SESSION;
            if (kind_gap == EVS_GAP_SESSION)
                out->n_session++;
            if (!(kind_gap == EVS_GAP_SESSION && overnight == EVS_OVERNIGHT_EXCLUDE)) {
                out->n_missing += kind_gap == EVS_GAP_MISSING;
                a->date[n] = (int)(t / 60);
                a->r[n] = ret(qs, ps, kind);
                a->rm[n] = mkt ? ret(qm, pm, kind) : NAN;
                out->t[n] = t;
                out->t_prev[n] = tp;
                out->gap[n] = kind_gap;
                n++;
            }
        }
        ps = qs;
        pm = qm;
        tp = t;
        have_prev = 1;
    }
    a->n = n;
    return EVS_OK;
}

long evs_ialigned_day0(const evs_ialigned *a, evs_instant instant, int interval)
{
    const evs_instant D = 60LL * interval;
    size_t lo = 0, hi = a->a.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->t[mid] + D <= instant)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < a->a.n ? (long)lo : -1;
}
