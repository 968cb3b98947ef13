/*
 * http.c — many HTTP GETs at once with libcurl's multi interface, done
 * properly: a bounded number of transfers at once, a minimum gap between
 * request starts on one host (politeness), retries with exponential backoff
 * and jitter on 429, 5xx, timeouts, resets and truncated bodies (a bounded
 * number, then a clear error), connect and low-speed timeouts, a cap on the
 * body size, http/https only (redirects included), TLS verification on, the
 * proxy environment variables honoured (libcurl's default).
 *
 * State machine per request:   WAIT --(due, slot free, host gap)--> ACTIVE
 *                              ACTIVE --(done: ok/permanent failure)--> DONE
 *                              ACTIVE --(retryable, tries left)--> WAIT (due = now + backoff)
 * The loop sleeps in curl_multi_poll until a transfer has data or the next
 * waiting request is due. No globals: all state lives in the requests and
 * in one run-local table of hosts.
 */
#include "fetch_int.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evs_mem.h"

enum { ST_WAIT, ST_ACTIVE, ST_DONE };

void evs_http_cfg_default(evs_http_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->concurrency = 4;
    c->max_tries = 5;
    c->connect_timeout_ms = 15000;
    c->timeout_ms = 300000;
    c->low_speed_time_s = 30;
    c->low_speed_bytes = 16;
    c->max_body = (size_t)64 << 20;
    c->backoff_ms = 1000;
    c->backoff_max_ms = 60000;
    c->host_gap_ms = 250;
}

void evs_http_req_clear(evs_http_req *r)
{
    evs_free(r->body);
    r->body = NULL;
    r->len = 0;
    evs_free(r->host);
    r->host = NULL;
    if (r->easy) {
        curl_easy_cleanup(r->easy);
        r->easy = NULL;
    }
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

char *evs_url_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *o = evs_malloc(3 * n + 1);
    if (!o)
        return NULL;
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (unreserved(*p)) {
            o[k++] = (char)*p;
        } else {
            o[k++] = '%';
            o[k++] = hex[*p >> 4];
            o[k++] = hex[*p & 15];
        }
    }
    o[k] = 0;
    return o;
}

static int secret_param(const char *name, size_t n)
{
    static const char *keys[] = {"apikey", "api_key", "token", "key", "access_key", "apiToken"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strlen(keys[i]) == n && strncasecmp(name, keys[i], n) == 0)
            return 1;
    return 0;
}

char *evs_url_redact(const char *url)
{
    size_t n = strlen(url);
    char *o = evs_malloc(n + 16 * (n / 4 + 1) + 1); /* each parameter may grow to "REDACTED" */
    if (!o)
        return NULL;
    const char *q = strchr(url, '?');
    if (!q) {
        memcpy(o, url, n + 1);
        return o;
    }
    size_t k = (size_t)(q - url) + 1;
    memcpy(o, url, k);
    const char *p = q + 1;
    while (*p) {
        const char *amp = strchr(p, '&');
        const char *end = amp ? amp : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq && secret_param(p, (size_t)(eq - p))) {
            size_t nl = (size_t)(eq - p) + 1;
            memcpy(o + k, p, nl);
            k += nl;
            memcpy(o + k, "REDACTED", 8);
            k += 8;
        } else {
            memcpy(o + k, p, (size_t)(end - p));
            k += (size_t)(end - p);
        }
        if (amp)
            o[k++] = '&';
        p = amp ? amp + 1 : end;
    }
    o[k] = 0;
    return o;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    evs_http_req *r = ud;
    size_t n = size * nmemb;
    if (r->len + n > r->cap) {
        r->overcap = 1;
        return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
    }
    char *nb = evs_reallocarray(r->body, r->len + n + 1, 1);
    if (!nb)
        return 0;
    r->body = nb;
    memcpy(r->body + r->len, ptr, n);
    r->len += n;
    r->body[r->len] = 0;
    return n;
}

static evs_status setup_easy(evs_http_req *r, const evs_http_cfg *c, evs_err *e)
{
    CURL *h = curl_easy_init();
    if (!h)
        return evs_errf(e, EVS_ERR_NOMEM, "cannot start a transfer (libcurl)");
    r->easy = h;
    r->errbuf[0] = 0;
    r->overcap = 0;
    r->cap = c->max_body;
    r->retry_after_s = 0;
    evs_free(r->body);
    r->body = NULL;
    r->len = 0;
    int bad = 0;
    bad |= curl_easy_setopt(h, CURLOPT_URL, r->url) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)r) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->errbuf) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_WRITEDATA, (void *)r) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->low_speed_time_s) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, c->low_speed_bytes) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK;
    if (r->user_agent)
        bad |= curl_easy_setopt(h, CURLOPT_USERAGENT, r->user_agent) != CURLE_OK;
    if (bad)
        return evs_errf(e, EVS_ERR_NET, "%s: libcurl refused an option (built without http/https?)", r->url);
    return EVS_OK;
}

