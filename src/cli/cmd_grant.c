/* cmd_grant.c - `terrobs grant`: read-only access to a PostgreSQL store
 * for a partner's role. */
#include "cli.h"

#include "terrobs/store.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
    "usage: terrobs grant OBS --reader ROLE\n"
    "\n"
    "PostgreSQL/PostGIS stores only: lets the existing role ROLE read the\n"
    "observatory, and nothing else: USAGE on its schema, SELECT on its\n"
    "tables and level views, and SELECT on the tables and views made there\n"
    "later (default privileges of the user running grant). ROLE cannot\n"
    "write, nor read another observatory's schema. Create the role first\n"
    "(CREATE ROLE partner LOGIN PASSWORD '...').\n"
    "\n"
    "  --reader ROLE   the role given read access\n";

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"reader", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
    const char *role = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'r')
            role = optarg;
        else
            return tob_cli_bad_option("grant");
    }
    if (optind != argc - 1)
        return tob_cli_usage_error("grant", "expected one store");
    if (role == NULL)
        return tob_cli_usage_error("grant", "--reader ROLE is required");
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    if (tob_store_open(argv[optind], TOB_STORE_WRITE, &st, &err) != TOB_OK)
        return tob_cli_fail(&err);
    tob_status_t s = tob_store_grant_reader(st, role, &err);
    if (s == TOB_OK)
        tob_cli_note("%s may now read %s\n", role, tob_store_name(st));
    tob_store_close(st);
    return s == TOB_OK ? TOB_EXIT_OK : tob_cli_fail(&err);
}

const tob_cli_command_t tob_cmd_grant = {
    "grant", "give a PostgreSQL role read-only access to a store", usage, run};
