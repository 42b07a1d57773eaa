/* import_indicators.c - `terrobs import OBS indicators FILE`: indicator
 * tables joined to territories, with join diagnostics. */
#include "cli.h"
#include "import.h"

#include "terrobs/indicators.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: terrobs import OBS.sqlite indicators FILE --level L --key F\n"
    "                      [--year Y] [--series LIST] [--columns a,b,c]\n"
    "                      [--sheet NAME]\n"
    "                      [--cog-from YEAR --passage FILE]\n"
    "                      [--partial-merges] [--strict]\n"
    "\n"
    "Imports a table of indicators, one row per territory and one variable\n"
    "per column, from CSV (',', ';' or tab; UTF-8 with or without BOM, or\n"
    "Latin-1), XLSX or ODS. Numbers may be written the French way\n"
    "(1 234,5 with spaces or non-breaking spaces) or the English way; an\n"
    "empty cell is a missing value, never a zero; a cell that is not a\n"
    "number is an error naming its row and column. Duplicate keys are an\n"
    "error listing them. Nothing is written unless everything imports.\n"
    "\n"
    "Every import reports, on stderr and in provenance (terrobs info), how\n"
    "the keys joined: territories matched, keys with no territory, and\n"
    "territories of the level with no row, with examples. Keys with no\n"
    "territory in the store's own departements come first, with the\n"
    "option that maps them (old codes: --cog-from, --passage; a merged\n"
    "commune lacking old codes: --partial-merges).\n"
    "\n"
    "A column becomes the variable named after its header (lowercase, a-z\n"
    "0-9 _: \"Population 2021\" is population_2021). Variables that are not\n"
    "declared yet are created with their name as label and aggregate\n"
    "'none'; declare labels, units and aggregation first with\n"
    "'terrobs import OBS.sqlite variables FILE'.\n"
    "\n"
    "A variable has years. A column whose name ends in _YYYY holds that\n"
    "year; --series maps several columns onto one variable with their\n"
    "years: --series population takes population_2015 and population_2021\n"
    "as the variable population in 2015 and 2021, and\n"
    "--series population=P{yy}_POP,menages=P{yy}_MEN takes Insee's\n"
    "P15_POP, P21_POP, P21_MEN ({yy} or {yyyy} is the year, 99 is 1999);\n"
    "superficie=SUPERF, with no year in the pattern, renames a column.\n"
    "Without --series, population_2015 stays a variable of its own, of\n"
    "2015. A --year that contradicts the year a column's name says is a\n"
    "warning naming both, and the name's year is kept.\n"
    "\n"
    "  --level L          level of the keys (commune, epci, qpv...)\n"
    "  --vintage Y        that level's vintage (default: the latest)\n"
    "  --key F            column holding the territory codes\n"
    "  --year Y           year of the values whose column name has none\n"
    "                     (default: the variable's declared year)\n"
    "  --series LIST      columns that are years of one variable: NAME\n"
    "                     (NAME_YYYY columns) or NAME=PATTERN with {yyyy}\n"
    "                     or {yy} (none: a column renamed), comma-separated\n"
    "  --columns a,b,c    columns to import (default: every column whose\n"
    "                     cells are mostly numbers; others are listed as\n"
    "                     left out)\n"
    "  --sheet NAME       sheet of a spreadsheet (default: the first)\n"
    "  --cog-from YEAR    keys are commune codes of that COG year: map them\n"
    "  --passage FILE     with this passage table (one row per old code:\n"
    "                     code_YEAR and code_VINTAGE columns, e.g.\n"
    "                     passage_codes_communes_2018_2026.csv). Merged\n"
    "                     communes are combined: sums summed, ratios\n"
    "                     recomputed from their summed parts, weighted\n"
    "                     means with their weight; a merged commune whose\n"
    "                     old codes are not all in the file gets no value.\n"
    "                     What cannot be mapped is reported.\n"
    "  --partial-merges   the keys are of a later COG than the passage\n"
    "                     table's old codes (a COG 2024 file with a\n"
    "                     2018 -> 2026 table): combine the old codes\n"
    "                     present, the others being merged already\n"
    "  --passage-from F   the passage table's old-code column\n"
    "  --passage-to F     and its new-code column (defaults as above)\n"
    "  --strict           fail on keys with no territory or values that\n"
    "                     cannot be mapped, instead of reporting them\n";

