/*
 * evs_ini.h — an INI reader that keeps line numbers and has no line limit.
 *
 * Used for study files and cache provenance sidecars. Syntax:
 *   ; or # at the start of a line      a comment
 *   [name] or [name argument]          a section (argument: rest of the line)
 *   key = value                        a setting; keys are case-insensitive
 *   value ; comment                    whitespace then ; or # starts a comment
 *   key = "a ; value"                  double quotes keep ; and # (\" and \\)
 * Keys before the first section belong to a section with an empty name.
 * A duplicate key in one section, or a repeated section, is an error that
 * names both lines. Errors read "FILE:LINE: what (the text)".
 */
#ifndef EVS_INI_H
#define EVS_INI_H

#include <stddef.h>

#include "evs_error.h"

typedef struct evs_ini_entry {
    char *key; /* lower-cased */
    char *value;
    int line;
} evs_ini_entry;

typedef struct evs_ini_section {
    char *name; /* lower-cased; "" for keys before any section */
    char *arg;  /* "" when the header has no argument */
    int line;
    evs_ini_entry *entries;
    size_t n, cap;
} evs_ini_section;

typedef struct evs_ini {
    char *path;
    evs_ini_section *sections;
    size_t n, cap;
} evs_ini;

evs_status evs_ini_read(const char *path, evs_ini *ini, evs_err *e);
/* Parse text (len bytes; need not be NUL-terminated); path is for messages. */
evs_status evs_ini_parse(const char *path, const char *text, size_t len, evs_ini *ini, evs_err *e);
void evs_ini_free(evs_ini *ini);

const evs_ini_entry *evs_ini_get(const evs_ini_section *s, const char *key);

#endif
