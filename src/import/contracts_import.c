/* contracts_import.c - rows of contracts and projects tables: checked
 * cell by cell, then written (see programme_import.c for the driver). */
#include "programme_internal.h"

#include "store/db.h"
#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "contract 'X' is already in the store (imported from F): use --replace" */
static tob_status_t already_there(prog_ctx_t *c, size_t spec, const char *what,
                                  const char *key, db_stmt_t *find,
                                  tob_error_t *err)
{
    const char *from = db_column_text(find, 1);
    tob_error_set(err, TOB_ERR_EXISTS,
                  "%s '%s' is already in the store (imported from %s): use "
                  "--replace to update it",
                  what, key, from != NULL ? (const char *)from : "?");
    return prog_at(c, spec, TOB_ERR_EXISTS, err);
}

static int date_before(const char *a, const char *b)
{
    return a[0] != '\0' && b[0] != '\0' && strcmp(a, b) < 0;
}

/* A later date column that is before an earlier one. */
static tob_status_t check_order(const prog_ctx_t *c, size_t later_spec,
                                const char *earlier, const char *later,
                                const char *earlier_header, tob_error_t *err)
{
    if (!date_before(later, earlier))
        return TOB_OK;
    tob_error_set(err, TOB_ERR_INPUT, "is before '%s'", earlier_header);
    return prog_at(c, later_spec, TOB_ERR_INPUT, err);
}

/* ---- Contracts ---------------------------------------------------------- */

typedef struct contract_state {
    db_stmt_t *find, *upsert, *clear_phases, *clear_partners, *phase, *partner;
    tob_id_t id;
    int n_partners;
} contract_state_t;

static const char *const phase_headers[] = {
    "Diagnostic partagé", "Cadre d'action stratégique", "Plan d'actions",
    "Clause de revoyure"};

