/*
 * fetch.c — bringing the cache up to date for a list of symbols.
 *
 * For every item, in rounds that each run all their HTTP requests together
 * (evs_http_run: several at once, polite per host, with retries):
 *
 *   plan      read the sidecar's coverage (covered_from..covered_to, the
 *             ranges already fetched) and decide: up to date, incremental
 *             (only the missing side(s), with OVERLAP days into the covered
 *             part), or whole (no usable cache, another provider, --full)
 *   round 0   fetch; parse; an incremental answer that carries a split or a
 *             dividend, or whose overlapping days disagree with the cache,
 *             is thrown away and the item goes to
 *   round 1   fetch the whole union of old coverage and request
 *   commit    under the item's lock: re-read the files (another process may
 *             have written them meanwhile), merge by range (new rows replace
 *             old rows inside the fetched range), write actions, series and
 *             sidecar atomically; the sidecar last, so a crash in between
 *             only makes the next fetch ask again.
 *
 * A failed item never touches its files. Coverage ends at the day before
 * "today" in UTC at most, so a session that may still be trading is asked
 * for again next time.
 */
#include "evs_fetch.h"

#include <glob.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "evs_cache.h"
#include "evs_date.h"
#include "evs_file.h"
#include "evs_ini.h"
#include "evs_mem.h"
#include "fetch_int.h"

#define OVERLAP_DAYS 10
#include "evs_version.h"
#define EVS_FETCH_VERSION EVS_VERSION
#define YAHOO_UA                                                                                           \
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

typedef enum { P_YAHOO, P_FRED, P_STOOQ, P_CSV } prov_kind;
static const char *prov_names[] = {"yahoo", "fred", "stooq", "csv"};

void evs_fetch_opts_default(evs_fetch_opts *o)
{
    memset(o, 0, sizeof *o);
    evs_http_cfg c;
    evs_http_cfg_default(&c);
    o->interval = "1d";
    o->concurrency = c.concurrency;
    o->max_tries = c.max_tries;
    o->connect_timeout_ms = c.connect_timeout_ms;
    o->timeout_ms = c.timeout_ms;
    o->low_speed_time_s = c.low_speed_time_s;
    o->backoff_ms = c.backoff_ms;
    o->backoff_max_ms = c.backoff_max_ms;
    o->host_gap_ms = c.host_gap_ms;
    o->max_body = c.max_body;
}

static int prov_lookup(const char *name, size_t n)
{
    for (int i = 0; i < 4; i++)
        if (strlen(prov_names[i]) == n && strncmp(name, prov_names[i], n) == 0)
            return i;
    return -1;
}

const char *evs_fetch_provider_problem(const char *name)
{
    const char *colon = strchr(name, ':');
    size_t n = colon ? (size_t)(colon - name) : strlen(name);
    if (prov_lookup(name, n) < 0)
        return "unknown provider (known: yahoo, fred, stooq, csv)";
    if (colon && !colon[1])
        return "empty remote symbol after ':'";
    return NULL;
}

/* One item's state across rounds. */
typedef struct job {
    size_t index;
    const evs_fetch_item *it;
    evs_fetch_result *res;
    prov_kind prov;
    const char *remote;
    int intraday;
    char *csv, *meta, *acts, *lock;
    /* what the cache held at planning */
    int have_cov, cov_from, cov_to;
    evs_bars old;
    evs_actions oldacts;
    /* this round */
    int f, t;      /* dates fetched */
    int whole;     /* this round fetches the whole union */
    evs_http_req *reqs;
    size_t nreq;
    char *url_shown; /* first URL, keys redacted */
    int active;    /* takes part in the current round */
    int done;
    evs_parsed got;
} job;

typedef struct ctx {
    const evs_fetch_opts *o;
    job *jobs;
    size_t n, ndone;
    size_t bytes;
    unsigned retries;
    long long now;
    int today; /* UTC day number */
    const char *ybase, *fbase, *sbase, *skey;
} ctx;

static void emit(ctx *c, int kind, job *j, long delay, const char *why)
{
    if (!c->o->progress)
        return;
    evs_fetch_progress p;
    memset(&p, 0, sizeof p);
    p.kind = kind;
    p.symbol = j->it->symbol;
    p.index = j->index;
    p.done = c->ndone;
    p.total = c->n;
    p.bytes = c->bytes;
    p.retries = c->retries;
    p.delay_ms = delay;
    p.why = why;
    p.result = kind == EVS_FETCH_EV_DONE ? j->res : NULL;
    c->o->progress(c->o->progress_ud, &p);
}

static void finish_job(ctx *c, job *j)
{
    if (j->done)
        return;
    j->done = 1;
    j->active = 0;
    c->ndone++;
    emit(c, EVS_FETCH_EV_DONE, j, 0, NULL);
}

