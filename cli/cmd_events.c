/*
 * cmd_events.c — `evstudy events SOURCE [--match REGEX]`: a news feed (RSS,
 * Atom or SEC EDGAR; a URL or a file) into the events CSV a study reads
 * with `events = FILE`. The library parses (evs_feed.h); this file handles
 * options and output: stdout, or --out FILE written atomically.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evs_feed.h"
#include "evs_file.h"

static void help(void)
{
    printf("usage: evstudy events SOURCE [--match REGEX] [--out FILE] [options]\n\n"
           "Reads an RSS 2.0, Atom or SEC EDGAR company-filings feed (an http(s) URL or a local file) and\n"
           "writes its items as an events CSV: event,time,title,link,source, with time in UTC ISO 8601\n"
           "(converted from the feed's RFC 822 or RFC 3339 times and their offsets), sorted by time.\n"
           "A study reads it with `events = FILE` in [study] (add a symbol column, or the study's\n"
           "securities apply); event names there must be 1-64 letters, digits, '.', '_' or '-', so\n"
           "rename ids that are URLs.\n\n"
           "options:\n"
           "  -m, --match REGEX    keep items whose title matches (extended regex, case-insensitive)\n"
           "  -o, --out FILE       write to FILE (atomically) instead of standard output\n"
           "      --user-agent UA  User-Agent header; SEC EDGAR requires your name and e-mail\n"
           "                       (default $EVS_USER_AGENT, else evstudy/VERSION)\n"
           "      --timeout SEC    limit for the download (default 60)\n"
           "  -h, --help           this help\n\n"
           "The XML is parsed without network access and without expanding entities.\n"
           "Exit codes: 0 ok, 1 bad feed, 2 usage error, 3 network error, 4 I/O error.\n");
}

int cmd_events(int argc, char **argv)
{
    enum { O_UA = 256, O_TIMEOUT };
    static const struct option opts[] = {{"match", required_argument, NULL, 'm'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"user-agent", required_argument, NULL, O_UA},
                                         {"timeout", required_argument, NULL, O_TIMEOUT},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *match = NULL, *out = NULL;
    evs_feed_opts fo;
    evs_feed_opts_default(&fo);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":m:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': match = optarg; break;
        case 'o': out = optarg; break;
        case O_UA: fo.user_agent = optarg; break;
        case O_TIMEOUT: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1)
                return cli_usage("events", "bad value for --timeout (%s)", optarg);
            fo.timeout_ms = v * 1000;
            break;
        }
        case 'h': help(); return cli_close_stdout(0);
        case ':': return cli_usage("events", "option %s needs a value", argv[optind - 1]);
        default: return cli_usage("events", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage("events", "missing the feed (a URL or a file)");
    if (optind + 1 < argc)
        return cli_usage("events", "unexpected argument %s", argv[optind + 1]);
    const char *src = argv[optind];
    evs_err e = {0};
    evs_feed f;
    evs_status st = evs_feed_load(src, &fo, &f, &e);
    if (st != EVS_OK)
        return cli_fail(&e);
    if (match && (st = evs_feed_filter(&f, match, &e)) != EVS_OK) {
        evs_feed_free(&f);
        return cli_fail(&e);
    }
    int code = 0;
    if (out) {
        evs_afile af;
        st = evs_afile_open(&af, out, &e);
        if (st == EVS_OK) {
            st = evs_feed_write_csv(af.fp, &f, src, &e);
            if (st == EVS_OK)
                st = evs_afile_commit(&af, &e);
            else
                evs_afile_abort(&af);
        }
        code = st == EVS_OK ? 0 : cli_fail(&e);
    } else {
        st = evs_feed_write_csv(stdout, &f, src, &e);
        code = cli_close_stdout(st == EVS_OK ? 0 : 4);
    }
    evs_feed_free(&f);
    return code;
}
