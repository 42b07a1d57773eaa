/* palette_cvd.c - colour-vision deficiencies: colours as a deuteranope or
 * a protanope sees them (Machado, Oliveira & Fernandes 2009, "A
 * physiologically-based model for simulation of color vision deficiency",
 * the matrices of severity 1.0, applied in linear RGB), their CIE76
 * difference in CIELAB (D65), and the classes of a palette that become
 * too close to tell apart. Pure computation, any thread. */
#include "terrobs/palette.h"

#include <math.h>
#include <string.h>

static const double MACHADO[2][3][3] = {
    /* deuteranopia */
    {{0.367322, 0.860646, -0.227968},
     {0.280085, 0.672501, 0.047413},
     {-0.011820, 0.042940, 0.968881}},
    /* protanopia */
    {{0.152286, 1.052583, -0.204868},
     {0.114503, 0.786281, 0.099216},
     {-0.003882, -0.048116, 1.051998}}};

static double to_linear(uint8_t v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static uint8_t to_srgb(double c)
{
    c = fmin(1, fmax(0, c));
    c = c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055;
    return (uint8_t)lround(c * 255);
}

tob_rgb_t tob_cvd_simulate(tob_rgb_t c, tob_cvd_t cvd)
{
    const double(*m)[3] = MACHADO[cvd == TOB_CVD_PROTANOPIA];
    double in[3] = {to_linear(c.r), to_linear(c.g), to_linear(c.b)}, out[3];
    for (int i = 0; i < 3; i++)
        out[i] = m[i][0] * in[0] + m[i][1] * in[1] + m[i][2] * in[2];
    return (tob_rgb_t){to_srgb(out[0]), to_srgb(out[1]), to_srgb(out[2]), c.a};
}

static double lab_f(double t)
{
    return t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116;
}

static void to_lab(tob_rgb_t c, double lab[3])
{
    double r = to_linear(c.r), g = to_linear(c.g), b = to_linear(c.b);
    double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
    double fx = lab_f(x), fy = lab_f(y), fz = lab_f(z);
    lab[0] = 116 * fy - 16;
    lab[1] = 500 * (fx - fy);
    lab[2] = 200 * (fy - fz);
}

double tob_color_delta_e(tob_rgb_t a, tob_rgb_t b)
{
    double la[3], lb[3];
    to_lab(a, la);
    to_lab(b, lb);
    return sqrt((la[0] - lb[0]) * (la[0] - lb[0]) +
                (la[1] - lb[1]) * (la[1] - lb[1]) +
                (la[2] - lb[2]) * (la[2] - lb[2]));
}

int tob_cvd_confused(const tob_rgb_t *colors, size_t n, int ordered,
                     tob_cvd_t cvd, double min_delta_e, tob_cvd_pair_t *out)
{
    tob_cvd_pair_t worst = {0, 0, HUGE_VAL};
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n && (!ordered || j == i + 1); j++) {
            double d = tob_color_delta_e(tob_cvd_simulate(colors[i], cvd),
                                         tob_cvd_simulate(colors[j], cvd));
            if (d < worst.delta_e)
                worst = (tob_cvd_pair_t){i, j, d};
        }
    if (out != NULL)
        *out = worst;
    return worst.delta_e < min_delta_e;
}

const char *tob_cvd_name(tob_cvd_t cvd)
{
    return cvd == TOB_CVD_PROTANOPIA ? "protanopie" : "deutéranopie";
}

/* Candidates of palette = auto, safest first: each is taken when no two
 * neighbouring classes (any two categories) look alike to a deuteranope
 * or a protanope. */
static const char *const AUTO_ORDERED[] = {"viridis", "YlGnBu", "cividis",
                                           "Blues",   "YlOrBr", NULL};
static const char *const AUTO_CATEGORIES[] = {"Dark2", "Set2", "Paired", "Set1",
                                              NULL};

const char *tob_palette_auto(size_t n, int ordered)
{
    const char *const *names = ordered ? AUTO_ORDERED : AUTO_CATEGORIES;
    const char *best = ordered ? "cividis" : "Dark2";
    double best_delta = -1;
    tob_rgb_t colors[32];
    for (size_t k = 0; names[k] != NULL && n <= 32; k++) {
        const tob_palette_info_t *info = tob_palette_find(names[k]);
        tob_error_t err;
        tob_error_clear(&err);
        if (info == NULL || n > info->max_colors ||
            tob_palette_get(names[k], n, 0, colors, &err) != TOB_OK)
            continue;
        tob_cvd_pair_t d, p;
        int bad = tob_cvd_confused(colors, n, ordered, TOB_CVD_DEUTERANOPIA,
                                   TOB_CVD_MIN_DELTA_E, &d) |
                  tob_cvd_confused(colors, n, ordered, TOB_CVD_PROTANOPIA,
                                   TOB_CVD_MIN_DELTA_E, &p);
        if (!bad)
            return names[k];
        if (fmin(d.delta_e, p.delta_e) > best_delta) {
            best_delta = fmin(d.delta_e, p.delta_e);
            best = names[k];
        }
    }
    return best; /* none is safe (8 categories and more): the least bad */
}