static char *url_host(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL, *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        out = evs_strdup(host);
    else
        out = evs_strdup("");
    curl_free(host);
    curl_url_cleanup(u);
    return out;
}

static int retryable_code(CURLcode rc)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_COULDNT_CONNECT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

static int retryable_status(long s)
{
    return s == 429 || s == 408 || (s >= 500 && s <= 599 && s != 501 && s != 505);
}

/* Delay before attempt number `tries + 1`: base * 2^(tries-1), capped, with
 * "equal jitter" (half fixed, half random) so that parallel clients spread. */
static long backoff_delay(const evs_http_cfg *c, int tries, long retry_after_s, unsigned *seed)
{
    double d = (double)c->backoff_ms;
    for (int i = 1; i < tries && d < (double)c->backoff_max_ms; i++)
        d *= 2;
    if (d > (double)c->backoff_max_ms)
        d = (double)c->backoff_max_ms;
    double j = d / 2 + (d / 2) * ((double)rand_r(seed) / ((double)RAND_MAX + 1.0));
    if (retry_after_s > 0) {
        double ra = (double)retry_after_s * 1000.0;
        if (ra > (double)c->backoff_max_ms)
            ra = (double)c->backoff_max_ms;
        if (ra > j)
            j = ra;
    }
    return (long)j;
}

static const char *status_text(long s)
{
    switch (s) {
    case 408: return "Request Timeout";
    case 429: return "Too Many Requests (rate limited)";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "server error";
    }
}

typedef struct host_slot {
    char *host;
    long long next_ms;
} host_slot;

static host_slot *find_host(host_slot *hs, size_t nh, const char *h)
{
    for (size_t i = 0; i < nh; i++)
        if (strcmp(hs[i].host, h) == 0)
            return &hs[i];
    return NULL;
}

/* Finish one transfer: decide done or retry. */
static void finish(evs_http_req *r, CURLcode rc, const evs_http_cfg *c, long long now, unsigned *seed)
{
    CURL *h = r->easy;
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t ra = 0;
    if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
        r->retry_after_s = (long)ra;
    r->status = status;
    int retry = 0;
    if (rc == CURLE_OK) {
        if (retryable_status(status)) {
            retry = 1;
            snprintf(r->err, sizeof r->err, "HTTP %ld %s", status, status_text(status));
        } else {
            r->st = EVS_OK;
            r->err[0] = 0;
        }
    } else if (r->overcap || rc == CURLE_FILESIZE_EXCEEDED) {
        r->st = EVS_ERR_DATA;
        snprintf(r->err, sizeof r->err, "response body larger than the %zu-byte cap", c->max_body);
    } else if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
        r->st = EVS_ERR_NET;
        snprintf(r->err, sizeof r->err, "refused: only http and https are allowed, also on redirects (%s)",
                 r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
    } else if (rc == CURLE_TOO_MANY_REDIRECTS) {
        r->st = EVS_ERR_NET;
        snprintf(r->err, sizeof r->err, "too many redirects");
    } else {
        const char *why = r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc);
        if (rc == CURLE_OPERATION_TIMEDOUT)
            snprintf(r->err, sizeof r->err, "timed out (%s)", why);
        else if (rc == CURLE_PARTIAL_FILE)
            snprintf(r->err, sizeof r->err, "truncated response (%s)", why);
        else if (rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING || rc == CURLE_SEND_ERROR)
            snprintf(r->err, sizeof r->err, "connection reset or closed (%s)", why);
        else
            snprintf(r->err, sizeof r->err, "%s", why);
        if (retryable_code(rc)) {
            retry = 1;
        } else {
            r->st = rc == CURLE_OUT_OF_MEMORY ? EVS_ERR_NOMEM : EVS_ERR_NET;
        }
    }
    if (retry && r->tries < c->max_tries) {
        long d = backoff_delay(c, r->tries, r->retry_after_s, seed);
        r->due_ms = now + d;
        r->state = ST_WAIT;
        if (c->on_event)
            c->on_event(c->ud, r, EVS_HTTP_EV_RETRY, d);
        return;
    }
    if (retry) {
        size_t l = strlen(r->err);
        if (l + 32 > sizeof r->err)
            l = sizeof r->err - 32;
        snprintf(r->err + l, sizeof r->err - l, " after %d tries", r->tries);
        r->st = EVS_ERR_NET;
    }
    r->state = ST_DONE;
}

