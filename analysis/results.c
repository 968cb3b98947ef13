/* results.c — the result files (see evs_results.h for their contract). */
#include "evs_results.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "evs_date.h"
#include "evs_file.h"
#include "evs_fmt.h"
#include "evs_intraday.h"
#include "evs_json.h"
#include "evs_mem.h"
#include "evs_model.h"
#include "evs_par.h"
#include "evs_reactions.h"

enum { F_AR, F_AAR, F_EST, F_CARS, F_TESTS, F_VOL, F_ACT, F_RUN, F_REACT, F_N };
static const char *file_names[F_N] = {"abnormal_returns.csv", "aar.csv",      "estimates.csv", "cars.csv",
                                      "tests.csv",            "abnormal_volume.csv", "activity.csv", "run.json",
                                      "reactions.csv"};

#define SEP(fp) fputc(',', fp)

/* A date column: a day number, or for an intraday event a minute number written as a UTC instant. */
static void csv_when(FILE *fp, int v, int intraday)
{
    if (!intraday || v == EVS_NO_DATE) {
        evs_csv_date(fp, v);
        return;
    }
    char t[21];
    evs_minute_format(v, t);
    fputs(t, fp);
}

static void write_ar(FILE *fp, const evs_run *r)
{
    /* span_minutes (after the DESIGN.md columns): intraday events only, the minutes between the two
     * bars a return is taken across (the interval; more across missing bars or a session gap) */
    fputs("event,symbol,date,day,return,market_return,expected,ar,sar,car,span_minutes\n", fp);
    for (size_t k = 0; k < r->nev; k++)
        for (size_t i = 0; i < r->ev[k].nfirm; i++) {
            const evs_firm *f = &r->ev[k].firm[i];
            if (!f->ok)
                continue;
            for (size_t t = 0; t < f->n_span; t++) {
                evs_csv_str(fp, f->event), SEP(fp);
                evs_csv_str(fp, f->symbol), SEP(fp);
                csv_when(fp, f->sp_date[t], r->ev[k].def->intraday), SEP(fp);
                fprintf(fp, "%d,", f->span_first + (int)t);
                evs_csv_num(fp, f->sp_r[t]), SEP(fp);
                evs_csv_num(fp, f->sp_rm[t]), SEP(fp);
                evs_csv_num(fp, f->sp_exp[t]), SEP(fp);
                evs_csv_num(fp, f->sp_ar[t]), SEP(fp);
                evs_csv_num(fp, f->sp_sar[t]), SEP(fp);
                evs_csv_num(fp, f->sp_car[t]), SEP(fp);
                int sm = r->ev[k].def->intraday ? evs_intraday_span_minutes(r, k, i, t) : -1;
                if (sm > 0)
                    fprintf(fp, "%d", sm);
                fputc('\n', fp);
            }
        }
}

static void write_aar(FILE *fp, const evs_run *r)
{
    fputs("event,day,date,n,aar,caar,se_aar,se_caar\n", fp);
    for (size_t k = 0; k < r->nev; k++) {
        const evs_event_result *er = &r->ev[k];
        for (size_t t = 0; t < er->nspan; t++) {
            evs_csv_str(fp, er->def->name), SEP(fp);
            fprintf(fp, "%d,", er->span_first + (int)t);
            csv_when(fp, er->date[t], er->def->intraday), SEP(fp);
            fprintf(fp, "%zu,", er->n[t]);
            evs_csv_num(fp, er->aar[t]), SEP(fp);
            evs_csv_num(fp, er->caar[t]), SEP(fp);
            evs_csv_num(fp, er->se_aar[t]), SEP(fp);
            evs_csv_num(fp, er->se_caar[t]);
            fputc('\n', fp);
        }
    }
}

