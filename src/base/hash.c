/* hash.c - FNV-1a, 64 bits, over text and bytes. */
#include "hash.h"

uint64_t hash_fnv_text(uint64_t h, const char *s)
{
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    h ^= 0x1F; /* a separator, so that "ab","c" differs from "a","bc" */
    return h * 1099511628211ULL;
}

uint64_t hash_fnv_bytes(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}
