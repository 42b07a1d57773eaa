/* relations_members.c - memberships from a member table: one row per
 * (child, parent), e.g. epci_membres_cog2026.csv. */
#include "relations_internal.h"

#include "sources/tablecol.h"
#include "terrobs/codes.h"

#include <stdio.h>

static tob_status_t read_code(tob_table_t *t, long col, const char *field,
                              char *buf, size_t size, tob_error_t *err)
{
    if (tob_code_normalize(tob_table_cell(t, (size_t)col), buf, size, NULL) ==
        TOB_OK)
        return TOB_OK;
    tob_error_set(err, TOB_ERR_INPUT, "code too long");
    tob_error_at(err, tob_table_source(t), tob_table_row_number(t), field);
    return TOB_ERR_INPUT;
}

/* A row with an empty cell relates nothing (an island commune with no
 * EPCI): its child, if any, ends up among the orphans. */
static tob_status_t member_row(relate_run_t *r, tob_table_t *t,
                               const long col[2], tob_error_t *err)
{
    const tob_relate_options_t *o = r->opts;
    char child[TOB_CODE_MAX + 1], parent[TOB_CODE_MAX + 1];
    tob_status_t s =
        read_code(t, col[0], o->child_key, child, sizeof child, err);
    if (s == TOB_OK)
        s = read_code(t, col[1], o->parent_key, parent, sizeof parent, err);
    if (s != TOB_OK || child[0] == '\0' || parent[0] == '\0')
        return s;
    /* Every row counts, its child in the store or not: the parent's
     * expected members. */
    tob_territory_entry_t *p = tob_territory_map_get(r->parents, parent);
    if (p != NULL)
        p->hits++;
    return relate_pair(r, child, parent, err);
}

tob_status_t relate_from_members(relate_run_t *r, tob_error_t *err)
{
    const tob_relate_options_t *o = r->opts;
    if (o->members == NULL || o->child_key == NULL || o->parent_key == NULL)
        return tob_error_set(err, TOB_ERR_ARG,
                             "a member table needs its child and parent "
                             "key columns");
    tob_table_options_t topts = {o->sheet};
    tob_table_t *t = NULL;
    const char *child[] = {o->child_key, NULL};
    const char *parent[] = {o->parent_key, NULL};
    long col[2] = {-1, -1};
    tob_status_t s = tob_table_open(o->members, &topts, &t, err);
    if (s == TOB_OK)
        s = table_column(t, child, 1, &col[0], err);
    if (s == TOB_OK)
        s = table_column(t, parent, 1, &col[1], err);
    int has_row = 0;
    while (s == TOB_OK && (s = tob_table_next(t, &has_row, err)) == TOB_OK &&
           has_row) {
        r->rep->n_rows++;
        s = member_row(r, t, col, err);
    }
    tob_table_close(t);
    return s;
}