static void write_est(FILE *fp, const evs_run *r)
{
    /* after the DESIGN.md columns: dof (residual degrees of freedom), coefficients
     * ("name=value" per regressor, ';'-separated: the factor loadings, the sector
     * beta, Dimson's lead/lag slopes, Scholes-Williams' b-, b0, b+ and rho_m) and
     * est_removed (days exclude_events left out of the estimation window); then the
     * time and calendar columns: exchange, day0, day0_reason, market, market_exchange,
     * non_synchronous, note (evs_firm.h) */
    fputs("event,symbol,model,est_first,est_last,n,alpha,beta,sigma,r2,status,reason,dof,coefficients,est_removed,"
          "exchange,day0,day0_reason,market,market_exchange,non_synchronous,note\n",
          fp);
    for (size_t k = 0; k < r->nev; k++)
        for (size_t i = 0; i < r->ev[k].nfirm; i++) {
            const evs_firm *f = &r->ev[k].firm[i];
            evs_csv_str(fp, f->event), SEP(fp);
            evs_csv_str(fp, f->symbol), SEP(fp);
            evs_csv_str(fp, evs_model_name(f->exchange ? f->model : r->ev[k].def->p.model)), SEP(fp);
            csv_when(fp, f->est_first_date, r->ev[k].def->intraday), SEP(fp);
            csv_when(fp, f->est_last_date, r->ev[k].def->intraday), SEP(fp);
            if (f->est_first_date != EVS_NO_DATE)
                fprintf(fp, "%d", f->fit.L1);
            SEP(fp);
            evs_csv_num(fp, f->ok ? f->fit.alpha : NAN), SEP(fp);
            evs_csv_num(fp, f->ok ? f->fit.beta : NAN), SEP(fp);
            evs_csv_num(fp, f->ok ? sqrt(f->fit.sigma2) : NAN), SEP(fp);
            evs_csv_num(fp, f->ok ? f->fit.r2 : NAN), SEP(fp);
            fputs(f->ok ? "ok," : "excluded,", fp);
            evs_csv_str(fp, f->ok ? "" : f->reason);
            SEP(fp);
            if (f->ok)
                fprintf(fp, "%d", f->fit.dof);
            SEP(fp);
            if (f->ok) {
                char cb[EVS_MODEL_MAXK * 64 + 64] = "", num[EVS_FMT_DOUBLE_MAX];
                size_t o = 0;
                int sw = f->fit.kind == EVS_MODEL_SCHOLES_WILLIAMS;
                for (int j = 0; j < f->fit.k && f->fit.k > 1 && o + 80 < sizeof cb; j++)
                    o += (size_t)snprintf(cb + o, sizeof cb - o, "%s%s=%s", j ? ";" : "",
                                          f->xnames[j] ? f->xnames[j] : "x", evs_fmt_double(f->fit.coef[j + 1], num));
                if (sw)
                    snprintf(cb + o, sizeof cb - o, ";rho_m=%s", evs_fmt_double(f->fit.rho_m, num));
                evs_csv_str(fp, cb);
            }
            SEP(fp);
            if (f->est_first_date != EVS_NO_DATE)
                fprintf(fp, "%zu", f->n_removed);
            SEP(fp);
            evs_csv_str(fp, f->exchange ? f->exchange->mic : ""), SEP(fp);
            evs_csv_date(fp, f->exchange ? f->day0.date : EVS_NO_DATE), SEP(fp);
            evs_csv_str(fp, f->exchange ? f->day0.reason : ""), SEP(fp);
            evs_csv_str(fp, f->market ? f->market : ""), SEP(fp);
            evs_csv_str(fp, f->market_exchange ? f->market_exchange->mic : ""), SEP(fp);
            fputs(!f->market_exchange ? "" : f->nonsync ? "yes" : "no", fp), SEP(fp);
            evs_csv_str(fp, f->note);
            fputc('\n', fp);
        }
}

