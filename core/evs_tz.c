/*
 * evs_tz.c — TZif reader and POSIX TZ footer rules (see evs_tz.h).
 *
 * Format: RFC 8536 "The Time Zone Information Format (TZif)": a 44-byte
 * header (magic "TZif", version, six big-endian 32-bit counts), the version 1
 * data block (32-bit times), then for version 2+ a second header and block
 * with 64-bit times, then the footer "\n<POSIX TZ string>\n" (section 3.3).
 * The footer grammar is POSIX.1-2017 section 8.3 (TZ); only the Mm.w.d rule
 * form is evaluated (every zone in tzdata uses it); a footer with another
 * form leaves the last transition's type in force.
 */
#include "evs_tz.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evs_date.h"
#include "evs_file.h"
#include "evs_mem.h"

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static long long be64(const unsigned char *p)
{
    unsigned long long v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return (long long)v;
}

/* ---- POSIX TZ strings -------------------------------------------------- */

static int p_abbr(const char **s, char out[12])
{
    const char *p = *s;
    size_t n = 0;
    if (*p == '<') {
        p++;
        while (*p && *p != '>' && n < 11)
            out[n++] = *p++;
        if (*p != '>')
            return -1;
        p++;
    } else {
        while (isalpha((unsigned char)*p) && n < 11)
            out[n++] = *p++;
    }
    out[n] = 0;
    *s = p;
    return n >= 3 ? 0 : -1;
}

/* [+-]hh[:mm[:ss]] as seconds */
static int p_hms(const char **s, long *out)
{
    const char *p = *s;
    int sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!isdigit((unsigned char)*p))
        return -1;
    long v[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        if (k && *p != ':')
            break;
        if (k)
            p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p) && v[k] < 1000)
            v[k] = v[k] * 10 + (*p++ - '0');
    }
    *out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
    *s = p;
    return 0;
}

static int p_rule(const char **s, evs_tz_rule_day *r)
{
    const char *p = *s;
    if (*p++ != 'M')
        return -1; /* Jn and n forms: not used by tzdata zones */
    char *ep;
    r->month = (int)strtol(p, &ep, 10);
    if (ep == p || *ep != '.')
        return -1;
    p = ep + 1;
    r->week = (int)strtol(p, &ep, 10);
    if (ep == p || *ep != '.')
        return -1;
    p = ep + 1;
    r->wday = (int)strtol(p, &ep, 10);
    if (ep == p)
        return -1;
    p = ep;
    if (r->month < 1 || r->month > 12 || r->week < 1 || r->week > 5 || r->wday < 0 || r->wday > 6)
        return -1;
    r->secs = 7200;
    if (*p == '/') {
        p++;
        if (p_hms(&p, &r->secs))
            return -1;
    }
    *s = p;
    return 0;
}

static void parse_footer(evs_tz *tz, const char *s)
{
    long off;
    tz->has_rule = 0;
    if (p_abbr(&s, tz->rstd.abbr) || p_hms(&s, &off))
        return;
    tz->rstd.off = -off; /* POSIX offsets are west of UTC */
    tz->rstd.isdst = 0;
    tz->rule_dst = 0;
    if (*s == 0) {
        tz->has_rule = 1;
        return;
    }
    if (p_abbr(&s, tz->rdst.abbr))
        return;
    tz->rdst.off = tz->rstd.off + 3600;
    tz->rdst.isdst = 1;
    if (*s && *s != ',') {
        if (p_hms(&s, &off))
            return;
        tz->rdst.off = -off;
    }
    if (*s++ != ',' || p_rule(&s, &tz->rstart) || *s++ != ',' || p_rule(&s, &tz->rend) || *s)
        return;
    tz->rule_dst = 1;
    tz->has_rule = 1;
}

/* Day number of the Mm.w.d day in year y. */
static int rule_day(int y, const evs_tz_rule_day *r)
{
    int first = evs_days_from_civil(y, r->month, 1);
    int d = first + (r->wday - evs_weekday(first) + 7) % 7 + (r->week - 1) * 7;
    int ny = r->month == 12 ? y + 1 : y, nm = r->month == 12 ? 1 : r->month + 1;
    int next = evs_days_from_civil(ny, nm, 1);
    while (d >= next)
        d -= 7;
    return d;
}

static const evs_tz_type *rule_at(const evs_tz *tz, evs_instant t)
{
    if (!tz->rule_dst)
        return &tz->rstd;
    int y, m, d;
    evs_civil_from_days(evs_instant_date(t), &y, &m, &d);
    /* the start is given in standard time, the end in daylight time */
    evs_instant start = (evs_instant)rule_day(y, &tz->rstart) * EVS_SECONDS_PER_DAY + tz->rstart.secs - tz->rstd.off;
    evs_instant end = (evs_instant)rule_day(y, &tz->rend) * EVS_SECONDS_PER_DAY + tz->rend.secs - tz->rdst.off;
    int dst = start < end ? (t >= start && t < end) : (t >= start || t < end);
    return dst ? &tz->rdst : &tz->rstd;
}

/* ---- loading ----------------------------------------------------------- */

static int zone_ok(const char *z)
{
    size_t n = strlen(z);
    if (n == 0 || n >= 64 || z[0] == '/' || strstr(z, ".."))
        return 0;
    for (const char *p = z; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '+' || *p == '/'))
            return 0;
    return 1;
}

