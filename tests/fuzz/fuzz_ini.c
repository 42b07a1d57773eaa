/* fuzz_ini.c - the INI-like syntax of layers, styles and templates
 * (tob_ini_parse_text): never crashes, and what it hands the handler is
 * sound: valid UTF-8 without line breaks, a non-empty key, increasing
 * lines; a failure names the file and is TOB_ERR_INPUT. */
#include "fuzz.h"

#include "terrobs/ini.h"

typedef struct seen {
    long last_line;
    size_t n_keys;
} seen_t;

static tob_status_t on_key(void *user, const char *section, const char *key,
                           const char *value, long line, tob_error_t *err)
{
    seen_t *seen = user;
    FUZZ_CHECK(line > seen->last_line);
    seen->last_line = line;
    FUZZ_CHECK(key[0] != '\0');
    FUZZ_CHECK(strchr(key, '=') == NULL);
    for (const char *p = value; *p; p++)
        FUZZ_CHECK((unsigned char)*p >= 0x20 || *p == '\t');
    FUZZ_CHECK(fuzz_is_utf8((const unsigned char *)section, strlen(section)));
    FUZZ_CHECK(fuzz_is_utf8((const unsigned char *)key, strlen(key)));
    FUZZ_CHECK(fuzz_is_utf8((const unsigned char *)value, strlen(value)));
    /* Stop now and then, as real handlers do on a bad value. */
    if (strcmp(key, "stop") == 0)
        return tob_error_set(err, TOB_ERR_INPUT, "stopped at '%s'", value);
    seen->n_keys++;
    return TOB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seen_t seen = {0, 0};
    tob_error_t err;
    tob_error_clear(&err);
    tob_status_t s = tob_ini_parse_text((const char *)data, size, "fuzz.ini",
                                        on_key, &seen, &err);
    FUZZ_CHECK(s == err.code);
    if (s != TOB_OK) {
        FUZZ_CHECK(s == TOB_ERR_INPUT || s == TOB_ERR_NOMEM);
        FUZZ_CHECK(strcmp(err.source, "fuzz.ini") == 0);
        FUZZ_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
    }
    return 0;
}
