/* carnet_figures.c - key figures: each indicator's value for the
 * territory, its rank among the territories of its level ("3e sur 41
 * EPCI"), the values of its département (and other parents the template
 * names) and of all territories of its level together, and its evolution
 * between two years at constant geography (both values computed on
 * today's members). */
#include "carnet_internal.h"

#include "base/plural_fr.h"

#include "terrobs/cells.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How much of a unit to write: a plural word ("habitants", "projets")
 * loses its s below 2, as French counts say "1 projet", "0,5 habitant";
 * symbols (%, km², €/hab.) and words whose s is not a plural's (mois,
 * fois, pays) are kept whole. */
static size_t unit_length(const char *unit, int singular)
{
    size_t n = strlen(unit);
    if (!singular || n < 3 || unit[n - 1] != 's')
        return n;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)unit[i]) || (unit[i] & 0x80)))
            return n;
    char before = unit[n - 2];
    return before == 'i' || before == 'u' || before == 's' || before == 'y' ||
                   before == 'o'
               ? n
               : n - 1;
}

void carnet_fmt_value(double v, const tob_variable_t *meta, char *buf,
                      size_t size)
{
    int decimals = meta->decimals;
    if (decimals < 0)
        decimals = fabs(v) >= 100 ? 0 : 1;
    char num[TOB_FMT_MAX];
    tob_fmt_number_fr(v, decimals, num, sizeof num);
    if (!isfinite(v) || meta->unit[0] == '\0')
        snprintf(buf, size, "%s", num);
    else
        snprintf(buf, size, "%s\xC2\xA0%.*s", num,
                 (int)unit_length(meta->unit, fabs(v) < 2), meta->unit);
}

int carnet_var_year(const tob_variable_t *meta, int fallback)
{
    if (meta->year > 0)
        return meta->year;
    size_t n = strlen(meta->name);
    if (n > 5 && meta->name[n - 5] == '_' &&
        isdigit((unsigned char)meta->name[n - 4]) &&
        isdigit((unsigned char)meta->name[n - 1]))
        return atoi(meta->name + n - 4);
    return fallback;
}

void carnet_level_plural(const char *label, char *buf, size_t size)
{
    size_t n = strlen(label);
    int upper = 0;
    for (size_t i = 0; i < n; i++)
        upper += isupper((unsigned char)label[i]) != 0;
    /* acronyms (EPCI, SCoT, QPV) do not take an s */
    if (upper > 1 || n == 0 || strchr("sxz", label[n - 1]) != NULL) {
        snprintf(buf, size, "%s", label);
        return;
    }
    if (strncmp(label, "\xC3\x89", 2) == 0) /* É */
        snprintf(buf, size, "\xC3\xA9%ss", label + 2);
    else
        snprintf(buf, size, "%c%ss", tolower((unsigned char)label[0]),
                 label + 1);
}

int carnet_level_feminine(const char *label)
{
    static const char *const feminine[] = {
        "commune",          "zone",
        "r\xC3\xA9gion",    "R\xC3\xA9gion",
        "intercommunalit",  "m\xC3\xA9tropole",
        "M\xC3\xA9tropole", "agglom\xC3\xA9ration"};
    for (size_t i = 0; i < sizeof feminine / sizeof feminine[0]; i++)
        if (strncasecmp(label, feminine[i], strlen(feminine[i])) == 0)
            return 1;
    return 0;
}

tob_status_t carnet_need_values(carnet_ctx_t *ctx, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    if (ctx->vals == NULL) {
        s = tob_values_open(ctx->st, &ctx->vals, err);
        ctx->own_vals = s == TOB_OK;
        /* A carnet only reads: what it reads is kept (ranks and references
         * read a whole level, a round trip a value on PostGIS). */
        if (s == TOB_OK)
            tob_values_remember(ctx->vals, 1);
    }
    if (s == TOB_OK && ctx->peers == NULL) {
        s = tob_carnet_peers_load(ctx->st, ctx->tpl, ctx->terr->self.level,
                                  ctx->terr->vintage, &ctx->own_peers, err);
        ctx->peers = ctx->own_peers;
    }
    return s;
}

