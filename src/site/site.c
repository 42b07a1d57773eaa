/* site.c - `terrobs site`: reads the store once (site_data.c), then writes
 * the data files, the pages and Leaflet's copy; unchanged files are left
 * alone and files no longer made are removed (site_out.c); when nothing
 * the site depends on changed, nothing is read or written (site_state.c).
 * The territory pages and downloads are written by --jobs threads. */
#define _XOPEN_SOURCE 700 /* sysconf() */
#include "site_internal.h"

#include "terrobs/cells.h"
#include "terrobs/classify.h"
#include "terrobs/followup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef TOB_LEAFLET_DIR
#define TOB_LEAFLET_DIR "/usr/share/javascript/leaflet"
#endif
#ifndef TOB_LEAFLET_COPYRIGHT
#define TOB_LEAFLET_COPYRIGHT "/usr/share/doc/libjs-leaflet/copyright"
#endif

static int is_file(const char *dir, const char *name)
{
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

tob_status_t tob_site_leaflet_dir(const char *asked, char *buf, size_t size,
                                  tob_error_t *err)
{
    const char *candidates[] = {asked, TOB_LEAFLET_DIR,
                                TOB_DATADIR "/../javascript/leaflet"};
    size_t n = asked != NULL ? 1 : sizeof candidates / sizeof *candidates;
    for (size_t i = 0; i < n; i++) {
        if (candidates[i] == NULL || !is_file(candidates[i], "leaflet.js") ||
            !is_file(candidates[i], "leaflet.css"))
            continue;
        snprintf(buf, size, "%s", candidates[i]);
        return TOB_OK;
    }
    if (asked != NULL)
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "no leaflet.js and leaflet.css in %s", asked);
    return tob_error_set(err, TOB_ERR_NOTFOUND,
                         "Leaflet not found in %s: install libjs-leaflet "
                         "(tools/install-deps.sh)",
                         TOB_LEAFLET_DIR);
}

/* Leaflet's script, style, images and licence, as Debian ships them. */
static tob_status_t copy_leaflet(site_run_t *run, const char *dir,
                                 tob_error_t *err)
{
    static const char *const files[] = {"leaflet.js",
                                        "leaflet.css",
                                        "images/layers.png",
                                        "images/layers-2x.png",
                                        "images/marker-icon.png",
                                        "images/marker-icon-2x.png",
                                        "images/marker-shadow.png"};
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < sizeof files / sizeof *files; i++) {
        char from[4096], to[256];
        snprintf(from, sizeof from, "%s/%s", dir, files[i]);
        snprintf(to, sizeof to, "assets/leaflet/%s", files[i]);
        if (i >= 2 && !is_file(dir, files[i]))
            continue; /* images are used only by markers and layer controls */
        s = site_copy(run, from, to, err);
    }
    if (s != TOB_OK)
        return s;
    /* The licence: beside the files (an upstream copy), else Debian's. */
    char licence[4096];
    if (is_file(dir, "LICENSE"))
        snprintf(licence, sizeof licence, "%s/LICENSE", dir);
    else
        snprintf(licence, sizeof licence, "%s", TOB_LEAFLET_COPYRIGHT);
    return site_copy(run, licence, "assets/leaflet/LICENCE.txt", err);
}

static tob_status_t write_assets(site_run_t *run, tob_error_t *err)
{
    const char *js = (const char *)site_asset_js;
    const char *css = (const char *)site_asset_css;
    tob_status_t s = site_emit(run, "assets/site.js", js, strlen(js), err);
    if (s == TOB_OK)
        s = site_emit(run, "assets/site.css", css, strlen(css), err);
    return s;
}

