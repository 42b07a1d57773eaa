/* cmd_qgis.c - `terrobs qgis`: a QGIS project over the store, with the
 * map styles of a folder as graduated / categorized renderers. */
#include "cli.h"

#include "terrobs/qgis.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: terrobs qgis OBS.sqlite -o PROJECT.qgs [--styles DIR]\n"
    "                    [--title T] [--force]\n"
    "\n"
    "Writes a QGIS project (.qgs) that opens the store as it is: one group\n"
    "per level (larger units on top), each with the level's territories\n"
    "(the SpatiaLite view of the level, one layer per vintage, the latest\n"
    "shown) and one layer per map style of that level. A style's classes\n"
    "and colours become a graduated renderer (choropleth), a categorized\n"
    "one (typology), circles sized by value (proportional) or coloured\n"
    "markers (points: the style's own query), computed on the store's\n"
    "values as `terrobs map` does; territories without a value get a layer\n"
    "of their own. The project CRS is the store's; the store\n"
    "is referenced relative to the project, so keep them together.\n"
    "On a PostGIS store the layers are PostGIS sources (the connection,\n"
    "never its password: QGIS reads ~/.pgpass or PGPASSWORD, or asks).\n"
    "Styles whose level, variable or values are not in the store are left\n"
    "out with a note.\n"
    "\n"
    "  -o, --output FILE  the project to write (.qgs)\n"
    "  --styles DIR       map styles (*.style) to turn into layers\n"
    "                     (default: the installed styles, if any)\n"
    "  --title T          project title (default: Observatoire (STORE))\n"
    "  --force            replace an existing project (atomically)\n";

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* DIR/ *.style, sorted; *n = 0 and NULL when none. */
static char **list_styles(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    char **paths = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 7 || strcmp(e->d_name + len - 6, ".style") != 0)
            continue;
        char **grown = realloc(paths, (*n + 1) * sizeof *grown);
        size_t size = strlen(dir) + len + 2;
        char *path = malloc(size);
        if (grown == NULL || path == NULL) {
            free(path);
            paths = grown != NULL ? grown : paths;
            break;
        }
        paths = grown;
        snprintf(path, size, "%s/%s", dir, e->d_name);
        paths[(*n)++] = path;
    }
    closedir(d);
    if (*n > 1)
        qsort(paths, *n, sizeof *paths, by_name);
    return paths;
}

static void note(void *user, const char *style, const char *why)
{
    (void)user;
    tob_cli_note("terrobs qgis: %s left out: %s\n", style, why);
}

static int write_project(const char *store, const char *out,
                         tob_qgis_options_t *opts)
{
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    tob_qgis_summary_t sum;
    if (tob_store_open(store, TOB_STORE_READ, &st, &err) != TOB_OK ||
        tob_qgis_write(st, out, opts, &sum, &err) != TOB_OK) {
        tob_store_close(st);
        return tob_cli_fail(&err);
    }
    tob_store_close(st);
    tob_cli_note("wrote %s: %zu groups, %zu layers, %zu with a style's "
                 "renderer (%zu styles read, %zu left out)\n",
                 out, sum.n_groups, sum.n_layers, sum.n_thematic,
                 opts->n_styles, sum.n_styles_left);
    return TOB_EXIT_OK;
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"styles", required_argument, NULL, 's'},
        {"title", required_argument, NULL, 't'},
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0}};
    tob_qgis_options_t opts = {.note = note};
    const char *out = NULL, *dir = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 's')
            dir = optarg;
        else if (c == 't')
            opts.title = optarg;
        else if (c == 'f')
            opts.force = 1;
        else
            return tob_cli_bad_option("qgis");
    }
    if (optind != argc - 1)
        return tob_cli_usage_error("qgis", "expected one store path");
    if (out == NULL)
        return tob_cli_usage_error("qgis", "-o PROJECT.qgs is required");
    struct stat sb;
    if (dir != NULL && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        return tob_cli_usage_error("qgis", "--styles '%s' is not a folder",
                                   dir);
    if (dir == NULL && stat(TOB_DATADIR "/styles", &sb) == 0)
        dir = TOB_DATADIR "/styles";
    size_t n = 0;
    char **paths = dir != NULL ? list_styles(dir, &n) : NULL;
    opts.styles = (const char *const *)paths;
    opts.n_styles = n;
    int rc = write_project(argv[optind], out, &opts);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return rc;
}

const tob_cli_command_t tob_cmd_qgis = {
    "qgis", "write a QGIS project of the store, with the map styles", usage,
    run};
