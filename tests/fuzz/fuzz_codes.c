/* fuzz_codes.c - territory codes (codes.h) and the text helpers the
 * importers and file names rely on (cells.h): tob_code_normalize,
 * tob_code_check for every level, tob_text_fold and tob_text_slug.
 * The slug is what names carnet and atlas files: it must never hold
 * anything but [a-z0-9-], never start or end with '-', never be empty or
 * longer than TOB_SLUG_MAX, whatever the name (.., /, :, controls,
 * invalid UTF-8, 100 kB). */
#include "fuzz.h"

#include "terrobs/cells.h"
#include "terrobs/codes.h"

static const char *const levels[] = {"commune", "epci",    "departement",
                                     "region",  "qpv",     "zone",
                                     "scot",    "Commune", NULL};

static void check_codes(const char *text)
{
    size_t n = strlen(text);
    char buf[256];
    tob_status_t s = tob_code_normalize(text, buf, sizeof buf, NULL);
    if (s != TOB_OK) {
        FUZZ_CHECK(buf[0] == '\0');
        return;
    }
    FUZZ_CHECK(strlen(buf) <= n);
    for (size_t i = 0; levels[i] != NULL; i++) {
        tob_error_t err;
        tob_error_clear(&err);
        s = tob_code_check(levels[i], buf, &err);
        if (s != TOB_OK) {
            FUZZ_CHECK(s == TOB_ERR_INPUT && err.message[0] != '\0');
            continue;
        }
        /* An accepted code is safe to store and print. */
        FUZZ_CHECK(buf[0] != '\0' && strlen(buf) <= TOB_CODE_MAX);
        FUZZ_CHECK(fuzz_is_utf8((const unsigned char *)buf, strlen(buf)));
        for (const char *p = buf; *p; p++)
            FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7F);
    }
}

static void check_slug(const char *text)
{
    static const size_t sizes[] = {TOB_SLUG_MAX + 1, 8, 2, 1};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char slug[TOB_SLUG_MAX + 1];
        memset(slug, 'X', sizeof slug);
        tob_text_slug(text, slug, sizes[k]);
        size_t n = strnlen(slug, sizes[k]);
        FUZZ_CHECK(n < sizes[k]);
        FUZZ_CHECK(n <= TOB_SLUG_MAX);
        if (sizes[k] > 8)
            FUZZ_CHECK(n > 0);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK((slug[i] >= 'a' && slug[i] <= 'z') ||
                       (slug[i] >= '0' && slug[i] <= '9') || slug[i] == '-');
        if (n > 0)
            FUZZ_CHECK(slug[0] != '-' && slug[n - 1] != '-');
    }
}

static void check_fold(const char *text)
{
    size_t n = strlen(text);
    char *folded = malloc(n + 1);
    if (folded == NULL)
        return;
    tob_text_fold(text, folded, n + 1);
    FUZZ_CHECK(strlen(folded) <= n);
    if (fuzz_is_utf8((const unsigned char *)text, n))
        FUZZ_CHECK(fuzz_is_utf8((const unsigned char *)folded, strlen(folded)));
    char small[5];
    tob_text_fold(text, small, sizeof small);
    FUZZ_CHECK(strlen(small) < sizeof small);
    free(folded);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    if (text == NULL)
        return 0;
    FUZZ_CHECK(tob_text_is_utf8(text, size) ==
               fuzz_is_utf8((const unsigned char *)text, size));
    check_codes(text);
    check_slug(text);
    check_fold(text);
    free(text);
    return 0;
}
