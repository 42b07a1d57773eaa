/* carnet.h (entry point) - carnets de territoire: an A4 PDF diagnostic of one
 * territory for partners, in French, composed from a store and a template
 * (styles/carnet.ini: which sections, indicators and order). Reads the
 * store only; one carnet per call, any thread with its own store. */
#ifndef TERROBS_CARNET_H
#define TERROBS_CARNET_H

#include "terrobs/error.h"
#include "terrobs/store.h"
#include "terrobs/values.h"

#include <stddef.h>
#include <stdint.h>

typedef struct tob_carnet_template tob_carnet_template_t;

/* Reads a template file (INI syntax of ini.h; keys in styles/README.md).
 * Unknown sections or keys and bad values are TOB_ERR_INPUT naming
 * file:line and "section.key"; a missing file is TOB_ERR_NOTFOUND. Names
 * of variables are checked against the store when a carnet is made.
 * Caller frees *out with tob_carnet_template_destroy(). */
TOB_API TOB_NODISCARD tob_status_t tob_carnet_template_read(
    const char *path, tob_carnet_template_t **out, tob_error_t *err);

/* Same on text in memory; name is used in messages and files named by
 * the template (map styles) are resolved against dir (NULL = "."). */
TOB_API TOB_NODISCARD tob_status_t tob_carnet_template_parse(
    const char *text, size_t len, const char *name, const char *dir,
    tob_carnet_template_t **out, tob_error_t *err);

/* The built-in template: the text of styles/carnet.ini, so that a carnet
 * can be made without the source tree. */
TOB_API TOB_NODISCARD tob_status_t
tob_carnet_template_default(tob_carnet_template_t **out, tob_error_t *err);
TOB_API const char *tob_carnet_template_default_text(void);

/* A template made from the store for carnets of level: the key figures
 * of the declared variables (those a variables file declared) that have
 * values at the level, in the variables file's order, with their labels,
 * units and decimals; an evolution for each with two years or more; a
 * communes map of the first ratio; the largest communes by the first
 * count; the communes table with the main variables; then contracts,
 * projects, GUP and the method. Caller frees *out with
 * tob_carnet_template_destroy(). Errors: TOB_ERR_SQLITE, TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t
tob_carnet_template_fit(tob_store_t *st, const char *level,
                        tob_carnet_template_t **out, tob_error_t *err);

/* A variable a template's section names and the store lacks: that
 * section, or that part of it (a key figure, a table column), is left out
 * of every carnet made with the template on this store. */
typedef struct tob_carnet_gap {
    char section[64];  /* "map:densite" */
    char variable[64]; /* "densite" */
    char closest[256]; /* the store's nearest names, "densite_2021, ..." or
                          "" */
} tob_carnet_gap_t;

/* Lists into gaps[0..max) every variable a section of tpl names that st
 * does not have, in the template's order; *n is their count (it may be
 * more than max). Errors: TOB_ERR_SQLITE, TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t tob_carnet_template_gaps(
    tob_store_t *st, const tob_carnet_template_t *tpl, tob_carnet_gap_t *gaps,
    size_t max, size_t *n, tob_error_t *err);

TOB_API void
tob_carnet_template_destroy(tob_carnet_template_t *tpl); /* NULL ok */

/* Mixes every section.key = value of the template into the 64-bit
 * fingerprint h (FNV-1a) and returns it: an atlas rerun remakes carnets
 * whose template changed. */
TOB_API uint64_t tob_carnet_template_digest(const tob_carnet_template_t *tpl,
                                            uint64_t h);

/* The values of a template's indicators for every territory of a level,
 * from which ranks ("3e sur 41") and the level's combined values come.
 * Built once, shared read-only by any number of threads. */
typedef struct tob_carnet_peers tob_carnet_peers_t;

/* Reads them from st for the territories of (level, vintage). Errors:
 * TOB_ERR_NOTFOUND (a variable the template names and does not mark
 * optional), TOB_ERR_SQLITE, TOB_ERR_NOMEM. Caller frees *out with
 * tob_carnet_peers_destroy(). */
TOB_API TOB_NODISCARD tob_status_t tob_carnet_peers_load(
    tob_store_t *st, const tob_carnet_template_t *tpl, const char *level,
    int vintage, tob_carnet_peers_t **out, tob_error_t *err);
