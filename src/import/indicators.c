/* indicators.c - indicator tables: read, columns chosen and named, cells
 * parsed; then matched (indicators_map.c) and written
 * (indicators_write.c), all or nothing. */
#include "indicators_internal.h"
#include "terrobs/aggregate.h"

#include "terrobs/cells.h"
#include "terrobs/codes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static tob_status_t nomem(tob_error_t *err)
{
    return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
}

static tob_status_t at(ind_import_t *imp, long long row, const char *field,
                       tob_status_t s, tob_error_t *err)
{
    tob_error_at(err, tob_table_source(imp->table), row, field);
    return s;
}

static tob_status_t add_column(ind_import_t *imp, long index, tob_error_t *err)
{
    ind_column_t *c = &imp->cols[imp->n_cols++];
    memset(c, 0, sizeof *c);
    c->index = index;
    c->part_a = c->part_b = -1;
    snprintf(c->header, sizeof c->header, "%s",
             tob_table_column_name(imp->table, (size_t)index));
    (void)err;
    return TOB_OK;
}

/* The key column, then the columns asked, or every other column. */
static tob_status_t pick_columns(ind_import_t *imp, tob_error_t *err)
{
    const char *key_alias[] = {imp->opts->key, NULL};
    table_missing_t missing = {0};
    tob_status_t s = table_column_noted(imp->table, key_alias, 1, &imp->key_col,
                                        &missing, err);
    for (size_t i = 0; s == TOB_OK && imp->opts->columns != NULL &&
                       imp->opts->columns[i] != NULL;
         i++) {
        const char *alias[] = {imp->opts->columns[i], NULL};
        long index = -1;
        s = table_column_noted(imp->table, alias, 1, &index, &missing, err);
    }
    if (s == TOB_OK)
        s = table_missing_fail(imp->table, &missing, err);
    size_t n = tob_table_n_columns(imp->table);
    if (s == TOB_OK && (imp->cols = calloc(n, sizeof *imp->cols)) == NULL)
        s = nomem(err);
    if (s != TOB_OK || imp->opts->columns == NULL) {
        for (size_t i = 0; s == TOB_OK && i < n; i++)
            if ((long)i != imp->key_col)
                s = add_column(imp, (long)i, err);
        return s;
    }
    for (size_t i = 0; s == TOB_OK && imp->opts->columns[i]; i++) {
        const char *alias[] = {imp->opts->columns[i], NULL};
        long index = -1;
        s = table_column(imp->table, alias, 1, &index, err);
        for (size_t k = 0; s == TOB_OK && k < imp->n_cols; k++)
            if (imp->cols[k].index == index || index == imp->key_col)
                s = tob_error_set(err, TOB_ERR_ARG,
                                  "column %s is the key or given twice",
                                  alias[0]);
        if (s == TOB_OK && imp->n_cols < n)
            s = add_column(imp, index, err);
    }
    return s;
}

static tob_status_t grow_rows(ind_import_t *imp, tob_error_t *err)
{
    if (imp->n_rows < imp->cap_rows)
        return TOB_OK;
    size_t cap = imp->cap_rows ? 2 * imp->cap_rows : 1024;
    ind_row_t *bigger = realloc(imp->rows, cap * sizeof *bigger);
    if (bigger == NULL)
        return nomem(err);
    imp->rows = bigger;
    imp->cap_rows = cap;
    return TOB_OK;
}

/* The key: trimmed, non-empty, a well-formed code of the level, unique. */
static tob_status_t read_key(ind_import_t *imp, ind_row_t *r, tob_error_t *err)
{
    char key[TOB_CODE_MAX + 1];
    const char *text = tob_table_cell(imp->table, (size_t)imp->key_col);
    tob_status_t s = tob_code_normalize(text, key, sizeof key, NULL);
    if (s != TOB_OK)
        s = tob_error_set(err, TOB_ERR_INPUT, "key too long");
    else if (key[0] == '\0')
        s = tob_error_set(err, TOB_ERR_INPUT, "empty key");
    else
        s = tob_code_check(imp->opts->level, key, err);
    if (s != TOB_OK)
        return at(imp, r->row, imp->opts->key, s, err);
    if ((r->key = strdup(key)) == NULL)
        return nomem(err);
    long long first = 0;
    return codeset_add(imp->keys, key, r->row, &first, err);
}

