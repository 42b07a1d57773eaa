/* test_classify.c - class breaks against independently computed values.
 *
 * Expected breaks were computed with R 4.2 and classInt 0.4-9 (Debian
 * r-cran-classint), printed with sprintf("%.17g"): classIntervals(x, k,
 * style = "equal" | "quantile" | "fisher" | "jenks" | "headtails")$brks.
 * q6, Q6, geom, em and msd are mapsf methods (mapsf is not packaged); their
 * values come from the formulas of mapsf's mf_get_breaks() typed into R:
 * quantile(x, probs = c(0, .05, .275, .5, .725, .95, 1)), min * r^(1:(k-1))
 * with r = exp((log(max) - log(min)) / k), nested means, and mean +- j * sd
 * with the population SD. The script is tests/ref/classify_mtq.R. */
#include "terrobs/classify.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Median income per consumption unit (euros, Insee 2015) of the 34
 * communes of Martinique, in INSEE code order 97201..97234: field MED of
 * layer "polygons" of mtq.gpkg, shipped by the R package mapsf
 * (../shared/data/indicateurs/martinique_mapsf/mtq.gpkg). */
static const double mtq_med[34] = {
    13633, 14558, 14456, 18847, 21005, 19704, 19341, 15151, 16927,
    15951, 13274, 14786, 18034, 13487, 13474, 14205, 15158, 15134,
    11929, 15274, 16504, 15989, 16417, 17817, 12973, 15420, 18397,
    13701, 21761, 16860, 19638, 14461, 18041, 16375};
#define N_MTQ (sizeof mtq_med / sizeof mtq_med[0])

static tob_breaks_t *classify_ok(const double *x, size_t n, size_t k,
                                 tob_classify_method_t m,
                                 const tob_classify_options_t *o)
{
    tob_breaks_t *b = NULL;
    tob_error_t err = {0};
    tob_status_t st = tob_classify_ex(x, n, k, m, o, &b, &err);
    if (st != TOB_OK)
        fail_msg("classify failed: %s", err.message);
    assert_non_null(b);
    return b;
}

/* Compares breaks with expected values to 1e-12 relative: classInt's
 * arithmetic is reproduced operation by operation, so only the last bit
 * may differ (R sums in long double). */
static void check_breaks(const tob_breaks_t *b, const double *want,
                         size_t n_want)
{
    assert_int_equal(tob_breaks_count(b) + 1, n_want);
    const double *got = tob_breaks_values(b);
    for (size_t i = 0; i < n_want; i++) {
        if (fabs(got[i] - want[i]) > 1e-12 * fabs(want[i]))
            fail_msg("break %zu: got %.17g, want %.17g", i, got[i], want[i]);
    }
    size_t total = 0;
    for (size_t c = 0; c < tob_breaks_count(b); c++)
        total += tob_breaks_counts(b)[c];
    assert_int_equal(total, tob_breaks_n_values(b));
}

static void check_mtq(size_t k, tob_classify_method_t m,
                      const tob_classify_options_t *o, const double *want,
                      size_t n_want)
{
    tob_breaks_t *b = classify_ok(mtq_med, N_MTQ, k, m, o);
    check_breaks(b, want, n_want);
    assert_int_equal(tob_breaks_n_values(b), N_MTQ);
    assert_int_equal(tob_breaks_n_missing(b), 0);
    tob_breaks_destroy(b);
}
#define CHECK_MTQ(k, m, o, ...)                                                \
    do {                                                                       \
        const double want_[] = {__VA_ARGS__};                                  \
        check_mtq(k, m, o, want_, sizeof want_ / sizeof want_[0]);             \
    } while (0)

static void test_mtq_equal(void **state)
{
    (void)state;
    CHECK_MTQ(5, TOB_CLASSIFY_EQUAL, NULL, 11929, 13895.4, 15861.799999999999,
              17828.200000000001, 19794.599999999999, 21761);
    CHECK_MTQ(7, TOB_CLASSIFY_EQUAL, NULL, 11929, 13333.571428571429,
              14738.142857142857, 16142.714285714286, 17547.285714285714,
              18951.857142857145, 20356.428571428572, 21761);
}

