/* fuzz.h - what the libFuzzer harnesses of tests/fuzz share. Each
 * fuzz_<target>.c defines LLVMFuzzerTestOneInput(); built with
 * -fsanitize=fuzzer it is a fuzzer, linked with replay.c it replays a
 * corpus in ordinary builds (ctest fuzz_replay_<target>). */
#ifndef TERROBS_FUZZ_H
#define TERROBS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: a violation is a crash, which
 * libFuzzer saves as a reproducer. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* A NUL-terminated copy of data, or NULL when out of memory. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s != NULL) {
        memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

/* Whether s[0..n) is well-formed UTF-8 (a small independent check, not the
 * library's own, so that both are tested against each other). */
static inline int fuzz_is_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], len, cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            len = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            len = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            len = 4, cp = c & 0x07;
        else
            return 0;
        if (i + len > n)
            return 0;
        for (unsigned k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

static inline void fuzz_remove_scratch(void);

/* A private scratch file for harnesses that must go through a path:
 * <dir>/tob-fuzz-<name>-<pid><ext>, removed at exit, in $TOB_FUZZ_TMP, else
 * /dev/shm (files on disk cost 8 times more per input), else $TMPDIR. */
static inline const char *fuzz_scratch_path(const char *name, const char *ext)
{
    static char path[512];
    if (path[0] == '\0') {
        const char *dir = getenv("TOB_FUZZ_TMP");
        if (dir == NULL && access("/dev/shm", W_OK) == 0)
            dir = "/dev/shm";
        if (dir == NULL)
            dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/tob-fuzz-%s-%ld%s",
                 dir != NULL ? dir : "/tmp", name, (long)getpid(), ext);
        atexit(fuzz_remove_scratch);
    }
    return path;
}

static inline void fuzz_remove_scratch(void)
{
    unlink(fuzz_scratch_path("", ""));
}

static inline int fuzz_write_file(const char *path, const uint8_t *data,
                                  size_t size)
{
    FILE *fp = fopen(path, "wb");
    if (fp == NULL)
        return -1;
    size_t put = fwrite(data, 1, size, fp);
    return fclose(fp) == 0 && put == size ? 0 : -1;
}

#endif
