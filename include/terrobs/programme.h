/* programme.h (entry point) - contracts, projects and GUP tables as partners
 * keep them in spreadsheets: the five import kinds and their documented columns
 * (French headers), the shared vocabulary (contract kinds, phases, statuses,
 * GUP volets), the all-or-nothing import into the store, and fill-in templates.
 * Projects per territory are in projects.h, follow-up reports in
 * followup.h. */
#ifndef TERROBS_PROGRAMME_H
#define TERROBS_PROGRAMME_H

#include "terrobs/error.h"
#include "terrobs/store.h"

#include <stddef.h>
#include <stdio.h>

typedef enum tob_programme_kind {
    TOB_PROG_CONTRACTS = 0,
    TOB_PROG_PROJECTS,
    TOB_PROG_GUP_SITES,
    TOB_PROG_GUP_ACTIONS,
    TOB_PROG_GUP_REPORTS
} tob_programme_kind_t;
#define TOB_PROG_N_KINDS 5

/* "contracts", "projects", "gup-sites", "gup-actions", "gup-reports". */
TOB_API const char *tob_programme_kind_name(tob_programme_kind_t kind);

/* Finds a kind by its name. Errors: TOB_ERR_ARG naming the known kinds. */
TOB_API TOB_NODISCARD tob_status_t tob_programme_kind_parse(
    const char *name, tob_programme_kind_t *out, tob_error_t *err);

/* One documented column. A header matches when its folded form
 * (tob_text_fold: lowercase, no accents, '_' for spaces and apostrophes)
 * equals the folded header or one of the aliases. A prefix column's
 * header ends in ':' ("financement:") and stands for any number of
 * columns "financement:NAME", NAME kept as written. */
typedef struct tob_column {
    const char *header;  /* as in templates, French: "Coût total" */
    const char *aliases; /* other folded headers, '|'-separated, or "" */
    int required;        /* the column must exist and every cell be set */
    const char *example; /* the template's fictitious example value */
    const char *help;    /* one line of English for --help and README */
} tob_column_t;

/* The documented columns of kind in template order; a static array, *n
 * gets its length. */
TOB_API const tob_column_t *tob_programme_columns(tob_programme_kind_t kind,
                                                  size_t *n);

/* ---- Vocabulary -------------------------------------------------------- */

typedef enum tob_vocab {
    TOB_VOCAB_CONTRACT_KIND = 0, /* contrat_territoire pacte contrat_ville
                                    npnru autre */
    TOB_VOCAB_PHASE,             /* diagnostic cadre_strategique plan_actions
                                    revoyure */
    TOB_VOCAB_STATUS,            /* prevu engage realise abandonne (projects and
                                    GUP actions) */
    TOB_VOCAB_VOLET,             /* the six volets of a GUP site */
    TOB_VOCAB_REPORT_STATUS      /* ouvert clos (signalements) */
} tob_vocab_t;

/* Maps a cell to its key: case, accents, spaces, '-', '/' and apostrophes
 * do not matter, masculine and feminine forms are the same ("Engagée",
 * "engage", "en cours"). *key is a static string. Errors: TOB_ERR_INPUT
 * "'fini' is not a status (prévu, engagé, réalisé, abandonné)". */
TOB_API TOB_NODISCARD tob_status_t tob_vocab_match(tob_vocab_t vocab,
                                                   const char *text,
                                                   const char **key,
                                                   tob_error_t *err);

/* The French label of a key ("Tranquillité publique"), or key itself if
 * unknown. Static. */
TOB_API const char *tob_vocab_label(tob_vocab_t vocab, const char *key);

/* The i-th key of vocab in its documented order, NULL past the end. */
TOB_API const char *tob_vocab_key(tob_vocab_t vocab, size_t i);

/* ---- Import ------------------------------------------------------------ */

typedef struct tob_programme_import_options {
    const char *path;  /* CSV, XLSX, ODS... anything GDAL reads as a table */
    const char *sheet; /* sheet or layer; NULL = the first */
    /* Keys already in the store (a contract, project, site code) are an
     * error unless replace: then contracts and sites are updated in place
     * (their projects, actions and signalements kept), and the projects,
     * actions or signalements of every contract or site the file names are
     * replaced by the file's rows. */
    int replace;
    /* Year of the projets_* observations refreshed after contracts and
     * projects imports (see projects.h); 0 = this year. */
    int year;
} tob_programme_import_options_t;

typedef struct tob_programme_import_report {
    size_t n_rows;       /* rows imported */
    size_t n_replaced;   /* existing rows replaced or removed */
    size_t n_details;    /* funding lines, phases, members, referents */
    size_t n_by_point;   /* projects located by longitude/latitude */
    size_t n_by_commune; /* projects located by commune code */
    /* Projects whose point lies in no territory of the store (swapped
     * longitude and latitude, a typo): counted, not refused; the first
     * few as "P1 (row 2), ..." */
    size_t n_points_outside;
    char points_outside[256];
    char ignored[512]; /* headers matching no column, ", "-separated */
    char sheet[256];   /* sheet or layer read */
    char checksum[65]; /* SHA-256 of the file */
} tob_programme_import_report_t;

/* Reads opts->path and writes its rows into st in one transaction, with a
 * provenance record (kind "contracts", "projects", "gup-sites"...). Every
 * row is checked first; on any error nothing is written and err names the
 * file, the spreadsheet row (the header is row 1) and the column:
 * TOB_ERR_INPUT (bad date, negative cost, unknown status, volet, kind,
 * territory, contract, site or referent, duplicate key, the template's
 * example row left in), TOB_ERR_EXISTS (keys already imported, without
 * replace), TOB_ERR_NOTFOUND (file, sheet, required column), TOB_ERR_GDAL,
 * TOB_ERR_SQLITE. report may be NULL. */
TOB_API TOB_NODISCARD tob_status_t
tob_programme_import(tob_store_t *st, tob_programme_kind_t kind,
                     const tob_programme_import_options_t *opts,
                     tob_programme_import_report_t *report, tob_error_t *err);

/* ---- Templates --------------------------------------------------------- */

/* The note that marks a template's example row; an import refuses a row
 * whose note starts with it, so the example is never imported by mistake. */
#define TOB_PROG_EXAMPLE_NOTE "EXEMPLE FICTIF"

/* Writes the template of kind to out as CSV (';'-separated, UTF-8): the
 * headers, then one fictitious example row. Errors: TOB_ERR_IO. */
TOB_API TOB_NODISCARD tob_status_t tob_programme_template_csv(
    tob_programme_kind_t kind, FILE *out, tob_error_t *err);

/* Writes the template to path, whose extension picks the format: .csv,
 * .xlsx or .ods (through GDAL, every column as text so codes keep their
 * leading zeros). The file is written aside and renamed into place.
 * Errors: TOB_ERR_ARG (extension), TOB_ERR_IO (writing, GDAL's message). */
TOB_API TOB_NODISCARD tob_status_t tob_programme_template_write(
    tob_programme_kind_t kind, const char *path, tob_error_t *err);

#endif
