/*
 * test_perf.c — the pieces that make evstudy fast must not change a single
 * bit of its results:
 *   - evs_num_parse (Clinger's fast path) against glibc's strtod on ~2 million
 *     strings: random doubles printed every way, digit strings of every
 *     length, exponents around the fast path's limits, and hand-picked edges;
 *   - the price-file reader's date shortcut against evs_date_parse, day by day;
 *   - evs_rank_avg against an O(n^2) midrank count and a median taken from an
 *     insertion-sorted copy;
 *   - evs_par_for runs each item exactly once for any number of threads;
 *   - the engine (sliced alignment, threads) against the whole-series path
 *     (evs_align on the full series, then evs_firm_compute), bit for bit, on
 *     a panel with missing days, events near both ends of the data, and
 *     --jobs 1, 2 and 3.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evs_align.h"
#include "evs_cache.h"
#include "evs_date.h"
#include "evs_engine.h"
#include "evs_firm.h"
#include "evs_file.h"
#include "evs_ini.h"
#include "evs_mem.h"
#include "evs_num.h"
#include "evs_par.h"
#include "evs_rank.h"
#include "evs_series.h"
#include "evs_study.h"
#include "test_rng.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t xr(void)
{
    return tu_xorshift(&rng);
}

/* The reference: strtod on a NUL-terminated copy, with the reader's rules
 * (whole field, finite, no leading blank). */
static int ref_parse(const char *s, double *v)
{
    if (!*s || strchr(" \t\n\r\v\f", *s))
        return -1;
    char *ep;
    double x = strtod(s, &ep);
    if (*ep || !isfinite(x))
        return -1;
    *v = x;
    return 0;
}

static int failures;
static void check_one(const char *s)
{
    double a = 0, b = 0;
    int ra = evs_num_parse(s, s + strlen(s), &a), rb = ref_parse(s, &b);
    if (ra != rb || (ra == 0 && memcmp(&a, &b, sizeof a) != 0)) {
        if (failures++ < 10)
            print_message("evs_num_parse(\"%s\") = %d %.17g, strtod %d %.17g\n", s, ra, a, rb, b);
    }
    /* the one-pass scanner: when it reads the whole string, it must agree too */
    double c = 0;
    const char *q = evs_num_scan(s, s + strlen(s), &c);
    if (q == s + strlen(s) && (rb != 0 || memcmp(&c, &b, sizeof c) != 0)) {
        if (failures++ < 10)
            print_message("evs_num_scan(\"%s\") = %.17g, strtod %d %.17g\n", s, c, rb, b);
    }
    /* the unbounded scanners, on the string followed by a newline: when they
     * stop at the newline, the value (scan_nl) or the acceptance (skip_nl)
     * must be strtod's */
    char nl[80];
    size_t n = strlen(s);
    if (n + 2 > sizeof nl)
        return;
    memcpy(nl, s, n);
    nl[n] = '\n';
    nl[n + 1] = 0;
    double d = 0;
    q = evs_num_scan_nl(nl, &d);
    if (q == nl + n && (rb != 0 || memcmp(&d, &b, sizeof d) != 0)) {
        if (failures++ < 10)
            print_message("evs_num_scan_nl(\"%s\") = %.17g, strtod %d %.17g\n", s, d, rb, b);
    }
    q = evs_num_skip_nl(nl);
    if (q == nl + n && rb != 0) {
        if (failures++ < 10)
            print_message("evs_num_skip_nl(\"%s\") accepts what strtod refuses\n", s);
    }
}

static void test_num_edges(void **state)
{
    (void)state;
    static const char *edge[] = {
        "0", "-0", "+0", "0.0", "-0.0", "00000000000000000000000000001", "1.", ".5", "-.5", ".", "-", "+", "",
        "1e", "1e+", "1e-", "e5", "1e5", "1E5", "1e+5", "1e-5", "1.5e22", "1e22", "1e23", "1e-22", "1e-23",
        "9007199254740992", "9007199254740993", "9007199254740991", "18014398509481984", "900719925474099.3",
        "123456789012345678", "1234567890123456789", "12345678901234567890", "0.1", "0.2", "0.3",
        "4183.02978515625", "46.52", "369317000", "1.7976931348623157e308", "1.7976931348623159e308", "1e309",
        "-1e309", "4.9406564584124654e-324", "2.2250738585072014e-308", "2.2250738585072011e-308", "1e-400",
        "inf", "-inf", "infinity", "nan", "NaN", "0x1p3", "0x10", "1,5", "1 ", " 1", "\t1", "1\t", "1e5 ",
        "12abc", "--1", "+-1", "1.2.3", "1e5e5", "1e0000000000000000005", "0.000000000000000000000000000001",
        "100000000000000000000000", "1.000000000000000000000000001", "99999999999999999999e-20",
        "0.00000000000000000000001e22", "7.2057594037927933e16", "1e-0", "5e-324", "1e-22x", "2.5e-22",
        "8.98846567431158e307", "9.999999999999999e22", "1.0e22", "10e21", "100e20"};
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
        check_one(edge[i]);
    assert_int_equal(failures, 0);
}

