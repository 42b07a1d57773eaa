/* hash.c - FNV-1a, 64 bits, over text and bytes. */
#include "hash.h"

#include <stdio.h>
#include <sys/stat.h>

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

uint64_t hash_number(uint64_t h, long long v)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", v);
    return hash_fnv_text(h, text);
}

uint64_t hash_file_stat(uint64_t h, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return hash_fnv_text(h, "-");
    h = hash_number(h, (long long)sb.st_size);
    h = hash_number(h, (long long)sb.st_mtim.tv_sec);
    return hash_number(h, (long long)sb.st_mtim.tv_nsec);
}
