/* cmd_carnet.c - `terrobs carnet`: the PDF carnet of one territory. */
#include "cli.h"

#include "terrobs/carnet.h"
#include "terrobs/store.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: terrobs carnet OBS.sqlite --level L --code C -o FILE.pdf\n"
    "                      [--template FILE.ini [--strict]] [--vintage Y]\n"
    "                      [--date DD/MM/YYYY] [--force]\n"
    "\n"
    "Composes the carnet de territoire of one territory: an A4 PDF in\n"
    "French for partners, with a cover (name, level, parent territories,\n"
    "member communes, edition date, sources) and the sections the template\n"
    "lists, in its order. Numbers are written the French way (12 345,6).\n"
    "Without --template the carnet is made from the store: key figures of\n"
    "the variables a variables file declared that have values at the level\n"
    "(in the file's order, with their labels, units and decimals), an\n"
    "evolution for each variable with two years or more, a communes map of\n"
    "the first ratio, the largest communes, the communes table, then\n"
    "contracts, projects and GUP when the store has them. A commune's is\n"
    "compared with its EPCI and its département, and maps its EPCI's\n"
    "communes.\n"
    "The PDF is written beside FILE.pdf and renamed into place; an existing\n"
    "one is kept unless --force.\n"
    "\n"
    "  --level L         level of the territory (epci, scot, zone...)\n"
    "  --code C          its code\n"
    "  -o, --output F    the PDF to write\n"
    "  --template FILE   carnet template (keys in styles/README.md;\n"
    "                    styles/carnet.ini is the one for the bundled\n"
    "                    sample). Each variable it names that the store\n"
    "                    lacks is said on stderr with the store's closest\n"
    "                    names, and that part of the carnet is left out\n"
    "  --strict          make that an error\n"
    "  --vintage Y       vintage of the territory (default: the latest)\n"
    "  --date D          edition date on the cover (default: today)\n"
    "  --force           replace an existing FILE.pdf\n";

typedef struct carnet_args {
    const char *store, *level, *code, *output, *template_path, *date;
    long vintage;
    int strict, force;
} carnet_args_t;

static int parse_args(int argc, char **argv, carnet_args_t *a)
{
    static const struct option longopts[] = {
        {"level", required_argument, NULL, 'l'},
        {"code", required_argument, NULL, 'c'},
        {"output", required_argument, NULL, 'o'},
        {"template", required_argument, NULL, 't'},
        {"strict", no_argument, NULL, 's'},
        {"vintage", required_argument, NULL, 'v'},
        {"date", required_argument, NULL, 'd'},
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            a->level = optarg;
            break;
        case 'c':
            a->code = optarg;
            break;
        case 'o':
            a->output = optarg;
            break;
        case 't':
            a->template_path = optarg;
            break;
        case 'd':
            a->date = optarg;
            break;
        case 's':
            a->strict = 1;
            break;
        case 'f':
            a->force = 1;
            break;
        case 'v':
            if (tob_cli_parse_int(optarg, &a->vintage) != 0 ||
                a->vintage < 1000 || a->vintage > 9999)
                return tob_cli_usage_error(
                    "carnet", "--vintage '%s' is not a year", optarg);
            break;
        default:
            return tob_cli_bad_option("carnet");
        }
    }
    if (optind != argc - 1)
        return tob_cli_usage_error("carnet", "expected one store path");
    a->store = argv[optind];
    if (a->level == NULL || a->code == NULL || a->output == NULL)
        return tob_cli_usage_error("carnet",
                                   "--level, --code and -o are required");
    return TOB_EXIT_OK;
}

static int run(int argc, char **argv)
{
    carnet_args_t a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc != TOB_EXIT_OK)
        return rc;
    tob_error_t err;
    tob_error_clear(&err);
    tob_carnet_template_t *tpl = NULL;
    tob_status_t s = tob_cli_carnet_template(a.store, a.template_path, a.level,
                                             a.strict, &tpl, &err);
    if (s != TOB_OK)
        return tob_cli_fail(&err);
    /* After the template's own errors, before any work. */
    if ((rc = tob_cli_keep_existing(a.output, a.force)) != TOB_EXIT_OK) {
        tob_carnet_template_destroy(tpl);
        return rc;
    }
    tob_store_t *store = NULL;
    tob_carnet_report_t report;
    tob_carnet_options_t opts = {.level = a.level,
                                 .code = a.code,
                                 .vintage = (int)a.vintage,
                                 .today = a.date};
    s = tob_store_open(a.store, TOB_STORE_READ, &store, &err);
    if (s == TOB_OK)
        s = tob_carnet_write(store, tpl, &opts, a.output, &report, &err);
    tob_store_close(store);
    tob_carnet_template_destroy(tpl);
    if (s != TOB_OK)
        return tob_cli_fail(&err);
    tob_cli_note("wrote %s: %s, %zu pages\n", a.output, report.name,
                 report.n_pages);
    /* A carnet made before `relate`: its figures are empty for a reason
     * the user can fix. */
    if (report.n_communes == 0 && strcmp(a.level, "commune") != 0)
        fprintf(stderr,
                "terrobs: warning: %s %s has no member commune in the "
                "store, so its carnet has no figure computed from them: "
                "relate the levels first (terrobs relate %s --child "
                "commune --parent %s, or terrobs zone %s FILE)\n",
                a.level, a.code, a.store, a.level, a.store);
    return TOB_EXIT_OK;
}

const tob_cli_command_t tob_cmd_carnet = {
    "carnet", "compose the PDF carnet of a territory", usage, run};