evs_status evs_tz_load(const char *zone, evs_tz *tz, evs_err *e)
{
    memset(tz, 0, sizeof *tz);
    if (!zone_ok(zone))
        return evs_errf(e, EVS_ERR_USAGE, "bad time zone name (%.80s)", zone);
    const char *dir = getenv("TZDIR");
    char *path = evs_path_join(dir && *dir ? dir : "/usr/share/zoneinfo", zone);
    if (!path)
        return evs_nomem(e);
    char *buf = NULL;
    size_t len = 0;
    evs_status st = evs_read_file(path, 1u << 20, &buf, &len, e);
    if (st != EVS_OK) {
        evs_err_prefix(e, "time zone %s (is tzdata installed?)", zone);
        evs_free(path);
        return st;
    }
    const unsigned char *b = (const unsigned char *)buf;
    st = evs_errf(e, EVS_ERR_DATA, "%s: not a usable TZif file, version 2 or later (%s)", path, zone);
    if (len < 44 || memcmp(b, "TZif", 4) != 0 || b[4] < '2')
        goto out;
    unsigned long c[6];
    for (int i = 0; i < 6; i++)
        c[i] = be32(b + 20 + 4 * i);
    size_t skip = c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (c[3] > 100000 || c[4] > 256 || c[5] > 100000 || c[2] > 100000 || 44 + skip + 44 > len)
        goto out;
    const unsigned char *h = b + 44 + skip;
    if (memcmp(h, "TZif", 4) != 0)
        goto out;
    for (int i = 0; i < 6; i++)
        c[i] = be32(h + 20 + 4 * i);
    size_t isut = c[0], isstd = c[1], leap = c[2], tc = c[3], ty = c[4], ch = c[5];
    if (tc > 100000 || ty == 0 || ty > 256 || ch > 100000 || leap > 100000)
        goto out;
    size_t need = tc * 9 + ty * 6 + ch + leap * 12 + isstd + isut;
    const unsigned char *p = h + 44;
    if ((size_t)(p - b) + need > len)
        goto out;
    tz->at = evs_malloc(tc * sizeof *tz->at + 1);
    tz->idx = evs_malloc(tc + 1);
    tz->types = evs_calloc(ty, sizeof *tz->types);
    if (!tz->at || !tz->idx || !tz->types) {
        st = evs_nomem(e);
        goto out;
    }
    for (size_t i = 0; i < tc; i++)
        tz->at[i] = be64(p + 8 * i);
    p += 8 * tc;
    for (size_t i = 0; i < tc; i++) {
        if (p[i] >= ty)
            goto out;
        tz->idx[i] = p[i];
    }
    p += tc;
    const unsigned char *abbrs = p + 6 * ty;
    for (size_t i = 0; i < ty; i++) {
        const unsigned char *t = p + 6 * i;
        tz->types[i].off = (long)(int32_t)be32(t);
        tz->types[i].isdst = t[4];
        size_t ai = t[5];
        if (ai >= ch)
            goto out;
        snprintf(tz->types[i].abbr, sizeof tz->types[i].abbr, "%.*s", (int)(ch - ai), (const char *)abbrs + ai);
    }
    tz->n = tc;
    tz->ntypes = ty;
    p = abbrs + ch + leap * 12 + isstd + isut;
    /* footer: "\n<TZ string>\n" */
    if ((size_t)(p - b) < len && *p == '\n') {
        const unsigned char *q = memchr(p + 1, '\n', len - (size_t)(p + 1 - b));
        if (q && q - p - 1 < 64) {
            char footer[64];
            memcpy(footer, p + 1, (size_t)(q - p - 1));
            footer[q - p - 1] = 0;
            parse_footer(tz, footer);
        }
    }
    snprintf(tz->name, sizeof tz->name, "%s", zone);
    st = EVS_OK;
out:
    evs_free(buf);
    evs_free(path);
    if (st != EVS_OK)
        evs_tz_free(tz);
    return st;
}

void evs_tz_free(evs_tz *tz)
{
    evs_free(tz->at);
    evs_free(tz->idx);
    evs_free(tz->types);
    memset(tz, 0, sizeof *tz);
}

const evs_tz_type *evs_tz_at(const evs_tz *tz, evs_instant t)
{
    if (tz->n == 0 || t < tz->at[0])
        return tz->n == 0 && tz->has_rule ? rule_at(tz, t) : &tz->types[0];
    size_t lo = 0, hi = tz->n; /* largest i with at[i] <= t */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    if (lo == tz->n - 1 && tz->has_rule)
        return rule_at(tz, t);
    return &tz->types[tz->idx[lo]];
}

evs_instant evs_tz_utc(const evs_tz *tz, int date, long second_of_day)
{
    evs_instant L = (evs_instant)date * EVS_SECONDS_PER_DAY + second_of_day;
    /* at most one change within a day either side (true of every tzdata zone) */
    long oa = evs_tz_at(tz, L - EVS_SECONDS_PER_DAY)->off, ob = evs_tz_at(tz, L + EVS_SECONDS_PER_DAY)->off;
    evs_instant ta = L - oa, tb = L - ob;
    int va = evs_tz_at(tz, ta)->off == oa, vb = evs_tz_at(tz, tb)->off == ob;
    if (va && vb)
        return ta < tb ? ta : tb;
    if (vb)
        return tb;
    return ta; /* valid, or skipped by a spring-forward change: the offset before it */
}

void evs_tz_format(const evs_tz *tz, evs_instant t, char out[40])
{
    const evs_tz_type *ty = evs_tz_at(tz, t);
    evs_instant l = t + ty->off;
    int d = evs_instant_date(l), s = evs_instant_second_of_day(l);
    char ds[11];
    evs_date_format(d, ds);
    snprintf(out, 40, "%s %02d:%02d %s", ds, s / 3600, s / 60 % 60, ty->abbr);
}
