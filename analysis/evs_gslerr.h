/*
 * evs_gslerr.h — what happens when a GSL function fails.
 *
 * GSL's default error handler prints a line and calls abort(): a numerical
 * failure deep in a distribution function (say an iteration limit in an
 * incomplete gamma for an extreme statistic) would kill a whole run and
 * lose every result. The inputs evs_* passes to GSL are checked first, so
 * this should not happen; if it does, the program should finish and say
 * so. evs_gslerr_install replaces the handler, process-wide, with one that
 * records the error and returns: the failing GSL function then returns its
 * error value (NaN from the distribution functions, a status code from the
 * _e and fitting functions), which the result files show as an empty
 * statistic. The command-line program installs it at start and reports the
 * count and the first error at the end (cli/main.c); the unit tests keep
 * GSL's abort, so that a failure there is loud.
 *
 * Thread-safe: workers may fail concurrently; the count is atomic and the
 * first error's text is kept by the one call that made the count 1.
 */
#ifndef EVS_GSLERR_H
#define EVS_GSLERR_H

#include <stddef.h>

/* Install the recording handler (call before starting threads). */
void evs_gslerr_install(void);

/* How many GSL errors were recorded since evs_gslerr_install; with out !=
 * NULL and a count > 0, the first one as "REASON (FILE:LINE, gsl_errno N)".
 * Read it once the threads that called GSL have finished. */
unsigned long evs_gslerr_count(char *out, size_t n);

#endif
