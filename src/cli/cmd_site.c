/* cmd_site.c - `terrobs site`: the offline web observatory of a store. */
#include "cli.h"

#include "terrobs/site.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
    "usage: terrobs site OBS.sqlite -o DIR [--levels L1,L2] [--variables A,B]\n"
    "                    [--title T] [--carnets ATLAS_DIR] [--date "
    "DD/MM/YYYY]\n"
    "                    [--method M] [-k K] [--palette P] [--leaflet DIR]\n"
    "                    [--jobs N] [--force]\n"
    "\n"
    "Writes a static web observatory into DIR: open DIR/index.html in a\n"
    "browser (file://, no server, no network) or put DIR on any static web\n"
    "host. The map page shows a choropleth (or proportional circles for\n"
    "counts) of any variable and year of each level written, with the\n"
    "classes and colours `terrobs map` makes, a legend with French bounds\n"
    "and counts, a search box (name without accents, or code) and the same\n"
    "data as a sortable table. Every territory has a page: key figures with\n"
    "rank and references, a reference territory chosen in a list, evolution\n"
    "charts (SVG, with their tables, as the carnet), member communes (map\n"
    "and table), contracts and GUP sites. suivi.html leads to a page per\n"
    "contract and per GUP site; telechargements.html\n"
    "to each level's values as CSV and GeoPackage. Data ship as .js files;\n"
    "Leaflet is copied from Debian's libjs-leaflet with its licence. A rerun\n"
    "rewrites only the files whose content changed and removes those no\n"
    "longer made (listed in DIR/.site-state); when the store, the options\n"
    "and terrobs are those of the previous run, it recomputes nothing.\n"
    "\n"
    "  -o, --output DIR    the folder (made if needed)\n"
    "  --levels L1,L2      levels written, the first shown first (default:\n"
    "                      every level with polygons, most detailed first)\n"
    "  --variables A,B     variables offered (default: every declared one\n"
    "                      with a value)\n"
    "  --title T           the site's title (default: Observatoire des\n"
    "                      territoires)\n"
    "  --carnets DIR       an atlas folder (terrobs atlas): territory pages\n"
    "                      link their PDF carnet\n"
    "  --date D            edition date; follow-up is as of this date\n"
    "                      (default: today)\n"
    "  --method M, -k K    classification, as in styles (default quantile, 5)\n"
    "  --palette P         palette (default YlOrRd, as terrobs map)\n"
    "  --leaflet DIR       Leaflet's folder (default: the one found at build,\n"
    "                      else PREFIX/share/javascript/leaflet)\n"
    "  -j, --jobs N        threads writing the territory pages, each with its\n"
    "                      own store connection (default: one per CPU); the\n"
    "                      files are the same whatever N\n"
    "  --force             recompute and rewrite every file\n";

typedef struct site_args {
    tob_site_options_t o;
    char **levels, **variables;
} site_args_t;

static int list_option(const char *text, char ***out, const char *const **to,
                       size_t *n, size_t max, const char *opt)
{
    free(*out);
    if ((*out = tob_cli_split_list(text)) == NULL)
        return tob_cli_usage_error("site", "%s: out of memory", opt);
    size_t k = 0;
    while ((*out)[k] != NULL)
        k++;
    if (k == 0 || k > max)
        return tob_cli_usage_error("site", "%s takes 1..%zu names", opt, max);
    *to = (const char *const *)*out;
    *n = k;
    return TOB_EXIT_OK;
}

static int parse_args(int argc, char **argv, site_args_t *a)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"levels", required_argument, NULL, 'l'},
        {"variables", required_argument, NULL, 'v'},
        {"title", required_argument, NULL, 't'},
        {"carnets", required_argument, NULL, 'c'},
        {"date", required_argument, NULL, 'd'},
        {"method", required_argument, NULL, 'm'},
        {"palette", required_argument, NULL, 'p'},
        {"leaflet", required_argument, NULL, 'L'},
        {"force", no_argument, NULL, 'f'},
        {"jobs", required_argument, NULL, 'j'},
        {NULL, 0, NULL, 0}};
    int c, rc = TOB_EXIT_OK;
    optind = 1;
    while (rc == TOB_EXIT_OK &&
           (c = getopt_long(argc, argv, "o:k:j:", longopts, NULL)) != -1) {
        long k;
        if (c == 'o')
            a->o.out_dir = optarg;
        else if (c == 'l')
            rc = list_option(optarg, &a->levels, &a->o.levels, &a->o.n_levels,
                             TOB_SITE_MAX_LEVELS, "--levels");
        else if (c == 'v')
            rc = list_option(optarg, &a->variables, &a->o.variables,
                             &a->o.n_variables, TOB_SITE_MAX_VARIABLES,
                             "--variables");
        else if (c == 't')
            a->o.title = optarg;
        else if (c == 'c')
            a->o.carnets = optarg;
        else if (c == 'd')
            a->o.today = optarg;
        else if (c == 'm')
            a->o.method = optarg;
        else if (c == 'p')
            a->o.palette = optarg;
        else if (c == 'L')
            a->o.leaflet = optarg;
        else if (c == 'f')
            a->o.force = 1;
        else if (c == 'k') {
            if (tob_cli_parse_int(optarg, &k) != 0 || k < 2 || k > 12)
                rc = tob_cli_usage_error("site", "-k '%s' must be 2..12",
                                         optarg);
            a->o.k = (int)k;
        } else if (c == 'j') {
            if (tob_cli_parse_int(optarg, &k) != 0 || k < 1 || k > 256)
                rc = tob_cli_usage_error("site", "--jobs '%s' must be 1..256",
                                         optarg);
            a->o.jobs = (size_t)k;
        } else
            rc = tob_cli_bad_option("site");
    }
    if (rc != TOB_EXIT_OK)
        return rc;
    if (optind != argc - 1)
        return tob_cli_usage_error("site", "expected one store path");
    a->o.store_path = argv[optind];
    if (a->o.out_dir == NULL)
        return tob_cli_usage_error("site", "-o DIR is required");
    return TOB_EXIT_OK;
}

static int run(int argc, char **argv)
{
    site_args_t a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc == TOB_EXIT_OK) {
        tob_error_t err;
        tob_error_clear(&err);
        tob_site_report_t r;
        if (tob_site_run(&a.o, &r, &err) != TOB_OK) {
            rc = tob_cli_fail(&err);
        } else {
            if (!r.up_to_date)
                tob_cli_note("site: %zu levels, %zu variables, %zu territory "
                             "pages, %zu follow-up pages in %s\n",
                             r.n_levels, r.n_variables, r.n_territories,
                             r.n_followup, a.o.out_dir);
            tob_cli_note("site: %zu files: %zu written, %zu unchanged kept, "
                         "%zu removed; %.1f MB (map data %.1f MB); %.1f s",
                         r.n_files, r.n_written, r.n_kept, r.n_removed,
                         (double)r.bytes / 1e6, (double)r.map_bytes / 1e6,
                         r.seconds);
            if (r.up_to_date)
                tob_cli_note(" (inputs unchanged: nothing recomputed)\n");
            else
                tob_cli_note(" with %zu jobs\n", r.jobs);
            if (r.store_changed)
                fprintf(stderr,
                        "terrobs site: warning: the store changed while the"
                        " site was made (another session wrote to it): its"
                        " pages may show it before and after the change;"
                        " run the site again to make them all from the"
                        " store as it is now\n");
        }
    }
    free(a.levels);
    free(a.variables);
    return rc;
}

const tob_cli_command_t tob_cmd_site = {
    "site", "the offline web observatory: map, territory and follow-up pages",
    usage, run};
