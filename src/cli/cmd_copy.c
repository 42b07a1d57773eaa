/* cmd_copy.c - `terrobs copy`: a whole store to another, between
 * SpatiaLite and PostgreSQL/PostGIS either way. */
#include "cli.h"

#include "terrobs/store.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
    "usage: terrobs copy SRC DST [--schema NAME] [--force]\n"
    "\n"
    "Copies the whole store SRC to DST, each a SpatiaLite file or a\n"
    "PostgreSQL/PostGIS schema (PG:\"dbname=obs host=... active_schema=S\"\n"
    "or postgresql://host/obs?schema=S), either way: every table with its\n"
    "ids (territories, geometries in the same CRS, memberships, variables,\n"
    "observations of every year, aggregates and their staleness, contracts,\n"
    "projects, GUP, provenance, attributions), at the current schema\n"
    "version, with one view per level. DST is written in one transaction (a\n"
    "file built aside and renamed into place): a failure leaves it absent\n"
    "or as it was. DST may be absent or an empty store; a store with\n"
    "content is replaced only with --force; a file or schema that is not a\n"
    "terrobs store, never.\n"
    "\n"
    "  --schema NAME  the schema of a PostgreSQL name that does not say one\n"
    "                 (default terrobs; as the global --schema)\n"
    "  --force        replace a DST store that holds data\n";

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"schema", required_argument, NULL, 's'},
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0}};
    int force = 0, c;
    tob_error_t err;
    tob_error_clear(&err);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f", longopts, NULL)) != -1) {
        if (c == 's') {
            if (tob_store_set_schema(optarg, &err) != TOB_OK)
                return tob_cli_usage_error("copy", "--schema: %s", err.message);
        } else if (c == 'f') {
            force = 1;
        } else {
            return tob_cli_bad_option("copy");
        }
    }
    if (optind != argc - 2)
        return tob_cli_usage_error("copy", "expected SRC and DST");
    tob_copy_summary_t sum;
    if (tob_store_copy(argv[optind], argv[optind + 1], force, &sum, &err) !=
        TOB_OK)
        return tob_cli_fail(&err);
    tob_cli_note("copied %s to %s: %zu tables, %lld rows (%lld territories,"
                 " %lld observations), EPSG:%d\n",
                 argv[optind], argv[optind + 1], sum.n_tables, sum.n_rows,
                 sum.n_territories, sum.n_observations, sum.srid);
    return TOB_EXIT_OK;
}

const tob_cli_command_t tob_cmd_copy = {
    "copy", "copy a whole store between SpatiaLite and PostGIS", usage, run};
