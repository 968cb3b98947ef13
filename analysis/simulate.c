/*
 * simulate.c — the Brown & Warner (1985) simulation on real returns (see
 * evs_simulate.h). Every statistic comes from the engine (evs_firm_compute,
 * evs_tests_run, evs_kp_rbar); this file only draws pseudo-events, plants
 * abnormal returns and counts rejections.
 */
#include "evs_simulate.h"

#include <dirent.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evs_cache.h"
#include "evs_design.h"
#include "evs_file.h"
#include "evs_firm.h"
#include "evs_fmt.h"
#include "evs_mem.h"
#include "evs_par.h"
#include "evs_series.h"

const double evs_sim_levels[EVS_SIM_NLEVELS] = {0.01, 0.05, 0.10};

const char *evs_sim_side_name(evs_sim_side s)
{
    return s == EVS_SIDE_TWO ? "two" : s == EVS_SIDE_UPPER ? "upper" : "lower";
}

/* ---- loading ---- */

void evs_sim_data_free(evs_sim_data *d)
{
    for (size_t j = 0; j < d->nsec; j++) {
        evs_free(d->symbol[j]);
        evs_aligned_free(&d->a[j]);
    }
    evs_free(d->symbol);
    evs_free(d->a);
    evs_free(d->market);
    evs_free(d->sector);
    evs_free(d->factors_path);
    if (d->ft) {
        evs_factors_free(d->ft);
        evs_free(d->ft);
    }
    memset(d, 0, sizeof *d);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Every symbol with a .csv in dir/1d except the market, the sector and
 * indices (^...), sorted. */
static evs_status list_cache(const char *data_dir, const char *market, const char *sector, char ***out, size_t *n,
                             evs_err *e)
{
    char *dir = evs_path_join(data_dir, "1d");
    if (!dir)
        return evs_nomem(e);
    DIR *dp = opendir(dir);
    if (!dp) {
        evs_status st = evs_errf(e, EVS_ERR_DATA, "%s: cannot open the cache directory (give one with --data)", dir);
        evs_free(dir);
        return st;
    }
    char **v = NULL;
    size_t cap = 0, k = 0;
    evs_status st = EVS_OK;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t len = strlen(de->d_name);
        if (len <= 4 || strcmp(de->d_name + len - 4, ".csv") != 0 || de->d_name[0] == '.')
            continue;
        char stem[3 * EVS_SYMBOL_MAX + 1], sym[EVS_SYMBOL_MAX + 1];
        if (len - 4 >= sizeof stem)
            continue;
        memcpy(stem, de->d_name, len - 4);
        stem[len - 4] = 0;
        evs_err ig;
        if (evs_symbol_decode(stem, sym, sizeof sym, &ig) != EVS_OK || strcmp(sym, market) == 0 ||
            (sector && strcmp(sym, sector) == 0) || sym[0] == '^')
            continue;
        if (evs_grow((void **)&v, &cap, k + 1, sizeof *v) || !(v[k] = evs_strdup(sym))) {
            st = evs_nomem(e);
            break;
        }
        k++;
    }
    closedir(dp);
    if (st == EVS_OK && k == 0)
        st = evs_errf(e, EVS_ERR_DATA, "%s: no security in the cache besides the market (%s)", dir, market);
    evs_free(dir);
    if (st != EVS_OK) {
        for (size_t i = 0; i < k; i++)
            evs_free(v[i]);
        evs_free(v);
        return st;
    }
    qsort(v, k, sizeof *v, cmp_str);
    *out = v;
    *n = k;
    return EVS_OK;
}

static evs_status read_symbol(const char *data_dir, const char *sym, evs_series *s, evs_err *e)
{
    char *path = NULL;
    evs_status st = evs_cache_path(data_dir, "1d", sym, ".csv", &path, e);
    if (st == EVS_OK)
        st = evs_series_read(path, s, e);
    evs_free(path);
    return st;
}

