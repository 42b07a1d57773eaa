/* programme_import.c - the generic import of contracts, projects and GUP
 * tables: open the table, bind its headers to the documented columns, run
 * the kind's row handler on every row in one transaction, and record
 * provenance. The cell helpers every kind uses live here too. */
#include "programme_internal.h"

#include "sources/tablecol.h"
#include "store/db.h"
#include "terrobs/cells.h"
#include "terrobs/codes.h"
#include "terrobs/projects.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const prog_kind_ops_t *ops_of(tob_programme_kind_t kind)
{
    static const prog_kind_ops_t *const ops[TOB_PROG_N_KINDS] = {
        &prog_contract_ops, &prog_project_ops, &prog_site_ops, &prog_action_ops,
        &prog_report_ops};
    return (unsigned)kind < TOB_PROG_N_KINDS ? ops[kind] : NULL;
}

size_t prog_spec(const prog_ctx_t *c, const char *header)
{
    for (size_t i = 0; i < c->n_cols; i++)
        if (strcmp(c->cols[i].header, header) == 0)
            return i;
    return c->n_cols - 1;
}

const char *prog_cell(const prog_ctx_t *c, size_t spec)
{
    if (spec >= c->n_cols || c->col[spec] < 0)
        return "";
    return tob_table_cell(c->table, (size_t)c->col[spec]);
}

static const char *header_of(const prog_ctx_t *c, size_t spec)
{
    if (spec < c->n_cols && c->col[spec] >= 0)
        return tob_table_column_name(c->table, (size_t)c->col[spec]);
    return spec < c->n_cols ? c->cols[spec].header : NULL;
}

tob_status_t prog_at(const prog_ctx_t *c, size_t spec, tob_status_t s,
                     tob_error_t *err)
{
    tob_error_at(err, tob_table_source(c->table),
                 tob_table_row_number(c->table), header_of(c, spec));
    return err != NULL && err->code != TOB_OK ? err->code : s;
}

static int is_blank_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Copies text without the blanks around it into buf; returns the length
 * of the trimmed text, which does not fit when >= size. */
static size_t trim_copy(const char *text, char *buf, size_t size)
{
    while (is_blank_byte(*text))
        text++;
    size_t n = strlen(text);
    while (n > 0 && is_blank_byte(text[n - 1]))
        n--;
    if (n < size) {
        memcpy(buf, text, n);
        buf[n] = '\0';
    } else {
        buf[0] = '\0';
    }
    return n;
}

