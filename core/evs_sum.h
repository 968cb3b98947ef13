/*
 * evs_sum.h — sums over days in four interleaved lanes.
 *
 * A running sum over a firm-event's days is bound by the latency of one
 * addition per day. Every per-day sum of the engine's hot paths is instead
 * taken in four lanes: the k-th term goes to lane k mod 4 and the lanes are
 * combined as (l0 + l1) + (l2 + l3) (EVS_SUM4). The four chains run in
 * parallel, and the rounding error is bounded as for sums a quarter as long
 * (Higham 2002, Accuracy and Stability of Numerical Algorithms, 4.2). Code
 * paths that must give the same bits (a one-firm-event sample and the
 * general per-offset path, the two paths of r-bar's pairs) number their
 * terms the same way.
 */
#ifndef EVS_SUM_H
#define EVS_SUM_H

#include <stddef.h>

/* Calls body(lane, t) for t = t0 .. n-1 with lane = t mod 4 (t0 a multiple
 * of 4: the days an SSE2 loop left, two lanes per vector; a constant lane in
 * the unrolled steps, so the lanes stay in registers). */
#define EVS_LANES4_FROM(t0, n, body)                                                                                  \
    do {                                                                                                              \
        size_t t_ = (t0), n_ = (n);                                                                                   \
        for (; t_ + 4 <= n_; t_ += 4) {                                                                               \
            body(0, t_);                                                                                              \
            body(1, t_ + 1);                                                                                          \
            body(2, t_ + 2);                                                                                          \
            body(3, t_ + 3);                                                                                          \
        }                                                                                                             \
        for (int l_ = 0; t_ < n_; t_++, l_++)                                                                         \
            body(l_, t_);                                                                                             \
    } while (0)
#define EVS_LANES4(n, body) EVS_LANES4_FROM(0, n, body)

/* The lanes' total. */
#define EVS_SUM4(a) (((a)[0] + (a)[1]) + ((a)[2] + (a)[3]))

#if defined(__SSE2__)
#include <emmintrin.h>

/* Lanes (0, 1) and (2, 3), held in two SSE2 vectors, into l[0..3]. */
static inline void evs_lanes_store(double l[4], __m128d v01, __m128d v23)
{
    _mm_storeu_pd(l, v01);
    _mm_storeu_pd(l + 2, v23);
}
#endif

#endif
