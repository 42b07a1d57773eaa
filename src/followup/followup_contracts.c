/* followup_contracts.c - the follow-up of the contracts of a territory:
 * one section per contract (see followup.h). */
#include "terrobs/followup.h"

#include "base/plural_fr.h"
#include "followup_places.h"
#include "import/projects_place.h"
#include "store/db.h"
#include "terrobs/cells.h"
#include "terrobs/programme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

tob_date_t tob_date_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    tob_date_t d = {2026, 1, 1};
    if (localtime_r(&now, &tm) != NULL)
        d = (tob_date_t){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
    return d;
}

/* What the sections need to know. */
typedef struct ctx {
    tob_store_t *st;
    tob_report_t *rep;
    char ref_iso[11], ref_fr[16];
    tob_id_t contract;
    long long n_projects; /* of the contract, counted by key_figures() */
} ctx_t;

#define COL(q, i) (db_column_text((q), (i)))

static const char *str(db_stmt_t *q, int i)
{
    const char *s = COL(q, i);
    return s != NULL ? s : "";
}

static void fr_date(const char *iso, char buf[16])
{
    int y = 0, m = 0, d = 0;
    buf[0] = '\0';
    if (iso != NULL && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
        tob_fmt_date_fr(y, m, d, buf, 16);
}

/* Prepares sql with the contract bound as ?1 and the reference date ?2. */
static tob_status_t query(ctx_t *c, const char *sql, db_stmt_t **q,
                          tob_error_t *err)
{
    tob_status_t s = db_prepare(c->st, sql, q, err);
    if (s == TOB_OK) {
        db_bind_int64(*q, 1, c->contract);
        if (db_bind_parameter_count(*q) >= 2)
            db_bind_text_static(*q, 2, c->ref_iso);
    }
    return s;
}

static tob_status_t finish(ctx_t *c, db_stmt_t *q, int rc, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    if (rc != DB_DONE)
        s = db_fail(c->st, "reading the follow-up", err);
    db_finalize(q);
    return s;
}

/* ---- The header of a contract ------------------------------------------ */

static void partners_line(ctx_t *c)
{
    db_stmt_t *q = NULL;
    char line[1536] = "";
    size_t used = 0;
    if (query(c,
              "SELECT partner FROM contract_partner WHERE contract = ?1"
              " ORDER BY position",
              &q, NULL) != TOB_OK)
        return;
    while (db_step(q) == DB_ROW && used < sizeof line) {
        int w = snprintf(line + used, sizeof line - used, "%s%s",
                         used ? " ; " : "", str(q, 0));
        used += w > 0 ? (size_t)w : 0;
    }
    db_finalize(q);
    if (used > 0)
        tob_report_paragraph(c->rep, "Signataires : %s", line);
}

static tob_status_t contract_header(ctx_t *c, tob_error_t *err)
{
    db_stmt_t *q = NULL;
    tob_status_t s = query(
        c,
        "SELECT c.code, c.kind, c.name, c.territory_level,"
        " c.territory_code, c.start_date, c.end_date, c.budget,"
        " (SELECT t.name FROM territory t WHERE t.level = c.territory_level"
        "  AND t.code = c.territory_code ORDER BY t.vintage DESC LIMIT 1)"
        " FROM contract c WHERE c.id = ?1",
        &q, err);
    if (s != TOB_OK)
        return s;
    if (db_step(q) == DB_ROW) {
        char head[1024], start[16], end[16], budget[TOB_FMT_MAX];
        snprintf(head, sizeof head, "%s (%s)", str(q, 2), str(q, 0));
        tob_report_heading(c->rep, head);
        fr_date(COL(q, 5), start);
        fr_date(COL(q, 6), end);
        tob_report_paragraph(
            c->rep, "%s - territoire : %s (%s %s) - période : %s au %s",
            tob_vocab_label(TOB_VOCAB_CONTRACT_KIND, str(q, 1)), str(q, 8),
            str(q, 3), str(q, 4), start[0] ? start : "n.d.",
            end[0] ? end : "n.d.");
        if (db_column_type(q, 7) != DB_NULL)
            tob_report_paragraph(c->rep, "Budget : %s",
                                 tob_fmt_money_fr(db_column_double(q, 7), 0,
                                                  budget, sizeof budget));
    }
    db_finalize(q);
    partners_line(c);
    return TOB_OK;
}

/* ---- Key figures ------------------------------------------------------ */

static tob_status_t key_figures(ctx_t *c, tob_error_t *err)
{
    db_stmt_t *q = NULL;
    tob_status_t s =
        query(c,
              "SELECT count(*), total(status IN ('engage', 'realise')),"
              " total(status = 'realise'), total(status = 'abandonne'),"
              " total(CASE WHEN status <> 'abandonne' THEN total_cost END),"
              " total(CASE WHEN status IN ('engage', 'realise') THEN total_cost"
              " END), total(status IN ('prevu', 'engage') AND end_date < ?2)"
              " FROM project WHERE contract = ?1",
              &q, err);
    if (s != TOB_OK || db_step(q) != DB_ROW)
        return finish(c, q, DB_ERROR, err);
    long long n = db_column_int64(q, 0);
    c->n_projects = n;
    long long engaged = (long long)db_column_double(q, 1);
    double total = db_column_double(q, 4);
    double eng_cost = db_column_double(q, 5);
    char pct[TOB_FMT_MAX], a[TOB_FMT_MAX], b[TOB_FMT_MAX], p2[TOB_FMT_MAX];
    long long done = (long long)db_column_double(q, 2);
    long long dropped = (long long)db_column_double(q, 3);
    char s_engaged[96], s_done[64], s_dropped[64];
    fr_count(engaged, "Aucun projet engagé|projet engagé|projets engagés",
             s_engaged, sizeof s_engaged);
    fr_count(done, "aucun réalisé|réalisé|réalisés", s_done, sizeof s_done);
    fr_count(dropped, "aucun abandonné|abandonné|abandonnés", s_dropped,
             sizeof s_dropped);
    if (n == 0) {
        /* Nothing to count: "0 projet engagé sur 0 (0,0 %)" says less. */
        tob_report_paragraph(c->rep, "Aucun projet enregistré pour ce "
                                     "contrat.");
        db_finalize(q);
        return TOB_OK;
    }
    tob_report_paragraph(c->rep, "%s sur %lld (%s), dont %s ; %s.", s_engaged,
                         n,
                         tob_fmt_percent_fr(100.0 * (double)engaged / (double)n,
                                            1, pct, sizeof pct),
                         s_done, s_dropped);
    tob_report_paragraph(
        c->rep, "Coût des projets engagés : %s sur un coût total de %s (%s).",
        tob_fmt_money_fr(eng_cost, 0, a, sizeof a),
        tob_fmt_money_fr(total, 0, b, sizeof b),
        tob_fmt_percent_fr(total > 0 ? 100 * eng_cost / total : 0, 1, p2,
                           sizeof p2));
    tob_report_paragraph(c->rep,
                         "Projets en retard au %s : %lld (prévus ou engagés "
                         "dont la date de fin est passée).",
                         c->ref_fr, (long long)db_column_double(q, 6));
    db_finalize(q);
    return TOB_OK;
}

/* ---- Tables ------------------------------------------------------------ */

/* How many phases of the contract have a date. */
static tob_status_t dated_phases(ctx_t *c, long long *n, tob_error_t *err)
{
    db_stmt_t *q = NULL;
    tob_status_t s = query(c,
                           "SELECT count(*) FROM contract_phase WHERE"
                           " contract = ?1 AND coalesce(start_date, '') <> ''",
                           &q, err);
    if (s != TOB_OK)
        return s;
    if (db_step(q) != DB_ROW)
        return finish(c, q, DB_ERROR, err);
    *n = db_column_int64(q, 0);
    db_finalize(q);
    return TOB_OK;
}

/* Every phase with its date; no table of empty dates when none has one. */
static tob_status_t phases_table(ctx_t *c, tob_error_t *err)
{
    static const char *const headers[] = {"Phase", "Date"};
    long long n_dated = 0;
    tob_status_t s = dated_phases(c, &n_dated, err);
    if (s != TOB_OK)
        return s;
    if (n_dated == 0) {
        tob_report_paragraph(c->rep, "Phases : aucune date enregistrée.");
        return TOB_OK;
    }
    tob_report_table(c->rep, "Phases", 2, headers);
    db_stmt_t *q = NULL;
    s = query(c,
              "SELECT start_date FROM contract_phase"
              " WHERE contract = ?1 AND phase = ?3",
              &q, err);
    const char *key;
    for (size_t i = 0;
         s == TOB_OK && (key = tob_vocab_key(TOB_VOCAB_PHASE, i)) != NULL;
         i++) {
        db_bind_text_static(q, 3, key);
        tob_report_row(c->rep);
        tob_report_text(c->rep, tob_vocab_label(TOB_VOCAB_PHASE, key));
        tob_report_date(c->rep, db_step(q) == DB_ROW ? COL(q, 0) : NULL);
        db_reset(q);
    }
    db_finalize(q);
    return s;
}

static tob_status_t status_table(ctx_t *c, tob_error_t *err)
{
    static const char *const headers[] = {"Statut", "Projets", "Coût total"};
    tob_report_table(c->rep, "Projets par statut", 3, headers);
    db_stmt_t *q = NULL;
    tob_status_t s = query(c,
                           "SELECT count(*), total(total_cost) FROM project"
                           " WHERE contract = ?1 AND status = ?3",
                           &q, err);
    const char *key;
    long long n_all = 0;
    double cost_all = 0;
    for (size_t i = 0;
         s == TOB_OK && (key = tob_vocab_key(TOB_VOCAB_STATUS, i)) != NULL;
         i++) {
        db_bind_text_static(q, 3, key);
        if (db_step(q) != DB_ROW)
            return finish(c, q, DB_ERROR, err);
        tob_report_row(c->rep);
        tob_report_text(c->rep, tob_vocab_label(TOB_VOCAB_STATUS, key));
        tob_report_int(c->rep, db_column_int64(q, 0));
        tob_report_money(c->rep, db_column_double(q, 1));
        n_all += db_column_int64(q, 0);
        cost_all += db_column_double(q, 1);
        db_reset(q);
    }
    tob_report_row(c->rep);
    tob_report_text(c->rep, "Total");
    tob_report_int(c->rep, n_all);
    tob_report_money(c->rep, cost_all);
    db_finalize(q);
    return s;
}

static tob_status_t axis_table(ctx_t *c, tob_error_t *err)
{
    static const char *const headers[] = {"Axe", "Projets", "Engagés",
                                          "Coût total", "Coût engagé"};
    tob_report_table(c->rep, "Projets par axe (hors abandonnés)", 5, headers);
    db_stmt_t *q = NULL;
    tob_status_t s =
        query(c,
              "SELECT coalesce(axis, '(sans axe)'), count(*),"
              " total(status IN ('engage', 'realise')), total(total_cost),"
              " total(CASE WHEN status IN ('engage', 'realise') THEN total_cost"
              " END) FROM project WHERE contract = ?1 AND status <> 'abandonne'"
              " GROUP BY 1 ORDER BY 1",
              &q, err);
    int rc = DB_DONE;
    while (s == TOB_OK && (rc = db_step(q)) == DB_ROW) {
        tob_report_row(c->rep);
        tob_report_text(c->rep, str(q, 0));
        tob_report_int(c->rep, db_column_int64(q, 1));
        tob_report_int(c->rep, (long long)db_column_double(q, 2));
        tob_report_money(c->rep, db_column_double(q, 3));
        tob_report_money(c->rep, db_column_double(q, 4));
    }
    return s == TOB_OK ? finish(c, q, rc, err) : s;
}

static void funding_total(ctx_t *c, double sum, double engaged, double cost)
{
    tob_report_row(c->rep);
    tob_report_text(c->rep, "Total des financements");
    tob_report_money(c->rep, sum);
    tob_report_percent(c->rep, cost > 0 ? 100 * sum / cost : 0);
    tob_report_money(c->rep, engaged);
    tob_report_row(c->rep);
    tob_report_text(c->rep, "Reste à financer");
    tob_report_money(c->rep, cost - sum);
    tob_report_percent(c->rep, cost > 0 ? 100 * (cost - sum) / cost : 0);
    tob_report_text(c->rep, "");
}

static tob_status_t funding_table(ctx_t *c, tob_error_t *err)
{
    static const char *const headers[] = {
        "Financeur", "Montant", "Part du coût total", "Sur projets engagés"};
    tob_report_table(c->rep, "Financements (hors projets abandonnés)", 4,
                     headers);
    db_stmt_t *q = NULL;
    tob_status_t s = query(
        c,
        "SELECT f.financer, total(f.amount), total(CASE WHEN p.status IN"
        " ('engage', 'realise') THEN f.amount END), (SELECT"
        " total(total_cost) FROM project WHERE contract = ?1 AND status <>"
        " 'abandonne') FROM project_funding f JOIN project p ON p.id ="
        " f.project WHERE p.contract = ?1 AND p.status <> 'abandonne'"
        " GROUP BY f.financer ORDER BY 2 DESC, 1",
        &q, err);
    double sum = 0, engaged = 0, cost = 0;
    int rc = DB_DONE;
    while (s == TOB_OK && (rc = db_step(q)) == DB_ROW) {
        cost = db_column_double(q, 3);
        double amount = db_column_double(q, 1);
        tob_report_row(c->rep);
        tob_report_text(c->rep, str(q, 0));
        tob_report_money(c->rep, amount);
        tob_report_percent(c->rep, cost > 0 ? 100 * amount / cost : 0);
        tob_report_money(c->rep, db_column_double(q, 2));
        sum += amount;
        engaged += db_column_double(q, 2);
    }
    if (s == TOB_OK && sum > 0)
        funding_total(c, sum, engaged, cost);
    return s == TOB_OK ? finish(c, q, rc, err) : s;
}

static tob_status_t late_table(ctx_t *c, tob_error_t *err)
{
    static const char *const headers[] = {
        "Code",   "Intitulé", "Maître d'ouvrage",
        "Statut", "Date fin", "Retard (jours)"};
    char title[128];
    snprintf(title, sizeof title, "Projets en retard au %s", c->ref_fr);
    tob_report_table(c->rep, title, 6, headers);
    db_stmt_t *q = NULL;
    tob_status_t s = query(
        c,
        "SELECT code, title, owner, status, end_date, CAST(julianday(?2) -"
        " julianday(end_date) AS INTEGER) FROM project WHERE contract = ?1"
        " AND status IN ('prevu', 'engage') AND end_date < ?2"
        " ORDER BY end_date, code",
        &q, err);
    int rc = DB_DONE;
    while (s == TOB_OK && (rc = db_step(q)) == DB_ROW) {
        tob_report_row(c->rep);
        tob_report_text(c->rep, str(q, 0));
        tob_report_text(c->rep, str(q, 1));
        tob_report_text(c->rep, str(q, 2));
        tob_report_text(c->rep, tob_vocab_label(TOB_VOCAB_STATUS, str(q, 3)));
        tob_report_date(c->rep, COL(q, 4));
        tob_report_int(c->rep, db_column_int64(q, 5));
    }
    return s == TOB_OK ? finish(c, q, rc, err) : s;
}

static tob_status_t contract_section(ctx_t *c, tob_error_t *err)
{
    tob_status_t s = contract_header(c, err);
    if (s == TOB_OK)
        s = key_figures(c, err);
    if (s == TOB_OK)
        s = phases_table(c, err);
    /* No project: tables of zeros would say no more than its line. */
    if (s == TOB_OK && c->n_projects > 0)
        s = status_table(c, err);
    if (s == TOB_OK && c->n_projects > 0)
        s = axis_table(c, err);
    if (s == TOB_OK && c->n_projects > 0)
        s = funding_table(c, err);
    if (s == TOB_OK && c->n_projects > 0)
        s = late_table(c, err);
    return s;
}

/* ---- Which contracts --------------------------------------------------- */

static tob_status_t find_territory(tob_store_t *st, const char *level,
                                   const char *code, tob_id_t *id, char *name,
                                   size_t size, tob_error_t *err)
{
    db_stmt_t *q = NULL;
    *id = 0;
    tob_status_t s = db_prepare(
        st,
        "SELECT id, name FROM territory WHERE level = ?1 AND code = ?2"
        " AND vintage = (SELECT max(vintage) FROM territory"
        " WHERE level = ?1)",
        &q, err);
    if (s != TOB_OK)
        return s;
    db_bind_text(q, 1, level);
    db_bind_text(q, 2, code);
    if (db_step(q) == DB_ROW) {
        *id = db_column_int64(q, 0);
        snprintf(name, size, "%s", str(q, 1));
    } else {
        char hint[NEAR_HINT_MAX];
        near_t near;
        if (tob_store_has_level(st, level))
            s = tob_error_set(
                err, TOB_ERR_NOTFOUND, "no %s with code '%s' in the store%s",
                level, code, db_code_hint(st, level, code, hint, sizeof hint));
        else
            s = tob_error_set(err, TOB_ERR_NOTFOUND,
                              "no level '%s' in the store%s", level,
                              db_near_level(st, &near, level));
    }
    db_finalize(q);
    return s;
}

/* Each contract's id and territory (its latest vintage, 0 if none). */
static const char SQL_CONTRACT_PLACES[] =
    "SELECT c.id, (SELECT t.id FROM territory t WHERE t.level ="
    " c.territory_level AND t.code = c.territory_code ORDER BY"
    " t.vintage DESC LIMIT 1) FROM contract c ORDER BY c.code";

/* Contract ids whose territory is `target` or lies inside it. */
static tob_status_t contracts_inside(tob_store_t *st, tob_id_t target,
                                     const char *level, tob_id_t **ids,
                                     size_t *n, tob_error_t *err)
{
    db_stmt_t *q = NULL;
    projects_above_t *above = NULL;
    *ids = NULL;
    *n = 0;
    tob_status_t s = db_prepare(st, SQL_CONTRACT_PLACES, &q, err);
    if (s == TOB_OK)
        s = projects_above_open(st, level, &above, err);
    while (s == TOB_OK && db_step(q) == DB_ROW) {
        tob_id_t at = db_column_int64(q, 1);
        if (at == 0 || (at != target && projects_above(above, at) != target))
            continue;
        tob_id_t *grown = realloc(*ids, (*n + 1) * sizeof *grown);
        if (grown == NULL) {
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            break;
        }
        *ids = grown;
        (*ids)[(*n)++] = db_column_int64(q, 0);
    }
    projects_above_close(above);
    db_finalize(q);
    return s;
}

/* The code of territory id into set, if it is of level (0 is none). */
static tob_status_t add_code(db_stmt_t *code_of, const char *level, tob_id_t id,
                             tob_codeset_t *set, tob_error_t *err)
{
    if (id == 0)
        return TOB_OK;
    tob_status_t s = TOB_OK;
    long long first = 0;
    db_bind_int64(code_of, 1, id);
    db_bind_text(code_of, 2, level);
    if (db_step(code_of) == DB_ROW)
        s = codeset_add(set, db_column_str(code_of, 0), id, &first, err);
    db_reset(code_of);
    return s;
}

tob_status_t followup_contract_codes(tob_store_t *st, const char *level,
                                     tob_codeset_t **out, tob_error_t *err)
{
    db_stmt_t *q = NULL, *code_of = NULL;
    projects_above_t *above = NULL;
    tob_codeset_t *set = NULL;
    *out = NULL;
    tob_status_t s = codeset_create(&set, err);
    if (s == TOB_OK)
        s = db_prepare(st, SQL_CONTRACT_PLACES, &q, err);
    if (s == TOB_OK)
        s = db_prepare(st,
                       "SELECT code FROM territory WHERE id = ?1"
                       " AND level = ?2",
                       &code_of, err);
    if (s == TOB_OK)
        s = projects_above_open(st, level, &above, err);
    int rc = DB_DONE;
    while (s == TOB_OK && (rc = db_step(q)) == DB_ROW) {
        tob_id_t at = db_column_int64(q, 1);
        /* a contract of the level, then where its territory lies */
        s = add_code(code_of, level, at, set, err);
        if (s == TOB_OK && at != 0)
            s = add_code(code_of, level, projects_above(above, at), set, err);
    }
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(st, "reading the contracts", err);
    projects_above_close(above);
    db_finalize(code_of);
    db_finalize(q);
    if (s == TOB_OK)
        *out = set;
    else
        codeset_destroy(set);
    return s;
}

tob_status_t tob_followup_contracts(tob_store_t *st, const char *level,
                                    const char *code, tob_date_t ref,
                                    tob_report_t **out, tob_error_t *err)
{
    *out = NULL;
    char name[256], title[512], count[64];
    tob_id_t target = 0, *ids = NULL;
    size_t n = 0;
    tob_status_t s =
        find_territory(st, level, code, &target, name, sizeof name, err);
    if (s == TOB_OK)
        s = contracts_inside(st, target, level, &ids, &n, err);
    if (s == TOB_OK && n == 0)
        s = tob_error_set(err, TOB_ERR_NOTFOUND,
                          "no contract for %s %s (%s) in the store", level,
                          code, name);
    ctx_t c = {.st = st};
    snprintf(title, sizeof title, "Suivi des contrats - %s (%s %s)", name,
             level, code);
    if (s == TOB_OK)
        s = tob_report_create(title, &c.rep, err);
    snprintf(c.ref_iso, sizeof c.ref_iso, "%04d-%02d-%02d", ref.y, ref.m,
             ref.d);
    tob_fmt_date_fr(ref.y, ref.m, ref.d, c.ref_fr, sizeof c.ref_fr);
    if (s == TOB_OK)
        tob_report_paragraph(c.rep, "Situation au %s. %s.", c.ref_fr,
                             fr_count((long long)n,
                                      "Aucun contrat|contrat|contrats", count,
                                      sizeof count));
    for (size_t i = 0; i < n && s == TOB_OK; i++) {
        c.contract = ids[i];
        s = contract_section(&c, err);
    }
    free(ids);
    if (s != TOB_OK) {
        tob_report_destroy(c.rep);
        return s;
    }
    *out = c.rep;
    return TOB_OK;
}

tob_status_t tob_followup_contract(tob_store_t *st, const char *code,
                                   tob_date_t ref, tob_report_t **out,
                                   tob_error_t *err)
{
    *out = NULL;
    ctx_t c = {.st = st};
    db_stmt_t *q = NULL;
    char title[600];
    tob_status_t s = db_prepare(
        st, "SELECT id, name FROM contract WHERE code = ?1", &q, err);
    if (s != TOB_OK)
        return s;
    db_bind_text(q, 1, code);
    if (db_step(q) == DB_ROW) {
        c.contract = db_column_int64(q, 0);
        snprintf(title, sizeof title, "Suivi du contrat - %s", str(q, 1));
    } else
        s = tob_error_set(err, TOB_ERR_NOTFOUND,
                          "no contract '%s' in the store", code);
    db_finalize(q);
    if (s == TOB_OK)
        s = tob_report_create(title, &c.rep, err);
    snprintf(c.ref_iso, sizeof c.ref_iso, "%04d-%02d-%02d", ref.y, ref.m,
             ref.d);
    tob_fmt_date_fr(ref.y, ref.m, ref.d, c.ref_fr, sizeof c.ref_fr);
    if (s == TOB_OK) {
        tob_report_paragraph(c.rep, "Situation au %s.", c.ref_fr);
        s = contract_section(&c, err);
    }
    if (s != TOB_OK) {
        tob_report_destroy(c.rep);
        return s;
    }
    *out = c.rep;
    return TOB_OK;
}
