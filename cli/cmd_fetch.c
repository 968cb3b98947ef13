/*
 * cmd_fetch.c — `evstudy fetch STUDY | SYMBOL...`: bring the cache up to date.
 *
 * All the work is evs_fetch_run's; this file parses options, turns a study
 * file or command-line symbols into fetch items, draws progress (a live line
 * on stderr when stderr is a terminal, nothing but errors otherwise), prints
 * one error line per failed symbol and a final summary, and picks the exit
 * code (the first failure's: 1 data, 2 usage, 3 network, 4 I/O).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "evs_cache.h"
#include "evs_date.h"
#include "evs_fetch.h"
#include "evs_study.h"

static void help(void)
{
    printf("usage: evstudy fetch STUDY.ini [options]\n"
           "       evstudy fetch SYMBOL... --from DATE [--to DATE] [options]\n\n"
           "Downloads daily (or intraday) prices into the cache a study reads: for a study file, every\n"
           "security and benchmark over the span its estimation and event windows need (with a margin\n"
           "for holidays); otherwise the symbols given. Only what the cache lacks is requested; the\n"
           "whole range is fetched again when a split or dividend appears or the data disagree.\n\n"
           "options:\n"
           "  -f, --from DATE        first date (YYYY-MM-DD) for SYMBOL mode\n"
           "  -t, --to DATE          last date (default: today)\n"
           "  -i, --interval I       1d (default), 1h, 5m or 1m (intraday from yahoo only)\n"
           "  -p, --provider P       yahoo (default), fred, stooq or csv; P:REMOTE names the provider's\n"
           "                         own symbol (stooq:nvda.us) or, for csv, a URL or a file\n"
           "  -d, --data DIR         cache directory (default: the study's data, else ./data)\n"
           "      --offline          use only the cache; report what is missing (exit 1)\n"
           "      --full             ignore what the cache holds and fetch every range whole\n"
           "  -j, --jobs N           transfers at once (default 4)\n"
           "      --tries N          attempts per request before giving up (default 5)\n"
           "      --backoff MS       first retry delay, doubled each retry, jittered (default 1000)\n"
           "      --timeout SEC      limit for one whole transfer (default 300)\n"
           "      --connect-timeout SEC  (default 15)\n"
           "      --max-body BYTES   refuse larger responses (default 67108864)\n"
           "      --user-agent UA    User-Agent header (default: browser-like for Yahoo)\n"
           "      --yahoo-base URL   (default $EVS_YAHOO_BASE or https://query1.finance.yahoo.com)\n"
           "      --fred-base URL    (default $EVS_FRED_BASE or https://fred.stlouisfed.org)\n"
           "      --stooq-base URL   (default $EVS_STOOQ_BASE or https://stooq.com; key: $EVS_STOOQ_APIKEY)\n"
           "  -q, --quiet            no progress and no summary, only errors\n"
           "  -v, --verbose          print the summary even when stderr is not a terminal\n"
           "  -h, --help             this help\n\n"
           "Proxies: the http_proxy, https_proxy and no_proxy variables are honoured.\n"
           "Exit codes: 0 all fetched or up to date, 1 data error or missing offline, 2 usage error,\n"
           "3 network error (after retries), 4 I/O error.\n");
}

typedef struct prog {
    int tty, quiet;
    time_t t0;
    size_t fetched, uptodate, failed;
    int line_shown;
} prog;

static void clear_line(prog *p)
{
    if (p->line_shown) {
        fputs("\r\033[K", stderr);
        p->line_shown = 0;
    }
}

static void human_bytes(size_t b, char *out, size_t n)
{
    if (b < 10240)
        snprintf(out, n, "%zu B", b);
    else if (b < (size_t)10 << 20)
        snprintf(out, n, "%.1f kB", (double)b / 1024);
    else
        snprintf(out, n, "%.1f MB", (double)b / 1048576);
}

static void on_progress(void *ud, const evs_fetch_progress *ev)
{
    prog *p = ud;
    if (ev->kind == EVS_FETCH_EV_DONE) {
        const evs_fetch_result *r = ev->result;
        if (r->outcome == EVS_FETCH_FETCHED)
            p->fetched++;
        else if (r->outcome == EVS_FETCH_UPTODATE)
            p->uptodate++;
        else {
            p->failed++;
            clear_line(p);
            cli_error("%s", r->msg);
        }
    }
    if (!p->tty || p->quiet)
        return;
    char bytes[32];
    human_bytes(ev->bytes, bytes, sizeof bytes);
    char eta[32] = "";
    double el = difftime(time(NULL), p->t0);
    if (ev->done > 0 && ev->done < ev->total && el >= 1)
        snprintf(eta, sizeof eta, "  ETA %.0fs", el / (double)ev->done * (double)(ev->total - ev->done));
    char what[160];
    if (ev->kind == EVS_FETCH_EV_RETRY)
        snprintf(what, sizeof what, "%s: retry in %.1fs (%.60s)", ev->symbol, (double)ev->delay_ms / 1000.0,
                 ev->why ? ev->why : "");
    else
        snprintf(what, sizeof what, "%s", ev->symbol);
    int width = (int)ev->total > 0 ? 20 : 0;
    int fill = ev->total ? (int)((ev->done * (size_t)width) / ev->total) : 0;
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "\r\033[Kfetch [%s] %zu/%zu  %s  retries %u%s  %s", bar, ev->done, ev->total, bytes, ev->retries,
            eta, what);
    fflush(stderr);
    p->line_shown = 1;
}

static int parse_date_opt(const char *s, int *out)
{
    return evs_date_parse(s, strlen(s), out);
}

static int is_study_arg(const char *a)
{
    size_t n = strlen(a);
    struct stat sb;
    return (n > 4 && strcmp(a + n - 4, ".ini") == 0) || (stat(a, &sb) == 0 && S_ISREG(sb.st_mode));
}

int cmd_fetch(int argc, char **argv)
{
    enum {
        O_OFFLINE = 256,
        O_FULL,
        O_TRIES,
        O_BACKOFF,
        O_TIMEOUT,
        O_CTIMEOUT,
        O_MAXBODY,
        O_UA,
        O_YBASE,
        O_FBASE,
        O_SBASE
    };
    static const struct option opts[] = {{"from", required_argument, NULL, 'f'},
                                         {"to", required_argument, NULL, 't'},
                                         {"interval", required_argument, NULL, 'i'},
                                         {"provider", required_argument, NULL, 'p'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"offline", no_argument, NULL, O_OFFLINE},
                                         {"full", no_argument, NULL, O_FULL},
                                         {"jobs", required_argument, NULL, 'j'},
                                         {"tries", required_argument, NULL, O_TRIES},
                                         {"backoff", required_argument, NULL, O_BACKOFF},
                                         {"timeout", required_argument, NULL, O_TIMEOUT},
                                         {"connect-timeout", required_argument, NULL, O_CTIMEOUT},
                                         {"max-body", required_argument, NULL, O_MAXBODY},
                                         {"user-agent", required_argument, NULL, O_UA},
                                         {"yahoo-base", required_argument, NULL, O_YBASE},
                                         {"fred-base", required_argument, NULL, O_FBASE},
                                         {"stooq-base", required_argument, NULL, O_SBASE},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"verbose", no_argument, NULL, 'v'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    evs_fetch_opts o;
    evs_fetch_opts_default(&o);
    const char *from_s = NULL, *to_s = NULL, *provider = NULL, *data = NULL;
    int quiet = 0, verbose = 0, c;
    long long now = (long long)time(NULL);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:t:i:p:d:j:qvh", opts, NULL)) != -1) {
        char *end = NULL;
        long v = 0;
        if (optarg && (c == 'j' || c == O_TRIES || c == O_BACKOFF || c == O_TIMEOUT || c == O_CTIMEOUT ||
                       c == O_MAXBODY)) {
            v = strtol(optarg, &end, 10);
            if (*end || v < 1 || (c == 'j' && v > 64) || (c == O_TRIES && v > 20))
                return cli_usage("fetch", "bad value for %s (%s)", argv[optind - 1], optarg);
        }
        switch (c) {
        case 'f': from_s = optarg; break;
        case 't': to_s = optarg; break;
        case 'i': o.interval = optarg; break;
        case 'p': provider = optarg; break;
        case 'd': data = optarg; break;
        case O_OFFLINE: o.offline = 1; break;
        case O_FULL: o.full = 1; break;
        case 'j': o.concurrency = (int)v; break;
        case O_TRIES: o.max_tries = (int)v; break;
        case O_BACKOFF: o.backoff_ms = v; break;
        case O_TIMEOUT: o.timeout_ms = v * 1000; break;
        case O_CTIMEOUT: o.connect_timeout_ms = v * 1000; break;
        case O_MAXBODY: o.max_body = (size_t)v; break;
        case O_UA: o.user_agent = optarg; break;
        case O_YBASE: o.yahoo_base = optarg; break;
        case O_FBASE: o.fred_base = optarg; break;
        case O_SBASE: o.stooq_base = optarg; break;
        case 'q': quiet = 1; break;
        case 'v': verbose = 1; break;
        case 'h': help(); return cli_close_stdout(0);
        case ':': return cli_usage("fetch", "option %s needs a value", argv[optind - 1]);
        default: return cli_usage("fetch", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage("fetch", "give a study file or symbols");
    const char *why = evs_interval_problem(o.interval);
    if (why)
        return cli_usage("fetch", "bad --interval (%s): %s", o.interval, why);
    if (provider && (why = evs_fetch_provider_problem(provider)))
        return cli_usage("fetch", "bad --provider (%s): %s", provider, why);
    int from = 0, to = (int)(now / 86400);
    if (from_s && parse_date_opt(from_s, &from) != 0)
        return cli_usage("fetch", "bad --from date (%s): expected YYYY-MM-DD", from_s);
    if (to_s && parse_date_opt(to_s, &to) != 0)
        return cli_usage("fetch", "bad --to date (%s): expected YYYY-MM-DD", to_s);

    evs_err e = {0};
    evs_fetch_plan plan;
    memset(&plan, 0, sizeof plan);
    evs_study study;
    int have_study = 0;
    if (optind + 1 == argc && is_study_arg(argv[optind])) {
        if (from_s || to_s || provider)
            return cli_usage("fetch", "--from, --to and --provider apply to symbols, not to a study file");
        evs_status st = evs_study_load(argv[optind], &study, &e);
        if (st != EVS_OK)
            return cli_fail(&e);
        have_study = 1;
        st = evs_fetch_plan_study_at(&study, o.interval ? o.interval : "1d", now, &plan, &e);
        if (st != EVS_OK) {
            evs_study_free(&study);
            return cli_fail(&e);
        }
        o.data_dir = data ? data : study.data_dir;
    } else {
        if (!from_s)
            return cli_usage("fetch", "--from is required with symbols");
        if (from > to)
            return cli_usage("fetch", "--from (%s) is after --to", from_s);
        for (int i = optind; i < argc; i++) {
            evs_status st = evs_fetch_plan_add(&plan, argv[i], provider, from, to, &e);
            if (st != EVS_OK) {
                evs_fetch_plan_free(&plan);
                return cli_usage("fetch", "%s", e.msg);
            }
        }
        o.data_dir = data ? data : "data";
    }
    prog p;
    memset(&p, 0, sizeof p);
    p.tty = isatty(2);
    p.quiet = quiet;
    p.t0 = time(NULL);
    o.progress = on_progress;
    o.progress_ud = &p;
    o.now = now;
    o.warn = cli_warner();
    evs_fetch_result *res = calloc(plan.n ? plan.n : 1, sizeof *res);
    int code;
    if (!res) {
        cli_error("out of memory");
        code = 1;
    } else {
        evs_status st = evs_fetch_run(plan.items, plan.n, &o, res, &e);
        clear_line(&p);
        if (st != EVS_OK && p.failed == 0)
            cli_error("%s", e.msg); /* a failure of the machinery, not of one symbol */
        if (!quiet && (p.tty || verbose)) {
            fprintf(stderr, "fetch: %zu fetched, %zu up to date, %zu failed (%s)\n", p.fetched, p.uptodate, p.failed,
                    o.data_dir);
        }
        code = evs_exit_code(st);
    }
    free(res);
    evs_fetch_plan_free(&plan);
    if (have_study)
        evs_study_free(&study);
    return code;
}
