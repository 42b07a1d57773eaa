/* followup_gup.c - the dashboard of a GUP site at a reference date: per
 * volet and per referent, signalements open and closed with the median
 * closing delay, actions done and overdue (see followup.h). */
#include "terrobs/followup.h"

#include "base/plural_fr.h"
#include "store/db.h"
#include "terrobs/cells.h"
#include "terrobs/programme.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct stats {
    long long n_reports, n_open, n_closed;
    double median; /* days; NAN when nothing closed */
    long long n_actions, n_done, n_overdue;
} stats_t;

/* The same three queries grouped by volet or by referent; ?3 NULL = the
 * whole site. Column names are constants, never user text. */
#define REPORTS_SQL(col)                                                       \
    "SELECT count(*), total(closed_date IS NULL OR closed_date > ?2),"         \
    " total(closed_date <= ?2) FROM gup_report WHERE site = ?1 AND"            \
    " report_date <= ?2 AND (CAST(?3 AS TEXT) IS NULL OR " col " = ?3)"
#define DELAYS_SQL(col)                                                        \
    "SELECT julianday(closed_date) - julianday(report_date) FROM gup_report"   \
    " WHERE site = ?1 AND report_date <= ?2 AND closed_date <= ?2 AND"         \
    " (CAST(?3 AS TEXT) IS NULL OR " col " = ?3) ORDER BY 1"
#define ACTIONS_SQL(col)                                                       \
    "SELECT count(*), total(status = 'realise'), total(status IN ('prevu',"    \
    " 'engage') AND due_date < ?2) FROM gup_action WHERE site = ?1 AND"        \
    " (CAST(?3 AS TEXT) IS NULL OR " col " = ?3)"
#define REFERENT "coalesce(referent, '')"

typedef struct ctx {
    tob_store_t *st;
    tob_report_t *rep;
    tob_id_t site;
    char ref_iso[11], ref_fr[16];
    db_stmt_t *q[2][3]; /* [by volet, by referent][reports, delays,
                              actions] */
} ctx_t;

static tob_status_t prepare(ctx_t *c, tob_error_t *err)
{
    static const char *const sql[2][3] = {
        {REPORTS_SQL("volet"), DELAYS_SQL("volet"), ACTIONS_SQL("volet")},
        {REPORTS_SQL(REFERENT), DELAYS_SQL(REFERENT), ACTIONS_SQL(REFERENT)}};
    tob_status_t s = TOB_OK;
    for (size_t g = 0; g < 2; g++)
        for (size_t i = 0; i < 3 && s == TOB_OK; i++)
            s = db_prepare(c->st, sql[g][i], &c->q[g][i], err);
    return s;
}

static void bind3(ctx_t *c, db_stmt_t *q, const char *value)
{
    db_bind_int64(q, 1, c->site);
    db_bind_text_static(q, 2, c->ref_iso);
    if (value != NULL)
        db_bind_text(q, 3, value);
    else
        db_bind_null(q, 3);
}

static double median_of(db_stmt_t *q)
{
    double *v = NULL;
    size_t n = 0, cap = 0;
    while (db_step(q) == DB_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            double *grown = realloc(v, cap * sizeof *v);
            if (grown == NULL)
                break;
            v = grown;
        }
        v[n++] = db_column_double(q, 0);
    }
    db_reset(q);
    /* Already in order (ORDER BY): the middle, or the mean of the two. */
    double m =
        n == 0 ? NAN : (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
    free(v);
    return m;
}

