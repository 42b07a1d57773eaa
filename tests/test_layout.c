/* test_layout.c - the page layout engine: row splitting, tables over
 * pages with repeated headers, widows, and the PDF written atomically. */
#include "terrobs/cells.h"
#include "terrobs/layout.h"

#include "testutil.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_split_fits_one_page(void **state)
{
    (void)state;
    double h[5] = {10, 10, 10, 10, 10};
    size_t starts[5];
    int new_page = -1;
    assert_int_equal(
        tob_layout_split_rows(h, 5, 12, 100, 700, starts, 5, &new_page), 1);
    assert_int_equal(new_page, 0);
    assert_int_equal(starts[0], 0);
}

static void test_split_repeats_over_pages(void **state)
{
    (void)state;
    /* 100 rows of 10 under a header of 20: first page 200 -> 18 rows,
     * then 68 per page of 700. */
    double h[100];
    for (int i = 0; i < 100; i++)
        h[i] = 10;
    size_t starts[100];
    int new_page = -1;
    size_t n =
        tob_layout_split_rows(h, 100, 20, 200, 700, starts, 100, &new_page);
    assert_int_equal(new_page, 0);
    assert_int_equal(n, 3);
    assert_int_equal(starts[0], 0);
    assert_int_equal(starts[1], 18);
    assert_int_equal(starts[2], 86);
    /* each chunk fits under its header */
    for (size_t k = 1; k + 1 < n; k++)
        assert_true(20 + 10.0 * (double)(starts[k + 1] - starts[k]) <= 700);
}

static void test_split_no_header_alone(void **state)
{
    (void)state;
    double h[4] = {30, 30, 30, 30};
    size_t starts[4];
    int new_page = 0;
    /* header + 1 row fits (50) but not header + 2 rows (80): new page */
    size_t n = tob_layout_split_rows(h, 4, 20, 60, 700, starts, 4, &new_page);
    assert_int_equal(new_page, 1);
    assert_int_equal(n, 1);
}

static void test_split_no_widow_row(void **state)
{
    (void)state;
    /* 11 rows of 10; first page holds 10 under the header: the last row
     * would be alone, so it takes one more with it. */
    double h[11];
    for (int i = 0; i < 11; i++)
        h[i] = 10;
    size_t starts[11];
    int new_page = 0;
    size_t n =
        tob_layout_split_rows(h, 11, 10, 110, 300, starts, 11, &new_page);
    assert_int_equal(n, 2);
    assert_int_equal(starts[1], 9);
}

static void test_split_short_table_kept_whole(void **state)
{
    (void)state;
    /* 5 rows of 10 under a header of 10: 60 points, a tenth of a page;
     * 45 points left: it moves whole rather than leaving 2 rows behind. */
    double h[5] = {10, 10, 10, 10, 10};
    size_t starts[5];
    int new_page = 0;
    size_t n = tob_layout_split_rows(h, 5, 10, 45, 600, starts, 5, &new_page);
    assert_int_equal(new_page, 1);
    assert_int_equal(n, 1);
    /* a long one still splits where it stands */
    double g[40];
    for (int i = 0; i < 40; i++)
        g[i] = 10;
    size_t s40[40];
    n = tob_layout_split_rows(g, 40, 10, 45, 600, s40, 40, &new_page);
    assert_int_equal(new_page, 0);
    assert_int_equal(n, 2);
}

static void test_split_tall_row_alone(void **state)
{
    (void)state;
    double h[3] = {10, 900, 10};
    size_t starts[3];
    int new_page = 0;
    size_t n = tob_layout_split_rows(h, 3, 10, 700, 700, starts, 3, &new_page);
    /* the tall row gets a page of its own rather than a loop */
    assert_true(n >= 2);
    assert_int_equal(starts[0], 0);
    assert_int_equal(
        tob_layout_split_rows(h, 0, 10, 700, 700, starts, 3, &new_page), 0);
}

static tob_status_t draw_box(void *user, cairo_t *cr, PangoContext *pango,
                             const tob_rect_t *r, tob_error_t *err)
{
    (void)pango;
    (void)err;
    int *calls = user;
    (*calls)++;
    cairo_rectangle(cr, r->x, r->y, r->width, r->height);
    cairo_stroke(cr);
    return TOB_OK;
}