static void test_num_random(void **state)
{
    (void)state;
    char buf[64];
    for (int i = 0; i < 300000; i++) {
        /* random bit patterns (all magnitudes), printed at every precision */
        uint64_t bits = xr();
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        int prec = 1 + (int)(xr() % 17);
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        check_one(buf);
        /* prices as files hold them: fixed decimals, scientific, integers */
        double p = (double)(xr() % 100000000) / 1000.0;
        snprintf(buf, sizeof buf, "%.*f", (int)(xr() % 12), p);
        check_one(buf);
        snprintf(buf, sizeof buf, "%.*e", (int)(xr() % 20), p);
        check_one(buf);
        snprintf(buf, sizeof buf, "%.17g", p);
        check_one(buf);
        /* digit strings of 1..25 digits with a point and an exponent near +-22 */
        int nd = 1 + (int)(xr() % 25), k = 0;
        if (xr() % 2)
            buf[k++] = '-';
        int dot = (int)(xr() % (unsigned)(nd + 1));
        for (int d = 0; d < nd; d++) {
            if (d == dot)
                buf[k++] = '.';
            buf[k++] = (char)('0' + xr() % 10);
        }
        k += snprintf(buf + k, sizeof buf - (size_t)k, "e%d", (int)(xr() % 61) - 30);
        check_one(buf);
    }
    assert_int_equal(failures, 0);
}

/* The reader's shortcut for dates (same "YYYY-MM-" as the row before: only
 * the day is read) against evs_date_parse on every day of 1999-12..2004-03
 * (leap 2000 and 2004, not-leap 2001-2003), and invalid days after valid
 * ones of the same month. */
static void test_series_dates(void **state)
{
    (void)state;
    size_t cap = 2000 * 40, k = 0;
    char *t = malloc(cap);
    k += (size_t)snprintf(t + k, cap - k, "date,close\n");
    int first = evs_days_from_civil(1999, 12, 1), last = evs_days_from_civil(2004, 3, 5), n = 0;
    for (int d = first; d <= last; d++, n++) {
        char ds[11];
        evs_date_format(d, ds);
        k += (size_t)snprintf(t + k, cap - k, "%s,%d.5\n", ds, n + 1);
    }
    evs_series s;
    evs_err e = {0};
    assert_int_equal(evs_series_parse("days.csv", t, k, &s, &e), EVS_OK);
    assert_int_equal(s.n, (size_t)n);
    const char *p = strchr(t, '\n') + 1;
    for (size_t i = 0; i < s.n; i++, p = strchr(p, '\n') + 1) {
        int want;
        assert_int_equal(evs_date_parse(p, 10, &want), 0);
        assert_int_equal(s.date[i], want);
        assert_true(s.close[i] == (double)i + 1.5);
    }
    evs_series_free(&s);
    free(t);
    static const char *bad[] = {"date,close\n2023-02-27,1\n2023-02-28,1\n2023-02-29,1\n",
                                "date,close\n2024-02-28,1\n2024-02-29,1\n2024-02-30,1\n",
                                "date,close\n2023-04-29,1\n2023-04-30,1\n2023-04-31,1\n",
                                "date,close\n2023-04-01,1\n2023-04-02,1\n2023-04-0x,1\n",
                                "date,close\n2023-04-01,1\n2023-04-02,1\n2023-04-0,1\n",
                                "date,close\n2023-04-01,1\n2023-04-02,1\n2023-04-00,1\n",
                                "date,close\n2023-04-01,1\n2023-04-02,1\n2023-04-+3,1\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(evs_series_parse("bad.csv", bad[i], strlen(bad[i]), &s, &e), EVS_ERR_DATA);
        assert_non_null(strstr(e.msg, "bad.csv:4: malformed date"));
    }
}

/* The price-file reader's one-pass path for common rows against a naive
 * reader written here (split lines at '\n' and fields at ',', strtod each
 * field): random files with the columns in any order, empty fields, CRLF,
 * blank lines, numbers of every shape (exponents, 20+ digits, '+', leading
 * zeros), month changes, with and without a final newline. The values must
 * agree bit for bit (NaN for empty), and evs_series_parse_cols must give the
 * same kept columns, NULL for the others, and the same errors. */
static double naive_num(const char *f, size_t n)
{
    if (n == 0)
        return NAN;
    char b[64];
    assert_true(n < sizeof b);
    memcpy(b, f, n);
    b[n] = 0;
    char *ep;
    double v = strtod(b, &ep);
    assert_true(ep == b + n);
    return v;
}

