/* values_sources.c - the source line of what partners receive: the
 * sources the variables declare, the producers of the boundaries the
 * loads recorded, and the observatory's own follow-up, each said once
 * ("Insee, RP 2021 ; IGN, Admin Express 2026 ; suivi de l'observatoire"),
 * so that a map or a carnet never names Insee for data from elsewhere. */
#include "terrobs/values.h"

#include "store/db.h"

#include <stdio.h>
#include <string.h>

/* Appends part to buf unless it is empty or already there. */
static void add_part(char *buf, size_t size, const char *part)
{
    if (part == NULL || part[0] == '\0')
        return;
    size_t len = strlen(part);
    for (const char *p = buf; *p != '\0';) {
        const char *end = strstr(p, " ; ");
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, part, len) == 0)
            return;
        p += n + (end != NULL ? 3 : 0);
    }
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "%s%s", used ? " ; " : "", part);
}

/* A variable's source, and its parts' when it is computed from them. */
static void add_variable(tob_values_t *v, const char *name, char *buf,
                         size_t size, int depth)
{
    const tob_variable_t *meta = tob_values_variable(v, name, NULL);
    if (meta == NULL || depth > 4)
        return;
    add_part(buf, size, meta->source);
    if (meta->source[0] != '\0')
        return;
    if (meta->aggregate == TOB_AGG_RATIO) {
        char num[TOB_VARIABLE_NAME_MAX], den[TOB_VARIABLE_NAME_MAX];
        snprintf(num, sizeof num, "%s", meta->numerator);
        snprintf(den, sizeof den, "%s", meta->denominator);
        add_variable(v, num, buf, size, depth + 1);
        add_variable(v, den, buf, size, depth + 1);
    }
}

static const char SQL_ATTRIBUTION[] =
    "SELECT value FROM meta WHERE key = 'attribution:' || ?1";
static const char SQL_FOLLOWUP[] =
    "SELECT EXISTS (SELECT 1 FROM contract) OR EXISTS (SELECT 1 FROM"
    " gup_site)";

tob_status_t tob_values_sources(tob_values_t *v, const char *const *variables,
                                size_t n_variables, const char *const *levels,
                                size_t n_levels, int followup, char *buf,
                                size_t size, tob_error_t *err)
{
    if (size == 0)
        return tob_error_set(err, TOB_ERR_ARG, "no room for the sources");
    buf[0] = '\0';
    for (size_t i = 0; i < n_variables; i++)
        add_variable(v, variables[i], buf, size, 0);
    tob_store_t *st = tob_values_store(v);
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st, SQL_ATTRIBUTION, &s, err);
    for (size_t i = 0; status == TOB_OK && i < n_levels; i++) {
        db_bind_text_static(s, 1, levels[i]);
        if (db_step(s) == DB_ROW)
            add_part(buf, size, db_column_str(s, 0));
        db_reset(s);
    }
    db_finalize(s);
    s = NULL;
    if (status == TOB_OK && followup &&
        (status = db_prepare(st, SQL_FOLLOWUP, &s, err)) == TOB_OK) {
        if (db_step(s) == DB_ROW && db_column_int(s, 0))
            add_part(buf, size, "suivi de l'observatoire");
        db_finalize(s);
    }
    return status;
}
