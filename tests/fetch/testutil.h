/*
 * testutil.h — small helpers shared by the fetch tests (linked with httpd.c).
 */
#ifndef EVS_TEST_UTIL_H
#define EVS_TEST_UTIL_H

#include <stddef.h>

/* A whole file as a malloc'd NUL-terminated string, or NULL. */
char *tu_slurp(const char *path);
/* tests/fetch/fixtures/NAME under $EVS_TEST_ROOT; aborts when missing. Free with free(). */
char *tu_fixture(const char *name, size_t *len);
/* "YYYY-MM-DD" as a day number; aborts on a bad date. */
int tu_day(const char *s);

#endif
