/*
 * cmd_simulate.c — `evstudy simulate`: the Brown & Warner (1985) experiment on
 * a cache of real prices (analysis/evs_simulate.h), a size/power table on
 * stdout, simulation.csv in the output directory and, with --explain, what
 * the numbers mean on this data.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "evs_mem.h"
#include "evs_par.h"
#include "evs_model.h"
#include "evs_simulate.h"

#define LEVEL5 1 /* evs_sim_levels[1] = 0.05 */
#define MAXLIST 64

static void help(void)
{
    printf("usage: evstudy simulate [options]\n\n"
           "The Brown & Warner (1985) experiment on real prices: draw random pseudo-events\n"
           "(security, date) from a cache, plant an abnormal return of known size, and count how\n"
           "often each test rejects 'no effect'. With nothing planted that rate is the test's size\n"
           "(it should be the nominal level); with a planted return it is its power.\n\n"
           "options:\n"
           "  --data DIR          the cache (default samples/deepseek-2025/data)\n"
           "  --market SYMBOL     the benchmark (default ^GSPC)\n"
           "  --sector SYMBOL     the second index of the two-index model (e.g. ^SOX)\n"
           "  --factors FILE      a daily factor file in Kenneth French's layout (ff3, carhart, ff5)\n"
           "  --securities A,B    securities to draw from (default: every file in the cache but the\n"
           "                      market, the sector and indices, whose symbols start with ^)\n"
           "  --trials N          samples drawn (default 1000)\n"
           "  --n N               firm-events per sample (default 50; securities may repeat)\n"
           "  --cluster           every security on one common date per sample (N = securities)\n"
           "  --shocks LIST       abnormal returns to plant, in percent (default 0,0.5,1,2)\n"
           "  --plant A..B        spread each shock evenly over these days (default 0..0)\n"
           "  --var-mult K        multiply the variance of the day-0 abnormal return by K (default 1)\n"
           "  --model LIST|all    market (default), constant-mean, market-adjusted, two-index, ff3,\n"
           "                      carhart, ff5, dimson, scholes-williams; all: every one the data allow\n"
           "  --dimson-lags N     leads and lags of the dimson model (default 1)\n"
           "  --estimation A..B   estimation window (default -250..-11, as a study)\n"
           "  --window A..B       event window tested (default 0..0)\n"
           "  --returns KIND      simple or log (default simple)\n"
           "  --seed N            random seed (default 1); the same seed gives the same results\n"
           "  -j, --jobs N        threads (default: the online CPUs); results do not depend on it\n"
           "  -o, --out DIR       output directory for simulation.csv (default out/simulate)\n"
           "  --explain           say in plain words what size and power are and which tests\n"
           "                      over-reject on this data, and why\n"
           "  -h, --help          this help\n\n"
           "Prints, per model, the rejection rate of every test at 5%% two-sided for each shock (size\n"
           "first; '+' over-rejects, '-' under-rejects: outside the 99%% binomial band around 5%%).\n"
           "simulation.csv has every test, shock and model at 1%%, 5%% and 10%%, two-sided and one-sided\n"
           "(upper: H1 mean > 0; lower: H1 mean < 0) with Monte Carlo standard errors\n"
           "sqrt(p(1-p)/trials). 'evstudy plot DIR' draws it.\n"
           "Exit codes: 0 ok, 1 data error, 2 usage error, 4 I/O error.\n");
}

/* "a,b,c" of numbers; 0 on success. */
static int parse_numbers(const char *s, double *v, size_t max, size_t *n)
{
    *n = 0;
    const char *p = s;
    for (;;) {
        char *end;
        double x = strtod(p, &end);
        if (end == p || !isfinite(x) || *n >= max)
            return -1;
        v[(*n)++] = x;
        if (*end == 0)
            return 0;
        if (*end != ',')
            return -1;
        p = end + 1;
    }
}

static int parse_size(const char *s, size_t *out, size_t min, size_t max)
{
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (end == s || *end || s[0] == '-' || x < min || x > max)
        return -1;
    *out = (size_t)x;
    return 0;
}

