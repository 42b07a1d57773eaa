/* site_state.c - what a site depends on and what a run made:
 * out_dir/.site-state holds the fingerprint of the inputs (terrobs's
 * version and assets, the options, Leaflet's files, the store's
 * provenance and file, the carnets present) and every file made with its
 * size. A rerun with the same fingerprint whose files are all there reads
 * and writes nothing; any other rerun recomputes the site, rewrites the
 * files whose bytes changed and removes those it no longer makes (and
 * nothing else: the state sits in a folder users edit). */
#define _XOPEN_SOURCE 700 /* sync(), readdir() */
#include "site_internal.h"

#include "base/hash.h"
#include "store/db.h"
#include "terrobs/version.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_MAGIC "terrobs-site-state 2"

/* Every load, import, relation and aggregation records a source row. */
static const char SQL_PROVENANCE[] =
    "SELECT coalesce(max(loaded_at), ''), count(*), coalesce(max(id), 0)"
    " FROM source";

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The PDF files of the carnets folder, sorted: a page links its carnet
 * when the file is there. */
static uint64_t hash_carnets(uint64_t h, const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return hash_fnv_text(h, "-");
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".pdf") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *grown);
            if (grown == NULL)
                break;
            names = grown;
        }
        if ((names[n] = strdup(e->d_name)) != NULL)
            n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, by_text);
    for (size_t i = 0; i < n; i++) {
        h = hash_fnv_text(h, names[i]);
        free(names[i]);
    }
    free(names);
    return hash_number(h, (long long)n);
}

static uint64_t hash_opt(uint64_t h, const char *text)
{
    return text ? hash_fnv_text(hash_fnv_text(h, "+"), text)
                : hash_fnv_text(h, "-");
}

static uint64_t hash_options(uint64_t h, const tob_site_options_t *o,
                             const char *today)
{
    h = hash_number(h, (long long)o->n_levels);
    for (size_t i = 0; i < o->n_levels; i++)
        h = hash_fnv_text(h, o->levels[i]);
    h = hash_number(h, (long long)o->n_variables);
    for (size_t i = 0; i < o->n_variables; i++)
        h = hash_fnv_text(h, o->variables[i]);
    h = hash_opt(hash_opt(h, o->title), today);
    h = hash_opt(hash_opt(h, o->method), o->palette);
    h = hash_number(h, o->k);
    h = hash_opt(h, o->carnets);
    if (o->carnets != NULL)
        h = hash_carnets(h, o->carnets);
    return h;
}

static uint64_t hash_store(site_run_t *run, uint64_t h, tob_error_t *err,
                           tob_status_t *status)
{
    db_stmt_t *s = NULL;
    *status = db_prepare(run->st, SQL_PROVENANCE, &s, err);
    if (*status != TOB_OK)
        return h;
    if (db_step(s) == DB_ROW) {
        for (int i = 0; i < 3; i++)
            h = hash_fnv_text(h, db_column_text(s, i));
    } else {
        *status = db_fail(run->st, "reading provenance", err);
    }
    db_finalize(s);
    /* Any write, provenance recorded or not (QGIS, psql, sqlite3); a store
     * that cannot tell is never the same as last time: recomputed. */
    return db_shared_read_hash(&run->read, h);
}

static void free_list(site_made_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i].rel);
    free(list);
}

/* A name .site-state may hold: relative, [A-Za-z0-9_.-/], no "..", no
 * hidden part; the state file sits in a folder users may edit. */
static int safe_rel(const char *rel)
{
    if (rel[0] == '\0' || rel[0] == '/' || rel[0] == '.')
        return 0;
    for (const char *p = rel; *p; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                 (*p >= '0' && *p <= '9') || strchr("_-./", *p) != NULL;
        if (!ok || (*p == '/' && p[1] == '.'))
            return 0;
    }
    return strstr(rel, "..") == NULL;
}

/* Reads out_dir/.site-state: version 2 ("fingerprint F", then "SIZE<TAB>
 * FILE" lines), or version 1 (file names only: no fingerprint, so the
 * site is recomputed). A line that does not parse is skipped. */