static tob_status_t read_row(ind_import_t *imp, tob_error_t *err)
{
    tob_status_t s = grow_rows(imp, err);
    if (s != TOB_OK)
        return s;
    ind_row_t *r = &imp->rows[imp->n_rows];
    memset(r, 0, sizeof *r);
    r->row = tob_table_row_number(imp->table);
    imp->n_rows++; /* counted now, so that a failure frees it */
    if ((r->cells = calloc(imp->n_cols + 1, sizeof *r->cells)) == NULL)
        return nomem(err);
    s = read_key(imp, r, err);
    for (size_t i = 0; s == TOB_OK && i < imp->n_cols; i++) {
        const char *text =
            tob_table_cell(imp->table, (size_t)imp->cols[i].index);
        if ((r->cells[i] = strdup(text)) == NULL)
            s = nomem(err);
    }
    return s;
}

static tob_status_t read_rows(ind_import_t *imp, tob_error_t *err)
{
    int has_row = 0;
    tob_status_t s;
    while ((s = tob_table_next(imp->table, &has_row, err)) == TOB_OK && has_row)
        if ((s = read_row(imp, err)) != TOB_OK)
            return s;
    if (s == TOB_OK && imp->n_rows == 0)
        return at(imp, 0, NULL,
                  tob_error_set(err, TOB_ERR_INPUT, "no data row"), err);
    if (s == TOB_OK && codeset_n_duplicates(imp->keys) > 0) {
        char list[500];
        codeset_describe_duplicates(imp->keys, "rows", list, sizeof list);
        tob_error_set(err, TOB_ERR_INPUT, "%zu duplicate keys: %s",
                      codeset_n_duplicates(imp->keys), list);
        return at(imp, 0, imp->opts->key, TOB_ERR_INPUT, err);
    }
    return s;
}

/* Codes and coordinates are not indicators: insee_dep (01 ... 2A, 976),
 * insee_reg, siren_epci, lat, lng... are left out without --columns, by
 * their header or by their cells (every one of the same width, one with
 * a leading zero or a letter among digits, as 2A). */
static int header_is_code(const char *header)
{
    static const char *const exact[] = {"lat",         "lng",
                                        "lon",         "long",
                                        "latitude",    "longitude",
                                        "x",           "y",
                                        "dep",         "reg",
                                        "departement", "region",
                                        "epci",        "arrondissement",
                                        "codgeo",      "libgeo"};
    static const char *const prefix[] = {"insee_", "code", "siren",
                                         "siret",  "cog_", "num_"};
    static const char *const suffix[] = {"_code",  "_insee", "_siren",
                                         "_siret", "_dep",   "_reg"};
    char h[128];
    tob_text_fold(header, h, sizeof h);
    size_t len = strlen(h);
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(h, exact[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++)
        if (strncmp(h, prefix[i], strlen(prefix[i])) == 0)
            return 1;
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        size_t n = strlen(suffix[i]);
        if (len > n && strcmp(h + len - n, suffix[i]) == 0)
            return 1;
    }
    return 0;
}

static int cells_are_codes(const ind_import_t *imp, size_t col)
{
    size_t width = 0, n = 0;
    int zero_or_letter = 0;
    for (size_t k = 0; k < imp->n_rows; k++) {
        const char *t = imp->rows[k].cells[col];
        if (t == NULL || tob_cell_is_blank(t))
            continue;
        size_t w = strlen(t), digits = strspn(t, "0123456789");
        if (w < 2 || (n++ > 0 && w != width) || digits + 1 < w)
            return 0;
        width = w;
        if (t[0] == '0' || digits < w)
            zero_or_letter = 1;
    }
    return n > 0 && zero_or_letter;
}

