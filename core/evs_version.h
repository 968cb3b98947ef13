/* evs_version.h — the program version, recorded in run.json and printed by --version. */
#ifndef EVS_VERSION_H
#define EVS_VERSION_H
#define EVS_VERSION "0.1.0"
#endif
