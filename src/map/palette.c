/* palette.c - palette look-up, near-name suggestions, colour parsing.
 * The tables are in palette_brewer.c and palette_maps.c (generated). */
#include "terrobs/palette.h"

#include "base/near.h"
#include "palette_internal.h"

#include <stdio.h>
#include <string.h>

/* CSS Color Module Level 4 named colours (checked against the npm package
 * color-name 1.1.4), sorted; "transparent" is handled apart. */
typedef struct css_color {
    const char *name;
    uint32_t rgb;
} css_color_t;

/* clang-format off */
static const css_color_t css_colors[] = {
    {"aliceblue", 0xf0f8ff}, {"antiquewhite", 0xfaebd7}, {"aqua", 0x00ffff},
    {"aquamarine", 0x7fffd4}, {"azure", 0xf0ffff}, {"beige", 0xf5f5dc},
    {"bisque", 0xffe4c4}, {"black", 0x000000}, {"blanchedalmond", 0xffebcd},
    {"blue", 0x0000ff}, {"blueviolet", 0x8a2be2}, {"brown", 0xa52a2a},
    {"burlywood", 0xdeb887}, {"cadetblue", 0x5f9ea0}, {"chartreuse", 0x7fff00},
    {"chocolate", 0xd2691e}, {"coral", 0xff7f50}, {"cornflowerblue", 0x6495ed},
    {"cornsilk", 0xfff8dc}, {"crimson", 0xdc143c}, {"cyan", 0x00ffff},
    {"darkblue", 0x00008b}, {"darkcyan", 0x008b8b},
    {"darkgoldenrod", 0xb8860b}, {"darkgray", 0xa9a9a9},
    {"darkgreen", 0x006400}, {"darkgrey", 0xa9a9a9}, {"darkkhaki", 0xbdb76b},
    {"darkmagenta", 0x8b008b}, {"darkolivegreen", 0x556b2f},
    {"darkorange", 0xff8c00}, {"darkorchid", 0x9932cc}, {"darkred", 0x8b0000},
    {"darksalmon", 0xe9967a}, {"darkseagreen", 0x8fbc8f},
    {"darkslateblue", 0x483d8b}, {"darkslategray", 0x2f4f4f},
    {"darkslategrey", 0x2f4f4f}, {"darkturquoise", 0x00ced1},
    {"darkviolet", 0x9400d3}, {"deeppink", 0xff1493},
    {"deepskyblue", 0x00bfff}, {"dimgray", 0x696969}, {"dimgrey", 0x696969},
    {"dodgerblue", 0x1e90ff}, {"firebrick", 0xb22222},
    {"floralwhite", 0xfffaf0}, {"forestgreen", 0x228b22},
    {"fuchsia", 0xff00ff}, {"gainsboro", 0xdcdcdc}, {"ghostwhite", 0xf8f8ff},
    {"gold", 0xffd700}, {"goldenrod", 0xdaa520}, {"gray", 0x808080},
    {"green", 0x008000}, {"greenyellow", 0xadff2f}, {"grey", 0x808080},
    {"honeydew", 0xf0fff0}, {"hotpink", 0xff69b4}, {"indianred", 0xcd5c5c},
    {"indigo", 0x4b0082}, {"ivory", 0xfffff0}, {"khaki", 0xf0e68c},
    {"lavender", 0xe6e6fa}, {"lavenderblush", 0xfff0f5},
    {"lawngreen", 0x7cfc00}, {"lemonchiffon", 0xfffacd},
    {"lightblue", 0xadd8e6}, {"lightcoral", 0xf08080}, {"lightcyan", 0xe0ffff},
    {"lightgoldenrodyellow", 0xfafad2}, {"lightgray", 0xd3d3d3},
    {"lightgreen", 0x90ee90}, {"lightgrey", 0xd3d3d3}, {"lightpink", 0xffb6c1},
    {"lightsalmon", 0xffa07a}, {"lightseagreen", 0x20b2aa},
    {"lightskyblue", 0x87cefa}, {"lightslategray", 0x778899},
    {"lightslategrey", 0x778899}, {"lightsteelblue", 0xb0c4de},
    {"lightyellow", 0xffffe0}, {"lime", 0x00ff00}, {"limegreen", 0x32cd32},
    {"linen", 0xfaf0e6}, {"magenta", 0xff00ff}, {"maroon", 0x800000},
    {"mediumaquamarine", 0x66cdaa}, {"mediumblue", 0x0000cd},
    {"mediumorchid", 0xba55d3}, {"mediumpurple", 0x9370db},
    {"mediumseagreen", 0x3cb371}, {"mediumslateblue", 0x7b68ee},
    {"mediumspringgreen", 0x00fa9a}, {"mediumturquoise", 0x48d1cc},
    {"mediumvioletred", 0xc71585}, {"midnightblue", 0x191970},
    {"mintcream", 0xf5fffa}, {"mistyrose", 0xffe4e1}, {"moccasin", 0xffe4b5},
    {"navajowhite", 0xffdead}, {"navy", 0x000080}, {"oldlace", 0xfdf5e6},
    {"olive", 0x808000}, {"olivedrab", 0x6b8e23}, {"orange", 0xffa500},
    {"orangered", 0xff4500}, {"orchid", 0xda70d6}, {"palegoldenrod", 0xeee8aa},
    {"palegreen", 0x98fb98}, {"paleturquoise", 0xafeeee},
    {"palevioletred", 0xdb7093}, {"papayawhip", 0xffefd5},
    {"peachpuff", 0xffdab9}, {"peru", 0xcd853f}, {"pink", 0xffc0cb},
    {"plum", 0xdda0dd}, {"powderblue", 0xb0e0e6}, {"purple", 0x800080},
    {"rebeccapurple", 0x663399}, {"red", 0xff0000}, {"rosybrown", 0xbc8f8f},
    {"royalblue", 0x4169e1}, {"saddlebrown", 0x8b4513}, {"salmon", 0xfa8072},
    {"sandybrown", 0xf4a460}, {"seagreen", 0x2e8b57}, {"seashell", 0xfff5ee},
    {"sienna", 0xa0522d}, {"silver", 0xc0c0c0}, {"skyblue", 0x87ceeb},
    {"slateblue", 0x6a5acd}, {"slategray", 0x708090}, {"slategrey", 0x708090},
    {"snow", 0xfffafa}, {"springgreen", 0x00ff7f}, {"steelblue", 0x4682b4},
    {"tan", 0xd2b48c}, {"teal", 0x008080}, {"thistle", 0xd8bfd8},
    {"tomato", 0xff6347}, {"turquoise", 0x40e0d0}, {"violet", 0xee82ee},
    {"wheat", 0xf5deb3}, {"white", 0xffffff}, {"whitesmoke", 0xf5f5f5},
    {"yellow", 0xffff00}, {"yellowgreen", 0x9acd32},
};
/* clang-format on */
#define N_CSS (sizeof css_colors / sizeof css_colors[0])

