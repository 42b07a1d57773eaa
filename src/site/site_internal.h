/* site_internal.h - what the site's files share: the run (store, levels,
 * variables, their values), the writer that leaves unchanged files alone,
 * and HTML/JSON escaping. */
#ifndef TERROBS_SITE_INTERNAL_H
#define TERROBS_SITE_INTERNAL_H

#include "base/codeset.h"
#include "site_geom.h"
#include "store/db.h"
#include "terrobs/site.h"
#include "terrobs/store.h"
#include "terrobs/values.h"

#include <pthread.h>
#include <stdio.h>

#define SITE_STATE_FILE ".site-state"
#define SITE_PAGE_MAX 128

typedef struct site_terr {
    tob_id_t id;
    char *code, *name;
    char page[SITE_PAGE_MAX]; /* "t/epci/200068500.html" */
    double area_m2;
} site_terr_t;

/* A variable at a year, with its values at a level (NaN = missing). */
typedef struct site_series {
    size_t var; /* index in run->vars */
    int year;
    double *values; /* one per territory of the level */
    /* Read by every page, so computed once (site_data.c): each value's
     * rank (1 = highest, 0 = missing) among the n_ranked known, and the
     * level's combined value (NaN when it has none) over total_known
     * territories. */
    size_t *rank;
    size_t n_ranked;
    double total;
    size_t total_known;
} site_series_t;

typedef struct site_level {
    char name[TOB_LEVEL_NAME_MAX + 1];
    char label[128];
    int vintage;
    site_terr_t *terrs; /* by code */
    size_t n;
    site_series_t *series;
    size_t n_series;
    site_topo_t *topo; /* NULL when the level has no geometry */
    double tol;        /* simplification, store CRS units */
    int max_zoom;
    /* the codes whose page follows contracts (followup_places.h) */
    tob_codeset_t *contract_codes;
} site_level_t;

/* A file of the site, relative to out_dir, and its size. */
typedef struct site_made {
    char *rel;
    unsigned long long size;
} site_made_t;

typedef struct site_run {
    const tob_site_options_t *opts;
    tob_site_report_t *rep;
    tob_store_t *st;
    tob_values_t *vals;
    const tob_variable_t **vars;
    size_t n_vars;
    site_level_t *levels;
    size_t n_levels;
    /* guards rep's counts and made, which the page workers share */
    pthread_mutex_t lock;
    site_made_t *made; /* files written or kept by this run */
    size_t n_made, cap_made;
    /* what the previous run made (.site-state), and the fingerprint of
     * its inputs and of this run's */
    site_made_t *before;
    size_t n_before;
    char before_fp[24], fingerprint[24];
    char today[16];
    const char *title;
    db_shared_read_t read; /* the read the workers join */
} site_run_t;

/* ---- writing (site_out.c) ---------------------------------------------- */

/* A page or data file being composed in memory. */
typedef struct site_mem {
    FILE *fp;
    char *buf;
    size_t len;
} site_mem_t;

tob_status_t site_mem_open(site_mem_t *m, tob_error_t *err);
/* Closes m and writes it to out_dir/rel unless the file there holds the
 * same bytes. */
tob_status_t site_mem_emit(site_run_t *run, site_mem_t *m, const char *rel,
                           tob_error_t *err);
void site_mem_discard(site_mem_t *m);
tob_status_t site_emit(site_run_t *run, const char *rel, const void *data,
                       size_t len, tob_error_t *err);
/* Copies the file at path to out_dir/rel. */
tob_status_t site_copy(site_run_t *run, const char *path, const char *rel,
                       tob_error_t *err);
/* 1 if out_dir/path holds exactly these bytes. */
int site_same_content(const char *path, const void *data, size_t len);
/* Writes path aside and renames it; fsync first when sync_it. -1 with
 * errno on failure (nothing left behind). */
int site_write_whole(const char *path, const void *data, size_t len,
                     int sync_it);

/* ---- what a run depends on, what it made (site_state.c) ----------------- */

/* The fingerprint of what the site depends on besides the store's
 * content read by this run (terrobs's version and assets, the options,
 * Leaflet's files in leaflet, the store's provenance and file, the
 * carnets present), into run->fingerprint; then reads the previous run's
 * .site-state (none is no error). */
