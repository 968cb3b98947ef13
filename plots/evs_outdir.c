/*
 * evs_outdir.c — read an OUTDIR back (see evs_outdir.h).
 *
 * Each CSV goes through one loop (load_csv): the header names the columns,
 * a table of wanted names maps them to positions, and a per-file row function
 * copies the fields it needs. Numbers are parsed strictly (the whole field,
 * finite, or empty for NaN) so that a damaged file is reported with its line
 * rather than charted as zeros. run.json is parsed with jansson.
 */
#include "evs_outdir.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evs_csv.h"
#include "evs_file.h"
#include "evs_mem.h"

#define RESULTS_MAX_BYTES ((size_t)1 << 32)
#define MAXCOLS 16

typedef struct loader {
    evs_outdir *r;
    const char *file;
    int line;
    const char *f[MAXCOLS];
    size_t len[MAXCOLS];
    size_t cap; /* capacity of the array this file fills */
    evs_err *e;
} loader;

static char *dupn(loader *L, int k, evs_status *st)
{
    char *s = evs_strndup(L->f[k] ? L->f[k] : "", L->f[k] ? L->len[k] : 0);
    if (!s)
        *st = evs_nomem(L->e);
    return s;
}

static evs_status num(loader *L, int k, const char *col, double *out)
{
    if (!L->f[k] || L->len[k] == 0) {
        *out = NAN;
        return EVS_OK;
    }
    char tmp[64];
    if (L->len[k] >= sizeof tmp)
        return evs_errf(L->e, EVS_ERR_DATA, "%s:%d: %s is not a number (%.40s...)", L->file, L->line, col,
                        L->f[k]);
    memcpy(tmp, L->f[k], L->len[k]);
    tmp[L->len[k]] = 0;
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end == tmp || *end || !isfinite(v))
        return evs_errf(L->e, EVS_ERR_DATA, "%s:%d: %s is not a number (%s)", L->file, L->line, col, tmp);
    *out = v;
    return EVS_OK;
}

static evs_status integer(loader *L, int k, const char *col, int *out)
{
    double v;
    evs_status st = num(L, k, col, &v);
    if (st)
        return st;
    if (isnan(v) || v != floor(v) || fabs(v) > 1e9)
        return evs_errf(L->e, EVS_ERR_DATA, "%s:%d: %s is not an integer (%.*s)", L->file, L->line, col,
                        (int)L->len[k], L->f[k] ? L->f[k] : "");
    *out = (int)v;
    return EVS_OK;
}

/* The index of the event named by field k, adding it when new. */
static evs_status event_of(loader *L, int k, size_t *ev, int allow_all)
{
    evs_outdir *r = L->r;
    const char *s = L->f[k];
    size_t n = L->len[k];
    if (allow_all && n == 3 && memcmp(s, "ALL", 3) == 0) {
        *ev = EVS_RES_ALL;
        return EVS_OK;
    }
    for (size_t i = 0; i < r->nevents; i++)
        if (strlen(r->events[i].name) == n && memcmp(r->events[i].name, s, n) == 0) {
            *ev = i;
            return EVS_OK;
        }
    evs_res_event *ne = evs_reallocarray(r->events, r->nevents + 1, sizeof *ne);
    if (!ne)
        return evs_nomem(L->e);
    r->events = ne;
    evs_res_event *x = &ne[r->nevents];
    memset(x, 0, sizeof *x);
    x->name = evs_strndup(s, n);
    x->date = evs_strdup("");
    x->model = evs_strdup("");
    x->market = evs_strdup("");
    x->returns = evs_strdup("");
    x->estimation = evs_strdup("");
    x->rbar = NAN;
    r->nevents++;
    if (!x->name || !x->date || !x->model || !x->market || !x->returns || !x->estimation)
        return evs_nomem(L->e);
    *ev = r->nevents - 1;
    return EVS_OK;
}

typedef evs_status (*row_fn)(loader *L);

