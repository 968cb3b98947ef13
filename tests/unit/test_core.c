/*
 * test_core.c — the shared basics in core/: dates, number formatting,
 * SHA-256, cache file names, the price-file reader, the CSV reader and
 * atomic writes.
 *
 * Expected values are independent of the code under test: a day-by-day walk
 * of the Gregorian calendar (anchored at 1800-01-01 = day -62091, worked out
 * by hand below), FIPS 180-4's published SHA-256 vectors, strtod for
 * round trips, and texts whose records and line numbers are counted by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evs_cache.h"
#include "evs_csv.h"
#include "evs_date.h"
#include "evs_file.h"
#include "evs_fmt.h"
#include "evs_mem.h"
#include "evs_series.h"
#include "evs_sha256.h"
#include "evs_time.h"
#include "test_rng.h"
#include <time.h>

/* ------------------------------------------------------------------------ */
/* Dates                                                                      */

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* 1800-01-01 .. 1970-01-01 is 170 years with 41 leap days (1804..1968 has 42
 * multiples of 4, 1900 is not a leap year): 170 * 365 + 41 = 62091 days.
 * 1800-01-01 was a Wednesday (3). */
static void test_dates_walk(void **state)
{
    (void)state;
    int n = -62091, y = 1800, m = 1, d = 1, wd = 3, bad = 0;
    for (;;) {
        char want[48], got[11];
        snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
        int p = 0x7fffffff, yy = 0, mm = 0, dd = 0;
        evs_civil_from_days(n, &yy, &mm, &dd);
        evs_date_format(n, got);
        if (evs_days_from_civil(y, m, d) != n || yy != y || mm != m || dd != d || strcmp(got, want) != 0 ||
            evs_date_parse(want, 10, &p) != 0 || p != n || evs_weekday(n) != wd) {
            if (bad++ < 5)
                print_error("date %s (day %d): from_civil %d, to_civil %d-%d-%d, format %s, parse %d, weekday %d/%d\n",
                            want, n, evs_days_from_civil(y, m, d), yy, mm, dd, got, p, evs_weekday(n), wd);
        }
        if (y == 2199 && m == 12 && d == 31)
            break;
        n++;
        wd = (wd + 1) % 7;
        if (++d > mdays(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    assert_int_equal(bad, 0);
    assert_int_equal(n, 84005); /* 2200-01-01 is 230 * 365 + 56 leap days = 84006 */
    /* fixed points */
    assert_int_equal(evs_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(evs_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(evs_weekday(evs_days_from_civil(2025, 1, 27)), 1); /* a Monday */
}

/* evs_date_lower against a linear scan: empty, repeated and missing dates,
 * every probe from before the first to after the last. */
static void test_date_lower(void **state)
{
    (void)state;
    static const int d[] = {3, 5, 5, 5, 9, 10, 20};
    for (size_t n = 0; n <= sizeof d / sizeof *d; n++)
        for (int x = 0; x <= 22; x++) {
            size_t want = 0;
            while (want < n && d[want] < x)
                want++;
            assert_int_equal(evs_date_lower(d, n, x), want);
        }
    /* the ends of int: no overflow in the interpolation */
    static const int ext[] = {INT_MIN, INT_MIN + 1, -5, 0, 7, INT_MAX - 1, INT_MAX};
    static const int qs[] = {INT_MIN, INT_MIN + 1, INT_MIN + 2, -6, -5, 0, 1, 8, INT_MAX - 1, INT_MAX};
    for (size_t n = 0; n <= sizeof ext / sizeof *ext; n++)
        for (size_t q = 0; q < sizeof qs / sizeof *qs; q++) {
            size_t want = 0;
            while (want < n && ext[want] < qs[q])
                want++;
            assert_int_equal(evs_date_lower(ext, n, qs[q]), want);
        }
    /* long columns: trading days with holes, runs of one date, a jump of years,
     * queries before, inside and after, against a linear scan */
    unsigned long long r = 99;
    for (int rep = 0; rep < 200; rep++) {
        size_t n = 1 + (size_t)(rep * 37 % 3000);
        int *v = malloc(n * sizeof *v), day = 10000 + rep;
        assert_non_null(v);
        for (size_t i = 0; i < n; i++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            day += rep % 5 == 0 ? (int)(r % 3) /* repeats */ : 1 + (int)(r % 4);
            if (rep % 7 == 1 && i == n / 3)
                day += 5000; /* a gap of years: the guess lands far off */
            v[i] = day;
        }
        for (int q = 0; q < 300; q++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            int x = v[0] - 5 + (int)(r % (unsigned long long)(v[n - 1] - v[0] + 11));
            size_t want = 0;
            while (want < n && v[want] < x)
                want++;
            assert_int_equal(evs_date_lower(v, n, x), want);
        }
        free(v);
    }
}

static void test_dates_invalid(void **state)
{
    (void)state;
    static const char *bad[] = {"2023-02-29", "2024-13-01", "0000-01-01", "9999-12-31", "2024-1-01",
                                "1900-02-29", "2100-02-29", "2024-02-30", "2024-04-31", "2024-00-10",
                                "2024-01-00", "2024-01-32", "1799-12-31", "2200-01-01", "2024/01/01",
                                " 2024-01-01", "2024-01-01 ", "2024-01-1x", "+024-01-01", "2024-01-01T00:00:00Z",
                                "", "20240101"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int out = 12345;
        if (evs_date_parse(bad[i], strlen(bad[i]), &out) != -1)
            print_error("accepted '%s'\n", bad[i]);
        assert_int_equal(evs_date_parse(bad[i], strlen(bad[i]), &out), -1);
        assert_int_equal(out, 12345);
    }
    /* len is honoured: a valid prefix of a longer buffer is accepted only with len 10 */
    int out;
    assert_int_equal(evs_date_parse("2024-02-29xyz", 10, &out), 0);
    assert_int_equal(out, 19782); /* 54 years (13 leap days 1972..2020) + 59 days: 54*365+13+31+28 */
    assert_int_equal(evs_date_parse("2024-02-29xyz", 13, &out), -1);
    assert_int_equal(evs_date_parse("2000-02-29", 10, &out), 0);
}

/* ------------------------------------------------------------------------ */
/* Shortest round-trip numbers                                                */

static int sig_digits(const char *s)
{
    int n = 0, started = 0;
    for (; *s && *s != 'e' && *s != 'E'; s++)
        if (*s >= '0' && *s <= '9') {
            if (*s != '0')
                started = 1;
            if (started)
                n++;
        }
    return n;
}

static void check_fmt(double v)
{
    char out[EVS_FMT_DOUBLE_MAX];
    evs_fmt_double(v, out);
    double back = strtod(out, NULL);
    if (back != v)
        print_error("%.17g written as '%s' reads back as %.17g\n", v, out, back);
    assert_true(back == v);
    /* shortest: with one significant digit fewer the value does not round-trip
     * (checked where more than 15 digits were used; below that %g drops
     * trailing zeros, so fewer digits are already shortest) */
    int nd = sig_digits(out);
    assert_true(nd <= 17);
    if (nd > 15) {
        char shorter[400];
        snprintf(shorter, sizeof shorter, "%.*g", nd - 1, v);
        if (strtod(shorter, NULL) == v)
            print_error("%.17g written as '%s' but '%s' reads back too\n", v, out, shorter);
        assert_true(strtod(shorter, NULL) != v);
    }
    assert_null(strchr(out, ','));
}

/* The reference for evs_fmt_double, computed the slow, obvious way: printf's
 * correctly rounded %.15g, %.16g, %.17g, the first that strtod reads back. */
static void fmt_ref(double v, char *out, size_t n)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, n, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

static uint64_t fmt_rng = 0x9E3779B97F4A7C15ull;
static uint64_t fmt_next(void)
{
    return tu_xorshift(&fmt_rng);
}

/* evs_fmt_double (an exact integer path for 1e-6 <= |v| < 2^52, printf
 * otherwise) writes byte for byte what the reference writes, on the values
 * results hold: returns, prices, p-values, ratios, integers, values next to
 * powers of ten and of two and on rounding ties, and random bit patterns. */
static void test_fmt_matches_printf(void **state)
{
    (void)state;
    char got[EVS_FMT_DOUBLE_MAX], want[64];
    size_t nfail = 0;
    for (int i = 0; i < 400000; i++) {
        uint64_t u = fmt_next();
        double v;
        switch (i % 8) {
        case 0: /* a daily return */
            v = ((double)(u >> 11) / 9007199254740992.0 - 0.5) * 0.2;
            break;
        case 1: /* a price with 2 to 6 decimals */
            v = (double)(u % 100000000) / (double)(uint64_t[]){100, 1000, 10000, 100000, 1000000}[(u >> 40) % 5];
            break;
        case 2: /* a p-value or a small variance: 10^U(-7, 0) */
            v = pow(10.0, -7.0 * (double)(u >> 11) / 9007199254740992.0);
            break;
        case 3: /* a neighbour of a power of ten or of two */
            v = nextafter((u & 1) ? pow(10.0, (double)((int)(u >> 8) % 22 - 7)) : ldexp(1.0, (int)(u >> 8) % 70 - 20),
                          (u & 2) ? INFINITY : 0.0);
            if (u & 4)
                v = (u & 1) ? pow(10.0, (double)((int)(u >> 8) % 22 - 7)) : ldexp(1.0, (int)(u >> 8) % 70 - 20);
            break;
        case 4: /* short binary fractions: decimal ties at some digit */
            v = ldexp((double)(u % 100000), -(int)((u >> 20) % 40));
            break;
        case 5: /* integers and large values */
            v = (double)(u >> ((u >> 58) % 58 + 6)); /* a shift of 6..63: 64 and more is undefined (UBSan) */
            break;
        case 6: /* random bits, every exponent */
            memcpy(&v, &u, sizeof v);
            break;
        default: /* ratios of small integers (t statistics, means) */
            v = (double)(int64_t)(u % 20001 - 10000) / (double)(1 + (u >> 32) % 997);
            break;
        }
        if (!isfinite(v) || v == 0)
            continue;
        if (u & ((uint64_t)1 << 63))
            v = -v;
        evs_fmt_double(v, got);
        fmt_ref(v, want, sizeof want);
        if (strcmp(got, want) != 0 && nfail++ < 10)
            print_error("%.17g: wrote '%s', printf and strtod give '%s'\n", v, got, want);
    }
    assert_int_equal(nfail, 0);
}

static void test_fmt(void **state)
{
    (void)state;
    char out[EVS_FMT_DOUBLE_MAX];
    assert_string_equal(evs_fmt_double(NAN, out), "");
    assert_string_equal(evs_fmt_double(0.0, out), "0");
    assert_string_equal(evs_fmt_double(-0.0, out), "0");
    assert_string_equal(evs_fmt_double(0.1, out), "0.1");
    assert_string_equal(evs_fmt_double(-2.5, out), "-2.5");
    assert_string_equal(evs_fmt_double(100, out), "100");
    assert_string_equal(evs_fmt_double(0.1 + 0.2, out), "0.30000000000000004");
    assert_string_equal(evs_fmt_double(1.0 / 3.0, out), "0.3333333333333333");
    static const double fixed[] = {1e-300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 123456789012345678.0,
                                   -0.16969569485345675, 2.697001221253774, 1e21, 1e-7, 4594.6298828125, 0.5};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        check_fmt(fixed[i]);
    /* many doubles from random bit patterns (finite ones) */
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 200000; i++) {
        tu_xorshift(&x);
        double v;
        memcpy(&v, &x, sizeof v);
        if (isfinite(v))
            check_fmt(v);
        double w = (double)(x >> 11) / 9007199254740992.0 - 0.5; /* return-sized numbers */
        check_fmt(w * 0.2);
    }
}

static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    fn(fp, arg);
    fclose(fp);
    return buf;
}

static void put_str(FILE *fp, const void *s)
{
    evs_csv_str(fp, s);
}
static void put_date(FILE *fp, const void *d)
{
    evs_csv_date(fp, *(const int *)d);
}
static void put_num(FILE *fp, const void *d)
{
    evs_csv_num(fp, *(const double *)d);
}

static void test_csv_fields(void **state)
{
    (void)state;
    static const char *in[][2] = {{"plain", "plain"},
                                  {"a,b", "\"a,b\""},
                                  {"say \"hi\"", "\"say \"\"hi\"\"\""},
                                  {"two\nlines", "\"two\nlines\""},
                                  {"cr\r", "\"cr\r\""},
                                  {"", ""}};
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        char *s = capture(put_str, in[i][0]);
        assert_string_equal(s, in[i][1]);
        free(s);
    }
    int nd = EVS_NO_DATE, d = 20115; /* 2025-01-27: 55 years, 14 leap days, + 26 */
    char *s = capture(put_date, &nd);
    assert_string_equal(s, "");
    free(s);
    s = capture(put_date, &d);
    assert_string_equal(s, "2025-01-27");
    free(s);
    double nan = NAN, v = -0.125;
    s = capture(put_num, &nan);
    assert_string_equal(s, "");
    free(s);
    s = capture(put_num, &v);
    assert_string_equal(s, "-0.125");
    free(s);
}

/* ------------------------------------------------------------------------ */
/* SHA-256: FIPS 180-4 / NIST example vectors                                 */

static void hex(const unsigned char *d, char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_sha256(void **state)
{
    (void)state;
    static const char *msgs[][2] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    for (size_t i = 0; i < sizeof msgs / sizeof *msgs; i++) {
        char h[65];
        evs_sha256_hex(msgs[i][0], strlen(msgs[i][0]), h);
        assert_string_equal(h, msgs[i][1]);
    }
    /* one million 'a', one shot and in uneven pieces (crossing block edges) */
    static const char *million = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    size_t n = 1000000;
    char *a = malloc(n);
    memset(a, 'a', n);
    char h[65];
    evs_sha256_hex(a, n, h);
    assert_string_equal(h, million);
    static const size_t steps[] = {1, 3, 55, 56, 63, 64, 65, 127, 1000};
    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
        evs_sha256 c;
        unsigned char d[32];
        evs_sha256_init(&c);
        for (size_t off = 0; off < n;) {
            size_t m = steps[k] < n - off ? steps[k] : n - off;
            evs_sha256_update(&c, a + off, m);
            off += m;
        }
        evs_sha256_final(&c, d);
        hex(d, h);
        assert_string_equal(h, million);
    }
    free(a);
}

/* ------------------------------------------------------------------------ */
/* Cache file names                                                           */

static void test_symbols(void **state)
{
    (void)state;
    static const char *pairs[][2] = {{"^GSPC", "%5EGSPC"},   {"NQ=F", "NQ%3DF"},      {"9984.T", "9984.T"},
                                     {"BRK-B", "BRK-B"},     {"a_b", "a_b"},
                                     {"\xc3\xa9t\xc3\xa9", "%C3%A9t%C3%A9"},        {"%", "%25"},
                                     {"!#$&'()*+:;<=>?@[]`{|}~", "%21%23%24%26%27%28%29%2A%2B%3A%3B%3C%3D%3E%3F%40%5B%5D%60%7B%7C%7D%7E"}};
    evs_err e;
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        char enc[3 * EVS_SYMBOL_MAX + 1], dec[EVS_SYMBOL_MAX + 1];
        assert_int_equal(evs_symbol_encode(pairs[i][0], enc, sizeof enc, &e), EVS_OK);
        assert_string_equal(enc, pairs[i][1]);
        assert_int_equal(evs_symbol_decode(enc, dec, sizeof dec, &e), EVS_OK);
        assert_string_equal(dec, pairs[i][0]);
    }
    /* every byte that may appear, round trip */
    char sym[EVS_SYMBOL_MAX + 1];
    for (int c = 0x21; c < 0x100; c++) {
        if (c == '/' || c == '\\' || c == 0x7f)
            continue;
        snprintf(sym, sizeof sym, "X%cY", c);
        char enc[3 * EVS_SYMBOL_MAX + 1], dec[EVS_SYMBOL_MAX + 1];
        assert_int_equal(evs_symbol_encode(sym, enc, sizeof enc, &e), EVS_OK);
        for (const char *p = enc; *p; p++) /* only the safe alphabet and % */
            assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-%", *p));
        assert_int_equal(evs_symbol_decode(enc, dec, sizeof dec, &e), EVS_OK);
        assert_string_equal(dec, sym);
    }
    /* 64 bytes accepted, 65 rejected */
    memset(sym, 'A', 64);
    sym[64] = 0;
    assert_null(evs_symbol_problem(sym));
    char big[66];
    memset(big, 'A', 65);
    big[65] = 0;
    static const char *rejected[] = {"../x", "a/b", "..", "a..b", "a\\b", "a\x01" "b", "a\x1f", "a\x7f", "a b",
                                     "a\tb", "a\nb", ""};
    for (size_t i = 0; i < sizeof rejected / sizeof *rejected; i++) {
        char enc[3 * EVS_SYMBOL_MAX + 1];
        assert_non_null(evs_symbol_problem(rejected[i]));
        assert_int_not_equal(evs_symbol_encode(rejected[i], enc, sizeof enc, &e), EVS_OK);
    }
    assert_non_null(evs_symbol_problem(big));
    char enc[3 * EVS_SYMBOL_MAX + 1], dec[EVS_SYMBOL_MAX + 1];
    assert_int_not_equal(evs_symbol_encode(big, enc, sizeof enc, &e), EVS_OK);
    /* cache names that do not decode to an acceptable symbol */
    static const char *bad_names[] = {"%5", "%ZZ", "a%", "a/b", "%2F", "%2E%2E", "a%2Fb", "%01", "a b", "^GSPC"};
    for (size_t i = 0; i < sizeof bad_names / sizeof *bad_names; i++) {
        if (evs_symbol_decode(bad_names[i], dec, sizeof dec, &e) == EVS_OK)
            print_error("decoded '%s' to '%s'\n", bad_names[i], dec);
        assert_int_not_equal(evs_symbol_decode(bad_names[i], dec, sizeof dec, &e), EVS_OK);
    }
    /* paths */
    char *path = NULL;
    assert_int_equal(evs_cache_path("data", "1d", "^GSPC", ".csv", &path, &e), EVS_OK);
    assert_string_equal(path, "data/1d/%5EGSPC.csv");
    evs_free(path);
    assert_int_equal(evs_cache_path("/x/y/", "5m", "NQ=F", ".meta", &path, &e), EVS_OK);
    assert_string_equal(path, "/x/y/5m/NQ%3DF.meta");
    evs_free(path);
    assert_int_not_equal(evs_cache_path("data", "2d", "NVDA", ".csv", &path, &e), EVS_OK);
    assert_null(path);
    assert_int_not_equal(evs_cache_path("data", "1d", "../etc/passwd", ".csv", &path, &e), EVS_OK);
    assert_null(path);
}

/* A NUL escape would make a cache name decode to a shorter symbol than the
 * file names (a%00b -> "a"), breaking the one-to-one mapping. */
static void test_symbol_decode_nul(void **state)
{
    (void)state;
    char dec[EVS_SYMBOL_MAX + 1];
    evs_err e;
    evs_status st = evs_symbol_decode("a%00b", dec, sizeof dec, &e);
    if (st == EVS_OK)
        print_error("'a%%00b' decoded to '%s' (%zu bytes)\n", dec, strlen(dec));
    assert_int_not_equal(st, EVS_OK);
}

/* ------------------------------------------------------------------------ */
/* Price files                                                                */

#define HDR "date,open,high,low,close,adj_close,volume\n"

static void expect_series_error(const char *text, const char *where, const char *what, const char *value)
{
    evs_series s;
    evs_err e;
    memset(&e, 0, sizeof e);
    evs_status st = evs_series_parse("px.csv", text, strlen(text), &s, &e);
    if (st == EVS_OK || !strstr(e.msg, where) || !strstr(e.msg, what) || (value && !strstr(e.msg, value)))
        print_error("status %d, message '%s'; expected '%s' ... '%s' ... '%s'\n", st, e.msg, where, what,
                    value ? value : "");
    assert_int_equal(st, EVS_ERR_DATA);
    assert_true(strncmp(e.msg, where, strlen(where)) == 0);
    assert_non_null(strstr(e.msg, what));
    if (value)
        assert_non_null(strstr(e.msg, value));
}

static void test_series_errors(void **state)
{
    (void)state;
    expect_series_error(HDR "2024-01-02,1,1,1,10,,5\n2024-01-04,1,1,1,11,,5\n2024-01-03,1,1,1,12,,5\n", "px.csv:4:",
                        "out-of-order", "2024-01-03");
    expect_series_error(HDR "2024-01-02,1,1,1,10,,5\n2024-01-02,1,1,1,11,,5\n", "px.csv:3:", "duplicate", "2024-01-02");
    expect_series_error(HDR "2024-01-02,1,1,1,10,,5\n2024-01-03,1,1,1,0,,5\n", "px.csv:3:", "zero", "2024-01-03");
    expect_series_error(HDR "2024-01-02,1,1,1,-3.5,,5\n", "px.csv:2:", "negative", "-3.5");
    expect_series_error(HDR "2024-01-02,1,1,1,10,,5\n\n2024-01-03,1,1,1,,,5\n", "px.csv:4:", "empty", "2024-01-03");
    expect_series_error(HDR "2024-01-02,1,1,1,10,,5\n2024-01-03,1,1,1,12.3.4,,5\n", "px.csv:3:", "malformed number",
                        "12.3.4");
    expect_series_error(HDR "2024-01-02,1,1,1,1e,,5\n", "px.csv:2:", "malformed number", "1e");
    expect_series_error(HDR "2024-01-02,x,1,1,10,,5\n", "px.csv:2:", "malformed number", "(x)");
    expect_series_error(HDR "2024-01-02,1,1,1,nan,,5\n", "px.csv:2:", "malformed number", "nan");
    expect_series_error(HDR "2024-01-02,1,1,1,inf,,5\n", "px.csv:2:", "malformed number", "inf");
    expect_series_error("date,open,foo,close\n2024-01-02,1,2,3\n", "px.csv:1:", "unknown column", "(foo)");
    expect_series_error("date,open\n2024-01-02,1\n", "px.csv:1:", "close", NULL);
    expect_series_error(HDR "2024-02-30,1,1,1,10,,5\n", "px.csv:2:", "malformed date", "2024-02-30");
    expect_series_error(HDR "2024-01-02,1,1,1,10,,5\n2024-01-03,1,1,1,10,,5,9\n", "px.csv:3:", "fields", NULL);
    expect_series_error(HDR "2024-01-02,1,1,1,10,,5\n2024-01-03,1,1,1,10\n", "px.csv:3:", "fields", NULL);
    /* adj_close in some rows only: the file uses adj_close, the row without it is an empty price */
    expect_series_error(HDR "2024-01-02,1,1,1,10,9,5\n2024-01-03,1,1,1,11,,5\n", "px.csv:3:", "empty", "adj_close");
    expect_series_error(HDR "2024-01-02,1,1,1,10,-9,5\n", "px.csv:2:", "negative", "-9");
    expect_series_error(HDR, "px.csv", "no data rows", NULL);
}

static void test_series_ok(void **state)
{
    (void)state;
    evs_series s;
    evs_err e;
    /* close only (adj_close column empty); CRLF; a blank line; optional fields empty */
    const char *t1 = HDR "2024-01-02,1.5,2,1,10.25,,100\r\n\r\n2024-01-03,,,,11,,\r\n2024-01-05,1,1,1,12.5,,7\r\n";
    assert_int_equal(evs_series_parse("a.csv", t1, strlen(t1), &s, &e), EVS_OK);
    assert_int_equal((int)s.n, 3);
    assert_int_equal(s.uses_adj, 0);
    assert_int_equal(s.date[0], 19724); /* 2024-01-02: 54*365 + 13 + 1 */
    assert_int_equal(s.date[2], 19727);
    assert_true(s.price[0] == 10.25 && s.price[1] == 11 && s.price[2] == 12.5);
    assert_true(s.open[0] == 1.5 && isnan(s.open[1]) && isnan(s.volume[1]) && s.volume[2] == 7);
    assert_true(isnan(s.adj_close[0]));
    assert_int_equal(evs_series_find(&s, 19727), 2);
    assert_int_equal(evs_series_find(&s, 19726), -1);
    evs_series_free(&s);
    /* adj_close on every row: it is the price, close is kept as is */
    const char *t2 = "close,date,adj_close\n10,2024-01-02,5\n12,2024-01-03,6.5";
    assert_int_equal(evs_series_parse("b.csv", t2, strlen(t2), &s, &e), EVS_OK);
    assert_int_equal((int)s.n, 2);
    assert_int_equal(s.uses_adj, 1);
    assert_true(s.price[0] == 5 && s.price[1] == 6.5 && s.close[1] == 12);
    evs_series_free(&s);
    /* from a file: the error names the path and the line */
    char dir[] = "/tmp/evs-unit-core-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/X.csv", dir);
    FILE *fp = fopen(path, "wb");
    fputs(HDR "2024-01-02,1,1,1,10,,5\n2024-01-03,1,1,1,abc,,5\n", fp);
    fclose(fp);
    memset(&e, 0, sizeof e);
    assert_int_equal(evs_series_read(path, &s, &e), EVS_ERR_DATA);
    char want[300];
    snprintf(want, sizeof want, "%s:3: malformed number", path);
    assert_non_null(strstr(e.msg, want));
    assert_non_null(strstr(e.msg, "(abc)"));
    remove(path);
    assert_int_equal(evs_series_read(path, &s, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, path));
    rmdir(dir);
}