/* ---- names ----------------------------------------------------------- */

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int equal_ignoring_case(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++)
        if (lower(*a) != lower(*b))
            return 0;
    return *a == *b;
}

typedef const char *(*name_at_fn)(size_t i);

/* Writes the known names near name, nearest first, as "'a' or 'b'", into
 * buf (base/near.h); returns how many. */
static size_t near_names(const char *name, name_at_fn name_at, size_t count,
                         char *buf, size_t size)
{
    near_t near;
    near_start(&near, name);
    for (size_t i = 0; i < count; i++)
        near_offer(&near, name_at(i));
    snprintf(buf, size, "%s", near_quoted(&near));
    return near.n;
}

/* ---- palettes -------------------------------------------------------- */

static const tob_palette_def_t *def_at(size_t i)
{
    if (i < palette_n_brewer)
        return &palette_brewer[i];
    i -= palette_n_brewer;
    return i < palette_n_maps ? &palette_maps[i] : NULL;
}

size_t tob_palette_count(void)
{
    return palette_n_brewer + palette_n_maps;
}

const tob_palette_info_t *tob_palette_info_at(size_t i)
{
    const tob_palette_def_t *d = def_at(i);
    return d != NULL ? &d->info : NULL;
}

static const char *palette_name_at(size_t i)
{
    return def_at(i)->info.name;
}

static const tob_palette_def_t *find_def(const char *name)
{
    for (size_t i = 0; name != NULL && i < tob_palette_count(); i++)
        if (strcmp(def_at(i)->info.name, name) == 0)
            return def_at(i);
    return NULL;
}

const tob_palette_info_t *tob_palette_find(const char *name)
{
    const tob_palette_def_t *d = find_def(name);
    return d != NULL ? &d->info : NULL;
}

const char *tob_palette_kind_name(tob_palette_kind_t kind)
{
    switch (kind) {
    case TOB_PALETTE_SEQUENTIAL:
        return "sequential";
    case TOB_PALETTE_DIVERGING:
        return "diverging";
    case TOB_PALETTE_QUALITATIVE:
        return "qualitative";
    }
    return "unknown";
}

static tob_rgb_t from_hex(uint32_t v)
{
    tob_rgb_t c = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v, 255};
    return c;
}

