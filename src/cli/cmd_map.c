/* cmd_map.c - `terrobs map`: a thematic map from a style, as PNG, SVG or
 * PDF. */
#include "cli.h"

#include "terrobs/render.h"
#include "terrobs/style.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: terrobs map OBS.sqlite STYLE.style -o OUT.png|OUT.svg|OUT.pdf\n"
    "                   [--set SECTION.KEY=VALUE]... [--date DD/MM/YYYY]\n"
    "                   [--year Y1,Y2,... -o OUT-{year}.png] [--force]\n"
    "\n"
    "Draws the thematic map a style describes (styles/README.md lists the\n"
    "keys): a choropleth, proportional circles, a typology or points, with\n"
    "legend (class bounds and counts), title, source and date line, scale\n"
    "bar, north arrow, labels placed without overlap and insets in their\n"
    "own CRS. The output's extension chooses the format:\n"
    "  .png  at the style's page size and dpi, with OUT.pgw (world file)\n"
    "        and OUT.prj (CRS) so that QGIS places it\n"
    "  .svg  .pdf  vector pages with real text\n"
    "Files are written aside and renamed into place; an existing map is\n"
    "kept unless --force. The style's SQL\n"
    "(filter, expression, sql) may only read the store.\n"
    "\n"
    "  -o, --output FILE    the map to write (required)\n"
    "  -s, --set S.K=V      override a style key, e.g. --set map.title=Nord\n"
    "                       --set classes.k=6 --set "
    "inset.mq.position=top-left\n"
    "                       (repeatable; checked like the file's keys)\n"
    "  --date DD/MM/YYYY    date of the source line (default: today, or the\n"
    "                       style's map.date)\n"
    "  --year Y1,Y2,...     maps that compare: the style drawn for each year\n"
    "                       (its data.year replaced), one file per year:\n"
    "                       {year} in -o (required with several years),\n"
    "                       map.title and map.subtitle becomes the year.\n"
    "                       Every map has the same legend: the style's\n"
    "                       method and k over the values of all the years\n"
    "                       together, and the largest circle is the largest\n"
    "                       value of all the years (symbols.max_value wins).\n"
    "                       A style with [panels] (by = years or variables)\n"
    "                       draws its maps on one page with one scale\n"
    "                       instead: --year does not apply to it\n"
    "  --force              replace an existing map\n"
    "\n"
    "Example:\n"
    "  terrobs map obs.sqlite styles/nord-densite.style -o densite.png\n"
    "  terrobs map obs.sqlite styles/nord-population-annees.style \\\n"
    "      --year 2015,2021 -o population-{year}.png\n";

typedef struct map_args {
    const char *output;
    const char *date;
    const char **sets;
    size_t n_sets;
    int force;
    int years[16];
    size_t n_years;
} map_args_t;

static int parse_years(const char *text, map_args_t *a)
{
    const char *p = text;
    a->n_years = 0;
    for (;;) {
        int y = 0, n = 0;
        if (sscanf(p, "%4d%n", &y, &n) != 1 || y < 1800 || y > 2200 ||
            a->n_years == sizeof a->years / sizeof a->years[0])
            return tob_cli_usage_error("map",
                                       "--year '%s': years 1800..2200, "
                                       "at most 16, separated by commas",
                                       text);
        a->years[a->n_years++] = y;
        p += n;
        if (*p == '\0')
            return TOB_EXIT_OK;
        if (*p++ != ',')
            return tob_cli_usage_error("map",
                                       "--year '%s': years separated "
                                       "by commas",
                                       text);
    }
}

