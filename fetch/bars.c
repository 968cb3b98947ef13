/*
 * bars.c — a fetched price series in memory, and its cache files.
 *
 * evs_bars is a column store keyed by t (a day number for daily data, Unix
 * seconds for intraday bars). The cache files it reads and writes:
 *
 *   <stem>.csv          date,open,high,low,close,adj_close,volume   (daily)
 *                       time,open,high,low,close,adj_close,volume   (intraday; UTC "…Z")
 *   <stem>.actions.csv  date,type,value   type split (value = new shares per
 *                       old share, 4:1 -> 4) or dividend (value = amount)
 *   <stem>.lock         empty; flock'ed while a fetch merges into the files
 *
 * Merging is by range: rows of the new data replace every old row inside the
 * range that was fetched; old rows outside it are kept. A full refetch is
 * therefore a merge whose range covers everything.
 */
#include "fetch_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "evs_csv.h"
#include "evs_date.h"
#include "evs_file.h"
#include "evs_fmt.h"
#include "evs_mem.h"

evs_status evs_bars_push(evs_bars *b, long long t, double o, double h, double l, double c, double adj, double v,
                         evs_err *e)
{
    if (b->n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 256;
        long long *t2 = evs_reallocarray(b->t, nc, sizeof *t2);
        if (!t2)
            return evs_nomem(e);
        b->t = t2;
        double **cols[] = {&b->o, &b->h, &b->l, &b->c, &b->adj, &b->v};
        for (size_t i = 0; i < 6; i++) {
            double *d = evs_reallocarray(*cols[i], nc, sizeof *d);
            if (!d)
                return evs_nomem(e);
            *cols[i] = d;
        }
        b->cap = nc;
    }
    size_t i = b->n++;
    b->t[i] = t;
    b->o[i] = o;
    b->h[i] = h;
    b->l[i] = l;
    b->c[i] = c;
    b->adj[i] = adj;
    b->v[i] = v;
    return EVS_OK;
}

void evs_bars_free(evs_bars *b)
{
    evs_free(b->t);
    evs_free(b->o);
    evs_free(b->h);
    evs_free(b->l);
    evs_free(b->c);
    evs_free(b->adj);
    evs_free(b->v);
    int intraday = b->intraday;
    memset(b, 0, sizeof *b);
    b->intraday = intraday;
}

static void swap_rows(evs_bars *b, size_t i, size_t j)
{
    long long t = b->t[i];
    b->t[i] = b->t[j];
    b->t[j] = t;
    double *cols[] = {b->o, b->h, b->l, b->c, b->adj, b->v};
    for (size_t k = 0; k < 6; k++) {
        double d = cols[k][i];
        cols[k][i] = cols[k][j];
        cols[k][j] = d;
    }
}

static void copy_row(evs_bars *b, size_t to, size_t from)
{
    if (to == from)
        return;
    b->t[to] = b->t[from];
    b->o[to] = b->o[from];
    b->h[to] = b->h[from];
    b->l[to] = b->l[from];
    b->c[to] = b->c[from];
    b->adj[to] = b->adj[from];
    b->v[to] = b->v[from];
}

void evs_bars_sort(evs_bars *b)
{
    /* Insertion sort: provider data is nearly always sorted already. Stable,
     * so that among equal t the last pushed row ends last; then keep it. */
    for (size_t i = 1; i < b->n; i++)
        for (size_t j = i; j > 0 && b->t[j - 1] > b->t[j]; j--)
            swap_rows(b, j - 1, j);
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (i + 1 < b->n && b->t[i + 1] == b->t[i])
            continue;
        copy_row(b, k, i);
        k++;
    }
    b->n = k;
}

void evs_bars_clip(evs_bars *b, long long lo, long long hi)
{
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->t[i] < lo || b->t[i] > hi)
            continue;
        copy_row(b, k, i);
        k++;
    }
    b->n = k;
}

