/*
 * evs_par.h — running independent work items on several threads.
 *
 * evs_par_for(n, jobs, fn, ctx) calls fn(ctx, i) once for every i in 0..n-1,
 * from up to `jobs` threads (the calling thread is one of them), and returns
 * when all calls have returned. Items are handed out one at a time in
 * increasing order, so a slow item does not hold up the others. fn must write
 * only to item i's own output; then the result does not depend on the number
 * of threads or on scheduling, which is how the engine keeps `--jobs N`
 * identical bit for bit to `--jobs 1`. With jobs <= 1 or n <= 1, or when a
 * thread cannot be created, the remaining items run on the calling thread.
 */
#ifndef EVS_PAR_H
#define EVS_PAR_H

#include <stddef.h>

/* Online CPUs (at least 1): the default for --jobs. */
int evs_par_cpus(void);

void evs_par_for(size_t n, int jobs, void (*fn)(void *ctx, size_t i), void *ctx);

/* Largest accepted jobs value. */
#define EVS_PAR_MAX_JOBS 256

#endif
