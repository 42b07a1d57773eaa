/* codeset.c - open-addressing hash set of codes with first positions. */
#include "codeset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *code; /* NULL = empty slot */
    long long item;
} entry_t;

typedef struct duplicate {
    char *code;
    long long first, again;
} duplicate_t;

struct tob_codeset {
    entry_t *slots;
    size_t cap, size; /* cap is a power of two */
    duplicate_t *dups;
    size_t n_dups, dups_cap;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

tob_status_t codeset_create(tob_codeset_t **out, tob_error_t *err)
{
    *out = NULL;
    tob_codeset_t *set = calloc(1, sizeof *set);
    if (set != NULL) {
        set->cap = 1024;
        set->slots = calloc(set->cap, sizeof *set->slots);
    }
    if (set == NULL || set->slots == NULL) {
        free(set);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    *out = set;
    return TOB_OK;
}

void codeset_destroy(tob_codeset_t *set)
{
    if (set == NULL)
        return;
    for (size_t i = 0; i < set->cap; i++)
        free(set->slots[i].code);
    for (size_t i = 0; i < set->n_dups; i++)
        free(set->dups[i].code);
    free(set->slots);
    free(set->dups);
    free(set);
}

static entry_t *slot_for(entry_t *slots, size_t cap, const char *code)
{
    size_t i = (size_t)hash(code) & (cap - 1);
    while (slots[i].code != NULL && strcmp(slots[i].code, code) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int grow(tob_codeset_t *set)
{
    size_t cap = set->cap * 2;
    entry_t *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < set->cap; i++)
        if (set->slots[i].code != NULL)
            *slot_for(slots, cap, set->slots[i].code) = set->slots[i];
    free(set->slots);
    set->slots = slots;
    set->cap = cap;
    return 0;
}

static int add_duplicate(tob_codeset_t *set, const char *code, long long first,
                         long long again)
{
    if (set->n_dups == set->dups_cap) {
        size_t cap = set->dups_cap ? set->dups_cap * 2 : 16;
        duplicate_t *d = realloc(set->dups, cap * sizeof *d);
        if (d == NULL)
            return -1;
        set->dups = d;
        set->dups_cap = cap;
    }
    char *copy = strdup(code);
    if (copy == NULL)
        return -1;
    set->dups[set->n_dups++] = (duplicate_t){copy, first, again};
    return 0;
}

tob_status_t codeset_add(tob_codeset_t *set, const char *code, long long item,
                         long long *first, tob_error_t *err)
{
    *first = 0;
    if ((set->size + 1) * 2 > set->cap && grow(set) != 0)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    entry_t *e = slot_for(set->slots, set->cap, code);
    if (e->code != NULL) {
        *first = e->item;
        if (add_duplicate(set, code, e->item, item) != 0)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        return TOB_OK;
    }
    if ((e->code = strdup(code)) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    e->item = item;
    set->size++;
    return TOB_OK;
}

long long codeset_find(const tob_codeset_t *set, const char *code)
{
    const entry_t *e = slot_for(set->slots, set->cap, code);
    return e->code != NULL ? e->item : 0;
}

size_t codeset_size(const tob_codeset_t *set)
{
    return set->size;
}

size_t codeset_n_duplicates(const tob_codeset_t *set)
{
    return set->n_dups;
}

void codeset_describe_duplicates(const tob_codeset_t *set, const char *unit,
                                 char *buf, size_t size)
{
    size_t used = 0, shown = set->n_dups < 5 ? set->n_dups : 5;
    buf[0] = '\0';
    for (size_t i = 0; i < shown && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s (%s %lld and %lld)",
                         i ? ", " : "", set->dups[i].code, unit,
                         set->dups[i].first, set->dups[i].again);
        used += n > 0 ? (size_t)n : 0;
    }
    if (set->n_dups > shown && used < size)
        snprintf(buf + used, size - used, " and %zu more", set->n_dups - shown);
}
