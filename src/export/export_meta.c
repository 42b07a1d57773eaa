/* export_meta.c - the metadata every export carries, in French for
 * partners: `metadonnees` (what, when, CRS, licence), `variables` (their
 * definitions) and `sources` (provenance of what was exported). */
#include "export_internal.h"

#include "base/plural_fr.h"

#include "store/db.h"
#include "terrobs/cells.h"
#include "terrobs/version.h"

#include <cpl_conv.h>

#include <stdio.h>
#include <string.h>

/* Creates table name in ds with the given columns. */
static OGRLayerH meta_table(GDALDatasetH ds, const export_plan_t *plan,
                            const export_cells_t *cells, const char *name,
                            const char *const *cols, const export_kind_t *kinds,
                            size_t n, tob_error_t *err)
{
    OGRLayerH layer =
        export_table_layer(ds, name, plan->format, plan->opts->locale_c, err);
    for (size_t i = 0; layer != NULL && i < n; i++)
        if (export_add_field(layer, cells, cols[i], kinds[i], err) != TOB_OK)
            layer = NULL;
    return layer;
}

static tob_status_t add_row(OGRLayerH layer, OGRFeatureH f, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    if (OGR_L_CreateFeature(layer, f) != OGRERR_NONE)
        s = export_gdal_fail("writing metadata", err);
    OGR_F_Destroy(f);
    return s;
}

static tob_status_t key_value(OGRLayerH layer, const export_cells_t *cells,
                              const char *key, const char *value,
                              tob_error_t *err)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    export_put_text(cells, f, 0, key);
    export_put_text(cells, f, 1, value);
    return add_row(layer, f, err);
}

/* The members columns and the territories the store holds part of,
 * for the metadata: what a sum of them is (never a partial sum). */
static void members_fr(const export_plan_t *plan, char *columns,
                       size_t columns_size, char *incomplete,
                       size_t incomplete_size)
{
    columns[0] = incomplete[0] = '\0';
    if (!plan->has_members)
        return;
    const tob_members_t *first = NULL;
    for (size_t row = 0; row < plan->n_rows && first == NULL; row++)
        if (export_row_incomplete(plan, row))
            first = &plan->members[row];
    const char *forms = "|membre|membres";
    for (size_t row = 0; row < plan->n_rows; row++)
        if (plan->members[row].expected > 0) {
            if (strcmp(plan->members[row].level, "commune") == 0)
                forms = "|commune|communes";
            break;
        }
    snprintf(columns, columns_size,
             "membres_presents : %s dans l'observatoire ; "
             "membres_attendus : selon la source des appartenances "
             "(vide si elle ne le dit pas)",
             forms[1] == 'c' ? "communes membres" : "membres");
    if (first == NULL)
        return;
    char count[160], n[64]; /* cut, never overrun, if ever longer */
    fr_members(first->present, first->expected, forms, 0, count, sizeof count);
    fr_count((long long)plan->n_incomplete, "|territoire|territoires", n,
             sizeof n);
    snprintf(incomplete, incomplete_size,
             "%s sur %zu avec moins de membres dans l'observatoire "
             "qu'attendus (%s%s : %s) : leurs sommes, effectifs et moyennes "
             "ne sont pas calculés (cellule vide), leurs ratios le sont des "
             "membres présents s'ils couvrent 99 %% de la superficie",
             n, plan->n_rows, plan->n_incomplete > 1 ? "dont " : "",
             plan->incomplete, count);
}

