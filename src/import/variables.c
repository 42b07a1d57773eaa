/* variables.c - variable metadata from a variables file. */
#include "indicators_internal.h"
#include "terrobs/aggregate.h"

#include "base/codeset.h"
#include "store/db.h"
#include "terrobs/cells.h"
#include "terrobs/codes.h"
#include "terrobs/values.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tob_status_t variable_check_name(const char *name, tob_error_t *err)
{
    size_t len = strlen(name);
    if (len == 0 || len >= TOB_VARIABLE_NAME_MAX)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "a variable name has 1 to %d characters",
                             TOB_VARIABLE_NAME_MAX - 1);
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return tob_error_set(err, TOB_ERR_INPUT,
                                 "'%s' is not a variable name (a-z, 0-9 "
                                 "and _ only)",
                                 name);
    }
    return TOB_OK;
}

void variable_name_from_header(const char *header, char *buf, size_t size)
{
    size_t len = strlen(header) + 1;
    char *folded = malloc(len);
    if (size == 0 || folded == NULL) {
        free(folded);
        if (size > 0)
            buf[0] = '\0';
        return;
    }
    tob_text_fold(header, folded, len);
    size_t n = 0;
    for (const char *p = folded; *p && n + 1 < size; p++) {
        char c = *p;
        /* km² -> km2: superscript two and three (UTF-8 C2 B2, C2 B3). */
        if ((unsigned char)c == 0xC2 &&
            ((unsigned char)p[1] == 0xB2 || (unsigned char)p[1] == 0xB3))
            c = *++p == '\xB2' ? '2' : '3';
        int keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (keep)
            buf[n++] = c;
        else if (n > 0 && buf[n - 1] != '_')
            buf[n++] = '_';
    }
    while (n > 0 && buf[n - 1] == '_')
        n--;
    buf[n] = '\0';
    free(folded);
}

enum {
    C_NAME,
    C_LABEL,
    C_UNIT,
    C_SOURCE,
    C_AGGREGATE,
    C_WEIGHT,
    C_NUMERATOR,
    C_DENOMINATOR,
    C_DECIMALS,
    C_YEAR,
    C_SCALE,
    N_COLS
};

/* Column names, then French aliases (matched folded: "Libellé" too). */
static const char *const column_aliases[N_COLS][4] = {
    {"name", "variable", "nom", NULL},
    {"label", "libelle", NULL, NULL},
    {"unit", "unite", NULL, NULL},
    {"source", NULL, NULL, NULL},
    {"aggregate", "agregation", NULL, NULL},
    {"weight", "poids", NULL, NULL},
    {"numerator", "numerateur", NULL, NULL},
    {"denominator", "denominateur", NULL, NULL},
    {"decimals", "decimales", NULL, NULL},
    {"year", "annee", NULL, NULL},
    {"scale", "facteur", NULL, NULL},
};

typedef struct declared {
    tob_variable_t v; /* scale NAN when not given */
    long long row;
} declared_t;

typedef struct var_file {
    tob_store_t *st;
    tob_table_t *table;
    long col[N_COLS];
    declared_t *decls;
    size_t n, cap;
    tob_codeset_t *names;
} var_file_t;

static const char *cell(const var_file_t *f, int c)
{
    return f->col[c] >= 0 ? tob_table_cell(f->table, (size_t)f->col[c]) : "";
}

static tob_status_t at_cell(var_file_t *f, int c, tob_status_t s,
                            tob_error_t *err)
{
    tob_error_at(err, tob_table_source(f->table),
                 tob_table_row_number(f->table), column_aliases[c][0]);
    return s;
}

/* An optional whole number in [lo, hi]; *out untouched when blank. */
static tob_status_t read_int(var_file_t *f, int c, long long lo, long long hi,
                             int *out, tob_error_t *err)
{
    long long v = 0;
    tob_status_t s = tob_cell_parse_int(cell(f, c), &v, err);
    if (s == TOB_OK && v != TOB_CELL_INT_MISSING && (v < lo || v > hi))
        s = tob_error_set(err, TOB_ERR_INPUT, "%lld is not in %lld..%lld", v,
                          lo, hi);
    if (s != TOB_OK)
        return at_cell(f, c, s, err);
    if (v != TOB_CELL_INT_MISSING)
        *out = (int)v;
    return TOB_OK;
}

