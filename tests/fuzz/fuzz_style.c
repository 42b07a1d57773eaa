/* fuzz_style.c - map styles (tob_style_parse_text, then one --set
 * override taken from the input's last line): never crash, a refusal is
 * an error with a message, an accepted style has a sane page. */
#include "fuzz.h"

#include "terrobs/style.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    if (text == NULL)
        return 0;
    /* A last line "@section.key=value" is also tried as a --set. */
    const char *sets[1];
    size_t n_sets = 0;
    char *at = strrchr(text, '@');
    if (at != NULL && strchr(at, '\n') == NULL) {
        *at = '\0';
        sets[n_sets++] = at + 1;
    }
    tob_style_t *style = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    tob_status_t s = tob_style_parse_text(text, strlen(text), "fuzz.style",
                                          sets, n_sets, &style, &err);
    if (s != TOB_OK) {
        FUZZ_CHECK(style == NULL);
        FUZZ_CHECK(s == err.code && err.message[0] != '\0');
    } else {
        double w = 0, h = 0;
        tob_style_page_mm(style, &w, &h);
        FUZZ_CHECK(isfinite(w) && isfinite(h) && w > 0 && h > 0);
        FUZZ_CHECK(isfinite(tob_style_dpi(style)) && tob_style_dpi(style) > 0);
        const char *title = tob_style_title(style);
        FUZZ_CHECK(title != NULL);
        FUZZ_CHECK(fuzz_is_utf8((const unsigned char *)title, strlen(title)));
        /* Overriding again may be refused (a page in px too large at
         * 72 dpi) but must say why and leave a style that can be
         * destroyed. */
        tob_error_clear(&err);
        if (tob_style_set(style, "map.dpi=72", &err) != TOB_OK)
            FUZZ_CHECK(err.message[0] != '\0');
        tob_style_destroy(style);
    }
    free(text);
    return 0;
}
