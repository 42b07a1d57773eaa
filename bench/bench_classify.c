/* bench_classify.c - how long class breaks take on every commune of France.
 *
 * Reads the 35,357 commune polygons of ../shared (ADMIN EXPRESS COG 2018),
 * measures each one's area in km2 in an equal-area CRS (EPSG:6933, so the
 * DROM are right too), then times fisher, jenks and quantile with k = 7 and
 * a few other methods, each several times. --plain also times Fisher's
 * plain O(k n^2) programme on the same values, to show what the divide and
 * conquer buys. Never run by ctest; no time is asserted. See README.md. */
#include "terrobs/classify.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_SRC                                                            \
    "/vsigzip/" TOB_SOURCE_DIR                                                 \
    "/../shared/data/communes_france/communes_france_2018.geojson.gz"
#define N_SYNTHETIC 35357

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Areas in km2 of every polygon of path's first layer; NULL if it cannot
 * be read. */
static double *read_areas(const char *path, size_t *n)
{
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (ds == NULL)
        return NULL;
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
    OGRSpatialReferenceH ease = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(wgs84, 4326);
    OSRImportFromEPSG(ease, 6933); /* WGS 84 / NSIDC EASE-Grid 2.0 Global */
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(ease, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct =
        OCTNewCoordinateTransformation(wgs84, ease);
    size_t cap = (size_t)OGR_L_GetFeatureCount(layer, 1) + 1;
    double *areas = malloc(cap * sizeof *areas);
    OGRFeatureH f;
    *n = 0;
    while (areas != NULL && ct != NULL &&
           (f = OGR_L_GetNextFeature(layer)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g != NULL && *n < cap && OGR_G_Transform(g, ct) == OGRERR_NONE)
            areas[(*n)++] = OGR_G_Area(g) / 1e6;
        OGR_F_Destroy(f);
    }
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(wgs84);
    OSRDestroySpatialReference(ease);
    GDALClose(ds);
    return areas;
}

/* Lognormal values (median 15 km2, sigma 1), a stand-in with the same
 * skew when ../shared is absent. */
static double *synthetic(size_t n)
{
    double *v = malloc(n * sizeof *v);
    uint64_t s = 42;
    for (size_t i = 0; v != NULL && i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double u1 = ((double)(s >> 11) + 0.5) / 9007199254740992.0;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double u2 = ((double)(s >> 11) + 0.5) / 9007199254740992.0;
        double z = sqrt(-2 * log(u1)) * cos(2 * 3.141592653589793 * u2);
        v[i] = exp(log(15.0) + z);
    }
    return v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Times one method `repeat` times; prints median and best, and the breaks
 * of the last run. */
static int time_method(const double *v, size_t n, tob_classify_method_t m,
                       size_t k, int repeat)
{
    double t[64];
    tob_breaks_t *b = NULL;
    for (int r = 0; r < repeat; r++) {
        tob_error_t err = {0};
        tob_breaks_destroy(b);
        double t0 = now_seconds();
        if (tob_classify(v, n, k, m, &b, &err) != TOB_OK) {
            fprintf(stderr, "%s: %s\n", tob_classify_method_name(m),
                    err.message);
            return -1;
        }
        t[r] = now_seconds() - t0;
    }
    qsort(t, (size_t)repeat, sizeof t[0], cmp_double);
    printf("%-10s k=%-2zu median %8.2f ms  best %8.2f ms  breaks:",
           tob_classify_method_name(m), k, t[repeat / 2] * 1e3, t[0] * 1e3);
    for (size_t i = 0; i <= tob_breaks_count(b); i++)
        printf(" %.6g", tob_breaks_values(b)[i]);
    printf("\n");
    tob_breaks_destroy(b);
    return 0;
}

/* Fisher's programme written plainly over the n sorted values, O(k n^2):
 * the least within-class sum of squares. */
static double plain_optimum(const double *values, size_t n, size_t k)
{
    double *x = malloc(n * sizeof *x);
    long double *s1 = calloc(n + 1, sizeof *s1);
    long double *s2 = calloc(n + 1, sizeof *s2);
    long double *prev = calloc(n + 1, sizeof *prev);
    long double *cur = calloc(n + 1, sizeof *cur);
    double best = NAN;
    if (x && s1 && s2 && prev && cur) {
        memcpy(x, values, n * sizeof *x);
        qsort(x, n, sizeof *x, cmp_double);
        for (size_t i = 0; i < n; i++) {
            s1[i + 1] = s1[i] + x[i];
            s2[i + 1] = s2[i] + (long double)x[i] * x[i];
        }
        for (size_t i = 1; i <= n; i++)
            prev[i] = s2[i] - s1[i] * s1[i] / (long double)i;
        for (size_t m = 2; m <= k; m++) {
            for (size_t i = m; i <= n; i++) {
                long double b = INFINITY;
                for (size_t j = m - 1; j < i; j++) {
                    long double s = s1[i] - s1[j];
                    long double c = prev[j] + (s2[i] - s2[j]) -
                                    s * s / (long double)(i - j);
                    if (c < b)
                        b = c;
                }
                cur[i] = b;
            }
            memcpy(prev + m, cur + m, (n + 1 - m) * sizeof *prev);
        }
        best = (double)prev[n];
    }
    free(x);
    free(s1);
    free(s2);
    free(prev);
    free(cur);
    return best;
}

/* Within-class sum of squares of the classes of b. */
static double within_ss(const double *v, size_t n, const tob_breaks_t *b)
{
    long double sum[TOB_CLASSIFY_MAX] = {0}, sum2[TOB_CLASSIFY_MAX] = {0};
    size_t cnt[TOB_CLASSIFY_MAX] = {0};
    for (size_t i = 0; i < n; i++) {
        size_t c = tob_breaks_class_of(b, v[i]);
        sum[c] += v[i];
        sum2[c] += (long double)v[i] * v[i];
        cnt[c]++;
    }
    long double ss = 0;
    for (size_t c = 0; c < tob_breaks_count(b); c++)
        if (cnt[c] > 0)
            ss += sum2[c] - sum[c] * sum[c] / (long double)cnt[c];
    return (double)ss;
}

static void time_plain(const double *v, size_t n, size_t k)
{
    tob_breaks_t *b = NULL;
    if (tob_classify(v, n, k, TOB_CLASSIFY_FISHER, &b, NULL) != TOB_OK)
        return;
    double ours = within_ss(v, n, b);
    tob_breaks_destroy(b);
    double t0 = now_seconds();
    double plain = plain_optimum(v, n, k);
    double t = now_seconds() - t0;
    printf("plain O(k n^2) programme k=%zu: %.2f s; least squares %.10g, "
           "ours %.10g (relative gap %.1e)\n",
           k, t, plain, ours, fabs(ours - plain) / plain);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_classify [--src PATH | --synthetic] "
                    "[--repeat N] [--plain]\n"
                    "  --src PATH   polygons GDAL reads (default: the 35,357 "
                    "communes in ../shared)\n");
}

int main(int argc, char **argv)
{
    const char *src =
        getenv("TOB_BENCH_SRC") ? getenv("TOB_BENCH_SRC") : DEFAULT_SRC;
    int use_synthetic = 0, plain = 0, repeat = 7;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--src") == 0 && i + 1 < argc)
            src = argv[++i];
        else if (strcmp(argv[i], "--synthetic") == 0)
            use_synthetic = 1;
        else if (strcmp(argv[i], "--plain") == 0)
            plain = 1;
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else
            return usage(), 1;
    }
    if (repeat < 1 || repeat > 64)
        repeat = 7;
    GDALAllRegister();
    size_t n = 0;
    double *v = NULL;
    double t0 = now_seconds();
    if (!use_synthetic && (v = read_areas(src, &n)) != NULL && n > 0) {
        printf("%zu commune areas (km2, EPSG:6933) from %s, read in %.1f s\n",
               n, src, now_seconds() - t0);
    } else {
        if (!use_synthetic)
            fprintf(stderr, "cannot read %s; using synthetic values\n", src);
        free(v);
        n = N_SYNTHETIC;
        v = synthetic(n);
        printf("%zu synthetic lognormal values (median 15, sigma 1)\n", n);
    }
    if (v == NULL)
        return 1;
    static const struct {
        tob_classify_method_t m;
        size_t k;
    } runs[] = {{TOB_CLASSIFY_FISHER, 7},    {TOB_CLASSIFY_JENKS, 7},
                {TOB_CLASSIFY_QUANTILE, 7},  {TOB_CLASSIFY_FISHER, 12},
                {TOB_CLASSIFY_EQUAL, 7},     {TOB_CLASSIFY_EM, 8},
                {TOB_CLASSIFY_HEADTAILS, 12}};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof runs / sizeof runs[0]; i++)
        rc = time_method(v, n, runs[i].m, runs[i].k, repeat);
    if (rc == 0 && plain)
        time_plain(v, n, 7);
    free(v);
    GDALDestroyDriverManager();
    return rc == 0 ? 0 : 1;
}