evs_status evs_bars_merge(const evs_bars *old, const evs_bars *nw, long long lo, long long hi, evs_bars *out,
                          evs_err *e)
{
    memset(out, 0, sizeof *out);
    out->intraday = nw->intraday;
    /* Old rows before the range, the new rows, old rows after it: already in
     * order when both inputs are, so the final sort only removes duplicates. */
    for (int pass = 0; pass < 3; pass++) {
        const evs_bars *src = pass == 1 ? nw : old;
        for (size_t i = 0; src && i < src->n; i++) {
            if (pass == 0 && src->t[i] >= lo)
                break;
            if (pass == 2 && src->t[i] <= hi)
                continue;
            evs_status st = evs_bars_push(out, src->t[i], src->o[i], src->h[i], src->l[i], src->c[i], src->adj[i],
                                          src->v[i], e);
            if (st != EVS_OK) {
                evs_bars_free(out);
                return st;
            }
        }
    }
    evs_bars_sort(out);
    return EVS_OK;
}

evs_status evs_actions_push(evs_actions *a, long long t, evs_act_kind k, double v, evs_err *e)
{
    if (a->n == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 16;
        evs_action *na = evs_reallocarray(a->a, nc, sizeof *na);
        if (!na)
            return evs_nomem(e);
        a->a = na;
        a->cap = nc;
    }
    a->a[a->n].t = t;
    a->a[a->n].kind = k;
    a->a[a->n].value = v;
    a->n++;
    return EVS_OK;
}

static int act_cmp(const void *x, const void *y)
{
    const evs_action *a = x, *b = y;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return a->value < b->value ? -1 : a->value > b->value;
}

void evs_actions_sort(evs_actions *a)
{
    if (a->n > 1)
        qsort(a->a, a->n, sizeof *a->a, act_cmp);
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (k > 0 && act_cmp(&a->a[k - 1], &a->a[i]) == 0)
            continue;
        a->a[k++] = a->a[i];
    }
    a->n = k;
}

void evs_actions_free(evs_actions *a)
{
    evs_free(a->a);
    memset(a, 0, sizeof *a);
}

evs_status evs_actions_merge(const evs_actions *old, const evs_actions *nw, long long lo, long long hi,
                             evs_actions *out, evs_err *e)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; old && i < old->n; i++) {
        if (old->a[i].t >= lo && old->a[i].t <= hi)
            continue;
        evs_status st = evs_actions_push(out, old->a[i].t, old->a[i].kind, old->a[i].value, e);
        if (st != EVS_OK)
            return st;
    }
    for (size_t i = 0; i < nw->n; i++) {
        evs_status st = evs_actions_push(out, nw->a[i].t, nw->a[i].kind, nw->a[i].value, e);
        if (st != EVS_OK)
            return st;
    }
    evs_actions_sort(out);
    return EVS_OK;
}

/* ------------------------------------------------------------ time text */

void evs_fmt_utc(long long t, char out[21])
{
    long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    long long s = t - days * 86400;
    int y, m, d;
    evs_civil_from_days((int)days, &y, &m, &d);
    char buf[64];
    snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(s / 3600), (int)(s / 60 % 60),
             (int)(s % 60));
    memcpy(out, buf, 20);
    out[20] = 0;
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int evs_parse_iso_time(const char *s, size_t len, long long *out)
{
    int day, hh, mm, ss = 0;
    if (len < 16 || evs_date_parse(s, 10, &day) != 0 || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
        return -1;
    if (digits(s + 11, 2, &hh) || s[13] != ':' || digits(s + 14, 2, &mm))
        return -1;
    size_t i = 16;
    if (i < len && s[i] == ':') {
        if (i + 3 > len || digits(s + i + 1, 2, &ss))
            return -1;
        i += 3;
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            i++;
            size_t f = i;
            while (i < len && s[i] >= '0' && s[i] <= '9')
                i++;
            if (i == f)
                return -1;
        }
    }
    if (hh > 23 || mm > 59 || ss > 60)
        return -1;
    long off = 0;
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i] == '-' ? -1 : 1, oh, om;
        i++;
        if (i + 2 > len || digits(s + i, 2, &oh))
            return -1;
        i += 2;
        if (i < len && s[i] == ':')
            i++;
        if (i + 2 > len || digits(s + i, 2, &om))
            return -1;
        i += 2;
        if (oh > 23 || om > 59)
            return -1;
        off = sign * (oh * 3600L + om * 60L);
    } else {
        return -1; /* a time without a zone is ambiguous */
    }
    if (i != len)
        return -1;
    *out = (long long)day * 86400 + hh * 3600LL + mm * 60LL + (ss > 59 ? 59 : ss) - off;
    return 0;
}