/* The value of a variable for a territory; NaN when missing. */
static tob_status_t value_of(carnet_ctx_t *ctx, const char *name, tob_id_t id,
                             int year, double *out, tob_error_t *err)
{
    tob_value_t v;
    tob_status_t s = tob_values_get(ctx->vals, name, id, year, &v, err);
    *out = s == TOB_OK ? v.value : NAN;
    return s;
}

/* "3e sur 41 EPCI" (1er for the first). */
static void rank_line(carnet_ctx_t *ctx, const peer_var_t *pv, double v,
                      char *buf, size_t size)
{
    size_t of = 0, rank = pv != NULL ? carnet_peer_rank(pv, v, &of) : 0;
    buf[0] = '\0';
    if (rank == 0 || of < 2)
        return;
    char plural[128];
    carnet_level_plural(ctx->terr->self.level_label, plural, sizeof plural);
    snprintf(buf, size, "Rang : %zu%s sur %zu %s", rank, rank == 1 ? "er" : "e",
             of, plural);
}

/* The territory a reference names: a level of its parents (the
 * département of most communes for "departement"), else of its
 * département's (the region of an EPCI). *id is 0 when there is none. */
static tob_status_t reference(carnet_ctx_t *ctx, const char *level,
                              tob_id_t *id, char *name, size_t size,
                              tob_error_t *err)
{
    const carnet_territory_t *t = ctx->terr;
    const carnet_unit_t *u = NULL;
    *id = 0;
    if (strcmp(t->self.level, level) == 0)
        return TOB_OK;
    if (strcmp(level, "departement") == 0)
        u = t->departement;
    for (size_t i = 0; u == NULL && i < t->n_parents; i++)
        if (strcmp(t->parents[i].level, level) == 0)
            u = &t->parents[i];
    if (u != NULL) {
        *id = u->id;
        snprintf(name, size, "%s", u->name);
        return TOB_OK;
    }
    if (t->departement == NULL)
        return TOB_OK;
    return carnet_ancestor(ctx->st, t->departement->id, level, id, name, size,
                           err);
}

void carnet_level_total_text(const char *label, size_t known, size_t all,
                             char *buf, size_t size)
{
    char plural[128], one[128], forms[320], count[360], of[TOB_FMT_MAX];
    carnet_level_plural(label, plural, sizeof plural);
    /* the singular as the plural writes it: "commune", "EPCI" */
    size_t n = strlen(plural);
    int acronym = strcmp(plural, label) == 0;
    snprintf(one, sizeof one, "%.*s", (int)(acronym || n == 0 ? n : n - 1),
             plural);
    const char *part = "";
    if (known != all)
        part = carnet_level_feminine(label) ? " renseignée" : " renseigné";
    snprintf(forms, sizeof forms, "|%s%s|%s%s%s", one, part, plural, part,
             known != all ? "s" : "");
    fr_count((long long)known, forms, count, sizeof count);
    tob_fmt_number_fr((double)all, 0, of, sizeof of);
    if (known >= 2 && known == all)
        snprintf(buf, size, "Ensemble des %s", count);
    else if (known >= 2)
        snprintf(buf, size, "Ensemble des %s (sur %s)", count, of);
    else if (known == all)
        snprintf(buf, size, "Ensemble (%s)", count);
    else
        snprintf(buf, size, "Ensemble (%s sur %s)", count, of);
}

void carnet_level_total_label(const carnet_ctx_t *ctx, size_t n, char *buf,
                              size_t size)
{
    carnet_level_total_text(ctx->terr->self.level_label, n, ctx->peers->n_ids,
                            buf, size);
}

/* The level's combined value over the peers that have one; NaN when
 * fewer than two do (that would be the territory itself). */
