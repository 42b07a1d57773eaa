/* carnet_fit.c - the template a carnet gets without --template: made from
 * the store, so that an observatory's own variables (population,
 * densite_2021...) give key figures, charts and a map. Declared variables
 * with values at the level, in the order of the variables file. */
#include "carnet_internal.h"

#include "store/db.h"
#include "terrobs/values.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIT_MAX_VARS CARNET_MAX_VARS
#define FIT_MAX_EVOLUTIONS 4
#define FIT_TABLE_COLUMNS 4
#define FIT_PROBE 24 /* territories tried before a variable is "empty" */

typedef struct fit_var {
    char name[TOB_VARIABLE_NAME_MAX];
    char label[256];
    tob_aggregate_kind_t aggregate;
    size_t n_years;
    int span[3]; /* first, middle and last year of a series of 3 or more */
    int has_commune_values;
    /* Variables named with their years (population_2015, population_2021)
     * are one series: the stem, the year, and whether a later one exists
     * (an older one is shown in the evolution only). */
    char stem[TOB_VARIABLE_NAME_MAX];
    int name_year, older;
    int is_area; /* a count in km²: the territory's surface */
} fit_var_t;

typedef struct fit {
    fit_var_t vars[FIT_MAX_VARS];
    size_t n_vars;
    char *text;
    size_t len, cap;
    int oom;
} fit_t;

static void put(fit_t *f, const char *fmt, ...) TOB_PRINTF(2, 3);

static void put(fit_t *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || f->oom)
        return;
    if (f->len + (size_t)n + 1 > f->cap) {
        size_t cap = 2 * (f->len + (size_t)n + 1) + 1024;
        char *grown = realloc(f->text, cap);
        if (grown == NULL) {
            f->oom = 1;
            return;
        }
        f->text = grown;
        f->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(f->text + f->len, f->cap - f->len, fmt, ap);
    va_end(ap);
    f->len += (size_t)n;
}

/* A label as one line of an INI value. */
static void one_line(char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20)
            *s = ' ';
}

/* Variables created by an indicator import that no variables file
 * declared have their name as label and aggregate 'none'; the projets_*
 * counts have their own sections (contracts, map:projets). */
static const char SQL_VARIABLES[] =
    "SELECT name, label, aggregate, unit FROM variable"
    " WHERE (label <> name OR aggregate <> 'none')"
    "   AND name NOT LIKE 'projets\\_%' ESCAPE '\\'"
    " ORDER BY rowid";

static const char SQL_PROBE[] =
    "SELECT id FROM territory WHERE level = ?1 ORDER BY vintage DESC, id"
    " LIMIT ?2";