static void write_cars(FILE *fp, const evs_run *r)
{
    fputs("event,symbol,window,car,var_car,scar,bhar\n", fp);
    for (size_t k = 0; k < r->nev; k++) {
        const evs_params *p = &r->ev[k].def->p;
        for (size_t i = 0; i < r->ev[k].nfirm; i++) {
            const evs_firm *f = &r->ev[k].firm[i];
            if (!f->ok)
                continue;
            for (size_t w = 0; w < p->nwindows; w++) {
                char ws[32];
                evs_csv_str(fp, f->event), SEP(fp);
                evs_csv_str(fp, f->symbol), SEP(fp);
                fputs(evs_window_format(p->windows[w], ws), fp), SEP(fp);
                evs_csv_num(fp, f->car[w]), SEP(fp);
                evs_csv_num(fp, f->var_car[w]), SEP(fp);
                evs_csv_num(fp, f->scar[w]), SEP(fp);
                evs_csv_num(fp, f->bhar[w]);
                fputc('\n', fp);
            }
        }
    }
}

static void test_rows(FILE *fp, const char *event, evs_window win, const evs_test_row *rows)
{
    char ws[32];
    evs_window_format(win, ws);
    for (int t = 0; t < EVS_NTESTS; t++) {
        const evs_test_row *x = &rows[t];
        evs_csv_str(fp, event), SEP(fp);
        fputs(ws, fp), SEP(fp);
        fputs(evs_test_name((evs_test_id)t), fp), SEP(fp);
        fprintf(fp, "%zu,", x->n);
        evs_csv_num(fp, x->estimate), SEP(fp);
        evs_csv_num(fp, x->statistic), SEP(fp);
        evs_csv_num(fp, x->df), SEP(fp);
        evs_csv_num(fp, x->p_value), SEP(fp);
        evs_csv_num(fp, x->p_boot), SEP(fp);
        /* clustered event dates: say which tests assume independence (evs_tests.h) */
        int kind = evs_test_independence((evs_test_id)t);
        if (x->clustered > 1 && kind) {
            char note[200], rb[EVS_FMT_DOUBLE_MAX];
            snprintf(rb, sizeof rb, "%.3f", x->rbar);
            if (kind == 1)
                snprintf(note, sizeof note,
                         "assumes independent firm-events but %zu of %zu share a day 0 (r-bar %s): see patell-kp bmp-kp grank",
                         x->clustered, x->n, rb);
            else
                snprintf(note, sizeof note, "adjusted for %zu of %zu firm-events sharing a day 0 (r-bar %s)",
                         x->clustered, x->n, rb);
            evs_csv_str(fp, note);
        }
        fputc('\n', fp);
    }
}

/* abnormal_volume.csv: the log-volume measures of evs_activity.h per security and span day */
static void write_vol(FILE *fp, const evs_run *r)
{
    fputs("event,symbol,date,day,volume,log_volume,expected,abnormal,standardized\n", fp);
    for (size_t k = 0; k < r->nev; k++)
        for (size_t i = 0; i < r->ev[k].nfirm; i++) {
            const evs_firm *f = &r->ev[k].firm[i];
            const evs_volume *v = r->ev[k].vol ? &r->ev[k].vol[i] : NULL;
            if (!f->ok || !v || !v->ok)
                continue;
            for (size_t t = 0; t < f->n_span; t++) {
                evs_csv_str(fp, f->event), SEP(fp);
                evs_csv_str(fp, f->symbol), SEP(fp);
                evs_csv_date(fp, f->sp_date[t]), SEP(fp);
                fprintf(fp, "%d,", f->span_first + (int)t);
                evs_csv_num(fp, v->vol[t]), SEP(fp);
                evs_csv_num(fp, v->lv[t]), SEP(fp);
                evs_csv_num(fp, v->mean), SEP(fp);
                evs_csv_num(fp, v->av[t]), SEP(fp);
                evs_csv_num(fp, v->sav[t]);
                fputc('\n', fp);
            }
        }
}

