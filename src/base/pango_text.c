/* pango_text.c - no-break spaces as spaces that do not break, no
 * ligatures: one font subset a face in the PDFs we write. */
#include "pango_text.h"

#include <string.h>

/* After a no-break space at byte i of text (now a space): where the next
 * character ends, so the break before it is inside the range. */
static guint next_end(const char *text, size_t len, size_t i)
{
    size_t end = i + 1;
    if (end < len)
        end = (size_t)(g_utf8_next_char(text + end) - text);
    return (guint)(end > len ? len : end);
}

void pango_text_set(PangoLayout *layout, const char *text, int markup)
{
    PangoAttrList *attrs = NULL;
    char *plain = NULL;
    if (markup) {
        if (!pango_parse_markup(text, -1, 0, &attrs, &plain, NULL, NULL)) {
            pango_layout_set_markup(layout, text, -1); /* says why */
            return;
        }
    } else {
        attrs = pango_attr_list_new();
        plain = g_strdup(text);
    }
    size_t len = strlen(plain);
    /* Backwards: a shortened text leaves earlier offsets as they were. */
    for (size_t i = len; i-- > 0;) {
        if ((unsigned char)plain[i] != 0xC2 || i + 1 >= len ||
            (unsigned char)plain[i + 1] != 0xA0)
            continue;
        plain[i] = ' ';
        memmove(plain + i + 1, plain + i + 2, len - i - 1);
        len--;
        pango_attr_list_update(attrs, (int)i, 2, 1);
        PangoAttribute *keep = pango_attr_allow_breaks_new(FALSE);
        keep->start_index = (guint)i;
        keep->end_index = next_end(plain, len, i);
        pango_attr_list_insert(attrs, keep);
    }
    PangoAttribute *liga = pango_attr_font_features_new("liga 0, clig 0");
    pango_attr_list_insert_before(attrs, liga); /* the whole text */
    pango_layout_set_text(layout, plain, (int)len);
    pango_layout_set_attributes(layout, attrs);
    pango_attr_list_unref(attrs);
    g_free(plain);
}