static void test_mtq_quantile(void **state)
{
    (void)state;
    CHECK_MTQ(2, TOB_CLASSIFY_QUANTILE, NULL, 11929, 15685.5, 21761);
    CHECK_MTQ(4, TOB_CLASSIFY_QUANTILE, NULL, 11929, 14457.25, 15685.5,
              17979.75, 21761);
    CHECK_MTQ(5, TOB_CLASSIFY_QUANTILE, NULL, 11929, 14003.4,
              15152.400000000001, 16408.599999999999, 18183.400000000001,
              21761);
    CHECK_MTQ(7, TOB_CLASSIFY_QUANTILE, NULL, 11929, 13591.285714285714,
              14502.571428571428, 15174.571428571429, 16319.857142857143,
              17435.571428571428, 18988.142857142855, 21761);
}

static void test_mtq_q6(void **state)
{
    (void)state;
    CHECK_MTQ(0, TOB_CLASSIFY_Q6, NULL, 11929, 13168.65, 14468.275, 15685.5,
              17750.25, 20159.349999999991, 21761);
    CHECK_MTQ(0, TOB_CLASSIFY_Q6_QUARTILES, NULL, 11929, 13168.65, 14457.25,
              15685.5, 17979.75, 20159.349999999991, 21761);
}

static void test_mtq_fisher(void **state)
{
    (void)state;
    CHECK_MTQ(2, TOB_CLASSIFY_FISHER, NULL, 11929, 17372, 21761);
    CHECK_MTQ(3, TOB_CLASSIFY_FISHER, NULL, 11929, 14960, 17372, 21761);
    CHECK_MTQ(5, TOB_CLASSIFY_FISHER, NULL, 11929, 13953, 15685.5, 17372,
              20354.5, 21761);
    CHECK_MTQ(6, TOB_CLASSIFY_FISHER, NULL, 11929, 13953, 15685.5, 17372, 18622,
              20354.5, 21761);
    CHECK_MTQ(7, TOB_CLASSIFY_FISHER, NULL, 11929, 12451, 13953, 15685.5, 17372,
              18622, 20354.5, 21761);
}

static void test_mtq_jenks(void **state)
{
    (void)state;
    CHECK_MTQ(2, TOB_CLASSIFY_JENKS, NULL, 11929, 16927, 21761);
    CHECK_MTQ(3, TOB_CLASSIFY_JENKS, NULL, 11929, 14786, 16927, 21761);
    CHECK_MTQ(5, TOB_CLASSIFY_JENKS, NULL, 11929, 13701, 15420, 16927, 19704,
              21761);
    /* The minimum alone is the first class: b0 == b1 is kept. */
    CHECK_MTQ(7, TOB_CLASSIFY_JENKS, NULL, 11929, 11929, 13701, 15420, 16927,
              18397, 19704, 21761);
    tob_breaks_t *b = classify_ok(mtq_med, N_MTQ, 7, TOB_CLASSIFY_JENKS, NULL);
    assert_int_equal(tob_breaks_counts(b)[0], 1);
    assert_int_equal(tob_breaks_class_of(b, 11929), 0);
    assert_int_equal(tob_breaks_class_of(b, 12973), 1);
    tob_breaks_destroy(b);
}

static void test_mtq_geom(void **state)
{
    (void)state;
    CHECK_MTQ(5, TOB_CLASSIFY_GEOM, NULL, 11929, 13452.995615658227,
              15171.690085918306, 17109.957264480203, 19295.848777194384,
              21761);
    CHECK_MTQ(7, TOB_CLASSIFY_GEOM, NULL, 11929, 12998.715545311697,
              14164.356260200182, 15434.524093285034, 16818.592360287708,
              18326.774915242888, 19970.201524536522, 21761);
}

static void test_mtq_em(void **state)
{
    (void)state;
    CHECK_MTQ(2, TOB_CLASSIFY_EM, NULL, 11929, 16137.705882352941, 21761);
    CHECK_MTQ(4, TOB_CLASSIFY_EM, NULL, 11929, 14369.157894736842,
              16137.705882352941, 18377.866666666665, 21761);
    CHECK_MTQ(8, TOB_CLASSIFY_EM, NULL, 11929, 13334.5, 14369.157894736842,
              15121.636363636364, 16137.705882352941, 17121.875,
              18377.866666666665, 19813.285714285714, 21761);
}

