/*
 * evs_error.h — one status enum and one error record for the whole library.
 *
 * Every fallible function in libevstudy returns an evs_status and, on failure,
 * fills a caller-owned evs_err with a one-line message in the shape
 * "FILE:LINE: what is wrong (the value)". The library never prints and never
 * exits: the command-line front end turns the status into an exit code
 * (evs_exit_code) and prints the message.
 */
#ifndef EVS_ERROR_H
#define EVS_ERROR_H

#include <stddef.h>

typedef enum evs_status {
    EVS_OK = 0,
    EVS_ERR_DATA = 1,  /* bad data or an analysis that cannot be done */
    EVS_ERR_USAGE = 2, /* bad options, bad study file settings */
    EVS_ERR_NET = 3,   /* network failure */
    EVS_ERR_IO = 4,    /* file system failure */
    EVS_ERR_NOMEM = 5  /* allocation failed */
} evs_status;

typedef struct evs_err {
    evs_status status;
    char msg[1024];
} evs_err;

#if defined(__GNUC__)
#define EVS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define EVS_PRINTF(a, b)
#endif

/* Fill *e (when not NULL) and return st. Use as `return evs_errf(e, ...)`. */
evs_status evs_errf(evs_err *e, evs_status st, const char *fmt, ...) EVS_PRINTF(3, 4);

/* Shorthand for an allocation failure. */
evs_status evs_nomem(evs_err *e);

/* Prefix an existing message: "context: old message". Keeps the status. */
evs_status evs_err_prefix(evs_err *e, const char *fmt, ...) EVS_PRINTF(2, 3);

/* The documented process exit code for a status (0,1,2,3,4; out of memory is 1). */
int evs_exit_code(evs_status st);

/* Warnings: the library hands each one to a callback; it never prints. */
typedef void (*evs_warn_fn)(void *ud, const char *msg);
typedef struct evs_warner {
    evs_warn_fn fn;
    void *ud;
} evs_warner;

void evs_warnf(const evs_warner *w, const char *fmt, ...) EVS_PRINTF(2, 3);

#endif
