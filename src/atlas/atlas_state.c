/* atlas_state.c - what a previous atlas run made: out_dir/.atlas-state
 * lists each carnet with the fingerprint of its inputs (terrobs version,
 * template, level, store provenance and data version), the digest of its
 * content and what the index shows of it. A carnet is kept without composing it
 * when its fingerprint is unchanged and its file still there; composed again,
 * it is rewritten only when its digest changed; a territory gone from the level
 * has its carnet removed. */
#include "atlas_internal.h"

#include "base/afile.h"
#include "base/hash.h"
#include "store/db.h"
#include "terrobs/carnet.h"
#include "terrobs/version.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 3: the communes expected after those present ("102 sur 103"). */
#define STATE_MAGIC "terrobs-atlas-state 3"

static const char SQL_PROVENANCE[] =
    "SELECT coalesce(max(loaded_at), ''), count(*) FROM source";

tob_status_t atlas_fingerprint(tob_store_t *st, atlas_run_t *run,
                               tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st, SQL_PROVENANCE, &s, err);
    if (status != TOB_OK)
        return status;
    uint64_t h = HASH_FNV_SEED;
    if (db_step(s) == DB_ROW) {
        h = hash_fnv_text(h, db_column_text(s, 0));
        h = hash_fnv_text(h, db_column_text(s, 1));
    } else {
        status = db_fail(st, "reading provenance", err);
    }
    db_finalize(s);
    /* Any write, provenance recorded or not (a name edited in QGIS); a
     * store that cannot tell is never the same as last time: its carnets
     * are composed again (and rewritten only if they changed). */
    h = db_shared_read_hash(&run->read, h);
    char vintage[16];
    snprintf(vintage, sizeof vintage, "%d", run->vintage);
    h = hash_fnv_text(
        hash_fnv_text(hash_fnv_text(h, tob_version()), run->opts->level),
        vintage);
    h = tob_carnet_template_digest(run->opts->tpl, h);
    snprintf(run->fingerprint, sizeof run->fingerprint, "%016llx",
             (unsigned long long)h);
    return status;
}

static int by_file(const void *a, const void *b)
{
    return strcmp(((const atlas_made_t *)a)->file,
                  ((const atlas_made_t *)b)->file);
}

/* Whether name is one tob_atlas_file_name() makes: [A-Za-z0-9_-]+.pdf.
 * The state file sits in a folder users share and edit: a name from it
 * is deleted on rerun, so nothing else (precious.txt, ../x, .bashrc) may
 * be taken from it. */