static void build_long_table(tob_doc_t *doc, size_t n_rows)
{
    static const tob_table_column_t cols[] = {
        {"Commune", 3, TOB_ALIGN_LEFT},
        {"Population", 1, TOB_ALIGN_RIGHT},
    };
    const char **cells = calloc(2 * n_rows, sizeof *cells);
    char(*names)[32] = calloc(n_rows, sizeof *names);
    assert_non_null(cells);
    assert_non_null(names);
    for (size_t i = 0; i < n_rows; i++) {
        snprintf(names[i], sizeof names[i], "Commune n°%zu", i + 1);
        cells[2 * i] = names[i];
        cells[2 * i + 1] = "12\xC2\xA0"
                           "345";
    }
    tob_table_t t = {"Communes", cols, 2, cells, n_rows, 0};
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_table(doc, &t, &err), TOB_OK);
    free(cells);
    free(names);
}

static void test_document_pages_and_pdf(void **state)
{
    (void)state;
    tob_doc_info_t info = {.title = "Essai",
                           .header_left = "Territoire",
                           .header_right = "Carnet",
                           .footer_left = "terrobs"};
    tob_doc_t *doc = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_create(&info, &doc, &err), TOB_OK);
    cairo_t *cr = NULL;
    assert_int_equal(tob_doc_cover_page(doc, &cr, &err), TOB_OK);
    assert_non_null(cr);
    assert_int_equal(tob_doc_heading(doc, TOB_TEXT_H1, "Communes", &err),
                     TOB_OK);
    build_long_table(doc, 150);
    /* 150 rows of ~16 pt: at least three flow pages after the cover */
    assert_true(tob_doc_page_count(doc) >= 4);
    int calls = 0;
    assert_int_equal(tob_doc_drawing(doc, 300, draw_box, &calls, &err), TOB_OK);
    assert_int_equal(calls, 1);
    char path[4096];
    tob_test_path(path, sizeof path, "doc.pdf");
    assert_int_equal(tob_doc_write_pdf(doc, path, &err), TOB_OK);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char magic[5] = {0};
    assert_int_equal(fread(magic, 1, 4, fp), 4);
    fclose(fp);
    assert_string_equal(magic, "%PDF");
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%.*s.tmp.pdf", (int)strlen(path) - 4, path);
    assert_int_equal(access(tmp, F_OK), -1); /* renamed, not left behind */
    tob_doc_destroy(doc);
}

/* The whole file in memory, NUL-terminated (PDF bytes hold no NUL before
 * the streams we look at: cairo writes the outline uncompressed). */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
    b[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return b;
}

static const char *find_bytes(const char *b, size_t len, const char *what)
{
    size_t n = strlen(what);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(b + i, what, n) == 0)
            return b + i;
    return NULL;
}

/* Object number of the page a bookmark titled `title` points to, and of
 * its parent outline item. */
static void bookmark(const char *b, size_t len, const char *title, int *page,
                     int *parent)
{
    char key[128];
    snprintf(key, sizeof key, "/Title (%s)", title);
    const char *t = find_bytes(b, len, key);
    if (t == NULL)
        fail_msg("no bookmark '%s'", title);
    const char *p = strstr(t, "/Parent "), *d = strstr(t, "/Dest [");
    assert_non_null(p);
    assert_non_null(d);
    *parent = atoi(p + 8);
    *page = atoi(d + 7);
}

/* Bookmarks: one per heading, at its page, sub-sections under their
 * section; author and keywords in the document information. */
