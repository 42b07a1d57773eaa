/* territories.c - territories without geometry from a list (the QPV 2024
 * list), related to the parents each lies in. */
#include "base/codeset.h"
#include "relations_internal.h"
#include "sources/tablecol.h"
#include "store/db.h"
#include "terrobs/aggregate.h"
#include "terrobs/codes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct listed {
    char code[TOB_CODE_MAX + 1];
    char name[256];
    long long row;
    char (*parents)[TOB_CODE_MAX + 1];
    size_t n_parents, cap_parents;
    tob_id_t id;
} listed_t;

typedef struct list_run {
    tob_store_t *st;
    const tob_territories_options_t *opts;
    tob_territories_report_t *rep;
    tob_table_t *table;
    long col_code, col_name, col_parent;
    listed_t *items;
    size_t n, cap;
    tob_codeset_t *index; /* code -> item + 1 */
    tob_territory_map_t *parents;
    tob_id_t source_id;
    tob_examples_t straddling, unknown, left_out;
} list_run_t;

static tob_status_t at(list_run_t *r, const char *field, tob_status_t s,
                       tob_error_t *err)
{
    tob_error_at(err, tob_table_source(r->table),
                 tob_table_row_number(r->table), field);
    return s;
}

/* Cell of column col, trimmed into buf; empty is an error if required. */
static tob_status_t read_cell(list_run_t *r, long col, const char *field,
                              int required, char *buf, size_t size,
                              tob_error_t *err)
{
    buf[0] = '\0';
    if (col < 0)
        return TOB_OK;
    const char *text = tob_table_cell(r->table, (size_t)col);
    if (tob_code_normalize(text, buf, size, NULL) != TOB_OK)
        return at(r, field, tob_error_set(err, TOB_ERR_INPUT, "too long"), err);
    if (required && buf[0] == '\0')
        return at(r, field, tob_error_set(err, TOB_ERR_INPUT, "empty cell"),
                  err);
    return TOB_OK;
}

