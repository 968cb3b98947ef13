/*
 * engine.c — running a study end to end in memory (see evs_engine.h).
 */
#include "evs_engine.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "evs_align.h"
#include "evs_cache.h"
#include "evs_date.h"
#include "evs_day0.h"
#include "evs_design.h"
#include "evs_exchange.h"
#include "evs_file.h"
#include "evs_fmt.h"
#include "evs_intraday.h"
#include "evs_mem.h"
#include "evs_par.h"
#include "evs_roll.h"

/* Record a warning in the run and pass it on. */
static evs_status warnf(evs_run *r, const evs_warner *w, evs_err *e, const char *fmt, ...) EVS_PRINTF(4, 5);
static evs_status warnf(evs_run *r, const evs_warner *w, evs_err *e, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (evs_grow((void **)&r->warnings, &r->capwarnings, r->nwarnings + 1, sizeof *r->warnings))
        return evs_nomem(e);
    if (!(r->warnings[r->nwarnings] = evs_strdup(buf)))
        return evs_nomem(e);
    r->nwarnings++;
    evs_warnf(w, "%s", buf);
    return EVS_OK;
}

evs_status evs_run_warn(evs_run *r, const evs_warner *w, const char *msg, evs_err *e)
{
    return warnf(r, w, e, "%s", msg);
}

/* Price jumps that suggest a bad or unadjusted price: beyond +-50% in one
 * day, or a ratio matching a common split (2:1, 3:2, 3:1, 4:1, 5:1, 10:1 ...). */
/* The first row i >= 1 with |price[i] / price[i-1] - 1| >= 0.3, or SIZE_MAX:
 * where scan_jumps has to start (on all threads, while loading). */
static size_t first_jump(const evs_series *s)
{
    for (size_t i = 1; i < s->n; i++)
        if (!(fabs(s->price[i] / s->price[i - 1] - 1.0) < 0.3))
            return i;
    return SIZE_MAX;
}

static evs_status scan_jumps(evs_run *r, const evs_warner *w, const evs_datafile *df, evs_err *e)
{
    static const double splits[] = {2, 1.5, 3, 4, 5, 8, 10, 20, 50, 100};
    const evs_series *s = &df->s;
    for (size_t i = df->first_jump; i < s->n; i++) {
        double ratio = s->price[i] / s->price[i - 1], ret = ratio - 1.0;
        if (fabs(ret) < 0.3)
            continue; /* neither a jump nor within 1% of a split ratio (the nearest, 1:1.5, is -33%) */
        const char *what = NULL;
        double k = 0;
        for (size_t j = 0; j < sizeof splits / sizeof *splits && !what; j++) {
            if (fabs(ratio * splits[j] - 1.0) < 0.01) {
                what = "split";
                k = splits[j];
            } else if (fabs(ratio / splits[j] - 1.0) < 0.01) {
                what = "reverse split";
                k = splits[j];
            }
        }
        if (!what && fabs(ret) <= 0.5)
            continue;
        char d[11], m[96] = "";
        evs_date_format(s->date[i], d);
        if (what)
            snprintf(m, sizeof m, "; the ratio matches a %g:1 %s", k, what);
        evs_status st = warnf(r, w, e, "%s: one-day price change of %+.1f%% on %s (%.10g after %.10g)%s: a bad or "
                                       "unadjusted price?",
                              df->path, 100 * ret, d, s->price[i], s->price[i - 1], m);
        if (st != EVS_OK)
            return st;
    }
    return EVS_OK;
}

/* Read one data file (its series and its .meta sidecar) into df; df->symbol
 * and df->path are set. Thread-safe: touches only df. */
static evs_status load_file(const evs_study *s, evs_datafile *df, evs_err *e)
{
    struct stat sb;
    df->bytes = stat(df->path, &sb) == 0 ? (size_t)sb.st_size : 0;
    /* the engine reads the price and the volume only: open, high and low are
     * validated but not kept (df->s.open/high/low are NULL) */
    evs_status st = evs_series_read_cols(df->path, EVS_COL_VOLUME, &df->s, e);
    if (st != EVS_OK) {
        if (st == EVS_ERR_DATA && strstr(e->msg, "cannot open"))
            evs_err_prefix(e, "data for %s (fetch it with 'evstudy fetch %s')", df->symbol, s->path);
        return st;
    }
    char *mp = NULL;
    if ((st = evs_cache_path(s->data_dir, "1d", df->symbol, ".meta", &mp, e)) != EVS_OK)
        return st;
    FILE *probe = fopen(mp, "rb");
    if (probe) {
        fclose(probe);
        st = evs_ini_read(mp, &df->meta, e);
    }
    evs_free(mp);
    return st;
}

/* The factor table of spec (whitespace-separated files relative to the
 * study), loaded and joined once; *out is its index in r->factors. */
static evs_status load_factors(evs_run *r, const char *spec, size_t *out, evs_err *e)
{
    for (size_t i = 0; i < r->nfactors; i++)
        if (strcmp(r->factors[i].spec, spec) == 0) {
            *out = i;
            return EVS_OK;
        }
    evs_factorset *nf = evs_reallocarray(r->factors, r->nfactors + 1, sizeof *nf);
    if (!nf)
        return evs_nomem(e);
    r->factors = nf;
    evs_factorset *fs = &r->factors[r->nfactors];
    memset(fs, 0, sizeof *fs);
    if (!(fs->spec = evs_strdup(spec)))
        return evs_nomem(e);
    *out = r->nfactors++;
    evs_status st = EVS_OK;
    int first = 1;
    for (const char *p = spec; *p && st == EVS_OK;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *q = p;
        while (*q && *q != ' ' && *q != '\t')
            q++;
        char *rel = evs_strndup(p, (size_t)(q - p)), *path = rel ? evs_path_join(r->study->dir, rel) : NULL;
        evs_free(rel);
        if (!path)
            return evs_nomem(e);
        if (first) {
            fs->path = path;
            st = evs_factors_read(path, &fs->t, e);
            first = 0;
        } else {
            evs_factors more;
            st = evs_factors_read(path, &more, e);
            if (st == EVS_OK) {
                st = evs_factors_join(&fs->t, &more, path, e);
                evs_factors_free(&more);
            }
            evs_free(path);
        }
        p = q;
    }
    if (st == EVS_OK && fs->t.n == 0)
        st = evs_errf(e, EVS_ERR_DATA, "%s: the factor files have no date in common (%s)", r->study->path, spec);
    return st;
}

/* exclude_events (DESIGN.md "Estimation hygiene"): skip[k] = 1 for the aligned
 * days inside the event span (earliest window start .. latest window end) of
 * every other event of the study, located in this security's own dates. */
static void mark_other_events(const evs_study *s, const evs_event_def *self, const evs_aligned *a, unsigned char *skip)
{
    memset(skip, 0, a->n + 1);
    for (size_t j = 0; j < s->nevents; j++) {
        const evs_event_def *o = &s->events[j];
        if (o == self)
            continue;
        long k0 = evs_aligned_day0(a, o->date);
        if (k0 < 0)
            continue;
        int f = o->p.windows[0].first, l = o->p.windows[0].last;
        for (size_t w = 1; w < o->p.nwindows; w++) {
            f = o->p.windows[w].first < f ? o->p.windows[w].first : f;
            l = o->p.windows[w].last > l ? o->p.windows[w].last : l;
        }
        if (o->intraday) /* its windows count bars: the days they may touch */
            evs_intraday_day_span(&o->p, &f, &l);
        for (long k = k0 + f; k <= k0 + l; k++)
            if (k >= 0 && k < (long)a->n)
                skip[k] = 1;
    }
}

/* What a firm-event needs besides its own series and market. */
/* The time zone of x, loaded once per run. */
static evs_status zone_of(evs_run *r, const evs_exchange *x, const evs_tz **out, evs_err *e)
{
    for (size_t i = 0; i < r->ntz; i++)
        if (strcmp(r->tz[i].name, x->zone) == 0) {
            *out = &r->tz[i];
            return EVS_OK;
        }
    evs_tz *nt = evs_reallocarray(r->tz, r->ntz + 1, sizeof *nt);
    if (!nt)
        return evs_nomem(e);
    r->tz = nt;
    evs_status st = evs_tz_load(x->zone, &r->tz[r->ntz], e);
    if (st != EVS_OK)
        return st;
    *out = &r->tz[r->ntz++];
    return EVS_OK;
}