static void today_text(const tob_site_options_t *o, char *buf, size_t size)
{
    if (o->today != NULL) {
        snprintf(buf, size, "%s", o->today);
        return;
    }
    tob_date_t d = tob_date_today();
    snprintf(buf, size, "%02d/%02d/%04d", d.d, d.m, d.y);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static tob_status_t check_options(const tob_site_options_t *o, tob_error_t *err)
{
    if (o->store_path == NULL || o->out_dir == NULL)
        return tob_error_set(err, TOB_ERR_ARG, "store and folder required");
    if (o->n_levels > TOB_SITE_MAX_LEVELS)
        return tob_error_set(err, TOB_ERR_ARG, "at most %d levels",
                             TOB_SITE_MAX_LEVELS);
    if (o->n_variables > TOB_SITE_MAX_VARIABLES)
        return tob_error_set(err, TOB_ERR_ARG, "at most %d variables",
                             TOB_SITE_MAX_VARIABLES);
    if (o->k != 0 && (o->k < 2 || o->k > TOB_CLASSIFY_MAX))
        return tob_error_set(err, TOB_ERR_ARG, "k must be 2..%d",
                             TOB_CLASSIFY_MAX);
    if (o->today != NULL) {
        int y, m, d;
        if (tob_cell_parse_date(o->today, &y, &m, &d, err) != TOB_OK || y == 0)
            return tob_error_set(err, TOB_ERR_ARG, "'%s' is not a date",
                                 o->today);
    }
    return TOB_OK;
}

/* ---- the pages, in parallel -------------------------------------------- */

#define PAGES_PER_TASK 64 /* communes of a département follow one another */

/* Task 0 is the downloads (the longest: started first), then the pages
 * of each level by runs of PAGES_PER_TASK. Workers take tasks in order;
 * each file depends on its territory only, so the files are the same
 * whatever the number of workers. */
typedef struct pool {
    site_run_t *run;
    size_t n_tasks, next;
    int stop;
    size_t failed_task; /* the first task that failed, n_tasks if none */
    tob_status_t status;
    tob_error_t err;
} pool_t;

static size_t level_tasks(const site_level_t *lv)
{
    return (lv->n + PAGES_PER_TASK - 1) / PAGES_PER_TASK;
}

static tob_status_t do_task(pool_t *p, size_t task, tob_store_t *st,
                            tob_values_t *vals, tob_error_t *err)
{
    site_run_t *run = p->run;
    if (task == 0)
        return site_write_downloads(run, st, err);
    task--;
    for (size_t l = 0; l < run->n_levels; l++) {
        const site_level_t *lv = &run->levels[l];
        size_t n = level_tasks(lv);
        if (task < n) {
            size_t first = task * PAGES_PER_TASK;
            size_t last = first + PAGES_PER_TASK;
            return site_write_territories(run, st, vals, lv, first,
                                          last < lv->n ? last : lv->n, err);
        }
        task -= n;
    }
    return TOB_OK;
}

static size_t take_task(pool_t *p)
{
    pthread_mutex_lock(&p->run->lock);
    size_t t = p->stop || p->next >= p->n_tasks ? p->n_tasks : p->next++;
    pthread_mutex_unlock(&p->run->lock);
    return t;
}

static void task_failed(pool_t *p, size_t task, tob_status_t s,
                        const tob_error_t *err)
{
    pthread_mutex_lock(&p->run->lock);
    p->stop = 1;
    if (task < p->failed_task) { /* the same error whatever the jobs */
        p->failed_task = task;
        p->status = s;
        p->err = *err;
    }
    pthread_mutex_unlock(&p->run->lock);
}

static void run_tasks(pool_t *p, tob_store_t *st, tob_values_t *vals)
{
    for (size_t t; (t = take_task(p)) < p->n_tasks;) {
        tob_error_t err;
        tob_error_clear(&err);
        tob_status_t s = do_task(p, t, st, vals, &err);
        if (s != TOB_OK)
            task_failed(p, t, s, &err);
    }
}

/* A worker beside the caller's thread: its own connection (SQLite's and
 * SpatiaLite's caches are per connection), reading in one transaction so
 * that it sees the store as the caller does and takes its locks once. */
static void *worker(void *arg)
{
    pool_t *p = arg;
    tob_store_t *st = NULL;
    tob_values_t *vals = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    tob_status_t s =
        tob_store_open(p->run->opts->store_path, TOB_STORE_READ, &st, &err);
    if (s == TOB_OK)
        s = db_join_shared_read(st, &p->run->read, &err);
    if (s == TOB_OK)
        s = tob_values_open(st, &vals, &err);
    if (s == TOB_OK) {
        tob_values_remember(vals, 1); /* one read transaction a worker */
        run_tasks(p, st, vals);
    } else
        task_failed(p, p->n_tasks - 1, s, &err);
    tob_values_close(vals);
    if (st != NULL)
        tob_store_rollback(st); /* nothing was written */
    tob_store_close(st);
    return NULL;
}

static size_t count_jobs(const site_run_t *run, size_t n_tasks)
{
    size_t jobs = run->opts->jobs;
    if (jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (size_t)n : 1;
    }
    return jobs < n_tasks ? jobs : n_tasks > 0 ? n_tasks : 1;
}

/* The territory pages and the downloads, by opts->jobs threads: the
 * caller's with its connection, and jobs - 1 more. */
static tob_status_t write_pages(site_run_t *run, tob_error_t *err)
{
    pool_t p = {0};
    p.run = run;
    p.n_tasks = 1;
    for (size_t l = 0; l < run->n_levels; l++)
        p.n_tasks += level_tasks(&run->levels[l]);
    p.failed_task = p.n_tasks;
    size_t jobs = count_jobs(run, p.n_tasks), started = 0;
    db_test_pause_read();
    pthread_t *threads = calloc(jobs, sizeof *threads);
    for (; threads != NULL && started + 1 < jobs; started++)
        if (pthread_create(&threads[started], NULL, worker, &p) != 0)
            break;
    run_tasks(&p, run->st, run->vals);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    run->rep->jobs = started + 1;
    if (p.failed_task < p.n_tasks) {
        *err = p.err;
        return p.status;
    }
    return TOB_OK;
}

static tob_status_t write_site(site_run_t *run, const char *leaflet,
                               tob_error_t *err)
{
    /* One read snapshot for the data and pages: the same store state
     * throughout (the workers join it on PostgreSQL), and no lock taken
     * again for each of the many reads. */
    tob_status_t s = db_begin_shared_read(run->st, &run->read, err);
    if (s == TOB_OK)
        s = site_state_begin(run, leaflet, err);
    if (s == TOB_OK && site_state_current(run)) {
        tob_store_rollback(run->st);
        return TOB_OK; /* nothing it depends on changed */
    }
    if (s == TOB_OK)
        s = site_data_load(run, err);
    /* the folder is made once the store has been read: a refused run
     * leaves nothing behind */
    if (s == TOB_OK && mkdir(run->opts->out_dir, 0777) != 0 &&
        errno != EEXIST) {
        tob_error_set(err, TOB_ERR_IO, "cannot make the folder: %s",
                      strerror(errno));
        tob_error_at(err, run->opts->out_dir, 0, NULL);
        s = TOB_ERR_IO;
    }
    if (s == TOB_OK)
        s = copy_leaflet(run, leaflet, err);
    if (s == TOB_OK)
        s = write_assets(run, err);
    if (s == TOB_OK)
        s = site_data_write(run, err);
    if (s == TOB_OK)
        s = site_write_index(run, err);
    if (s == TOB_OK)
        s = site_write_followup(run, err);
    if (s == TOB_OK)
        s = write_pages(run, err);
    /* On SQLite the workers' reads began on their own: say when another
     * session wrote meanwhile (the next run recomputes either way). */
    run->rep->store_changed =
        s == TOB_OK && db_shared_read_moved(run->st, &run->read);
    tob_error_t ignored;
    if (tob_store_exec(run->st, "COMMIT", &ignored) != TOB_OK)
        tob_store_rollback(run->st);
    if (s == TOB_OK)
        s = site_state_finish(run, err);
    return s;
}

tob_status_t tob_site_run(const tob_site_options_t *opts,
                          tob_site_report_t *report, tob_error_t *err)
{
    tob_site_report_t own;
    tob_site_report_t *rep = report ? report : &own;
    memset(rep, 0, sizeof *rep);
    double t0 = now();
    tob_status_t s = check_options(opts, err);
    if (s == TOB_OK)
        s = tob_site_leaflet_dir(opts->leaflet, rep->leaflet,
                                 sizeof rep->leaflet, err);
    if (s != TOB_OK)
        return s;
    site_run_t run = {0};
    pthread_mutex_init(&run.lock, NULL);
    run.opts = opts;
    run.rep = rep;
    run.title = opts->title ? opts->title : "Observatoire des territoires";
    today_text(opts, run.today, sizeof run.today);
    s = tob_store_open(opts->store_path, TOB_STORE_READ, &run.st, err);
    if (s == TOB_OK)
        s = tob_values_open(run.st, &run.vals, err);
    if (s == TOB_OK) {
        tob_values_remember(run.vals, 1); /* the site only reads */
        s = write_site(&run, rep->leaflet, err);
    }
    rep->n_levels = run.n_levels;
    rep->n_variables = run.n_vars;
    site_data_free(&run);
    site_state_free(&run);
    tob_values_close(run.vals);
    tob_store_close(run.st);
    pthread_mutex_destroy(&run.lock);
    rep->seconds = now() - t0;
    return s;
}
