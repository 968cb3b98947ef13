/*
 * evs_num.h — reading a decimal number from a field, fast and exactly.
 *
 * evs_num_parse(s, end, &v) reads the whole of [s, end) as a number and gives
 * the same double, bit for bit, as strtod would: the result is always the
 * correctly rounded value (round to nearest, ties to even).
 *
 * Fast path (Clinger 1990, "How to read floating point numbers accurately",
 * PLDI '90, section 5; the same test as Gay 1990, "Correctly rounded
 * binary-decimal and decimal-binary conversions", strtod's "exact" cases):
 * a number written [+-]digits[.digits][(e|E)[+-]digits] whose digits, taken
 * as an integer M, satisfy M <= 2^53, with a decimal exponent q (value
 * M * 10^q) where |q| <= 22. Then M and 10^|q| are both exact doubles and one
 * IEEE multiplication or division rounds correctly. Price files are almost
 * all of this form ("46.52", "4183.02978515625", "369317000").
 * Everything else (more digits, larger exponents, hex, inf, nan, leading
 * blanks) goes to strtod on a NUL-terminated copy, with the same acceptance
 * rules. Requires FLT_EVAL_METHOD == 0 (checked at compile time).
 *
 * Returns 0 when the whole field is one finite number, -1 otherwise (empty,
 * trailing text, leading blank, infinite or overflowing to infinity, NaN).
 */
#ifndef EVS_NUM_H
#define EVS_NUM_H

#include <stddef.h>
#include <stdint.h>

int evs_num_parse(const char *s, const char *end, double *out);

/* 10^0 .. 10^22, each an exact double (5^22 < 2^53). */
extern const double evs_num_pow10[23];

/* For readers that walk a buffer once: read the fast-path number that starts
 * at p ([-]digits[.digits], at most 19 digits, M <= 2^53, at most 22
 * decimals, no exponent) and return the first byte after it; NULL when what
 * starts at p is not such a number (empty, '+', an exponent, too many digits,
 * anything else): the caller then finds the field's end and calls
 * evs_num_parse. The value is the same as evs_num_parse's. Inline: it is the
 * inner loop of the price-file reader. (Reading 8 digits at once with SWAR
 * multiplications, Lemire 2021, measured slower here: the digit counts of a
 * price column repeat, so the loop's exits are predicted.) */
static inline const char *evs_num_scan(const char *p, const char *end, double *out)
{
    int neg = 0;
    if (p < end && *p == '-') {
        neg = 1;
        p++;
    }
    uint64_t m = 0;
    const char *d0 = p;
    while (p < end && (unsigned)(*p - '0') < 10)
        m = m * 10 + (uint64_t)(*p++ - '0');
    long nd = p - d0, q = 0;
    if (p < end && *p == '.') {
        const char *f0 = ++p;
        while (p < end && (unsigned)(*p - '0') < 10)
            m = m * 10 + (uint64_t)(*p++ - '0');
        q = p - f0;
        nd += q;
    }
    /* more than 19 digits may have wrapped m: leave those to evs_num_parse */
    if (nd == 0 || nd > 19 || q > 22 || m > ((uint64_t)1 << 53) || (p < end && (*p == 'e' || *p == 'E')))
        return NULL;
    double v = q ? (double)m / evs_num_pow10[q] : (double)m;
    *out = neg ? -v : v;
    return p;
}

/* evs_num_scan for a reader that knows a '\n' follows p inside its buffer
 * (the scan stops there at the latest, so it needs no bound): the same
 * numbers, the same values, two instructions fewer per digit. */
static inline const char *evs_num_scan_nl(const char *p, double *out)
{
    int neg = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    uint64_t m = 0;
    const char *d0 = p;
    while ((unsigned)(*p - '0') < 10)
        m = m * 10 + (uint64_t)(*p++ - '0');
    long nd = p - d0, q = 0;
    if (*p == '.') {
        const char *f0 = ++p;
        while ((unsigned)(*p - '0') < 10)
            m = m * 10 + (uint64_t)(*p++ - '0');
        q = p - f0;
        nd += q;
    }
    /* q <= nd <= 19: the limit of 22 decimals holds */
    if ((unsigned long)(nd - 1) >= 19 || m > ((uint64_t)1 << 53) || (*p | 0x20) == 'e')
        return NULL;
    double v = q ? (double)m / evs_num_pow10[q] : (double)m;
    *out = neg ? -v : v;
    return p;
}

/* Check without converting: the end of a number that evs_num_parse would
 * accept ([-]digits[.digits], 1 to 19 digits, no exponent: always finite),
 * or NULL (then the caller decides as for evs_num_scan). Same precondition
 * as evs_num_scan_nl. */
static inline const char *evs_num_skip_nl(const char *p)
{
    p += *p == '-';
    const char *d0 = p;
    while ((unsigned)(*p - '0') < 10)
        p++;
    long nd = p - d0;
    if (*p == '.') {
        const char *f0 = ++p;
        while ((unsigned)(*p - '0') < 10)
            p++;
        nd += p - f0;
    }
    if ((unsigned long)(nd - 1) >= 19 || (*p | 0x20) == 'e')
        return NULL;
    return p;
}

/* strtod on the field (the reference): same contract, no fast path. */
int evs_num_parse_slow(const char *s, const char *end, double *out);

#endif
