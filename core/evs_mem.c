/* evs_mem.c — allocation wrappers with optional fault injection (see evs_mem.h). */
#include "evs_mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef EVS_FAULT_INJECTION
#include <stdio.h>
static long fault_at = -1, fault_count;
static int fault_ready;

/* EVS_FAULT_STATS set: print how many allocations the process made, so that
 * tests/fault-loop.sh knows how far N must go. */
static void fault_stats(void)
{
    fprintf(stderr, "evs-fault: %ld allocations\n", fault_count);
}

static int fault_now(void)
{
    if (!fault_ready) {
        const char *s = getenv("EVS_FAULT_ALLOC");
        fault_at = s ? strtol(s, NULL, 10) : -1;
        fault_ready = 1;
        if (getenv("EVS_FAULT_STATS"))
            atexit(fault_stats);
    }
    return ++fault_count == fault_at;
}
#else
#define fault_now() 0
#endif

void *evs_malloc(size_t n)
{
    if (fault_now())
        return NULL;
    return malloc(n ? n : 1);
}

void *evs_calloc(size_t n, size_t size)
{
    if (fault_now())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *evs_reallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    if (fault_now())
        return NULL;
    size_t bytes = n * size;
    return realloc(p, bytes ? bytes : 1);
}

char *evs_strndup(const char *s, size_t n)
{
    char *d = evs_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *evs_strdup(const char *s)
{
    return evs_strndup(s, strlen(s));
}

void evs_free(void *p)
{
    free(p);
}

int evs_grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return -1;
        nc *= 2;
    }
    void *p = evs_reallocarray(*arr, nc, size);
    if (!p)
        return -1;
    *arr = p;
    *cap = nc;
    return 0;
}
