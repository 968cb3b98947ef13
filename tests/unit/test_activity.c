/*
 * test_activity.c — abnormal volume and volatility (evs_activity.h) on the
 * bundled sample, recomputed here from the formulas: the volume column read
 * back from the sample's CSV files with sscanf, the log-volume mean model,
 * the crude-dependence and standardized cross-sectional tests, Beaver's U
 * aggregated as a chi-square and cross-sectionally; p-values from
 * gsl_sf_beta_inc / gsl_sf_gamma_inc_Q rather than the gsl_cdf calls of the code.
 */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_sf_gamma.h>

#include "evs_activity.h"
#include "evs_date.h"
#include "evs_engine.h"

static void close_rel(double got, double want, double tol, const char *what)
{
    double scale = fabs(want) > 1e-300 ? fabs(want) : 1.0;
    if (!(fabs(got - want) <= tol * scale))
        fail_msg("%s: got %.17g, want %.17g (rel err %.3g)", what, got, want, fabs(got - want) / scale);
}

/* for differences of two numbers near 20 (log volumes): an absolute tolerance */
static void close_abs(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.17g, want %.17g (abs err %.3g)", what, got, want, fabs(got - want));
}

static double p_t(double t, double df)
{
    return gsl_sf_beta_inc(df / 2.0, 0.5, df / (df + t * t));
}

/* volume of symbol's file on date d, read naively; NaN when absent */
static double naive_volume(const char *root, const char *sym, int d)
{
    char path[4096], line[512], want[11];
    char enc[64] = ""; /* the cache name: bytes outside A-Z a-z 0-9 . _ - as %XX (ES=F -> ES%3DF) */
    for (const char *c = sym; *c && strlen(enc) < 50; c++)
        snprintf(enc + strlen(enc), sizeof enc - strlen(enc),
                 (isalnum((unsigned char)*c) || strchr("._-", *c)) ? "%c" : "%%%02X", (unsigned char)*c);
    snprintf(path, sizeof path, "%s/samples/deepseek-2025/data/1d/%s.csv", root, enc);
    evs_date_format(d, want);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NAN;
    double v = NAN;
    while (fgets(line, sizeof line, fp))
        if (strncmp(line, want, 10) == 0) {
            char *p = line;
            for (int k = 0; k < 6 && p; k++)
                p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
            v = p ? strtod(p, NULL) : NAN;
            break;
        }
    fclose(fp);
    return v;
}

/* evs_cda_sd_one against evs_cda_sd on the per-offset sums it stands for
 * (one value per offset, with empty offsets between): the same bits. */
static void test_cda_sd_one(void **state)
{
    (void)state;
    uint64_t z = 12345;
    for (size_t n = 0; n < 300; n += 1 + n / 7) {
        double x[300], sum[1200] = {0};
        size_t cnt[1200] = {0}, o = 0;
        for (size_t t = 0; t < n; t++) {
            z = z * 6364136223846793005ull + 1442695040888963407ull;
            x[t] = ((double)(z >> 11) / 9007199254740992.0 - 0.5) * (t % 5 ? 1.0 : 1e-3);
            if (t % 9 == 4)
                x[t] = t % 2 ? 0.0 : -0.0;
            o += 1 + (z >> 60) % 3; /* gaps between offsets */
            sum[o] += x[t];
            cnt[o]++;
        }
        size_t T1, T2;
        double a = evs_cda_sd(sum, cnt, o + 1, &T1), b = evs_cda_sd_one(x, n, &T2);
        assert_int_equal(T1, n);
        assert_int_equal(T2, n);
        assert_true(memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b)));
        assert_true(n < 2 ? isnan(b) : b > 0);
    }
}