/* ------------------------------------------------------------------------ */
/* The general CSV reader                                                      */

/* RFC 4180 ends records with CRLF; a quoted last field must not keep the CR. */
/* evs_series_keep_price gives back the unused price column: the price, the
 * dates and the other columns keep the values a full read gives, for a file
 * that uses adj_close (close goes) and one that does not (adj_close goes,
 * close's values move into its place), with and without open/high/low. */
static void test_series_keep_price(void **state)
{
    (void)state;
    const char *texts[2] = {HDR "2024-01-02,1,2,1,10,9.5,100\n2024-01-03,1,2,1,11,10.5,\n2024-01-04,1,3,1,12,11.25,7\n",
                            HDR "2024-01-02,1,2,1,10,,100\n2024-01-03,1,2,1,11,,\n2024-01-04,1,3,1,12.5,,7\n"};
    const unsigned cols[2] = {EVS_COL_VOLUME, EVS_COL_ALL};
    for (int t = 0; t < 2; t++)
        for (int c = 0; c < 2; c++) {
            evs_series full, s;
            evs_err e;
            size_t len = strlen(texts[t]);
            assert_int_equal(evs_series_parse("k.csv", texts[t], len, &full, &e), EVS_OK);
            assert_int_equal(evs_series_parse_cols("k.csv", texts[t], len, cols[c], &s, &e), EVS_OK);
            evs_series_keep_price(&s);
            assert_int_equal((int)s.n, 3);
            assert_int_equal(s.uses_adj, t == 0);
            assert_null(t == 0 ? (void *)s.close : (void *)s.adj_close);
            assert_ptr_equal(s.price, t == 0 ? s.adj_close : s.close);
            for (size_t r = 0; r < 3; r++) {
                assert_int_equal(s.date[r], full.date[r]);
                assert_true(s.price[r] == (t == 0 ? full.adj_close[r] : full.close[r]));
                assert_true(s.volume[r] == full.volume[r] || (isnan(s.volume[r]) && isnan(full.volume[r])));
                if (cols[c] == EVS_COL_ALL)
                    assert_true(s.open[r] == full.open[r] && s.high[r] == full.high[r] && s.low[r] == full.low[r]);
            }
            evs_series_keep_price(&s); /* a second call changes nothing */
            assert_true(s.price[2] == (t == 0 ? 11.25 : 12.5));
            evs_series_free(&s);
            evs_series_free(&full);
        }
}

