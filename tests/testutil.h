/* testutil.h - small helpers shared by the cmocka unit tests. */
#ifndef TERROBS_TESTUTIL_H
#define TERROBS_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh path under $TOB_TMP (created), e.g. tmp_path(buf, "a.sqlite"). */
static inline const char *tob_test_path(char *buf, size_t size,
                                        const char *name)
{
    const char *dir = getenv("TOB_TMP");
    if (dir == NULL)
        dir = "/tmp";
    mkdir(dir, 0777);
    snprintf(buf, size, "%s/%s", dir, name);
    unlink(buf);
    char side[4200];
    snprintf(side, sizeof side, "%s-wal", buf);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", buf);
    unlink(side);
    return buf;
}

/* A file of the source tree: tob_test_src(buf, "layers/x.geojson"). */
static inline const char *tob_test_src(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", TOB_SOURCE_DIR, rel);
    return buf;
}

#endif
