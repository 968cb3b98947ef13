/* testutil.c — helpers shared by the fetch tests (see testutil.h). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evs_date.h"
#include "evs_file.h"
#include "evs_mem.h"

char *tu_slurp(const char *path)
{
    char *buf, *out;
    size_t len;
    evs_err e;
    if (evs_read_file(path, (size_t)1 << 26, &buf, &len, &e) != EVS_OK)
        return NULL;
    out = malloc(len + 1);
    if (out)
        memcpy(out, buf, len + 1);
    evs_free(buf);
    return out;
}

char *tu_fixture(const char *name, size_t *len)
{
    const char *root = getenv("EVS_TEST_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fetch/fixtures/%s", root ? root : ".", name);
    char *b = tu_slurp(path);
    if (!b) {
        fprintf(stderr, "missing fixture %s\n", path);
        abort();
    }
    *len = strlen(b);
    return b;
}

int tu_day(const char *s)
{
    int d;
    if (evs_date_parse(s, strlen(s), &d) != 0) {
        fprintf(stderr, "bad date in a test: %s\n", s);
        abort();
    }
    return d;
}
