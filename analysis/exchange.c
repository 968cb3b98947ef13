/* exchange.c — the exchange table and session times (see evs_exchange.h). */
#include "evs_exchange.h"

#include <string.h>

static const evs_exchange table[] = {
    {"XNYS", "New York Stock Exchange", "America/New_York", 9 * 60 + 30, 16 * 60, 0},
    {"XNAS", "Nasdaq", "America/New_York", 9 * 60 + 30, 16 * 60, 0},
    {"XTKS", "Tokyo Stock Exchange", "Asia/Tokyo", 9 * 60, 15 * 60 + 30, 0},
    {"XAMS", "Euronext Amsterdam", "Europe/Amsterdam", 9 * 60, 17 * 60 + 30, 0},
    {"XETR", "Xetra (Frankfurt)", "Europe/Berlin", 9 * 60, 17 * 60 + 30, 0},
    {"XKRX", "Korea Exchange (Seoul)", "Asia/Seoul", 9 * 60, 15 * 60 + 30, 0},
    {"XTAI", "Taiwan Stock Exchange (Taipei)", "Asia/Taipei", 9 * 60, 13 * 60 + 30, 0},
    {"XHKG", "Hong Kong Exchanges", "Asia/Hong_Kong", 9 * 60 + 30, 16 * 60, 0},
    {"XCME", "CME Globex (equity-index futures)", "America/Chicago", 17 * 60, 16 * 60, 1},
};

size_t evs_exchange_count(void)
{
    return sizeof table / sizeof *table;
}

const evs_exchange *evs_exchange_at(size_t i)
{
    return i < evs_exchange_count() ? &table[i] : NULL;
}

const evs_exchange *evs_exchange_find(const char *mic)
{
    for (size_t i = 0; i < evs_exchange_count(); i++)
        if (strcmp(table[i].mic, mic) == 0)
            return &table[i];
    return NULL;
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n > m && strcmp(s + n - m, suf) == 0;
}

const evs_exchange *evs_exchange_for_symbol(const char *s)
{
    static const struct {
        const char *suffix, *mic;
    } suf[] = {{".T", "XTKS"}, {".KS", "XKRX"}, {".KQ", "XKRX"}, {".TW", "XTAI"}, {".HK", "XHKG"},
               {".AS", "XAMS"}, {".DE", "XETR"}, {"=F", "XCME"}};
    for (size_t i = 0; i < sizeof suf / sizeof *suf; i++)
        if (ends_with(s, suf[i].suffix))
            return evs_exchange_find(suf[i].mic);
    if (strcmp(s, "^N225") == 0)
        return evs_exchange_find("XTKS");
    if (strcmp(s, "^IXIC") == 0 || strcmp(s, "^NDX") == 0 || strcmp(s, "^SOX") == 0)
        return evs_exchange_find("XNAS");
    return evs_exchange_find("XNYS");
}

void evs_session_utc(const evs_exchange *x, const evs_tz *tz, int date, evs_instant *open, evs_instant *close)
{
    int od = date;
    if (x->evening_open)
        od = date - 1; /* the evening before: Sunday for a Monday, else the previous weekday */
    *open = evs_tz_utc(tz, od, x->open * 60L);
    *close = evs_tz_utc(tz, date, x->close * 60L);
}
