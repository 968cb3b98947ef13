/* fuzz_study.c — libFuzzer target: the study file (analysis/evs_study.h).
 * evs_study_load reads a path (it hashes the bytes and resolves paths against
 * the file's directory), so each input is written to study.ini in a private
 * temporary directory and loaded from there; this covers the INI reader
 * (core/evs_ini.h) and every study setting. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evs_study.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[200], path[256];

static void cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/evs-fuzz-study.XXXXXX", t && t[0] ? t : "/tmp");
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof path, "%s/study.ini", dir);
        atexit(cleanup);
    }
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
        abort();
    evs_study s;
    evs_err e;
    if (evs_study_load(path, &s, &e) == EVS_OK) {
        for (size_t i = 0; i < s.nevents; i++)
            if (!s.events[i].name || s.events[i].p.nwindows == 0 || !s.events[i].nsymbols)
                abort();
        evs_study_free(&s);
    } else if (!e.msg[0]) {
        abort();
    }
    return 0;
}