/* Without --columns, a column is imported unless most of its non-blank
 * cells are text: names and labels are left out (and reported), a
 * numeric column with a stray word fails on it instead of vanishing, and
 * an empty column says its values are missing. */
static void detect_numeric(ind_import_t *imp)
{
    for (size_t i = 0; i < imp->n_cols; i++) {
        ind_column_t *c = &imp->cols[i];
        for (size_t k = 0; k < imp->n_rows; k++) {
            const char *text = imp->rows[k].cells[i];
            double v;
            if (tob_cell_is_blank(text))
                continue;
            if (tob_cell_parse_number(text, &v, NULL) == TOB_OK)
                c->n_numbers++;
            else
                c->n_text++;
        }
    }
    if (imp->opts->columns != NULL)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < imp->n_cols; i++) {
        ind_column_t *c = &imp->cols[i];
        int code = header_is_code(c->header) || cells_are_codes(imp, i);
        if (code || (c->n_text > 0 && c->n_text >= c->n_numbers)) {
            examples_add(&imp->skipped, code ? "%s (codes)" : "%s", c->header);
            for (size_t k = 0; k < imp->n_rows; k++) {
                free(imp->rows[k].cells[i]);
                imp->rows[k].cells[i] = NULL;
            }
            continue;
        }
        for (size_t k = 0; k < imp->n_rows && kept != i; k++) {
            imp->rows[k].cells[kept] = imp->rows[k].cells[i];
            imp->rows[k].cells[i] = NULL;
        }
        imp->cols[kept++] = *c;
    }
    imp->n_cols = kept;
}

static tob_status_t parse_cells(ind_import_t *imp, tob_error_t *err)
{
    for (size_t k = 0; k < imp->n_rows; k++) {
        ind_row_t *r = &imp->rows[k];
        r->values = calloc(imp->n_cols + 1, sizeof *r->values);
        if (r->values == NULL)
            return nomem(err);
        for (size_t i = 0; i < imp->n_cols; i++) {
            tob_status_t s =
                tob_cell_parse_number(r->cells[i], &r->values[i], err);
            if (s != TOB_OK)
                return at(imp, r->row, imp->cols[i].header, s, err);
            free(r->cells[i]);
            r->cells[i] = NULL;
        }
    }
    if (imp->n_cols == 0)
        return at(imp, 0, NULL,
                  tob_error_set(err, TOB_ERR_INPUT,
                                "no numeric column to import (left out: "
                                "%s)",
                                imp->skipped.text),
                  err);
    return TOB_OK;
}

/* A year given by --year that the column's name contradicts: the name
 * wins (population_2015 is not a 2021 figure), and the import says so. */
static void year_conflict(ind_import_t *imp, const ind_column_t *c)
{
    int asked = imp->opts->year;
    if (asked == 0 || asked == c->year)
        return;
    examples_add(&imp->year_conflicts, "%s is %d, not --year %d", c->header,
                 c->year, asked);
}

/* Variable name and year of column i: a series of --series, else its own
 * name, the year from the name's _YYYY, else --year, else the declared
 * year. */
static tob_status_t column_year(ind_import_t *imp, tob_values_t *vals,
                                ind_column_t *c, tob_error_t *err)
{
    char folded[TOB_VARIABLE_NAME_MAX];
    variable_name_from_header(c->header, folded, sizeof folded);
    int year = -1;
    tob_status_t s = ind_series_match(imp->opts->series, folded, c->name,
                                      sizeof c->name, &year, err);
    if (s != TOB_OK)
        return s;
    /* A series' year was asked for; a name's _YYYY may be a surprise. */
    int from_name = year <= 0;
    if (year < 0)
        snprintf(c->name, sizeof c->name, "%s", folded);
    if (year <= 0) /* renamed: chomeurs_2021=P21_CHOM1564 */
        year = ind_year_of_name(c->name);
    const tob_variable_t *var = tob_values_variable(vals, c->name, NULL);
    c->declared = var != NULL;
    c->aggregate = var != NULL ? var->aggregate : TOB_AGG_NONE;
    c->scale = var != NULL ? var->scale : 1;
    c->year = year;
    if (year != 0 && from_name)
        year_conflict(imp, c);
    else if (year == 0 && (c->year = imp->opts->year) == 0 && var != NULL)
        c->year = var->year;
    if (c->year == 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "no year for variable %s: give --year, or "
                             "declare its year in a variables file",
                             c->name);
    return TOB_OK;
}

