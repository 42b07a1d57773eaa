/* hash.h - FNV-1a, 64 bits, over text and bytes: a change detector for
 * fingerprints (atlas reruns), not a defence against forgery. Library-internal.
 */
#ifndef TERROBS_BASE_HASH_H
#define TERROBS_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_SEED 14695981039346656037ULL

/* Mixes the bytes of s, then a separator (so that "ab","c" differs from
 * "a","bc"), into h. */
uint64_t hash_fnv_text(uint64_t h, const char *s);

/* Mixes len bytes of data into h (no separator). */
uint64_t hash_fnv_bytes(uint64_t h, const void *data, size_t len);

/* Mixes the decimal digits of v, then a separator, into h. */
uint64_t hash_number(uint64_t h, long long v);

/* Mixes a file's size and modification time (a mark if it is absent)
 * into h: a change detector for files that are rewritten, not read. */
uint64_t hash_file_stat(uint64_t h, const char *path);

#endif