/* Stats of the site for one volet or referent (by = 0 or 1), or all. */
static tob_status_t stats_for(ctx_t *c, int by, const char *value, stats_t *out,
                              tob_error_t *err)
{
    db_stmt_t *const *q = c->q[by];
    for (size_t i = 0; i < 3; i++)
        bind3(c, q[i], value);
    memset(out, 0, sizeof *out);
    if (db_step(q[0]) != DB_ROW || db_step(q[2]) != DB_ROW) {
        db_reset(q[0]);
        db_reset(q[2]);
        return db_fail(c->st, "reading the dashboard", err);
    }
    out->n_reports = db_column_int64(q[0], 0);
    out->n_open = (long long)db_column_double(q[0], 1);
    out->n_closed = (long long)db_column_double(q[0], 2);
    out->n_actions = db_column_int64(q[2], 0);
    out->n_done = (long long)db_column_double(q[2], 1);
    out->n_overdue = (long long)db_column_double(q[2], 2);
    db_reset(q[0]);
    db_reset(q[2]);
    out->median = median_of(q[1]);
    return TOB_OK;
}

static void median_cell(tob_report_t *rep, double median)
{
    if (isnan(median))
        tob_report_text(rep, "");
    else
        tob_report_number(rep, median, median == floor(median) ? 0 : 1);
}

static tob_status_t volet_table(ctx_t *c, tob_error_t *err)
{
    static const char *const headers[] = {"Volet",
                                          "Signalements",
                                          "Ouverts",
                                          "Clos",
                                          "Délai médian de clôture (jours)",
                                          "Actions",
                                          "Réalisées",
                                          "En retard"};
    tob_report_table(c->rep, "Par volet", 8, headers);
    tob_status_t s = TOB_OK;
    const char *key;
    for (size_t i = 0;
         s == TOB_OK && (key = tob_vocab_key(TOB_VOCAB_VOLET, i)) != NULL;
         i++) {
        stats_t st;
        s = stats_for(c, 0, key, &st, err);
        tob_report_row(c->rep);
        tob_report_text(c->rep, tob_vocab_label(TOB_VOCAB_VOLET, key));
        tob_report_int(c->rep, st.n_reports);
        tob_report_int(c->rep, st.n_open);
        tob_report_int(c->rep, st.n_closed);
        median_cell(c->rep, st.median);
        tob_report_int(c->rep, st.n_actions);
        tob_report_int(c->rep, st.n_done);
        tob_report_int(c->rep, st.n_overdue);
    }
    return s;
}

/* Partners: the site's referents, then any other name rows give. */
static const char referents_sql[] =
    "SELECT partner, name FROM gup_referent WHERE site = ?1"
    " UNION SELECT DISTINCT coalesce(referent, ''), NULL FROM ("
    "  SELECT referent FROM gup_action WHERE site = ?1 UNION ALL"
    "  SELECT referent FROM gup_report WHERE site = ?1)"
    " WHERE coalesce(referent, '') NOT IN"
    "  (SELECT partner FROM gup_referent WHERE site = ?1)"
    " ORDER BY 1";

static tob_status_t referent_table(ctx_t *c, tob_error_t *err)
{
    static const char *const headers[] = {"Partenaire",
                                          "Référent",
                                          "Signalements",
                                          "Ouverts",
                                          "Délai médian de clôture (jours)",
                                          "Actions",
                                          "En retard"};
    tob_report_table(c->rep, "Par référent", 7, headers);
    db_stmt_t *q = NULL;
    tob_status_t s = db_prepare(c->st, referents_sql, &q, err);
    if (s == TOB_OK)
        db_bind_int64(q, 1, c->site);
    while (s == TOB_OK && db_step(q) == DB_ROW) {
        const char *partner = db_column_text(q, 0);
        const char *name = db_column_text(q, 1);
        stats_t st;
        s = stats_for(c, 1, partner, &st, err);
        tob_report_row(c->rep);
        tob_report_text(c->rep, partner[0] ? partner : "(sans référent)");
        tob_report_text(c->rep, name != NULL ? name : "");
        tob_report_int(c->rep, st.n_reports);
        tob_report_int(c->rep, st.n_open);
        median_cell(c->rep, st.median);
        tob_report_int(c->rep, st.n_actions);
        tob_report_int(c->rep, st.n_overdue);
    }
    db_finalize(q);
    return s;
}