static void gen_num(char *b, size_t cap, int positive)
{
    uint64_t k = xr() % 10;
    double p = (double)(xr() % 100000000) / 1000.0 + 1;
    if (k < 5) /* the common shapes: fixed decimals */
        snprintf(b, cap, "%.*f", (int)(xr() % 9), p);
    else if (k == 5)
        snprintf(b, cap, "%.*e", (int)(xr() % 18), p);
    else if (k == 6)
        snprintf(b, cap, "%.17g", p);
    else if (k == 7) /* more digits than the fast path takes */
        snprintf(b, cap, "%llu.%012llu%012llu", (unsigned long long)(1 + xr() % 9999),
                 (unsigned long long)(xr() % 1000000000000ull), (unsigned long long)(xr() % 1000000000000ull));
    else if (k == 8)
        snprintf(b, cap, "+%.2f", p);
    else
        snprintf(b, cap, "000%.3f", p);
    if (!positive && xr() % 8 == 0) {
        memmove(b + 1, b + (b[0] == '+'), strlen(b) + 1 - (b[0] == '+'));
        b[0] = '-';
    }
}

static void test_series_fast_vs_naive(void **state)
{
    (void)state;
    static const char *names[7] = {"date", "open", "high", "low", "close", "adj_close", "volume"};
    size_t cap = 1 << 20;
    char *t = malloc(cap);
    assert_non_null(t);
    for (int file = 0; file < 300; file++) {
        /* a header: date and close always, the others maybe, shuffled */
        int order[7] = {0, 1, 2, 3, 4, 5, 6}, nc = 0, cols[7];
        for (int i = 6; i > 0; i--) {
            int j = (int)(xr() % (uint64_t)(i + 1)), x = order[i];
            order[i] = order[j];
            order[j] = x;
        }
        for (int i = 0; i < 7; i++)
            if (order[i] == 0 || order[i] == 4 || xr() % 4)
                cols[nc++] = order[i];
        int crlf = xr() % 4 == 0, has_adj = 0, rows = 1 + (int)(xr() % 400);
        for (int i = 0; i < nc; i++)
            if (cols[i] == 5)
                has_adj = (int)(xr() % 2); /* adj_close on every row, else on none */
        size_t k = 0;
        for (int i = 0; i < nc; i++)
            k += (size_t)snprintf(t + k, cap - k, "%s%s", i ? "," : "", names[cols[i]]);
        k += (size_t)snprintf(t + k, cap - k, crlf ? "\r\n" : "\n");
        int d = evs_days_from_civil(1990 + (int)(xr() % 30), 1, 1);
        for (int r = 0; r < rows; r++) {
            if (xr() % 50 == 0)
                k += (size_t)snprintf(t + k, cap - k, crlf ? "\r\n" : "\n"); /* a blank line */
            d += 1 + (int)(xr() % 5);
            for (int i = 0; i < nc; i++) {
                if (i)
                    t[k++] = ',';
                int c = cols[i];
                if (c == 0) {
                    evs_date_format(d, t + k);
                    k += 10;
                } else if (c == 5 ? has_adj : (c == 4 && !has_adj) || xr() % 6) {
                    gen_num(t + k, cap - k, c == 4 || c == 5);
                    k += strlen(t + k);
                }
            }
            if (r < rows - 1 || xr() % 2)
                k += (size_t)snprintf(t + k, cap - k, crlf ? "\r\n" : "\n");
        }
        evs_series s, sc;
        evs_err e = {0};
        evs_status st = evs_series_parse("r.csv", t, k, &s, &e);
        if (st != EVS_OK)
            print_message("%s\n", e.msg);
        assert_int_equal(st, EVS_OK);
        assert_int_equal(evs_series_parse_cols("r.csv", t, k, EVS_COL_VOLUME, &sc, &e), EVS_OK);
        assert_null(sc.open);
        assert_null(sc.high);
        assert_null(sc.low);
        /* the naive reading */
        const char *p = strchr(t, '\n') + 1, *end = t + k;
        size_t r = 0;
        while (p < end) {
            const char *le = memchr(p, '\n', (size_t)(end - p)), *next = le ? le + 1 : end;
            if (!le)
                le = end;
            if (le > p && le[-1] == '\r')
                le--;
            if (le == p) {
                p = next;
                continue;
            }
            assert_true(r < s.n);
            const char *f = p;
            for (int i = 0; i < nc; i++) {
                const char *fe = memchr(f, ',', (size_t)(le - f));
                if (!fe)
                    fe = le;
                double *got[7] = {NULL, s.open, s.high, s.low, s.close, s.adj_close, s.volume};
                double *got_c[7] = {NULL, NULL, NULL, NULL, sc.close, sc.adj_close, sc.volume};
                if (cols[i] == 0) {
                    int want;
                    assert_int_equal(evs_date_parse(f, (size_t)(fe - f), &want), 0);
                    assert_int_equal(s.date[r], want);
                    assert_int_equal(sc.date[r], want);
                } else {
                    double want = naive_num(f, (size_t)(fe - f));
                    double g = got[cols[i]][r];
                    assert_true(isnan(want) ? isnan(g) : memcmp(&g, &want, sizeof g) == 0);
                    if (got_c[cols[i]]) {
                        double gc = got_c[cols[i]][r];
                        assert_true(isnan(want) ? isnan(gc) : memcmp(&gc, &want, sizeof gc) == 0);
                    }
                }
                f = fe + 1;
            }
            r++;
            p = next;
        }
        assert_int_equal(r, s.n);
        assert_int_equal(sc.n, s.n);
        assert_int_equal(sc.uses_adj, s.uses_adj);
        assert_int_equal(s.uses_adj, has_adj);
        /* columns missing from the header are NaN */
        for (int c = 1; c < 7; c++) {
            int in = 0;
            for (int i = 0; i < nc; i++)
                in |= cols[i] == c;
            double *col[7] = {NULL, s.open, s.high, s.low, s.close, s.adj_close, s.volume};
            for (size_t i = 0; !in && i < s.n; i++)
                assert_true(isnan(col[c][i]));
        }
        evs_series_free(&s);
        evs_series_free(&sc);
    }
    free(t);
    /* errors in a column that parse_cols does not keep are still errors, with
     * the same message; and both readers agree on every hostile row */
    static const char *bad[] = {
        "date,open,close\n2024-01-02,1,2\n2024-01-03,1x,2\n",
        "date,open,close\n2024-01-02,1,2\n2024-01-03,1e999,2\n",
        "date,open,close\n2024-01-02,1,2\n2024-01-03,0x10,2\n",
        "date,open,close\n2024-01-02,1,2\n2024-01-03,inf,2\n",
        "date,open,close\n2024-01-02,1,2\n2024-01-03,1,2,3\n",
        "date,open,close\n2024-01-02,1,2\n2024-01-03,1\n",
        "date,open,close\n2024-01-02,1,2\n2024-01-02,1,2\n",
        "date,open,close\n2024-01-02,1,2\n2024-01-03,1,2\r\r\n",
        "date,open,close\n2024-01-02,1,2\n2024-01-03,1,2\rx\n",
        "date,open,close\n2024-01-31,1,2\n2024-01-32,1,2\n",
        "date,open,close\n2024-01-02,1,2\n2024-01-03,1,-2\n",
        "date,open,close\n2024-01-02,1,2\n2024-01-03,,\n",
        "date,open,close\n2024-01-02,1,2\n2024-01-03,1,2\x00\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t n = strlen(bad[i]) + (i == 12 ? 2 : 0); /* the last: a NUL before the last newline */
        evs_series s;
        evs_err e1 = {0}, e2 = {0};
        if (evs_series_parse("b.csv", bad[i], n, &s, &e1) != EVS_ERR_DATA)
            print_message("bad[%zu] accepted\n", i);
        assert_int_equal(evs_series_parse("b.csv", bad[i], n, &s, &e1), EVS_ERR_DATA);
        assert_int_equal(evs_series_parse_cols("b.csv", bad[i], n, EVS_COL_VOLUME, &s, &e2), EVS_ERR_DATA);
        assert_string_equal(e1.msg, e2.msg);
        assert_non_null(strstr(e1.msg, i == 12 ? "b.csv: NUL byte" : "b.csv:3:"));
    }
}