static void fail(ctx *c, job *j, evs_status st, const char *fmt, ...) EVS_PRINTF(4, 5);
static void fail(ctx *c, job *j, evs_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->res->msg, sizeof j->res->msg, fmt, ap);
    va_end(ap);
    j->res->outcome = EVS_FETCH_FAILED;
    j->res->status = st;
    finish_job(c, j);
}

static void on_http(void *ud, evs_http_req *r, int kind, long delay)
{
    ctx *c = ud;
    job *j = r->ud;
    if (kind == EVS_HTTP_EV_START) {
        j->res->tries++;
        emit(c, EVS_FETCH_EV_START, j, 0, NULL);
    } else if (kind == EVS_HTTP_EV_RETRY) {
        c->retries++;
        emit(c, EVS_FETCH_EV_RETRY, j, delay, r->err);
    } else if (kind == EVS_HTTP_EV_DONE) {
        c->bytes += r->len;
        j->res->bytes += r->len;
    }
}

static const char *env_or(const char *opt, const char *env, const char *def)
{
    if (opt && opt[0])
        return opt;
    const char *v = getenv(env);
    return v && v[0] ? v : def;
}

/* ------------------------------------------------------------ sidecar */

static void meta_kv(FILE *fp, const char *k, const char *v)
{
    if (!v)
        return;
    int quote = !v[0] || strpbrk(v, ";#\"\\\n\r") || v[0] == ' ' || v[strlen(v) - 1] == ' ';
    fprintf(fp, "%s = ", k);
    if (!quote) {
        fprintf(fp, "%s\n", v);
        return;
    }
    fputc('"', fp);
    for (const char *p = v; *p; p++) {
        if (*p == '\n' || *p == '\r')
            continue;
        if (*p == '"' || *p == '\\')
            fputc('\\', fp);
        fputc(*p, fp);
    }
    fputs("\"\n", fp);
}

static void meta_date(FILE *fp, const char *k, int d)
{
    char b[11];
    evs_date_format(d, b);
    meta_kv(fp, k, b);
}

typedef struct meta_info {
    int ok;
    char provider[16], remote[600], interval[4];
    int cov_from, cov_to;
} meta_info;

static void meta_read(const char *path, meta_info *mi)
{
    memset(mi, 0, sizeof *mi);
    evs_ini ini;
    evs_err e;
    if (evs_ini_read(path, &ini, &e) != EVS_OK)
        return;
    const evs_ini_section *s = NULL;
    for (size_t i = 0; i < ini.n; i++)
        if (ini.sections[i].name[0] == 0)
            s = &ini.sections[i];
    if (s) {
        const evs_ini_entry *p = evs_ini_get(s, "provider"), *r = evs_ini_get(s, "remote"),
                            *iv = evs_ini_get(s, "interval"), *cf = evs_ini_get(s, "covered_from"),
                            *ct = evs_ini_get(s, "covered_to");
        if (p && r && iv && cf && ct && evs_date_parse(cf->value, strlen(cf->value), &mi->cov_from) == 0 &&
            evs_date_parse(ct->value, strlen(ct->value), &mi->cov_to) == 0 && mi->cov_from <= mi->cov_to) {
            snprintf(mi->provider, sizeof mi->provider, "%s", p->value);
            snprintf(mi->remote, sizeof mi->remote, "%s", r->value);
            snprintf(mi->interval, sizeof mi->interval, "%s", iv->value);
            mi->ok = 1;
        }
    }
    evs_ini_free(&ini);
}

static int meta_matches(const meta_info *mi, const job *j, const char *interval)
{
    return mi->ok && strcmp(mi->provider, prov_names[j->prov]) == 0 && strcmp(mi->remote, j->remote) == 0 &&
           strcmp(mi->interval, interval) == 0;
}

