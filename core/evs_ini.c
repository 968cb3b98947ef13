/*
 * evs_ini.c — line-numbered INI parsing (see evs_ini.h for the syntax).
 *
 * The whole text is parsed line by line without copying lines into fixed
 * buffers, so there is no line-length limit. Each parsed key and value is a
 * fresh allocation owned by the evs_ini.
 */
#include "evs_ini.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "evs_file.h"
#include "evs_mem.h"

#define INI_MAX_BYTES (64u << 20)

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* A short, printable excerpt of a line for error messages. */
static void excerpt(const char *s, size_t n, char *out, size_t outsz)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 4 < outsz; i++) {
        unsigned char c = (unsigned char)s[i];
        out[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (n > 0 && k + 4 >= outsz) {
        out[k++] = '.';
        out[k++] = '.';
        out[k++] = '.';
    }
    out[k] = 0;
}

static char *lower_dup(const char *s, size_t n)
{
    char *d = evs_strndup(s, n);
    if (d)
        for (size_t i = 0; i < n; i++)
            d[i] = (char)tolower((unsigned char)d[i]);
    return d;
}

/* The sections by (name, argument), so that a repeated header is found in
 * constant time: a study may hold tens of thousands of [event] sections.
 * Open addressing over section indices; SIZE_MAX marks an empty slot. */
typedef struct sec_index {
    size_t *slot;
    size_t cap; /* a power of two, at least twice the sections */
} sec_index;

static size_t sec_hash(const evs_ini_section *s)
{
    size_t h = 1469598103934665603ull;
    for (const char *c = s->name; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull; /* a separator no name holds */
    for (const char *c = s->arg; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ull;
    return h;
}

/* Section i into the index: 0 when new, 1 when an earlier one has its name
 * and argument (*dup = its index), -1 out of memory. */
static int sec_add(sec_index *ix, const evs_ini *ini, size_t i, size_t *dup)
{
    if (2 * (i + 1) > ix->cap) {
        size_t nc = ix->cap ? 2 * ix->cap : 64;
        size_t *ns = evs_malloc(nc * sizeof *ns);
        if (!ns)
            return -1;
        memset(ns, 0xff, nc * sizeof *ns);
        for (size_t k = 0; k < i; k++) { /* the earlier sections are all distinct */
            size_t h = sec_hash(&ini->sections[k]) & (nc - 1);
            while (ns[h] != SIZE_MAX)
                h = (h + 1) & (nc - 1);
            ns[h] = k;
        }
        evs_free(ix->slot);
        ix->slot = ns;
        ix->cap = nc;
    }
    const evs_ini_section *s = &ini->sections[i];
    size_t h = sec_hash(s) & (ix->cap - 1);
    for (; ix->slot[h] != SIZE_MAX; h = (h + 1) & (ix->cap - 1)) {
        const evs_ini_section *o = &ini->sections[ix->slot[h]];
        if (strcmp(o->name, s->name) == 0 && strcmp(o->arg, s->arg) == 0) {
            *dup = ix->slot[h];
            return 1;
        }
    }
    ix->slot[h] = i;
    return 0;
}

static evs_status add_section(evs_ini *ini, sec_index *ix, const char *name, size_t nn, const char *arg, size_t an,
                              int line, evs_err *e)
{
    if (evs_grow((void **)&ini->sections, &ini->cap, ini->n + 1, sizeof *ini->sections))
        return evs_nomem(e);
    evs_ini_section *s = &ini->sections[ini->n];
    memset(s, 0, sizeof *s);
    s->name = lower_dup(name, nn);
    s->arg = evs_strndup(arg, an);
    s->line = line;
    if (!s->name || !s->arg) {
        evs_free(s->name);
        evs_free(s->arg);
        return evs_nomem(e);
    }
    size_t di = 0;
    int r = sec_add(ix, ini, ini->n, &di);
    if (r != 0) {
        evs_status st = r < 0 ? evs_nomem(e)
                              : evs_errf(e, EVS_ERR_USAGE, "%s:%d: section [%s%s%s] repeated (first at line %d)",
                                         ini->path, line, s->name, s->arg[0] ? " " : "", s->arg,
                                         ini->sections[di].line);
        evs_free(s->name);
        evs_free(s->arg);
        return st;
    }
    ini->n++;
    return EVS_OK;
}

/* Parse the value part (after '='); writes a new string to *out. */
static evs_status parse_value(const evs_ini *ini, int line, const char *v, const char *end, char **out,
                              evs_err *e)
{
    while (v < end && is_ws(*v))
        v++;
    if (v < end && *v == '"') {
        const char *p = v + 1;
        char *buf = evs_malloc((size_t)(end - v) + 1);
        if (!buf)
            return evs_nomem(e);
        size_t k = 0;
        while (p < end && *p != '"') {
            if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\'))
                p++;
            buf[k++] = *p++;
        }
        if (p >= end) {
            evs_free(buf);
            return evs_errf(e, EVS_ERR_USAGE, "%s:%d: unterminated quoted value", ini->path, line);
        }
        p++;
        while (p < end && is_ws(*p))
            p++;
        if (p < end && *p != ';' && *p != '#') {
            char x[80];
            excerpt(p, (size_t)(end - p), x, sizeof x);
            evs_free(buf);
            return evs_errf(e, EVS_ERR_USAGE, "%s:%d: text after the closing quote (%s)", ini->path, line, x);
        }
        buf[k] = 0;
        *out = buf;
        return EVS_OK;
    }
    /* unquoted: a comment starts at whitespace followed by ; or # */
    const char *stop = end;
    if (v < end && (*v == ';' || *v == '#'))
        stop = v;
    for (const char *p = v; p + 1 < end && stop == end; p++)
        if (is_ws(*p) && (p[1] == ';' || p[1] == '#'))
            stop = p;
    while (stop > v && is_ws(stop[-1]))
        stop--;
    *out = evs_strndup(v, (size_t)(stop - v));
    return *out ? EVS_OK : evs_nomem(e);
}

evs_status evs_ini_parse(const char *path, const char *text, size_t len, evs_ini *ini, evs_err *e)
{
    memset(ini, 0, sizeof *ini);
    ini->path = evs_strdup(path);
    if (!ini->path)
        return evs_nomem(e);
    evs_status st = EVS_OK;
    sec_index ix = {NULL, 0};
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    int line = 0;
    while (p < end && st == EVS_OK) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *a = p, *b = eol;
        p = eol < end ? eol + 1 : end;
        if (memchr(a, 0, (size_t)(b - a))) {
            st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: NUL byte in line", path, line);
            break;
        }
        while (a < b && is_ws(*a))
            a++;
        while (b > a && is_ws(b[-1]))
            b--;
        if (a == b || *a == ';' || *a == '#')
            continue;
        char x[120];
        if (*a == '[') {
            const char *close = memchr(a, ']', (size_t)(b - a));
            if (!close) {
                excerpt(a, (size_t)(b - a), x, sizeof x);
                st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: section header without ']' (%s)", path, line, x);
                break;
            }
            const char *rest = close + 1;
            while (rest < b && is_ws(*rest))
                rest++;
            if (rest < b && *rest != ';' && *rest != '#') {
                excerpt(a, (size_t)(b - a), x, sizeof x);
                st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: text after section header (%s)", path, line, x);
                break;
            }
            const char *n0 = a + 1, *n1 = close;
            while (n0 < n1 && is_ws(*n0))
                n0++;
            while (n1 > n0 && is_ws(n1[-1]))
                n1--;
            const char *sp = n0;
            while (sp < n1 && !is_ws(*sp))
                sp++;
            const char *g0 = sp;
            while (g0 < n1 && is_ws(*g0))
                g0++;
            if (sp == n0) {
                st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: empty section name", path, line);
                break;
            }
            st = add_section(ini, &ix, n0, (size_t)(sp - n0), g0, (size_t)(n1 - g0), line, e);
            continue;
        }
        const char *eq = memchr(a, '=', (size_t)(b - a));
        if (!eq) {
            excerpt(a, (size_t)(b - a), x, sizeof x);
            st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: expected 'key = value' or '[section]' (%s)", path, line, x);
            break;
        }
        const char *k1 = eq;
        while (k1 > a && is_ws(k1[-1]))
            k1--;
        if (k1 == a) {
            st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: setting without a name", path, line);
            break;
        }
        for (const char *c = a; c < k1; c++)
            if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.')) {
                excerpt(a, (size_t)(k1 - a), x, sizeof x);
                st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: bad setting name (%s)", path, line, x);
                break;
            }
        if (st != EVS_OK)
            break;
        if (ini->n == 0 && (st = add_section(ini, &ix, "", 0, "", 0, 0, e)) != EVS_OK)
            break;
        evs_ini_section *s = &ini->sections[ini->n - 1];
        char *key = lower_dup(a, (size_t)(k1 - a)), *val = NULL;
        if (!key) {
            st = evs_nomem(e);
            break;
        }
        const evs_ini_entry *dup = evs_ini_get(s, key);
        if (dup) {
            st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: setting '%s' repeated (first at line %d)", path, line, key,
                          dup->line);
            evs_free(key);
            break;
        }
        if ((st = parse_value(ini, line, eq + 1, b, &val, e)) != EVS_OK) {
            evs_free(key);
            break;
        }
        if (evs_grow((void **)&s->entries, &s->cap, s->n + 1, sizeof *s->entries)) {
            evs_free(key);
            evs_free(val);
            st = evs_nomem(e);
            break;
        }
        s->entries[s->n].key = key;
        s->entries[s->n].value = val;
        s->entries[s->n].line = line;
        s->n++;
    }
    evs_free(ix.slot);
    if (st != EVS_OK)
        evs_ini_free(ini);
    return st;
}

evs_status evs_ini_read(const char *path, evs_ini *ini, evs_err *e)
{
    char *buf;
    size_t len;
    memset(ini, 0, sizeof *ini);
    evs_status st = evs_read_file(path, INI_MAX_BYTES, &buf, &len, e);
    if (st != EVS_OK)
        return st;
    st = evs_ini_parse(path, buf, len, ini, e);
    evs_free(buf);
    return st;
}

void evs_ini_free(evs_ini *ini)
{
    for (size_t i = 0; i < ini->n; i++) {
        evs_ini_section *s = &ini->sections[i];
        for (size_t j = 0; j < s->n; j++) {
            evs_free(s->entries[j].key);
            evs_free(s->entries[j].value);
        }
        evs_free(s->entries);
        evs_free(s->name);
        evs_free(s->arg);
    }
    evs_free(ini->sections);
    evs_free(ini->path);
    memset(ini, 0, sizeof *ini);
}

const evs_ini_entry *evs_ini_get(const evs_ini_section *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->entries[i].key, key) == 0)
            return &s->entries[i];
    return NULL;
}
