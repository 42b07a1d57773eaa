/* cli.h - what every terrobs command shares: option parsing helpers, the
 * one place that prints errors, and the status -> exit code table.
 * Only src/cli/ prints or exits; the library reports through tob_error_t. */
#ifndef TERROBS_CLI_H
#define TERROBS_CLI_H

#include "terrobs/error.h"

#include <stdio.h>

/* Exit codes, documented in `terrobs --help` and terrobs(1). */
enum {
    TOB_EXIT_OK = 0,
    TOB_EXIT_USAGE = 1,   /* bad command line */
    TOB_EXIT_INPUT = 2,   /* bad input data: a file, row, field, geometry */
    TOB_EXIT_STORE = 3,   /* i/o or store error: cannot open, write, lock */
    TOB_EXIT_INTERNAL = 4 /* a bug or out of memory */
};

/* A command: name, one-line summary, usage text, and its entry point.
 * run() gets argv with argv[0] = the command name. */
typedef struct tob_cli_command {
    const char *name;
    const char *summary;
    const char *usage; /* full --help text of the command; NULL when run()
                          answers --help itself */
    int (*run)(int argc, char **argv);
} tob_cli_command_t;

/* Global flags set by main() before a command runs. */
extern int tob_cli_quiet;

/* Prints "terrobs: error: <formatted err>" on stderr and returns the exit
 * code for err->code. */
int tob_cli_fail(const tob_error_t *err);

/* The carnet template of `carnet` and `atlas` for level on the store at
 * store_path: template_path read, each variable it names that the store
 * lacks said once on stderr with the store's closest names (an error with
 * strict); without template_path, a template made from the store. Caller
 * frees *tpl with tob_carnet_template_destroy(). */
struct tob_carnet_template;
tob_status_t tob_cli_carnet_template(const char *store_path,
                                     const char *template_path,
                                     const char *level, int strict,
                                     struct tob_carnet_template **tpl,
                                     tob_error_t *err);

/* Prints "terrobs CMD: <message>" and a hint to run --help; returns
 * TOB_EXIT_USAGE. */
int tob_cli_usage_error(const char *cmd, const char *fmt, ...) TOB_PRINTF(2, 3);

/* After getopt_long() returned '?' (main() sets opterr = 0, so getopt
 * prints nothing): "terrobs CMD: unknown option '--x'" or "option '--x'
 * needs a value", and the --help hint; returns TOB_EXIT_USAGE. Reads the
 * command's argv and optind, wherever the option parsing happens. */
int tob_cli_bad_option(const char *cmd);

/* The argv getopt parses from now on, for tob_cli_bad_option(): main()
 * sets the command's; a dispatcher handing a sub-argv to getopt (import
 * kinds) sets that one. */
void tob_cli_set_option_argv(char **argv);

/* Maps a status to an exit code. */
int tob_cli_exit_code(tob_status_t status);

/* Prints a command's usage on stdout when argv holds -h or --help and
 * returns 1 (then the command returns TOB_EXIT_OK), else 0; always 0 for
 * a command whose usage is NULL. */
int tob_cli_want_help(const tob_cli_command_t *cmd, int argc, char **argv);

/* Finds a command by name, NULL if none. */
const tob_cli_command_t *tob_cli_find(const char *name);

/* Informational message on stderr, unless --quiet. */
void tob_cli_note(const char *fmt, ...) TOB_PRINTF(1, 2);

/* Splits "a,b,c" into a NULL-terminated list (empty items dropped), in
 * one block the caller frees with free(); NULL when out of memory. */
char **tob_cli_split_list(const char *text);

/* Parses a year option (1800..2200) into *out; on error prints the usage
 * error for cmd and returns TOB_EXIT_USAGE. */
int tob_cli_parse_year(const char *cmd, const char *opt, const char *text,
                       int *out);

/* "terrobs: warning: WHAT: EXAMPLES" on stderr when n > 0, even with
 * --quiet: a counted problem (unmatched keys, orphans...). */
void tob_cli_warn_count(size_t n, const char *what, const char *examples);

/* An output that exists is kept unless --force, as export and qgis do:
 * prints "terrobs: error: PATH: file exists; use --force to replace it"
 * and returns TOB_EXIT_INPUT; TOB_EXIT_OK when path is free or force. */
int tob_cli_keep_existing(const char *path, int force);

/* Parses a whole decimal integer option value; 0 on success. */
int tob_cli_parse_int(const char *text, long *out);

#endif
