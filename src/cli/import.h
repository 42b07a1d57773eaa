/* import.h - the kinds of `terrobs import`: each kind (indicators,
 * variables, territories, contracts...) lives in its own file
 * src/cli/import_<kind>.c and exports one tob_import_kind_t; cmd_import.c
 * lists them in one table. Adding a kind = one extern line below and one
 * table entry in cmd_import.c. */
#ifndef TERROBS_CLI_IMPORT_H
#define TERROBS_CLI_IMPORT_H

/* One import kind. run() gets the store path and argv with argv[0] = the
 * kind's name followed by the rest of the command line (the file and the
 * options), ready for getopt_long with optind = 1. It returns an exit
 * code (TOB_EXIT_*). usage is the kind's full --help text. */
typedef struct tob_import_kind {
    const char *name;
    const char *summary;
    const char *usage;
    int (*run)(const char *store, int argc, char **argv);
} tob_import_kind_t;

/* The kinds, each defined in src/cli/import_<kind>.c. */
extern const tob_import_kind_t tob_import_indicators;
extern const tob_import_kind_t tob_import_territories;
extern const tob_import_kind_t tob_import_variables;
/* Contracts, projects and GUP (src/cli/import_programme.c). */
extern const tob_import_kind_t tob_import_contracts;
extern const tob_import_kind_t tob_import_projects;
extern const tob_import_kind_t tob_import_gup_sites;
extern const tob_import_kind_t tob_import_gup_actions;
extern const tob_import_kind_t tob_import_gup_reports;

#endif