/* Copies cell c trimmed; too long for dst is an error, not a cut. */
static tob_status_t copy_cell(var_file_t *f, int c, char *dst, size_t size,
                              tob_error_t *err)
{
    if (tob_code_normalize(cell(f, c), dst, size, NULL) == TOB_OK)
        return TOB_OK;
    return at_cell(f, c,
                   tob_error_set(err, TOB_ERR_INPUT,
                                 "too long (at most %zu bytes)", size - 1),
                   err);
}

/* An aggregate in English or French, any case, with or without accents:
 * "Somme", "moyenne pondérée", "Ratio", "aucune". -1 if none. */
static int aggregate_word(const char *text)
{
    static const struct {
        const char *word;
        tob_aggregate_kind_t kind;
    } french[] = {{"somme", TOB_AGG_SUM},
                  {"moyenne", TOB_AGG_MEAN},
                  {"moyenne_ponderee", TOB_AGG_WEIGHTED_MEAN},
                  {"weighted_mean", TOB_AGG_WEIGHTED_MEAN},
                  {"taux", TOB_AGG_RATIO},
                  {"rapport", TOB_AGG_RATIO},
                  {"aucune", TOB_AGG_NONE},
                  {"aucun", TOB_AGG_NONE}};
    char folded[32];
    tob_text_fold(text, folded, sizeof folded);
    int kind = tob_aggregate_parse(folded);
    for (size_t i = 0; kind < 0 && i < sizeof french / sizeof french[0]; i++)
        if (strcmp(folded, french[i].word) == 0)
            kind = (int)french[i].kind;
    return kind;
}

static tob_status_t read_kind(var_file_t *f, tob_variable_t *v,
                              tob_error_t *err)
{
    char agg[32];
    tob_status_t s = copy_cell(f, C_AGGREGATE, agg, sizeof agg, err);
    if (s != TOB_OK)
        return s;
    int kind = agg[0] ? aggregate_word(agg) : TOB_AGG_SUM;
    if (kind < 0)
        return at_cell(f, C_AGGREGATE,
                       tob_error_set(err, TOB_ERR_INPUT,
                                     "'%s' is not one of sum, mean, "
                                     "weighted_mean, ratio, none (or "
                                     "somme, moyenne, moyenne pondérée, "
                                     "ratio, aucune)",
                                     agg),
                       err);
    v->aggregate = (tob_aggregate_kind_t)kind;
    if (kind == TOB_AGG_WEIGHTED_MEAN && v->weight[0] == '\0')
        return at_cell(f, C_WEIGHT,
                       tob_error_set(err, TOB_ERR_INPUT,
                                     "a weighted_mean needs its weight "
                                     "variable"),
                       err);
    if (kind == TOB_AGG_RATIO && (!v->numerator[0] || !v->denominator[0]))
        return at_cell(f, v->numerator[0] ? C_DENOMINATOR : C_NUMERATOR,
                       tob_error_set(err, TOB_ERR_INPUT,
                                     "a ratio needs its numerator and "
                                     "denominator variables"),
                       err);
    /* A variable made of itself has no value to start from (and would
     * recurse in the values module). */
    const char *parts[3] = {v->weight, v->numerator, v->denominator};
    const int cols[3] = {C_WEIGHT, C_NUMERATOR, C_DENOMINATOR};
    for (int k = 0; k < 3; k++)
        if (strcmp(parts[k], v->name) == 0 &&
            (k > 0 ? kind == TOB_AGG_RATIO : kind == TOB_AGG_WEIGHTED_MEAN))
            return at_cell(f, cols[k],
                           tob_error_set(err, TOB_ERR_INPUT,
                                         "variable %s cannot be its own %s",
                                         v->name, column_aliases[cols[k]][0]),
                           err);
    return TOB_OK;
}

static tob_status_t read_scale(var_file_t *f, tob_variable_t *v,
                               tob_error_t *err)
{
    tob_status_t s = tob_cell_parse_number(cell(f, C_SCALE), &v->scale, err);
    if (s == TOB_OK && v->scale == 0)
        s = tob_error_set(err, TOB_ERR_INPUT, "a scale cannot be 0");
    return s == TOB_OK ? TOB_OK : at_cell(f, C_SCALE, s, err);
}

