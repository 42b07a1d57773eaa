/* fuzz_classify.c - class breaks (classify.h) on any vector of doubles:
 * byte 0 picks the method, byte 1 the number of classes and options, the
 * rest are doubles (NaN, infinities, subnormals, ties included). Checks
 * the documented contract: breaks increasing, b[0] and b[k] the extreme
 * values (except manual), counts adding up to the values classified, and
 * tob_breaks_class_of() putting each value in a class that holds it. */
#include "fuzz.h"

#include "terrobs/classify.h"

#include <math.h>

static void check_breaks(const tob_breaks_t *b, const double *values, size_t n,
                         tob_classify_method_t method)
{
    size_t k = tob_breaks_count(b);
    FUZZ_CHECK(k >= 1 && k <= TOB_CLASSIFY_MAX);
    const double *br = tob_breaks_values(b);
    const size_t *counts = tob_breaks_counts(b);
    for (size_t i = 0; i <= k; i++)
        FUZZ_CHECK(isfinite(br[i]));
    for (size_t i = 1; i <= k; i++)
        FUZZ_CHECK(br[i - 1] <= br[i]);
    for (size_t i = 2; i <= k; i++)
        FUZZ_CHECK(br[i - 1] < br[i]); /* only b0 == b1 may tie */
    size_t n_values = 0, n_missing = 0, total = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isnan(values[i])) {
            n_missing++;
            continue;
        }
        n_values++;
        lo = fmin(lo, values[i]);
        hi = fmax(hi, values[i]);
        size_t c = tob_breaks_class_of(b, values[i]);
        FUZZ_CHECK(c < k);
        FUZZ_CHECK(values[i] <= br[c + 1]);
        FUZZ_CHECK(c == 0 ? values[i] >= br[0] : values[i] > br[c]);
    }
    for (size_t i = 0; i < k; i++)
        total += counts[i];
    FUZZ_CHECK(tob_breaks_n_values(b) == n_values);
    FUZZ_CHECK(tob_breaks_n_missing(b) == n_missing);
    FUZZ_CHECK(total == n_values);
    if (method != TOB_CLASSIFY_MANUAL)
        FUZZ_CHECK(br[0] == lo && br[k] == hi);
    FUZZ_CHECK(tob_breaks_class_of(b, NAN) == TOB_CLASS_NONE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    tob_classify_method_t method =
        (tob_classify_method_t)(data[0] % (TOB_CLASSIFY_MANUAL + 1));
    size_t n_classes = (size_t)(data[1] & 0x0F); /* 0..15: some refused */
    size_t n = (size - 2) / sizeof(double);
    if (n > 4096)
        n = 4096; /* fisher is O(k n^2): keep each run short */
    double *values = malloc((n ? n : 1) * sizeof *values);
    if (values == NULL)
        return 0;
    memcpy(values, data + 2, n * sizeof *values);
    tob_classify_options_t opts = {0};
    opts.msd_k = (data[1] >> 4) * 0.25;
    opts.msd_central = data[1] >> 7;
    opts.headtails_thr = (data[1] >> 4) / 15.0;
    if (method == TOB_CLASSIFY_MANUAL && n >= 3) {
        /* The first values double as the manual breaks. */
        opts.manual = values;
        opts.n_manual = n < TOB_CLASSIFY_MAX + 1 ? n : TOB_CLASSIFY_MAX + 1;
    }
    tob_breaks_t *b = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    tob_status_t s =
        tob_classify_ex(values, n, n_classes, method, &opts, &b, &err);
    if (s == TOB_OK) {
        FUZZ_CHECK(b != NULL && tob_breaks_method(b) == method);
        check_breaks(b, values, n, method);
    } else {
        FUZZ_CHECK(b == NULL);
        FUZZ_CHECK(s == TOB_ERR_ARG || s == TOB_ERR_INPUT ||
                   s == TOB_ERR_NOMEM);
        FUZZ_CHECK(err.message[0] != '\0');
    }
    tob_breaks_destroy(b);
    free(values);
    return 0;
}
