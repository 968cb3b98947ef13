/*
 * evs_outdir.h — an OUTDIR of `evstudy run`, read back for charts and the report.
 *
 * The result files are the contract of DESIGN.md "Result files":
 *   abnormal_returns.csv  event,symbol,date,day,return,market_return,expected,ar,sar,car
 *   aar.csv               event,day,date,n,aar,caar,se_aar,se_caar
 *   estimates.csv         event,symbol,model,est_first,est_last,n,alpha,beta,sigma,r2,status,reason
 *   cars.csv              event,symbol,window,car,var_car,scar,bhar
 *   tests.csv             event,window,test,n,estimate,statistic,df,p_value
 *   run.json              program, version, study, run_at, parameters, events, data, warnings
 * and, optionally, simulation.csv (test,shock,rejection_rate[,model,level,sided,...])
 * from `evstudy simulate`, of which only the 5% two-sided rows are kept (all
 * rows when those columns are absent). A directory holding simulation.csv
 * but no run.json is loaded as a simulation alone (no events, title
 * "Simulation"). Columns are found by name, so later columns added after
 * these (DESIGN.md allows it) are ignored; unknown run.json keys are ignored.
 * Empty numeric fields ("not applicable") read as NaN.
 *
 * Events are numbered in run.json's order; an event named in a CSV but not in
 * run.json is appended. Rows refer to their event by index; the pooled rows
 * of tests.csv (event = ALL) have ev = EVS_RES_ALL.
 *
 * Everything is owned by the evs_outdir and freed by evs_outdir_free.
 */
#ifndef EVS_OUTDIR_H
#define EVS_OUTDIR_H

#include <stddef.h>

#include "evs_error.h"

#define EVS_RES_ALL ((size_t)-1)

typedef struct evs_res_ar {
    size_t ev;
    char *symbol;
    char *date; /* "YYYY-MM-DD", or an ISO instant for intraday bars */
    int day;
    double ret, market_ret, expected, ar, sar, car;
} evs_res_ar;

typedef struct evs_res_aar {
    size_t ev;
    int day;
    char *date;
    double n, aar, caar, se_aar, se_caar;
} evs_res_aar;

typedef struct evs_res_est {
    size_t ev;
    char *symbol, *model, *est_first, *est_last;
    double n, alpha, beta, sigma, r2;
    int ok;       /* status = ok */
    char *reason; /* "" when none */
} evs_res_est;

typedef struct evs_res_car {
    size_t ev;
    char *symbol, *window;
    double car, var_car, scar, bhar;
} evs_res_car;

typedef struct evs_res_test {
    size_t ev; /* EVS_RES_ALL for the pooled rows */
    char *window, *test;
    double n, estimate, statistic, df, p_value;
} evs_res_test;

typedef struct evs_res_sim {
    char *test;  /* "test (model)" when the file holds several models */
    char *model; /* NULL when the file has no model column */
    double shock, rate; /* planted abnormal return (fraction), rejection rate (0..1) */
} evs_res_sim;

typedef struct evs_kv {
    char *key, *value; /* value rendered as text (arrays joined by spaces) */
} evs_kv;

typedef struct evs_res_event {
    char *name;
    char *date;   /* as run.json gives it ("" when unknown) */
    char *model, *market, *returns, *estimation; /* "" when unknown */
    char **windows;
    size_t nwindows;
    double rbar;  /* mean residual cross-correlation when run.json gives it, else NaN */
} evs_res_event;

typedef struct evs_res_data {
    char *symbol, *file, *first, *last, *price_column;
    double rows;
    evs_kv *prov;
    size_t nprov;
} evs_res_data;

typedef struct evs_outdir {
    char *outdir;
    /* run.json */
    char *program, *version, *study_path, *study_sha256, *title, *run_at;
    evs_kv *params;
    size_t nparams;
    evs_res_event *events;
    size_t nevents;
    evs_res_data *data;
    size_t ndata;
    char **warnings;
    size_t nwarnings;
    /* CSV files, in file order */
    evs_res_ar *ar;
    size_t nar;
    evs_res_aar *aar;
    size_t naar;
    evs_res_est *est;
    size_t nest;
    evs_res_car *car;
    size_t ncar;
    evs_res_test *test;
    size_t ntest;
    evs_res_sim *sim; /* NULL when simulation.csv is absent */
    size_t nsim;
} evs_outdir;

/* Read OUTDIR. A missing required file, a missing column, a malformed number
 * or malformed JSON is EVS_ERR_DATA with "FILE:LINE: what (value)". */
evs_status evs_outdir_load(const char *outdir, evs_outdir *r, evs_err *e);
void evs_outdir_free(evs_outdir *r);

/* Index of the event named name, or EVS_RES_ALL. */
size_t evs_outdir_event(const evs_outdir *r, const char *name);

/* The run.json data entry for symbol, or NULL. */
const evs_res_data *evs_outdir_data(const evs_outdir *r, const char *symbol);

/* The path of a run.json data file as it can be opened from the current
 * directory: absolute, or relative to the current directory, the study file's
 * directory or OUTDIR, whichever exists. New string (evs_free) or NULL when
 * none exists or memory runs out; *nomem (when not NULL) tells the two apart,
 * so that out of memory is an error and not a chart quietly left out. */
char *evs_outdir_data_path(const evs_outdir *r, const evs_res_data *d, int *nomem);

#endif
