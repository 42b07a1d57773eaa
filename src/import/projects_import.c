/* projects_import.c - rows of a projects table: contract, location (a
 * commune code or a WGS 84 point reprojected to the store CRS), cost,
 * funding lines per financer, status and dates. */
#include "programme_internal.h"

#include "store/db.h"
#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct project_state {
    db_stmt_t *contract, *exists, *clear, *insert, *fund;
    tob_codeset_t *cleared; /* contracts whose projects were replaced */
} project_state_t;

typedef struct project_rec {
    char contract[128], code[128], title[512], axis[256], owner[256];
    char commune[16], note[512], start[11], end[11], sdate[11];
    tob_id_t contract_id;
    double lon, lat, cost;
    const char *status;
    double amounts[PROG_MAX_PREFIXED];
} project_rec_t;

static tob_status_t project_prepare(prog_ctx_t *c, tob_error_t *err)
{
    project_state_t *k = calloc(1, sizeof *k);
    if ((c->state = k) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = codeset_create(&k->cleared, err);
    if (s == TOB_OK)
        s = db_prepare(c->st, "SELECT id FROM contract WHERE code = ?",
                       &k->contract, err);
    if (s == TOB_OK)
        s = db_prepare(c->st,
                       "SELECT p.id, s.path FROM project p LEFT JOIN"
                       " source s ON s.id = p.source_id"
                       " WHERE p.contract = ? AND p.code = ?",
                       &k->exists, err);
    if (s == TOB_OK)
        s = db_prepare(c->st, "DELETE FROM project WHERE contract = ?",
                       &k->clear, err);
    if (s == TOB_OK)
        s = db_prepare(
            c->st,
            "INSERT INTO project (contract, code, title, axis, owner,"
            " commune_code, total_cost, status, start_date, end_date,"
            " status_date, note, source_id, geom) VALUES (?1, ?2, ?3, ?4,"
            " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, CASE WHEN CAST(?14 AS "
            "REAL) IS NULL"
            " THEN NULL ELSE Transform(MakePoint(?14, ?15, 4326), ?16) END)"
            " RETURNING id",
            &k->insert, err);
    if (s == TOB_OK)
        s = db_prepare(c->st,
                       "INSERT INTO project_funding (project,"
                       " financer, amount) VALUES (?, ?, ?)",
                       &k->fund, err);
    return s;
}

/* The contract must exist; with --replace, its projects go at the first
 * row that names it, and the file's rows come in their place. */
static tob_status_t project_contract(prog_ctx_t *c, project_rec_t *r,
                                     tob_error_t *err)
{
    project_state_t *k = c->state;
    size_t spec = prog_spec(c, "Code contrat");
    tob_status_t s =
        prog_text(c, spec, 1, r->contract, sizeof r->contract, err);
    if (s != TOB_OK)
        return s;
    db_bind_text(k->contract, 1, r->contract);
    r->contract_id = 0;
    if (db_step(k->contract) == DB_ROW)
        r->contract_id = db_column_int64(k->contract, 0);
    db_reset(k->contract);
    if (r->contract_id == 0) {
        near_t near;
        near_start(&near, r->contract);
        const char *hint = db_near_hint(
            c->st, &near, "SELECT code FROM contract ORDER BY code", NULL);
        tob_error_set(err, TOB_ERR_INPUT, "unknown contract '%s'%s",
                      r->contract,
                      hint[0] ? hint : " (import the contracts first)");
        return prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    long long first = 0;
    if (!c->opts->replace)
        return TOB_OK;
    s = codeset_add(k->cleared, r->contract, 1, &first, err);
    if (s != TOB_OK || first != 0)
        return s;
    db_bind_int64(k->clear, 1, r->contract_id);
    s = prog_step(c, k->clear, "replacing projects", err);
    c->rep->n_replaced += (size_t)db_changes(c->st);
    return s;
}

static tob_status_t project_key(prog_ctx_t *c, project_rec_t *r,
                                tob_error_t *err)
{
    project_state_t *k = c->state;
    size_t spec = prog_spec(c, "Code projet");
    tob_status_t s = prog_text(c, spec, 1, r->code, sizeof r->code, err);
    char key[300];
    snprintf(key, sizeof key, "%s / %s", r->contract, r->code);
    if (s == TOB_OK)
        s = prog_unique(c, spec, key, "project", err);
    if (s != TOB_OK)
        return s;
    db_bind_int64(k->exists, 1, r->contract_id);
    db_bind_text(k->exists, 2, r->code);
    if (db_step(k->exists) == DB_ROW) {
        const char *from = db_column_text(k->exists, 1);
        s = tob_error_set(err, TOB_ERR_EXISTS,
                          "project '%s' is already in the store (imported "
                          "from %s): use --replace to replace the "
                          "projects of contract '%s'",
                          key, from ? (const char *)from : "?", r->contract);
        prog_at(c, spec, s, err);
    }
    db_reset(k->exists);
    return s;
}

static tob_status_t coordinate(prog_ctx_t *c, const char *header, double limit,
                               double *out, tob_error_t *err)
{
    size_t spec = prog_spec(c, header);
    tob_status_t s = tob_cell_parse_number(prog_cell(c, spec), out, err);
    if (s == TOB_OK && fabs(*out) > limit)
        s = tob_error_set(err, TOB_ERR_INPUT,
                          "%g is not a WGS 84 %s (-%g..%g degrees)", *out,
                          limit > 90 ? "longitude" : "latitude", limit, limit);
    return s != TOB_OK ? prog_at(c, spec, s, err) : s;
}

/* A commune code, a point, both, or neither (a project of the whole
 * contract territory). */
static tob_status_t project_location(prog_ctx_t *c, project_rec_t *r,
                                     tob_error_t *err)
{
    size_t spec = prog_spec(c, "Commune");
    tob_status_t s = prog_text(c, spec, 0, r->commune, sizeof r->commune, err);
    if (s == TOB_OK && r->commune[0] != '\0')
        s = prog_territory(c, spec, "commune", r->commune, err);
    if (s == TOB_OK)
        s = coordinate(c, "Longitude", 180, &r->lon, err);
    if (s == TOB_OK)
        s = coordinate(c, "Latitude", 90, &r->lat, err);
    if (s == TOB_OK && isnan(r->lon) != isnan(r->lat)) {
        size_t missing = prog_spec(c, isnan(r->lon) ? "Longitude" : "Latitude");
        tob_error_set(err, TOB_ERR_INPUT,
                      "is empty: a point needs both longitude and latitude");
        s = prog_at(c, missing, TOB_ERR_INPUT, err);
    }
    if (s == TOB_OK && !isnan(r->lon))
        c->rep->n_by_point++;
    else if (s == TOB_OK && r->commune[0] != '\0')
        c->rep->n_by_commune++;
    return s;
}

/* Cost, and funding lines that must not exceed it. */
static tob_status_t project_money(prog_ctx_t *c, project_rec_t *r,
                                  tob_error_t *err)
{
    size_t spec = prog_spec(c, "Coût total");
    tob_status_t s =
        prog_money_cell(c, prog_cell(c, spec), spec, NULL, &r->cost, err);
    double sum = 0;
    for (size_t i = 0; i < c->n_prefixed && s == TOB_OK; i++) {
        const char *text = tob_table_cell(c->table, (size_t)c->prefixed_col[i]);
        s = prog_money_cell(
            c, text, c->prefix_spec,
            tob_table_column_name(c->table, (size_t)c->prefixed_col[i]),
            &r->amounts[i], err);
        if (s == TOB_OK && !isnan(r->amounts[i]))
            sum += r->amounts[i];
    }
    if (s == TOB_OK && !isnan(r->cost) && sum > r->cost + 0.005) {
        char a[TOB_FMT_MAX], b[TOB_FMT_MAX];
        tob_error_set(err, TOB_ERR_INPUT,
                      "funding lines sum to %s, more than the total cost %s",
                      tob_fmt_money_fr(sum, 2, a, sizeof a),
                      tob_fmt_money_fr(r->cost, 2, b, sizeof b));
        s = prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    return s;
}

static tob_status_t project_fields(prog_ctx_t *c, project_rec_t *r,
                                   tob_error_t *err)
{
    tob_status_t s = prog_text(c, prog_spec(c, "Intitulé"), 1, r->title,
                               sizeof r->title, err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Axe"), 0, r->axis, sizeof r->axis, err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Maître d'ouvrage"), 0, r->owner,
                      sizeof r->owner, err);
    if (s == TOB_OK)
        s = prog_vocab(c, prog_spec(c, "Statut"), TOB_VOCAB_STATUS, &r->status,
                       err);
    if (s == TOB_OK)
        s = prog_date(c, prog_spec(c, "Date début"), 0, r->start, err);
    if (s == TOB_OK)
        s = prog_date(c, prog_spec(c, "Date fin"), 0, r->end, err);
    if (s == TOB_OK && r->start[0] && r->end[0] &&
        strcmp(r->end, r->start) < 0) {
        tob_error_set(err, TOB_ERR_INPUT, "is before 'Date début'");
        s = prog_at(c, prog_spec(c, "Date fin"), TOB_ERR_INPUT, err);
    }
    if (s == TOB_OK)
        s = prog_date(c, prog_spec(c, "Date statut"), 0, r->sdate, err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Note"), 0, r->note, sizeof r->note, err);
    return s;
}

static tob_status_t project_funding(prog_ctx_t *c, const project_rec_t *r,
                                    tob_id_t id, tob_error_t *err)
{
    project_state_t *k = c->state;
    tob_status_t s = TOB_OK;
    for (size_t i = 0; i < c->n_prefixed && s == TOB_OK; i++) {
        if (isnan(r->amounts[i]))
            continue;
        db_bind_int64(k->fund, 1, id);
        db_bind_text_static(k->fund, 2, c->prefixed_name[i]);
        db_bind_double(k->fund, 3, r->amounts[i]);
        s = prog_step(c, k->fund, "adding a funding line", err);
        c->rep->n_details++;
    }
    return s;
}

static int point_stored(prog_ctx_t *c, tob_id_t id)
{
    db_stmt_t *stmt = NULL;
    int ok = 0;
    if (db_try_prepare(c->st,
                       "SELECT geom IS NOT NULL FROM project WHERE id = ?",
                       &stmt)) {
        db_bind_int64(stmt, 1, id);
        ok = db_step(stmt) == DB_ROW && db_column_int(stmt, 0);
    }
    db_finalize(stmt);
    return ok;
}

/* Whether project id's stored point lies in some territory's polygon. */
static int point_in_a_territory(prog_ctx_t *c, tob_id_t id)
{
    db_stmt_t *stmt = NULL;
    int found = 1; /* a query that cannot run reports nothing */
    if (db_try_prepare(c->st,
                       "SELECT count(*) FROM project pr, territory t"
                       " WHERE pr.id = ?1 AND t.geom IS NOT NULL"
                       " AND TOB_BOX_MEETS(territory, t, pr.geom)"
                       " AND ST_Within(pr.geom, t.geom) = 1",
                       &stmt)) {
        db_bind_int64(stmt, 1, id);
        found = db_step(stmt) != DB_ROW || db_column_int64(stmt, 0) > 0;
    }
    db_finalize(stmt);
    return found;
}

static void note_point_outside(prog_ctx_t *c, const project_rec_t *r)
{
    tob_programme_import_report_t *rep = c->rep;
    size_t used = strlen(rep->points_outside);
    if (rep->n_points_outside < 5 && used < sizeof rep->points_outside)
        snprintf(rep->points_outside + used, sizeof rep->points_outside - used,
                 "%s%s (row %lld)", used ? ", " : "", r->code,
                 tob_table_row_number(c->table));
    rep->n_points_outside++;
}

static tob_status_t project_insert(prog_ctx_t *c, const project_rec_t *r,
                                   tob_error_t *err)
{
    db_stmt_t *ins = ((project_state_t *)c->state)->insert;
    db_bind_int64(ins, 1, r->contract_id);
    db_bind_text(ins, 2, r->code);
    db_bind_text(ins, 3, r->title);
    prog_bind_text(ins, 4, r->axis);
    prog_bind_text(ins, 5, r->owner);
    prog_bind_text(ins, 6, r->commune);
    prog_bind_double(ins, 7, r->cost);
    db_bind_text_static(ins, 8, r->status);
    prog_bind_text(ins, 9, r->start);
    prog_bind_text(ins, 10, r->end);
    prog_bind_text(ins, 11, r->sdate);
    prog_bind_text(ins, 12, r->note);
    db_bind_int64(ins, 13, c->source_id);
    prog_bind_double(ins, 14, r->lon);
    prog_bind_double(ins, 15, r->lat);
    db_bind_int(ins, 16, tob_store_srid(c->st));
    tob_id_t id = 0;
    tob_status_t s = prog_step_id(c, ins, "writing a project", &id, err);
    if (s == TOB_OK && !isnan(r->lon) && !point_stored(c, id)) {
        /* Transform() gives NULL when PROJ cannot reproject. */
        tob_error_set(err, TOB_ERR_PROJ,
                      "cannot reproject the point to EPSG:%d",
                      tob_store_srid(c->st));
        s = prog_at(c, prog_spec(c, "Longitude"), TOB_ERR_PROJ, err);
    } else if (s == TOB_OK && !isnan(r->lon) && !point_in_a_territory(c, id))
        note_point_outside(c, r);
    if (s == TOB_OK)
        s = project_funding(c, r, id, err);
    return s;
}

static tob_status_t project_row(prog_ctx_t *c, tob_error_t *err)
{
    project_rec_t r;
    memset(&r, 0, sizeof r);
    tob_status_t s = project_contract(c, &r, err);
    if (s == TOB_OK)
        s = project_key(c, &r, err);
    if (s == TOB_OK)
        s = project_fields(c, &r, err);
    if (s == TOB_OK)
        s = project_location(c, &r, err);
    if (s == TOB_OK)
        s = project_money(c, &r, err);
    if (s == TOB_OK)
        s = project_insert(c, &r, err);
    return s;
}

static tob_status_t project_finish(prog_ctx_t *c, tob_error_t *err)
{
    (void)c;
    (void)err;
    return TOB_OK;
}

static void project_cleanup(prog_ctx_t *c)
{
    project_state_t *k = c->state;
    if (k == NULL)
        return;
    db_finalize(k->contract);
    db_finalize(k->exists);
    db_finalize(k->clear);
    db_finalize(k->insert);
    db_finalize(k->fund);
    codeset_destroy(k->cleared);
    free(k);
    c->state = NULL;
}

const prog_kind_ops_t prog_project_ops = {project_prepare, project_row,
                                          project_finish, project_cleanup};
