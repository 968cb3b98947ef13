/*
 * feed.c — RSS 2.0, Atom and SEC EDGAR feeds into events (see evs_feed.h).
 *
 * Shapes (SOURCES.md):
 *   RSS 2.0   rss/channel/item: title, link, guid, pubDate (RFC 822)
 *   Atom      feed/entry (namespace http://www.w3.org/2005/Atom): id, title,
 *             updated or published (RFC 3339), link rel="alternate" href
 *   EDGAR     an Atom feed (declared ISO-8859-1; libxml2 converts to UTF-8)
 *             whose entries carry content/accession-number, filing-date,
 *             filing-type, filing-href: the accession number is the id.
 *
 * Text is gathered from text and CDATA nodes only: an entity reference node
 * (left in the tree because entities are never substituted) contributes
 * nothing, so neither an external entity nor a nested internal one is ever
 * expanded when the text is read.
 */
#include "evs_feed.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evs_date.h"
#include "evs_file.h"
#include "evs_fmt.h"
#include "evs_mem.h"
#include "evs_version.h"
#include "fetch_int.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"

void evs_feed_opts_default(evs_feed_opts *o)
{
    memset(o, 0, sizeof *o);
    o->timeout_ms = 60000;
    o->max_tries = 4;
    o->backoff_ms = 1000;
    o->max_bytes = (size_t)16 << 20;
}

void evs_feed_free(evs_feed *f)
{
    for (size_t i = 0; i < f->n; i++) {
        evs_free(f->items[i].id);
        evs_free(f->items[i].title);
        evs_free(f->items[i].link);
    }
    evs_free(f->items);
    evs_free(f->kind);
    evs_free(f->title);
    memset(f, 0, sizeof *f);
}

/* ------------------------------------------------------------ times */

static int two(const char *s, int *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return 0;
}

static const struct {
    const char *name;
    int minutes;
} zones[] = {{"GMT", 0},        {"UT", 0},         {"UTC", 0},        {"Z", 0},          {"EST", -5 * 60},
             {"EDT", -4 * 60},  {"CST", -6 * 60},  {"CDT", -5 * 60},  {"MST", -7 * 60},  {"MDT", -6 * 60},
             {"PST", -8 * 60},  {"PDT", -7 * 60},  {"JST", 9 * 60},   {"CET", 60},       {"CEST", 120},
             {"BST", 60}};

static int rfc822(const char *s, long long *out)
{
    static const char *mon[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                "jul", "aug", "sep", "oct", "nov", "dec"};
    while (*s == ' ' || *s == '\t')
        s++;
    const char *comma = strchr(s, ',');
    if (comma)
        s = comma + 1; /* the weekday is optional and not checked */
    while (*s == ' ')
        s++;
    char *end;
    long d = strtol(s, &end, 10);
    if (end == s || d < 1 || d > 31)
        return -1;
    s = end;
    while (*s == ' ')
        s++;
    int m = -1;
    for (int i = 0; i < 12; i++)
        if (strncasecmp(s, mon[i], 3) == 0)
            m = i + 1;
    if (m < 0)
        return -1;
    s += 3;
    while (*s && *s != ' ')
        s++; /* "January" */
    while (*s == ' ')
        s++;
    long y = strtol(s, &end, 10);
    if (end == s)
        return -1;
    if (end - s == 2)
        y += y < 50 ? 2000 : 1900;
    s = end;
    while (*s == ' ')
        s++;
    int hh, mm, ss = 0;
    if (two(s, &hh) || s[2] != ':' || two(s + 3, &mm))
        return -1;
    s += 5;
    if (*s == ':') {
        if (two(s + 1, &ss))
            return -1;
        s += 3;
    }
    while (*s == ' ')
        s++;
    long off = 0;
    if (*s == '+' || *s == '-') {
        int oh, om;
        if (two(s + 1, &oh) || two(s + 3, &om))
            return -1;
        off = (oh * 60 + om) * (*s == '-' ? -1 : 1);
        s += 5;
    } else if (*s) {
        size_t n = 0;
        while (s[n] && s[n] != ' ')
            n++;
        int found = 0;
        for (size_t i = 0; i < sizeof zones / sizeof *zones; i++)
            if (strlen(zones[i].name) == n && strncasecmp(s, zones[i].name, n) == 0) {
                off = zones[i].minutes;
                found = 1;
            }
        if (!found)
            return -1;
        s += n;
    } else {
        return -1; /* no zone: ambiguous */
    }
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    if (*s || hh > 23 || mm > 59 || ss > 60 || y < EVS_DATE_MIN_YEAR || y > EVS_DATE_MAX_YEAR)
        return -1;
    int dn = evs_days_from_civil((int)y, m, (int)d);
    int yy, mo, dd;
    evs_civil_from_days(dn, &yy, &mo, &dd);
    if (dd != d)
        return -1; /* 31 Feb */
    *out = (long long)dn * 86400 + hh * 3600 + mm * 60 + (ss > 59 ? 59 : ss) - off * 60;
    return 0;
}

