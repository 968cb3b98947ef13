/*
 * genpanel.c — a deterministic synthetic panel for benchmarks and tests.
 *
 *   genpanel --securities N --days D [--events K] [--seed S] --out DIR
 *
 * Writes, under DIR:
 *   data/1d/^MKT (as %5EMKT.csv)  a market index, D business days from 2000-01-03
 *   data/1d/SNNNNN.csv            N securities in the cache format (core/evs_series.h:
 *                                 date,open,high,low,close,adj_close,volume) with a .meta
 *                                 sidecar each (core/evs_cache.h)
 *   study.ini                     a study (DESIGN.md): market model, estimation -255..-6
 *                                 (250 days), window -5..5 (11 days); one [event] per
 *                                 firm-event, K per security, on random days
 *   securities.txt                the N symbols, one a line (for securities = @FILE)
 *
 * The data-generating process (the market model of CLM 1997, section 4.3):
 *   market log return   Rm_t = 0.0003 + 0.010 z_t
 *   security log return R_it = a_i + b_i Rm_t + s_i e_it   (+ an abnormal return on its event days)
 * with b_i ~ U(0.5, 1.8), s_i ~ U(0.010, 0.030) (idiosyncratic daily volatility), a_i ~ U(-2e-4, 2e-4),
 * z, e i.i.d. N(0,1) (Box-Muller). Each security misses a day with probability 0.5% (no row), as a
 * halted or unlisted day would. Each event adds an abnormal return N(1%, 2%) on day 0.
 * Prices: close rounded to cents (2 decimals), adj_close = close times a slowly drifting factor,
 * printed with 10 significant digits, open/high/low around the close, volume an integer.
 *
 * Everything comes from one seeded xoshiro256** generator (Blackman & Vigna 2018), state filled
 * from the seed by splitmix64 (Steele, Lea & Flood 2014): the same arguments give byte-identical
 * files on every machine.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evs_date.h"

static uint64_t st[4];

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(void)
{
    uint64_t r = rotl(st[1] * 5, 7) * 9, t = st[1] << 17;
    st[2] ^= st[0];
    st[3] ^= st[1];
    st[1] ^= st[2];
    st[0] ^= st[3];
    st[2] ^= t;
    st[3] = rotl(st[3], 45);
    return r;
}

/* uniform in [0, 1) with 53 random bits */
static double unif(void)
{
    return (double)(next_u64() >> 11) * 0x1.0p-53;
}

static double normal(void)
{
    double u = unif(), v = unif();
    return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static void help(void)
{
    printf("usage: genpanel --securities N --days D --out DIR [--events K] [--seed S]\n\n"
           "Writes a deterministic synthetic panel in evstudy's cache format and a study over it:\n"
           "  DIR/data/1d/%%5EMKT.csv         the market index ^MKT\n"
           "  DIR/data/1d/S000001.csv ...    N securities (+ .meta provenance sidecars)\n"
           "  DIR/study.ini                  market model, estimation -255..-6, window -5..5,\n"
           "                                 K events per security (one [event] each)\n"
           "  DIR/securities.txt             the symbols, one a line\n"
           "Returns follow the market model with betas U(0.5,1.8), idiosyncratic daily vol\n"
           "U(1%%,3%%), 0.5%% missing days per security and an abnormal return N(1%%,2%%) on each\n"
           "event day. The same arguments always give the same bytes.\n\n"
           "options:\n"
           "  -n, --securities N  securities (1..1000000)\n"
           "  -d, --days D        business days from 2000-01-03 (300..50000)\n"
           "  -k, --events K      events per security (default 5)\n"
           "  -s, --seed S        generator seed (default 1)\n"
           "  -o, --out DIR       output folder (created)\n"
           "  -h, --help          this help\n");
}

static int usage(const char *msg, const char *v)
{
    fprintf(stderr, "genpanel: error: %s (%s); see genpanel --help\n", msg, v);
    return 2;
}

static int mkdirs(const char *p)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", p);
    for (char *q = buf + 1; *q; q++)
        if (*q == '/') {
            *q = 0;
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *q = '/';
        }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static FILE *openw(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "genpanel: error: %s: cannot write (%s)\n", path, strerror(errno));
    return f;
}

static int closew(FILE *f, const char *what)
{
    if (ferror(f) | fclose(f)) {
        fprintf(stderr, "genpanel: error: %s: write failed\n", what);
        return -1;
    }
    return 0;
}

static int write_meta(const char *dir, const char *file, const char *symbol, unsigned long long seed)
{
    FILE *f = openw(dir, file);
    if (!f)
        return -1;
    fprintf(f, "# synthetic data written by tools/genpanel (seed %llu); not market data\n"
               "symbol = %s\nprovider = genpanel\nsource = tools/genpanel.c seed %llu\n"
               "timezone = UTC\ncurrency = USD\nadjusted = yes\n",
            seed, symbol, seed);
    return closew(f, file);
}

