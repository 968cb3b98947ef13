/*
 * evs_mem.h — the library's only allocation entry points.
 *
 * All of libevstudy allocates through these wrappers so that a fault-injection
 * build can make the N-th allocation fail (EVS_FAULT_ALLOC=N in the
 * environment of a binary built with -DEVS_FAULT_INJECTION). They return NULL
 * on failure like malloc; callers turn that into EVS_ERR_NOMEM.
 */
#ifndef EVS_MEM_H
#define EVS_MEM_H

#include <stddef.h>

void *evs_malloc(size_t n);
void *evs_calloc(size_t n, size_t size);
/* Like realloc, but n*size is checked for overflow. On failure p is untouched. */
void *evs_reallocarray(void *p, size_t n, size_t size);
char *evs_strdup(const char *s);
char *evs_strndup(const char *s, size_t n);
void evs_free(void *p);

/* Grow *arr (element size `size`) so that it holds at least `need` elements. */
int evs_grow(void **arr, size_t *cap, size_t need, size_t size);

#endif
