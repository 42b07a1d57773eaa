/* cmd_export.c - `terrobs export`: a level with its indicators, for
 * partners, as GeoPackage, CSV, ODS or XLSX (see export.h). */
#include "cli.h"

#include "terrobs/export.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: terrobs export OBS.sqlite --level L -o FILE [--vintage V]\n"
    "                      [--variables A,B] [--year Y] [--locale C]\n"
    "                      [--force]\n"
    "\n"
    "Writes the territories of a level with their indicators, one row per\n"
    "territory (code, nom, millesime, code_parent, superficie_km2) and one\n"
    "column per variable and year (population_2021), through GDAL. Values\n"
    "are those maps and carnets show: observed, a ratio of its parts, or\n"
    "summed (averaged...) from member territories on the fly, so an EPCI\n"
    "export has the EPCI's figures when only communes were imported. The\n"
    "format follows the extension of FILE:\n"
    "  .gpkg  GeoPackage: geometry in the store CRS, typed columns\n"
    "  .csv   CSV: ';' and decimal commas (12,5), UTF-8 with a BOM\n"
    "  .ods   OpenDocument spreadsheet, numeric cells\n"
    "  .xlsx  Excel workbook, numeric cells\n"
    "Metadata go with the data: tables (GeoPackage) or sheets `metadonnees`\n"
    "(level, vintage, CRS, export date, licence Licence Ouverte / Etalab\n"
    "2.0), `variables` (label, unit, source, aggregation) and `sources`\n"
    "(provenance: file, date, SHA-256); a CSV export writes them beside it\n"
    "as FILE-metadonnees.csv, FILE-variables.csv and FILE-sources.csv.\n"
    "Text cells of CSV, ODS and XLSX that start with = + - @ get a leading\n"
    "' so that no spreadsheet runs them as formulas; numbers stay numbers.\n"
    "Missing values are empty cells.\n"
    "\n"
    "  --level L         level to export (commune, epci...)\n"
    "  -o, --output FILE the file to write (.gpkg, .csv, .ods, .xlsx)\n"
    "  --vintage V       vintage of the level (default: the latest)\n"
    "  --variables A,B   variables, in this order (default: every variable\n"
    "                    with a value at the level)\n"
    "  --year Y          only this year (default: every year)\n"
    "  --locale C        CSV with ',' between columns and '.' decimals\n"
    "                    (default fr: ';' and ',')\n"
    "  --force           replace existing files (atomically)\n"
    "\n"
    "The file is written aside and renamed into place; an existing file is\n"
    "kept unless --force. SOURCE_DATE_EPOCH, when set, fixes the export\n"
    "date (reproducible files).\n";

/* Splits "a,b,c" in place into names[]; returns their count, or -1 when
 * a name is empty. */
static long split_names(char *list, char **names, size_t max)
{
    size_t n = 0;
    for (char *p = list; n < max;) {
        char *comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        if (*p == '\0')
            return -1;
        names[n++] = p;
        if (comma == NULL)
            return (long)n;
        p = comma + 1;
    }
    return -1;
}

/* SOURCE_DATE_EPOCH (reproducible builds) pins the export date. */
static const char *pinned_date(char *buf, size_t size)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    long seconds;
    if (epoch == NULL || tob_cli_parse_int(epoch, &seconds) != 0 || seconds < 0)
        return NULL;
    time_t t = (time_t)seconds;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL)
        return NULL;
    strftime(buf, size, "%Y-%m-%d", &tm);
    return buf;
}

static const char *format_name(tob_export_format_t f)
{
    return f == TOB_EXPORT_GPKG  ? "GeoPackage"
           : f == TOB_EXPORT_CSV ? "CSV"
           : f == TOB_EXPORT_ODS ? "ODS"
                                 : "XLSX";
}

static int export_store(const char *store, const char *out,
                        tob_export_options_t *opts)
{
    tob_error_t err;
    tob_error_clear(&err);
    char date[16];
    opts->date = pinned_date(date, sizeof date);
    tob_store_t *st = NULL;
    tob_export_summary_t sum;
    if (tob_store_open(store, TOB_STORE_READ, &st, &err) != TOB_OK ||
        tob_export(st, out, opts, &sum, &err) != TOB_OK) {
        tob_store_close(st);
        return tob_cli_fail(&err);
    }
    tob_store_close(st);
    tob_cli_note("exported %zu %s (vintage %d), %zu variables in %zu "
                 "columns (%zu values, %zu missing), %zu sources: %s (%s%s)\n",
                 sum.n_territories, opts->level, sum.vintage, sum.n_variables,
                 sum.n_columns, sum.n_values, sum.n_missing, sum.n_sources, out,
                 format_name(sum.format),
                 sum.n_files > 1 ? " + 3 metadata files" : "");
    return TOB_EXIT_OK;
}

enum {
    MAX_VARIABLES = 256
};

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"level", required_argument, NULL, 'l'},
        {"output", required_argument, NULL, 'o'},
        {"vintage", required_argument, NULL, 'v'},
        {"variables", required_argument, NULL, 'V'},
        {"year", required_argument, NULL, 'y'},
        {"locale", required_argument, NULL, 'L'},
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0}};
    tob_export_options_t opts;
    memset(&opts, 0, sizeof opts);
    static char *names[MAX_VARIABLES];
    const char *out = NULL;
    long value;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        if (c == 'l') {
            opts.level = optarg;
        } else if (c == 'o') {
            out = optarg;
        } else if (c == 'v' || c == 'y') {
            if (tob_cli_parse_int(optarg, &value) != 0 || value < 1000 ||
                value > 9999)
                return tob_cli_usage_error("export", "--%s '%s' is not a year",
                                           c == 'v' ? "vintage" : "year",
                                           optarg);
            *(c == 'v' ? &opts.vintage : &opts.year) = (int)value;
        } else if (c == 'V') {
            long n = split_names(optarg, names, MAX_VARIABLES);
            if (n < 0)
                return tob_cli_usage_error(
                    "export", "--variables: an empty name, or more than %d",
                    MAX_VARIABLES);
            opts.variables = (const char *const *)names;
            opts.n_variables = (size_t)n;
        } else if (c == 'L') {
            if (strcmp(optarg, "C") != 0 && strcmp(optarg, "fr") != 0)
                return tob_cli_usage_error(
                    "export", "--locale '%s': use fr (default) or C", optarg);
            opts.locale_c = strcmp(optarg, "C") == 0;
        } else if (c == 'f') {
            opts.force = 1;
        } else {
            return tob_cli_bad_option("export");
        }
    }
    if (optind != argc - 1)
        return tob_cli_usage_error("export", "expected one store path");
    if (opts.level == NULL || out == NULL)
        return tob_cli_usage_error("export", "--level and -o are required");
    return export_store(argv[optind], out, &opts);
}

const tob_cli_command_t tob_cmd_export = {
    "export", "export a level and its indicators (GeoPackage, CSV, ODS, XLSX)",
    usage, run};
