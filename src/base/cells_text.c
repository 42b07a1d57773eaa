/* cells_text.c - UTF-8 checks, file-name slugs and header folding.
 * Transliteration covers Latin-1 and Latin Extended-A (all French letters,
 * œ/æ, and the accented letters of neighbouring languages). */
#include "terrobs/cells.h"

#include "utf8.h"

#include <string.h>

size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    if (avail == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    if (len == 0 || len > avail)
        return 0;
    uint32_t v = c & (0xFF >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min_for_len[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0; /* overlong, too big, or a surrogate */
    *cp = v;
    return len;
}

size_t utf8_space_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (*u == ' ' || *u == '\t' || *u == '\r' || *u == '\n')
        return 1;
    if (u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xAF)
        return 3;
    return 0;
}

int tob_text_is_utf8(const char *s, size_t n)
{
    if (s == NULL)
        return n == 0;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_decode(u + i, n - i, &cp);
        if (len == 0)
            return 0;
        i += len;
    }
    return 1;
}

/* Bytes available at p, up to 4, in a NUL-terminated string. */
static size_t avail4(const unsigned char *p)
{
    size_t n = 0;
    while (n < 4 && p[n] != '\0')
        n++;
    return n;
}

static int is_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
}

char *cell_quote(const char *text, char *buf, size_t size)
{
    enum {
        QUOTE_BYTES = 60
    };
    if (buf == NULL || size == 0)
        return buf;
    buf[0] = '\0';
    if (text == NULL || size < 8)
        return buf;
    const unsigned char *p = (const unsigned char *)text;
    size_t space;
    while ((space = utf8_space_len((const char *)p)) > 0)
        p += space;
    size_t limit = size - 4 < QUOTE_BYTES ? size - 4 : QUOTE_BYTES;
    size_t used = 0, kept = 0; /* kept: up to the last non-space */
    while (*p != '\0') {
        uint32_t cp = 0;
        size_t len = utf8_decode(p, avail4(p), &cp);
        size_t in_len = len ? len : 1;
        const char *piece = (const char *)p;
        space = utf8_space_len((const char *)p);
        if (space > 0) {
            piece = " ";
            in_len = space;
            len = 1;
        } else if (len == 0 || is_control(cp)) {
            piece = "?"; /* keep messages on one line */
            len = 1;
        }
        if (used + len > limit) {
            memcpy(buf + used, "...", 4);
            return buf;
        }
        memcpy(buf + used, piece, len);
        used += len;
        if (space == 0)
            kept = used;
        p += in_len;
    }
    buf[kept] = '\0'; /* without the spaces at the end */
    return buf;
}

/* ---- transliteration ------------------------------------------------- */

/* U+00C0..U+00FF, lowercase ASCII; "" for the two signs × and ÷. */
static const char *const latin1_letters[64] = {
    "a", "a", "a", "a", "a",  "a",  "ae", "c", "e", "e", "e",  "e", "i",
    "i", "i", "i", "d", "n",  "o",  "o",  "o", "o", "o", "",   "o", "u",
    "u", "u", "u", "y", "th", "ss", "a",  "a", "a", "a", "a",  "a", "ae",
    "c", "e", "e", "e", "e",  "i",  "i",  "i", "i", "d", "n",  "o", "o",
    "o", "o", "o", "",  "o",  "u",  "u",  "u", "u", "y", "th", "y"};

/* U+0100..U+017F, one letter each; '*' is "ij", '#' is "oe". */
static const char latin_ext_a[] = "aaaaaaccccccccdd"
                                  "ddeeeeeeeeeegggg"
                                  "gggghhhhiiiiiiii"
                                  "ii**jjkkklllllll"
                                  "lllnnnnnnnnnoooo"
                                  "oo##rrrrrrssssss"
                                  "ssttttttuuuuuuuu"
                                  "uuuuwwyyyzzzzzzs";

/* The ASCII letters for a Latin letter with a diacritic or a ligature,
 * NULL for anything else (ASCII included). */
static const char *translit(uint32_t cp)
{
    static const char one_letter[26][2] = {
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
        "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"};
    if (cp >= 0xC0 && cp <= 0xFF)
        return latin1_letters[cp - 0xC0][0] ? latin1_letters[cp - 0xC0] : NULL;
    if (cp >= 0x100 && cp <= 0x17F) {
        char c = latin_ext_a[cp - 0x100];
        return c == '*' ? "ij" : c == '#' ? "oe" : one_letter[c - 'a'];
    }
    switch (cp) {
    case 0x218: /* Ș ș Ț ț (Romanian) */
    case 0x219:
        return "s";
    case 0x21A:
    case 0x21B:
        return "t";
    case 0xFB00:
        return "ff";
    case 0xFB01:
        return "fi";
    case 0xFB02:
        return "fl";
    default:
        return NULL;
    }
}

static int is_ascii_alnum(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
           (cp >= 'A' && cp <= 'Z');
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ---- slug ------------------------------------------------------------- */

char *tob_text_slug(const char *name, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return buf;
    size_t max = size - 1 < TOB_SLUG_MAX ? size - 1 : TOB_SLUG_MAX;
    size_t used = 0;
    int want_dash = 0;
    const unsigned char *p = (const unsigned char *)(name ? name : "");
    while (*p != '\0' && used < max) {
        uint32_t cp = 0;
        size_t len = utf8_decode(p, avail4(p), &cp);
        p += len ? len : 1;
        char ascii[2] = {ascii_lower((char)cp), '\0'};
        const char *letters = len == 0             ? NULL
                              : is_ascii_alnum(cp) ? ascii
                                                   : translit(cp);
        if (letters == NULL) {
            want_dash = used > 0; /* separators: one '-', none first */
            continue;
        }
        if (want_dash) {
            if (used + 1 >= max)
                break; /* no room for '-' and a letter: stop on a word */
            buf[used++] = '-';
            want_dash = 0;
        }
        for (; *letters != '\0' && used < max; letters++)
            buf[used++] = *letters;
    }
    buf[used] = '\0';
    if (used == 0 && max >= 8)
        memcpy(buf, "sans-nom", 9);
    return buf;
}

/* ---- fold ------------------------------------------------------------- */

/* Characters that separate words in a header: they all fold to '_'. */
static int is_header_separator(const unsigned char *p, uint32_t cp)
{
    return utf8_space_len((const char *)p) > 0 || cp == '_' || cp == '-' ||
           cp == '.' || cp == '/' || cp == '\'' || cp == 0x2019 ||
           cp == 0x2010 || cp == 0x2011;
}

char *tob_text_fold(const char *s, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return buf;
    size_t used = 0;
    int want_sep = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p != '\0') {
        uint32_t cp = 0;
        size_t len = utf8_decode(p, avail4(p), &cp);
        size_t in_len = len ? len : 1;
        char ascii[2] = {ascii_lower((char)*p), '\0'};
        const char *out = len == 1 ? ascii : len ? translit(cp) : NULL;
        size_t out_len = out ? strlen(out) : in_len;
        if (len != 0 && is_header_separator(p, cp)) {
            want_sep = used > 0;
            p += in_len;
            continue;
        }
        if (used + want_sep + out_len >= size)
            break; /* cut on a character boundary */
        if (want_sep)
            buf[used++] = '_';
        want_sep = 0;
        memcpy(buf + used, out ? out : (const char *)p, out_len);
        used += out_len;
        p += in_len;
    }
    buf[used] = '\0';
    return buf;
}
