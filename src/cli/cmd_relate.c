/* cmd_relate.c - `terrobs relate`: memberships and overlaps between two
 * levels, with their diagnostics. */
#include "cli.h"

#include "terrobs/relations.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: terrobs relate OBS.sqlite --child L --parent L [options]\n"
    "       terrobs relate OBS.sqlite --overlap --child L --parent L\n"
    "                      [--min-share PCT]\n"
    "\n"
    "Relates each territory of the child level to its parent(s), replacing\n"
    "earlier relations between the two levels (all or nothing).\n"
    "\n"
    "Memberships (a commune in its EPCI, an EPCI in a SCoT) come from the\n"
    "parent code stored at load (--parent-code), from a member table\n"
    "(--members), or from space (--spatial). Code-based memberships are\n"
    "checked in space: each child's point on surface must lie in its\n"
    "parent's polygon. Orphans, children with several parents, unknown\n"
    "codes and spatial mismatches are counted with examples on stderr and\n"
    "in provenance (terrobs info).\n"
    "\n"
    "Overlaps (--overlap: QPV over communes) intersect the polygons of both\n"
    "levels and store the share of the child's area in each parent.\n"
    "\n"
    "  --child L           child level (commune, qpv, epci...)\n"
    "  --parent L          parent level (epci, commune, scot...)\n"
    "  --vintage Y         the child's vintage (default: the latest)\n"
    "  --parent-vintage Y  the parent's (default: the child's vintage if\n"
    "                      the parent level has it, else its latest)\n"
    "  --members FILE      member table (CSV, XLSX, ODS): a row per child\n"
    "                      and parent, e.g. epci_membres_cog2026.csv\n"
    "  --child-key F       its column of child codes (required with\n"
    "  --parent-key F      --members) and of parent codes\n"
    "  --sheet NAME        its sheet (default: the first)\n"
    "  --spatial           relate each child to the parent polygon that\n"
    "                      holds its point on surface\n"
    "  --no-check          skip the spatial check of code memberships\n"
    "  --strict            fail, writing nothing, on any orphan, unknown\n"
    "                      code or spatial mismatch\n"
    "  --overlap           compute overlaps with area shares instead\n"
    "  --min-share PCT     overlaps under PCT % of the child's area are\n"
    "                      border slivers, dropped (default 1)\n";

typedef struct relate_args {
    tob_relate_options_t rel;
    int overlap, spatial;
    double min_share_pct;
} relate_args_t;

static int parse_share(const char *text, double *out)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !(v >= 0 && v < 100))
        return tob_cli_usage_error("relate",
                                   "--min-share '%s' is not a percentage "
                                   "in [0, 100)",
                                   text);
    *out = v;
    return TOB_EXIT_OK;
}

static const struct option longopts[] = {
    {"child", required_argument, NULL, 'c'},
    {"parent", required_argument, NULL, 'p'},
    {"vintage", required_argument, NULL, 'v'},
    {"parent-vintage", required_argument, NULL, 'V'},
    {"members", required_argument, NULL, 'm'},
    {"child-key", required_argument, NULL, 'k'},
    {"parent-key", required_argument, NULL, 'K'},
    {"sheet", required_argument, NULL, 's'},
    {"spatial", no_argument, NULL, 'S'},
    {"no-check", no_argument, NULL, 'n'},
    {"strict", no_argument, NULL, 'x'},
    {"overlap", no_argument, NULL, 'o'},
    {"min-share", required_argument, NULL, 'M'},
    {NULL, 0, NULL, 0}};

/* One option into *a; an exit code. */
static int set_option(int c, const char *arg, relate_args_t *a)
{
    tob_relate_options_t *r = &a->rel;
    switch (c) {
    case 'c':
        r->child_level = arg;
        break;
    case 'p':
        r->parent_level = arg;
        break;
    case 'v':
        return tob_cli_parse_year("relate", "--vintage", arg,
                                  &r->child_vintage);
    case 'V':
        return tob_cli_parse_year("relate", "--parent-vintage", arg,
                                  &r->parent_vintage);
    case 'm':
        r->members = arg;
        break;
    case 'k':
        r->child_key = arg;
        break;
    case 'K':
        r->parent_key = arg;
        break;
    case 's':
        r->sheet = arg;
        break;
    case 'S':
        a->spatial = 1;
        break;
    case 'n':
        r->no_check = 1;
        break;
    case 'x':
        r->strict = 1;
        break;
    case 'o':
        a->overlap = 1;
        break;
    case 'M':
        return parse_share(arg, &a->min_share_pct);
    default:
        return tob_cli_bad_option("relate");
    }
    return TOB_EXIT_OK;
}

