/* atlas.h (entry point) - a carnet for every territory of a level, made in
 * parallel, and an offline HTML index (sortable table of territories with key
 * figures, linking each carnet). Each worker thread opens its own store
 * connection. A territory that fails is reported without stopping the others;
 * carnets already up to date are kept unless forced. */
#ifndef TERROBS_ATLAS_H
#define TERROBS_ATLAS_H

#include "terrobs/carnet.h"
#include "terrobs/error.h"

#include <stddef.h>

/* Called after each territory (from worker threads, one call at a time).
 * status is TOB_OK for a carnet written or kept; skipped is 1 when it was
 * kept as up to date. err holds the failure otherwise. */
typedef void (*tob_atlas_progress_fn_t)(void *user, size_t done, size_t total,
                                        const char *code, const char *name,
                                        int skipped, double seconds,
                                        tob_status_t status,
                                        const tob_error_t *err);

/* Strings are borrowed for the call; tpl is shared read-only by workers. */
typedef struct tob_atlas_options {
    const char *store_path;
    const char *level;
    int vintage; /* 0 = the latest of the level */
    const char *out_dir;
    size_t jobs; /* worker threads; 0 = one per CPU */
    int force;   /* remake every carnet */
    const tob_carnet_template_t *tpl;
    const char *today; /* edition date "23/11/2026"; NULL = today */
    tob_atlas_progress_fn_t progress; /* may be NULL */
    void *progress_user;
    /* The part of the level to make (ranks stay among the whole level):
     * territories lying in any of within[0..n_within), each "LEVEL:CODE"
     * ("departement:62", "epci:200068500") through the store's
     * memberships, and/or those listed in codes_path (one code a line;
     * blank lines and '#' comments skipped). None: the whole level.
     * Carnets of an earlier run outside the part are kept, and listed in
     * the index. */
    const char *const *within;
    size_t n_within;
    const char *codes_path; /* may be NULL */
} tob_atlas_options_t;

/* One territory that failed. */
typedef struct tob_atlas_failure {
    char code[64];
    char name[TOB_CARNET_NAME_MAX];
    tob_error_t err;
} tob_atlas_failure_t;

typedef struct tob_atlas_report {
    size_t n_territories; /* of the part made, the whole level by default */
    size_t n_written;
    size_t n_kept;      /* inputs unchanged: not composed again */
    size_t n_unchanged; /* composed again, same content: not rewritten */
    size_t n_failed;    /* listed in failures */
    size_t n_removed;   /* carnets of territories no longer in the level */
    tob_atlas_failure_t *failures; /* freed by tob_atlas_report_free() */
    double seconds;                /* wall time of the whole run */
    size_t jobs;                   /* threads used */
    /* 1 when another session wrote to the store while it was read and the
     * carnets may show it before and after (SQLite; PostgreSQL's workers
     * share one snapshot); the next run composes them again. */
    int store_changed;
} tob_atlas_report_t;

/* Makes out_dir if needed (not its parents), writes a
 * carnet "<code>-<slug>.pdf" per territory of the level (or of the part
 * asked for) and out_dir/index.html, and records what was made in
 * out_dir/.atlas-state: a rerun keeps, without composing them, carnets
 * whose store data, template and terrobs version did not change; when
 * they did, it composes every carnet again and rewrites only those whose
 * content (the PDF's bytes) changed. Failures of single territories are counted
 * in report (status stays TOB_OK); errors are for the run as a whole:
 * TOB_ERR_NOTFOUND (store, level, a --within parent, a listed code),
 * TOB_ERR_INPUT (a malformed within), TOB_ERR_IO (out_dir, index),
 * TOB_ERR_SQLITE, TOB_ERR_NOMEM. Call tob_atlas_report_free() on report
 * in every case. */
TOB_API TOB_NODISCARD tob_status_t
tob_atlas_run(const tob_atlas_options_t *opts, tob_atlas_report_t *report,
              tob_error_t *err);
TOB_API void tob_atlas_report_free(tob_atlas_report_t *report);

/* The carnet file name of a territory: "<code>-<slug of name>.pdf", where
 * the code's characters other than [A-Za-z0-9_-] (and a leading '-')
 * become '_'. Returns buf. */
TOB_API char *tob_atlas_file_name(const char *code, const char *name, char *buf,
                                  size_t size);

#endif