static const evs_exchange *exchange_of(const evs_study *s, const char *symbol)
{
    const evs_security_def *sd = evs_study_security(s, symbol);
    const evs_exchange *x = sd && sd->exchange ? evs_exchange_find(sd->exchange) : NULL;
    return x ? x : evs_exchange_for_symbol(symbol);
}

/* Exchange, model, day 0 and synchronicity of one firm-event. */
static evs_status firm_time(evs_run *r, const evs_warner *w, const evs_event_def *ev, evs_firm *f,
                            const evs_datafile *sd, const evs_datafile *md, evs_err *e)
{
    const evs_study *s = r->study;
    const evs_security_def *sec = evs_study_security(s, f->symbol);
    f->exchange = exchange_of(s, f->symbol);
    f->market_exchange = md ? exchange_of(s, f->market) : NULL;
    f->model = sec && sec->has_model ? sec->model : ev->p.model;
    f->fit.kind = f->model;
    if (!md && sec && sec->has_model && f->model == EVS_MODEL_CONSTANT_MEAN && ev->p.model != f->model)
        snprintf(f->note, sizeof f->note, "no benchmark (market = none): constant-mean model instead of the "
                 "event's %s", evs_model_name(ev->p.model));
    const evs_tz *tz;
    evs_status st = zone_of(r, f->exchange, &tz, e);
    if (st != EVS_OK)
        return st;
    evs_day0_find(f->exchange, tz, sd->s.date, sd->s.n, ev->has_instant, ev->instant, ev->date, &f->day0);
    if (md && f->day0.date != EVS_NO_DATE) {
        const evs_tz *mtz;
        if ((st = zone_of(r, f->market_exchange, &mtz, e)) != EVS_OK)
            return st;
        evs_instant mo, mc;
        evs_session_utc(f->market_exchange, mtz, f->day0.date, &mo, &mc);
        f->nonsync_hours = (double)(mc - f->day0.close) / 3600.0;
        f->nonsync = mc != f->day0.close;
        if (f->nonsync && f->model != EVS_MODEL_CONSTANT_MEAN && f->model != EVS_MODEL_DIMSON &&
            f->model != EVS_MODEL_SCHOLES_WILLIAMS)
            st = warnf(r, w, e,
                       "event %s: %s (%s) is measured against %s (%s), whose session closes %.1f h %s its own: "
                       "non-synchronous returns bias the market-model beta (Scholes & Williams 1977); consider "
                       "[security %s] model = dimson or scholes-williams",
                       ev->name, f->symbol, f->exchange->mic, f->market, f->market_exchange->mic, fabs(f->nonsync_hours),
                       f->nonsync_hours < 0 ? "before" : "after",
                       f->symbol);
    }
    return st;
}

/* Append s (n bytes) to buf (its string of *len bytes, room for cap), cut
 * to fit as snprintf cuts: the notes are written once per firm-event, on
 * one thread, where snprintf's parsing of formats was most of their cost. */
static void append(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
    if (*len + 1 >= cap)
        return;
    if (n > cap - 1 - *len)
        n = cap - 1 - *len;
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}

static void note_add(evs_firm *f, const char *text, size_t tn)
{
    size_t n = strlen(f->note);
    if (n)
        append(f->note, sizeof f->note, &n, "; ", 2);
    append(f->note, sizeof f->note, &n, text, tn);
}

/* Add "what: d1 d2 ..." to f's note for the days within the data the
 * firm-event uses (estimation start to event span end), so that the note
 * does not depend on how much data lies outside them. */
static void note_used(evs_firm *f, const char *what, const int *days, size_t n)
{
    if (n == 0 || f->est_first_date == EVS_NO_DATE || !f->sp_date || !f->n_span)
        return;
    int lo = f->est_first_date, hi = f->sp_date[f->n_span - 1];
    char text[480], d[11];
    size_t k = 0, m = 0, w = strlen(what), t0 = w + 2; /* the list starts after "what: " */
    append(text, sizeof text, &k, what, w);
    append(text, sizeof text, &k, ": ", 2);
    for (size_t i = 0; i < n; i++)
        if (days[i] >= lo && days[i] <= hi && k - t0 < 400 - 12) { /* at most 399 bytes of dates */
            evs_date_format(days[i], d);
            if (m++)
                append(text, sizeof text, &k, " ", 1);
            append(text, sizeof text, &k, d, strlen(d));
        }
    if (m)
        note_add(f, text, k);
}

/* A future against its index (sequential, before the firm-events run): the
 * roll days over the whole common history (evs_roll.h), kept in f->rolls so
 * that every alignment of this firm-event removes them; with a warning. */
static evs_status detect_rolls(evs_run *r, const evs_warner *w, evs_firm *f, const evs_series *sec,
                               const evs_series *mkt, evs_returns_kind kind, evs_err *e)
{
    evs_aligned a;
    evs_status st = evs_align(sec, mkt, kind, &a, e);
    if (st != EVS_OK)
        return st;
    size_t n = evs_roll_detect(&a, EVS_ROLL_K, f->rolls, EVS_FIRM_MAXROLLS);
    evs_aligned_free(&a);
    f->nrolls = n < EVS_FIRM_MAXROLLS ? n : EVS_FIRM_MAXROLLS;
    if (f->nrolls == 0)
        return EVS_OK;
    char list[EVS_FIRM_MAXROLLS * 12] = "", d[11];
    size_t k = 0;
    for (size_t i = 0; i < f->nrolls; i++) {
        evs_date_format(f->rolls[i], d);
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? " " : "", d);
    }
    return warnf(r, w, e,
                 "event %s: %s: return jumps against %s near quarterly expiries (futures contract rolls) on %s; "
                 "those days are excluded",
                 f->event, f->symbol, f->market, list);
}

typedef struct firm_ctx {
    const evs_study *study;
    const evs_series *sector;   /* two-index: the sector index; NULL otherwise */
    const evs_factorset *fs;    /* factor models: the factor table; NULL otherwise */
} firm_ctx;

/* The firm-event on aligned data: its design (evs_design.h), the days
 * exclude_events skips, then evs_firm_compute_d. sec is the security's
 * series, which the run keeps longer than its firm-events: its date column
 * is the alignment's date_src (evs_align.h). */
static evs_status firm_on_aligned(evs_firm *f, const evs_aligned *a0, const evs_series *sec, const evs_event_def *ev,
                                  const evs_params *p, int d0, const firm_ctx *c, evs_err *e)
{
    evs_aligned as = *a0, *a = &as;
    as.date_src = sec->date;
    as.date_src_n = sec->n;
    evs_design dz;
    evs_status st = evs_design_build(p, a, c->fs ? &c->fs->t : NULL, c->fs ? c->fs->path : NULL, &dz, e);
    if (st != EVS_OK)
        return st;
    unsigned char *skip = NULL;
    if (p->exclude_events) {
        if (!(skip = evs_malloc(a->n + 1)))
            st = evs_nomem(e);
        else
            mark_other_events(c->study, ev, a, skip);
    }
    if (st == EVS_OK)
        st = evs_firm_compute_d(f, a, &dz, p, d0, skip, e);
    evs_free(skip);
    evs_design_free(&dz);
    return st;
}

/* Align a security with its market only around the event: the rows from well
 * before the earliest day the firm-event needs to well after the latest.
 * Returns between consecutive common dates are the same in a slice as in the
 * whole series (except the slice's first common date, which has no return),
 * so when the slice holds the needed days with one to spare on each side, the
 * firm-event is exactly what it is on the whole series; otherwise (data near
 * either end, an exclusion) the whole series is aligned instead. This keeps a
 * firm-event's cost proportional to its windows, not to the length of the data.
 * The models that look beyond the slice (a sector index, Dimson and
 * Scholes-Williams leads and lags, exclude_events reaching back) always use
 * the whole series. */
