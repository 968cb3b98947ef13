/*
 * test_rng.h — the unit tests' deterministic pseudo-random numbers:
 * Marsaglia's xorshift64 (J. Stat. Softw. 8(14), 2003, the (13, 7, 17)
 * triple). Each test keeps its own state (any non-zero seed), so a test's
 * sequence does not depend on which other tests ran.
 */
#ifndef TEST_RNG_H
#define TEST_RNG_H

#include <stdint.h>

/* the next 64-bit word of the sequence in *s */
static inline uint64_t tu_xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* a uniform double in [0, 1) from the top 53 bits of the next word */
static inline double tu_unif(uint64_t *s)
{
    return (double)(tu_xorshift(s) >> 11) / 9007199254740992.0;
}

#endif
