/* atlas_select.c - the part of a level an atlas makes: the territories
 * lying in a parent ("departement:62", through the store's memberships,
 * at any depth: communes in EPCIs in a SCoT) and those listed in a file.
 * Only which carnets are made changes: ranks and the level's combined
 * values still come from the whole level. */
#include "atlas_internal.h"

#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Members at any depth of the latest territory (level ?1, code ?2),
 * kept when of level ?3 and vintage ?4. */
static const char SQL_WITHIN[] =
    "WITH RECURSIVE below(id) AS ("
    "  SELECT m.child FROM membership m"
    "    JOIN territory p ON p.id = m.parent"
    "   WHERE p.level = ?1 AND p.code = ?2 AND m.kind = 'member'"
    "     AND p.vintage = (SELECT max(vintage) FROM territory"
    "                       WHERE level = ?1 AND code = ?2)"
    "  UNION"
    "  SELECT m.child FROM membership m JOIN below b ON m.parent = b.id"
    "   WHERE m.kind = 'member')"
    "SELECT t.code FROM territory t JOIN below b ON b.id = t.id"
    " WHERE t.level = ?3 AND t.vintage = ?4";

static const char SQL_PARENT[] =
    "SELECT 1 FROM territory WHERE level = ?1 AND code = ?2 LIMIT 1";

static int by_code(const void *a, const void *b)
{
    return strcmp(((const atlas_entry_t *)a)->code,
                  ((const atlas_entry_t *)b)->code);
}

/* The entry of a code (entries are sorted by code), or NULL. */
static atlas_entry_t *find_code(atlas_run_t *run, const char *code)
{
    atlas_entry_t key;
    key.code = (char *)code;
    return bsearch(&key, run->entries, run->n_entries, sizeof key, by_code);
}

static tob_status_t parent_exists(tob_store_t *st, const char *level,
                                  const char *code, tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st, SQL_PARENT, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text_static(s, 1, level);
    db_bind_text_static(s, 2, code);
    int rc = db_step(s);
    if (rc == DB_DONE)
        status = tob_error_set(err, TOB_ERR_NOTFOUND,
                               "--within %s:%s: no such territory in the "
                               "store",
                               level, code);
    else if (rc != DB_ROW)
        status = db_fail(st, "finding a --within territory", err);
    db_finalize(s);
    return status;
}

/* Marks the territories of run's level within "LEVEL:CODE". */
static tob_status_t select_within(tob_store_t *st, atlas_run_t *run,
                                  const char *within, tob_error_t *err)
{
    const char *colon = strchr(within, ':');
    char level[64];
    if (colon == NULL || colon == within || colon[1] == '\0' ||
        (size_t)(colon - within) >= sizeof level)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "--within '%.60s' is not LEVEL:CODE "
                             "(departement:62, epci:200068500)",
                             within);
    memcpy(level, within, (size_t)(colon - within));
    level[colon - within] = '\0';
    const char *code = colon + 1;
    tob_status_t status = parent_exists(st, level, code, err);
    db_stmt_t *s = NULL;
    if (status == TOB_OK)
        status = db_prepare(st, SQL_WITHIN, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text_static(s, 1, level);
    db_bind_text_static(s, 2, code);
    db_bind_text_static(s, 3, run->opts->level);
    db_bind_int(s, 4, run->vintage);
    size_t n_found = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        atlas_entry_t *e = find_code(run, db_column_text(s, 0));
        if (e != NULL) {
            e->selected = 1;
            n_found++;
        }
    }
    if (rc != DB_DONE)
        status = db_fail(st, "listing territories within a parent", err);
    db_finalize(s);
    if (status == TOB_OK && n_found == 0)
        status = tob_error_set(err, TOB_ERR_NOTFOUND,
                               "--within %s:%s: no territory of level '%s' "
                               "in it (relate the levels first: terrobs "
                               "relate --child %s --parent %s)",
                               level, code, run->opts->level, run->opts->level,
                               level);
    return status;
}

/* Strips a line of its end, spaces and a '#' comment. */
static char *trim(char *line)
{
    line[strcspn(line, "#\r\n")] = '\0';
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
                     line[n - 1] == ';' || line[n - 1] == ','))
        line[--n] = '\0';
    return line;
}

/* Marks the territories listed in path, one code a line; a code that is
 * not a territory of the level is an error naming path:line. */
static tob_status_t select_codes(atlas_run_t *run, const char *path,
                                 tob_error_t *err)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        tob_error_set(err, TOB_ERR_NOTFOUND, "cannot read the list of codes");
        tob_error_at(err, path, 0, NULL);
        return TOB_ERR_NOTFOUND;
    }
    char *line = NULL;
    size_t cap = 0;
    long row = 0;
    tob_status_t status = TOB_OK;
    while (status == TOB_OK && getline(&line, &cap, fp) != -1) {
        row++;
        const char *code = trim(line);
        if (*code == '\0')
            continue;
        atlas_entry_t *e = find_code(run, code);
        if (e != NULL)
            e->selected = 1;
        else {
            status = tob_error_set(
                err, TOB_ERR_NOTFOUND,
                "'%.40s' is not a territory of level '%s', vintage %d", code,
                run->opts->level, run->vintage);
            tob_error_at(err, path, row, "code");
        }
    }
    if (status == TOB_OK && ferror(fp)) {
        status = tob_error_set(err, TOB_ERR_IO, "cannot read the list");
        tob_error_at(err, path, 0, NULL);
    }
    free(line);
    fclose(fp);
    return status;
}

tob_status_t atlas_select(tob_store_t *st, atlas_run_t *run, tob_error_t *err)
{
    const tob_atlas_options_t *o = run->opts;
    int all = o->n_within == 0 && o->codes_path == NULL;
    tob_status_t status = TOB_OK;
    for (size_t i = 0; i < run->n_entries; i++)
        run->entries[i].selected = all;
    for (size_t i = 0; status == TOB_OK && i < o->n_within; i++)
        status = select_within(st, run, o->within[i], err);
    if (status == TOB_OK && o->codes_path != NULL)
        status = select_codes(run, o->codes_path, err);
    if (status != TOB_OK)
        return status;
    run->todo = calloc(run->n_entries + 1, sizeof *run->todo);
    if (run->todo == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < run->n_entries; i++)
        if (run->entries[i].selected)
            run->todo[run->n_todo++] = i;
    if (run->n_todo == 0) {
        tob_error_set(err, TOB_ERR_NOTFOUND, "no territory listed");
        tob_error_at(err, o->codes_path, 0, NULL);
        return TOB_ERR_NOTFOUND;
    }
    return TOB_OK;
}
