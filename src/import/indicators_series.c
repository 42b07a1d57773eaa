/* indicators_series.c - which variable and year a column of an indicator
 * table stands for. A series maps several columns onto one variable with
 * their years: "population" takes population_2015 and population_2021,
 * "population=P{yy}_POP" takes Insee's P15_POP and P21_POP, and
 * "superficie=SUPERF" renames one column. A column no series names keeps
 * its own name, and a trailing _YYYY gives its year. */
#include "indicators_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* population_2021 -> 2021: a trailing _YYYY. */
int ind_year_of_name(const char *name)
{
    size_t len = strlen(name);
    if (len < 6 || name[len - 5] != '_')
        return 0;
    int year = 0;
    for (size_t i = len - 4; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return 0;
        year = year * 10 + (name[i] - '0');
    }
    return year >= 1800 && year <= 2200 ? year : 0;
}

/* Two-digit census years: P99_POP is 1999, P21_POP 2021. */
static int century(int yy)
{
    return yy > 50 ? 1900 + yy : 2000 + yy;
}

/* Matches a folded column name against a pattern holding at most one
 * {yyyy} or {yy} (case aside); the year, 0 for a match without a year
 * (a column renamed), -1 for no match. */
static int match_pattern(const char *pat, size_t pat_len, const char *name)
{
    int year = 0;
    size_t i = 0;
    while (i < pat_len) {
        int digits = strncmp(pat + i, "{yyyy}", 6) == 0 ? 4
                     : strncmp(pat + i, "{yy}", 4) == 0 ? 2
                                                        : 0;
        if (digits == 0) {
            if (tolower((unsigned char)pat[i]) != *name)
                return -1;
            i++, name++;
            continue;
        }
        int v = 0;
        for (int k = 0; k < digits; k++, name++) {
            if (*name < '0' || *name > '9')
                return -1;
            v = v * 10 + (*name - '0');
        }
        year = digits == 2 ? century(v) : v;
        i += digits == 4 ? 6 : 4;
    }
    if (*name != '\0')
        return -1;
    return year == 0 || (year >= 1800 && year <= 2200) ? year : -1;
}

/* One item of the spec: "name" or "name=PATTERN"; its variable into var
 * and its pattern (length *pat_len). */
static tob_status_t parse_item(const char *item, size_t len, char *var,
                               size_t size, const char **pat, size_t *pat_len,
                               char *pat_buf, size_t pat_size, tob_error_t *err)
{
    const char *eq = memchr(item, '=', len);
    size_t name_len = eq != NULL ? (size_t)(eq - item) : len;
    if (name_len == 0 || name_len >= size)
        return tob_error_set(err, TOB_ERR_ARG,
                             "--series '%.*s': give NAME or NAME=PATTERN",
                             (int)len, item);
    memcpy(var, item, name_len);
    var[name_len] = '\0';
    tob_status_t s = variable_check_name(var, err);
    if (s != TOB_OK)
        return s;
    if (eq == NULL) {
        snprintf(pat_buf, pat_size, "%s_{yyyy}", var);
        *pat = pat_buf;
        *pat_len = strlen(pat_buf);
        return TOB_OK;
    }
    *pat = eq + 1;
    *pat_len = len - name_len - 1;
    size_t n_marks = 0, n_years = 0;
    for (size_t i = 0; i < *pat_len; i++) {
        if ((*pat)[i] != '{')
            continue;
        n_marks++;
        size_t left = *pat_len - i;
        n_years += (left >= 4 && strncmp(*pat + i, "{yy}", 4) == 0) ||
                   (left >= 6 && strncmp(*pat + i, "{yyyy}", 6) == 0);
    }
    if (n_marks > 1 || n_years != n_marks)
        return tob_error_set(err, TOB_ERR_ARG,
                             "--series '%.*s': the pattern has one {yyyy} "
                             "or {yy} where the year is (P{yy}_POP), or none",
                             (int)len, item);
    return TOB_OK;
}

/* One item of a spec, parsed: its text, variable and pattern. */
typedef struct series_item {
    const char *text;
    size_t len;
    char var[TOB_VARIABLE_NAME_MAX];
    char pat_buf[TOB_VARIABLE_NAME_MAX + 8];
    const char *pat; /* in text or pat_buf */
    size_t pat_len;
} series_item_t;

/* Parses the item at *p into it and moves *p past it; *got is 0 at the
 * end of the spec (and on error). */
static tob_status_t next_item(const char **p, series_item_t *it, int *got,
                              tob_error_t *err)
{
    *got = 0;
    *p += strspn(*p, ", ");
    size_t len = strcspn(*p, ", ");
    if (len == 0)
        return TOB_OK;
    it->text = *p;
    it->len = len;
    *p += len;
    tob_status_t s =
        parse_item(it->text, len, it->var, sizeof it->var, &it->pat,
                   &it->pat_len, it->pat_buf, sizeof it->pat_buf, err);
    *got = s == TOB_OK;
    return s;
}

tob_status_t ind_series_match(const char *spec, const char *name, char *var,
                              size_t size, int *year, tob_error_t *err)
{
    *year = -1;
    const char *p = spec != NULL ? spec : "";
    series_item_t it;
    int got;
    tob_status_t s;
    while ((s = next_item(&p, &it, &got, err)) == TOB_OK && got) {
        int y = match_pattern(it.pat, it.pat_len, name);
        if (y >= 0) {
            snprintf(var, size, "%s", it.var);
            *year = y;
            return TOB_OK;
        }
    }
    return s;
}

tob_status_t ind_series_check(const char *spec, const char *const *names,
                              size_t n, tob_error_t *err)
{
    const char *p = spec != NULL ? spec : "";
    series_item_t it;
    int got;
    tob_status_t s;
    while ((s = next_item(&p, &it, &got, err)) == TOB_OK && got) {
        size_t hits = 0;
        for (size_t i = 0; i < n; i++)
            hits += match_pattern(it.pat, it.pat_len, names[i]) >= 0;
        if (hits == 0)
            return tob_error_set(err, TOB_ERR_INPUT,
                                 "--series %.*s: no column is %.*s",
                                 (int)it.len, it.text, (int)it.pat_len,
                                 it.pat);
    }
    return s;
}