/* "all" (every model the data allow) or a list of model names. */
static int parse_models(const char *s, int have_sector, const evs_factors *ft, evs_model_kind *m, size_t *n)
{
    static const evs_model_kind kinds[] = {EVS_MODEL_MARKET, EVS_MODEL_CONSTANT_MEAN, EVS_MODEL_MARKET_ADJUSTED,
                                           EVS_MODEL_TWO_INDEX, EVS_MODEL_FF3, EVS_MODEL_CARHART, EVS_MODEL_FF5,
                                           EVS_MODEL_DIMSON, EVS_MODEL_SCHOLES_WILLIAMS};
    const size_t nk = sizeof kinds / sizeof *kinds;
    *n = 0;
    if (strcmp(s, "all") == 0) {
        int mom = ft && (evs_factors_col(ft, "Mom") >= 0 || evs_factors_col(ft, "UMD") >= 0 ||
                         evs_factors_col(ft, "WML") >= 0);
        int five = ft && evs_factors_col(ft, "RMW") >= 0 && evs_factors_col(ft, "CMA") >= 0;
        for (size_t i = 0; i < nk; i++) {
            evs_model_kind k = kinds[i];
            if ((k == EVS_MODEL_TWO_INDEX && !have_sector) || (k == EVS_MODEL_FF3 && !ft) ||
                (k == EVS_MODEL_CARHART && !mom) || (k == EVS_MODEL_FF5 && !five))
                continue;
            m[(*n)++] = k;
        }
        return 0;
    }
    const char *p = s;
    while (*p) {
        size_t len = strcspn(p, ",");
        size_t k = 0;
        while (k < nk && (strlen(evs_model_name(kinds[k])) != len || strncmp(evs_model_name(kinds[k]), p, len)))
            k++;
        if (k == nk || *n >= nk)
            return -1;
        for (size_t i = 0; i < *n; i++)
            if (m[i] == kinds[k])
                return -1;
        m[(*n)++] = kinds[k];
        p += len + (p[len] == ',');
    }
    return *n ? 0 : -1;
}

typedef struct progress_state {
    struct timespec t0;
    int tty, shown, last_decile;
} progress_state;

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* Progress on stderr once a run has lasted a second: a rewritten line on a
 * terminal, a line per tenth otherwise. */
static void progress(void *ud, size_t done, size_t total)
{
    progress_state *ps = ud;
    if (since(&ps->t0) < 1.0 || done >= total) {
        if (done >= total && ps->shown && ps->tty)
            fputc('\n', stderr);
        return;
    }
    int dec = (int)(10 * done / total);
    if (ps->tty)
        fprintf(stderr, "\rsimulate: %zu/%zu trials", done, total);
    else if (dec > ps->last_decile)
        fprintf(stderr, "simulate: %zu/%zu trials\n", done, total);
    ps->last_decile = dec;
    ps->shown = 1;
}

/* Is test t's size outside the 99% binomial band? +1 above, -1 below, 0 inside. */
static int size_flag(const evs_sim_result *r, size_t m, size_t s0, size_t t)
{
    size_t n = r->valid[evs_sim_ix(r, m, s0, t)], lo, hi;
    if (n == 0)
        return 0;
    evs_sim_band(n, 0.05, 0.01, &lo, &hi);
    size_t k = r->rejections[evs_sim_rix(r, m, s0, t, LEVEL5, EVS_SIDE_TWO)];
    return k > hi ? 1 : k < lo ? -1 : 0;
}

static long zero_shock(const evs_sim_opts *o)
{
    for (size_t s = 0; s < o->nshocks; s++)
        if (o->shocks[s] == 0)
            return (long)s;
    return -1;
}