/* one price row; c is the close, adj the adjusted close */
static void row(FILE *f, int day, double c, double adj, double vol_scale)
{
    char d[11];
    evs_date_format(day, d);
    double o = c * (1.0 + 0.004 * normal()), hi = fmax(o, c) * (1.0 + 0.006 * unif()),
           lo = fmin(o, c) * (1.0 - 0.006 * unif());
    long long v = (long long)(vol_scale * (0.5 + unif()));
    fprintf(f, "%s,%.2f,%.2f,%.2f,%.2f,%.10g,%lld\n", d, o, hi, lo, c, adj, v);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"securities", required_argument, NULL, 'n'},
                                         {"days", required_argument, NULL, 'd'},
                                         {"events", required_argument, NULL, 'k'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    long n = 0, days = 0, k = 5;
    unsigned long long seed = 1;
    const char *out = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":n:d:k:s:o:h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'n':
            n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1000000)
                return usage("--securities must be 1..1000000", optarg);
            break;
        case 'd':
            days = strtol(optarg, &end, 10);
            if (*end || days < 300 || days > 50000)
                return usage("--days must be 300..50000", optarg);
            break;
        case 'k':
            k = strtol(optarg, &end, 10);
            if (*end || k < 1 || k > 100)
                return usage("--events must be 1..100", optarg);
            break;
        case 's':
            seed = strtoull(optarg, &end, 10);
            if (*end || !*optarg)
                return usage("--seed must be a non-negative integer", optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(); return 0;
        case ':': return usage("option needs a value", argv[optind - 1]);
        default: return usage("unknown option", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage("unexpected argument", argv[optind]);
    if (!n || !days || !out)
        return usage("--securities, --days and --out are required", n ? (days ? "--out" : "--days") : "--securities");
    if (days < 262 + 6 * k)
        return usage("--days too small for the estimation window and the events", "");

    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        st[i] = splitmix64(&x);

    char dir[4096];
    snprintf(dir, sizeof dir, "%s/data/1d", out);
    if (mkdirs(dir) != 0) {
        fprintf(stderr, "genpanel: error: %s: cannot create (%s)\n", dir, strerror(errno));
        return 4;
    }
    /* business days from Monday 2000-01-03 */
    int *cal = malloc((size_t)days * sizeof *cal);
    double *rm = malloc((size_t)days * sizeof *rm);
    long *evday = malloc((size_t)k * sizeof *evday);
    if (!cal || !rm || !evday) {
        fprintf(stderr, "genpanel: error: out of memory\n");
        return 1;
    }
    for (int d = evs_days_from_civil(2000, 1, 3), i = 0; i < days; d++)
        if (evs_weekday(d) != 0 && evs_weekday(d) != 6)
            cal[i++] = d;
    FILE *f = openw(dir, "%5EMKT.csv");
    if (!f)
        return 4;
    fputs("date,open,high,low,close,adj_close,volume\n", f);
    double pm = 1000.0;
    for (long t = 0; t < days; t++) {
        rm[t] = t ? 0.0003 + 0.010 * normal() : 0.0;
        pm *= exp(rm[t]);
        row(f, cal[t], round(pm * 100) / 100, pm, 3e9);
    }
    if (closew(f, "%5EMKT.csv") || write_meta(dir, "%5EMKT.meta", "^MKT", seed))
        return 4;

    FILE *study = openw(out, "study.ini"), *secs = openw(out, "securities.txt");
    if (!study || !secs)
        return 4;
    fprintf(study, "; synthetic panel: tools/genpanel --securities %ld --days %ld --events %ld --seed %llu\n"
                   "[study]\ntitle = Synthetic panel, %ld securities x %ld days\ndata = data\n"
                   "returns = simple\nmodel = market\nestimation = -255..-6\nwindows = -5..5\n"
                   "min_estimation = 200\nmarket = ^MKT\n",
            n, days, k, seed, n, days);
    for (long i = 0; i < n; i++) {
        char sym[24], file[40];
        snprintf(sym, sizeof sym, "S%06ld", i + 1);
        fprintf(secs, "%s\n", sym);
        double beta = 0.5 + 1.3 * unif(), sig = 0.010 + 0.020 * unif(), alpha = -2e-4 + 4e-4 * unif();
        double p = 5.0 + 195.0 * unif(), adjf = 0.8 + 0.2 * unif();
        /* K event days, kept 6 days apart, in [262, days - 7) */
        for (long j = 0; j < k; j++) {
            long d;
            int clash;
            do {
                d = 262 + (long)(unif() * (double)(days - 262 - 7));
                clash = 0;
                for (long q = 0; q < j; q++)
                    clash |= labs(evday[q] - d) < 12;
            } while (clash);
            evday[j] = d;
        }
        snprintf(file, sizeof file, "%s.csv", sym);
        if (!(f = openw(dir, file)))
            return 4;
        fputs("date,open,high,low,close,adj_close,volume\n", f);
        for (long t = 0; t < days; t++) {
            double r = t ? alpha + beta * rm[t] + sig * normal() : 0.0;
            for (long j = 0; j < k; j++)
                if (evday[j] == t)
                    r += 0.01 + 0.02 * normal();
            p *= exp(r);
            adjf *= 1.0 + 1e-5 * unif();
            int missing = unif() < 0.005;
            if (p < 0.05)
                p = 0.05; /* keep a positive price in cents */
            if (!missing || t == 0)
                row(f, cal[t], round(p * 100) / 100, round(p * 100) / 100 * adjf, 2e7 * unif() + 1e5);
        }
        if (closew(f, file))
            return 4;
        snprintf(file, sizeof file, "%s.meta", sym);
        if (write_meta(dir, file, sym, seed))
            return 4;
        for (long j = 0; j < k; j++) {
            char d[11];
            evs_date_format(cal[evday[j]], d);
            fprintf(study, "\n[event %s-%ld]\ntime = %s\nsecurities = %s\n", sym, j + 1, d, sym);
        }
    }
    if (closew(study, "study.ini") || closew(secs, "securities.txt"))
        return 4;
    free(cal);
    free(rm);
    free(evday);
    return 0;
}
