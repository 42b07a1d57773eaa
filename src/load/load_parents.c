/* load_parents.c - with --where and --parent-code, how many members each
 * parent has in the whole source file, the rows --where leaves out too:
 * a national commune file loaded for the Pas-de-Calais still says that
 * the CC du Ternois has 103 communes, one of them (Vitz-sur-Authie) in the
 * Somme. The counts are kept as the parents' expected members, as
 * `relate --members` keeps a member table's, so that a sum over the 102
 * loaded is not taken for the whole (values.c). */
#include "load_parents.h"

#include "base/examples.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parent_count {
    char **codes; /* every feature's parent code, sorted */
    size_t n, cap;
} parent_count_t;

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static tob_status_t add_code(parent_count_t *pc, const char *text,
                             tob_error_t *err)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    if (len == 0)
        return TOB_OK; /* no parent: an orphan, not a member */
    if (pc->n == pc->cap) {
        size_t cap = pc->cap ? 2 * pc->cap : 1024;
        char **grown = realloc(pc->codes, cap * sizeof *grown);
        if (grown == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        pc->codes = grown;
        pc->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    memcpy(copy, text, len);
    copy[len] = '\0';
    pc->codes[pc->n++] = copy;
    return TOB_OK;
}

/* Reads the parent field of every feature of the layer, the filter off
 * and the other fields and the geometry left unread. */
static tob_status_t read_codes(OGRLayerH layer, int i_parent,
                               parent_count_t *pc, const char *src,
                               tob_error_t *err)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int n_fields = OGR_FD_GetFieldCount(defn);
    const char **ignored = calloc((size_t)n_fields + 3, sizeof *ignored);
    if (ignored == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (int i = 0; i < n_fields; i++)
        if (i != i_parent)
            ignored[k++] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
    ignored[k++] = "OGR_GEOMETRY";
    ignored[k++] = "OGR_STYLE";
    tob_status_t s = TOB_OK;
    if (OGR_L_SetAttributeFilter(layer, NULL) != OGRERR_NONE)
        s = tob_error_set_at(err, TOB_ERR_GDAL, src, 0, NULL,
                             "cannot read the source again without --where");
    OGR_L_SetIgnoredFields(layer, ignored); /* a speed-up, not a need */
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while (s == TOB_OK && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        if (OGR_F_IsFieldSetAndNotNull(f, i_parent))
            s = add_code(pc, OGR_F_GetFieldAsString(f, i_parent), err);
        OGR_F_Destroy(f);
    }
    OGR_L_SetIgnoredFields(layer, NULL);
    free(ignored);
    if (s == TOB_OK && pc->n > 1)
        qsort(pc->codes, pc->n, sizeof *pc->codes, by_text);
    return s;
}

typedef struct keep {
    tob_store_t *st;
    const char *level; /* the children's */
    int vintage;
    tob_id_t source_id;
    db_stmt_t *parent, *old, *del, *ins, *have;
    tob_load_report_t *out;
    tob_examples_t outside;
} keep_t;

static const char *const KEEP_SQL[] = {
    /* The parent: a territory of another level with that code, of the
     * children's vintage if its level has it, else its latest. */
    "SELECT id, level FROM territory WHERE code = ?1 AND level <> ?2"
    " ORDER BY CASE WHEN vintage = ?3 THEN 0 ELSE 1 END, vintage DESC,"
    " level LIMIT 1",
    "SELECT n FROM expected_members WHERE parent = ?1 AND child_level = ?2",
    "DELETE FROM expected_members WHERE parent = ?1 AND child_level = ?2",
    "INSERT INTO expected_members (parent, child_level, n, source_id)"
    " VALUES (?1, ?2, ?3, ?4)",
    "SELECT count(*) FROM territory WHERE level = ?1 AND vintage = ?2"
    " AND parent_code = ?3"};

/* One parent code named by n features of the file. Several loads of
 * one file (--append, another --where) keep the larger count. */
static tob_status_t keep_one(keep_t *k, const char *code, size_t n,
                             tob_error_t *err)
{
    db_bind_text_static(k->parent, 1, code);
    db_bind_text_static(k->parent, 2, k->level);
    db_bind_int(k->parent, 3, k->vintage);
    int rc = db_step(k->parent);
    tob_id_t id = rc == DB_ROW ? db_column_int64(k->parent, 0) : 0;
    if (rc == DB_ROW && k->out->parent_level[0] == '\0')
        snprintf(k->out->parent_level, sizeof k->out->parent_level, "%s",
                 db_column_str(k->parent, 1));
    db_reset(k->parent);
    if (rc != DB_ROW && rc != DB_DONE)
        return db_fail(k->st, "finding a parent", err);
    if (id == 0)
        return TOB_OK; /* not in the store: nothing to sum */
    db_bind_int64(k->old, 1, id);
    db_bind_text_static(k->old, 2, k->level);
    if ((rc = db_step(k->old)) == DB_ROW &&
        (size_t)db_column_int64(k->old, 0) > n)
        n = (size_t)db_column_int64(k->old, 0);
    db_reset(k->old);
    db_bind_int64(k->del, 1, id);
    db_bind_text_static(k->del, 2, k->level);
    db_bind_int64(k->ins, 1, id);
    db_bind_text_static(k->ins, 2, k->level);
    db_bind_int64(k->ins, 3, (long long)n);
    db_bind_int64(k->ins, 4, k->source_id);
    db_bind_text_static(k->have, 1, k->level);
    db_bind_int(k->have, 2, k->vintage);
    db_bind_text_static(k->have, 3, code);
    int ok = (rc == DB_ROW || rc == DB_DONE) && db_step(k->del) == DB_DONE &&
             db_step(k->ins) == DB_DONE && db_step(k->have) == DB_ROW;
    size_t have = ok ? (size_t)db_column_int64(k->have, 0) : 0;
    db_reset(k->del);
    db_reset(k->ins);
    db_reset(k->have);
    if (!ok)
        return db_fail(k->st, "keeping the parents' member counts", err);
    k->out->n_parents_kept++;
    if (have < n)
        examples_add(&k->outside, "%s (%zu of %zu)", code, have, n);
    return TOB_OK;
}

static tob_status_t keep_counts(keep_t *k, const parent_count_t *pc,
                                tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    db_stmt_t **stmts[] = {&k->parent, &k->old, &k->del, &k->ins, &k->have};
    for (size_t i = 0; s == TOB_OK && i < 5; i++)
        s = db_prepare(k->st, KEEP_SQL[i], stmts[i], err);
    for (size_t i = 0; s == TOB_OK && i < pc->n;) {
        size_t j = i + 1;
        while (j < pc->n && strcmp(pc->codes[j], pc->codes[i]) == 0)
            j++;
        s = keep_one(k, pc->codes[i], j - i, err);
        i = j;
    }
    for (size_t i = 0; i < 5; i++)
        db_finalize(*stmts[i]);
    return s;
}

tob_status_t load_keep_parents(tob_store_t *st, OGRLayerH layer, int i_parent,
                               const tob_load_options_t *opts,
                               tob_id_t source_id, tob_load_report_t *rep,
                               tob_error_t *err)
{
    rep->parent_level[0] = rep->parents_outside[0] = '\0';
    rep->n_parents_kept = rep->n_parents_outside = 0;
    if (opts->where == NULL || i_parent < 0)
        return TOB_OK; /* every row loaded: the store has the whole */
    parent_count_t pc = {NULL, 0, 0};
    tob_status_t s = read_codes(layer, i_parent, &pc, opts->src, err);
    keep_t k = {.st = st,
                .level = opts->level,
                .vintage = rep->vintage,
                .source_id = source_id,
                .out = rep};
    if (s == TOB_OK)
        s = keep_counts(&k, &pc, err);
    rep->n_parents_outside = k.outside.count;
    examples_describe(&k.outside, rep->parents_outside,
                      sizeof rep->parents_outside);
    for (size_t i = 0; i < pc.n; i++)
        free(pc.codes[i]);
    free(pc.codes);
    return s;
}
