/* carnet_values.c - the values of the template's indicators for every
 * territory of a level ("peers"): a territory's rank among them and their
 * combined value ("Ensemble des 41 EPCI"). Computed once through the
 * values module and shared read-only by the atlas's workers. */
#include "carnet_internal.h"

#include "store/db.h"
#include "terrobs/values.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_PEERS[] =
    "SELECT id FROM territory WHERE level = ?1 AND vintage = ?2 ORDER BY id";

void carnet_peers_free_var(peer_var_t *v)
{
    free(v->values);
    free(v->sorted);
}

void tob_carnet_peers_destroy(tob_carnet_peers_t *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n_vars; i++)
        carnet_peers_free_var(&p->vars[i]);
    free(p->vars);
    free(p->ids);
    free(p);
}

static tob_status_t list_peers(tob_store_t *st, tob_carnet_peers_t *p,
                               tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st, SQL_PEERS, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text_static(s, 1, p->level);
    db_bind_int(s, 2, p->vintage);
    size_t cap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (p->n_ids == cap) {
            cap = cap ? 2 * cap : 64;
            tob_id_t *ids = realloc(p->ids, cap * sizeof *ids);
            if (ids == NULL) {
                db_finalize(s);
                return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            }
            p->ids = ids;
        }
        p->ids[p->n_ids++] = db_column_int64(s, 0);
    }
    db_finalize(s);
    if (rc != DB_DONE)
        return db_fail(st, "listing territories", err);
    return TOB_OK;
}

static int by_value_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The values of one variable for every peer, and their sorted copy. */
static tob_status_t load_var(tob_values_t *vals, tob_carnet_peers_t *p,
                             peer_var_t *v, tob_error_t *err)
{
    v->values = calloc(p->n_ids + 1, sizeof *v->values);
    v->sorted = calloc(p->n_ids + 1, sizeof *v->sorted);
    if (v->values == NULL || v->sorted == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < p->n_ids; i++) {
        tob_value_t got;
        tob_status_t st =
            tob_values_get(vals, v->name, p->ids[i], v->year, &got, err);
        if (st != TOB_OK)
            return st;
        v->values[i] = got.value;
        if (isfinite(got.value))
            v->sorted[v->n_valid++] = got.value;
    }
    qsort(v->sorted, v->n_valid, sizeof *v->sorted, by_value_desc);
    return TOB_OK;
}

const peer_var_t *carnet_peer_var(const tob_carnet_peers_t *p, const char *name,
                                  int year)
{
    for (size_t i = 0; p != NULL && i < p->n_vars; i++)
        if (strcmp(p->vars[i].name, name) == 0 && p->vars[i].year == year)
            return &p->vars[i];
    return NULL;
}

/* Adds a variable (and, for a ratio or a weighted mean, its parts: the
 * level's combined value needs them). */
static tob_status_t add_var(tob_values_t *vals, tob_carnet_peers_t *p,
                            const char *name, int year, tob_error_t *err)
{
    if (carnet_peer_var(p, name, year) != NULL)
        return TOB_OK;
    const tob_variable_t *meta = tob_values_variable(vals, name, err);
    if (meta == NULL)
        return err != NULL ? err->code : TOB_ERR_NOTFOUND;
    peer_var_t *grown = realloc(p->vars, (p->n_vars + 1) * sizeof *grown);
    if (grown == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    p->vars = grown;
    peer_var_t *v = &p->vars[p->n_vars++];
    memset(v, 0, sizeof *v);
    snprintf(v->name, sizeof v->name, "%s", name);
    v->year = year;
    v->meta = *meta;
    tob_status_t st = load_var(vals, p, v, err);
    if (st == TOB_OK && meta->aggregate == TOB_AGG_RATIO) {
        char num[TOB_VARIABLE_NAME_MAX], den[TOB_VARIABLE_NAME_MAX];
        snprintf(num, sizeof num, "%s", meta->numerator);
        snprintf(den, sizeof den, "%s", meta->denominator);
        st = add_var(vals, p, num, year, err);
        if (st == TOB_OK)
            st = add_var(vals, p, den, year, err);
    } else if (st == TOB_OK && meta->aggregate == TOB_AGG_WEIGHTED_MEAN) {
        char weight[TOB_VARIABLE_NAME_MAX];
        snprintf(weight, sizeof weight, "%s", meta->weight);
        st = add_var(vals, p, weight, year, err);
    }
    return st;
}

size_t carnet_peer_rank(const peer_var_t *v, double value, size_t *of)
{
    *of = v->n_valid;
    if (!isfinite(value))
        return 0;
    /* competition ranking: 1 + how many are larger (sorted decreasing) */
    size_t lo = 0, hi = v->n_valid;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->sorted[mid] > value)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo + 1;
}

