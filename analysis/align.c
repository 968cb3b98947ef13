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

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "evs_date.h"
#include "evs_mem.h"

/* The n prices p[0..n-1] of consecutive kept dates become their n - 1
 * returns, in place: return k (between prices k and k + 1) lands in p[k],
 * which price k + 1 still follows when the step reads it. Simple returns go
 * two at a time where the target has SSE2 (packed division and subtraction
 * round each lane as the scalar ones do: the same bits), since a division
 * per row of each series was the largest cost of the alignment. */
#if defined(__x86_64__) && defined(__GNUC__)
/* The simple returns four at a time where the processor has AVX (asked at
 * run time), as evs_model_residuals_1b does: a 256-bit division costs about
 * what a 128-bit one does, and each lane divides and subtracts as the scalar
 * code does (the same bits). Returns the returns done. */
__attribute__((target("avx"))) static size_t returns_avx(double *p, size_t n)
{
    const __m256d one = _mm256_set1_pd(1.0);
    size_t k = 0;
    for (; k + 4 < n; k += 4) { /* both loads before the store */
        __m256d den = _mm256_loadu_pd(p + k), num = _mm256_loadu_pd(p + k + 1);
        _mm256_storeu_pd(p + k, _mm256_sub_pd(_mm256_div_pd(num, den), one));
    }
    return k;
}
#endif

static void returns_in_place(double *p, size_t n, evs_returns_kind kind)
{
    size_t k = 0;
    if (kind == EVS_RET_LOG) {
        for (; k + 1 < n; k++)
            p[k] = log(p[k + 1] / p[k]);
        return;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx"))
        k = returns_avx(p, n);
#endif
#if defined(__SSE2__)
    const __m128d one = _mm_set1_pd(1.0);
    for (; k + 2 < n; k += 2) { /* both loads before the store */
        __m128d den = _mm_loadu_pd(p + k), num = _mm_loadu_pd(p + k + 1);
        _mm_storeu_pd(p + k, _mm_sub_pd(_mm_div_pd(num, den), one));
    }
#endif
    for (; k + 1 < n; k++)
        p[k] = p[k + 1] / p[k] - 1.0;
}

evs_status evs_align(const evs_series *sec, const evs_series *mkt, evs_returns_kind kind, evs_aligned *out,
                     evs_err *e)
{
    return evs_align2(sec, mkt, NULL, kind, out, e);
}

/* Two passes: the merge keeps each common date's prices, then each price
 * column becomes its returns (returns_in_place). Return k is R_k = P_{k+1} /
 * P_k - 1 or ln(P_{k+1} / P_k) between kept dates k and k + 1, dated k + 1. */
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
    size_t i = 0, j = 0, n = 0, js = 0; /* n: kept dates (at most sec->n) */
    for (; i < sec->n; i++) {
        int d = sec->date[i];
        if (mkt) {
            while (j < mkt->n && mkt->date[j] < d)
                j++;
            if (j >= mkt->n)
                break;
            if (mkt->date[j] != d)
                continue;
        }
        if (sector) {
            while (js < sector->n && sector->date[js] < d)
                js++;
            if (js >= sector->n)
                break;
            if (sector->date[js] != d)
                continue;
            out->rs[n] = sector->price[js];
        }
        if (n) /* each return is dated by the later of its two dates */
            out->date[n - 1] = d;
        out->r[n] = sec->price[i];
        out->rm[n] = mkt ? mkt->price[j] : NAN;
        n++;
        /* The security and its market share long runs of dates (a security
         * misses a day now and then): from a kept row, their next rows four
         * at a time while the dates agree, copied as the steps above would
         * store them. */
        if (mkt && !sector) {
            size_t i2 = i + 1, j2 = j + 1;
            while (i2 + 4 <= sec->n && j2 + 4 <= mkt->n && evs_dates_eq4(sec->date + i2, mkt->date + j2)) {
                memcpy(out->date + n - 1, sec->date + i2, 4 * sizeof *out->date);
                memcpy(out->r + n, sec->price + i2, 4 * sizeof *out->r);
                memcpy(out->rm + n, mkt->price + j2, 4 * sizeof *out->rm);
                i2 += 4;
                j2 += 4;
                n += 4;
            }
            i = i2 - 1; /* the last row kept, as the loop leaves it */
            j = j2 - 1;
        }
    }
    returns_in_place(out->r, n, kind);
    if (mkt)
        returns_in_place(out->rm, n, kind);
    if (sector)
        returns_in_place(out->rs, n, kind);
    out->n = n ? n - 1 : 0;
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