evs_status evs_sim_load(const evs_sim_source *src, evs_sim_data *d, evs_err *e)
{
    memset(d, 0, sizeof *d);
    evs_series mk = {0}, sk = {0};
    evs_status st;
    d->returns = src->returns;
    if (!(d->market = evs_strdup(src->market)) || (src->sector && !(d->sector = evs_strdup(src->sector))) ||
        (src->factors && !(d->factors_path = evs_strdup(src->factors)))) {
        st = evs_nomem(e);
        goto fail;
    }
    if (src->securities && src->nsecurities) {
        if (!(d->symbol = evs_calloc(src->nsecurities, sizeof *d->symbol))) {
            st = evs_nomem(e);
            goto fail;
        }
        for (size_t j = 0; j < src->nsecurities; j++) {
            if (!(d->symbol[j] = evs_strdup(src->securities[j]))) {
                d->nsec = j;
                st = evs_nomem(e);
                goto fail;
            }
        }
        d->nsec = src->nsecurities;
        qsort(d->symbol, d->nsec, sizeof *d->symbol, cmp_str);
    } else if ((st = list_cache(src->data_dir, src->market, src->sector, &d->symbol, &d->nsec, e)) != EVS_OK) {
        goto fail;
    }
    if (!(d->a = evs_calloc(d->nsec, sizeof *d->a))) {
        st = evs_nomem(e);
        goto fail;
    }
    if (src->factors) {
        if (!(d->ft = evs_calloc(1, sizeof *d->ft))) {
            st = evs_nomem(e);
            goto fail;
        }
        if ((st = evs_factors_read(src->factors, d->ft, e)) != EVS_OK)
            goto fail;
    }
    if ((st = read_symbol(src->data_dir, src->market, &mk, e)) != EVS_OK ||
        (src->sector && (st = read_symbol(src->data_dir, src->sector, &sk, e)) != EVS_OK))
        goto fail;
    for (size_t j = 0; j < d->nsec; j++) {
        evs_series s = {0};
        if (strcmp(d->symbol[j], src->market) == 0 || (src->sector && strcmp(d->symbol[j], src->sector) == 0)) {
            st = evs_errf(e, EVS_ERR_USAGE, "%s is the %s and cannot also be a security", d->symbol[j],
                          strcmp(d->symbol[j], src->market) == 0 ? "market" : "sector index");
            goto fail;
        }
        if ((st = read_symbol(src->data_dir, d->symbol[j], &s, e)) != EVS_OK)
            goto fail;
        st = evs_align2(&s, &mk, src->sector ? &sk : NULL, src->returns, &d->a[j], e);
        evs_series_free(&s);
        if (st != EVS_OK)
            goto fail;
    }
    evs_series_free(&mk);
    evs_series_free(&sk);
    return EVS_OK;
fail:
    evs_series_free(&mk);
    evs_series_free(&sk);
    evs_sim_data_free(d);
    return st;
}

/* ---- where pseudo-events may fall ---- */

typedef struct span {
    int lo, hi; /* offsets from day 0 of the earliest and latest return needed */
} span;

/* Leads and lags of the market the models need around every day used. */
static int lag_pad(const evs_sim_opts *o)
{
    int pad = 0;
    for (size_t m = 0; m < o->nmodels; m++) {
        int l = o->models[m] == EVS_MODEL_DIMSON ? (o->dimson_lags > 0 ? o->dimson_lags : 1)
                : o->models[m] == EVS_MODEL_SCHOLES_WILLIAMS ? 1
                                                               : 0;
        pad = l > pad ? l : pad;
    }
    return pad;
}

static span needed(const evs_sim_opts *o)
{
    span s = {o->estimation.first, o->estimation.last};
    int f[] = {o->window.first, o->plant.first, 0}, l[] = {o->window.last, o->plant.last, 0};
    for (size_t i = 0; i < 3; i++) {
        s.lo = f[i] < s.lo ? f[i] : s.lo;
        s.hi = l[i] > s.hi ? l[i] : s.hi;
    }
    s.lo -= lag_pad(o);
    s.hi += lag_pad(o);
    return s;
}

/* Valid day-0 indices of security j: [*k1, *k2]; 0 when there is none. */
static int day0_range(const evs_aligned *a, span sp, long *k1, long *k2)
{
    *k1 = -(long)sp.lo;
    *k2 = (long)a->n - 1 - sp.hi;
    if (*k1 < 0)
        *k1 = 0;
    return *k1 <= *k2;
}

