/* relations.h (entry point) - how territories of two levels relate, written to
 * table membership: whole members (a commune in its EPCI, an EPCI in a SCoT)
 * built from codes and checked in space, and partial overlaps (a QPV over
 * communes) with the share of the child's area in each parent.
 * Each call is one transaction: it replaces the relations of the same kind
 * between the two (level, vintage) pairs, or changes nothing. */
#ifndef TERROBS_RELATIONS_H
#define TERROBS_RELATIONS_H

#include "terrobs/error.h"
#include "terrobs/store.h"

#include <stddef.h>

/* Where memberships come from. */
typedef enum tob_relate_by {
    TOB_RELATE_PARENT_CODE, /* territory.parent_code of each child (the
                               field given as --parent-code at load) */
    TOB_RELATE_MEMBERS,     /* a member table: one row per (child, parent) */
    TOB_RELATE_SPACE        /* the parent polygon holding the child's point
                               on surface (R*Tree, then ST_Contains) */
} tob_relate_by_t;

/* Strings are borrowed for the call. */
typedef struct tob_relate_options {
    const char *child_level;  /* e.g. commune */
    const char *parent_level; /* e.g. epci */
    int child_vintage;        /* 0 = the latest */
    int parent_vintage;       /* 0 = the child's vintage if the parent level
                                 has it, else the latest */
    tob_relate_by_t by;
    const char *members;    /* TOB_RELATE_MEMBERS: the table's path */
    const char *sheet;      /* its sheet or layer, NULL = the first */
    const char *child_key;  /* its column of child codes */
    const char *parent_key; /* its column of parent codes */
    int no_check;           /* skip the spatial check of code relations */
    int strict;             /* fail on any mismatch, unknown code or
                               orphan instead of reporting it */
} tob_relate_options_t;

/* Diagnostic lines ("3: 59001 (in 200041960), ...") are at most this
 * long. */
#define TOB_RELATE_LINE_MAX 600

/* What tob_relate() did. */
typedef struct tob_relate_report {
    int child_vintage, parent_vintage;
    size_t n_children;       /* territories of the child level */
    size_t n_parents;        /* territories of the parent level */
    size_t n_written;        /* memberships written */
    size_t n_rows;           /* member table rows read (0 otherwise) */
    size_t n_orphans;        /* children related to no parent */
    size_t n_several;        /* children related to two parents or more */
    size_t n_unknown_child;  /* member rows whose child is not in the store */
    size_t n_unknown_parent; /* parent codes with no territory */
    size_t n_checked;        /* relations checked in space */
    size_t n_mismatches;     /* point on surface outside its parent */
    char orphans[TOB_RELATE_LINE_MAX];
    char several[TOB_RELATE_LINE_MAX];
    char unknown_child[TOB_RELATE_LINE_MAX];
    char unknown_parent[TOB_RELATE_LINE_MAX];
    char mismatches[TOB_RELATE_LINE_MAX];
    /* member table: parents with members the store lacks, as expected
     * member counts ("200069672 (102 of 103)"); their sums and counts are
     * not computed (values.h) */
    size_t n_incomplete;
    char incomplete[TOB_RELATE_LINE_MAX];
} tob_relate_report_t;

/* Relates every child of opts->child_level to its parent(s), replacing
 * the 'member' relations between the two (level, vintage) pairs, and
 * records provenance (kind "relations") with the diagnostics. Unknown
 * codes, orphans, children with several parents and spatial mismatches
 * are counted with examples in *report; with opts->strict any of them is
 * an error (TOB_ERR_INPUT) and nothing is written. Errors:
 * TOB_ERR_NOTFOUND (level, vintage, file, column), TOB_ERR_INPUT (a bad
 * code in the member table, naming file:row: column; no parent code at
 * all), TOB_ERR_SQLITE. */
TOB_API TOB_NODISCARD tob_status_t tob_relate(tob_store_t *st,
                                              const tob_relate_options_t *opts,
                                              tob_relate_report_t *report,
                                              tob_error_t *err);

/* One line for provenance and logs: counts and examples of *rep. */
TOB_API void tob_relate_describe(const tob_relate_report_t *rep,
                                 const tob_relate_options_t *opts, char *buf,
                                 size_t size);

