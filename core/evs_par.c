/* evs_par.c — a minimal fork-join loop over pthreads (see evs_par.h). */
#include "evs_par.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

typedef struct par {
    atomic_size_t next;
    size_t n;
    void (*fn)(void *ctx, size_t i);
    void *ctx;
} par;

int evs_par_cpus(void)
{
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c < 1 ? 1 : c > EVS_PAR_MAX_JOBS ? EVS_PAR_MAX_JOBS : (int)c;
}

static void *worker(void *arg)
{
    par *p = arg;
    for (;;) {
        size_t i = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
        if (i >= p->n)
            break;
        p->fn(p->ctx, i);
    }
    return NULL;
}

void evs_par_for(size_t n, int jobs, void (*fn)(void *ctx, size_t i), void *ctx)
{
    par p = {.n = n, .fn = fn, .ctx = ctx};
    atomic_init(&p.next, 0);
    if (jobs > EVS_PAR_MAX_JOBS)
        jobs = EVS_PAR_MAX_JOBS;
    if ((size_t)jobs > n)
        jobs = (int)n;
    pthread_t th[EVS_PAR_MAX_JOBS];
    int started = 0;
    for (int t = 1; t < jobs; t++) {
        if (pthread_create(&th[started], NULL, worker, &p) != 0)
            break; /* fewer threads: the rest runs here */
        started++;
    }
    worker(&p);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
}