static void test_pdf_outline_and_metadata(void **state)
{
    (void)state;
    tob_doc_info_t info = {.title = "Essai",
                           .author = "Observatoire du Nord",
                           .keywords = "carnet, EPCI"};
    tob_doc_t *doc = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_create(&info, &doc, &err), TOB_OK);
    assert_int_equal(tob_doc_heading(doc, TOB_TEXT_H1, "Partie A", &err),
                     TOB_OK);
    assert_int_equal(tob_doc_paragraph(doc, TOB_TEXT_BODY, "Un.", &err),
                     TOB_OK);
    tob_doc_page_break(doc);
    assert_int_equal(tob_doc_heading(doc, TOB_TEXT_H2, "Detail", &err), TOB_OK);
    assert_int_equal(tob_doc_paragraph(doc, TOB_TEXT_BODY, "Deux.", &err),
                     TOB_OK);
    tob_doc_page_break(doc);
    assert_int_equal(tob_doc_heading(doc, TOB_TEXT_H1, "Partie B", &err),
                     TOB_OK);
    assert_int_equal(tob_doc_paragraph(doc, TOB_TEXT_BODY, "Trois.", &err),
                     TOB_OK);
    char path[4096];
    tob_test_path(path, sizeof path, "outline.pdf");
    assert_int_equal(tob_doc_write_pdf(doc, path, &err), TOB_OK);
    assert_int_equal(tob_doc_page_count(doc), 3);
    tob_doc_destroy(doc);
    size_t len = 0;
    char *b = slurp(path, &len);
    const char *kids = find_bytes(b, len, "/Kids [");
    assert_non_null(kids);
    int pages[3];
    assert_int_equal(sscanf(kids, "/Kids [ %d 0 R %d 0 R %d 0 R", &pages[0],
                            &pages[1], &pages[2]),
                     3);
    int page_a, parent_a, page_d, parent_d, page_b, parent_b;
    bookmark(b, len, "Partie A", &page_a, &parent_a);
    bookmark(b, len, "Detail", &page_d, &parent_d);
    bookmark(b, len, "Partie B", &page_b, &parent_b);
    assert_int_equal(page_a, pages[0]);
    assert_int_equal(page_d, pages[1]);
    assert_int_equal(page_b, pages[2]);
    assert_int_equal(parent_a, parent_b); /* both at the root */
    /* Detail's parent is Partie A's item: "N 0 obj" before its title */
    const char *item = find_bytes(b, len, "/Title (Partie A)");
    const char *obj = item;
    while (obj > b && memcmp(obj, " 0 obj", 6) != 0)
        obj--;
    while (obj > b && obj[-1] >= '0' && obj[-1] <= '9')
        obj--;
    assert_int_equal(parent_d, atoi(obj));
    assert_non_null(find_bytes(b, len, "/Author (Observatoire du Nord)"));
    assert_non_null(find_bytes(b, len, "/Keywords (carnet, EPCI)"));
    assert_null(find_bytes(b, len, "/Subtype /Link")); /* 3 pages: no TOC */
    free(b);
}

/* "N 0 obj" of the PDF: where object N starts. */
static const char *object(const char *b, size_t len, int n)
{
    char key[32];
    snprintf(key, sizeof key, "\n%d 0 obj", n);
    const char *o = find_bytes(b, len, key);
    if (o == NULL)
        fail_msg("no object %d", n);
    return o + 1;
}

/* The page object a named destination (its name tree entry) points to. */
static int dest_page(const char *b, size_t len, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "(%s) [", name);
    const char *d = find_bytes(b, len, key);
    if (d == NULL)
        fail_msg("no destination %s", name);
    return atoi(d + strlen(key));
}

/* Longer than four pages: a "Sommaire" page after the cover whose links
 * (one per heading) point, through named destinations, at the page of
 * their heading; numbers and bookmarks count the new page. Four pages or
 * fewer (test_pdf_outline_and_metadata): no contents, no link. */
