/* tablecol.h - the column of a table named by one of a few aliases, or an
 * error listing the columns there are. Internal. */
#ifndef TERROBS_TABLECOL_H
#define TERROBS_TABLECOL_H

#include "terrobs/table.h"

/* *index = the column named by one of aliases (NULL-terminated, matched
 * folded), or -1; when required, -1 is TOB_ERR_NOTFOUND "no column 'x';
 * columns: a, b, c" at the file. */
TOB_NODISCARD tob_status_t table_column(tob_table_t *t,
                                        const char *const *aliases,
                                        int required, long *index,
                                        tob_error_t *err);

#endif