/* Variable name, metadata if declared, and year of column i. */
static tob_status_t name_column(ind_import_t *imp, tob_values_t *vals, size_t i,
                                tob_error_t *err)
{
    ind_column_t *c = &imp->cols[i];
    tob_status_t s = column_year(imp, vals, c, err);
    if (s == TOB_OK)
        s = variable_check_name(c->name, err);
    for (size_t k = 0; s == TOB_OK && k < i; k++)
        if (strcmp(imp->cols[k].name, c->name) == 0 &&
            imp->cols[k].year == c->year)
            s = tob_error_set(err, TOB_ERR_INPUT,
                              "columns %s and %s are both variable %s of %d",
                              imp->cols[k].header, c->header, c->name, c->year);
    return s != TOB_OK ? at(imp, 0, c->header, s, err) : TOB_OK;
}

/* The column of variable name in year (the parts of a ratio of 2021 are
 * the 2021 columns). */
static long column_named(const ind_import_t *imp, const char *name, int year)
{
    for (size_t i = 0; i < imp->n_cols; i++)
        if (name[0] && strcmp(imp->cols[i].name, name) == 0 &&
            imp->cols[i].year == year)
            return (long)i;
    return -1;
}

/* Every --series item names at least one column. */
static tob_status_t check_series(ind_import_t *imp, tob_error_t *err)
{
    if (imp->opts->series == NULL)
        return TOB_OK;
    const char **names = calloc(imp->n_cols + 1, sizeof *names);
    char(*folded)[TOB_VARIABLE_NAME_MAX] =
        calloc(imp->n_cols + 1, sizeof *folded);
    tob_status_t s = names && folded ? TOB_OK : nomem(err);
    for (size_t i = 0; s == TOB_OK && i < imp->n_cols; i++) {
        variable_name_from_header(imp->cols[i].header, folded[i],
                                  sizeof folded[i]);
        names[i] = folded[i];
    }
    if (s == TOB_OK)
        s = ind_series_check(imp->opts->series, names, imp->n_cols, err);
    free(names);
    free(folded);
    return s != TOB_OK ? at(imp, 0, NULL, s, err) : TOB_OK;
}

static tob_status_t name_columns(ind_import_t *imp, tob_error_t *err)
{
    tob_values_t *vals = NULL;
    tob_status_t s = check_series(imp, err);
    if (s == TOB_OK)
        s = tob_values_open(imp->st, &vals, err);
    for (size_t i = 0; s == TOB_OK && i < imp->n_cols; i++)
        s = name_column(imp, vals, i, err);
    /* Parts in the same file let merged communes be recombined. */
    for (size_t i = 0; s == TOB_OK && i < imp->n_cols; i++) {
        ind_column_t *c = &imp->cols[i];
        const tob_variable_t *var = tob_values_variable(vals, c->name, NULL);
        if (var != NULL && c->aggregate == TOB_AGG_RATIO) {
            c->part_a = column_named(imp, var->numerator, c->year);
            c->part_b = column_named(imp, var->denominator, c->year);
        } else if (var != NULL && c->aggregate == TOB_AGG_WEIGHTED_MEAN) {
            c->part_a = column_named(imp, var->weight, c->year);
        }
    }
    tob_values_close(vals);
    return s;
}