int evs_feed_parse_time(const char *s, long long *out)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        n--;
    if (n >= 10 && s[4] == '-' && s[7] == '-') {
        if (n == 10) { /* a bare date (EDGAR filing-date): midnight UTC */
            int d;
            if (evs_date_parse(s, 10, &d) != 0)
                return -1;
            *out = (long long)d * 86400;
            return 0;
        }
        return evs_parse_iso_time(s, n, out);
    }
    return rfc822(s, out);
}

/* ------------------------------------------------------------ XML helpers */

/* Append the text of n's subtree: text and CDATA only, never entities. */
static int gather(xmlNodePtr n, char **buf, size_t *len, size_t *cap, int depth)
{
    if (depth > 64)
        return 0;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            size_t k = c->content ? strlen((const char *)c->content) : 0;
            if (*len + k + 1 > *cap) {
                size_t nc = (*len + k + 1) * 2;
                char *nb = evs_reallocarray(*buf, nc, 1);
                if (!nb)
                    return -1;
                *buf = nb;
                *cap = nc;
            }
            memcpy(*buf + *len, c->content, k);
            *len += k;
            (*buf)[*len] = 0;
        } else if (c->type == XML_ELEMENT_NODE) {
            if (gather(c, buf, len, cap, depth + 1) != 0)
                return -1;
        }
    }
    return 0;
}

/* The trimmed text of n with runs of whitespace folded to one space. */
static char *text_of(xmlNodePtr n)
{
    char *b = NULL;
    size_t len = 0, cap = 0;
    if (n && gather(n, &b, &len, &cap, 0) != 0) {
        evs_free(b);
        return NULL;
    }
    if (!b)
        return evs_strdup("");
    size_t k = 0;
    int space = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)b[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!space)
                b[k++] = ' ';
            space = 1;
        } else if (c < 0x20 || c == 0x7f) {
            continue;
        } else {
            b[k++] = (char)c;
            space = 0;
        }
    }
    while (k && b[k - 1] == ' ')
        k--;
    b[k] = 0;
    return b;
}

static int is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = evs_strdup((const char *)v);
    xmlFree(v);
    return s;
}

/* ------------------------------------------------------------ items */

static evs_status add_item(evs_feed *f, char *id, long long t, char *title, char *link, evs_err *e)
{
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 32;
        evs_feed_item *ni = evs_reallocarray(f->items, nc, sizeof *ni);
        if (!ni) {
            evs_free(id);
            evs_free(title);
            evs_free(link);
            return evs_nomem(e);
        }
        f->items = ni;
        f->cap = nc;
    }
    f->items[f->n].id = id;
    f->items[f->n].time = t;
    f->items[f->n].title = title;
    f->items[f->n].link = link;
    f->n++;
    return EVS_OK;
}

static evs_status item_done(const char *name, evs_feed *f, xmlNodePtr where, char *id, char *when, char *title,
                            char *link, evs_err *e)
{
    evs_status st = EVS_OK;
    long long t = 0;
    char ex[120];
    if (!id || !when || !title || !link) {
        st = evs_nomem(e);
    } else if (!id[0]) {
        evs_excerpt(title, strlen(title), ex, sizeof ex);
        st = evs_errf(e, EVS_ERR_DATA, "%s:%ld: an item without an id, guid or link (%s)", name,
                      (long)xmlGetLineNo(where), ex);
    } else if (evs_feed_parse_time(when, &t) != 0) {
        evs_excerpt(when, strlen(when), ex, sizeof ex);
        st = evs_errf(e, EVS_ERR_DATA, "%s:%ld: bad or missing time (%s)", name, (long)xmlGetLineNo(where),
                      ex[0] ? ex : "empty");
    }
    evs_free(when);
    if (st != EVS_OK) {
        evs_free(id);
        evs_free(title);
        evs_free(link);
        return st;
    }
    return add_item(f, id, t, title, link, e);
}

static evs_status rss_items(const char *name, xmlNodePtr parent, evs_feed *f, evs_err *e)
{
    for (xmlNodePtr it = parent->children; it; it = it->next) {
        if (!is(it, "item"))
            continue;
        char *title = text_of(child(it, "title")), *link = text_of(child(it, "link"));
        char *id = text_of(child(it, "guid"));
        xmlNodePtr tn = child(it, "pubDate");
        if (!tn)
            tn = child(it, "date"); /* dc:date */
        char *when = text_of(tn);
        if (id && !id[0] && link) {
            evs_free(id);
            id = evs_strdup(link);
        }
        evs_status st = item_done(name, f, it, id, when, title, link, e);
        if (st != EVS_OK)
            return st;
    }
    return EVS_OK;
}