/* evs_read_file sizes its buffer from the file's size: an empty file, a file
 * of exactly one page and one of a page and a byte read whole and
 * NUL-terminated, and a price file of exactly 4096 bytes parses. */
static void test_read_file_sizes(void **state)
{
    (void)state;
    char dir[] = "/tmp/evs-unit-perf-XXXXXX", path[300];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/f.csv", dir);
    static const size_t sizes[] = {0, 1, 4095, 4096, 4097, 65536, 65537, 200000};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        for (size_t j = 0; j < sizes[i]; j++)
            fputc('a' + (int)(j % 26), fp);
        fclose(fp);
        char *buf;
        size_t len;
        evs_err e = {0};
        assert_int_equal(evs_read_file(path, EVS_SERIES_MAX_BYTES, &buf, &len, &e), EVS_OK);
        assert_int_equal(len, sizes[i]);
        for (size_t j = 0; j < len; j++)
            assert_int_equal(buf[j], 'a' + (int)(j % 26));
        assert_int_equal(buf[len], 0);
        evs_free(buf);
        /* the cap still holds when the size is known */
        if (sizes[i] > 1) {
            assert_int_equal(evs_read_file(path, sizes[i] - 1, &buf, &len, &e), EVS_ERR_DATA);
            assert_non_null(strstr(e.msg, "larger than"));
            assert_int_equal(evs_read_file(path, sizes[i], &buf, &len, &e), EVS_OK);
            evs_free(buf);
        }
    }
    /* a price file of exactly one page: header, rows, the last one padded */
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    size_t k = (size_t)fprintf(fp, "date,close\n");
    int d = evs_days_from_civil(2020, 1, 1), rows = 0;
    while (k + 20 <= 4096 - 40) {
        char ds[11];
        evs_date_format(d++, ds);
        k += (size_t)fprintf(fp, "%s,%d.25\n", ds, 100 + rows++);
    }
    char ds[11];
    evs_date_format(d, ds);
    k += (size_t)fprintf(fp, "%s,", ds);
    for (; k < 4096; k++)
        fputc(k == 4095 ? '1' : '0', fp); /* 000...01: the last row's price, no newline */
    fclose(fp);
    evs_series s;
    evs_err e = {0};
    assert_int_equal(evs_series_read(path, &s, &e), EVS_OK);
    assert_int_equal((int)s.n, rows + 1);
    assert_true(s.close[0] == 100.25 && s.close[rows - 1] == 100 + rows - 1 + 0.25 && s.close[rows] == 1);
    evs_series_free(&s);
    /* an empty price file */
    fp = fopen(path, "wb");
    fclose(fp);
    assert_int_equal(evs_series_read(path, &s, &e), EVS_ERR_DATA);
    assert_non_null(strstr(e.msg, "empty file or header"));
    remove(path);
    rmdir(dir);
}