static tob_status_t probe_ids(tob_store_t *st, const char *level, tob_id_t *ids,
                              size_t *n, tob_error_t *err)
{
    db_stmt_t *s = NULL;
    *n = 0;
    tob_status_t status = db_prepare(st, SQL_PROBE, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text_static(s, 1, level);
    db_bind_int(s, 2, FIT_PROBE);
    while (*n < FIT_PROBE && db_step(s) == DB_ROW)
        ids[(*n)++] = db_column_int64(s, 0);
    db_finalize(s);
    return TOB_OK;
}

/* Observations of a variable (a ratio: of its numerator) at the level,
 * or at members of its territories, or at members of members (a SCoT of
 * EPCIs of communes): the level can have a value of it. */
static const char SQL_OBSERVED[] =
    "SELECT EXISTS (SELECT 1 FROM observation o JOIN territory t"
    " ON t.id = o.territory WHERE o.value IS NOT NULL"
    " AND o.variable = coalesce((SELECT numerator FROM variable"
    "   WHERE name = ?1 AND aggregate = 'ratio'), ?1)"
    " AND (t.level = ?2 OR EXISTS (SELECT 1 FROM membership m"
    "   JOIN territory p ON p.id = m.parent WHERE m.child = t.id"
    "   AND m.kind = 'member' AND (p.level = ?2 OR EXISTS (SELECT 1"
    "   FROM membership m2 JOIN territory q ON q.id = m2.parent"
    "   WHERE m2.child = p.id AND m2.kind = 'member' AND q.level = ?2)))))";

static tob_status_t observed_under(tob_store_t *st, const char *name,
                                   const char *level, int *found,
                                   tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st, SQL_OBSERVED, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text_static(s, 1, name);
    db_bind_text_static(s, 2, level);
    *found = db_step(s) == DB_ROW && db_column_int(s, 0);
    db_finalize(s);
    return TOB_OK;
}

/* 1 if one of the territories has a value of name. */
static tob_status_t has_values(tob_values_t *vals, const char *name,
                               const tob_id_t *ids, size_t n, int *found,
                               tob_error_t *err)
{
    *found = 0;
    for (size_t i = 0; i < n && !*found; i++) {
        tob_value_t v;
        tob_status_t s = tob_values_get(vals, name, ids[i], 0, &v, err);
        if (s != TOB_OK)
            return s;
        *found = isfinite(v.value);
    }
    return TOB_OK;
}

static tob_status_t read_vars(tob_store_t *st, tob_values_t *vals,
                              const char *level, fit_t *f, tob_error_t *err)
{
    tob_id_t ids[FIT_PROBE], communes[FIT_PROBE];
    size_t n_ids = 0, n_communes = 0;
    tob_status_t s = probe_ids(st, level, ids, &n_ids, err);
    if (s == TOB_OK)
        s = probe_ids(st, "commune", communes, &n_communes, err);
    db_stmt_t *stmt = NULL;
    if (s == TOB_OK)
        s = db_prepare(st, SQL_VARIABLES, &stmt, err);
    fit_var_t cand[64];
    size_t n_cand = 0;
    while (s == TOB_OK && n_cand < 64 && db_step(stmt) == DB_ROW) {
        fit_var_t *v = &cand[n_cand++];
        memset(v, 0, sizeof *v);
        snprintf(v->name, sizeof v->name, "%s", db_column_str(stmt, 0));
        snprintf(v->label, sizeof v->label, "%s", db_column_str(stmt, 1));
        one_line(v->label);
        v->aggregate =
            (tob_aggregate_kind_t)tob_aggregate_parse(db_column_str(stmt, 2));
        v->is_area = v->aggregate == TOB_AGG_SUM &&
                     strcmp(db_column_str(stmt, 3), "km\xC2\xB2") == 0;
    }
    db_finalize(stmt);
    for (size_t i = 0; s == TOB_OK && i < n_cand; i++) {
        int at_level = 0;
        s = observed_under(st, cand[i].name, level, &at_level, err);
        if (s == TOB_OK && !at_level)
            s = has_values(vals, cand[i].name, ids, n_ids, &at_level, err);
        if (s != TOB_OK || !at_level || f->n_vars == FIT_MAX_VARS)
            continue;
        fit_var_t *v = &f->vars[f->n_vars++];
        *v = cand[i];
        s = observed_under(st, v->name, "commune", &v->has_commune_values, err);
        if (s == TOB_OK && !v->has_commune_values)
            s = has_values(vals, v->name, communes, n_communes,
                           &v->has_commune_values, err);
        const tob_variable_t *meta = tob_values_variable(vals, v->name, NULL);
        int years[CARNET_MAX_VARS];
        v->n_years = meta != NULL
                         ? carnet_series_years(st, meta, years, CARNET_MAX_VARS)
                         : 0;
        if (v->n_years >= 3) {
            v->span[0] = years[0];
            v->span[1] = years[v->n_years / 2];
            v->span[2] = years[v->n_years - 1];
        }
    }
    return s;
}

/* population_2021 -> stem population, year 2021. */
static void split_year(fit_var_t *v)
{
    size_t len = strlen(v->name);
    snprintf(v->stem, sizeof v->stem, "%s", v->name);
    v->name_year = 0;
    if (len < 6 || v->name[len - 5] != '_')
        return;
    for (size_t i = len - 4; i < len; i++)
        if (v->name[i] < '0' || v->name[i] > '9')
            return;
    v->name_year = atoi(v->name + len - 4);
    v->stem[len - 5] = '\0';
}

static void find_series(fit_t *f)
{
    for (size_t i = 0; i < f->n_vars; i++)
        split_year(&f->vars[i]);
    for (size_t i = 0; i < f->n_vars; i++)
        for (size_t k = 0; k < f->n_vars; k++)
            if (f->vars[i].name_year != 0 && f->vars[k].name_year != 0 &&
                strcmp(f->vars[i].stem, f->vars[k].stem) == 0 &&
                f->vars[k].name_year > f->vars[i].name_year)
                f->vars[i].older = 1;
}

/* The latest of a group of variables named with their years, with two or
 * more: an evolution of the group. */
static int is_group_head(const fit_t *f, const fit_var_t *v)
{
    if (v->older || v->name_year == 0)
        return 0;
    for (size_t i = 0; i < f->n_vars; i++)
        if (f->vars[i].older && strcmp(f->vars[i].stem, v->stem) == 0)
            return 1;
    return 0;
}

/* The names of vars matching want (a filter), comma-separated, at most
 * max; older years of a series are left to the evolution. */
static void put_names(fit_t *f, size_t max, int (*want)(const fit_var_t *))
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_vars && n < max; i++)
        if (!f->vars[i].older && (want == NULL || want(&f->vars[i])))
            put(f, "%s%s", n++ ? ", " : "", f->vars[i].name);
}

