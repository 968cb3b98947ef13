/*
 * parsebench.c — the price-file parser alone, for `make bench`.
 *
 *   parsebench FILE...
 *
 * Reads every file into memory first, then times evs_series_parse (the
 * reader `evstudy run` uses, core/evs_series.h) over all of them, best of 3
 * passes, in CPU seconds of this one thread; prints bytes, rows and MB/s.
 * Beside `evstudy run --timings`' load phase this separates the parser from
 * the rest of loading (reading the files, first touch of the arrays, the
 * .meta sidecars).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "evs_file.h"
#include "evs_mem.h"
#include "evs_series.h"

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        printf("usage: parsebench FILE...\n\nTimes evs_series_parse on the files (already in memory), best of 3 "
               "passes, one thread;\nprints: files bytes rows MB/s-per-CPU-second.\n");
        return argc < 2 ? 2 : 0;
    }
    int n = argc - 1;
    char **buf = calloc((size_t)n, sizeof *buf);
    size_t *len = calloc((size_t)n, sizeof *len), bytes = 0, rows = 0;
    if (!buf || !len)
        return 1;
    for (int i = 0; i < n; i++) {
        evs_err e = {0};
        if (evs_read_file(argv[i + 1], EVS_SERIES_MAX_BYTES, &buf[i], &len[i], &e) != EVS_OK) {
            fprintf(stderr, "parsebench: error: %s\n", e.msg);
            return 4;
        }
        bytes += len[i];
    }
    double best = -1;
    for (int pass = 0; pass < 3; pass++) {
        double t0 = cpu();
        rows = 0;
        for (int i = 0; i < n; i++) {
            evs_series s;
            evs_err e = {0};
            if (evs_series_parse(argv[i + 1], buf[i], len[i], &s, &e) != EVS_OK) {
                fprintf(stderr, "parsebench: error: %s\n", e.msg);
                return 1;
            }
            rows += s.n;
            evs_series_free(&s);
        }
        double t = cpu() - t0;
        if (best < 0 || t < best)
            best = t;
    }
    printf("%d %zu %zu %.1f\n", n, bytes, rows, (double)bytes / 1e6 / best);
    for (int i = 0; i < n; i++)
        evs_free(buf[i]);
    free(buf);
    free(len);
    return 0;
}