static void print_table(const evs_sim_result *r, const evs_sim_opts *o, size_t m)
{
    long s0 = zero_shock(o);
    printf("\nModel %s: rejection rate at 5%%, two-sided (N = %.1f firm-events per sample on average)\n",
           evs_model_name(o->models[m]), r->mean_n[m]);
    printf("%-15s", "test");
    if (s0 >= 0)
        printf(" %9s", "size");
    for (size_t s = 0; s < o->nshocks; s++)
        if ((long)s != s0)
            printf(" %8.2f%%", 100 * o->shocks[s]);
    printf("\n");
    for (size_t t = 0; t < EVS_NTESTS; t++) {
        printf("%-15s", evs_test_name((evs_test_id)t));
        if (s0 >= 0) {
            double p = evs_sim_rate(r, m, (size_t)s0, t, LEVEL5, EVS_SIDE_TWO, NULL);
            int fl = size_flag(r, m, (size_t)s0, t);
            if (isnan(p))
                printf(" %9s", "n/a");
            else
                printf(" %8.3f%c", p, fl > 0 ? '+' : fl < 0 ? '-' : ' ');
        }
        for (size_t s = 0; s < o->nshocks; s++) {
            if ((long)s == s0)
                continue;
            double p = evs_sim_rate(r, m, s, t, LEVEL5, EVS_SIDE_TWO, NULL);
            if (isnan(p))
                printf(" %9s", "n/a");
            else
                printf(" %9.3f", p);
        }
        printf("\n");
    }
    if (s0 >= 0) {
        size_t lo, hi;
        evs_sim_band(o->trials, 0.05, 0.01, &lo, &hi);
        printf("size: no abnormal return planted. '+' over-rejects, '-' under-rejects: outside the 99%% band\n"
               "[%.3f, %.3f] of a well-specified test in %zu trials (Monte Carlo s.e. at 5%%: %.3f).\n",
               (double)lo / (double)o->trials, (double)hi / (double)o->trials, o->trials,
               sqrt(0.05 * 0.95 / (double)o->trials));
    }
}

/* Tests whose yardstick assumes independent firm-events (a cross-section of
 * firms or the sum of firm variances) and ignores cross-correlation. */
static int assumes_independence(evs_test_id t)
{
    switch (t) {
    case EVS_T_TCS: case EVS_T_J1: case EVS_T_J2: case EVS_T_PATELL: case EVS_T_BMP: case EVS_T_SIGN:
    case EVS_T_GENSIGN: case EVS_T_WILCOXON: case EVS_T_SKEW_T_BHAR:
        return 1;
    default:
        return 0;
    }
}

/* Tests whose variance comes from the estimation window, not from the event day. */
static int estimation_variance(evs_test_id t)
{
    switch (t) {
    case EVS_T_J1: case EVS_T_J2: case EVS_T_PATELL: case EVS_T_PATELL_KP: case EVS_T_BWCDA: case EVS_T_LAMB:
        return 1;
    default:
        return 0;
    }
}