tob_status_t prog_text(const prog_ctx_t *c, size_t spec, int required,
                       char *buf, size_t size, tob_error_t *err)
{
    const char *text = prog_cell(c, spec);
    if (tob_cell_is_blank(text)) {
        buf[0] = '\0';
        if (!required)
            return TOB_OK;
        tob_error_set(err, TOB_ERR_INPUT, "is empty");
        return prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    /* Cut, a code could merge with another one and a title end in the
     * middle of a character: refuse instead. */
    size_t n = trim_copy(text, buf, size);
    if (n >= size) {
        tob_error_set(err, TOB_ERR_INPUT, "is %zu bytes long: at most %zu", n,
                      size - 1);
        return prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    return TOB_OK;
}

tob_status_t prog_date(const prog_ctx_t *c, size_t spec, int required,
                       char iso[11], tob_error_t *err)
{
    int y = 0, m = 0, d = 0;
    iso[0] = '\0';
    const char *text = prog_cell(c, spec);
    if (tob_cell_parse_date(text, &y, &m, &d, err) != TOB_OK)
        return prog_at(c, spec, TOB_ERR_INPUT, err);
    if (y == 0) {
        if (!required)
            return TOB_OK;
        tob_error_set(err, TOB_ERR_INPUT, "is empty");
        return prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    snprintf(iso, 11, "%04d-%02d-%02d", y, m, d);
    return TOB_OK;
}

tob_status_t prog_money_cell(const prog_ctx_t *c, const char *text, size_t spec,
                             const char *header, double *out, tob_error_t *err)
{
    *out = NAN;
    tob_status_t s = tob_cell_parse_number(text, out, err);
    if (s == TOB_OK && *out < 0)
        s = tob_error_set(err, TOB_ERR_INPUT,
                          "'%.40s' is negative: an amount in euros is >= 0",
                          text);
    if (s != TOB_OK) {
        *out = NAN;
        tob_error_at(err, tob_table_source(c->table),
                     tob_table_row_number(c->table),
                     header != NULL ? header : header_of(c, spec));
    }
    return s;
}

tob_status_t prog_vocab(const prog_ctx_t *c, size_t spec, tob_vocab_t vocab,
                        const char **key, tob_error_t *err)
{
    char text[256];
    tob_status_t s = prog_text(c, spec, 1, text, sizeof text, err);
    if (s == TOB_OK && tob_vocab_match(vocab, text, key, err) != TOB_OK)
        s = prog_at(c, spec, TOB_ERR_INPUT, err);
    return s;
}

/* "commune, epci, scot" for a message. */
static void list_levels(tob_store_t *st, char *buf, size_t size)
{
    db_stmt_t *stmt = NULL;
    size_t used = 0;
    buf[0] = '\0';
    if (!db_try_prepare(st, "SELECT name FROM level ORDER BY name", &stmt))
        return;
    while (db_step(stmt) == DB_ROW && used < size) {
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                         db_column_text(stmt, 0));
        used += w > 0 ? (size_t)w : 0;
    }
    db_finalize(stmt);
    if (used == 0)
        snprintf(buf, size, "none: load boundaries first");
}

/* Whether (level, code) exists in the latest vintage of level. */
static int territory_exists(tob_store_t *st, const char *level,
                            const char *code)
{
    db_stmt_t *stmt = NULL;
    int found = 0;
    if (db_try_prepare(st,
                       "SELECT 1 FROM territory WHERE level = ?1 AND code = ?2"
                       " AND vintage = (SELECT max(vintage) FROM territory"
                       "                WHERE level = ?1)",
                       &stmt)) {
        db_bind_text_static(stmt, 1, level);
        db_bind_text_static(stmt, 2, code);
        found = db_step(stmt) == DB_ROW;
    }
    db_finalize(stmt);
    return found;
}

tob_status_t prog_territory(const prog_ctx_t *c, size_t spec, const char *level,
                            const char *code, tob_error_t *err)
{
    char levels[512], hint[NEAR_HINT_MAX];
    if (!tob_store_has_level(c->st, level)) {
        list_levels(c->st, levels, sizeof levels);
        near_t near;
        db_near_level(c->st, &near, level);
        tob_error_set(err, TOB_ERR_INPUT,
                      "unknown level '%.40s' for '%.40s' (%slevels: %s)", level,
                      code, near_ask(&near), levels);
        return prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    if (tob_code_check(level, code, err) != TOB_OK) {
        db_code_hint(c->st, level, code, hint, sizeof hint);
        if (hint[0] != '\0' && err != NULL) {
            tob_error_t why = *err;
            tob_error_clear(err);
            tob_error_set(err, TOB_ERR_INPUT, "%s%s", why.message, hint);
        }
        return prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    if (!territory_exists(c->st, level, code)) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "unknown territory: no %s with code '%s' in the store%s",
                      level, code,
                      db_code_hint(c->st, level, code, hint, sizeof hint));
        return prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    return TOB_OK;
}

tob_status_t prog_unique(prog_ctx_t *c, size_t spec, const char *key,
                         const char *what, tob_error_t *err)
{
    long long first = 0;
    tob_status_t s =
        codeset_add(c->keys, key, tob_table_row_number(c->table), &first, err);
    if (s == TOB_OK && first != 0) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "duplicate %s '%s' (rows %lld and "
                      "%lld)",
                      what, key, first, tob_table_row_number(c->table));
        return prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    return s;
}

tob_status_t prog_step_id(prog_ctx_t *c, db_stmt_t *stmt, const char *doing,
                          tob_id_t *id, tob_error_t *err)
{
    int rc = db_step(stmt);
    tob_status_t s = TOB_OK;
    if (rc != DB_DONE && rc != DB_ROW) {
        s = db_fail(c->st, doing, err);
        tob_error_at(err, tob_table_source(c->table),
                     tob_table_row_number(c->table), NULL);
    }
    if (id != NULL)
        *id = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    db_clear_bindings(stmt);
    return s;
}

tob_status_t prog_step(prog_ctx_t *c, db_stmt_t *stmt, const char *doing,
                       tob_error_t *err)
{
    return prog_step_id(c, stmt, doing, NULL, err);
}

void prog_bind_text(db_stmt_t *stmt, int i, const char *text)
{
    if (text != NULL && text[0] != '\0')
        db_bind_text(stmt, i, text);
    else
        db_bind_null(stmt, i);
}

void prog_bind_double(db_stmt_t *stmt, int i, double v)
{
    if (isnan(v))
        db_bind_null(stmt, i);
    else
        db_bind_double(stmt, i, v);
}

tob_status_t prog_split(const char *text, int split_space,
                        tob_status_t (*fn)(void *user, const char *item,
                                           tob_error_t *err),
                        void *user, tob_error_t *err)
{
    const char *seps = split_space ? ";, \t\r\n" : ";\r\n";
    char item[512];
    const char *p = text;
    while (*p != '\0') {
        size_t n = strcspn(p, seps);
        if (n >= sizeof item)
            return tob_error_set(err, TOB_ERR_INPUT,
                                 "a list item is longer than %zu bytes",
                                 sizeof item - 1);
        memcpy(item, p, n);
        item[n] = '\0';
        char trimmed[512]; /* item is shorter: it always fits */
        trim_copy(item, trimmed, sizeof trimmed);
        if (trimmed[0] != '\0') {
            tob_status_t s = fn(user, trimmed, err);
            if (s != TOB_OK)
                return s;
        }
        p += n + (p[n] != '\0');
    }
    return TOB_OK;
}

/* ---- Binding headers to documented columns ------------------------------ */

static int folded_in(const char *aliases, const char *folded)
{
    size_t len = strlen(folded);
    for (const char *p = aliases; *p != '\0';) {
        const char *bar = strchr(p, '|');
        size_t n = bar != NULL ? (size_t)(bar - p) : strlen(p);
        if (n == len && n > 0 && strncmp(p, folded, n) == 0)
            return 1;
        p += n + (bar != NULL);
    }
    return 0;
}

/* Which documented column a folded header is, or -1. A prefix column
 * matches "prefix:..." and is reported with *prefixed = 1. */
static long match_header(const prog_ctx_t *c, const char *folded, int *prefixed)
{
    char spec_folded[128];
    *prefixed = 0;
    for (size_t i = 0; i < c->n_cols; i++) {
        tob_text_fold(c->cols[i].header, spec_folded, sizeof spec_folded);
        size_t n = strlen(spec_folded);
        if (n > 0 && spec_folded[n - 1] == ':') {
            if (strncmp(folded, spec_folded, n) == 0) {
                *prefixed = 1;
                return (long)i;
            }
            continue;
        }
        if (strcmp(folded, spec_folded) == 0 ||
            folded_in(c->cols[i].aliases, folded))
            return (long)i;
    }
    return -1;
}

static void note_ignored(prog_ctx_t *c, const char *name)
{
    size_t used = strlen(c->rep->ignored);
    snprintf(c->rep->ignored + used, sizeof c->rep->ignored - used, "%s'%s'",
             used ? ", " : "", name);
}

static tob_status_t bind_prefixed(prog_ctx_t *c, size_t spec, size_t col,
                                  const char *name, tob_error_t *err)
{
    if (c->n_prefixed == PROG_MAX_PREFIXED)
        return tob_error_set(err, TOB_ERR_INPUT, "more than %d '%s' columns",
                             PROG_MAX_PREFIXED, c->cols[spec].header);
    const char *colon = strchr(name, ':');
    char label[128];
    if (trim_copy(colon != NULL ? colon + 1 : "", label, sizeof label) >=
        sizeof label) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "the name after ':' is longer than %zu bytes",
                      sizeof label - 1);
        tob_error_at(err, tob_table_source(c->table), 0, name);
        return TOB_ERR_INPUT;
    }
    if (label[0] == '\0') {
        tob_error_set(err, TOB_ERR_INPUT,
                      "column '%s' needs a name after ':' (e.g. '%sÉtat')",
                      name, c->cols[spec].header);
        tob_error_at(err, tob_table_source(c->table), 0, name);
        return TOB_ERR_INPUT;
    }
    c->prefix_spec = spec;
    c->prefixed_col[c->n_prefixed] = (long)col;
    snprintf(c->prefixed_name[c->n_prefixed], 128, "%s", label);
    c->n_prefixed++;
    return TOB_OK;
}

