/* cmd_zone.c - `terrobs zone`: zones from member lists. */
#include "cli.h"

#include "terrobs/zone.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
    "usage: terrobs zone OBS.sqlite FILE [--vintage Y] [--sheet NAME]\n"
    "\n"
    "Builds zones from member lists: a SCoT made of EPCIs, a zone made of\n"
    "EPCIs, a GUP site made of QPVs or communes. FILE (CSV, XLSX, ODS) has\n"
    "one row per zone and member, with the columns\n"
    "  zone_level,zone_code,zone_name,member_level,member_code\n"
    "e.g.  scot,S59-LM,SCoT de Lille Métropole,epci,200093201\n"
    "Each zone becomes a territory of its level (a layer in QGIS) whose\n"
    "geometry is the dissolve of its members' polygons, related to its\n"
    "members so that values aggregate to it (terrobs aggregate). Members\n"
    "are taken from the latest vintage of their level. A member code that\n"
    "is not in the store is an error naming FILE:ROW: member_code, and\n"
    "nothing is written. Zones already in the store are rebuilt, keeping\n"
    "their values; other zones of the level are left as they are.\n"
    "\n"
    "  --vintage Y    vintage of the zones (default: their members')\n"
    "  --sheet NAME   sheet of a spreadsheet (default: the first)\n";

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"vintage", required_argument, NULL, 'v'},
        {"sheet", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0}};
    tob_zone_options_t o = {0};
    long year = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 's')
            o.sheet = optarg;
        else if (c == 'v' && tob_cli_parse_int(optarg, &year) == 0 &&
                 year >= 1800 && year <= 2200)
            o.vintage = (int)year;
        else
            return tob_cli_bad_option("zone");
    }
    if (optind != argc - 2)
        return tob_cli_usage_error("zone", "expected OBS.sqlite and a zone "
                                           "file");
    o.path = argv[optind + 1];
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    tob_zone_report_t rep;
    tob_status_t s = tob_store_open(argv[optind], TOB_STORE_WRITE, &st, &err);
    if (s == TOB_OK)
        s = tob_zones_import(st, &o, &rep, &err);
    tob_store_close(st);
    if (s != TOB_OK)
        return tob_cli_fail(&err);
    tob_cli_note("%zu zones from %s (vintage %d): %zu created, %zu rebuilt, "
                 "%zu members\n  %s\n",
                 rep.n_zones, o.path, rep.vintage, rep.n_created,
                 rep.n_replaced, rep.n_members, rep.zones);
    if (rep.n_without_geometry > 0)
        fprintf(stderr,
                "terrobs: warning: %zu members have no geometry: their "
                "zones' polygons leave them out\n",
                rep.n_without_geometry);
    return TOB_EXIT_OK;
}

const tob_cli_command_t tob_cmd_zone = {
    "zone", "build zones (SCoT, GUP sites...) from member lists", usage, run};
