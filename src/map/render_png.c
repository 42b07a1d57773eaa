/* render_png.c - a PNG's image data (its zlib stream) deflated on
 * several threads, as pigz does: the rows are cut into a fixed number of
 * pieces (so that the file is the same on any machine), each piece a raw
 * deflate stream primed with the 32 kB of rows before it and ended on a
 * byte boundary (Z_SYNC_FLUSH), the pieces joined under one zlib header
 * and the Adler-32 of the whole. Rows are unfiltered (filter byte 0): a
 * map is flat colours, where libpng's filters cost more than they save.
 * A 2000 x 2000 map spent a fifth of its time in zlib on one thread. */
#include "render_internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PNG_PIECES 4
#define PNG_MIN_ROWS_PER_PIECE 64
#define PNG_WINDOW 32768

typedef struct piece {
    const unsigned char *data;
    int stride, w, y0, y1, level, last;
    size_t prime;       /* bytes of rows before y0 in `in`, the dictionary */
    unsigned char *in;  /* filtered rows from y0 - prime's rows */
    size_t in_len;      /* bytes from y0 */
    unsigned char *out; /* raw deflate */
    size_t out_len;
    uLong adler; /* of the bytes from y0 */
    int failed;
} piece_t;

/* ARGB32 premultiplied (native endian) to a filtered row: 0, then RGB
 * (the page is opaque). */
static void row_to_png(const unsigned char *src, unsigned char *dst, int w)
{
    const uint32_t *px = (const uint32_t *)(const void *)src;
    *dst++ = 0;
    for (int x = 0; x < w; x++) {
        uint32_t p = px[x];
        unsigned a = p >> 24;
        unsigned r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
        if (a != 0 && a != 255) { /* a translucent page background */
            r = r * 255 / a, g = g * 255 / a, b = b * 255 / a;
        }
        dst[3 * x] = (unsigned char)r;
        dst[3 * x + 1] = (unsigned char)g;
        dst[3 * x + 2] = (unsigned char)b;
    }
}

static void *piece_main(void *arg)
{
    piece_t *p = arg;
    size_t row = 1 + (size_t)p->w * 3;
    int back = p->y0 == 0 ? 0 : (int)((PNG_WINDOW + row - 1) / row);
    int from = p->y0 - back < 0 ? 0 : p->y0 - back;
    p->prime = (size_t)(p->y0 - from) * row;
    p->in_len = (size_t)(p->y1 - p->y0) * row;
    p->in = malloc(p->prime + p->in_len);
    if (p->in == NULL) {
        p->failed = 1;
        return NULL;
    }
    for (int y = from; y < p->y1; y++)
        row_to_png(p->data + (size_t)y * (size_t)p->stride,
                   p->in + (size_t)(y - from) * row, p->w);
    const unsigned char *body = p->in + p->prime;
    p->adler = adler32(adler32(0, Z_NULL, 0), body, (uInt)p->in_len);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, p->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        p->failed = 1;
        return NULL;
    }
    size_t dict = p->prime < PNG_WINDOW ? p->prime : PNG_WINDOW;
    size_t cap = deflateBound(&z, (uLong)p->in_len) + 16;
    p->out = malloc(cap);
    if (p->out == NULL ||
        (dict > 0 &&
         deflateSetDictionary(&z, body - dict, (uInt)dict) != Z_OK)) {
        p->failed = 1;
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (unsigned char *)body;
    z.avail_in = (uInt)p->in_len;
    z.next_out = p->out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, p->last ? Z_FINISH : Z_SYNC_FLUSH);
    if ((p->last ? rc != Z_STREAM_END : rc != Z_OK) || z.avail_in != 0)
        p->failed = 1;
    p->out_len = cap - z.avail_out;
    deflateEnd(&z);
    return NULL;
}

int png_deflate_rows(const unsigned char *data, int stride, int w, int h,
                     int level, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (w <= 0 || h <= 0)
        return -1;
    int n = h / PNG_MIN_ROWS_PER_PIECE;
    n = n < 1 ? 1 : n > PNG_PIECES ? PNG_PIECES : n;
    piece_t pieces[PNG_PIECES];
    pthread_t threads[PNG_PIECES];
    int started[PNG_PIECES] = {0};
    for (int i = 0; i < n; i++) {
        piece_t *p = &pieces[i];
        memset(p, 0, sizeof *p);
        p->data = data, p->stride = stride, p->w = w, p->level = level;
        p->y0 = (int)((long)h * i / n), p->y1 = (int)((long)h * (i + 1) / n);
        p->last = i == n - 1;
        if (n > 1 && pthread_create(&threads[i], NULL, piece_main, p) == 0)
            started[i] = 1;
        else
            piece_main(p);
    }
    int failed = 0;
    size_t total = 2 + 4;
    for (int i = 0; i < n; i++) {
        if (started[i])
            pthread_join(threads[i], NULL);
        failed |= pieces[i].failed;
        total += pieces[i].out_len;
    }
    unsigned char *z = failed ? NULL : malloc(total);
    if (z != NULL) {
        /* CMF 0x78: deflate, 32 kB window; FLG 0x5e: levels 2 to 5 and
         * the check bits ((0x78 << 8 | 0x5e) % 31 == 0). */
        unsigned char *at = z;
        *at++ = 0x78;
        *at++ = level <= 1   ? 0x01
                : level <= 5 ? 0x5e
                : level == 6 ? 0x9c
                             : 0xda;
        uLong adler = pieces[0].adler;
        for (int i = 0; i < n; i++) {
            memcpy(at, pieces[i].out, pieces[i].out_len);
            at += pieces[i].out_len;
            if (i > 0)
                adler = adler32_combine(adler, pieces[i].adler,
                                        (z_off_t)pieces[i].in_len);
        }
        for (int k = 3; k >= 0; k--)
            *at++ = (unsigned char)(adler >> (8 * k));
        *out = z;
        *out_len = total;
    }
    for (int i = 0; i < n; i++) {
        free(pieces[i].in);
        free(pieces[i].out);
    }
    return z != NULL ? 0 : -1;
}
