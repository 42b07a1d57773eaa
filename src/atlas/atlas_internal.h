/* atlas_internal.h - shared by atlas.c (territories, workers), atlas_state.c
 * (what a previous run made), atlas_select.c (the part of the level made)
 * and atlas_html.c (the index). */
#ifndef TERROBS_ATLAS_INTERNAL_H
#define TERROBS_ATLAS_INTERNAL_H

#include "store/db.h"
#include "terrobs/atlas.h"
#include "terrobs/store.h"

#include <pthread.h>

#define ATLAS_FILE_MAX 192
#define ATLAS_STATE_FILE ".atlas-state"
#define ATLAS_FINGERPRINT_MAX 24
#define ATLAS_THUMB_PX 128 /* shown at 64 CSS pixels: sharp on any screen */

/* A carnet a previous run made: the fingerprint of the inputs it was made
 * with, the digest of its content, and what the index shows of it. */
typedef struct atlas_made {
    char *file;
    char fingerprint[ATLAS_FINGERPRINT_MAX];
    char digest[TOB_CARNET_DIGEST_MAX];
    tob_carnet_report_t summary;
} atlas_made_t;

/* One territory of the level; each is written by one worker only. */
typedef struct atlas_entry {
    char *code, *name;
    char file[ATLAS_FILE_MAX]; /* carnet file name in out_dir */
    int selected;              /* in the part of the level made this run */
    const atlas_made_t *made;  /* what a previous run left, or NULL */
    tob_carnet_report_t summary;
    char digest[TOB_CARNET_DIGEST_MAX];
    tob_status_t status;
    tob_error_t err;
    int kept;      /* inputs unchanged: not composed again */
    int unchanged; /* composed again, same content: file left untouched */
    double seconds;
} atlas_entry_t;

typedef struct atlas_run {
    const tob_atlas_options_t *opts;
    int vintage;
    tob_carnet_peers_t *peers; /* loaded once, read by every worker */
    char level_label[128];
    atlas_entry_t *entries; /* the whole level, by code */
    size_t n_entries;
    size_t *todo; /* indices of the selected entries */
    size_t n_todo;
    char fingerprint[ATLAS_FINGERPRINT_MAX]; /* of this run's inputs */
    atlas_made_t *made;                      /* sorted by file */
    size_t n_made;
    pthread_mutex_t lock; /* guards next, done and progress calls */
    size_t next, done;
    /* The caller's connection, open until the workers are done, and the
     * read they join (db_begin_shared_read()). */
    tob_store_t *reader;
    db_shared_read_t read;
} atlas_run_t;

/* Reads the fingerprint of what carnets depend on: terrobs's version, the
 * template, the level and vintage, the store's provenance (last load or
 * import and their count) and what run->read saw of it. */
tob_status_t atlas_fingerprint(tob_store_t *st, atlas_run_t *run,
                               tob_error_t *err);

/* Reads out_dir/.atlas-state into run->made (none if absent). */
tob_status_t atlas_state_read(atlas_run_t *run, tob_error_t *err);

/* Points each entry to what a previous run made of it (entry->made). */
void atlas_state_attach(atlas_run_t *run);

/* 1 if entry's carnet was made with the current fingerprint and is still
 * there, with its index summary. */
int atlas_is_current(const atlas_run_t *run, const atlas_entry_t *entry);

/* 1 if entry is in the index: made this run (or failed), or made before
 * and still there. Its summary is then in *summary. */
int atlas_is_listed(const atlas_run_t *run, const atlas_entry_t *entry,
                    const tob_carnet_report_t **summary);

/* Marks the entries of the part of the level asked for (opts->within,
 * opts->codes_path; all without them) and lists them in run->todo.
 * Errors: TOB_ERR_NOTFOUND (a parent, a code of the file, or nothing in
 * it), TOB_ERR_INPUT (a bad --within), TOB_ERR_IO, TOB_ERR_NOMEM. */
tob_status_t atlas_select(tob_store_t *st, atlas_run_t *run, tob_error_t *err);

/* Writes out_dir/.atlas-state for the carnets now present (those made
 * this run, and those of earlier runs outside this run's part) and
 * deletes the carnets of a previous run whose territory left the level;
 * returns how many. */
tob_status_t atlas_state_write(atlas_run_t *run, size_t *n_removed,
                               tob_error_t *err);
void atlas_state_free(atlas_run_t *run);

/* Writes out_dir/index.html atomically. */
tob_status_t atlas_write_index(const atlas_run_t *run, tob_error_t *err);

/* "thumbs/<file without .pdf>.png", relative to out_dir. */
void atlas_thumb_name(const char *file, char *buf, size_t size);

/* "<dir>/<name>" into buf; -1 if it does not fit. */
int atlas_path(const char *dir, const char *name, char *buf, size_t size);

#endif
