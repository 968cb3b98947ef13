/*
 * httpd.c — the scripted test server (see httpd.h).
 *
 * One listener thread polls the socket (waking every 20 ms to notice a stop
 * request); each accepted connection gets its own thread so that a stalled
 * answer does not hold up the others. Threads are kept in a list and joined
 * by httpd_stop, so the test ends with no thread or socket left behind.
 */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONN 512 /* connections served at once (not in all: a test may make thousands) */
#define MAX_LOG 4096

struct httpd {
    int fd;
    char base[64];
    httpd_rule *rules;
    size_t nrules;
    pthread_t listener;
    pthread_mutex_t mu;
    volatile int stop;
    pthread_cond_t idle; /* signalled when a connection ends */
    size_t active;       /* connections being served (detached threads) */
    char *log[MAX_LOG];
    size_t nlog;
    char last_ua[256];
};

typedef struct conn {
    httpd *h;
    int fd;
} conn;

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) {
            if (k < 0 && errno == EINTR)
                continue;
            return;
        }
        p += k;
        n -= (size_t)k;
    }
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 302: return "Found";
    case 404: return "Not Found";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

static void send_head(int fd, int status, const char *ctype, long long len, const char *extra)
{
    char head[1024];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n%s%s", status, reason(status),
                     ctype ? ctype : "text/plain", extra ? extra : "", "Connection: close\r\n");
    if (len >= 0)
        n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %lld\r\n", len);
    n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
    send_all(fd, head, (size_t)n);
}

/* Wait until the client closes the connection or the server stops. */
static void wait_client(httpd *h, int fd, int max_ms)
{
    for (int waited = 0; !h->stop && waited < max_ms; waited += 20) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 20) > 0) {
            char b[256];
            if (recv(fd, b, sizeof b, 0) <= 0)
                return;
        }
    }
}

