/* import_territories.c - `terrobs import OBS territories FILE`: a level
 * without geometry (the QPV 2024 list) related to its parents. */
#include "cli.h"
#include "import.h"

#include "terrobs/relations.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
    "usage: terrobs import OBS.sqlite territories FILE --level L --code F\n"
    "                      --name F [--parent-level L --parent-key F]\n"
    "                      [--in-store] [--vintage Y] [--label TEXT]\n"
    "                      [--replace]\n"
    "\n"
    "Imports territories that have no polygon, e.g. the 2024 QPV list:\n"
    "one row per territory and parent it lies in (a QPV straddling two\n"
    "communes has two rows). Each code becomes a territory of the level\n"
    "(codes checked: QN05901M for qpv), related to every parent listed:\n"
    "'overlap' relations with area share 1 when the territory lies in one\n"
    "parent, unknown (empty) when it straddles several, so values are\n"
    "never counted twice. terrobs info --level qpv --code C lists them.\n"
    "Loading a (level, vintage) twice is refused unless --replace.\n"
    "\n"
    "  --level L          level of the territories (qpv...)\n"
    "  --label TEXT       the level's label, if new\n"
    "  --code F           column of codes\n"
    "  --name F           column of names\n"
    "  --vintage Y        year of the list (default: this year)\n"
    "  --parent-level L   level of the parents (commune)\n"
    "  --parent-key F     column of the parent's code (insee_com)\n"
    "  --parent-vintage Y the parents' vintage (default: the latest)\n"
    "  --in-store         keep only the territories with a parent in the\n"
    "                     store (the national QPV list into a\n"
    "                     departement's store); the others are counted\n"
    "  --sheet NAME       sheet of a spreadsheet (default: the first)\n"
    "  --replace          swap the (level, vintage), keeping the ids (and\n"
    "                     values) of codes still listed\n";

static int parse_options(int argc, char **argv, tob_territories_options_t *o)
{
    static const struct option longopts[] = {
        {"level", required_argument, NULL, 'l'},
        {"label", required_argument, NULL, 'L'},
        {"code", required_argument, NULL, 'c'},
        {"name", required_argument, NULL, 'n'},
        {"vintage", required_argument, NULL, 'v'},
        {"parent-level", required_argument, NULL, 'p'},
        {"parent-key", required_argument, NULL, 'k'},
        {"parent-vintage", required_argument, NULL, 'V'},
        {"sheet", required_argument, NULL, 's'},
        {"replace", no_argument, NULL, 'r'},
        {"in-store", no_argument, NULL, 'i'},
        {NULL, 0, NULL, 0}};
    int c, rc = TOB_EXIT_OK;
    optind = 1;
    while (rc == TOB_EXIT_OK &&
           (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            o->level = optarg;
            break;
        case 'L':
            o->label = optarg;
            break;
        case 'c':
            o->code_key = optarg;
            break;
        case 'n':
            o->name_key = optarg;
            break;
        case 'v':
            rc = tob_cli_parse_year("import", "--vintage", optarg, &o->vintage);
            break;
        case 'p':
            o->parent_level = optarg;
            break;
        case 'k':
            o->parent_key = optarg;
            break;
        case 'V':
            rc = tob_cli_parse_year("import", "--parent-vintage", optarg,
                                    &o->parent_vintage);
            break;
        case 's':
            o->sheet = optarg;
            break;
        case 'r':
            o->replace = 1;
            break;
        case 'i':
            o->in_store = 1;
            break;
        default:
            return tob_cli_bad_option("import");
        }
    }
    if (rc != TOB_EXIT_OK)
        return rc;
    if (optind != argc - 1)
        return tob_cli_usage_error("import", "expected one territory list");
    if (!o->level || !o->code_key || !o->name_key)
        return tob_cli_usage_error("import", "--level, --code and --name "
                                             "are required");
    if ((o->parent_level != NULL) != (o->parent_key != NULL))
        return tob_cli_usage_error("import", "--parent-level and "
                                             "--parent-key go together");
    if (o->in_store && o->parent_level == NULL)
        return tob_cli_usage_error("import", "--in-store needs --parent-level "
                                             "and --parent-key");
    o->path = argv[optind];
    return TOB_EXIT_OK;
}

static int run(const char *store, int argc, char **argv)
{
    tob_territories_options_t o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc != TOB_EXIT_OK)
        return rc;
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    tob_territories_report_t rep;
    tob_status_t s = tob_store_open(store, TOB_STORE_WRITE, &st, &err);
    if (s == TOB_OK)
        s = tob_territories_import(st, &o, &rep, &err);
    tob_store_close(st);
    if (s != TOB_OK)
        return tob_cli_fail(&err);
    tob_cli_note("imported %zu %s (vintage %d) from a list without geometry, "
                 "%zu rows of %s; %zu removed\n",
                 rep.n_territories, o.level, rep.vintage, rep.n_rows, o.path,
                 rep.n_removed);
    if (o.parent_level != NULL)
        tob_cli_note("  %zu relations to %s (%d); in several %s: %s\n",
                     rep.n_relations, o.parent_level, rep.parent_vintage,
                     o.parent_level, rep.straddling);
    if (rep.n_left_out > 0)
        tob_cli_note("  left out (--in-store), no %s in the store: %s\n",
                     o.parent_level, rep.left_out);
    char what[200];
    snprintf(what, sizeof what, "%s codes not in the store%s",
             o.parent_level ? o.parent_level : "parent",
             o.in_store ? " (of territories kept: they straddle its edge)"
                        : " (--in-store keeps only the territories with a "
                          "parent in the store)");
    tob_cli_warn_count(rep.n_unknown_parent, what, rep.unknown_parent);
    return TOB_EXIT_OK;
}

const tob_import_kind_t tob_import_territories = {
    "territories", "territories without geometry (QPV list) and parents", usage,
    run};
