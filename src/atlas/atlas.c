/* atlas.c - every territory of a level: the list from the store, worker
 * the part of it asked for, worker threads each with its own store
 * connection taking territories from a shared counter, then the index and
 * the state of the run. */
#include "atlas_internal.h"

#include "store/db.h"
#include "terrobs/cells.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char SQL_TERRITORIES[] =
    "SELECT t.code, t.name, l.label FROM territory t"
    "  JOIN level l ON l.name = t.level"
    " WHERE t.level = ?1 AND t.vintage = ?2 ORDER BY t.code";

static const char SQL_LATEST[] =
    "SELECT max(vintage) FROM territory WHERE level = ?1";

char *tob_atlas_file_name(const char *code, const char *name, char *buf,
                          size_t size)
{
    char safe[64], slug[TOB_SLUG_MAX + 1];
    size_t n = 0;
    for (; code[n] != '\0' && n + 1 < sizeof safe; n++) {
        char c = code[n];
        /* A leading '-' would read as an option to rm, zip, lp... */
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                 (c >= '0' && c <= '9') || (c == '-' && n > 0) || c == '_';
        safe[n] = ok ? c : '_';
    }
    safe[n] = '\0';
    tob_text_slug(name, slug, sizeof slug);
    snprintf(buf, size, "%s-%s.pdf", safe, slug);
    return buf;
}

