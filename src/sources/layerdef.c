/* layerdef.c - read layer-definition files (layers/NAME.layer) into load
 * options. */
#include "terrobs/ini.h"
#include "terrobs/load.h"

#include "srs_input.h"

#include "base/near.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every string value the file may set, owned here. */
enum {
    KEY_LEVEL,
    KEY_LABEL,
    KEY_SRC,
    KEY_LAYER,
    KEY_CODE,
    KEY_NAME,
    KEY_PARENT,
    KEY_WHERE,
    KEY_S_SRS,
    KEY_VINTAGE,
    KEY_ATTRIBUTION,
    N_KEYS
};

static const char *const key_names[N_KEYS] = {
    "level",       "label", "src",   "layer",   "code",       "name",
    "parent-code", "where", "s-srs", "vintage", "attribution"};

struct tob_layerdef {
    char *values[N_KEYS];
    char *dir; /* folder of the .layer file, for relative src */
    tob_load_options_t opts;
};

/* Checks the values that can be checked without the source, so that a bad
 * one is reported with the file, line and key it came from. */
static tob_status_t check_value(tob_layerdef_t *def, int k, const char *value,
                                tob_error_t *err)
{
    tob_error_t why;
    tob_error_clear(&why);
    if (value[0] == '\0')
        return TOB_OK; /* unset: check_required() decides */
    if (k == KEY_LEVEL && tob_store_check_level_name(value, &why) != TOB_OK)
        return tob_error_set(err, TOB_ERR_INPUT, "%s", why.message);
    if (k == KEY_VINTAGE) {
        char *end = NULL;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno != 0 || *end != '\0' || v < 1800 || v > 2200)
            return tob_error_set(err, TOB_ERR_INPUT,
                                 "'%s' is not a year (1800..2200)", value);
        def->opts.vintage = (int)v;
    }
    if (k == KEY_S_SRS) {
        OGRSpatialReferenceH srs = NULL;
        tob_status_t s = srs_from_user_input(value, &srs, err);
        OSRDestroySpatialReference(srs);
        return s;
    }
    return TOB_OK;
}

static tob_status_t on_key(void *user, const char *section, const char *key,
                           const char *value, long line, tob_error_t *err)
{
    (void)line;
    tob_layerdef_t *def = user;
    if (section[0] != '\0')
        return tob_error_set(err, TOB_ERR_INPUT,
                             "layer definitions have no sections ([%s])",
                             section);
    for (int k = 0; k < N_KEYS; k++) {
        if (strcmp(key, key_names[k]) != 0)
            continue;
        if (def->values[k] != NULL)
            return tob_error_set(err, TOB_ERR_INPUT, "key set twice");
        tob_status_t s = check_value(def, k, value, err);
        if (s != TOB_OK)
            return s;
        def->values[k] = strdup(value);
        return def->values[k] != NULL
                   ? TOB_OK
                   : tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    near_t near;
    near_start(&near, key);
    near_offer_all(&near, key_names, N_KEYS);
    return tob_error_set(err, TOB_ERR_INPUT,
                         "unknown key (%sexpected level, label, src, layer, "
                         "code, name, parent-code, vintage, where, s-srs, "
                         "attribution)",
                         near_ask(&near));
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    size_t n = (size_t)(slash - path);
    char *dir = malloc(n + 2);
    if (dir == NULL)
        return NULL;
    memcpy(dir, path, n > 0 ? n : 1);
    dir[n > 0 ? n : 1] = '\0';
    return dir;
}

/* src is relative to the .layer file, unless absolute or a GDAL virtual
 * path (/vsizip/ takes a path after it: made relative the same way). */
static tob_status_t resolve_src(tob_layerdef_t *def, tob_error_t *err)
{
    char *src = def->values[KEY_SRC];
    if (src == NULL || src[0] == '/')
        return TOB_OK;
    size_t n = strlen(def->dir) + strlen(src) + 2;
    char *full = malloc(n);
    if (full == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    snprintf(full, n, "%s/%s", def->dir, src);
    free(src);
    def->values[KEY_SRC] = full;
    return TOB_OK;
}

static tob_status_t check_required(tob_layerdef_t *def, const char *path,
                                   tob_error_t *err)
{
    static const int required[] = {KEY_LEVEL, KEY_SRC, KEY_CODE, KEY_NAME};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (def->values[required[i]] == NULL ||
            def->values[required[i]][0] == '\0') {
            tob_error_set(err, TOB_ERR_INPUT, "missing required key");
            tob_error_at(err, path, 0, key_names[required[i]]);
            return TOB_ERR_INPUT;
        }
    }
    return TOB_OK;
}

static const char *nonempty(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

tob_status_t tob_layerdef_read(const char *path, tob_layerdef_t **out,
                               tob_error_t *err)
{
    *out = NULL;
    tob_layerdef_t *def = calloc(1, sizeof *def);
    if (def == NULL || (def->dir = dir_of(path)) == NULL) {
        tob_layerdef_destroy(def);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    tob_status_t s = tob_ini_parse(path, on_key, def, err);
    if (s == TOB_OK)
        s = check_required(def, path, err);
    if (s == TOB_OK)
        s = resolve_src(def, err);
    if (s != TOB_OK) {
        tob_layerdef_destroy(def);
        return s;
    }
    def->opts.level = def->values[KEY_LEVEL];
    def->opts.label = nonempty(def->values[KEY_LABEL]);
    def->opts.src = def->values[KEY_SRC];
    def->opts.layer = nonempty(def->values[KEY_LAYER]);
    def->opts.code_field = def->values[KEY_CODE];
    def->opts.name_field = def->values[KEY_NAME];
    def->opts.parent_field = nonempty(def->values[KEY_PARENT]);
    def->opts.where = nonempty(def->values[KEY_WHERE]);
    def->opts.s_srs = nonempty(def->values[KEY_S_SRS]);
    def->opts.attribution = nonempty(def->values[KEY_ATTRIBUTION]);
    *out = def;
    return TOB_OK;
}

tob_load_options_t *tob_layerdef_options(tob_layerdef_t *def)
{
    return &def->opts;
}

void tob_layerdef_destroy(tob_layerdef_t *def)
{
    if (def == NULL)
        return;
    for (int k = 0; k < N_KEYS; k++)
        free(def->values[k]);
    free(def->dir);
    free(def);
}
