/* cmd_breaks.c - `terrobs breaks`: class breaks of numbers read one per
 * line, the way a map legend would cut them. */
#include "cli.h"

#include "terrobs/cells.h"
#include "terrobs/classify.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: terrobs breaks --method M [-k K] [options] [FILE]\n"
    "\n"
    "Reads numbers one per line from FILE (or standard input; '-' too) and\n"
    "prints the class breaks b0 .. bK on one line, space-separated, each\n"
    "with the fewest digits that read back to the same double. On stderr:\n"
    "\"N values, M missing\". Numbers may use '.' or ',' as decimal mark\n"
    "(12.5, 12,5, 1 234,5); empty lines, NA, NaN and N/A are missing values.\n"
    "\n"
    "Classes are [b0, b1], (b1, b2], ..., (bK-1, bK]: a value on a break\n"
    "belongs to the lower class, as in mapsf and classInt. Fewer distinct\n"
    "values than K give fewer classes; ties can merge classes.\n"
    "\n"
    "  -m, --method M   equal, quantile, q6, Q6, geom, msd, em, fisher,\n"
    "                   jenks, headtails or manual (names are case-sensitive:\n"
    "                   q6 is 0/5/27.5/50/72.5/95/100 %, Q6 "
    "0/5/25/50/75/95/100)\n"
    "  -k, --classes K  number of classes, 2..12 (em: 2, 4 or 8); required\n"
    "                   except for q6/Q6 (6), msd, manual, headtails (a\n"
    "                   maximum, default 12)\n"
    "  --manual LIST    manual breaks, e.g. 0,10,20,50 (or 0;2,5;10 with\n"
    "                   decimal commas); they must cover every value\n"
    "  --sd K           msd: class width in standard deviations (default 1)\n"
    "  --central        msd: the mean is the centre of a class, not a break\n"
    "  --thr T          headtails: largest head share split again (0.4)\n"
    "  --header         skip the first line (a column name)\n"
    "  --counts         print the number of values per class on a 2nd line\n"
    "  -q, --quiet      no note on stderr\n"
    "\n"
    "fisher and jenks give the exact optimal partition (least squared\n"
    "deviations within classes; never sampled): fisher breaks lie midway\n"
    "between classes, jenks breaks are class maxima. msd uses the\n"
    "population SD and clips to min..max.\n"
    "\n"
    "Example: cut -d, -f8 communes.csv | terrobs breaks --header -m fisher "
    "-k 7\n";

typedef struct breaks_args {
    const char *method_name;
    long k; /* 0 when not given */
    const char *manual_text;
    double manual[TOB_CLASSIFY_MAX + 1];
    tob_classify_options_t opts;
    int header;
    int counts;
    const char *path; /* NULL: standard input */
} breaks_args_t;

/* A whole option value as a finite number ('.' or ',' decimal). */
static int parse_number_option(const char *text, double *out)
{
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_cell_parse_number(text, out, &err) != TOB_OK || !isfinite(*out))
        return -1;
    return 0;
}