typedef struct ind_args {
    tob_indicators_options_t o;
    char **columns;
} ind_args_t;

static int parse_columns(ind_args_t *a, const char *text)
{
    free(a->columns);
    if ((a->columns = tob_cli_split_list(text)) == NULL) {
        fprintf(stderr, "terrobs: error: out of memory\n");
        return TOB_EXIT_INTERNAL;
    }
    if (a->columns[0] == NULL)
        return tob_cli_usage_error("import", "--columns is empty");
    a->o.columns = (const char *const *)a->columns;
    return TOB_EXIT_OK;
}

static const struct option longopts[] = {
    {"level", required_argument, NULL, 'l'},
    {"vintage", required_argument, NULL, 'v'},
    {"key", required_argument, NULL, 'k'},
    {"year", required_argument, NULL, 'y'},
    {"series", required_argument, NULL, 'S'},
    {"columns", required_argument, NULL, 'c'},
    {"sheet", required_argument, NULL, 's'},
    {"cog-from", required_argument, NULL, 'g'},
    {"passage", required_argument, NULL, 'p'},
    {"passage-from", required_argument, NULL, 'F'},
    {"passage-to", required_argument, NULL, 'T'},
    {"strict", no_argument, NULL, 'x'},
    {"partial-merges", no_argument, NULL, 'P'},
    {NULL, 0, NULL, 0}};

/* One option into *a; an exit code. */
static int set_option(int c, const char *arg, ind_args_t *a)
{
    tob_indicators_options_t *o = &a->o;
    switch (c) {
    case 'l':
        o->level = arg;
        break;
    case 'v':
        return tob_cli_parse_year("import", "--vintage", arg, &o->vintage);
    case 'k':
        o->key = arg;
        break;
    case 'y':
        return tob_cli_parse_year("import", "--year", arg, &o->year);
    case 'c':
        return parse_columns(a, arg);
    case 'S':
        o->series = arg;
        break;
    case 's':
        o->sheet = arg;
        break;
    case 'g':
        return tob_cli_parse_year("import", "--cog-from", arg, &o->cog_from);
    case 'p':
        o->passage = arg;
        break;
    case 'F':
        o->passage_from = arg;
        break;
    case 'T':
        o->passage_to = arg;
        break;
    case 'x':
        o->strict = 1;
        break;
    case 'P':
        o->partial_merges = 1;
        break;
    default:
        return tob_cli_bad_option("import");
    }
    return TOB_EXIT_OK;
}

