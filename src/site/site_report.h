/* site_report.h - a follow-up report written as HTML (site_report.c). */
#ifndef TERROBS_SITE_REPORT_H
#define TERROBS_SITE_REPORT_H

#include "terrobs/report.h"

#include <stdio.h>

/* Writes the report's blocks; headings are <h{level}>. */
void site_report_html(FILE *fp, const tob_report_t *r, int level);

/* Whether the report has a heading reading text. */
int site_report_has_heading(const tob_report_t *r, const char *text);

/* The report's title, borrowed. */
const char *site_report_title(const tob_report_t *r);

#endif
