/* classify.c - class breaks: the methods, the fewer-classes rule, counts.
 * Formulas follow R's classInt 0.4 and mapsf (see classify.h); fisher and
 * jenks live in classify_optimal.c. */
#include "terrobs/classify.h"

#include "classify_internal.h"

#include "base/near.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct tob_breaks {
    tob_classify_method_t method;
    size_t n_classes;
    size_t n_values;
    size_t n_missing;
    double breaks[TOB_CLASSIFY_MAX + 1];
    size_t counts[TOB_CLASSIFY_MAX];
};

/* The sorted finite values and what the methods need to know of them. */
typedef struct sample {
    double *x; /* ascending */
    size_t n;
    size_t n_distinct;
    size_t n_missing;
} sample_t;

static const char *const method_names[] = {
    [TOB_CLASSIFY_EQUAL] = "equal",   [TOB_CLASSIFY_QUANTILE] = "quantile",
    [TOB_CLASSIFY_Q6] = "q6",         [TOB_CLASSIFY_Q6_QUARTILES] = "Q6",
    [TOB_CLASSIFY_GEOM] = "geom",     [TOB_CLASSIFY_MSD] = "msd",
    [TOB_CLASSIFY_EM] = "em",         [TOB_CLASSIFY_FISHER] = "fisher",
    [TOB_CLASSIFY_JENKS] = "jenks",   [TOB_CLASSIFY_HEADTAILS] = "headtails",
    [TOB_CLASSIFY_MANUAL] = "manual",
};
#define N_METHODS (sizeof method_names / sizeof method_names[0])

const char *tob_classify_method_name(tob_classify_method_t method)
{
    if ((size_t)method >= N_METHODS)
        return NULL;
    return method_names[method];
}

tob_status_t tob_classify_method_from_name(const char *name,
                                           tob_classify_method_t *out,
                                           tob_error_t *err)
{
    near_t near;
    near_start(&near, name);
    for (size_t i = 0; name != NULL && i < N_METHODS; i++) {
        if (strcmp(name, method_names[i]) == 0) {
            *out = (tob_classify_method_t)i;
            return TOB_OK;
        }
        near_offer(&near, method_names[i]);
    }
    if (near.n > 0 && near.dist[0] == 0)
        return tob_error_set(err, TOB_ERR_ARG,
                             "unknown classification method '%s' (names are "
                             "case-sensitive: did you mean '%s'?)",
                             name, near.name[0]);
    if (near.n > 0)
        return tob_error_set(err, TOB_ERR_ARG,
                             "unknown classification method '%s'%s", name,
                             near_hint(&near));
    return tob_error_set(err, TOB_ERR_ARG,
                         "unknown classification method '%s' (known: equal, "
                         "quantile, q6, Q6, geom, msd, em, fisher, jenks, "
                         "headtails, manual)",
                         name != NULL ? name : "");
}

/* ---- accessors ---------------------------------------------------- */

void tob_breaks_destroy(tob_breaks_t *breaks)
{
    free(breaks);
}

size_t tob_breaks_count(const tob_breaks_t *breaks)
{
    return breaks->n_classes;
}

const double *tob_breaks_values(const tob_breaks_t *breaks)
{
    return breaks->breaks;
}

const size_t *tob_breaks_counts(const tob_breaks_t *breaks)
{
    return breaks->counts;
}

size_t tob_breaks_n_values(const tob_breaks_t *breaks)
{
    return breaks->n_values;
}

size_t tob_breaks_n_missing(const tob_breaks_t *breaks)
{
    return breaks->n_missing;
}

tob_classify_method_t tob_breaks_method(const tob_breaks_t *breaks)
{
    return breaks->method;
}

/* Lowest class [b0, b1], others (b[i-1], b[i]]: the first break >= value
 * closes its class. */
