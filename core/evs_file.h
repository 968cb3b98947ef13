/*
 * evs_file.h — reading whole files and writing files atomically.
 *
 * Every result and cache file is written through evs_afile: the bytes go to a
 * temporary file in the same directory, which is flushed, fsync'd and renamed
 * over the target only when everything was written. A failure or an
 * interrupted process therefore never leaves a half-written file where a good
 * one stood; evs_afile_abort removes the temporary file.
 *
 * Fault injection (a build with -DEVS_FAULT_INJECTION, `make FAULT=1`):
 * EVS_FAULT_WRITE=N in the environment makes the N-th output operation of
 * the process fail as a full disk would: the operations counted are every
 * write(2) of a temporary file's bytes (ENOSPC), every fsync (EIO) and every
 * rename into place (EIO). With EVS_FAULT_STATS set, the process prints both
 * counts at exit. tests/fault-loop.sh walks N over a whole run.
 */
#ifndef EVS_FILE_H
#define EVS_FILE_H

#include <stdio.h>

#include "evs_error.h"

/* Read a whole file into a NUL-terminated buffer (owned by the caller, free
 * with evs_free). Files larger than max_bytes are refused. */
evs_status evs_read_file(const char *path, size_t max_bytes, char **buf, size_t *len, evs_err *e);

/* mkdir -p. */
evs_status evs_mkdirs(const char *path, evs_err *e);

/* Join a directory and a relative path ("a/b" + "c.csv"); an absolute rel is
 * returned as is. Returns a new string or NULL when out of memory. */
char *evs_path_join(const char *dir, const char *rel);

/* The directory part of a path ("." when there is none). New string or NULL. */
char *evs_path_dirname(const char *path);

/* The last component of a path, without a trailing slash. New string or NULL. */
char *evs_path_basename(const char *path);

typedef struct evs_afile {
    FILE *fp;   /* write here */
    char *path; /* final name */
    char *tmp;  /* temporary name, NULL once committed or aborted */
    int fd;     /* the temporary file's descriptor while fp is open */
} evs_afile;

evs_status evs_afile_open(evs_afile *f, const char *path, evs_err *e);
/* Flush, check for write errors, fsync, close and rename into place. On
 * failure the temporary file is removed and the old file is left intact. */
evs_status evs_afile_commit(evs_afile *f, evs_err *e);
/* The two halves of commit, for publishing several files together: finish
 * every file first (flush, check, fsync, close), then publish them all. */
evs_status evs_afile_finish(evs_afile *f, evs_err *e);
evs_status evs_afile_publish(evs_afile *f, evs_err *e);
/* Discard: close and remove the temporary file. Safe to call twice. */
void evs_afile_abort(evs_afile *f);

#endif
