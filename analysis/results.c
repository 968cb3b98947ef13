/* results.c — the result files (see evs_results.h for their contract). */
#include "evs_results.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "evs_date.h"
#include "evs_file.h"
#include "evs_fmt.h"
#include "evs_json.h"
#include "evs_mem.h"

enum { F_AR, F_AAR, F_EST, F_CARS, F_TESTS, F_RUN, F_N };
static const char *file_names[F_N] = {"abnormal_returns.csv", "aar.csv", "estimates.csv",
                                      "cars.csv",             "tests.csv", "run.json"};

#define SEP(fp) fputc(',', fp)

static void write_ar(FILE *fp, const evs_run *r)
{
    fputs("event,symbol,date,day,return,market_return,expected,ar,sar,car\n", fp);
    for (size_t k = 0; k < r->nev; k++)
        for (size_t i = 0; i < r->ev[k].nfirm; i++) {
            const evs_firm *f = &r->ev[k].firm[i];
            if (!f->ok)
                continue;
            for (size_t t = 0; t < f->n_span; t++) {
                evs_csv_str(fp, f->event), SEP(fp);
                evs_csv_str(fp, f->symbol), SEP(fp);
                evs_csv_date(fp, f->sp_date[t]), SEP(fp);
                fprintf(fp, "%d,", f->span_first + (int)t);
                evs_csv_num(fp, f->sp_r[t]), SEP(fp);
                evs_csv_num(fp, f->sp_rm[t]), SEP(fp);
                evs_csv_num(fp, f->sp_exp[t]), SEP(fp);
                evs_csv_num(fp, f->sp_ar[t]), SEP(fp);
                evs_csv_num(fp, f->sp_sar[t]), SEP(fp);
                evs_csv_num(fp, f->sp_car[t]);
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
            evs_csv_date(fp, er->date[t]), SEP(fp);
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
    fputs("event,symbol,model,est_first,est_last,n,alpha,beta,sigma,r2,status,reason\n", fp);
    for (size_t k = 0; k < r->nev; k++)
        for (size_t i = 0; i < r->ev[k].nfirm; i++) {
            const evs_firm *f = &r->ev[k].firm[i];
            evs_csv_str(fp, f->event), SEP(fp);
            evs_csv_str(fp, f->symbol), SEP(fp);
            evs_csv_str(fp, evs_model_name(r->ev[k].def->p.model)), SEP(fp);
            evs_csv_date(fp, f->est_first_date), SEP(fp);
            evs_csv_date(fp, f->est_last_date), SEP(fp);
            if (f->est_first_date != EVS_NO_DATE)
                fprintf(fp, "%d", f->fit.L1);
            SEP(fp);
            evs_csv_num(fp, f->ok ? f->fit.alpha : NAN), SEP(fp);
            evs_csv_num(fp, f->ok ? f->fit.beta : NAN), SEP(fp);
            evs_csv_num(fp, f->ok ? sqrt(f->fit.sigma2) : NAN), SEP(fp);
            evs_csv_num(fp, f->ok ? f->fit.r2 : NAN), SEP(fp);
            fputs(f->ok ? "ok," : "excluded,", fp);
            evs_csv_str(fp, f->ok ? "" : f->reason);
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
        evs_csv_num(fp, x->p_value);
        fputc('\n', fp);
    }
}

static void write_tests(FILE *fp, const evs_run *r)
{
    fputs("event,window,test,n,estimate,statistic,df,p_value\n", fp);
    for (size_t k = 0; k < r->nev; k++) {
        const evs_params *p = &r->ev[k].def->p;
        for (size_t w = 0; w < p->nwindows; w++)
            test_rows(fp, r->ev[k].def->name, p->windows[w], r->ev[k].tests[w]);
    }
    for (size_t w = 0; w < r->npooled; w++)
        test_rows(fp, "ALL", r->pooled[w].win, r->pooled[w].rows);
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
        fputs(",\n      \"securities\": [", fp);
        for (size_t i = 0; i < er->nfirm; i++) {
            fputs(i ? ", " : "", fp);
            evs_json_str(fp, er->firm[i].symbol);
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
        fprintf(fp, ", \"rows\": %zu, \"price_column\": \"%s\", \"provenance\": {", d->s.n,
                d->s.uses_adj ? "adj_close" : "close");
        size_t shown = 0;
        for (size_t j = 0; j < d->meta.n; j++)
            for (size_t q = 0; q < d->meta.sections[j].n; q++) {
                const evs_ini_entry *en = &d->meta.sections[j].entries[q];
                fputs(shown++ ? ", " : "", fp);
                evs_json_str(fp, en->key);
                fputs(": ", fp);
                evs_json_str(fp, en->value);
            }
        fputs("}}", fp);
    }
    fputs("\n  ],\n  \"warnings\": [", fp);
    for (size_t i = 0; i < r->nwarnings; i++) {
        fputs(i ? ",\n    " : "\n    ", fp);
        evs_json_str(fp, r->warnings[i]);
    }
    fputs(r->nwarnings ? "\n  ]\n}\n" : "]\n}\n", fp);
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
    write_ar(f[F_AR].fp, r);
    write_aar(f[F_AAR].fp, r);
    write_est(f[F_EST].fp, r);
    write_cars(f[F_CARS].fp, r);
    write_tests(f[F_TESTS].fp, r);
    write_run(f[F_RUN].fp, r, version);
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
