/* evs_cache.c — symbol <-> cache file names (see evs_cache.h). */
#include "evs_cache.h"

#include <stdio.h>
#include <string.h>

#include "evs_file.h"
#include "evs_mem.h"

static int plain(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

const char *evs_symbol_problem(const char *sym)
{
    size_t n = strlen(sym);
    if (n == 0)
        return "empty symbol";
    if (n > EVS_SYMBOL_MAX)
        return "symbol longer than 64 bytes";
    if (strchr(sym, '/') || strchr(sym, '\\'))
        return "symbol contains a slash";
    if (strstr(sym, ".."))
        return "symbol contains '..'";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)sym[i];
        if (c <= 0x20 || c == 0x7f)
            return "symbol contains whitespace or a control character";
    }
    return NULL;
}

evs_status evs_symbol_encode(const char *sym, char *out, size_t outsz, evs_err *e)
{
    const char *why = evs_symbol_problem(sym);
    if (why)
        return evs_errf(e, EVS_ERR_DATA, "bad symbol: %s", why);
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)sym; *p; p++) {
        if (k + 4 > outsz)
            return evs_errf(e, EVS_ERR_DATA, "bad symbol: too long");
        if (plain(*p)) {
            out[k++] = (char)*p;
        } else {
            out[k++] = '%';
            out[k++] = hex[*p >> 4];
            out[k++] = hex[*p & 15];
        }
    }
    out[k] = 0;
    return EVS_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

evs_status evs_symbol_decode(const char *stem, char *out, size_t outsz, evs_err *e)
{
    size_t k = 0;
    for (const char *p = stem; *p; p++) {
        if (k + 1 >= outsz)
            return evs_errf(e, EVS_ERR_DATA, "bad cache name (%s): too long", stem);
        if (*p == '%') {
            int a = hexval(p[1]), b = a < 0 ? -1 : hexval(p[2]);
            if (a < 0 || b < 0)
                return evs_errf(e, EVS_ERR_DATA, "bad cache name (%s): bad %%-escape", stem);
            int v = a * 16 + b;
            /* canonical names only: a NUL or an escaped plain byte would let two
             * file names stand for one symbol */
            if (v == 0 || plain((unsigned char)v) || (p[1] >= 'a' && p[1] <= 'f') || (p[2] >= 'a' && p[2] <= 'f'))
                return evs_errf(e, EVS_ERR_DATA, "bad cache name (%s): non-canonical %%-escape", stem);
            out[k++] = (char)v;
            p += 2;
        } else if (plain((unsigned char)*p)) {
            out[k++] = *p;
        } else {
            return evs_errf(e, EVS_ERR_DATA, "bad cache name (%s)", stem);
        }
    }
    out[k] = 0;
    const char *why = evs_symbol_problem(out);
    if (why)
        return evs_errf(e, EVS_ERR_DATA, "bad cache name (%s): %s", stem, why);
    return EVS_OK;
}

const char *evs_interval_problem(const char *iv)
{
    static const char *ok[] = {"1d", "1h", "5m", "1m"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (strcmp(iv, ok[i]) == 0)
            return NULL;
    return "interval must be one of 1d, 1h, 5m, 1m";
}

evs_status evs_cache_path(const char *data_dir, const char *interval, const char *symbol, const char *ext,
                          char **out, evs_err *e)
{
    *out = NULL;
    const char *why = evs_interval_problem(interval);
    if (why)
        return evs_errf(e, EVS_ERR_USAGE, "bad interval (%s): %s", interval, why);
    char enc[3 * EVS_SYMBOL_MAX + 1];
    evs_status st = evs_symbol_encode(symbol, enc, sizeof enc, e);
    if (st != EVS_OK)
        return evs_err_prefix(e, "%s", symbol);
    size_t n = strlen(enc) + strlen(interval) + strlen(ext) + 2;
    char *rel = evs_malloc(n);
    if (!rel)
        return evs_nomem(e);
    snprintf(rel, n, "%s/%s%s", interval, enc, ext);
    *out = evs_path_join(data_dir, rel);
    evs_free(rel);
    return *out ? EVS_OK : evs_nomem(e);
}