/* The parts a combined value needs: the variable itself for a sum, the
 * numerator and denominator for a ratio, the variable and its weight for
 * a weighted mean; NULL parts when it has none (means, 'none'). */
static int parts_of(const tob_carnet_peers_t *p, const peer_var_t *v,
                    const peer_var_t **a, const peer_var_t **b)
{
    const tob_variable_t *m = &v->meta;
    *a = *b = NULL;
    switch (m->aggregate) {
    case TOB_AGG_SUM:
        *a = v;
        return 1;
    case TOB_AGG_RATIO:
        *a = carnet_peer_var(p, m->numerator, v->year);
        *b = carnet_peer_var(p, m->denominator, v->year);
        return *a != NULL && *b != NULL;
    case TOB_AGG_WEIGHTED_MEAN:
        *a = v;
        *b = carnet_peer_var(p, m->weight, v->year);
        return *b != NULL;
    case TOB_AGG_MEAN:
    case TOB_AGG_NONE:
        break;
    }
    return 0; /* a mean of means would not be the level's mean */
}

size_t carnet_peers_known(const tob_carnet_peers_t *p, const peer_var_t *v,
                          unsigned char *mask)
{
    const peer_var_t *a, *b;
    int ok = parts_of(p, v, &a, &b);
    size_t n = 0;
    for (size_t i = 0; i < p->n_ids; i++) {
        mask[i] &= ok && isfinite(a->values[i]) &&
                   (b == NULL || isfinite(b->values[i]));
        n += mask[i];
    }
    return n;
}

double carnet_peers_total(const tob_carnet_peers_t *p, const peer_var_t *v,
                          const unsigned char *mask)
{
    const peer_var_t *a, *b;
    if (!parts_of(p, v, &a, &b))
        return NAN;
    double sa = 0, sb = 0, sab = 0;
    size_t n = 0;
    for (size_t i = 0; i < p->n_ids; i++) {
        if (!mask[i])
            continue;
        sa += a->values[i];
        sb += b != NULL ? b->values[i] : 0;
        sab += b != NULL ? a->values[i] * b->values[i] : 0;
        n++;
    }
    if (n == 0)
        return NAN;
    if (v->meta.aggregate == TOB_AGG_SUM)
        return sa;
    if (v->meta.aggregate == TOB_AGG_RATIO)
        return sb != 0 ? v->meta.scale * sa / sb : NAN;
    return sb != 0 ? sab / sb : NAN; /* weighted mean */
}

/* The first year after ?2 with a value: one seek in the index on
 * (variable, year) a year, where DISTINCT read every observation of the
 * variable (35,000 communes a year, on every carnet). */
static const char SQL_NEXT_YEAR[] =
    "SELECT year FROM observation WHERE variable = ?1 AND year > ?2"
    " AND value IS NOT NULL ORDER BY year LIMIT 1";

static size_t own_years(tob_store_t *st, const char *name, int *years,
                        size_t max)
{
    db_stmt_t *s = NULL;
    if (db_prepare(st, SQL_NEXT_YEAR, &s, NULL) != TOB_OK)
        return 0;
    db_bind_text_static(s, 1, name);
    size_t n = 0;
    long long after = LLONG_MIN;
    while (n < max) {
        db_bind_int64(s, 2, after);
        if (db_step(s) != DB_ROW)
            break;
        years[n] = db_column_int(s, 0);
        after = years[n++];
        db_reset(s);
    }
    db_finalize(s);
    return n;
}

