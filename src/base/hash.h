/* hash.h - FNV-1a, 64 bits, over text: a change detector for fingerprints
 * (atlas reruns), not a defence against forgery. Library-internal. */
#ifndef TERROBS_BASE_HASH_H
#define TERROBS_BASE_HASH_H

#include <stdint.h>

#define HASH_FNV_SEED 14695981039346656037ULL

/* Mixes the bytes of s, then a separator (so that "ab","c" differs from
 * "a","bc"), into h. */
uint64_t hash_fnv_text(uint64_t h, const char *s);

#endif
