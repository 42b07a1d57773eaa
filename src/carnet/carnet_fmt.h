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

/* The territories of a level together, known of all having a value:
 * "Ensemble des 39 EPCI", "Ensemble des 12 communes renseignées (sur
 * 35 357)", "Ensemble (1 département)". */
void carnet_level_total_text(const char *label, size_t known, size_t all,
                             char *buf, size_t size);

/* An evolution's label: the variable's, without a year of the series
 * ("Population municipale" from "Population municipale 2015"). */
void carnet_series_label(const tob_variable_t *meta, const int *years,
                         size_t n_years, char *buf, size_t size);

/* A value in an evolution table, its unit in the caption: "33 004". */
void carnet_fmt_evolution(double v, const tob_variable_t *meta, char *buf,
                          size_t size);

/* The change from first to last: "-4,8 %", "+1,2 pt" for a rate in %. */
void carnet_fmt_change(double first, double last, const tob_variable_t *meta,
                       char *buf, size_t size);

#endif
