/* carnet_members.c - the "territories" section: the territories of another
 * level lying in the carnet's one (a city's QPV and quartiers, related by
 * membership or overlap), each with the template's columns, then reference
 * rows — the territory itself, a parent, any territory of the store (the
 * QPV of the agglomeration) — every value computed as values.h does. */
#include "carnet_internal.h"

#include "base/plural_fr.h"

#include "terrobs/cells.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELL_MAX 96
#define MAX_REFS 8

typedef struct row {
    tob_id_t id;
    const char *name, *code; /* borrowed from members, refs or ctx->terr */
} row_t;

typedef struct members {
    carnet_unit_t *units; /* the members, by name */
    size_t n_units;
    carnet_unit_t refs[MAX_REFS]; /* references found by LEVEL:CODE */
    size_t n_refs_owned;
    row_t *rows; /* members (in display order), then references */
    size_t n_members, n_rows;
    carnet_var_t vars[CARNET_MAX_VARS];
    const tob_variable_t *meta[CARNET_MAX_VARS];
    size_t n_vars;
    double *values;         /* n_rows * n_vars */
    char (*text)[CELL_MAX]; /* n_rows * n_vars */
    const char **cells;     /* n_rows * (2 + n_vars) */
} members_t;

static void members_free(members_t *m)
{
    carnet_units_free(m->units, m->n_units);
    for (size_t i = 0; i < m->n_refs_owned; i++)
        carnet_unit_clear(&m->refs[i]);
    free(m->rows);
    free(m->values);
    free(m->text);
    free(m->cells);
}

static tob_status_t read_columns(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                 members_t *m, tob_error_t *err)
{
    return carnet_section_columns(ctx, sec, m->vars, m->meta, &m->n_vars, err);
}

/* One reference: "self", a level of the territory's parents (left out
 * when it has none there), or LEVEL:CODE (an error unless optional). */
static tob_status_t add_reference(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                  const char *word, members_t *m,
                                  tob_error_t *err)
{
    const carnet_territory_t *t = ctx->terr;
    const carnet_unit_t *u = NULL;
    const char *colon = strchr(word, ':');
    if (strcmp(word, "self") == 0) {
        u = &t->self;
    } else if (colon == NULL) {
        for (size_t i = 0; u == NULL && i < t->n_parents; i++)
            if (strcmp(t->parents[i].level, word) == 0)
                u = &t->parents[i];
    } else if (m->n_refs_owned < MAX_REFS) {
        char level[TOB_LEVEL_NAME_MAX + 1];
        snprintf(level, sizeof level, "%.*s", (int)(colon - word), word);
        int found = 0;
        carnet_unit_t *own = &m->refs[m->n_refs_owned];
        tob_status_t s =
            carnet_unit_by_code(ctx->st, level, colon + 1, own, &found, err);
        if (s != TOB_OK)
            return s;
        if (found) {
            m->n_refs_owned++;
            u = own;
        } else if (!tpl_yes(ctx->tpl, sec->id, "optional", 0)) {
            tob_error_set(err, TOB_ERR_NOTFOUND, "no %s with code '%s'", level,
                          colon + 1);
            return tpl_error_at(ctx->tpl, sec->id, "references", err);
        }
    }
    if (u != NULL)
        m->rows[m->n_rows++] = (row_t){u->id, u->name, u->code};
    return TOB_OK;
}

static tob_status_t read_rows(carnet_ctx_t *ctx, const tpl_section_t *sec,
                              members_t *m, tob_error_t *err)
{
    m->rows = calloc(m->n_units + MAX_REFS + 1, sizeof *m->rows);
    if (m->rows == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < m->n_units; i++)
        m->rows[i] =
            (row_t){m->units[i].id, m->units[i].name, m->units[i].code};
    m->n_members = m->n_rows = m->n_units;
    char *words[MAX_REFS];
    size_t n = tpl_split(tpl_get_or(ctx->tpl, sec->id, "references", "self"),
                         words, MAX_REFS);
    if (n == (size_t)-1)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < n; i++)
        s = add_reference(ctx, sec, words[i], m, err);
    tpl_free_words(words, n);
    return s;
}

