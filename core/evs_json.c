/* evs_json.c — JSON string/number writers (see evs_json.h). */
#include "evs_json.h"

#include <math.h>

#include "evs_date.h"
#include "evs_fmt.h"
#include "evs_ini.h"

void evs_json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        case '\t': fputs("\\t", fp); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(fp, "\\u%04x", *p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

void evs_json_num(FILE *fp, double v)
{
    if (!isfinite(v)) {
        fputs("null", fp);
        return;
    }
    char b[EVS_FMT_DOUBLE_MAX];
    fputs(evs_fmt_double(v, b), fp);
}

void evs_json_date(FILE *fp, int days)
{
    if (days == EVS_NO_DATE) {
        fputs("null", fp);
        return;
    }
    char b[11];
    evs_date_format(days, b);
    fprintf(fp, "\"%s\"", b);
}

void evs_json_ini(FILE *fp, const evs_ini *ini)
{
    size_t shown = 0;
    fputc('{', fp);
    for (size_t j = 0; j < ini->n; j++)
        for (size_t q = 0; q < ini->sections[j].n; q++) {
            const evs_ini_entry *en = &ini->sections[j].entries[q];
            fputs(shown++ ? ", " : "", fp);
            evs_json_str(fp, en->key);
            fputs(": ", fp);
            evs_json_str(fp, en->value);
        }
    fputc('}', fp);
}