/* ------------------------------------------------------------ cache files */

int evs_parse_num(const char *s, size_t n, double *out)
{
    if (n == 0) {
        *out = NAN;
        return 0;
    }
    char buf[64];
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

evs_status evs_bars_parse(const char *name, const char *text, size_t len, int intraday, evs_bars *b, evs_err *e)
{
    memset(b, 0, sizeof *b);
    b->intraday = intraday;
    evs_csv c;
    evs_csv_init(&c, name, text, len);
    evs_status st = EVS_OK;
    int r = evs_csv_next(&c, e);
    if (r <= 0) {
        evs_csv_free(&c);
        return r < 0 ? e->status : evs_errf(e, EVS_ERR_DATA, "%s:1: empty file", name);
    }
    const char *keyname = intraday ? "time" : "date";
    int ci[7];
    static const char *cols[] = {"open", "high", "low", "close", "adj_close", "volume"};
    ci[0] = evs_csv_col(&c, keyname);
    for (int k = 0; k < 6; k++)
        ci[k + 1] = evs_csv_col(&c, cols[k]);
    if (ci[0] < 0 || ci[4] < 0) {
        st = evs_errf(e, EVS_ERR_DATA, "%s:%d: header needs '%s' and 'close' columns", name, c.line, keyname);
        goto out;
    }
    while ((r = evs_csv_next(&c, e)) > 0) {
        double v[6];
        long long t;
        size_t kf = (size_t)ci[0];
        if (kf >= c.nfields) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: missing %s", name, c.line, keyname);
            goto out;
        }
        if (intraday) {
            if (evs_parse_iso_time(c.fields[kf], c.lens[kf], &t) != 0) {
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: bad time (%.*s)", name, c.line, (int)c.lens[kf],
                              c.fields[kf]);
                goto out;
            }
        } else {
            int d;
            if (evs_date_parse(c.fields[kf], c.lens[kf], &d) != 0) {
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: bad date (%.*s)", name, c.line, (int)c.lens[kf],
                              c.fields[kf]);
                goto out;
            }
            t = d;
        }
        for (int k = 0; k < 6; k++) {
            v[k] = NAN;
            if (ci[k + 1] < 0 || (size_t)ci[k + 1] >= c.nfields)
                continue;
            size_t f = (size_t)ci[k + 1];
            if (evs_parse_num(c.fields[f], c.lens[f], &v[k]) != 0) {
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: bad %s (%.*s)", name, c.line, cols[k], (int)c.lens[f],
                              c.fields[f]);
                goto out;
            }
        }
        if (b->n && t <= b->t[b->n - 1]) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: %s not after the previous row", name, c.line, keyname);
            goto out;
        }
        st = evs_bars_push(b, t, v[0], v[1], v[2], v[3], v[4], v[5], e);
        if (st != EVS_OK)
            goto out;
    }
    if (r < 0)
        st = e->status;
out:
    evs_csv_free(&c);
    if (st != EVS_OK)
        evs_bars_free(b);
    return st;
}

evs_status evs_bars_read(const char *path, int intraday, evs_bars *b, evs_err *e)
{
    char *buf;
    size_t len;
    evs_status st = evs_read_file(path, (size_t)1 << 30, &buf, &len, e);
    if (st != EVS_OK)
        return st;
    st = evs_bars_parse(path, buf, len, intraday, b, e);
    evs_free(buf);
    return st;
}