static void explain(const evs_sim_result *r, const evs_sim_opts *o, size_t m)
{
    long s0 = zero_shock(o);
    const char *model = evs_model_name(o->models[m]);
    printf("\nWhat the table means (model %s)\n", model);
    printf("- Size: the share of samples in which a test rejects 'no abnormal return' although none was\n"
           "  planted. A well-specified test at the 5%% level does so in about 5%% of samples; more means\n"
           "  it finds effects that are not there, less means it is too cautious.\n"
           "- Power: the share of samples in which it detects an abnormal return that was planted. Only\n"
           "  power of well-specified tests is worth comparing.\n"
           "- Each rate is measured on %zu samples: a true 5%% is seen anywhere in about 5%% +- %.1f points.\n",
           o->trials, 100 * 2.576 * sqrt(0.05 * 0.95 / (double)o->trials));
    if (s0 < 0) {
        printf("- No shock of 0 was simulated, so sizes are unknown here (add 0 to --shocks).\n");
        return;
    }
    double N = r->mean_n[m], rb = r->mean_rbar[m], infl = 1 + (N - 1) * rb;
    size_t nover = 0, nunder = 0;
    for (size_t t = 0; t < EVS_NTESTS; t++) {
        int fl = size_flag(r, m, (size_t)s0, t);
        nover += fl > 0;
        nunder += fl < 0;
    }
    if (nover == 0)
        printf("- On this data no test over-rejects beyond Monte Carlo error.\n");
    else
        printf("- Over-rejecting on this data (size above the 99%% band), and why:\n");
    /* group the over-rejecting tests by the reason that applies to each */
    enum { R_CLUSTER, R_VAR, R_SIGN, R_DATA_VAR, R_DATA_SHAPE, NREASONS };
    for (int why = 0; why < NREASONS; why++) {
        int any = 0, col = 0;
        for (size_t t = 0; t < EVS_NTESTS; t++) {
            if (size_flag(r, m, (size_t)s0, t) <= 0)
                continue;
            evs_test_id id = (evs_test_id)t;
            int rs = o->cluster && assumes_independence(id)                                    ? R_CLUSTER
                     : o->var_mult > 1 && (estimation_variance(id) || id == EVS_T_CORRADO ||
                                           id == EVS_T_GRANK)                                  ? R_VAR
                     : id == EVS_T_SIGN                                                        ? R_SIGN
                     : estimation_variance(id) && r->sar2[m] > 1.02                            ? R_DATA_VAR
                                                                                                 : R_DATA_SHAPE;
            if (rs != why)
                continue;
            if (any && col > 76) {
                printf(",\n   ");
                col = 3;
            } else if (any) {
                col += printf(",");
            } else {
                col = printf("  *");
            }
            col += printf(" %s (%.1f%%)", evs_test_name(id),
                          100 * evs_sim_rate(r, m, (size_t)s0, t, LEVEL5, EVS_SIDE_TWO, NULL));
            any = 1;
        }
        if (!any)
            continue;
        printf(":\n");
        if (why == R_CLUSTER)
            printf("    all %.0f securities share one event date and their abnormal returns move together (mean\n"
                   "    residual correlation r = %.3f), so their average varies 1 + (N-1)r = %.2f times as much\n"
                   "    as these tests, which assume independent events, believe.\n",
                   N, rb, infl);
        else if (why == R_VAR)
            printf("    day 0 was made %.3g times as volatile as usual, but these tests take their yardstick\n"
                   "    from the estimation window (or rank day 0 among its days), so it is too short.\n",
                   o->var_mult);
        else if (why == R_SIGN)
            printf("    it assumes half of all abnormal returns are positive; on this data %.1f%% of daily\n"
                   "    abnormal returns are, because they are skewed (Cowan's gen-sign uses the observed share).\n",
                   100 * r->pos_share[m]);
        else if (why == R_DATA_VAR)
            printf("    nothing was planted to cause it: on this data day-0 abnormal returns are %.2f times as\n"
                   "    variable as the estimation windows predict (mean squared SAR; about 1 expected).\n"
                   "    Volatility changes over time, so a quiet estimation window understates a turbulent\n"
                   "    event day, and these tests take their yardstick from the estimation window.\n",
                   r->sar2[m]);
        else
            printf("    nothing was planted to cause it%s: daily abnormal returns are fat-tailed and\n"
                   "    skewed, unlike what these tests assume (a normal average, or symmetry for the rank and\n"
                   "    sign tests), and %.0f firm-events per sample do not make up for it.\n",
                   o->cluster ? " and these tests do not assume independence" : "", N);
    }
    if (nunder) {
        printf("- Too cautious (size below the band), which costs power:");
        for (size_t t = 0; t < EVS_NTESTS; t++)
            if (size_flag(r, m, (size_t)s0, t) < 0)
                printf(" %s (%.1f%%)", evs_test_name((evs_test_id)t),
                       100 * evs_sim_rate(r, m, (size_t)s0, t, LEVEL5, EVS_SIDE_TWO, NULL));
        printf(".\n");
    }
    if (o->cluster) {
        double b = evs_sim_rate(r, m, (size_t)s0, EVS_T_BMP, LEVEL5, EVS_SIDE_TWO, NULL);
        double bk = evs_sim_rate(r, m, (size_t)s0, EVS_T_BMP_KP, LEVEL5, EVS_SIDE_TWO, NULL);
        printf("- With clustered dates Kolari & Pynnonen (2010) predict the unadjusted BMP test rejects in\n"
               "  about %.1f%% of samples given this r; it did in %.1f%%. Their adjustment (bmp-kp) brings it\n"
               "  to %.1f%%.\n",
               100 * r->bmp_pred[m], 100 * b, 100 * bk);
    }
    if (o->var_mult > 1) {
        double b = evs_sim_rate(r, m, (size_t)s0, EVS_T_BMP, LEVEL5, EVS_SIDE_TWO, NULL);
        printf("- With event-day variance x%.3g, BMP (which standardizes and then uses the event day's own\n"
               "  cross-sectional spread) rejects in %.1f%%; Patell's Z, which trusts the estimation-window\n"
               "  variance, should reach about %.1f%% (2[1 - Phi(1.96/sqrt(K))]).\n",
               o->var_mult, 100 * b, 100 * 2 * (0.5 * erfc(1.959963985 / sqrt(o->var_mult) / sqrt(2.0))));
    }
    /* power: the best well-specified test at each planted shock */
    for (size_t s = 0; s < o->nshocks; s++) {
        if ((long)s == s0)
            continue;
        long best = -1;
        double bp = -1;
        for (size_t t = 0; t < EVS_NTESTS; t++) {
            double p = evs_sim_rate(r, m, s, t, LEVEL5, EVS_SIDE_TWO, NULL);
            if (size_flag(r, m, (size_t)s0, t) == 0 && p > bp) {
                bp = p;
                best = (long)t;
            }
        }
        if (best >= 0)
            printf("- A %.2f%% abnormal return: the most powerful well-specified test is %s, which finds it in\n"
                   "  %.1f%% of samples.\n",
                   100 * o->shocks[s], evs_test_name((evs_test_id)best), 100 * bp);
    }
}