static void test_on_sample(void **state)
{
    (void)state;
    const char *root = getenv("EVS_TEST_ROOT");
    root = root ? root : ".";
    char path[4096];
    snprintf(path, sizeof path, "%s/samples/deepseek-2025/study.ini", root);
    evs_study s;
    evs_err e = {0};
    assert_int_equal(evs_study_load(path, &s, &e), EVS_OK);
    evs_run r;
    assert_int_equal(evs_run_study(&s, NULL, &r, &e), EVS_OK);
    for (size_t k = 0; k < r.nev; k++) {
        const evs_event_result *er = &r.ev[k];
        size_t N = er->nfirm;
        /* naive volume measures per firm */
        double s2[16], L1[16];
        double *av_est[16], av_span[16][16];
        for (size_t i = 0; i < N; i++) {
            const evs_firm *f = &er->firm[i];
            assert_true(f->ok && er->vol[i].ok);
            av_est[i] = malloc(f->n_est * sizeof(double));
            double m = 0, ss = 0;
            for (size_t t = 0; t < f->n_est; t++)
                m += log(1 + naive_volume(root, f->symbol, f->est_date[t])) / (double)f->n_est;
            for (size_t t = 0; t < f->n_est; t++) {
                av_est[i][t] = log(1 + naive_volume(root, f->symbol, f->est_date[t])) - m;
                ss += av_est[i][t] * av_est[i][t];
            }
            L1[i] = (double)f->n_est;
            s2[i] = ss / (L1[i] - 1);
            close_rel(er->vol[i].mean, m, 1e-12, "mean log volume");
            close_rel(er->vol[i].s2, s2[i], 1e-10, "variance of log volume");
            for (size_t t = 0; t < f->n_span; t++) {
                av_span[i][t] = log(1 + naive_volume(root, f->symbol, f->sp_date[t])) - m;
                close_abs(er->vol[i].av[t], av_span[i][t], 1e-11, "abnormal log volume");
                close_abs(er->vol[i].sav[t], av_span[i][t] / sqrt(s2[i] * (1 + 1 / L1[i])), 1e-10, "SAV");
            }
        }
        for (size_t w = 0; w < er->def->p.nwindows; w++) {
            evs_window win = er->def->p.windows[w];
            double L2 = win.last - win.first + 1, dN = (double)N;
            /* volume-bmp */
            double cav[16], sc[16], mc = 0, ms = 0, vs = 0;
            for (size_t i = 0; i < N; i++) {
                cav[i] = 0;
                for (int o = win.first; o <= win.last; o++)
                    cav[i] += av_span[i][o - er->firm[i].span_first];
                sc[i] = cav[i] / sqrt(s2[i] * (L2 + L2 * L2 / L1[i]));
                mc += cav[i] / dN;
                ms += sc[i] / dN;
            }
            for (size_t i = 0; i < N; i++)
                vs += (sc[i] - ms) * (sc[i] - ms) / (dN - 1);
            const evs_test_row *a = er->act[w];
            double tb = ms / sqrt(vs / dN);
            close_rel(a[EVS_A_VOLUME_BMP].estimate, mc, 1e-10, "mean CAV");
            close_rel(a[EVS_A_VOLUME_BMP].statistic, tb, 1e-9, "volume-bmp");
            close_rel(a[EVS_A_VOLUME_BMP].p_value, p_t(tb, dN - 1), 1e-8, "volume-bmp p");
            /* volume-cda: every firm has the same estimation dates here (one event, common calendar) */
            size_t T = er->firm[0].n_est;
            double aav_m = 0, aav_ss = 0, *aav = malloc(T * sizeof *aav);
            for (size_t t = 0; t < T; t++) {
                aav[t] = 0;
                for (size_t i = 0; i < N; i++)
                    aav[t] += av_est[i][t] / dN;
                aav_m += aav[t] / (double)T;
            }
            for (size_t t = 0; t < T; t++)
                aav_ss += (aav[t] - aav_m) * (aav[t] - aav_m);
            double S = sqrt(aav_ss / (double)(T - 1)), num = 0;
            for (int o = win.first; o <= win.last; o++)
                for (size_t i = 0; i < N; i++)
                    num += av_span[i][o - er->firm[i].span_first] / dN;
            double tc = num / (sqrt(L2) * S);
            close_rel(a[EVS_A_VOLUME_CDA].statistic, tc, 1e-9, "volume-cda");
            close_rel(a[EVS_A_VOLUME_CDA].df, (double)T - 1, 0, "volume-cda df");
            close_rel(a[EVS_A_VOLUME_CDA].p_value, p_t(tc, (double)T - 1), 1e-8, "volume-cda p");
            free(aav);
            /* volatility */
            double chi = 0, u = 0, x[16], mx = 0, vx = 0;
            for (size_t i = 0; i < N; i++) {
                const evs_firm *f = &er->firm[i];
                double d = f->fit.dof, q = 0;
                for (int o = win.first; o <= win.last; o++)
                    q += pow(f->sp_ar[o - f->span_first], 2) / f->sp_var[o - f->span_first];
                chi += q * (d - 2) / d;
                u += q;
                x[i] = q / L2 - d / (d - 2);
                mx += x[i] / dN;
            }
            for (size_t i = 0; i < N; i++)
                vx += (x[i] - mx) * (x[i] - mx) / (dN - 1);
            double df = dN * L2, pu = gsl_sf_gamma_inc_Q(df / 2, chi / 2), pc = 2 * (pu < 0.5 ? pu : 1 - pu);
            close_rel(a[EVS_A_VOLATILITY_CHISQ].estimate, u / df, 1e-10, "mean SAR^2");
            close_rel(a[EVS_A_VOLATILITY_CHISQ].statistic, chi, 1e-10, "chi-square");
            close_rel(a[EVS_A_VOLATILITY_CHISQ].df, df, 0, "chi-square df");
            close_rel(a[EVS_A_VOLATILITY_CHISQ].p_value, pc > 1 ? 1 : pc, 1e-7, "chi-square p");
            double tv = mx / sqrt(vx / dN);
            close_rel(a[EVS_A_VOLATILITY_CS].statistic, tv, 1e-9, "volatility-cs");
            close_rel(a[EVS_A_VOLATILITY_CS].p_value, p_t(tv, dN - 1), 1e-8, "volatility-cs p");
            /* each firm alone (a one-security sample): volume-cda's yardstick is the
             * sd of its own abnormal log volumes over the estimation days */
            for (size_t i = 0; i < N; i++) {
                const evs_firm *f = &er->firm[i];
                evs_volume vi;
                assert_int_equal(evs_volume_compute(f, &evs_run_data(&r, f->symbol)->s, &vi, &e), EVS_OK);
                const evs_firm *fp[1] = {f};
                const evs_volume *vp[1] = {&vi};
                evs_test_row one[EVS_NACT];
                assert_int_equal(evs_activity_run(fp, vp, 1, win, one, &e), EVS_OK);
                double m1 = 0, ss1 = 0, num1 = 0;
                for (size_t t = 0; t < f->n_est; t++)
                    m1 += av_est[i][t] / L1[i];
                for (size_t t = 0; t < f->n_est; t++)
                    ss1 += (av_est[i][t] - m1) * (av_est[i][t] - m1);
                for (int o = win.first; o <= win.last; o++)
                    num1 += av_span[i][o - f->span_first];
                double t1 = num1 / (sqrt(L2) * sqrt(ss1 / (L1[i] - 1)));
                close_rel(one[EVS_A_VOLUME_CDA].statistic, t1, 1e-9, "volume-cda, one firm");
                close_rel(one[EVS_A_VOLUME_CDA].df, L1[i] - 1, 0, "volume-cda df, one firm");
                evs_volume_free(&vi);
            }
        }
        for (size_t i = 0; i < N; i++)
            free(av_est[i]);
    }
    /* the selloff: volume and volatility rose on day 0 */
    assert_true(r.ev[0].act[0][EVS_A_VOLUME_BMP].estimate > 0.5);
    assert_true(r.ev[0].act[0][EVS_A_VOLATILITY_CHISQ].p_value < 1e-6);
    evs_run_free(&r);
    evs_study_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cda_sd_one),
        cmocka_unit_test(test_on_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