/* The INI reader finds a repeated section through a hash index: on 6,000
 * sections it must report exactly what the pairwise check it replaced did —
 * the first header (in file order) that repeats an earlier one, with that
 * earlier one's line; names compare case-insensitively, arguments exactly. */
static void test_ini_many_sections(void **state)
{
    (void)state;
    enum { NS = 6000 };
    size_t cap = NS * 40 + 200;
    char *t = malloc(cap);
    for (int variant = 0; variant < 3; variant++) {
        size_t k = 0;
        int line = 0;
        for (int i = 0; i < NS; i++) {
            k += (size_t)snprintf(t + k, cap - k, "[event e%d]\nx = %d\n", i, i);
            line += 2;
        }
        int want_line = -1, want_first = -1;
        if (variant == 0) { /* [EVENT e1234] repeats [event e1234] (line 2*1234+1) */
            k += (size_t)snprintf(t + k, cap - k, "[event E1234]\n[EVENT e1234]\n[event e77]\n");
            want_line = line + 2;
            want_first = 2 * 1234 + 1;
        } else if (variant == 1) { /* the argument is case-sensitive: no repeat */
            k += (size_t)snprintf(t + k, cap - k, "[event E5]\n[Event E6]\n[event e5x]\n");
        } else { /* a repeat of the very first section, late */
            k += (size_t)snprintf(t + k, cap - k, "[event  e0]\n");
            want_line = line + 1;
            want_first = 1;
        }
        evs_ini ini;
        evs_err e = {0};
        evs_status st = evs_ini_parse("many.ini", t, k, &ini, &e);
        if (want_line < 0) {
            assert_int_equal(st, EVS_OK);
            assert_int_equal(ini.n, NS + 3);
            evs_ini_free(&ini);
        } else {
            char msg[200];
            snprintf(msg, sizeof msg, "many.ini:%d: section [event %s] repeated (first at line %d)", want_line,
                     variant == 0 ? "e1234" : "e0", want_first);
            assert_int_equal(st, EVS_ERR_USAGE);
            assert_string_equal(e.msg, msg);
        }
    }
    free(t);
}

/* ------------------------------------------------------------------------ */