static tob_status_t item_of_row(list_run_t *r, const char *code,
                                const char *name, listed_t **out,
                                tob_error_t *err)
{
    long long at_item = codeset_find(r->index, code);
    if (at_item > 0) {
        *out = &r->items[at_item - 1];
        if (strcmp((*out)->name, name) == 0)
            return TOB_OK;
        return at(r, r->opts->name_key,
                  tob_error_set(err, TOB_ERR_INPUT,
                                "%s is named '%s' at row %lld", code,
                                (*out)->name, (*out)->row),
                  err);
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        listed_t *bigger = realloc(r->items, cap * sizeof *bigger);
        if (bigger == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        r->items = bigger;
        r->cap = cap;
    }
    listed_t *it = &r->items[r->n++];
    memset(it, 0, sizeof *it);
    snprintf(it->code, sizeof it->code, "%s", code);
    snprintf(it->name, sizeof it->name, "%s", name);
    it->row = tob_table_row_number(r->table);
    *out = it;
    return codeset_add(r->index, code, (long long)r->n, &at_item, err);
}

static tob_status_t add_parent(listed_t *it, const char *parent,
                               tob_error_t *err)
{
    if (parent[0] == '\0')
        return TOB_OK;
    for (size_t i = 0; i < it->n_parents; i++)
        if (strcmp(it->parents[i], parent) == 0)
            return TOB_OK; /* listed twice: one relation */
    if (it->n_parents == it->cap_parents) {
        size_t cap = it->cap_parents ? 2 * it->cap_parents : 2;
        void *bigger = realloc(it->parents, cap * sizeof *it->parents);
        if (bigger == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        it->parents = bigger;
        it->cap_parents = cap;
    }
    snprintf(it->parents[it->n_parents++], sizeof it->parents[0], "%s", parent);
    return TOB_OK;
}

static tob_status_t read_row(list_run_t *r, tob_error_t *err)
{
    char code[TOB_CODE_MAX + 1], name[256], parent[TOB_CODE_MAX + 1];
    const tob_territories_options_t *o = r->opts;
    tob_status_t s =
        read_cell(r, r->col_code, o->code_key, 1, code, sizeof code, err);
    if (s == TOB_OK && tob_code_check(o->level, code, err) != TOB_OK)
        s = at(r, o->code_key, TOB_ERR_INPUT, err);
    if (s == TOB_OK)
        s = read_cell(r, r->col_name, o->name_key, 1, name, sizeof name, err);
    if (s == TOB_OK)
        s = read_cell(r, r->col_parent, o->parent_key, 0, parent, sizeof parent,
                      err);
    listed_t *it = NULL;
    if (s == TOB_OK)
        s = item_of_row(r, code, name, &it, err);
    if (s == TOB_OK)
        s = add_parent(it, parent, err);
    return s;
}

static tob_status_t read_list(list_run_t *r, tob_error_t *err)
{
    const tob_territories_options_t *o = r->opts;
    tob_table_options_t topts = {o->sheet};
    const char *code[] = {o->code_key, NULL}, *name[] = {o->name_key, NULL};
    const char *parent[] = {o->parent_key, NULL};
    tob_status_t s = tob_table_open(o->path, &topts, &r->table, err);
    if (s == TOB_OK)
        s = codeset_create(&r->index, err);
    r->col_code = r->col_name = r->col_parent = -1;
    table_missing_t missing = {0};
    if (s == TOB_OK)
        s = table_column_noted(r->table, code, 1, &r->col_code, &missing, err);
    if (s == TOB_OK)
        s = table_column_noted(r->table, name, 1, &r->col_name, &missing, err);
    if (s == TOB_OK && o->parent_key != NULL)
        s = table_column_noted(r->table, parent, 1, &r->col_parent, &missing,
                               err);
    if (s == TOB_OK)
        s = table_missing_fail(r->table, &missing, err);
    int has_row = 0;
    while (s == TOB_OK &&
           (s = tob_table_next(r->table, &has_row, err)) == TOB_OK && has_row) {
        r->rep->n_rows++;
        s = read_row(r, err);
    }
    if (s == TOB_OK && r->n == 0)
        s = at(r, NULL, tob_error_set(err, TOB_ERR_INPUT, "no territory"), err);
    return s;
}

/* in_store: the territories none of whose parents the store has are left
 * out; a kept one keeps all its parents, so that one straddling the
 * store's edge still has an unknown share and its outside parent is said. */
static int any_parent_in_store(const list_run_t *r, const listed_t *it)
{
    for (size_t k = 0; k < it->n_parents; k++)
        if (tob_territory_map_get(r->parents, it->parents[k]) != NULL)
            return 1;
    return 0;
}

static tob_status_t keep_in_store(list_run_t *r, tob_error_t *err)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->n; i++) {
        listed_t *it = &r->items[i];
        if (any_parent_in_store(r, it)) {
            r->items[kept++] = *it;
            continue;
        }
        examples_add(&r->left_out, "%s (%s)", it->code,
                     it->n_parents > 0 ? it->parents[0] : "no parent");
        free(it->parents);
    }
    r->n = kept;
    tob_territories_report_t *rep = r->rep;
    rep->n_left_out = r->left_out.count;
    examples_describe(&r->left_out, rep->left_out, sizeof rep->left_out);
    if (kept == 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "%s: no territory has its %s (%s) in the store"
                             " (vintage %d): %s",
                             r->opts->path, r->opts->parent_level,
                             r->opts->parent_key, rep->parent_vintage,
                             rep->left_out);
    return TOB_OK;
}

static tob_status_t count_existing(list_run_t *r, long long *n,
                                   tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(r->st,
                                "SELECT count(*) FROM territory"
                                " WHERE level = ? AND vintage = ?",
                                &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, r->opts->level);
    db_bind_int(stmt, 2, r->rep->vintage);
    if (db_step(stmt) == DB_ROW)
        *n = db_column_int64(stmt, 0);
    else
        s = db_fail(r->st, "counting territories", err);
    db_finalize(stmt);
    return s;
}

