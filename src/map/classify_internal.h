/* classify_internal.h - what classify.c and classify_optimal.c share. */
#ifndef TERROBS_CLASSIFY_INTERNAL_H
#define TERROBS_CLASSIFY_INTERNAL_H

#include "terrobs/error.h"

#include <stddef.h>

/* Exact optimal partition of sorted[0..n) (ascending, finite) into k
 * classes, 1 <= k <= number of distinct values, k <= TOB_CLASSIFY_MAX.
 * Writes k + 1 breaks to brk: brk[0] = min, brk[k] = max, and between
 * classes the maximum of the lower class (midpoints == 0, "jenks") or the
 * midpoint between that maximum and the next class's minimum ("fisher").
 * Errors: TOB_ERR_NOMEM. */
tob_status_t classify_optimal(const double *sorted, size_t n, size_t k,
                              int midpoints, double *brk, tob_error_t *err);

#endif
