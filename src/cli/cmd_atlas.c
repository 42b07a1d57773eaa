/* cmd_atlas.c - `terrobs atlas`: a carnet for every territory of a level,
 * in parallel, with an HTML index. */
#include "cli.h"

#include "terrobs/atlas.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

static const char usage[] =
    "usage: terrobs atlas OBS.sqlite --level L -o DIR [--jobs N] [--force]\n"
    "                     [--template FILE.ini [--strict]] [--vintage Y]\n"
    "                     [--date DD/MM/YYYY] [--within LEVEL:CODE]...\n"
    "                     [--codes FILE]\n"
    "\n"
    "Writes the carnet of every territory of level L into DIR, named\n"
    "CODE-slug-of-the-name.pdf, and DIR/index.html: a table of the\n"
    "territories with key figures, sortable and filterable, linking each\n"
    "carnet; it needs no network. Carnets are made in parallel, each\n"
    "worker with its own store connection. A territory that fails is\n"
    "reported at the end without stopping the others (exit status 2).\n"
    "A rerun keeps the carnets whose store data, template and terrobs\n"
    "version did not change (recorded in DIR/.atlas-state) without\n"
    "composing them; when they did, it composes each carnet again and\n"
    "rewrites only those whose content changed. It removes the carnets\n"
    "of territories no longer in the level.\n"
    "\n"
    "  --level L         the level (epci, scot, zone...)\n"
    "  -o, --output DIR  the folder (made if needed)\n"
    "  -j, --jobs N      worker threads (default: one per CPU)\n"
    "  --force           remake every carnet\n"
    "  --template FILE   carnet template (default: one made from the\n"
    "                    store; see terrobs carnet --help)\n"
    "  --strict          fail when the template names variables the store\n"
    "                    lacks (said once, not per carnet)\n"
    "  --vintage Y       vintage of the level (default: the latest)\n"
    "  --date D          edition date on the covers (default: today)\n"
    "  --within L:C      only the territories lying in territory C of\n"
    "                    level L (departement:62, epci:200068500), through\n"
    "                    the store's memberships; repeatable. Ranks stay\n"
    "                    among the whole level; carnets made earlier in\n"
    "                    DIR for other territories are kept and indexed\n"
    "  --codes FILE      only the territories whose codes FILE lists, one\n"
    "                    a line ('#' comments); with --within: both\n";

#define ATLAS_WITHIN_MAX 64

typedef struct atlas_args {
    const char *store, *level, *output, *template_path, *date, *codes;
    const char *within[ATLAS_WITHIN_MAX];
    size_t n_within;
    long jobs, vintage;
    int force, strict;
} atlas_args_t;

static int parse_number(const char *opt, const char *text, long lo, long hi,
                        long *out)
{
    if (tob_cli_parse_int(text, out) != 0 || *out < lo || *out > hi)
        return tob_cli_usage_error("atlas", "%s '%s' must be %ld..%ld", opt,
                                   text, lo, hi);
    return TOB_EXIT_OK;
}

static int parse_args(int argc, char **argv, atlas_args_t *a)
{
    static const struct option longopts[] = {
        {"level", required_argument, NULL, 'l'},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"force", no_argument, NULL, 'f'},
        {"template", required_argument, NULL, 't'},
        {"strict", no_argument, NULL, 's'},
        {"vintage", required_argument, NULL, 'v'},
        {"date", required_argument, NULL, 'd'},
        {"within", required_argument, NULL, 'w'},
        {"codes", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0}};
    int c, rc = TOB_EXIT_OK;
    optind = 1;
    while (rc == TOB_EXIT_OK &&
           (c = getopt_long(argc, argv, "o:j:", longopts, NULL)) != -1) {
        if (c == 'l')
            a->level = optarg;
        else if (c == 'o')
            a->output = optarg;
        else if (c == 'f')
            a->force = 1;
        else if (c == 's')
            a->strict = 1;
        else if (c == 't')
            a->template_path = optarg;
        else if (c == 'd')
            a->date = optarg;
        else if (c == 'c')
            a->codes = optarg;
        else if (c == 'w' && a->n_within == ATLAS_WITHIN_MAX)
            rc = tob_cli_usage_error("atlas", "at most %d --within",
                                     ATLAS_WITHIN_MAX);
        else if (c == 'w')
            a->within[a->n_within++] = optarg;
        else if (c == 'j')
            rc = parse_number("--jobs", optarg, 1, 256, &a->jobs);
        else if (c == 'v')
            rc = parse_number("--vintage", optarg, 1000, 9999, &a->vintage);
        else
            rc = tob_cli_bad_option("atlas");
    }
    if (rc != TOB_EXIT_OK)
        return rc;
    if (optind != argc - 1)
        return tob_cli_usage_error("atlas", "expected one store path");
    a->store = argv[optind];
    if (a->level == NULL || a->output == NULL)
        return tob_cli_usage_error("atlas", "--level and -o are required");
    return TOB_EXIT_OK;
}