static void test_pdf_contents_with_links(void **state)
{
    (void)state;
    tob_doc_info_t info = {.title = "Essai", .footer_left = "terrobs"};
    tob_doc_t *doc = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_create(&info, &doc, &err), TOB_OK);
    cairo_t *cr = NULL;
    assert_int_equal(tob_doc_cover_page(doc, &cr, &err), TOB_OK);
    for (int i = 1; i <= 5; i++) {
        char title[32];
        snprintf(title, sizeof title, "Partie %d", i);
        assert_int_equal(tob_doc_heading(doc, TOB_TEXT_H1, title, &err),
                         TOB_OK);
        assert_int_equal(tob_doc_paragraph(doc, TOB_TEXT_BODY, "Un.", &err),
                         TOB_OK);
        if (i == 3) {
            assert_int_equal(tob_doc_heading(doc, TOB_TEXT_H2, "Detail", &err),
                             TOB_OK);
            assert_int_equal(
                tob_doc_paragraph(doc, TOB_TEXT_BODY, "Deux.", &err), TOB_OK);
        }
        tob_doc_page_break(doc);
    }
    char path[4096];
    tob_test_path(path, sizeof path, "contents.pdf");
    assert_int_equal(tob_doc_write_pdf(doc, path, &err), TOB_OK);
    assert_int_equal(tob_doc_page_count(doc), 7); /* cover, contents, 5 */
    tob_doc_destroy(doc);
    size_t len = 0;
    char *b = slurp(path, &len);
    const char *kids = find_bytes(b, len, "/Kids [");
    assert_non_null(kids);
    int pages[7];
    assert_int_equal(sscanf(kids,
                            "/Kids [ %d 0 R %d 0 R %d 0 R %d 0 R %d 0 R %d 0 R"
                            " %d 0 R",
                            &pages[0], &pages[1], &pages[2], &pages[3],
                            &pages[4], &pages[5], &pages[6]),
                     7);
    /* The headings' pages among the 7: Partie 1 to 5 on pages 3 to 7,
     * Detail with Partie 3. */
    static const int want[6] = {2, 3, 4, 4, 5, 6};
    const char *page = object(b, len, pages[1]);
    const char *annots = strstr(page, "/Annots [");
    assert_non_null(annots);
    assert_true(annots < strstr(page, "endobj"));
    const char *a = annots + 9;
    for (int i = 0; i < 6; i++) {
        char *end = NULL;
        long n = strtol(a, &end, 10);
        assert_true(n > 0);
        a = end + 4; /* " 0 R" */
        const char *annot = object(b, len, (int)n);
        assert_non_null(strstr(annot, "/Subtype /Link"));
        char dest[16], name[8];
        snprintf(dest, sizeof dest, "/Dest (h%d)", i);
        snprintf(name, sizeof name, "h%d", i);
        const char *d = strstr(annot, dest);
        assert_true(d != NULL && d < strstr(annot, "endobj"));
        assert_int_equal(dest_page(b, len, name), pages[want[i]]);
    }
    /* No other page holds a link. */
    for (int i = 0; i < 7; i++) {
        const char *o = object(b, len, pages[i]);
        const char *an = strstr(o, "/Annots");
        assert_true(i == 1 || an == NULL || an > strstr(o, "endobj"));
    }
    int bm_page, bm_parent;
    bookmark(b, len, "Partie 1", &bm_page, &bm_parent);
    assert_int_equal(bm_page, pages[2]);
    bookmark(b, len, "Detail", &bm_page, &bm_parent);
    assert_int_equal(bm_page, pages[4]);
    free(b);
}

static void test_write_to_missing_dir_fails(void **state)
{
    (void)state;
    tob_doc_t *doc = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_create(NULL, &doc, &err), TOB_OK);
    assert_int_equal(tob_doc_paragraph(doc, TOB_TEXT_BODY, "Texte.", &err),
                     TOB_OK);
    assert_int_equal(tob_doc_write_pdf(doc, "/nonexistent/dir/x.pdf", &err),
                     TOB_ERR_IO);
    assert_non_null(strstr(err.source, "/nonexistent/dir/x.pdf"));
    tob_doc_destroy(doc);
}

/* ---- keep-with-next and the last page ---------------------------------- */

static tob_doc_t *new_doc(void)
{
    tob_doc_t *doc = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_create(NULL, &doc, &err), TOB_OK);
    return doc;
}

static void para(tob_doc_t *doc, const char *text)
{
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_paragraph(doc, TOB_TEXT_BODY, text, &err), TOB_OK);
}

static void heading(tob_doc_t *doc, const char *text)
{
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_heading(doc, TOB_TEXT_H1, text, &err), TOB_OK);
}

/* One-line paragraphs, then a space, until exactly `left` points are
 * left on the first page. */
static void fill_page(tob_doc_t *doc, double left)
{
    para(doc, "Premier paragraphe.");
    while (tob_doc_remaining(doc) > left + 20)
        para(doc, "Un paragraphe d'une ligne pour remplir la page.");
    tob_doc_space(doc, tob_doc_remaining(doc) - left);
    assert_int_equal(tob_doc_page_count(doc), 1);
    assert_true(fabs(tob_doc_remaining(doc) - left) < 0.01);
}

/* What the heading and its block leave on a page of their own. */
static double alone(void (*blocks)(tob_doc_t *))
{
    tob_doc_t *doc = new_doc();
    blocks(doc);
    double left = tob_doc_remaining(doc);
    tob_doc_destroy(doc);
    return left;
}

