/*
 * tz.c — which calendar day a Unix time falls on in an exchange's time zone.
 *
 * Yahoo stamps a daily bar with the session's opening instant (09:30 New York
 * = 14:30Z; Tokyo's 09:00 = 00:00Z), and some exchanges with local midnight
 * (15:00Z the day before, for Tokyo). Taking the UTC date is therefore wrong;
 * the date must come from the zone the response names
 * (meta.exchangeTimezoneName), with its daylight-saving history.
 *
 * The system's tz database does the conversion: TZ is set to the zone for
 * the duration of one call and restored afterwards. That touches the process
 * environment, so it is not thread-safe; libevstudy runs fetches on one thread.
 * Zone names are checked first (letters, digits, _ + - /, no "..", no leading
 * '/') and must exist under TZDIR or /usr/share/zoneinfo, because glibc
 * silently falls back to UTC for an unknown name.
 */
#include "fetch_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "evs_date.h"
#include "evs_mem.h"

const char *evs_tz_problem(const char *tz)
{
    size_t n = strlen(tz);
    if (n == 0 || n > 64)
        return "empty or too long";
    if (tz[0] == '/' || strstr(tz, ".."))
        return "not a zone name";
    for (size_t i = 0; i < n; i++) {
        char c = tz[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '+' || c == '-' || c == '/'))
            return "not a zone name";
    }
    const char *dir = getenv("TZDIR");
    if (!dir || !dir[0])
        dir = "/usr/share/zoneinfo";
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, tz);
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return "unknown on this system (is the tzdata package installed?)";
    return NULL;
}

evs_status evs_tz_dates(const char *tz, const long long *epochs, int *days, size_t n, evs_err *e)
{
    const char *why = evs_tz_problem(tz);
    if (why)
        return evs_errf(e, EVS_ERR_DATA, "exchange time zone (%s): %s", tz, why);
    const char *old = getenv("TZ");
    char *saved = NULL;
    if (old && !(saved = evs_strdup(old)))
        return evs_nomem(e);
    if (setenv("TZ", tz, 1) != 0) {
        evs_free(saved);
        return evs_nomem(e);
    }
    tzset();
    evs_status st = EVS_OK;
    for (size_t i = 0; i < n; i++) {
        time_t t = (time_t)epochs[i];
        struct tm tm;
        if (!localtime_r(&t, &tm)) {
            st = evs_errf(e, EVS_ERR_DATA, "time %lld out of range", epochs[i]);
            break;
        }
        days[i] = evs_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    }
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    evs_free(saved);
    return st;
}
