/*
 * study.c — reading a study file into an evs_study (see evs_study.h).
 *
 * The INI text is parsed first (core/evs_ini), then interpreted here section
 * by section, so the order of sections in the file does not matter. Every
 * rejection names the file, the line and the value.
 */
#include "evs_study.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evs_cache.h"
#include "evs_date.h"
#include "evs_events.h"
#include "evs_exchange.h"
#include "evs_file.h"
#include "evs_ini.h"
#include "evs_intraday.h"
#include "evs_mem.h"
#include "evs_model.h"
#include "evs_sha256.h"

#define STUDY_MAX_BYTES (64u << 20)

const char *evs_model_name(evs_model_kind m)
{
    switch (m) {
    case EVS_MODEL_CONSTANT_MEAN: return "constant-mean";
    case EVS_MODEL_MARKET_ADJUSTED: return "market-adjusted";
    case EVS_MODEL_MARKET: return "market";
    case EVS_MODEL_TWO_INDEX: return "two-index";
    case EVS_MODEL_FF3: return "ff3";
    case EVS_MODEL_CARHART: return "carhart";
    case EVS_MODEL_FF5: return "ff5";
    case EVS_MODEL_DIMSON: return "dimson";
    case EVS_MODEL_SCHOLES_WILLIAMS: return "scholes-williams";
    }
    return "?";
}

const char *evs_returns_name(evs_returns_kind r)
{
    return r == EVS_RET_LOG ? "log" : "simple";
}

static int parse_int(const char *s, size_t n, int *out)
{
    if (n == 0 || n > 11)
        return -1;
    char tmp[16];
    memcpy(tmp, s, n);
    tmp[n] = 0;
    char *ep;
    errno = 0;
    long v = strtol(tmp, &ep, 10);
    if (*ep || errno || v < INT_MIN / 2 || v > INT_MAX / 2 || isspace((unsigned char)tmp[0]))
        return -1;
    *out = (int)v;
    return 0;
}

/* The unit letter ending s[0..*n) (m, h or b), removed from *n; 0 when none. */
static char take_unit(const char *s, size_t *n)
{
    if (*n > 1 && (s[*n - 1] == 'm' || s[*n - 1] == 'h' || s[*n - 1] == 'b')) {
        (*n)--;
        return s[*n];
    }
    return 0;
}

int evs_window_parse(const char *s, size_t len, evs_window *w)
{
    /* FIRST..LAST, or the FIRST,LAST (-60m,+240m) */
    const char *dots = NULL;
    size_t sep = 2;
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == '.' && s[i + 1] == '.') {
            dots = s + i;
            break;
        }
    if (!dots && (dots = memchr(s, ',', len)) != NULL)
        sep = 1;
    if (!dots)
        return -1;
    size_t n1 = (size_t)(dots - s), n2 = len - n1 - sep;
    char u1 = take_unit(s, &n1), u2 = take_unit(dots + sep, &n2);
    if (u1 != u2)
        return -1;
    if (parse_int(s, n1, &w->first) || parse_int(dots + sep, n2, &w->last))
        return -1;
    w->unit = u1;
    w->wfirst = w->first;
    w->wlast = w->last;
    return w->first <= w->last ? 0 : -1;
}

char *evs_window_format(evs_window w, char *out)
{
    if (w.unit)
        snprintf(out, 32, "%d%c..%d%c", w.wfirst, w.unit, w.wlast, w.unit);
    else
        snprintf(out, 32, "%d..%d", w.first, w.last);
    return out;
}

/* ---- settings ---------------------------------------------------------- */

typedef struct ctx {
    const char *path;
    evs_study *s;
    evs_err *e;
} ctx;

static evs_status bad(ctx *c, int line, const char *fmt, ...) EVS_PRINTF(3, 4);
static evs_status bad(ctx *c, int line, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return evs_errf(c->e, EVS_ERR_USAGE, "%s:%d: %s", c->path, line, msg);
}