static void test_rank(void **state)
{
    (void)state;
    for (int rep = 0; rep < 400; rep++) {
        size_t n = rep % 11 == 7 ? 1000 + xr() % 3000 : 1 + xr() % 300; /* and long ones (2 index bytes) */
        double *v = malloc(n * sizeof *v), *r = malloc(n * sizeof *r), *s = malloc(n * sizeof *s);
        evs_ranked *tmp = malloc(n * sizeof *tmp);
        int few = rep % 3 == 0; /* many ties */
        for (size_t i = 0; i < n; i++)
            v[i] = few ? (double)(xr() % 7) - 3 : (double)(int64_t)(xr() % 2000001) / 1000.0 - 1000.0;
        if (few) /* -0 and +0 are equal, as == has it */
            for (size_t i = 0; i < n; i += 2)
                if (v[i] == 0)
                    v[i] = -0.0;
        if (rep % 7 == 3) { /* every magnitude and sign: the radix key must order them all */
            static const double pick[] = {INFINITY, -INFINITY, 1e308, -1e308, 1e-308, -1e-308, 5e-324, -5e-324,
                                          0.0,      -0.0,      1.0,   -1.0,   0.1,    -0.1,   3e10,   -3e10};
            for (size_t i = 0; i < n; i++)
                v[i] = xr() % 3 ? pick[xr() % 16] : ldexp((double)(xr() % 1000) - 500, (int)(xr() % 200) - 100);
        }
        if (rep % 7 == 5) /* values a few units in the last place apart: they differ only in the
                           * low bits that the radix key shares with the index */
            for (size_t i = 0; i < n; i++)
                v[i] = (rep % 2 ? 1.0 : -3.0) + ldexp((double)(xr() % 5000), rep % 2 ? -52 : -51);
        if (rep % 13 == 6) /* one narrow band: every value shares the sort's first three key bytes,
                            * so the whole sample is one long run sorted by its lower bytes, with ties */
            for (size_t i = 0; i < n; i++)
                v[i] = (rep % 2 ? 2.0 : -0.5) * (1.0 + ldexp((double)(xr() % (n / 2 + 1)), -30));
        if (rep % 17 == 4) { /* sample-like: a sum of uniforms, an outlier, and sometimes a
                              * bunch of values inside one bucket of the spread the outliers
                              * set (the address calculation's worst case: its move budget) */
            for (size_t i = 0; i < n; i++)
                v[i] = ((double)(xr() % 10001) + (double)(xr() % 10001) + (double)(xr() % 10001) - 15000.0) * 1e-6;
            v[n / 2] = 0.5;
            if (rep % 2)
                for (size_t i = 0; i < n; i++)
                    v[i] = i % 10 == 0 ? (i % 20 ? 1e3 : -1e3) : 1e-9 * (double)(xr() % 1000);
        }
        if (rep % 5 == 1) /* already sorted, and reversed */
            for (size_t i = 0; i < n; i++)
                v[i] = rep % 10 == 1 ? (double)i : -(double)i;
        double med = NAN, ties = evs_rank_avg(v, n, r, tmp, &med);
        /* midrank: 1 + (values below) + (equal values - 1) / 2 */
        double want_ties = 0;
        for (size_t i = 0; i < n; i++) {
            size_t below = 0, eq = 0;
            for (size_t j = 0; j < n; j++) {
                below += v[j] < v[i];
                eq += v[j] == v[i];
            }
            assert_true(r[i] == 1.0 + (double)below + ((double)eq - 1.0) / 2.0);
            want_ties += ((double)eq * eq * eq - (double)eq) / (double)eq; /* each member adds its group's share */
        }
        assert_true(fabs(ties - want_ties) <= 1e-9 * (1 + want_ties));
        memcpy(s, v, n * sizeof *s);
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && s[j - 1] > s[j]; j--) {
                double t = s[j];
                s[j] = s[j - 1];
                s[j - 1] = t;
            }
        double want = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
        assert_true(med == want || (isnan(med) && isnan(want)));
        /* the order: a permutation, ascending in value */
        uint32_t *ord = malloc(n * sizeof *ord), *hint = malloc(n * sizeof *hint);
        char *seen = calloc(n, 1);
        double *r2 = malloc(n * sizeof *r2), med2 = NAN;
        assert_true(evs_rank_avg_ord(v, n, r2, tmp, &med2, ord) == ties);
        for (size_t k = 0; k < n; k++) {
            assert_true(ord[k] < n && !seen[ord[k]]);
            seen[ord[k]] = 1;
            assert_true(r2[k] == r[k]);
            if (k > 0)
                assert_true(v[ord[k - 1]] <= v[ord[k]]);
        }
        /* ranks from a hint: near the order (a few neighbours swapped), the
         * reverse order, and a shuffle (both beyond the move budget: the fallback) */
        for (int kind = 0; kind < 3; kind++) {
            for (size_t k = 0; k < n; k++)
                hint[k] = kind == 1 ? ord[n - 1 - k] : ord[k];
            for (size_t k = 0; k + 1 < n; k++)
                if (kind == 0 ? xr() % 5 == 0 : kind == 2) {
                    size_t j = kind == 0 ? k + 1 : k + xr() % (n - k);
                    uint32_t t = hint[k];
                    hint[k] = hint[j];
                    hint[j] = t;
                }
            double med3 = NAN;
            assert_true(evs_rank_avg_near(v, n, hint, r2, tmp, &med3) == ties);
            assert_true(med3 == want || (isnan(med3) && isnan(want)));
            for (size_t k = 0; k < n; k++) {
                assert_true(r2[k] == r[k]);
                if (k > 0)
                    assert_true(v[hint[k - 1]] <= v[hint[k]]);
            }
        }
        free(ord);
        free(hint);
        free(seen);
        free(r2);
        free(v);
        free(r);
        free(s);
        free(tmp);
    }
}

/* ------------------------------------------------------------------------ */

static void count_item(void *ctx, size_t i)
{
    __atomic_add_fetch(&((int *)ctx)[i], 1, __ATOMIC_RELAXED);
}

static void test_par(void **state)
{
    (void)state;
    for (int jobs = 0; jobs <= 9; jobs++)
        for (size_t n = 0; n < 40; n += 13) {
            int hit[40] = {0};
            evs_par_for(n, jobs, count_item, hit);
            for (size_t i = 0; i < 40; i++)
                assert_int_equal(hit[i], i < n ? 1 : 0);
        }
    int *big = calloc(100000, sizeof *big);
    evs_par_for(100000, 4, count_item, big);
    for (size_t i = 0; i < 100000; i++)
        assert_int_equal(big[i], 1);
    free(big);
    assert_true(evs_par_cpus() >= 1);
}

/* ------------------------------------------------------------------------ */
/* The engine against the whole-series path                                   */

#define NSEC 12
#define NDAYS 700

static char dir[256];

