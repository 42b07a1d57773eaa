/* carnet_maps.c - maps in a carnet, drawn by the map renderer (render.h)
 * from styles made here: the locator (the territory within its
 * département) and thematic maps of the territory by its communes. Values
 * given to a style are the store's ids (integers) and names checked here,
 * never text pasted into its SQL. */
#include "carnet_internal.h"

#include "base/afile.h"
#include "store/db.h"
#include "terrobs/render.h"
#include "terrobs/style.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The département in pale grey, the territories of the same level in
 * thin outlines (not on thumbnails, where they are noise), the territory
 * filled with the accent colour. A coarse tolerance (dpi 36: 0.7 pt) is
 * plenty for an overview and keeps the PDF small. */
static const char LOCATOR_HEAD[] = "[map]\n"
                                   "footer = no\n"
                                   "date = none\n"
                                   "scalebar = none\n"
                                   "north = none\n"
                                   "frame = no\n"
                                   "margin = 0\n"
                                   "dpi = 36\n"
                                   "[data]\n"
                                   "kind = typology\n"
                                   "level = departement\n"
                                   "expression = 'd'\n"
                                   "[categories]\n"
                                   "d = #e4e9ee, Département\n"
                                   "[polygons]\n"
                                   "stroke = #7d8c99\n"
                                   "stroke_width = 0.4\n"
                                   "[legend]\n"
                                   "position = none\n";
static const char LOCATOR_PAIRS[] = "[layer.pairs]\n"
                                    "level = commune\n"
                                    "stroke = #b8c4ce\n"
                                    "stroke_width = 0.15\n";
static const char LOCATOR_SELF[] = "[layer.territoire]\n"
                                   "level = commune\n"
                                   "fill = #1F4E79\n"
                                   "stroke = #1F4E79\n"
                                   "stroke_width = 0.3\n";

static const char MEMBERS_SQL[] =
    "WITH RECURSIVE d(i) AS (SELECT CAST(?1 AS INTEGER) UNION"
    " SELECT m.child FROM membership m JOIN d ON m.parent = d.i"
    " WHERE m.kind = 'member') SELECT i FROM d ORDER BY i";

/* The communes of territory id, at any depth of membership: their ids
 * listed when they fit in buf, so that PostgreSQL knows how few they are
 * (it guesses thousands for the recursive query and then reads each of
 * a map's variables for the whole level: 15-22 ms a map instead of 1);
 * else, or when they cannot be read, the recursive query itself. */
static void members_filter(carnet_ctx_t *ctx, tob_id_t id, char *buf,
                           size_t size)
{
    db_stmt_t *stmt = NULL;
    size_t used = (size_t)snprintf(buf, size, "id IN (");
    int fits = used < size, n = 0, rc = DB_ERROR;
    if (fits && db_prepare(ctx->st, MEMBERS_SQL, &stmt, NULL) == TOB_OK) {
        db_bind_int64(stmt, 1, id);
        while (fits && (rc = db_step(stmt)) == DB_ROW) {
            used += (size_t)snprintf(buf + used, size - used, "%s%lld",
                                     n++ ? ", " : "",
                                     (long long)db_column_int64(stmt, 0));
            fits = used + 2 < size;
        }
    }
    db_finalize(stmt);
    if (fits && rc == DB_DONE && n > 0) {
        snprintf(buf + used, size - used, ")");
        return;
    }
    snprintf(buf, size,
             "id IN (WITH RECURSIVE d(i) AS (SELECT CAST(%lld AS INTEGER) UNION"
             " SELECT m.child FROM membership m JOIN d ON m.parent = d.i"
             " WHERE m.kind = 'member') SELECT i FROM d)",
             (long long)id);
}

/* Applies one "section.key=value" assignment, formatted here. */
static tob_status_t set(tob_style_t *style, tob_error_t *err, const char *fmt,
                        ...) TOB_PRINTF(3, 4);

