/* plural_fr.c - counts with their noun in French (plural_fr.h). */
#include "plural_fr.h"

#include "terrobs/cells.h"

#include <stdio.h>
#include <string.h>

/* The i-th '|'-separated part of forms: start and length. */
static const char *form(const char *forms, int i, size_t *len)
{
    const char *s = forms;
    for (; i > 0 && s != NULL; i--) {
        s = strchr(s, '|');
        s = s != NULL ? s + 1 : NULL;
    }
    if (s == NULL) {
        *len = 0;
        return "";
    }
    const char *bar = strchr(s, '|');
    *len = bar != NULL ? (size_t)(bar - s) : strlen(s);
    return s;
}

char *fr_count(long long n, const char *forms, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    size_t len;
    const char *zero = form(forms, 0, &len);
    if (n == 0 && len > 0) {
        snprintf(buf, size, "%.*s", (int)len, zero);
        return buf;
    }
    const char *noun = form(forms, n == 0 || n == 1 ? 1 : 2, &len);
    char num[TOB_FMT_MAX];
    tob_fmt_number_fr((double)n, 0, num, sizeof num);
    snprintf(buf, size, "%s %.*s", num, (int)len, noun);
    return buf;
}

char *fr_members(size_t n, size_t expected, const char *forms, int outside,
                 char *buf, size_t size)
{
    if (size == 0)
        return buf;
    char count[TOB_FMT_MAX + 64], of[TOB_FMT_MAX];
    if (forms != NULL)
        fr_count((long long)n, forms, count, sizeof count);
    else
        tob_fmt_number_fr((double)n, 0, count, sizeof count);
    if (expected <= n) {
        snprintf(buf, size, "%s", count);
        return buf;
    }
    tob_fmt_number_fr((double)expected, 0, of, sizeof of);
    if (!outside) {
        snprintf(buf, size, "%s sur %s", count, of);
        return buf;
    }
    char missing[TOB_FMT_MAX];
    tob_fmt_number_fr((double)(expected - n), 0, missing, sizeof missing);
    snprintf(buf, size, "%s sur %s (%s hors de l'observatoire)", count, of,
             missing);
    return buf;
}
