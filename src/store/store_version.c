/* store_version.c - the store's data version (db.h): what changes when any
 * writer changes the store, terrobs or not, so that a site or an atlas
 * made from it knows whether it is still true. */
#include "base/hash.h"
#include "db.h"
#include "store_internal.h"

#include <stdio.h>

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