static tob_status_t contract_prepare(prog_ctx_t *c, tob_error_t *err)
{
    contract_state_t *k = calloc(1, sizeof *k);
    if ((c->state = k) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s =
        db_prepare(c->st,
                   "SELECT c.id, s.path FROM contract c LEFT JOIN source s"
                   " ON s.id = c.source_id WHERE c.code = ?",
                   &k->find, err);
    if (s == TOB_OK)
        s = db_prepare(
            c->st,
            "INSERT INTO contract (code, kind, name, territory_level,"
            " territory_code, start_date, end_date, budget, note, source_id)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            " ON CONFLICT (code) DO UPDATE SET kind = ?2, name = ?3,"
            " territory_level = ?4, territory_code = ?5, start_date = ?6,"
            " end_date = ?7, budget = ?8, note = ?9, source_id = ?10"
            " RETURNING id",
            &k->upsert, err);
    if (s == TOB_OK)
        s = db_prepare(c->st, "DELETE FROM contract_phase WHERE contract = ?",
                       &k->clear_phases, err);
    if (s == TOB_OK)
        s = db_prepare(c->st, "DELETE FROM contract_partner WHERE contract = ?",
                       &k->clear_partners, err);
    if (s == TOB_OK)
        s = db_prepare(c->st,
                       "INSERT INTO contract_phase (contract, phase,"
                       " start_date) VALUES (?, ?, ?)",
                       &k->phase, err);
    if (s == TOB_OK)
        s = db_prepare(c->st,
                       "INSERT INTO contract_partner (contract,"
                       " position, partner) VALUES (?, ?, ?)",
                       &k->partner, err);
    return s;
}

static tob_status_t add_partner(void *user, const char *item, tob_error_t *err)
{
    prog_ctx_t *c = user;
    contract_state_t *k = c->state;
    db_bind_int64(k->partner, 1, k->id);
    db_bind_int(k->partner, 2, ++k->n_partners);
    db_bind_text(k->partner, 3, item);
    c->rep->n_details++;
    return prog_step(c, k->partner, "adding a partner", err);
}

/* Phases and partners of contract k->id, replacing any earlier ones. */
static tob_status_t contract_details(prog_ctx_t *c, char phases[4][11],
                                     tob_error_t *err)
{
    contract_state_t *k = c->state;
    db_bind_int64(k->clear_phases, 1, k->id);
    db_bind_int64(k->clear_partners, 1, k->id);
    tob_status_t s = prog_step(c, k->clear_phases, "clearing phases", err);
    if (s == TOB_OK)
        s = prog_step(c, k->clear_partners, "clearing partners", err);
    for (size_t i = 0; i < 4 && s == TOB_OK; i++) {
        if (phases[i][0] == '\0')
            continue;
        db_bind_int64(k->phase, 1, k->id);
        db_bind_text_static(k->phase, 2, tob_vocab_key(TOB_VOCAB_PHASE, i));
        db_bind_text(k->phase, 3, phases[i]);
        s = prog_step(c, k->phase, "adding a phase", err);
        c->rep->n_details++;
    }
    k->n_partners = 0;
    if (s == TOB_OK)
        s = prog_split(prog_cell(c, prog_spec(c, "Partenaires")), 0,
                       add_partner, c, err);
    if (s != TOB_OK)
        prog_at(c, prog_spec(c, "Partenaires"), s, err);
    return s;
}

/* Code, existence (refused without --replace), territory. */
static tob_status_t contract_key(prog_ctx_t *c, char code[128], char level[64],
                                 char tcode[128], tob_error_t *err)
{
    contract_state_t *k = c->state;
    size_t spec = prog_spec(c, "Code contrat");
    tob_status_t s = prog_text(c, spec, 1, code, 128, err);
    if (s == TOB_OK)
        s = prog_unique(c, spec, code, "contract", err);
    if (s != TOB_OK)
        return s;
    db_bind_text(k->find, 1, code);
    if (db_step(k->find) == DB_ROW) {
        if (!c->opts->replace)
            s = already_there(c, spec, "contract", code, k->find, err);
        c->rep->n_replaced++;
    }
    db_reset(k->find);
    size_t lspec = prog_spec(c, "Niveau");
    size_t cspec = prog_spec(c, "Code territoire");
    if (s == TOB_OK)
        s = prog_text(c, lspec, 1, level, 64, err);
    if (s == TOB_OK)
        s = prog_text(c, cspec, 1, tcode, 128, err);
    if (s == TOB_OK)
        s = prog_territory(c, cspec, level, tcode, err);
    return s;
}

static tob_status_t contract_dates(prog_ctx_t *c, char start[11], char end[11],
                                   char phases[4][11], tob_error_t *err)
{
    tob_status_t s = prog_date(c, prog_spec(c, "Date début"), 0, start, err);
    if (s == TOB_OK)
        s = prog_date(c, prog_spec(c, "Date fin"), 0, end, err);
    if (s == TOB_OK)
        s = check_order(c, prog_spec(c, "Date fin"), start, end, "Date début",
                        err);
    for (size_t i = 0; i < 4 && s == TOB_OK; i++)
        s = prog_date(c, prog_spec(c, phase_headers[i]), 0, phases[i], err);
    return s;
}

static tob_status_t contract_row(prog_ctx_t *c, tob_error_t *err)
{
    contract_state_t *k = c->state;
    char code[128], level[64], tcode[128], name[512], note[512];
    char start[11], end[11], phases[4][11];
    const char *kind = NULL;
    double budget = NAN;
    size_t bspec = prog_spec(c, "Budget");
    tob_status_t s = contract_key(c, code, level, tcode, err);
    if (s == TOB_OK)
        s = prog_vocab(c, prog_spec(c, "Type"), TOB_VOCAB_CONTRACT_KIND, &kind,
                       err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Intitulé"), 1, name, sizeof name, err);
    if (s == TOB_OK)
        s = contract_dates(c, start, end, phases, err);
    if (s == TOB_OK)
        s = prog_money_cell(c, prog_cell(c, bspec), bspec, NULL, &budget, err);
    if (s == TOB_OK)
        s = prog_text(c, prog_spec(c, "Note"), 0, note, sizeof note, err);
    if (s != TOB_OK)
        return s;
    db_stmt_t *up = k->upsert;
    db_bind_text(up, 1, code);
    db_bind_text_static(up, 2, kind);
    db_bind_text(up, 3, name);
    prog_bind_text(up, 4, level);
    prog_bind_text(up, 5, tcode);
    prog_bind_text(up, 6, start);
    prog_bind_text(up, 7, end);
    prog_bind_double(up, 8, budget);
    prog_bind_text(up, 9, note);
    db_bind_int64(up, 10, c->source_id);
    if (db_step(up) == DB_ROW)
        k->id = db_column_int64(up, 0);
    s = prog_step(c, up, "writing a contract", err);
    if (s == TOB_OK)
        s = contract_details(c, phases, err);
    return s;
}

static tob_status_t contract_finish(prog_ctx_t *c, tob_error_t *err)
{
    (void)c;
    (void)err;
    return TOB_OK;
}

static void contract_cleanup(prog_ctx_t *c)
{
    contract_state_t *k = c->state;
    if (k == NULL)
        return;
    db_finalize(k->find);
    db_finalize(k->upsert);
    db_finalize(k->clear_phases);
    db_finalize(k->clear_partners);
    db_finalize(k->phase);
    db_finalize(k->partner);
    free(k);
    c->state = NULL;
}

const prog_kind_ops_t prog_contract_ops = {contract_prepare, contract_row,
                                           contract_finish, contract_cleanup};
