/* qgis_xml.c - the XML QGIS 3 reads for a SpatiaLite or PostGIS layer, its fill
 * and marker symbols (<Option> maps) and its renderer: single symbol,
 * graduated, categorized, or circles sized by a data-defined expression. */
#include "qgis_internal.h"
#include "store/db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qgis_xml_text(GString *b, const char *text)
{
    for (const char *p = text != NULL ? text : ""; *p != '\0'; p++) {
        switch (*p) {
        case '&':
            g_string_append(b, "&amp;");
            break;
        case '<':
            g_string_append(b, "&lt;");
            break;
        case '>':
            g_string_append(b, "&gt;");
            break;
        case '"':
            g_string_append(b, "&quot;");
            break;
        case '\'':
            g_string_append(b, "&apos;");
            break;
        default:
            g_string_append_c(b, *p);
        }
    }
}

/* Appends what QgsDataSourceUri::escape() would: '\' and delim
 * backslashed. */
static void uri_escape(GString *b, const char *text, char delim)
{
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\\' || *p == delim)
            g_string_append_c(b, '\\');
        g_string_append_c(b, *p);
    }
}

/* PostGIS: dbname='x' host=... key='id' srid=N type=T
 * table="schema"."view" (geom), or table="(SELECT ...)" in PostgreSQL's
 * SQL, as QGIS's postgres provider writes it. */
static void pg_table(GString *b, const qgis_project_t *p,
                     const qgis_layer_t *layer)
{
    g_string_append_printf(b,
                           "%s key='id' srid=%d type=%s"
                           " checkPrimaryKeyUnicity='0' table=",
                           p->dbname, tob_store_srid(p->st),
                           layer->points ? "Point" : "MultiPolygon");
    if (layer->table[0] != '(') {
        g_string_append_printf(b, "\"%s\".\"%s\"", db_pg_schema(p->st),
                               layer->table);
        return;
    }
    char *sql = db_respell(p->st, layer->table);
    g_string_append_c(b, '"');
    uri_escape(b, sql != NULL ? sql : layer->table, '"');
    g_string_append_c(b, '"');
    free(sql);
}

/* dbname='x' key='id' table="t" (geom) sql=s, as QGIS writes it. */
static void datasource(GString *b, const qgis_project_t *p,
                       const qgis_layer_t *layer)
{
    if (tob_store_is_pg(p->st))
        pg_table(b, p, layer);
    else {
        g_string_append(b, "dbname='");
        uri_escape(b, p->dbname, '\'');
        g_string_append(b, "' key='id' table=\"");
        uri_escape(b, layer->table, '"');
        g_string_append_c(b, '"');
    }
    g_string_append(b, " (geom) sql=");
    if (layer->subset != NULL)
        g_string_append(b, layer->subset);
}

static void option(GString *b, const char *name, const char *value)
{
    g_string_append(b, "<Option type=\"QString\" name=\"");
    qgis_xml_text(b, name);
    g_string_append(b, "\" value=\"");
    qgis_xml_text(b, value);
    g_string_append(b, "\"/>\n");
}

static void option_color(GString *b, const char *name, tob_rgb_t c)
{
    char v[32];
    snprintf(v, sizeof v, "%u,%u,%u,%u", c.r, c.g, c.b, c.a);
    option(b, name, v);
}

static void option_mm(GString *b, const char *name, double mm)
{
    char v[32];
    snprintf(v, sizeof v, "%g", mm);
    option(b, name, v);
}

static void symbol_open(GString *b, const char *name, const char *type)
{
    g_string_append_printf(b,
                           "<symbol type=\"%s\" name=\"%s\" alpha=\"1\""
                           " clip_to_extent=\"1\" force_rhr=\"0\">\n",
                           type, name);
}

/* A SimpleFill layer; fill alpha 0 gives no brush. */
static void fill_layer(GString *b, tob_rgb_t fill, tob_rgb_t stroke,
                       double width)
{
    g_string_append(b, "<layer class=\"SimpleFill\" enabled=\"1\""
                       " locked=\"0\" pass=\"0\">\n<Option type=\"Map\">\n");
    option_color(b, "color", fill);
    option(b, "style", fill.a == 0 ? "no" : "solid");
    option_color(b, "outline_color", stroke);
    option(b, "outline_style", width > 0 && stroke.a > 0 ? "solid" : "no");
    option_mm(b, "outline_width", width);
    option(b, "outline_width_unit", "MM");
    option(b, "joinstyle", "round");
    g_string_append(b, "</Option>\n</layer>\n");
}

static void fill_symbol(GString *b, const char *name, tob_rgb_t fill,
                        tob_rgb_t stroke, double width)
{
    symbol_open(b, name, "fill");
    fill_layer(b, fill, stroke, width);
    g_string_append(b, "</symbol>\n");
}

