/*
 * evs_results.h — writing a run's result files (DESIGN.md "Result files").
 *
 *   abnormal_returns.csv  event,symbol,date,day,return,market_return,expected,ar,sar,car,span_minutes
 *   aar.csv               event,day,date,n,aar,caar,se_aar,se_caar
 *   estimates.csv         event,symbol,model,est_first,est_last,n,alpha,beta,sigma,r2,status,reason
 *   cars.csv              event,symbol,window,car,var_car,scar,bhar
 *   tests.csv             event,window,test,n,estimate,statistic,df,p_value
 *   abnormal_volume.csv   event,symbol,date,day,volume,log_volume,expected,abnormal,standardized
 *   activity.csv          event,window,test,n,estimate,statistic,df,p_value (volume and volatility tests, evs_activity.h)
 *   run.json              version, study hash, parameters as applied, data files, warnings
 *
 * For an intraday event (evs_intraday.h) dates are UTC instants
 * ("2025-01-27T14:30:00Z"), day is the bar offset and span_minutes the
 * minutes between the two bars each return is taken across (empty for daily).
 * Rows come in the study's order (events as in the file, securities as
 * listed, windows as listed, tests in evs_tests.h order, then event = ALL).
 * Numbers are shortest round-trip decimals, n/a is an empty field, so two
 * runs on the same inputs give byte-identical CSV files. All eight files are
 * written to temporary names first and renamed only when all are complete.
 */
#ifndef EVS_RESULTS_H
#define EVS_RESULTS_H

#include "evs_engine.h"
#include "evs_error.h"

evs_status evs_results_write(const evs_run *r, const char *outdir, const char *version, evs_err *e);

#endif
