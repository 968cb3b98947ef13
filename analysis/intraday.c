/*
 * intraday.c — intraday events: settings, windows in bars, one firm-event on
 * bars (see evs_intraday.h). The statistics are those of firm.c and tests.c
 * (CLM 1997 ch. 4), applied to bar returns (Busse & Green 2002, section 3).
 */
#include "evs_intraday.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evs_cache.h"
#include "evs_fmt.h"
#include "evs_json.h"
#include "evs_mem.h"

const char *evs_interval_name(int minutes)
{
    return minutes == 1 ? "1m" : minutes == 60 ? "1h" : minutes == 5 ? "5m" : "?";
}

void evs_minute_format(int minute, char out[21])
{
    evs_instant_format(evs_minute_instant(minute), out);
}

/* "30m" or "2h" (a whole number of minutes or hours, 1..10080 minutes); -1 when malformed. */
static int duration_minutes(const char *v)
{
    char *ep;
    errno = 0;
    long x = strtol(v, &ep, 10);
    if (ep == v || errno || x <= 0 || (ep[0] != 'm' && ep[0] != 'h') || ep[1] || v[0] == '+' || v[0] == ' ')
        return -1;
    if (ep[0] == 'h')
        x *= 60;
    return x > 7 * 24 * 60 ? -1 : (int)x;
}

evs_status evs_intraday_setting(const char *path, int line, const char *key, const char *value, evs_params *p,
                                evs_err *e)
{
    if (strcmp(key, "interval") == 0) {
        int m = strcmp(value, "60m") == 0 ? 60 : duration_minutes(value);
        if (m != 1 && m != 5 && m != 60)
            return evs_errf(e, EVS_ERR_USAGE, "%s:%d: unknown interval (%s); use 1m, 5m or 1h", path, line, value);
        p->interval = m;
    } else if (strcmp(key, "overnight") == 0) {
        if (strcmp(value, "include") == 0)
            p->overnight = EVS_OVERNIGHT_INCLUDE;
        else if (strcmp(value, "exclude") == 0)
            p->overnight = EVS_OVERNIGHT_EXCLUDE;
        else
            return evs_errf(e, EVS_ERR_USAGE, "%s:%d: unknown overnight (%s); use include or exclude", path, line,
                            value);
    } else {
        int m = duration_minutes(value);
        if (m < 0)
            return evs_errf(e, EVS_ERR_USAGE, "%s:%d: malformed session_gap, expected minutes or hours such as 30m "
                                              "or 2h (%s)", path, line, value);
        p->session_gap = m;
    }
    return EVS_OK;
}

/* floor(a / b) and ceil(a / b) for b > 0 */
static long fdiv(long a, long b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}
static long cdiv(long a, long b)
{
    return -fdiv(-a, b);
}

/* The bars of an intraday window w (see evs_intraday.h); 0, or -1 when it holds none. */
static int to_bars(evs_window *w, int interval)
{
    if (w->unit == 'b') {
        w->first = w->wfirst;
        w->last = w->wlast;
        return 0;
    }
    long u = w->unit == 'h' ? 60 : 1;
    long f = cdiv((long)w->wfirst * u, interval), l = fdiv((long)w->wlast * u, interval);
    if (f > l || f < INT_MIN / 4 || l > INT_MAX / 4)
        return -1;
    w->first = (int)f;
    w->last = (int)l;
    return 0;
}