int cmd_simulate(int argc, char **argv)
{
    enum { O_DATA = 256, O_MARKET, O_SECS, O_TRIALS, O_N, O_CLUSTER, O_SHOCKS, O_PLANT, O_VARMULT, O_MODEL,
           O_EST, O_WINDOW, O_RETURNS, O_SEED, O_EXPLAIN, O_SECTOR, O_FACTORS, O_LAGS };
    static const struct option opts[] = {
        {"data", required_argument, NULL, O_DATA},       {"market", required_argument, NULL, O_MARKET},
        {"securities", required_argument, NULL, O_SECS}, {"trials", required_argument, NULL, O_TRIALS},
        {"n", required_argument, NULL, O_N},             {"cluster", no_argument, NULL, O_CLUSTER},
        {"shocks", required_argument, NULL, O_SHOCKS},   {"plant", required_argument, NULL, O_PLANT},
        {"var-mult", required_argument, NULL, O_VARMULT}, {"model", required_argument, NULL, O_MODEL},
        {"estimation", required_argument, NULL, O_EST},  {"window", required_argument, NULL, O_WINDOW},
        {"returns", required_argument, NULL, O_RETURNS}, {"seed", required_argument, NULL, O_SEED},
        {"jobs", required_argument, NULL, 'j'},          {"out", required_argument, NULL, 'o'},
        {"explain", no_argument, NULL, O_EXPLAIN},       {"help", no_argument, NULL, 'h'},
        {"sector", required_argument, NULL, O_SECTOR},   {"factors", required_argument, NULL, O_FACTORS},
        {"dimson-lags", required_argument, NULL, O_LAGS},
        {NULL, 0, NULL, 0}};
    const char *data = "samples/deepseek-2025/data", *market = "^GSPC", *out = "out/simulate", *secs = NULL;
    const char *sector = NULL, *factors = NULL, *model_arg = NULL;
    double shocks[MAXLIST] = {0, 0.005, 0.01, 0.02};
    evs_model_kind models[16] = {EVS_MODEL_MARKET};
    evs_sim_opts o = {.trials = 1000, .n = 50, .shocks = shocks, .nshocks = 4, .plant = {.first = 0, .last = 0}, .var_mult = 1,
                      .models = models, .nmodels = 1, .estimation = {.first = -250, .last = -11},
                      .window = {.first = 0, .last = 0}, .seed = 1,
                      .jobs = (unsigned)evs_par_cpus()};
    evs_returns_kind returns = EVS_RET_SIMPLE;
    int do_explain = 0, c;
    size_t x;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":j:o:h", opts, NULL)) != -1) {
        switch (c) {
        case O_DATA: data = optarg; break;
        case O_MARKET: market = optarg; break;
        case O_SECS: secs = optarg; break;
        case O_TRIALS:
            if (parse_size(optarg, &o.trials, 1, 100000000))
                return cli_usage("simulate", "--trials must be a whole number from 1 (%s)", optarg);
            break;
        case O_N:
            if (parse_size(optarg, &o.n, 2, 1000000))
                return cli_usage("simulate", "--n must be a whole number from 2 (%s)", optarg);
            break;
        case O_CLUSTER: o.cluster = 1; break;
        case O_SHOCKS:
            if (parse_numbers(optarg, shocks, MAXLIST, &o.nshocks))
                return cli_usage("simulate", "--shocks takes up to %d numbers in percent, e.g. 0,0.5,1 (%s)",
                                 MAXLIST, optarg);
            for (size_t i = 0; i < o.nshocks; i++)
                shocks[i] /= 100.0;
            break;
        case O_PLANT:
        case O_EST:
        case O_WINDOW: {
            evs_window w;
            if (evs_window_parse(optarg, strlen(optarg), &w) || w.first > w.last || w.unit)
                return cli_usage("simulate", "%s takes FIRST..LAST in trading days with FIRST <= LAST (%s)",
                                 c == O_PLANT ? "--plant" : c == O_EST ? "--estimation" : "--window", optarg);
            *(c == O_PLANT ? &o.plant : c == O_EST ? &o.estimation : &o.window) = w;
            break;
        }
        case O_VARMULT: {
            char *end;
            o.var_mult = strtod(optarg, &end);
            if (end == optarg || *end || !(o.var_mult >= 1) || !isfinite(o.var_mult))
                return cli_usage("simulate", "--var-mult must be a number of at least 1 (%s)", optarg);
            break;
        }
        case O_MODEL: model_arg = optarg; break;
        case O_SECTOR: sector = optarg; break;
        case O_FACTORS: factors = optarg; break;
        case O_LAGS:
            if (parse_size(optarg, &x, 1, EVS_DIMSON_MAX_LAGS))
                return cli_usage("simulate", "--dimson-lags must be a whole number from 1 to %d (%s)",
                                 EVS_DIMSON_MAX_LAGS, optarg);
            o.dimson_lags = (int)x;
            break;
        case O_RETURNS:
            if (strcmp(optarg, "simple") == 0)
                returns = EVS_RET_SIMPLE;
            else if (strcmp(optarg, "log") == 0)
                returns = EVS_RET_LOG;
            else
                return cli_usage("simulate", "--returns is simple or log (%s)", optarg);
            break;
        case O_SEED:
            if (parse_size(optarg, &x, 0, (size_t)-1))
                return cli_usage("simulate", "--seed must be a whole number (%s)", optarg);
            o.seed = (unsigned long)x;
            break;
        case 'j':
            if (parse_size(optarg, &x, 1, EVS_PAR_MAX_JOBS))
                return cli_usage("simulate", "--jobs must be a whole number from 1 to %d (%s)", EVS_PAR_MAX_JOBS,
                                 optarg);
            o.jobs = (unsigned)x;
            break;
        case 'o': out = optarg; break;
        case O_EXPLAIN: do_explain = 1; break;
        case 'h': help(); return cli_close_stdout(0);
        case ':': return cli_usage("simulate", "option %s needs a value", argv[optind - 1]);
        default: return cli_usage("simulate", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage("simulate", "unexpected argument %s", argv[optind]);

    /* the securities list */
    char *secbuf = NULL, *list[1024];
    size_t nsecs = 0;
    if (secs) {
        if (!(secbuf = evs_strdup(secs))) {
            cli_error("out of memory");
            return 1;
        }
        for (char *tok = strtok(secbuf, ","); tok; tok = strtok(NULL, ",")) {
            if (nsecs == sizeof list / sizeof *list) {
                evs_free(secbuf);
                return cli_usage("simulate", "--securities lists more than %zu symbols", sizeof list / sizeof *list);
            }
            list[nsecs++] = tok;
        }
        if (nsecs == 0) {
            evs_free(secbuf);
            return cli_usage("simulate", "--securities lists no symbol (%s)", secs);
        }
    }
    evs_err e = {0};
    evs_sim_data d;
    evs_sim_source src = {.data_dir = data, .market = market, .sector = sector, .factors = factors,
                          .securities = secs ? list : NULL, .nsecurities = nsecs, .returns = returns};
    evs_status st = evs_sim_load(&src, &d, &e);
    evs_free(secbuf);
    if (st != EVS_OK)
        return cli_fail(&e);
    if (model_arg && parse_models(model_arg, sector != NULL, d.ft, models, &o.nmodels)) {
        evs_sim_data_free(&d);
        return cli_usage("simulate", "--model takes all or a list of market, constant-mean, market-adjusted, "
                                     "two-index, ff3, carhart, ff5, dimson, scholes-williams (%s)", model_arg);
    }
    progress_state ps = {.tty = isatty(2)};
    clock_gettime(CLOCK_MONOTONIC, &ps.t0);
    o.progress = progress;
    o.ud = &ps;
    evs_sim_result r;
    st = evs_simulate(&d, &o, &r, &e);
    double secs_taken = since(&ps.t0);
    if (st == EVS_OK) {
        char w1[32], w2[32], w3[32];
        size_t N = o.cluster ? d.nsec : o.n;
        printf("Simulation (Brown & Warner 1985) on %s: %zu securities against %s, %s returns.\n", data, d.nsec,
               d.market, returns == EVS_RET_LOG ? "log" : "simple");
        if (o.cluster)
            printf("%zu samples, each: all %zu securities on one random common date", o.trials, N);
        else
            printf("%zu samples, each: %zu pseudo-events (a random security and a random date)", o.trials, N);
        printf(".\nEstimation %s, event window %s, shock spread over day(s) %s", evs_window_format(o.estimation, w1),
               evs_window_format(o.window, w2), evs_window_format(o.plant, w3));
        if (o.var_mult != 1)
            printf(", day-0 variance x%.3g", o.var_mult);
        printf(", seed %lu.\n", o.seed);
        for (size_t m = 0; m < o.nmodels; m++)
            print_table(&r, &o, m);
        if (o.cluster)
            for (size_t m = 0; m < o.nmodels; m++)
                printf("%s: mean residual cross-correlation r = %.3f\n", evs_model_name(o.models[m]),
                       r.mean_rbar[m]);
        if (r.excluded)
            printf("%zu firm-events were excluded by the engine (see estimates.csv reasons in 'evstudy run').\n",
                   r.excluded);
        if (do_explain)
            for (size_t m = 0; m < o.nmodels; m++)
                explain(&r, &o, m);
        st = evs_sim_write(&r, &o, out, &e);
        if (st == EVS_OK)
            printf("\n%zu trials x %zu firm-events x %d tests x %zu model(s) x %zu shock(s) in %.2f s on %u "
                   "thread(s). Wrote %s/simulation.csv\n",
                   o.trials, N, EVS_NTESTS, o.nmodels, o.nshocks, secs_taken, o.jobs, out);
        evs_sim_result_free(&r);
    }
    evs_sim_data_free(&d);
    int code = st == EVS_OK ? 0 : cli_fail(&e);
    return cli_close_stdout(code);
}