static void write_panel(void)
{
    snprintf(dir, sizeof dir, "/tmp/evs-test-perf-%d", (int)getpid());
    char p[512];
    snprintf(p, sizeof p, "mkdir -p %s/data/1d", dir);
    assert_int_equal(system(p), 0);
    int d0 = evs_days_from_civil(2010, 1, 4), cal[NDAYS];
    for (int i = 0, d = d0; i < NDAYS; d++)
        if (evs_weekday(d) != 0 && evs_weekday(d) != 6)
            cal[i++] = d;
    double rm[NDAYS];
    for (int t = 0; t < NDAYS; t++)
        rm[t] = 0.02 * ((double)(xr() % 1000000) / 1e6 - 0.5);
    for (int s = 0; s <= NSEC; s++) { /* s == NSEC: the market, missing a few days too */
        char sym[16], *path;
        evs_err e = {0};
        snprintf(sym, sizeof sym, s == NSEC ? "^M" : "X%02d", s);
        snprintf(p, sizeof p, "%s/data", dir);
        assert_int_equal(evs_cache_path(p, "1d", sym, ".csv", &path, &e), EVS_OK);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "date,open,high,low,close,adj_close,volume\n");
        double px = 20 + s;
        for (int t = 0; t < NDAYS; t++) {
            double r = s == NSEC ? rm[t] : 0.8 * rm[t] + 0.03 * ((double)(xr() % 1000000) / 1e6 - 0.5);
            px *= 1 + r;
            int miss = xr() % 100 < (unsigned)(s % 4 == 0 ? 8 : 1); /* some securities miss 8% of days */
            if (t > 0 && t < NDAYS - 1 && miss && (s < NSEC || t > 330)) /* the market: none before day 330, so
                                                                           * the early events' dates are a run of
                                                                           * each security's own (borrowed) */
                continue;
            if (s < NSEC && ((s < 3 && t > NDAYS - 30) || (s >= 3 && s < 6 && t < 150)))
                continue; /* X00-X02 end early, X03-X05 start late */
            if (s == NSEC && t > 350 && t < 630 && t % 2 == 0)
                continue; /* the market misses half its days before the event at 640 (other holidays):
                           * a slice of the security's rows then holds too few common days */
            char d[11];
            evs_date_format(cal[t], d);
            fprintf(f, "%s,,,,%.4f,,\n", d, px);
        }
        fclose(f);
        free(path);
    }
    /* events: every security at day 300, near the start of the data (262, 265), near its end;
     * X00-X02 do not reach the last event, X03-X05 lack estimation data for the early ones */
    snprintf(p, sizeof p, "%s/study.ini", dir);
    FILE *f = fopen(p, "w");
    fprintf(f, "[study]\ndata = data\nmodel = market\nestimation = -255..-6\nwindows = -5..5 0..0 -1..20\n"
               "min_estimation = 100\nmarket = ^M\n");
    int at[] = {300, 262, 265, 640, NDAYS - 25, NDAYS - 45};
    for (size_t k = 0; k < sizeof at / sizeof *at; k++) {
        char d[11];
        evs_date_format(cal[at[k]] + (k == 3), d); /* one event on a Saturday-ish shifted date */
        fprintf(f, "\n[event e%zu]\ntime = %s\nsecurities =", k, d);
        for (int s = 0; s < NSEC; s++)
            fprintf(f, " X%02d", s);
        fprintf(f, "\n");
    }
    fclose(f);
}