evs_status evs_intraday_event_params(const char *path, evs_event_def *ev, const evs_params *study, evs_err *e)
{
    evs_params *p = &ev->p;
    size_t nunit = 0, first_daily = 0, first_unit = 0;
    char a[32], b[32];
    for (size_t w = 0; w < p->nwindows; w++) {
        if (p->windows[w].unit) {
            if (!nunit)
                first_unit = w;
            nunit++;
        } else {
            first_daily = w;
        }
    }
    if (nunit == 0) {
        if (p->estimation.unit)
            return evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s has windows in trading days but an intraday "
                                              "estimation window (%s); give it estimation in trading days",
                            path, ev->line, ev->name, evs_window_format(p->estimation, a));
        return EVS_OK;
    }
    if (nunit != p->nwindows)
        return evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s mixes intraday windows and windows in trading days (%s and "
                                          "%s); put them in separate events",
                        path, ev->line, ev->name, evs_window_format(p->windows[first_unit], a),
                        evs_window_format(p->windows[first_daily], b));
    if (!ev->has_instant) {
        char d[11];
        evs_instant_format(ev->instant, a);
        memcpy(d, a, 10);
        d[10] = 0;
        return evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s has intraday windows (%s) but its time is a date (%s); "
                                          "give an instant such as %sT14:30:00Z",
                        path, ev->line, ev->name, evs_window_format(p->windows[0], b), d, d);
    }
    ev->intraday = 1;
    if (p->model != EVS_MODEL_CONSTANT_MEAN && p->model != EVS_MODEL_MARKET_ADJUSTED && p->model != EVS_MODEL_MARKET)
        return evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s: model %s is not available for intraday windows; use "
                                          "constant-mean, market-adjusted or market",
                        path, ev->line, ev->name, evs_model_name(p->model));
    const char *iv = evs_interval_name(p->interval);
    if (!p->estimation.unit) {
        if (p->set & EVS_SET_ESTIMATION)
            return evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s has intraday windows but its estimation window is in "
                                              "trading days (%s); write it in minutes, hours or bars, such as "
                                              "-1440m..-61m",
                            path, ev->line, ev->name, evs_window_format(p->estimation, a));
        evs_window def = {0, 0, 'm', -1440, -61};
        p->estimation = def;
    }
    if (p->session_gap == 0)
        p->session_gap = 2 * p->interval > 30 ? 2 * p->interval : 30;
    if (p->session_gap <= p->interval)
        return evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s: session_gap (%dm) must be longer than the interval (%s)",
                        path, ev->line, ev->name, p->session_gap, iv);
    for (size_t w = 0; w < p->nwindows; w++)
        if (to_bars(&p->windows[w], p->interval) != 0)
            return evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s: window %s holds no %s bar", path, ev->line, ev->name,
                            evs_window_format(p->windows[w], a), iv);
    if (to_bars(&p->estimation, p->interval) != 0)
        return evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s: estimation window %s holds no %s bar", path, ev->line,
                        ev->name, evs_window_format(p->estimation, a), iv);
    for (size_t w = 0; w < p->nwindows; w++)
        if (p->windows[w].first <= p->estimation.last && p->windows[w].last >= p->estimation.first)
            return evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s: estimation window %s (bars %d..%d) overlaps event "
                                              "window %s (bars %d..%d of %s)",
                            path, ev->line, ev->name, evs_window_format(p->estimation, a), p->estimation.first,
                            p->estimation.last, evs_window_format(p->windows[w], b), p->windows[w].first,
                            p->windows[w].last, iv);
    int L = p->estimation.last - p->estimation.first + 1;
    if (!((p->set | study->set) & EVS_SET_MIN_ESTIMATION))
        p->min_estimation = L / 2 > 3 ? (L + 1) / 2 : 3;
    if (L < p->min_estimation)
        return evs_errf(e, EVS_ERR_USAGE, "%s:%d: event %s: estimation window %s holds %d bars of %s, fewer than "
                                          "min_estimation (%d)",
                        path, ev->line, ev->name, evs_window_format(p->estimation, a), L, iv, p->min_estimation);
    return EVS_OK;
}

void evs_intraday_day_span(const evs_params *p, int *first, int *last)
{
    long f = p->windows[0].first, l = p->windows[0].last;
    for (size_t w = 1; w < p->nwindows; w++) {
        f = p->windows[w].first < f ? p->windows[w].first : f;
        l = p->windows[w].last > l ? p->windows[w].last : l;
    }
    long before = f < 0 ? -f * p->interval : 0, after = l > 0 ? l * p->interval : 0; /* trading minutes */
    *first = (int)-cdiv(before, 300);
    *last = (int)cdiv(after, 300) + 1;
}

/* ------------------------------------------------------------ the run */

void evs_intraday_data_free(evs_intraday_data *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        evs_free(d->f[i].symbol);
        evs_free(d->f[i].path);
        evs_ibars_free(&d->f[i].b);
        evs_ini_free(&d->f[i].meta);
    }
    evs_free(d->f);
    for (size_t k = 0; d->note && k < d->nnote; k++) {
        evs_free(d->note[k]);
        evs_free(d->span_min[k]);
    }
    evs_free(d->note);
    evs_free(d->span_min);
    evs_free(d);
}