static int parse_options(int argc, char **argv, relate_args_t *a)
{
    int c, rc = TOB_EXIT_OK;
    optind = 1;
    while (rc == TOB_EXIT_OK &&
           (c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
        rc = set_option(c, optarg, a);
    if (rc != TOB_EXIT_OK)
        return rc;
    if (optind != argc - 1)
        return tob_cli_usage_error("relate", "expected one store path");
    if (a->rel.child_level == NULL || a->rel.parent_level == NULL)
        return tob_cli_usage_error("relate", "--child and --parent are "
                                             "required");
    if (a->rel.members != NULL &&
        (a->rel.child_key == NULL || a->rel.parent_key == NULL))
        return tob_cli_usage_error("relate", "--members needs --child-key "
                                             "and --parent-key");
    if ((a->rel.members != NULL) + a->spatial + a->overlap > 1)
        return tob_cli_usage_error("relate", "--members, --spatial and "
                                             "--overlap exclude each other");
    return TOB_EXIT_OK;
}

static void print_relate(const tob_relate_options_t *o,
                         const tob_relate_report_t *r)
{
    char what[256];
    tob_cli_note("related %zu %s (%d) to %zu %s (%d) from %s: %zu "
                 "memberships\n",
                 r->n_children, o->child_level, r->child_vintage, r->n_parents,
                 o->parent_level, r->parent_vintage,
                 o->by == TOB_RELATE_MEMBERS ? o->members
                 : o->by == TOB_RELATE_SPACE ? "points on surface"
                                             : "parent codes",
                 r->n_written);
    if (o->by == TOB_RELATE_MEMBERS)
        tob_cli_note("  %zu rows read\n", r->n_rows);
    if (o->by != TOB_RELATE_SPACE && !o->no_check)
        tob_cli_note("  spatial check (point on surface in its %s): %zu "
                     "checked, %zu mismatches\n",
                     o->parent_level, r->n_checked, r->n_mismatches);
    snprintf(what, sizeof what, "%s without %s", o->child_level,
             o->parent_level);
    tob_cli_warn_count(r->n_orphans, what, r->orphans);
    snprintf(what, sizeof what, "%s in several %s", o->child_level,
             o->parent_level);
    tob_cli_warn_count(r->n_several, what, r->several);
    snprintf(what, sizeof what, "%s codes not in the store", o->child_level);
    tob_cli_warn_count(r->n_unknown_child, what, r->unknown_child);
    snprintf(what, sizeof what, "%s codes not in the store", o->parent_level);
    tob_cli_warn_count(r->n_unknown_parent, what, r->unknown_parent);
    snprintf(what, sizeof what, "points on surface outside their %s",
             o->parent_level);
    tob_cli_warn_count(r->n_mismatches, what, r->mismatches);
    snprintf(what, sizeof what,
             "%s with %s outside the store (members in the store of those "
             "its source lists; their sums and counts are not computed)",
             o->parent_level, o->child_level);
    tob_cli_warn_count(r->n_incomplete, what, r->incomplete);
}

static void print_overlaps(const tob_overlap_options_t *o,
                           const tob_overlap_report_t *r)
{
    tob_cli_note("overlaps of %zu %s (%d) with %s (%d): %zu written, %zu "
                 "straddling, %zu border slivers under %g %% dropped, %zu "
                 "intersections repaired\n",
                 r->n_children, o->child_level, r->child_vintage,
                 o->parent_level, r->parent_vintage, r->n_overlaps,
                 r->n_straddling, r->n_slivers, 100 * o->min_share,
                 r->n_repaired);
    if (r->n_straddling > 0)
        tob_cli_note("  straddling: %s\n", r->straddling);
    char what[256];
    snprintf(what, sizeof what, "%s over no %s", o->child_level,
             o->parent_level);
    tob_cli_warn_count(r->n_outside, what, r->outside);
}

static int run(int argc, char **argv)
{
    relate_args_t a = {.min_share_pct = 1.0};
    int rc = parse_options(argc, argv, &a);
    if (rc != TOB_EXIT_OK)
        return rc;
    a.rel.by = a.rel.members != NULL ? TOB_RELATE_MEMBERS
               : a.spatial           ? TOB_RELATE_SPACE
                                     : TOB_RELATE_PARENT_CODE;
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    tob_status_t s = tob_store_open(argv[optind], TOB_STORE_WRITE, &st, &err);
    tob_relate_report_t rel;
    tob_overlap_report_t ovl;
    tob_overlap_options_t o = {a.rel.child_level, a.rel.parent_level,
                               a.rel.child_vintage, a.rel.parent_vintage,
                               a.min_share_pct / 100};
    if (s == TOB_OK && a.overlap)
        s = tob_relate_overlaps(st, &o, &ovl, &err);
    else if (s == TOB_OK)
        s = tob_relate(st, &a.rel, &rel, &err);
    tob_store_close(st);
    if (s != TOB_OK)
        return tob_cli_fail(&err);
    if (a.overlap)
        print_overlaps(&o, &ovl);
    else
        print_relate(&a.rel, &rel);
    return TOB_EXIT_OK;
}

const tob_cli_command_t tob_cmd_relate = {
    "relate", "relate two levels: memberships checked in space, overlaps",
    usage, run};
