/* store_near.c - "did you mean" hints from the store's own names: levels,
 * variables, codes of a level, and a code typed for the wrong level
 * ("62193 is a commune code"). */
#include "db.h"

#include <stdio.h>
#include <string.h>

/* sql prepared with a and b (when not NULL) bound to ?1 and ?2; NULL when
 * it cannot run (an older store): a hint is never worth an error. */
static db_stmt_t *bound(tob_store_t *st, const char *sql, const char *a,
                        const char *b)
{
    db_stmt_t *stmt = NULL;
    if (!db_try_prepare(st, sql, &stmt))
        return NULL;
    if (a != NULL)
        db_bind_text_static(stmt, 1, a);
    if (b != NULL)
        db_bind_text_static(stmt, 2, b);
    return stmt;
}

/* The same, on its first row; NULL (finalized) when there is none. */
static db_stmt_t *first_row(tob_store_t *st, const char *sql, const char *a,
                            const char *b)
{
    db_stmt_t *stmt = bound(st, sql, a, b);
    if (stmt != NULL && db_step(stmt) != DB_ROW) {
        db_finalize(stmt);
        stmt = NULL;
    }
    return stmt;
}

const char *db_near_hint(tob_store_t *st, near_t *near, const char *sql,
                         const char *arg)
{
    db_stmt_t *stmt = bound(st, sql, arg, NULL);
    while (stmt != NULL && db_step(stmt) == DB_ROW)
        near_offer(near, db_column_str(stmt, 0));
    db_finalize(stmt);
    return near_hint(near);
}

const char *db_near_level(tob_store_t *st, near_t *near, const char *level)
{
    near_start(near, level);
    return db_near_hint(st, near, "SELECT name FROM level ORDER BY name", NULL);
}

const char *db_near_variable(tob_store_t *st, near_t *near, const char *name)
{
    near_start(near, name);
    return db_near_hint(st, near, "SELECT name FROM variable ORDER BY name",
                        NULL);
}

/* The length of level's codes when all have one, else 0. */
static int code_length(tob_store_t *st, const char *level)
{
    db_stmt_t *stmt = first_row(st,
                                "SELECT min(length(code)), max(length(code))"
                                " FROM territory WHERE level = ?1",
                                level, NULL);
    int len = stmt != NULL && db_column_int(stmt, 0) == db_column_int(stmt, 1)
                  ? db_column_int(stmt, 0)
                  : 0;
    db_finalize(stmt);
    return len;
}

const char *db_code_hint(tob_store_t *st, const char *level, const char *code,
                         char *buf, size_t size)
{
    buf[0] = '\0';
    db_stmt_t *stmt = first_row(st,
                                "SELECT level, name FROM territory"
                                " WHERE code = ?1 AND level <> ?2"
                                " ORDER BY vintage DESC, level LIMIT 1",
                                code, level);
    if (stmt != NULL) {
        int len = code_length(st, level);
        char rule[80] = "";
        if (len > 0)
            snprintf(rule, sizeof rule, "; %s codes are %d characters", level,
                     len);
        snprintf(buf, size, " (%s is a %s code: %s%s)", code,
                 db_column_str(stmt, 0), db_column_str(stmt, 1), rule);
        db_finalize(stmt);
        return buf;
    }
    near_t near;
    near_start(&near, code);
    snprintf(buf, size, "%s",
             db_near_hint(st, &near,
                          "SELECT DISTINCT code FROM territory"
                          " WHERE level = ? ORDER BY code",
                          level));
    return buf;
}