static int is_sum(const fit_var_t *v)
{
    return !v->older && v->aggregate == TOB_AGG_SUM && v->has_commune_values;
}

static int is_ratio(const fit_var_t *v)
{
    return !v->older && v->aggregate != TOB_AGG_SUM && v->has_commune_values;
}

static const fit_var_t *first(const fit_t *f, int (*want)(const fit_var_t *))
{
    for (size_t i = 0; i < f->n_vars; i++)
        if (want(&f->vars[i]))
            return &f->vars[i];
    return NULL;
}

static int is_true_ratio(const fit_var_t *v)
{
    return !v->older && v->aggregate == TOB_AGG_RATIO && v->has_commune_values;
}

/* An evolution: a variable with several years, or the latest of a group
 * named with their years. */
static int is_evolution(const fit_t *f, const fit_var_t *v)
{
    return (!v->older && v->n_years >= 2) || is_group_head(f, v);
}

/* "Population municipale" from "Population municipale 2021". */
static void label_without_year(const fit_var_t *v, char *buf, size_t size)
{
    size_t n = strlen(v->label);
    char year[16];
    snprintf(year, sizeof year, " %d", v->name_year);
    size_t y = strlen(year);
    if (v->name_year != 0 && n > y && strcmp(v->label + n - y, year) == 0)
        n -= y;
    snprintf(buf, size, "%.*s", (int)n, v->label);
}

static void put_evolution(fit_t *f, const fit_var_t *v)
{
    char label[256];
    label_without_year(v, label, sizeof label);
    int group = is_group_head(f, v);
    put(f, "[evolution:%s]\ntitle = Évolution : %s\nvariables = ",
        group ? v->stem : v->name, label);
    if (!group) {
        put(f, "%s\n\n", v->name);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < f->n_vars; i++)
        if (f->vars[i].name_year != 0 && strcmp(f->vars[i].stem, v->stem) == 0)
            put(f, "%s%s", n++ ? ", " : "", f->vars[i].name);
    put(f, "\n\n");
}

static void put_sections_line(fit_t *f, const fit_var_t *map_var,
                              const fit_var_t *main_sum, int commune)
{
    put(f, "sections = cover");
    if (f->n_vars > 0)
        put(f, ", figures");
    for (size_t i = 0, n = 0; i < f->n_vars && n < FIT_MAX_EVOLUTIONS; i++)
        if (is_evolution(f, &f->vars[i])) {
            put(f, ", evolution:%s",
                is_group_head(f, &f->vars[i]) ? f->vars[i].stem
                                              : f->vars[i].name);
            n++;
        }
    if (map_var != NULL)
        put(f, ", map:%s", map_var->name);
    if (map_var != NULL && map_var->n_years >= 3)
        put(f, ", map:%s-annees", map_var->name);
    if (main_sum != NULL && !commune)
        put(f, ", communes-chart");
    if ((first(f, is_sum) != NULL || first(f, is_ratio) != NULL) && !commune)
        put(f, ", communes-table");
    put(f, ", contracts, map:projets, gup, text:methode\n\n");
}

static void put_variable_sections(fit_t *f, const fit_var_t *map_var,
                                  const fit_var_t *main_sum, int commune)
{
    if (f->n_vars > 0) {
        put(f, "[figures]\ntitle = Chiffres clés\nindicators = ");
        put_names(f, FIT_MAX_VARS, NULL);
        /* A commune is compared with its EPCI and its département. */
        put(f, "\nreferences = %s\nindex = ",
            commune ? "epci, departement, store"
                    : "departement, region, store");
        put_names(f, TOB_CARNET_INDEX_MAX - 1, NULL);
        put(f, "\n\n");
    }
    for (size_t i = 0, n = 0; i < f->n_vars && n < FIT_MAX_EVOLUTIONS; i++)
        if (is_evolution(f, &f->vars[i])) {
            put_evolution(f, &f->vars[i]);
            n++;
        }
    if (map_var != NULL)
        put(f,
            "[map:%s]\ntitle = %s par commune\nvariable = %s\n"
            "method = quantile\nk = 5\npalette = YlOrRd\nlabels = 8\n\n",
            map_var->name, map_var->label, map_var->name);
    /* A rate over three years or more: where it moved, as three maps
     * with one classification (first, middle and last year). */
    if (map_var != NULL && map_var->n_years >= 3)
        put(f,
            "[map:%s-annees]\ntitle = %s : %d, %d et %d\nvariable = %s\n"
            "years = %d, %d, %d\nmethod = quantile\nk = 5\n"
            "palette = YlOrRd\nlabels = 0\n\n",
            map_var->name, map_var->label, map_var->span[0], map_var->span[1],
            map_var->span[2], map_var->name, map_var->span[0], map_var->span[1],
            map_var->span[2]);
    if (commune) /* a commune's map is its EPCI's; no list of one */
        return;
    if (main_sum != NULL)
        put(f,
            "[communes-chart]\ntitle = Les communes : %s\nvariable = %s\n"
            "top = 10\n\n",
            main_sum->label, main_sum->name);
    if (first(f, is_sum) == NULL && first(f, is_ratio) == NULL)
        return;
    /* The main count, then the rates, then other counts. */
    put(f, "[communes-table]\ntitle = Les communes du territoire\ncolumns = ");
    size_t n = 0;
    if (main_sum != NULL)
        put(f, "%s", main_sum->name), n++;
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < f->n_vars && n < FIT_TABLE_COLUMNS; i++) {
            const fit_var_t *v = &f->vars[i];
            if (v != main_sum && (pass == 0 ? is_ratio(v) : is_sum(v)))
                put(f, "%s%s", n++ ? ", " : "", v->name);
        }
    if (main_sum != NULL)
        put(f, "\nsort = %s", main_sum->name);
    put(f, "\n\n");
}

