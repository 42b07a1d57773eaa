/* gup_import.c - rows of GUP tables: sites (perimeter, coordinator,
 * referents per partner), actions and signalements. */
#include "programme_internal.h"

#include "store/db.h"
#include "terrobs/cells.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gup_state {
    db_stmt_t *find, *upsert, *clear_members, *clear_referents, *member,
        *referent;
    db_stmt_t *site, *exists, *clear, *insert, *referent_of;
    tob_codeset_t *cleared;
    tob_id_t id;
    char level[64];
} gup_state_t;

/* Allocates the state and prepares sql[i] into *stmts[i] (slots of the
 * state, named by offsetof). */
static tob_status_t prepare_all(prog_ctx_t *c, const char *const *sql,
                                const size_t *slots, size_t n, tob_error_t *err)
{
    gup_state_t *k = calloc(1, sizeof *k);
    if ((c->state = k) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = codeset_create(&k->cleared, err);
    for (size_t i = 0; i < n && s == TOB_OK; i++) {
        db_stmt_t **slot = (db_stmt_t **)((char *)k + slots[i]);
        s = db_prepare(c->st, sql[i], slot, err);
    }
    return s;
}

static void gup_cleanup(prog_ctx_t *c)
{
    gup_state_t *k = c->state;
    if (k == NULL)
        return;
    db_stmt_t *all[] = {
        k->find,   k->upsert,   k->clear_members, k->clear_referents,
        k->member, k->referent, k->site,          k->exists,
        k->clear,  k->insert,   k->referent_of};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        db_finalize(all[i]);
    codeset_destroy(k->cleared);
    free(k);
    c->state = NULL;
}

static tob_status_t nothing_to_finish(prog_ctx_t *c, tob_error_t *err)
{
    (void)c;
    (void)err;
    return TOB_OK;
}

#define SLOT(f) offsetof(gup_state_t, f)

/* ---- Sites -------------------------------------------------------------- */

static tob_status_t site_prepare(prog_ctx_t *c, tob_error_t *err)
{
    static const char *const sql[] = {
        "SELECT g.id, s.path FROM gup_site g LEFT JOIN source s"
        " ON s.id = g.source_id WHERE g.code = ?",
        "INSERT INTO gup_site (code, name, commune_code, coordinator, note,"
        " source_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (code) DO"
        " UPDATE SET name = ?2, commune_code = ?3, coordinator = ?4,"
        " note = ?5, source_id = ?6 RETURNING id",
        "DELETE FROM gup_site_member WHERE site = ?",
        "DELETE FROM gup_referent WHERE site = ?",
        "INSERT OR IGNORE INTO gup_site_member (site, level, code)"
        " VALUES (?, ?, ?)",
        "INSERT INTO gup_referent (site, partner, name) VALUES (?, ?, ?)"};
    static const size_t slots[] = {SLOT(find),          SLOT(upsert),
                                   SLOT(clear_members), SLOT(clear_referents),
                                   SLOT(member),        SLOT(referent)};
    return prepare_all(c, sql, slots, 6, err);
}

static tob_status_t add_member(void *user, const char *code, tob_error_t *err)
{
    prog_ctx_t *c = user;
    gup_state_t *k = c->state;
    tob_status_t s =
        prog_territory(c, prog_spec(c, "Périmètre"), k->level, code, err);
    if (s != TOB_OK)
        return s;
    db_bind_int64(k->member, 1, k->id);
    db_bind_text(k->member, 2, k->level);
    db_bind_text(k->member, 3, code);
    c->rep->n_details++;
    return prog_step(c, k->member, "adding a perimeter member", err);
}

/* The perimeter (default: the commune) and the referents. */
static tob_status_t site_details(prog_ctx_t *c, const char *commune,
                                 tob_error_t *err)
{
    gup_state_t *k = c->state;
    db_bind_int64(k->clear_members, 1, k->id);
    db_bind_int64(k->clear_referents, 1, k->id);
    tob_status_t s = prog_step(c, k->clear_members, "clearing", err);
    if (s == TOB_OK)
        s = prog_step(c, k->clear_referents, "clearing", err);
    char codes[2048];
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Niveau périmètre"), 0, k->level,
                      sizeof k->level, err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Périmètre"), 0, codes, sizeof codes,
                      err);
    if (s == TOB_OK && k->level[0] == '\0')
        snprintf(k->level, sizeof k->level, "commune");
    if (s == TOB_OK && codes[0] == '\0')
        snprintf(codes, sizeof codes, "%s", commune);
    if (s == TOB_OK)
        s = prog_split(codes, 1, add_member, c, err);
    for (size_t i = 0; i < c->n_prefixed && s == TOB_OK; i++) {
        char name[256];
        const char *cell = tob_table_cell(c->table, (size_t)c->prefixed_col[i]);
        if (tob_cell_is_blank(cell))
            continue;
        snprintf(name, sizeof name, "%s", cell);
        db_bind_int64(k->referent, 1, k->id);
        db_bind_text_static(k->referent, 2, c->prefixed_name[i]);
        db_bind_text(k->referent, 3, name);
        s = prog_step(c, k->referent, "adding a referent", err);
        c->rep->n_details++;
    }
    return s;
}