static evs_status meta_write(ctx *c, job *j, const evs_bars *b, int cov_from, int cov_to, evs_err *e)
{
    evs_afile f;
    evs_status st = evs_afile_open(&f, j->meta, e);
    if (st != EVS_OK)
        return st;
    FILE *fp = f.fp;
    char ts[21];
    evs_fmt_utc(c->now, ts);
    fprintf(fp, "; provenance of %s.csv, written by evstudy fetch\n", j->it->symbol);
    meta_kv(fp, "symbol", j->it->symbol);
    meta_kv(fp, "provider", prov_names[j->prov]);
    meta_kv(fp, "remote", j->remote);
    meta_kv(fp, "interval", c->o->interval);
    meta_kv(fp, "url", j->url_shown ? j->url_shown : j->remote);
    meta_kv(fp, "fetched", ts);
    meta_date(fp, "covered_from", cov_from);
    meta_date(fp, "covered_to", cov_to);
    if (b->n) {
        if (b->intraday) {
            char a[21], z[21];
            evs_fmt_utc(b->t[0], a);
            evs_fmt_utc(b->t[b->n - 1], z);
            meta_kv(fp, "first", a);
            meta_kv(fp, "last", z);
        } else {
            meta_date(fp, "first", (int)b->t[0]);
            meta_date(fp, "last", (int)b->t[b->n - 1]);
        }
    }
    fprintf(fp, "rows = %zu\n", b->n);
    meta_kv(fp, "timezone", j->got.timezone ? j->got.timezone : "");
    meta_kv(fp, "currency", j->got.currency ? j->got.currency : "");
    if (j->got.exchange)
        meta_kv(fp, "exchange", j->got.exchange);
    if (j->got.instrument)
        meta_kv(fp, "instrument", j->got.instrument);
    meta_kv(fp, "adjusted", j->got.adjusted ? "yes" : "no");
    if (j->prov == P_YAHOO) {
        meta_kv(fp, "close_adjusted_for", "splits");
        if (j->got.adjusted)
            meta_kv(fp, "adj_close_adjusted_for", "splits dividends");
    }
    return evs_afile_commit(&f, e);
}

/* ------------------------------------------------------------ planning */

static int intraday_limit_days(const char *iv)
{
    if (strcmp(iv, "1m") == 0)
        return 30;
    if (strcmp(iv, "5m") == 0)
        return 60;
    if (strcmp(iv, "1h") == 0)
        return 730;
    return 0;
}

static long long key_lo(const job *j, int d)
{
    return j->intraday ? (long long)d * 86400 : d;
}

static long long key_hi(const job *j, int d)
{
    return j->intraday ? (long long)(d + 1) * 86400 - 1 : d;
}

/* Read what the cache has and decide what to ask for. Returns 0 when the
 * job needs a transfer, 1 when it is finished (up to date, missing, failed). */
static int plan_job(ctx *c, job *j)
{
    const evs_fetch_opts *o = c->o;
    const evs_fetch_item *it = j->it;
    evs_err e;
    snprintf(j->res->path, sizeof j->res->path, "%s", j->csv);
    if (it->from > it->to) {
        fail(c, j, EVS_ERR_USAGE, "%s: empty date range", it->symbol);
        return 1;
    }
    if (j->intraday) {
        if (j->prov != P_YAHOO) {
            fail(c, j, EVS_ERR_USAGE, "%s: intraday bars (%s) come only from the yahoo provider", it->symbol,
                 o->interval);
            return 1;
        }
        int lim = intraday_limit_days(o->interval);
        if (!o->offline && it->from < c->today - lim) {
            char a[11];
            evs_date_format(it->from, a);
            fail(c, j, EVS_ERR_USAGE, "%s: Yahoo keeps %s bars for the last %d days only (from %s is older)",
                 it->symbol, o->interval, lim, a);
            return 1;
        }
    }
    meta_info mi;
    meta_read(j->meta, &mi);
    int usable = 0;
    if (meta_matches(&mi, j, o->interval)) {
        evs_status st = evs_bars_read(j->csv, j->intraday, &j->old, &e);
        if (st == EVS_OK) {
            usable = 1;
            if (evs_actions_read(j->acts, &j->oldacts, &e) != EVS_OK)
                memset(&j->oldacts, 0, sizeof j->oldacts);
        } else {
            evs_warnf(&o->warn, "%s: cached file unreadable, fetching it again: %s", it->symbol, e.msg);
        }
    }
    if (!usable && o->offline && evs_bars_read(j->csv, j->intraday, &j->old, &e) == EVS_OK && j->old.n) {
        /* Offline, any cache file will do; without a usable sidecar its rows
         * tell what it covers. */
        usable = 1;
        if (mi.ok) {
            mi.cov_from = mi.cov_from < (int)j->old.t[0] ? mi.cov_from : (int)j->old.t[0];
        } else if (j->intraday) {
            mi.cov_from = (int)(j->old.t[0] / 86400);
            mi.cov_to = (int)(j->old.t[j->old.n - 1] / 86400);
        } else {
            mi.cov_from = (int)j->old.t[0];
            mi.cov_to = (int)j->old.t[j->old.n - 1];
        }
    }
    if (usable) {
        j->have_cov = 1;
        j->cov_from = mi.cov_from;
        j->cov_to = mi.cov_to;
    }
    if (usable && !o->full && it->from >= mi.cov_from && it->to <= mi.cov_to) {
        j->res->outcome = EVS_FETCH_UPTODATE;
        j->res->rows = j->old.n;
        finish_job(c, j);
        return 1;
    }
    if (o->offline) {
        char a[11], b[11], ca[11], cb[11];
        evs_date_format(it->from, a);
        evs_date_format(it->to, b);
        j->res->outcome = EVS_FETCH_MISSING;
        j->res->status = EVS_ERR_DATA;
        if (usable) {
            evs_date_format(mi.cov_from, ca);
            evs_date_format(mi.cov_to, cb);
            snprintf(j->res->msg, sizeof j->res->msg, "%s: offline: cache covers %s..%s, %s..%s needed (%s)",
                     it->symbol, ca, cb, a, b, j->csv);
        } else {
            snprintf(j->res->msg, sizeof j->res->msg, "%s: offline: not in the cache (%s), %s..%s needed",
                     it->symbol, j->csv, a, b);
        }
        finish_job(c, j);
        return 1;
    }
    /* What to ask for. */
    if (!usable || o->full || j->prov == P_CSV) {
        j->f = it->from;
        j->t = it->to;
        if (usable) { /* keep the union covered */
            if (mi.cov_from < j->f)
                j->f = mi.cov_from;
            if (mi.cov_to > j->t)
                j->t = mi.cov_to;
        }
        j->whole = 1;
    } else {
        int before = it->from < mi.cov_from, after = it->to > mi.cov_to;
        j->f = before ? it->from : mi.cov_to - OVERLAP_DAYS;
        j->t = after ? it->to : mi.cov_from + OVERLAP_DAYS;
        if (before && after) {
            j->f = it->from;
            j->t = it->to;
        }
        if (j->f < mi.cov_from && !before)
            j->f = mi.cov_from;
        j->whole = before && after;
    }
    return 0;
}