static const evs_ifile *find_file(const evs_intraday_data *d, const char *symbol, int interval)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->f[i].interval == interval && strcmp(d->f[i].symbol, symbol) == 0)
            return &d->f[i];
    return NULL;
}

/* Load symbol's bars at interval into d once. */
static evs_status load(evs_intraday_data *d, const evs_study *s, const char *symbol, int interval, evs_err *e)
{
    if (find_file(d, symbol, interval))
        return EVS_OK;
    evs_ifile *nf = evs_reallocarray(d->f, d->n + 1, sizeof *nf);
    if (!nf)
        return evs_nomem(e);
    d->f = nf;
    evs_ifile *f = &d->f[d->n];
    memset(f, 0, sizeof *f);
    f->interval = interval;
    const char *iv = evs_interval_name(interval);
    evs_status st = evs_cache_path(s->data_dir, iv, symbol, ".csv", &f->path, e);
    if (st != EVS_OK)
        return st;
    if (!(f->symbol = evs_strdup(symbol))) {
        evs_free(f->path);
        return evs_nomem(e);
    }
    d->n++; /* owned by d from here on */
    if ((st = evs_ibars_read(f->path, &f->b, e)) != EVS_OK) {
        if (st == EVS_ERR_DATA && strstr(e->msg, "cannot open"))
            evs_err_prefix(e, "%s bars for %s (fetch them with 'evstudy fetch %s --interval %s --from DATE --data %s'; "
                              "the provider keeps 1m bars for 30 days and 5m bars for 60)",
                           iv, symbol, symbol, iv, s->data_dir);
        return st;
    }
    for (size_t i = 1; i < f->b.n; i++)
        if (f->b.t[i] - f->b.t[i - 1] < 60LL * interval) {
            char t0[21], t1[21];
            evs_instant_format(f->b.t[i - 1], t0);
            evs_instant_format(f->b.t[i], t1);
            return evs_errf(e, EVS_ERR_DATA, "%s: bars closer than the interval %s (%s then %s)", f->path, iv, t0, t1);
        }
    char *mp = NULL;
    if ((st = evs_cache_path(s->data_dir, iv, symbol, ".meta", &mp, e)) != EVS_OK)
        return st;
    FILE *probe = fopen(mp, "rb");
    if (probe) {
        fclose(probe);
        st = evs_ini_read(mp, &f->meta, e);
    }
    evs_free(mp);
    return st;
}

static size_t span_len(const evs_params *p)
{
    int s1 = p->windows[0].first, s2 = p->windows[0].last;
    for (size_t w = 1; w < p->nwindows; w++) {
        s1 = p->windows[w].first < s1 ? p->windows[w].first : s1;
        s2 = p->windows[w].last > s2 ? p->windows[w].last : s2;
    }
    return (size_t)(s2 - s1 + 1);
}

int evs_intraday_span_minutes(const evs_run *r, size_t k, size_t i, size_t t)
{
    const evs_intraday_data *d = r->intraday;
    if (!d || k >= d->nnote || !d->span_min[k] || !r->ev[k].firm[i].ok)
        return -1;
    size_t ns = span_len(&r->ev[k].def->p);
    int v = t < ns ? d->span_min[k][i * ns + t] : 0;
    return v > 0 ? v : -1;
}

evs_status evs_intraday_load(evs_run *r, evs_err *e)
{
    const evs_study *s = r->study;
    size_t nintra = 0;
    for (size_t k = 0; k < r->nev; k++)
        nintra += r->ev[k].def->intraday;
    if (!nintra)
        return EVS_OK;
    evs_intraday_data *d = r->intraday = evs_calloc(1, sizeof *d);
    if (!d || !(d->note = evs_calloc(r->nev, sizeof *d->note)) ||
        !(d->span_min = evs_calloc(r->nev, sizeof *d->span_min)))
        return evs_nomem(e);
    d->nnote = r->nev;
    for (size_t k = 0; k < r->nev; k++) {
        const evs_event_def *ev = r->ev[k].def;
        if (!ev->intraday)
            continue;
        if (!(d->note[k] = evs_calloc(r->ev[k].nfirm + 1, EVS_INTRADAY_NOTE)) ||
            !(d->span_min[k] = evs_calloc((r->ev[k].nfirm + 1) * span_len(&ev->p), sizeof(int))))
            return evs_nomem(e);
        for (size_t i = 0; i < r->ev[k].nfirm; i++) {
            const evs_firm *f = &r->ev[k].firm[i];
            evs_status st = load(d, s, f->symbol, ev->p.interval, e);
            if (st == EVS_OK && f->market)
                st = load(d, s, f->market, ev->p.interval, e);
            if (st != EVS_OK)
                return st;
        }
    }
    return EVS_OK;
}

