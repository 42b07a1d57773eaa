/* testmap.h - the store fixture of the map unit tests (test_render,
 * test_cartography, test_smoothing): a fresh SpatiaLite store in
 * EPSG:2154 under $TOB_TMP, levels loaded from files of the source tree,
 * SQL run on it, styles parsed from text. Include after <cmocka.h> and
 * testutil.h: a step that fails fails the test. */
#ifndef TERROBS_TESTMAP_H
#define TERROBS_TESTMAP_H

#include "terrobs/indicators.h"
#include "terrobs/load.h"
#include "terrobs/store.h"
#include "terrobs/style.h"

#include <gdal.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    char path[4096];
    tob_store_t *st;
} fixture_t;

/* A fixture with a new store named name (GDAL registered); the caller's
 * teardown is fixture_teardown(). */
static inline fixture_t *fixture_create(const char *name)
{
    GDALAllRegister();
    fixture_t *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    tob_test_path(fx->path, sizeof fx->path, name);
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_store_create(fx->path, 2154, 1, &fx->st, &err) != TOB_OK)
        fail_msg("%s", err.message);
    return fx;
}

static inline int fixture_teardown(void **state)
{
    fixture_t *fx = *state;
    tob_store_close(fx->st);
    free(fx);
    GDALDestroyDriverManager();
    return 0;
}

static inline void fixture_exec(tob_store_t *st, const char *sql)
{
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_store_exec(st, sql, &err) != TOB_OK)
        fail_msg("%s: %s", sql, err.message);
}

/* Loads level from file (relative to the source tree), vintage 2026. */
static inline void fixture_load(tob_store_t *st, const char *level,
                                const char *file, const char *code,
                                const char *name, const char *parent,
                                int append)
{
    char src[8192]; /* room for file, a path of the tests' buffers */
    if (file[0] == '/')
        snprintf(src, sizeof src, "%s", file);
    else
        tob_test_src(src, sizeof src, file);
    tob_load_options_t o = {.level = level,
                            .src = src,
                            .code_field = code,
                            .name_field = name,
                            .parent_field = parent,
                            .vintage = 2026,
                            .append = append};
    tob_load_report_t rep;
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_load(st, &o, &rep, &err) != TOB_OK)
        fail_msg("loading %s: %s", file, err.message);
}

/* The communes' indicators of layers/data/indicateurs-communes.csv, 2021. */
static inline void fixture_indicators(tob_store_t *st)
{
    char csv[4096];
    tob_test_src(csv, sizeof csv, "layers/data/indicateurs-communes.csv");
    tob_indicators_options_t io = {
        .path = csv, .level = "commune", .key = "insee_com", .year = 2021};
    tob_indicators_report_t irep;
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_indicators_import(st, &io, &irep, &err) != TOB_OK)
        fail_msg("indicators: %s", err.message);
}

/* A style parsed from text; the caller destroys it. */
static inline tob_style_t *fixture_style(const char *text)
{
    tob_style_t *style = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_style_parse_text(text, strlen(text), "t.style", NULL, 0, &style,
                             &err) != TOB_OK)
        fail_msg("style: %s", err.message);
    return style;
}

#endif
