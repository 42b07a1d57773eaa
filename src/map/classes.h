/* classes.h - a choropleth's classes from values: breaks (classify.h),
 * colours (palette.h or given), French bound labels and counts. The one
 * computation `terrobs map` draws and the web observatory writes, so that
 * a territory has the same class and colour in both. */
#ifndef TERROBS_MAP_CLASSES_H
#define TERROBS_MAP_CLASSES_H

#include "terrobs/classify.h"
#include "terrobs/palette.h"

#include <stddef.h>

/* How to classify. Pointers are borrowed for the call. */
typedef struct map_classes_spec {
    tob_classify_method_t method;
    int k;
    const double *manual; /* manual breaks, n_manual of them */
    size_t n_manual;
    const char *palette; /* NULL = "YlOrRd" */
    int reverse;
    const tob_rgb_t *colors; /* given colours instead of the palette */
    size_t n_colors;
    int decimals;     /* of the bounds: >= 0 forces, -1 = below */
    int var_decimals; /* the variable's, -1 = the fewest that keep the
                         bounds distinct (0..4, at least 1 below 10) */
} map_classes_spec_t;

typedef struct map_class {
    char label[272]; /* "1 060 – 2 119" */
    double lower, upper;
    tob_rgb_t color;
    size_t count;
} map_class_t;

typedef struct map_classes {
    size_t k;
    map_class_t classes[TOB_CLASSIFY_MAX];
    size_t n_missing;
    int decimals;         /* of the bound labels */
    tob_breaks_t *breaks; /* owned: tob_breaks_class_of() for each value */
} map_classes_t;

/* Classifies values[0..n) (NaN = missing) by spec into *out. Errors: those
 * of tob_classify_ex() and tob_palette_get(), TOB_ERR_INPUT when given
 * colours are fewer than the classes. Free with map_classes_free(), also
 * after a failure. */
tob_status_t map_classes_compute(const double *values, size_t n,
                                 const map_classes_spec_t *spec,
                                 map_classes_t *out, tob_error_t *err);
void map_classes_free(map_classes_t *c);

/* Decimals of bounds b[0..n): spec->decimals, else spec->var_decimals,
 * else the fewest (0..4) that keep every bound distinct, at least 1
 * below 10. */
int map_classes_decimals(const map_classes_spec_t *spec, const double *b,
                         size_t n);

#endif
