/* ini.h (building block) - the small INI-like syntax of layer definitions,
 * styles and carnet templates: `[section]` headers, `key = value` lines, `#` or
 * `;` comments on their own line, blank lines. Keys are case-sensitive; values
 * are trimmed; a value may be quoted with "..." to keep leading spaces or #. */
#ifndef TERROBS_INI_H
#define TERROBS_INI_H

#include "terrobs/error.h"

/* Called for each key: section is "" before any header. Return TOB_OK to go
 * on; any other status stops the parse (set err first: tob_ini_parse adds
 * file, line and key). Strings are borrowed for the call only. */
typedef tob_status_t (*tob_ini_handler_t)(void *user, const char *section,
                                          const char *key, const char *value,
                                          long line, tob_error_t *err);

/* Parses the file at path. Syntax errors (a line without '=', an unclosed
 * header or quote, a line over 64 KiB, a NUL byte, invalid UTF-8, a control
 * character other than tab) are TOB_ERR_INPUT naming file and line. */
TOB_API TOB_NODISCARD tob_status_t tob_ini_parse(const char *path,
                                                 tob_ini_handler_t handler,
                                                 void *user, tob_error_t *err);

/* Same on text in memory; name is used in messages. */
TOB_API TOB_NODISCARD tob_status_t
tob_ini_parse_text(const char *text, size_t len, const char *name,
                   tob_ini_handler_t handler, void *user, tob_error_t *err);

#endif
