/* carnet_template.c - carnet templates: INI files saying which sections a
 * carnet holds, in which order, and with which indicators. Every key is
 * checked when read, so a typo fails at once and names its line. */
#include "carnet_internal.h"

#include "base/hash.h"
#include "base/near.h"

#include "terrobs/ini.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const carnet_keys[] = {"title",  "subtitle", "author",
                                          "source", "sections", NULL};
static const char *const cover_keys[] = {"locator", "area", NULL};
static const char *const map_keys[] = {
    "title",  "variable", "year",     "method", "k", "palette",
    "labels", "style",    "optional", "years",  NULL};
static const char *const table_keys[] = {"title", "columns",  "sort",
                                         "year",  "optional", NULL};
static const char *const figures_keys[] = {
    "title", "indicators", "references", "evolution",
    "index", "year",       "optional",   NULL};
static const char *const evolution_keys[] = {"title", "variables", "base100",
                                             "optional", NULL};
static const char *const chart_keys[] = {"title", "variable", "year",
                                         "top",   "optional", NULL};
static const char *const territories_keys[] = {"title",      "level", "columns",
                                               "references", "sort",  "year",
                                               "optional",   NULL};
static const char *const text_keys[] = {"title", "text", NULL};
static const char *const programme_keys[] = {"title", "max-rows", NULL};

static const struct kind_def {
    const char *name;
    carnet_kind_t kind;
    const char *const *keys;
} kinds[] = {
    {"cover", CARNET_COVER, cover_keys},
    {"communes-table", CARNET_COMMUNES_TABLE, table_keys},
    {"text", CARNET_TEXT, text_keys},
    {"contracts", CARNET_CONTRACTS, programme_keys},
    {"gup", CARNET_GUP, programme_keys},
    {"map", CARNET_MAP, map_keys},
    {"figures", CARNET_FIGURES, figures_keys},
    {"evolution", CARNET_EVOLUTION, evolution_keys},
    {"communes-chart", CARNET_COMMUNES_CHART, chart_keys},
    {"territories", CARNET_TERRITORIES, territories_keys},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

void tob_carnet_template_destroy(tob_carnet_template_t *tpl)
{
    if (tpl == NULL)
        return;
    for (size_t i = 0; i < tpl->n_entries; i++) {
        free(tpl->entries[i].section);
        free(tpl->entries[i].key);
        free(tpl->entries[i].value);
    }
    for (size_t i = 0; i < tpl->n_sections; i++)
        free(tpl->sections[i].id);
    free(tpl->entries);
    free(tpl->sections);
    free(tpl->name);
    free(tpl->dir);
    free(tpl);
}

const char *tpl_get(const tob_carnet_template_t *tpl, const char *section,
                    const char *key, long *line)
{
    /* The last one wins, as with --set overrides. */
    for (size_t i = tpl->n_entries; i-- > 0;) {
        const tpl_entry_t *e = &tpl->entries[i];
        if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0) {
            if (line != NULL)
                *line = e->line;
            return e->value;
        }
    }
    return NULL;
}

const char *tpl_get_or(const tob_carnet_template_t *tpl, const char *section,
                       const char *key, const char *fallback)
{
    const char *v = tpl_get(tpl, section, key, NULL);
    return v != NULL && v[0] != '\0' ? v : fallback;
}

tob_status_t tpl_error_at(const tob_carnet_template_t *tpl, const char *section,
                          const char *key, tob_error_t *err)
{
    long line = 0;
    tpl_get(tpl, section, key, &line);
    char field[TOB_ERROR_FIELD_MAX];
    snprintf(field, sizeof field, "%s.%s", section, key);
    tob_error_at(err, tpl->name, line, field);
    return err != NULL ? err->code : TOB_ERR_INPUT;
}

