/* import_programme.c - `terrobs import OBS KIND FILE` for contracts,
 * projects, gup-sites, gup-actions and gup-reports. */
#include "cli.h"
#include "import.h"

#include "terrobs/programme.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define COMMON_OPTIONS                                                         \
    "\n"                                                                       \
    "Options:\n"                                                               \
    "  --sheet NAME   sheet of an XLSX/ODS file (default: the first)\n"        \
    "  --replace      update rows already imported (see below)\n"              \
    "\n"                                                                       \
    "Headers match whatever their case, accents, spaces or apostrophes\n"      \
    "('Code contrat' = 'code_contrat'). Columns not listed are ignored and\n"  \
    "named. Dates: 31/12/2025 or 2025-12-31; amounts: 1 234,5 or 1234.5.\n"    \
    "The whole file is imported or nothing: the first bad cell stops the\n"    \
    "import with FILE:ROW: COLUMN: what is wrong (exit 2). A template's\n"     \
    "example row (Note 'EXEMPLE FICTIF...') is refused.\n"

static const char contracts_usage[] =
    "usage: terrobs import OBS.sqlite contracts FILE [--sheet S] "
    "[--replace]\n"
    "\n"
    "Contracts, one per row. Columns (* required):\n"
    "  Code contrat*   unique code\n"
    "  Type*           contrat de territoire, PACTe, contrat de ville,\n"
    "                  convention NPNRU, autre\n"
    "  Intitulé*       name\n"
    "  Niveau*         level of its territory (commune, epci, scot, zone...)\n"
    "  Code territoire*  a territory of that level in the store\n"
    "  Date début, Date fin   period\n"
    "  Diagnostic partagé, Cadre d'action stratégique, Plan d'actions,\n"
    "  Clause de revoyure     date of each phase\n"
    "  Partenaires     signatories separated by ';'\n"
    "  Budget          euros\n"
    "  Note            free text\n" COMMON_OPTIONS "\n"
    "A contract code already in the store is refused; with --replace the\n"
    "contract is updated in place and keeps its projects.\n";

static const char projects_usage[] =
    "usage: terrobs import OBS.sqlite projects FILE [--sheet S] [--replace]\n"
    "                      [--year Y]\n"
    "\n"
    "Projects of imported contracts, one per row. Columns (* required):\n"
    "  Code contrat*   an imported contract\n"
    "  Code projet*    unique within the contract\n"
    "  Intitulé*       title\n"
    "  Axe             axis or theme\n"
    "  Maître d'ouvrage  project owner\n"
    "  Commune         INSEE code of its commune\n"
    "  Longitude, Latitude  or a WGS 84 point, reprojected to the store CRS\n"
    "                  (a project with neither is at its contract's "
    "territory)\n"
    "  Coût total      euros, >= 0\n"
    "  Statut*         prévu, engagé, réalisé, abandonné (any case, with or\n"
    "                  without accents, feminine too; 'en cours' = engagé)\n"
    "  Date début, Date fin  planned dates (past Date fin and not réalisé,\n"
    "                  a project is late)\n"
    "  Date statut     date the status was reached\n"
    "  financement:NAME  one column per financer, euros; their sum may not\n"
    "                  exceed Coût total\n"
    "  Note            free text\n" COMMON_OPTIONS
    "  --year Y       year of the projets_* counts, which replace every\n"
    "                 earlier year's (default: the last --year given, else\n"
    "                 this year)\n"
    "\n"
    "A project already in the store is refused; with --replace, the\n"
    "projects of every contract the file names are replaced by its rows.\n"
    "After the import, projets_nombre, projets_engages, projets_cout_total\n"
    "and projets_cout_engage are written for every territory of every level.\n";

static const char sites_usage[] =
    "usage: terrobs import OBS.sqlite gup-sites FILE [--sheet S] "
    "[--replace]\n"
    "\n"
    "GUP sites, one per row. Columns (* required):\n"
    "  Code site*      unique code\n"
    "  Nom*            name\n"
    "  Commune*        INSEE code of its commune\n"
    "  Niveau périmètre  level of the perimeter codes (default commune)\n"
    "  Périmètre       territory codes separated by ';' (default: the "
    "commune)\n"
    "  Coordinateur    GUP coordinator\n"
    "  référent:PARTNER  one column per partner (référent:Ville,\n"
    "                  référent:Bailleur, référent:CLSPD...): the referent\n"
    "  Note            free text\n" COMMON_OPTIONS "\n"
    "A site code already in the store is refused; with --replace the site\n"
    "is updated in place and keeps its actions and signalements.\n";

static const char actions_usage[] =
    "usage: terrobs import OBS.sqlite gup-actions FILE [--sheet S] "
    "[--replace]\n"
    "\n"
    "GUP actions, one per row. Columns (* required):\n"
    "  Code site*      an imported site\n"
    "  Code action     unique within the site (default: A + row number)\n"
    "  Intitulé*       what is to be done\n"
    "  Volet*          renouvellement urbain, cadre de vie et espaces\n"
    "                  publics, habitat, vie de quartier, fragilités\n"
    "                  sociales, tranquillité publique\n"
    "  Référent        a partner of the site's référent: columns\n"
    "  Échéance        due date\n"
    "  Statut*         prévu, engagé, réalisé, abandonné\n"
    "  Date réalisation  date it was done\n"
    "  Note            free text\n" COMMON_OPTIONS "\n"
    "An action already in the store is refused; with --replace the actions\n"
    "of every site the file names are replaced by its rows.\n";