/* Dates where every security has a valid day 0 (clustered trials). */
static evs_status cluster_dates(const evs_sim_data *d, span sp, int **out, size_t *n, evs_err *e)
{
    long k1, k2;
    *out = NULL;
    *n = 0;
    if (d->nsec == 0 || !day0_range(&d->a[0], sp, &k1, &k2))
        return EVS_OK;
    int *v = evs_malloc((size_t)(k2 - k1 + 1) * sizeof *v);
    if (!v)
        return evs_nomem(e);
    size_t m = 0;
    for (long k = k1; k <= k2; k++) {
        int date = d->a[0].date[k], ok = 1;
        for (size_t j = 1; j < d->nsec && ok; j++) {
            long q = evs_aligned_day0(&d->a[j], date), q1, q2;
            ok = q >= 0 && d->a[j].date[q] == date && day0_range(&d->a[j], sp, &q1, &q2) && q >= q1 && q <= q2;
        }
        if (ok)
            v[m++] = date;
    }
    *out = v;
    *n = m;
    return EVS_OK;
}

evs_status evs_sim_check(const evs_sim_data *d, const evs_sim_opts *o, evs_err *e)
{
    char w1[32], w2[32];
    if (o->trials == 0)
        return evs_errf(e, EVS_ERR_USAGE, "the number of trials must be at least 1 (0)");
    if (!o->cluster && o->n < 2)
        return evs_errf(e, EVS_ERR_USAGE, "a sample needs at least 2 firm-events (%zu)", o->n);
    if (o->cluster && d->nsec < 2)
        return evs_errf(e, EVS_ERR_USAGE, "clustering needs at least 2 securities (the data has %zu)", d->nsec);
    if (o->nshocks == 0 || o->nmodels == 0)
        return evs_errf(e, EVS_ERR_USAGE, "no shock size or no model to simulate");
    if (!(o->var_mult >= 1) || !isfinite(o->var_mult))
        return evs_errf(e, EVS_ERR_USAGE, "the variance multiplier must be at least 1 (%g)", o->var_mult);
    evs_window ws[] = {o->window, o->plant};
    for (size_t i = 0; i < 2; i++)
        if (o->estimation.last >= ws[i].first)
            return evs_errf(e, EVS_ERR_USAGE, "the estimation window %s must end before the %s window %s",
                            evs_window_format(o->estimation, w1), i ? "planting" : "event",
                            evs_window_format(ws[i], w2));
    if (o->estimation.last - o->estimation.first + 1 < 3)
        return evs_errf(e, EVS_ERR_USAGE, "the estimation window %s is shorter than 3 days",
                        evs_window_format(o->estimation, w1));
    if (o->var_mult != 1 && (o->window.first > 0 || o->window.last < 0))
        return evs_errf(e, EVS_ERR_USAGE, "the variance multiplier acts on day 0, outside the event window %s",
                        evs_window_format(o->window, w1));
    span sp = needed(o);
    if (o->cluster) {
        int *v;
        size_t n;
        evs_status st = cluster_dates(d, sp, &v, &n, e);
        if (st != EVS_OK)
            return st;
        evs_free(v);
        if (n == 0)
            return evs_errf(e, EVS_ERR_USAGE,
                            "no date where every security has %d returns before day 0 and %d after it",
                            -sp.lo, sp.hi);
    } else {
        size_t usable = 0;
        for (size_t j = 0; j < d->nsec; j++) {
            long k1, k2;
            usable += day0_range(&d->a[j], sp, &k1, &k2);
        }
        if (usable == 0)
            return evs_errf(e, EVS_ERR_USAGE, "no security has %d returns before a day 0 and %d after it", -sp.lo,
                            sp.hi);
    }
    if (o->dimson_lags < 0 || o->dimson_lags > EVS_DIMSON_MAX_LAGS)
        return evs_errf(e, EVS_ERR_USAGE, "dimson lags must be from 1 to %d (%d)", EVS_DIMSON_MAX_LAGS,
                        o->dimson_lags);
    for (size_t m = 0; m < o->nmodels; m++) {
        if (o->models[m] == EVS_MODEL_TWO_INDEX && !d->sector)
            return evs_errf(e, EVS_ERR_USAGE, "model two-index needs a sector index (--sector SYMBOL)");
        if (evs_model_uses_factors(o->models[m]) && !d->ft)
            return evs_errf(e, EVS_ERR_USAGE, "model %s needs a factor file (--factors FILE)",
                            evs_model_name(o->models[m]));
    }
    return EVS_OK;
}

