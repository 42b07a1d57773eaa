/* site.c - `terrobs site`: reads the store once (site_data.c), then writes
 * the data files, the pages and Leaflet's copy; unchanged files are left
 * alone and files no longer made are removed (site_out.c). */
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

static tob_status_t write_site(site_run_t *run, const char *leaflet,
                               tob_error_t *err)
{
    /* One read snapshot for the data and pages: the same store state
     * throughout, and no lock taken again for each of the many reads. */
    tob_status_t s = tob_store_exec(run->st, "BEGIN", err);
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
        s = site_write_territories(run, err);
    if (s == TOB_OK)
        s = site_write_followup(run, err);
    tob_error_t ignored;
    if (tob_store_exec(run->st, "COMMIT", &ignored) != TOB_OK)
        tob_store_rollback(run->st);
    if (s == TOB_OK)
        s = site_write_downloads(run, err);
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
    run.opts = opts;
    run.rep = rep;
    run.title = opts->title ? opts->title : "Observatoire des territoires";
    today_text(opts, run.today, sizeof run.today);
    s = tob_store_open(opts->store_path, TOB_STORE_READ, &run.st, err);
    if (s == TOB_OK)
        s = tob_values_open(run.st, &run.vals, err);
    if (s == TOB_OK)
        s = write_site(&run, rep->leaflet, err);
    rep->n_levels = run.n_levels;
    rep->n_variables = run.n_vars;
    site_data_free(&run);
    for (size_t i = 0; i < run.n_made; i++)
        free(run.made[i]);
    free(run.made);
    tob_values_close(run.vals);
    tob_store_close(run.st);
    rep->seconds = now() - t0;
    return s;
}