size_t carnet_series_years(tob_store_t *st, const tob_variable_t *meta,
                           int *years, size_t max)
{
    size_t n = own_years(st, meta->name, years, max);
    if (n > 0 || meta->aggregate != TOB_AGG_RATIO)
        return n;
    /* A ratio computed on the fly: the years both its parts have. */
    int den[CARNET_MAX_VARS];
    size_t n_num = own_years(st, meta->numerator, years, max);
    size_t n_den = own_years(st, meta->denominator, den, CARNET_MAX_VARS);
    for (size_t i = 0; i < n_num; i++)
        for (size_t k = 0; k < n_den; k++)
            if (years[i] == den[k]) {
                years[n++] = years[i];
                break;
            }
    return n;
}

/* The (variable, year) points of an evolution section: every year of a
 * variable that has several (a series), else the variable at its latest
 * year (population_2015, population_2021: one year each). */
size_t carnet_evolution_points(tob_store_t *st, tob_values_t *vals,
                               const tob_carnet_template_t *tpl,
                               const tpl_section_t *sec, carnet_var_t *points,
                               size_t max)
{
    carnet_var_t vars[CARNET_MAX_VARS];
    size_t n = carnet_section_vars(tpl, sec, vars, CARNET_MAX_VARS), k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        const tob_variable_t *meta =
            tob_values_variable(vals, vars[i].name, NULL);
        int years[CARNET_MAX_VARS];
        size_t ny = meta != NULL
                        ? carnet_series_years(st, meta, years, CARNET_MAX_VARS)
                        : 0;
        if (ny < 2) {
            points[k++] = vars[i];
            continue;
        }
        for (size_t y = 0; y < ny && k < max; y++) {
            points[k] = vars[i];
            points[k++].year = years[y];
        }
    }
    return k;
}

/* Variables the template asks for in figures and evolution sections. */
static tob_status_t add_template_vars(tob_values_t *vals,
                                      const tob_carnet_template_t *tpl,
                                      tob_carnet_peers_t *p, tob_error_t *err)
{
    tob_status_t st = TOB_OK;
    for (size_t s = 0; st == TOB_OK && s < tpl->n_sections; s++) {
        const tpl_section_t *sec = &tpl->sections[s];
        if (sec->kind != CARNET_FIGURES && sec->kind != CARNET_EVOLUTION)
            continue;
        carnet_var_t vars[CARNET_MAX_VARS];
        size_t n =
            sec->kind == CARNET_EVOLUTION
                ? carnet_evolution_points(tob_values_store(vals), vals, tpl,
                                          sec, vars, CARNET_MAX_VARS)
                : carnet_section_vars(tpl, sec, vars, CARNET_MAX_VARS);
        for (size_t i = 0; st == TOB_OK && i < n; i++) {
            tob_error_t absent;
            tob_error_clear(&absent);
            st = add_var(vals, p, vars[i].name, vars[i].year, &absent);
            if (st == TOB_ERR_NOTFOUND && tpl_yes(tpl, sec->id, "optional", 0))
                st = TOB_OK; /* the section will leave it out */
            else if (st != TOB_OK && err != NULL && err->code == TOB_OK)
                *err = absent;
        }
    }
    return st;
}

tob_status_t tob_carnet_peers_load(tob_store_t *st,
                                   const tob_carnet_template_t *tpl,
                                   const char *level, int vintage,
                                   tob_carnet_peers_t **out, tob_error_t *err)
{
    *out = NULL;
    tob_carnet_peers_t *p = calloc(1, sizeof *p);
    if (p == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    snprintf(p->level, sizeof p->level, "%s", level);
    p->vintage = vintage;
    tob_values_t *vals = NULL;
    tob_status_t status = list_peers(st, p, err);
    if (status == TOB_OK)
        status = tob_values_open(st, &vals, err);
    /* Every peer's values: a whole level read, kept while it lasts. */
    if (status == TOB_OK) {
        tob_values_remember(vals, 1);
        tob_values_read_whole(vals, 1); /* every peer, every variable */
    }
    if (status == TOB_OK)
        status = add_template_vars(vals, tpl, p, err);
    tob_values_close(vals);
    if (status != TOB_OK) {
        tob_carnet_peers_destroy(p);
        return status;
    }
    *out = p;
    return TOB_OK;
}

/* Index of territory id among the peers (ids are sorted), or n_ids. */
size_t carnet_peer_index(const tob_carnet_peers_t *p, tob_id_t id)
{
    size_t lo = 0, hi = p->n_ids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n_ids && p->ids[lo] == id ? lo : p->n_ids;
}