/* ---- the trials ---- */

/* SplitMix64 (Steele, Lea & Flood 2014): a well-mixed seed for each trial. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Per trial, model, shock and test: the two-sided p-value and the sign of
 * the statistic; per trial and model: N, r-bar, positive share. */
typedef struct trial_out {
    float *p;          /* [m][s][t] */
    signed char *sgn;  /* [m][s][t] */
    double *n, *rbar, *pos, *sar2; /* [m] */
    size_t *excluded;  /* [trial] */
} trial_out;

typedef struct shared {
    const evs_sim_data *d;
    const evs_sim_opts *o;
    span sp;
    int *cdates;
    size_t ncdates;
    size_t *usable;    /* securities with a valid day 0, in order */
    size_t nusable;
    trial_out out;
    size_t ntrial_cells; /* nmodels * nshocks * NTESTS */
    pthread_mutex_t mu; /* guards what follows */
    size_t done;
    double last_report;  /* seconds since t0 of the last progress call */
    struct timespec t0;
    int stop;
    evs_status st;
    evs_err err;
} shared;

/* Buffers of one trial. */
typedef struct bufs {
    size_t cap;       /* firm-events */
    size_t *sec;
    long *k0;
    double *z, *sigma;
    evs_firm *firm;
    const evs_firm **ok;
    size_t *widx;
    double *r;        /* one slice of returns */
    char (*name)[24];
} bufs;

/* Firm-event i of the trial with shock spread over the planting window and
 * noise added to day 0: a copy of the returns it needs, its design (the
 * model's y and regressors, evs_design.h), then the engine's computation. */
static evs_status compute(const shared *sh, bufs *b, size_t i, const evs_params *p, double shock, double noise,
                          evs_firm *f, evs_err *e)
{
    const evs_sim_data *d = sh->d;
    const evs_sim_opts *o = sh->o;
    span sp = sh->sp;
    const evs_aligned *a = &d->a[b->sec[i]];
    long lo = b->k0[i] + sp.lo;
    size_t nslice = (size_t)(sp.hi - sp.lo + 1);
    double Lp = (double)(o->plant.last - o->plant.first + 1);
    memcpy(b->r, a->r + lo, nslice * sizeof *b->r);
    for (int t = o->plant.first; t <= o->plant.last; t++)
        b->r[t - sp.lo] += shock / Lp;
    b->r[-sp.lo] += noise;
    evs_aligned view = {
        .n = nslice, .date = a->date + lo, .r = b->r, .rm = a->rm + lo, .rs = a->rs ? a->rs + lo : NULL};
    memset(f, 0, sizeof *f);
    f->event = b->name[i];
    f->symbol = d->symbol[b->sec[i]];
    f->market = d->market;
    evs_design dz;
    evs_status st = evs_design_build(p, &view, d->ft, d->factors_path, &dz, e);
    if (st != EVS_OK)
        return st;
    st = evs_firm_compute_d(f, &view, &dz, p, a->date[b->k0[i]], NULL, e);
    evs_design_free(&dz);
    return st;
}