static const char reports_usage[] =
    "usage: terrobs import OBS.sqlite gup-reports FILE [--sheet S] "
    "[--replace]\n"
    "\n"
    "GUP signalements (reports of dysfunctions), one per row. Columns\n"
    "(* required):\n"
    "  Code site*      an imported site\n"
    "  Numéro          unique within the site (default: S + row number)\n"
    "  Date*           date of the signalement\n"
    "  Volet*          one of the six volets (see gup-actions --help)\n"
    "  Lieu, Objet     place, what is wrong\n"
    "  Référent        partner in charge (a referent of the site)\n"
    "  Statut*         ouvert or clos (en cours = ouvert; traité, clôturé,\n"
    "                  résolu = clos)\n"
    "  Date clôture    required when clos, not before Date; none when "
    "ouvert\n"
    "  Note            free text\n" COMMON_OPTIONS "\n"
    "A signalement already in the store is refused; with --replace the\n"
    "signalements of every site the file names are replaced by its rows.\n";

static int parse(const char *kind_name, int argc, char **argv,
                 tob_programme_import_options_t *o)
{
    static const struct option longopts[] = {
        {"sheet", required_argument, NULL, 's'},
        {"replace", no_argument, NULL, 'r'},
        {"year", required_argument, NULL, 'y'},
        {NULL, 0, NULL, 0}};
    int c;
    long year;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 's')
            o->sheet = optarg;
        else if (c == 'r')
            o->replace = 1;
        else if (c == 'y' && tob_cli_parse_int(optarg, &year) == 0 &&
                 year >= 1900 && year <= 2200)
            o->year = (int)year;
        else if (c == 'y')
            return tob_cli_usage_error("import", "--year '%s' is not a year",
                                       optarg);
        else
            return tob_cli_bad_option("import");
    }
    if (optind != argc - 1)
        return tob_cli_usage_error("import", "expected one %s FILE", kind_name);
    o->path = argv[optind];
    return TOB_EXIT_OK;
}

static void note_report(tob_programme_kind_t kind,
                        const tob_programme_import_report_t *r)
{
    tob_cli_note("imported %zu %s from %s", r->n_rows,
                 tob_programme_kind_name(kind), r->sheet);
    if (r->n_replaced > 0)
        tob_cli_note(" (%zu replaced)", r->n_replaced);
    if (kind == TOB_PROG_PROJECTS)
        tob_cli_note(": %zu located by commune code, %zu by point, %zu at "
                     "their contract's territory; %zu funding lines",
                     r->n_by_commune, r->n_by_point,
                     r->n_rows - r->n_by_commune - r->n_by_point, r->n_details);
    else if (kind == TOB_PROG_CONTRACTS)
        tob_cli_note(": %zu phases and partners", r->n_details);
    else if (kind == TOB_PROG_GUP_SITES)
        tob_cli_note(": %zu perimeter members and referents", r->n_details);
    tob_cli_note("\n");
    char outside[300];
    snprintf(outside, sizeof outside, "%zu: %s%s", r->n_points_outside,
             r->points_outside, r->n_points_outside > 5 ? "..." : "");
    tob_cli_warn_count(r->n_points_outside,
                       "projects whose point lies in no territory of the "
                       "store (longitude and latitude swapped?)",
                       outside);
    if (r->ignored[0] != '\0')
        tob_cli_note("note: columns ignored (not documented): %s\n",
                     r->ignored);
}

static int run_kind(tob_programme_kind_t kind, const char *store, int argc,
                    char **argv)
{
    tob_programme_import_options_t opts = {0};
    int rc = parse(tob_programme_kind_name(kind), argc, argv, &opts);
    if (rc != TOB_EXIT_OK)
        return rc;
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    tob_programme_import_report_t rep;
    tob_status_t s = tob_store_open(store, TOB_STORE_WRITE, &st, &err);
    if (s == TOB_OK)
        s = tob_programme_import(st, kind, &opts, &rep, &err);
    tob_store_close(st);
    if (s != TOB_OK)
        return tob_cli_fail(&err);
    note_report(kind, &rep);
    return TOB_EXIT_OK;
}

#define KIND_RUNNER(fn, kind)                                                  \
    static int fn(const char *store, int argc, char **argv)                    \
    {                                                                          \
        return run_kind(kind, store, argc, argv);                              \
    }
KIND_RUNNER(run_contracts, TOB_PROG_CONTRACTS)
KIND_RUNNER(run_projects, TOB_PROG_PROJECTS)
KIND_RUNNER(run_sites, TOB_PROG_GUP_SITES)
KIND_RUNNER(run_actions, TOB_PROG_GUP_ACTIONS)
KIND_RUNNER(run_reports, TOB_PROG_GUP_REPORTS)

const tob_import_kind_t tob_import_contracts = {
    "contracts", "territorial contracts (contrat de territoire, PACTe...)",
    contracts_usage, run_contracts};
const tob_import_kind_t tob_import_projects = {
    "projects", "projects of contracts, with funding per financer",
    projects_usage, run_projects};
const tob_import_kind_t tob_import_gup_sites = {
    "gup-sites", "GUP sites: perimeter, coordinator, referents", sites_usage,
    run_sites};
const tob_import_kind_t tob_import_gup_actions = {
    "gup-actions", "GUP actions per volet", actions_usage, run_actions};
const tob_import_kind_t tob_import_gup_reports = {
    "gup-reports", "GUP signalements (reports of dysfunctions)", reports_usage,
    run_reports};
