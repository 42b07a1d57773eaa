/* fuzz_carnet_template.c - carnet templates (tob_carnet_template_parse):
 * INI text checked key by key; never crash, refuse with a message. */
#include "fuzz.h"

#include "terrobs/carnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tob_carnet_template_t *tpl = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    tob_status_t s = tob_carnet_template_parse(
        (const char *)data, size, "fuzz.ini", "/nonexistent", &tpl, &err);
    if (s != TOB_OK) {
        FUZZ_CHECK(tpl == NULL);
        FUZZ_CHECK(s == err.code && err.message[0] != '\0');
    }
    tob_carnet_template_destroy(tpl);
    return 0;
}