static evs_status atom_entries(const char *name, xmlNodePtr feed, evs_feed *f, evs_err *e)
{
    for (xmlNodePtr en = feed->children; en; en = en->next) {
        if (!is(en, "entry"))
            continue;
        char *title = text_of(child(en, "title")), *id = text_of(child(en, "id"));
        xmlNodePtr tn = child(en, "updated");
        if (!tn)
            tn = child(en, "published");
        char *when = text_of(tn);
        char *link = NULL;
        for (xmlNodePtr l = en->children; l && !link; l = l->next) {
            if (!is(l, "link"))
                continue;
            char *rel = attr(l, "rel");
            if (!rel || strcmp(rel, "alternate") == 0)
                link = attr(l, "href");
            evs_free(rel);
        }
        xmlNodePtr content = child(en, "content");
        xmlNodePtr acc = child(content, "accession-number");
        if (!acc)
            acc = child(content, "accession-nunber"); /* a misspelling EDGAR has served */
        if (acc) {
            if (strcmp(f->kind, "edgar") != 0) {
                evs_free(f->kind);
                f->kind = evs_strdup("edgar");
            }
            char *a = text_of(acc);
            if (a && a[0]) {
                evs_free(id);
                id = a;
            } else {
                evs_free(a);
            }
            xmlNodePtr href = child(content, "filing-href");
            if (href && !link)
                link = text_of(href);
            if (!when || !when[0]) {
                evs_free(when);
                when = text_of(child(content, "filing-date"));
            }
        }
        if (!link)
            link = evs_strdup("");
        if (id && !id[0] && link && link[0]) {
            evs_free(id);
            id = evs_strdup(link);
        }
        evs_status st = item_done(name, f, en, id, when, title, link, e);
        if (st != EVS_OK)
            return st;
    }
    return EVS_OK;
}

static xmlParserInputPtr refuse_entities(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL; /* never load anything: no file, no network */
}

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static int item_cmp(const void *a, const void *b)
{
    const evs_feed_item *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return strcmp(x->id, y->id);
}