static tob_status_t set(tob_style_t *style, tob_error_t *err, const char *fmt,
                        ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof text)
        return tob_error_set(err, TOB_ERR_ARG, "map setting too long");
    return tob_style_set(style, text, err);
}

/* The départements of the territory (those of its communes, most first):
 * the locator shows all of them, so a territory over several is whole. */
static void departements_filter(const carnet_territory_t *t, char *buf,
                                size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "id IN (%lld",
                                   (long long)t->departement->id);
    for (size_t i = 0; i < t->n_parents && used + 24 < size; i++)
        if (strcmp(t->parents[i].level, "departement") == 0 &&
            &t->parents[i] != t->departement)
            used += (size_t)snprintf(buf + used, size - used, ", %lld",
                                     (long long)t->parents[i].id);
    snprintf(buf + used, size - used, ")");
}

/* A commune's first parent below the département (its EPCI), NULL for
 * any other territory or a commune without one. */
static const carnet_unit_t *commune_group(const carnet_territory_t *t)
{
    if (strcmp(t->self.level, "commune") != 0)
        return NULL;
    for (size_t i = 0; i < t->n_parents; i++)
        if (strcmp(t->parents[i].level, "departement") != 0)
            return &t->parents[i];
    return NULL;
}

/* The outlines around the territory: those of its level, but for a
 * commune those of its EPCI's level: a commune is found by its EPCI, and
 * the thousand communes of a département outlined on every carnet were
 * most of a commune atlas's time and bytes. */
static const char *pairs_level(const carnet_territory_t *t)
{
    const carnet_unit_t *group = commune_group(t);
    return group != NULL ? group->level : t->self.level;
}

static tob_status_t locator_style(carnet_ctx_t *ctx, int pairs,
                                  tob_style_t **out, tob_error_t *err)
{
    const carnet_territory_t *t = ctx->terr;
    char text[sizeof LOCATOR_HEAD + sizeof LOCATOR_PAIRS + sizeof LOCATOR_SELF];
    snprintf(text, sizeof text, "%s%s%s", LOCATOR_HEAD,
             pairs ? LOCATOR_PAIRS : "", LOCATOR_SELF);
    tob_status_t s =
        tob_style_parse_text(text, strlen(text), "locator", NULL, 0, out, err);
    char members[512];
    members_filter(ctx, t->self.id, members, sizeof members);
    char deps[512];
    departements_filter(t, deps, sizeof deps);
    if (s == TOB_OK)
        s = set(*out, err, "data.filter=%s", deps);
    if (s == TOB_OK && t->has_geom) {
        if (pairs)
            s = set(*out, err, "layer.pairs.level=%s", pairs_level(t));
        /* The EPCIs of its département only, the others would be a
         * third of the carnet's bytes for a white margin. */
        if (s == TOB_OK && pairs && commune_group(t) != NULL)
            s = set(*out, err,
                    "layer.pairs.filter=id IN (SELECT g.parent FROM"
                    " membership g JOIN membership d ON d.child = g.child"
                    " WHERE d.parent = %lld AND d.kind = 'member'"
                    " AND g.kind = 'member')",
                    (long long)t->departement->id);
        if (s == TOB_OK)
            s = set(*out, err, "layer.territoire.level=%s", t->self.level);
        if (s == TOB_OK)
            s = set(*out, err, "layer.territoire.filter=id = %lld",
                    (long long)t->self.id);
    } else if (s == TOB_OK) {
        s = set(*out, err, "layer.territoire.filter=%s", members);
    }
    return s;
}

static tob_status_t render(carnet_ctx_t *ctx, cairo_t *cr, const tob_rect_t *r,
                           const tob_style_t *style, tob_error_t *err)
{
    tob_render_options_t opts = {.today = ctx->today, .threads = 1};
    return tob_render_to_cairo(cr, r->x, r->y, r->width, r->height, style,
                               ctx->st, &opts, NULL, err);
}