static void heading_and_lines(tob_doc_t *doc)
{
    heading(doc, "Population");
    para(doc, "un\ndeux\ntrois\nquatre\ncinq\nsix\nsept\nhuit\nneuf");
}

/* Room for the heading and one line only: the heading goes to the next
 * page with the first lines of its paragraph, not alone at the foot. */
static void test_heading_moves_with_its_lines(void **state)
{
    (void)state;
    tob_doc_t *doc = new_doc();
    fill_page(doc, 55); /* an H1 takes ~41 pt, a line ~11 */
    heading_and_lines(doc);
    assert_int_equal(tob_doc_page_count(doc), 2);
    assert_true(fabs(tob_doc_remaining(doc) - alone(heading_and_lines)) < 0.01);
    tob_doc_destroy(doc);
}

static void heading_lead_and_table(tob_doc_t *doc)
{
    heading(doc, "Contrats et projets");
    para(doc, "Projets situés sur le territoire, tous contrats confondus :");
    build_long_table(doc, 30);
}

/* A heading, a one-line lead and a table: when the table's header and
 * first rows move to the next page, the heading and its lead go too. */
static void test_heading_and_lead_move_with_table(void **state)
{
    (void)state;
    tob_doc_t *doc = new_doc();
    fill_page(doc, 80); /* heading + lead fit, not the table's start */
    heading_lead_and_table(doc);
    assert_true(fabs(tob_doc_remaining(doc) - alone(heading_lead_and_table)) <
                0.01);
    tob_doc_destroy(doc);
}

static size_t written_pages(tob_doc_t *doc, const char *name)
{
    char path[4096];
    tob_test_path(path, sizeof path, name);
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_write_pdf(doc, path, &err), TOB_OK);
    return tob_doc_page_count(doc);
}

/* A page of paragraphs, then a heading and a short note that miss it by a
 * few lines. */
static void short_note_after_a_page(tob_doc_t *doc)
{
    fill_page(doc, 15);
    heading(doc, "Méthode");
    para(doc, "Les valeurs sont celles de l'observatoire.\nLe rang compare "
              "le territoire à ceux de son niveau.\nLes densités découlent "
              "des surfaces.");
}

/* A short last paragraph that misses the first page by a few lines is not
 * given a page of its own: the page's gaps close up to hold it. */
static void test_short_last_paragraph_no_page_of_its_own(void **state)
{
    (void)state;
    tob_doc_t *doc = new_doc();
    short_note_after_a_page(doc);
    assert_int_equal(tob_doc_page_count(doc), 2); /* it did not fit */
    assert_int_equal(written_pages(doc, "fold.pdf"), 1);
    tob_doc_destroy(doc);
    /* Control: a last block of half a page still needs its own page. */
    doc = new_doc();
    fill_page(doc, 15);
    char text[2048] = "ligne";
    for (int i = 0; i < 30; i++)
        strcat(text, "\nligne");
    para(doc, text);
    assert_int_equal(written_pages(doc, "nofold.pdf"), 2);
    tob_doc_destroy(doc);
}

static void test_no_empty_page_on_break(void **state)
{
    (void)state;
    tob_doc_t *doc = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_create(NULL, &doc, &err), TOB_OK);
    assert_int_equal(tob_doc_paragraph(doc, TOB_TEXT_BODY, "Un.", &err),
                     TOB_OK);
    tob_doc_page_break(doc);
    tob_doc_page_break(doc);
    assert_int_equal(tob_doc_paragraph(doc, TOB_TEXT_BODY, "Deux.", &err),
                     TOB_OK);
    tob_doc_page_break(doc);
    assert_int_equal(tob_doc_page_count(doc), 2);
    /* A page break is kept: the short last page is not folded into it. */
    assert_int_equal(written_pages(doc, "break.pdf"), 2);
    tob_doc_destroy(doc);
}

/* Numbers formatted the French way survive the trip through Pango and the
 * PDF: pdftotext reads "12 345,6" and "9,9 %" (DejaVu draws U+00A0 with
 * the space glyph, so the text layer may give either space), and "n.d.". */
static int has_either(const char *text, const char *left, const char *right)
{
    char a[64], b[64];
    snprintf(a, sizeof a, "%s\xC2\xA0%s", left, right);
    snprintf(b, sizeof b, "%s %s", left, right);
    return strstr(text, a) != NULL || strstr(text, b) != NULL;
}