static size_t class_of(const double *b, size_t k, double value)
{
    if (isnan(value) || value < b[0] || value > b[k])
        return TOB_CLASS_NONE;
    size_t lo = 1, hi = k; /* the answer break lies in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (value <= b[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo - 1;
}

size_t tob_breaks_class_of(const tob_breaks_t *breaks, double value)
{
    return class_of(breaks->breaks, breaks->n_classes, value);
}

/* ---- statistics as R computes them -------------------------------- */

/* R's mean(): a long double sum, then one correction pass. */
static double mean_of(const double *x, size_t n)
{
    long double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    s /= (long double)n;
    if (isfinite((double)s)) {
        long double t = 0;
        for (size_t i = 0; i < n; i++)
            t += x[i] - s;
        s += t / (long double)n;
    }
    return (double)s;
}

/* Population standard deviation (divisor n), as mapsf's "msd". */
static double sd_population(const double *x, size_t n, double mean)
{
    long double s = 0;
    for (size_t i = 0; i < n; i++)
        s += ((long double)x[i] - mean) * ((long double)x[i] - mean);
    return sqrt((double)(s / (long double)n));
}

/* R quantile() type 7 of sorted x[0..n) at probability p, with R's own
 * order of operations so that results match to the last bit. */
static double quantile7(const double *x, size_t n, double p)
{
    double index = 1.0 + (double)(n - 1) * p;
    double lo = floor(index), hi = ceil(index);
    double q = x[(size_t)lo - 1];
    double xhi = x[(size_t)hi - 1];
    if (index > lo && xhi != q) {
        double h = index - lo;
        q = (1 - h) * q + h * xhi;
    }
    return q;
}

/* First index of sorted x[0..n) whose value is > v. */
static size_t upper_bound(const double *x, size_t n, double v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t lower_bound(const double *x, size_t n, double v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the methods: each writes k + 1 breaks and returns k ----------- */

static size_t breaks_equal(const sample_t *s, size_t k, double *b)
{
    double lo = s->x[0], hi = s->x[s->n - 1];
    double by = (hi - lo) / (double)k; /* as R's seq(length.out =) */
    for (size_t i = 0; i < k; i++)
        b[i] = lo + (double)i * by;
    b[k] = hi;
    return k;
}

static size_t breaks_quantile(const sample_t *s, size_t k, double *b)
{
    double step = 1.0 / (double)k; /* R: seq(0, 1, 1/k) */
    for (size_t i = 0; i <= k; i++)
        b[i] = quantile7(s->x, s->n, (double)i * step);
    return k;
}

static size_t breaks_q6(const sample_t *s, const double *probs, double *b)
{
    for (size_t i = 0; i < 7; i++)
        b[i] = quantile7(s->x, s->n, probs[i]);
    return 6;
}

static tob_status_t breaks_geom(const sample_t *s, size_t k, double *b,
                                size_t *out_k, tob_error_t *err)
{
    double lo = s->x[0], hi = s->x[s->n - 1];
    if (!(lo > 0))
        return tob_error_set(err, TOB_ERR_INPUT,
                             "geom needs values > 0, but the smallest is %.17g "
                             "(use equal or quantile, or shift the values)",
                             lo);
    double ratio = exp((log(hi) - log(lo)) / (double)k);
    double t = lo;
    b[0] = lo;
    for (size_t i = 1; i < k; i++) { /* mapsf multiplies step by step */
        t *= ratio;
        b[i] = t;
    }
    b[k] = hi;
    *out_k = k;
    return TOB_OK;
}

/* Appends v to b when strictly inside (lo, hi); counts every candidate
 * inside in *n_inside, writing only while there is room. */
static void msd_keep(double v, double lo, double hi, double *b,
                     size_t *n_inside)
{
    if (v > lo && v < hi) {
        if (*n_inside + 1 < TOB_CLASSIFY_MAX)
            b[1 + *n_inside] = v;
        (*n_inside)++;
    }
}

/* Breaks at edge +- j * step (j >= 1) around the central edges. */
static tob_status_t breaks_msd(const sample_t *s, double k_sd, int central,
                               double *b, size_t *out_k, tob_error_t *err)
{
    double lo = s->x[0], hi = s->x[s->n - 1];
    double mean = mean_of(s->x, s->n);
    double step = sd_population(s->x, s->n, mean) * k_sd;
    double low_edge = central ? mean - 0.5 * step : mean;
    double high_edge = central ? mean + 0.5 * step : mean;
    double n_below = ceil((low_edge - lo) / step);
    double n_above = ceil((hi - high_edge) / step);
    if (!(step > 0) || n_below + n_above > 2.0 * TOB_CLASSIFY_MAX)
        goto too_many;
    size_t inside = 0;
    for (double j = n_below; j >= 1; j--)
        msd_keep(low_edge - j * step, lo, hi, b, &inside);
    msd_keep(low_edge, lo, hi, b, &inside);
    if (central)
        msd_keep(high_edge, lo, hi, b, &inside);
    for (double j = 1; j <= n_above; j++)
        msd_keep(high_edge + j * step, lo, hi, b, &inside);
    if (inside + 1 > TOB_CLASSIFY_MAX)
        goto too_many;
    b[0] = lo;
    b[inside + 1] = hi;
    *out_k = inside + 1;
    return TOB_OK;
too_many:
    return tob_error_set(err, TOB_ERR_INPUT,
                         "msd with steps of %g SD needs more than %d classes "
                         "for values %.17g..%.17g; use a larger msd k",
                         k_sd, TOB_CLASSIFY_MAX, lo, hi);
}

/* Nested means: each level splits every interval at the mean of the
 * values it holds (the first interval closed, the others (lo, hi]). */
static size_t breaks_em(const sample_t *s, size_t k, double *b)
{
    size_t nb = 2;
    b[0] = s->x[0];
    b[1] = s->x[s->n - 1];
    while (nb - 1 < k) {
        double next[TOB_CLASSIFY_MAX + 1];
        size_t nn = 0;
        for (size_t i = 0; i + 1 < nb; i++) {
            size_t from = i == 0 ? lower_bound(s->x, s->n, b[i])
                                 : upper_bound(s->x, s->n, b[i]);
            size_t to = upper_bound(s->x, s->n, b[i + 1]);
            next[nn++] = b[i];
            if (to > from) /* ties can leave (m, m] empty */
                next[nn++] = mean_of(s->x + from, to - from);
        }
        next[nn++] = b[nb - 1];
        memcpy(b, next, nn * sizeof *b);
        nb = nn;
    }
    return nb - 1;
}

static size_t breaks_headtails(const sample_t *s, size_t k_max, double thr,
                               double *b)
{
    size_t nb = 0, head = 0; /* the head is x[head..n) */
    b[nb++] = s->x[0];
    while (nb < k_max) { /* nb breaks so far; the max makes nb + 1 */
        double mu = mean_of(s->x + head, s->n - head);
        b[nb++] = mu;
        size_t parent = s->n - head;
        head = upper_bound(s->x, s->n, mu);
        size_t n_head = s->n - head;
        if (!((double)n_head / (double)parent <= thr && n_head > 1))
            break;
    }
    b[nb] = s->x[s->n - 1];
    return nb;
}

static tob_status_t breaks_manual(const sample_t *s,
                                  const tob_classify_options_t *o, double *b,
                                  size_t *out_k, tob_error_t *err)
{
    size_t k = o->n_manual - 1;
    double lo = s->x[0], hi = s->x[s->n - 1];
    if (lo < o->manual[0] || hi > o->manual[k]) {
        size_t n_out = lower_bound(s->x, s->n, o->manual[0]) +
                       (s->n - upper_bound(s->x, s->n, o->manual[k]));
        return tob_error_set(err, TOB_ERR_INPUT,
                             "%zu value(s) outside the manual breaks "
                             "%.17g..%.17g (values span %.17g..%.17g); manual "
                             "breaks must cover every value",
                             n_out, o->manual[0], o->manual[k], lo, hi);
    }
    memcpy(b, o->manual, o->n_manual * sizeof *b);
    *out_k = k;
    return TOB_OK;
}

/* ---- checks, dispatch, the fewer-classes rule ---------------------- */

static int uses_n_classes(tob_classify_method_t m)
{
    return m != TOB_CLASSIFY_Q6 && m != TOB_CLASSIFY_Q6_QUARTILES &&
           m != TOB_CLASSIFY_MSD && m != TOB_CLASSIFY_MANUAL;
}

static tob_status_t check_manual(const tob_classify_options_t *o,
                                 tob_error_t *err)
{
    if (o->manual == NULL || o->n_manual < 3 ||
        o->n_manual > TOB_CLASSIFY_MAX + 1)
        return tob_error_set(err, TOB_ERR_ARG,
                             "manual needs 3..%d breaks (2..%d classes), "
                             "not %zu",
                             TOB_CLASSIFY_MAX + 1, TOB_CLASSIFY_MAX,
                             o->manual == NULL ? 0 : o->n_manual);
    for (size_t i = 0; i < o->n_manual; i++) {
        if (!isfinite(o->manual[i]))
            return tob_error_set(err, TOB_ERR_ARG,
                                 "manual break %zu is not a finite number",
                                 i + 1);
        if (i > 0 && !(o->manual[i] > o->manual[i - 1]))
            return tob_error_set(err, TOB_ERR_ARG,
                                 "manual breaks must increase: break %zu "
                                 "(%.17g) is not above break %zu (%.17g)",
                                 i + 1, o->manual[i], i, o->manual[i - 1]);
    }
    return TOB_OK;
}

/* Checks the arguments and fills *o with opts or the defaults. */
static tob_status_t check_args(size_t n_classes, tob_classify_method_t method,
                               const tob_classify_options_t *opts,
                               tob_classify_options_t *o, tob_error_t *err)
{
    if (tob_classify_method_name(method) == NULL)
        return tob_error_set(err, TOB_ERR_ARG,
                             "unknown classification method %d", (int)method);
    if (opts != NULL)
        *o = *opts;
    if (o->msd_k == 0)
        o->msd_k = 1;
    if (o->headtails_thr == 0)
        o->headtails_thr = 0.4;
    if (uses_n_classes(method) &&
        (n_classes < 2 || n_classes > TOB_CLASSIFY_MAX))
        return tob_error_set(err, TOB_ERR_ARG,
                             "the number of classes must be 2..%d, not %zu",
                             TOB_CLASSIFY_MAX, n_classes);
    if (method == TOB_CLASSIFY_EM && (n_classes & (n_classes - 1)) != 0)
        return tob_error_set(err, TOB_ERR_ARG,
                             "em needs a power of 2 classes (2, 4 or 8), "
                             "not %zu",
                             n_classes);
    if (!(isfinite(o->msd_k) && o->msd_k > 0))
        return tob_error_set(err, TOB_ERR_ARG,
                             "msd k must be a number of SDs > 0, not %g",
                             o->msd_k);
    if (!(o->headtails_thr > 0 && o->headtails_thr <= 1))
        return tob_error_set(err, TOB_ERR_ARG,
                             "headtails threshold must be in (0, 1], not %g",
                             o->headtails_thr);
    if (method == TOB_CLASSIFY_MANUAL)
        return check_manual(o, err);
    return TOB_OK;
}

static const double q6_probs[7] = {0, .05, .275, .5, .725, .95, 1};
static const double q6_quartile_probs[7] = {0, .05, .25, .5, .75, .95, 1};

static tob_status_t compute(const sample_t *s, size_t k,
                            tob_classify_method_t method,
                            const tob_classify_options_t *o, double *b,
                            size_t *out_k, tob_error_t *err)
{
    /* Never more classes than distinct values (see classify.h). */
    size_t k_eff = k < s->n_distinct ? k : s->n_distinct;
    switch (method) {
    case TOB_CLASSIFY_EQUAL:
        *out_k = breaks_equal(s, k_eff, b);
        return TOB_OK;
    case TOB_CLASSIFY_QUANTILE:
        *out_k = breaks_quantile(s, k_eff, b);
        return TOB_OK;
    case TOB_CLASSIFY_Q6:
        *out_k = breaks_q6(s, q6_probs, b);
        return TOB_OK;
    case TOB_CLASSIFY_Q6_QUARTILES:
        *out_k = breaks_q6(s, q6_quartile_probs, b);
        return TOB_OK;
    case TOB_CLASSIFY_GEOM:
        return breaks_geom(s, k_eff, b, out_k, err);
    case TOB_CLASSIFY_MSD:
        return breaks_msd(s, o->msd_k, o->msd_central, b, out_k, err);
    case TOB_CLASSIFY_EM:
        *out_k = breaks_em(s, k, b);
        return TOB_OK;
    case TOB_CLASSIFY_FISHER:
    case TOB_CLASSIFY_JENKS:
        *out_k = k_eff;
        return classify_optimal(s->x, s->n, k_eff,
                                method == TOB_CLASSIFY_FISHER, b, err);
    case TOB_CLASSIFY_HEADTAILS:
        *out_k = breaks_headtails(s, k, o->headtails_thr, b);
        return TOB_OK;
    case TOB_CLASSIFY_MANUAL:
        return breaks_manual(s, o, b, out_k, err);
    }
    return tob_error_set(err, TOB_ERR_INTERNAL, "unhandled method");
}

/* Pins the ends to min and max, then drops empty classes (b[i-1], b[i]]
 * with b[i] <= b[i-1], i >= 2; keeps b[0] == b[1] (the class [min, min]).
 * Returns the new number of classes. */
static size_t drop_empty_classes(const sample_t *s, int pin_ends, double *b,
                                 size_t k)
{
    if (pin_ends) {
        double lo = s->x[0], hi = s->x[s->n - 1];
        for (size_t i = 1; i < k; i++)
            b[i] = b[i] < lo ? lo : b[i] > hi ? hi : b[i];
        b[0] = lo;
        b[k] = hi;
    }
    size_t kept = 1; /* b[0..kept] kept */
    for (size_t i = 2; i <= k; i++) {
        if (b[i] > b[kept])
            b[++kept] = b[i];
    }
    return kept;
}

/* Copies the finite values of values[0..n) into s->x, sorted. */
static tob_status_t collect(const double *values, size_t n, sample_t *s,
                            tob_error_t *err)
{
    s->x = calloc(n > 0 ? n : 1, sizeof *s->x);
    if (s->x == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (isnan(values[i])) {
            s->n_missing++;
        } else if (isinf(values[i])) {
            return tob_error_set(err, TOB_ERR_INPUT,
                                 "value %zu is infinite (%g); use NaN for "
                                 "missing values",
                                 i + 1, values[i]);
        } else {
            s->x[s->n++] = values[i];
        }
    }
    if (s->n == 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "no value to classify (%zu missing of %zu)",
                             s->n_missing, n);
    qsort(s->x, s->n, sizeof *s->x, cmp_double);
    s->n_distinct = 1;
    for (size_t i = 1; i < s->n; i++)
        s->n_distinct += s->x[i] != s->x[i - 1];
    return TOB_OK;
}

static void count_classes(const sample_t *s, tob_breaks_t *r)
{
    memset(r->counts, 0, sizeof r->counts);
    for (size_t i = 0; i < s->n; i++) {
        size_t c = class_of(r->breaks, r->n_classes, s->x[i]);
        if (c != TOB_CLASS_NONE)
            r->counts[c]++;
    }
}

tob_status_t tob_classify_ex(const double *values, size_t n, size_t n_classes,
                             tob_classify_method_t method,
                             const tob_classify_options_t *opts,
                             tob_breaks_t **out, tob_error_t *err)
{
    *out = NULL;
    tob_classify_options_t o = {0};
    sample_t s = {0};
    tob_breaks_t *r = NULL;
    tob_status_t status = check_args(n_classes, method, opts, &o, err);
    if (status == TOB_OK)
        status = collect(values, n, &s, err);
    if (status == TOB_OK && (r = calloc(1, sizeof *r)) == NULL)
        status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (status != TOB_OK)
        goto done;
    size_t k = 1;
    int manual = method == TOB_CLASSIFY_MANUAL;
    if (s.n_distinct == 1 && !manual && method != TOB_CLASSIFY_GEOM) {
        r->breaks[0] = r->breaks[1] = s.x[0]; /* one class [v, v] */
    } else {
        status = compute(&s, n_classes, method, &o, r->breaks, &k, err);
        if (status != TOB_OK)
            goto done;
        k = drop_empty_classes(&s, !manual, r->breaks, k);
    }
    r->method = method;
    r->n_classes = k;
    r->n_values = s.n;
    r->n_missing = s.n_missing;
    count_classes(&s, r);
    *out = r;
    r = NULL; /* now the caller's */
done:
    free(s.x);
    free(r);
    return status;
}

tob_status_t tob_classify(const double *values, size_t n, size_t n_classes,
                          tob_classify_method_t method, tob_breaks_t **out,
                          tob_error_t *err)
{
    return tob_classify_ex(values, n, n_classes, method, NULL, out, err);
}
