/* ini.c - line parser for the INI-like files of terrobs. */
#include "terrobs/ini.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 65536

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims in place; returns the new start. */
static char *trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Validates UTF-8: overlong forms and surrogates are refused too. */
static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t extra;
        unsigned int cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, cp = c & 0x07;
        } else {
            return 0;
        }
        for (size_t k = 1; k <= extra; k++) {
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += extra + 1;
    }
    return 1;
}

/* Control bytes other than tab, and than the CR of a CRLF line end: an
 * escape sequence in a map title or a lone CR (old Mac line ends, which
 * would make the whole file one line) are refused. */
static int has_control(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((s[i] < 0x20 && s[i] != '\t' && !(s[i] == '\r' && i + 1 == n)) ||
            s[i] == 0x7F)
            return 1;
    return 0;
}

static tob_status_t line_error(tob_error_t *err, const char *name, long line,
                               const char *what)
{
    tob_error_set(err, TOB_ERR_INPUT, "%s", what);
    tob_error_at(err, name, line, NULL);
    return TOB_ERR_INPUT;
}

/* Unquotes "..." values in place; returns NULL on an unclosed quote. */
static char *unquote(char *value)
{
    size_t n = strlen(value);
    if (n == 0 || value[0] != '"')
        return value;
    if (n < 2 || value[n - 1] != '"')
        return NULL;
    value[n - 1] = '\0';
    return value + 1;
}

static tob_status_t parse_line(char *text, const char *name, long line,
                               char *section, size_t section_size,
                               tob_ini_handler_t handler, void *user,
                               tob_error_t *err)
{
    char *s = trim(text);
    if (*s == '\0' || *s == '#' || *s == ';')
        return TOB_OK;
    if (*s == '[') {
        size_t n = strlen(s);
        if (s[n - 1] != ']')
            return line_error(err, name, line, "section header lacks ']'");
        s[n - 1] = '\0';
        const char *title = trim(s + 1);
        /* Cut, it could end mid-character or match another section. */
        if (strlen(title) >= section_size)
            return line_error(err, name, line, "section name too long");
        memcpy(section, title, strlen(title) + 1);
        return TOB_OK;
    }
    char *eq = strchr(s, '=');
    if (eq == NULL)
        return line_error(err, name, line,
                          "expected 'key = value' or '[section]'");
    *eq = '\0';
    char *key = trim(s);
    char *value = unquote(trim(eq + 1));
    if (*key == '\0')
        return line_error(err, name, line, "missing key before '='");
    if (value == NULL)
        return line_error(err, name, line, "unclosed quote in value");
    tob_status_t st = handler(user, section, key, value, line, err);
    if (st != TOB_OK) {
        tob_error_at(err, name, line, key);
        return st;
    }
    return TOB_OK;
}

tob_status_t tob_ini_parse_text(const char *text, size_t len, const char *name,
                                tob_ini_handler_t handler, void *user,
                                tob_error_t *err)
{
    if (memchr(text, '\0', len) != NULL)
        return line_error(err, name, 0, "file holds a NUL byte: not text");
    size_t start = 0;
    /* A UTF-8 byte order mark is accepted and skipped. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    char section[256] = "";
    char *buf = malloc(LINE_MAX_BYTES + 1);
    if (buf == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t st = TOB_OK;
    long line = 0;
    while (st == TOB_OK && start < len) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        size_t n = end - start;
        line++;
        if (n > LINE_MAX_BYTES)
            st = line_error(err, name, line, "line longer than 64 KiB");
        else if (!valid_utf8((const unsigned char *)text + start, n))
            st = line_error(err, name, line, "line is not valid UTF-8");
        else if (has_control((const unsigned char *)text + start, n))
            st = line_error(err, name, line,
                            "line holds a control character (only tabs "
                            "and line ends are text)");
        else {
            memcpy(buf, text + start, n);
            buf[n] = '\0';
            st = parse_line(buf, name, line, section, sizeof section, handler,
                            user, err);
        }
        start = end + 1;
    }
    free(buf);
    return st;
}

tob_status_t tob_ini_parse(const char *path, tob_ini_handler_t handler,
                           void *user, tob_error_t *err)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        tob_error_set(err, TOB_ERR_NOTFOUND, "cannot open the file");
        tob_error_at(err, path, 0, NULL);
        return TOB_ERR_NOTFOUND;
    }
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    tob_status_t st = TOB_OK;
    size_t got;
    while (text != NULL && (got = fread(text + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len == cap) {
            if (cap >= (size_t)16 << 20) {
                st = line_error(err, path, 0, "file larger than 16 MiB");
                break;
            }
            char *bigger = realloc(text, cap * 2);
            if (bigger == NULL)
                free(text);
            text = bigger;
            cap *= 2;
        }
    }
    /* fopen() opens a folder; reading it fails with EISDIR. */
    int read_errno = ferror(fp) ? errno : 0;
    fclose(fp);
    if (text == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (st == TOB_OK && read_errno != 0) {
        tob_error_set(err, TOB_ERR_IO, "cannot read the file: %s",
                      strerror(read_errno));
        tob_error_at(err, path, 0, NULL);
        st = TOB_ERR_IO;
    }
    if (st == TOB_OK)
        st = tob_ini_parse_text(text, len, path, handler, user, err);
    free(text);
    return st;
}
