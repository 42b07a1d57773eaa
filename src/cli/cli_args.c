/* cli_args.c - option values and warnings shared by commands: year
 * options, comma-separated lists, counted problems. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int tob_cli_parse_year(const char *cmd, const char *opt, const char *text,
                       int *out)
{
    long year;
    if (tob_cli_parse_int(text, &year) != 0 || year < 1800 || year > 2200)
        return tob_cli_usage_error(cmd, "%s '%s' is not a year", opt, text);
    *out = (int)year;
    return TOB_EXIT_OK;
}

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

void tob_cli_warn_count(size_t n, const char *what, const char *examples)
{
    if (n > 0)
        fprintf(stderr, "terrobs: warning: %s: %s\n", what, examples);
}

int tob_cli_keep_existing(const char *path, int force)
{
    struct stat sb;
    if (force || path == NULL || stat(path, &sb) != 0)
        return TOB_EXIT_OK;
    fprintf(stderr,
            "terrobs: error: %s: file exists; use --force to replace "
            "it\n",
            path);
    return TOB_EXIT_INPUT;
}