static void level_total(carnet_ctx_t *ctx, const peer_var_t *pv, double *v,
                        char *label, size_t size)
{
    *v = NAN;
    label[0] = '\0';
    size_t n_ids = ctx->peers->n_ids;
    unsigned char *mask = pv != NULL ? malloc(n_ids + 1) : NULL;
    if (mask == NULL)
        return;
    memset(mask, 1, n_ids + 1);
    size_t n = carnet_peers_known(ctx->peers, pv, mask);
    if (n >= 2) {
        *v = carnet_peers_total(ctx->peers, pv, mask);
        carnet_level_total_label(ctx, n, label, size);
    }
    free(mask);
}

static void append(char *buf, size_t size, const char *line)
{
    if (line[0] == '\0')
        return;
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "%s%s", used ? "\n" : "", line);
}

/* Lines "Nord : 12,3 %" and "Ensemble des 39 EPCI : 11,8 %". */
static tob_status_t reference_lines(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                    const peer_var_t *pv,
                                    const tob_variable_t *meta, int year,
                                    char *buf, size_t size, tob_error_t *err)
{
    char *refs[8];
    size_t n = tpl_split(
        tpl_get_or(ctx->tpl, sec->id, "references", "departement, store"), refs,
        8);
    tob_status_t s = n == (size_t)-1
                         ? tob_error_set(err, TOB_ERR_NOMEM, "out of memory")
                         : TOB_OK;
    for (size_t i = 0; s == TOB_OK && n != (size_t)-1 && i < n; i++) {
        char line[512], value[256];
        double v = NAN;
        if (strcmp(refs[i], "store") == 0) {
            char label[256];
            level_total(ctx, pv, &v, label, sizeof label);
            carnet_fmt_value(v, meta, value, sizeof value);
            snprintf(line, sizeof line, "%.200s : %.200s", label, value);
        } else {
            tob_id_t id = 0;
            char name[TOB_CARNET_NAME_MAX];
            s = reference(ctx, refs[i], &id, name, sizeof name, err);
            if (s != TOB_OK || id == 0)
                continue;
            s = value_of(ctx, meta->name, id, year, &v, err);
            carnet_fmt_value(v, meta, value, sizeof value);
            snprintf(line, sizeof line, "%.200s : %s", name, value);
        }
        if (isfinite(v))
            append(buf, size, line);
    }
    if (n != (size_t)-1)
        tpl_free_words(refs, n);
    return s;
}

static void change_line(const tob_variable_t *meta, int from, int to,
                        double then, double now, char *buf, size_t size);

/* "Évolution 2015-2021 : +0,8 %" for a variable with several years (a
 * series), from its first year to its latest. */
static tob_status_t series_line(carnet_ctx_t *ctx, const tob_variable_t *meta,
                                double now, char *buf, size_t size,
                                tob_error_t *err)
{
    int years[CARNET_MAX_VARS];
    size_t n = carnet_series_years(ctx->st, meta, years, CARNET_MAX_VARS);
    if (n < 2 || !isfinite(now))
        return TOB_OK;
    tob_value_t then;
    tob_status_t s = tob_values_get(ctx->vals, meta->name, ctx->terr->self.id,
                                    years[0], &then, err);
    if (s == TOB_OK)
        change_line(meta, years[0], years[n - 1], then.value, now, buf, size);
    return s;
}

static void change_line(const tob_variable_t *meta, int from, int to,
                        double then, double now, char *buf, size_t size)
{
    if (!isfinite(then) || !isfinite(now) || then == 0)
        return;
    int points = strcmp(meta->unit, "%") == 0;
    double change = points ? now - then : 100.0 * (now - then) / then;
    char num[TOB_FMT_MAX], line[256];
    tob_fmt_number_fr(change, 1, num, sizeof num);
    snprintf(line, sizeof line, "Évolution %d-%d : %s%.40s%s", from, to,
             change > 0 ? "+" : "", num, points ? "\xC2\xA0pt" : "\xC2\xA0%");
    append(buf, size, line);
}