static int parse_options(int argc, char **argv, ind_args_t *a)
{
    int c, rc = TOB_EXIT_OK;
    optind = 1;
    while (rc == TOB_EXIT_OK &&
           (c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
        rc = set_option(c, optarg, a);
    if (rc != TOB_EXIT_OK)
        return rc;
    if (optind != argc - 1)
        return tob_cli_usage_error("import", "expected one indicator file");
    if (a->o.level == NULL || a->o.key == NULL)
        return tob_cli_usage_error("import", "--level and --key are "
                                             "required");
    if ((a->o.cog_from != 0) != (a->o.passage != NULL))
        return tob_cli_usage_error("import", "--cog-from and --passage go "
                                             "together");
    a->o.path = argv[optind];
    return TOB_EXIT_OK;
}

/* What matters first: keys of the store's own area with no territory (old
 * codes, most likely), and merged territories that lack old codes, each
 * with the option that fixes it. */
static void print_own_area(const tob_indicators_options_t *o,
                           const tob_indicators_report_t *r)
{
    if (r->n_unknown_local > 0 && o->cog_from == 0)
        fprintf(stderr,
                "terrobs: warning: keys of the store's own area (%s) with "
                "no %s: %s; old codes of merged communes? map them with "
                "--cog-from YEAR --passage TABLE (a COG passage table)\n",
                r->local_area, o->level, r->unknown_local);
    else if (r->n_unknown_local > 0)
        fprintf(stderr,
                "terrobs: warning: keys of the store's own area (%s) with "
                "no %s, after the passage table: %s\n",
                r->local_area, o->level, r->unknown_local);
    if (r->n_partial > 0)
        fprintf(stderr,
                "terrobs: warning: values that cannot be mapped: %s; %zu "
                "merged %s %s old codes in the file: if its codes are "
                "of a later COG than the passage table's old ones (the "
                "Insee comparateur is COG 2024), add --partial-merges\n",
                r->unmappable, r->n_partial, o->level,
                r->n_partial == 1 ? "lacks" : "lack");
}

static void print_report(const tob_indicators_options_t *o,
                         const tob_indicators_report_t *r)
{
    tob_cli_note("imported %s (%s): %zu rows, %zu variables, %zu values "
                 "(%zu empty) for %zu %s of vintage %d\n",
                 o->path, r->encoding, r->n_rows, r->n_columns, r->n_values,
                 r->n_blank, r->n_matched, o->level, r->vintage);
    print_own_area(o, r);
    tob_cli_note("  variables (year): %s\n", r->columns);
    if (r->skipped[0] != '0')
        tob_cli_note(
            "  columns left out (text, or codes and coordinates): %s\n",
            r->skipped);
    if (r->n_created > 0)
        tob_cli_note("  new variables (aggregate 'none' until declared): "
                     "%s\n",
                     r->created);
    if (o->cog_from != 0)
        tob_cli_note("  COG %d -> %d: %zu keys recoded, merged %s\n",
                     o->cog_from, r->vintage, r->n_mapped, r->merged);
    tob_cli_note("  join: %zu matched, %zu keys with no %s, %zu %s with no "
                 "row\n",
                 r->n_matched, r->n_unknown, o->level, r->n_no_row, o->level);
    char what[160];
    snprintf(what, sizeof what, "%skeys with no %s%s%s%s",
             r->n_unknown_local > 0 ? "other " : "", o->level,
             r->local_area[0] ? " (outside " : "", r->local_area,
             r->local_area[0] ? ")" : "");
    tob_cli_warn_count(r->n_unknown - r->n_unknown_local, what,
                       r->unknown_other);
    snprintf(what, sizeof what, "%s with no row", o->level);
    tob_cli_warn_count(r->n_no_row, what, r->no_row);
    tob_cli_warn_count(r->n_unmapped, "keys not in the passage table",
                       r->unmapped);
    if (r->n_partial == 0)
        tob_cli_warn_count(r->n_unmappable, "values that cannot be mapped",
                           r->unmappable);
    if (r->refreshed.n_runs > 0)
        tob_cli_note("  stored aggregates recomputed: %s\n", r->refreshed.runs);
    tob_cli_warn_count(r->n_year_conflicts,
                       "columns whose name says another year than --year "
                       "(the name's year is kept)",
                       r->year_conflicts);
}

static int run(const char *store, int argc, char **argv)
{
    ind_args_t a = {0};
    int rc = parse_options(argc, argv, &a);
    if (rc == TOB_EXIT_OK) {
        tob_error_t err;
        tob_error_clear(&err);
        tob_store_t *st = NULL;
        tob_indicators_report_t rep;
        tob_status_t s = tob_store_open(store, TOB_STORE_WRITE, &st, &err);
        if (s == TOB_OK)
            s = tob_indicators_import(st, &a.o, &rep, &err);
        tob_store_close(st);
        if (s == TOB_OK)
            print_report(&a.o, &rep);
        rc = s == TOB_OK ? TOB_EXIT_OK : tob_cli_fail(&err);
    }
    free(a.columns);
    return rc;
}

const tob_import_kind_t tob_import_indicators = {
    "indicators", "indicator values per territory, with join diagnostics",
    usage, run};