static evs_status load_csv(evs_outdir *r, const char *name, const char *const *cols, size_t ncols,
                           size_t nrequired, row_fn fn, int optional, int *found, evs_err *e)
{
    evs_status st = EVS_OK;
    char *path = evs_path_join(r->outdir, name), *text = NULL;
    size_t len;
    evs_csv c;
    int pos[MAXCOLS];
    int have_csv = 0;
    if (found)
        *found = 0;
    if (!path)
        return evs_nomem(e);
    if (optional && access(path, F_OK) != 0)
        goto out;
    st = evs_read_file(path, RESULTS_MAX_BYTES, &text, &len, e);
    if (st)
        goto out;
    if (found)
        *found = 1;
    evs_csv_init(&c, path, text, len);
    have_csv = 1;
    int rc = evs_csv_next(&c, e);
    if (rc < 0) {
        st = e ? e->status : EVS_ERR_DATA;
        goto out;
    }
    if (rc == 0) {
        st = evs_errf(e, EVS_ERR_DATA, "%s:1: empty file (no header row)", path);
        goto out;
    }
    for (size_t i = 0; i < ncols; i++) {
        pos[i] = evs_csv_col(&c, cols[i]);
        if (pos[i] < 0 && i < nrequired) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:1: missing column (%s)", path, cols[i]);
            goto out;
        }
    }
    loader L = {.r = r, .file = path, .e = e};
    while ((rc = evs_csv_next(&c, e)) == 1) {
        L.line = c.line;
        for (size_t i = 0; i < ncols; i++) {
            if (pos[i] >= 0 && (size_t)pos[i] < c.nfields) {
                L.f[i] = c.fields[pos[i]];
                L.len[i] = c.lens[pos[i]];
            } else {
                L.f[i] = NULL;
                L.len[i] = 0;
            }
        }
        if (!L.f[0]) {
            st = evs_errf(e, EVS_ERR_DATA, "%s:%d: too few fields (%zu)", path, c.line, c.nfields);
            goto out;
        }
        st = fn(&L);
        if (st)
            goto out;
    }
    if (rc < 0)
        st = e ? e->status : EVS_ERR_DATA;
out:
    if (have_csv)
        evs_csv_free(&c);
    evs_free(text);
    evs_free(path);
    return st;
}

/* Append a zeroed row to arr (so that evs_outdir_free can always free it). */
#define GROW(arr, n)                                                                                \
    do {                                                                                            \
        if (evs_grow((void **)&(arr), &L->cap, (n) + 1, sizeof *(arr)))                             \
            return evs_nomem(L->e);                                                                 \
        memset(&(arr)[n], 0, sizeof *(arr));                                                        \
        (n)++;                                                                                      \
    } while (0)

static evs_status row_ar(loader *L)
{
    evs_outdir *r = L->r;
    GROW(r->ar, r->nar);
    evs_res_ar *x = &r->ar[r->nar - 1];
    evs_status st = event_of(L, 0, &x->ev, 0);
    if (st)
        return st;
    if (!(x->symbol = dupn(L, 1, &st)) || !(x->date = dupn(L, 2, &st)))
        return st;
    if ((st = integer(L, 3, "day", &x->day)) || (st = num(L, 4, "return", &x->ret)) ||
        (st = num(L, 5, "market_return", &x->market_ret)) || (st = num(L, 6, "expected", &x->expected)) ||
        (st = num(L, 7, "ar", &x->ar)) || (st = num(L, 8, "sar", &x->sar)) || (st = num(L, 9, "car", &x->car)))
        return st;
    return EVS_OK;
}

static evs_status row_aar(loader *L)
{
    evs_outdir *r = L->r;
    GROW(r->aar, r->naar);
    evs_res_aar *x = &r->aar[r->naar - 1];
    evs_status st = event_of(L, 0, &x->ev, 0);
    if (st)
        return st;
    if (!(x->date = dupn(L, 2, &st)))
        return st;
    if ((st = integer(L, 1, "day", &x->day)) || (st = num(L, 3, "n", &x->n)) || (st = num(L, 4, "aar", &x->aar)) ||
        (st = num(L, 5, "caar", &x->caar)) || (st = num(L, 6, "se_aar", &x->se_aar)) ||
        (st = num(L, 7, "se_caar", &x->se_caar)))
        return st;
    return EVS_OK;
}

static evs_status row_est(loader *L)
{
    evs_outdir *r = L->r;
    GROW(r->est, r->nest);
    evs_res_est *x = &r->est[r->nest - 1];
    evs_status st = event_of(L, 0, &x->ev, 0);
    if (st)
        return st;
    if (!(x->symbol = dupn(L, 1, &st)) || !(x->model = dupn(L, 2, &st)) || !(x->est_first = dupn(L, 3, &st)) ||
        !(x->est_last = dupn(L, 4, &st)) || !(x->reason = dupn(L, 11, &st)))
        return st;
    if ((st = num(L, 5, "n", &x->n)) || (st = num(L, 6, "alpha", &x->alpha)) || (st = num(L, 7, "beta", &x->beta)) ||
        (st = num(L, 8, "sigma", &x->sigma)) || (st = num(L, 9, "r2", &x->r2)))
        return st;
    x->ok = L->len[10] == 2 && memcmp(L->f[10], "ok", 2) == 0;
    if (!x->ok && !(L->len[10] == 8 && memcmp(L->f[10], "excluded", 8) == 0))
        return evs_errf(L->e, EVS_ERR_DATA, "%s:%d: status is neither ok nor excluded (%.*s)", L->file, L->line,
                        (int)L->len[10], L->f[10] ? L->f[10] : "");
    return EVS_OK;
}

