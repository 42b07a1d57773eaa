/* cli_list.c - comma-separated option values (--columns a,b,c). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

char **tob_cli_split_list(const char *text)
{
    size_t n = 2, len = strlen(text) + 1;
    for (const char *p = text; *p; p++)
        n += *p == ',';
    /* One block: the pointers, then a copy of the text they point into. */
    char **items = malloc(n * sizeof *items + len);
    if (items == NULL)
        return NULL;
    char *copy = (char *)(items + n);
    memcpy(copy, text, len);
    size_t i = 0;
    char *p = copy;
    while (p != NULL) {
        char *comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        if (*p != '\0')
            items[i++] = p;
        p = comma != NULL ? comma + 1 : NULL;
    }
    items[i] = NULL;
    return items;
}
