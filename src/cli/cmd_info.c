/* cmd_info.c - `terrobs info`: what a store holds, or one territory. */
#include "cli.h"

#include "terrobs/store.h"
#include "terrobs/territory.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: terrobs info OBS.sqlite [--level L --code C [--share VAR]]\n"
    "\n"
    "Without --code: the storage CRS, schema version, levels with their\n"
    "territory counts per vintage and area, the extent, variables, and every\n"
    "load and import recorded in provenance (path, layer, count, SHA-256,\n"
    "date).\n"
    "With --level and --code: the territory's name, vintage and area, its\n"
    "parents, its children and its overlaps with area shares (the share\n"
    "of the smaller territory's area, 'unknown' for a list without\n"
    "polygons), then each variable's latest value: observed, the ratio of\n"
    "its parts, or aggregated on the fly from its members.\n"
    "\n"
    "  --level L     level of the territory\n"
    "  --code C      its code\n"
    "  --vintage Y   its vintage (default: the latest)\n"
    "  --share VAR   VAR for the territory, each member with its share of\n"
    "                it, and each territory it belongs to with its share\n"
    "                there (e.g. --share population_2021)\n";

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"level", required_argument, NULL, 'l'},
        {"code", required_argument, NULL, 'c'},
        {"vintage", required_argument, NULL, 'v'},
        {"share", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0}};
    const char *level = NULL, *code = NULL, *share = NULL;
    long vintage = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'l')
            level = optarg;
        else if (c == 'c')
            code = optarg;
        else if (c == 's')
            share = optarg;
        else if (c == 'v' && tob_cli_parse_int(optarg, &vintage) == 0)
            continue;
        else
            return tob_cli_bad_option("info");
    }
    if (optind != argc - 1)
        return tob_cli_usage_error("info", "expected one store path");
    if ((level == NULL) != (code == NULL))
        return tob_cli_usage_error("info", "--level and --code go together");
    if (share != NULL && code == NULL)
        return tob_cli_usage_error("info", "--share needs --level and --code");
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    if (tob_store_open(argv[optind], TOB_STORE_READ, &st, &err) != TOB_OK)
        return tob_cli_fail(&err);
    tob_status_t s = code != NULL
                         ? tob_territory_describe(st, level, code, vintage,
                                                  share, stdout, &err)
                         : tob_store_describe(st, stdout, &err);
    tob_store_close(st);
    return s == TOB_OK ? TOB_EXIT_OK : tob_cli_fail(&err);
}

const tob_cli_command_t tob_cmd_info = {
    "info", "describe a store, or one territory and its relations", usage, run};
