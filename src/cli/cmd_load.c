/* cmd_load.c - `terrobs load`: boundaries from any OGR source. */
#include "cli.h"

#include "terrobs/aggregate.h"

#include "terrobs/load.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: terrobs load OBS.sqlite LAYER.layer [options]\n"
    "       terrobs load OBS.sqlite --level L --src PATH --code FIELD\n"
    "                    --name FIELD [options]\n"
    "\n"
    "Loads territory boundaries from any source GDAL reads (GeoJSON,\n"
    "Shapefile, GeoPackage, /vsizip/, /vsigzip/...), reprojected to the\n"
    "store CRS, repaired (make-valid) and promoted to MULTIPOLYGON. Codes\n"
    "are checked (INSEE for commune, SIREN for epci, QPV codes for qpv);\n"
    "duplicates are listed. Nothing is written unless everything loads.\n"
    "A layer-definition file holds the same keys (see layers/README.md);\n"
    "options given on the command line override it.\n"
    "\n"
    "  --level L          level: commune, epci, departement, qpv, scot...\n"
    "  --label TEXT       human label of a new level (default: known name)\n"
    "  --src PATH         the source\n"
    "  --layer NAME       layer of a multi-layer source\n"
    "  --code FIELD       field holding the territory code\n"
    "  --name FIELD       field holding the territory name\n"
    "  --parent-code FIELD  field holding the parent's code (e.g. EPCI)\n"
    "  --vintage YEAR     year of the geography (default: this year)\n"
    "  --where EXPR       OGR SQL filter, e.g. \"dep = '59'\"; with\n"
    "                     --parent-code, each parent's member count in the\n"
    "                     whole file is kept (sums need every member)\n"
    "  --s-srs EPSG:N     CRS of a source that declares none\n"
    "  --attribution TEXT who made the boundaries (\"IGN, Admin Express COG\n"
    "                     2018\"): the level's part of the source line of\n"
    "                     maps and carnets\n"
    "  --allow-outside    load features outside their CRS's area of use\n"
    "                     (refused by default: swapped longitude and\n"
    "                     latitude, or a wrong CRS)\n"
    "  --replace          swap an already loaded (level, vintage), keeping\n"
    "                     the indicators of codes still present\n"
    "  --append           add to an already loaded (level, vintage), e.g. the\n"
    "                     Somme's communes beside the Nord's; a code already\n"
    "                     there is an error\n";

typedef struct progress_state {
    int shown;
} progress_state_t;

static void show_progress(void *user, size_t done, size_t total)
{
    progress_state_t *p = user;
    p->shown = 1;
    if (total > 0)
        fprintf(stderr, "\rloading: %zu / %zu features", done, total);
    else
        fprintf(stderr, "\rloading: %zu features", done);
    fflush(stderr);
}

static int parse_options(int argc, char **argv, tob_load_options_t *o,
                         const char **layerfile)
{
    static const struct option longopts[] = {
        {"level", required_argument, NULL, 'l'},
        {"label", required_argument, NULL, 'L'},
        {"src", required_argument, NULL, 's'},
        {"layer", required_argument, NULL, 'y'},
        {"code", required_argument, NULL, 'c'},
        {"name", required_argument, NULL, 'n'},
        {"parent-code", required_argument, NULL, 'p'},
        {"vintage", required_argument, NULL, 'v'},
        {"where", required_argument, NULL, 'w'},
        {"s-srs", required_argument, NULL, 'S'},
        {"attribution", required_argument, NULL, 'A'},
        {"replace", no_argument, NULL, 'r'},
        {"append", no_argument, NULL, 'a'},
        {"allow-outside", no_argument, NULL, 'O'},
        {NULL, 0, NULL, 0}};
    int c;
    long year;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            o->level = optarg;
            break;
        case 'L':
            o->label = optarg;
            break;
        case 's':
            o->src = optarg;
            break;
        case 'y':
            o->layer = optarg;
            break;
        case 'c':
            o->code_field = optarg;
            break;
        case 'n':
            o->name_field = optarg;
            break;
        case 'p':
            o->parent_field = optarg;
            break;
        case 'w':
            o->where = optarg;
            break;
        case 'S':
            o->s_srs = optarg;
            break;
        case 'A':
            o->attribution = optarg;
            break;
        case 'r':
            o->replace = 1;
            break;
        case 'a':
            o->append = 1;
            break;
        case 'O':
            o->allow_outside = 1;
            break;
        case 'v':
            if (tob_cli_parse_int(optarg, &year) != 0 || year < 1800 ||
                year > 2200)
                return tob_cli_usage_error(
                    "load", "--vintage '%s' is not a year", optarg);
            o->vintage = (int)year;
            break;
        default:
            return tob_cli_bad_option("load");
        }
    }
    if (optind == argc - 2)
        *layerfile = argv[optind + 1];
    else if (optind != argc - 1)
        return tob_cli_usage_error("load", "expected OBS.sqlite and at most "
                                           "one layer-definition file");
    return TOB_EXIT_OK;
}