/* activity.csv: the volume and volatility tests, in the layout of tests.csv */
static void write_act(FILE *fp, const evs_run *r)
{
    fputs("event,window,test,n,estimate,statistic,df,p_value\n", fp);
    for (size_t k = 0; k < r->nev; k++) {
        const evs_params *p = &r->ev[k].def->p;
        for (size_t w = 0; r->ev[k].act && w < p->nwindows; w++) {
            char ws[32];
            evs_window_format(p->windows[w], ws);
            for (int a = 0; a < EVS_NACT; a++) {
                const evs_test_row *x = &r->ev[k].act[w][a];
                evs_csv_str(fp, r->ev[k].def->name), SEP(fp);
                fputs(ws, fp), SEP(fp);
                fputs(evs_activity_name((evs_activity_id)a), fp), SEP(fp);
                fprintf(fp, "%zu,", x->n);
                evs_csv_num(fp, x->estimate), SEP(fp);
                evs_csv_num(fp, x->statistic), SEP(fp);
                evs_csv_num(fp, x->df), SEP(fp);
                evs_csv_num(fp, x->p_value);
                fputc('\n', fp);
            }
        }
    }
}

static void write_tests(FILE *fp, const evs_run *r)
{
    /* after the DESIGN.md columns: p_boot (bootstrap p-value, when bootstrap = B) and note
     * (clustered event dates: which tests assume independence, which are adjusted) */
    fputs("event,window,test,n,estimate,statistic,df,p_value,p_boot,note\n", fp);
    for (size_t k = 0; k < r->nev; k++) {
        const evs_params *p = &r->ev[k].def->p;
        for (size_t w = 0; w < p->nwindows; w++)
            test_rows(fp, r->ev[k].def->name, p->windows[w], r->ev[k].tests[w]);
    }
    for (size_t w = 0; w < r->npooled; w++)
        test_rows(fp, "ALL", r->pooled[w].win, r->pooled[w].rows);
}

static void csv_instant(FILE *fp, evs_instant t)
{
    char b[21];
    evs_instant_format(t, b);
    fputs(b, fp);
}

static evs_status write_reactions(FILE *fp, const evs_run *r, evs_err *e)
{
    fputs("event,exchange,zone,day0,open_utc,close_utc,n,mean_ar_day0,mean_return_day0,symbols,closed_first,closed_last\n", fp);
    for (size_t k = 0; k < r->nev; k++) {
        evs_reaction *g;
        size_t n;
        evs_status st = evs_reactions(&r->ev[k], &g, &n, e);
        if (st != EVS_OK)
            return st;
        for (size_t j = 0; j < n; j++) {
            evs_csv_str(fp, r->ev[k].def->name), SEP(fp);
            fputs(g[j].exchange->mic, fp), SEP(fp);
            fputs(g[j].exchange->zone, fp), SEP(fp);
            evs_csv_date(fp, g[j].day0), SEP(fp);
            csv_instant(fp, g[j].open), SEP(fp);
            csv_instant(fp, g[j].close), SEP(fp);
            fprintf(fp, "%zu,", g[j].n);
            evs_csv_num(fp, g[j].mean_ar), SEP(fp);
            evs_csv_num(fp, g[j].mean_r), SEP(fp);
            evs_csv_str(fp, g[j].symbols), SEP(fp);
            evs_csv_date(fp, g[j].closed_first), SEP(fp);
            evs_csv_date(fp, g[j].closed_last);
            fputc('\n', fp);
        }
        evs_free(g);
    }
    return EVS_OK;
}

static void json_params(FILE *fp, const evs_params *p, const char *ind)
{
    char ws[32];
    fprintf(fp, "%s\"returns\": ", ind);
    evs_json_str(fp, evs_returns_name(p->returns));
    fprintf(fp, ",\n%s\"model\": ", ind);
    evs_json_str(fp, evs_model_name(p->model));
    fprintf(fp, ",\n%s\"market\": ", ind);
    if (p->market)
        evs_json_str(fp, p->market);
    else
        fputs("null", fp);
    if (p->model == EVS_MODEL_TWO_INDEX) {
        fprintf(fp, ",\n%s\"sector\": ", ind);
        evs_json_str(fp, p->sector);
    }
    if (p->factors) {
        fprintf(fp, ",\n%s\"factors\": ", ind);
        evs_json_str(fp, p->factors);
    }
    if (p->model == EVS_MODEL_DIMSON)
        fprintf(fp, ",\n%s\"dimson_lags\": %d", ind, p->dimson_lags);
    fprintf(fp, ",\n%s\"exclude_events\": %s", ind, p->exclude_events ? "true" : "false");
    fprintf(fp, ",\n%s\"bootstrap\": %d", ind, p->bootstrap);
    if (p->bootstrap)
        fprintf(fp, ",\n%s\"seed\": %lu", ind, p->seed);
    fprintf(fp, ",\n%s\"estimation\": \"%s\"", ind, evs_window_format(p->estimation, ws));
    fprintf(fp, ",\n%s\"min_estimation\": %d", ind, p->min_estimation);
    fprintf(fp, ",\n%s\"windows\": [", ind);
    for (size_t w = 0; w < p->nwindows; w++)
        fprintf(fp, "%s\"%s\"", w ? ", " : "", evs_window_format(p->windows[w], ws));
    fputc(']', fp);
}