static void test_mtq_msd(void **state)
{
    (void)state;
    /* mean 16137.705882352941, population SD 2392.748192663576 */
    tob_classify_options_t o = {0};
    CHECK_MTQ(0, TOB_CLASSIFY_MSD, &o, 11929, 13744.957689689365,
              16137.705882352941, 18530.454075016518, 20923.202267680092,
              21761);
    o.msd_central = 1;
    CHECK_MTQ(0, TOB_CLASSIFY_MSD, &o, 11929, 12548.583593357576,
              14941.331786021152, 17334.079978684727, 19726.828171348305,
              21761);
    o.msd_central = 0;
    o.msd_k = 0.5;
    CHECK_MTQ(0, TOB_CLASSIFY_MSD, &o, 11929, 12548.583593357576,
              13744.957689689365, 14941.331786021152, 16137.705882352941,
              17334.079978684727, 18530.454075016518, 19726.828171348305,
              20923.202267680092, 21761);
    o.msd_central = 1;
    CHECK_MTQ(0, TOB_CLASSIFY_MSD, &o, 11929, 11950.396545191683,
              13146.770641523472, 14343.144737855258, 15539.518834187047,
              16735.892930518836, 17932.267026850623, 19128.641123182413,
              20325.0152195142, 21521.389315845987, 21761);
}

static void test_msd_too_many_classes(void **state)
{
    (void)state;
    tob_classify_options_t o = {.msd_k = 0.1};
    tob_breaks_t *b = NULL;
    tob_error_t err = {0};
    assert_int_equal(
        tob_classify_ex(mtq_med, N_MTQ, 0, TOB_CLASSIFY_MSD, &o, &b, &err),
        TOB_ERR_INPUT);
    assert_null(b);
    assert_non_null(strstr(err.message, "larger msd k"));
}

static void test_mtq_headtails(void **state)
{
    (void)state;
    /* Default threshold 0.4: the head above the mean holds 16 of 34
     * values (47%), so it is not split again. */
    CHECK_MTQ(12, TOB_CLASSIFY_HEADTAILS, NULL, 11929, 16137.705882352941,
              21761);
    tob_classify_options_t o = {.headtails_thr = 0.6};
    CHECK_MTQ(12, TOB_CLASSIFY_HEADTAILS, &o, 11929, 16137.705882352941,
              18377.866666666665, 19813.285714285714, 21383, 21761);
    /* n_classes caps the number of classes. */
    CHECK_MTQ(3, TOB_CLASSIFY_HEADTAILS, &o, 11929, 16137.705882352941,
              18377.866666666665, 21761);
}

/* x = c(1, 2, 2, 3, 10, 11, 12, 30) in classInt 0.4-9. */
static void test_small_with_ties(void **state)
{
    (void)state;
    const double x[] = {12, 2, 30, 1, 10, 2, 11, 3};
    tob_breaks_t *b = classify_ok(x, 8, 4, TOB_CLASSIFY_FISHER, NULL);
    check_breaks(b, (const double[]){1, 6.5, 10.5, 21, 30}, 5);
    const size_t counts[] = {4, 1, 2, 1};
    assert_memory_equal(tob_breaks_counts(b), counts, sizeof counts);
    tob_breaks_destroy(b);
    b = classify_ok(x, 8, 3, TOB_CLASSIFY_JENKS, NULL);
    check_breaks(b, (const double[]){1, 3, 12, 30}, 4);
    tob_breaks_destroy(b);
    b = classify_ok(x, 8, 3, TOB_CLASSIFY_QUANTILE, NULL);
    check_breaks(
        b, (const double[]){1, 2.333333333333333, 10.666666666666666, 30}, 4);
    tob_breaks_destroy(b);
}

static void test_class_of_closure(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    tob_classify_options_t o = {.manual = (const double[]){1, 3, 6, 9},
                                .n_manual = 4};
    tob_breaks_t *b = classify_ok(x, 9, 0, TOB_CLASSIFY_MANUAL, &o);
    /* [1, 3], (3, 6], (6, 9] */
    assert_int_equal(tob_breaks_class_of(b, 1), 0);
    assert_int_equal(tob_breaks_class_of(b, 3), 0);
    assert_int_equal(tob_breaks_class_of(b, 3.0000001), 1);
    assert_int_equal(tob_breaks_class_of(b, 6), 1);
    assert_int_equal(tob_breaks_class_of(b, 9), 2);
    assert_int_equal(tob_breaks_class_of(b, 0.999), TOB_CLASS_NONE);
    assert_int_equal(tob_breaks_class_of(b, 9.001), TOB_CLASS_NONE);
    assert_int_equal(tob_breaks_class_of(b, NAN), TOB_CLASS_NONE);
    const size_t counts[] = {3, 3, 3};
    assert_memory_equal(tob_breaks_counts(b), counts, sizeof counts);
    assert_int_equal(tob_breaks_method(b), TOB_CLASSIFY_MANUAL);
    tob_breaks_destroy(b);
}

