/* tob_sql.c - the end-to-end tests' SQL on a store, through the library's
 * own database layer (src/store/db.h), so that a test's query is written
 * once, in the store's SQL, and runs on both engines as the modules' do
 * (the dialect respells it for PostgreSQL). Prints each row's columns
 * joined by '|', as `sqlite3` does: NULL as nothing, reals with a decimal
 * point. Several statements separated by ';' run in turn.
 * Usage: tob_sql STORE SQL */
#include "store/db.h"
#include "terrobs/error.h"
#include "terrobs/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_error(const tob_error_t *err)
{
    char buf[1024];
    fprintf(stderr, "tob_sql: %s\n", tob_error_format(err, buf, sizeof buf));
}

static void print_real(double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", v);
    if (isfinite(v) && strpbrk(buf, ".en") == NULL)
        strcat(buf, ".0");
    fputs(buf, stdout);
}

static int run(tob_store_t *st, const char *sql)
{
    tob_error_t err = {0};
    db_stmt_t *stmt = NULL;
    if (db_prepare(st, sql, &stmt, &err) != TOB_OK) {
        print_error(&err);
        return 1;
    }
    int rc;
    /* TOB_SQL_TEXT=1: every column as its text (db_column_str), as a
     * module reading a number as text gets it. */
    const char *as_text = getenv("TOB_SQL_TEXT");
    int text = as_text != NULL && strcmp(as_text, "1") == 0;
    while ((rc = db_step(stmt)) == DB_ROW) {
        for (int i = 0; i < db_column_count(stmt); i++) {
            if (i > 0)
                putchar('|');
            if (text && db_column_type(stmt, i) != DB_NULL) {
                fputs(db_column_str(stmt, i), stdout);
                continue;
            }
            switch (db_column_type(stmt, i)) {
            case DB_NULL:
                break;
            case DB_INTEGER:
                printf("%lld", db_column_int64(stmt, i));
                break;
            case DB_FLOAT:
                print_real(db_column_double(stmt, i));
                break;
            case DB_BLOB:
                fwrite(db_column_blob(stmt, i), 1,
                       (size_t)db_column_bytes(stmt, i), stdout);
                break;
            default:
                fputs(db_column_str(stmt, i), stdout);
            }
        }
        putchar('\n');
    }
    if (rc != DB_DONE) {
        db_fail(st, "running the query", &err);
        print_error(&err);
    }
    db_finalize(stmt);
    return rc == DB_DONE ? 0 : 1;
}

/* The next statement of *p, cut at a ';' outside quotes; NULL at the end. */
static char *next_statement(char **p)
{
    char *s = *p;
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == ';')
        s++;
    if (*s == '\0')
        return NULL;
    char *e = s;
    for (char q = 0; *e != '\0' && (q || *e != ';'); e++)
        if (q ? *e == q : (*e == '\'' || *e == '"'))
            q = q ? 0 : *e;
    if (*e != '\0')
        *e++ = '\0';
    *p = e;
    return s;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: tob_sql STORE SQL\n");
        return 1;
    }
    tob_error_t err = {0};
    tob_store_t *st = NULL;
    if (tob_store_open(argv[1], TOB_STORE_WRITE, &st, &err) != TOB_OK) {
        print_error(&err);
        return 1;
    }
    char *sql = strdup(argv[2]), *p = sql, *one;
    int rc = sql == NULL;
    while (rc == 0 && (one = next_statement(&p)) != NULL)
        rc = run(st, one);
    free(sql);
    tob_store_close(st);
    return rc;
}
