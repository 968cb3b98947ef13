/*
 * evs_sha256.h — SHA-256 (FIPS 180-4), for the study-file hash in run.json.
 * Written from the standard; checked in tests against its published vectors.
 */
#ifndef EVS_SHA256_H
#define EVS_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct evs_sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t nbuf;
} evs_sha256;

void evs_sha256_init(evs_sha256 *c);
void evs_sha256_update(evs_sha256 *c, const void *data, size_t n);
void evs_sha256_final(evs_sha256 *c, unsigned char out[32]);
/* Hex digest of a buffer into out (65 bytes). */
void evs_sha256_hex(const void *data, size_t n, char out[65]);

#endif
