/* near.h - the known names closest to a mistyped one ("comune" ->
 * "commune"), for the "did you mean" hints of error messages: levels,
 * variables, style keys, option values, codes. Pure computation, no I/O.
 * Library-internal. */
#ifndef TERROBS_BASE_NEAR_H
#define TERROBS_BASE_NEAR_H

#include <stddef.h>

#define NEAR_MAX 3        /* names kept, nearest first */
#define NEAR_NAME_MAX 128 /* longer candidates are never offered */
#define NEAR_HINT_MAX 512 /* a buffer for db_code_hint() */

typedef struct near {
    char typed[NEAR_NAME_MAX];
    size_t limit; /* farthest distance kept */
    size_t n;
    size_t dist[NEAR_MAX];
    char name[NEAR_MAX][NEAR_NAME_MAX];
    char text[NEAR_MAX * (NEAR_NAME_MAX + 8) + 32];
} near_t;

/* Edit distance between a and b ignoring case, where swapping two
 * neighbours is one edit ("epic" -> "epci") and a name that is the other
 * plus a suffix "_..." (densite / densite_2021) is one edit too. */
size_t near_distance(const char *a, const char *b);

/* Starts a search for the names near typed: within 1 edit for names of
 * up to 4 characters, 2 up to 10, 3 beyond. */
void near_start(near_t *near, const char *typed);

/* Offers one known name (NULL, "" and the typed name itself are
 * ignored); the nearest NEAR_MAX are kept, the first offered first among
 * equals. */
void near_offer(near_t *near, const char *candidate);

/* Offers each of names[0..n). */
void near_offer_all(near_t *near, const char *const *names, size_t n);

/* " (did you mean 'a' or 'b'?)", or "" when no name is near; only the
 * names at the nearest distance are written, here and below. Borrowed
 * until the next call on near. */
const char *near_hint(near_t *near);

/* "did you mean 'a'? ", or "", to open a parenthesis that lists all the
 * known names. Borrowed as above. */
const char *near_ask(near_t *near);

/* "'a', 'b' or 'c'", or "" when no name is near. Borrowed as above. */
const char *near_quoted(near_t *near);

/* "a, b, c", or "" when no name is near. Borrowed as above. */
const char *near_list(near_t *near);

#endif
