/* store_near.c - "did you mean" hints from the store's own names: levels,
 * variables, codes of a level, and a code typed for the wrong level
 * ("62193 is a commune code"). */
#include "db.h"

#include <stdio.h>
#include <string.h>

const char *db_near_hint(tob_store_t *st, near_t *near, const char *sql,
                         const char *arg)
{
    db_stmt_t *stmt = NULL;
    if (db_try_prepare(st, sql, &stmt)) {
        if (arg != NULL)
            db_bind_text_static(stmt, 1, arg);
        while (db_step(stmt) == DB_ROW)
            near_offer(near, db_column_str(stmt, 0));
    }
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
    db_stmt_t *stmt = NULL;
    int len = 0;
    if (db_try_prepare(st,
                       "SELECT min(length(code)), max(length(code))"
                       " FROM territory WHERE level = ?",
                       &stmt)) {
        db_bind_text_static(stmt, 1, level);
        if (db_step(stmt) == DB_ROW &&
            db_column_int(stmt, 0) == db_column_int(stmt, 1))
            len = db_column_int(stmt, 0);
    }
    db_finalize(stmt);
    return len;
}

const char *db_code_hint(tob_store_t *st, const char *level, const char *code,
                         char *buf, size_t size)
{
    buf[0] = '\0';
    db_stmt_t *stmt = NULL;
    if (db_try_prepare(st,
                       "SELECT level, name FROM territory"
                       " WHERE code = ?1 AND level <> ?2"
                       " ORDER BY vintage DESC, level LIMIT 1",
                       &stmt)) {
        db_bind_text_static(stmt, 1, code);
        db_bind_text_static(stmt, 2, level);
        if (db_step(stmt) == DB_ROW) {
            int len = code_length(st, level);
            char rule[80] = "";
            if (len > 0)
                snprintf(rule, sizeof rule, "; %s codes are %d characters",
                         level, len);
            snprintf(buf, size, " (%s is a %s code: %s%s)", code,
                     db_column_str(stmt, 0), db_column_str(stmt, 1), rule);
        }
    }
    db_finalize(stmt);
    if (buf[0] != '\0')
        return buf;
    near_t near;
    near_start(&near, code);
    snprintf(buf, size, "%s",
             db_near_hint(st, &near,
                          "SELECT DISTINCT code FROM territory"
                          " WHERE level = ? ORDER BY code",
                          level));
    return buf;
}
