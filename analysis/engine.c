/*
 * engine.c — running a study end to end in memory (see evs_engine.h).
 */
#include "evs_engine.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "evs_align.h"
#include "evs_cache.h"
#include "evs_date.h"
#include "evs_file.h"
#include "evs_fmt.h"
#include "evs_mem.h"

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

/* Price jumps that suggest a bad or unadjusted price: beyond +-50% in one
 * day, or a ratio matching a common split (2:1, 3:2, 3:1, 4:1, 5:1, 10:1 ...). */
static evs_status scan_jumps(evs_run *r, const evs_warner *w, const evs_datafile *df, evs_err *e)
{
    static const double splits[] = {2, 1.5, 3, 4, 5, 8, 10, 20, 50, 100};
    const evs_series *s = &df->s;
    for (size_t i = 1; i < s->n; i++) {
        double ratio = s->price[i] / s->price[i - 1], ret = ratio - 1.0;
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

/* Load symbol's file once; *out is its index in r->data (pointers into
 * r->data are invalidated by the next load). */
static evs_status load(evs_run *r, const evs_warner *w, const char *symbol, size_t *out, evs_err *e)
{
    for (size_t i = 0; i < r->ndata; i++)
        if (strcmp(r->data[i].symbol, symbol) == 0) {
            *out = i;
            return EVS_OK;
        }
    evs_datafile *nd = evs_reallocarray(r->data, r->ndata + 1, sizeof *nd);
    if (!nd)
        return evs_nomem(e);
    r->data = nd;
    evs_datafile *df = &r->data[r->ndata];
    memset(df, 0, sizeof *df);
    evs_status st = evs_cache_path(r->study->data_dir, "1d", symbol, ".csv", &df->path, e);
    if (st != EVS_OK)
        return st;
    if (!(df->symbol = evs_strdup(symbol))) {
        evs_free(df->path);
        return evs_nomem(e);
    }
    r->ndata++; /* owned by the run from here on */
    st = evs_series_read(df->path, &df->s, e);
    if (st != EVS_OK) {
        if (st == EVS_ERR_DATA && strstr(e->msg, "cannot open"))
            evs_err_prefix(e, "data for %s (fetch it with 'evstudy fetch %s')", symbol, r->study->path);
        return st;
    }
    char *mp = NULL;
    if ((st = evs_cache_path(r->study->data_dir, "1d", symbol, ".meta", &mp, e)) != EVS_OK)
        return st;
    FILE *probe = fopen(mp, "rb");
    if (probe) {
        fclose(probe);
        st = evs_ini_read(mp, &df->meta, e);
    }
    evs_free(mp);
    if (st != EVS_OK)
        return st;
    if ((st = scan_jumps(r, w, df, e)) != EVS_OK)
        return st;
    *out = r->ndata - 1;
    return EVS_OK;
}

static evs_status run_event(evs_run *r, const evs_warner *w, evs_event_result *er, evs_err *e)
{
    const evs_study *s = r->study;
    const evs_event_def *ev = er->def;
    er->firm = evs_calloc(ev->nsymbols, sizeof *er->firm);
    if (!er->firm)
        return evs_nomem(e);
    er->nfirm = ev->nsymbols;
    for (size_t i = 0; i < ev->nsymbols; i++) {
        evs_firm *f = &er->firm[i];
        f->event = ev->name;
        f->symbol = ev->symbols[i];
        f->market = evs_study_market(s, ev, f->symbol);
        size_t si = 0, mi = 0;
        evs_status st = load(r, w, f->symbol, &si, e);
        if (st == EVS_OK && f->market)
            st = load(r, w, f->market, &mi, e);
        if (st != EVS_OK)
            return st;
        const evs_datafile *sd = &r->data[si], *md = f->market ? &r->data[mi] : NULL;
        if (!f->market && ev->p.model != EVS_MODEL_CONSTANT_MEAN) {
            f->ok = 0;
            f->day0_date = f->est_first_date = f->est_last_date = EVS_NO_DATE;
            snprintf(f->reason, sizeof f->reason, "no market for model %s", evs_model_name(ev->p.model));
            continue;
        }
        evs_aligned a;
        if ((st = evs_align(&sd->s, md ? &md->s : NULL, ev->p.returns, &a, e)) != EVS_OK)
            return st;
        st = evs_firm_compute(f, &a, &ev->p, ev->date, e);
        evs_aligned_free(&a);
        if (st != EVS_OK)
            return st;
        er->nok += f->ok;
    }
    if (er->nok == 0) {
        char why[600] = "";
        size_t k = 0;
        for (size_t i = 0; i < er->nfirm && k + 2 < sizeof why; i++)
            k += (size_t)snprintf(why + k, sizeof why - k, "%s%s: %s", i ? "; " : "", er->firm[i].symbol,
                                  er->firm[i].reason);
        return evs_errf(e, EVS_ERR_DATA, "%s:%d: event %s: no security left to analyse (%s)", s->path, ev->line,
                        ev->name, why);
    }
    /* included firms */
    const evs_firm **ok = evs_malloc(er->nok * sizeof *ok);
    size_t *widx = evs_malloc(er->nok * sizeof *widx);
    double *col = evs_malloc(er->nok * sizeof *col), *col2 = evs_malloc(er->nok * sizeof *col2);
    er->tests = evs_calloc(ev->p.nwindows, sizeof *er->tests);
    /* the event span comes from the windows (an excluded firm may never have set its own) */
    er->span_first = ev->p.windows[0].first;
    er->span_last = ev->p.windows[0].last;
    for (size_t w = 1; w < ev->p.nwindows; w++) {
        er->span_first = ev->p.windows[w].first < er->span_first ? ev->p.windows[w].first : er->span_first;
        er->span_last = ev->p.windows[w].last > er->span_last ? ev->p.windows[w].last : er->span_last;
    }
    er->nspan = (size_t)(er->span_last - er->span_first + 1);
    er->date = evs_malloc(er->nspan * sizeof *er->date);
    er->n = evs_malloc(er->nspan * sizeof *er->n);
    double **cols[] = {&er->aar, &er->caar, &er->se_aar, &er->se_caar};
    int bad = !ok || !widx || !col || !col2 || !er->tests || !er->date || !er->n;
    for (size_t i = 0; i < 4; i++)
        if (!(*cols[i] = evs_malloc(er->nspan * sizeof(double))))
            bad = 1;
    evs_status st = EVS_OK;
    if (bad) {
        st = evs_nomem(e);
        goto out;
    }
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
        evs_sample smp = {ok, widx, m, ev->p.windows[wi], er->rbar};
        if ((st = evs_tests_run(&smp, er->tests[wi], e)) != EVS_OK)
            goto out;
    }
out:
    evs_free(ok);
    evs_free(widx);
    evs_free(col);
    evs_free(col2);
    return st;
}

static long window_index(const evs_params *p, evs_window w)
{
    for (size_t i = 0; i < p->nwindows; i++)
        if (p->windows[i].first == w.first && p->windows[i].last == w.last)
            return (long)i;
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
            if (r->ev[k].firm[i].ok)
                f[m++] = &r->ev[k].firm[i];
    r->pooled_rbar = evs_kp_rbar(f, m);
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
        evs_sample smp = {f, widx, m, win, r->pooled_rbar};
        if ((st = evs_tests_run(&smp, pl->rows, e)) != EVS_OK)
            goto out;
        r->npooled++;
    }
out:
    evs_free(f);
    evs_free(widx);
    return st;
}