static evs_status row_car(loader *L)
{
    evs_outdir *r = L->r;
    GROW(r->car, r->ncar);
    evs_res_car *x = &r->car[r->ncar - 1];
    evs_status st = event_of(L, 0, &x->ev, 0);
    if (st)
        return st;
    if (!(x->symbol = dupn(L, 1, &st)) || !(x->window = dupn(L, 2, &st)))
        return st;
    if ((st = num(L, 3, "car", &x->car)) || (st = num(L, 4, "var_car", &x->var_car)) ||
        (st = num(L, 5, "scar", &x->scar)) || (st = num(L, 6, "bhar", &x->bhar)))
        return st;
    return EVS_OK;
}

static evs_status row_test(loader *L)
{
    evs_outdir *r = L->r;
    GROW(r->test, r->ntest);
    evs_res_test *x = &r->test[r->ntest - 1];
    evs_status st = event_of(L, 0, &x->ev, 1);
    if (st)
        return st;
    if (!(x->window = dupn(L, 1, &st)) || !(x->test = dupn(L, 2, &st)))
        return st;
    if ((st = num(L, 3, "n", &x->n)) || (st = num(L, 4, "estimate", &x->estimate)) ||
        (st = num(L, 5, "statistic", &x->statistic)) || (st = num(L, 6, "df", &x->df)) ||
        (st = num(L, 7, "p_value", &x->p_value)))
        return st;
    return EVS_OK;
}

/* simulation.csv: only the rows the chart draws (5% two-sided) when the
 * level and sided columns exist; the model, when given, kept for labels. */
static evs_status row_sim(loader *L)
{
    evs_outdir *r = L->r;
    double level;
    evs_status st = num(L, 4, "level", &level);
    if (st)
        return st;
    if (!isnan(level) && fabs(level - 0.05) > 1e-9)
        return EVS_OK;
    if (L->f[5] && !(L->len[5] == 3 && memcmp(L->f[5], "two", 3) == 0))
        return EVS_OK;
    GROW(r->sim, r->nsim);
    evs_res_sim *x = &r->sim[r->nsim - 1];
    if (!(x->test = dupn(L, 0, &st)))
        return st;
    if (L->f[3] && !(x->model = dupn(L, 3, &st)))
        return st;
    if ((st = num(L, 1, "shock", &x->shock)) || (st = num(L, 2, "rejection_rate", &x->rate)))
        return st;
    return EVS_OK;
}

/* With rows of more than one model, label each line "test (model)". */
static evs_status sim_labels(evs_outdir *r, evs_err *e)
{
    int several = 0;
    for (size_t i = 1; i < r->nsim && !several; i++)
        several = r->sim[i].model && r->sim[0].model && strcmp(r->sim[i].model, r->sim[0].model) != 0;
    for (size_t i = 0; several && i < r->nsim; i++) {
        size_t n = strlen(r->sim[i].test) + strlen(r->sim[i].model) + 4;
        char *t = evs_malloc(n);
        if (!t)
            return evs_nomem(e);
        snprintf(t, n, "%s (%s)", r->sim[i].test, r->sim[i].model);
        evs_free(r->sim[i].test);
        r->sim[i].test = t;
    }
    return EVS_OK;
}

/* ---- run.json ---- */

static char *jstr(json_t *o, const char *key)
{
    json_t *v = o ? json_object_get(o, key) : NULL;
    if (json_is_string(v))
        return evs_strdup(json_string_value(v));
    if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v)) {
        char *s = json_dumps(v, JSON_ENCODE_ANY);
        char *d = s ? evs_strdup(s) : NULL;
        free(s);
        return d;
    }
    return evs_strdup("");
}

/* A JSON value as text: strings as they are, arrays of scalars joined by
 * spaces, anything else compact JSON. */