static void read_state(site_run_t *run)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", run->opts->out_dir, SITE_STATE_FILE);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return;
    char line[4096];
    size_t cap = 0;
    int v2 = 0;
    while (fgets(line, sizeof line, fp) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, STATE_MAGIC) == 0) {
            v2 = 1;
            continue;
        }
        if (v2 && strncmp(line, "fingerprint ", 12) == 0) {
            size_t n = strlen(line + 12);
            if (n < sizeof run->before_fp)
                memcpy(run->before_fp, line + 12, n + 1);
            continue;
        }
        site_made_t m = {NULL, 0};
        char *rel = line, *tab = strchr(line, '\t');
        if (v2 && tab != NULL) {
            char *end;
            m.size = strtoull(line, &end, 10);
            if (end != tab)
                continue;
            rel = tab + 1;
        }
        if (!safe_rel(rel))
            continue;
        if (run->n_before == cap) {
            cap = cap ? 2 * cap : 256;
            site_made_t *grown = realloc(run->before, cap * sizeof *grown);
            if (grown == NULL)
                break;
            run->before = grown;
        }
        if ((m.rel = strdup(rel)) == NULL)
            break;
        run->before[run->n_before++] = m;
    }
    fclose(fp);
    if (!v2)
        run->before_fp[0] = '\0';
}

tob_status_t site_state_begin(site_run_t *run, const char *leaflet,
                              tob_error_t *err)
{
    uint64_t h = hash_fnv_text(HASH_FNV_SEED, tob_version());
    h = hash_fnv_text(h, (const char *)site_asset_js);
    h = hash_fnv_text(h, (const char *)site_asset_css);
    h = hash_options(h, run->opts, run->today);
    char path[4200];
    static const char *const leaflet_files[] = {"leaflet.js", "leaflet.css",
                                                "LICENSE"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", leaflet, leaflet_files[i]);
        h = hash_file_stat(h, path);
    }
    tob_status_t status;
    h = hash_store(run, h, err, &status);
    snprintf(run->fingerprint, sizeof run->fingerprint, "%016llx",
             (unsigned long long)h);
    if (status == TOB_OK)
        read_state(run);
    return status;
}

int site_state_current(site_run_t *run)
{
    if (run->opts->force || run->before_fp[0] == '\0' ||
        strcmp(run->before_fp, run->fingerprint) != 0 || run->n_before == 0)
        return 0;
    unsigned long long bytes = 0, map_bytes = 0;
    for (size_t i = 0; i < run->n_before; i++) {
        char path[4200];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", run->opts->out_dir,
                 run->before[i].rel);
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
            (unsigned long long)sb.st_size != run->before[i].size)
            return 0;
        bytes += run->before[i].size;
        const char *rel = run->before[i].rel;
        size_t n = strlen(rel);
        if (strncmp(rel, "data/", 5) == 0 &&
            ((n > 7 && strcmp(rel + n - 7, "-geo.js") == 0) ||
             (n > 10 && strcmp(rel + n - 10, "-values.js") == 0)))
            map_bytes += run->before[i].size;
    }
    tob_site_report_t *rep = run->rep;
    rep->n_files = rep->n_kept = run->n_before;
    rep->bytes = bytes;
    rep->map_bytes = map_bytes;
    rep->up_to_date = 1;
    return 1;
}

static int by_rel(const void *a, const void *b)
{
    return strcmp(((const site_made_t *)a)->rel, ((const site_made_t *)b)->rel);
}

tob_status_t site_state_finish(site_run_t *run, tob_error_t *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", run->opts->out_dir, SITE_STATE_FILE);
    qsort(run->made, run->n_made, sizeof *run->made, by_rel);
    for (size_t i = 0; i < run->n_before; i++) {
        const site_made_t *old = &run->before[i];
        if (bsearch(old, run->made, run->n_made, sizeof *run->made, by_rel))
            continue;
        char gone[8300];
        snprintf(gone, sizeof gone, "%s/%s", run->opts->out_dir, old->rel);
        if (unlink(gone) == 0)
            run->rep->n_removed++;
    }
    site_mem_t m;
    tob_status_t s = site_mem_open(&m, err);
    if (s != TOB_OK)
        return s;
    fprintf(m.fp, STATE_MAGIC "\nfingerprint %s\n", run->fingerprint);
    for (size_t i = 0; i < run->n_made; i++)
        fprintf(m.fp, "%llu\t%s\n", run->made[i].size, run->made[i].rel);
    fclose(m.fp);
    m.fp = NULL;
    sync(); /* every file of the run on disk before the state says so */
    if (!site_same_content(path, m.buf, m.len) &&
        site_write_whole(path, m.buf, m.len, 1) != 0) {
        tob_error_set(err, TOB_ERR_IO, "cannot write: %s", strerror(errno));
        tob_error_at(err, path, 0, NULL);
        s = TOB_ERR_IO;
    }
    free(m.buf);
    return s;
}

void site_state_free(site_run_t *run)
{
    free_list(run->made, run->n_made);
    free_list(run->before, run->n_before);
    run->made = run->before = NULL;
    run->n_made = run->n_before = 0;
}
