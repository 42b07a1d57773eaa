/* cmd_template.c - `terrobs template KIND`: an empty table to fill in
 * LibreOffice or Excel, with the documented headers and one fictitious
 * example row. */
#include "cli.h"

#include "terrobs/programme.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
    "usage: terrobs template KIND [-o FILE.csv|FILE.xlsx|FILE.ods]\n"
    "\n"
    "Writes the template of an import table: its documented headers\n"
    "(French), then one example row marked FICTITIOUS in its Note column\n"
    "('EXEMPLE FICTIF : supprimer cette ligne'). Fill it in, delete the\n"
    "example (an import refuses it), then `terrobs import OBS.sqlite KIND\n"
    "FILE`. Without -o the CSV (';'-separated, UTF-8) goes to stdout; the\n"
    "format of -o follows its extension; in XLSX and ODS every column is\n"
    "text, so codes keep their leading zeros. The same templates are in\n"
    "layers/templates/.\n"
    "\n"
    "Kinds: contracts, projects, gup-sites, gup-actions, gup-reports\n"
    "(`terrobs import KIND --help` documents each column).\n"
    "\n"
    "  -o, --output FILE  write the template to FILE (.csv, .xlsx, .ods)\n";

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        if (c != 'o')
            return tob_cli_bad_option("template");
        output = optarg;
    }
    if (optind != argc - 1)
        return tob_cli_usage_error("template", "expected one KIND");
    tob_error_t err;
    tob_error_clear(&err);
    tob_programme_kind_t kind;
    tob_status_t s = tob_programme_kind_parse(argv[optind], &kind, &err);
    if (s != TOB_OK)
        return tob_cli_usage_error("template", "%s", err.message);
    if (output != NULL)
        s = tob_programme_template_write(kind, output, &err);
    else
        s = tob_programme_template_csv(kind, stdout, &err);
    if (s != TOB_OK)
        return tob_cli_fail(&err);
    if (output != NULL)
        tob_cli_note("wrote %s\n", output);
    return TOB_EXIT_OK;
}

const tob_cli_command_t tob_cmd_template = {
    "template", "write a fill-in template for contracts, projects or GUP",
    usage, run};