static evs_status run_trial(shared *sh, size_t trial, gsl_rng *rng, bufs *b, evs_err *e)
{
    const evs_sim_data *d = sh->d;
    const evs_sim_opts *o = sh->o;
    span sp = sh->sp;
    size_t N = o->cluster ? d->nsec : o->n;
    gsl_rng_set(rng, (unsigned long)mix64((uint64_t)o->seed ^ mix64((uint64_t)trial + 1)));
    /* draw the pseudo-events */
    if (o->cluster) {
        int date = sh->cdates[gsl_rng_uniform_int(rng, sh->ncdates)];
        for (size_t i = 0; i < N; i++) {
            b->sec[i] = i;
            b->k0[i] = evs_aligned_day0(&d->a[i], date);
        }
    } else {
        for (size_t i = 0; i < N; i++) {
            size_t j = sh->usable[gsl_rng_uniform_int(rng, sh->nusable)];
            long k1, k2;
            day0_range(&d->a[j], sp, &k1, &k2);
            b->sec[i] = j;
            b->k0[i] = k1 + (long)gsl_rng_uniform_int(rng, (unsigned long)(k2 - k1 + 1));
        }
    }
    for (size_t i = 0; i < N; i++)
        b->z[i] = o->var_mult != 1 ? gsl_ran_ugaussian(rng) : 0.0;

    evs_params p = {.returns = d->returns, /* BHAR compounds simple or log returns */
                    .estimation = o->estimation,
                    .windows = (evs_window *)&o->window,
                    .nwindows = 1,
                    .min_estimation = o->estimation.last - o->estimation.first + 1,
                    .market = d->market,
                    .sector = d->sector,
                    .factors = d->factors_path,
                    .dimson_lags = o->dimson_lags > 0 ? o->dimson_lags : 1};
    size_t excluded = 0;
    for (size_t m = 0; m < o->nmodels; m++) {
        p.model = o->models[m];
        /* sigma_i under this model (only for the variance multiplier): the
         * firm-event fitted once on the untouched returns */
        for (size_t i = 0; i < N && o->var_mult != 1; i++) {
            evs_firm f = {0};
            evs_status st = compute(sh, b, i, &p, 0.0, 0.0, &f, e);
            b->sigma[i] = st == EVS_OK && f.ok ? sqrt(f.fit.sigma2) : NAN;
            evs_firm_free(&f);
            if (st != EVS_OK)
                return st;
        }
        for (size_t s = 0; s < o->nshocks; s++) {
            size_t nok = 0;
            evs_status st = EVS_OK;
            for (size_t i = 0; i < N; i++) {
                evs_firm *f = &b->firm[i];
                double noise = o->var_mult != 1 ? sqrt(o->var_mult - 1.0) * b->sigma[i] * b->z[i] : 0.0;
                if ((st = compute(sh, b, i, &p, o->shocks[s], noise, f, e)) != EVS_OK)
                    break;
                if (f->ok)
                    b->ok[nok++] = f;
                else
                    excluded++;
            }
            if (st == EVS_OK && s == 0) {
                double pos = 0;
                for (size_t i = 0; i < nok; i++) {
                    size_t k = 0;
                    for (size_t t = 0; t < b->ok[i]->n_est; t++)
                        k += b->ok[i]->est_ar[t] > 0;
                    pos += (double)k / (double)b->ok[i]->n_est;
                }
                size_t mi = trial * o->nmodels + m;
                sh->out.n[mi] = (double)nok;
                sh->out.rbar[mi] = nok > 1 ? evs_kp_rbar(b->ok, nok) : NAN;
                sh->out.pos[mi] = nok ? pos / (double)nok : NAN;
                sh->out.sar2[mi] = NAN;
            }
            if (st == EVS_OK && o->shocks[s] == 0 && isnan(sh->out.sar2[trial * o->nmodels + m])) {
                double q = 0;
                for (size_t i = 0; i < nok; i++) {
                    long k = evs_firm_span_index(b->ok[i], 0);
                    q += k >= 0 ? b->ok[i]->sp_sar[k] * b->ok[i]->sp_sar[k] : NAN;
                }
                sh->out.sar2[trial * o->nmodels + m] = nok ? q / (double)nok : NAN;
            }
            evs_test_row rows[EVS_NTESTS];
            if (st == EVS_OK) {
                evs_sample smp = {.firm = b->ok, .widx = b->widx, .n = nok, .win = o->window,
                                  .rbar = sh->out.rbar[trial * o->nmodels + m]};
                st = evs_tests_run(&smp, rows, e);
            }
            for (size_t i = 0; i < N; i++)
                evs_firm_free(&b->firm[i]);
            if (st != EVS_OK)
                return st;
            for (size_t t = 0; t < EVS_NTESTS; t++) {
                size_t c = trial * sh->ntrial_cells + (m * o->nshocks + s) * EVS_NTESTS + t;
                sh->out.p[c] = (float)rows[t].p_value;
                sh->out.sgn[c] = (signed char)(rows[t].statistic > 0 ? 1 : rows[t].statistic < 0 ? -1 : 0);
            }
        }
    }
    sh->out.excluded[trial] = excluded;
    return EVS_OK;
}

static void bufs_free(bufs *b)
{
    evs_free(b->sec);
    evs_free(b->k0);
    evs_free(b->z);
    evs_free(b->sigma);
    evs_free(b->firm);
    evs_free(b->ok);
    evs_free(b->widx);
    evs_free(b->r);
    evs_free(b->name);
}