static evs_status set_windows(ctx *c, const evs_ini_entry *en, evs_window **out, size_t *nout, int single)
{
    evs_window *ws = NULL;
    size_t n = 0, cap = 0;
    const char *p = en->value;
    while (*p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *q = p;
        while (*q && !isspace((unsigned char)*q))
            q++;
        evs_window w;
        if (evs_window_parse(p, (size_t)(q - p), &w) != 0) {
            char tok[128];
            snprintf(tok, sizeof tok, "%.*s", (int)((q - p) > 100 ? 100 : q - p), p);
            evs_free(ws);
            return bad(c, en->line,
                       "malformed window, expected FIRST..LAST with FIRST <= LAST in trading days, or intraday "
                       "with one unit on both numbers: minutes -60m..240m, hours -1h..4h or bars -12b..48b (%s)",
                       tok);
        }
        if (evs_grow((void **)&ws, &cap, n + 1, sizeof *ws)) {
            evs_free(ws);
            return evs_nomem(c->e);
        }
        ws[n++] = w;
        p = q;
    }
    if (n == 0 || (single && n != 1)) {
        evs_free(ws);
        return bad(c, en->line, "expected %s FIRST..LAST (%s)", single ? "one window" : "windows", en->value);
    }
    evs_free(*out);
    *out = ws;
    *nout = n;
    return EVS_OK;
}

static evs_status check_symbol(ctx *c, const char *file, int line, const char *sym)
{
    const char *why = evs_symbol_problem(sym);
    if (why) {
        char shown[100];
        snprintf(shown, sizeof shown, "%.80s", sym);
        for (char *q = shown; *q; q++)
            if ((unsigned char)*q < 0x20 || *q == 0x7f)
                *q = '?';
        return evs_errf(c->e, EVS_ERR_USAGE, "%s:%d: %s (%s)", file, line, why, shown);
    }
    return EVS_OK;
}

/* A list of symbols being read, with an open-addressing hash index of it
 * (linear probing; slot = list index + 1, 0 = empty; at most half full) so
 * that a repeat is found in O(1) per symbol rather than by comparing every
 * pair, which a @FILE of tens of thousands of symbols would make slow. */
typedef struct symlist {
    char **l;
    size_t n, cap;
    size_t *slot, nslot; /* nslot: a power of two, or 0 before the first symbol */
} symlist;