/* Build the requests of this round for a job. */
static evs_status make_requests(ctx *c, job *j, evs_err *e)
{
    const evs_fetch_opts *o = c->o;
    for (size_t i = 0; i < j->nreq; i++) {
        evs_free(j->reqs[i].url);
        evs_http_req_clear(&j->reqs[i]);
    }
    evs_free(j->reqs);
    j->reqs = NULL;
    j->nreq = 0;
    if (j->prov == P_CSV && !strstr(j->remote, "://"))
        return EVS_OK; /* a local file: read directly */
    size_t chunks = 1;
    int step = 0;
    if (j->intraday && strcmp(o->interval, "1m") == 0) {
        step = 7; /* Yahoo serves at most 7-8 days of 1m bars a request */
        chunks = (size_t)((j->t - j->f) / step + 1);
    }
    j->reqs = evs_calloc(chunks, sizeof *j->reqs);
    if (!j->reqs)
        return evs_nomem(e);
    j->nreq = chunks;
    char *enc = evs_url_escape(j->remote);
    if (!enc)
        return evs_nomem(e);
    for (size_t k = 0; k < chunks; k++) {
        int f = step ? j->f + (int)k * step : j->f;
        int t = step ? (f + step - 1 < j->t ? f + step - 1 : j->t) : j->t;
        char buf[2048];
        char d1[11], d2[11];
        switch (j->prov) {
        case P_YAHOO: {
            long long p1 = j->intraday ? (long long)f * 86400 : (long long)(f - 1) * 86400;
            long long p2 = j->intraday ? (long long)(t + 1) * 86400 : (long long)(t + 2) * 86400;
            snprintf(buf, sizeof buf,
                     "%s/v8/finance/chart/%s?period1=%lld&period2=%lld&interval=%s&events=div%%7Csplit"
                     "&includeAdjustedClose=true",
                     c->ybase, enc, p1, p2, strcmp(o->interval, "1d") == 0 ? "1d" : o->interval);
            break;
        }
        case P_FRED:
            evs_date_format(f, d1);
            evs_date_format(t, d2);
            snprintf(buf, sizeof buf, "%s/graph/fredgraph.csv?id=%s&cosd=%s&coed=%s", c->fbase, enc, d1, d2);
            break;
        case P_STOOQ: {
            int y1, m1, a1, y2, m2, a2;
            evs_civil_from_days(f, &y1, &m1, &a1);
            evs_civil_from_days(t, &y2, &m2, &a2);
            char *key = evs_url_escape(c->skey ? c->skey : "");
            if (!key) {
                evs_free(enc);
                return evs_nomem(e);
            }
            snprintf(buf, sizeof buf, "%s/q/d/l/?s=%s&i=d&d1=%04d%02d%02d&d2=%04d%02d%02d%s%s", c->sbase, enc, y1,
                     m1, a1, y2, m2, a2, c->skey ? "&apikey=" : "", key);
            evs_free(key);
            break;
        }
        case P_CSV:
            snprintf(buf, sizeof buf, "%s", j->remote);
            break;
        }
        j->reqs[k].url = evs_strdup(buf);
        j->reqs[k].ud = j;
        j->reqs[k].user_agent = o->user_agent          ? o->user_agent
                                : j->prov == P_YAHOO ? YAHOO_UA
                                                       : "evstudy/" EVS_FETCH_VERSION;
        if (!j->reqs[k].url) {
            evs_free(enc);
            return evs_nomem(e);
        }
    }
    evs_free(enc);
    evs_free(j->url_shown);
    j->url_shown = evs_url_redact(j->reqs[0].url);
    return j->url_shown ? EVS_OK : evs_nomem(e);
}