static tob_status_t strict_check(const ind_import_t *imp, tob_error_t *err)
{
    const tob_indicators_report_t *rep = imp->rep;
    if (rep->n_unknown_local > 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "keys with no %s in the store's own area "
                             "(%s): %s; others: %s",
                             imp->opts->level, rep->local_area,
                             rep->unknown_local, rep->unknown_other);
    if (rep->n_unknown > 0)
        return tob_error_set(err, TOB_ERR_INPUT, "keys with no %s: %s",
                             imp->opts->level, rep->unknown);
    if (rep->n_unmapped > 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "keys not in the passage table: %s",
                             rep->unmapped);
    if (rep->n_unmappable > 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "values that cannot be mapped: %s",
                             rep->unmappable);
    return TOB_OK;
}

static tob_status_t read_table(ind_import_t *imp, tob_error_t *err)
{
    const tob_indicators_options_t *o = imp->opts;
    tob_table_options_t topts = {o->sheet};
    tob_status_t s = tob_table_open(o->path, &topts, &imp->table, err);
    if (s == TOB_OK) {
        snprintf(imp->rep->encoding, sizeof imp->rep->encoding, "%s",
                 tob_table_encoding(imp->table));
        if (tob_file_sha256(o->path, imp->rep->checksum, NULL) != TOB_OK)
            imp->rep->checksum[0] = '\0';
        s = codeset_create(&imp->keys, err);
    }
    if (s == TOB_OK)
        s = pick_columns(imp, err);
    if (s == TOB_OK)
        s = read_rows(imp, err);
    if (s == TOB_OK) {
        detect_numeric(imp);
        s = parse_cells(imp, err);
    }
    imp->rep->n_rows = imp->n_rows;
    return s;
}

static tob_status_t run_import(ind_import_t *imp, tob_error_t *err)
{
    tob_status_t s = read_table(imp, err);
    if (s == TOB_OK)
        s = tob_territory_map_load(imp->st, imp->opts->level,
                                   imp->opts->vintage, &imp->terr, err);
    if (s == TOB_OK) {
        imp->rep->vintage = tob_territory_map_vintage(imp->terr);
        s = name_columns(imp, err);
    }
    if (s == TOB_OK)
        s = ind_match(imp, err);
    if (s == TOB_OK && imp->opts->strict)
        s = strict_check(imp, err);
    if (s == TOB_OK && (s = tob_store_begin(imp->st, err)) == TOB_OK) {
        s = ind_write(imp, err);
        if (s == TOB_OK)
            s = tob_aggregate_refresh(imp->st, imp->opts->level, NULL,
                                      &imp->rep->refreshed, err);
        if (s == TOB_OK)
            s = tob_store_commit(imp->st, err);
        if (s != TOB_OK)
            tob_store_rollback(imp->st);
    }
    return s;
}

static void import_end(ind_import_t *imp)
{
    for (size_t k = 0; k < imp->n_rows; k++) {
        ind_row_t *r = &imp->rows[k];
        for (size_t i = 0; r->cells != NULL && i < imp->n_cols; i++)
            free(r->cells[i]);
        free(r->cells);
        free(r->values);
        free(r->key);
    }
    free(imp->rows);
    for (size_t i = 0; i < imp->n_targets; i++)
        free(imp->targets[i].values);
    free(imp->targets);
    free(imp->cols);
    free(imp->expected);
    tob_table_close(imp->table);
    codeset_destroy(imp->keys);
    tob_territory_map_destroy(imp->terr);
}

tob_status_t tob_indicators_import(tob_store_t *st,
                                   const tob_indicators_options_t *opts,
                                   tob_indicators_report_t *report,
                                   tob_error_t *err)
{
    tob_indicators_report_t local;
    tob_indicators_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (!opts->path || !opts->level || !opts->key)
        return tob_error_set(err, TOB_ERR_ARG,
                             "a file, a level and a key column are needed");
    if ((opts->cog_from != 0) != (opts->passage != NULL))
        return tob_error_set(err, TOB_ERR_ARG,
                             "--cog-from and --passage go together");
    rep->cog_from = opts->cog_from;
    ind_import_t imp = {.st = st, .opts = opts, .rep = rep};
    tob_status_t s = run_import(&imp, err);
    import_end(&imp);
    return s;
}