static evs_status firm_compute(evs_firm *f, const evs_series *sec, const evs_series *mkt, const evs_event_def *ev,
                               const evs_params *p, int d0, const firm_ctx *c, evs_err *e)
{
    int whole = c->sector || p->exclude_events || p->model == EVS_MODEL_DIMSON ||
                p->model == EVS_MODEL_SCHOLES_WILLIAMS;
    long lo = p->estimation.first, hi = p->estimation.last;
    for (size_t w = 0; w < p->nwindows; w++) {
        lo = p->windows[w].first < lo ? p->windows[w].first : lo;
        hi = p->windows[w].last > hi ? p->windows[w].last : hi;
    }
    long n = (long)sec->n, pos = (long)evs_series_lower(sec, d0); /* the first row on or after the event date */
    long before = lo < 0 ? -lo : 0, after = hi > 0 ? hi : 0; /* rows needed, plus a quarter for missing days */
    long i0 = pos - before - before / 4 - 16, i1 = pos + after + after / 4 + 16;
    i0 = i0 < 0 ? 0 : i0;
    i1 = i1 > n ? n : i1;
    /* The slice's rows are cold (one security among thousands): ask for all
     * of them at once, the volumes too (evs_volume_compute reads them next),
     * rather than meet each miss in turn in the merge. */
    for (long i = i0; i < i1; i += 16) {
        __builtin_prefetch(sec->date + i);
        __builtin_prefetch(sec->price + i);
        __builtin_prefetch(sec->price + i + 8);
        if (sec->volume) {
            __builtin_prefetch(sec->volume + i);
            __builtin_prefetch(sec->volume + i + 8);
        }
    }
    if (!whole && (i0 > 0 || i1 < n)) {
        evs_series sv = *sec, mv;
        sv.date += i0;
        sv.price += i0;
        sv.n = (size_t)(i1 - i0);
        if (mkt) {
            size_t j0 = evs_series_lower(mkt, sv.date[0]); /* the first market row on or after the slice's first date */
            mv = *mkt;
            mv.date += j0;
            mv.price += j0;
            mv.n -= j0;
        }
        evs_aligned a;
        evs_status st = evs_align(&sv, mkt ? &mv : NULL, p->returns, &a, e);
        if (st != EVS_OK)
            return st;
        evs_aligned_drop(&a, f->rolls, f->nrolls);
        long k0 = evs_aligned_day0(&a, d0);
        int inside = k0 >= 0 && (i0 == 0 || k0 + lo >= 1) && (i1 == n || k0 + hi <= (long)a.n - 2);
        if (inside)
            st = firm_on_aligned(f, &a, sec, ev, p, d0, c, e);
        evs_aligned_free(&a);
        if (st != EVS_OK || (inside && f->ok))
            return st;
        evs_firm_free(f);
    }
    evs_aligned a;
    evs_status st = evs_align2(sec, mkt, c->sector, p->returns, &a, e);
    if (st != EVS_OK)
        return st;
    evs_aligned_drop(&a, f->rolls, f->nrolls);
    st = firm_on_aligned(f, &a, sec, ev, p, d0, c, e);
    evs_aligned_free(&a);
    return st;
}

/* The cross-section of one event: AAR/CAAR per span day, r-bar, the tests per
 * window. Thread-safe: writes only er. */
static evs_status event_tests(const evs_study *s, evs_event_result *er, evs_err *e)
{
    const evs_event_def *ev = er->def;
    er->nok = 0;
    for (size_t i = 0; i < er->nfirm; i++)
        er->nok += er->firm[i].ok;
    if (er->nok == 0) {
        char why[600] = "";
        size_t k = 0;
        for (size_t i = 0; i < er->nfirm && k + 2 < sizeof why; i++)
            k += (size_t)snprintf(why + k, sizeof why - k, "%s%s: %s", i ? "; " : "", er->firm[i].symbol,
                                  er->firm[i].reason);
        return evs_errf(e, EVS_ERR_DATA, "%s:%d: event %s: no security left to analyse (%s)", s->path, ev->line,
                        ev->name, why);
    }
    /* the event span comes from the windows (an excluded firm may never have set its own) */
    er->span_first = ev->p.windows[0].first;
    er->span_last = ev->p.windows[0].last;
    for (size_t w = 1; w < ev->p.nwindows; w++) {
        er->span_first = ev->p.windows[w].first < er->span_first ? ev->p.windows[w].first : er->span_first;
        er->span_last = ev->p.windows[w].last > er->span_last ? ev->p.windows[w].last : er->span_last;
    }
    er->nspan = (size_t)(er->span_last - er->span_first + 1);
    /* the results in one block owned by er->tests (evs_run_free): the test rows,
     * then AAR, CAAR and their standard errors, the counts, the dates */
    size_t nw = ev->p.nwindows, ns = er->nspan;
    er->tests = evs_calloc(1, nw * sizeof *er->tests + ns * (4 * sizeof(double) + sizeof(size_t) + sizeof(int)));
    /* and the included firms with their scratch columns, in one block freed below */
    const evs_firm **ok = evs_malloc(er->nok * (sizeof *ok + sizeof(size_t) + 2 * sizeof(double)));
    size_t *widx = NULL;
    double *col = NULL, *col2 = NULL;
    evs_status st = EVS_OK;
    if (!er->tests || !ok) {
        evs_free(er->tests);
        er->tests = NULL;
        st = evs_nomem(e);
        goto out;
    }
    er->aar = (double *)(void *)(er->tests + nw);
    er->caar = er->aar + ns;
    er->se_aar = er->caar + ns;
    er->se_caar = er->se_aar + ns;
    er->n = (size_t *)(void *)(er->se_caar + ns);
    er->date = (int *)(void *)(er->n + ns);
    col = (double *)(void *)(ok + er->nok);
    col2 = col + er->nok;
    widx = (size_t *)(void *)(col2 + er->nok);
    size_t m = 0;
    for (size_t i = 0; i < er->nfirm; i++)
        if (er->firm[i].ok)
            ok[m++] = &er->firm[i];
    /* AAR and CAAR per span day, with cross-sectional standard errors sd/sqrt(N) */
    for (size_t t = 0; t < er->nspan; t++) {
        double sa = 0, sc = 0, va = 0, vc = 0;
        int d = ok[0]->sp_date[t];
        for (size_t i = 0; i < m; i++) {
            col[i] = ok[i]->sp_ar[t];
            col2[i] = ok[i]->sp_car[t];
            sa += col[i];
            sc += col2[i];
            if (ok[i]->sp_date[t] != d)
                d = EVS_NO_DATE;
        }
        double ma = sa / (double)m, mc = sc / (double)m;
        for (size_t i = 0; i < m; i++) {
            va += (col[i] - ma) * (col[i] - ma);
            vc += (col2[i] - mc) * (col2[i] - mc);
        }
        er->date[t] = d;
        er->n[t] = m;
        er->aar[t] = ma;
        er->caar[t] = mc;
        er->se_aar[t] = m > 1 ? sqrt(va / (double)(m - 1) / (double)m) : NAN;
        er->se_caar[t] = m > 1 ? sqrt(vc / (double)(m - 1) / (double)m) : NAN;
    }
    er->rbar = evs_kp_rbar(ok, m);
    for (size_t wi = 0; wi < ev->p.nwindows; wi++) {
        for (size_t i = 0; i < m; i++)
            widx[i] = wi;
        evs_sample smp = {ok, widx, m, ev->p.windows[wi], er->rbar, ev->p.bootstrap, ev->p.seed, 1};
        if ((st = evs_tests_run(&smp, er->tests[wi], e)) != EVS_OK)
            goto out;
    }
out:
    evs_free(ok);
    return st;
}

static long window_index(const evs_params *p, evs_window w)
{
    for (size_t i = 0; i < p->nwindows; i++)
        if (p->windows[i].first == w.first && p->windows[i].last == w.last && p->windows[i].unit == w.unit &&
            (!w.unit || (p->windows[i].wfirst == w.wfirst && p->windows[i].wlast == w.wlast)))
            return (long)i; /* an intraday window pools only with the same written window and bars */
    return -1;
}

