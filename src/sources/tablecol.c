/* tablecol.c - finding a column of a table, with a helpful error. */
#include "tablecol.h"

#include "base/near.h"
#include "terrobs/cells.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Another column than `found` that one of aliases names, or -1: "name"
 * and "nom" in one file would give one field twice, and which one wins
 * would be a silent choice. */
static long second_column(const tob_table_t *t, const char *const *aliases,
                          long found)
{
    char folded[256], name[256];
    for (size_t i = 0; i < tob_table_n_columns(t); i++) {
        if ((long)i == found)
            continue;
        tob_text_fold(tob_table_column_name(t, i), name, sizeof name);
        for (const char *const *a = aliases; *a != NULL; a++) {
            tob_text_fold(*a, folded, sizeof folded);
            if (strcmp(name, folded) == 0)
                return (long)i;
        }
    }
    return -1;
}

void table_missing_add(table_missing_t *missing, const tob_table_t *t,
                       const char *name, const char *also)
{
    near_t near;
    near_start(&near, name);
    for (size_t i = 0; i < tob_table_n_columns(t); i++)
        near_offer(&near, tob_table_column_name(t, i));
    int has_also = also != NULL && also[0] != '\0';
    char why[400] = "";
    if (near.n > 0 || has_also)
        snprintf(why, sizeof why, " (%s%s%s)", near_ask(&near),
                 has_also ? "also accepted: " : "", has_also ? also : "");
    size_t len = strlen(why);
    if (len > 2 && why[len - 2] == ' ') /* "(did you mean 'x'? )" */
        memmove(why + len - 2, why + len - 1, 2);
    size_t used = strlen(missing->text);
    snprintf(missing->text + used, sizeof missing->text - used, "%s'%s'%s",
             missing->n ? ", " : "", name, why);
    if (missing->n++ == 0)
        snprintf(missing->first, sizeof missing->first, "%s", name);
}

tob_status_t table_missing_fail(const tob_table_t *t,
                                const table_missing_t *missing,
                                tob_error_t *err)
{
    if (missing->n == 0)
        return TOB_OK;
    char names[400] = "";
    for (size_t i = 0; i < tob_table_n_columns(t); i++) {
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                 tob_table_column_name(t, i));
    }
    tob_error_set(err, TOB_ERR_NOTFOUND, "missing column%s %s; columns: %s",
                  missing->n > 1 ? "s" : "", missing->text,
                  names[0] ? names : "none");
    tob_error_at(err, tob_table_source(t), 0,
                 missing->n == 1 ? missing->first : NULL);
    return TOB_ERR_NOTFOUND;
}

tob_status_t table_column(tob_table_t *t, const char *const *aliases,
                          int required, long *index, tob_error_t *err)
{
    table_missing_t missing = {0};
    tob_status_t s =
        table_column_noted(t, aliases, required, index, &missing, err);
    return s == TOB_OK ? table_missing_fail(t, &missing, err) : s;
}

tob_status_t table_column_noted(tob_table_t *t, const char *const *aliases,
                                int required, long *index,
                                table_missing_t *missing, tob_error_t *err)
{
    *index = tob_table_find_column(t, aliases);
    long other = *index >= 0 ? second_column(t, aliases, *index) : -1;
    if (other >= 0) {
        long a = *index < other ? *index : other;
        long b = *index < other ? other : *index;
        tob_error_set(err, TOB_ERR_INPUT,
                      "columns '%s' and '%s' both give '%s': keep one",
                      tob_table_column_name(t, (size_t)a),
                      tob_table_column_name(t, (size_t)b), aliases[0]);
        tob_error_at(err, tob_table_source(t), 0,
                     tob_table_column_name(t, (size_t)b));
        *index = -1;
        return TOB_ERR_INPUT;
    }
    if (*index < 0 && required)
        table_missing_add(missing, t, aliases[0], NULL);
    return TOB_OK;
}