static tob_status_t site_key(prog_ctx_t *c, char code[128], tob_error_t *err)
{
    gup_state_t *k = c->state;
    size_t spec = prog_spec(c, "Code site");
    tob_status_t s = prog_text(c, spec, 1, code, 128, err);
    if (s == TOB_OK)
        s = prog_unique(c, spec, code, "site", err);
    if (s != TOB_OK)
        return s;
    db_bind_text(k->find, 1, code);
    if (db_step(k->find) == DB_ROW) {
        const char *from = db_column_text(k->find, 1);
        if (!c->opts->replace) {
            tob_error_set(err, TOB_ERR_EXISTS,
                          "site '%s' is already in the store (imported from "
                          "%s): use --replace to update it",
                          code, from ? (const char *)from : "?");
            s = prog_at(c, spec, TOB_ERR_EXISTS, err);
        }
        c->rep->n_replaced++;
    }
    db_reset(k->find);
    return s;
}

static tob_status_t site_row(prog_ctx_t *c, tob_error_t *err)
{
    gup_state_t *k = c->state;
    char code[128], name[512], commune[16], who[256], note[512];
    size_t cspec = prog_spec(c, "Commune");
    tob_status_t s = site_key(c, code, err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Nom"), 1, name, sizeof name, err);
    if (s == TOB_OK)
        s = prog_text(c, cspec, 1, commune, sizeof commune, err);
    if (s == TOB_OK)
        s = prog_territory(c, cspec, "commune", commune, err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Coordinateur"), 0, who, sizeof who, err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Note"), 0, note, sizeof note, err);
    if (s != TOB_OK)
        return s;
    db_bind_text(k->upsert, 1, code);
    db_bind_text(k->upsert, 2, name);
    db_bind_text(k->upsert, 3, commune);
    prog_bind_text(k->upsert, 4, who);
    prog_bind_text(k->upsert, 5, note);
    db_bind_int64(k->upsert, 6, c->source_id);
    if (db_step(k->upsert) == DB_ROW)
        k->id = db_column_int64(k->upsert, 0);
    s = prog_step(c, k->upsert, "writing a site", err);
    if (s == TOB_OK)
        s = site_details(c, commune, err);
    return s;
}

const prog_kind_ops_t prog_site_ops = {site_prepare, site_row,
                                       nothing_to_finish, gup_cleanup};

/* ---- Actions and signalements: rows of a site ------------------------- */

/* The site (must exist); with --replace its rows of this kind go at the
 * first row that names it. */