static tob_status_t write_items(list_run_t *r, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        r->st,
        "INSERT INTO territory (level, code, name, vintage, source_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (level, code, vintage)"
        " DO UPDATE SET name = excluded.name, source_id = excluded.source_id,"
        " parent_code = NULL RETURNING id",
        &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, r->opts->level);
    db_bind_int(stmt, 4, r->rep->vintage);
    db_bind_int64(stmt, 5, r->source_id);
    for (size_t i = 0; s == TOB_OK && i < r->n; i++) {
        db_bind_text_static(stmt, 2, r->items[i].code);
        db_bind_text_static(stmt, 3, r->items[i].name);
        if (db_step(stmt) == DB_ROW)
            r->items[i].id = db_column_int64(stmt, 0);
        else
            s = db_fail(r->st, "writing a territory", err);
        db_reset(stmt);
    }
    db_finalize(stmt);
    if (s == TOB_OK)
        s = db_prepare(r->st,
                       "DELETE FROM territory WHERE level = ?"
                       " AND vintage = ? AND source_id IS NOT ?",
                       &stmt, err);
    if (s == TOB_OK) {
        db_bind_text_static(stmt, 1, r->opts->level);
        db_bind_int(stmt, 2, r->rep->vintage);
        db_bind_int64(stmt, 3, r->source_id);
        if (db_step(stmt) != DB_DONE)
            s = db_fail(r->st, "removing unlisted territories", err);
        r->rep->n_removed = (size_t)db_changes(r->st);
        db_finalize(stmt);
    }
    r->rep->n_territories = r->n;
    return s;
}

/* One parent: the whole territory lies in it (share 1). Several: how it
 * splits is unknown without polygons (NULL), never a guess. */
static tob_status_t relate_item(list_run_t *r, db_stmt_t *stmt,
                                const listed_t *it, tob_error_t *err)
{
    char list[200] = "";
    for (size_t k = 0; k < it->n_parents; k++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "",
                 it->parents[k]);
        tob_territory_entry_t *p =
            tob_territory_map_get(r->parents, it->parents[k]);
        if (p == NULL) {
            examples_add(&r->unknown, "%s (of %s)", it->parents[k], it->code);
            continue;
        }
        db_bind_int64(stmt, 1, it->id);
        db_bind_int64(stmt, 2, p->id);
        if (it->n_parents == 1)
            db_bind_double(stmt, 3, 1.0);
        else
            db_bind_null(stmt, 3);
        int rc = db_step(stmt);
        db_reset(stmt);
        if (rc != DB_DONE)
            return db_fail(r->st, "writing a relation", err);
        r->rep->n_relations++;
    }
    if (it->n_parents > 1)
        examples_add(&r->straddling, "%s (%s)", it->code, list);
    return TOB_OK;
}

static tob_status_t write_relations(list_run_t *r, tob_error_t *err)
{
    tob_status_t s =
        relations_clear(r->st, "overlap", r->opts->level, r->rep->vintage,
                        r->opts->parent_level, r->rep->parent_vintage, err);
    db_stmt_t *stmt = NULL;
    if (s == TOB_OK)
        s = db_prepare(r->st,
                       "INSERT INTO membership (child, parent, kind,"
                       " area_share, source_id)"
                       " VALUES (?, ?, 'overlap', ?, ?)",
                       &stmt, err);
    if (s == TOB_OK)
        db_bind_int64(stmt, 4, r->source_id);
    for (size_t i = 0; s == TOB_OK && i < r->n; i++)
        s = relate_item(r, stmt, &r->items[i], err);
    db_finalize(stmt);
    tob_territories_report_t *rep = r->rep;
    rep->n_straddling = r->straddling.count;
    rep->n_unknown_parent = r->unknown.count;
    examples_describe(&r->straddling, rep->straddling, sizeof rep->straddling);
    examples_describe(&r->unknown, rep->unknown_parent,
                      sizeof rep->unknown_parent);
    return s;
}

