/*
 * evs_rank.h — average ranks, the building block of the rank tests.
 *
 * evs_rank_avg gives v[0..n-1] their 1-based ranks in increasing order, tied
 * values (==) sharing the average of the ranks they span (the midrank
 * convention of Corrado 1989 and Wilcoxon 1945), and returns the tie
 * correction sum over tied groups of (t^3 - t). With median != NULL it also
 * sets *median to the middle value (the mean of the two middle values when n
 * is even). tmp must hold n items; out is written only at the end. The sort
 * places the values by address calculation (buckets over the sample's
 * spread), or by an LSD radix sort on order-preserving integer keys when
 * the spread is degenerate or n large (evs_rank.c); either way the ranks
 * and the median depend only on the values, as with any correct sort.
 * Values must not be NaN.
 */
#ifndef EVS_RANK_H
#define EVS_RANK_H

#include <stddef.h>
#include <stdint.h>

typedef struct evs_ranked {
    double v;
    size_t i;
} evs_ranked;

double evs_rank_avg(const double *v, size_t n, double *out, evs_ranked *tmp, double *median);

/* The same, and with order != NULL (then n < 2^32) the indices of v in ascending order of
 * value (order[0] the smallest; ties in no particular order) in order[0..n-1]. */
double evs_rank_avg_ord(const double *v, size_t n, double *out, evs_ranked *tmp, double *median, uint32_t *order);

/* The same midranks as evs_rank_avg when idx[0..n-1], a permutation of
 * 0..n-1, is already close to the ascending order of v (a sort of a
 * slightly different sample, e.g. the ARs' order for the SARs of the same
 * days): an insertion sort of idx by value, O(n + inversions), which falls
 * back to evs_rank_avg beyond 8n + 64 moves, so the cost stays bounded for
 * any hint. idx ends in ascending order of v. tmp as for evs_rank_avg. */
double evs_rank_avg_near(const double *v, size_t n, uint32_t *idx, double *out, evs_ranked *tmp, double *median);

#endif