static void test_csv_crlf_after_quote(void **state)
{
    (void)state;
    const char *t = "a,\"b\"\r\nc,\"d,e\"\r\n";
    evs_csv c;
    evs_err e;
    char f1[16] = "", f2[16] = "";
    int r1, r2, r3 = -2, nf = 0, line2 = 0;
    evs_csv_init(&c, "q.csv", t, strlen(t));
    if ((r1 = evs_csv_next(&c, &e)) == 1) {
        nf = (int)c.nfields;
        snprintf(f1, sizeof f1, "%s", nf > 1 ? c.fields[1] : "");
    }
    if ((r2 = evs_csv_next(&c, &e)) == 1) {
        line2 = c.line;
        snprintf(f2, sizeof f2, "%s", c.nfields > 1 ? c.fields[1] : "");
        r3 = evs_csv_next(&c, &e);
    }
    evs_csv_free(&c); /* before any assertion, so a failure leaks nothing */
    if (strcmp(f1, "b") != 0)
        print_error("field 'b' read as %zu bytes (a trailing CR kept?)\n", strlen(f1));
    assert_int_equal(r1, 1);
    assert_int_equal(nf, 2);
    assert_string_equal(f1, "b");
    assert_int_equal(r2, 1);
    assert_int_equal(line2, 2);
    assert_string_equal(f2, "d,e");
    assert_int_equal(r3, 0);
}