evs_status evs_feed_parse(const char *name, const char *buf, size_t len, evs_feed *f, evs_err *e)
{
    memset(f, 0, sizeof *f);
    if (len > (size_t)1 << 30)
        return evs_errf(e, EVS_ERR_DATA, "%s: feed too large", name);
    xmlInitParser();
    xmlExternalEntityLoader old = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(refuse_entities);
    xmlSetGenericErrorFunc(NULL, quiet);
    xmlResetLastError();
    /* NONET: no network; no NOENT (entities stay references), no DTDLOAD,
     * no DTDVALID, no XINCLUDE, no HUGE. */
    xmlDocPtr doc = xmlReadMemory(buf, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlSetExternalEntityLoader(old);
    if (!doc) {
        const xmlError *er = xmlGetLastError();
        char ex[200] = "not well-formed XML";
        if (er && er->message) {
            evs_excerpt(er->message, strlen(er->message), ex, sizeof ex);
        }
        evs_status st = evs_errf(e, EVS_ERR_DATA, "%s:%d: not a readable feed: %s", name, er ? er->line : 0, ex);
        xmlResetLastError();
        return st;
    }
    evs_status st = EVS_OK;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (is(root, "rss")) {
        xmlNodePtr ch = child(root, "channel");
        f->kind = evs_strdup("rss");
        f->title = text_of(child(ch, "title"));
        if (!f->kind || !f->title)
            st = evs_nomem(e);
        else if (!ch)
            st = evs_errf(e, EVS_ERR_DATA, "%s: RSS without a channel", name);
        else
            st = rss_items(name, ch, f, e);
    } else if (is(root, "RDF")) { /* RSS 1.0: items are children of the root */
        f->kind = evs_strdup("rss");
        f->title = text_of(child(child(root, "channel"), "title"));
        st = !f->kind || !f->title ? evs_nomem(e) : rss_items(name, root, f, e);
    } else if (is(root, "feed") && root->ns && xmlStrcmp(root->ns->href, (const xmlChar *)ATOM_NS) == 0) {
        f->kind = evs_strdup("atom");
        f->title = text_of(child(root, "title"));
        st = !f->kind || !f->title ? evs_nomem(e) : atom_entries(name, root, f, e);
    } else {
        st = evs_errf(e, EVS_ERR_DATA, "%s: neither RSS 2.0 nor Atom (root element <%s>)", name,
                      root ? (const char *)root->name : "none");
    }
    xmlFreeDoc(doc);
    if (st != EVS_OK) {
        evs_feed_free(f);
        return st;
    }
    if (f->n > 1)
        qsort(f->items, f->n, sizeof *f->items, item_cmp);
    return EVS_OK;
}

evs_status evs_feed_load(const char *source, const evs_feed_opts *o, evs_feed *f, evs_err *e)
{
    evs_feed_opts d;
    if (!o) {
        evs_feed_opts_default(&d);
        o = &d;
    }
    memset(f, 0, sizeof *f);
    if (strncmp(source, "http://", 7) != 0 && strncmp(source, "https://", 8) != 0) {
        if (strstr(source, "://"))
            return evs_errf(e, EVS_ERR_USAGE, "%s: only http, https or a local file", source);
        char *buf;
        size_t len;
        evs_status st = evs_read_file(source, o->max_bytes, &buf, &len, e);
        if (st != EVS_OK)
            return st;
        st = evs_feed_parse(source, buf, len, f, e);
        evs_free(buf);
        return st;
    }
    const char *ua = o->user_agent;
    if (!ua || !ua[0])
        ua = getenv("EVS_USER_AGENT");
    int edgar = strstr(source, "sec.gov/") != NULL;
    if (edgar && (!ua || !strchr(ua, '@')))
        return evs_errf(e, EVS_ERR_USAGE,
                        "%s: SEC EDGAR requires a User-Agent naming you and your e-mail: use --user-agent "
                        "'Your Name you@example.com' or set EVS_USER_AGENT",
                        source);
    if (!ua || !ua[0])
        ua = "evstudy/" EVS_VERSION;
    evs_http_req r;
    memset(&r, 0, sizeof r);
    r.url = (char *)source;
    r.user_agent = ua;
    evs_http_cfg cfg;
    evs_http_cfg_default(&cfg);
    cfg.concurrency = 1;
    cfg.timeout_ms = o->timeout_ms;
    cfg.max_tries = o->max_tries;
    cfg.backoff_ms = o->backoff_ms;
    cfg.max_body = o->max_bytes;
    cfg.low_speed_time_s = 30;
    evs_http_req *rp = &r;
    evs_status st = evs_http_run(&rp, 1, &cfg, e);
    if (st == EVS_OK && r.st != EVS_OK)
        st = evs_errf(e, r.st, "%s: %s", source, r.err);
    else if (st == EVS_OK && (r.status < 200 || r.status > 299)) {
        char ex[120];
        evs_excerpt(r.body ? r.body : "", r.len < 100 ? r.len : 100, ex, sizeof ex);
        st = evs_errf(e, r.status == 403 || r.status == 429 ? EVS_ERR_NET : EVS_ERR_DATA, "%s: HTTP %ld (%s)", source,
                      r.status, ex);
    }
    if (st == EVS_OK)
        st = evs_feed_parse(source, r.body ? r.body : "", r.len, f, e);
    evs_http_req_clear(&r);
    return st;
}

evs_status evs_feed_filter(evs_feed *f, const char *regex, evs_err *e)
{
    regex_t re;
    int rc = regcomp(&re, regex, REG_EXTENDED | REG_ICASE | REG_NOSUB);
    if (rc != 0) {
        char msg[200];
        regerror(rc, &re, msg, sizeof msg);
        return evs_errf(e, EVS_ERR_USAGE, "bad --match expression (%s): %s", regex, msg);
    }
    size_t k = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (regexec(&re, f->items[i].title, 0, NULL, 0) == 0) {
            f->items[k++] = f->items[i];
        } else {
            evs_free(f->items[i].id);
            evs_free(f->items[i].title);
            evs_free(f->items[i].link);
        }
    }
    f->n = k;
    regfree(&re);
    return EVS_OK;
}

evs_status evs_feed_write_csv(FILE *fp, const evs_feed *f, const char *source, evs_err *e)
{
    fputs("event,time,title,link,source\n", fp);
    const char *src = f->title && f->title[0] ? f->title : source;
    for (size_t i = 0; i < f->n; i++) {
        char ts[21];
        evs_fmt_utc(f->items[i].time, ts);
        evs_csv_str(fp, f->items[i].id);
        fputc(',', fp);
        fputs(ts, fp);
        fputc(',', fp);
        evs_csv_str(fp, f->items[i].title);
        fputc(',', fp);
        evs_csv_str(fp, f->items[i].link);
        fputc(',', fp);
        evs_csv_str(fp, src ? src : "");
        fputc('\n', fp);
    }
    if (ferror(fp))
        return evs_errf(e, EVS_ERR_IO, "cannot write the events CSV");
    return EVS_OK;
}
