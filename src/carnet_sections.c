/* carnet_sections.c - sections made of the store's own tables: the list
 * of member communes, and free text paragraphs. */
#include "carnet_internal.h"

#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AREA_MAX 64

static const char *section_title(const carnet_ctx_t *ctx,
                                 const tpl_section_t *sec, const char *fallback)
{
    return tpl_get_or(ctx->tpl, sec->id, "title", fallback);
}

/* Rows: name, code, area; then the total. */
static tob_status_t communes_rows(const carnet_territory_t *t,
                                  const char **cells, char (*areas)[AREA_MAX])
{
    double total = 0;
    int all_known = 1;
    for (size_t i = 0; i < t->n_communes; i++) {
        const carnet_unit_t *c = &t->communes[i];
        cells[3 * i] = c->name;
        cells[3 * i + 1] = c->code;
        if (isfinite(c->area_m2))
            tob_fmt_number_fr(c->area_m2 / 1e6, 1, areas[i], AREA_MAX);
        else
            snprintf(areas[i], AREA_MAX, "%s", TOB_FMT_MISSING);
        cells[3 * i + 2] = areas[i];
        all_known &= isfinite(c->area_m2);
        total += isfinite(c->area_m2) ? c->area_m2 : 0;
    }
    size_t n = t->n_communes;
    cells[3 * n] = "Ensemble";
    cells[3 * n + 1] = "";
    if (all_known)
        tob_fmt_number_fr(total / 1e6, 1, areas[n], AREA_MAX);
    else
        snprintf(areas[n], AREA_MAX, "%s", TOB_FMT_MISSING);
    cells[3 * n + 2] = areas[n];
    return TOB_OK;
}

tob_status_t carnet_communes_table(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                   tob_error_t *err)
{
    const carnet_territory_t *t = ctx->terr;
    if (strcmp(t->self.level, "commune") == 0)
        return TOB_OK; /* a commune has no member list */
    tob_status_t st = tob_doc_heading(
        ctx->doc, TOB_TEXT_H1,
        section_title(ctx, sec, "Les communes du territoire"), err);
    if (st != TOB_OK)
        return st;
    if (t->n_communes == 0)
        return tob_doc_paragraph(ctx->doc, TOB_TEXT_NOTE,
                                 "Aucune commune membre n'est enregistrée "
                                 "pour ce territoire dans l'observatoire.",
                                 err);
    static const tob_table_column_t cols[] = {
        {"Commune", 4, TOB_ALIGN_LEFT},
        {"Code Insee", 1.3, TOB_ALIGN_LEFT},
        {"Superficie (km\xC2\xB2)", 1.6, TOB_ALIGN_RIGHT},
    };
    size_t n = t->n_communes + 1;
    const char **cells = calloc(3 * n, sizeof *cells);
    char(*areas)[AREA_MAX] = calloc(n, sizeof *areas);
    if (cells == NULL || areas == NULL) {
        st = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    } else {
        communes_rows(t, cells, areas);
        char caption[128];
        snprintf(caption, sizeof caption, "%zu commune%s", t->n_communes,
                 t->n_communes > 1 ? "s" : "");
        tob_table_t table = {caption, cols, 3, cells, n, 1};
        st = tob_doc_table(ctx->doc, &table, err);
    }
    free(cells);
    free(areas);
    return st;
}

tob_status_t carnet_text(carnet_ctx_t *ctx, const tpl_section_t *sec,
                         tob_error_t *err)
{
    const char *text = tpl_get_or(ctx->tpl, sec->id, "text", NULL);
    const char *title = tpl_get_or(ctx->tpl, sec->id, "title", NULL);
    if (text == NULL)
        return TOB_OK; /* nothing to say: no empty section */
    tob_status_t st = TOB_OK;
    if (title != NULL)
        st = tob_doc_heading(ctx->doc, TOB_TEXT_H1, title, err);
    if (st == TOB_OK)
        st = tob_doc_paragraph(ctx->doc, TOB_TEXT_BODY, text, err);
    return st;
}
