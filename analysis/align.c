/*
 * align.c — intersect two price series by date and take returns between
 * consecutive common dates (see evs_align.h).
 *
 * Simple return: R_t = P_t / P_{t-1} - 1; log return: ln(P_t / P_{t-1})
 * (CLM 1997, section 1.4).
 */
#include "evs_align.h"

#include <math.h>
#include <string.h>

#include "evs_date.h"
#include "evs_mem.h"

static double ret(double p1, double p0, evs_returns_kind kind)
{
    return kind == EVS_RET_LOG ? log(p1 / p0) : p1 / p0 - 1.0;
}

evs_status evs_align(const evs_series *sec, const evs_series *mkt, evs_returns_kind kind, evs_aligned *out,
                     evs_err *e)
{
    return evs_align2(sec, mkt, NULL, kind, out, e);
}

evs_status evs_align2(const evs_series *sec, const evs_series *mkt, const evs_series *sector, evs_returns_kind kind,
                      evs_aligned *out, evs_err *e)
{
    memset(out, 0, sizeof *out);
    size_t cap = sec->n;
    out->date = evs_malloc(cap * sizeof *out->date + 1);
    out->r = evs_malloc(cap * sizeof *out->r + 1);
    out->rm = evs_malloc(cap * sizeof *out->rm + 1);
    if (sector)
        out->rs = evs_malloc(cap * sizeof *out->rs + 1);
    if (!out->date || !out->r || !out->rm || (sector && !out->rs)) {
        evs_aligned_free(out);
        return evs_nomem(e);
    }
    size_t i = 0, j = 0, n = 0, js = 0;
    int have_prev = 0;
    double ps = 0, pm = 0, px = 0;
    while (i < sec->n) {
        int d = sec->date[i];
        double qm = NAN;
        if (mkt) {
            while (j < mkt->n && mkt->date[j] < d)
                j++;
            if (j >= mkt->n)
                break;
            if (mkt->date[j] != d) {
                i++;
                continue;
            }
            qm = mkt->price[j];
        }
        double qx = NAN;
        if (sector) {
            while (js < sector->n && sector->date[js] < d)
                js++;
            if (js >= sector->n)
                break;
            if (sector->date[js] != d) {
                i++;
                continue;
            }
            qx = sector->price[js];
        }
        double qs = sec->price[i];
        if (have_prev) {
            out->date[n] = d;
            out->r[n] = ret(qs, ps, kind);
            out->rm[n] = mkt ? ret(qm, pm, kind) : NAN;
            if (sector)
                out->rs[n] = ret(qx, px, kind);
            n++;
        }
        ps = qs;
        pm = qm;
        px = qx;
        have_prev = 1;
        i++;
    }
    out->n = n;
    return EVS_OK;
}

void evs_aligned_free(evs_aligned *a)
{
    evs_free(a->date);
    evs_free(a->r);
    evs_free(a->rm);
    evs_free(a->rs);
    memset(a, 0, sizeof *a);
}

long evs_aligned_day0(const evs_aligned *a, int d)
{
    size_t lo = evs_date_lower(a->date, a->n, d);
    return lo < a->n ? (long)lo : -1;
}
