/* evs_num.c — exact decimal to double, with Clinger's fast path (see evs_num.h). */
#include "evs_num.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evs_mem.h"

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "evs_num.c needs FLT_EVAL_METHOD == 0 (double arithmetic in double precision)"
#endif

/* 10^0 .. 10^22: every one is an exact double (5^22 < 2^53). */
const double evs_num_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int evs_num_parse_slow(const char *s, const char *end, double *out)
{
    size_t n = (size_t)(end - s);
    if (n == 0 || *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
        return -1;
    char small[64], *buf = n < sizeof small ? small : evs_malloc(n + 1);
    if (!buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    char *ep;
    double v = strtod(buf, &ep);
    int ok = ep == buf + n && isfinite(v);
    if (buf != small)
        evs_free(buf);
    if (!ok)
        return -1;
    *out = v;
    return 0;
}

int evs_num_parse(const char *s, const char *end, double *out)
{
    const char *p = s;
    int neg = 0;
    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    uint64_t m = 0;
    int nd = 0, q = 0; /* digits taken into m; decimal exponent */
    const char *d0 = p;
    while (p < end && (unsigned)(*p - '0') < 10) {
        if (nd < 19) {
            m = m * 10 + (uint64_t)(*p - '0');
            nd += m != 0; /* leading zeros do not count */
        } else {
            return evs_num_parse_slow(s, end, out);
        }
        p++;
    }
    size_t nint = (size_t)(p - d0), nfrac = 0;
    if (p < end && *p == '.') {
        p++;
        const char *f0 = p;
        while (p < end && (unsigned)(*p - '0') < 10) {
            if (nd < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                nd += m != 0;
                q--;
            } else {
                return evs_num_parse_slow(s, end, out);
            }
            p++;
        }
        nfrac = (size_t)(p - f0);
    }
    if (nint + nfrac == 0)
        return evs_num_parse_slow(s, end, out); /* inf, nan, hex, blanks, junk: strtod decides */
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0, ex = 0;
        if (p < end && (*p == '-' || *p == '+')) {
            eneg = *p == '-';
            p++;
        }
        const char *e0 = p;
        while (p < end && (unsigned)(*p - '0') < 10 && ex < 10000)
            ex = ex * 10 + (*p++ - '0');
        if (p == e0 || p != end)
            return evs_num_parse_slow(s, end, out);
        q += eneg ? -ex : ex;
    }
    if (p != end)
        return evs_num_parse_slow(s, end, out); /* hex "0x1p3", trailing text: strtod decides */
    if (m > ((uint64_t)1 << 53) || q < -22 || q > 22)
        return evs_num_parse_slow(s, end, out);
    double v = (double)m;
    v = q < 0 ? v / evs_num_pow10[-q] : v * evs_num_pow10[q];
    *out = neg ? -v : v;
    return 0;
}