size_t tpl_split(const char *value, char **words, size_t max)
{
    size_t n = 0;
    const char *p = value != NULL ? value : "";
    while (*p != '\0' && n < max) {
        p += strspn(p, ", \t");
        size_t len = strcspn(p, ", \t");
        if (len == 0)
            break;
        words[n] = strndup(p, len);
        if (words[n] == NULL) {
            tpl_free_words(words, n);
            return (size_t)-1;
        }
        n++;
        p += len;
    }
    return n;
}

void tpl_free_words(char **words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(words[i]);
}

static tob_status_t collect(void *user, const char *section, const char *key,
                            const char *value, long line, tob_error_t *err)
{
    tob_carnet_template_t *tpl = user;
    if (tpl->n_entries == tpl->cap_entries) {
        size_t cap = tpl->cap_entries ? 2 * tpl->cap_entries : 32;
        tpl_entry_t *e = realloc(tpl->entries, cap * sizeof *e);
        if (e == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        tpl->entries = e;
        tpl->cap_entries = cap;
    }
    tpl_entry_t *e = &tpl->entries[tpl->n_entries];
    e->section = strdup(section);
    e->key = strdup(key);
    e->value = strdup(value);
    e->line = line;
    tpl->n_entries++;
    if (e->section == NULL || e->key == NULL || e->value == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    return TOB_OK;
}

/* The kind of a section id: "text:methode" is a text section. */
static const struct kind_def *find_kind(const char *id)
{
    size_t len = strcspn(id, ":");
    for (size_t i = 0; i < N_KINDS; i++)
        if (strlen(kinds[i].name) == len &&
            strncmp(kinds[i].name, id, len) == 0)
            return &kinds[i];
    return NULL;
}

static int key_in(const char *key, const char *const *keys)
{
    for (size_t i = 0; keys[i] != NULL; i++)
        if (strcmp(keys[i], key) == 0)
            return 1;
    return 0;
}

static void list_keys(const char *const *keys, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; keys[i] != NULL; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", i ? ", " : "", keys[i]);
    }
    if (buf[0] == '\0')
        snprintf(buf, size, "none");
}

/* Keys holding a whole number, and their range. */
static const struct int_key {
    const char *key;
    long lo, hi;
} int_keys[] = {
    {"max-rows", 1, 1000}, {"k", 2, 12},   {"labels", 0, 200},
    {"year", 1000, 9999},  {"top", 1, 50},
};

/* Keys holding yes or no. */
static const char *const bool_keys[] = {"locator", "optional", "base100", NULL};

int tpl_yes(const tob_carnet_template_t *tpl, const char *section,
            const char *key, int fallback)
{
    const char *v = tpl_get(tpl, section, key, NULL);
    return v == NULL ? fallback : strcmp(v, "yes") == 0;
}

static tob_status_t check_value(const tob_carnet_template_t *tpl,
                                const tpl_entry_t *e, tob_error_t *err)
{
    if (key_in(e->key, bool_keys) && strcmp(e->value, "yes") != 0 &&
        strcmp(e->value, "no") != 0) {
        char field[TOB_ERROR_FIELD_MAX];
        snprintf(field, sizeof field, "%s.%s", e->section, e->key);
        tob_error_set(err, TOB_ERR_INPUT, "'%s' is not yes or no", e->value);
        tob_error_at(err, tpl->name, e->line, field);
        return TOB_ERR_INPUT;
    }
    for (size_t i = 0; i < sizeof int_keys / sizeof int_keys[0]; i++) {
        if (strcmp(e->key, int_keys[i].key) != 0)
            continue;
        char *end = NULL;
        errno = 0;
        long v = strtol(e->value, &end, 10);
        if (errno == 0 && end != e->value && *end == '\0' &&
            v >= int_keys[i].lo && v <= int_keys[i].hi)
            return TOB_OK;
        char field[TOB_ERROR_FIELD_MAX];
        snprintf(field, sizeof field, "%s.%s", e->section, e->key);
        tob_error_set(err, TOB_ERR_INPUT, "'%s' is not a whole number %ld..%ld",
                      e->value, int_keys[i].lo, int_keys[i].hi);
        tob_error_at(err, tpl->name, e->line, field);
        return TOB_ERR_INPUT;
    }
    return TOB_OK;
}

static tob_status_t check_entry(const tob_carnet_template_t *tpl,
                                const tpl_entry_t *e, tob_error_t *err)
{
    const char *const *keys = NULL;
    if (e->section[0] == '\0') {
        tob_error_set(err, TOB_ERR_INPUT,
                      "key outside a section (start with [carnet])");
        tob_error_at(err, tpl->name, e->line, e->key);
        return TOB_ERR_INPUT;
    }
    if (strcmp(e->section, "carnet") == 0) {
        keys = carnet_keys;
    } else {
        const struct kind_def *k = find_kind(e->section);
        if (k == NULL) {
            char kind[NEAR_NAME_MAX];
            snprintf(kind, sizeof kind, "%.*s", (int)strcspn(e->section, ":"),
                     e->section);
            near_t near;
            near_start(&near, kind);
            near_offer(&near, "carnet");
            for (size_t i = 0; i < N_KINDS; i++)
                near_offer(&near, kinds[i].name);
            tob_error_set(err, TOB_ERR_INPUT, "unknown section [%s]%s",
                          e->section, near_hint(&near));
            tob_error_at(err, tpl->name, e->line, e->key);
            return TOB_ERR_INPUT;
        }
        keys = k->keys;
    }
    if (key_in(e->key, keys))
        return check_value(tpl, e, err);
    char known[512];
    list_keys(keys, known, sizeof known);
    char field[TOB_ERROR_FIELD_MAX];
    snprintf(field, sizeof field, "%s.%s", e->section, e->key);
    near_t near;
    near_start(&near, e->key);
    for (size_t i = 0; keys[i] != NULL; i++)
        near_offer(&near, keys[i]);
    tob_error_set(err, TOB_ERR_INPUT, "unknown key (%sknown in [%s]: %s)",
                  near_ask(&near), e->section[0] ? e->section : "carnet",
                  known);
    tob_error_at(err, tpl->name, e->line, field);
    return TOB_ERR_INPUT;
}

#define MAX_SECTIONS 64

static tob_status_t add_section(tob_carnet_template_t *tpl, const char *id,
                                tob_error_t *err)
{
    const struct kind_def *k = find_kind(id);
    if (k == NULL) {
        char known[512] = "";
        for (size_t i = 0; i < N_KINDS; i++) {
            size_t used = strlen(known);
            snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                     kinds[i].name);
        }
        tob_error_set(err, TOB_ERR_INPUT, "unknown section '%s' (known: %s)",
                      id, known);
        return tpl_error_at(tpl, "carnet", "sections", err);
    }
    for (size_t i = 0; i < tpl->n_sections; i++)
        if (strcmp(tpl->sections[i].id, id) == 0) {
            tob_error_set(err, TOB_ERR_INPUT, "section '%s' listed twice", id);
            return tpl_error_at(tpl, "carnet", "sections", err);
        }
    tpl_section_t *sec = &tpl->sections[tpl->n_sections];
    sec->kind = k->kind;
    sec->id = strdup(id);
    if (sec->id == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tpl->n_sections++;
    return TOB_OK;
}

static tob_status_t read_sections(tob_carnet_template_t *tpl, tob_error_t *err)
{
    const char *list = tpl_get(tpl, "carnet", "sections", NULL);
    if (list == NULL) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "missing: list the sections of the carnet, in order");
        tob_error_at(err, tpl->name, 0, "carnet.sections");
        return TOB_ERR_INPUT;
    }
    char *words[MAX_SECTIONS + 1];
    size_t n = tpl_split(list, words, MAX_SECTIONS + 1);
    if (n == (size_t)-1)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = TOB_OK;
    if (n == 0 || n > MAX_SECTIONS) {
        s = tob_error_set(err, TOB_ERR_INPUT, "give 1 to %d sections",
                          MAX_SECTIONS);
        tpl_error_at(tpl, "carnet", "sections", err);
    } else if ((tpl->sections = calloc(n, sizeof *tpl->sections)) == NULL) {
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; s == TOB_OK && i < n; i++)
        s = add_section(tpl, words[i], err);
    tpl_free_words(words, n);
    return s;
}