static tob_status_t read_values(carnet_ctx_t *ctx, members_t *m,
                                tob_error_t *err)
{
    for (size_t r = 0; r < m->n_rows; r++)
        for (size_t v = 0; v < m->n_vars; v++) {
            tob_value_t got;
            tob_status_t s =
                tob_values_get(ctx->vals, m->vars[v].name, m->rows[r].id,
                               m->vars[v].year, &got, err);
            if (s != TOB_OK)
                return s;
            m->values[r * m->n_vars + v] = got.value;
        }
    return TOB_OK;
}

/* Members by the sort column, largest first and missing last (a stable
 * insertion sort: a few dozen rows); by name without it. */
static tob_status_t sort_members(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                 members_t *m, tob_error_t *err)
{
    const char *sort = tpl_get(ctx->tpl, sec->id, "sort", NULL);
    if (sort == NULL || strcmp(sort, "name") == 0)
        return TOB_OK;
    size_t col = m->n_vars;
    for (size_t v = 0; v < m->n_vars; v++)
        if (strcmp(m->vars[v].name, sort) == 0)
            col = v;
    if (col == m->n_vars) {
        if (tpl_yes(ctx->tpl, sec->id, "optional", 0))
            return TOB_OK; /* an optional column the store lacks */
        tob_error_set(err, TOB_ERR_INPUT,
                      "'%s' is not a column of the table (name, or one of "
                      "columns)",
                      sort);
        return tpl_error_at(ctx->tpl, sec->id, "sort", err);
    }
    size_t w = m->n_vars;
    for (size_t i = 1; i < m->n_members; i++) {
        row_t row = m->rows[i];
        double key = m->values[i * w + col];
        double *vals = malloc(w * sizeof *vals);
        if (vals == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        memcpy(vals, &m->values[i * w], w * sizeof *vals);
        size_t j = i;
        for (; j > 0; j--) {
            double prev = m->values[(j - 1) * w + col];
            int before = isfinite(key) && (!isfinite(prev) || key > prev);
            if (!before)
                break;
            m->rows[j] = m->rows[j - 1];
            memcpy(&m->values[j * w], &m->values[(j - 1) * w],
                   w * sizeof *vals);
        }
        m->rows[j] = row;
        memcpy(&m->values[j * w], vals, w * sizeof *vals);
        free(vals);
    }
    return TOB_OK;
}

/* "quartiers" from "Quartier"; a label in capitals (EPCI, QPV) is kept. */
static void plural_label(const char *label, char *buf, size_t size)
{
    size_t len = strlen(label);
    int caps = len > 1 && isupper((unsigned char)label[1]);
    snprintf(buf, size, "%s", label);
    if (!caps && buf[0] != '\0')
        buf[0] = (char)tolower((unsigned char)buf[0]);
    if (!caps && len > 0 && strchr("sxz", label[len - 1]) == NULL)
        snprintf(buf + strlen(buf), size - strlen(buf), "s");
}

static tob_status_t put_table(carnet_ctx_t *ctx, const char *label,
                              members_t *m, tob_error_t *err)
{
    size_t nc = 2 + m->n_vars;
    tob_table_column_t cols[CARNET_MAX_VARS + 2];
    char heads[CARNET_MAX_VARS][160];
    cols[0] = (tob_table_column_t){"Territoire", 0, TOB_ALIGN_LEFT};
    cols[1] = (tob_table_column_t){"Code", 0, TOB_ALIGN_LEFT};
    for (size_t v = 0; v < m->n_vars; v++) {
        const tob_variable_t *meta = m->meta[v];
        snprintf(heads[v], sizeof heads[v], "%.100s%s%.30s%s",
                 meta->label[0] ? meta->label : meta->name,
                 meta->unit[0] ? " (" : "", meta->unit,
                 meta->unit[0] ? ")" : "");
        cols[2 + v] = (tob_table_column_t){heads[v], 0, TOB_ALIGN_RIGHT};
    }
    for (size_t r = 0; r < m->n_rows; r++) {
        const char **row = m->cells + r * nc;
        row[0] = m->rows[r].name;
        row[1] = m->rows[r].code;
        for (size_t v = 0; v < m->n_vars; v++) {
            char *cell = m->text[r * m->n_vars + v];
            int decimals = m->meta[v]->decimals >= 0 ? m->meta[v]->decimals : 1;
            tob_fmt_number_fr(m->values[r * m->n_vars + v], decimals, cell,
                              CELL_MAX);
            row[2 + v] = cell;
        }
    }
    char noun[96], forms[256], caption[320], refs[64];
    plural_label(label, noun, sizeof noun);
    snprintf(forms, sizeof forms, "|%s|%s", label, noun);
    if (forms[1] != '\0' && !isupper((unsigned char)label[1]))
        forms[1] = (char)tolower((unsigned char)forms[1]);
    fr_count((long long)m->n_members, forms, caption, sizeof caption);
    size_t n_refs = m->n_rows - m->n_members;
    if (n_refs > 0) {
        fr_count((long long)n_refs, "|référence|références", refs, sizeof refs);
        snprintf(caption + strlen(caption), sizeof caption - strlen(caption),
                 ", puis %s", refs);
    }
    tob_table_t table = {caption, cols, nc, m->cells, m->n_rows, (int)n_refs};
    return tob_doc_table(ctx->doc, &table, err);
}

/* The level's label ("Quartier"), its name when it has none. */
static const char *level_label(const members_t *m, const char *level)
{
    return m->n_units > 0 && m->units[0].level_label[0] != '\0'
               ? m->units[0].level_label
               : level;
}

tob_status_t carnet_territories(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                tob_error_t *err)
{
    const char *level = tpl_get(ctx->tpl, sec->id, "level", NULL);
    if (level == NULL) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "a territories section needs a level");
        return tpl_error_at(ctx->tpl, sec->id, "level", err);
    }
    members_t m;
    memset(&m, 0, sizeof m);
    tob_status_t s = carnet_related_units(ctx->st, ctx->terr->self.id, level,
                                          &m.units, &m.n_units, err);
    if (s == TOB_OK && m.n_units == 0 &&
        tpl_yes(ctx->tpl, sec->id, "optional", 0))
        return TOB_OK; /* most territories have none: no empty section */
    if (s == TOB_OK)
        s = read_columns(ctx, sec, &m, err);
    if (s == TOB_OK)
        s = tob_doc_heading(ctx->doc, TOB_TEXT_H1,
                            tpl_get_or(ctx->tpl, sec->id, "title",
                                       "Les territoires du territoire"),
                            err);
    if (s == TOB_OK && m.n_units == 0) {
        char note[256];
        snprintf(note, sizeof note,
                 "Aucun territoire du niveau « %s » n'est rattaché à ce "
                 "territoire dans l'observatoire.",
                 level);
        s = tob_doc_paragraph(ctx->doc, TOB_TEXT_NOTE, note, err);
        members_free(&m);
        return s;
    }
    if (s == TOB_OK)
        s = read_rows(ctx, sec, &m, err);
    size_t w = m.n_vars ? m.n_vars : 1;
    if (s == TOB_OK) {
        m.values = calloc(m.n_rows * w, sizeof *m.values);
        m.text = calloc(m.n_rows * w, sizeof *m.text);
        m.cells = calloc(m.n_rows * (2 + m.n_vars), sizeof *m.cells);
        if (!(m.values && m.text && m.cells))
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    if (s == TOB_OK)
        s = read_values(ctx, &m, err);
    if (s == TOB_OK)
        s = sort_members(ctx, sec, &m, err);
    if (s == TOB_OK)
        s = put_table(ctx, level_label(&m, level), &m, err);
    members_free(&m);
    return s;
}