static tob_status_t overdue_table(ctx_t *c, tob_error_t *err)
{
    static const char *const headers[] = {"Code",          "Action",   "Volet",
                                          "Référent",      "Échéance", "Statut",
                                          "Retard (jours)"};
    char title[128];
    snprintf(title, sizeof title, "Actions en retard au %s", c->ref_fr);
    tob_report_table(c->rep, title, 7, headers);
    db_stmt_t *q = NULL;
    tob_status_t s = db_prepare(
        c->st,
        "SELECT code, title, volet, referent, due_date, status,"
        " CAST(julianday(?2) - julianday(due_date) AS INTEGER)"
        " FROM gup_action WHERE site = ?1 AND status IN ('prevu', 'engage')"
        " AND due_date < ?2 ORDER BY due_date, code",
        &q, err);
    if (s == TOB_OK)
        bind3(c, q, NULL);
    while (s == TOB_OK && db_step(q) == DB_ROW) {
        tob_report_row(c->rep);
        for (int i = 0; i < 2; i++)
            tob_report_text(c->rep, db_column_text(q, i));
        tob_report_text(c->rep,
                        tob_vocab_label(TOB_VOCAB_VOLET, db_column_text(q, 2)));
        tob_report_text(c->rep, db_column_text(q, 3));
        tob_report_date(c->rep, db_column_text(q, 4));
        tob_report_text(
            c->rep, tob_vocab_label(TOB_VOCAB_STATUS, db_column_text(q, 5)));
        tob_report_int(c->rep, db_column_int64(q, 6));
    }
    db_finalize(q);
    return s;
}

static tob_status_t summary(ctx_t *c, tob_error_t *err)
{
    stats_t all;
    tob_status_t s = stats_for(c, 0, NULL, &all, err);
    if (s != TOB_OK)
        return s;
    /* "1 jour", "1,5 jour", "9 jours"; "n.d." alone, without a unit */
    char num[TOB_FMT_MAX], med[TOB_FMT_MAX + 8] = "n.d.";
    if (!isnan(all.median))
        snprintf(med, sizeof med, "%s jour%s",
                 tob_fmt_number_fr(all.median,
                                   all.median == floor(all.median) ? 0 : 1, num,
                                   sizeof num),
                 all.median >= 2 ? "s" : "");
    char reports[96], opened[48], closed[48];
    fr_count(all.n_reports,
             "aucun signalement reçu|signalement reçu|signalements reçus",
             reports, sizeof reports);
    fr_count(all.n_open, "aucun ouvert|ouvert|ouverts", opened, sizeof opened);
    fr_count(all.n_closed, "aucun clos|clos|clos", closed, sizeof closed);
    /* "n.d." ends the sentence itself: no second period */
    tob_report_paragraph(c->rep,
                         "Situation au %s : %s, %s, %s ; délai médian de "
                         "clôture : %s%s",
                         c->ref_fr, reports, opened, closed, med,
                         isnan(all.median) ? "" : ".");
    char actions[64], done[48], overdue[48];
    fr_count(all.n_actions, "Aucune action|action|actions", actions,
             sizeof actions);
    fr_count(all.n_done, "aucune réalisée|réalisée|réalisées", done,
             sizeof done);
    fr_count(all.n_overdue, "aucune en retard|en retard|en retard", overdue,
             sizeof overdue);
    if (all.n_actions == 0)
        tob_report_paragraph(c->rep, "Aucune action.");
    else
        tob_report_paragraph(c->rep,
                             "%s, dont %s et %s (prévues ou engagées, "
                             "échéance passée).",
                             actions, done, overdue);
    return TOB_OK;
}

static void perimeter(ctx_t *c, char *buf, size_t size)
{
    db_stmt_t *q = NULL;
    size_t used = 0;
    buf[0] = '\0';
    if (!db_try_prepare(c->st,
                        "SELECT level, code FROM gup_site_member"
                        " WHERE site = ? ORDER BY level, code",
                        &q))
        return;
    db_bind_int64(q, 1, c->site);
    while (db_step(q) == DB_ROW && used < size) {
        int w = snprintf(buf + used, size - used, "%s%s %s", used ? ", " : "",
                         db_column_text(q, 0), db_column_text(q, 1));
        used += w > 0 ? (size_t)w : 0;
    }
    db_finalize(q);
}

