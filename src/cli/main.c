/* main.c - terrobs entry point: global flags, command dispatch, --help. */
#include "cli.h"

#include "terrobs/store.h"
#include "terrobs/version.h"

#include <gdal.h>
#include <ogr_api.h>

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int tob_cli_quiet = 0;

/* Each command lives in src/cli/cmd_<name>.c and exports its descriptor. */
extern const tob_cli_command_t tob_cmd_init;
extern const tob_cli_command_t tob_cmd_info;
extern const tob_cli_command_t tob_cmd_load;
extern const tob_cli_command_t tob_cmd_relate;
extern const tob_cli_command_t tob_cmd_zone;
extern const tob_cli_command_t tob_cmd_import;
extern const tob_cli_command_t tob_cmd_aggregate;
extern const tob_cli_command_t tob_cmd_template;
extern const tob_cli_command_t tob_cmd_report;
extern const tob_cli_command_t tob_cmd_breaks;
extern const tob_cli_command_t tob_cmd_map;
extern const tob_cli_command_t tob_cmd_carnet;
extern const tob_cli_command_t tob_cmd_atlas;
extern const tob_cli_command_t tob_cmd_export;
extern const tob_cli_command_t tob_cmd_site;
extern const tob_cli_command_t tob_cmd_qgis;
extern const tob_cli_command_t tob_cmd_grant;
extern const tob_cli_command_t tob_cmd_copy;

/* One command a line, in the order of --help. */
/* clang-format off */
static const tob_cli_command_t *const commands[] = {
    &tob_cmd_init,
    &tob_cmd_info,
    &tob_cmd_load,
    &tob_cmd_relate,
    &tob_cmd_zone,
    &tob_cmd_import,
    &tob_cmd_aggregate,
    &tob_cmd_template,
    &tob_cmd_report,
    &tob_cmd_breaks,
    &tob_cmd_map,
    &tob_cmd_carnet,
    &tob_cmd_atlas,
    &tob_cmd_export,
    &tob_cmd_site,
    &tob_cmd_qgis,
    &tob_cmd_grant,
    &tob_cmd_copy,
};
/* clang-format on */
#define N_COMMANDS (sizeof commands / sizeof commands[0])

const tob_cli_command_t *tob_cli_find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

int tob_cli_exit_code(tob_status_t status)
{
    switch (status) {
    case TOB_OK:
        return TOB_EXIT_OK;
    case TOB_ERR_ARG:
        return TOB_EXIT_USAGE;
    case TOB_ERR_INPUT:
    case TOB_ERR_NOTFOUND:
    case TOB_ERR_EXISTS:
    case TOB_ERR_GDAL:
    case TOB_ERR_PROJ:
        return TOB_EXIT_INPUT;
    case TOB_ERR_STORE:
    case TOB_ERR_IO:
    case TOB_ERR_SQLITE:
    case TOB_ERR_CAIRO:
        return TOB_EXIT_STORE;
    case TOB_ERR_NOMEM:
    case TOB_ERR_INTERNAL:
        return TOB_EXIT_INTERNAL;
    }
    return TOB_EXIT_INTERNAL;
}

int tob_cli_fail(const tob_error_t *err)
{
    char text[TOB_ERROR_SOURCE_MAX + TOB_ERROR_FIELD_MAX +
              TOB_ERROR_MESSAGE_MAX + 64];
    fprintf(stderr, "terrobs: error: %s\n",
            tob_error_format(err, text, sizeof text));
    return tob_cli_exit_code(err->code);
}

int tob_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "terrobs %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'terrobs %s --help'.\n", cmd);
    return TOB_EXIT_USAGE;
}

/* The running command's argv, for tob_cli_bad_option(). */
static char **command_argv;

void tob_cli_set_option_argv(char **argv)
{
    command_argv = argv;
}

int tob_cli_bad_option(const char *cmd)
{
    const char *token =
        optind > 0 && command_argv != NULL ? command_argv[optind - 1] : "";
    size_t len = strcspn(token, "=");
    if (optopt != 0 && strncmp(token, "--", 2) == 0)
        return tob_cli_usage_error(cmd, "option '%.*s' needs a value", (int)len,
                                   token);
    if (optopt != 0)
        return tob_cli_usage_error(cmd,
                                   "unknown option '-%c', or it needs "
                                   "a value",
                                   optopt);
    return tob_cli_usage_error(cmd, "unknown option '%.*s'", (int)len, token);
}

