/* style.h (building block) - map styles: styles/NAME.style files in the
 * INI-like syntax of ini.h describing one thematic map (data, kind, classes,
 * palette, layers, labels, legend, page, insets). See styles/README.md for the
 * keys. A style is plain data, checked when read; render.h draws it. */
#ifndef TERROBS_STYLE_H
#define TERROBS_STYLE_H

#include "terrobs/error.h"

#include <stddef.h>

typedef struct tob_style tob_style_t;

/* Reads the style file at path, then applies sets[0..n_sets), each
 * "section.key=value" as given to `terrobs map --set` (the section of a
 * layer or inset is "layer.NAME" / "inset.NAME": "inset.mq.position=..."),
 * then checks the whole. Unknown sections or keys and bad values are
 * TOB_ERR_INPUT naming the file, line and "section.key" (source "--set"
 * for an override); a missing file is TOB_ERR_NOTFOUND. Caller frees *out
 * with tob_style_destroy(); *out is NULL on failure. */
TOB_API TOB_NODISCARD tob_status_t tob_style_read(const char *path,
                                                  const char *const *sets,
                                                  size_t n_sets,
                                                  tob_style_t **out,
                                                  tob_error_t *err);

/* Same on text in memory; name is used in messages and as the folder
 * nothing is resolved against (styles reference no files). */
TOB_API TOB_NODISCARD tob_status_t tob_style_parse_text(
    const char *text, size_t len, const char *name, const char *const *sets,
    size_t n_sets, tob_style_t **out, tob_error_t *err);

/* Applies one more "section.key=value" to a style already read and checks
 * it again: the carnet uses it to retitle or resize a map. On error the
 * style may hold the new value; read it again to start afresh. */
TOB_API TOB_NODISCARD tob_status_t tob_style_set(tob_style_t *style,
                                                 const char *assignment,
                                                 tob_error_t *err);

/* NULL is a no-op. */
TOB_API void tob_style_destroy(tob_style_t *style);

/* Page size in millimetres and the resolution in dots per inch: a size
 * given in px is converted with the dpi. */
TOB_API void tob_style_page_mm(const tob_style_t *style, double *width_mm,
                               double *height_mm);
TOB_API double tob_style_dpi(const tob_style_t *style);

/* The map title ("" when none); borrowed for the style's life. */
TOB_API const char *tob_style_title(const tob_style_t *style);

#endif