evs_status evs_run_study(const evs_study *s, const evs_warner *w, evs_run *r, evs_err *e)
{
    memset(r, 0, sizeof *r);
    r->study = s;
    r->run_at = time(NULL);
    r->ev = evs_calloc(s->nevents, sizeof *r->ev);
    if (!r->ev)
        return evs_nomem(e);
    r->nev = s->nevents;
    evs_status st = EVS_OK;
    for (size_t k = 0; k < s->nevents && st == EVS_OK; k++) {
        r->ev[k].def = &s->events[k];
        st = run_event(r, w, &r->ev[k], e);
    }
    if (st == EVS_OK && r->nev > 1)
        st = run_pooled(r, e);
    if (st == EVS_OK) {
        for (size_t k = 0; k < r->nev && st == EVS_OK; k++)
            for (size_t i = 0; i < r->ev[k].nfirm && st == EVS_OK; i++) {
                const evs_firm *f = &r->ev[k].firm[i];
                if (!f->ok)
                    st = warnf(r, w, e, "event %s: %s excluded: %s", f->event, f->symbol, f->reason);
            }
    }
    if (st != EVS_OK)
        evs_run_free(r);
    return st;
}

void evs_run_free(evs_run *r)
{
    for (size_t k = 0; k < r->nev; k++) {
        evs_event_result *er = &r->ev[k];
        for (size_t i = 0; i < er->nfirm; i++)
            evs_firm_free(&er->firm[i]);
        evs_free(er->firm);
        evs_free(er->date);
        evs_free(er->n);
        evs_free(er->aar);
        evs_free(er->caar);
        evs_free(er->se_aar);
        evs_free(er->se_caar);
        evs_free(er->tests);
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
    for (size_t i = 0; i < r->nwarnings; i++)
        evs_free(r->warnings[i]);
    evs_free(r->warnings);
    memset(r, 0, sizeof *r);
}

const evs_datafile *evs_run_data(const evs_run *r, const char *symbol)
{
    for (size_t i = 0; i < r->ndata; i++)
        if (strcmp(r->data[i].symbol, symbol) == 0)
            return &r->data[i];
    return NULL;
}