/* event = ALL: every included firm-event of every event, for the windows all events share. */
static evs_status run_pooled(evs_run *r, evs_err *e)
{
    size_t total = 0;
    for (size_t k = 0; k < r->nev; k++)
        total += r->ev[k].nok;
    const evs_params *p0 = &r->ev[0].def->p;
    const evs_firm **f = evs_malloc(total * sizeof *f);
    size_t *widx = evs_malloc(total * sizeof *widx);
    r->pooled = evs_calloc(p0->nwindows, sizeof *r->pooled);
    evs_status st = EVS_OK;
    if (!f || !widx || !r->pooled) {
        st = evs_nomem(e);
        goto out;
    }
    size_t m = 0;
    for (size_t k = 0; k < r->nev; k++)
        for (size_t i = 0; i < r->ev[k].nfirm; i++)
            if (r->ev[k].firm[i].ok) {
                widx[m] = k; /* for r-bar: the events' numbers, ascending (a study's events have distinct names) */
                f[m++] = &r->ev[k].firm[i];
            }
    r->pooled_rbar = evs_kp_rbar_events(f, m, widx, r->jobs);
    for (size_t wi = 0; wi < p0->nwindows; wi++) {
        evs_window win = p0->windows[wi];
        int everywhere = 1;
        for (size_t k = 0; k < r->nev; k++)
            if (window_index(&r->ev[k].def->p, win) < 0)
                everywhere = 0;
        if (!everywhere)
            continue;
        m = 0;
        for (size_t k = 0; k < r->nev; k++) {
            size_t w = (size_t)window_index(&r->ev[k].def->p, win);
            for (size_t i = 0; i < r->ev[k].nfirm; i++)
                if (r->ev[k].firm[i].ok)
                    widx[m++] = w;
        }
        evs_pooled *pl = &r->pooled[r->npooled];
        pl->win = win;
        evs_sample smp = {f, widx, m, win, r->pooled_rbar, r->study->defaults.bootstrap, r->study->defaults.seed,
                          r->jobs};
        if ((st = evs_tests_run(&smp, pl->rows, e)) != EVS_OK)
            goto out;
        r->npooled++;
    }
out:
    evs_free(f);
    evs_free(widx);
    return st;
}

/* The first failure among work items, by item index, so that the error a run
 * reports does not depend on the number of threads. */
typedef struct first_err {
    pthread_mutex_t mu;
    size_t at; /* SIZE_MAX: none */
    evs_err e;
} first_err;

static void first_err_set(first_err *fe, size_t i, const evs_err *e)
{
    pthread_mutex_lock(&fe->mu);
    if (i < fe->at) {
        fe->at = i;
        fe->e = *e;
    }
    pthread_mutex_unlock(&fe->mu);
}

typedef struct job {
    evs_run *r;
    size_t *item_ev, *item_firm; /* firm-event j is r->ev[item_ev[j]].firm[item_firm[j]] */
    size_t *sym, *mkt;           /* its data files (mkt SIZE_MAX: none) */
    size_t *sector;              /* two-index: the sector index's data file (SIZE_MAX: none) */
    size_t *fac;                 /* per event: its factor table in r->factors (SIZE_MAX: none) */
    size_t *ev_first;            /* per event: the index j of its first firm-event */
    atomic_size_t *left;         /* per event: its firm-events not yet computed */
    first_err fe;                /* the first failing firm-event */
    first_err fe_ev;             /* the first failing event cross-section */
    atomic_int firm_failed;      /* a firm-event failed: the run fails, skip the cross-sections */
} job;

static void load_item(void *ctx, size_t d)
{
    job *jb = ctx;
    evs_err e = {0};
    evs_datafile *df = &jb->r->data[d];
    if (load_file(jb->r->study, df, &e) != EVS_OK)
        first_err_set(&jb->fe, d, &e);
    else
        df->first_jump = first_jump(&df->s);
}

static void event_item(void *ctx, size_t k);
static void firm_compute_item(job *jb, size_t j);

/* Firm-event j, then, on the thread that completes an event's last
 * firm-event, that event's cross-section (event_item) while its firm-events'
 * arrays are still in cache. The release/acquire count makes every
 * firm-event of the event visible to that thread; the cross-section reads
 * only its own event's firm-events, so the result does not depend on which
 * thread runs it. */
static void firm_item(void *ctx, size_t j)
{
    job *jb = ctx;
    firm_compute_item(jb, j);
    size_t k = jb->item_ev[j];
    if (atomic_fetch_sub_explicit(&jb->left[k], 1, memory_order_acq_rel) == 1 && !atomic_load(&jb->firm_failed))
        event_item(jb, k);
}

static void firm_compute_item(job *jb, size_t j)
{
    evs_run *r = jb->r;
    const evs_event_def *ev = r->ev[jb->item_ev[j]].def;
    evs_firm *f = &r->ev[jb->item_ev[j]].firm[jb->item_firm[j]];
    if (ev->intraday) { /* bars around an instant: evs_intraday.h */
        evs_err e = {0};
        if (evs_intraday_firm(r, jb->item_ev[j], jb->item_firm[j], &e) != EVS_OK) {
            first_err_set(&jb->fe, j, &e);
            atomic_store(&jb->firm_failed, 1);
        }
        return;
    }
    /* the security's own model ([security] model = ...) and day 0 (firm_time) */
    evs_params p = ev->p;
    p.model = f->model;
    if (!f->market && p.model != EVS_MODEL_CONSTANT_MEAN && !evs_model_uses_factors(p.model)) {
        f->ok = 0;
        f->day0_date = f->est_first_date = f->est_last_date = EVS_NO_DATE;
        if (p.model == ev->p.model)
            snprintf(f->reason, sizeof f->reason,
                     "no market for model %s (without a benchmark, set [security %.40s] model = constant-mean)",
                     evs_model_name(p.model), f->symbol);
        else
            snprintf(f->reason, sizeof f->reason, "no market for model %s", evs_model_name(p.model));
        return;
    }
    /* after the last session in the data: evs_firm_compute excludes it ("beyond the data") */
    int d0 = f->day0.date == EVS_NO_DATE ? ev->date : f->day0.date;
    evs_err e = {0};
    const evs_series *ms = jb->mkt[j] == SIZE_MAX ? NULL : &r->data[jb->mkt[j]].s;
    size_t fi = jb->fac[jb->item_ev[j]];
    firm_ctx c = {r->study, jb->sector[j] == SIZE_MAX ? NULL : &r->data[jb->sector[j]].s,
                  fi == SIZE_MAX ? NULL : &r->factors[fi]};
    if (firm_compute(f, &r->data[jb->sym[j]].s, ms, ev, &p, d0, &c, &e) != EVS_OK) {
        first_err_set(&jb->fe, j, &e);
        atomic_store(&jb->firm_failed, 1);
    }
}

/* Abnormal volume and volatility (evs_activity.h) of event k, per window.
 * Thread-safe: writes only event k's results. */
static evs_status event_activity(const job *jb, size_t k, evs_err *e)
{
    evs_run *r = jb->r;
    evs_event_result *er = &r->ev[k];
    const evs_params *p = &er->def->p;
    if (er->def->intraday) /* daily volume and day offsets only */
        return EVS_OK;
    er->vol = evs_calloc(er->nfirm + 1, sizeof *er->vol);
    er->act = evs_calloc(p->nwindows, sizeof *er->act);
    const evs_firm **okf = evs_malloc((er->nok + 1) * (sizeof *okf + sizeof(evs_volume *))); /* and okv */
    const evs_volume **okv = okf ? (const evs_volume **)(void *)(okf + er->nok + 1) : NULL;
    evs_status st = EVS_OK;
    if (!er->vol || !er->act || !okf)
        st = evs_nomem(e);
    size_t m = 0;
    for (size_t i = 0, j = jb->ev_first[k]; i < er->nfirm && st == EVS_OK; i++, j++)
        if (er->firm[i].ok && jb->sym[j] != SIZE_MAX) {
            st = evs_volume_compute(&er->firm[i], &r->data[jb->sym[j]].s, &er->vol[i], e);
            okf[m] = &er->firm[i];
            okv[m++] = &er->vol[i];
        }
    for (size_t wi = 0; wi < p->nwindows && st == EVS_OK; wi++)
        st = evs_activity_run(okf, okv, m, p->windows[wi], er->act[wi], e);
    for (size_t i = 0; er->vol && i < er->nfirm; i++)
        evs_volume_drop_estimation(&er->vol[i]);
    evs_free(okf);
    return st;
}