static tob_status_t finish(tob_carnet_template_t *tpl, tob_error_t *err)
{
    for (size_t i = 0; i < tpl->n_entries; i++) {
        tob_status_t s = check_entry(tpl, &tpl->entries[i], err);
        if (s != TOB_OK)
            return s;
    }
    return read_sections(tpl, err);
}

static tob_carnet_template_t *template_new(const char *name, const char *dir)
{
    tob_carnet_template_t *tpl = calloc(1, sizeof *tpl);
    if (tpl == NULL)
        return NULL;
    tpl->name = strdup(name);
    tpl->dir = strdup(dir != NULL ? dir : ".");
    if (tpl->name == NULL || tpl->dir == NULL) {
        tob_carnet_template_destroy(tpl);
        return NULL;
    }
    return tpl;
}

tob_status_t tob_carnet_template_parse(const char *text, size_t len,
                                       const char *name, const char *dir,
                                       tob_carnet_template_t **out,
                                       tob_error_t *err)
{
    *out = NULL;
    tob_carnet_template_t *tpl = template_new(name, dir);
    if (tpl == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = tob_ini_parse_text(text, len, name, collect, tpl, err);
    if (s == TOB_OK)
        s = finish(tpl, err);
    if (s != TOB_OK) {
        tob_carnet_template_destroy(tpl);
        return s;
    }
    *out = tpl;
    return TOB_OK;
}

tob_status_t tob_carnet_template_read(const char *path,
                                      tob_carnet_template_t **out,
                                      tob_error_t *err)
{
    *out = NULL;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash != NULL)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    tob_carnet_template_t *tpl = template_new(path, dir);
    if (tpl == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = tob_ini_parse(path, collect, tpl, err);
    if (s == TOB_OK)
        s = finish(tpl, err);
    if (s != TOB_OK) {
        tob_carnet_template_destroy(tpl);
        return s;
    }
    *out = tpl;
    return TOB_OK;
}

tob_status_t tob_carnet_template_default(tob_carnet_template_t **out,
                                         tob_error_t *err)
{
    const char *text = tob_carnet_template_default_text();
    return tob_carnet_template_parse(text, strlen(text),
                                     "carnet.ini (built-in)", NULL, out, err);
}

size_t carnet_section_vars(const tob_carnet_template_t *tpl,
                           const tpl_section_t *sec, carnet_var_t *vars,
                           size_t max)
{
    const char *key = sec->kind == CARNET_FIGURES          ? "indicators"
                      : sec->kind == CARNET_EVOLUTION      ? "variables"
                      : sec->kind == CARNET_COMMUNES_TABLE ? "columns"
                      : sec->kind == CARNET_TERRITORIES    ? "columns"
                                                           : "variable";
    const char *year = tpl_get(tpl, sec->id, "year", NULL);
    char *words[CARNET_MAX_VARS];
    size_t n = tpl_split(tpl_get(tpl, sec->id, key, NULL), words,
                         max < CARNET_MAX_VARS ? max : CARNET_MAX_VARS);
    if (n == (size_t)-1)
        return 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(vars[i].name, sizeof vars[i].name, "%s", words[i]);
        vars[i].year = year != NULL ? atoi(year) : 0;
    }
    tpl_free_words(words, n);
    return n;
}

uint64_t tob_carnet_template_digest(const tob_carnet_template_t *tpl,
                                    uint64_t h)
{
    for (size_t i = 0; i < tpl->n_entries; i++) {
        h = hash_fnv_text(h, tpl->entries[i].section);
        h = hash_fnv_text(h, tpl->entries[i].key);
        h = hash_fnv_text(h, tpl->entries[i].value);
    }
    return h;
}
