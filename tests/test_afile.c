/* test_afile.c - the atomic writer: a commit publishes the whole file and
 * leaves no temp, an abort leaves the old file, a missing or read-only
 * folder fails naming the output, a group is all or nothing, a zip cut
 * short is refused. */
#include "base/afile.h"

#include <cpl_conv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "testutil.h"

static char *slurp(const char *path)
{
    static char buf[256];
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void put(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_temp_name_keeps_the_extension(void **state)
{
    (void)state;
    char buf[64];
    afile_temp_name("dir/a.pdf", buf, sizeof buf);
    assert_string_equal(buf, "dir/a.tmp.pdf");
    afile_temp_name("dir.d/noext", buf, sizeof buf);
    assert_string_equal(buf, "dir.d/noext.tmp");
    afile_temp_name("dir/.atlas-state", buf, sizeof buf);
    assert_string_equal(buf, "dir/.atlas-state.tmp");
}

static void test_commit_replaces_whole(void **state)
{
    (void)state;
    char path[4096];
    tob_test_path(path, sizeof path, "commit.txt");
    put(path, "old");
    afile_t f;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(afile_begin(&f, path, &err), TOB_OK);
    assert_int_equal(afile_fopen(&f, &err), TOB_OK);
    fputs("new", f.fp);
    assert_string_equal(slurp(path), "old"); /* not before the commit */
    assert_string_equal(slurp(f.tmp), "");   /* still in the stream */
    char tmp[AFILE_PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", f.tmp);
    assert_int_equal(afile_commit(&f, &err), TOB_OK);
    assert_string_equal(slurp(path), "new");
    assert_int_equal(access(tmp, F_OK), -1);
    afile_abort(&f); /* a no-op after the commit */
    assert_string_equal(slurp(path), "new");
}

/* cairo and GDAL write by name: the commit reopens the file to sync it. */
static void test_commit_of_a_file_written_by_name(void **state)
{
    (void)state;
    char path[4096];
    tob_test_path(path, sizeof path, "byname.csv");
    afile_t f;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(afile_begin(&f, path, &err), TOB_OK);
    put(f.tmp, "a;b\n");
    assert_int_equal(afile_commit(&f, &err), TOB_OK);
    assert_string_equal(slurp(path), "a;b\n");
}

static void test_abort_keeps_the_old_file(void **state)
{
    (void)state;
    char path[4096];
    tob_test_path(path, sizeof path, "abort.txt");
    put(path, "old");
    afile_t f;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(afile_begin(&f, path, &err), TOB_OK);
    assert_int_equal(afile_fopen(&f, &err), TOB_OK);
    fputs("half", f.fp);
    assert_int_equal(afile_end(&f, TOB_ERR_INPUT, &err), TOB_ERR_INPUT);
    assert_string_equal(slurp(path), "old");
    assert_int_equal(access(f.tmp, F_OK), -1);
    assert_int_equal(err.code, TOB_OK); /* the caller's error, not ours */
}

static void test_missing_folder_names_the_output(void **state)
{
    (void)state;
    afile_t f;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(afile_begin(&f, "/nonexistent/dir/x.pdf", &err), TOB_OK);
    assert_int_equal(afile_fopen(&f, &err), TOB_ERR_IO);
    assert_string_equal(err.source, "/nonexistent/dir/x.pdf");
    assert_non_null(strstr(err.message, "No such file"));
    afile_abort(&f);
    /* A file a library never wrote: the commit fails the same way. */
    tob_error_clear(&err);
    assert_int_equal(afile_begin(&f, "/nonexistent/dir/y.gpkg", &err), TOB_OK);
    assert_int_equal(afile_commit(&f, &err), TOB_ERR_IO);
    assert_string_equal(err.source, "/nonexistent/dir/y.gpkg");
}

static void test_read_only_folder_fails(void **state)
{
    (void)state;
    /* Root writes in a 0555 folder: /proc refuses new files even to root. */
    char dir[4096], path[4200];
    if (geteuid() == 0) {
        snprintf(dir, sizeof dir, "/proc");
    } else {
        tob_test_path(dir, sizeof dir, "ro");
        mkdir(dir, 0555);
        chmod(dir, 0555);
    }
    snprintf(path, sizeof path, "%s/terrobs-afile.txt", dir);
    afile_t f;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(afile_begin(&f, path, &err), TOB_OK);
    assert_int_equal(afile_fopen(&f, &err), TOB_ERR_IO);
    assert_string_equal(err.source, path);
    assert_non_null(strstr(err.message, "cannot create"));
    afile_abort(&f);
    assert_int_equal(access(path, F_OK), -1);
}

static void test_long_path_refused(void **state)
{
    (void)state;
    char path[AFILE_PATH_MAX + 8];
    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    afile_t f;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(afile_begin(&f, path, &err), TOB_ERR_ARG);
    afile_abort(&f); /* safe on a refused file */
}

/* The second rename fails (a folder stands at its name): the first file,
 * already renamed, is removed again and no temp remains. */
static void test_group_is_all_or_nothing(void **state)
{
    (void)state;
    char main_path[4096], side_path[4096];
    tob_test_path(main_path, sizeof main_path, "group.png");
    tob_test_path(side_path, sizeof side_path, "group.pgw");
    rmdir(main_path);
    mkdir(main_path, 0755);
    char inner[4200];
    snprintf(inner, sizeof inner, "%s/keep", main_path);
    put(inner, "x"); /* a non-empty folder: rename() cannot replace it */
    afile_t files[2];
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(afile_begin(&files[0], main_path, &err), TOB_OK);
    assert_int_equal(afile_begin(&files[1], side_path, &err), TOB_OK);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(afile_fopen(&files[i], &err), TOB_OK);
        fputs("data", files[i].fp);
    }
    assert_int_equal(afile_commit_group(files, 2, &err), TOB_ERR_IO);
    assert_string_equal(err.source, main_path);
    assert_non_null(strstr(err.message, "cannot rename"));
    assert_int_equal(access(side_path, F_OK), -1);
    assert_int_equal(access(files[0].tmp, F_OK), -1);
    assert_int_equal(access(files[1].tmp, F_OK), -1);
    unlink(inner);
    rmdir(main_path);
    /* With room for both, both land. */
    tob_error_clear(&err);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(
            afile_begin(&files[i], i ? side_path : main_path, &err), TOB_OK);
        assert_int_equal(afile_fopen(&files[i], &err), TOB_OK);
        fputs(i ? "side" : "main", files[i].fp);
    }
    assert_int_equal(afile_commit_group(files, 2, &err), TOB_OK);
    assert_string_equal(slurp(main_path), "main");
    assert_string_equal(slurp(side_path), "side");
}

static void write_zip(const char *path)
{
    void *zip = CPLCreateZip(path, NULL);
    assert_non_null(zip);
    assert_int_equal(CPLCreateFileInZip(zip, "content.xml", NULL), CE_None);
    assert_int_equal(CPLWriteFileInZip(zip, "<office/>", 9), CE_None);
    assert_int_equal(CPLCloseFileInZip(zip), CE_None);
    assert_int_equal(CPLCloseZip(zip), CE_None);
}

static void test_zip_cut_short_is_refused(void **state)
{
    (void)state;
    char path[4096];
    tob_test_path(path, sizeof path, "sheet.ods");
    afile_t f;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(afile_begin(&f, path, &err), TOB_OK);
    write_zip(f.tmp);
    assert_int_equal(afile_check_zip(&f, &err), TOB_OK);
    struct stat sb;
    assert_int_equal(stat(f.tmp, &sb), 0);
    assert_int_equal(truncate(f.tmp, sb.st_size - 1), 0);
    assert_int_equal(afile_check_zip(&f, &err), TOB_ERR_IO);
    assert_string_equal(err.source, path);
    assert_non_null(strstr(err.message, "incomplete"));
    put(f.tmp, ""); /* what GDAL 3.6 leaves on a full disk */
    tob_error_clear(&err);
    assert_int_equal(afile_check_zip(&f, &err), TOB_ERR_IO);
    afile_abort(&f);
    assert_int_equal(access(f.tmp, F_OK), -1);
    assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_temp_name_keeps_the_extension),
        cmocka_unit_test(test_commit_replaces_whole),
        cmocka_unit_test(test_commit_of_a_file_written_by_name),
        cmocka_unit_test(test_abort_keeps_the_old_file),
        cmocka_unit_test(test_missing_folder_names_the_output),
        cmocka_unit_test(test_read_only_folder_fails),
        cmocka_unit_test(test_long_path_refused),
        cmocka_unit_test(test_group_is_all_or_nothing),
        cmocka_unit_test(test_zip_cut_short_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