static void event_item(void *ctx, size_t k)
{
    job *jb = ctx;
    evs_err e = {0};
    if (event_tests(jb->r->study, &jb->r->ev[k], &e) != EVS_OK || event_activity(jb, k, &e) != EVS_OK)
        first_err_set(&jb->fe_ev, k, &e);
}

static double clock_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
#define now() clock_s(CLOCK_MONOTONIC)
#define cpu_now() clock_s(CLOCK_PROCESS_CPUTIME_ID) /* all threads */

/* FNV-1a, for the table of data files by symbol */
static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Index of symbol in r->data, adding it (symbol and path only) when new. */
static evs_status data_index(evs_run *r, size_t *tab, size_t mask, const char *symbol, size_t *out, evs_err *e)
{
    size_t h = hash_str(symbol) & mask;
    while (tab[h] != SIZE_MAX) {
        if (strcmp(r->data[tab[h]].symbol, symbol) == 0) {
            *out = tab[h];
            return EVS_OK;
        }
        h = (h + 1) & mask;
    }
    evs_datafile *df = &r->data[r->ndata];
    memset(df, 0, sizeof *df);
    evs_status st = evs_cache_path(r->study->data_dir, "1d", symbol, ".csv", &df->path, e);
    if (st != EVS_OK)
        return st;
    if (!(df->symbol = evs_strdup(symbol))) {
        evs_free(df->path);
        df->path = NULL;
        return evs_nomem(e);
    }
    tab[h] = *out = r->ndata++;
    return EVS_OK;
}

static int same_sessions(const evs_exchange *a, const evs_exchange *b)
{
    return a && b && strcmp(a->zone, b->zone) == 0 && a->open == b->open && a->close == b->close &&
           a->evening_open == b->evening_open;
}

/* Data gaps (DESIGN.md "Time and calendars"): a date within a security's data
 * that its benchmark (on an exchange with the same sessions) or a peer of the
 * study on such an exchange has, and the security lacks. Each gap is named
 * after the first reference that has it: the benchmark, then the peers in
 * order of first use; the list groups the gaps by that reference.
 *
 * Cost: the peers' dates are merged once per session class into one table
 * (date -> first peer that has it), and a security's gaps are found in one
 * walk over its calendar span, once per (security, benchmark) and reused by
 * its other firm-events: O(days) per security, not O(firm-events^2). */
#define GAP_KEEP 64 /* gaps kept per firm-event for its note */
#define GAP_LIST 8  /* gaps named in the warning */
#define GAP_WARN 20 /* securities warned about by name; the rest are counted */

typedef struct gap_class {
    const evs_exchange *x; /* the sessions of this class */
    int lo, hi;            /* calendar span of the table */
    size_t *who;           /* [hi-lo+1]: the first peer (data file) that has the date, or SIZE_MAX */
    uint32_t *cum;         /* [hi-lo+1]: how many days lo..lo+i some peer has (O(1) "any in (a, b)?") */
} gap_class;

typedef struct gap_memo {
    size_t mkt;                 /* benchmark data file the gaps were found with (SIZE_MAX: none) */
    int done;                   /* computed */
    size_t ngap;                /* gaps in all */
    int day[GAP_KEEP];          /* the first GAP_KEEP gaps, grouped by reference */
    size_t ref[GAP_LIST];       /* the reference naming each of the first GAP_LIST */
} gap_memo;

typedef struct gap_item {
    int day;
    size_t rank; /* 0: the benchmark; 1 + order of first use: a peer */
    size_t ref;  /* its data file */
} gap_item;

static int gap_item_cmp(const void *a, const void *b)
{
    const gap_item *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return (x->day > y->day) - (x->day < y->day);
}

/* The gaps of series d against benchmark m (SIZE_MAX: none) and class c's
 * peers, into *g. */
static evs_status gaps_of(const evs_run *r, size_t d, size_t m, const gap_class *c, const size_t *rank,
                          gap_memo *g, evs_err *e)
{
    const evs_series *ss = &r->data[d].s;
    const evs_series *ms = m == SIZE_MAX ? NULL : &r->data[m].s;
    gap_item *it = NULL;
    size_t n = 0, cap = 0, mp = 0;
    for (size_t j = 0; j + 1 < ss->n; j++) {
        int d1 = ss->date[j], d2 = ss->date[j + 1];
        if (d2 - d1 < 2)
            continue;
        /* any reference date strictly between two consecutive rows? (mostly not: a weekend) */
        if (ms)
            while (mp < ms->n && ms->date[mp] <= d1)
                mp++;
        int any = ms && mp < ms->n && ms->date[mp] < d2;
        if (!any && c && d1 >= c->lo && d2 - 1 <= c->hi)
            any = c->cum[d2 - 1 - c->lo] != c->cum[d1 - c->lo];
        if (!any)
            continue;
        size_t b = mp;
        for (int day = d1 + 1; day < d2; day++) {
            size_t ref = SIZE_MAX, rk = 0;
            if (ms) {
                while (b < ms->n && ms->date[b] < day)
                    b++;
                if (b < ms->n && ms->date[b] == day)
                    ref = m;
            }
            if (ref == SIZE_MAX && c && day >= c->lo && day <= c->hi && c->who[day - c->lo] != SIZE_MAX) {
                ref = c->who[day - c->lo];
                rk = 1 + rank[ref];
            }
            if (ref == SIZE_MAX)
                continue;
            if (evs_grow((void **)&it, &cap, n + 1, sizeof *it)) {
                evs_free(it);
                return evs_nomem(e);
            }
            it[n++] = (gap_item){day, rk, ref};
        }
    }
    if (n > 1)
        qsort(it, n, sizeof *it, gap_item_cmp); /* (rank, day) pairs are distinct: no order is left to chance */
    g->ngap = n;
    for (size_t i = 0; i < n && i < GAP_KEEP; i++)
        g->day[i] = it[i].day;
    for (size_t i = 0; i < n && i < GAP_LIST; i++)
        g->ref[i] = it[i].ref;
    g->mkt = m;
    g->done = 1;
    evs_free(it);
    return EVS_OK;
}

/* The benchmark a firm-event's gaps are found against: its market when that
 * trades the same sessions, else none (SIZE_MAX). */
static size_t gap_market(const evs_run *r, const job *jb, size_t jj, const evs_firm *f)
{
    if (!f->market || !same_sessions(f->exchange, f->market_exchange))
        return SIZE_MAX;
    size_t m = jb->mkt[jj];
    if (m == SIZE_MAX || strcmp(r->data[m].symbol, f->market) != 0) {
        const evs_datafile *md = evs_run_data(r, f->market);
        m = md ? (size_t)(md - r->data) : SIZE_MAX;
    }
    return m;
}

typedef struct gap_job {
    const evs_run *r;
    gap_class *c;          /* the class whose table is being filled */
    size_t cls_id, nchunk; /* ... its id, and the date chunks it is cut into */
    const size_t *rank, *cls, *order, *mkt0;
    size_t norder;
    gap_class *cl;
    gap_memo *memo;
    first_err fe;
} gap_job;

/* Fill chunk t of a class's table: the days [lo + t span/nchunk, lo + (t+1) span/nchunk),
 * peers in order of first use (each thread its own days: the same table for any jobs). */