static tob_status_t write_about(const export_plan_t *plan,
                                const export_cells_t *cells, GDALDatasetH ds,
                                tob_error_t *err)
{
    static const char *const cols[] = {"cle", "valeur"};
    static const export_kind_t kinds[] = {EXPORT_TEXT, EXPORT_TEXT};
    OGRLayerH layer =
        meta_table(ds, plan, cells, "metadonnees", cols, kinds, 2, err);
    if (layer == NULL)
        return TOB_ERR_IO;
    char title[256], level[160], vintage[16], n_rows[32], crs[320], date[16],
        producer[64];
    snprintf(title, sizeof title, "%s, millésime %d", plan->level_label,
             plan->vintage);
    snprintf(level, sizeof level, "%s (%s)", plan->opts->level,
             plan->level_label);
    snprintf(vintage, sizeof vintage, "%d", plan->vintage);
    snprintf(n_rows, sizeof n_rows, "%zu", plan->n_rows);
    snprintf(crs, sizeof crs, "EPSG:%d (%s)", plan->srid,
             plan->crs_name != NULL ? plan->crs_name : "?");
    if (cells->text_dates && !cells->decimal_comma)
        snprintf(date, sizeof date, "%04d-%02d-%02d", plan->date_y,
                 plan->date_m, plan->date_d);
    else
        tob_fmt_date_fr(plan->date_y, plan->date_m, plan->date_d, date,
                        sizeof date);
    snprintf(producer, sizeof producer, "terrobs %s", tob_version());
    char members[512], incomplete[1536];
    members_fr(plan, members, sizeof members, incomplete, sizeof incomplete);
    const char *rows[][2] = {
        {"titre", title},
        {"niveau", level},
        {"millesime", vintage},
        {"territoires", n_rows},
        {"systeme_de_coordonnees", crs},
        {"observatoire", plan->store_name},
        {"date_export", date},
        {"licence", TOB_EXPORT_LICENCE},
        {"producteur", producer},
        {"colonnes", "une colonne par variable et par année : "
                     "variable_annee (population_2021) ; une variable nommée "
                     "avec son année garde son nom"},
        {"valeurs", "observées, ratios calculés de leurs termes ou "
                    "agrégées des territoires membres (voir variables, "
                    "origine)"},
        {"valeurs_manquantes", "cellule vide"},
        {"membres", members[0] ? members : NULL},
        {"territoires_incomplets", incomplete[0] ? incomplete : NULL},
        {"separateurs", !cells->text_numbers ? NULL
                        : cells->decimal_comma
                            ? "point-virgule entre colonnes, virgule "
                              "décimale, UTF-8"
                            : "virgule entre colonnes, point décimal, "
                              "UTF-8"},
    };
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < sizeof rows / sizeof rows[0]; i++)
        if (rows[i][1] != NULL)
            s = key_value(layer, cells, rows[i][0], rows[i][1], err);
    return s;
}

/* "somme", "moyenne pondérée par population"... */
static const char *aggregation_fr(const export_variable_t *v, char *buf,
                                  size_t size)
{
    const char *a = v->aggregate != NULL ? v->aggregate : "";
    if (strcmp(a, "sum") == 0)
        return "somme";
    if (strcmp(a, "mean") == 0)
        return "moyenne";
    if (strcmp(a, "weighted_mean") == 0) {
        snprintf(buf, size, "moyenne pondérée par %s",
                 v->weight != NULL ? v->weight : "?");
        return buf;
    }
    if (strcmp(a, "ratio") == 0) {
        snprintf(buf, size, "ratio %s / %s",
                 v->numerator != NULL ? v->numerator : "?",
                 v->denominator != NULL ? v->denominator : "?");
        return buf;
    }
    if (strcmp(a, "none") == 0)
        return "aucune (non agrégeable)";
    return a;
}

/* "population_2019, population_2021": the columns of variable var. */
static void columns_of(const export_plan_t *plan, size_t var, char *buf,
                       size_t size)
{
    buf[0] = '\0';
    for (size_t c = 0; c < plan->n_cols; c++) {
        size_t len = strlen(buf);
        if (plan->cols[c].var == var && len + EXPORT_COLUMN_MAX + 3 < size)
            snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                     plan->cols[c].name);
    }
}

/* "observée (34), agrégée des membres (3)": where the cells come from;
 * then the cells of territories the store holds part of. */
static void origins_fr(const export_variable_t *v, char *buf, size_t size)
{
    static const char *const names[] = {NULL, "observée", "ratio calculé",
                                        "agrégée des membres"};
    buf[0] = '\0';
    for (int o = 1; o < 4; o++) {
        size_t len = strlen(buf);
        if (v->n_origin[o] > 0)
            snprintf(buf + len, size - len, "%s%s (%zu)", len ? ", " : "",
                     names[o], v->n_origin[o]);
    }
    size_t len = strlen(buf);
    if (v->n_not_computed > 0 && len < size)
        snprintf(buf + len, size - len,
                 "%snon calculée, membres incomplets (%zu)", len ? ", " : "",
                 v->n_not_computed);
    len = strlen(buf);
    if (v->n_partial > 0 && len < size)
        snprintf(buf + len, size - len,
                 "%scalculée sur des membres incomplets (%zu)", len ? ", " : "",
                 v->n_partial);
}

static void fill_variable(const export_plan_t *plan,
                          const export_cells_t *cells, OGRFeatureH f, size_t i)
{
    const export_variable_t *v = &plan->vars[i];
    char agg[256], origins[320], columns[2048];
    columns_of(plan, i, columns, sizeof columns);
    origins_fr(v, origins, sizeof origins);
    export_put_text(cells, f, 0, v->name);
    export_put_text(cells, f, 1, v->label);
    export_put_text(cells, f, 2, v->unit);
    export_put_text(cells, f, 3, v->source);
    export_put_text(cells, f, 4, aggregation_fr(v, agg, sizeof agg));
    export_put_text(cells, f, 5, origins);
    if (v->decimals >= 0)
        export_put_real(cells, f, 6, v->decimals);
    export_put_text(cells, f, 7, columns);
}