int atlas_path(const char *dir, const char *name, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static tob_status_t resolve_vintage(tob_store_t *st, atlas_run_t *run,
                                    tob_error_t *err)
{
    run->vintage = run->opts->vintage;
    if (run->vintage != 0)
        return TOB_OK;
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st, SQL_LATEST, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text_static(s, 1, run->opts->level);
    if (db_step(s) == DB_ROW && db_column_type(s, 0) != DB_NULL)
        run->vintage = db_column_int(s, 0);
    else {
        near_t near;
        status = tob_error_set(
            err, TOB_ERR_NOTFOUND, "no territory of level '%s' in the store%s",
            run->opts->level, db_near_level(st, &near, run->opts->level));
    }
    db_finalize(s);
    return status;
}

static tob_status_t add_entry(atlas_run_t *run, db_stmt_t *s, size_t *cap,
                              tob_error_t *err)
{
    if (run->n_entries == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        atlas_entry_t *e = realloc(run->entries, *cap * sizeof *e);
        if (e == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        run->entries = e;
    }
    atlas_entry_t *e = &run->entries[run->n_entries];
    memset(e, 0, sizeof *e);
    e->code = strdup(db_column_text(s, 0));
    e->name = strdup(db_column_text(s, 1));
    run->n_entries++;
    if (e->code == NULL || e->name == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    snprintf(run->level_label, sizeof run->level_label, "%s",
             db_column_text(s, 2));
    tob_atlas_file_name(e->code, e->name, e->file, sizeof e->file);
    return TOB_OK;
}

static tob_status_t list_territories(tob_store_t *st, atlas_run_t *run,
                                     tob_error_t *err)
{
    tob_status_t status = resolve_vintage(st, run, err);
    db_stmt_t *s = NULL;
    if (status == TOB_OK)
        status = db_prepare(st, SQL_TERRITORIES, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text_static(s, 1, run->opts->level);
    db_bind_int(s, 2, run->vintage);
    size_t cap = 0;
    int rc;
    while (status == TOB_OK && (rc = db_step(s)) == DB_ROW)
        status = add_entry(run, s, &cap, err);
    if (status == TOB_OK && rc != DB_DONE)
        status = db_fail(st, "listing territories", err);
    db_finalize(s);
    if (status == TOB_OK && run->n_entries == 0)
        status = tob_error_set(err, TOB_ERR_NOTFOUND,
                               "no territory of level '%s', vintage %d",
                               run->opts->level, run->vintage);
    return status;
}

/* The thumbnail, remade with its carnet or when missing. */
static tob_status_t thumbnail(atlas_run_t *run, tob_store_t *st,
                              atlas_entry_t *e, const tob_carnet_options_t *o)
{
    char name[ATLAS_FILE_MAX + 16], path[4096];
    atlas_thumb_name(e->file, name, sizeof name);
    if (atlas_path(run->opts->out_dir, name, path, sizeof path) != 0)
        return tob_error_set(&e->err, TOB_ERR_ARG, "path too long");
    if ((e->kept || e->unchanged) && access(path, F_OK) == 0)
        return TOB_OK;
    return tob_carnet_thumbnail(st, o, path, ATLAS_THUMB_PX, ATLAS_THUMB_PX,
                                &e->err);
}

/* Composes the carnet again, and rewrites it only if its content
 * changed (a new value elsewhere in the store may not show in it). */
static tob_status_t remake(atlas_run_t *run, tob_store_t *st, atlas_entry_t *e,
                           const tob_carnet_options_t *o, const char *path)
{
    const char *old =
        run->opts->force || e->made == NULL ? NULL : e->made->digest;
    int written = 0;
    tob_status_t status =
        tob_carnet_write_changed(st, run->opts->tpl, o, path, old, e->digest,
                                 &written, &e->summary, &e->err);
    e->unchanged = status == TOB_OK && !written;
    return status;
}

static void process(atlas_run_t *run, tob_store_t *st, tob_values_t *vals,
                    atlas_entry_t *e)
{
    double t0 = now_seconds();
    const tob_atlas_options_t *opts = run->opts;
    tob_carnet_options_t o = {.level = opts->level,
                              .code = e->code,
                              .vintage = run->vintage,
                              .today = opts->today,
                              .peers = run->peers,
                              .values = vals};
    char path[4096];
    if (atlas_path(opts->out_dir, e->file, path, sizeof path) != 0) {
        e->status = tob_error_set(&e->err, TOB_ERR_ARG, "path too long");
    } else if (!opts->force && atlas_is_current(run, e)) {
        /* Nothing it shows can have changed: not even read. */
        e->kept = 1;
        e->summary = e->made->summary;
        snprintf(e->summary.name, sizeof e->summary.name, "%s", e->name);
        memcpy(e->digest, e->made->digest, sizeof e->digest);
        e->status = TOB_OK;
    } else {
        e->status = remake(run, st, e, &o, path);
    }
    if (e->status == TOB_OK)
        e->status = thumbnail(run, st, e, &o);
    e->seconds = now_seconds() - t0;
}

void atlas_thumb_name(const char *file, char *buf, size_t size)
{
    size_t n = strlen(file);
    size_t stem = n > 4 ? n - 4 : n;
    snprintf(buf, size, "thumbs/%.*s.png", (int)stem, file);
}

/* The next entry to make, or n_entries when none is left. */
static size_t take(atlas_run_t *run)
{
    pthread_mutex_lock(&run->lock);
    size_t i = run->n_entries;
    if (run->next < run->n_todo)
        i = run->todo[run->next++];
    pthread_mutex_unlock(&run->lock);
    return i;
}

static void finished(atlas_run_t *run, const atlas_entry_t *e)
{
    pthread_mutex_lock(&run->lock);
    run->done++;
    if (run->opts->progress != NULL)
        run->opts->progress(run->opts->progress_user, run->done, run->n_todo,
                            e->code, e->name, e->kept, e->seconds, e->status,
                            &e->err);
    pthread_mutex_unlock(&run->lock);
}

/* A worker: its own store connection (and so its own SpatiaLite cache),
 * territories taken one at a time until none is left. Its reads run in
 * one transaction: every carnet sees the same store (an import made
 * meanwhile shows in the next run), and SQLite takes its file locks once
 * instead of for every query (a quarter of a commune carnet's time). */
static void *worker(void *arg)
{
    atlas_run_t *run = arg;
    tob_store_t *st = NULL;
    tob_error_t open_err;
    tob_error_clear(&open_err);
    tob_status_t open_status =
        tob_store_open(run->opts->store_path, TOB_STORE_READ, &st, &open_err);
    tob_values_t *vals = NULL;
    if (open_status == TOB_OK)
        open_status = db_join_shared_read(st, &run->read, &open_err);
    if (open_status == TOB_OK)
        open_status = tob_values_open(st, &vals, &open_err);
    /* The store does not change within the transaction: the values made
     * from members (the département of a thousand communes) are computed
     * once a worker, not once a carnet. */
    if (vals != NULL)
        tob_values_remember(vals, 1);
    for (;;) {
        size_t i = take(run);
        if (i >= run->n_entries)
            break;
        atlas_entry_t *e = &run->entries[i];
        tob_error_clear(&e->err);
        if (open_status != TOB_OK) {
            e->status = open_status;
            e->err = open_err;
        } else {
            process(run, st, vals, e);
        }
        finished(run, e);
    }
    tob_values_close(vals);
    if (open_status == TOB_OK)
        tob_store_rollback(st); /* nothing was written */
    tob_store_close(st);
    return NULL;
}

static size_t count_jobs(const atlas_run_t *run)
{
    size_t jobs = run->opts->jobs;
    if (jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (size_t)n : 1;
    }
    return jobs < run->n_todo ? jobs : run->n_todo;
}

/* Runs the workers; with no thread to be had, the caller's does it all. */
static size_t run_workers(atlas_run_t *run)
{
    size_t jobs = count_jobs(run), started = 0;
    pthread_t *threads = calloc(jobs, sizeof *threads);
    for (; threads != NULL && started < jobs; started++)
        if (pthread_create(&threads[started], NULL, worker, run) != 0)
            break;
    if (started == 0)
        worker(run);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    return started > 0 ? started : 1;
}

static tob_status_t make_dir(const char *dir, tob_error_t *err)
{
    struct stat sb;
    if (mkdir(dir, 0777) == 0)
        return TOB_OK;
    if (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
        return TOB_OK;
    tob_status_t st =
        tob_error_set(err, TOB_ERR_IO,
                      "cannot make the "
                      "folder: %s",
                      strerror(errno == EEXIST ? ENOTDIR : errno));
    tob_error_at(err, dir, 0, NULL);
    return st;
}

/* Whether any carnet of the part must be composed (and so needs the
 * level's peers, the slowest thing to read on a national level). */
static int any_to_compose(const atlas_run_t *run)
{
    for (size_t k = 0; k < run->n_todo; k++)
        if (run->opts->force ||
            !atlas_is_current(run, &run->entries[run->todo[k]]))
            return 1;
    return 0;
}

/* Lists the territories, fingerprints the inputs and reads what an
 * earlier run made, on a connection of its own whose read the workers
 * join (run->reader, closed once they are done). */
static tob_status_t prepare(atlas_run_t *run, tob_error_t *err)
{
    tob_store_t *st = NULL;
    tob_status_t status =
        tob_store_open(run->opts->store_path, TOB_STORE_READ, &st, err);
    run->reader = st;
    if (status == TOB_OK) /* one snapshot, locks taken once */
        status = db_begin_shared_read(st, &run->read, err);
    if (status == TOB_OK)
        status = list_territories(st, run, err);
    if (status == TOB_OK)
        status = atlas_select(st, run, err);
    if (status == TOB_OK)
        status = atlas_fingerprint(st, run, err);
    if (status == TOB_OK)
        status = atlas_state_read(run, err);
    if (status == TOB_OK)
        atlas_state_attach(run);
    if (status == TOB_OK && any_to_compose(run))
        status = tob_carnet_peers_load(st, run->opts->tpl, run->opts->level,
                                       run->vintage, &run->peers, err);
    char thumbs[4096];
    if (status == TOB_OK)
        status = make_dir(run->opts->out_dir, err);
    if (status == TOB_OK &&
        atlas_path(run->opts->out_dir, "thumbs", thumbs, sizeof thumbs) != 0)
        status = tob_error_set(err, TOB_ERR_ARG, "path too long");
    if (status == TOB_OK)
        status = make_dir(thumbs, err);
    return status;
}

static tob_status_t fill_report(const atlas_run_t *run,
                                tob_atlas_report_t *report, tob_error_t *err)
{
    report->n_territories = run->n_todo;
    for (size_t k = 0; k < run->n_todo; k++) {
        const atlas_entry_t *e = &run->entries[run->todo[k]];
        if (e->status != TOB_OK)
            report->n_failed++;
        else if (e->kept)
            report->n_kept++;
        else if (e->unchanged)
            report->n_unchanged++;
        else
            report->n_written++;
    }
    if (report->n_failed == 0)
        return TOB_OK;
    report->failures = calloc(report->n_failed, sizeof *report->failures);
    if (report->failures == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < run->n_todo; i++) {
        const atlas_entry_t *e = &run->entries[run->todo[i]];
        if (e->status == TOB_OK)
            continue;
        tob_atlas_failure_t *f = &report->failures[k++];
        snprintf(f->code, sizeof f->code, "%s", e->code);
        snprintf(f->name, sizeof f->name, "%s", e->name);
        f->err = e->err;
    }
    return TOB_OK;
}

static void free_run(atlas_run_t *run)
{
    if (run->reader != NULL)
        tob_store_rollback(run->reader); /* nothing was written */
    tob_store_close(run->reader);
    for (size_t i = 0; i < run->n_entries; i++) {
        free(run->entries[i].code);
        free(run->entries[i].name);
    }
    free(run->entries);
    free(run->todo);
    tob_carnet_peers_destroy(run->peers);
    atlas_state_free(run);
    pthread_mutex_destroy(&run->lock);
}

tob_status_t tob_atlas_run(const tob_atlas_options_t *opts,
                           tob_atlas_report_t *report, tob_error_t *err)
{
    memset(report, 0, sizeof *report);
    if (opts->store_path == NULL || opts->level == NULL ||
        opts->out_dir == NULL || opts->tpl == NULL)
        return tob_error_set(err, TOB_ERR_ARG,
                             "an atlas needs a store, a level, a folder "
                             "and a template");
    int y, m, d;
    if (opts->today != NULL &&
        (tob_cell_parse_date(opts->today, &y, &m, &d, NULL) != TOB_OK || !y))
        return tob_error_set(err, TOB_ERR_ARG,
                             "edition date '%.40s' is not a date (DD/MM/YYYY)",
                             opts->today);
    double t0 = now_seconds();
    atlas_run_t run;
    memset(&run, 0, sizeof run);
    run.opts = opts;
    pthread_mutex_init(&run.lock, NULL);
    tob_status_t status = prepare(&run, err);
    if (status == TOB_OK) {
        db_test_pause_read();
        report->jobs = run_workers(&run);
        report->store_changed = db_shared_read_moved(run.reader, &run.read);
    }
    if (status == TOB_OK)
        status = atlas_write_index(&run, err);
    if (status == TOB_OK)
        status = atlas_state_write(&run, &report->n_removed, err);
    if (status == TOB_OK)
        status = fill_report(&run, report, err);
    free_run(&run);
    report->seconds = now_seconds() - t0;
    return status;
}

void tob_atlas_report_free(tob_atlas_report_t *report)
{
    if (report == NULL)
        return;
    free(report->failures);
    report->failures = NULL;
}