TOB_API void tob_carnet_peers_destroy(tob_carnet_peers_t *peers); /* NULL ok */

/* Which territory, and how. Strings are borrowed for the call. */
typedef struct tob_carnet_options {
    const char *level;
    const char *code;
    int vintage;       /* 0 = the latest holding the code */
    const char *today; /* edition date "23/11/2026"; NULL = today */
    /* Peers loaded with the same template, level and vintage (the atlas
     * loads them once); NULL = read them for this carnet. */
    const tob_carnet_peers_t *peers;
    /* A value reader on the same store to use (borrowed: the atlas keeps
     * one a worker, remembering the départements' values); NULL = open
     * one for this carnet. */
    tob_values_t *values;
} tob_carnet_options_t;

/* What a carnet holds, for the atlas index. */
#define TOB_CARNET_NAME_MAX 256
#define TOB_CARNET_INDEX_MAX 4
typedef struct tob_carnet_figure {
    char label[128]; /* the variable's label */
    char unit[64];   /* its unit, "" if none */
    char text[96];   /* the number as the carnet writes it: "12,3" */
    double value;    /* NaN when missing */
} tob_carnet_figure_t;

typedef struct tob_carnet_report {
    char name[TOB_CARNET_NAME_MAX]; /* the territory's name */
    size_t n_pages;
    size_t n_communes; /* member communes */
    /* The communes its membership source gives it (relate --members), 0
     * when unknown: 103 for the CC du Ternois of which the store holds
     * 102 (n_communes). */
    size_t n_communes_expected;
    double area_km2; /* NaN when unknown */
    /* The first key figures (or those of the figures section's index
     * key), in the template's order. */
    size_t n_figures;
    tob_carnet_figure_t figures[TOB_CARNET_INDEX_MAX];
} tob_carnet_report_t;

/* Composes the carnet of opts->level/opts->code with tpl and writes it to
 * path as PDF (atomically: path.tmp, then rename). report may be NULL.
 * Errors: TOB_ERR_NOTFOUND (territory, level, a variable named by the
 * template), TOB_ERR_INPUT (template values that do not fit the store),
 * TOB_ERR_SQLITE, TOB_ERR_CAIRO, TOB_ERR_IO, TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t
tob_carnet_write(tob_store_t *st, const tob_carnet_template_t *tpl,
                 const tob_carnet_options_t *opts, const char *path,
                 tob_carnet_report_t *report, tob_error_t *err);

/* The content digest of a carnet: 16 hex digits and a NUL. */
#define TOB_CARNET_DIGEST_MAX 17

/* As tob_carnet_write(), but path is rewritten only when the carnet's
 * content changed: the PDF is composed in memory and its digest (of the
 * bytes, less the creation date) put in digest; when it equals old_digest
 * (NULL: always write) and path is there, path is left untouched and
 * *written is 0. Errors as tob_carnet_write(). */
TOB_API TOB_NODISCARD tob_status_t tob_carnet_write_changed(
    tob_store_t *st, const tob_carnet_template_t *tpl,
    const tob_carnet_options_t *opts, const char *path, const char *old_digest,
    char digest[TOB_CARNET_DIGEST_MAX], int *written,
    tob_carnet_report_t *report, tob_error_t *err);

/* Writes a small map of the territory as a PNG of width x height pixels
 * (the locator of the cover: the territory within its département, or its
 * own shape when the store has no département), atomically. For the atlas
 * index. Errors as tob_carnet_write(), and TOB_ERR_ARG for a size outside
 * 16..2000. */
TOB_API TOB_NODISCARD tob_status_t
tob_carnet_thumbnail(tob_store_t *st, const tob_carnet_options_t *opts,
                     const char *path, int width, int height, tob_error_t *err);

/* Fills report as tob_carnet_write() would (n_pages 0) without composing
 * or writing anything: for the index of carnets kept as up to date.
 * Errors as tob_carnet_write(). */
TOB_API TOB_NODISCARD tob_status_t
tob_carnet_summarize(tob_store_t *st, const tob_carnet_template_t *tpl,
                     const tob_carnet_options_t *opts,
                     tob_carnet_report_t *report, tob_error_t *err);

#endif
