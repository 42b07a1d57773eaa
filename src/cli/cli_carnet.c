/* cli_carnet.c - the template of `carnet` and `atlas`: the one given, its
 * gaps said once on stderr (an error with --strict), or one made from the
 * store. */
#include "cli.h"

#include "terrobs/carnet.h"

#include <stdio.h>

#define MAX_GAPS 64

/* Prints one line per section part left out; TOB_ERR_INPUT with strict. */
static tob_status_t say_gaps(tob_store_t *st, const tob_carnet_template_t *tpl,
                             const char *path, int strict, tob_error_t *err)
{
    tob_carnet_gap_t gaps[MAX_GAPS];
    size_t n = 0;
    tob_status_t s = tob_carnet_template_gaps(st, tpl, gaps, MAX_GAPS, &n, err);
    for (size_t i = 0; s == TOB_OK && i < n && i < MAX_GAPS; i++) {
        const tob_carnet_gap_t *g = &gaps[i];
        fprintf(stderr,
                "terrobs: %s: %s: [%s]: no variable '%s' in the store, left "
                "out%s%s%s\n",
                strict ? "error" : "warning", path, g->section, g->variable,
                g->closest[0] ? " (closest: " : "", g->closest,
                g->closest[0] ? ")" : "");
    }
    if (s == TOB_OK && n > MAX_GAPS)
        fprintf(stderr, "terrobs: %s: %s: %zu more left out\n",
                strict ? "error" : "warning", path, n - MAX_GAPS);
    if (s == TOB_OK && n > 0 && strict)
        s = tob_error_set(err, TOB_ERR_INPUT,
                          "%zu variables of the template are not in the "
                          "store (--strict)",
                          n);
    return s;
}

tob_status_t tob_cli_carnet_template(const char *store_path,
                                     const char *template_path,
                                     const char *level, int strict,
                                     tob_carnet_template_t **tpl,
                                     tob_error_t *err)
{
    *tpl = NULL;
    tob_store_t *st = NULL;
    tob_status_t s = tob_store_open(store_path, TOB_STORE_READ, &st, err);
    if (s == TOB_OK && template_path != NULL) {
        s = tob_carnet_template_read(template_path, tpl, err);
        if (s == TOB_OK)
            s = say_gaps(st, *tpl, template_path, strict, err);
    } else if (s == TOB_OK) {
        s = tob_carnet_template_fit(st, level, tpl, err);
    }
    tob_store_close(st);
    if (s != TOB_OK) {
        tob_carnet_template_destroy(*tpl);
        *tpl = NULL;
    }
    return s;
}