evs_status evs_bars_write(const char *path, const evs_bars *b, evs_err *e)
{
    evs_afile f;
    evs_status st = evs_afile_open(&f, path, e);
    if (st != EVS_OK)
        return st;
    fprintf(f.fp, "%s,open,high,low,close,adj_close,volume\n", b->intraday ? "time" : "date");
    for (size_t i = 0; i < b->n; i++) {
        if (b->intraday) {
            char ts[21];
            evs_fmt_utc(b->t[i], ts);
            fputs(ts, f.fp);
        } else {
            evs_csv_date(f.fp, (int)b->t[i]);
        }
        const double *cols[] = {b->o, b->h, b->l, b->c, b->adj, b->v};
        for (size_t k = 0; k < 6; k++) {
            fputc(',', f.fp);
            evs_csv_num(f.fp, cols[k][i]);
        }
        fputc('\n', f.fp);
    }
    return evs_afile_commit(&f, e);
}

evs_status evs_actions_read(const char *path, evs_actions *a, evs_err *e)
{
    memset(a, 0, sizeof *a);
    char *buf;
    size_t len;
    evs_status st = evs_read_file(path, (size_t)64 << 20, &buf, &len, e);
    if (st != EVS_OK)
        return st;
    evs_csv c;
    evs_csv_init(&c, path, buf, len);
    int r = evs_csv_next(&c, e);
    int cd = -1, ct = -1, cv = -1;
    if (r > 0) {
        cd = evs_csv_col(&c, "date");
        ct = evs_csv_col(&c, "type");
        cv = evs_csv_col(&c, "value");
    }
    if (r < 0) {
        st = e->status;
    } else if (r == 0 || cd < 0 || ct < 0 || cv < 0) {
        st = evs_errf(e, EVS_ERR_DATA, "%s:1: header must be date,type,value", path);
    } else {
        while ((r = evs_csv_next(&c, e)) > 0) {
            int d;
            double v;
            size_t fd = (size_t)cd, ft = (size_t)ct, fv = (size_t)cv;
            if (fd >= c.nfields || ft >= c.nfields || fv >= c.nfields ||
                evs_date_parse(c.fields[fd], c.lens[fd], &d) != 0 ||
                evs_parse_num(c.fields[fv], c.lens[fv], &v) != 0 || isnan(v)) {
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: bad row", path, c.line);
                break;
            }
            evs_act_kind k;
            if (c.lens[ft] == 5 && memcmp(c.fields[ft], "split", 5) == 0)
                k = EVS_ACT_SPLIT;
            else if (c.lens[ft] == 8 && memcmp(c.fields[ft], "dividend", 8) == 0)
                k = EVS_ACT_DIVIDEND;
            else {
                st = evs_errf(e, EVS_ERR_DATA, "%s:%d: type must be split or dividend (%.*s)", path, c.line,
                              (int)c.lens[ft], c.fields[ft]);
                break;
            }
            st = evs_actions_push(a, d, k, v, e);
            if (st != EVS_OK)
                break;
        }
        if (r < 0 && st == EVS_OK)
            st = e->status;
    }
    evs_csv_free(&c);
    evs_free(buf);
    if (st != EVS_OK)
        evs_actions_free(a);
    return st;
}

evs_status evs_actions_write(const char *path, const evs_actions *a, evs_err *e)
{
    evs_afile f;
    evs_status st = evs_afile_open(&f, path, e);
    if (st != EVS_OK)
        return st;
    fputs("date,type,value\n", f.fp);
    for (size_t i = 0; i < a->n; i++) {
        evs_csv_date(f.fp, (int)a->a[i].t);
        fputs(a->a[i].kind == EVS_ACT_SPLIT ? ",split," : ",dividend,", f.fp);
        evs_csv_num(f.fp, a->a[i].value);
        fputc('\n', f.fp);
    }
    return evs_afile_commit(&f, e);
}

int evs_lock_acquire(const char *path, evs_err *e)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        evs_errf(e, EVS_ERR_IO, "%s: cannot open lock file: %s", path, strerror(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        evs_errf(e, EVS_ERR_IO, "%s: cannot lock: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

void evs_lock_release(int fd)
{
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
}

void evs_excerpt(const char *s, size_t len, char *out, size_t outsz)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 4 < outsz; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n' || ch == '\r') {
            if (k && out[k - 1] != ' ')
                out[k++] = ' ';
            continue;
        }
        out[k++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    if (k + 4 >= outsz && len > k) {
        out[k++] = '.';
        out[k++] = '.';
        out[k++] = '.';
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = 0;
}
