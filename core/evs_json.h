/*
 * evs_json.h — the few JSON writing helpers run.json needs.
 * Strings are escaped per RFC 8259 (quotes, backslash, control characters);
 * bytes >= 0x80 pass through (inputs are UTF-8). NaN is written as null.
 */
#ifndef EVS_JSON_H
#define EVS_JSON_H

#include <stdio.h>

void evs_json_str(FILE *fp, const char *s);
void evs_json_num(FILE *fp, double v);
void evs_json_date(FILE *fp, int days); /* "YYYY-MM-DD", or null for EVS_NO_DATE */

/* Every key = value of an INI file (all sections, in file order) as one flat
 * JSON object of strings: {"key": "value", ...}; run.json's provenance of a
 * price file from its .meta sidecar. */
struct evs_ini;
void evs_json_ini(FILE *fp, const struct evs_ini *ini);

#endif