static int same_d(const double *a, const double *b, size_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

static void test_engine_sliced_and_threads(void **state)
{
    (void)state;
    write_panel();
    char p[512];
    snprintf(p, sizeof p, "%s/study.ini", dir);
    evs_study s;
    evs_err e = {0};
    if (evs_study_load(p, &s, &e) != EVS_OK)
        fail_msg("%s", e.msg);
    evs_run r1, r2, r3;
    evs_run_opts o1 = {1}, o2 = {2}, o3 = {3};
    if (evs_run_study_opts(&s, &o1, NULL, &r1, &e) != EVS_OK || evs_run_study_opts(&s, &o2, NULL, &r2, &e) != EVS_OK ||
        evs_run_study_opts(&s, &o3, NULL, &r3, &e) != EVS_OK)
        fail_msg("%s", e.msg);
    const evs_datafile *md = evs_run_data(&r1, "^M");
    assert_non_null(md);
    size_t nok = 0, nexcl = 0, nborrowed = 0, ncopied = 0, nimplied = 0;
    for (size_t k = 0; k < r1.nev; k++) {
        const evs_event_def *ev = r1.ev[k].def;
        for (size_t i = 0; i < r1.ev[k].nfirm; i++) {
            const evs_firm *f = &r1.ev[k].firm[i];
            /* the whole-series path, as the engine did before slicing */
            evs_aligned a;
            evs_firm g;
            memset(&g, 0, sizeof g);
            assert_int_equal(evs_align(&evs_run_data(&r1, f->symbol)->s, &md->s, ev->p.returns, &a, &e), EVS_OK);
            assert_int_equal(evs_firm_compute(&g, &a, &ev->p, ev->date, &e), EVS_OK);
            evs_aligned_free(&a);
            assert_int_equal(f->ok, g.ok);
            assert_string_equal(f->reason, g.reason);
            assert_int_equal(f->day0_date, g.day0_date);
            assert_int_equal(f->est_first_date, g.est_first_date);
            assert_int_equal(f->est_last_date, g.est_last_date);
            assert_true(memcmp(&f->fit, &g.fit, sizeof f->fit) == 0 || (!f->ok && !g.ok));
            if (f->ok) {
                nok++;
                assert_int_equal(f->n_est, g.n_est);
                assert_true(same_d(f->est_ar, g.est_ar, f->n_est));
                assert_true(same_d(f->sp_ar, g.sp_ar, f->n_span));
                assert_true(same_d(f->sp_var, g.sp_var, f->n_span));
                assert_true(same_d(f->car, g.car, f->nw));
                assert_true(same_d(f->var_car, g.var_car, f->nw));
                assert_true(same_d(f->bhar, g.bhar, f->nw));
                assert_true(memcmp(f->rank_est, g.rank_est, f->n_est * sizeof *f->rank_est) == 0);
                assert_true(f->median_ar == g.median_ar);
                /* the estimation days: the same offsets and dates, whether implied
                 * (consecutive offsets), borrowed from the security's own date
                 * column (the engine) or copied (evs_firm_compute: no date_src) */
                const evs_series *ss = &evs_run_data(&r1, f->symbol)->s;
                for (size_t t = 0; t < f->n_est; t++) {
                    assert_int_equal(evs_firm_est_off(f, t), evs_firm_est_off(&g, t));
                    assert_int_equal(f->est_date[t], g.est_date[t]);
                }
                int own = f->est_date >= ss->date && f->est_date < ss->date + ss->n;
                nborrowed += own;
                ncopied += !own;
                nimplied += f->est_off == NULL;
                assert_true(own || f->n_est == 0 || evs_date_lower(ss->date, ss->n, f->est_date[0]) + f->n_est > ss->n ||
                            memcmp(ss->date + evs_date_lower(ss->date, ss->n, f->est_date[0]), f->est_date,
                                   f->n_est * sizeof *f->est_date) != 0); /* copied only when not a run of it */
                assert_true(g.est_date < ss->date || g.est_date >= ss->date + ss->n);
            } else {
                nexcl++;
            }
            evs_firm_free(&g);
            /* threads: every firm-event identical */
            for (int t = 0; t < 2; t++) {
                const evs_firm *h = &(t ? &r3 : &r2)->ev[k].firm[i];
                assert_int_equal(f->ok, h->ok);
                assert_string_equal(f->reason, h->reason);
                if (f->ok) {
                    assert_true(same_d(f->sp_ar, h->sp_ar, f->n_span));
                    assert_true(same_d(f->scar, h->scar, f->nw));
                }
            }
        }
        /* and every test row */
        for (int t = 0; t < 2; t++) {
            const evs_event_result *x = &r1.ev[k], *y = &(t ? &r3 : &r2)->ev[k];
            assert_int_equal(x->nok, y->nok);
            assert_true(memcmp(&x->rbar, &y->rbar, sizeof x->rbar) == 0);
            assert_true(memcmp(x->tests, y->tests, ev->p.nwindows * sizeof *x->tests) == 0);
            assert_true(same_d(x->caar, y->caar, x->nspan));
        }
    }
    assert_true(nok >= 3 * NSEC); /* the middle events are analysed */
    assert_true(nexcl >= 6);      /* X00-X02 do not reach the two last events */
    /* both ways of keeping the estimation dates were taken (see the market's
     * missing days), and consecutive offsets were implied, not stored */
    assert_true(nborrowed > 0 && ncopied > 0 && nimplied > 0);
    assert_int_equal(r1.npooled, r2.npooled);
    assert_true(memcmp(r1.pooled, r2.pooled, r1.npooled * sizeof *r1.pooled) == 0);
    assert_true(memcmp(r1.pooled, r3.pooled, r1.npooled * sizeof *r1.pooled) == 0);
    assert_int_equal(r1.nwarnings, r2.nwarnings);
    for (size_t i = 0; i < r1.nwarnings; i++)
        assert_string_equal(r1.warnings[i], r2.warnings[i]);
    evs_run_free(&r1);
    evs_run_free(&r2);
    evs_run_free(&r3);
    evs_study_free(&s);
    snprintf(p, sizeof p, "rm -rf %s", dir);
    assert_int_equal(system(p), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num_edges),
        cmocka_unit_test(test_num_random),
        cmocka_unit_test(test_series_dates),
        cmocka_unit_test(test_series_fast_vs_naive),
        cmocka_unit_test(test_read_file_sizes),
        cmocka_unit_test(test_ini_many_sections),
        cmocka_unit_test(test_rank),
        cmocka_unit_test(test_par),
        cmocka_unit_test(test_engine_sliced_and_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
