/* evs_file.c — whole-file reads, mkdir -p, atomic writes (see evs_file.h). */
#include "evs_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evs_mem.h"

evs_status evs_read_file(const char *path, size_t max_bytes, char **buf, size_t *len, evs_err *e)
{
    *buf = NULL;
    *len = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return evs_errf(e, errno == ENOENT ? EVS_ERR_DATA : EVS_ERR_IO, "%s: cannot open: %s", path,
                        strerror(errno));
    /* the buffer never grows past max_bytes + 1: one byte more than allowed
     * proves the file too large */
    size_t cap = max_bytes < 65536 ? max_bytes + 1 : 65536, n = 0;
    /* a regular file's size sizes the buffer: one read, no growth (a file
     * that grows meanwhile still takes the loop below) */
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
        (uintmax_t)sb.st_size < (uintmax_t)max_bytes)
        cap = (size_t)sb.st_size + 1;
    char *b = evs_malloc(cap + 1);
    if (!b) {
        fclose(fp);
        return evs_nomem(e);
    }
    for (;;) {
        if (n == cap) {
            if (cap > max_bytes)
                break;
            size_t nc = cap > (max_bytes + 1) / 2 ? max_bytes + 1 : cap * 2;
            char *nb = evs_reallocarray(b, nc + 1, 1);
            if (!nb) {
                evs_free(b);
                fclose(fp);
                return evs_nomem(e);
            }
            b = nb;
            cap = nc;
        }
        size_t got = fread(b + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    if (n > max_bytes) {
        evs_free(b);
        fclose(fp);
        return evs_errf(e, EVS_ERR_DATA, "%s: file larger than %zu bytes", path, max_bytes);
    }
    if (ferror(fp)) {
        int err = errno;
        evs_free(b);
        fclose(fp);
        return evs_errf(e, EVS_ERR_IO, "%s: read error: %s", path, strerror(err));
    }
    fclose(fp);
    b[n] = 0;
    *buf = b;
    *len = n;
    return EVS_OK;
}

evs_status evs_mkdirs(const char *path, evs_err *e)
{
    char *p = evs_strdup(path);
    if (!p)
        return evs_nomem(e);
    size_t n = strlen(p);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] == '/' || p[i] == 0) {
            char c = p[i];
            p[i] = 0;
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                int err = errno;
                evs_status st = evs_errf(e, EVS_ERR_IO, "%s: cannot create directory: %s", p, strerror(err));
                evs_free(p);
                return st;
            }
            p[i] = c;
        }
    }
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        evs_free(p);
        return evs_errf(e, EVS_ERR_IO, "%s: not a directory", path);
    }
    evs_free(p);
    return EVS_OK;
}

char *evs_path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0)
        return evs_strdup(rel);
    if (strcmp(rel, ".") == 0 || strcmp(rel, "./") == 0)
        return evs_strdup(dir);
    size_t a = strlen(dir), b = strlen(rel);
    char *p = evs_malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    size_t k = a;
    if (a && dir[a - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, rel, b + 1);
    return p;
}

char *evs_path_dirname(const char *path)
{
    const char *s = strrchr(path, '/');
    if (!s)
        return evs_strdup(".");
    if (s == path)
        return evs_strdup("/");
    return evs_strndup(path, (size_t)(s - path));
}

char *evs_path_basename(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t i = n;
    while (i > 0 && path[i - 1] != '/')
        i--;
    return evs_strndup(path + i, n - i);
}

#ifdef EVS_FAULT_INJECTION
/* EVS_FAULT_WRITE=N: the N-th counted output operation fails (evs_file.h). */
static long wfault_at = -1, wfault_count;

/* EVS_FAULT_STATS set: print how many output operations there were. */
static void wfault_stats(void)
{
    fprintf(stderr, "evs-fault: %ld writes\n", wfault_count);
}

static int wfault_now(void)
{
    if (wfault_at < 0) {
        const char *s = getenv("EVS_FAULT_WRITE");
        wfault_at = s ? strtol(s, NULL, 10) : 0;
        if (getenv("EVS_FAULT_STATS"))
            atexit(wfault_stats);
    }
    return ++wfault_count == wfault_at;
}