evs_status evs_http_run(evs_http_req **reqs, size_t n, const evs_http_cfg *cfg, evs_err *e)
{
    evs_http_cfg c = *cfg;
    if (c.concurrency < 1)
        c.concurrency = 1;
    if (c.max_tries < 1)
        c.max_tries = 1;
    CURLM *m = curl_multi_init();
    if (!m)
        return evs_errf(e, EVS_ERR_NOMEM, "cannot start libcurl");
    host_slot *hosts = evs_calloc(n ? n : 1, sizeof *hosts);
    size_t nh = 0;
    evs_status st = EVS_OK;
    if (!hosts) {
        curl_multi_cleanup(m);
        return evs_nomem(e);
    }
    long long t0 = mono_ms();
    for (size_t i = 0; i < n; i++) {
        evs_http_req *r = reqs[i];
        r->state = ST_WAIT;
        r->due_ms = t0;
        r->tries = 0;
        r->status = 0;
        r->st = EVS_ERR_NET;
        r->err[0] = 0;
        r->host = url_host(r->url);
        if (!r->host) {
            st = evs_nomem(e);
            goto out;
        }
        if (!find_host(hosts, nh, r->host)) {
            hosts[nh].host = r->host;
            hosts[nh].next_ms = t0;
            nh++;
        }
    }
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)t0;
    size_t done = 0, active = 0;
    while (done < n) {
        long long now = mono_ms();
        long long next_due = -1;
        for (size_t i = 0; i < n && active < (size_t)c.concurrency; i++) {
            evs_http_req *r = reqs[i];
            if (r->state != ST_WAIT)
                continue;
            host_slot *hs = find_host(hosts, nh, r->host);
            long long due = r->due_ms > hs->next_ms ? r->due_ms : hs->next_ms;
            if (due > now) {
                if (next_due < 0 || due < next_due)
                    next_due = due;
                continue;
            }
            st = setup_easy(r, &c, e);
            if (st != EVS_OK)
                goto out;
            if (curl_multi_add_handle(m, r->easy) != CURLM_OK) {
                st = evs_errf(e, EVS_ERR_NOMEM, "cannot add a transfer (libcurl)");
                goto out;
            }
            r->tries++;
            r->state = ST_ACTIVE;
            active++;
            hs->next_ms = now + c.host_gap_ms;
            if (c.on_event)
                c.on_event(c.ud, r, EVS_HTTP_EV_START, 0);
        }
        int running = 0;
        if (curl_multi_perform(m, &running) != CURLM_OK) {
            st = evs_errf(e, EVS_ERR_NET, "libcurl multi interface failed");
            goto out;
        }
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *h = msg->easy_handle;
            CURLcode rc = msg->data.result;
            evs_http_req *r = NULL;
            curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&r);
            curl_multi_remove_handle(m, h);
            active--;
            finish(r, rc, &c, mono_ms(), &seed);
            curl_easy_cleanup(h);
            r->easy = NULL;
            if (r->state == ST_DONE) {
                done++;
                if (c.on_event)
                    c.on_event(c.ud, r, EVS_HTTP_EV_DONE, 0);
            }
        }
        if (done >= n)
            break;
        long wait = 1000;
        if (next_due >= 0) {
            long long d = next_due - mono_ms();
            wait = d < 0 ? 0 : d < 1000 ? (long)d : 1000;
        }
        if (active == 0 && next_due < 0)
            wait = 0; /* a slot just freed: start the next request now */
        if (active > 0 || wait > 0)
            curl_multi_poll(m, NULL, 0, (int)wait, NULL);
    }
out:
    for (size_t i = 0; i < n; i++) {
        evs_http_req *r = reqs[i];
        if (r->easy) {
            curl_multi_remove_handle(m, r->easy);
            curl_easy_cleanup(r->easy);
            r->easy = NULL;
        }
    }
    evs_free(hosts);
    for (size_t i = 0; i < n; i++) {
        evs_free(reqs[i]->host);
        reqs[i]->host = NULL;
    }
    curl_multi_cleanup(m);
    return st;
}