static char *jtext(json_t *v)
{
    if (json_is_string(v))
        return evs_strdup(json_string_value(v));
    if (json_is_array(v)) {
        size_t cap = 1, i;
        json_t *x;
        json_array_foreach(v, i, x) {
            char *t = jtext(x);
            if (!t)
                return NULL;
            cap += strlen(t) + 1;
            evs_free(t);
        }
        char *out = evs_malloc(cap);
        if (!out)
            return NULL;
        out[0] = 0;
        json_array_foreach(v, i, x) {
            char *t = jtext(x);
            if (!t) {
                evs_free(out);
                return NULL;
            }
            if (i)
                strcat(out, " ");
            strcat(out, t);
            evs_free(t);
        }
        return out;
    }
    if (json_is_null(v))
        return evs_strdup("");
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    char *d = s ? evs_strdup(s) : NULL;
    free(s);
    return d;
}

static evs_status kv_list(json_t *o, evs_kv **out, size_t *n, evs_err *e)
{
    *out = NULL;
    *n = 0;
    if (!json_is_object(o))
        return EVS_OK;
    size_t k = json_object_size(o);
    if (k == 0)
        return EVS_OK;
    evs_kv *kv = evs_calloc(k, sizeof *kv);
    if (!kv)
        return evs_nomem(e);
    *out = kv;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        kv[*n].key = evs_strdup(key);
        kv[*n].value = jtext(v);
        (*n)++;
        if (!kv[*n - 1].key || !kv[*n - 1].value)
            return evs_nomem(e);
    }
    return EVS_OK;
}

static evs_status load_run_json(evs_outdir *r, evs_err *e)
{
    evs_status st = EVS_OK;
    char *path = evs_path_join(r->outdir, "run.json"), *text = NULL;
    size_t len;
    json_t *root = NULL;
    if (!path)
        return evs_nomem(e);
    st = evs_read_file(path, (size_t)1 << 28, &text, &len, e);
    if (st)
        goto out;
    json_error_t je;
    root = json_loadb(text, len, 0, &je);
    if (!root) {
        st = evs_errf(e, EVS_ERR_DATA, "%s:%d: bad JSON (%s)", path, je.line, je.text);
        goto out;
    }
    if (!json_is_object(root)) {
        st = evs_errf(e, EVS_ERR_DATA, "%s:1: not a JSON object", path);
        goto out;
    }
    json_t *study = json_object_get(root, "study");
    r->program = jstr(root, "program");
    r->version = jstr(root, "version");
    r->run_at = jstr(root, "run_at");
    r->study_path = jstr(study, "path");
    r->study_sha256 = jstr(study, "sha256");
    r->title = jstr(study, "title");
    if (!r->program || !r->version || !r->run_at || !r->study_path || !r->study_sha256 || !r->title) {
        st = evs_nomem(e);
        goto out;
    }
    if ((st = kv_list(json_object_get(root, "parameters"), &r->params, &r->nparams, e)))
        goto out;
    json_t *evs = json_object_get(root, "events");
    if (json_is_array(evs) && json_array_size(evs)) {
        r->events = evs_calloc(json_array_size(evs), sizeof *r->events);
        if (!r->events) {
            st = evs_nomem(e);
            goto out;
        }
        size_t i;
        json_t *x;
        json_array_foreach(evs, i, x) {
            evs_res_event *ev = &r->events[r->nevents++];
            ev->name = jstr(x, "name");
            ev->date = jstr(x, "date");
            ev->model = jstr(x, "model");
            ev->market = jstr(x, "market");
            ev->returns = jstr(x, "returns");
            ev->estimation = jstr(x, "estimation");
            if (!ev->name || !ev->date || !ev->model || !ev->market || !ev->returns || !ev->estimation) {
                st = evs_nomem(e);
                goto out;
            }
            json_t *rb = json_object_get(x, "rbar");
            ev->rbar = json_is_number(rb) ? json_number_value(rb) : NAN;
            json_t *w = json_object_get(x, "windows");
            if (json_is_string(w))
                w = NULL; /* a single "a..b c..d" string: leave to cars.csv */
            if (json_is_array(w) && json_array_size(w)) {
                ev->windows = evs_calloc(json_array_size(w), sizeof *ev->windows);
                if (!ev->windows) {
                    st = evs_nomem(e);
                    goto out;
                }
                size_t j;
                json_t *y;
                json_array_foreach(w, j, y) {
                    if (!(ev->windows[ev->nwindows++] = jtext(y))) {
                        st = evs_nomem(e);
                        goto out;
                    }
                }
            }
        }
    }
    json_t *data = json_object_get(root, "data");
    if (json_is_array(data) && json_array_size(data)) {
        r->data = evs_calloc(json_array_size(data), sizeof *r->data);
        if (!r->data) {
            st = evs_nomem(e);
            goto out;
        }
        size_t i;
        json_t *x;
        json_array_foreach(data, i, x) {
            evs_res_data *d = &r->data[r->ndata++];
            d->symbol = jstr(x, "symbol");
            d->file = jstr(x, "file");
            d->first = jstr(x, "first");
            d->last = jstr(x, "last");
            d->price_column = jstr(x, "price_column");
            json_t *rows = json_object_get(x, "rows");
            d->rows = json_is_number(rows) ? json_number_value(rows) : NAN;
            if (!d->symbol || !d->file || !d->first || !d->last || !d->price_column) {
                st = evs_nomem(e);
                goto out;
            }
            if ((st = kv_list(json_object_get(x, "provenance"), &d->prov, &d->nprov, e)))
                goto out;
        }
    }
    json_t *w = json_object_get(root, "warnings");
    if (json_is_array(w) && json_array_size(w)) {
        r->warnings = evs_calloc(json_array_size(w), sizeof *r->warnings);
        if (!r->warnings) {
            st = evs_nomem(e);
            goto out;
        }
        size_t i;
        json_t *x;
        json_array_foreach(w, i, x) {
            if (!(r->warnings[r->nwarnings++] = jtext(x))) {
                st = evs_nomem(e);
                goto out;
            }
        }
    }
out:
    json_decref(root);
    evs_free(text);
    evs_free(path);
    return st;
}