/* In a fault build the temporary file is a stdio cookie stream, so that each
 * write(2) stdio makes of its buffer passes through wfault_now. */
static ssize_t fault_write(void *cookie, const char *buf, size_t n)
{
    int fd = (int)(intptr_t)cookie;
    if (wfault_now()) {
        errno = ENOSPC;
        return -1;
    }
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, buf + done, n - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)done;
}

static int fault_close(void *cookie)
{
    return close((int)(intptr_t)cookie);
}

static FILE *afile_fdopen(int fd)
{
    cookie_io_functions_t io = {NULL, fault_write, NULL, fault_close};
    return fopencookie((void *)(intptr_t)fd, "wb", io);
}
#define fault_fsync(fd) (wfault_now() ? (errno = EIO, -1) : fsync(fd))
#define fault_rename(a, b) (wfault_now() ? (errno = EIO, -1) : rename(a, b))
#else
#define afile_fdopen(fd) fdopen(fd, "wb")
#define fault_fsync(fd) fsync(fd)
#define fault_rename(a, b) rename(a, b)
#endif

evs_status evs_afile_open(evs_afile *f, const char *path, evs_err *e)
{
    memset(f, 0, sizeof *f);
    size_t n = strlen(path);
    f->path = evs_strdup(path);
    f->tmp = evs_malloc(n + 16);
    if (!f->path || !f->tmp) {
        evs_free(f->path);
        evs_free(f->tmp);
        f->path = f->tmp = NULL;
        return evs_nomem(e);
    }
    snprintf(f->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        int err = errno;
        evs_free(f->path);
        evs_free(f->tmp);
        f->path = f->tmp = NULL;
        return evs_errf(e, EVS_ERR_IO, "%s: cannot create: %s", path, strerror(err));
    }
    fchmod(fd, 0644);
    f->fd = fd;
    f->fp = afile_fdopen(fd);
    if (!f->fp) {
        int err = errno;
        close(fd);
        unlink(f->tmp);
        evs_free(f->path);
        evs_free(f->tmp);
        f->path = f->tmp = NULL;
        return evs_errf(e, EVS_ERR_IO, "%s: cannot open: %s", path, strerror(err));
    }
    return EVS_OK;
}

evs_status evs_afile_finish(evs_afile *f, evs_err *e)
{
    if (!f->fp || !f->tmp)
        return evs_errf(e, EVS_ERR_IO, "internal: finishing a closed file");
    errno = 0;
    int bad = fflush(f->fp) != 0 || ferror(f->fp);
    int err = errno;
    if (!bad && fault_fsync(f->fd) != 0 && errno != EINVAL) {
        bad = 1;
        err = errno;
    }
    if (fclose(f->fp) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    f->fp = NULL;
    if (bad) {
        evs_status st = evs_errf(e, EVS_ERR_IO, "%s: write failed: %s", f->path, strerror(err ? err : EIO));
        evs_afile_abort(f);
        return st;
    }
    return EVS_OK;
}

evs_status evs_afile_publish(evs_afile *f, evs_err *e)
{
    if (f->fp || !f->tmp)
        return evs_errf(e, EVS_ERR_IO, "internal: publishing an unfinished file");
    if (fault_rename(f->tmp, f->path) != 0) {
        int err = errno;
        evs_status st = evs_errf(e, EVS_ERR_IO, "%s: cannot rename into place: %s", f->path, strerror(err));
        evs_afile_abort(f);
        return st;
    }
    evs_free(f->tmp);
    f->tmp = NULL;
    evs_free(f->path);
    f->path = NULL;
    return EVS_OK;
}

evs_status evs_afile_commit(evs_afile *f, evs_err *e)
{
    evs_status st = evs_afile_finish(f, e);
    return st != EVS_OK ? st : evs_afile_publish(f, e);
}

void evs_afile_abort(evs_afile *f)
{
    if (f->fp) {
        fclose(f->fp);
        f->fp = NULL;
    }
    if (f->tmp) {
        unlink(f->tmp);
        evs_free(f->tmp);
        f->tmp = NULL;
    }
    evs_free(f->path);
    f->path = NULL;
}