/* A circle at each territory's centroid, its diameter data-defined so
 * that its area is proportional to the value (radius max_radius at
 * max_value, never below min_radius). */
static void circle_symbol(GString *b, const qgis_renderer_t *r)
{
    char expr[512];
    snprintf(expr, sizeof expr,
             "CASE WHEN \"%s\" IS NULL THEN 0 ELSE max(%.6g, %.6g * "
             "sqrt(abs(\"%s\") / %.17g)) END",
             r->attr, 2 * r->min_radius, 2 * r->max_radius, r->attr,
             r->max_value > 0 ? r->max_value : 1);
    tob_rgb_t none = {0, 0, 0, 0};
    symbol_open(b, "0", "fill");
    fill_layer(b, none, none, 0);
    g_string_append(b, "<layer class=\"CentroidFill\" enabled=\"1\""
                       " locked=\"0\" pass=\"0\">\n<Option type=\"Map\">\n");
    option(b, "point_on_surface", "0");
    option(b, "point_on_all_parts", "0");
    g_string_append(b, "</Option>\n");
    symbol_open(b, "@0@1", "marker");
    g_string_append(b, "<layer class=\"SimpleMarker\" enabled=\"1\""
                       " locked=\"0\" pass=\"0\">\n<Option type=\"Map\">\n");
    option(b, "name", "circle");
    option_color(b, "color", r->symbol_fill);
    option_color(b, "outline_color", r->symbol_stroke);
    option(b, "outline_style", "solid");
    option_mm(b, "outline_width", r->stroke_width);
    option(b, "outline_width_unit", "MM");
    option_mm(b, "size", 2 * r->max_radius);
    option(b, "size_unit", "MM");
    option(b, "scale_method", "diameter");
    g_string_append(b, "</Option>\n<data_defined_properties>\n"
                       "<Option type=\"Map\">\n");
    option(b, "name", "");
    g_string_append(b,
                    "<Option type=\"Map\" name=\"properties\">\n"
                    "<Option type=\"Map\" name=\"size\">\n"
                    "<Option type=\"bool\" name=\"active\" value=\"true\"/>\n");
    option(b, "expression", expr);
    g_string_append(b, "<Option type=\"int\" name=\"type\" value=\"3\"/>\n"
                       "</Option>\n</Option>\n");
    option(b, "type", "collection");
    g_string_append(b, "</Option>\n</data_defined_properties>\n</layer>\n"
                       "</symbol>\n</layer>\n</symbol>\n");
}

static void print_double(GString *b, double v)
{
    char buf[40];
    g_ascii_formatd(buf, sizeof buf, "%.17g", v);
    g_string_append(b, buf);
}

static void graduated(GString *b, const qgis_renderer_t *r)
{
    g_string_append(b, "<ranges>\n");
    for (size_t i = 0; i < r->n_classes; i++) {
        g_string_append(b, "<range render=\"true\" symbol=\"");
        g_string_append_printf(b, "%zu\" lower=\"", i);
        print_double(b, r->classes[i].lower);
        g_string_append(b, "\" upper=\"");
        print_double(b, r->classes[i].upper);
        g_string_append(b, "\" label=\"");
        qgis_xml_text(b, r->classes[i].label);
        g_string_append(b, "\"/>\n");
    }
    g_string_append(b, "</ranges>\n");
}

static void categorized(GString *b, const qgis_renderer_t *r)
{
    g_string_append(b, "<categories>\n");
    for (size_t i = 0; i < r->n_classes; i++) {
        g_string_append_printf(b,
                               "<category render=\"true\" symbol=\"%zu\""
                               " value=\"",
                               i);
        qgis_xml_text(b, r->classes[i].value);
        g_string_append(b, "\" label=\"");
        qgis_xml_text(b, r->classes[i].label);
        g_string_append(b, "\"/>\n");
    }
    g_string_append(b, "</categories>\n");
}

/* A circle of radius mm: the points of a points map. */
static void marker_symbol(GString *b, const char *name, tob_rgb_t fill,
                          const qgis_renderer_t *r)
{
    symbol_open(b, name, "marker");
    g_string_append(b, "<layer class=\"SimpleMarker\" enabled=\"1\""
                       " locked=\"0\" pass=\"0\">\n<Option type=\"Map\">\n");
    option(b, "name", "circle");
    option_color(b, "color", fill);
    option_color(b, "outline_color", r->stroke);
    option(b, "outline_style", r->stroke_width > 0 ? "solid" : "no");
    option_mm(b, "outline_width", r->stroke_width);
    option(b, "outline_width_unit", "MM");
    option_mm(b, "size", 2 * r->point_size);
    option(b, "size_unit", "MM");
    g_string_append(b, "</Option>\n</layer>\n</symbol>\n");
}

