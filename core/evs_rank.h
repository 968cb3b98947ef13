/*
 * evs_rank.h — average ranks, the building block of the rank tests.
 *
 * evs_rank_avg gives v[0..n-1] their 1-based ranks in increasing order, tied
 * values (==) sharing the average of the ranks they span (the midrank
 * convention of Corrado 1989 and Wilcoxon 1945), and returns the tie
 * correction sum over tied groups of (t^3 - t). With median != NULL it also
 * sets *median to the middle value (the mean of the two middle values when n
 * is even). tmp must hold n items; out is written only at the end. The sort
 * is an LSD radix sort on order-preserving integer keys of the values
 * (evs_rank.c), so the ranks and the median depend only on the values, as
 * with any correct sort.
 * Values must not be NaN.
 */
#ifndef EVS_RANK_H
#define EVS_RANK_H

#include <stddef.h>

typedef struct evs_ranked {
    double v;
    size_t i;
} evs_ranked;

double evs_rank_avg(const double *v, size_t n, double *out, evs_ranked *tmp, double *median);

#endif