static void test_csv_reader(void **state)
{
    (void)state;
    const char *t = "a,b,c\r\n"
                    "1,\"x,y\",\"he said \"\"hi\"\"\"\n"
                    "\r\n"
                    "2,\"multi\nline\",z\n"
                    "3,,\n"
                    "\"\",\"q\r\nq\",end";
    evs_csv c;
    evs_err e;
    evs_csv_init(&c, "in.csv", t, strlen(t));
    assert_int_equal(evs_csv_next(&c, &e), 1);
    assert_int_equal(c.line, 1);
    assert_int_equal((int)c.nfields, 3);
    assert_string_equal(c.fields[2], "c");
    assert_int_equal(evs_csv_col(&c, "b"), 1);
    assert_int_equal(evs_csv_col(&c, "d"), -1);
    assert_int_equal(evs_csv_next(&c, &e), 1);
    assert_int_equal(c.line, 2);
    assert_int_equal((int)c.nfields, 3);
    assert_string_equal(c.fields[0], "1");
    assert_string_equal(c.fields[1], "x,y");
    assert_string_equal(c.fields[2], "he said \"hi\"");
    assert_int_equal((int)c.lens[2], 12);
    assert_int_equal(evs_csv_next(&c, &e), 1);
    assert_int_equal(c.line, 4);
    assert_string_equal(c.fields[1], "multi\nline");
    assert_string_equal(c.fields[2], "z");
    assert_int_equal(evs_csv_next(&c, &e), 1);
    assert_int_equal(c.line, 6);
    assert_int_equal((int)c.nfields, 3);
    assert_string_equal(c.fields[1], "");
    assert_string_equal(c.fields[2], "");
    assert_int_equal(evs_csv_next(&c, &e), 1);
    assert_int_equal(c.line, 7);
    assert_int_equal((int)c.nfields, 3);
    assert_string_equal(c.fields[0], "");
    assert_string_equal(c.fields[1], "q\r\nq");
    assert_string_equal(c.fields[2], "end");
    assert_int_equal(evs_csv_next(&c, &e), 0);
    evs_csv_free(&c);

    static const char *bad[][2] = {{"a,b\n1,\"open\n2,3\n", "in.csv:2:"},
                                   {"a,b\nx,y\n1,a\"b\n", "in.csv:3:"},
                                   {"a,b\n\n\"q\"x,1\n", "in.csv:3:"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        evs_csv_init(&c, "in.csv", bad[i][0], strlen(bad[i][0]));
        int rc;
        memset(&e, 0, sizeof e);
        while ((rc = evs_csv_next(&c, &e)) == 1)
            ;
        if (rc != -1 || strncmp(e.msg, bad[i][1], strlen(bad[i][1])) != 0)
            print_error("case %zu: rc %d, message '%s', expected '%s'\n", i, rc, e.msg, bad[i][1]);
        assert_int_equal(rc, -1);
        assert_true(strncmp(e.msg, bad[i][1], strlen(bad[i][1])) == 0);
        evs_csv_free(&c);
    }
}

/* ------------------------------------------------------------------------ */
/* Atomic writes                                                              */

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static char *read_all(const char *path)
{
    char *b = NULL;
    size_t n;
    evs_err e;
    if (evs_read_file(path, 1 << 20, &b, &n, &e) != EVS_OK)
        return NULL;
    return b;
}

static void test_atomic_write(void **state)
{
    (void)state;
    char dir[] = "/tmp/evs-unit-afile-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/result.csv", dir);
    evs_afile f;
    evs_err e;
    assert_int_equal(evs_afile_open(&f, path, &e), EVS_OK);
    fputs("old,good\n", f.fp);
    assert_int_equal(evs_afile_commit(&f, &e), EVS_OK);
    assert_int_equal(count_entries(dir), 1);

    /* a write in progress (as when the process is interrupted): the old file stands */
    assert_int_equal(evs_afile_open(&f, path, &e), EVS_OK);
    for (int i = 0; i < 10000; i++)
        fputs("new,half-written\n", f.fp);
    fflush(f.fp);
    char *b = read_all(path);
    assert_non_null(b);
    assert_string_equal(b, "old,good\n");
    evs_free(b);
    assert_int_equal(count_entries(dir), 2); /* the temporary file sits beside it */
    /* aborted: the temporary file is gone, the old file unchanged */
    evs_afile_abort(&f);
    evs_afile_abort(&f); /* safe twice */
    assert_int_equal(count_entries(dir), 1);
    b = read_all(path);
    assert_string_equal(b, "old,good\n");
    evs_free(b);

    /* committed: replaced whole, nothing left over */
    assert_int_equal(evs_afile_open(&f, path, &e), EVS_OK);
    fputs("new,complete\n", f.fp);
    assert_int_equal(evs_afile_commit(&f, &e), EVS_OK);
    assert_int_equal(count_entries(dir), 1);
    b = read_all(path);
    assert_string_equal(b, "new,complete\n");
    evs_free(b);

    /* a target in a missing directory: an I/O error naming it */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/no/such/dir/x.csv", dir);
    memset(&e, 0, sizeof e);
    assert_int_equal(evs_afile_open(&f, bad, &e), EVS_ERR_IO);
    assert_non_null(strstr(e.msg, bad));
    /* reading a missing file */
    char *buf;
    size_t n;
    assert_int_equal(evs_read_file(bad, 100, &buf, &n, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "cannot open"));
    remove(path);
    assert_int_equal(rmdir(dir), 0);
}