/* "Évolution 2015-2021 : +0,8 %" (in points for a rate), when an
 * evolution pair of the section ends at this variable. */
static tob_status_t evolution_line(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                   const tob_variable_t *meta, double now,
                                   char *buf, size_t size, tob_error_t *err)
{
    char *pairs[8];
    size_t n =
        tpl_split(tpl_get(ctx->tpl, sec->id, "evolution", NULL), pairs, 8);
    if (n == (size_t)-1)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < n; i++) {
        char *colon = strchr(pairs[i], ':');
        if (colon == NULL || strcmp(colon + 1, meta->name) != 0)
            continue;
        *colon = '\0';
        const tob_variable_t *from =
            tob_values_variable(ctx->vals, pairs[i], err);
        double then = NAN;
        if (from == NULL)
            s = err != NULL ? err->code : TOB_ERR_NOTFOUND;
        else
            s = value_of(ctx, pairs[i], ctx->terr->self.id, 0, &then, err);
        if (s != TOB_OK || !isfinite(then) || !isfinite(now) || then == 0)
            continue;
        int points = strcmp(meta->unit, "%") == 0;
        double change = points ? now - then : 100.0 * (now - then) / then;
        char num[TOB_FMT_MAX], line[256];
        tob_fmt_number_fr(change, 1, num, sizeof num);
        snprintf(line, sizeof line, "Évolution %d-%d : %s%.40s%s",
                 carnet_var_year(from, 0), carnet_var_year(meta, 0),
                 change > 0 ? "+" : "", num,
                 points ? "\xC2\xA0pt" : "\xC2\xA0%");
        append(buf, size, line);
    }
    tpl_free_words(pairs, n);
    if (s == TOB_OK && n == 0)
        s = series_line(ctx, meta, now, buf, size, err);
    return s;
}

/* 1 if text holds a four-digit number (a label that says its year). */
static int has_year(const char *text)
{
    for (size_t run = 0; *text != '\0'; text++) {
        run = *text >= '0' && *text <= '9' ? run + 1 : 0;
        if (run == 4)
            return 1;
    }
    return 0;
}

typedef struct figure_text {
    char value[160], unit[64], label[256], detail[1024];
    char reason[256]; /* why the value is missing, "" if it is not */
} figure_text_t;

/* Why a value is missing, in words partners understand. */
static void missing_reason(const tob_value_t *v, size_t n_communes, char *buf,
                           size_t size)
{
    char parts[TOB_FMT_MAX + 96];
    if (v->n_expected > v->n_parts)
        snprintf(buf, size, "%s dans l'observatoire",
                 fr_members(v->n_parts, v->n_expected,
                            v->n_parts == n_communes
                                ? "aucune commune|commune|communes"
                                : "aucun membre|membre|membres",
                            0, parts, sizeof parts));
    else if (v->n_missing > 0)
        snprintf(buf, size, "%zu des %zu territoires membres sans valeur",
                 v->n_missing, v->n_parts);
    else if (v->n_parts > 0 && v->coverage < 0.99)
        snprintf(buf, size,
                 "ses membres dans l'observatoire ne couvrent que %.0f %% "
                 "de sa surface",
                 100 * v->coverage);
    else
        snprintf(buf, size, "aucune valeur dans l'observatoire");
}