static tob_status_t row_site(prog_ctx_t *c, char code[128], tob_error_t *err)
{
    gup_state_t *k = c->state;
    size_t spec = prog_spec(c, "Code site");
    tob_status_t s = prog_text(c, spec, 1, code, 128, err);
    if (s != TOB_OK)
        return s;
    db_bind_text(k->site, 1, code);
    k->id = 0;
    if (db_step(k->site) == DB_ROW)
        k->id = db_column_int64(k->site, 0);
    db_reset(k->site);
    if (k->id == 0) {
        near_t near;
        near_start(&near, code);
        const char *hint = db_near_hint(
            c->st, &near, "SELECT code FROM gup_site ORDER BY code", NULL);
        tob_error_set(err, TOB_ERR_INPUT, "unknown site '%s'%s", code,
                      hint[0] ? hint : " (import the gup-sites first)");
        return prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    long long first = 0;
    if (!c->opts->replace)
        return TOB_OK;
    s = codeset_add(k->cleared, code, 1, &first, err);
    if (s != TOB_OK || first != 0)
        return s;
    db_bind_int64(k->clear, 1, k->id);
    s = prog_step(c, k->clear, "replacing rows", err);
    c->rep->n_replaced += (size_t)db_changes(c->st);
    return s;
}

/* A row code: the cell, or a default from the row number; unique in the
 * file and, without --replace, not already in the store. */
static tob_status_t row_code(prog_ctx_t *c, const char *header, char prefix,
                             const char *site, char code[64], tob_error_t *err)
{
    gup_state_t *k = c->state;
    size_t spec = prog_spec(c, header);
    tob_status_t s = prog_text(c, spec, 0, code, 64, err);
    if (s == TOB_OK && code[0] == '\0')
        snprintf(code, 64, "%c%lld", prefix, tob_table_row_number(c->table));
    char key[256];
    snprintf(key, sizeof key, "%s / %s", site, code);
    if (s == TOB_OK)
        s = prog_unique(c, spec, key, header, err);
    if (s != TOB_OK)
        return s;
    db_bind_int64(k->exists, 1, k->id);
    db_bind_text(k->exists, 2, code);
    if (db_step(k->exists) == DB_ROW) {
        const char *from = db_column_text(k->exists, 0);
        tob_error_set(err, TOB_ERR_EXISTS,
                      "'%s' is already in the store (imported from %s): use "
                      "--replace to replace the rows of site '%s'",
                      key, from ? (const char *)from : "?", site);
        s = prog_at(c, spec, TOB_ERR_EXISTS, err);
    }
    db_reset(k->exists);
    return s;
}

/* A referent must be one of the site's partners (any case or accents);
 * buf gets the site's spelling. A site with no referent takes any. */
static tob_status_t row_referent(prog_ctx_t *c, const char *site, char *buf,
                                 size_t size, tob_error_t *err)
{
    gup_state_t *k = c->state;
    size_t spec = prog_spec(c, "Référent");
    char text[256], want[256], known[512] = "", folded[256];
    tob_status_t s = prog_text(c, spec, 0, text, sizeof text, err);
    buf[0] = '\0';
    if (s != TOB_OK || text[0] == '\0')
        return s;
    tob_text_fold(text, want, sizeof want);
    db_bind_int64(k->referent_of, 1, k->id);
    size_t n_known = 0;
    while (buf[0] == '\0' && db_step(k->referent_of) == DB_ROW) {
        const char *p = db_column_text(k->referent_of, 0);
        tob_text_fold(p, folded, sizeof folded);
        if (strcmp(folded, want) == 0)
            snprintf(buf, size, "%s", p);
        size_t used = strlen(known);
        snprintf(known + used, sizeof known - used, "%s%s",
                 n_known++ ? ", " : "", p);
    }
    db_reset(k->referent_of);
    if (buf[0] != '\0' || n_known == 0) {
        if (buf[0] == '\0')
            snprintf(buf, size, "%s", text);
        return TOB_OK;
    }
    tob_error_set(err, TOB_ERR_INPUT,
                  "'%s' is not a referent of site '%s' (referents: %s)", text,
                  site, known);
    return prog_at(c, spec, TOB_ERR_INPUT, err);
}

static const char referent_sql[] =
    "SELECT partner FROM gup_referent WHERE site = ? ORDER BY partner";

/* ---- Actions ------------------------------------------------------------ */

static tob_status_t action_prepare(prog_ctx_t *c, tob_error_t *err)
{
    static const char *const sql[] = {
        "SELECT id FROM gup_site WHERE code = ?",
        "SELECT s.path FROM gup_action a LEFT JOIN source s"
        " ON s.id = a.source_id WHERE a.site = ? AND a.code = ?",
        "DELETE FROM gup_action WHERE site = ?",
        "INSERT INTO gup_action (site, code, title, volet, referent,"
        " due_date, status, done_date, source_id) VALUES (?, ?, ?, ?, ?, ?,"
        " ?, ?, ?)",
        referent_sql};
    static const size_t slots[] = {SLOT(site), SLOT(exists), SLOT(clear),
                                   SLOT(insert), SLOT(referent_of)};
    return prepare_all(c, sql, slots, 5, err);
}

static tob_status_t action_row(prog_ctx_t *c, tob_error_t *err)
{
    gup_state_t *k = c->state;
    char site[128], code[64], title[512], referent[256], due[11], done[11];
    const char *volet = NULL, *status = NULL;
    tob_status_t s = row_site(c, site, err);
    if (s == TOB_OK)
        s = row_code(c, "Code action", 'A', site, code, err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Intitulé"), 1, title, sizeof title, err);
    if (s == TOB_OK)
        s = prog_vocab(c, prog_spec(c, "Volet"), TOB_VOCAB_VOLET, &volet, err);
    if (s == TOB_OK)
        s = row_referent(c, site, referent, sizeof referent, err);
    if (s == TOB_OK)
        s = prog_date(c, prog_spec(c, "Échéance"), 0, due, err);
    if (s == TOB_OK)
        s = prog_vocab(c, prog_spec(c, "Statut"), TOB_VOCAB_STATUS, &status,
                       err);
    if (s == TOB_OK)
        s = prog_date(c, prog_spec(c, "Date réalisation"), 0, done, err);
    if (s != TOB_OK)
        return s;
    db_stmt_t *q = k->insert;
    db_bind_int64(q, 1, k->id);
    db_bind_text(q, 2, code);
    db_bind_text(q, 3, title);
    db_bind_text_static(q, 4, volet);
    prog_bind_text(q, 5, referent);
    prog_bind_text(q, 6, due);
    db_bind_text_static(q, 7, status);
    prog_bind_text(q, 8, done);
    db_bind_int64(q, 9, c->source_id);
    return prog_step(c, q, "writing an action", err);
}

const prog_kind_ops_t prog_action_ops = {action_prepare, action_row,
                                         nothing_to_finish, gup_cleanup};

/* ---- Signalements -------------------------------------------------------- */

static tob_status_t report_prepare(prog_ctx_t *c, tob_error_t *err)
{
    static const char *const sql[] = {
        "SELECT id FROM gup_site WHERE code = ?",
        "SELECT s.path FROM gup_report r LEFT JOIN source s"
        " ON s.id = r.source_id WHERE r.site = ? AND r.code = ?",
        "DELETE FROM gup_report WHERE site = ?",
        "INSERT INTO gup_report (site, code, report_date, volet, place,"
        " subject, referent, status, closed_date, source_id) VALUES (?, ?,"
        " ?, ?, ?, ?, ?, ?, ?, ?)",
        referent_sql};
    static const size_t slots[] = {SLOT(site), SLOT(exists), SLOT(clear),
                                   SLOT(insert), SLOT(referent_of)};
    return prepare_all(c, sql, slots, 5, err);
}

/* clos needs a closing date not before the report; ouvert has none. */
static tob_status_t report_closing(prog_ctx_t *c, const char *status,
                                   const char *date, char closed[11],
                                   tob_error_t *err)
{
    size_t spec = prog_spec(c, "Date clôture");
    int is_closed = strcmp(status, "clos") == 0;
    tob_status_t s = prog_date(c, spec, is_closed, closed, err);
    if (s == TOB_OK && !is_closed && closed[0] != '\0') {
        tob_error_set(err, TOB_ERR_INPUT,
                      "an open (ouvert) signalement has no closing date");
        s = prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    if (s == TOB_OK && is_closed && strcmp(closed, date) < 0) {
        tob_error_set(err, TOB_ERR_INPUT, "is before the signalement's date");
        s = prog_at(c, spec, TOB_ERR_INPUT, err);
    }
    return s;
}

static tob_status_t report_fields(prog_ctx_t *c, const char *site,
                                  char date[11], const char **volet,
                                  char *referent, const char **status,
                                  char closed[11], tob_error_t *err)
{
    tob_status_t s = prog_date(c, prog_spec(c, "Date"), 1, date, err);
    if (s == TOB_OK)
        s = prog_vocab(c, prog_spec(c, "Volet"), TOB_VOCAB_VOLET, volet, err);
    if (s == TOB_OK)
        s = row_referent(c, site, referent, 256, err);
    if (s == TOB_OK)
        s = prog_vocab(c, prog_spec(c, "Statut"), TOB_VOCAB_REPORT_STATUS,
                       status, err);
    if (s == TOB_OK)
        s = report_closing(c, *status, date, closed, err);
    return s;
}

static tob_status_t report_row(prog_ctx_t *c, tob_error_t *err)
{
    gup_state_t *k = c->state;
    char site[128], code[64], date[11], place[256], subject[512];
    char referent[256], closed[11];
    const char *volet = NULL, *status = NULL;
    tob_status_t s = row_site(c, site, err);
    if (s == TOB_OK)
        s = row_code(c, "Numéro", 'S', site, code, err);
    if (s == TOB_OK)
        s = report_fields(c, site, date, &volet, referent, &status, closed,
                          err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Lieu"), 0, place, sizeof place, err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Objet"), 0, subject, sizeof subject,
                      err);
    if (s != TOB_OK)
        return s;
    db_stmt_t *q = k->insert;
    db_bind_int64(q, 1, k->id);
    db_bind_text(q, 2, code);
    db_bind_text(q, 3, date);
    db_bind_text_static(q, 4, volet);
    prog_bind_text(q, 5, place);
    prog_bind_text(q, 6, subject);
    prog_bind_text(q, 7, referent);
    db_bind_text_static(q, 8, status);
    prog_bind_text(q, 9, closed);
    db_bind_int64(q, 10, c->source_id);
    return prog_step(c, q, "writing a signalement", err);
}

const prog_kind_ops_t prog_report_ops = {report_prepare, report_row,
                                         nothing_to_finish, gup_cleanup};
