/* fuzz_table_csv.c - CSV files as the table importer reads them
 * (table.h through GDAL: separator sniffing, BOM, Windows-1252, quotes,
 * line breaks in cells): never crash; every cell comes back as valid
 * UTF-8; row numbers increase; errors name the file. */
#include "fuzz.h"

#include "terrobs/table.h"

#include <gdal.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int registered = 0;
    if (!registered) {
        GDALAllRegister();
        registered = 1;
    }
    const char *path = fuzz_scratch_path("table", ".csv");
    if (fuzz_write_file(path, data, size) != 0)
        return 0;
    tob_table_t *t = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    tob_status_t s = tob_table_open(path, NULL, &t, &err);
    if (s != TOB_OK) {
        FUZZ_CHECK(t == NULL && err.message[0] != '\0');
        FUZZ_CHECK(err.source[0] != '\0');
        return 0;
    }
    size_t n_columns = tob_table_n_columns(t);
    for (size_t i = 0; i < n_columns; i++) {
        const char *name = tob_table_column_name(t, i);
        FUZZ_CHECK(name != NULL && name[0] != '\0');
        FUZZ_CHECK(fuzz_is_utf8((const unsigned char *)name, strlen(name)));
    }
    long long last_row = 0;
    int has_row = 0;
    for (int rows = 0; rows < 10000; rows++) {
        tob_error_clear(&err);
        if (tob_table_next(t, &has_row, &err) != TOB_OK || !has_row)
            break;
        long long row = tob_table_row_number(t);
        FUZZ_CHECK(row > last_row);
        last_row = row;
        for (size_t i = 0; i <= n_columns; i++) {
            const char *cell = tob_table_cell(t, i);
            FUZZ_CHECK(cell != NULL);
            FUZZ_CHECK(fuzz_is_utf8((const unsigned char *)cell, strlen(cell)));
        }
    }
    tob_table_close(t);
    return 0;
}
