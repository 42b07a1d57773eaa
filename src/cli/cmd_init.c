/* cmd_init.c - `terrobs init`: create an observatory store. */
#include "cli.h"

#include "terrobs/store.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
    "usage: terrobs init OBS.sqlite [--srid N] [--force]\n"
    "       terrobs [--schema NAME] init PG:\"dbname=obs host=...\" ...\n"
    "\n"
    "Creates an observatory store: a SpatiaLite file that QGIS and ogrinfo\n"
    "open as is, with one layer per territory level once loaded; or, on\n"
    "PostgreSQL/PostGIS, a schema (default terrobs; active_schema=NAME in\n"
    "the name or --schema) with the same tables and one view per level\n"
    "(PostGIS is created in the database if it is not there).\n"
    "\n"
    "  --srid N   storage CRS, a projected EPSG code (default 2154,\n"
    "             Lambert-93; 5490 for Martinique and Guadeloupe, 2975 for\n"
    "             La Réunion). Areas are measured in it.\n"
    "  --force    replace an existing file (atomically) or schema\n";

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"srid", required_argument, NULL, 's'},
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0}};
    long srid = TOB_STORE_DEFAULT_SRID;
    int force = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:f", longopts, NULL)) != -1) {
        if (c == 's') {
            if (tob_cli_parse_int(optarg, &srid) != 0 || srid <= 0 ||
                srid > 999999)
                return tob_cli_usage_error(
                    "init", "--srid '%s' is not an EPSG code", optarg);
        } else if (c == 'f') {
            force = 1;
        } else {
            return tob_cli_bad_option("init");
        }
    }
    if (optind != argc - 1)
        return tob_cli_usage_error("init", "expected one store path");
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    if (tob_store_create(argv[optind], (int)srid, force, &st, &err) != TOB_OK)
        return tob_cli_fail(&err);
    /* The store's own name for itself: no password of a connection. */
    tob_cli_note("created %s (EPSG:%ld)\n", tob_store_path(st), srid);
    tob_store_close(st);
    return TOB_EXIT_OK;
}

const tob_cli_command_t tob_cmd_init = {
    "init", "create an observatory store (SpatiaLite or PostGIS)", usage, run};
