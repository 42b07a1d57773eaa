/* import_variables.c - `terrobs import OBS variables FILE`: variable
 * metadata (labels, units, how each aggregates). */
#include "cli.h"
#include "import.h"

#include "terrobs/indicators.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
    "usage: terrobs import OBS.sqlite variables FILE [--sheet NAME]\n"
    "\n"
    "Declares variables: one row per variable, read from CSV, XLSX or ODS.\n"
    "Columns (French names accepted in brackets):\n"
    "  name (nom)          a-z, 0-9 and _: the indicator's column name\n"
    "  label (libellé)     its French label, shown on maps and carnets\n"
    "  unit (unité)        e.g. habitants, %, km²\n"
    "  source              producer and edition\n"
    "  aggregate           sum (default), mean, weighted_mean, ratio, none\n"
    "  weight (poids)      weighted_mean: the weight variable\n"
    "  numerator, denominator  ratio: scale x sum(num) / sum(den)\n"
    "  decimals            digits shown (0..9)\n"
    "  year (année)        the year the values describe, when the name\n"
    "                      does not end with it\n"
    "  scale (facteur)     a ratio's factor (default 100 for unit %,\n"
    "                      1000 for ‰, else 1)\n"
    "Existing variables are updated, keeping their values. Parts of a\n"
    "ratio or weighted mean must be declared in the file or the store.\n"
    "\n"
    "  --sheet NAME   sheet of a spreadsheet (default: the first)\n";

static int run(const char *store, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"sheet", required_argument, NULL, 's'}, {NULL, 0, NULL, 0}};
    const char *sheet = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c != 's')
            return tob_cli_bad_option("import");
        sheet = optarg;
    }
    if (optind != argc - 1)
        return tob_cli_usage_error("import", "expected one variables file");
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    tob_variables_report_t rep;
    tob_status_t s = tob_store_open(store, TOB_STORE_WRITE, &st, &err);
    if (s == TOB_OK)
        s = tob_variables_import(st, argv[optind], sheet, &rep, &err);
    tob_store_close(st);
    if (s != TOB_OK)
        return tob_cli_fail(&err);
    tob_cli_note("declared %zu variables from %s: %zu created, %zu "
                 "updated\n",
                 rep.n_rows, argv[optind], rep.n_created, rep.n_updated);
    return TOB_EXIT_OK;
}

const tob_import_kind_t tob_import_variables = {
    "variables", "variable metadata: labels, units, how they aggregate", usage,
    run};