/* FNV-1a (Fowler, Noll and Vo), 64-bit */
static size_t sym_hash(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

/* the slot that holds sym, or the empty slot where it would go */
static size_t sym_find(const symlist *sl, const char *sym)
{
    size_t m = sl->nslot - 1, k = sym_hash(sym) & m;
    while (sl->slot[k] && strcmp(sl->l[sl->slot[k] - 1], sym) != 0)
        k = (k + 1) & m;
    return k;
}

/* room for one more symbol in the index: -1 when out of memory */
static int sym_reserve(symlist *sl)
{
    if (2 * (sl->n + 1) <= sl->nslot)
        return 0;
    size_t ns = sl->nslot ? 2 * sl->nslot : 64;
    size_t *t = evs_calloc(ns, sizeof *t);
    if (!t)
        return -1;
    evs_free(sl->slot);
    sl->slot = t;
    sl->nslot = ns;
    for (size_t i = 0; i < sl->n; i++)
        sl->slot[sym_find(sl, sl->l[i])] = i + 1;
    return 0;
}

static evs_status add_symbol(ctx *c, const char *file, int line, symlist *sl, const char *sym, size_t len)
{
    char *d = evs_strndup(sym, len);
    if (!d)
        return evs_nomem(c->e);
    evs_status st = check_symbol(c, file, line, d);
    if (st == EVS_OK && (sym_reserve(sl) != 0 || evs_grow((void **)&sl->l, &sl->cap, sl->n + 1, sizeof *sl->l)))
        st = evs_nomem(c->e);
    size_t k = 0;
    if (st == EVS_OK && sl->slot[k = sym_find(sl, d)])
        st = evs_errf(c->e, EVS_ERR_USAGE, "%s:%d: security listed twice (%s)", file, line, d);
    if (st != EVS_OK) {
        evs_free(d);
        return st;
    }
    sl->l[sl->n++] = d;
    sl->slot[k] = sl->n;
    return EVS_OK;
}

static void free_symbols(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        evs_free(l[i]);
    evs_free(l);
}

/* "NVDA AMD ..." or "@FILE" (one symbol a line, # comments). */
static evs_status set_securities(ctx *c, const evs_ini_entry *en, char ***out, size_t *nout)
{
    symlist sl = {0};
    evs_status st = EVS_OK;
    const char *v = en->value;
    if (v[0] == '@') {
        char *fp = evs_path_join(c->s->dir, v + 1);
        if (!fp)
            return evs_nomem(c->e);
        char *buf;
        size_t len;
        st = evs_read_file(fp, STUDY_MAX_BYTES, &buf, &len, c->e);
        if (st != EVS_OK) {
            evs_err_prefix(c->e, "%s:%d: securities file", c->path, en->line);
            evs_free(fp);
            return st;
        }
        int line = 0;
        for (char *p = buf; *p && st == EVS_OK;) {
            line++;
            char *eol = strchr(p, '\n');
            char *end = eol ? eol : p + strlen(p);
            char *a = p, *b = end;
            while (a < b && isspace((unsigned char)*a))
                a++;
            while (b > a && isspace((unsigned char)b[-1]))
                b--;
            if (a < b && *a != '#')
                st = add_symbol(c, fp, line, &sl, a, (size_t)(b - a));
            p = eol ? eol + 1 : end;
        }
        evs_free(buf);
        if (st == EVS_OK && sl.n == 0)
            st = evs_errf(c->e, EVS_ERR_USAGE, "%s: no securities in the file", fp);
        evs_free(fp);
    } else {
        for (const char *p = v; *p && st == EVS_OK;) {
            while (*p && (isspace((unsigned char)*p) || *p == ','))
                p++;
            if (!*p)
                break;
            const char *q = p;
            while (*q && !isspace((unsigned char)*q) && *q != ',')
                q++;
            st = add_symbol(c, c->path, en->line, &sl, p, (size_t)(q - p));
            p = q;
        }
        if (st == EVS_OK && sl.n == 0)
            st = bad(c, en->line, "no securities listed (%s)", v);
    }
    evs_free(sl.slot);
    if (st != EVS_OK) {
        free_symbols(sl.l, sl.n);
        return st;
    }
    free_symbols(*out, *nout);
    *out = sl.l;
    *nout = sl.n;
    return EVS_OK;
}

static evs_status set_market(ctx *c, const evs_ini_entry *en, char **out)
{
    evs_free(*out);
    *out = NULL;
    if (strcmp(en->value, "none") == 0)
        return EVS_OK;
    evs_status st = check_symbol(c, c->path, en->line, en->value);
    if (st != EVS_OK)
        return st;
    *out = evs_strdup(en->value);
    return *out ? EVS_OK : evs_nomem(c->e);
}

/* A setting of evs_params; returns 1 when the key is not one of them. */
static int set_param(ctx *c, const evs_ini_entry *en, evs_params *p, evs_status *st)
{
    const char *k = en->key, *v = en->value;
    *st = EVS_OK;
    if (strcmp(k, "returns") == 0) {
        if (strcmp(v, "simple") == 0)
            p->returns = EVS_RET_SIMPLE;
        else if (strcmp(v, "log") == 0)
            p->returns = EVS_RET_LOG;
        else
            *st = bad(c, en->line, "unknown returns (%s); use simple or log", v);
    } else if (strcmp(k, "model") == 0) {
        int found = 0;
        for (int m = EVS_MODEL_CONSTANT_MEAN; m <= EVS_MODEL_SCHOLES_WILLIAMS; m++)
            if (strcmp(v, evs_model_name((evs_model_kind)m)) == 0) {
                p->model = (evs_model_kind)m;
                found = 1;
            }
        if (!found)
            *st = bad(c, en->line,
                      "unknown model (%s); use constant-mean, market-adjusted, market, two-index, ff3, carhart, ff5, "
                      "dimson or scholes-williams",
                      v);
    } else if (strcmp(k, "sector") == 0) {
        *st = set_market(c, en, &p->sector);
    } else if (strcmp(k, "factors") == 0) {
        evs_free(p->factors);
        p->factors = NULL;
        if (!v[0])
            *st = bad(c, en->line, "empty factors setting%s; name the factor file(s)", "");
        else if (!(p->factors = evs_strdup(v)))
            *st = evs_nomem(c->e);
    } else if (strcmp(k, "dimson_lags") == 0) {
        int x;
        if (parse_int(v, strlen(v), &x) != 0 || x < 1 || x > EVS_DIMSON_MAX_LAGS)
            *st = bad(c, en->line, "dimson_lags must be a whole number from 1 to %d (%s)", EVS_DIMSON_MAX_LAGS, v);
        else
            p->dimson_lags = x;
    } else if (strcmp(k, "bootstrap") == 0) {
        int x;
        if (parse_int(v, strlen(v), &x) != 0 || x < 0 || x > 1000000)
            *st = bad(c, en->line, "bootstrap must be a whole number of resamples from 0 to 1000000 (%s)", v);
        else
            p->bootstrap = x;
    } else if (strcmp(k, "seed") == 0) {
        char *ep;
        errno = 0;
        unsigned long long x = strtoull(v, &ep, 10);
        if (!v[0] || *ep || errno || v[0] == '-' || isspace((unsigned char)v[0]) || x > 4294967295ull)
            *st = bad(c, en->line, "seed must be a whole number from 0 to 4294967295 (%s)", v);
        else
            p->seed = (unsigned long)x;
    } else if (strcmp(k, "exclude_events") == 0) {
        if (strcmp(v, "yes") == 0)
            p->exclude_events = 1;
        else if (strcmp(v, "no") == 0)
            p->exclude_events = 0;
        else
            *st = bad(c, en->line, "exclude_events must be yes or no (%s)", v);
    } else if (strcmp(k, "estimation") == 0) {
        evs_window *w = NULL;
        size_t n = 0;
        *st = set_windows(c, en, &w, &n, 1);
        if (*st == EVS_OK) {
            p->estimation = w[0];
            p->set |= EVS_SET_ESTIMATION;
            evs_free(w);
        }
    } else if (strcmp(k, "windows") == 0) {
        *st = set_windows(c, en, &p->windows, &p->nwindows, 0);
    } else if (strcmp(k, "min_estimation") == 0) {
        int x;
        if (parse_int(v, strlen(v), &x) != 0 || x < 3)
            *st = bad(c, en->line, "min_estimation must be a whole number of at least 3 (%s)", v);
        else {
            p->min_estimation = x;
            p->set |= EVS_SET_MIN_ESTIMATION;
        }
    } else if (strcmp(k, "market") == 0) {
        *st = set_market(c, en, &p->market);
    } else if (strcmp(k, "interval") == 0 || strcmp(k, "overnight") == 0 || strcmp(k, "session_gap") == 0) {
        *st = evs_intraday_setting(c->path, en->line, k, v, p, c->e);
    } else {
        return 1;
    }
    return 0;
}

static evs_status copy_params(evs_params *dst, const evs_params *src, evs_err *e)
{
    *dst = *src;
    dst->windows = NULL;
    dst->market = dst->sector = dst->factors = NULL;
    dst->windows = evs_malloc(src->nwindows * sizeof *dst->windows + 1);
    if (!dst->windows)
        return evs_nomem(e);
    if (src->nwindows) /* a [study] without windows has none to copy (and a NULL array) */
        memcpy(dst->windows, src->windows, src->nwindows * sizeof *dst->windows);
    if (src->market && !(dst->market = evs_strdup(src->market)))
        return evs_nomem(e);
    if (src->sector && !(dst->sector = evs_strdup(src->sector)))
        return evs_nomem(e);
    if (src->factors && !(dst->factors = evs_strdup(src->factors)))
        return evs_nomem(e);
    return EVS_OK;
}

static void free_params(evs_params *p)
{
    evs_free(p->windows);
    evs_free(p->market);
    evs_free(p->sector);
    evs_free(p->factors);
    p->windows = NULL;
    p->market = p->sector = p->factors = NULL;
}

static int valid_event_name(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len > 64 || strcmp(n, "ALL") == 0)
        return 0;
    for (const char *p = n; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

/* Checks that need the final parameters of an event (or of the study). */
static evs_status check_params(ctx *c, const evs_params *p, int line, const char *where)
{
    if (p->nwindows == 0)
        return evs_errf(c->e, EVS_ERR_USAGE, "%s:%d: %s has no event windows (set windows = FIRST..LAST ...)",
                        c->path, line, where);
    if (p->model != EVS_MODEL_CONSTANT_MEAN && !evs_model_uses_factors(p->model) && !p->market)
        return evs_errf(c->e, EVS_ERR_USAGE, "%s:%d: %s: model %s needs a market (set market = SYMBOL)", c->path,
                        line, where, evs_model_name(p->model));
    if (p->model == EVS_MODEL_TWO_INDEX && !p->sector)
        return evs_errf(c->e, EVS_ERR_USAGE, "%s:%d: %s: model two-index needs a sector index (set sector = SYMBOL)",
                        c->path, line, where);
    if (evs_model_uses_factors(p->model) && !p->factors)
        return evs_errf(c->e, EVS_ERR_USAGE,
                        "%s:%d: %s: model %s needs a factor file in Kenneth French's daily CSV layout (set factors = "
                        "FILE)",
                        c->path, line, where, evs_model_name(p->model));
    if (evs_model_uses_factors(p->model) && p->returns != EVS_RET_SIMPLE)
        return evs_errf(c->e, EVS_ERR_USAGE,
                        "%s:%d: %s: model %s needs returns = simple (the factor file holds simple returns)", c->path,
                        line, where, evs_model_name(p->model));
    return EVS_OK;
}

/* events = FILE (evs_events.h): one event per event name, in order of first
 * appearance; its rows give its symbols (a row without one: the study's
 * securities) and per-row markets. All rows of one event give one time. */
static evs_status events_file(ctx *c, const evs_ini_entry *en, const evs_params *d, char **def_secs, size_t ndef)
{
    evs_study *s = c->s;
    char *fp = evs_path_join(s->dir, en->value), *buf = NULL;
    size_t len;
    if (!fp)
        return evs_nomem(c->e);
    evs_status st = evs_read_file(fp, STUDY_MAX_BYTES, &buf, &len, c->e);
    if (st != EVS_OK) {
        evs_err_prefix(c->e, "%s:%d: events file", c->path, en->line);
        evs_free(fp);
        return st;
    }
    evs_events rows;
    st = evs_events_parse(fp, buf, len, &rows, c->e);
    evs_free(buf);
    for (size_t i = 0; i < rows.n && st == EVS_OK; i++) {
        const evs_event_row *row = &rows.rows[i];
        evs_event_def *ev = NULL;
        for (size_t k = 0; k < s->nevents && !ev; k++)
            if (strcmp(s->events[k].name, row->event) == 0)
                ev = &s->events[k];
        if (ev && !ev->from_file) {
            st = evs_errf(c->e, EVS_ERR_USAGE, "%s:%d: event %s is also a section of the study file, line %d (%s)", fp,
                          row->line, row->event, ev->line, row->event);
            break;
        }
        if (!ev) {
            evs_event_def *ne = evs_reallocarray(s->events, s->nevents + 1, sizeof *ne);
            if (!ne) {
                st = evs_nomem(c->e);
                break;
            }
            s->events = ne;
            ev = &s->events[s->nevents++];
            memset(ev, 0, sizeof *ev);
            ev->from_file = 1;
            ev->line = row->line;
            ev->date = row->date;
            ev->has_instant = row->has_instant;
            ev->instant = row->instant;
            if (!(ev->name = evs_strdup(row->event)) || copy_params(&ev->p, d, c->e) != EVS_OK) {
                st = evs_nomem(c->e);
                break;
            }
            char where[100];
            snprintf(where, sizeof where, "event %s", ev->name);
            if ((st = check_params(c, &ev->p, row->line, where)) != EVS_OK)
                break;
        } else if (ev->has_instant != row->has_instant || ev->instant != row->instant) {
            st = evs_errf(c->e, EVS_ERR_USAGE, "%s:%d: event %s has another time on line %d; one event has one time "
                          "(use another event name) (%s)", fp, row->line, row->event, ev->line, row->event);
            break;
        }
        /* its symbols: the row's, or the study's */
        if (!row->symbol && !ndef) {
            st = evs_errf(c->e, EVS_ERR_USAGE, "%s:%d: a row without a symbol needs securities in [study] (%s)", fp,
                          row->line, row->event);
            break;
        }
        const char *one[1] = {row->symbol};
        const char *const *list = row->symbol ? one : (const char *const *)def_secs;
        size_t nl = row->symbol ? 1 : ndef;
        for (size_t q = 0; q < nl && st == EVS_OK; q++) {
            for (size_t k = 0; k < ev->nsymbols; k++)
                if (strcmp(ev->symbols[k], list[q]) == 0) {
                    st = evs_errf(c->e, EVS_ERR_USAGE, "%s:%d: event %s lists %s twice", fp, row->line, row->event,
                                  list[q]);
                    break;
                }
            if (st != EVS_OK)
                break;
            char **ns = evs_reallocarray(ev->symbols, ev->nsymbols + 1, sizeof *ns);
            char **nm = ns ? evs_reallocarray(ev->markets, ev->nsymbols + 1, sizeof *nm) : NULL;
            if (ns)
                ev->symbols = ns;
            if (nm)
                ev->markets = nm;
            if (!ns || !nm || !(ev->symbols[ev->nsymbols] = evs_strdup(list[q]))) {
                st = evs_nomem(c->e);
                break;
            }
            ev->markets[ev->nsymbols] = row->market ? evs_strdup(row->market) : NULL;
            if (row->market && !ev->markets[ev->nsymbols]) {
                evs_free(ev->symbols[ev->nsymbols]);
                st = evs_nomem(c->e);
                break;
            }
            ev->nsymbols++;
        }
    }
    evs_events_free(&rows);
    evs_free(fp);
    return st;
}

evs_status evs_study_load(const char *path, evs_study *s, evs_err *e)
{
    memset(s, 0, sizeof *s);
    ctx c = {path, s, e};
    char *buf = NULL;
    size_t len;
    evs_ini ini;
    memset(&ini, 0, sizeof ini);
    evs_status st = evs_read_file(path, STUDY_MAX_BYTES, &buf, &len, e);
    if (st != EVS_OK)
        return st;
    evs_sha256_hex(buf, len, s->sha256);
    st = evs_ini_parse(path, buf, len, &ini, e);
    evs_free(buf);
    if (st != EVS_OK)
        return st;

    s->path = evs_strdup(path);
    s->dir = evs_path_dirname(path);
    char *absdir = s->dir ? realpath(s->dir, NULL) : NULL;
    s->name = absdir ? evs_path_basename(absdir) : NULL;
    free(absdir);
    s->title = evs_strdup("");
    s->provider = evs_strdup("yahoo");
    if (!s->path || !s->dir || !s->name || !s->title || !s->provider) {
        st = evs_nomem(e);
        goto fail;
    }
    /* defaults */
    evs_params *d = &s->defaults;
    d->returns = EVS_RET_SIMPLE;
    d->model = EVS_MODEL_MARKET;
    d->estimation.first = -250;
    d->estimation.last = -11;
    d->min_estimation = 0; /* 0: half of the estimation window, set below */
    d->dimson_lags = 1;
    d->seed = 1;
    d->interval = 5;       /* intraday events: 5-minute bars unless set */
    char **def_secs = NULL;
    size_t ndef_secs = 0;
    const char *data_rel = "data";
    const evs_ini_entry *events_en = NULL; /* events = FILE */
    const evs_ini_section *study_sec = NULL;

    for (size_t i = 0; i < ini.n; i++) {
        evs_ini_section *sec = &ini.sections[i];
        if (sec->name[0] == 0) {
            st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: setting outside a section (%s); put it under [study]", path,
                          sec->entries[0].line, sec->entries[0].key);
            goto fail_secs;
        }
        if (strcmp(sec->name, "study") == 0) {
            if (sec->arg[0]) {
                st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: [study] takes no name (%s)", path, sec->line, sec->arg);
                goto fail_secs;
            }
            study_sec = sec;
        } else if (strcmp(sec->name, "event") != 0 && strcmp(sec->name, "security") != 0) {
            st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: unknown section (%s); use [study], [event NAME], [security SYMBOL]",
                          path, sec->line, sec->name);
            goto fail_secs;
        }
    }
    if (!study_sec) {
        st = evs_errf(e, EVS_ERR_USAGE, "%s: no [study] section", path);
        goto fail_secs;
    }
    for (size_t j = 0; j < study_sec->n; j++) {
        const evs_ini_entry *en = &study_sec->entries[j];
        if (!set_param(&c, en, d, &st)) {
            if (st != EVS_OK)
                goto fail_secs;
            continue;
        }
        if (strcmp(en->key, "title") == 0) {
            evs_free(s->title);
            if (!(s->title = evs_strdup(en->value))) {
                st = evs_nomem(e);
                goto fail_secs;
            }
        } else if (strcmp(en->key, "data") == 0) {
            if (!en->value[0]) {
                st = bad(&c, en->line, "empty data directory%s", "");
                goto fail_secs;
            }
            data_rel = en->value;
        } else if (strcmp(en->key, "provider") == 0) {
            evs_free(s->provider);
            if (!(s->provider = evs_strdup(en->value))) {
                st = evs_nomem(e);
                goto fail_secs;
            }
        } else if (strcmp(en->key, "events") == 0) {
            events_en = en;
        } else if (strcmp(en->key, "securities") == 0) {
            if ((st = set_securities(&c, en, &def_secs, &ndef_secs)) != EVS_OK)
                goto fail_secs;
        } else {
            st = bad(&c, en->line, "unknown setting in [study] (%s)", en->key);
            goto fail_secs;
        }
    }
    if (!(s->data_dir = evs_path_join(s->dir, data_rel))) {
        st = evs_nomem(e);
        goto fail_secs;
    }
    if (d->min_estimation == 0) {
        int L = d->estimation.last - d->estimation.first + 1;
        d->min_estimation = L / 2 > 3 ? (L + 1) / 2 : 3;
    }

    for (size_t i = 0; i < ini.n; i++) {
        evs_ini_section *sec = &ini.sections[i];
        if (strcmp(sec->name, "security") == 0) {
            if ((st = check_symbol(&c, path, sec->line, sec->arg)) != EVS_OK)
                goto fail_secs;
            evs_security_def *nd = evs_reallocarray(s->securities, s->nsecurities + 1, sizeof *nd);
            if (!nd) {
                st = evs_nomem(e);
                goto fail_secs;
            }
            s->securities = nd;
            evs_security_def *sd = &s->securities[s->nsecurities++];
            memset(sd, 0, sizeof *sd);
            sd->line = sec->line;
            if (!(sd->symbol = evs_strdup(sec->arg))) {
                st = evs_nomem(e);
                goto fail_secs;
            }
            for (size_t j = 0; j < sec->n; j++) {
                const evs_ini_entry *en = &sec->entries[j];
                char **dst = NULL;
                if (strcmp(en->key, "market") == 0) {
                    if ((st = set_market(&c, en, &sd->market)) != EVS_OK)
                        goto fail_secs;
                    if (!sd->market && !(sd->market = evs_strdup("none"))) {
                        st = evs_nomem(e);
                        goto fail_secs;
                    }
                    continue;
                } else if (strcmp(en->key, "exchange") == 0) {
                    if (!evs_exchange_find(en->value)) {
                        st = bad(&c, en->line, "unknown exchange (%s); see the exchanges table in README.md", en->value);
                        goto fail_secs;
                    }
                    dst = &sd->exchange;
                } else if (strcmp(en->key, "model") == 0) {
                    /* the same names as [study] model (one parser, so new models apply here too) */
                    evs_params tmp = {0};
                    set_param(&c, en, &tmp, &st);
                    if (st != EVS_OK)
                        goto fail_secs;
                    sd->has_model = 1;
                    sd->model = tmp.model;
                    continue;
                } else if (strcmp(en->key, "provider") == 0) {
                    dst = &sd->provider;
                } else {
                    st = bad(&c, en->line, "unknown setting in [security] (%s)", en->key);
                    goto fail_secs;
                }
                evs_free(*dst);
                if (!(*dst = evs_strdup(en->value))) {
                    st = evs_nomem(e);
                    goto fail_secs;
                }
            }
        } else if (strcmp(sec->name, "event") == 0) {
            if (!valid_event_name(sec->arg)) {
                st = evs_errf(e, EVS_ERR_USAGE,
                              "%s:%d: bad event name (%s); use 1-64 letters, digits, '.', '_' or '-' (not ALL)", path,
                              sec->line, sec->arg[0] ? sec->arg : "missing");
                goto fail_secs;
            }
            evs_event_def *ne = evs_reallocarray(s->events, s->nevents + 1, sizeof *ne);
            if (!ne) {
                st = evs_nomem(e);
                goto fail_secs;
            }
            s->events = ne;
            evs_event_def *ev = &s->events[s->nevents++];
            memset(ev, 0, sizeof *ev);
            ev->line = sec->line;
            ev->date = EVS_DATE_MIN_YEAR;
            int have_time = 0;
            if (!(ev->name = evs_strdup(sec->arg)) || copy_params(&ev->p, d, e) != EVS_OK) {
                st = evs_nomem(e);
                goto fail_secs;
            }
            ev->p.set = 0; /* from here on: what this [event] section sets */
            for (size_t j = 0; j < sec->n; j++) {
                const evs_ini_entry *en = &sec->entries[j];
                if (!set_param(&c, en, &ev->p, &st)) {
                    if (st != EVS_OK)
                        goto fail_secs;
                    continue;
                }
                if (strcmp(en->key, "time") == 0 || strcmp(en->key, "date") == 0) {
                    evs_time_kind k = evs_time_parse(en->value, strlen(en->value), &ev->date, &ev->instant);
                    if (k == EVS_TIME_NO_OFFSET) {
                        st = bad(&c, en->line, "event instant has no UTC offset; add Z or +HH:MM (%s)", en->value);
                        goto fail_secs;
                    }
                    if (k == EVS_TIME_BAD) {
                        st = bad(&c, en->line,
                                 "malformed event date or instant, expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] with Z or +HH:MM (%s)",
                                 en->value);
                        goto fail_secs;
                    }
                    ev->has_instant = (k == EVS_TIME_INSTANT);
                    have_time = 1;
                } else if (strcmp(en->key, "securities") == 0) {
                    if ((st = set_securities(&c, en, &ev->symbols, &ev->nsymbols)) != EVS_OK)
                        goto fail_secs;
                } else if (strcmp(en->key, "title") == 0) {
                    /* free text for the report; accepted and ignored by the engine */
                } else {
                    st = bad(&c, en->line, "unknown setting in [event] (%s)", en->key);
                    goto fail_secs;
                }
            }
            if (!have_time) {
                st = evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s has no time (set time = YYYY-MM-DD or an instant such as 2025-01-26T23:00:00Z)", path,
                              sec->line, ev->name);
                goto fail_secs;
            }
            if (!ev->nsymbols) {
                if (!ndef_secs) {
                    st = evs_errf(e, EVS_ERR_USAGE,
                                  "%s:%d: event %s lists no securities and [study] has no securities setting", path,
                                  sec->line, ev->name);
                    goto fail_secs;
                }
                ev->symbols = evs_calloc(ndef_secs, sizeof *ev->symbols);
                if (!ev->symbols) {
                    st = evs_nomem(e);
                    goto fail_secs;
                }
                for (size_t k = 0; k < ndef_secs; k++) {
                    if (!(ev->symbols[k] = evs_strdup(def_secs[k]))) {
                        st = evs_nomem(e);
                        goto fail_secs;
                    }
                    ev->nsymbols++;
                }
            }
            char where[100];
            snprintf(where, sizeof where, "event %s", ev->name);
            if ((st = check_params(&c, &ev->p, sec->line, where)) != EVS_OK ||
                (st = evs_intraday_event_params(path, ev, d, e)) != EVS_OK)
                goto fail_secs;
        }
    }
    if (events_en && (st = events_file(&c, events_en, d, def_secs, ndef_secs)) != EVS_OK)
        goto fail_secs;
    if (s->nevents == 0) {
        st = evs_errf(e, EVS_ERR_USAGE, "%s: no [event NAME] section", path);
        goto fail_secs;
    }
    free_symbols(def_secs, ndef_secs);
    evs_ini_free(&ini);
    return EVS_OK;
