/* carnet_internal.h - what the carnet's files share: the parsed template,
 * the territory being described, and the composition context that each
 * section (carnet_*.c) adds pages to. */
#ifndef TERROBS_CARNET_INTERNAL_H
#define TERROBS_CARNET_INTERNAL_H

#include "terrobs/carnet.h"
#include "terrobs/layout.h"

#include "store/db.h"

/* ---- template ---------------------------------------------------------- */

typedef enum carnet_kind {
    CARNET_COVER,
    CARNET_COMMUNES_TABLE,
    CARNET_TEXT,
    CARNET_CONTRACTS,
    CARNET_GUP,
    CARNET_MAP,
    CARNET_FIGURES,
    CARNET_EVOLUTION,
    CARNET_COMMUNES_CHART,
    CARNET_TERRITORIES,
    CARNET_N_KINDS
} carnet_kind_t;

typedef struct tpl_entry {
    char *section, *key, *value;
    long line;
} tpl_entry_t;

typedef struct tpl_section {
    carnet_kind_t kind;
    char *id; /* "communes-table" or "text:methode" */
} tpl_section_t;

struct tob_carnet_template {
    char *name; /* file name for messages */
    char *dir;  /* where relative paths of the template point */
    tpl_entry_t *entries;
    size_t n_entries, cap_entries;
    tpl_section_t *sections; /* in the order of carnet.sections */
    size_t n_sections;
};

/* The value of section.key, NULL if absent; *line (may be NULL) gets its
 * line. Borrowed for the template's life. */
const char *tpl_get(const tob_carnet_template_t *tpl, const char *section,
                    const char *key, long *line);

/* Same with a default. */
const char *tpl_get_or(const tob_carnet_template_t *tpl, const char *section,
                       const char *key, const char *fallback);

/* 1 if section.key is "yes", 0 if "no", fallback if absent. */
int tpl_yes(const tob_carnet_template_t *tpl, const char *section,
            const char *key, int fallback);

/* Splits a list value ("a, b c") into at most max words written into
 * words (each a malloc'd string); returns the count, or (size_t)-1 when
 * out of memory. Free with tpl_free_words(). */
size_t tpl_split(const char *value, char **words, size_t max);
void tpl_free_words(char **words, size_t n);

/* Marks err with the template's name, the line of section.key and the
 * field "section.key". Returns err's code. */
tob_status_t tpl_error_at(const tob_carnet_template_t *tpl, const char *section,
                          const char *key, tob_error_t *err);

/* A variable a section names, and the year asked (0 = the latest). */
#define CARNET_MAX_VARS 16
typedef struct carnet_var {
    char name[64];
    int year;
} carnet_var_t;

/* The variables of a figures section (key indicators) or an evolution
 * section (key variables), with the section's year; at most max. */
size_t carnet_section_vars(const tob_carnet_template_t *tpl,
                           const tpl_section_t *sec, carnet_var_t *vars,
                           size_t max);

/* ---- territory ----------------------------------------------------------- */

typedef struct carnet_unit {
    tob_id_t id;
    char *level, *level_label, *code, *name;
    double area_m2; /* NaN when unknown */
} carnet_unit_t;

typedef struct carnet_territory {
    carnet_unit_t self;
    int vintage;
    int has_geom;           /* the territory has its own polygon */
    carnet_unit_t *parents; /* nearest first, then départements */
    size_t n_parents;
    carnet_unit_t *communes; /* member communes by name */
    size_t n_communes;
    size_t n_communes_expected; /* in its membership source (103 for the
                                   CC du Ternois), 0 if unknown */
    carnet_unit_t *departement; /* main département, NULL if none */
} carnet_territory_t;

/* Reads everything the cover and the sections need about a territory.
 * Errors: TOB_ERR_NOTFOUND naming level and code. */
tob_status_t carnet_territory_load(tob_store_t *st, const char *level,
                                   const char *code, int vintage,
                                   carnet_territory_t *out, tob_error_t *err);