/* ------------------------------------------------------------ parsing */

static int close_enough(double a, double b)
{
    if (isnan(a) && isnan(b))
        return 1;
    if (isnan(a) || isnan(b))
        return 0;
    return fabs(a - b) <= 1e-6 * fmax(fabs(a), fabs(b));
}

/* Parse this round's responses into j->got. Returns 0 on success (j->got
 * filled), 1 when the job failed. */
static int parse_job(ctx *c, job *j)
{
    const evs_fetch_opts *o = c->o;
    evs_err e;
    evs_parsed_free(&j->got);
    j->got.bars.intraday = j->intraday;
    if (j->nreq == 0) { /* local csv file */
        char *buf;
        size_t len;
        evs_status st = evs_read_file(j->remote, o->max_body, &buf, &len, &e);
        if (st != EVS_OK) {
            fail(c, j, st, "%s: csv: %s", j->it->symbol, e.msg);
            return 1;
        }
        st = evs_cachecsv_parse(j->remote, buf, len, j->intraday, &j->got, &e);
        evs_free(buf);
        if (st != EVS_OK) {
            fail(c, j, st, "%s: csv: %s", j->it->symbol, e.msg);
            return 1;
        }
        j->url_shown = evs_strdup(j->remote);
    }
    for (size_t k = 0; k < j->nreq; k++) {
        evs_http_req *r = &j->reqs[k];
        char *shown = evs_url_redact(r->url);
        if (r->st != EVS_OK) {
            fail(c, j, r->st, "%s: %s: %s (%s)", j->it->symbol, prov_names[j->prov], r->err,
                 shown ? shown : "?");
            evs_free(shown);
            return 1;
        }
        evs_parsed p;
        evs_status st;
        if (j->prov == P_YAHOO) {
            st = evs_yahoo_parse(r->body, r->len, r->status, j->intraday, c->now, &p, &e);
        } else if (r->status < 200 || r->status > 299) {
            char ex[160];
            evs_excerpt(r->body ? r->body : "", r->len < 100 ? r->len : 100, ex, sizeof ex);
            st = evs_errf(&e, r->status == 401 || r->status == 403 ? EVS_ERR_NET : EVS_ERR_DATA, "HTTP %ld (%s)",
                          r->status, ex);
        } else if (j->prov == P_FRED) {
            st = evs_fred_parse(r->body, r->len, &p, &e);
        } else if (j->prov == P_STOOQ) {
            st = evs_stooq_parse(r->body, r->len, &p, &e);
        } else {
            st = evs_cachecsv_parse(shown ? shown : "response", r->body, r->len, j->intraday, &p, &e);
        }
        if (st != EVS_OK) {
            fail(c, j, st, "%s: %s (%s)", j->it->symbol, e.msg, shown ? shown : "?");
            evs_free(shown);
            return 1;
        }
        evs_free(shown);
        if (k == 0) {
            j->got = p;
        } else { /* append chunk */
            evs_status s2 = EVS_OK;
            for (size_t i = 0; i < p.bars.n && s2 == EVS_OK; i++)
                s2 = evs_bars_push(&j->got.bars, p.bars.t[i], p.bars.o[i], p.bars.h[i], p.bars.l[i], p.bars.c[i],
                                   p.bars.adj[i], p.bars.v[i], &e);
            for (size_t i = 0; i < p.acts.n && s2 == EVS_OK; i++)
                s2 = evs_actions_push(&j->got.acts, p.acts.a[i].t, p.acts.a[i].kind, p.acts.a[i].value, &e);
            j->got.nulls += p.nulls;
            evs_parsed_free(&p);
            if (s2 != EVS_OK) {
                fail(c, j, s2, "%s: %s", j->it->symbol, e.msg);
                return 1;
            }
        }
    }
    evs_bars_sort(&j->got.bars);
    evs_actions_sort(&j->got.acts);
    evs_bars_clip(&j->got.bars, key_lo(j, j->f), key_hi(j, j->t));
    if (j->got.dropped_live)
        evs_warnf(&o->warn, "%s: the last bar is of a session still trading; not cached", j->it->symbol);
    return 0;
}