/* The note of a firm-event: returns inside its event span that cross missing bars or a session gap. */
static void span_note(const evs_event_def *ev, const evs_firm *f, const evs_ialigned *ia, long k0, char *note)
{
    const evs_params *p = &ev->p;
    size_t nm = 0, ns = 0, used = 0;
    long firstm = -1, firsts = -1;
    for (long k = k0 + f->span_first; k <= k0 + f->span_last; k++) {
        if (ia->gap[k] == EVS_GAP_MISSING && nm++ == 0)
            firstm = k;
        if (ia->gap[k] == EVS_GAP_SESSION && ns++ == 0)
            firsts = k;
    }
    char t0[21], t1[21];
    note[0] = 0;
    if (nm) {
        evs_instant_format(ia->t_prev[firstm], t0);
        evs_instant_format(ia->t[firstm], t1);
        used = (size_t)snprintf(note, EVS_INTRADAY_NOTE,
                                "event %s: %s: %zu return%s in the event span cross%s missing %s bars, kept as one "
                                "bar each (the first: bar %ld, %s after %s, spans %lld intervals)",
                                ev->name, f->symbol, nm, nm > 1 ? "s" : "", nm > 1 ? "" : "es",
                                evs_interval_name(p->interval), firstm - k0, t1, t0,
                                (long long)((ia->t[firstm] - ia->t_prev[firstm]) / (60LL * p->interval)));
    }
    if (ns && used + 2 < EVS_INTRADAY_NOTE) {
        evs_instant_format(ia->t_prev[firsts], t0);
        evs_instant_format(ia->t[firsts], t1);
        snprintf(note + used + (used ? 1 : 0), EVS_INTRADAY_NOTE - used - 1,
                 "event %s: %s: the event span holds %zu return%s across a session gap, kept as overnight = include "
                 "says (the first: bar %ld, %s after %s)",
                 ev->name, f->symbol, ns, ns > 1 ? "s" : "", firsts - k0, t1, t0);
    }
}