fail_secs:
    free_symbols(def_secs, ndef_secs);
fail:
    evs_ini_free(&ini);
    evs_study_free(s);
    return st;
}

void evs_study_free(evs_study *s)
{
    for (size_t i = 0; i < s->nevents; i++) {
        evs_event_def *ev = &s->events[i];
        evs_free(ev->name);
        for (size_t j = 0; ev->markets && j < ev->nsymbols; j++)
            evs_free(ev->markets[j]);
        evs_free(ev->markets);
        free_symbols(ev->symbols, ev->nsymbols);
        free_params(&ev->p);
    }
    evs_free(s->events);
    for (size_t i = 0; i < s->nsecurities; i++) {
        evs_security_def *sd = &s->securities[i];
        evs_free(sd->symbol);
        evs_free(sd->market);
        evs_free(sd->exchange);
        evs_free(sd->provider);
    }
    evs_free(s->securities);
    free_params(&s->defaults);
    evs_free(s->path);
    evs_free(s->dir);
    evs_free(s->name);
    evs_free(s->title);
    evs_free(s->data_dir);
    evs_free(s->provider);
    memset(s, 0, sizeof *s);
}

const evs_security_def *evs_study_security(const evs_study *s, const char *symbol)
{
    for (size_t i = 0; i < s->nsecurities; i++)
        if (strcmp(s->securities[i].symbol, symbol) == 0)
            return &s->securities[i];
    return NULL;
}

const char *evs_study_market(const evs_study *s, const evs_event_def *ev, const char *symbol)
{
    for (size_t i = 0; ev && ev->markets && i < ev->nsymbols; i++) /* an events-file row's market first */
        if (ev->markets[i] && strcmp(ev->symbols[i], symbol) == 0)
            return strcmp(ev->markets[i], "none") == 0 ? NULL : ev->markets[i];
    const evs_security_def *sd = evs_study_security(s, symbol);
    if (sd && sd->market)
        return strcmp(sd->market, "none") == 0 ? NULL : sd->market;
    return ev ? ev->p.market : s->defaults.market;
}
