/* render_svg.c - what an SVG map adds for the web: each thematic territory
 * as its own <path> with an id (its code) and a <title> (its name and
 * value, in French), over Cairo's drawing, transparent, so that a page can
 * style, link or point at it. Cairo draws the fills one path per colour,
 * which no script can tell apart. */
#include "render_internal.h"

#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void svg_put_escaped(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

static int put_ring(void *user, const double *xy, size_t n,
                    geom_run_kind_t kind)
{
    FILE *out = user;
    if (n < 2)
        return 0;
    fprintf(out, "M%.2f %.2f", xy[0], xy[1]);
    for (size_t i = 1; i < n; i++)
        fprintf(out, "L%.2f %.2f", xy[2 * i], xy[2 * i + 1]);
    if (kind != GEOM_LINE)
        fputc('Z', out);
    return 0;
}

/* "Lille (59350) : 236 710 habitants", the category of a typology, both
 * values of a map of two. */
static void put_title(const render_t *r, const rfeat_t *f, FILE *out)
{
    svg_put_escaped(out, f->name ? f->name : "");
    fputs(" (", out);
    svg_put_escaped(out, f->code ? f->code : "");
    fputs(") : ", out);
    int d = r->decimals >= 0 ? r->decimals : 1;
    char num[TOB_FMT_MAX];
    if (r->style->kind == STYLE_TYPOLOGY) {
        svg_put_escaped(out, f->category ? f->category : "non renseigné");
        return;
    }
    if (isnan(f->value)) {
        fputs("donnée non disponible", out);
    } else {
        tob_fmt_number_fr(f->value, d, num, sizeof num);
        svg_put_escaped(out, num);
        if (r->var_unit[0] != '\0') {
            fputc(' ', out);
            svg_put_escaped(out, r->var_unit);
        }
    }
    if (r->style->kind == STYLE_PROP_TYPO && f->category != NULL) {
        fputs(" ; ", out);
        svg_put_escaped(out, f->category);
    } else if (style_has_second(r->style->kind) && !isnan(f->value2)) {
        tob_fmt_number_fr(f->value2, r->decimals2 >= 0 ? r->decimals2 : 1, num,
                          sizeof num);
        fputs(" ; ", out);
        svg_put_escaped(out, num);
        if (r->var2_unit[0] != '\0') {
            fputc(' ', out);
            svg_put_escaped(out, r->var2_unit);
        }
    }
}

tob_status_t render_svg_territories(render_t *r, tob_error_t *err)
{
    size_t len = 0;
    FILE *out = open_memstream(&r->svg_territories, &len);
    if (out == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    char prefix[16] = "";
    if (r->panel > 0) /* small multiples: ids unique on the page */
        snprintf(prefix, sizeof prefix, "p%d-", r->panel);
    fprintf(out,
            "<g id=\"%sterrobs-territories\" fill=\"#000\" fill-opacity=\"0\""
            " fill-rule=\"evenodd\">\n",
            prefix);
    for (size_t i = 0; i < r->feats.n; i++) {
        const rfeat_t *f = &r->feats.items[i];
        const rview_t *v = &r->views[f->view];
        fprintf(out, "<path id=\"%st-", prefix);
        svg_put_escaped(out, f->code ? f->code : "");
        fputs("\" d=\"", out);
        geom_rings_px(f->geom, f->geom_len, &v->t, r->tol, &r->scratch,
                      put_ring, out);
        fputs("\"><title>", out);
        put_title(r, f, out);
        fputs("</title></path>\n", out);
    }
    fputs("</g>\n", out);
    if (fclose(out) != 0) {
        free(r->svg_territories);
        r->svg_territories = NULL;
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    return TOB_OK;
}
