/* carnet_cover.c - the cover: what the territory is (name, level, code),
 * where it belongs (parent territories), how big it is (communes, area),
 * when and from what the carnet was made. */
#include "carnet_internal.h"

#include "layout_internal.h"

#include "base/plural_fr.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define BAND_HEIGHT 250.0
#define COVER_X 56.0
#define COVER_W (TOB_PAGE_WIDTH - 2 * COVER_X)
#define FOOT_Y 712.0

static double draw_band(carnet_ctx_t *ctx, cairo_t *cr)
{
    const carnet_territory_t *t = ctx->terr;
    set_rgb(cr, TOB_RGB_ACCENT);
    cairo_rectangle(cr, 0, 0, TOB_PAGE_WIDTH, BAND_HEIGHT);
    cairo_fill(cr);
    const char *title =
        tpl_get_or(ctx->tpl, "carnet", "title", "Carnet de territoire");
    double y = 78;
    y += tob_doc_draw_text(ctx->doc, cr, COVER_X, y, COVER_W,
                           TOB_FONT_FAMILY " Bold 11", 0xC9DAEAu,
                           TOB_ALIGN_LEFT, title) +
         10;
    y += tob_doc_draw_text(ctx->doc, cr, COVER_X, y, COVER_W,
                           TOB_FONT_FAMILY " Bold 26", 0xFFFFFFu,
                           TOB_ALIGN_LEFT, t->self.name) +
         8;
    char line[512];
    snprintf(line, sizeof line, "%s \xC2\xB7 code %s", t->self.level_label,
             t->self.code);
    y += tob_doc_draw_text(ctx->doc, cr, COVER_X, y, COVER_W,
                           TOB_FONT_FAMILY " 12", 0xFFFFFFu, TOB_ALIGN_LEFT,
                           line);
    const char *subtitle = tpl_get_or(ctx->tpl, "carnet", "subtitle", NULL);
    if (subtitle != NULL)
        tob_doc_draw_text(ctx->doc, cr, COVER_X, y + 10, COVER_W,
                          TOB_FONT_FAMILY " Oblique 11", 0xC9DAEAu,
                          TOB_ALIGN_LEFT, subtitle);
    return BAND_HEIGHT;
}

/* "Label : value" on one line, the label in grey. */
static double fact(carnet_ctx_t *ctx, cairo_t *cr, double y, const char *label,
                   const char *value)
{
    const double label_w = 150;
    tob_doc_draw_text(ctx->doc, cr, COVER_X, y, label_w, TOB_FONT_FAMILY " 10",
                      TOB_RGB_GREY, TOB_ALIGN_LEFT, label);
    return tob_doc_draw_text(ctx->doc, cr, COVER_X + label_w, y,
                             COVER_W - label_w, TOB_FONT_FAMILY " Bold 10",
                             TOB_RGB_TEXT, TOB_ALIGN_LEFT, value) +
           5;
}

/* "Départements" from "Département": the level label for several. */
static void plural_label(const char *label, char *buf, size_t size)
{
    carnet_level_plural(label, buf, size);
    if (strncmp(buf, "\xC3\xA9", 2) == 0) { /* é -> É */
        buf[1] = (char)0x89;
    } else if (buf[0] >= 'a' && buf[0] <= 'z') {
        buf[0] = (char)(buf[0] - 'a' + 'A');
    }
}

/* Parents of one level on one line: "Nord (59), Pas-de-Calais (62)".
 * Returns the index after them. */
static size_t parents_line(const carnet_territory_t *t, size_t i, char *label,
                           size_t label_size, char *value, size_t value_size)
{
    const char *level = t->parents[i].level;
    size_t used = 0, k = i;
    value[0] = '\0';
    for (; k < t->n_parents && strcmp(t->parents[k].level, level) == 0; k++) {
        const carnet_unit_t *p = &t->parents[k];
        int dep = strcmp(p->level, "departement") == 0;
        int w = snprintf(value + used, value_size - used, "%s%s%s%s%s",
                         k > i ? ", " : "", p->name, dep ? " (" : "",
                         dep ? p->code : "", dep ? ")" : "");
        used += w > 0 && (size_t)w < value_size - used ? (size_t)w : 0;
    }
    if (k - i > 1)
        plural_label(t->parents[i].level_label, label, label_size);
    else
        snprintf(label, label_size, "%s", t->parents[i].level_label);
    return k;
}

/* The cover's area: the template's area variable when the territory has
 * a value of it (the surface the key figures and the communes table use),
 * else its polygon's. */
static void cover_area(carnet_ctx_t *ctx, char *buf, size_t size)
{
    const char *name = tpl_get_or(ctx->tpl, "cover", "area", NULL);
    tob_error_t ignored;
    tob_error_clear(&ignored);
    tob_value_t v;
    if (name != NULL && carnet_need_values(ctx, &ignored) == TOB_OK &&
        tob_values_variable(ctx->vals, name, NULL) != NULL &&
        tob_values_get(ctx->vals, name, ctx->terr->self.id, 0, &v, &ignored) ==
            TOB_OK &&
        isfinite(v.value)) {
        carnet_fmt_value(v.value, tob_values_variable(ctx->vals, name, NULL),
                         buf, size);
        return;
    }
    carnet_fmt_area(ctx->terr->self.area_m2, buf, size);
}

