/* carnet_fmt.h - how a carnet writes a value, a year and a level for
 * partners; shared with the web observatory so that a figure reads the
 * same on a page as in the PDF. */
#ifndef TERROBS_CARNET_FMT_H
#define TERROBS_CARNET_FMT_H

#include "terrobs/values.h"

#include <stddef.h>

/* A value with its unit, French: "12,3 %", "2 604 361 habitants",
 * "n.d." when missing. decimals < 0: the variable's, else automatic. */
void carnet_fmt_value(double v, const tob_variable_t *meta, char *buf,
                      size_t size);

/* The year a variable describes: declared, else the _YYYY its name ends
 * with, else fallback. */
int carnet_var_year(const tob_variable_t *meta, int fallback);

/* "EPCI", "communes", "départements": a level label for a count. */
void carnet_level_plural(const char *label, char *buf, size_t size);

#endif