static void test_nan_is_missing(void **state)
{
    (void)state;
    double x[N_MTQ + 5];
    size_t n = 0;
    for (size_t i = 0; i < N_MTQ; i++) {
        if (i % 8 == 0)
            x[n++] = NAN;
        x[n++] = mtq_med[i];
    }
    tob_breaks_t *b = classify_ok(x, n, 7, TOB_CLASSIFY_FISHER, NULL);
    check_breaks(b,
                 (const double[]){11929, 12451, 13953, 15685.5, 17372, 18622,
                                  20354.5, 21761},
                 8);
    assert_int_equal(tob_breaks_n_missing(b), 5);
    assert_int_equal(tob_breaks_n_values(b), N_MTQ);
    tob_breaks_destroy(b);
}

static void expect_error(const double *x, size_t n, size_t k,
                         tob_classify_method_t m,
                         const tob_classify_options_t *o, tob_status_t code,
                         const char *needle)
{
    tob_breaks_t *b = (tob_breaks_t *)&b; /* must be reset to NULL */
    tob_error_t err = {0};
    assert_int_equal(tob_classify_ex(x, n, k, m, o, &b, &err), code);
    assert_null(b);
    if (strstr(err.message, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", err.message, needle);
}

static void test_errors(void **state)
{
    (void)state;
    const double x[] = {3, -1, 4, 1, 5};
    expect_error(x, 5, 1, TOB_CLASSIFY_QUANTILE, NULL, TOB_ERR_ARG, "2..12");
    expect_error(x, 5, 13, TOB_CLASSIFY_FISHER, NULL, TOB_ERR_ARG, "not 13");
    expect_error(x, 5, 6, TOB_CLASSIFY_EM, NULL, TOB_ERR_ARG, "power of 2");
    expect_error(x, 5, 3, TOB_CLASSIFY_GEOM, NULL, TOB_ERR_INPUT,
                 "geom needs values > 0, but the smallest is -1");
    const double zero[] = {0, 1, 2};
    expect_error(zero, 3, 2, TOB_CLASSIFY_GEOM, NULL, TOB_ERR_INPUT, "> 0");
    const double inf[] = {1, INFINITY, 2};
    expect_error(inf, 3, 2, TOB_CLASSIFY_EQUAL, NULL, TOB_ERR_INPUT,
                 "value 2 is infinite");
    const double nan[] = {NAN, NAN};
    expect_error(nan, 2, 2, TOB_CLASSIFY_EQUAL, NULL, TOB_ERR_INPUT,
                 "no value to classify (2 missing of 2)");
    expect_error(NULL, 0, 2, TOB_CLASSIFY_EQUAL, NULL, TOB_ERR_INPUT,
                 "no value");
    expect_error(x, 5, 2, (tob_classify_method_t)99, NULL, TOB_ERR_ARG,
                 "unknown");
    tob_classify_options_t o = {.msd_k = -1};
    expect_error(x, 5, 0, TOB_CLASSIFY_MSD, &o, TOB_ERR_ARG, "msd k");
    o = (tob_classify_options_t){.headtails_thr = 1.5};
    expect_error(x, 5, 4, TOB_CLASSIFY_HEADTAILS, &o, TOB_ERR_ARG, "(0, 1]");
}

static void test_manual(void **state)
{
    (void)state;
    const double x[] = {3, -1, 4, 1, 5};
    tob_classify_options_t o = {.manual = (const double[]){-10, 0, 2, 10},
                                .n_manual = 4};
    /* Wider than the data is fine: maps share a legend. */
    tob_breaks_t *b = classify_ok(x, 5, 0, TOB_CLASSIFY_MANUAL, &o);
    check_breaks(b, o.manual, 4);
    const size_t counts[] = {1, 1, 3};
    assert_memory_equal(tob_breaks_counts(b), counts, sizeof counts);
    tob_breaks_destroy(b);
    o.manual = (const double[]){0, 2, 4};
    o.n_manual = 3;
    expect_error(x, 5, 0, TOB_CLASSIFY_MANUAL, &o, TOB_ERR_INPUT,
                 "2 value(s) outside the manual breaks 0..4");
    o.manual = (const double[]){-1, 2, 2, 5};
    o.n_manual = 4;
    expect_error(x, 5, 0, TOB_CLASSIFY_MANUAL, &o, TOB_ERR_ARG,
                 "break 3 (2) is not above break 2 (2)");
    o.manual = (const double[]){-1, 5};
    o.n_manual = 2;
    expect_error(x, 5, 0, TOB_CLASSIFY_MANUAL, &o, TOB_ERR_ARG, "3..13");
    o.manual = (const double[]){-1, NAN, 5};
    o.n_manual = 3;
    expect_error(x, 5, 0, TOB_CLASSIFY_MANUAL, &o, TOB_ERR_ARG,
                 "break 2 is not a finite");
    expect_error(x, 5, 0, TOB_CLASSIFY_MANUAL, NULL, TOB_ERR_ARG, "not 0");
}

static void test_all_equal(void **state)
{
    (void)state;
    const double x[] = {7, 7, NAN, 7, 7};
    for (int m = TOB_CLASSIFY_EQUAL; m < TOB_CLASSIFY_MANUAL; m++) {
        tob_breaks_t *b = classify_ok(x, 5, 4, (tob_classify_method_t)m, NULL);
        check_breaks(b, (const double[]){7, 7}, 2);
        assert_int_equal(tob_breaks_counts(b)[0], 4);
        assert_int_equal(tob_breaks_n_missing(b), 1);
        tob_breaks_destroy(b);
    }
}

/* Fewer distinct values than classes: one class per distinct value for
 * the optimal partition, k = n_distinct for equal and quantile. */
static void test_fewer_values_than_classes(void **state)
{
    (void)state;
    const double x[] = {10, 2, 10, 5};
    tob_breaks_t *b = classify_ok(x, 4, 7, TOB_CLASSIFY_JENKS, NULL);
    check_breaks(b, (const double[]){2, 2, 5, 10}, 4);
    tob_breaks_destroy(b);
    b = classify_ok(x, 4, 7, TOB_CLASSIFY_FISHER, NULL);
    check_breaks(b, (const double[]){2, 3.5, 7.5, 10}, 4);
    const size_t counts[] = {1, 1, 2};
    assert_memory_equal(tob_breaks_counts(b), counts, sizeof counts);
    tob_breaks_destroy(b);
    b = classify_ok(x, 4, 5, TOB_CLASSIFY_EQUAL, NULL);
    check_breaks(
        b, (const double[]){2, 4.666666666666667, 7.333333333333334, 10}, 4);
    tob_breaks_destroy(b);
    /* Quantiles tied on the maximum: (10, 10] is empty and dropped. */
    const double y[] = {1, 10, 10, 10, 10, 10};
    b = classify_ok(y, 6, 4, TOB_CLASSIFY_QUANTILE, NULL);
    check_breaks(b, (const double[]){1, 10}, 2);
    tob_breaks_destroy(b);
}

static void test_method_names(void **state)
{
    (void)state;
    for (int m = TOB_CLASSIFY_EQUAL; m <= TOB_CLASSIFY_MANUAL; m++) {
        const char *name = tob_classify_method_name((tob_classify_method_t)m);
        assert_non_null(name);
        tob_classify_method_t back;
        assert_int_equal(tob_classify_method_from_name(name, &back, NULL),
                         TOB_OK);
        assert_int_equal(back, m);
    }
    assert_null(tob_classify_method_name((tob_classify_method_t)42));
    tob_classify_method_t m;
    assert_int_equal(tob_classify_method_from_name("Q6", &m, NULL), TOB_OK);
    assert_int_equal(m, TOB_CLASSIFY_Q6_QUARTILES);
    assert_int_equal(tob_classify_method_from_name("q6", &m, NULL), TOB_OK);
    assert_int_equal(m, TOB_CLASSIFY_Q6);
    tob_error_t err = {0};
    assert_int_equal(tob_classify_method_from_name("Fisher", &m, &err),
                     TOB_ERR_ARG);
    assert_non_null(strstr(err.message, "did you mean 'fisher'"));
    tob_error_clear(&err);
    assert_int_equal(tob_classify_method_from_name("kmeans", &m, &err),
                     TOB_ERR_ARG);
    assert_non_null(strstr(err.message, "known: equal"));
}

/* ---- the optimal partition against the plain O(k n^2) programme ---- */

/* Squared deviations of each class of b from its mean, summed. */
static double within_ss(const double *x, size_t n, const tob_breaks_t *b)
{
    double sum[TOB_CLASSIFY_MAX] = {0}, sum2[TOB_CLASSIFY_MAX] = {0};
    size_t cnt[TOB_CLASSIFY_MAX] = {0};
    for (size_t i = 0; i < n; i++) {
        size_t c = tob_breaks_class_of(b, x[i]);
        assert_true(c != TOB_CLASS_NONE);
        sum[c] += x[i];
        sum2[c] += x[i] * x[i];
        cnt[c]++;
    }
    double ss = 0;
    for (size_t c = 0; c < tob_breaks_count(b); c++)
        if (cnt[c] > 0)
            ss += sum2[c] - sum[c] * sum[c] / (double)cnt[c];
    return ss;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fisher's programme written plainly, over every split of the sorted
 * values (ties included): the least within-class sum of squares. */
static double reference_optimum(const double *values, size_t n, size_t k)
{
    double *x = malloc(n * sizeof *x);
    double *s1 = calloc(n + 1, sizeof *s1), *s2 = calloc(n + 1, sizeof *s2);
    double *prev = malloc((n + 1) * sizeof *prev);
    double *cur = malloc((n + 1) * sizeof *cur);
    assert_true(x && s1 && s2 && prev && cur);
    memcpy(x, values, n * sizeof *x);
    qsort(x, n, sizeof *x, cmp_d);
    for (size_t i = 0; i < n; i++) {
        s1[i + 1] = s1[i] + x[i];
        s2[i + 1] = s2[i] + x[i] * x[i];
    }
#define COST(j, i)                                                             \
    ((s2[i] - s2[j]) - (s1[i] - s1[j]) * (s1[i] - s1[j]) / (double)((i) - (j)))
    for (size_t i = 1; i <= n; i++)
        prev[i] = COST(0, i);
    for (size_t m = 2; m <= k; m++) {
        for (size_t i = m; i <= n; i++) {
            cur[i] = INFINITY;
            for (size_t j = m - 1; j < i; j++)
                if (prev[j] + COST(j, i) < cur[i])
                    cur[i] = prev[j] + COST(j, i);
        }
        memcpy(prev + m, cur + m, (n + 1 - m) * sizeof *prev);
    }
#undef COST
    double best = prev[n];
    free(x);
    free(s1);
    free(s2);
    free(prev);
    free(cur);
    return best;
}

/* A deterministic generator (64-bit LCG), so failures reproduce. */
static double next_uniform(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(*seed >> 11) + 0.5) / 9007199254740992.0;
}

static void test_optimal_matches_plain_programme(void **state)
{
    (void)state;
    uint64_t seed = 20260101;
    for (int round = 0; round < 24; round++) {
        size_t n = 50 + (size_t)(next_uniform(&seed) * 550);
        size_t k = 2 + (size_t)round % 11;
        double *x = malloc(n * sizeof *x);
        assert_non_null(x);
        for (size_t i = 0; i < n; i++) {
            /* lognormal-ish, and every third round rounded: many ties */
            double v = exp(3 * (next_uniform(&seed) + next_uniform(&seed)));
            x[i] = round % 3 == 0 ? floor(v / 10) : v;
        }
        double want = reference_optimum(x, n, k);
        tob_breaks_t *b = classify_ok(x, n, k, TOB_CLASSIFY_FISHER, NULL);
        double got = within_ss(x, n, b);
        if (fabs(got - want) > 1e-9 * (want + 1))
            fail_msg("round %d n %zu k %zu: ss %.17g, optimum %.17g", round, n,
                     k, got, want);
        tob_breaks_t *j = classify_ok(x, n, k, TOB_CLASSIFY_JENKS, NULL);
        assert_true(fabs(within_ss(x, n, j) - got) <= 1e-9 * (got + 1));
        tob_breaks_destroy(j);
        tob_breaks_destroy(b);
        free(x);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mtq_equal),
        cmocka_unit_test(test_mtq_quantile),
        cmocka_unit_test(test_mtq_q6),
        cmocka_unit_test(test_mtq_fisher),
        cmocka_unit_test(test_mtq_jenks),
        cmocka_unit_test(test_mtq_geom),
        cmocka_unit_test(test_mtq_em),
        cmocka_unit_test(test_mtq_msd),
        cmocka_unit_test(test_msd_too_many_classes),
        cmocka_unit_test(test_mtq_headtails),
        cmocka_unit_test(test_small_with_ties),
        cmocka_unit_test(test_class_of_closure),
        cmocka_unit_test(test_nan_is_missing),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_manual),
        cmocka_unit_test(test_all_equal),
        cmocka_unit_test(test_fewer_values_than_classes),
        cmocka_unit_test(test_method_names),
        cmocka_unit_test(test_optimal_matches_plain_programme),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
