/* roll.c — futures roll days against the index (see evs_roll.h). */
#include "evs_roll.h"

#include <math.h>
#include <stdlib.h>

#include "evs_date.h"
#include "evs_mem.h"

int evs_third_friday(int y, int m)
{
    int first = evs_days_from_civil(y, m, 1);
    return first + (5 - evs_weekday(first) + 7) % 7 + 14;
}

static int near_expiry(int d)
{
    int y, m, dd;
    evs_civil_from_days(d, &y, &m, &dd);
    for (int k = -1; k <= 1; k++) {
        int mm = m + k, yy = y;
        if (mm < 1) {
            mm += 12;
            yy--;
        } else if (mm > 12) {
            mm -= 12;
            yy++;
        }
        if (mm % 3 != 0)
            continue;
        int f = evs_third_friday(yy, mm);
        if (d >= f - 3 && d <= f + 4)
            return 1;
    }
    return 0;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

size_t evs_roll_detect(const evs_aligned *a, double k, int *dates, size_t cap)
{
    if (a->n < 10)
        return 0;
    double *d = evs_malloc(a->n * sizeof *d), *w = evs_malloc(a->n * sizeof *w);
    size_t found = 0;
    if (d && w) {
        for (size_t i = 0; i < a->n; i++)
            w[i] = d[i] = a->r[i] - a->rm[i];
        double med = median(w, a->n);
        for (size_t i = 0; i < a->n; i++)
            w[i] = fabs(d[i] - med);
        double scale = 1.4826 * median(w, a->n);
        for (size_t i = 0; i < a->n; i++)
            if (scale > 0 && fabs(d[i] - med) > k * scale && near_expiry(a->date[i])) {
                if (found < cap)
                    dates[found] = a->date[i];
                found++;
            }
    }
    evs_free(d);
    evs_free(w);
    return found;
}

void evs_aligned_drop(evs_aligned *a, const int *dates, size_t n)
{
    if (n == 0) /* nothing to drop (every series but a future's): no pass over the rows */
        return;
    size_t j = 0, q = 0;
    for (size_t i = 0; i < a->n; i++) {
        while (q < n && dates[q] < a->date[i])
            q++;
        if (q < n && dates[q] == a->date[i])
            continue;
        a->date[j] = a->date[i];
        a->r[j] = a->r[i];
        a->rm[j] = a->rm[i];
        j++;
    }
    a->n = j;
}
