/*
 * test_plot_util.h — helpers shared by test_plot.c and test_report.c.
 *
 * The tests run from the repository root (EVS_TEST_ROOT) and work on copies
 * of tests/fixtures/plots-out/ in fresh temporary folders, so the committed
 * fixture is never written to. run.json there names its data files relative
 * to the study file's folder, which resolves from the repository root.
 */
#ifndef TEST_PLOT_UTIL_H
#define TEST_PLOT_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIXTURE "tests/fixtures/plots-out"

static const char *const fixture_files[] = {"abnormal_returns.csv", "aar.csv", "estimates.csv",
                                            "cars.csv", "tests.csv", "run.json"};

static inline void go_root(void)
{
    const char *root = getenv("EVS_TEST_ROOT");
    if (root && chdir(root) != 0) {
        perror(root);
        exit(1);
    }
}

/* The whole file as a NUL-terminated string (malloc), or NULL. */
static inline char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = 0;
    fclose(fp);
    return b;
}

static inline int spit(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, fp) == n;
    return fclose(fp) == 0 && ok ? 0 : -1;
}

/* text with every `from` replaced by `to` (malloc). */
static inline char *replace_all(const char *text, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), count = 0;
    for (const char *p = text; (p = strstr(p, from)); p += nf)
        count++;
    char *out = malloc(strlen(text) + count * (nt > nf ? nt - nf : 0) + 1), *o = out;
    const char *p = text, *q;
    while ((q = strstr(p, from))) {
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, to, nt);
        o += nt;
        p = q + nf;
    }
    strcpy(o, p);
    return out;
}

/* A fresh copy of the fixture's result files; returns the folder (static). */
static inline const char *fixture_copy(void)
{
    static char dir[64];
    strcpy(dir, "/tmp/evs-plot-test-XXXXXX");
    if (!mkdtemp(dir))
        return NULL;
    for (size_t i = 0; i < sizeof fixture_files / sizeof *fixture_files; i++) {
        char src[256], dst[256];
        snprintf(src, sizeof src, "%s/%s", FIXTURE, fixture_files[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, fixture_files[i]);
        char *t = slurp(src);
        if (!t || spit(dst, t))
            return NULL;
        free(t);
    }
    return dir;
}

/* In every result file of dir, replace `from` (CSV text) by csv_to and, in
 * run.json, by json_to. */
static inline void fixture_rename(const char *dir, const char *from, const char *csv_to, const char *json_to)
{
    for (size_t i = 0; i < sizeof fixture_files / sizeof *fixture_files; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, fixture_files[i]);
        char *t = slurp(path);
        char *u = replace_all(t, from, strstr(fixture_files[i], ".json") ? json_to : csv_to);
        spit(path, u);
        free(t);
        free(u);
    }
}

static inline void rm_rf(const char *dir)
{
    /* only our own temporary folders */
    if (strncmp(dir, "/tmp/evs-", 9) != 0)
        return;
    char *argv[] = {"rm", "-rf", (char *)dir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", argv);
        _exit(127);
    }
    int st;
    if (pid > 0)
        waitpid(pid, &st, 0);
}

static inline int file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int)sb.st_size : -1;
}

/* Field k (0-based) of a comma-separated line without quotes, copied into out. */
static inline void csv_field(const char *line, int k, char *out, size_t cap)
{
    const char *p = line;
    for (int i = 0; i < k && p; i++) {
        p = strchr(p, ',');
        if (p)
            p++;
    }
    size_t n = 0;
    while (p && *p && *p != ',' && *p != '\n' && *p != '\r' && n + 1 < cap)
        out[n++] = *p++;
    out[n] = 0;
}

#endif
