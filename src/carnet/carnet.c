/* carnet.c - composes a carnet: loads the territory, runs the template's
 * sections in order into one document, writes the PDF. */
#include "carnet_internal.h"

#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const carnet_section_fn_t section_fns[CARNET_N_KINDS] = {
    [CARNET_COVER] = carnet_cover,
    [CARNET_COMMUNES_TABLE] = carnet_communes_table,
    [CARNET_TEXT] = carnet_text,
    [CARNET_CONTRACTS] = carnet_contracts,
    [CARNET_GUP] = carnet_gup,
    [CARNET_MAP] = carnet_map,
    [CARNET_FIGURES] = carnet_figures,
    [CARNET_EVOLUTION] = carnet_evolution,
    [CARNET_COMMUNES_CHART] = carnet_communes_chart,
    [CARNET_TERRITORIES] = carnet_territories,
};

void carnet_fmt_area(double area_m2, char *buf, size_t size)
{
    char num[TOB_FMT_MAX];
    if (!isfinite(area_m2)) {
        snprintf(buf, size, "%s", TOB_FMT_MISSING);
        return;
    }
    double km2 = area_m2 / 1e6;
    tob_fmt_number_fr(km2, km2 < 10 ? 2 : 1, num, sizeof num);
    snprintf(buf, size, "%s\xC2\xA0km\xC2\xB2", num);
}

/* The edition date in French; a given one is checked ("2026-11-23" and
 * "23/11/2026" both give 23/11/2026). */
static tob_status_t today_fr(const char *given, char *buf, size_t size,
                             tob_error_t *err)
{
    int y, m, d;
    if (given != NULL) {
        tob_error_t bad;
        tob_error_clear(&bad);
        if (tob_cell_parse_date(given, &y, &m, &d, &bad) != TOB_OK || y == 0)
            return tob_error_set(err, TOB_ERR_ARG,
                                 "edition date '%.40s' is not a date "
                                 "(DD/MM/YYYY)",
                                 given);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
    }
    tob_fmt_date_fr(y, m, d, buf, size);
    return TOB_OK;
}

static tob_status_t make_doc(carnet_ctx_t *ctx, tob_error_t *err)
{
    const carnet_territory_t *t = ctx->terr;
    const char *title =
        tpl_get_or(ctx->tpl, "carnet", "title", "Carnet de territoire");
    char pdf_title[512], right[256], footer[512];
    snprintf(pdf_title, sizeof pdf_title, "%s \xE2\x80\x93 %s", title,
             t->self.name);
    snprintf(right, sizeof right, "%s \xC2\xB7 %s", title, t->self.level_label);
    const char *author = tpl_get_or(ctx->tpl, "carnet", "author", NULL);
    snprintf(footer, sizeof footer, "%s%sÉdition du %s",
             author != NULL ? author : "", author != NULL ? " \xC2\xB7 " : "",
             ctx->today);
    char keywords[512];
    snprintf(keywords, sizeof keywords,
             "carnet de territoire, %s, %s, %s, observatoire territorial",
             t->self.level_label, t->self.name, t->self.code);
    tob_doc_info_t info = {.title = pdf_title,
                           .subject = t->self.level_label,
                           .header_left = t->self.name,
                           .header_right = right,
                           .footer_left = footer,
                           .author = author,
                           .keywords = keywords};
    return tob_doc_create(&info, &ctx->doc, err);
}

static tob_status_t compose(carnet_ctx_t *ctx, tob_error_t *err)
{
    tob_status_t st = make_doc(ctx, err);
    for (size_t i = 0; st == TOB_OK && i < ctx->tpl->n_sections; i++) {
        const tpl_section_t *sec = &ctx->tpl->sections[i];
        st = section_fns[sec->kind](ctx, sec, err);
    }
    return st;
}

static void fill_report(const carnet_ctx_t *ctx, tob_carnet_report_t *r)
{
    snprintf(r->name, sizeof r->name, "%s", ctx->terr->self.name);
    r->n_pages = ctx->doc != NULL ? tob_doc_page_count(ctx->doc) : 0;
    r->n_communes = ctx->terr->n_communes;
    r->n_communes_expected = ctx->terr->n_communes_expected;
    r->area_km2 = ctx->terr->self.area_m2 / 1e6;
}

