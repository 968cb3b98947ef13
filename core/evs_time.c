/*
 * evs_time.c — ISO 8601 instants with offsets (see evs_time.h).
 */
#include "evs_time.h"

#include "evs_date.h"

evs_time_kind evs_time_parse(const char *s, size_t len, int *date, evs_instant *t)
{
    int d;
    if (len < 10 || evs_date_parse(s, 10, &d) != 0)
        return EVS_TIME_BAD;
    if (len == 10) {
        *date = d;
        *t = (evs_instant)d * EVS_SECONDS_PER_DAY;
        return EVS_TIME_DATE;
    }
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
        return EVS_TIME_BAD;
    size_t i = 11;
    int hh, mm, ss = 0;
    if (len < i + 5 || evs_digits(s + i, 2, &hh) || s[i + 2] != ':' || evs_digits(s + i + 3, 2, &mm))
        return EVS_TIME_BAD;
    i += 5;
    if (i < len && s[i] == ':') {
        if (len < i + 3 || evs_digits(s + i + 1, 2, &ss))
            return EVS_TIME_BAD;
        i += 3;
    }
    if (hh > 23 || mm > 59 || ss > 59) /* no leap seconds: data providers never carry them */
        return EVS_TIME_BAD;
    long off = 0;
    if (i == len)
        return EVS_TIME_NO_OFFSET;
    if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len) {
        off = 0;
    } else if (s[i] == '+' || s[i] == '-') {
        int oh, om;
        size_t rest = len - i - 1;
        const char *o = s + i + 1;
        if (rest == 5 && o[2] == ':' && !evs_digits(o, 2, &oh) && !evs_digits(o + 3, 2, &om)) {
        } else if (rest == 4 && !evs_digits(o, 2, &oh) && !evs_digits(o + 2, 2, &om)) {
        } else if (rest == 2 && !evs_digits(o, 2, &oh)) {
            om = 0;
        } else {
            return EVS_TIME_BAD;
        }
        if (oh > 18 || om > 59)
            return EVS_TIME_BAD;
        off = (oh * 3600L + om * 60L) * (s[i] == '-' ? -1 : 1);
    } else {
        return EVS_TIME_BAD;
    }
    evs_instant u = (evs_instant)d * EVS_SECONDS_PER_DAY + hh * 3600LL + mm * 60LL + ss - off;
    int ud = evs_instant_date(u);
    int y, m, dd;
    evs_civil_from_days(ud, &y, &m, &dd);
    if (y < EVS_DATE_MIN_YEAR || y > EVS_DATE_MAX_YEAR)
        return EVS_TIME_BAD;
    *t = u;
    *date = ud;
    return EVS_TIME_INSTANT;
}

int evs_instant_date(evs_instant t)
{
    evs_instant q = t / EVS_SECONDS_PER_DAY;
    if (t % EVS_SECONDS_PER_DAY < 0)
        q--;
    return (int)q;
}

int evs_instant_second_of_day(evs_instant t)
{
    return (int)(t - (evs_instant)evs_instant_date(t) * EVS_SECONDS_PER_DAY);
}

void evs_instant_format(evs_instant t, char out[21])
{
    int d = evs_instant_date(t), sod = evs_instant_second_of_day(t);
    evs_date_format(d, out); /* "YYYY-MM-DD" */
    int f[3] = {sod / 3600, sod / 60 % 60, sod % 60};
    char *p = out + 10;
    for (int i = 0; i < 3; i++) {
        *p++ = i ? ':' : 'T';
        *p++ = (char)('0' + f[i] / 10);
        *p++ = (char)('0' + f[i] % 10);
    }
    *p++ = 'Z';
    *p = '\0';
}