static void serve_conn(conn *c)
{
    httpd *h = c->h;
    int fd = c->fd;
    free(c);
    char req[16384];
    size_t n = 0;
    while (n + 1 < sizeof req) {
        struct pollfd p = {fd, POLLIN, 0};
        if (h->stop || poll(&p, 1, 5000) <= 0)
            break;
        ssize_t k = recv(fd, req + n, sizeof req - 1 - n, 0);
        if (k <= 0)
            break;
        n += (size_t)k;
        req[n] = 0;
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    req[n] = 0;
    char target[4096] = "";
    sscanf(req, "%*15s %4095s", target);
    pthread_mutex_lock(&h->mu);
    if (h->nlog < MAX_LOG)
        h->log[h->nlog++] = strdup(target);
    const char *ua = strcasestr(req, "\r\nUser-Agent: ");
    if (ua) {
        ua += 14;
        size_t k = strcspn(ua, "\r\n");
        if (k >= sizeof h->last_ua)
            k = sizeof h->last_ua - 1;
        memcpy(h->last_ua, ua, k);
        h->last_ua[k] = 0;
    }
    httpd_rule *r = NULL;
    for (size_t i = 0; i < h->nrules; i++) {
        httpd_rule *x = &h->rules[i];
        if (strstr(target, x->match) && (x->times == 0 || x->used < x->times)) {
            r = x;
            x->used++;
            break;
        }
    }
    pthread_mutex_unlock(&h->mu);
    if (!r) {
        const char *b = "no rule for this request\n";
        send_head(fd, 404, "text/plain", (long long)strlen(b), NULL);
        send_all(fd, b, strlen(b));
        close(fd);
        return;
    }
    size_t len = r->body ? (r->len ? r->len : strlen(r->body)) : 0;
    switch (r->action) {
    case HTTPD_SEND:
        send_head(fd, r->status, r->ctype, r->claim ? r->claim : (long long)len, NULL);
        send_all(fd, r->body, len);
        break;
    case HTTPD_NOLEN:
        send_head(fd, r->status, r->ctype, -1, NULL);
        send_all(fd, r->body, len);
        break;
    case HTTPD_RESET: {
        struct linger lg = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        break;
    }
    case HTTPD_TRUNCATE:
        send_head(fd, r->status, r->ctype, r->claim ? r->claim : (long long)len, NULL);
        send_all(fd, r->body, len / 2);
        break;
    case HTTPD_STALL:
        wait_client(h, fd, 20000);
        break;
    case HTTPD_REDIRECT: {
        char extra[1024];
        snprintf(extra, sizeof extra, "Location: %s\r\n", r->location);
        send_head(fd, 302, "text/plain", 0, extra);
        break;
    }
    case HTTPD_CALLBACK: {
        int status = 500;
        const char *ctype = "text/plain";
        char *body = NULL;
        size_t blen = 0;
        if (r->cb(r->cb_ud, target, &status, &ctype, &body, &blen) != 0) {
            status = 500;
            free(body);
            body = strdup("callback failed\n");
            blen = strlen(body);
        }
        send_head(fd, status, ctype, (long long)blen, NULL);
        send_all(fd, body, blen);
        free(body);
        break;
    }
    }
    close(fd);
    return;
}

/* One connection's thread: serve it, then count it as ended. */
static void *serve(void *arg)
{
    conn *c = arg;
    httpd *h = c->h;
    serve_conn(c);
    pthread_mutex_lock(&h->mu);
    h->active--;
    pthread_cond_signal(&h->idle);
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

static void *listen_loop(void *arg)
{
    httpd *h = arg;
    while (!h->stop) {
        struct pollfd p = {h->fd, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0)
            continue;
        int cfd = accept(h->fd, NULL, NULL);
        if (cfd < 0)
            continue;
        conn *c = malloc(sizeof *c);
        pthread_mutex_lock(&h->mu);
        int room = h->active < MAX_CONN;
        if (c && room)
            h->active++;
        pthread_mutex_unlock(&h->mu);
        if (!c || !room) {
            free(c);
            close(cfd);
            continue;
        }
        c->h = h;
        c->fd = cfd;
        pthread_t t;
        pthread_attr_t at;
        int ok = 0;
        if (pthread_attr_init(&at) == 0) {
            ok = pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED) == 0 &&
                 pthread_create(&t, &at, serve, c) == 0;
            pthread_attr_destroy(&at);
        }
        if (!ok) {
            pthread_mutex_lock(&h->mu);
            h->active--;
            pthread_mutex_unlock(&h->mu);
            free(c);
            close(cfd);
        }
    }
    return NULL;
}

httpd *httpd_start(httpd_rule *rules, size_t n)
{
    httpd *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->rules = rules;
    h->nrules = n;
    for (size_t i = 0; i < n; i++)
        rules[i].used = 0;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->idle, NULL);
    h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0; /* the kernel picks a free port */
    socklen_t al = sizeof a;
    if (h->fd < 0 || bind(h->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(h->fd, 64) != 0 ||
        getsockname(h->fd, (struct sockaddr *)&a, &al) != 0) {
        if (h->fd >= 0)
            close(h->fd);
        free(h);
        return NULL;
    }
    snprintf(h->base, sizeof h->base, "http://127.0.0.1:%d", ntohs(a.sin_port));
    if (pthread_create(&h->listener, NULL, listen_loop, h) != 0) {
        close(h->fd);
        free(h);
        return NULL;
    }
    return h;
}

const char *httpd_base(const httpd *h)
{
    return h->base;
}

size_t httpd_count(httpd *h, const char *match)
{
    size_t k = 0;
    pthread_mutex_lock(&h->mu);
    for (size_t i = 0; i < h->nlog; i++)
        if (h->log[i] && strstr(h->log[i], match))
            k++;
    pthread_mutex_unlock(&h->mu);
    return k;
}

int httpd_target(httpd *h, size_t i, char *out, size_t n)
{
    int rc = -1;
    pthread_mutex_lock(&h->mu);
    if (i < h->nlog && h->log[i]) {
        snprintf(out, n, "%s", h->log[i]);
        rc = 0;
    }
    pthread_mutex_unlock(&h->mu);
    return rc;
}

void httpd_last_ua(httpd *h, char *out, size_t n)
{
    pthread_mutex_lock(&h->mu);
    snprintf(out, n, "%s", h->last_ua);
    pthread_mutex_unlock(&h->mu);
}

void httpd_stop(httpd *h)
{
    if (!h)
        return;
    h->stop = 1;
    pthread_join(h->listener, NULL);
    pthread_mutex_lock(&h->mu); /* every connection's thread sees stop and ends */
    while (h->active > 0)
        pthread_cond_wait(&h->idle, &h->mu);
    pthread_mutex_unlock(&h->mu);
    close(h->fd);
    for (size_t i = 0; i < h->nlog; i++)
        free(h->log[i]);
    pthread_cond_destroy(&h->idle);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

/* ---------------------------------------------------------------- generator */

int httpd_qparam(const char *target, const char *name, long long *out)
{
    char key[64];
    snprintf(key, sizeof key, "%s=", name);
    const char *p = strstr(target, key);
    if (!p)
        return -1;
    *out = strtoll(p + strlen(key), NULL, 10);
    return 0;
}

int httpd_gen_chart(void *ud, const char *target, int *status, const char **ctype, char **body, size_t *len)
{
    httpd_gen *g = ud;
    __sync_fetch_and_add(&g->requests, 1);
    long long p1, p2;
    if (httpd_qparam(target, "period1", &p1) || httpd_qparam(target, "period2", &p2) || p2 < p1 ||
        p2 - p1 > 40LL * 366 * 86400)
        return -1;
    size_t cap = (size_t)((p2 - p1) / 86400 + 2) * 48 + 1024;
    char *ts = malloc(cap), *cl = malloc(cap), *b = malloc(2 * cap + 1024);
    if (!ts || !cl || !b) {
        free(ts);
        free(cl);
        free(b);
        return -1;
    }
    size_t nts = 0, ncl = 0;
    ts[0] = cl[0] = 0;
    for (long long d = p1 / 86400; d * 86400 < p2; d++) {
        int wd = (int)((d % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
        if (wd == 0 || wd == 6)
            continue;
        long long t = d * 86400 + 52200;
        if (t < p1 || t >= p2)
            continue;
        double c = 100 + (double)(d - 20000) / 8 + (g->bump ? 1 : 0);
        nts += (size_t)snprintf(ts + nts, cap - nts, "%s%lld", nts ? "," : "", t);
        ncl += (size_t)snprintf(cl + ncl, cap - ncl, "%s%.17g", ncl ? "," : "", c);
    }
    char ev[256] = "";
    long long sd = (long long)g->split_day * 86400 + 52200;
    if (g->split_day && sd >= p1 && sd < p2)
        snprintf(ev, sizeof ev, ",\"events\":{\"splits\":{\"%lld\":{\"date\":%lld,\"numerator\":2,\"denominator\":1}}}",
                 sd, sd);
    *len = (size_t)snprintf(b, 2 * cap + 1024,
                            "{\"chart\":{\"error\":null,\"result\":[{\"meta\":{\"currency\":\"USD\","
                            "\"exchangeTimezoneName\":\"America/New_York\"},\"timestamp\":[%s],"
                            "\"indicators\":{\"quote\":[{\"close\":[%s]}],\"adjclose\":[{\"adjclose\":[%s]}]}%s}]}}",
                            ts, cl, cl, ev);
    free(ts);
    free(cl);
    *status = 200;
    *ctype = "application/json";
    *body = b;
    return 0;
}