/* Loads the territory and sets up ctx; end() undoes it. */
static tob_status_t begin(carnet_ctx_t *ctx, tob_store_t *st,
                          const tob_carnet_template_t *tpl,
                          const tob_carnet_options_t *opts,
                          carnet_territory_t *terr, tob_error_t *err)
{
    memset(ctx, 0, sizeof *ctx);
    if (opts == NULL || opts->level == NULL || opts->code == NULL)
        return tob_error_set(err, TOB_ERR_ARG,
                             "a carnet needs a level and a code");
    tob_status_t status =
        today_fr(opts->today, ctx->today, sizeof ctx->today, err);
    if (status == TOB_OK)
        status = carnet_territory_load(st, opts->level, opts->code,
                                       opts->vintage, terr, err);
    if (status != TOB_OK)
        return status;
    ctx->st = st;
    ctx->tpl = tpl;
    ctx->terr = terr;
    ctx->peers = opts->peers;
    ctx->vals = opts->values;
    return TOB_OK;
}

static void end(carnet_ctx_t *ctx, carnet_territory_t *terr)
{
    tob_doc_destroy(ctx->doc);
    if (ctx->own_vals)
        tob_values_close(ctx->vals);
    tob_carnet_peers_destroy(ctx->own_peers);
    carnet_territory_free(terr);
}

tob_status_t tob_carnet_write_changed(tob_store_t *st,
                                      const tob_carnet_template_t *tpl,
                                      const tob_carnet_options_t *opts,
                                      const char *path, const char *old_digest,
                                      char digest[TOB_CARNET_DIGEST_MAX],
                                      int *written, tob_carnet_report_t *report,
                                      tob_error_t *err)
{
    carnet_ctx_t ctx;
    carnet_territory_t terr;
    tob_carnet_report_t mine;
    memset(&mine, 0, sizeof mine);
    *written = 0;
    digest[0] = '\0';
    tob_status_t status = begin(&ctx, st, tpl, opts, &terr, err);
    if (status != TOB_OK)
        return status;
    ctx.report = &mine;
    status = carnet_store_date(st, ctx.store_date, sizeof ctx.store_date, err);
    if (status == TOB_OK)
        status = compose(&ctx, err);
    if (status == TOB_OK)
        status = carnet_index_figures(&ctx, err);
    if (status == TOB_OK)
        status = tob_doc_write_pdf_changed(ctx.doc, path, old_digest, digest,
                                           written, err);
    if (status == TOB_OK && report != NULL) {
        fill_report(&ctx, &mine);
        *report = mine;
    }
    end(&ctx, &terr);
    return status;
}

tob_status_t tob_carnet_write(tob_store_t *st, const tob_carnet_template_t *tpl,
                              const tob_carnet_options_t *opts,
                              const char *path, tob_carnet_report_t *report,
                              tob_error_t *err)
{
    char digest[TOB_CARNET_DIGEST_MAX];
    int written;
    return tob_carnet_write_changed(st, tpl, opts, path, NULL, digest, &written,
                                    report, err);
}

tob_status_t tob_carnet_summarize(tob_store_t *st,
                                  const tob_carnet_template_t *tpl,
                                  const tob_carnet_options_t *opts,
                                  tob_carnet_report_t *report, tob_error_t *err)
{
    carnet_ctx_t ctx;
    carnet_territory_t terr;
    memset(report, 0, sizeof *report);
    tob_status_t status = begin(&ctx, st, tpl, opts, &terr, err);
    if (status != TOB_OK)
        return status;
    ctx.report = report;
    fill_report(&ctx, report);
    status = carnet_index_figures(&ctx, err);
    end(&ctx, &terr);
    return status;
}

tob_status_t tob_carnet_thumbnail(tob_store_t *st,
                                  const tob_carnet_options_t *opts,
                                  const char *path, int width, int height,
                                  tob_error_t *err)
{
    if (width < 16 || width > 2000 || height < 16 || height > 2000)
        return tob_error_set(err, TOB_ERR_ARG,
                             "a thumbnail is 16 to 2000 pixels a side");
    carnet_ctx_t ctx;
    carnet_territory_t terr;
    tob_status_t status = begin(&ctx, st, NULL, opts, &terr, err);
    if (status != TOB_OK)
        return status;
    status = carnet_thumbnail(&ctx, path, width, height, err);
    end(&ctx, &terr);
    return status;
}
