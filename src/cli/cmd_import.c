/* cmd_import.c - `terrobs import`: dispatch to one import kind. The kinds
 * themselves live in src/cli/import_<kind>.c (see import.h). */
#include "cli.h"
#include "import.h"

#include <stdio.h>
#include <string.h>

/* One line per kind: keep the order of `terrobs import --help`. */
/* clang-format off */
static const tob_import_kind_t *const kinds[] = {
    &tob_import_indicators,
    &tob_import_territories,
    &tob_import_variables,
    &tob_import_contracts,
    &tob_import_projects,
    &tob_import_gup_sites,
    &tob_import_gup_actions,
    &tob_import_gup_reports,
    NULL, /* the list ends with NULL, so it is never empty */
};
/* clang-format on */

static const tob_import_kind_t *find_kind(const char *name)
{
    for (size_t i = 0; kinds[i] != NULL; i++)
        if (strcmp(kinds[i]->name, name) == 0)
            return kinds[i];
    return NULL;
}

static void print_usage(FILE *out)
{
    fputs("usage: terrobs import OBS.sqlite KIND FILE [options]\n"
          "       terrobs import KIND --help\n"
          "\n"
          "Imports a table (CSV, XLSX, ODS...) into the store, all or\n"
          "nothing: on any error the store is left as it was and the message\n"
          "names the file, the row and the column.\n"
          "\n"
          "Kinds:\n",
          out);
    for (size_t i = 0; kinds[i] != NULL; i++)
        fprintf(out, "  %-14s %s\n", kinds[i]->name, kinds[i]->summary);
    fputs("\n`terrobs import KIND --help` documents each kind.\n", out);
}

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

/* `import OBS KIND ...` is the documented order; `import KIND OBS ...` is
 * accepted too, since both words are unambiguous. */
static int run(int argc, char **argv)
{
    const tob_import_kind_t *kind = NULL;
    int at = 0;
    for (int i = 1; i < argc && i <= 2 && kind == NULL; i++)
        if ((kind = find_kind(argv[i])) != NULL)
            at = i;
    if (wants_help(argc, argv)) {
        if (kind != NULL)
            fputs(kind->usage, stdout);
        else
            print_usage(stdout);
        return TOB_EXIT_OK;
    }
    if (kind == NULL) {
        if (argc > 2 && argv[1][0] != '-')
            fprintf(stderr, "terrobs import: unknown kind '%s'\n", argv[2]);
        print_usage(stderr);
        return TOB_EXIT_USAGE;
    }
    if (argc < 3 || argv[at == 1 ? 2 : 1][0] == '-')
        return tob_cli_usage_error("import", "expected OBS.sqlite %s FILE",
                                   kind->name);
    const char *store = argv[at == 1 ? 2 : 1];
    /* Hand the kind argv from its name on, without the store path. */
    char *saved = argv[at];
    argv[2] = saved;
    tob_cli_set_option_argv(argv + 2);
    return kind->run(store, argc - 2, argv + 2);
}

/* usage is NULL: the command prints its own --help (the kind's, or the
 * list of kinds), so main() leaves --help to it. */
const tob_cli_command_t tob_cmd_import = {
    "import", "import indicators, variables, territories... from a table", NULL,
    run};