/* After an incremental round: must the whole range be fetched again? */
static const char *needs_whole(const job *j)
{
    if (j->whole || !j->have_cov)
        return NULL;
    for (size_t i = 0; i < j->got.acts.n; i++) {
        const evs_action *a = &j->got.acts.a[i];
        int known = 0;
        for (size_t k = 0; k < j->oldacts.n; k++)
            if (j->oldacts.a[k].t == a->t && j->oldacts.a[k].kind == a->kind)
                known = 1;
        if (!known)
            return a->kind == EVS_ACT_SPLIT ? "a new split" : "a new dividend";
    }
    const evs_bars *o = &j->old, *n = &j->got.bars;
    size_t a = 0, b = 0;
    while (a < o->n && b < n->n) {
        if (o->t[a] < n->t[b]) {
            a++;
        } else if (o->t[a] > n->t[b]) {
            b++;
        } else {
            if (!close_enough(o->c[a], n->c[b]) || !close_enough(o->adj[a], n->adj[b]))
                return "overlapping days disagree with the cache";
            a++;
            b++;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ commit */

/* Temporary files are only created under the lock, so any left when we hold
 * it belong to a fetch that was killed mid-write: remove them. */
static void remove_stale_temps(const job *j)
{
    const char *paths[] = {j->csv, j->meta, j->acts};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(paths[i]);
        char *pat = evs_malloc(2 * n + 16);
        if (!pat)
            return;
        /* glob-escape the path (symbols may hold '[' or '*'), then add the suffix */
        size_t k = 0;
        for (size_t c = 0; c < n; c++) {
            if (strchr("*?[\\", paths[i][c]))
                pat[k++] = '\\';
            pat[k++] = paths[i][c];
        }
        memcpy(pat + k, ".tmp.??????", 12);
        glob_t g;
        if (glob(pat, GLOB_NOSORT, NULL, &g) == 0) {
            for (size_t m = 0; m < g.gl_pathc; m++)
                unlink(g.gl_pathv[m]);
            globfree(&g);
        }
        evs_free(pat);
    }
}

static void commit_job(ctx *c, job *j)
{
    const evs_fetch_opts *o = c->o;
    evs_err e;
    char a[11], b[11];
    evs_date_format(j->f, a);
    evs_date_format(j->t, b);
    if (j->got.bars.n == 0 && !j->have_cov) {
        fail(c, j, EVS_ERR_DATA, "%s: %s has no data between %s and %s%s", j->it->symbol, prov_names[j->prov], a, b,
             j->got.nulls ? " (only empty values)" : "");
        return;
    }
    if (j->got.bars.n == 0 && j->have_cov) {
        /* An empty answer must not erase what the cache holds for the range. */
        size_t had = 0;
        for (size_t i = 0; i < j->old.n; i++)
            if (j->old.t[i] >= key_lo(j, j->f) && j->old.t[i] <= key_hi(j, j->t))
                had++;
        if (had) {
            fail(c, j, EVS_ERR_DATA, "%s: %s returned no data between %s and %s where the cache has %zu rows; cache kept",
                 j->it->symbol, prov_names[j->prov], a, b, had);
            return;
        }
    }
    char *dir = evs_path_dirname(j->csv);
    if (!dir) {
        fail(c, j, EVS_ERR_NOMEM, "%s: out of memory", j->it->symbol);
        return;
    }
    evs_status st = evs_mkdirs(dir, &e);
    evs_free(dir);
    if (st != EVS_OK) {
        fail(c, j, st, "%s: %s", j->it->symbol, e.msg);
        return;
    }
    int fd = evs_lock_acquire(j->lock, &e);
    if (fd < 0) {
        fail(c, j, e.status, "%s: %s", j->it->symbol, e.msg);
        return;
    }
    remove_stale_temps(j);
    /* Re-read under the lock: another fetch may have written since planning. */
    meta_info mi;
    meta_read(j->meta, &mi);
    evs_bars cur;
    evs_actions curacts;
    memset(&cur, 0, sizeof cur);
    memset(&curacts, 0, sizeof curacts);
    cur.intraday = j->intraday;
    int have = 0;
    if (meta_matches(&mi, j, o->interval) && evs_bars_read(j->csv, j->intraday, &cur, &e) == EVS_OK) {
        have = 1;
        if (evs_actions_read(j->acts, &curacts, &e) != EVS_OK)
            memset(&curacts, 0, sizeof curacts);
    }
    int cov_to_new = j->t < c->today - 1 ? j->t : c->today - 1;
    int cov_from = j->f, cov_to = cov_to_new;
    if (have && !(cov_to_new + 1 < mi.cov_from || mi.cov_to + 1 < j->f)) {
        if (mi.cov_from < cov_from)
            cov_from = mi.cov_from;
        if (mi.cov_to > cov_to)
            cov_to = mi.cov_to;
    } else if (have) {
        /* Disjoint from what another fetch wrote: keep its rows, cover ours. */
        if (mi.cov_to < j->f) {
            cov_from = mi.cov_from;
        } else {
            cov_to = mi.cov_to;
        }
    }
    if (cov_to < cov_from)
        cov_to = cov_from; /* a fetch of today only; next run asks again */
    evs_bars merged;
    evs_actions macts;
    memset(&macts, 0, sizeof macts);
    st = evs_bars_merge(have ? &cur : NULL, &j->got.bars, key_lo(j, j->f), key_hi(j, j->t), &merged, &e);
    if (st == EVS_OK)
        st = evs_actions_merge(have ? &curacts : NULL, &j->got.acts, j->f, j->t, &macts, &e);
    if (st == EVS_OK) {
        emit(c, EVS_FETCH_EV_COMMIT, j, 0, NULL);
        if (macts.n > 0 || have)
            st = evs_actions_write(j->acts, &macts, &e);
        if (st == EVS_OK)
            st = evs_bars_write(j->csv, &merged, &e);
        if (st == EVS_OK)
            st = meta_write(c, j, &merged, cov_from, cov_to, &e);
    }
    evs_lock_release(fd);
    if (st == EVS_OK) {
        j->res->outcome = EVS_FETCH_FETCHED;
        j->res->rows = merged.n;
        j->res->fetched_rows = j->got.bars.n;
        j->res->msg[0] = 0;
        finish_job(c, j);
    } else {
        fail(c, j, st, "%s: %s", j->it->symbol, e.msg);
    }
    evs_bars_free(&merged);
    evs_actions_free(&macts);
    evs_bars_free(&cur);
    evs_actions_free(&curacts);
}

/* ------------------------------------------------------------ the run */

static evs_status run_round(ctx *c, evs_err *e)
{
    size_t total = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->jobs[i].active)
            total += c->jobs[i].nreq;
    if (total == 0)
        return EVS_OK;
    evs_http_req **reqs = evs_calloc(total, sizeof *reqs);
    if (!reqs)
        return evs_nomem(e);
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->jobs[i].active)
            for (size_t r = 0; r < c->jobs[i].nreq; r++)
                reqs[k++] = &c->jobs[i].reqs[r];
    const evs_fetch_opts *o = c->o;
    evs_http_cfg cfg;
    evs_http_cfg_default(&cfg);
    cfg.concurrency = o->concurrency;
    cfg.max_tries = o->max_tries;
    cfg.connect_timeout_ms = o->connect_timeout_ms;
    cfg.timeout_ms = o->timeout_ms;
    cfg.low_speed_time_s = o->low_speed_time_s;
    cfg.backoff_ms = o->backoff_ms;
    cfg.backoff_max_ms = o->backoff_max_ms;
    cfg.host_gap_ms = o->host_gap_ms;
    cfg.max_body = o->max_body;
    cfg.on_event = on_http;
    cfg.ud = c;
    evs_status st = evs_http_run(reqs, total, &cfg, e);
    evs_free(reqs);
    return st;
}

