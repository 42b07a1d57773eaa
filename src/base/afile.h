/* afile.h - files written whole or not at all: every output is written under
 * a temporary name in its own folder, synced, and renamed into place once
 * complete; a failure removes the temporary file and names the output.
 * Library-internal. */
#ifndef TERROBS_BASE_AFILE_H
#define TERROBS_BASE_AFILE_H

#include "terrobs/error.h"

#include <stddef.h>
#include <stdio.h>

#define AFILE_PATH_MAX 4096

/* One output being written. Fill it with afile_begin(); write to tmp (by
 * path, as cairo and GDAL do) or to fp after afile_fopen(); end with
 * afile_commit() or afile_abort(). A zeroed afile_t is safe to abort. */
typedef struct afile {
    char path[AFILE_PATH_MAX]; /* the output, named in every error */
    char tmp[AFILE_PATH_MAX];  /* where it is written until the commit */
    FILE *fp;                  /* set by afile_fopen(), else NULL */
    int pending;               /* tmp may exist: abort removes it */
} afile_t;

/* The name a file is written under before it is renamed to path: the
 * extension kept last ("a.pdf" -> "a.tmp.pdf") so that libraries that choose
 * a format by extension (GDAL) still see it. */
void afile_temp_name(const char *path, char *buf, size_t size);

/* Starts writing path: fills f and removes a temporary file left by a
 * killed run; creates nothing. Errors: TOB_ERR_ARG (path too long). */
TOB_NODISCARD tob_status_t afile_begin(afile_t *f, const char *path,
                                       tob_error_t *err);

/* Opens f->tmp for writing into f->fp ("wb"); the commit closes it.
 * Errors: TOB_ERR_IO, at f->path. */
TOB_NODISCARD tob_status_t afile_fopen(afile_t *f, tob_error_t *err);

/* Checks that a zip (ODS, XLSX) was written to its end: GDAL 3.6's
 * spreadsheet writers ignore write errors, the missing end record shows
 * them. Errors: TOB_ERR_IO, at f->path. */
TOB_NODISCARD tob_status_t afile_check_zip(const afile_t *f, tob_error_t *err);

/* Publishes f: checks and closes f->fp (stream errors, fflush, fclose) or
 * reopens f->tmp when a library wrote it, fsyncs it, renames it to f->path
 * and fsyncs the folder. On failure f->tmp is removed and path untouched.
 * Errors: TOB_ERR_IO, at f->path. */
TOB_NODISCARD tob_status_t afile_commit(afile_t *f, tob_error_t *err);

/* Publishes n files together, all or none: every one synced first, then
 * renamed from the last to the first (put the main file first: a reader who
 * sees it sees its companions); if a rename fails, the files already renamed
 * are removed again. Errors: TOB_ERR_IO, at the failing output. */
TOB_NODISCARD tob_status_t afile_commit_group(afile_t *files, size_t n,
                                              tob_error_t *err);

/* Commits f when status is TOB_OK, else aborts it; returns the outcome, so
 * that a writer ends with `return afile_end(&f, s, err);`. */
TOB_NODISCARD tob_status_t afile_end(afile_t *f, tob_status_t status,
                                     tob_error_t *err);

/* Closes f->fp if open and removes f->tmp; the output is untouched. A no-op
 * on a committed or aborted file. */
void afile_abort(afile_t *f);

/* Records TOB_ERR_IO "doing: strerror(errno)" at f->path, for writers that
 * see a failure themselves; returns TOB_ERR_IO. */
tob_status_t afile_fail(const afile_t *f, const char *doing, tob_error_t *err);

#endif
