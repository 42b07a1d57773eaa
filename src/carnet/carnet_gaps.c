/* carnet_gaps.c - what a template asks that the store does not have: each
 * variable a section names and the store lacks, with the store's closest
 * names, so that a carnet never leaves a section out without a word. */
#include "carnet_internal.h"

#include "base/near.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct names {
    char (*name)[TOB_VARIABLE_NAME_MAX];
    size_t n;
} names_t;

static tob_status_t read_names(tob_store_t *st, names_t *out, tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status =
        db_prepare(st, "SELECT name FROM variable ORDER BY name", &s, err);
    size_t cap = 0;
    while (status == TOB_OK && db_step(s) == DB_ROW) {
        if (out->n == cap) {
            cap = cap ? 2 * cap : 64;
            void *grown = realloc(out->name, cap * sizeof *out->name);
            if (grown == NULL) {
                status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
                break;
            }
            out->name = grown;
        }
        snprintf(out->name[out->n++], TOB_VARIABLE_NAME_MAX, "%s",
                 db_column_str(s, 0));
    }
    db_finalize(s);
    return status;
}

static int has_name(const names_t *names, const char *name)
{
    for (size_t i = 0; i < names->n; i++)
        if (strcmp(names->name[i], name) == 0)
            return 1;
    return 0;
}

/* Up to three names of the store closest to name, nearest first
 * (base/near.h), as "densite_2021, densite". */
static void closest(const names_t *names, const char *name, char *buf,
                    size_t size)
{
    near_t near;
    near_start(&near, name);
    for (size_t i = 0; i < names->n; i++)
        near_offer(&near, names->name[i]);
    snprintf(buf, size, "%s", near_list(&near));
}

/* The keys of a section that name variables. */
static const char *const var_keys[CARNET_N_KINDS][3] = {
    [CARNET_FIGURES] = {"indicators", NULL},
    [CARNET_EVOLUTION] = {"variables", NULL},
    [CARNET_MAP] = {"variable", NULL},
    [CARNET_COMMUNES_CHART] = {"variable", NULL},
    [CARNET_COMMUNES_TABLE] = {"columns", "sort", NULL},
    [CARNET_TERRITORIES] = {"columns", "sort", NULL},
};

static void add_gap(tob_carnet_gap_t *gaps, size_t max, size_t *n,
                    const names_t *names, const tpl_section_t *sec,
                    const char *name)
{
    for (size_t i = 0; i < *n && i < max; i++)
        if (strcmp(gaps[i].section, sec->id) == 0 &&
            strcmp(gaps[i].variable, name) == 0)
            return; /* a table's sort column is one of its columns */
    if (*n < max) {
        tob_carnet_gap_t *g = &gaps[*n];
        snprintf(g->section, sizeof g->section, "%s", sec->id);
        snprintf(g->variable, sizeof g->variable, "%s", name);
        closest(names, name, g->closest, sizeof g->closest);
    }
    (*n)++;
}

tob_status_t tob_carnet_template_gaps(tob_store_t *st,
                                      const tob_carnet_template_t *tpl,
                                      tob_carnet_gap_t *gaps, size_t max,
                                      size_t *n, tob_error_t *err)
{
    *n = 0;
    names_t names = {NULL, 0};
    tob_status_t s = read_names(st, &names, err);
    for (size_t i = 0; s == TOB_OK && i < tpl->n_sections; i++) {
        const tpl_section_t *sec = &tpl->sections[i];
        for (size_t k = 0; var_keys[sec->kind][k] != NULL; k++) {
            char *words[CARNET_MAX_VARS];
            size_t nw =
                tpl_split(tpl_get(tpl, sec->id, var_keys[sec->kind][k], NULL),
                          words, CARNET_MAX_VARS);
            if (nw == (size_t)-1) {
                s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
                break;
            }
            for (size_t w = 0; w < nw; w++)
                if (!has_name(&names, words[w]))
                    add_gap(gaps, max, n, &names, sec, words[w]);
            tpl_free_words(words, nw);
        }
    }
    free(names.name);
    return s;
}