static tob_status_t read_declaration(var_file_t *f, declared_t *d,
                                     tob_error_t *err)
{
    tob_variable_t *v = &d->v;
    memset(d, 0, sizeof *d);
    d->row = tob_table_row_number(f->table);
    v->decimals = -1;
    tob_status_t s = copy_cell(f, C_NAME, v->name, sizeof v->name, err);
    if (s == TOB_OK)
        s = copy_cell(f, C_LABEL, v->label, sizeof v->label, err);
    if (s == TOB_OK)
        s = copy_cell(f, C_UNIT, v->unit, sizeof v->unit, err);
    if (s == TOB_OK)
        s = copy_cell(f, C_SOURCE, v->source, sizeof v->source, err);
    if (s == TOB_OK)
        s = copy_cell(f, C_WEIGHT, v->weight, sizeof v->weight, err);
    if (s == TOB_OK)
        s = copy_cell(f, C_NUMERATOR, v->numerator, sizeof v->numerator, err);
    if (s == TOB_OK)
        s = copy_cell(f, C_DENOMINATOR, v->denominator, sizeof v->denominator,
                      err);
    if (s != TOB_OK)
        return s;
    if (variable_check_name(v->name, err) != TOB_OK)
        return at_cell(f, C_NAME, TOB_ERR_INPUT, err);
    if (v->label[0] == '\0')
        return at_cell(f, C_LABEL,
                       tob_error_set(err, TOB_ERR_INPUT, "empty label"), err);
    s = read_kind(f, v, err);
    if (s == TOB_OK)
        s = read_int(f, C_DECIMALS, 0, 9, &v->decimals, err);
    if (s == TOB_OK)
        s = read_int(f, C_YEAR, 1800, 2200, &v->year, err);
    if (s == TOB_OK)
        s = read_scale(f, v, err);
    long long first = 0;
    if (s == TOB_OK)
        s = codeset_add(f->names, v->name, d->row, &first, err);
    if (s == TOB_OK && first != 0)
        s = at_cell(f, C_NAME,
                    tob_error_set(err, TOB_ERR_INPUT,
                                  "variable %s is already declared at row "
                                  "%lld",
                                  v->name, first),
                    err);
    return s;
}

static tob_status_t read_declarations(var_file_t *f, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    table_missing_t missing = {0};
    for (int c = 0; s == TOB_OK && c < N_COLS; c++)
        s = table_column_noted(f->table, column_aliases[c], c <= C_LABEL,
                               &f->col[c], &missing, err);
    if (s == TOB_OK)
        s = table_missing_fail(f->table, &missing, err);
    int has_row = 0;
    while (s == TOB_OK &&
           (s = tob_table_next(f->table, &has_row, err)) == TOB_OK && has_row) {
        if (f->n == f->cap) {
            size_t cap = f->cap ? 2 * f->cap : 32;
            declared_t *bigger = realloc(f->decls, cap * sizeof *bigger);
            if (bigger == NULL)
                return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            f->decls = bigger;
            f->cap = cap;
        }
        s = read_declaration(f, &f->decls[f->n], err);
        f->n += s == TOB_OK;
    }
    if (s == TOB_OK && f->n == 0)
        s = tob_error_set(err, TOB_ERR_INPUT, "no variable declared");
    return s;
}

static int in_store(tob_store_t *st, const char *name)
{
    tob_variable_t v;
    return tob_variable_get(st, name, &v, NULL) == TOB_OK;
}

/* A weight, numerator or denominator names a variable of the file or of
 * the store. */
static tob_status_t check_parts(var_file_t *f, tob_error_t *err)
{
    for (size_t i = 0; i < f->n; i++) {
        const tob_variable_t *v = &f->decls[i].v;
        const char *parts[3] = {v->weight, v->numerator, v->denominator};
        const int cols[3] = {C_WEIGHT, C_NUMERATOR, C_DENOMINATOR};
        for (int k = 0; k < 3; k++) {
            if (parts[k][0] == '\0' || codeset_find(f->names, parts[k]) ||
                in_store(f->st, parts[k]))
                continue;
            tob_error_set(err, TOB_ERR_INPUT,
                          "variable %s: '%s' is neither declared in this "
                          "file nor in the store",
                          v->name, parts[k]);
            tob_error_at(err, tob_table_source(f->table), f->decls[i].row,
                         column_aliases[cols[k]][0]);
            return TOB_ERR_INPUT;
        }
    }
    return TOB_OK;
}

