/* codes.h (building block) - territory codes checked by level before they reach
 * the store: INSEE commune codes, EPCI SIRENs (with their Luhn key),
 * départements, regions, QPV codes, and free codes for user zonings. Pure
 * computation: no I/O, no allocation, no global state; any thread. */
#ifndef TERROBS_CODES_H
#define TERROBS_CODES_H

#include "terrobs/error.h"

#include <stddef.h>

/* Longest code of a level not listed below (a user zoning), in bytes. */
#define TOB_CODE_MAX 64

/* Checks that code is a well-formed code of level. Codes are text and are
 * compared exactly: no trimming, no case change, no padding (call
 * tob_code_normalize first for cells). Levels and their forms:
 *   "commune"     INSEE code: 2 digits, 2A or 2B, then 3 digits
 *                 (59350, 2A004, 97209);
 *   "epci"        SIREN: 9 digits whose Luhn key is right (200093201);
 *   "departement" 01..95 except 20, 2A, 2B, 971..976;
 *   "region"      2 digits (32, 94);
 *   "qpv"         QN + département on 3 characters (059, 972, 02A) + 2
 *                 digits + a capital letter (QN05901M, 2024 list), or
 *                 QP + département on 3 characters + 3 digits (QP066007,
 *                 2015 list);
 *   anything else non-empty, at most TOB_CODE_MAX bytes of UTF-8 with no
 *                 control characters (a user zoning's own codes).
 * Returns TOB_OK, TOB_ERR_INPUT with a message that quotes the code and
 * says the expected form ("'5935' is not an INSEE commune code (5
 * characters: département + 3 digits)"), or TOB_ERR_ARG if level is NULL
 * or empty. */
TOB_API TOB_NODISCARD tob_status_t tob_code_check(const char *level,
                                                  const char *code,
                                                  tob_error_t *err);

/* Copies code into buf without the white space around it (ASCII space,
 * tab, CR, LF, U+00A0, U+202F) and nothing else: a 4-digit commune code
 * from a spreadsheet that lost its leading zero stays wrong, to be
 * reported, never guessed. Errors: TOB_ERR_ARG if buf is too small for the
 * result (buf then holds ""). */
TOB_API TOB_NODISCARD tob_status_t tob_code_normalize(const char *code,
                                                      char *buf, size_t size,
                                                      tob_error_t *err);

#endif
