/* afile.c - files written whole or not at all: temp name, fsync, rename,
 * fsync of the folder; every error names the output, never the temp. */
#include "afile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

void afile_temp_name(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (dot == NULL || (slash != NULL && dot < slash) || dot == path ||
        (slash != NULL && dot == slash + 1))
        snprintf(buf, size, "%s.tmp", path);
    else
        snprintf(buf, size, "%.*s.tmp%s", (int)(dot - path), path, dot);
}

tob_status_t afile_fail(const afile_t *f, const char *doing, tob_error_t *err)
{
    int saved = errno;
    tob_error_lib(err, TOB_ERR_IO, saved, "%s: %s", doing, strerror(saved));
    tob_error_at(err, f->path, 0, NULL);
    return TOB_ERR_IO;
}

tob_status_t afile_begin(afile_t *f, const char *path, tob_error_t *err)
{
    memset(f, 0, sizeof *f);
    /* ".tmp" and the folder's fsync need room beyond the path itself. */
    if (strlen(path) + 5 >= sizeof f->path)
        return tob_error_set(err, TOB_ERR_ARG, "output path too long");
    memcpy(f->path, path, strlen(path) + 1);
    afile_temp_name(path, f->tmp, sizeof f->tmp);
    unlink(f->tmp); /* left by a killed run */
    f->pending = 1;
    return TOB_OK;
}

tob_status_t afile_fopen(afile_t *f, tob_error_t *err)
{
    f->fp = fopen(f->tmp, "wb");
    return f->fp != NULL ? TOB_OK : afile_fail(f, "cannot create", err);
}

static int read_at(FILE *fp, off_t where, unsigned char *buf, size_t n)
{
    return fseeko(fp, where, SEEK_SET) == 0 && fread(buf, 1, n, fp) == n;
}

static unsigned long le32(const unsigned char *p)
{
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 |
           (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
}

/* The end of central directory record ends the file (GDAL writes no zip
 * comment), and the directory it points to fills the bytes before it. */
tob_status_t afile_check_zip(const afile_t *f, tob_error_t *err)
{
    FILE *fp = fopen(f->tmp, "rb");
    if (fp == NULL)
        return afile_fail(f, "cannot write", err);
    unsigned char end[22], dir[4];
    off_t size = fseeko(fp, 0, SEEK_END) == 0 ? ftello(fp) : -1;
    int whole = size >= 22 && read_at(fp, size - 22, end, sizeof end) &&
                memcmp(end, "PK\5\6", 4) == 0;
    unsigned long dir_size = whole ? le32(end + 12) : 0;
    unsigned long dir_at = whole ? le32(end + 16) : 0;
    if (whole && dir_at != 0xFFFFFFFFul) /* not zip64 */
        whole = (off_t)dir_at + (off_t)dir_size + 22 == size &&
                read_at(fp, (off_t)dir_at, dir, sizeof dir) &&
                memcmp(dir, "PK\1\2", 4) == 0;
    fclose(fp);
    if (!whole)
        return tob_error_set_at(err, TOB_ERR_IO, f->path, 0, NULL,
                                "cannot write: the file is incomplete (is "
                                "the disk full?)");
    return TOB_OK;
}

/* Closes the stream or reopens what a library wrote, and fsyncs it. */
static tob_status_t sync_file(afile_t *f, tob_error_t *err)
{
    if (f->fp != NULL) {
        FILE *fp = f->fp;
        f->fp = NULL;
        int bad = ferror(fp) || fflush(fp) != 0 || fsync(fileno(fp)) != 0;
        int saved = errno;
        if (fclose(fp) != 0 && !bad) {
            bad = 1;
            saved = errno;
        }
        errno = saved;
        return bad ? afile_fail(f, "cannot write", err) : TOB_OK;
    }
    int fd = open(f->tmp, O_RDONLY);
    if (fd < 0)
        return afile_fail(f, "cannot write", err);
    int bad = fsync(fd) != 0;
    int saved = errno;
    close(fd);
    errno = saved;
    return bad ? afile_fail(f, "cannot write", err) : TOB_OK;
}

/* Makes the renames durable. Some file systems refuse fsync on a folder
 * (EINVAL): the rename is done, so that is not a failure. */
static void sync_folder(const char *path)
{
    char dir[AFILE_PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

static int same_folder(const char *a, const char *b)
{
    const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
    size_t na = sa ? (size_t)(sa - a) : 0, nb = sb ? (size_t)(sb - b) : 0;
    return na == nb && memcmp(a, b, na) == 0;
}

static void abort_all(afile_t *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        afile_abort(&files[i]);
}

tob_status_t afile_commit_group(afile_t *files, size_t n, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < n; i++)
        s = sync_file(&files[i], err);
    size_t k = n;
    while (s == TOB_OK && k > 0) {
        if (rename(files[k - 1].tmp, files[k - 1].path) != 0)
            s = afile_fail(&files[k - 1], "cannot rename into place", err);
        else
            files[--k].pending = 0;
    }
    if (s != TOB_OK) {
        for (size_t i = k; i < n; i++) /* renamed: undo, all or nothing */
            unlink(files[i].path);
        abort_all(files, n);
        return s;
    }
    for (size_t i = 0; i < n; i++)
        if (i == 0 || !same_folder(files[i].path, files[i - 1].path))
            sync_folder(files[i].path);
    return TOB_OK;
}

tob_status_t afile_commit(afile_t *f, tob_error_t *err)
{
    return afile_commit_group(f, 1, err);
}

tob_status_t afile_end(afile_t *f, tob_status_t status, tob_error_t *err)
{
    if (status == TOB_OK)
        return afile_commit(f, err);
    afile_abort(f);
    return status;
}

void afile_abort(afile_t *f)
{
    if (f->fp != NULL) {
        fclose(f->fp);
        f->fp = NULL;
    }
    if (f->pending)
        unlink(f->tmp);
    f->pending = 0;
}