static void write_run(FILE *fp, const evs_run *r, const char *version)
{
    const evs_study *s = r->study;
    char when[32];
    struct tm tmv;
    gmtime_r(&r->run_at, &tmv);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    fputs("{\n  \"program\": \"evstudy\",\n  \"version\": ", fp);
    evs_json_str(fp, version);
    fprintf(fp, ",\n  \"run_at\": \"%s\",\n  \"study\": {\n    \"path\": ", when);
    evs_json_str(fp, s->path);
    fputs(",\n    \"sha256\": ", fp);
    evs_json_str(fp, s->sha256);
    fputs(",\n    \"title\": ", fp);
    evs_json_str(fp, s->title);
    fputs(",\n    \"data\": ", fp);
    evs_json_str(fp, s->data_dir);
    fputs("\n  },\n  \"parameters\": {\n", fp);
    json_params(fp, &s->defaults, "    ");
    fputs("\n  },\n  \"events\": [", fp);
    for (size_t k = 0; k < r->nev; k++) {
        const evs_event_result *er = &r->ev[k];
        fputs(k ? ",\n    {\n      \"name\": " : "\n    {\n      \"name\": ", fp);
        evs_json_str(fp, er->def->name);
        fputs(",\n      \"date\": ", fp);
        evs_json_date(fp, er->def->date);
        fputs(",\n", fp);
        json_params(fp, &er->def->p, "      ");
        if (er->def->intraday) {
            char t[21];
            evs_instant_format(er->def->instant, t);
            fprintf(fp, ",\n      \"intraday\": {\"instant\": \"%s\", \"interval\": \"%s\", \"overnight\": \"%s\", "
                        "\"session_gap_minutes\": %d}",
                    t, evs_interval_name(er->def->p.interval),
                    er->def->p.overnight == EVS_OVERNIGHT_EXCLUDE ? "exclude" : "include", er->def->p.session_gap);
        }
        fputs(",\n      \"securities\": [", fp);
        for (size_t i = 0; i < er->nfirm; i++) {
            fputs(i ? ", " : "", fp);
            evs_json_str(fp, er->firm[i].symbol);
        }
        fputs("],\n      \"time\": [", fp);
        for (size_t i = 0; i < er->nfirm; i++) {
            const evs_firm *f = &er->firm[i];
            fputs(i ? ",\n        {\"symbol\": " : "\n        {\"symbol\": ", fp);
            evs_json_str(fp, f->symbol);
            fputs(", \"exchange\": ", fp);
            evs_json_str(fp, f->exchange ? f->exchange->mic : "");
            fputs(", \"day0\": ", fp);
            evs_json_date(fp, f->exchange ? f->day0.date : EVS_NO_DATE);
            fputs(", \"day0_reason\": ", fp);
            evs_json_str(fp, f->exchange ? f->day0.reason : "");
            fputs(", \"model\": ", fp);
            evs_json_str(fp, evs_model_name(f->model));
            fprintf(fp, ", \"non_synchronous\": %s, \"note\": ", f->nonsync ? "true" : "false");
            evs_json_str(fp, f->note);
            fputc('}', fp);
        }
        fprintf(fp, "],\n      \"included\": %zu,\n      \"excluded\": %zu,\n      \"rbar\": ", er->nok,
                er->nfirm - er->nok);
        evs_json_num(fp, er->rbar);
        fputs("\n    }", fp);
    }
    fputs("\n  ],\n  \"pooled_rbar\": ", fp);
    evs_json_num(fp, r->npooled ? r->pooled_rbar : NAN);
    fputs(",\n  \"data\": [", fp);
    for (size_t i = 0; i < r->ndata; i++) {
        const evs_datafile *d = &r->data[i];
        fputs(i ? ",\n    {\"symbol\": " : "\n    {\"symbol\": ", fp);
        evs_json_str(fp, d->symbol);
        fputs(", \"file\": ", fp);
        evs_json_str(fp, d->path);
        fputs(", \"first\": ", fp);
        evs_json_date(fp, d->s.n ? d->s.date[0] : EVS_NO_DATE);
        fputs(", \"last\": ", fp);
        evs_json_date(fp, d->s.n ? d->s.date[d->s.n - 1] : EVS_NO_DATE);
        fprintf(fp, ", \"rows\": %zu, \"price_column\": \"%s\", \"provenance\": ", d->s.n,
                d->s.uses_adj ? "adj_close" : "close");
        evs_json_ini(fp, &d->meta);
        fputs("}", fp);
    }
    size_t written = r->ndata;
    evs_intraday_json_data(fp, r, &written);
    fputs("\n  ],\n  \"warnings\": [", fp);
    for (size_t i = 0; i < r->nwarnings; i++) {
        fputs(i ? ",\n    " : "\n    ", fp);
        evs_json_str(fp, r->warnings[i]);
    }
    fputs(r->nwarnings ? "\n  ]\n}\n" : "]\n}\n", fp);
}

