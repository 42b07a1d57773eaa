/* codeset.h - a set of codes (strings) remembering where each was first
 * seen, and listing duplicates: used by loads and imports to report every
 * duplicate key at once instead of failing on the first. Internal. */
#ifndef TERROBS_CODESET_H
#define TERROBS_CODESET_H

#include "terrobs/error.h"

#include <stddef.h>

typedef struct tob_codeset tob_codeset_t;

/* Caller frees *out with codeset_destroy(). */
TOB_NODISCARD tob_status_t codeset_create(tob_codeset_t **out,
                                          tob_error_t *err);
void codeset_destroy(tob_codeset_t *set); /* NULL is a no-op */

/* Adds code, seen at item (row or feature number, > 0). When the code was
 * already there, *first gets the item it was first seen at and the pair is
 * kept as a duplicate; else *first is 0. */
TOB_NODISCARD tob_status_t codeset_add(tob_codeset_t *set, const char *code,
                                       long long item, long long *first,
                                       tob_error_t *err);

/* Item where code was first seen, 0 if absent. */
long long codeset_find(const tob_codeset_t *set, const char *code);

size_t codeset_size(const tob_codeset_t *set);
size_t codeset_n_duplicates(const tob_codeset_t *set);

/* Writes "59350 (features 3 and 17), 59001 (features 5 and 9) and 2 more"
 * with unit "features" or "rows", at most 5 listed. */
void codeset_describe_duplicates(const tob_codeset_t *set, const char *unit,
                                 char *buf, size_t size);

#endif