tob_status_t carnet_locator(carnet_ctx_t *ctx, cairo_t *cr, const tob_rect_t *r,
                            tob_error_t *err)
{
    if (ctx->terr->departement == NULL)
        return TOB_OK;
    tob_style_t *style = NULL;
    tob_status_t s = locator_style(ctx, 1, &style, err);
    if (s == TOB_OK)
        s = render(ctx, cr, r, style, err);
    tob_style_destroy(style);
    return s;
}

/* ---- thematic map of the communes ---------------------------------------- */

/* Template keys passed on to the style, and where they go. */
static const struct map_key {
    const char *key, *target;
} map_keys[] = {
    {"variable", "data.variable"},  {"year", "data.year"},
    {"method", "classes.method"},   {"k", "classes.k"},
    {"palette", "classes.palette"}, {"labels", "labels.max"},
    {"years", "panels.years"},
};

/* The built-in style of a communes map, with the template's values in
 * their sections (INI values hold no line break, so each stays one key). */
static int is_name(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

/* What the map shows: the variable, or, for a ratio the store does not
 * hold at commune level, the ratio computed from its parts there (the
 * renderer reads observations; values.h computes ratios on the fly). */
static void data_lines(const tob_variable_t *m, char *buf, size_t size)
{
    if (m->aggregate != TOB_AGG_RATIO || !is_name(m->name) ||
        !is_name(m->numerator) || !is_name(m->denominator)) {
        snprintf(buf, size, "variable = %s\n", m->name);
        return;
    }
    snprintf(buf, size,
             "expression = coalesce(%s, %.17g * %s / nullif(%s, 0))\n"
             "[legend]\ntitle = %s\nunit = %s\n[data]\n",
             m->name, m->scale, m->numerator, m->denominator,
             m->label[0] ? m->label : m->name, m->unit);
}

static int compose(carnet_ctx_t *ctx, const tpl_section_t *sec,
                   const char *members, const tob_variable_t *meta,
                   const char *source, char *buf, size_t size)
{
    const tob_carnet_template_t *tpl = ctx->tpl;
    char data[1024];
    data_lines(meta, data, sizeof data);
    const char *id = sec->id, *year = tpl_get(tpl, id, "year", NULL);
    /* years = 2015, 2021: small multiples, one classification */
    const char *years = tpl_get(tpl, id, "years", NULL);
    /* Small maps side by side have no room for names unless asked. */
    const char *labels = tpl_get_or(tpl, id, "labels", years ? "0" : "12");
    int n = snprintf(
        buf, size,
        "[map]\ndate = none\nscalebar = bottom-left\nnorth = top-right\n"
        "frame = no\nmargin = 0\ndpi = 72\nauthor = %s\n%s%s%s"
        "[data]\nkind = choropleth\nlevel = commune\nfilter = %s\n"
        "%s%s%s%s"
        "[classes]\nmethod = %s\nk = %s\npalette = %s\n"
        "[polygons]\nstroke = #ffffff\nstroke_width = 0.15\n"
        "[legend]\nposition = right\n"
        "[labels]\nfield = name\n%s%s\n%s%s%s",
        tpl_get_or(tpl, "carnet", "author", "terrobs"),
        source[0] ? "source = \"" : "", source, source[0] ? "\"\n" : "",
        members, data, year ? "year = " : "", year ? year : "",
        year ? "\n" : "", tpl_get_or(tpl, id, "method", "quantile"),
        tpl_get_or(tpl, id, "k", "5"), tpl_get_or(tpl, id, "palette", "YlGnBu"),
        strcmp(labels, "0") == 0 ? "show = no" : "max = ",
        strcmp(labels, "0") == 0 ? "" : labels,
        years ? "[panels]\nby = years\nyears = " : "", years ? years : "",
        years ? "\n" : "");
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* A user's style file for the map, moved onto the territory's communes,
 * with the template's keys applied over it. */
static tob_status_t file_style(carnet_ctx_t *ctx, const tpl_section_t *sec,
                               const char *file, const char *members,
                               tob_style_t **out, tob_error_t *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", file[0] == '/' ? "" : ctx->tpl->dir,
             file[0] == '/' ? "" : "/", file);
    tob_status_t s = tob_style_read(path, NULL, 0, out, err);
    if (s == TOB_OK)
        s = set(*out, err, "data.level=commune");
    if (s == TOB_OK)
        s = set(*out, err, "data.filter=%s", members);
    if (s == TOB_OK && tpl_get(ctx->tpl, sec->id, "years", NULL) != NULL)
        s = set(*out, err, "panels.by=years");
    for (size_t i = 0; s == TOB_OK && i < sizeof map_keys / sizeof *map_keys;
         i++) {
        const char *v = tpl_get(ctx->tpl, sec->id, map_keys[i].key, NULL);
        if (v != NULL)
            s = set(*out, err, "%s=%s", map_keys[i].target, v);
    }
    return s;
}

/* A style error on a value the template gave is the template's error:
 * it names the template's file, line and key. */
static tob_status_t blame_template(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                   const tob_error_t *style_err,
                                   tob_error_t *err)
{
    const char *key =
        strcmp(style_err->field, "labels.show") == 0 ? "labels" : NULL;
    for (size_t i = 0; key == NULL && i < sizeof map_keys / sizeof *map_keys;
         i++)
        if (strcmp(style_err->field, map_keys[i].target) == 0)
            key = map_keys[i].key;
    if (key == NULL) {
        if (err != NULL && err->code == TOB_OK)
            *err = *style_err;
        return style_err->code;
    }
    tob_error_set(err, style_err->code, "%s", style_err->message);
    return tpl_error_at(ctx->tpl, sec->id, key, err);
}

static tob_status_t communes_style(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                   const tob_variable_t *meta,
                                   const char *source, tob_id_t area,
                                   tob_style_t **out, tob_error_t *err)
{
    char members[512], text[4096];
    members_filter(ctx, area, members, sizeof members);
    tob_error_t local;
    tob_error_clear(&local);
    const char *file = tpl_get(ctx->tpl, sec->id, "style", NULL);
    tob_status_t s;
    if (file != NULL) {
        s = file_style(ctx, sec, file, members, out, &local);
        if (s == TOB_ERR_NOTFOUND && strcmp(local.field, "") == 0) {
            tob_error_set(err, s, "%s", local.message);
            return tpl_error_at(ctx->tpl, sec->id, "style", err);
        }
    } else if (compose(ctx, sec, members, meta, source, text, sizeof text) !=
               0) {
        return tob_error_set(err, TOB_ERR_INPUT, "map settings too long");
    } else {
        s = tob_style_parse_text(text, strlen(text), "carnet map", NULL, 0, out,
                                 &local);
    }
    if (s != TOB_OK) {
        tob_style_destroy(*out);
        *out = NULL;
        return blame_template(ctx, sec, &local, err);
    }
    if (area == ctx->terr->self.id)
        return TOB_OK;
    /* A commune within its EPCI: the commune outlined over the map. */
    s = set(*out, err, "layer.commune.level=commune");
    if (s == TOB_OK)
        s = set(*out, err, "layer.commune.filter=id = %lld",
                (long long)ctx->terr->self.id);
    if (s == TOB_OK)
        s = set(*out, err, "layer.commune.stroke=#1F4E79");
    if (s == TOB_OK)
        s = set(*out, err, "layer.commune.stroke_width=0.8");
    return s;
}

typedef struct map_job {
    carnet_ctx_t *ctx;
    const tob_style_t *style;
} map_job_t;

static tob_status_t draw_map(void *user, cairo_t *cr, PangoContext *pango,
                             const tob_rect_t *r, tob_error_t *err)
{
    (void)pango;
    map_job_t *job = user;
    return render(job->ctx, cr, r, job->style, err);
}

/* How many years a section's small multiples show; 0 for one map. */
static size_t panel_count(carnet_ctx_t *ctx, const tpl_section_t *sec)
{
    const char *years = tpl_get(ctx->tpl, sec->id, "years", NULL);
    size_t n = years != NULL ? 1 : 0;
    for (const char *c = years; c != NULL && *c != '\0'; c++)
        n += *c == ',';
    return n;
}

/* Height of a map of the communes: their extent's shape at the frame's
 * width less the legend column, within a third and two thirds of a page. */
static double map_height(carnet_ctx_t *ctx, tob_id_t area, size_t n_panels)
{
    static const char sql[] =
        "SELECT MbrMaxX(e) - MbrMinX(e), MbrMaxY(e) - MbrMinY(e) FROM"
        " (SELECT Extent(geom) AS e FROM territory WHERE id IN"
        "  (WITH RECURSIVE d(i) AS (SELECT CAST(?1 AS INTEGER)"
        "   UNION SELECT m.child FROM membership m JOIN d ON m.parent = d.i"
        "   WHERE m.kind = 'member') SELECT i FROM d)"
        "  AND level = 'commune')";
    double h = 420;
    db_stmt_t *s = NULL;
    if (db_prepare(ctx->st, sql, &s, NULL) != TOB_OK)
        return h;
    db_bind_int64(s, 1, area);
    if (db_step(s) == DB_ROW && db_column_type(s, 0) != DB_NULL) {
        double dx = db_column_double(s, 0);
        double dy = db_column_double(s, 1);
        /* Small multiples side by side (up to three a row), each titled. */
        double across = n_panels > 3 ? 3 : n_panels > 0 ? (double)n_panels : 1;
        double rows = n_panels > 3 ? 2 : 1;
        if (dx > 0 && dy > 0)
            h = rows * (TOB_PAGE_WIDTH - 2 * TOB_PAGE_MARGIN_X - 150) / across *
                    dy / dx +
                40 + (n_panels > 0 ? rows * 16 : 0);
    }
    db_finalize(s);
    double least = n_panels > 0 ? 160 : 260;
    return h < least ? least : h > 560 ? 560 : h;
}

/* How many member communes have a value, and whether they differ: a map
 * of none, or of one value everywhere, says nothing. */
/* One commune's value counted: n with a value, whether they differ. */
static tob_status_t count_one(carnet_ctx_t *ctx, const char *name, int year,
                              tob_id_t id, size_t *n, int *varied,
                              double *first, tob_error_t *err)
{
    tob_value_t v;
    tob_status_t s = tob_values_get(ctx->vals, name, id, year, &v, err);
    if (s != TOB_OK || !isfinite(v.value))
        return s;
    if ((*n)++ == 0)
        *first = v.value;
    else if (v.value != *first)
        *varied = 1;
    return TOB_OK;
}

/* The communes of a commune's EPCI (group), read here: the territory
 * holds only its own. */
static const char SQL_GROUP_COMMUNES[] =
    "SELECT m.child FROM membership m JOIN territory t ON t.id = m.child"
    " WHERE m.parent = ?1 AND m.kind = 'member' AND t.level = 'commune'";

static tob_status_t count_values(carnet_ctx_t *ctx, const char *name, int year,
                                 const carnet_unit_t *group, size_t *n,
                                 int *varied, double *first, tob_error_t *err)
{
    *n = 0;
    *varied = 0;
    *first = NAN;
    tob_status_t s = TOB_OK;
    if (group == NULL) {
        for (size_t i = 0; s == TOB_OK && i < ctx->terr->n_communes; i++)
            s = count_one(ctx, name, year, ctx->terr->communes[i].id, n, varied,
                          first, err);
        return s;
    }
    db_stmt_t *q = NULL;
    s = db_prepare(ctx->st, SQL_GROUP_COMMUNES, &q, err);
    if (s != TOB_OK)
        return s;
    db_bind_int64(q, 1, group->id);
    int rc = DB_DONE;
    while (s == TOB_OK && (rc = db_step(q)) == DB_ROW)
        s = count_one(ctx, name, year, db_column_int64(q, 0), n, varied, first,
                      err);
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(ctx->st, "reading the communes of an EPCI", err);
    db_finalize(q);
    return s;
}

/* The variable's metadata and source line; NULL meta when the template
 * leaves the variable to its style file, or lacks it and is optional. */
static tob_status_t map_variable(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                 const tob_variable_t **meta, char *source,
                                 size_t size, tob_error_t *err)
{
    *meta = NULL;
    const char *name = tpl_get(ctx->tpl, sec->id, "variable", NULL);
    if (name == NULL && tpl_get(ctx->tpl, sec->id, "style", NULL) != NULL)
        return TOB_OK;
    if (name == NULL) {
        tob_error_set(err, TOB_ERR_INPUT, "missing: the variable to map");
        tob_error_at(err, ctx->tpl->name, 0, NULL);
        return tpl_error_at(ctx->tpl, sec->id, "variable", err);
    }
    tob_status_t s = carnet_need_values(ctx, err);
    if (s == TOB_OK)
        s = carnet_section_meta(ctx, sec, "variable", name, meta, err);
    /* The map's own footer cites the variable's sources and the
     * producer of the communes (render_data.c). */
    if (size > 0)
        source[0] = '\0';
    return s;
}

/* "Toutes les communes du territoire ont la même valeur : 0 projets."
 * (of the intercommunality, on a commune's map of its EPCI). */
static tob_status_t same_value(carnet_ctx_t *ctx, const tob_variable_t *meta,
                               double value, const char *whose,
                               tob_error_t *err)
{
    char text[512], shown[256];
    carnet_fmt_value(value, meta, shown, sizeof shown);
    snprintf(text, sizeof text,
             "Toutes les communes %s ont la même valeur : %s.", whose, shown);
    return tob_doc_paragraph(ctx->doc, TOB_TEXT_NOTE, text, err);
}

tob_status_t carnet_map(carnet_ctx_t *ctx, const tpl_section_t *sec,
                        tob_error_t *err)
{
    /* A map of one commune says nothing: a commune's shows its EPCI's. */
    const carnet_unit_t *group =
        ctx->terr->n_communes < 2 ? commune_group(ctx->terr) : NULL;
    if (ctx->terr->n_communes < 2 && group == NULL)
        return TOB_OK;
    tob_id_t area = group != NULL ? group->id : ctx->terr->self.id;
    const tob_variable_t *meta = NULL;
    char source[512] = "";
    tob_status_t s = map_variable(ctx, sec, &meta, source, sizeof source, err);
    if (s != TOB_OK ||
        (meta == NULL && tpl_get(ctx->tpl, sec->id, "style", NULL) == NULL))
        return s; /* optional and absent: left out */
    size_t n_values = 1;
    int varied = 1;
    double first = NAN;
    const char *year = tpl_get(ctx->tpl, sec->id, "year", NULL);
    if (meta != NULL)
        s = count_values(ctx, meta->name, year ? atoi(year) : 0, group,
                         &n_values, &varied, &first, err);
    char title[768];
    snprintf(title, sizeof title, "%s%s%.256s%s",
             tpl_get_or(ctx->tpl, sec->id, "title", "Carte des communes"),
             group != NULL ? " (" : "", group != NULL ? group->name : "",
             group != NULL ? ")" : "");
    if (s == TOB_OK)
        s = tob_doc_heading(ctx->doc, TOB_TEXT_H1, title, err);
    const char *whose =
        group != NULL ? "de l'intercommunalité" : "du territoire";
    char note[512];
    snprintf(note, sizeof note,
             "Aucune commune %s n'a de valeur pour cet indicateur.", whose);
    if (s != TOB_OK || n_values == 0 || !varied)
        return s != TOB_OK ? s
               : n_values == 0
                   ? tob_doc_paragraph(ctx->doc, TOB_TEXT_NOTE, note, err)
                   : same_value(ctx, meta, first, whose, err);
    tob_style_t *style = NULL;
    s = communes_style(ctx, sec, meta, source, area, &style, err);
    map_job_t job = {ctx, style};
    if (s == TOB_OK)
        s = tob_doc_drawing(ctx->doc,
                            map_height(ctx, area, panel_count(ctx, sec)),
                            draw_map, &job, err);
    tob_style_destroy(style);
    /* The commune among its EPCI's, outlined (communes_style): named. */
    if (s == TOB_OK && group != NULL) {
        snprintf(note, sizeof note,
                 "En bleu foncé, le contour de la commune : %.300s.",
                 ctx->terr->self.name);
        s = tob_doc_paragraph(ctx->doc, TOB_TEXT_NOTE, note, err);
    }
    return s;
}

/* ---- thumbnails ------------------------------------------------------------
 */

/* The territory alone, for a store without départements. */
static const char SHAPE_STYLE[] = "[map]\n"
                                  "footer = no\n"
                                  "date = none\n"
                                  "scalebar = none\n"
                                  "north = none\n"
                                  "frame = no\n"
                                  "margin = 0\n"
                                  "background = none\n"
                                  "[data]\n"
                                  "kind = typology\n"
                                  "level = commune\n"
                                  "expression = 't'\n"
                                  "[categories]\n"
                                  "t = #1F4E79, Territoire\n"
                                  "[polygons]\n"
                                  "stroke = #1F4E79\n"
                                  "stroke_width = 0.2\n"
                                  "[legend]\n"
                                  "position = none\n";

static tob_status_t thumbnail_style(carnet_ctx_t *ctx, tob_style_t **out,
                                    tob_error_t *err)
{
    const carnet_territory_t *t = ctx->terr;
    if (t->departement != NULL) {
        tob_status_t s = locator_style(ctx, 0, out, err);
        if (s == TOB_OK)
            s = set(*out, err, "map.background=none");
        return s;
    }
    char filter[512];
    if (t->has_geom)
        snprintf(filter, sizeof filter, "id = %lld", (long long)t->self.id);
    else
        members_filter(ctx, t->self.id, filter, sizeof filter);
    tob_status_t s = tob_style_parse_text(SHAPE_STYLE, strlen(SHAPE_STYLE),
                                          "thumbnail", NULL, 0, out, err);
    if (s == TOB_OK && t->has_geom)
        s = set(*out, err, "data.level=%s", t->self.level);
    if (s == TOB_OK)
        s = set(*out, err, "data.filter=%s", filter);
    return s;
}

static cairo_status_t png_write(void *closure, const unsigned char *data,
                                unsigned int length)
{
    return fwrite(data, 1, length, closure) == length
               ? CAIRO_STATUS_SUCCESS
               : CAIRO_STATUS_WRITE_ERROR;
}

/* Writes surface as PNG to path, whole or not at all (base/afile.h). */
static tob_status_t write_png(cairo_surface_t *surface, const char *path,
                              tob_error_t *err)
{
    afile_t f;
    tob_status_t s = afile_begin(&f, path, err);
    if (s == TOB_OK)
        s = afile_fopen(&f, err);
    if (s == TOB_OK) {
        cairo_status_t cs =
            cairo_surface_write_to_png_stream(surface, png_write, f.fp);
        if (cs != CAIRO_STATUS_SUCCESS)
            s = tob_error_set_at(err, TOB_ERR_IO, path, 0, NULL,
                                 "cannot write: %s",
                                 cairo_status_to_string(cs));
    }
    return afile_end(&f, s, err);
}

tob_status_t carnet_thumbnail(carnet_ctx_t *ctx, const char *path, int width,
                              int height, tob_error_t *err)
{
    tob_style_t *style = NULL;
    tob_status_t s = thumbnail_style(ctx, &style, err);
    cairo_surface_t *surface =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    cairo_t *cr = cairo_create(surface);
    if (s == TOB_OK) {
        tob_render_options_t opts = {
            .today = ctx->today, .units_per_mm = width / 40.0, .threads = 1};
        s = tob_render_to_cairo(cr, 0, 0, width, height, style, ctx->st, &opts,
                                NULL, err);
    }
    cairo_destroy(cr);
    if (s == TOB_OK)
        s = write_png(surface, path, err);
    cairo_surface_destroy(surface);
    tob_style_destroy(style);
    return s;
}
