/* plural_fr.h - a count with its noun in French: "aucun projet", "1 projet
 * engagé", "2 projets engagés", "12 345 communes". One rule for every
 * French text of carnets, reports and atlases. Library-internal. */
#ifndef TERROBS_BASE_PLURAL_FR_H
#define TERROBS_BASE_PLURAL_FR_H

#include <stddef.h>

/* Writes n with the form of `forms` that fits it into buf (size bytes,
 * truncated to fit) and returns buf. forms is "zero|one|many", e.g.
 * "aucun projet engagé|projet engagé|projets engagés": 0 gives the zero
 * form alone, 1 "1 " and the singular, more (or fewer than 0) the number
 * in French digits ("12 345") and the plural. An empty zero form
 * ("|commune|communes") gives "0 commune". */
char *fr_count(long long n, const char *forms, char *buf, size_t size);

/* A territory's member count, said whole wherever it is shown: n alone
 * when its membership source gives no more (expected 0: unknown), else
 * "102 sur 103"; with forms ("|commune|communes", as fr_count) the noun
 * follows n: "102 communes sur 103"; with outside, the missing ones are
 * named: "102 sur 103 (1 hors de l'observatoire)". Returns buf. */
char *fr_members(size_t n, size_t expected, const char *forms, int outside,
                 char *buf, size_t size);

#endif
