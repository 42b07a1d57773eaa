/* site.h (entry point) - the web observatory: a static site partners open by
 * double-clicking index.html (file://, no server, no network). A map page
 * (choropleth or circles of any variable and year of each level written,
 * with the classes and colours of `terrobs map`, a search box and the same
 * data as a table), a page per territory, a page per contract and GUP site,
 * and downloads (CSV, GeoPackage). Data ships as .js files loaded by
 * <script>; Leaflet (Debian's libjs-leaflet) is copied in with its licence.
 * A rerun rewrites only the files whose content changed, and recomputes
 * nothing when the store and the options are those of the previous run. */
#ifndef TERROBS_SITE_H
#define TERROBS_SITE_H

#include "terrobs/error.h"

#include <stddef.h>

#define TOB_SITE_MAX_LEVELS 8
#define TOB_SITE_MAX_VARIABLES 64

/* Strings are borrowed for the call. */
typedef struct tob_site_options {
    const char *store_path;
    const char *out_dir;
    /* Levels written, in this order (the first is the map's at opening);
     * n_levels 0 = every level of the store holding territories with a
     * geometry, the most detailed (most territories) first. */
    const char *const *levels;
    size_t n_levels;
    /* Variables offered; n_variables 0 = every declared variable with a
     * value at a level written. */
    const char *const *variables;
    size_t n_variables;
    const char *title;   /* NULL = "Observatoire des territoires" */
    const char *carnets; /* an atlas folder whose PDFs pages link; NULL */
    const char *today;   /* "23/11/2026"; NULL = today */
    const char *leaflet; /* Leaflet's folder; NULL = found (see below) */
    /* Classes, as `terrobs map` makes them: NULL/0 = its defaults
     * (quantile, 5 classes, YlOrRd). */
    const char *method;
    int k;
    const char *palette;
    int force; /* recompute and rewrite every file */
    /* Threads writing the territory pages (and the downloads), each with
     * its own store connection; 0 = one per CPU. The files are the same
     * whatever the number. */
    size_t jobs;
} tob_site_options_t;

typedef struct tob_site_report {
    size_t n_levels, n_variables;
    size_t n_territories;         /* pages of territories */
    size_t n_followup;            /* pages of contracts and GUP sites */
    size_t n_files;               /* files of the site */
    size_t n_written;             /* written by this run */
    size_t n_kept;                /* unchanged, left as they were */
    size_t n_removed;             /* files of an earlier run no longer made */
    size_t jobs;                  /* threads used */
    unsigned long long bytes;     /* the site's size */
    unsigned long long map_bytes; /* the map data (geometry and values) */
    double seconds;
    char leaflet[512]; /* where Leaflet was copied from */
    /* 1 when the inputs (store, options, terrobs) were those of the
     * previous run and its files all there: nothing was recomputed. */
    int up_to_date;
    /* 1 when another session wrote to the store while it was read and the
     * pages may show it before and after (SQLite; PostgreSQL's workers
     * share one snapshot); the next run recomputes them. */
    int store_changed;
} tob_site_report_t;

/* The folder Leaflet is copied from: opts->leaflet, else the one found
 * when terrobs was configured (libjs-leaflet's
 * /usr/share/javascript/leaflet), else PREFIX/share/javascript/leaflet of
 * the installed prefix. Writes it into buf. Errors: TOB_ERR_NOTFOUND
 * saying to install libjs-leaflet. */
TOB_API TOB_NODISCARD tob_status_t tob_site_leaflet_dir(const char *asked,
                                                        char *buf, size_t size,
                                                        tob_error_t *err);

/* Writes the site into opts->out_dir (made if needed, not its parents).
 * Files are written aside and renamed; one whose content is unchanged is
 * not touched; DIR/.site-state lists what was made, so that a rerun
 * removes the files of territories gone, with the fingerprint of the
 * inputs (terrobs's version and assets, the options, Leaflet's files, the
 * store's provenance and file, the carnets present): when it is
 * unchanged and every file is still there, nothing is read or written. report
 * may be NULL. Errors: TOB_ERR_NOTFOUND (store, level, variable, Leaflet),
 * TOB_ERR_ARG, TOB_ERR_IO, TOB_ERR_SQLITE, TOB_ERR_GDAL, TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t tob_site_run(const tob_site_options_t *opts,
                                                tob_site_report_t *report,
                                                tob_error_t *err);

#endif