/* "0,10,20" or, with decimal commas, "0;2,5;10". */
static int parse_manual(breaks_args_t *a)
{
    const char *sep = strchr(a->manual_text, ';') != NULL ? ";" : ",";
    size_t n = 0;
    const char *p = a->manual_text;
    for (;;) {
        size_t len = strcspn(p, sep);
        char item[64];
        if (len == 0 || len >= sizeof item || n > TOB_CLASSIFY_MAX)
            return tob_cli_usage_error("breaks",
                                       "--manual '%s': expected 3..%d numbers",
                                       a->manual_text, TOB_CLASSIFY_MAX + 1);
        memcpy(item, p, len);
        item[len] = '\0';
        if (parse_number_option(item, &a->manual[n]) != 0)
            return tob_cli_usage_error("breaks",
                                       "--manual: '%s' is not a number", item);
        n++;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    a->opts.manual = a->manual;
    a->opts.n_manual = n;
    return 0;
}

static int parse_option(int c, const char *value, breaks_args_t *a)
{
    switch (c) {
    case 'm':
        a->method_name = value;
        return 0;
    case 'k':
        if (tob_cli_parse_int(value, &a->k) != 0 || a->k < 1)
            return tob_cli_usage_error("breaks",
                                       "-k '%s' is not a number "
                                       "of classes",
                                       value);
        return 0;
    case 'M':
        a->manual_text = value;
        return 0;
    case 's':
        if (parse_number_option(value, &a->opts.msd_k) != 0 ||
            a->opts.msd_k <= 0)
            return tob_cli_usage_error("breaks",
                                       "--sd '%s' is not a "
                                       "positive number",
                                       value);
        return 0;
    case 'c':
        a->opts.msd_central = 1;
        return 0;
    case 't':
        if (parse_number_option(value, &a->opts.headtails_thr) != 0)
            return tob_cli_usage_error("breaks",
                                       "--thr '%s' is not a "
                                       "number",
                                       value);
        return 0;
    case 'H':
        a->header = 1;
        return 0;
    case 'C':
        a->counts = 1;
        return 0;
    case 'q':
        tob_cli_quiet = 1;
        return 0;
    }
    return -1; /* '?': an unknown option or a missing value */
}

static int parse_args(int argc, char **argv, breaks_args_t *a)
{
    static const struct option longopts[] = {
        {"method", required_argument, NULL, 'm'},
        {"classes", required_argument, NULL, 'k'},
        {"manual", required_argument, NULL, 'M'},
        {"sd", required_argument, NULL, 's'},
        {"central", no_argument, NULL, 'c'},
        {"thr", required_argument, NULL, 't'},
        {"header", no_argument, NULL, 'H'},
        {"counts", no_argument, NULL, 'C'},
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:k:q", longopts, NULL)) != -1) {
        int rc = parse_option(c, optarg, a);
        if (rc < 0)
            return tob_cli_bad_option("breaks");
        if (rc != 0)
            return rc;
    }
    if (optind < argc - 1)
        return tob_cli_usage_error("breaks", "expected at most one FILE");
    if (optind == argc - 1 && strcmp(argv[optind], "-") != 0)
        a->path = argv[optind];
    if (a->manual_text != NULL) {
        if (a->method_name != NULL && strcmp(a->method_name, "manual") != 0)
            return tob_cli_usage_error("breaks",
                                       "--manual goes with "
                                       "--method manual, not %s",
                                       a->method_name);
        a->method_name = "manual";
        return parse_manual(a);
    }
    return 0;
}

/* Checks -k against the method; returns the n_classes to pass. */
static int resolve_classes(const breaks_args_t *a, tob_classify_method_t m,
                           size_t *k)
{
    const char *name = tob_classify_method_name(m);
    *k = (size_t)a->k;
    if (m == TOB_CLASSIFY_MSD || m == TOB_CLASSIFY_MANUAL) {
        if (a->k != 0)
            return tob_cli_usage_error(
                "breaks", "-k does not apply to %s (%s)", name,
                m == TOB_CLASSIFY_MSD ? "use --sd for the class width"
                                      : "the breaks give the classes");
    } else if (m == TOB_CLASSIFY_Q6 || m == TOB_CLASSIFY_Q6_QUARTILES) {
        if (a->k != 0 && a->k != 6)
            return tob_cli_usage_error("breaks",
                                       "%s always makes 6 classes, "
                                       "not %ld",
                                       name, a->k);
    } else if (m == TOB_CLASSIFY_HEADTAILS && a->k == 0) {
        *k = TOB_CLASSIFY_MAX;
    } else if (a->k == 0) {
        return tob_cli_usage_error("breaks",
                                   "%s needs -k (the number of "
                                   "classes)",
                                   name);
    }
    if (m == TOB_CLASSIFY_MANUAL && a->manual_text == NULL)
        return tob_cli_usage_error("breaks", "manual needs --manual LIST");
    return 0;
}

static int is_missing_word(const char *text)
{
    static const char *const words[] = {"NA", "NaN", "N/A"};
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    while (len > 0 && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t wl = strlen(words[i]), j = 0;
        while (j < wl && j < len && (text[j] | 0x20) == (words[i][j] | 0x20))
            j++;
        if (j == wl && wl == len)
            return 1;
    }
    return 0;
}

/* One line (no newline) to a value; NaN for a missing one. */
static tob_status_t parse_line(char *line, double *out, tob_error_t *err)
{
    size_t len = strlen(line);
    if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
    if (is_missing_word(line)) {
        *out = NAN;
        return TOB_OK;
    }
    return tob_cell_parse_number(line, out, err);
}

typedef struct value_list {
    double *v;
    size_t n, cap;
} value_list_t;

static tob_status_t push_value(value_list_t *l, double v, tob_error_t *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        double *grown = realloc(l->v, cap * sizeof *grown);
        if (grown == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        l->v = grown;
        l->cap = cap;
    }
    l->v[l->n++] = v;
    return TOB_OK;
}

static tob_status_t open_input(const char *path, FILE **in, tob_error_t *err)
{
    if (path == NULL) {
        *in = stdin;
        return TOB_OK;
    }
    *in = fopen(path, "r");
    if (*in != NULL)
        return TOB_OK;
    tob_status_t code = errno == ENOENT ? TOB_ERR_NOTFOUND : TOB_ERR_IO;
    tob_error_set(err, code, "cannot open: %s", strerror(errno));
    tob_error_at(err, path, 0, NULL);
    return code;
}

/* Reads every line of the input into l; errors name source:line. */
static tob_status_t read_values(const breaks_args_t *a, const char *source,
                                value_list_t *l, tob_error_t *err)
{
    FILE *in = NULL;
    tob_status_t s = open_input(a->path, &in, err);
    char *line = NULL;
    size_t size = 0;
    long long line_no = 0;
    while (s == TOB_OK && getline(&line, &size, in) != -1) {
        line_no++;
        line[strcspn(line, "\n")] = '\0';
        char *text = line;
        if (line_no == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
            text += 3; /* a UTF-8 byte-order mark */
        if (line_no == 1 && a->header)
            continue;
        double v;
        s = parse_line(text, &v, err);
        if (s == TOB_OK)
            s = push_value(l, v, err);
        else
            tob_error_at(err, source, line_no, NULL);
    }
    if (s == TOB_OK && in != NULL && ferror(in)) {
        s = tob_error_set(err, TOB_ERR_IO, "read error: %s", strerror(errno));
        tob_error_at(err, source, 0, NULL);
    }
    free(line);
    if (in != NULL && in != stdin)
        fclose(in);
    return s;
}

/* The fewest significant digits that read back as v; plain notation
 * (100000, not 1e+05) when the exponent is moderate. */
static void format_round_trip(double v, char *buf, size_t size)
{
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    snprintf(buf, size, "%.*g", prec, v);
    const char *e = strchr(buf, 'e');
    if (e == NULL)
        return;
    int exponent = atoi(e + 1);
    if (exponent >= -5 && exponent < 17) {
        int decimals = prec - 1 - exponent;
        snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, v);
    }
}

static void print_result(const tob_breaks_t *b, int counts)
{
    size_t k = tob_breaks_count(b);
    const double *v = tob_breaks_values(b);
    char buf[64];
    for (size_t i = 0; i <= k; i++) {
        format_round_trip(v[i], buf, sizeof buf);
        printf("%s%s", i > 0 ? " " : "", buf);
    }
    putchar('\n');
    for (size_t i = 0; counts && i < k; i++)
        printf("%zu%s", tob_breaks_counts(b)[i], i + 1 < k ? " " : "\n");
}

static int classify_and_print(const breaks_args_t *a, const char *source,
                              tob_classify_method_t m, size_t k,
                              const value_list_t *l)
{
    tob_error_t err;
    tob_error_clear(&err);
    tob_breaks_t *b = NULL;
    if (tob_classify_ex(l->v, l->n, k, m, &a->opts, &b, &err) != TOB_OK) {
        if (err.code == TOB_ERR_INPUT)
            tob_error_at(&err, source, 0, NULL);
        return tob_cli_fail(&err);
    }
    print_result(b, a->counts);
    if (fflush(stdout) != 0) {
        tob_breaks_destroy(b);
        tob_error_set(&err, TOB_ERR_IO, "cannot write the breaks: %s",
                      strerror(errno));
        return tob_cli_fail(&err);
    }
    tob_cli_note("%zu values, %zu missing\n", tob_breaks_n_values(b),
                 tob_breaks_n_missing(b));
    size_t got = tob_breaks_count(b);
    int fixed = m == TOB_CLASSIFY_MSD || m == TOB_CLASSIFY_MANUAL ||
                m == TOB_CLASSIFY_HEADTAILS;
    size_t asked =
        m == TOB_CLASSIFY_Q6 || m == TOB_CLASSIFY_Q6_QUARTILES ? 6 : k;
    if (!fixed && got < asked)
        tob_cli_note("note: %zu classes, not %zu: too few distinct values "
                     "or ties\n",
                     got, asked);
    tob_breaks_destroy(b);
    return TOB_EXIT_OK;
}

static int run(int argc, char **argv)
{
    breaks_args_t a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc;
    if (a.method_name == NULL)
        return tob_cli_usage_error("breaks", "--method is required");
    tob_error_t err;
    tob_error_clear(&err);
    tob_classify_method_t m;
    if (tob_classify_method_from_name(a.method_name, &m, &err) != TOB_OK)
        return tob_cli_usage_error("breaks", "%s", err.message);
    size_t k = 0;
    if ((rc = resolve_classes(&a, m, &k)) != 0)
        return rc;
    const char *source = a.path != NULL ? a.path : "<stdin>";
    value_list_t l = {0};
    if (read_values(&a, source, &l, &err) != TOB_OK) {
        free(l.v);
        return tob_cli_fail(&err);
    }
    rc = classify_and_print(&a, source, m, k, &l);
    free(l.v);
    return rc;
}

const tob_cli_command_t tob_cmd_breaks = {
    "breaks", "class breaks of numbers (fisher, quantile, q6...)", usage, run};