static void gap_fill_item(void *ctx, size_t t)
{
    gap_job *g = ctx;
    gap_class *c = g->c;
    long span = (long)c->hi - c->lo + 1;
    int d1 = c->lo + (int)(span * (long)t / (long)g->nchunk), d2 = c->lo + (int)(span * (long)(t + 1) / (long)g->nchunk);
    for (size_t q = 0; q < g->norder; q++) {
        if (g->cls[g->order[q]] != g->cls_id)
            continue;
        const evs_series *ps = &g->r->data[g->order[q]].s;
        for (size_t j = evs_series_lower(ps, d1); j < ps->n && ps->date[j] < d2; j++)
            if (c->who[ps->date[j] - c->lo] == SIZE_MAX)
                c->who[ps->date[j] - c->lo] = g->order[q];
    }
}

/* A security's gaps against the benchmark of its first firm-event (most have one). */
static void gap_memo_item(void *ctx, size_t d)
{
    gap_job *g = ctx;
    if (g->rank[d] == SIZE_MAX || g->r->data[d].s.n < 2)
        return;
    evs_err e = {0};
    if (gaps_of(g->r, d, g->mkt0[d], g->cls[d] == SIZE_MAX ? NULL : &g->cl[g->cls[d]], g->rank, &g->memo[d], &e) !=
        EVS_OK)
        first_err_set(&g->fe, d, &e);
}

/* The gap scan's tables and each security's gaps, from the end of loading
 * (gaps_scan) to the notes and warnings after the analysis (gaps_report). */
typedef struct gap_state {
    size_t nd, ncls;
    size_t *rank, *cls, *order, *mkt0;
    gap_memo *memo;
    gap_class *cl;
} gap_state;

static void gaps_free(gap_state *gs)
{
    for (size_t c = 0; c < gs->ncls; c++) {
        evs_free(gs->cl[c].who);
        evs_free(gs->cl[c].cum);
    }
    evs_free(gs->cl);
    evs_free(gs->rank);
    evs_free(gs->cls);
    evs_free(gs->order);
    evs_free(gs->mkt0);
    evs_free(gs->memo);
    memset(gs, 0, sizeof *gs);
}

/* Every security's data gaps against its first benchmark and its session
 * class's peers: a check of the data (O(rows), like the jump scan), so it runs
 * with the loading, once per file, on all threads. Needs each firm-event's
 * exchange and market (firm_time). */
static evs_status gaps_scan(evs_run *r, const job *jb, size_t total, int jobs, gap_state *gs, evs_err *e)
{
    evs_status st = EVS_OK;
    size_t nd = r->ndata, ncls = 0;
    memset(gs, 0, sizeof *gs);
    gs->nd = nd;
    size_t *rank = gs->rank = evs_malloc((nd + 1) * sizeof *rank), *cls = gs->cls = evs_malloc((nd + 1) * sizeof *cls);
    size_t *order = gs->order = evs_malloc((nd + 1) * sizeof *order);
    size_t *mkt0 = gs->mkt0 = evs_malloc((nd + 1) * sizeof *mkt0);
    gap_memo *memo = gs->memo = evs_calloc(nd + 1, sizeof *memo);
    gap_class *cl = NULL;
    size_t capcl = 0, norder = 0;
    if (!rank || !cls || !order || !mkt0 || !memo)
        return evs_nomem(e);
    for (size_t d = 0; d < nd; d++)
        rank[d] = cls[d] = SIZE_MAX;
    /* the peers in order of first use, and each one's session class */
    for (size_t jj = 0; jj < total && st == EVS_OK; jj++) {
        const evs_firm *f = &r->ev[jb->item_ev[jj]].firm[jb->item_firm[jj]];
        size_t d = jb->sym[jj];
        if (d == SIZE_MAX || !f->exchange || rank[d] != SIZE_MAX)
            continue;
        rank[d] = norder;
        order[norder++] = d;
        mkt0[d] = gap_market(r, jb, jj, f);
        size_t c = 0;
        while (c < ncls && !same_sessions(cl[c].x, f->exchange))
            c++;
        if (c == ncls) {
            if (evs_grow((void **)&cl, &capcl, ncls + 1, sizeof *cl)) {
                st = evs_nomem(e);
                break;
            }
            gs->cl = cl;
            cl[ncls++] = (gap_class){.x = f->exchange, .lo = INT_MAX, .hi = INT_MIN};
            gs->ncls = ncls;
        }
        cls[d] = c;
        const evs_series *ps = &r->data[d].s;
        if (ps->n) {
            if (ps->date[0] < cl[c].lo)
                cl[c].lo = ps->date[0];
            if (ps->date[ps->n - 1] > cl[c].hi)
                cl[c].hi = ps->date[ps->n - 1];
        }
    }
    /* each class's table: date -> the first peer (in order of first use) that has it,
     * filled on all threads by date chunks; then each security's gaps against its
     * first benchmark, on all threads; the ordered notes and warnings follow (gaps_report) */
    gap_job g = {.r = r, .rank = rank, .cls = cls, .order = order, .mkt0 = mkt0, .norder = norder, .cl = cl,
                 .memo = memo, .fe = {.mu = PTHREAD_MUTEX_INITIALIZER, .at = SIZE_MAX}};
    for (size_t c = 0; c < ncls && st == EVS_OK; c++) {
        if (cl[c].lo > cl[c].hi)
            continue;
        size_t span = (size_t)((long)cl[c].hi - cl[c].lo + 1);
        if (!(cl[c].who = evs_malloc(span * sizeof *cl[c].who)) || !(cl[c].cum = evs_malloc(span * sizeof *cl[c].cum))) {
            st = evs_nomem(e);
            break;
        }
        for (size_t i = 0; i < span; i++)
            cl[c].who[i] = SIZE_MAX;
        g.c = &cl[c];
        g.cls_id = c;
        g.nchunk = (size_t)jobs * 4 < span ? (size_t)jobs * 4 : span;
        evs_par_for(g.nchunk, jobs, gap_fill_item, &g);
        for (size_t i = 0, k = 0; i < span; i++)
            cl[c].cum[i] = (uint32_t)(k += cl[c].who[i] != SIZE_MAX);
    }
    g.cl = cl;
    if (st == EVS_OK) {
        evs_par_for(nd, jobs, gap_memo_item, &g);
        if (g.fe.at != SIZE_MAX) {
            *e = g.fe.e;
            st = e->status ? e->status : EVS_ERR_DATA;
        }
    }
    return st;
}

/* Each firm-event's note naming the gaps its returns span, and one warning
 * per security (the first GAP_WARN), in study order. */
static evs_status gaps_report(evs_run *r, const job *jb, size_t total, const evs_warner *w, gap_state *gs,
                              evs_err *e)
{
    evs_status st = EVS_OK;
    size_t nwarned = 0, nmore = 0;
    char *warned = evs_calloc(gs->nd + 1, 1);
    if (!warned)
        return evs_nomem(e);
    for (size_t jj = 0; jj < total && st == EVS_OK; jj++) {
        evs_firm *f = &r->ev[jb->item_ev[jj]].firm[jb->item_firm[jj]];
        size_t d = jb->sym[jj];
        /* ten thousand firm-events read once each, cold: what the next ones
         * read is asked for ahead (their note and day lines, their last span
         * day, their security's gaps) */
        if (jj + 8 < total) {
            const evs_firm *g = &r->ev[jb->item_ev[jj + 8]].firm[jb->item_firm[jj + 8]];
            __builtin_prefetch(g);
            __builtin_prefetch(&g->exchange);
            __builtin_prefetch(g->note);
            if (jb->sym[jj + 8] != SIZE_MAX)
                __builtin_prefetch(&gs->memo[jb->sym[jj + 8]]);
        }
        if (jj + 4 < total) {
            const evs_firm *g = &r->ev[jb->item_ev[jj + 4]].firm[jb->item_firm[jj + 4]];
            if (g->sp_date && g->n_span)
                __builtin_prefetch(g->sp_date + g->n_span - 1);
        }
        if (d == SIZE_MAX || !f->exchange || r->data[d].s.n < 2)
            continue;
        size_t m = gap_market(r, jb, jj, f);
        gap_memo *gm = &gs->memo[d];
        if (!gm->done || gm->mkt != m)
            st = gaps_of(r, d, m, gs->cls[d] == SIZE_MAX ? NULL : &gs->cl[gs->cls[d]], gs->rank, gm, e);
        if (st != EVS_OK || !gm->ngap)
            continue;
        note_used(f, "data gap(s), the return after each spans it", gm->day, gm->ngap < GAP_KEEP ? gm->ngap : GAP_KEEP);
        if (warned[d])
            continue;
        warned[d] = 1;
        if (nwarned == GAP_WARN) {
            nmore++;
            continue;
        }
        nwarned++;
        char list[400] = "";
        size_t len = 0;
        const evs_series *ss = &r->data[d].s;
        for (size_t i = 0; i < gm->ngap && i < GAP_LIST && len < sizeof list - 80; i++) {
            char gd[11], nx[11];
            /* the security's next date: the return that spans the gap */
            size_t lo = evs_date_lower(ss->date, ss->n, gm->day[i] + 1);
            evs_date_format(gm->day[i], gd);
            evs_date_format(ss->date[lo], nx);
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s (%s has it; the return of %s spans it)",
                                    i ? ", " : "", gd, r->data[gm->ref[i]].symbol, nx);
        }
        st = warnf(r, w, e, "%s: data gap: no row although %s traded: %s%s", r->data[d].path, f->exchange->mic,
                   list, gm->ngap > GAP_LIST ? " ..." : "");
    }
    if (st == EVS_OK && nmore)
        st = warnf(r, w, e,
                   "data gaps in %zu more securities, not listed here; each firm-event's note in "
                   "estimates.csv names the gaps its returns span",
                   nmore);
    evs_free(warned);
    return st;
}