void carnet_territory_free(carnet_territory_t *t);

/* The territories of level related to territory id or to its members at
 * any depth, by membership or overlap, each once, by name. Caller frees
 * with carnet_units_free(). */
tob_status_t carnet_related_units(tob_store_t *st, tob_id_t id,
                                  const char *level, carnet_unit_t **units,
                                  size_t *n, tob_error_t *err);

/* The territory of level with code, its latest vintage; *found 0 (and
 * TOB_OK) when there is none. Caller frees its strings with
 * carnet_unit_clear(). */
tob_status_t carnet_unit_by_code(tob_store_t *st, const char *level,
                                 const char *code, carnet_unit_t *out,
                                 int *found, tob_error_t *err);
void carnet_unit_clear(carnet_unit_t *u);
void carnet_units_free(carnet_unit_t *units, size_t n);

/* The nearest ancestor of territory id at level (*found 0 if none), its
 * name into name. */
tob_status_t carnet_ancestor(tob_store_t *st, tob_id_t id, const char *level,
                             tob_id_t *found, char *name, size_t size,
                             tob_error_t *err);

/* The latest loaded_at of the store's provenance as "22/11/2026" ("" if
 * none). */
tob_status_t carnet_store_date(tob_store_t *st, char *buf, size_t size,
                               tob_error_t *err);

/* ---- peers: every territory of the level ----------------------------------
 */

#include "carnet_fmt.h"
#include "terrobs/values.h"

typedef struct peer_var {
    char name[TOB_VARIABLE_NAME_MAX];
    int year;
    tob_variable_t meta;
    double *values; /* by peer, in the order of ids; NaN = missing */
    double *sorted; /* the finite values, largest first */
    size_t n_valid;
} peer_var_t;

struct tob_carnet_peers {
    char level[TOB_LEVEL_NAME_MAX + 1];
    int vintage;
    tob_id_t *ids; /* increasing */
    size_t n_ids;
    peer_var_t *vars;
    size_t n_vars;
};

void carnet_peers_free_var(peer_var_t *v);

/* The years a variable has values for (a ratio without observations: the
 * years both its parts have), increasing, at most max. */
size_t carnet_series_years(tob_store_t *st, const tob_variable_t *meta,
                           int *years, size_t max);

/* The (variable, year) points of an evolution section: each year of a
 * variable with several years, else the variable itself (year as the
 * section gives it: 0, the latest). At most max. */
size_t carnet_evolution_points(tob_store_t *st, tob_values_t *vals,
                               const tob_carnet_template_t *tpl,
                               const tpl_section_t *sec, carnet_var_t *points,
                               size_t max);
const peer_var_t *carnet_peer_var(const tob_carnet_peers_t *p, const char *name,
                                  int year);
size_t carnet_peer_index(const tob_carnet_peers_t *p, tob_id_t id);
/* 1 + how many peers have a larger value; 0 for a missing value. *of is
 * the number of peers with a value. */
size_t carnet_peer_rank(const peer_var_t *v, double value, size_t *of);
/* Clears in mask (one byte per peer, 1 = counted) the peers whose value
 * of v, or a part of it, is missing; returns how many remain. Means and
 * 'none' have no combined value: all are cleared. */
size_t carnet_peers_known(const tob_carnet_peers_t *p, const peer_var_t *v,
                          unsigned char *mask);
/* The combined value of the peers in mask: a sum, the ratio of summed
 * parts, a weighted mean; NaN when there is none. */
double carnet_peers_total(const tob_carnet_peers_t *p, const peer_var_t *v,
                          const unsigned char *mask);

/* ---- composition -----------------------------------------------------------
 */

typedef struct carnet_ctx {
    tob_store_t *st;
    const tob_carnet_template_t *tpl;
    const carnet_territory_t *terr;
    tob_doc_t *doc;
    tob_values_t *vals;              /* values of this store, NULL if unused */
    int own_vals;                    /* vals opened here, closed at the end */
    const tob_carnet_peers_t *peers; /* given, or own_peers */
    tob_carnet_peers_t *own_peers;
    tob_carnet_report_t *report; /* figures for the atlas index */
    char today[16];              /* "23/11/2026" */
    char store_date[16];         /* last load or import, "" if none */
} carnet_ctx_t;