typedef struct write_job {
    const evs_run *r;
    const char *version;
    evs_afile *f;
} write_job;

static void write_item(void *ctx, size_t i)
{
    write_job *wj = ctx;
    FILE *fp = wj->f[i].fp;
    switch ((int)i) {
    case F_AR: write_ar(fp, wj->r); break;
    case F_AAR: write_aar(fp, wj->r); break;
    case F_EST: write_est(fp, wj->r); break;
    case F_CARS: write_cars(fp, wj->r); break;
    case F_TESTS: write_tests(fp, wj->r); break;
    case F_VOL: write_vol(fp, wj->r); break;
    case F_ACT: write_act(fp, wj->r); break;
    case F_RUN: write_run(fp, wj->r, wj->version); break;
    default: break; /* F_REACT: written after, on the calling thread */
    }
}

evs_status evs_results_write(const evs_run *r, const char *outdir, const char *version, evs_err *e)
{
    evs_status st = evs_mkdirs(outdir, e);
    if (st != EVS_OK)
        return st;
    evs_afile f[F_N];
    memset(f, 0, sizeof f);
    int opened = 0;
    for (; opened < F_N; opened++) {
        char *path = evs_path_join(outdir, file_names[opened]);
        if (!path) {
            st = evs_nomem(e);
            goto fail;
        }
        st = evs_afile_open(&f[opened], path, e);
        evs_free(path);
        if (st != EVS_OK)
            goto fail;
    }
    /* the files are independent: format them on the run's threads */
    write_job wj = {r, version, f};
    evs_par_for(F_N, r->jobs, write_item, &wj);
    /* reactions.csv on this thread: it can run out of memory */
    if ((st = write_reactions(f[F_REACT].fp, r, e)) != EVS_OK)
        goto fail;
    for (int i = 0; i < F_N; i++)
        if ((st = evs_afile_finish(&f[i], e)) != EVS_OK)
            goto fail;
    for (int i = 0; i < F_N; i++)
        if ((st = evs_afile_publish(&f[i], e)) != EVS_OK)
            goto fail;
    return EVS_OK;
fail:
    for (int i = 0; i < opened; i++)
        evs_afile_abort(&f[i]);
    return st;
}