static evs_status bufs_alloc(bufs *b, size_t N, size_t nslice, int cluster)
{
    b->sec = evs_malloc(N * sizeof *b->sec);
    b->k0 = evs_malloc(N * sizeof *b->k0);
    b->z = evs_malloc(N * sizeof *b->z);
    b->sigma = evs_malloc(N * sizeof *b->sigma);
    b->firm = evs_calloc(N, sizeof *b->firm);
    b->ok = evs_malloc(N * sizeof *b->ok);
    b->widx = evs_calloc(N, sizeof *b->widx);
    b->r = evs_malloc(nslice * sizeof *b->r);
    b->name = evs_malloc(N * sizeof *b->name);
    if (!b->sec || !b->k0 || !b->z || !b->sigma || !b->firm || !b->ok || !b->widx || !b->r || !b->name)
        return EVS_ERR_NOMEM;
    /* clustered: one event, so every pair counts in r-bar; otherwise each
     * pseudo-event is its own event and only pairs sharing day 0 count */
    for (size_t i = 0; i < N; i++)
        snprintf(b->name[i], sizeof b->name[i], cluster ? "cluster" : "pseudo-%zu", i);
    return EVS_OK;
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* One trial as an evs_par_for item: its own generator and buffers, its own
 * slots of the output arrays. */
static void trial_item(void *ctx, size_t trial)
{
    shared *sh = ctx;
    const evs_sim_opts *o = sh->o;
    pthread_mutex_lock(&sh->mu);
    int stop = sh->stop;
    pthread_mutex_unlock(&sh->mu);
    if (stop)
        return;
    size_t N = o->cluster ? sh->d->nsec : o->n;
    evs_err e = {0};
    bufs b = {0};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    evs_status st = rng ? bufs_alloc(&b, N, (size_t)(sh->sp.hi - sh->sp.lo + 1), o->cluster) : EVS_ERR_NOMEM;
    if (st == EVS_OK)
        st = run_trial(sh, trial, rng, &b, &e);
    else
        evs_nomem(&e);
    bufs_free(&b);
    if (rng)
        gsl_rng_free(rng);
    pthread_mutex_lock(&sh->mu);
    if (st != EVS_OK && !sh->stop) {
        sh->stop = 1;
        sh->st = st;
        sh->err = e;
    }
    sh->done++;
    double now = elapsed(&sh->t0);
    if (o->progress && !sh->stop && (now - sh->last_report >= 0.2 || sh->done == o->trials)) {
        sh->last_report = now;
        o->progress(o->ud, sh->done, o->trials);
    }
    pthread_mutex_unlock(&sh->mu);
}

void evs_sim_result_free(evs_sim_result *r)
{
    evs_free(r->valid);
    evs_free(r->rejections);
    evs_free(r->mean_n);
    evs_free(r->mean_rbar);
    evs_free(r->bmp_pred);
    evs_free(r->pos_share);
    evs_free(r->sar2);
    memset(r, 0, sizeof *r);
}

/* Predicted two-sided 5% rejection rate of the unadjusted BMP t under
 * equicorrelation r with N firms (Kolari & Pynnonen 2010, eq. 9: the t is
 * inflated by sqrt((1 + (N-1) r)/(1 - r))), with t(N-1) critical values. */
static double bmp_predicted(double r, double N)
{
    if (!(N > 1) || !isfinite(r) || r >= 1 || 1 + (N - 1) * r <= 0)
        return NAN;
    double c = gsl_cdf_tdist_Qinv(0.025, N - 1);
    return 2 * gsl_cdf_tdist_Q(c * sqrt((1 - r) / (1 + (N - 1) * r)), N - 1);
}

static void aggregate(const shared *sh, evs_sim_result *r)
{
    const evs_sim_opts *o = sh->o;
    for (size_t tr = 0; tr < o->trials; tr++) {
        r->excluded += sh->out.excluded[tr];
        for (size_t m = 0; m < o->nmodels; m++) {
            size_t mi = tr * o->nmodels + m;
            r->mean_n[m] += sh->out.n[mi] / (double)o->trials;
            r->mean_rbar[m] += sh->out.rbar[mi] / (double)o->trials;
            r->bmp_pred[m] += bmp_predicted(sh->out.rbar[mi], sh->out.n[mi]) / (double)o->trials;
            r->pos_share[m] += sh->out.pos[mi] / (double)o->trials;
            r->sar2[m] += sh->out.sar2[mi] / (double)o->trials;
            for (size_t s = 0; s < o->nshocks; s++)
                for (size_t t = 0; t < EVS_NTESTS; t++) {
                    size_t c = tr * sh->ntrial_cells + (m * o->nshocks + s) * EVS_NTESTS + t;
                    double p = sh->out.p[c];
                    if (isnan(p))
                        continue;
                    r->valid[evs_sim_ix(r, m, s, t)]++;
                    int sg = sh->out.sgn[c];
                    for (size_t l = 0; l < EVS_SIM_NLEVELS; l++) {
                        double a = evs_sim_levels[l];
                        r->rejections[evs_sim_rix(r, m, s, t, l, EVS_SIDE_TWO)] += p < a;
                        r->rejections[evs_sim_rix(r, m, s, t, l, EVS_SIDE_UPPER)] += sg > 0 && p < 2 * a;
                        r->rejections[evs_sim_rix(r, m, s, t, l, EVS_SIDE_LOWER)] += sg < 0 && p < 2 * a;
                    }
                }
        }
    }
}

evs_status evs_simulate(const evs_sim_data *d, const evs_sim_opts *o, evs_sim_result *r, evs_err *e)
{
    memset(r, 0, sizeof *r);
    evs_status st = evs_sim_check(d, o, e);
    if (st != EVS_OK)
        return st;
    shared sh = {.d = d, .o = o, .sp = needed(o)};
    sh.ntrial_cells = o->nmodels * o->nshocks * EVS_NTESTS;
    size_t cells = o->trials * sh.ntrial_cells, mt = o->trials * o->nmodels;
    sh.out.p = evs_malloc(cells * sizeof *sh.out.p);
    sh.out.sgn = evs_malloc(cells);
    sh.out.n = evs_calloc(mt, sizeof(double));
    sh.out.rbar = evs_calloc(mt, sizeof(double));
    sh.out.pos = evs_calloc(mt, sizeof(double));
    sh.out.sar2 = evs_calloc(mt, sizeof(double));
    sh.out.excluded = evs_calloc(o->trials, sizeof(size_t));
    sh.usable = evs_malloc(d->nsec * sizeof *sh.usable + 1);
    r->nmodels = o->nmodels;
    r->nshocks = o->nshocks;
    r->trials = o->trials;
    size_t nres = o->nmodels * o->nshocks * EVS_NTESTS;
    r->valid = evs_calloc(nres, sizeof *r->valid);
    r->rejections = evs_calloc(nres * EVS_SIM_NLEVELS * EVS_SIM_NSIDES, sizeof *r->rejections);
    r->mean_n = evs_calloc(o->nmodels, sizeof(double));
    r->mean_rbar = evs_calloc(o->nmodels, sizeof(double));
    r->bmp_pred = evs_calloc(o->nmodels, sizeof(double));
    r->pos_share = evs_calloc(o->nmodels, sizeof(double));
    r->sar2 = evs_calloc(o->nmodels, sizeof(double));
    int mu_ok = 0;
    if (!sh.out.p || !sh.out.sgn || !sh.out.n || !sh.out.rbar || !sh.out.pos || !sh.out.sar2 || !sh.out.excluded ||
        !sh.usable || !r->valid || !r->rejections || !r->mean_n || !r->mean_rbar || !r->bmp_pred || !r->pos_share ||
        !r->sar2) {
        st = evs_nomem(e);
        goto out;
    }
    for (size_t j = 0; j < d->nsec; j++) {
        long k1, k2;
        if (day0_range(&d->a[j], sh.sp, &k1, &k2))
            sh.usable[sh.nusable++] = j;
    }
    if (o->cluster && (st = cluster_dates(d, sh.sp, &sh.cdates, &sh.ncdates, e)) != EVS_OK)
        goto out;
    if (pthread_mutex_init(&sh.mu, NULL) != 0) {
        st = evs_errf(e, EVS_ERR_IO, "cannot create a mutex");
        goto out;
    }
    mu_ok = 1;
    clock_gettime(CLOCK_MONOTONIC, &sh.t0);
    evs_par_for(o->trials, o->jobs ? (int)o->jobs : 1, trial_item, &sh);
    if (sh.stop) {
        st = sh.st;
        if (e)
            *e = sh.err;
        goto out;
    }
    aggregate(&sh, r);
    st = EVS_OK;
out:
    if (mu_ok)
        pthread_mutex_destroy(&sh.mu);
    evs_free(sh.out.p);
    evs_free(sh.out.sgn);
    evs_free(sh.out.n);
    evs_free(sh.out.rbar);
    evs_free(sh.out.pos);
    evs_free(sh.out.sar2);
    evs_free(sh.out.excluded);
    evs_free(sh.usable);
    evs_free(sh.cdates);
    if (st != EVS_OK)
        evs_sim_result_free(r);
    return st;
}

double evs_sim_rate(const evs_sim_result *r, size_t m, size_t s, size_t t, size_t level, evs_sim_side side,
                    double *mc_se)
{
    size_t n = r->valid[evs_sim_ix(r, m, s, t)];
    double p = n ? (double)r->rejections[evs_sim_rix(r, m, s, t, level, side)] / (double)n : NAN;
    if (mc_se)
        *mc_se = n ? sqrt(p * (1 - p) / (double)n) : NAN;
    return p;
}

void evs_sim_band(size_t trials, double p0, double alpha, size_t *lo, size_t *hi)
{
    unsigned n = (unsigned)trials;
    size_t a = 0, b;
    /* lo: the smallest k with P(X <= k) > alpha/2, so that P(X < lo) <= alpha/2 */
    while (a < trials && gsl_cdf_binomial_P((unsigned)a, p0, n) <= alpha / 2)
        a++;
    /* hi: the smallest k with P(X > k) <= alpha/2 */
    b = 0;
    while (b < trials && gsl_cdf_binomial_Q((unsigned)b, p0, n) > alpha / 2)
        b++;
    *lo = a;
    *hi = b;
}

evs_status evs_sim_write(const evs_sim_result *r, const evs_sim_opts *o, const char *outdir, evs_err *e)
{
    evs_status st = evs_mkdirs(outdir, e);
    if (st != EVS_OK)
        return st;
    char *path = evs_path_join(outdir, "simulation.csv");
    if (!path)
        return evs_nomem(e);
    evs_afile f = {0};
    if ((st = evs_afile_open(&f, path, e)) != EVS_OK) {
        evs_free(path);
        return st;
    }
    char win[32];
    evs_window_format(o->window, win);
    fputs("test,shock,rejection_rate,model,level,sided,trials,rejections,mc_se,firm_events,clustered,var_mult,"
          "window,mean_rbar\n",
          f.fp);
    for (size_t m = 0; m < r->nmodels; m++)
        for (size_t s = 0; s < r->nshocks; s++)
            for (size_t t = 0; t < EVS_NTESTS; t++)
                for (size_t l = 0; l < EVS_SIM_NLEVELS; l++)
                    for (int sd = 0; sd < EVS_SIM_NSIDES; sd++) {
                        double se, p = evs_sim_rate(r, m, s, t, l, (evs_sim_side)sd, &se);
                        fprintf(f.fp, "%s,%.10g,", evs_test_name((evs_test_id)t), o->shocks[s]);
                        if (isnan(p))
                            fputs(",", f.fp);
                        else
                            fprintf(f.fp, "%.10g,", p);
                        fprintf(f.fp, "%s,%.2f,%s,%zu,%zu,", evs_model_name(o->models[m]), evs_sim_levels[l],
                                evs_sim_side_name((evs_sim_side)sd), r->valid[evs_sim_ix(r, m, s, t)],
                                r->rejections[evs_sim_rix(r, m, s, t, l, (evs_sim_side)sd)]);
                        if (isnan(se))
                            fputs(",", f.fp);
                        else
                            fprintf(f.fp, "%.10g,", se);
                        fprintf(f.fp, "%.10g,%d,%.10g,%s,%.10g\n", r->mean_n[m], o->cluster, o->var_mult, win,
                                r->mean_rbar[m]);
                    }
    st = evs_afile_commit(&f, e);
    evs_afile_abort(&f);
    evs_free(path);
    return st;
}
