/* classify.h (building block) - class breaks for a vector of indicator values.
 * Pure computation: no I/O, no global state, any thread.
 * NaN means "no data": skipped and counted; render gives it its own class.
 * Method names and results follow R's classInt / mapsf, which users know. */
#ifndef TERROBS_CLASSIFY_H
#define TERROBS_CLASSIFY_H

#include "terrobs/error.h"

#include <stddef.h>

/* Methods; the user-facing names (case-sensitive) are in quotes.
 * "equal"     equal-width intervals between min and max.
 * "quantile"  R quantile() type 7 at probabilities 0, 1/k, ..., 1.
 * "q6"        quantiles at 0, .05, .275, .5, .725, .95, 1 (6 classes).
 * "Q6"        quantiles at 0, .05, .25, .5, .75, .95, 1 (6 classes).
 * "geom"      geometric progression min * r^i, r = (max/min)^(1/k);
 *             every value must be > 0.
 * "msd"       mean and standard deviation (population SD, divisor n):
 *             steps of msd_k SDs from the mean, clipped to min..max.
 * "em"        nested means (k = 2, 4 or 8): the mean splits the values,
 *             then the mean of each part splits it again.
 * "fisher"    exact optimal partition (Fisher 1958: least within-class
 *             sum of squared deviations); a break lies midway between one
 *             class's maximum and the next class's minimum (as classInt).
 * "jenks"     the same optimal partition; a break is the maximum of its
 *             class (as classInt "jenks").
 * "headtails" head/tail breaks (Jiang 2013): split at the mean, then at
 *             the mean of the head (values above it), while the head
 *             holds at most headtails_thr of its parent and > 1 value.
 * "manual"    breaks given by the caller in options. */
typedef enum tob_classify_method {
    TOB_CLASSIFY_EQUAL,
    TOB_CLASSIFY_QUANTILE,
    TOB_CLASSIFY_Q6,           /* "q6" */
    TOB_CLASSIFY_Q6_QUARTILES, /* "Q6" */
    TOB_CLASSIFY_GEOM,
    TOB_CLASSIFY_MSD,
    TOB_CLASSIFY_EM,
    TOB_CLASSIFY_FISHER,
    TOB_CLASSIFY_JENKS,
    TOB_CLASSIFY_HEADTAILS,
    TOB_CLASSIFY_MANUAL
} tob_classify_method_t;

#define TOB_CLASSIFY_MAX 12 /* beyond, readers cannot tell colours apart */

/* Returned by tob_breaks_class_of() for NaN and values outside the breaks. */
#define TOB_CLASS_NONE ((size_t)-1)

/* Method parameters. A zeroed struct (or NULL) gives the defaults. */
typedef struct tob_classify_options {
    double msd_k;         /* msd: class width in SDs, > 0; 0 means 1 */
    int msd_central;      /* msd: 0 = the mean is a break (default);
                             1 = the mean is the centre of a class
                             [mean - k/2 SD, mean + k/2 SD] */
    double headtails_thr; /* headtails: largest head share that is split
                             again, in (0, 1]; 0 means 0.4 */
    const double *manual; /* manual: the breaks, finite and increasing;
                             borrowed for the call only */
    size_t n_manual;      /* manual: 3..TOB_CLASSIFY_MAX + 1 breaks */
} tob_classify_options_t;

typedef struct tob_breaks tob_breaks_t;

/* Classifies values[0..n) into n_classes classes (2..TOB_CLASSIFY_MAX).
 * Equivalent to tob_classify_ex() with default options. */
TOB_API TOB_NODISCARD tob_status_t tob_classify(const double *values, size_t n,
                                                size_t n_classes,
                                                tob_classify_method_t method,
                                                tob_breaks_t **out,
                                                tob_error_t *err);

/* Classifies values[0..n) with method and opts (NULL = defaults).
 *
 * Classes: with breaks b[0] < ... < b[k], the lowest class is closed on
 * both ends [b0, b1], the others are (b[i-1], b[i]], as classInt and mapsf
 * (intervalClosure "right"). Except for manual, b[0] is the smallest value
 * and b[k] the largest, exactly.
 *
 * n_classes: used by equal, quantile, geom, em (a power of 2), fisher and
 * jenks; headtails takes it as a maximum; q6/Q6 always aim at 6 classes;
 * msd and manual ignore it (their classes come from the data or opts).
 *
 * Fewer classes: the result never has more classes than distinct values
 * (equal, quantile, geom, fisher and jenks then use n_distinct classes);
 * then any empty class (b[i-1], b[i]] with b[i-1] == b[i], i >= 2, is
 * dropped, so ties give fewer classes. b[0] == b[1] is kept: the class
 * [b0, b0] holds the values equal to the minimum (jenks when the minimum
 * alone is a class). All values equal to v: one class [v, v].
 *
 * Errors: TOB_ERR_ARG for n_classes out of range, em with k not a power of
 * 2, bad options or manual breaks not increasing; TOB_ERR_INPUT when no
 * value is left (all NaN, n = 0), a value is infinite, geom meets a value
 * <= 0, msd would need more than TOB_CLASSIFY_MAX classes, or values lie
 * outside the manual breaks (manual breaks must cover min..max; they may
 * be wider, so that several maps share a legend); TOB_ERR_NOMEM.
 * The caller frees *out with tob_breaks_destroy(); *out is NULL on
 * failure. */
TOB_API TOB_NODISCARD tob_status_t tob_classify_ex(
    const double *values, size_t n, size_t n_classes,
    tob_classify_method_t method, const tob_classify_options_t *opts,
    tob_breaks_t **out, tob_error_t *err);

/* NULL is a no-op. */
TOB_API void tob_breaks_destroy(tob_breaks_t *breaks);

/* Number of classes k (1..TOB_CLASSIFY_MAX); there are k + 1 breaks. */
TOB_API size_t tob_breaks_count(const tob_breaks_t *breaks);

/* The k + 1 breaks, increasing (b[0] == b[1] possible, see above);
 * borrowed, valid until tob_breaks_destroy(). */
TOB_API const double *tob_breaks_values(const tob_breaks_t *breaks);

/* Number of values in each of the k classes; borrowed like the breaks. */
TOB_API const size_t *tob_breaks_counts(const tob_breaks_t *breaks);

/* Values classified (not NaN) and values skipped as missing (NaN). */
TOB_API size_t tob_breaks_n_values(const tob_breaks_t *breaks);
TOB_API size_t tob_breaks_n_missing(const tob_breaks_t *breaks);

TOB_API tob_classify_method_t tob_breaks_method(const tob_breaks_t *breaks);

/* Index (0..k-1) of the class holding value, by the closure rule above;
 * TOB_CLASS_NONE for NaN or a value below b[0] or above b[k]. */
TOB_API size_t tob_breaks_class_of(const tob_breaks_t *breaks, double value);

/* Parses a user-facing method name ("fisher", "q6", "Q6"...), which is
 * case-sensitive. Errors: TOB_ERR_ARG naming the known methods (and the
 * intended one when only the case differs). */
TOB_API TOB_NODISCARD tob_status_t tob_classify_method_from_name(
    const char *name, tob_classify_method_t *out, tob_error_t *err);

/* The user-facing name of method (static storage); NULL if invalid. */
TOB_API const char *tob_classify_method_name(tob_classify_method_t method);

#endif