static void test_french_numbers_in_cells(void **state)
{
    (void)state;
    static const tob_table_column_t cols[] = {
        {"Indicateur", 2, TOB_ALIGN_LEFT},
        {"Valeur", 1, TOB_ALIGN_RIGHT},
    };
    char a[TOB_FMT_MAX], b[TOB_FMT_MAX], c[TOB_FMT_MAX];
    const char *cells[] = {
        "Population", tob_fmt_number_fr(12345.6, 1, a, sizeof a),
        "Chômage",    tob_fmt_percent_fr(9.87, 1, b, sizeof b),
        "Inconnu",    tob_fmt_number_fr(NAN, 1, c, sizeof c),
    };
    tob_table_t t = {NULL, cols, 2, cells, 3, 0};
    tob_doc_t *doc = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_create(NULL, &doc, &err), TOB_OK);
    assert_int_equal(tob_doc_table(doc, &t, &err), TOB_OK);
    char path[4096], cmd[4200], text[4096] = "";
    tob_test_path(path, sizeof path, "fr.pdf");
    assert_int_equal(tob_doc_write_pdf(doc, path, &err), TOB_OK);
    tob_doc_destroy(doc);
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(text, 1, sizeof text - 1, p);
    text[n] = '\0';
    assert_int_equal(pclose(p), 0);
    assert_true(has_either(text, "12", "345,6"));
    assert_true(has_either(text, "9,9", "%"));
    assert_null(strstr(text, "12345")); /* never without its separator */
    assert_non_null(strstr(text, "n.d."));
    assert_non_null(strstr(text, "Chômage"));
}

/* ---- tagged structure --------------------------------------------------- */

/* pdfinfo -struct-text of the PDF at path (poppler-utils) into out. */
static void read_struct(const char *path, char *out, size_t size)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "pdfinfo -struct-text '%s' 2>&1", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
}

/* Lines of text that are `tag` elements: "  H1 (block)", "    TD". */
static int count_tag(const char *text, const char *tag)
{
    int n = 0;
    size_t len = strlen(tag);
    for (const char *l = text; l != NULL && *l; l = strchr(l, '\n')) {
        if (*l == '\n')
            l++;
        while (*l == ' ')
            l++;
        if (strncmp(l, tag, len) == 0 && (l[len] == '\n' || l[len] == ' '))
            n++;
    }
    return n;
}

static int count_str(const char *text, const char *s)
{
    int n = 0;
    for (const char *p = strstr(text, s); p != NULL; p = strstr(p + 1, s))
        n++;
    return n;
}

static int is_tagged(const char *path)
{
    char cmd[4200], line[256];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int yes = 0;
    while (fgets(line, sizeof line, p) != NULL)
        if (strncmp(line, "Tagged:", 7) == 0 && strstr(line, "yes") != NULL)
            yes = 1;
    pclose(p);
    return yes;
}

/* Headings, key figures, a short table with its cells, a drawing and a
 * long table: each in its structure element, read back by poppler. */