static tob_status_t bind_columns(prog_ctx_t *c, tob_error_t *err)
{
    char folded[256];
    for (size_t i = 0; i < c->n_cols; i++)
        c->col[i] = -1;
    for (size_t j = 0; j < tob_table_n_columns(c->table); j++) {
        const char *name = tob_table_column_name(c->table, j);
        tob_text_fold(name, folded, sizeof folded);
        int prefixed = 0;
        long spec = match_header(c, folded, &prefixed);
        tob_status_t s = TOB_OK;
        if (spec < 0)
            note_ignored(c, name);
        else if (prefixed)
            s = bind_prefixed(c, (size_t)spec, j, name, err);
        else if (c->col[spec] >= 0) {
            s = tob_error_set(
                err, TOB_ERR_INPUT, "columns '%s' and '%s' both give '%s'",
                tob_table_column_name(c->table, (size_t)c->col[spec]), name,
                c->cols[spec].header);
            tob_error_at(err, tob_table_source(c->table), 1, name);
        } else
            c->col[spec] = (long)j;
        if (s != TOB_OK)
            return s;
    }
    table_missing_t missing = {0};
    for (size_t i = 0; i < c->n_cols; i++)
        if (c->cols[i].required && c->col[i] < 0)
            table_missing_add(&missing, c->table, c->cols[i].header,
                              c->cols[i].aliases);
    return table_missing_fail(c->table, &missing, err);
}

