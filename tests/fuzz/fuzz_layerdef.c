/* fuzz_layerdef.c - layer-definition files (tob_layerdef_read): never
 * crash; accepted files give options the loader can take (required keys
 * set, a valid level name, a vintage in range); refusals name the file. */
#include "fuzz.h"

#include "terrobs/load.h"
#include "terrobs/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_scratch_path("layerdef", ".layer");
    if (fuzz_write_file(path, data, size) != 0)
        return 0;
    tob_layerdef_t *def = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    tob_status_t s = tob_layerdef_read(path, &def, &err);
    if (s != TOB_OK) {
        FUZZ_CHECK(def == NULL);
        FUZZ_CHECK(s == err.code);
        FUZZ_CHECK(strcmp(err.source, path) == 0);
        return 0;
    }
    const tob_load_options_t *o = tob_layerdef_options(def);
    FUZZ_CHECK(o->level != NULL && o->src != NULL);
    FUZZ_CHECK(o->code_field != NULL && o->name_field != NULL);
    FUZZ_CHECK(tob_store_check_level_name(o->level, NULL) == TOB_OK);
    FUZZ_CHECK(o->vintage == 0 || (o->vintage >= 1800 && o->vintage <= 2200));
    tob_layerdef_destroy(def);
    return 0;
}
