/* test_hook.c - named points where the crash and concurrency tests stop a
 * writer, so that they kill it mid-write or hold it inside its transaction
 * for certain instead of guessing with a sleep. Off unless the test
 * environment asks (read once):
 *   TOB_TEST_KILL=write:N   SIGKILL itself just before its N-th write
 *                           statement (counted over the process, from 1)
 *   TOB_TEST_KILL=commit    SIGKILL itself just before COMMIT
 *   TOB_TEST_KILL=committed SIGKILL itself just after COMMIT
 *   TOB_TEST_PAUSE=FILE     just before the first COMMIT (a command's
 *                           main one), create FILE and wait until it is
 *                           removed (the transaction stays open)
 *   TOB_TEST_COUNT=FILE     at each COMMIT, write the count of write
 *                           statements so far into FILE
 *   TOB_TEST_PAUSE_READ=FILE in an atlas or a site, once its read
 *                           transaction began and before its workers
 *                           open theirs, create FILE and wait until it is
 *                           removed
 * (tests/cli/crash_safety.sh, tests/cli/pg_engine.sh, tests/cli/atlas.sh,
 * tests/cli/site.sh). A test aid, not a
 * feature: no user sets these. */
#include "db.h"
#include "store_internal.h"

#include <glib.h>

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
    int on;
    long long kill_write; /* 0: none */
    int kill_commit, kill_committed;
    const char *pause, *count, *pause_read;
    atomic_llong writes;
} hook;

static int hook_on(void)
{
    static gsize done = 0;
    if (g_once_init_enter(&done)) {
        const char *kill = getenv("TOB_TEST_KILL");
        hook.pause = getenv("TOB_TEST_PAUSE");
        hook.count = getenv("TOB_TEST_COUNT");
        hook.pause_read = getenv("TOB_TEST_PAUSE_READ");
        if (kill != NULL && strncmp(kill, "write:", 6) == 0)
            hook.kill_write = atoll(kill + 6);
        hook.kill_commit = kill != NULL && strcmp(kill, "commit") == 0;
        hook.kill_committed = kill != NULL && strcmp(kill, "committed") == 0;
        hook.on = hook.kill_write > 0 || hook.kill_commit ||
                  hook.kill_committed || hook.pause != NULL ||
                  hook.count != NULL || hook.pause_read != NULL;
        g_once_init_leave(&done, 1);
    }
    return hook.on;
}

/* Creates path and waits until the test removes it. */
static void wait_removed(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f != NULL)
        fclose(f);
    const struct timespec tick = {0, 10000000};
    while (access(path, F_OK) == 0)
        nanosleep(&tick, NULL);
}

void test_hook_write(void)
{
    if (!hook_on())
        return;
    long long n = atomic_fetch_add(&hook.writes, 1) + 1;
    if (hook.kill_write > 0 && n == hook.kill_write)
        raise(SIGKILL);
}

void test_hook_commit(int done)
{
    if (!hook_on())
        return;
    if (done) {
        if (hook.kill_committed)
            raise(SIGKILL);
        return;
    }
    if (hook.count != NULL) {
        FILE *f = fopen(hook.count, "w");
        if (f != NULL) {
            fprintf(f, "%lld\n", (long long)atomic_load(&hook.writes));
            fclose(f);
        }
    }
    if (hook.kill_commit)
        raise(SIGKILL);
    static atomic_int paused = 0;
    if (hook.pause != NULL && atomic_exchange(&paused, 1) == 0)
        wait_removed(hook.pause);
}

void db_test_pause_read(void)
{
    static atomic_int paused = 0;
    if (hook_on() && hook.pause_read != NULL &&
        atomic_exchange(&paused, 1) == 0)
        wait_removed(hook.pause_read);
}
