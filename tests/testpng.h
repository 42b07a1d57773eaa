/* testpng.h - a PNG the renderer wrote, read back with libpng as RGB, for
 * the unit tests that check colours at map points. Include after
 * <cmocka.h>: a file that cannot be read fails the test. */
#ifndef TERROBS_TESTPNG_H
#define TERROBS_TESTPNG_H

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct image {
    png_uint_32 w, h;
    unsigned char *rgb; /* w * h * 3 bytes; caller frees */
} image_t;

static inline image_t read_png(const char *path)
{
    image_t img = {0, 0, NULL};
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png)))
        fail_msg("libpng could not read %s", path);
    png_init_io(png, fp);
    png_read_info(png, info);
    img.w = png_get_image_width(png, info);
    img.h = png_get_image_height(png, info);
    assert_int_equal(png_get_color_type(png, info), PNG_COLOR_TYPE_RGB);
    img.rgb = malloc((size_t)img.w * img.h * 3);
    for (png_uint_32 y = 0; y < img.h; y++)
        png_read_row(png, img.rgb + (size_t)y * img.w * 3, NULL);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    fclose(fp);
    return img;
}

#endif