typedef tob_status_t (*carnet_section_fn_t)(carnet_ctx_t *ctx,
                                            const tpl_section_t *sec,
                                            tob_error_t *err);

tob_status_t carnet_cover(carnet_ctx_t *ctx, const tpl_section_t *sec,
                          tob_error_t *err);
tob_status_t carnet_communes_table(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                   tob_error_t *err);
tob_status_t carnet_text(carnet_ctx_t *ctx, const tpl_section_t *sec,
                         tob_error_t *err);
/* The territories of another level lying in this one (a city's QPV and
 * quartiers) with the section's columns, then its reference rows. */
tob_status_t carnet_territories(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                tob_error_t *err);

tob_status_t carnet_map(carnet_ctx_t *ctx, const tpl_section_t *sec,
                        tob_error_t *err);

/* Draws the locator map (the territory within its département) into r;
 * does nothing without a département. */
tob_status_t carnet_locator(carnet_ctx_t *ctx, cairo_t *cr, const tob_rect_t *r,
                            tob_error_t *err);

/* Writes a width x height PNG: the locator, or the territory's shape
 * when the store has no département. */
tob_status_t carnet_thumbnail(carnet_ctx_t *ctx, const char *path, int width,
                              int height, tob_error_t *err);

tob_status_t carnet_figures(carnet_ctx_t *ctx, const tpl_section_t *sec,
                            tob_error_t *err);
tob_status_t carnet_evolution(carnet_ctx_t *ctx, const tpl_section_t *sec,
                              tob_error_t *err);
tob_status_t carnet_communes_chart(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                   tob_error_t *err);

/* Values and peers, opened on first use. */
tob_status_t carnet_need_values(carnet_ctx_t *ctx, tob_error_t *err);

/* The metadata of a variable a section names under key; *meta NULL and
 * TOB_OK when it is absent and the section optional, else an error naming
 * the template's line. */
tob_status_t carnet_section_meta(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                 const char *key, const char *name,
                                 const tob_variable_t **meta, tob_error_t *err);

/* The indicator columns a table section lists under "columns", with their
 * metadata, into vars/meta (CARNET_MAX_VARS each; optional ones the store
 * lacks left out); *n their count. Opens the values on first use. */
tob_status_t carnet_section_columns(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                    carnet_var_t *vars,
                                    const tob_variable_t **meta, size_t *n,
                                    tob_error_t *err);

/* The index figures of the atlas (report->figures) without composing. */
tob_status_t carnet_index_figures(carnet_ctx_t *ctx, tob_error_t *err);

/* "Ensemble des 39 EPCI", or "Ensemble des 32 EPCI renseignés (sur 39)"
 * when n of them are counted. */
void carnet_level_total_label(const carnet_ctx_t *ctx, size_t n, char *buf,
                              size_t size);

/* 1 when a level's noun is feminine in French (commune, zone, région...):
 * "les communes renseignées", "les EPCI renseignés". */
int carnet_level_feminine(const char *label);

tob_status_t carnet_contracts(carnet_ctx_t *ctx, const tpl_section_t *sec,
                              tob_error_t *err);
tob_status_t carnet_gup(carnet_ctx_t *ctx, const tpl_section_t *sec,
                        tob_error_t *err);

/* Lays out a follow-up report (report.h): headings as sub-section titles
 * (and the report's title too when title_heading), paragraphs, tables cut
 * to max_rows rows with a note saying so. */
struct tob_report;
tob_status_t carnet_put_report(tob_doc_t *doc, const struct tob_report *report,
                               size_t max_rows, int title_heading,
                               tob_error_t *err);

/* "12 345,6 km²" from m², "n.d." when unknown. */
void carnet_fmt_area(double area_m2, char *buf, size_t size);

#endif