/* Command-line values override those of the layer file. */
static void merge(tob_load_options_t *into, const tob_load_options_t *cli)
{
#define TAKE(f)                                                                \
    if (cli->f)                                                                \
    into->f = cli->f
    TAKE(level);
    TAKE(label);
    TAKE(src);
    TAKE(layer);
    TAKE(code_field);
    TAKE(name_field);
    TAKE(parent_field);
    TAKE(where);
    TAKE(s_srs);
    TAKE(attribution);
    TAKE(vintage);
    TAKE(replace);
    TAKE(append);
    TAKE(allow_outside);
#undef TAKE
}

/* The load marked the aggregates of its level stale (aggregation is a
 * later stage of the library): recompute them now. If this fails, the
 * load stays and readers compute those values on the fly. */
static tob_status_t refresh_aggregates(tob_store_t *st, const char *level,
                                       tob_aggregate_refresh_report_t *rep,
                                       tob_error_t *err)
{
    tob_status_t s = tob_store_begin(st, err);
    if (s == TOB_OK)
        s = tob_aggregate_refresh(st, level, NULL, rep, err);
    if (s == TOB_OK)
        s = tob_store_commit(st, err);
    if (s != TOB_OK)
        tob_store_rollback(st);
    return s;
}

static int do_load(const char *path, tob_load_options_t *opts)
{
    if (!opts->level || !opts->src || !opts->code_field || !opts->name_field)
        return tob_cli_usage_error("load", "--level, --src, --code and "
                                           "--name are required (or a "
                                           "layer-definition file)");
    progress_state_t progress = {0};
    if (!tob_cli_quiet && isatty(2)) {
        opts->progress = show_progress;
        opts->progress_user = &progress;
    }
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    tob_load_report_t rep;
    tob_status_t s = tob_store_open(path, TOB_STORE_WRITE, &st, &err);
    if (s == TOB_OK)
        s = tob_load(st, opts, &rep, &err);
    if (progress.shown)
        fputc('\n', stderr);
    tob_aggregate_refresh_report_t refreshed = {0};
    tob_error_t refresh_err;
    tob_error_clear(&refresh_err);
    if (s == TOB_OK &&
        refresh_aggregates(st, opts->level, &refreshed, &refresh_err) != TOB_OK)
        fprintf(stderr,
                "terrobs: warning: stored aggregates of %s not recomputed "
                "(%s): they are computed on the fly until 'terrobs "
                "aggregate' runs\n",
                opts->level, refresh_err.message);
    tob_store_close(st);
    if (s != TOB_OK)
        return tob_cli_fail(&err);
    tob_cli_note("loaded %zu %s (vintage %d) from %s, layer %s: %zu "
                 "geometries repaired",
                 rep.n_loaded, opts->level, rep.vintage, opts->src, rep.layer,
                 rep.n_repaired);
    if (opts->replace)
        tob_cli_note(", %zu removed", rep.n_removed);
    if (rep.n_recoded > 0)
        tob_cli_note(", %zu with text not in UTF-8 (read as Windows-1252)",
                     rep.n_recoded);
    tob_cli_note("\n");
    if (rep.n_parents_kept > 0)
        tob_cli_note("  member counts of the whole file kept for %zu %s "
                     "(--where leaves rows out)\n",
                     rep.n_parents_kept, rep.parent_level);
    char what[160];
    snprintf(what, sizeof what,
             "%s with %s outside --where (sums over them are not computed)",
             rep.parent_level, opts->level);
    tob_cli_warn_count(rep.n_parents_outside, what, rep.parents_outside);
    if (refreshed.n_runs > 0)
        tob_cli_note("  stored aggregates recomputed: %s\n", refreshed.runs);
    return TOB_EXIT_OK;
}

static int run(int argc, char **argv)
{
    tob_load_options_t cli = {0};
    const char *layerfile = NULL;
    int rc = parse_options(argc, argv, &cli, &layerfile);
    if (rc != TOB_EXIT_OK)
        return rc;
    const char *store = argv[optind];
    if (layerfile == NULL)
        return do_load(store, &cli);
    tob_error_t err;
    tob_error_clear(&err);
    tob_layerdef_t *def = NULL;
    if (tob_layerdef_read(layerfile, &def, &err) != TOB_OK)
        return tob_cli_fail(&err);
    tob_load_options_t *opts = tob_layerdef_options(def);
    merge(opts, &cli);
    rc = do_load(store, opts);
    tob_layerdef_destroy(def);
    return rc;
}

const tob_cli_command_t tob_cmd_load = {
    "load", "load territory boundaries from any GDAL source", usage, run};