/* Event windows of one security that overlap in time (DESIGN.md: reported).
 * The firm-events are grouped by symbol (a sort, O(F log F)); each is compared
 * with the later events' firm-events of its symbol only, in study order. */
typedef struct ov_key {
    uint64_t head; /* the symbol's first 8 bytes, big-endian, zero-padded: ordered as strcmp orders them */
    const char *symbol;
    size_t item;
} ov_key;

static uint64_t head8(const char *s)
{
    uint64_t h = 0;
    size_t i = 0;
    for (; i < 8 && s[i]; i++)
        h = h << 8 | (unsigned char)s[i];
    return i == 0 ? 0 : h << (8 * (8 - i)); /* (a shift by 64 would be undefined) */
}

/* strcmp's order of the symbols: the packed heads first, so that most
 * comparisons read no string */
static int ov_symcmp(const ov_key *x, const ov_key *y)
{
    int c = (x->head > y->head) - (x->head < y->head);
    if (!c && x->head << 56 != 0) /* the heads agree on 8 bytes, none of them the end */
        c = strcmp(x->symbol + 8, y->symbol + 8);
    return c;
}

/* by symbol, then by item */
static int ov_cmp(const void *a, const void *b)
{
    const ov_key *x = a, *y = b;
    int c = ov_symcmp(x, y);
    return c ? c : (x->item > y->item) - (x->item < y->item);
}

static evs_status find_overlaps(evs_run *r, const job *jb, size_t total, const evs_warner *w, evs_err *e)
{
    ov_key *key = evs_malloc((total + 1) * sizeof *key);
    size_t *pos = evs_malloc((total + 1) * sizeof *pos);
    evs_status st = EVS_OK;
    if (!key || !pos) {
        st = evs_nomem(e);
        goto out;
    }
    for (size_t jj = 0; jj < total; jj++)
    {
        const char *sym = r->ev[jb->item_ev[jj]].firm[jb->item_firm[jj]].symbol;
        key[jj] = (ov_key){head8(sym), sym, jj};
    }
    qsort(key, total, sizeof *key, ov_cmp);
    for (size_t q = 0; q < total; q++)
        pos[key[q].item] = q;
    for (size_t jj = 0; jj < total && st == EVS_OK; jj++) {
        size_t k = jb->item_ev[jj];
        const evs_firm *f = &r->ev[k].firm[jb->item_firm[jj]];
        if (!f->ok)
            continue;
        for (size_t q = pos[jj] + 1; q < total && ov_symcmp(&key[q], &key[pos[jj]]) == 0 && st == EVS_OK; q++) {
            size_t j2 = key[q].item;
            if (jb->item_ev[j2] <= k)
                continue;
            const evs_firm *g = &r->ev[jb->item_ev[j2]].firm[jb->item_firm[j2]];
            if (!g->ok)
                continue;
            int a1 = f->sp_date[0], a2 = f->sp_date[f->n_span - 1];
            int b1 = g->sp_date[0], b2 = g->sp_date[g->n_span - 1];
            if (a1 > b2 || b1 > a2)
                continue;
            char x1[11], x2[11], y1[11], y2[11];
            evs_date_format(a1, x1);
            evs_date_format(a2, x2);
            evs_date_format(b1, y1);
            evs_date_format(b2, y2);
            st = warnf(r, w, e,
                       "%s: the event windows of %s (%s..%s) and %s (%s..%s) overlap: the same "
                       "returns count in both firm-events",
                       f->symbol, f->event, x1, x2, g->event, y1, y2);
        }
    }
out:
    evs_free(key);
    evs_free(pos);
    return st;
}

