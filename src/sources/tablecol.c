/* tablecol.c - finding a column of a table, with a helpful error. */
#include "tablecol.h"

#include <stdio.h>
#include <string.h>

tob_status_t table_column(tob_table_t *t, const char *const *aliases,
                          int required, long *index, tob_error_t *err)
{
    *index = tob_table_find_column(t, aliases);
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
