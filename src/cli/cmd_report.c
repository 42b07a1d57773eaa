/* cmd_report.c - `terrobs report`: follow-up of contracts, GUP dashboards
 * and projects per territory, for partners (French text, CSV or ODS). */
#include "cli.h"

#include "terrobs/cells.h"
#include "terrobs/followup.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: terrobs report OBS.sqlite contracts --level L --code C "
    "[options]\n"
    "       terrobs report OBS.sqlite gup --site S [options]\n"
    "       terrobs report OBS.sqlite projects --level L [--contract C] "
    "[--all]\n"
    "\n"
    "Follow-up reports for partners, in French (numbers 12 345,6, money\n"
    "1 234 567 €, dates 22/11/2026).\n"
    "\n"
    "contracts  every contract whose territory is (L, C) or lies inside it:\n"
    "           period, signatories, budget, phases with dates, engaged\n"
    "           ratio ('91 projets engagés sur 280'), engaged and total cost,\n"
    "           projects by status and by axis, funding per financer,\n"
    "           projects late at --date (prévu or engagé, Date fin passed).\n"
    "           Engaged = engagé or réalisé; costs leave out abandoned\n"
    "           projects.\n"
    "gup        the dashboard of GUP site S at --date: per volet and per\n"
    "           referent, signalements received, open and closed, median\n"
    "           closing delay in days, actions done and overdue (prévu or\n"
    "           engagé, Échéance passed), and the overdue actions.\n"
    "projects   projects per territory of level L (a commune code, or the\n"
    "           commune holding the point, rolled up through memberships\n"
    "           and parent codes, else in space); --all lists territories\n"
    "           without projects too.\n"
    "\n"
    "Options:\n"
    "  --level L, --code C   the territory (contracts), the level (projects)\n"
    "  --site S              a GUP site code (gup)\n"
    "  --contract C          only the projects of contract C (projects)\n"
    "  --date DD/MM/YYYY     reference date (default: today)\n"
    "  --format text|csv|ods output format (default: text, or the\n"
    "                        extension of -o)\n"
    "  -o, --output FILE     write to FILE (ODS needs it), else stdout\n"
    "\n"
    "CSV uses ';', decimal commas and no thousands separator; a cell that\n"
    "starts with = + - or @ gets a leading ' so no spreadsheet runs it.\n"
    "ODS has a 'Rapport' sheet with the text, then one sheet per table.\n";

typedef struct opts {
    const char *what, *level, *code, *site, *contract, *format, *output;
    tob_date_t date;
    int all;
} opts_t;

static int parse_date(const char *text, tob_date_t *out)
{
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_cell_parse_date(text, &out->y, &out->m, &out->d, &err) != TOB_OK ||
        out->y == 0)
        return tob_cli_usage_error("report", "--date: %s",
                                   err.message[0] ? err.message : "empty");
    return TOB_EXIT_OK;
}

static int parse(int argc, char **argv, opts_t *o)
{
    static const struct option longopts[] = {
        {"level", required_argument, NULL, 'l'},
        {"code", required_argument, NULL, 'c'},
        {"site", required_argument, NULL, 's'},
        {"contract", required_argument, NULL, 'k'},
        {"format", required_argument, NULL, 'f'},
        {"date", required_argument, NULL, 'd'},
        {"all", no_argument, NULL, 'a'},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0}};
    int c, rc = TOB_EXIT_OK;
    optind = 1;
    while (rc == TOB_EXIT_OK &&
           (c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            o->level = optarg;
            break;
        case 'c':
            o->code = optarg;
            break;
        case 's':
            o->site = optarg;
            break;
        case 'k':
            o->contract = optarg;
            break;
        case 'f':
            o->format = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'a':
            o->all = 1;
            break;
        case 'd':
            rc = parse_date(optarg, &o->date);
            break;
        default:
            return tob_cli_bad_option("report");
        }
    }
    if (rc == TOB_EXIT_OK && optind != argc - 2)
        return tob_cli_usage_error("report", "expected OBS.sqlite and "
                                             "contracts, gup or projects");
    o->what = argv[optind + 1];
    return rc;
}

/* The format: --format, else the output's extension, else text. */
static int pick_format(const opts_t *o, tob_report_format_t *fmt)
{
    tob_error_t err;
    tob_error_clear(&err);
    const char *name = o->format;
    const char *dot = o->output ? strrchr(o->output, '.') : NULL;
    if (name == NULL && dot != NULL &&
        (strcmp(dot, ".csv") == 0 || strcmp(dot, ".ods") == 0))
        name = dot + 1;
    if (tob_report_format_parse(name ? name : "text", fmt, &err) != TOB_OK)
        return tob_cli_usage_error("report", "%s", err.message);
    if (*fmt == TOB_REPORT_ODS && o->output == NULL)
        return tob_cli_usage_error("report", "an ODS report needs -o "
                                             "FILE.ods");
    return TOB_EXIT_OK;
}

static tob_status_t build(tob_store_t *st, const opts_t *o, tob_report_t **rep,
                          tob_error_t *err)
{
    if (strcmp(o->what, "contracts") == 0)
        return tob_followup_contracts(st, o->level, o->code, o->date, rep, err);
    if (strcmp(o->what, "gup") == 0)
        return tob_followup_gup(st, o->site, o->date, rep, err);
    return tob_followup_projects(st, o->level, o->contract, o->all, rep, err);
}

static int check_required(const opts_t *o)
{
    if (strcmp(o->what, "contracts") == 0 && (!o->level || !o->code))
        return tob_cli_usage_error("report", "contracts needs --level and "
                                             "--code");
    if (strcmp(o->what, "gup") == 0 && !o->site)
        return tob_cli_usage_error("report", "gup needs --site");
    if (strcmp(o->what, "projects") == 0 && !o->level)
        return tob_cli_usage_error("report", "projects needs --level");
    if (strcmp(o->what, "contracts") != 0 && strcmp(o->what, "gup") != 0 &&
        strcmp(o->what, "projects") != 0)
        return tob_cli_usage_error("report",
                                   "unknown report '%s' "
                                   "(contracts, gup, projects)",
                                   o->what);
    return TOB_EXIT_OK;
}

static int run(int argc, char **argv)
{
    opts_t o = {0};
    o.date = tob_date_today();
    tob_report_format_t fmt = TOB_REPORT_TEXT;
    int rc = parse(argc, argv, &o);
    if (rc == TOB_EXIT_OK)
        rc = check_required(&o);
    if (rc == TOB_EXIT_OK)
        rc = pick_format(&o, &fmt);
    if (rc != TOB_EXIT_OK)
        return rc;
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    tob_report_t *rep = NULL;
    tob_status_t s = tob_store_open(argv[optind], TOB_STORE_READ, &st, &err);
    if (s == TOB_OK)
        s = build(st, &o, &rep, &err);
    tob_store_close(st);
    if (s == TOB_OK && o.output != NULL)
        s = tob_report_save(rep, fmt, o.output, &err);
    else if (s == TOB_OK)
        s = tob_report_write(rep, fmt, stdout, &err);
    tob_report_destroy(rep);
    if (s != TOB_OK)
        return tob_cli_fail(&err);
    if (o.output != NULL)
        tob_cli_note("wrote %s\n", o.output);
    return TOB_EXIT_OK;
}

const tob_cli_command_t tob_cmd_report = {
    "report", "follow-up of contracts, GUP dashboards, projects per territory",
    usage, run};
