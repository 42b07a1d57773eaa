/* info.h - parts of `terrobs info` kept apart from cmd_info.c: a
 * territory's values, and how one variable splits among its relatives. */
#ifndef TERROBS_CLI_INFO_H
#define TERROBS_CLI_INFO_H

#include "terrobs/store.h"

/* Prints "values:" and each variable's value for territory id at its
 * latest year, with how it was got. Returns 0, or -1 with err set. */
int tob_cli_info_values(tob_store_t *st, sqlite3_int64 id, tob_error_t *err);

/* Prints var for territory id, each of its members with their share of
 * it, and each territory it is a member of with its share there. */
int tob_cli_info_shares(tob_store_t *st, sqlite3_int64 id, const char *var,
                        tob_error_t *err);

#endif
