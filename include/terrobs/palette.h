/* palette.h (building block) - named colour palettes and colour parsing.
 * ColorBrewer schemes (sequential, diverging, qualitative) from their
 * published per-class-count tables, and the viridis family sampled from
 * their published 256 anchors. Constant tables only: any thread. */
#ifndef TERROBS_PALETTE_H
#define TERROBS_PALETTE_H

#include "terrobs/error.h"

#include <stddef.h>
#include <stdint.h>

/* An sRGB colour with alpha; a = 255 is opaque. */
typedef struct tob_rgb {
    uint8_t r, g, b, a;
} tob_rgb_t;

typedef enum tob_palette_kind {
    TOB_PALETTE_SEQUENTIAL, /* light to dark: ordered values */
    TOB_PALETTE_DIVERGING,  /* two hues around a neutral middle */
    TOB_PALETTE_QUALITATIVE /* distinct hues: categories */
} tob_palette_kind_t;

typedef struct tob_palette_info {
    const char *name; /* "Blues", "RdYlBu", "Set3", "viridis"... */
    tob_palette_kind_t kind;
    size_t max_colors; /* 8..12 for ColorBrewer, 256 for viridis & co */
} tob_palette_info_t;

/* Number of palettes, and the i-th (0..count-1, ColorBrewer first, in
 * ColorBrewer's order, then viridis, magma, plasma, inferno, cividis).
 * The info is static; NULL when i is out of range. */
TOB_API size_t tob_palette_count(void);
TOB_API const tob_palette_info_t *tob_palette_info_at(size_t i);

/* The palette called name (case-sensitive, as ColorBrewer spells it:
 * "YlOrRd"); NULL if none. Static storage. */
TOB_API const tob_palette_info_t *tob_palette_find(const char *name);

/* Writes n colours of palette name to out[0..n), light to dark for
 * sequential ColorBrewer schemes, dark to light (viridis: dark purple to
 * yellow) for the colour maps; reverse != 0 reverses the order.
 * n is 1..max_colors. ColorBrewer: n >= 3 is the published n-class scheme;
 * n = 2 takes colours 1 and 3 of the 3-class scheme (the first two for
 * qualitative ones), n = 1 its middle colour (the first for qualitative).
 * Colour maps: n colours evenly spaced over the 256 anchors, both ends
 * included: anchor round(i * 255 / (n - 1)); n = 1 is anchor 128.
 * Errors: TOB_ERR_NOTFOUND for an unknown name (the message proposes near
 * names or lists them all), TOB_ERR_ARG for n out of range. */
TOB_API TOB_NODISCARD tob_status_t tob_palette_get(const char *name, size_t n,
                                                   int reverse, tob_rgb_t *out,
                                                   tob_error_t *err);

/* ---- colour-vision deficiencies ------------------------------------ */

typedef enum tob_cvd {
    TOB_CVD_DEUTERANOPIA, /* no green cones (about 1 man in 100) */
    TOB_CVD_PROTANOPIA    /* no red cones */
} tob_cvd_t;

/* Below this CIE76 difference two colours are taken as indistinguishable
 * (about twice a just noticeable difference in a map's small patches). */
#define TOB_CVD_MIN_DELTA_E 8.0

typedef struct tob_cvd_pair {
    size_t i, j;    /* the two classes, i < j */
    double delta_e; /* their CIE76 difference as simulated */
} tob_cvd_pair_t;

/* c as seen with cvd: Machado, Oliveira & Fernandes (2009), severity 1,
 * in linear RGB. */
TOB_API tob_rgb_t tob_cvd_simulate(tob_rgb_t c, tob_cvd_t cvd);
/* CIE76 difference (Delta E*ab, CIELAB D65) of two sRGB colours. */
TOB_API double tob_color_delta_e(tob_rgb_t a, tob_rgb_t b);
/* The closest pair of colors[0..n) under cvd, neighbours only when ordered
 * (classes of values), any two otherwise (categories), into *out (may be
 * NULL); returns 1 when it is closer than min_delta_e. */
TOB_API int tob_cvd_confused(const tob_rgb_t *colors, size_t n, int ordered,
                             tob_cvd_t cvd, double min_delta_e,
                             tob_cvd_pair_t *out);
/* "deutéranopie", "protanopie"; static storage. */
TOB_API const char *tob_cvd_name(tob_cvd_t cvd);
/* The palette `palette = auto` takes for n classes (ordered) or n
 * categories: the first of a list of safe ones whose colours no
 * deuteranope or protanope confuses (one always exists up to 9 classes
 * and 7 categories), else the least confusing of them. Static storage. */
TOB_API const char *tob_palette_auto(size_t n, int ordered);

/* "sequential", "diverging", "qualitative"; static storage. */
TOB_API const char *tob_palette_kind_name(tob_palette_kind_t kind);

/* Parses "#RRGGBB", "#RGB", "#RRGGBBAA" (hex digits in either case) or one
 * of the 148 CSS named colours ("white", "grey", "steelblue"; any case)
 * or "transparent". Errors: TOB_ERR_INPUT naming the text. */
TOB_API TOB_NODISCARD tob_status_t tob_color_parse(const char *text,
                                                   tob_rgb_t *out,
                                                   tob_error_t *err);

/* Writes "#rrggbb" (opaque) or "#rrggbbaa" into buf (at least 10 bytes
 * for every colour). Returns buf. */
TOB_API char *tob_color_format(tob_rgb_t color, char *buf, size_t size);

#endif