static tob_status_t write_variables(const export_plan_t *plan,
                                    const export_cells_t *cells,
                                    GDALDatasetH ds, tob_error_t *err)
{
    static const char *const cols[] = {"variable",  "libelle",    "unite",
                                       "source",    "agregation", "origine",
                                       "decimales", "colonnes"};
    static const export_kind_t kinds[] = {EXPORT_TEXT, EXPORT_TEXT, EXPORT_TEXT,
                                          EXPORT_TEXT, EXPORT_TEXT, EXPORT_TEXT,
                                          EXPORT_INT,  EXPORT_TEXT};
    OGRLayerH layer =
        meta_table(ds, plan, cells, "variables", cols, kinds, 8, err);
    if (layer == NULL)
        return TOB_ERR_IO;
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < plan->n_vars; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        fill_variable(plan, cells, f, i);
        s = add_row(layer, f, err);
    }
    return s;
}

static const char source_sql[] =
    "SELECT id, kind, path, layer, level, vintage, n_items, checksum,"
    " loaded_at, details FROM source WHERE id = ?";

/* Fills a `sources` row from a provenance record. */
static void fill_source(const export_cells_t *cells, OGRFeatureH f,
                        db_stmt_t *stmt)
{
    const char *path = db_column_text(stmt, 2);
    export_put_real(cells, f, 0, (double)db_column_int64(stmt, 0));
    export_put_text(cells, f, 1, db_column_text(stmt, 1));
    /* The file name: the observatory's own folders mean nothing to a
     * partner. */
    export_put_text(cells, f, 2, path != NULL ? CPLGetFilename(path) : NULL);
    export_put_text(cells, f, 3, db_column_text(stmt, 3));
    export_put_text(cells, f, 4, db_column_text(stmt, 4));
    if (db_column_type(stmt, 5) != DB_NULL)
        export_put_real(cells, f, 5, db_column_double(stmt, 5));
    export_put_real(cells, f, 6, (double)db_column_int64(stmt, 6));
    export_put_text(cells, f, 7, db_column_text(stmt, 7));
    int y = 0, m = 0, d = 0;
    tob_error_t ignored;
    tob_error_clear(&ignored);
    if (tob_cell_parse_date(db_column_text(stmt, 8), &y, &m, &d, &ignored) !=
        TOB_OK)
        y = 0;
    export_put_date(cells, f, 8, y, m, d);
    export_put_text(cells, f, 9, db_column_text(stmt, 9));
}

static tob_status_t write_sources(tob_store_t *st, const export_plan_t *plan,
                                  const export_cells_t *cells, GDALDatasetH ds,
                                  tob_error_t *err)
{
    static const char *const cols[] = {
        "id",        "type",     "fichier", "couche", "niveau",
        "millesime", "elements", "sha256",  "date",   "details"};
    static const export_kind_t kinds[] = {
        EXPORT_INT, EXPORT_TEXT, EXPORT_TEXT, EXPORT_TEXT, EXPORT_TEXT,
        EXPORT_INT, EXPORT_INT,  EXPORT_TEXT, EXPORT_DATE, EXPORT_TEXT};
    OGRLayerH layer =
        meta_table(ds, plan, cells, "sources", cols, kinds, 10, err);
    if (layer == NULL)
        return TOB_ERR_IO;
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(st, source_sql, &stmt, err);
    for (size_t i = 0; s == TOB_OK && i < plan->n_sources; i++) {
        db_reset(stmt);
        db_bind_int64(stmt, 1, plan->sources[i]);
        if (db_step(stmt) != DB_ROW)
            continue;
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        fill_source(cells, f, stmt);
        s = add_row(layer, f, err);
    }
    db_finalize(stmt);
    return s;
}

tob_status_t export_write_meta(tob_store_t *st, const export_plan_t *plan,
                               GDALDatasetH const *metas, tob_error_t *err)
{
    export_cells_t cells;
    export_cells_init(&cells, plan->format, plan->opts->locale_c);
    tob_status_t s = write_about(plan, &cells, metas[0], err);
    if (s == TOB_OK)
        s = write_variables(plan, &cells, metas[1], err);
    if (s == TOB_OK)
        s = write_sources(st, plan, &cells, metas[2], err);
    return s;
}