/* evs_file.h: "Files larger than max_bytes are refused." */
static void test_read_file_cap(void **state)
{
    (void)state;
    char dir[] = "/tmp/evs-unit-cap-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/f.txt", dir);
    FILE *fp = fopen(path, "wb");
    fputs("0123456789", fp); /* 10 bytes */
    fclose(fp);
    char *buf = NULL;
    size_t n = 0;
    evs_err e;
    assert_int_equal(evs_read_file(path, 10, &buf, &n, &e), EVS_OK); /* exactly the cap */
    assert_int_equal((int)n, 10);
    evs_free(buf);
    buf = NULL;
    evs_status small = evs_read_file(path, 4, &buf, &n, &e);
    if (small == EVS_OK) {
        print_error("a 10-byte file was read with max_bytes = 4\n");
        evs_free(buf);
        buf = NULL;
    }
    /* a file of exactly 65536 bytes with max_bytes = 65536 is not larger than the cap */
    fp = fopen(path, "wb");
    for (int i = 0; i < 65536; i++)
        fputc('x', fp);
    fclose(fp);
    evs_status exact = evs_read_file(path, 65536, &buf, &n, &e);
    if (exact != EVS_OK)
        print_error("a 65536-byte file was refused with max_bytes = 65536: %s\n", e.msg);
    else
        evs_free(buf);
    remove(path);
    rmdir(dir);
    assert_int_equal(small, EVS_ERR_DATA);
    assert_int_equal(exact, EVS_OK);
}