/* Which surface the densities use is said once, here and on the cover. */
static const char FIT_METHOD[] =
    "Les valeurs d'un territoire sont celles de l'observatoire : observées "
    "quand elles ont été importées pour lui, sinon calculées à partir de ses "
    "communes membres à la géographie actuelle (sommes, rapports de sommes "
    "pour les taux et les densités), de sorte que les évolutions sont à "
    "géographie constante. Le rang compare le territoire à tous ceux de son "
    "niveau (1er : la valeur la plus élevée). Une valeur manquante est notée "
    "« n.d. ». Les contrats, projets et sites de gestion urbaine de proximité "
    "sont ceux enregistrés dans l'observatoire à la date d'édition.";

static const char FIT_TAIL[] =
    "[contracts]\ntitle = Contrats et projets\nmax-rows = 25\n\n"
    "[map:projets]\ntitle = Projets par commune\nvariable = projets_nombre\n"
    "method = fisher\nk = 4\npalette = YlGnBu\nlabels = 8\noptional = yes\n\n"
    "[gup]\ntitle = Gestion urbaine de proximité\nmax-rows = 25\n\n";

static void put_template(fit_t *f, const char *level)
{
    const fit_var_t *map_var = first(f, is_true_ratio);
    if (map_var == NULL)
        map_var = first(f, is_ratio);
    const fit_var_t *main_sum = first(f, is_sum);
    int commune = strcmp(level, "commune") == 0;
    /* "Diagnostic partagé" is the first phase of a territory's contract
     * (README, contracts): a commune's carnet is its portrait. */
    put(f,
        "# made from the store for the carnets of level %s: its declared "
        "variables\n"
        "[carnet]\ntitle = Carnet de territoire\nsubtitle = %s\n"
        "author = Observatoire territorial\n",
        level, commune ? "Portrait de la commune" : "Diagnostic partagé");
    put_sections_line(f, map_var, main_sum, commune);
    const fit_var_t *area = NULL;
    for (size_t i = 0; i < f->n_vars && area == NULL; i++)
        if (f->vars[i].is_area)
            area = &f->vars[i];
    put(f, "[cover]\nlocator = yes\n");
    if (area != NULL)
        put(f, "area = %s\n", area->name);
    put(f, "\n");
    put_variable_sections(f, map_var, main_sum, commune);
    put(f, "%s[text:methode]\ntitle = Méthode\ntext = %s", FIT_TAIL,
        FIT_METHOD);
    if (area != NULL)
        put(f,
            " Les superficies (couverture, chiffres clés, tableau des "
            "communes) sont celles de la variable « %s » ; les densités en "
            "découlent.\n",
            area->label);
    else
        put(f, " Les superficies sont celles des contours de "
               "l'observatoire.\n");
}

tob_status_t tob_carnet_template_fit(tob_store_t *st, const char *level,
                                     tob_carnet_template_t **out,
                                     tob_error_t *err)
{
    *out = NULL;
    if (level == NULL)
        return tob_error_set(err, TOB_ERR_ARG, "a template fits a level");
    fit_t f;
    memset(&f, 0, sizeof f);
    tob_values_t *vals = NULL;
    tob_status_t s = tob_values_open(st, &vals, err);
    if (s == TOB_OK)
        tob_values_remember(vals, 1); /* reading which variables have values */
    if (s == TOB_OK)
        s = read_vars(st, vals, level, &f, err);
    tob_values_close(vals);
    if (s == TOB_OK) {
        find_series(&f);
        put_template(&f, level);
        if (f.oom)
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    if (s == TOB_OK)
        s = tob_carnet_template_parse(f.text, f.len, "carnet (from the store)",
                                      NULL, out, err);
    free(f.text);
    return s;
}
