/* classify_optimal.c - exact optimal 1-D partition ("fisher", "jenks").
 *
 * Fisher (1958): split sorted values into k contiguous classes with the
 * least total within-class sum of squared deviations. We work on the d
 * distinct values u[0..d) with their counts as weights (equal values always
 * share a class, and ties cost nothing). cost(j, i), the weighted squared
 * deviations of u[j..i) from their mean, is O(1) from prefix sums; then
 *     D[1][i] = cost(0, i)
 *     D[m][i] = min over m-1 <= j < i of D[m-1][j] + cost(j, i).
 * The plain programme is O(k d^2): about 4e9 steps for 35,357 values and
 * k = 7, seconds. cost is a 1-D k-means cost and satisfies the quadrangle
 * inequality (Wang & Song 2011, Ckmeans.1d.dp; Grønlund et al. 2017, "Fast
 * exact k-means, k-medians and Bregman divergence clustering in 1D"), so
 * the smallest optimal j never decreases as i grows; each layer is then
 * filled by divide and conquer in O(d log d), with the same optimum as the
 * plain programme. Nothing is sampled. tests/test_classify.c checks the
 * result against the plain O(k n^2) programme on random vectors.
 */
#include "classify_internal.h"

#include "terrobs/classify.h"

#include <math.h>
#include <stdlib.h>

/* The programme's state; long double sums keep the subtraction in cost()
 * accurate when values are large (areas in m2, populations). */
typedef struct dp {
    const double *u;   /* distinct values, ascending */
    size_t d;          /* their number */
    long double *w;    /* w[i] = count of values u[0..i) */
    long double *s1;   /* s1[i] = sum of (value - shift) over u[0..i) */
    long double *s2;   /* s2[i] = sum of (value - shift)^2 */
    long double *prev; /* D[m-1][0..d] */
    long double *cur;  /* D[m][0..d] */
    size_t *split;     /* split[m * (d + 1) + i]: start of the last class */
} dp_t;

static long double cost(const dp_t *p, size_t j, size_t i)
{
    long double w = p->w[i] - p->w[j];
    long double s = p->s1[i] - p->s1[j];
    long double c = (p->s2[i] - p->s2[j]) - s * s / w;
    return c > 0 ? c : 0; /* rounding must not reward a split */
}

/* Distinct values of sorted[0..n) into u, their counts into count;
 * returns how many. */
static size_t distinct(const double *sorted, size_t n, double *u, size_t *count)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        if (d > 0 && sorted[i] == u[d - 1]) {
            count[d - 1]++;
        } else {
            u[d] = sorted[i];
            count[d] = 1;
            d++;
        }
    }
    return d;
}

static void prefix_sums(dp_t *p, const size_t *count)
{
    /* Shifting by the middle value keeps the sums small. */
    long double shift = p->u[p->d / 2];
    p->w[0] = p->s1[0] = p->s2[0] = 0;
    for (size_t i = 0; i < p->d; i++) {
        long double c = (long double)count[i];
        long double x = (long double)p->u[i] - shift;
        p->w[i + 1] = p->w[i] + c;
        p->s1[i + 1] = p->s1[i] + c * x;
        p->s2[i + 1] = p->s2[i] + c * x * x;
    }
}

/* Fills D[m][i] for i in [ilo, ihi], knowing that the optimal split of
 * each lies in [jlo, jhi]. Recursion depth is log2(d). */
static void solve(dp_t *p, size_t m, size_t ilo, size_t ihi, size_t jlo,
                  size_t jhi)
{
    while (ilo <= ihi) {
        size_t mid = ilo + (ihi - ilo) / 2;
        size_t jend = jhi < mid - 1 ? jhi : mid - 1;
        size_t best_j = jlo;
        long double best = INFINITY;
        for (size_t j = jlo; j <= jend; j++) {
            long double v = p->prev[j] + cost(p, j, mid);
            if (v < best) { /* leftmost optimum, which is monotone */
                best = v;
                best_j = j;
            }
        }
        p->cur[mid] = best;
        p->split[m * (p->d + 1) + mid] = best_j;
        if (mid > ilo)
            solve(p, m, ilo, mid - 1, jlo, best_j);
        ilo = mid + 1; /* the right half, without recursing */
        jlo = best_j;
    }
}

static void run_layers(dp_t *p, size_t k)
{
    size_t d = p->d;
    for (size_t i = 1; i <= d; i++) {
        p->prev[i] = cost(p, 0, i);
        p->split[1 * (d + 1) + i] = 0;
    }
    for (size_t m = 2; m <= k; m++) {
        /* The last layer only needs i = d. */
        size_t ilo = m == k ? d : m;
        solve(p, m, ilo, d, m - 1, d - 1);
        long double *t = p->prev;
        p->prev = p->cur;
        p->cur = t;
    }
}

/* Walks the splits back from D[k][d]; ends[c] is one past the last
 * distinct value of class c. */
static void backtrack(const dp_t *p, size_t k, size_t *ends)
{
    size_t end = p->d;
    for (size_t m = k; m >= 1; m--) {
        ends[m - 1] = end;
        end = m > 1 ? p->split[m * (p->d + 1) + end] : 0;
    }
}

static void write_breaks(const dp_t *p, const size_t *ends, size_t k,
                         int midpoints, double *brk)
{
    brk[0] = p->u[0];
    for (size_t c = 0; c + 1 < k; c++) {
        double top = p->u[ends[c] - 1];
        double next = p->u[ends[c]];
        /* (max + next min) / 2, in classInt's order of operations */
        brk[c + 1] = midpoints ? (top + next) / 2 : top;
    }
    brk[k] = p->u[p->d - 1];
}

tob_status_t classify_optimal(const double *sorted, size_t n, size_t k,
                              int midpoints, double *brk, tob_error_t *err)
{
    tob_status_t status = TOB_OK;
    double *u = calloc(n, sizeof *u);
    size_t *count = calloc(n, sizeof *count);
    dp_t p = {0};
    if (u == NULL || count == NULL) {
        status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        goto done;
    }
    p.u = u;
    p.d = distinct(sorted, n, u, count);
    if (k < 1 || k > p.d || k > TOB_CLASSIFY_MAX) {
        status = tob_error_set(err, TOB_ERR_INTERNAL,
                               "optimal partition: %zu classes for %zu "
                               "distinct values",
                               k, p.d);
        goto done;
    }
    p.w = calloc(p.d + 1, sizeof *p.w);
    p.s1 = calloc(p.d + 1, sizeof *p.s1);
    p.s2 = calloc(p.d + 1, sizeof *p.s2);
    p.prev = calloc(p.d + 1, sizeof *p.prev);
    p.cur = calloc(p.d + 1, sizeof *p.cur);
    p.split = calloc((k + 1) * (p.d + 1), sizeof *p.split);
    if (!p.w || !p.s1 || !p.s2 || !p.prev || !p.cur || !p.split) {
        status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        goto done;
    }
    prefix_sums(&p, count);
    run_layers(&p, k);
    size_t ends[TOB_CLASSIFY_MAX];
    backtrack(&p, k, ends);
    write_breaks(&p, ends, k, midpoints, brk);
done:
    free(p.w);
    free(p.s1);
    free(p.s2);
    free(p.prev);
    free(p.cur);
    free(p.split);
    free(u);
    free(count);
    return status;
}