typedef struct progress {
    int tty;
    size_t last_tenth;
} progress_t;

static void show(void *user, size_t done, size_t total, const char *code,
                 const char *name, int kept, double seconds,
                 tob_status_t status, const tob_error_t *err)
{
    progress_t *p = user;
    (void)kept;
    (void)seconds;
    if (status != TOB_OK) {
        char text[2048];
        tob_cli_note("%satlas: %s %s: failed: %s\n", p->tty ? "\r" : "", code,
                     name, tob_error_format(err, text, sizeof text));
    }
    if (p->tty) {
        tob_cli_note("\ratlas: %zu/%zu carnets", done, total);
        if (done == total)
            tob_cli_note("\n");
    } else if (done * 10 / total > p->last_tenth || done == total) {
        p->last_tenth = done * 10 / total;
        tob_cli_note("atlas: %zu/%zu carnets\n", done, total);
    }
}

static int summarize(const atlas_args_t *a, const tob_atlas_report_t *r)
{
    tob_cli_note("atlas: %zu territories in %s: %zu written, %zu up to date "
                 "kept, %zu failed, %zu removed, %zu composed again with "
                 "the same content (not rewritten); %.1f s with %zu jobs "
                 "(%.3f s per carnet)\n",
                 r->n_territories, a->output, r->n_written, r->n_kept,
                 r->n_failed, r->n_removed, r->n_unchanged, r->seconds, r->jobs,
                 r->n_territories
                     ? r->seconds * (double)r->jobs / (double)r->n_territories
                     : 0.0);
    if (r->store_changed)
        fprintf(stderr, "terrobs atlas: warning: the store changed while the"
                        " atlas was made (another session wrote to it): its"
                        " carnets may show it before and after the change;"
                        " run the atlas again to make them all from the"
                        " store as it is now\n");
    for (size_t i = 0; i < r->n_failed; i++) {
        char text[2048];
        fprintf(stderr, "terrobs: error: %s %s: %s\n", r->failures[i].code,
                r->failures[i].name,
                tob_error_format(&r->failures[i].err, text, sizeof text));
    }
    return r->n_failed > 0 ? TOB_EXIT_INPUT : TOB_EXIT_OK;
}

static int run(int argc, char **argv)
{
    atlas_args_t a = {0};
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
    progress_t progress = {isatty(2), 0};
    tob_atlas_options_t opts = {.store_path = a.store,
                                .level = a.level,
                                .vintage = (int)a.vintage,
                                .out_dir = a.output,
                                .jobs = (size_t)a.jobs,
                                .force = a.force,
                                .tpl = tpl,
                                .today = a.date,
                                .progress = show,
                                .progress_user = &progress,
                                .within = a.within,
                                .n_within = a.n_within,
                                .codes_path = a.codes};
    tob_atlas_report_t report;
    s = tob_atlas_run(&opts, &report, &err);
    rc = s == TOB_OK ? summarize(&a, &report) : tob_cli_fail(&err);
    tob_atlas_report_free(&report);
    tob_carnet_template_destroy(tpl);
    return rc;
}

const tob_cli_command_t tob_cmd_atlas = {
    "atlas", "a carnet for every territory of a level, with an HTML index",
    usage, run};
