/* html.c - text escaped for HTML. */
#include "html.h"

void html_put(FILE *fp, const char *text)
{
    for (const char *p = text ? text : ""; *p != '\0'; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", fp);
            break;
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        case '\'':
            fputs("&#39;", fp);
            break;
        default:
            fputc(*p, fp);
        }
    }
}