/* jansson's own buffers bypass the fault injector on purpose: its lexer
 * ignores a failed buffer growth (lex_save drops the byte), so a failed
 * allocation there gives a silently shortened string (tests/fault-loop.sh
 * saw run.json's SHA-256 lose a digit in the report), not an error. */
static void *jalloc(size_t n) { return malloc(n ? n : 1); }
static void jfree(void *p) { free(p); }

evs_status evs_outdir_load(const char *outdir, evs_outdir *r, evs_err *e)
{
    static const char *const c_ar[] = {"event", "symbol", "date", "day", "return", "market_return",
                                       "expected", "ar", "sar", "car"};
    static const char *const c_aar[] = {"event", "day", "date", "n", "aar", "caar", "se_aar", "se_caar"};
    static const char *const c_est[] = {"event", "symbol", "model", "est_first", "est_last", "n",
                                        "alpha", "beta", "sigma", "r2", "status", "reason"};
    static const char *const c_car[] = {"event", "symbol", "window", "car", "var_car", "scar", "bhar"};
    static const char *const c_test[] = {"event", "window", "test", "n", "estimate", "statistic", "df", "p_value"};
    static const char *const c_sim[] = {"test", "shock", "rejection_rate", "model", "level", "sided"};
    memset(r, 0, sizeof *r);
    json_set_alloc_funcs(jalloc, jfree);
    r->outdir = evs_strdup(outdir);
    if (!r->outdir)
        return evs_nomem(e);
    evs_status st;
    int found;
    /* a directory of `evstudy simulate` alone: simulation.csv without a run */
    char *rj = evs_path_join(outdir, "run.json"), *sc = evs_path_join(outdir, "simulation.csv");
    int sim_only = rj && sc && access(rj, F_OK) != 0 && access(sc, F_OK) == 0;
    evs_free(rj);
    evs_free(sc);
    if (sim_only) {
        char **str[] = {&r->title, &r->program, &r->version, &r->study_path, &r->study_sha256, &r->run_at};
        const char *val[] = {"Simulation", "evstudy", "", "", "", ""};
        int bad = 0;
        for (size_t i = 0; i < sizeof str / sizeof *str; i++)
            bad |= !(*str[i] = evs_strdup(val[i]));
        if (bad) {
            evs_outdir_free(r);
            return evs_nomem(e);
        }
        if ((st = load_csv(r, "simulation.csv", c_sim, 6, 3, row_sim, 1, &found, e)) || (st = sim_labels(r, e))) {
            evs_outdir_free(r);
            return st;
        }
        return EVS_OK;
    }
    if ((st = load_run_json(r, e)) ||
        (st = load_csv(r, "abnormal_returns.csv", c_ar, 10, 10, row_ar, 0, NULL, e)) ||
        (st = load_csv(r, "aar.csv", c_aar, 8, 8, row_aar, 0, NULL, e)) ||
        (st = load_csv(r, "estimates.csv", c_est, 12, 12, row_est, 0, NULL, e)) ||
        (st = load_csv(r, "cars.csv", c_car, 7, 7, row_car, 0, NULL, e)) ||
        (st = load_csv(r, "tests.csv", c_test, 8, 8, row_test, 0, NULL, e)) ||
        (st = load_csv(r, "simulation.csv", c_sim, 6, 3, row_sim, 1, &found, e)) || (st = sim_labels(r, e))) {
        evs_outdir_free(r);
        return st;
    }
    return EVS_OK;
}

