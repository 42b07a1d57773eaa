/* pango_text.h - text given to a Pango layout so that a PDF embeds each
 * face once: no-break spaces become spaces kept on one line, ligatures
 * are off. Cairo 1.16 puts glyphs outside WinAnsi (U+00A0, the "fi"
 * ligature) in a second, CID subset of the same face. Library-internal. */
#ifndef TERROBS_BASE_PANGO_TEXT_H
#define TERROBS_BASE_PANGO_TEXT_H

#include <pango/pango.h>

/* Sets text (Pango markup when markup is non-zero) on layout, each
 * U+00A0 drawn as a space where no line breaks, without ligatures. */
void pango_text_set(PangoLayout *layout, const char *text, int markup);

#endif