static int parse_args(int argc, char **argv, map_args_t *a)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"set", required_argument, NULL, 's'},
        {"date", required_argument, NULL, 'd'},
        {"force", no_argument, NULL, 'f'},
        {"year", required_argument, NULL, 'y'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:s:", longopts, NULL)) != -1) {
        if (c == 'o') {
            a->output = optarg;
        } else if (c == 'f') {
            a->force = 1;
        } else if (c == 'y') {
            int rc = parse_years(optarg, a);
            if (rc != TOB_EXIT_OK)
                return rc;
        } else if (c == 's') {
            a->sets[a->n_sets++] = optarg; /* sets has argc slots */
        } else if (c == 'd') {
            int d, m, y, n = 0;
            if (sscanf(optarg, "%2d/%2d/%4d%n", &d, &m, &y, &n) != 3 ||
                optarg[n] != '\0')
                return tob_cli_usage_error("map",
                                           "--date '%s' is not "
                                           "DD/MM/YYYY",
                                           optarg);
            a->date = optarg;
        } else {
            return tob_cli_bad_option("map");
        }
    }
    if (optind != argc - 2)
        return tob_cli_usage_error("map", "expected OBS.sqlite and a style "
                                          "file");
    if (a->output == NULL)
        return tob_cli_usage_error("map", "-o OUT.png|.svg|.pdf is required");
    if (a->n_years > 1 && strstr(a->output, "{year}") == NULL)
        return tob_cli_usage_error("map", "several years need {year} in -o, "
                                          "e.g. -o map-{year}.png");
    return TOB_EXIT_OK;
}

static void note_report(const char *output, const tob_map_report_t *rep)
{
    tob_cli_note("map written to %s: %zu features", output, rep->n_features);
    if (rep->n_missing > 0)
        tob_cli_note(", %zu without a value", rep->n_missing);
    if (rep->n_labels + rep->n_labels_skipped > 0)
        tob_cli_note(", %zu labels (%zu left out to avoid overlaps)",
                     rep->n_labels, rep->n_labels_skipped);
    tob_cli_note("\n");
    if (rep->cvd_note[0] != '\0')
        tob_cli_warn_count(1, "colours for colour-blind readers",
                           rep->cvd_note);
}

/* The output of year: {year} of pattern replaced. */
static void output_of(const char *pattern, int year, char *out, size_t n)
{
    const char *at = strstr(pattern, "{year}");
    if (at == NULL || year == 0)
        snprintf(out, n, "%s", pattern);
    else
        snprintf(out, n, "%.*s%d%s", (int)(at - pattern), pattern, year,
                 at + 6);
}

static int run(int argc, char **argv)
{
    map_args_t a = {.sets = calloc((size_t)argc + 1, sizeof(char *))};
    if (a.sets == NULL)
        return TOB_EXIT_INTERNAL;
    int rc = parse_args(argc, argv, &a);
    if (rc != TOB_EXIT_OK) {
        free(a.sets);
        return rc;
    }
    tob_error_t err;
    tob_error_clear(&err);
    tob_style_t *style = NULL;
    tob_store_t *st = NULL;
    tob_map_report_t rep;
    tob_render_options_t opts = {.today = a.date};
    tob_status_t s =
        tob_style_read(argv[optind + 1], a.sets, a.n_sets, &style, &err);
    if (s == TOB_OK)
        s = tob_store_open(argv[optind], TOB_STORE_READ, &st, &err);
    int kept = TOB_EXIT_OK;
    size_t n_maps = a.n_years > 0 ? a.n_years : 1;
    char outs[16][4096];
    for (size_t i = 0; i < n_maps; i++)
        output_of(a.output, a.n_years > 0 ? a.years[i] : 0, outs[i],
                  sizeof outs[i]);
    /* After the style's and the store's own errors, before drawing: no
     * map is written when one exists already. */
    for (size_t i = 0; s == TOB_OK && kept == TOB_EXIT_OK && i < n_maps; i++)
        kept = tob_cli_keep_existing(outs[i], a.force);
    tob_render_scale_t scale;
    if (s == TOB_OK && kept == TOB_EXIT_OK && a.n_years > 0) {
        s = tob_render_shared_scale(style, st, a.years, a.n_years, &scale,
                                    &err);
        opts.scale = &scale;
    }
    size_t done = 0;
    for (; s == TOB_OK && kept == TOB_EXIT_OK && done < n_maps; done++) {
        opts.year = a.n_years > 0 ? a.years[done] : 0;
        s = tob_render_file(outs[done], style, st, &opts, &rep, &err);
        if (s == TOB_OK)
            note_report(outs[done], &rep);
    }
    tob_store_close(st);
    tob_style_destroy(style);
    free(a.sets);
    if (kept != TOB_EXIT_OK)
        return kept;
    if (s != TOB_OK)
        return tob_cli_fail(&err);
    return TOB_EXIT_OK;
}

const tob_cli_command_t tob_cmd_map = {
    "map", "draw a thematic map (PNG, SVG, PDF) from a style", usage, run};
