/* near.c - closest known names for "did you mean" hints (near.h). */
#include "near.h"

#include <stdio.h>
#include <string.h>

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* b is a followed by "_..." (the same variable with its year) */
static int is_suffixed(const char *a, size_t la, const char *b, size_t lb)
{
    if (la == 0 || la >= lb || b[la] != '_')
        return 0;
    for (size_t i = 0; i < la; i++)
        if (lower(a[i]) != lower(b[i]))
            return 0;
    return 1;
}

size_t near_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (is_suffixed(a, la, b, lb) || is_suffixed(b, lb, a, la))
        return 1;
    if (la >= NEAR_NAME_MAX || lb >= NEAR_NAME_MAX)
        return NEAR_NAME_MAX;
    /* three rows of the optimal-string-alignment table */
    size_t rows[3][NEAR_NAME_MAX];
    size_t *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t best = prev[j - 1] + (lower(a[i - 1]) != lower(b[j - 1]));
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && before[j - 2] + 1 < best)
                best = before[j - 2] + 1;
            cur[j] = best;
        }
        size_t *oldest = before;
        before = prev, prev = cur, cur = oldest;
    }
    return prev[lb];
}

void near_start(near_t *near, const char *typed)
{
    memset(near, 0, sizeof *near);
    snprintf(near->typed, sizeof near->typed, "%s", typed ? typed : "");
    size_t len = strlen(near->typed);
    near->limit = len <= 4 ? 1 : len <= 10 ? 2 : 3;
}

void near_offer(near_t *near, const char *candidate)
{
    if (candidate == NULL || candidate[0] == '\0' || near->typed[0] == '\0' ||
        strlen(candidate) >= NEAR_NAME_MAX ||
        strcmp(candidate, near->typed) == 0)
        return;
    size_t d = near_distance(near->typed, candidate);
    if (d > near->limit)
        return;
    for (size_t k = 0; k < near->n; k++)
        if (strcmp(near->name[k], candidate) == 0)
            return;
    size_t at = near->n;
    while (at > 0 && near->dist[at - 1] > d)
        at--;
    if (at >= NEAR_MAX)
        return;
    size_t last = near->n < NEAR_MAX ? near->n : NEAR_MAX - 1;
    for (size_t k = last; k > at; k--) {
        near->dist[k] = near->dist[k - 1];
        memcpy(near->name[k], near->name[k - 1], NEAR_NAME_MAX);
    }
    near->dist[at] = d;
    snprintf(near->name[at], NEAR_NAME_MAX, "%s", candidate);
    if (near->n < NEAR_MAX)
        near->n++;
}

void near_offer_all(near_t *near, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        near_offer(near, names[i]);
}

/* Writes the names between before and after, joined by sep and, before
 * the last, by last_sep. */
static const char *join(near_t *near, const char *before, const char *quote,
                        const char *sep, const char *last_sep,
                        const char *after)
{
    if (near->n == 0) {
        near->text[0] = '\0';
        return near->text;
    }
    size_t used = 0, size = sizeof near->text;
    int w = snprintf(near->text, size, "%s", before);
    used = w > 0 ? (size_t)w : 0;
    size_t n = 1; /* only the nearest: no 2-edit name beside a 1-edit one */
    while (n < near->n && near->dist[n] == near->dist[0])
        n++;
    for (size_t k = 0; k < n && used < size; k++) {
        const char *s = k == 0 ? "" : k + 1 == n ? last_sep : sep;
        w = snprintf(near->text + used, size - used, "%s%s%s%s", s, quote,
                     near->name[k], quote);
        used += w > 0 ? (size_t)w : 0;
    }
    if (used < size)
        snprintf(near->text + used, size - used, "%s", after);
    return near->text;
}

const char *near_hint(near_t *near)
{
    return join(near, " (did you mean ", "'", ", ", " or ", "?)");
}

const char *near_ask(near_t *near)
{
    return join(near, "did you mean ", "'", ", ", " or ", "? ");
}

const char *near_quoted(near_t *near)
{
    return join(near, "", "'", ", ", " or ", "");
}

const char *near_list(near_t *near)
{
    return join(near, "", "", ", ", ", ", "");
}
