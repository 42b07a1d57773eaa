/* carnet_sections.c - free text sections of a carnet. */
#include "carnet_internal.h"

#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tob_status_t carnet_text(carnet_ctx_t *ctx, const tpl_section_t *sec,
                         tob_error_t *err)
{
    const char *text = tpl_get_or(ctx->tpl, sec->id, "text", NULL);
    const char *title = tpl_get_or(ctx->tpl, sec->id, "title", NULL);
    if (text == NULL)
        return TOB_OK; /* nothing to say: no empty section */
    tob_status_t s = TOB_OK;
    if (title != NULL)
        s = tob_doc_heading(ctx->doc, TOB_TEXT_H1, title, err);
    if (s == TOB_OK)
        s = tob_doc_paragraph(ctx->doc, TOB_TEXT_BODY, text, err);
    return s;
}