static int is_carnet_file(const char *name)
{
    size_t n = strlen(name);
    if (n <= 4 || strcmp(name + n - 4, ".pdf") != 0)
        return 0;
    for (size_t i = 0; i < n - 4; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

/* Fields are separated by tabs; a tab, newline or backslash inside one
 * is written \t, \n, \\. */
static void put_field(FILE *fp, const char *s)
{
    fputc('\t', fp);
    for (; *s != '\0'; s++) {
        if (*s == '\t')
            fputs("\\t", fp);
        else if (*s == '\n')
            fputs("\\n", fp);
        else if (*s == '\\')
            fputs("\\\\", fp);
        else
            fputc(*s, fp);
    }
}

/* Cuts the next field off *line (in place, unescaped); NULL at the end. */
static char *next_field(char **line)
{
    char *start = *line;
    if (start == NULL)
        return NULL;
    char *r = start, *w = start;
    for (; *r != '\0' && *r != '\t'; r++) {
        if (*r == '\\' && r[1] != '\0') {
            r++;
            *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
        } else {
            *w++ = *r;
        }
    }
    *line = *r == '\t' ? r + 1 : NULL;
    *w = '\0';
    return start;
}

static int copy_field(char **line, char *buf, size_t size)
{
    const char *f = next_field(line);
    if (f == NULL || strlen(f) >= size)
        return -1;
    memcpy(buf, f, strlen(f) + 1);
    return 0;
}

static int number_field(char **line, double *out)
{
    const char *f = next_field(line);
    char *end;
    if (f == NULL)
        return -1;
    *out = strcmp(f, "nan") == 0 ? NAN : strtod(f, &end);
    return strcmp(f, "nan") == 0 || (end != f && *end == '\0') ? 0 : -1;
}

static void put_number(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, "\t%.17g", v);
    else
        fputs("\tnan", fp);
}

/* The index summary: pages, communes present and expected, area, figures
 * (label, unit, text, value each). */
static int parse_summary(char **line, tob_carnet_report_t *r)
{
    double pages, communes, expected, n_figures;
    if (number_field(line, &pages) || number_field(line, &communes) ||
        number_field(line, &expected) || number_field(line, &r->area_km2) ||
        number_field(line, &n_figures) ||
        !(n_figures >= 0 && n_figures <= TOB_CARNET_INDEX_MAX) ||
        !(expected >= 0))
        return -1;
    r->n_pages = (size_t)pages;
    r->n_communes = (size_t)communes;
    r->n_communes_expected = (size_t)expected;
    r->n_figures = (size_t)n_figures;
    for (size_t i = 0; i < r->n_figures; i++) {
        tob_carnet_figure_t *f = &r->figures[i];
        if (copy_field(line, f->label, sizeof f->label) ||
            copy_field(line, f->unit, sizeof f->unit) ||
            copy_field(line, f->text, sizeof f->text) ||
            number_field(line, &f->value))
            return -1;
    }
    return 0;
}

/* "fingerprint<TAB>digest<TAB>file<TAB>summary...": a line that does not
 * parse is ignored, and its carnet made again. */
static int parse_line(char *line, atlas_made_t *m)
{
    line[strcspn(line, "\r\n")] = '\0';
    memset(m, 0, sizeof *m);
    char *rest = line;
    const char *file;
    if (copy_field(&rest, m->fingerprint, sizeof m->fingerprint) ||
        copy_field(&rest, m->digest, sizeof m->digest) ||
        (file = next_field(&rest)) == NULL || !is_carnet_file(file))
        return -1;
    m->file = strdup(file);
    if (m->file == NULL || parse_summary(&rest, &m->summary) != 0) {
        free(m->file);
        m->file = NULL;
        return -1;
    }
    return 0;
}

static void write_line(FILE *fp, const char *fingerprint, const char *digest,
                       const char *file, const tob_carnet_report_t *r)
{
    fputs(fingerprint, fp);
    put_field(fp, digest);
    put_field(fp, file);
    put_number(fp, (double)r->n_pages);
    put_number(fp, (double)r->n_communes);
    put_number(fp, (double)r->n_communes_expected);
    put_number(fp, r->area_km2);
    put_number(fp, (double)r->n_figures);
    for (size_t i = 0; i < r->n_figures; i++) {
        put_field(fp, r->figures[i].label);
        put_field(fp, r->figures[i].unit);
        put_field(fp, r->figures[i].text);
        put_number(fp, r->figures[i].value);
    }
    fputc('\n', fp);
}

tob_status_t atlas_state_read(atlas_run_t *run, tob_error_t *err)
{
    char path[4096];
    if (atlas_path(run->opts->out_dir, ATLAS_STATE_FILE, path, sizeof path))
        return tob_error_set(err, TOB_ERR_ARG, "path too long");
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return TOB_OK; /* a first run */
    char *line = NULL;
    size_t cap_line = 0, cap = 0;
    tob_status_t status = TOB_OK;
    if (getline(&line, &cap_line, fp) == -1 ||
        strncmp(line, STATE_MAGIC, strlen(STATE_MAGIC)) != 0) {
        free(line);
        fclose(fp);
        return TOB_OK; /* not ours or an older format: remake all */
    }
    while (status == TOB_OK && getline(&line, &cap_line, fp) != -1) {
        if (run->n_made == cap) {
            cap = cap ? 2 * cap : 64;
            atlas_made_t *m = realloc(run->made, cap * sizeof *m);
            if (m == NULL) {
                status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
                break;
            }
            run->made = m;
        }
        if (parse_line(line, &run->made[run->n_made]) == 0)
            run->n_made++;
    }
    free(line);
    fclose(fp);
    if (run->n_made > 0)
        qsort(run->made, run->n_made, sizeof *run->made, by_file);
    return status;
}

static const atlas_made_t *find_made(const atlas_run_t *run, const char *file)
{
    if (run->n_made == 0)
        return NULL;
    atlas_made_t key;
    key.file = (char *)file;
    return bsearch(&key, run->made, run->n_made, sizeof *run->made, by_file);
}

void atlas_state_attach(atlas_run_t *run)
{
    for (size_t i = 0; i < run->n_entries; i++)
        run->entries[i].made = find_made(run, run->entries[i].file);
}

static int carnet_there(const atlas_run_t *run, const char *file)
{
    char path[4096];
    struct stat sb;
    if (atlas_path(run->opts->out_dir, file, path, sizeof path) != 0 ||
        stat(path, &sb) != 0)
        return 0;
    return S_ISREG(sb.st_mode) && sb.st_size > 0;
}

int atlas_is_current(const atlas_run_t *run, const atlas_entry_t *entry)
{
    const atlas_made_t *m = entry->made;
    return m != NULL && strcmp(m->fingerprint, run->fingerprint) == 0 &&
           carnet_there(run, entry->file);
}

int atlas_is_listed(const atlas_run_t *run, const atlas_entry_t *entry,
                    const tob_carnet_report_t **summary)
{
    *summary = &entry->summary;
    if (entry->selected)
        return 1;
    if (entry->made == NULL || !carnet_there(run, entry->file))
        return 0;
    *summary = &entry->made->summary;
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Deletes carnets of a previous run whose territory left the level. */
static size_t remove_gone(const atlas_run_t *run)
{
    const char **files = calloc(run->n_entries + 1, sizeof *files);
    if (files == NULL)
        return 0; /* keeping stale files is harmless */
    for (size_t i = 0; i < run->n_entries; i++)
        files[i] = run->entries[i].file;
    qsort(files, run->n_entries, sizeof *files, by_name);
    size_t n_removed = 0;
    for (size_t i = 0; i < run->n_made; i++) {
        const char *f = run->made[i].file;
        char path[4096];
        if (bsearch(&f, files, run->n_entries, sizeof *files, by_name) ||
            atlas_path(run->opts->out_dir, f, path, sizeof path) != 0)
            continue;
        if (unlink(path) == 0)
            n_removed++;
        char thumb[ATLAS_FILE_MAX + 16];
        atlas_thumb_name(f, thumb, sizeof thumb);
        if (atlas_path(run->opts->out_dir, thumb, path, sizeof path) == 0)
            unlink(path);
    }
    free(files);
    return n_removed;
}

static void write_lines(const atlas_run_t *run, FILE *fp)
{
    fprintf(fp, "%s\n", STATE_MAGIC);
    for (size_t i = 0; i < run->n_entries; i++) {
        const atlas_entry_t *e = &run->entries[i];
        const atlas_made_t *m = e->made;
        const tob_carnet_report_t *summary;
        if (e->selected && e->status == TOB_OK)
            write_line(fp, run->fingerprint, e->digest, e->file, &e->summary);
        else if (!e->selected && atlas_is_listed(run, e, &summary))
            write_line(fp, m->fingerprint, m->digest, m->file, summary);
    }
}

tob_status_t atlas_state_write(atlas_run_t *run, size_t *n_removed,
                               tob_error_t *err)
{
    char path[4096];
    if (atlas_path(run->opts->out_dir, ATLAS_STATE_FILE, path, sizeof path))
        return tob_error_set(err, TOB_ERR_ARG, "path too long");
    afile_t f;
    tob_status_t status = afile_begin(&f, path, err);
    if (status == TOB_OK)
        status = afile_fopen(&f, err);
    if (status == TOB_OK)
        write_lines(run, f.fp); /* the commit sees stream errors */
    status = afile_end(&f, status, err);
    if (status != TOB_OK)
        return status;
    *n_removed = remove_gone(run);
    return TOB_OK;
}

void atlas_state_free(atlas_run_t *run)
{
    for (size_t i = 0; i < run->n_made; i++)
        free(run->made[i].file);
    free(run->made);
    run->made = NULL;
    run->n_made = 0;
}
