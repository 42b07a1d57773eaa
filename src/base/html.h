/* html.h - text written into HTML pages (the atlas index, the web
 * observatory) with &, <, >, " and ' escaped. Library-internal. */
#ifndef TERROBS_BASE_HTML_H
#define TERROBS_BASE_HTML_H

#include <stdio.h>

/* Writes text escaped to fp; NULL writes nothing. */
void html_put(FILE *fp, const char *text);

#endif
