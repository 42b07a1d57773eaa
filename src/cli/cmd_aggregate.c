/* cmd_aggregate.c - `terrobs aggregate`: values of a level computed from
 * another's through memberships, stored with provenance. */
#include "cli.h"

#include "terrobs/aggregate.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: terrobs aggregate OBS.sqlite --from L --to L [options]\n"
    "\n"
    "Computes the values of a level from those observed at another,\n"
    "through memberships (terrobs relate, terrobs zone), and stores them as\n"
    "observations of that level, with provenance (all or nothing). How a\n"
    "variable aggregates comes from its metadata (terrobs import OBS\n"
    "variables FILE):\n"
    "  sum            the members' sum (population, households)\n"
    "  mean           the members' plain mean\n"
    "  weighted_mean  sum(value x weight) / sum(weight), weight a variable\n"
    "  ratio          scale x sum(numerator) / sum(denominator): a rate is\n"
    "                 recomputed from its summed parts, never averaged\n"
    "  none           not aggregated (classes, codes)\n"
    "A value is computed only when every member has one, and only for\n"
    "territories their members cover (by default 99 % of the area: an EPCI\n"
    "partly outside the store gets no value rather than a wrong one); each\n"
    "case is reported. Levels made of other levels (a SCoT of EPCIs) are\n"
    "computed through them, always from the --from level's data. Values\n"
    "imported for the target level are kept. Carnets, maps and exports\n"
    "compute the same values on the fly where none is stored.\n"
    "\n"
    "  --from L            level where the data are observed (commune, qpv)\n"
    "  --to L              level to compute (epci, scot, zone, departement)\n"
    "  --vintage Y         the --to level's vintage (default: the latest)\n"
    "  --variables a,b     variables to compute (default: every variable\n"
    "                      observed at --from that aggregates, and the\n"
    "                      ratios of such variables)\n"
    "  --year Y            only this year (default: every year observed)\n"
    "  --overlap           through overlaps (terrobs relate --overlap):\n"
    "                      each member's value weighted by its share of\n"
    "                      area, e.g. QPV counts to communes; sums and\n"
    "                      ratios only\n"
    "  --min-coverage PCT  share of a territory its members must cover\n"
    "                      (default 99)\n";

typedef struct agg_args {
    tob_aggregate_options_t o;
    char **names; /* --variables, NULL-terminated */
} agg_args_t;

static int split_variables(agg_args_t *a, const char *text)
{
    free(a->names);
    if ((a->names = tob_cli_split_list(text)) == NULL) {
        fprintf(stderr, "terrobs: error: out of memory\n");
        return TOB_EXIT_INTERNAL;
    }
    if (a->names[0] == NULL)
        return tob_cli_usage_error("aggregate", "--variables is empty");
    a->o.variables = (const char *const *)a->names;
    return TOB_EXIT_OK;
}

static int parse_number(const char *opt, const char *text, double lo, double hi,
                        double *out)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !(v >= lo && v <= hi))
        return tob_cli_usage_error("aggregate", "%s '%s' is out of range", opt,
                                   text);
    *out = v;
    return TOB_EXIT_OK;
}

static int parse_options(int argc, char **argv, agg_args_t *a)
{
    static const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"vintage", required_argument, NULL, 'v'},
        {"variables", required_argument, NULL, 'V'},
        {"year", required_argument, NULL, 'y'},
        {"overlap", no_argument, NULL, 'o'},
        {"min-coverage", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0}};
    int c, rc = TOB_EXIT_OK;
    double v = 0;
    optind = 1;
    while (rc == TOB_EXIT_OK &&
           (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            a->o.from_level = optarg;
            break;
        case 't':
            a->o.to_level = optarg;
            break;
        case 'V':
            rc = split_variables(a, optarg);
            break;
        case 'o':
            a->o.overlap = 1;
            break;
        case 'v':
        case 'y':
            rc = parse_number(c == 'v' ? "--vintage" : "--year", optarg, 1800,
                              2200, &v);
            *(c == 'v' ? &a->o.to_vintage : &a->o.year) = (int)v;
            break;
        case 'c':
            rc = parse_number("--min-coverage", optarg, 1, 100, &v);
            a->o.min_coverage = v / 100;
            break;
        default:
            return tob_cli_bad_option("aggregate");
        }
    }
    if (rc == TOB_EXIT_OK && optind != argc - 1)
        return tob_cli_usage_error("aggregate", "expected one store path");
    if (rc == TOB_EXIT_OK && (!a->o.from_level || !a->o.to_level))
        return tob_cli_usage_error("aggregate", "--from and --to are "
                                                "required");
    return rc;
}

static void print_report(const tob_aggregate_options_t *o,
                         const tob_aggregate_report_t *r)
{
    tob_cli_note("aggregated %s -> %s (%d): %zu values of %zu variables "
                 "for %zu territories\n  variables: %s\n",
                 o->from_level, o->to_level, r->to_vintage, r->n_written,
                 r->n_variables, r->n_parents, r->variables);
    if (r->skipped[0] != '0')
        tob_cli_note("  not aggregatable, left out: %s\n", r->skipped);
    if (r->n_kept > 0)
        tob_cli_note("  imported values kept: %s\n", r->kept);
    char what[160];
    snprintf(what, sizeof what,
             "%s whose members do not cover them, "
             "no value",
             o->to_level);
    tob_cli_warn_count(r->n_partial, what, r->partial);
    if (o->overlap)
        snprintf(what, sizeof what, "%s overlapped by no %s, no value",
                 o->to_level, o->from_level);
    else
        snprintf(what, sizeof what, "%s without members, no value",
                 o->to_level);
    tob_cli_warn_count(r->n_no_members, what, r->no_members);
    if (r->n_incomplete > 0)
        fprintf(stderr,
                "terrobs: warning: %zu values not computed, members without "
                "value: %s\n",
                r->n_incomplete, r->incomplete);
}

static int run(int argc, char **argv)
{
    agg_args_t a = {0};
    int rc = parse_options(argc, argv, &a);
    if (rc == TOB_EXIT_OK) {
        tob_error_t err;
        tob_error_clear(&err);
        tob_store_t *st = NULL;
        tob_aggregate_report_t rep;
        tob_status_t s =
            tob_store_open(argv[optind], TOB_STORE_WRITE, &st, &err);
        if (s == TOB_OK)
            s = tob_aggregate(st, &a.o, &rep, &err);
        tob_store_close(st);
        if (s == TOB_OK)
            print_report(&a.o, &rep);
        rc = s == TOB_OK ? TOB_EXIT_OK : tob_cli_fail(&err);
    }
    free(a.names);
    return rc;
}

const tob_cli_command_t tob_cmd_aggregate = {
    "aggregate", "compute a level's values from another's (sum, ratio...)",
    usage, run};
