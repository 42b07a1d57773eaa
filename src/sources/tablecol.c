/* tablecol.c - finding a column of a table, with a helpful error. */
#include "tablecol.h"

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

tob_status_t table_column(tob_table_t *t, const char *const *aliases,
                          int required, long *index, tob_error_t *err)
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
    if (*index >= 0 || !required)
        return TOB_OK;
    char names[400] = "";
    for (size_t i = 0; i < tob_table_n_columns(t); i++) {
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                 tob_table_column_name(t, i));
    }
    tob_error_set(err, TOB_ERR_NOTFOUND, "no column '%s'; columns: %s",
                  aliases[0], names);
    tob_error_at(err, tob_table_source(t), 0, aliases[0]);
    return TOB_ERR_NOTFOUND;
}
