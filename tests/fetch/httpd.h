/*
 * httpd.h — a scripted HTTP/1.1 server for the fetch tests.
 *
 * It listens on 127.0.0.1 on a port the kernel picks, in a thread of the
 * test process, and answers each request with the first rule whose `match`
 * occurs in the request target and that has uses left. A rule replays a
 * recorded response or acts out a fault: a connection reset, a truncated
 * body, a stall, a redirect, a body without Content-Length. One request per
 * connection (Connection: close). The test starts and stops it; nothing
 * here reaches beyond the loopback interface.
 */
#ifndef EVS_TEST_HTTPD_H
#define EVS_TEST_HTTPD_H

#include <stddef.h>

enum {
    HTTPD_SEND,     /* status, content type, body */
    HTTPD_NOLEN,    /* like SEND without Content-Length: the body ends when the connection closes */
    HTTPD_RESET,    /* read the request, then reset the connection (RST) */
    HTTPD_TRUNCATE, /* announce the body's length, send half of it, close */
    HTTPD_STALL,    /* read the request, send nothing until the client gives up */
    HTTPD_REDIRECT, /* 302 to location */
    HTTPD_CALLBACK  /* cb builds the response */
};

typedef struct httpd_rule {
    const char *match; /* substring of the request target ("" matches all) */
    int times;         /* how many requests this rule answers; 0 = any number */
    int action;
    int status;
    const char *ctype;
    const char *body;
    size_t len;        /* 0: strlen(body) */
    long long claim;   /* TRUNCATE: announce this Content-Length instead (e.g. 10 GB) */
    const char *location;
    /* HTTPD_CALLBACK: fill *status, *ctype and a malloc'd *body; return 0 */
    int (*cb)(void *ud, const char *target, int *status, const char **ctype, char **body, size_t *len);
    void *cb_ud;
    int used;          /* requests answered so far */
} httpd_rule;

typedef struct httpd httpd;

/* Start serving rules (the array must outlive the server). NULL on failure. */
httpd *httpd_start(httpd_rule *rules, size_t n);
/* "http://127.0.0.1:PORT" */
const char *httpd_base(const httpd *h);
/* Requests seen whose target contains match ("" for all). */
size_t httpd_count(httpd *h, const char *match);
/* The target of the i-th request (0-based) into out; 0 when it exists. */
int httpd_target(httpd *h, size_t i, char *out, size_t n);
/* The User-Agent of the last request. */
void httpd_last_ua(httpd *h, char *out, size_t n);
void httpd_stop(httpd *h);

/* A synthetic Yahoo chart generator for HTTPD_CALLBACK rules (cb_ud points
 * to an httpd_gen). For any /v8/finance/chart/SYM?period1=..&period2=.. it
 * answers one bar per weekday stamped 14:30Z with close = adjclose =
 * 100 + (day - 20000) / 8 (+ 1 when bump is set), so answers agree on
 * overlapping days unless bump changes; split_day (a day number, 0 for
 * none) adds a 2:1 split event when inside the period. */
typedef struct httpd_gen {
    volatile int bump;
    volatile int split_day;
    volatile int requests;
} httpd_gen;

int httpd_gen_chart(void *ud, const char *target, int *status, const char **ctype, char **body, size_t *len);
/* The value of a numeric query parameter; 0 when found. */
int httpd_qparam(const char *target, const char *name, long long *out);

#endif