static void job_free(job *j)
{
    for (size_t i = 0; i < j->nreq; i++) {
        evs_free(j->reqs[i].url);
        evs_http_req_clear(&j->reqs[i]);
    }
    evs_free(j->reqs);
    evs_free(j->csv);
    evs_free(j->meta);
    evs_free(j->acts);
    evs_free(j->lock);
    evs_free(j->url_shown);
    evs_bars_free(&j->old);
    evs_actions_free(&j->oldacts);
    evs_parsed_free(&j->got);
}

evs_status evs_fetch_run(const evs_fetch_item *items, size_t n, const evs_fetch_opts *o, evs_fetch_result *res,
                         evs_err *e)
{
    evs_fetch_opts oo = *o;
    if (!oo.interval)
        oo.interval = "1d";
    const char *why = evs_interval_problem(oo.interval);
    if (why)
        return evs_errf(e, EVS_ERR_USAGE, "bad interval (%s): %s", oo.interval, why);
    if (!oo.data_dir)
        return evs_errf(e, EVS_ERR_USAGE, "no cache directory given");
    ctx c;
    memset(&c, 0, sizeof c);
    c.o = &oo;
    c.n = n;
    c.now = oo.now ? oo.now : (long long)time(NULL);
    c.today = (int)(c.now / 86400);
    c.ybase = env_or(oo.yahoo_base, "EVS_YAHOO_BASE", "https://query1.finance.yahoo.com");
    c.fbase = env_or(oo.fred_base, "EVS_FRED_BASE", "https://fred.stlouisfed.org");
    c.sbase = env_or(oo.stooq_base, "EVS_STOOQ_BASE", "https://stooq.com");
    c.skey = env_or(oo.stooq_apikey, "EVS_STOOQ_APIKEY", NULL);
    c.jobs = evs_calloc(n ? n : 1, sizeof *c.jobs);
    if (!c.jobs)
        return evs_nomem(e);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    evs_status st = EVS_OK;
    int intraday = strcmp(oo.interval, "1d") != 0;
    for (size_t i = 0; i < n; i++) {
        job *j = &c.jobs[i];
        memset(&res[i], 0, sizeof res[i]);
        j->index = i;
        j->it = &items[i];
        j->res = &res[i];
        j->intraday = intraday;
        j->old.intraday = intraday;
        j->got.bars.intraday = intraday;
    }
    for (size_t i = 0; i < n; i++) {
        job *j = &c.jobs[i];
        const evs_fetch_item *it = &items[i];
        const char *pv = it->provider ? it->provider : "yahoo";
        const char *colon = strchr(pv, ':');
        int pk = prov_lookup(pv, colon ? (size_t)(colon - pv) : strlen(pv));
        if (pk < 0) {
            fail(&c, j, EVS_ERR_USAGE, "%s: unknown provider (%s); known: yahoo, fred, stooq, csv", it->symbol, pv);
            continue;
        }
        j->prov = (prov_kind)pk;
        j->remote = it->remote ? it->remote : colon && colon[1] ? colon + 1 : it->symbol;
        evs_err ce;
        if (evs_cache_path(oo.data_dir, oo.interval, it->symbol, ".csv", &j->csv, &ce) != EVS_OK ||
            evs_cache_path(oo.data_dir, oo.interval, it->symbol, ".meta", &j->meta, &ce) != EVS_OK ||
            evs_cache_path(oo.data_dir, oo.interval, it->symbol, ".actions.csv", &j->acts, &ce) != EVS_OK ||
            evs_cache_path(oo.data_dir, oo.interval, it->symbol, ".lock", &j->lock, &ce) != EVS_OK) {
            fail(&c, j, ce.status, "%s", ce.msg);
            continue;
        }
        if (j->prov == P_STOOQ && !c.skey && !oo.offline) {
            fail(&c, j, EVS_ERR_USAGE, "%s: stooq needs an API key: set EVS_STOOQ_APIKEY", it->symbol);
            continue;
        }
        if (plan_job(&c, j) == 0) {
            j->active = 1;
            st = make_requests(&c, j, e);
            if (st != EVS_OK)
                goto out;
        }
    }
    for (int round = 0; round < 2; round++) {
        st = run_round(&c, e);
        if (st != EVS_OK)
            goto out;
        int again = 0;
        for (size_t i = 0; i < n; i++) {
            job *j = &c.jobs[i];
            if (!j->active)
                continue;
            if (parse_job(&c, j) != 0)
                continue;
            const char *reason = round == 0 ? needs_whole(j) : NULL;
            if (reason) {
                evs_warnf(&oo.warn, "%s: %s: fetching the whole range again", j->it->symbol, reason);
                j->res->full = 1;
                j->whole = 1;
                if (j->cov_from < j->f)
                    j->f = j->cov_from;
                if (j->it->from < j->f)
                    j->f = j->it->from;
                if (j->cov_to > j->t)
                    j->t = j->cov_to;
                if (j->it->to > j->t)
                    j->t = j->it->to;
                st = make_requests(&c, j, e);
                if (st != EVS_OK)
                    goto out;
                again = 1;
                continue;
            }
            commit_job(&c, j);
        }
        if (!again)
            break;
    }
out:;
    size_t nfail = 0;
    const evs_fetch_result *first = NULL;
    for (size_t i = 0; i < n; i++) {
        if (st == EVS_OK && !c.jobs[i].done)
            fail(&c, &c.jobs[i], EVS_ERR_NET, "%s: not finished", items[i].symbol);
        job_free(&c.jobs[i]);
        if (res[i].outcome == EVS_FETCH_FAILED || res[i].outcome == EVS_FETCH_MISSING) {
            nfail++;
            if (!first)
                first = &res[i];
        }
    }
    evs_free(c.jobs);
    if (st != EVS_OK)
        return st;
    if (nfail)
        return evs_errf(e, first->status ? first->status : EVS_ERR_DATA, "%zu of %zu symbols %s; first: %s", nfail,
                        n, first->outcome == EVS_FETCH_MISSING ? "missing" : "failed", first->msg);
    return EVS_OK;
}
