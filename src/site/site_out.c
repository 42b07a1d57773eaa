/* site_out.c - the site's files: composed in memory, written aside and
 * renamed only when their bytes changed (a rerun touches only what
 * changed), each remembered for .site-state (site_state.c). */
#define _XOPEN_SOURCE 700 /* fsync(), open_memstream() */
#include "site_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static tob_status_t fail_at(tob_error_t *err, tob_status_t code,
                            const char *path, const char *what)
{
    tob_error_set(err, code, "%s: %s", what, strerror(errno));
    tob_error_at(err, path, 0, NULL);
    return code;
}

tob_status_t site_mem_open(site_mem_t *m, tob_error_t *err)
{
    m->buf = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->buf, &m->len);
    if (m->fp == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    return TOB_OK;
}

void site_mem_discard(site_mem_t *m)
{
    if (m->fp != NULL)
        fclose(m->fp);
    m->fp = NULL;
    free(m->buf);
    m->buf = NULL;
}

tob_status_t site_mem_emit(site_run_t *run, site_mem_t *m, const char *rel,
                           tob_error_t *err)
{
    int bad = ferror(m->fp);
    fclose(m->fp);
    m->fp = NULL;
    tob_status_t s = bad ? tob_error_set(err, TOB_ERR_NOMEM, "out of memory")
                         : site_emit(run, rel, m->buf, m->len, err);
    free(m->buf);
    m->buf = NULL;
    return s;
}

int site_same_content(const char *path, const void *data, size_t len)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        (unsigned long long)sb.st_size != (unsigned long long)len)
        return 0;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return 0;
    char chunk[65536];
    size_t off = 0, n;
    int same = 1;
    while (same && (n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        same =
            off + n <= len && memcmp(chunk, (const char *)data + off, n) == 0;
        off += n;
    }
    fclose(fp);
    return same && off == len;
}

/* Makes the folders of rel under out_dir. */
static int make_parents(const char *out_dir, const char *rel)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", out_dir, rel);
    if (n < 0 || (size_t)n >= sizeof path)
        return -1;
    size_t base = strlen(out_dir) + 1;
    for (char *p = path + base; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

static tob_status_t remember(site_run_t *run, const char *rel, size_t len,
                             tob_error_t *err)
{
    if (run->n_made == run->cap_made) {
        size_t cap = run->cap_made ? 2 * run->cap_made : 256;
        site_made_t *n = realloc(run->made, cap * sizeof *n);
        if (n == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        run->made = n;
        run->cap_made = cap;
    }
    run->made[run->n_made].size = len;
    if ((run->made[run->n_made].rel = strdup(rel)) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    run->n_made++;
    return TOB_OK;
}

/* Written aside and renamed, so that a reader sees the old file or the
 * new one. Not synced one by one: a site has thousands of files, and
 * site_state_finish() syncs them all at once before the state file
 * (sync_it 0). */
int site_write_whole(const char *path, const void *data, size_t len,
                     int sync_it)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
        return -1;
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        p += w;
        left -= (size_t)w;
    }
    int ok = left == 0 && (!sync_it || fsync(fd) == 0);
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) == 0)
        return 0;
    int saved = errno;
    unlink(tmp);
    errno = saved;
    return -1;
}

tob_status_t site_emit(site_run_t *run, const char *rel, const void *data,
                       size_t len, tob_error_t *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", run->opts->out_dir, rel);
    if (n < 0 || (size_t)n >= sizeof path)
        return tob_error_set(err, TOB_ERR_ARG, "path too long: %s", rel);
    int kept = !run->opts->force && site_same_content(path, data, len);
    if (!kept && (make_parents(run->opts->out_dir, rel) != 0 ||
                  site_write_whole(path, data, len, 0) != 0))
        return fail_at(err, TOB_ERR_IO, path, "cannot write");
    pthread_mutex_lock(&run->lock);
    run->rep->n_files++;
    run->rep->bytes += len;
    run->rep->n_kept += kept;
    run->rep->n_written += !kept;
    tob_status_t s = remember(run, rel, len, err);
    pthread_mutex_unlock(&run->lock);
    return s;
}

tob_status_t site_copy(site_run_t *run, const char *path, const char *rel,
                       tob_error_t *err)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return fail_at(err, TOB_ERR_NOTFOUND, path, "cannot read");
    site_mem_t m;
    tob_status_t s = site_mem_open(&m, err);
    char chunk[65536];
    size_t n;
    while (s == TOB_OK && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        fwrite(chunk, 1, n, m.fp);
    int bad = ferror(fp);
    fclose(fp);
    if (s == TOB_OK && bad) {
        site_mem_discard(&m);
        return fail_at(err, TOB_ERR_IO, path, "cannot read");
    }
    return s == TOB_OK ? site_mem_emit(run, &m, rel, err) : s;
}

void site_json(FILE *fp, const char *text)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p;
         p++) {
        if (*p == '"' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p == '<')
            fputs("\\u003c", fp); /* never "</script>" inside a script */
        else if (*p < 0x20)
            fprintf(fp, "\\u%04x", *p);
        else
            fputc(*p, fp);
    }
    fputc('"', fp);
}

void site_json_number(FILE *fp, double v)
{
    if (v != v || v - v != 0)
        fputs("null", fp);
    else
        fprintf(fp, "%.10g", v);
}