static tob_status_t one_figure(carnet_ctx_t *ctx, const tpl_section_t *sec,
                               const carnet_var_t *var,
                               const tob_variable_t *meta, figure_text_t *f,
                               tob_error_t *err)
{
    tob_value_t got;
    tob_status_t s = tob_values_get(ctx->vals, var->name, ctx->terr->self.id,
                                    var->year, &got, err);
    if (s != TOB_OK)
        return s;
    double v = got.value;
    f->reason[0] = '\0';
    if (!isfinite(v))
        missing_reason(&got, ctx->terr->n_communes, f->reason,
                       sizeof f->reason);
    tob_variable_t bare = *meta; /* the number alone; the unit apart */
    bare.unit[0] = '\0';
    carnet_fmt_value(v, &bare, f->value, sizeof f->value);
    snprintf(f->unit, sizeof f->unit, "%s", isfinite(v) ? meta->unit : "");
    snprintf(f->label, sizeof f->label, "%s",
             meta->label[0] ? meta->label : meta->name);
    int years[2];
    if (isfinite(v) && got.year > 0 && !has_year(f->label) &&
        carnet_series_years(ctx->st, meta, years, 2) >= 2)
        snprintf(f->label + strlen(f->label),
                 sizeof f->label - strlen(f->label), " (%d)",
                 got.year); /* a series: which of its years */
    f->detail[0] = '\0';
    const peer_var_t *pv = carnet_peer_var(ctx->peers, var->name, var->year);
    char line[256];
    rank_line(ctx, pv, v, line, sizeof line);
    if (f->reason[0] != '\0')
        snprintf(line, sizeof line, "Non disponible : %.200s", f->reason);
    append(f->detail, sizeof f->detail, line);
    s = reference_lines(ctx, sec, pv, meta, var->year, f->detail,
                        sizeof f->detail, err);
    if (s == TOB_OK)
        s = evolution_line(ctx, sec, meta, v, f->detail, sizeof f->detail, err);
    return s;
}

/* The metadata of a variable the section names; NULL and TOB_OK when it
 * is absent and the section optional. */
tob_status_t carnet_section_meta(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                 const char *key, const char *name,
                                 const tob_variable_t **meta, tob_error_t *err)
{
    tob_error_t absent;
    tob_error_clear(&absent);
    *meta = tob_values_variable(ctx->vals, name, &absent);
    if (*meta != NULL)
        return TOB_OK;
    if (absent.code == TOB_ERR_NOTFOUND &&
        tpl_yes(ctx->tpl, sec->id, "optional", 0))
        return TOB_OK;
    if (err != NULL && err->code == TOB_OK)
        *err = absent;
    return tpl_error_at(ctx->tpl, sec->id, key, err);
}

tob_status_t carnet_section_columns(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                    carnet_var_t *vars,
                                    const tob_variable_t **meta, size_t *n,
                                    tob_error_t *err)
{
    carnet_var_t listed[CARNET_MAX_VARS];
    size_t n_listed =
        carnet_section_vars(ctx->tpl, sec, listed, CARNET_MAX_VARS);
    tob_status_t s = n_listed > 0 ? carnet_need_values(ctx, err) : TOB_OK;
    *n = 0;
    for (size_t i = 0; s == TOB_OK && i < n_listed; i++) {
        const tob_variable_t *m = NULL;
        s = carnet_section_meta(ctx, sec, "columns", listed[i].name, &m, err);
        if (s == TOB_OK && m != NULL) {
            vars[*n] = listed[i];
            meta[(*n)++] = m;
        }
    }
    return s;
}

/* No indicator has a value: one line saying why, not boxes of "n.d.". */
static tob_status_t all_missing(carnet_ctx_t *ctx, const figure_text_t *first,
                                tob_error_t *err)
{
    char text[512];
    snprintf(text, sizeof text,
             "Les chiffres clés ne sont pas disponibles pour ce territoire "
             ": %s.",
             first->reason);
    return tob_doc_paragraph(ctx->doc, TOB_TEXT_NOTE, text, err);
}