void tob_cli_note(const char *fmt, ...)
{
    if (tob_cli_quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

int tob_cli_want_help(const tob_cli_command_t *cmd, int argc, char **argv)
{
    if (cmd->usage == NULL) /* the command answers --help itself */
        return 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(cmd->usage, stdout);
            return 1;
        }
    }
    return 0;
}

int tob_cli_parse_int(const char *text, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static void print_help(FILE *out)
{
    fprintf(out,
            "usage: terrobs [--quiet] [--schema NAME] COMMAND [ARGS]\n"
            "       terrobs COMMAND --help\n"
            "\n"
            "A territorial observatory: boundaries, indicators, contracts and\n"
            "GUP in one SpatiaLite store; thematic maps, carnets and atlases.\n"
            "A STORE is a SpatiaLite file, or a PostgreSQL/PostGIS schema\n"
            "named as GDAL does: PG:\"dbname=obs host=...\" (a shared\n"
            "observatory; its schema: --schema or active_schema=NAME).\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out,
            "\n"
            "Global options:\n"
            "  -q, --quiet    no progress or notes on stderr (before or after\n"
            "                 the command)\n"
            "  --schema NAME  the PostgreSQL schema of the observatory\n"
            "                 (default terrobs)\n"
            "  -h, --help     this help\n"
            "  --version      print the version\n"
            "\n"
            "Exit status:\n"
            "  0  success\n"
            "  1  usage error (unknown command or option, a missing or bad\n"
            "     argument, an output format terrobs does not write)\n"
            "  2  bad input (a file, row, field, code, geometry or style is\n"
            "     wrong, or something named is absent: a file, the store, a\n"
            "     level, a variable; an output exists and no --force)\n"
            "  3  store or i/o error (not a terrobs store, locked, a folder,\n"
            "     unreadable; an output cannot be written)\n"
            "  4  internal error (out of memory, a bug)\n"
            "\n"
            "Manual: man terrobs. Library: pkg-config --cflags --libs "
            "terrobs.\n");
}

/* -q/--quiet is a global option wherever it stands: `terrobs load -q ...`
 * as `terrobs -q load ...`. Removes it from argv[from..argc) (up to a
 * "--") and returns the new argc. */
static int take_global_options(int argc, char **argv, int from)
{
    int kept = from;
    for (int k = from; k < argc; k++) {
        if (strcmp(argv[k], "--") == 0) {
            while (k < argc)
                argv[kept++] = argv[k++];
            break;
        }
        if (strcmp(argv[k], "-q") == 0 || strcmp(argv[k], "--quiet") == 0)
            tob_cli_quiet = 1;
        else
            argv[kept++] = argv[k];
    }
    argv[kept] = NULL;
    return kept;
}

int main(int argc, char **argv)
{
    /* Numbers in files and SQL are C-locale; French output is formatted
     * by our own code, never by the process locale. */
    setlocale(LC_ALL, "C");
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            tob_cli_quiet = 1;
        } else if (strcmp(argv[i], "--schema") == 0 ||
                   strncmp(argv[i], "--schema=", 9) == 0) {
            const char *name = argv[i][8] == '=' ? argv[i] + 9
                               : i + 1 < argc ? argv[++i]
                                              : "";
            tob_error_t err;
            tob_error_clear(&err);
            if (tob_store_set_schema(name, &err) != TOB_OK) {
                fprintf(stderr, "terrobs: --schema: %s\n", err.message);
                return TOB_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "-h") == 0 ||
                   strcmp(argv[i], "--help") == 0) {
            print_help(stdout);
            return TOB_EXIT_OK;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("terrobs %s\n", tob_version());
            return TOB_EXIT_OK;
        } else {
            fprintf(stderr, "terrobs: unknown option '%s'\n", argv[i]);
            print_help(stderr);
            return TOB_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        print_help(stderr);
        return TOB_EXIT_USAGE;
    }
    const tob_cli_command_t *cmd = tob_cli_find(argv[i]);
    if (cmd == NULL) {
        fprintf(stderr, "terrobs: unknown command '%s'\n", argv[i]);
        print_help(stderr);
        return TOB_EXIT_USAGE;
    }
    argc = take_global_options(argc, argv, i + 1);
    if (tob_cli_want_help(cmd, argc - i, argv + i))
        return TOB_EXIT_OK;
    GDALAllRegister();
    opterr = 0; /* commands report bad options (tob_cli_bad_option) */
    command_argv = argv + i;
    int rc = cmd->run(argc - i, argv + i);
    GDALDestroyDriverManager();
    OGRCleanupAll();
    return rc;
}