static const char UPSERT_SQL[] =
    "INSERT INTO variable (name, label, unit, source, aggregate, weight,"
    " numerator, denominator, decimals, year, scale)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    " ON CONFLICT (name) DO UPDATE SET label = excluded.label,"
    " unit = excluded.unit, source = excluded.source,"
    " aggregate = excluded.aggregate, weight = excluded.weight,"
    " numerator = excluded.numerator, denominator = excluded.denominator,"
    " decimals = excluded.decimals, year = excluded.year,"
    " scale = excluded.scale";

static void bind_text_or_null(db_stmt_t *stmt, int i, const char *text)
{
    if (text[0] != '\0')
        db_bind_text_static(stmt, i, text);
    else
        db_bind_null(stmt, i);
}

static void bind_declaration(db_stmt_t *stmt, const tob_variable_t *v)
{
    db_bind_text_static(stmt, 1, v->name);
    db_bind_text_static(stmt, 2, v->label);
    bind_text_or_null(stmt, 3, v->unit);
    bind_text_or_null(stmt, 4, v->source);
    db_bind_text_static(stmt, 5, tob_aggregate_name(v->aggregate));
    bind_text_or_null(stmt, 6, v->weight);
    bind_text_or_null(stmt, 7, v->numerator);
    bind_text_or_null(stmt, 8, v->denominator);
    if (v->decimals >= 0)
        db_bind_int(stmt, 9, v->decimals);
    else
        db_bind_null(stmt, 9);
    if (v->year > 0)
        db_bind_int(stmt, 10, v->year);
    else
        db_bind_null(stmt, 10);
    if (!isnan(v->scale))
        db_bind_double(stmt, 11, v->scale);
    else
        db_bind_null(stmt, 11);
}

static tob_status_t write_declarations(var_file_t *f, const char *path,
                                       tob_variables_report_t *rep,
                                       tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(f->st, UPSERT_SQL, &stmt, err);
    for (size_t i = 0; s == TOB_OK && i < f->n; i++) {
        const tob_variable_t *v = &f->decls[i].v;
        if (in_store(f->st, v->name))
            rep->n_updated++;
        else
            rep->n_created++;
        db_reset(stmt);
        db_clear_bindings(stmt);
        bind_declaration(stmt, v);
        if (db_step(stmt) != DB_DONE)
            s = db_fail(f->st, "writing a variable", err);
    }
    db_finalize(stmt);
    char details[128];
    snprintf(details, sizeof details,
             "%zu variables: %zu created, %zu "
             "updated",
             f->n, rep->n_created, rep->n_updated);
    tob_source_record_t rec = {"variables",
                               path,
                               NULL,
                               NULL,
                               0,
                               (long long)f->n,
                               rep->checksum[0] ? rep->checksum : NULL,
                               details};
    if (s == TOB_OK)
        s = tob_store_add_source(f->st, &rec, NULL, err);
    return s;
}

tob_status_t tob_variables_import(tob_store_t *st, const char *path,
                                  const char *sheet,
                                  tob_variables_report_t *report,
                                  tob_error_t *err)
{
    tob_variables_report_t local;
    tob_variables_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    var_file_t f = {.st = st};
    tob_table_options_t topts = {sheet};
    tob_status_t s = tob_table_open(path, &topts, &f.table, err);
    if (s == TOB_OK)
        s = codeset_create(&f.names, err);
    if (s == TOB_OK)
        s = read_declarations(&f, err);
    if (s == TOB_OK)
        s = check_parts(&f, err);
    if (s == TOB_OK && tob_file_sha256(path, rep->checksum, NULL) != TOB_OK)
        rep->checksum[0] = '\0';
    rep->n_rows = f.n;
    if (s == TOB_OK && (s = tob_store_begin(st, err)) == TOB_OK) {
        s = write_declarations(&f, path, rep, err);
        /* How a variable aggregates may have changed: every aggregate. */
        if (s == TOB_OK)
            s = tob_aggregate_refresh(st, NULL, NULL, NULL, err);
        if (s == TOB_OK)
            s = tob_store_commit(st, err);
        if (s != TOB_OK)
            tob_store_rollback(st);
    }
    if (s != TOB_OK)
        tob_error_at(err, path, 0, NULL);
    tob_table_close(f.table);
    codeset_destroy(f.names);
    free(f.decls);
    return s;
}