static double draw_facts(carnet_ctx_t *ctx, cairo_t *cr, double y)
{
    const carnet_territory_t *t = ctx->terr;
    for (size_t i = 0; i < t->n_parents;) {
        char label[128], value[1024];
        i = parents_line(t, i, label, sizeof label, value, sizeof value);
        y += fact(ctx, cr, y, label, value);
    }
    char buf[128];
    if (strcmp(t->self.level, "commune") != 0) {
        /* The real count: "102 sur 103" when the store lacks some. */
        fr_members(t->n_communes, t->n_communes_expected, NULL, 1, buf,
                   sizeof buf);
        y += fact(ctx, cr, y,
                  t->n_communes > 1 ? "Communes membres" : "Commune membre",
                  buf);
    }
    cover_area(ctx, buf, sizeof buf);
    y += fact(ctx, cr, y, "Superficie", buf);
    return y;
}

/* The variables every section names, for the source line. */
static size_t template_variables(const tob_carnet_template_t *tpl,
                                 carnet_var_t *vars, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < tpl->n_sections && n < max; i++) {
        const tpl_section_t *sec = &tpl->sections[i];
        if (sec->kind == CARNET_FIGURES || sec->kind == CARNET_EVOLUTION ||
            sec->kind == CARNET_MAP || sec->kind == CARNET_COMMUNES_CHART ||
            sec->kind == CARNET_COMMUNES_TABLE ||
            sec->kind == CARNET_TERRITORIES)
            n += carnet_section_vars(tpl, sec, vars + n, max - n);
    }
    return n;
}

/* "Sources : Insee, RP ; IGN, Admin Express COG 2018 ; suivi de
 * l'observatoire" from the store, unless the template says its own. */
static tob_status_t source_line(carnet_ctx_t *ctx, char *buf, size_t size,
                                tob_error_t *err)
{
    const char *given = tpl_get_or(ctx->tpl, "carnet", "source", NULL);
    if (given != NULL) {
        snprintf(buf, size, "%s", given);
        return TOB_OK;
    }
    carnet_var_t vars[4 * CARNET_MAX_VARS];
    const char *names[4 * CARNET_MAX_VARS];
    size_t n = template_variables(ctx->tpl, vars, 4 * CARNET_MAX_VARS);
    for (size_t i = 0; i < n; i++)
        names[i] = vars[i].name;
    const char *levels[] = {ctx->terr->self.level, "commune", "departement"};
    char line[768];
    tob_status_t s = carnet_need_values(ctx, err);
    if (s == TOB_OK)
        s = tob_values_sources(ctx->vals, names, n, levels, 3, 1, line,
                               sizeof line, err);
    buf[0] = '\0';
    if (s == TOB_OK && line[0] != '\0')
        snprintf(buf, size, "Sources\xC2\xA0: %s.", line);
    return s;
}

static void draw_foot(carnet_ctx_t *ctx, cairo_t *cr, const char *source)
{
    double y = FOOT_Y;
    set_rgb(cr, TOB_RGB_RULE);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, COVER_X, y);
    cairo_line_to(cr, COVER_X + COVER_W, y);
    cairo_stroke(cr);
    y += 10;
    char line[512];
    const char *author = tpl_get_or(ctx->tpl, "carnet", "author", NULL);
    snprintf(line, sizeof line, "Édition du %s%s%s", ctx->today,
             author != NULL ? " \xC2\xB7 " : "", author != NULL ? author : "");
    y += tob_doc_draw_text(ctx->doc, cr, COVER_X, y, COVER_W,
                           TOB_FONT_FAMILY " Bold 9", TOB_RGB_TEXT,
                           TOB_ALIGN_LEFT, line) +
         4;
    if (source[0] != '\0')
        y += tob_doc_draw_text(ctx->doc, cr, COVER_X, y, COVER_W,
                               TOB_FONT_FAMILY " 8", TOB_RGB_GREY,
                               TOB_ALIGN_LEFT, source) +
             3;
    if (ctx->store_date[0] != '\0') {
        snprintf(line, sizeof line,
                 "Données de l'observatoire à jour au %s (géographie %d).",
                 ctx->store_date, ctx->terr->vintage);
        tob_doc_draw_text(ctx->doc, cr, COVER_X, y, COVER_W,
                          TOB_FONT_FAMILY " 8", TOB_RGB_GREY, TOB_ALIGN_LEFT,
                          line);
    }
}

tob_status_t carnet_cover(carnet_ctx_t *ctx, const tpl_section_t *sec,
                          tob_error_t *err)
{
    cairo_t *cr = NULL;
    tob_status_t s = tob_doc_cover_page(ctx->doc, &cr, err);
    if (s != TOB_OK)
        return s;
    double y = draw_facts(ctx, cr, draw_band(ctx, cr) + 36) + 18;
    if (tpl_yes(ctx->tpl, sec->id, "locator", 1)) {
        tob_rect_t map = {COVER_X, y, COVER_W, FOOT_Y - 16 - y};
        s = carnet_locator(ctx, cr, &map, err);
        if (s != TOB_OK)
            return s;
    }
    char source[1024];
    s = source_line(ctx, source, sizeof source, err);
    if (s != TOB_OK)
        return s;
    draw_foot(ctx, cr, source);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return tob_error_lib(err, TOB_ERR_CAIRO, (int)cairo_status(cr),
                             "drawing the cover: %s",
                             cairo_status_to_string(cairo_status(cr)));
    return TOB_OK;
}