tob_status_t carnet_figures(carnet_ctx_t *ctx, const tpl_section_t *sec,
                            tob_error_t *err)
{
    tob_status_t s = carnet_need_values(ctx, err);
    carnet_var_t vars[CARNET_MAX_VARS];
    size_t n = carnet_section_vars(ctx->tpl, sec, vars, CARNET_MAX_VARS);
    figure_text_t *texts = calloc(n + 1, sizeof *texts);
    tob_figure_t figs[CARNET_MAX_VARS];
    size_t n_figs = 0;
    if (texts == NULL)
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; s == TOB_OK && i < n; i++) {
        const tob_variable_t *meta = NULL;
        s = carnet_section_meta(ctx, sec, "indicators", vars[i].name, &meta,
                                err);
        if (s != TOB_OK || meta == NULL)
            continue;
        figure_text_t *f = &texts[n_figs];
        s = one_figure(ctx, sec, &vars[i], meta, f, err);
        figs[n_figs++] = (tob_figure_t){f->value, f->unit, f->label, f->detail};
    }
    size_t n_missing = 0;
    for (size_t i = 0; i < n_figs; i++)
        n_missing += texts[i].reason[0] != '\0';
    if (s == TOB_OK && n_figs > 0)
        s = tob_doc_heading(
            ctx->doc, TOB_TEXT_H1,
            tpl_get_or(ctx->tpl, sec->id, "title", "Chiffres clés"), err);
    if (s == TOB_OK && n_figs > 0 && n_missing == n_figs)
        s = all_missing(ctx, texts, err);
    else if (s == TOB_OK && n_figs > 0)
        s = tob_doc_figures(ctx->doc, figs, n_figs, err);
    free(texts);
    return s;
}

/* The indicators of the index: the figures section's index key, else its
 * first ones. */
static size_t index_vars(const tob_carnet_template_t *tpl,
                         const tpl_section_t *sec, carnet_var_t *vars)
{
    const char *index = tpl_get(tpl, sec->id, "index", NULL);
    if (index == NULL) {
        size_t n = carnet_section_vars(tpl, sec, vars, CARNET_MAX_VARS);
        return n < 3 ? n : 3;
    }
    char *words[TOB_CARNET_INDEX_MAX];
    size_t n = tpl_split(index, words, TOB_CARNET_INDEX_MAX);
    if (n == (size_t)-1)
        return 0;
    const char *year = tpl_get(tpl, sec->id, "year", NULL);
    for (size_t i = 0; i < n; i++) {
        snprintf(vars[i].name, sizeof vars[i].name, "%s", words[i]);
        vars[i].year = year != NULL ? atoi(year) : 0;
    }
    tpl_free_words(words, n);
    return n;
}

tob_status_t carnet_index_figures(carnet_ctx_t *ctx, tob_error_t *err)
{
    const tpl_section_t *sec = NULL;
    for (size_t i = 0; i < ctx->tpl->n_sections && sec == NULL; i++)
        if (ctx->tpl->sections[i].kind == CARNET_FIGURES)
            sec = &ctx->tpl->sections[i];
    if (sec == NULL || ctx->report == NULL)
        return TOB_OK;
    tob_status_t s = carnet_need_values(ctx, err);
    carnet_var_t vars[CARNET_MAX_VARS];
    size_t n = s == TOB_OK ? index_vars(ctx->tpl, sec, vars) : 0;
    for (size_t i = 0; s == TOB_OK && i < n; i++) {
        const tob_variable_t *meta = NULL;
        s = carnet_section_meta(ctx, sec, "index", vars[i].name, &meta, err);
        if (s != TOB_OK || meta == NULL ||
            ctx->report->n_figures == TOB_CARNET_INDEX_MAX)
            continue;
        tob_carnet_figure_t *f = &ctx->report->figures[ctx->report->n_figures];
        s = value_of(ctx, vars[i].name, ctx->terr->self.id, vars[i].year,
                     &f->value, err);
        snprintf(f->label, sizeof f->label, "%.127s",
                 meta->label[0] ? meta->label : meta->name);
        tob_variable_t bare = *meta; /* the unit goes in the header */
        bare.unit[0] = '\0';
        carnet_fmt_value(f->value, &bare, f->text, sizeof f->text);
        snprintf(f->unit, sizeof f->unit, "%s", meta->unit);
        ctx->report->n_figures++;
    }
    return s;
}