tob_status_t site_state_begin(site_run_t *run, const char *leaflet,
                              tob_error_t *err);
/* 1 if the previous run had the same fingerprint and each of its files
 * is still there with its size: the site is up to date (the report says
 * so, counting its files as kept). */
int site_state_current(site_run_t *run);
/* Removes the files of the previous run that this one did not make, then
 * writes .site-state: fingerprint, then each file with its size. */
tob_status_t site_state_finish(site_run_t *run, tob_error_t *err);
void site_state_free(site_run_t *run);

void site_json(FILE *fp, const char *text); /* a JSON string, quoted */
/* A JSON number, or null for NaN. */
void site_json_number(FILE *fp, double v);

/* ---- data (site_data.c) ------------------------------------------------- */

/* Reads the levels, their territories, the variables and every value. */
tob_status_t site_data_load(site_run_t *run, tob_error_t *err);
void site_data_free(site_run_t *run);
/* data/<level>-geo.js and data/<level>-values.js, data/site.js. */
tob_status_t site_data_write(site_run_t *run, tob_error_t *err);
/* The level called name among those written, NULL if none. */
const site_level_t *site_level_find(const site_run_t *run, const char *name);
/* The combined value of se at its level, as the carnet gives it: a sum,
 * a ratio of sums, a weighted mean over the territories that have every
 * part (and mask[i] when mask is not NULL); NaN for means and for parts
 * the site does not carry. *n_known: the territories counted. */
double site_level_total(const site_run_t *run, const site_level_t *lv,
                        const site_series_t *se, const unsigned char *mask,
                        size_t *n_known);
/* A code as a file name: [A-Za-z0-9_-] kept (not a leading '-'), any
 * other byte '_' (site.js's pageOf() does the same). */
void site_safe_code(const char *code, char *buf, size_t size);
/* The index of code in level, (size_t)-1 if absent. */
size_t site_terr_index(const site_level_t *lv, const char *code);

/* ---- pages (site_pages.c, site_territory.c, site_followup.c) ----------- */

/* The <head> and banner of a page; root is "" or "../../". */
void site_page_head(const site_run_t *run, FILE *fp, const char *title,
                    const char *root);
void site_page_foot(const site_run_t *run, FILE *fp, const char *root);
tob_status_t site_write_index(site_run_t *run, tob_error_t *err);
/* The pages of territories first to last of the level, read from st and
 * vals (a worker's own connection: site.c runs several at once). */
tob_status_t site_write_territories(site_run_t *run, tob_store_t *st,
                                    tob_values_t *vals, const site_level_t *lv,
                                    size_t first, size_t last,
                                    tob_error_t *err);
tob_status_t site_write_followup(site_run_t *run, tob_error_t *err);
tob_status_t site_write_downloads(site_run_t *run, tob_store_t *st,
                                  tob_error_t *err);
/* "f/contrat-CT59-CAMBRESIS.html": the page of a contract. */
void site_contract_page(const char *code, char *buf, size_t size);

/* ---- charts (site_charts.c) ---------------------------------------------- */

#define SITE_EVO_SERIES 3 /* the territory, its département, its level */
#define SITE_EVO_YEARS 16

/* An evolution: a value per year of each series (NaN = missing). */
typedef struct site_evo {
    const tob_variable_t *meta; /* of the last year: label, unit */
    int years[SITE_EVO_YEARS];
    size_t n_years, n_series;
    char labels[SITE_EVO_SERIES][400];
    double values[SITE_EVO_SERIES][SITE_EVO_YEARS];
} site_evo_t;

/* The evolution as the carnet shows it: a base-100 line chart in inline
 * SVG (its text alternative in <title> and <desc>) and the values table;
 * id makes the elements' ids unique in the page. Nothing for fewer than
 * two years. */
void site_evolution_html(FILE *fp, const site_evo_t *e, int id);

/* The embedded assets (site_assets.c, generated from src/site/assets/). */
extern const unsigned char site_asset_js[];
extern const unsigned char site_asset_css[];

#endif