static void test_tagged_structure(void **state)
{
    (void)state;
    static const tob_table_column_t cols[] = {
        {"Territoire", 2, TOB_ALIGN_LEFT},
        {"2021", 1, TOB_ALIGN_RIGHT},
    };
    const char *cells[] = {"Amiens", "1", "Abbeville", "2", "Somme", "3"};
    tob_table_t t = {"Population", cols, 2, cells, 3, 0};
    tob_figure_t figs[4] = {{"12", "habitants", "Population", NULL},
                            {"3", "%", "Chômage", "Rang : 2e"},
                            {"5", NULL, "Communes", NULL},
                            {"7", "km²", "Superficie", NULL}};
    tob_doc_t *doc = new_doc();
    tob_error_t err;
    tob_error_clear(&err);
    heading(doc, "Chiffres clés");
    assert_int_equal(tob_doc_figures(doc, figs, 4, &err), TOB_OK);
    heading(doc, "Évolution");
    int calls = 0;
    assert_int_equal(tob_doc_drawing(doc, 200, draw_box, &calls, &err), TOB_OK);
    assert_int_equal(tob_doc_table(doc, &t, &err), TOB_OK);
    heading(doc, "Les communes");
    build_long_table(doc, 60); /* over two pages */
    char path[4096], text[65536];
    tob_test_path(path, sizeof path, "tags.pdf");
    assert_int_equal(tob_doc_write_pdf(doc, path, &err), TOB_OK);
    tob_doc_destroy(doc);
    assert_true(is_tagged(path)); /* /MarkInfo << /Marked true >> */
    read_struct(path, text, sizeof text);
    assert_int_equal(strncmp(text, "Document\n", 9), 0);
    assert_int_equal(count_tag(text, "H1"), 3);
    assert_non_null(strstr(text, "H1 (block)\n    \"Chiffres clés\""));
    assert_true(strstr(text, "\"Chiffres clés\"") <
                strstr(text, "\"Évolution\""));
    assert_true(strstr(text, "\"Évolution\"") <
                strstr(text, "\"Les communes\""));
    /* Key figures: a list of four items; the short table: a header row of
     * TH and one row a line; the long one a TBody of its rows a page. */
    assert_int_equal(count_tag(text, "L"), 1);
    assert_int_equal(count_tag(text, "LI"), 4);
    assert_int_equal(count_tag(text, "Table"), 2);
    assert_int_equal(count_tag(text, "TR"), 4);
    assert_int_equal(count_tag(text, "TD"), 6);
    assert_int_equal(count_tag(text, "TH"), 2);
    assert_int_equal(count_tag(text, "TBody"), 3); /* one a page */
    assert_non_null(
        strstr(text, "LI (block)\n      \"12 habitantsPopulation\""));
    assert_non_null(strstr(text, "TH\n        \"Territoire\""));
    assert_int_equal(count_tag(text, "Figure"), 1);
    assert_int_equal(count_tag(text, "Caption"), 1); /* the short one's */
    assert_non_null(strstr(text, "TBody\n      \"CommunesCommunePopulation"));
    assert_int_equal(count_str(text, "Commune n°60"), 1);
    assert_int_equal(count_str(text, "(suite)"), 0);
    assert_int_equal(count_str(text, "Page 1 /"), 0); /* not in a TBody */
}

/* A folded last page: its blocks and the page's before are each tagged
 * once, whole, in order. */
static void test_tags_once_across_the_fold(void **state)
{
    (void)state;
    tob_doc_t *doc = new_doc();
    short_note_after_a_page(doc);
    assert_int_equal(tob_doc_page_count(doc), 2);
    char path[4096], text[65536];
    tob_test_path(path, sizeof path, "fold_tags.pdf");
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_write_pdf(doc, path, &err), TOB_OK);
    assert_int_equal(tob_doc_page_count(doc), 1); /* folded */
    tob_doc_destroy(doc);
    read_struct(path, text, sizeof text);
    assert_int_equal(count_tag(text, "H1"), 1);
    assert_int_equal(count_str(text, "\"Méthode\""), 1);
    assert_int_equal(count_str(text, "\"Premier paragraphe.\""), 1);
    assert_int_equal(count_str(text, "\"Les valeurs sont celles"), 1);
    /* every paragraph once: the first, the fillers, the note */
    int fillers = count_str(text, "\"Un paragraphe d'une ligne");
    assert_true(fillers > 10);
    assert_int_equal(count_tag(text, "P"), fillers + 2);
    assert_true(strstr(text, "\"Premier paragraphe.\"") <
                strstr(text, "\"Méthode\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_fits_one_page),
        cmocka_unit_test(test_split_repeats_over_pages),
        cmocka_unit_test(test_split_no_header_alone),
        cmocka_unit_test(test_split_no_widow_row),
        cmocka_unit_test(test_split_short_table_kept_whole),
        cmocka_unit_test(test_split_tall_row_alone),
        cmocka_unit_test(test_document_pages_and_pdf),
        cmocka_unit_test(test_write_to_missing_dir_fails),
        cmocka_unit_test(test_pdf_outline_and_metadata),
        cmocka_unit_test(test_pdf_contents_with_links),
        cmocka_unit_test(test_no_empty_page_on_break),
        cmocka_unit_test(test_heading_moves_with_its_lines),
        cmocka_unit_test(test_heading_and_lead_move_with_table),
        cmocka_unit_test(test_short_last_paragraph_no_page_of_its_own),
        cmocka_unit_test(test_french_numbers_in_cells),
        cmocka_unit_test(test_tagged_structure),
        cmocka_unit_test(test_tags_once_across_the_fold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
