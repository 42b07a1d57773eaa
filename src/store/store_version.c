/* store_version.c - the store's data version (db.h): what changes when any
 * writer changes the store, terrobs or not, so that a site or an atlas
 * made from it knows whether it is still true; and the read snapshot a
 * site's or an atlas' workers share. */
#include "base/hash.h"
#include "db.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* A SQLite WAL: recreated empty by readers (so not its time), its size
 * and 32-byte header tell what it holds beyond the main file. */
static uint64_t mix_wal(uint64_t h, const char *path)
{
    unsigned char head[32] = {0};
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return hash_fnv_text(h, "-");
    size_t n = fread(head, 1, sizeof head, fp);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fclose(fp);
    return hash_number(hash_fnv_bytes(h, head, n), size);
}

int db_data_version(tob_store_t *st, uint64_t *version)
{
    uint64_t h = HASH_FNV_SEED;
    if (st->engine != DIALECT_PG) {
        char side[4200];
        h = hash_file_stat(h, st->path);
        snprintf(side, sizeof side, "%s-wal", st->path);
        h = mix_wal(h, side);
        snprintf(side, sizeof side, "%s-journal", st->path);
        *version = hash_file_stat(h, side);
        return 1;
    }
    /* The schema's change counter (store_pg.c); a schema made before it
     * has none, nor may a role the counter was not granted to read. */
    db_stmt_t *q = NULL;
    int known = 0;
    if (db_try_prepare(st, "SELECT last_value, is_called FROM tob_data_version",
                       &q) &&
        db_step(q) == DB_ROW) {
        h = hash_number(h, db_column_int64(q, 0));
        *version = hash_number(h, db_column_int(q, 1));
        known = 1;
    }
    db_finalize(q);
    return known;
}

tob_status_t db_begin_shared_read(tob_store_t *st, db_shared_read_t *r,
                                  tob_error_t *err)
{
    memset(r, 0, sizeof *r);
    r->version_known = db_data_version(st, &r->version);
    if (st->engine != DIALECT_PG)
        return tob_store_exec(st, "BEGIN", err);
    tob_status_t s = tob_store_exec(st,
                                    "BEGIN ISOLATION LEVEL REPEATABLE READ,"
                                    " READ ONLY",
                                    err);
    db_stmt_t *q = NULL;
    if (s == TOB_OK)
        s = db_prepare(st, "SELECT pg_export_snapshot()", &q, err);
    if (s == TOB_OK && db_step(q) == DB_ROW)
        snprintf(r->snapshot, sizeof r->snapshot, "%s", db_column_str(q, 0));
    else if (s == TOB_OK)
        s = db_fail(st, "sharing the read snapshot", err);
    db_finalize(q);
    return s;
}

tob_status_t db_join_shared_read(tob_store_t *st, const db_shared_read_t *r,
                                 tob_error_t *err)
{
    const char *snapshot = r->snapshot;
    if (st->engine != DIALECT_PG || snapshot[0] == '\0')
        return tob_store_exec(st, "BEGIN", err);
    /* a snapshot id is digits, hex and dashes: nothing to quote */
    for (const char *p = snapshot; *p != '\0'; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F') ||
              *p == '-'))
            return tob_error_set(err, TOB_ERR_ARG, "bad snapshot '%s'",
                                 snapshot);
    char sql[96 + sizeof r->snapshot];
    snprintf(sql, sizeof sql,
             "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
             " SET TRANSACTION SNAPSHOT '%s'",
             snapshot);
    return tob_store_exec(st, sql, err);
}

uint64_t db_shared_read_hash(const db_shared_read_t *r, uint64_t h)
{
    if (r->version_known)
        return hash_number(h, (long long)r->version);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return hash_number(hash_number(h, (long long)now.tv_sec),
                       (long long)now.tv_nsec);
}

int db_shared_read_moved(tob_store_t *st, const db_shared_read_t *r)
{
    uint64_t now = 0;
    return r->snapshot[0] == '\0' && r->version_known &&
           db_data_version(st, &now) && now != r->version;
}