/* ---- The import ------------------------------------------------------- */

/* A row left from a template: its note starts with the example marker. */
static tob_status_t refuse_example(const prog_ctx_t *c, tob_error_t *err)
{
    size_t note = prog_spec(c, "Note");
    char folded[64], marker[64];
    tob_text_fold(prog_cell(c, note), folded, sizeof folded);
    tob_text_fold(TOB_PROG_EXAMPLE_NOTE, marker, sizeof marker);
    if (c->col[note] >= 0 && strncmp(folded, marker, strlen(marker)) == 0) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "this is the template's fictitious example row: "
                      "delete it before importing");
        return prog_at(c, note, TOB_ERR_INPUT, err);
    }
    return TOB_OK;
}

static tob_status_t read_rows(prog_ctx_t *c, const prog_kind_ops_t *ops,
                              tob_error_t *err)
{
    tob_status_t s = ops->prepare(c, err);
    int has_row = 0;
    while (s == TOB_OK &&
           (s = tob_table_next(c->table, &has_row, err)) == TOB_OK && has_row) {
        s = refuse_example(c, err);
        if (s == TOB_OK)
            s = ops->row(c, err);
        if (s == TOB_OK)
            c->rep->n_rows++;
    }
    if (s == TOB_OK && c->rep->n_rows == 0) {
        s = tob_error_set(err, TOB_ERR_INPUT, "no row to import");
        tob_error_at(err, tob_table_source(c->table), 0, NULL);
    }
    if (s == TOB_OK)
        s = ops->finish(c, err);
    return s;
}

static tob_status_t record_source(prog_ctx_t *c, tob_error_t *err)
{
    tob_source_record_t rec = {0};
    rec.kind = tob_programme_kind_name(c->kind);
    rec.path = c->opts->path;
    rec.layer = c->opts->sheet;
    rec.checksum = c->rep->checksum;
    return tob_store_add_source(c->st, &rec, &c->source_id, err);
}

static tob_status_t finish_source(prog_ctx_t *c, tob_error_t *err)
{
    char details[1024];
    snprintf(details, sizeof details,
             "%zu rows, %zu replaced, %zu details; encoding %s%s%s",
             c->rep->n_rows, c->rep->n_replaced, c->rep->n_details,
             tob_table_encoding(c->table),
             c->rep->ignored[0] ? "; ignored columns: " : "", c->rep->ignored);
    return tob_store_finish_source(c->st, c->source_id,
                                   (long long)c->rep->n_rows, details, err);
}

static tob_status_t run_import(prog_ctx_t *c, tob_error_t *err)
{
    const prog_kind_ops_t *ops = ops_of(c->kind);
    tob_status_t s = bind_columns(c, err);
    if (s == TOB_OK)
        s = tob_store_begin(c->st, err);
    if (s != TOB_OK)
        return s;
    s = record_source(c, err);
    if (s == TOB_OK)
        s = read_rows(c, ops, err);
    if (s == TOB_OK)
        s = finish_source(c, err);
    /* Maps and carnets read projects per territory as observations. */
    if (s == TOB_OK &&
        (c->kind == TOB_PROG_CONTRACTS || c->kind == TOB_PROG_PROJECTS))
        s = tob_projects_publish(c->st, c->opts->year, c->source_id, err);
    if (s == TOB_OK)
        s = tob_store_commit(c->st, err);
    if (s != TOB_OK)
        tob_store_rollback(c->st);
    ops->cleanup(c);
    return s;
}

tob_status_t tob_programme_import(tob_store_t *st, tob_programme_kind_t kind,
                                  const tob_programme_import_options_t *opts,
                                  tob_programme_import_report_t *report,
                                  tob_error_t *err)
{
    tob_programme_import_report_t local;
    tob_programme_import_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (ops_of(kind) == NULL || opts == NULL || opts->path == NULL)
        return tob_error_set(err, TOB_ERR_ARG, "bad import arguments");
    prog_ctx_t c = {.st = st, .kind = kind, .opts = opts, .rep = rep};
    c.cols = tob_programme_columns(kind, &c.n_cols);
    tob_table_options_t topts = {opts->sheet};
    tob_status_t s = tob_table_open(opts->path, &topts, &c.table, err);
    if (s == TOB_OK)
        s = tob_file_sha256(opts->path, rep->checksum, err);
    if (s == TOB_OK)
        s = codeset_create(&c.keys, err);
    if (s == TOB_OK) {
        snprintf(rep->sheet, sizeof rep->sheet, "%s",
                 tob_table_source(c.table));
        s = run_import(&c, err);
    }
    codeset_destroy(c.keys);
    tob_table_close(c.table);
    return s;
}