/* "no GUP site 'X' (sites: A, B)" */
static tob_status_t no_site(tob_store_t *st, const char *site, tob_error_t *err)
{
    db_stmt_t *q = NULL;
    char known[512] = "";
    size_t used = 0;
    if (db_try_prepare(st, "SELECT code FROM gup_site ORDER BY code", &q))
        while (db_step(q) == DB_ROW && used < sizeof known) {
            int w = snprintf(known + used, sizeof known - used, "%s%s",
                             used ? ", " : "", db_column_text(q, 0));
            used += w > 0 ? (size_t)w : 0;
        }
    db_finalize(q);
    near_t near;
    near_start(&near, site);
    db_near_hint(st, &near, "SELECT code FROM gup_site ORDER BY code", NULL);
    return tob_error_set(err, TOB_ERR_NOTFOUND,
                         "no GUP site '%s' (%ssites: %s)", site,
                         near_ask(&near), used ? known : "none imported");
}

static tob_status_t site_header(ctx_t *c, const char *site, tob_error_t *err)
{
    db_stmt_t *q = NULL;
    tob_status_t s = db_prepare(
        c->st,
        "SELECT g.id, g.name, g.commune_code, g.coordinator, (SELECT t.name"
        " FROM territory t WHERE t.level = 'commune' AND t.code ="
        " g.commune_code ORDER BY t.vintage DESC LIMIT 1) FROM gup_site g"
        " WHERE g.code = ?",
        &q, err);
    if (s != TOB_OK)
        return s;
    db_bind_text(q, 1, site);
    if (db_step(q) != DB_ROW) {
        db_finalize(q);
        return no_site(c->st, site, err);
    }
    c->site = db_column_int64(q, 0);
    char title[512], members[1024];
    snprintf(title, sizeof title, "Gestion urbaine de proximité - %s (%s)",
             db_column_text(q, 1), site);
    s = tob_report_create(title, &c->rep, err);
    perimeter(c, members, sizeof members);
    const char *who = db_column_text(q, 3);
    const char *town = db_column_text(q, 4);
    if (s == TOB_OK)
        tob_report_paragraph(c->rep,
                             "Commune : %s (%s) - périmètre : %s - "
                             "coordination : %s",
                             town ? (const char *)town : "?",
                             db_column_text(q, 2), members,
                             who ? (const char *)who : "n.d.");
    db_finalize(q);
    return s;
}

tob_status_t tob_followup_gup(tob_store_t *st, const char *site, tob_date_t ref,
                              tob_report_t **out, tob_error_t *err)
{
    *out = NULL;
    ctx_t c;
    memset(&c, 0, sizeof c);
    c.st = st;
    snprintf(c.ref_iso, sizeof c.ref_iso, "%04d-%02d-%02d", ref.y, ref.m,
             ref.d);
    tob_fmt_date_fr(ref.y, ref.m, ref.d, c.ref_fr, sizeof c.ref_fr);
    tob_status_t s = site_header(&c, site, err);
    if (s == TOB_OK)
        s = prepare(&c, err);
    if (s == TOB_OK)
        s = summary(&c, err);
    if (s == TOB_OK)
        s = volet_table(&c, err);
    if (s == TOB_OK)
        s = referent_table(&c, err);
    if (s == TOB_OK)
        s = overdue_table(&c, err);
    for (size_t g = 0; g < 2; g++)
        for (size_t i = 0; i < 3; i++)
            db_finalize(c.q[g][i]);
    if (s != TOB_OK) {
        tob_report_destroy(c.rep);
        return s;
    }
    *out = c.rep;
    return TOB_OK;
}