evs_status evs_intraday_firm(evs_run *r, size_t kev, size_t ifirm, evs_err *e)
{
    const evs_event_def *ev = r->ev[kev].def;
    evs_firm *f = &r->ev[kev].firm[ifirm];
    char *note = r->intraday->note[kev] + ifirm * EVS_INTRADAY_NOTE;
    const evs_params *p = &ev->p;
    f->ok = 0;
    f->day0_date = f->est_first_date = f->est_last_date = EVS_NO_DATE;
    f->fit.kind = p->model;
    f->fit.L1 = 0;
    if (!f->market && p->model != EVS_MODEL_CONSTANT_MEAN) {
        evs_firm_exclude(f, "no market for model %s", evs_model_name(p->model));
        return EVS_OK;
    }
    const evs_ifile *sf = find_file(r->intraday, f->symbol, p->interval);
    const evs_ifile *mf = f->market ? find_file(r->intraday, f->market, p->interval) : NULL;
    if (!sf || (f->market && !mf))
        return evs_errf(e, EVS_ERR_DATA, "event %s: %s: bars not loaded", ev->name, f->symbol);
    evs_ialigned ia;
    evs_status st = evs_ialign(&sf->b, mf ? &mf->b : NULL, p->returns, p->interval, p->session_gap, p->overnight,
                               &ia, e);
    if (st != EVS_OK)
        return st;
    /* the span and the checks whose reasons need instants (firm.c writes dates) */
    int s1 = p->windows[0].first, s2 = p->windows[0].last;
    for (size_t k = 1; k < p->nwindows; k++) {
        s1 = p->windows[k].first < s1 ? p->windows[k].first : s1;
        s2 = p->windows[k].last > s2 ? p->windows[k].last : s2;
    }
    f->span_first = s1;
    f->span_last = s2;
    char ti[21], tb[21], ws[32];
    evs_instant_format(ev->instant, ti);
    long k0 = ia.a.n ? evs_ialigned_day0(&ia, ev->instant, p->interval) : -1;
    if (ia.a.n == 0) {
        evs_firm_exclude(f, "no common %s bars with the market", evs_interval_name(p->interval));
    } else if (k0 < 0) {
        evs_instant_format(ia.t[ia.a.n - 1], tb);
        evs_firm_exclude(f, "event instant %s is beyond the data (last common bar %s)", ti, tb);
    } else if (k0 + s1 < 0 || k0 + s2 >= (long)ia.a.n) {
        evs_window sp = {s1, s2, 'b', s1, s2};
        evs_instant_format(k0 + s1 < 0 ? ia.t[0] : ia.t[ia.a.n - 1], tb);
        evs_firm_exclude(f, "event span %s does not fit in the data (%s common bar %s)", evs_window_format(sp, ws),
                         k0 + s1 < 0 ? "first" : "last", tb);
    } else if (k0 + p->estimation.last < 0) {
        evs_instant_format(ia.t[0], tb);
        evs_firm_exclude(f, "estimation window %s does not fit in the data (first common bar %s)",
                         evs_window_format(p->estimation, ws), tb);
    } else {
        st = evs_firm_compute(f, &ia.a, p, ia.a.date[k0], e);
        if (st == EVS_OK && f->ok) {
            span_note(ev, f, &ia, k0, note);
            int *sm = r->intraday->span_min[kev] + ifirm * (size_t)(s2 - s1 + 1);
            for (long t = 0; t <= s2 - s1; t++)
                sm[t] = (int)((ia.t[k0 + s1 + t] - ia.t_prev[k0 + s1 + t]) / 60);
        }
    }
    if (!f->ok && f->day0_date == EVS_NO_DATE && k0 >= 0)
        f->day0_date = ia.a.date[k0];
    evs_ialigned_free(&ia);
    return st;
}

evs_status evs_intraday_warn(evs_run *r, const evs_warner *w, evs_err *e)
{
    const evs_intraday_data *d = r->intraday;
    for (size_t k = 0; d && k < d->nnote; k++)
        for (size_t i = 0; d->note[k] && i < r->ev[k].nfirm; i++) {
            const char *note = d->note[k] + i * EVS_INTRADAY_NOTE;
            while (*note) { /* one or two messages, separated by NUL */
                evs_status st = evs_run_warn(r, w, note, e);
                if (st != EVS_OK)
                    return st;
                note += strlen(note) + 1;
                if (note >= d->note[k] + (i + 1) * EVS_INTRADAY_NOTE)
                    break;
            }
        }
    return EVS_OK;
}

/* ------------------------------------------------------------ run.json */

static void json_instant(FILE *fp, evs_instant t)
{
    char s[21];
    evs_instant_format(t, s);
    fprintf(fp, "\"%s\"", s);
}

void evs_intraday_json_data(FILE *fp, const evs_run *r, size_t *written)
{
    const evs_intraday_data *d = r->intraday;
    for (size_t i = 0; d && i < d->n; i++) {
        const evs_ifile *f = &d->f[i];
        fputs((*written)++ ? ",\n    {\"symbol\": " : "\n    {\"symbol\": ", fp);
        evs_json_str(fp, f->symbol);
        fprintf(fp, ", \"interval\": \"%s\", \"file\": ", evs_interval_name(f->interval));
        evs_json_str(fp, f->path);
        fputs(", \"first\": ", fp);
        if (f->b.n)
            json_instant(fp, f->b.t[0]);
        else
            fputs("null", fp);
        fputs(", \"last\": ", fp);
        if (f->b.n)
            json_instant(fp, f->b.t[f->b.n - 1]);
        else
            fputs("null", fp);
        fprintf(fp, ", \"rows\": %zu, \"price_column\": \"%s\", \"provenance\": ", f->b.n,
                f->b.uses_adj ? "adj_close" : "close");
        evs_json_ini(fp, &f->meta);
        fputs("}", fp);
    }
}
