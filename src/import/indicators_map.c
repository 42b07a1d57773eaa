/* indicators_map.c - file keys to territories: directly, or through a COG
 * passage table, with the rows of merged communes combined per each
 * variable's aggregate. */
#include "indicators_internal.h"

#include "terrobs/codes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct passage {
    tob_table_t *table;
    tob_codeset_t *index; /* old code -> position + 1 in to[] */
    char **to;
    size_t n, cap;
} passage_t;

static void passage_free(passage_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->to[i]);
    free(p->to);
    codeset_destroy(p->index);
    tob_table_close(p->table);
}

static tob_status_t passage_code(passage_t *p, long col, const char *field,
                                 char *buf, size_t size, tob_error_t *err)
{
    const char *text = tob_table_cell(p->table, (size_t)col);
    if (tob_code_normalize(text, buf, size, NULL) == TOB_OK && buf[0])
        return TOB_OK;
    tob_error_set(err, TOB_ERR_INPUT, "'%s' is not a code", text);
    tob_error_at(err, tob_table_source(p->table),
                 tob_table_row_number(p->table), field);
    return TOB_ERR_INPUT;
}

/* One row: old -> new. An old code listed twice must agree. */
static tob_status_t passage_row(passage_t *p, const long col[2],
                                const char *const names[2], tob_error_t *err)
{
    char from[TOB_CODE_MAX + 1], to[TOB_CODE_MAX + 1];
    tob_status_t s = passage_code(p, col[0], names[0], from, sizeof from, err);
    if (s == TOB_OK)
        s = passage_code(p, col[1], names[1], to, sizeof to, err);
    long long first = 0;
    if (s == TOB_OK)
        s = codeset_add(p->index, from, (long long)p->n + 1, &first, err);
    if (s != TOB_OK || first != 0) {
        if (s == TOB_OK && strcmp(p->to[first - 1], to) != 0) {
            tob_error_set(err, TOB_ERR_INPUT, "%s maps to %s and to %s", from,
                          p->to[first - 1], to);
            tob_error_at(err, tob_table_source(p->table),
                         tob_table_row_number(p->table), names[0]);
            return TOB_ERR_INPUT;
        }
        return s;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 1024;
        char **bigger = realloc(p->to, cap * sizeof *bigger);
        if (bigger == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        p->to = bigger;
        p->cap = cap;
    }
    if ((p->to[p->n] = strdup(to)) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    p->n++;
    return TOB_OK;
}

static tob_status_t read_passage(ind_import_t *imp, passage_t *p,
                                 tob_error_t *err)
{
    const tob_indicators_options_t *o = imp->opts;
    char from[32], to[32];
    snprintf(from, sizeof from, "code_%d", o->cog_from);
    snprintf(to, sizeof to, "code_%d", imp->rep->vintage);
    const char *names[2] = {o->passage_from ? o->passage_from : from,
                            o->passage_to ? o->passage_to : to};
    const char *alias_from[] = {names[0], NULL}, *alias_to[] = {names[1], NULL};
    long col[2] = {-1, -1};
    tob_status_t s = tob_table_open(o->passage, NULL, &p->table, err);
    if (s == TOB_OK)
        s = codeset_create(&p->index, err);
    if (s == TOB_OK)
        s = table_column(p->table, alias_from, 1, &col[0], err);
    if (s == TOB_OK)
        s = table_column(p->table, alias_to, 1, &col[1], err);
    int has_row = 0;
    while (s == TOB_OK &&
           (s = tob_table_next(p->table, &has_row, err)) == TOB_OK && has_row)
        s = passage_row(p, col, names, err);
    return s;
}

/* How many old codes the passage maps to each territory of the store. */
static tob_status_t count_expected(ind_import_t *imp, const passage_t *p,
                                   tob_error_t *err)
{
    size_t n = tob_territory_map_size(imp->terr);
    imp->expected = calloc(n + 1, sizeof *imp->expected);
    if (imp->expected == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_territory_entry_t *base = tob_territory_map_at(imp->terr, 0);
    for (size_t i = 0; i < p->n; i++) {
        tob_territory_entry_t *e = tob_territory_map_get(imp->terr, p->to[i]);
        if (e != NULL)
            imp->expected[e - base]++;
    }
    return TOB_OK;
}

/* The département of a commune-like code (5 characters: "62", "2A",
 * "972"); 0 for another code. */
static int dep_prefix(const char *code, char out[4])
{
    if (strlen(code) != 5)
        return 0;
    size_t n = strncmp(code, "97", 2) == 0 ? 3 : 2;
    memcpy(out, code, n);
    out[n] = '\0';
    return 1;
}

/* The store's own area: the départements holding a tenth or more of the
 * level's territories. */
static void find_own_area(ind_import_t *imp)
{
    struct {
        char dep[4];
        size_t n;
    } deps[128];
    size_t n_deps = 0, total = tob_territory_map_size(imp->terr);
    for (size_t i = 0; i < total; i++) {
        char dep[4];
        if (!dep_prefix(tob_territory_map_at(imp->terr, i)->code, dep))
            continue;
        size_t k = 0;
        while (k < n_deps && strcmp(deps[k].dep, dep) != 0)
            k++;
        if (k == n_deps && n_deps < sizeof deps / sizeof deps[0]) {
            memcpy(deps[k].dep, dep, sizeof dep);
            deps[k].n = 0;
            n_deps++;
        }
        if (k < n_deps)
            deps[k].n++;
    }
    imp->n_own = 0;
    for (size_t k = 0; k < n_deps; k++)
        if (deps[k].n * 10 >= total &&
            imp->n_own < sizeof imp->own / sizeof imp->own[0])
            memcpy(imp->own[imp->n_own++], deps[k].dep, sizeof deps[k].dep);
}

static int in_own_area(const ind_import_t *imp, const char *code)
{
    char dep[4];
    if (!dep_prefix(code, dep))
        return 0;
    for (size_t k = 0; k < imp->n_own; k++)
        if (strcmp(imp->own[k], dep) == 0)
            return 1;
    return 0;
}

/* A key with no territory: counted, and listed with its own area's or
 * with the others. */
static void add_unknown(ind_import_t *imp, const char *key, const char *code)
{
    int own = in_own_area(imp, key) || in_own_area(imp, code);
    tob_examples_t *ex = own ? &imp->unknown_local : &imp->unknown_other;
    if (strcmp(code, key) != 0) {
        examples_add(&imp->unknown, "%s (%s)", key, code);
        examples_add(ex, "%s (%s)", key, code);
    } else {
        examples_add(&imp->unknown, "%s", key);
        examples_add(ex, "%s", key);
    }
}

/* row->target for every row; unknown and unmapped keys counted. */
static void match_rows(ind_import_t *imp, const passage_t *p)
{
    find_own_area(imp);
    for (size_t k = 0; k < imp->n_rows; k++) {
        ind_row_t *r = &imp->rows[k];
        const char *code = r->key;
        if (p != NULL) {
            long long at = codeset_find(p->index, r->key);
            if (at == 0) {
                examples_add(&imp->unmapped, "%s", r->key);
                continue;
            }
            code = p->to[at - 1];
            imp->rep->n_mapped += strcmp(code, r->key) != 0;
        }
        r->target = tob_territory_map_get(imp->terr, code);
        if (r->target == NULL)
            add_unknown(imp, r->key, code);
        else
            r->target->hits++;
    }
}

/* Sums column i over rows; NAN if any is blank (*n_blank counts them). */
static double sum_of(ind_row_t *const *rows, size_t n, long i, size_t *n_blank)
{
    double sum = 0;
    *n_blank = 0;
    for (size_t k = 0; k < n; k++) {
        double v = rows[k]->values[i];
        *n_blank += isnan(v) != 0;
        sum += isnan(v) ? 0 : v;
    }
    return *n_blank > 0 ? NAN : sum;
}

/* Column i of a territory made of several rows (merged communes); NAN
 * with *why set when the variable cannot be combined. */
static double combine_column(const ind_import_t *imp, ind_row_t *const *rows,
                             size_t n, size_t i, const char **why)
{
    const ind_column_t *c = &imp->cols[i];
    size_t blank = 0, blank_b = 0;
    double v = NAN;
    *why = NULL;
    if (c->aggregate == TOB_AGG_SUM) {
        v = sum_of(rows, n, (long)i, &blank);
    } else if (c->aggregate == TOB_AGG_RATIO && c->part_a >= 0 &&
               c->part_b >= 0) {
        double a = sum_of(rows, n, c->part_a, &blank);
        double b = sum_of(rows, n, c->part_b, &blank_b);
        blank += blank_b;
        v = b != 0 ? c->scale * a / b : NAN;
    } else if (c->aggregate == TOB_AGG_WEIGHTED_MEAN && c->part_a >= 0) {
        double vw = 0, w = 0;
        for (size_t k = 0; k < n; k++) {
            double x = rows[k]->values[i], wk = rows[k]->values[c->part_a];
            blank += isnan(x) || isnan(wk);
            vw += isnan(x) || isnan(wk) ? 0 : x * wk;
            w += isnan(wk) ? 0 : wk;
        }
        v = blank == 0 && w != 0 ? vw / w : NAN;
    } else {
        *why = c->aggregate == TOB_AGG_RATIO ? "its parts are not all in "
                                               "the file"
               : c->aggregate == TOB_AGG_WEIGHTED_MEAN
                   ? "its weight is not in the file"
                   : "its aggregate is not sum, ratio or weighted_mean";
        return NAN;
    }
    if (blank > 0 && blank < n * (c->aggregate == TOB_AGG_RATIO ? 2 : 1))
        *why = "a merged code has an empty cell";
    return v;
}

static void combine(ind_import_t *imp, ind_row_t *const *rows, size_t n,
                    ind_target_t *t)
{
    tob_territory_entry_t *base = tob_territory_map_at(imp->terr, 0);
    size_t expected = imp->expected ? imp->expected[t->entry - base] : 0;
    for (size_t i = 0; i < imp->n_cols; i++)
        t->values[i] = NAN;
    if (n < expected && !imp->opts->partial_merges) {
        examples_add(&imp->unmappable,
                     "%s (%zu of its %zu old codes "
                     "in the file)",
                     t->entry->code, n, expected);
        imp->n_partial++;
        return;
    }
    if (n == 1 && expected <= 1) {
        memcpy(t->values, rows[0]->values, imp->n_cols * sizeof *t->values);
        return;
    }
    char parts[160] = "";
    for (size_t k = 0; k < n; k++) {
        size_t used = strlen(parts);
        snprintf(parts + used, sizeof parts - used, "%s%s", k ? " + " : "",
                 rows[k]->key);
    }
    if (n < expected)
        examples_add(&imp->merged, "%s (%s, %zu of %zu old codes)",
                     t->entry->code, parts, n, expected);
    else
        examples_add(&imp->merged, "%s (%s)", t->entry->code, parts);
    for (size_t i = 0; i < imp->n_cols; i++) {
        const char *why = NULL;
        t->values[i] = combine_column(imp, rows, n, i, &why);
        if (why != NULL)
            examples_add(&imp->unmappable, "%s %s (%s)", t->entry->code,
                         imp->cols[i].name, why);
    }
}

static int by_target(const void *a, const void *b)
{
    const ind_row_t *x = *(ind_row_t *const *)a, *y = *(ind_row_t *const *)b;
    tob_id_t ix = x->target ? x->target->id : 0;
    tob_id_t iy = y->target ? y->target->id : 0;
    if (ix != iy)
        return ix < iy ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Rows sorted by territory; each run of rows is one territory. */
static tob_status_t group_rows(ind_import_t *imp, tob_error_t *err)
{
    ind_row_t **order = calloc(imp->n_rows + 1, sizeof *order);
    imp->targets = calloc(imp->n_rows + 1, sizeof *imp->targets);
    tob_status_t s = order && imp->targets
                         ? TOB_OK
                         : tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t k = 0; s == TOB_OK && k < imp->n_rows; k++)
        if (imp->rows[k].target != NULL)
            order[n++] = &imp->rows[k];
    if (s == TOB_OK)
        qsort(order, n, sizeof *order, by_target);
    for (size_t k = 0; s == TOB_OK && k < n;) {
        size_t end = k + 1;
        while (end < n && order[end]->target == order[k]->target)
            end++;
        ind_target_t *t = &imp->targets[imp->n_targets++];
        t->entry = order[k]->target;
        t->values = calloc(imp->n_cols + 1, sizeof *t->values);
        if (t->values == NULL)
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        else
            combine(imp, order + k, end - k, t);
        k = end;
    }
    free(order);
    return s;
}

static void fill_report(ind_import_t *imp)
{
    tob_indicators_report_t *rep = imp->rep;
    size_t n = tob_territory_map_size(imp->terr);
    for (size_t i = 0; i < n; i++) {
        const tob_territory_entry_t *e = tob_territory_map_at(imp->terr, i);
        if (e->hits == 0)
            examples_add(&imp->no_row, "%s", e->code);
    }
    rep->n_columns = imp->n_cols;
    rep->n_matched = imp->n_targets;
    rep->n_unknown = imp->unknown.count;
    rep->n_no_row = imp->no_row.count;
    rep->n_merged = imp->merged.count;
    rep->n_unmapped = imp->unmapped.count;
    rep->n_unmappable = imp->unmappable.count;
    examples_describe(&imp->skipped, rep->skipped, sizeof rep->skipped);
    examples_describe(&imp->unknown, rep->unknown, sizeof rep->unknown);
    examples_describe(&imp->no_row, rep->no_row, sizeof rep->no_row);
    examples_describe(&imp->merged, rep->merged, sizeof rep->merged);
    examples_describe(&imp->unmapped, rep->unmapped, sizeof rep->unmapped);
    examples_describe(&imp->unmappable, rep->unmappable,
                      sizeof rep->unmappable);
    rep->n_unknown_local = imp->unknown_local.count;
    rep->n_partial = imp->n_partial;
    examples_describe(&imp->unknown_local, rep->unknown_local,
                      sizeof rep->unknown_local);
    examples_describe(&imp->unknown_other, rep->unknown_other,
                      sizeof rep->unknown_other);
    for (size_t k = 0; k < imp->n_own; k++) {
        size_t used = strlen(rep->local_area);
        snprintf(rep->local_area + used, sizeof rep->local_area - used, "%s%s",
                 k ? ", " : "", imp->own[k]);
    }
    rep->n_year_conflicts = imp->year_conflicts.count;
    examples_describe(&imp->year_conflicts, rep->year_conflicts,
                      sizeof rep->year_conflicts);
    size_t used = 0;
    for (size_t i = 0; i < imp->n_cols && used < sizeof rep->columns; i++) {
        snprintf(rep->columns + used, sizeof rep->columns - used, "%s%s (%d)",
                 i ? ", " : "", imp->cols[i].name, imp->cols[i].year);
        used = strlen(rep->columns);
    }
}

tob_status_t ind_match(ind_import_t *imp, tob_error_t *err)
{
    passage_t p = {0};
    tob_status_t s = TOB_OK;
    if (imp->opts->cog_from != 0) {
        s = read_passage(imp, &p, err);
        if (s == TOB_OK)
            s = count_expected(imp, &p, err);
    }
    if (s == TOB_OK) {
        match_rows(imp, imp->opts->cog_from != 0 ? &p : NULL);
        s = group_rows(imp, err);
    }
    passage_free(&p);
    if (s == TOB_OK)
        fill_report(imp);
    return s;
}
