/* evs_fmt.c — shortest round-trip numbers and CSV fields (see evs_fmt.h). */
#include "evs_fmt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evs_date.h"

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
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, EVS_FMT_DOUBLE_MAX, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
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