static void class_symbols(GString *b, const qgis_renderer_t *r)
{
    g_string_append(b, "<symbols>\n");
    for (size_t i = 0; i < r->n_classes; i++) {
        char name[24];
        snprintf(name, sizeof name, "%zu", i);
        if (r->points)
            marker_symbol(b, name, r->classes[i].color, r);
        else
            fill_symbol(b, name, r->classes[i].color, r->stroke,
                        r->stroke_width);
    }
    g_string_append(b, "</symbols>\n");
}

void qgis_renderer_xml(GString *b, const qgis_renderer_t *r)
{
    static const char *const types[] = {"singleSymbol", "singleSymbol",
                                        "graduatedSymbol", "categorizedSymbol",
                                        "singleSymbol"};
    g_string_append_printf(b,
                           "<renderer-v2 type=\"%s\" symbollevels=\"0\""
                           " forceraster=\"0\" referencescale=\"-1\"",
                           types[r->kind]);
    if (r->kind == QGIS_GRADUATED || r->kind == QGIS_CATEGORIZED) {
        g_string_append(b, " attr=\"");
        qgis_xml_text(b, r->attr);
        g_string_append(b, "\"");
    }
    if (r->kind == QGIS_GRADUATED)
        g_string_append(b, " graduatedMethod=\"GraduatedColor\"");
    /* Big circles first, so that small ones stay visible on top. */
    g_string_append_printf(b, " enableorderby=\"%d\">\n",
                           r->kind == QGIS_CIRCLES);
    if (r->kind == QGIS_GRADUATED)
        graduated(b, r);
    else if (r->kind == QGIS_CATEGORIZED)
        categorized(b, r);
    if (r->kind == QGIS_GRADUATED || r->kind == QGIS_CATEGORIZED) {
        class_symbols(b, r);
    } else {
        g_string_append(b, "<symbols>\n");
        if (r->kind == QGIS_CIRCLES)
            circle_symbol(b, r);
        else
            fill_symbol(b, "0", r->fill, r->stroke, r->stroke_width);
        g_string_append(b, "</symbols>\n");
    }
    if (r->kind == QGIS_CIRCLES) {
        g_string_append(b, "<orderby>\n<orderByClause asc=\"0\""
                           " nullsFirst=\"0\">&quot;");
        qgis_xml_text(b, r->attr);
        g_string_append(b, "&quot;</orderByClause>\n</orderby>\n");
    }
    g_string_append(b, "</renderer-v2>\n");
}

void qgis_add_layer(qgis_project_t *p, const qgis_layer_t *layer)
{
    char id[64];
    snprintf(id, sizeof id, "terrobs_layer_%zu", ++p->n_layers);
    GString *src = g_string_new(NULL);
    datasource(src, p, layer);
    GString *b = p->layers;
    g_string_append_printf(b,
                           "<maplayer type=\"vector\" geometry=\"%s\""
                           " wkbType=\"%s\"",
                           layer->points ? "Point" : "Polygon",
                           layer->points ? "Point" : "MultiPolygon");
    g_string_append(b, " simplifyDrawingHints=\"1\""
                       " simplifyDrawingTol=\"1\" simplifyLocal=\"1\""
                       " simplifyAlgorithm=\"0\" simplifyMaxScale=\"1\""
                       " hasScaleBasedVisibilityFlag=\"0\" minScale=\"0\""
                       " maxScale=\"0\" readOnly=\"1\" labelsEnabled=\"0\">\n");
    g_string_append_printf(b, "<id>%s</id>\n<datasource>", id);
    qgis_xml_text(b, src->str);
    g_string_append(b, "</datasource>\n<layername>");
    qgis_xml_text(b, layer->name);
    g_string_append_printf(b, "</layername>\n<srs>%s</srs>\n", p->crs);
    const char *provider = tob_store_is_pg(p->st) ? "postgres" : "spatialite";
    g_string_append_printf(b, "<provider encoding=\"UTF-8\">%s</provider>\n",
                           provider);
    qgis_renderer_xml(b, layer->renderer);
    g_string_append(b, "<blendMode>0</blendMode>\n"
                       "<featureBlendMode>0</featureBlendMode>\n"
                       "<layerOpacity>1</layerOpacity>\n</maplayer>\n");
    g_string_append_printf(
        p->tree,
        "<layer-tree-layer id=\"%s\" providerKey="
        "\"%s\" checked=\"Qt::%s\" expanded=\"%d\""
        " name=\"",
        id, provider, layer->checked ? "Checked" : "Unchecked", layer->checked);
    qgis_xml_text(p->tree, layer->name);
    g_string_append(p->tree, "\" source=\"");
    qgis_xml_text(p->tree, src->str);
    g_string_append(p->tree, "\">\n<customproperties/>\n</layer-tree-layer>\n");
    g_string_append_printf(p->order, "<item>%s</item>\n", id);
    g_string_free(src, TRUE);
}