evs_status evs_run_study_opts(const evs_study *s, const evs_run_opts *o, const evs_warner *w, evs_run *r, evs_err *e)
{
    int jobs = o && o->jobs > 0 ? o->jobs : 1;
    memset(r, 0, sizeof *r);
    r->study = s;
    r->run_at = time(NULL);
    r->jobs = jobs;
    double t0 = now(), c0 = cpu_now();
    r->ev = evs_calloc(s->nevents, sizeof *r->ev);
    if (!r->ev)
        return evs_nomem(e);
    r->nev = s->nevents;
    size_t total = 0;
    for (size_t k = 0; k < s->nevents; k++)
        total += s->events[k].nsymbols;
    size_t tabsz = 16;
    while (tabsz < 4 * total + 4)
        tabsz *= 2;
    gap_state gs = {0};
    job jb = {.r = r,
              .fe = {.mu = PTHREAD_MUTEX_INITIALIZER, .at = SIZE_MAX},
              .fe_ev = {.mu = PTHREAD_MUTEX_INITIALIZER, .at = SIZE_MAX}};
    size_t *tab = evs_malloc(tabsz * sizeof *tab);
    jb.item_ev = evs_malloc(total * sizeof(size_t));
    jb.item_firm = evs_malloc(total * sizeof(size_t));
    jb.sym = evs_malloc(total * sizeof(size_t));
    jb.mkt = evs_malloc(total * sizeof(size_t));
    jb.sector = evs_malloc(total * sizeof(size_t) + 1);
    jb.fac = evs_malloc(s->nevents * sizeof(size_t) + 1);
    jb.ev_first = evs_malloc(s->nevents * sizeof(size_t) + 1);
    jb.left = evs_malloc(s->nevents * sizeof *jb.left + 1);
    r->data = evs_calloc(3 * total + 1, sizeof *r->data);
    evs_status st = EVS_OK;
    if (!tab || !jb.item_ev || !jb.item_firm || !jb.sym || !jb.mkt || !jb.sector || !jb.fac || !jb.ev_first ||
        !jb.left || !r->data) {
        st = evs_nomem(e);
        goto out;
    }
    memset(tab, 0xff, tabsz * sizeof *tab);
    /* the firm-events in study order, and their data files in order of first use */
    size_t j = 0;
    for (size_t k = 0; k < s->nevents && st == EVS_OK; k++) {
        evs_event_result *er = &r->ev[k];
        const evs_event_def *ev = er->def = &s->events[k];
        if (!(er->firm = evs_calloc(ev->nsymbols, sizeof *er->firm))) {
            st = evs_nomem(e);
            break;
        }
        er->nfirm = ev->nsymbols;
        jb.ev_first[k] = j;
        for (size_t i = 0; i < ev->nsymbols && st == EVS_OK; i++, j++) {
            evs_firm *f = &er->firm[i];
            f->event = ev->name;
            f->symbol = ev->symbols[i];
            f->market = evs_study_market(s, ev, f->symbol);
            jb.item_ev[j] = k;
            jb.item_firm[j] = i;
            jb.sym[j] = jb.mkt[j] = jb.sector[j] = SIZE_MAX;
            if (ev->intraday) /* its bars are loaded by evs_intraday_load */
                continue;
            st = data_index(r, tab, tabsz - 1, f->symbol, &jb.sym[j], e);
            if (st == EVS_OK && f->market)
                st = data_index(r, tab, tabsz - 1, f->market, &jb.mkt[j], e);
            if (st == EVS_OK && ev->p.model == EVS_MODEL_TWO_INDEX)
                st = data_index(r, tab, tabsz - 1, ev->p.sector, &jb.sector[j], e);
        }
    }
    if (st != EVS_OK)
        goto out;
    /* load every file once, on all threads; report the first failure in order of first use,
     * with the warnings of the files before it, as a sequential load would */
    evs_par_for(r->ndata, jobs, load_item, &jb);
    /* Only the price is used from here on: each file's other price column is
     * given back, now that every file is read (given back during the load,
     * the next file's block would take it; now the analysis does, for the
     * arrays it keeps, and asks the system for about none of its own: a
     * fresh page costs more than a microsecond, a firm-event keeps 9 KB). */
    for (size_t d = 0; d < r->ndata; d++)
        if (jb.fe.at > d)
            evs_series_keep_price(&r->data[d].s);
    for (size_t d = 0; d < r->ndata && st == EVS_OK; d++) {
        if (jb.fe.at == d) {
            *e = jb.fe.e;
            st = e->status ? e->status : EVS_ERR_DATA;
        } else {
            st = r->data[d].first_jump == SIZE_MAX ? EVS_OK : scan_jumps(r, w, &r->data[d], e);
        }
        r->rows_loaded += r->data[d].s.n;
        r->bytes_loaded += r->data[d].bytes;
    }
    /* intraday bar files, once each */
    if (st == EVS_OK)
        st = evs_intraday_load(r, e);
    /* the factor tables, once each */
    for (size_t k = 0; k < s->nevents && st == EVS_OK; k++) {
        jb.fac[k] = SIZE_MAX;
        if (evs_model_uses_factors(s->events[k].p.model))
            st = load_factors(r, s->events[k].p.factors, &jb.fac[k], e);
    }
    if (st != EVS_OK)
        goto out;
    /* time and calendars, sequentially (time zones are loaded into the run, warnings are ordered):
     * each firm-event's exchange, model, day 0, synchronicity and, for a future, its roll days */
    for (size_t jj = 0; jj < total && st == EVS_OK; jj++) {
        const evs_event_def *ev = r->ev[jb.item_ev[jj]].def;
        evs_firm *f = &r->ev[jb.item_ev[jj]].firm[jb.item_firm[jj]];
        f->model = ev->p.model;
        if (ev->intraday)
            continue;
        const evs_datafile *sd = &r->data[jb.sym[jj]], *md = jb.mkt[jj] == SIZE_MAX ? NULL : &r->data[jb.mkt[jj]];
        st = firm_time(r, w, ev, f, sd, md, e);
        if (st == EVS_OK && md && f->exchange->evening_open)
            st = detect_rolls(r, w, f, &sd->s, &md->s, ev->p.returns, e);
    }
    /* the data gaps of every security (a check of the data, like the jumps) */
    if (st == EVS_OK)
        st = gaps_scan(r, &jb, total, jobs, &gs, e);
    if (st != EVS_OK)
        goto out;
    double t1 = now(), c1 = cpu_now();
    r->sec_load = t1 - t0;
    r->cpu_load = c1 - c0;
    /* every firm-event on all threads, each event's cross-section as soon as its
     * firm-events are done (firm_item); a failing firm-event is reported before
     * any cross-section's failure, the first of either kind by index */
    for (size_t k = 0; k < r->nev; k++)
        atomic_init(&jb.left[k], r->ev[k].nfirm);
    atomic_init(&jb.firm_failed, 0);
    evs_par_for(total, jobs, firm_item, &jb);
    r->sec_firms = now() - t1;
    for (size_t k = 0; k < r->nev && !jb.firm_failed; k++)
        if (r->ev[k].nfirm == 0) /* no firm-event to trigger it */
            event_item(&jb, k);
    first_err *fail = jb.fe.at != SIZE_MAX ? &jb.fe : jb.fe_ev.at != SIZE_MAX ? &jb.fe_ev : NULL;
    if (fail) {
        *e = fail->e;
        st = e->status ? e->status : EVS_ERR_DATA;
        goto out;
    }
    r->nfirm_events = total;
    st = evs_intraday_warn(r, w, e);
    if (st != EVS_OK)
        goto out;
    if (r->nev > 1) {
        double tp = now();
        st = run_pooled(r, e);
        r->sec_pooled = now() - tp;
    }
    for (size_t k = 0; k < r->nev; k++)
        for (size_t i = 0; i < r->ev[k].nfirm; i++)
            note_used(&r->ev[k].firm[i], "futures roll days removed from the returns", r->ev[k].firm[i].rolls,
                      r->ev[k].firm[i].nrolls);
    if (st == EVS_OK)
        st = gaps_report(r, &jb, total, w, &gs, e);
    if (st == EVS_OK)
        st = find_overlaps(r, &jb, total, w, e);
    if (st == EVS_OK) {
        for (size_t k = 0; k < r->nev && st == EVS_OK; k++)
            for (size_t i = 0; i < r->ev[k].nfirm && st == EVS_OK; i++) {
                const evs_firm *f = &r->ev[k].firm[i];
                if (!f->ok)
                    st = warnf(r, w, e, "event %s: %s excluded: %s", f->event, f->symbol, f->reason);
            }
    }
    r->sec_analysis = now() - t1;
    r->cpu_analysis = cpu_now() - c1;
out:
    evs_free(tab);
    evs_free(jb.item_ev);
    evs_free(jb.item_firm);
    evs_free(jb.sym);
    evs_free(jb.mkt);
    evs_free(jb.sector);
    evs_free(jb.fac);
    evs_free(jb.ev_first);
    evs_free(jb.left);
    gaps_free(&gs);
    if (st != EVS_OK)
        evs_run_free(r);
    return st;
}

evs_status evs_run_study(const evs_study *s, const evs_warner *w, evs_run *r, evs_err *e)
{
    return evs_run_study_opts(s, NULL, w, r, e);
}

void evs_run_free(evs_run *r)
{
    for (size_t k = 0; k < r->nev; k++) {
        evs_event_result *er = &r->ev[k];
        for (size_t i = 0; i < er->nfirm; i++)
            evs_firm_free(&er->firm[i]);
        evs_free(er->firm);
        evs_free(er->tests); /* owns aar, caar, se_aar, se_caar, n and date too (event_tests) */
        for (size_t i = 0; er->vol && i < er->nfirm; i++)
            evs_volume_free(&er->vol[i]);
        evs_free(er->vol);
        evs_free(er->act);
    }
    evs_free(r->ev);
    evs_free(r->pooled);
    for (size_t i = 0; i < r->ndata; i++) {
        evs_free(r->data[i].symbol);
        evs_free(r->data[i].path);
        evs_series_free(&r->data[i].s);
        evs_ini_free(&r->data[i].meta);
    }
    evs_free(r->data);
    evs_intraday_data_free(r->intraday);
    for (size_t i = 0; i < r->nfactors; i++) {
        evs_free(r->factors[i].spec);
        evs_free(r->factors[i].path);
        evs_factors_free(&r->factors[i].t);
    }
    evs_free(r->factors);
    for (size_t i = 0; i < r->nwarnings; i++)
        evs_free(r->warnings[i]);
    evs_free(r->warnings);
    for (size_t i = 0; i < r->ntz; i++)
        evs_tz_free(&r->tz[i]);
    evs_free(r->tz);
    memset(r, 0, sizeof *r);
}

const evs_datafile *evs_run_data(const evs_run *r, const char *symbol)
{
    for (size_t i = 0; i < r->ndata; i++)
        if (strcmp(r->data[i].symbol, symbol) == 0)
            return &r->data[i];
    return NULL;
}
