/* evs_fmt.c — shortest round-trip numbers and CSV fields (see evs_fmt.h). */
#include "evs_fmt.h"

#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "evs_date.h"
#include "evs_num.h"

/* The reference path: printf's exact conversion at 15, 16 then 17 digits,
 * the first that reads back (evs_num_parse is strtod, bit for bit). */
static void fmt_printf(double v, char out[EVS_FMT_DOUBLE_MAX])
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, EVS_FMT_DOUBLE_MAX, "%.*g", prec, v);
        double back;
        if (evs_num_parse(out, out + strlen(out), &back) == 0 && back == v)
            break;
    }
}

typedef unsigned __int128 u128;


/* 10^k for k <= 22 (the fast path's range), as 128-bit constants */
static const u128 pow10_t[23] = {1ull,
                                 10ull,
                                 100ull,
                                 1000ull,
                                 10000ull,
                                 100000ull,
                                 1000000ull,
                                 10000000ull,
                                 100000000ull,
                                 1000000000ull,
                                 10000000000ull,
                                 100000000000ull,
                                 1000000000000ull,
                                 10000000000000ull,
                                 100000000000000ull,
                                 1000000000000000ull,
                                 10000000000000000ull,
                                 100000000000000000ull,
                                 1000000000000000000ull,
                                 10000000000000000000ull,
                                 (u128)10000000000000000000ull * 10u,
                                 (u128)10000000000000000000ull * 100u,
                                 (u128)10000000000000000000ull * 1000u};

static u128 pow10_u128(int k) /* 0 <= k <= 22 */
{
    return pow10_t[k];
}

/* The fast path, for 1e-6 <= |v| < 2^52, where every step is exact in 128-bit
 * integers. Write |v| = M 2^-S with M the 53-bit mantissa (0 < S < 128). For
 * P significant digits and the decimal exponent X of v (10^X <= |v| <
 * 10^(X+1)), the correctly rounded P-digit decimal is D 10^-k with k = P-1-X
 * and D = round(N / 2^S), N = M 10^k (k <= 22 keeps N below 2^128), rounded
 * half to even as glibc's printf does. Its distance to |v| is dist / (2^S 10^k)
 * with dist = |D 2^S - N|, and strtod (round to nearest, ties to even) reads
 * it back as v exactly when that distance is below half the gap to v's
 * neighbour on its side, 2^-S (or 2^-(S+1) below when M = 2^52, the bottom of
 * a binade): 2 dist < 10^k (4 dist below 2^52), or equal with M even. So
 * the 15-, 16- and 17-digit candidates are tested without printing or
 * parsing, and the layout of %.Pg (C11 7.21.6.1: style f when P > X' >= -4,
 * X' the exponent after rounding, else style e; trailing zeros removed)
 * gives byte for byte what fmt_printf writes: the unit test compares the two
 * on 400,000 doubles of the kinds results hold. (An exact midpoint between
 * two doubles has more than 17 significant digits everywhere in this range,
 * so the tie and bottom-of-binade rules never decide there; they are kept so
 * that the test is the statement of the theory, not of the range.) Returns 0
 * (use fmt_printf) outside the fast path. */
static int fmt_exact(double v, char out[EVS_FMT_DOUBLE_MAX])
{
    int neg = v < 0, e2;
    double a = neg ? -v : v;
    if (!(a >= 1e-6 && a < 4503599627370496.0))
        return 0;
    double fr = frexp(a, &e2); /* a = fr 2^e2, fr in [0.5, 1) */
    uint64_t M = (uint64_t)ldexp(fr, 53);
    int S = 53 - e2;
    if (S <= 0 || S >= 127)
        return 0;
    int X = (int)floor(log10(a)); /* may be one off near a power of ten: checked below */
    for (int fix = 0;; fix++) {
        int k = 16 - X;
        if (fix > 2 || k < 0 || k > 22)
            return 0;
        u128 t = ((u128)M * pow10_u128(k)) >> S; /* floor(a 10^k), 17 digits when X is right */
        if (t >= (u128)pow10_t[17])
            X++;
        else if (t < (u128)pow10_t[16])
            X--;
        else
            break;
    }
    uint64_t D = 0;
    int P, DX = X;
    for (P = 15; P <= 17; P++) {
        int k = P - 1 - X;
        if (k < 0 || k > 22)
            return 0;
        u128 ten_k = pow10_u128(k), N = (u128)M * ten_k, one = (u128)1 << S;
        u128 q = N >> S, r = N & (one - 1), half = one >> 1;
        int up = r > half || (r == half && (q & 1));
        u128 dist = up ? one - r : r;
        D = (uint64_t)(q + (u128)up);
        DX = X;
        if (D == (uint64_t)pow10_t[P]) { /* rounded up to the next power of ten */
            D = (uint64_t)pow10_t[P - 1];
            DX = X + 1;
        }
        u128 lhs = dist * ((!up && M == ((uint64_t)1 << 52)) ? 4 : 2);
        if (lhs < ten_k || (lhs == ten_k && !(M & 1)))
            break;
    }
    if (P > 17)
        return 0; /* not reached: 17 significant digits always read back */
    /* the significant digits of D, trailing zeros dropped */
    char dig[24];
    int nd = 0;
    while (D % 10 == 0)
        D /= 10;
    for (uint64_t t = D; t; t /= 10)
        nd++;
    for (int i = nd - 1; i >= 0; i--, D /= 10)
        dig[i] = (char)('0' + D % 10);
    char *o = out;
    if (neg)
        *o++ = '-';
    if (DX < -4 || DX >= P) { /* style e: d[.ddd]e[+-]XX */
        *o++ = dig[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, dig + 1, (size_t)(nd - 1));
            o += nd - 1;
        }
        int ex = DX < 0 ? -DX : DX;
        *o++ = 'e';
        *o++ = DX < 0 ? '-' : '+';
        *o++ = (char)('0' + ex / 10);
        *o++ = (char)('0' + ex % 10);
    } else if (DX >= 0) { /* style f, |v| >= 1 */
        for (int i = 0; i <= DX; i++)
            *o++ = i < nd ? dig[i] : '0';
        if (nd > DX + 1) {
            *o++ = '.';
            memcpy(o, dig + DX + 1, (size_t)(nd - DX - 1));
            o += nd - DX - 1;
        }
    } else { /* style f, |v| < 1 */
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -DX - 1; i++)
            *o++ = '0';
        memcpy(o, dig, (size_t)nd);
        o += nd;
    }
    *o = 0;
    return 1;
}

char *evs_fmt_double(double v, char out[EVS_FMT_DOUBLE_MAX])
{
    if (isnan(v)) {
        out[0] = 0;
        return out;
    }
    if (v == 0) {
        strcpy(out, "0");
        return out;
    }
    if (isinf(v)) {
        strcpy(out, v > 0 ? "inf" : "-inf");
        return out;
    }
    if (!fmt_exact(v, out))
        fmt_printf(v, out);
    return out;
}


void evs_csv_str(FILE *fp, const char *s)
{
    if (!s)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

void evs_csv_num(FILE *fp, double v)
{
    char b[EVS_FMT_DOUBLE_MAX];
    fputs(evs_fmt_double(v, b), fp);
}

void evs_csv_date(FILE *fp, int days)
{
    if (days == EVS_NO_DATE)
        return;
    char b[11];
    evs_date_format(days, b);
    fputs(b, fp);
}