/* Instants against glibc's timegm(), an independent conversion. */
static long long utc_of(int y, int mo, int d, int h, int mi, int s, long off)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (long long)timegm(&tm) - off;
}

static void test_instants(void **state)
{
    (void)state;
    struct {
        const char *s;
        long long want;
    } ok[] = {
        {"2025-01-26T23:00:00Z", utc_of(2025, 1, 26, 23, 0, 0, 0)},
        {"2025-01-27T08:00:00+09:00", utc_of(2025, 1, 27, 8, 0, 0, 9 * 3600)},
        {"2025-01-27T08:00+0900", utc_of(2025, 1, 27, 8, 0, 0, 9 * 3600)},
        {"2025-03-09T01:59:59-05:00", utc_of(2025, 3, 9, 1, 59, 59, -5 * 3600)},
        {"2024-12-31T23:30:00-01:00", utc_of(2024, 12, 31, 23, 30, 0, -3600)},
        {"1800-01-01T05:00:00+05", utc_of(1800, 1, 1, 5, 0, 0, 5 * 3600)},
        {"2025-01-27T00:00:00-00:30", utc_of(2025, 1, 27, 0, 0, 0, -1800)},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int d = -1;
        evs_instant t = 0;
        assert_int_equal(evs_time_parse(ok[i].s, strlen(ok[i].s), &d, &t), EVS_TIME_INSTANT);
        assert_true(t == ok[i].want);
        assert_int_equal(d, evs_instant_date(t));
        char back[21], want[21];
        evs_instant_format(t, back);
        time_t tt = (time_t)ok[i].want;
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
        assert_string_equal(back, want);
    }
    int d;
    evs_instant t;
    assert_int_equal(evs_time_parse("2025-01-27", 10, &d, &t), EVS_TIME_DATE);
    assert_int_equal(d, evs_days_from_civil(2025, 1, 27));
    assert_int_equal(evs_time_parse("2025-01-27T08:00", 16, &d, &t), EVS_TIME_NO_OFFSET);
    const char *bad[] = {"2025-01-27T24:00Z", "2025-01-27T08:60Z", "2025-01-27T08:00:00.5Z", "2025-01-27T08Z",
                         "2025-01-27X08:00Z", "2025-01-27T08:00+19:00", "2025-01-27T08:00+9", "2025-02-30T08:00Z",
                         "1800-01-01T00:00:00+01:00", "2199-12-31T23:00:00-02:00", "2025-01-27T08:00Zjunk", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(evs_time_parse(bad[i], strlen(bad[i]), &d, &t), EVS_TIME_BAD);
    /* negative instants (before 1970) floor to the right day */
    assert_int_equal(evs_instant_date(-1), -1);
    assert_int_equal(evs_instant_second_of_day(-1), 86399);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates_walk),   cmocka_unit_test(test_dates_invalid),
        cmocka_unit_test(test_date_lower),
        cmocka_unit_test(test_fmt),
        cmocka_unit_test(test_fmt_matches_printf),
        cmocka_unit_test(test_csv_fields),
        cmocka_unit_test(test_sha256),       cmocka_unit_test(test_symbols),
        cmocka_unit_test(test_symbol_decode_nul), cmocka_unit_test(test_series_errors),
        cmocka_unit_test(test_series_ok),    cmocka_unit_test(test_series_keep_price),
        cmocka_unit_test(test_csv_reader),
        cmocka_unit_test(test_csv_crlf_after_quote),
        cmocka_unit_test(test_atomic_write), cmocka_unit_test(test_read_file_cap),
        cmocka_unit_test(test_instants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