static tob_status_t write_list(list_run_t *r, tob_error_t *err)
{
    const tob_territories_options_t *o = r->opts;
    long long existing = 0;
    tob_status_t s = tob_store_ensure_level(r->st, o->level, o->label, 0, err);
    if (s == TOB_OK)
        s = count_existing(r, &existing, err);
    if (s == TOB_OK && existing > 0 && !o->replace)
        return tob_error_set(err, TOB_ERR_EXISTS,
                             "level %s, vintage %d already holds %lld "
                             "territories: use --replace to swap them",
                             o->level, r->rep->vintage, existing);
    tob_source_record_t rec = {"territories",
                               o->path,
                               o->sheet,
                               o->level,
                               r->rep->vintage,
                               0,
                               r->rep->checksum[0] ? r->rep->checksum : NULL,
                               NULL};
    if (s == TOB_OK)
        s = tob_store_add_source(r->st, &rec, &r->source_id, err);
    if (s == TOB_OK)
        s = write_items(r, err);
    if (s == TOB_OK && o->parent_level != NULL)
        s = write_relations(r, err);
    char details[1600];
    snprintf(details, sizeof details,
             "%zu territories without geometry from %zu rows, %zu removed; "
             "%zu relations to %s %d; straddling %s; unknown parents %s; "
             "%zu left out (no parent in the store)",
             r->n, r->rep->n_rows, r->rep->n_removed, r->rep->n_relations,
             o->parent_level ? o->parent_level : "-", r->rep->parent_vintage,
             r->rep->straddling, r->rep->unknown_parent, r->rep->n_left_out);
    if (s == TOB_OK)
        s = tob_store_finish_source(r->st, r->source_id, (long long)r->n,
                                    details, err);
    return s;
}

static int this_year(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

static void list_end(list_run_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->items[i].parents);
    free(r->items);
    codeset_destroy(r->index);
    tob_table_close(r->table);
    tob_territory_map_destroy(r->parents);
}

tob_status_t tob_territories_import(tob_store_t *st,
                                    const tob_territories_options_t *opts,
                                    tob_territories_report_t *report,
                                    tob_error_t *err)
{
    tob_territories_report_t local;
    tob_territories_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (!opts->path || !opts->level || !opts->code_key || !opts->name_key ||
        (opts->parent_level != NULL) != (opts->parent_key != NULL))
        return tob_error_set(err, TOB_ERR_ARG,
                             "a file, a level, code and name columns are "
                             "needed; a parent level goes with its column");
    list_run_t r = {.st = st, .opts = opts, .rep = rep};
    rep->vintage = opts->vintage != 0 ? opts->vintage : this_year();
    tob_status_t s = tob_store_check_level_name(opts->level, err);
    if (s == TOB_OK && opts->parent_level != NULL) {
        s = tob_territory_map_load(st, opts->parent_level, opts->parent_vintage,
                                   &r.parents, err);
        if (s == TOB_OK)
            rep->parent_vintage = tob_territory_map_vintage(r.parents);
    }
    if (s == TOB_OK)
        s = read_list(&r, err);
    if (s == TOB_OK && opts->in_store && opts->parent_level != NULL)
        s = keep_in_store(&r, err);
    if (s == TOB_OK &&
        tob_file_sha256(opts->path, rep->checksum, NULL) != TOB_OK)
        rep->checksum[0] = '\0';
    if (s == TOB_OK && (s = tob_store_begin(st, err)) == TOB_OK) {
        s = write_list(&r, err);
        if (s == TOB_OK)
            s = tob_aggregate_refresh(st, opts->level, opts->parent_level, NULL,
                                      err);
        if (s == TOB_OK)
            s = tob_store_commit(st, err);
        if (s != TOB_OK)
            tob_store_rollback(st);
    }
    list_end(&r);
    return s;
}