/* Overlaps between two spatial levels (e.g. qpv over commune). */
typedef struct tob_overlap_options {
    const char *child_level;           /* the smaller units: qpv */
    const char *parent_level;          /* commune */
    int child_vintage, parent_vintage; /* 0 = the latest of each */
    double min_share; /* overlaps under this share of the child's area are
                         slivers of imprecise borders, not kept (0.01 = 1 %
                         is the command's default) */
} tob_overlap_options_t;

typedef struct tob_overlap_report {
    int child_vintage, parent_vintage;
    size_t n_children;   /* children with a geometry */
    size_t n_overlaps;   /* relations written */
    size_t n_straddling; /* children over two parents or more */
    size_t n_outside;    /* children over no parent at all */
    size_t n_slivers;    /* overlaps under min_share, dropped */
    size_t n_repaired;   /* intersections computed after ST_MakeValid */
    double min_covered;  /* smallest kept share sum of a child (0..1) */
    char straddling[TOB_RELATE_LINE_MAX]; /* "QP031001 (31555 62 %, ...)" */
    char outside[TOB_RELATE_LINE_MAX];
} tob_overlap_report_t;

/* Computes, for each child polygon, the parents it intersects (R*Tree
 * candidates, then ST_Intersection) and the share of the child's area in
 * each: area(child ∩ parent) / area(child). Writes 'overlap' relations
 * with area_share, replacing those between the two (level, vintage)
 * pairs, and provenance. An intersection GEOS cannot compute is retried on
 * ST_MakeValid() inputs (counted); if it still fails the error names both
 * codes. Errors: TOB_ERR_NOTFOUND, TOB_ERR_INPUT (a level without
 * geometry), TOB_ERR_SQLITE. */
TOB_API TOB_NODISCARD tob_status_t
tob_relate_overlaps(tob_store_t *st, const tob_overlap_options_t *opts,
                    tob_overlap_report_t *report, tob_error_t *err);

/* A list of territories without geometry (the QPV 2024 list: codes,
 * names and the communes each lies in), read from a table with one row
 * per (territory, parent). Strings are borrowed for the call. */
typedef struct tob_territories_options {
    const char *path, *sheet;
    const char *level;        /* e.g. qpv; created non-spatial if new */
    const char *label;        /* the level's label, NULL = default */
    int vintage;              /* 0 = this year */
    const char *code_key;     /* column of codes, checked per level */
    const char *name_key;     /* column of names */
    const char *parent_level; /* NULL: no relations */
    int parent_vintage;       /* 0 = the latest */
    const char *parent_key;   /* column of the parent's code */
    int replace;  /* swap an existing (level, vintage), keeping the ids of
                     codes still listed */
    int in_store; /* keep only the territories with a parent in the store
                     (a national list into a département's store) */
} tob_territories_options_t;

typedef struct tob_territories_report {
    int vintage, parent_vintage;
    size_t n_rows;
    size_t n_territories;    /* written */
    size_t n_removed;        /* with replace: codes no longer listed */
    size_t n_relations;      /* overlap relations written */
    size_t n_straddling;     /* territories in two parents or more */
    size_t n_unknown_parent; /* parent codes with no territory */
    size_t n_left_out;       /* in_store: territories with no parent there */
    char straddling[TOB_RELATE_LINE_MAX]; /* "QN05902M (59028, 59509)" */
    char unknown_parent[TOB_RELATE_LINE_MAX];
    char left_out[TOB_RELATE_LINE_MAX]; /* "QN00101M (01053)" */
    char checksum[65];
} tob_territories_report_t;

/* Imports the list: one territory per distinct code (its name the same on
 * every row), no geometry, related to each parent listed by an 'overlap'
 * relation - area_share 1 when it lies in one parent only, NULL (unknown)
 * when it straddles several, so that nothing is double counted. Loading
 * a (level, vintage) that holds territories is refused unless replace.
 * With in_store, a territory none of whose parents is in the store is left
 * out (counted, with examples); none left is an error.
 * Errors (nothing written): TOB_ERR_INPUT naming file:row: column (a bad
 * or empty code, an empty name, a code named two ways), TOB_ERR_EXISTS,
 * TOB_ERR_NOTFOUND (file, column, parent level), TOB_ERR_SQLITE. */
TOB_API TOB_NODISCARD tob_status_t
tob_territories_import(tob_store_t *st, const tob_territories_options_t *opts,
                       tob_territories_report_t *report, tob_error_t *err);

#endif