static void free_kv(evs_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        evs_free(kv[i].key);
        evs_free(kv[i].value);
    }
    evs_free(kv);
}

void evs_outdir_free(evs_outdir *r)
{
    size_t i, j;
    evs_free(r->outdir);
    evs_free(r->program);
    evs_free(r->version);
    evs_free(r->study_path);
    evs_free(r->study_sha256);
    evs_free(r->title);
    evs_free(r->run_at);
    free_kv(r->params, r->nparams);
    for (i = 0; i < r->nevents; i++) {
        evs_res_event *ev = &r->events[i];
        evs_free(ev->name);
        evs_free(ev->date);
        evs_free(ev->model);
        evs_free(ev->market);
        evs_free(ev->returns);
        evs_free(ev->estimation);
        for (j = 0; j < ev->nwindows; j++)
            evs_free(ev->windows[j]);
        evs_free(ev->windows);
    }
    evs_free(r->events);
    for (i = 0; i < r->ndata; i++) {
        evs_res_data *d = &r->data[i];
        evs_free(d->symbol);
        evs_free(d->file);
        evs_free(d->first);
        evs_free(d->last);
        evs_free(d->price_column);
        free_kv(d->prov, d->nprov);
    }
    evs_free(r->data);
    for (i = 0; i < r->nwarnings; i++)
        evs_free(r->warnings[i]);
    evs_free(r->warnings);
    for (i = 0; i < r->nar; i++) {
        evs_free(r->ar[i].symbol);
        evs_free(r->ar[i].date);
    }
    evs_free(r->ar);
    for (i = 0; i < r->naar; i++)
        evs_free(r->aar[i].date);
    evs_free(r->aar);
    for (i = 0; i < r->nest; i++) {
        evs_free(r->est[i].symbol);
        evs_free(r->est[i].model);
        evs_free(r->est[i].est_first);
        evs_free(r->est[i].est_last);
        evs_free(r->est[i].reason);
    }
    evs_free(r->est);
    for (i = 0; i < r->ncar; i++) {
        evs_free(r->car[i].symbol);
        evs_free(r->car[i].window);
    }
    evs_free(r->car);
    for (i = 0; i < r->ntest; i++) {
        evs_free(r->test[i].window);
        evs_free(r->test[i].test);
    }
    evs_free(r->test);
    for (i = 0; i < r->nsim; i++) {
        evs_free(r->sim[i].test);
        evs_free(r->sim[i].model);
    }
    evs_free(r->sim);
    memset(r, 0, sizeof *r);
}

size_t evs_outdir_event(const evs_outdir *r, const char *name)
{
    for (size_t i = 0; i < r->nevents; i++)
        if (strcmp(r->events[i].name, name) == 0)
            return i;
    return EVS_RES_ALL;
}

const evs_res_data *evs_outdir_data(const evs_outdir *r, const char *symbol)
{
    for (size_t i = 0; i < r->ndata; i++)
        if (strcmp(r->data[i].symbol, symbol) == 0)
            return &r->data[i];
    return NULL;
}

static int is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

char *evs_outdir_data_path(const evs_outdir *r, const evs_res_data *d, int *nomem)
{
    int oom = 0;
    char *p = NULL;
    if (!d->file[0])
        goto done;
    if (d->file[0] == '/' || is_file(d->file)) {
        if (!is_file(d->file))
            goto done;
        if (!(p = evs_strdup(d->file)))
            oom = 1;
        goto done;
    }
    char *sd = evs_path_dirname(r->study_path[0] ? r->study_path : ".");
    p = sd ? evs_path_join(sd, d->file) : NULL;
    evs_free(sd);
    if (!p)
        oom = 1;
    else if (is_file(p))
        goto done;
    evs_free(p);
    p = evs_path_join(r->outdir, d->file);
    if (!p)
        oom = 1;
    else if (!is_file(p)) {
        evs_free(p);
        p = NULL;
    }
done:
    if (nomem)
        *nomem = !p && oom;
    return p;
}