static void brewer_colors(const tob_palette_def_t *d, size_t n, tob_rgb_t *out)
{
    const uint32_t *c = d->colors; /* the 3-colour scheme comes first */
    int qualitative = d->info.kind == TOB_PALETTE_QUALITATIVE;
    if (n >= 3) {
        /* schemes of 3..n-1 colours precede: 3 + ... + (n - 1) */
        c += n * (n - 1) / 2 - 3;
        for (size_t i = 0; i < n; i++)
            out[i] = from_hex(c[i]);
    } else if (n == 2) {
        out[0] = from_hex(c[0]);
        out[1] = from_hex(c[qualitative ? 1 : 2]);
    } else {
        out[0] = from_hex(c[qualitative ? 0 : 1]);
    }
}

static void map_colors(const tob_palette_def_t *d, size_t n, tob_rgb_t *out)
{
    if (n == 1) {
        out[0] = from_hex(d->colors[128]);
        return;
    }
    for (size_t i = 0; i < n; i++) /* round(i * 255 / (n - 1)) */
        out[i] = from_hex(d->colors[(2 * i * 255 + (n - 1)) / (2 * (n - 1))]);
}

static tob_status_t unknown_palette(const char *name, tob_error_t *err)
{
    char near[256];
    if (near_names(name, palette_name_at, tob_palette_count(), near,
                   sizeof near) > 0)
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "unknown palette '%s' (did you mean %s?)", name,
                             near);
    char all[768];
    size_t used = 0;
    all[0] = '\0';
    for (size_t i = 0; i < tob_palette_count() && used < sizeof all; i++) {
        int n = snprintf(all + used, sizeof all - used, "%s%s",
                         i == 0 ? "" : ", ", palette_name_at(i));
        used += n > 0 ? (size_t)n : 0;
    }
    return tob_error_set(err, TOB_ERR_NOTFOUND,
                         "unknown palette '%s' (known: %s)", name, all);
}

tob_status_t tob_palette_get(const char *name, size_t n, int reverse,
                             tob_rgb_t *out, tob_error_t *err)
{
    const tob_palette_def_t *d = find_def(name);
    if (d == NULL)
        return unknown_palette(name != NULL ? name : "", err);
    if (n < 1 || n > d->info.max_colors)
        return tob_error_set(err, TOB_ERR_ARG,
                             "palette '%s' has 1..%zu colours, not %zu", name,
                             d->info.max_colors, n);
    if (d->is_map)
        map_colors(d, n, out);
    else
        brewer_colors(d, n, out);
    for (size_t i = 0; reverse && i < n / 2; i++) {
        tob_rgb_t t = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = t;
    }
    return TOB_OK;
}

/* ---- colours --------------------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* "#RGB", "#RRGGBB", "#RRGGBBAA" (text after the '#'); 0 on success. */
static int parse_hex(const char *digits, tob_rgb_t *out)
{
    size_t len = strlen(digits);
    int v[8];
    if (len != 3 && len != 6 && len != 8)
        return -1;
    for (size_t i = 0; i < len; i++)
        if ((v[i] = hex_digit(digits[i])) < 0)
            return -1;
    if (len == 3) {
        *out = (tob_rgb_t){(uint8_t)(v[0] * 17), (uint8_t)(v[1] * 17),
                           (uint8_t)(v[2] * 17), 255};
        return 0;
    }
    out->r = (uint8_t)(v[0] * 16 + v[1]);
    out->g = (uint8_t)(v[2] * 16 + v[3]);
    out->b = (uint8_t)(v[4] * 16 + v[5]);
    out->a = len == 8 ? (uint8_t)(v[6] * 16 + v[7]) : 255;
    return 0;
}

static const char *css_name_at(size_t i)
{
    return css_colors[i].name;
}

tob_status_t tob_color_parse(const char *text, tob_rgb_t *out, tob_error_t *err)
{
    if (text == NULL)
        text = "";
    if (text[0] == '#' && parse_hex(text + 1, out) == 0)
        return TOB_OK;
    if (equal_ignoring_case(text, "transparent")) {
        *out = (tob_rgb_t){0, 0, 0, 0};
        return TOB_OK;
    }
    for (size_t i = 0; i < N_CSS; i++) {
        if (equal_ignoring_case(text, css_colors[i].name)) {
            *out = from_hex(css_colors[i].rgb);
            return TOB_OK;
        }
    }
    char near[256];
    if (text[0] != '#' &&
        near_names(text, css_name_at, N_CSS, near, sizeof near) > 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "'%s' is not a colour (did you mean %s?)", text,
                             near);
    return tob_error_set(err, TOB_ERR_INPUT,
                         "'%s' is not a colour (use #RRGGBB, #RGB, "
                         "#RRGGBBAA or a CSS name such as grey)",
                         text);
}

char *tob_color_format(tob_rgb_t color, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return buf;
    if (color.a == 255)
        snprintf(buf, size, "#%02x%02x%02x", color.r, color.g, color.b);
    else
        snprintf(buf, size, "#%02x%02x%02x%02x", color.r, color.g, color.b,
                 color.a);
    return buf;
}
