/* site_pages.c - the frame every page shares (head, banner, footer) and the
 * map page, index.html: controls with labels, the Leaflet map, its legend
 * and source line, and the same data as a sortable table. The page's
 * behaviour is in assets/site.js; its data in data/ .js. */
#include "site_internal.h"

#include "base/html.h"

#include <string.h>

void site_page_head(const site_run_t *run, FILE *fp, const char *title,
                    const char *root)
{
    fputs("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta "
          "charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<title>",
          fp);
    html_put(fp, title);
    if (strcmp(title, run->title) != 0) {
        fputs(" — ", fp);
        html_put(fp, run->title);
    }
    fprintf(
        fp,
        "</title>\n<link rel=\"stylesheet\" "
        "href=\"%sassets/leaflet/leaflet.css\">\n"
        "<link rel=\"stylesheet\" href=\"%sassets/site.css\">\n</head>\n"
        "<body>\n<a class=\"skip\" href=\"#main\">Aller au contenu</a>\n"
        "<header class=\"banner\"><p class=\"site\"><a href=\"%sindex.html\">",
        root, root, root);
    html_put(fp, run->title);
    fprintf(fp,
            "</a></p>\n<nav aria-label=\"Menu principal\"><ul>"
            "<li><a href=\"%sindex.html\">Carte</a></li>"
            "<li><a href=\"%ssuivi.html\">Contrats et GUP</a></li>"
            "<li><a href=\"%stelechargements.html\">Téléchargements</a></li>"
            "</ul></nav></header>\n<main id=\"main\">\n",
            root, root, root);
}

void site_page_foot(const site_run_t *run, FILE *fp, const char *root)
{
    fprintf(fp,
            "</main>\n<footer><p>Réalisation : terrobs, %s. Fond de carte : "
            "aucun (les contours viennent de l'observatoire). Carte "
            "interactive : <a href=\"%sassets/leaflet/LICENCE.txt\">Leaflet"
            "</a> (licence BSD-2).</p></footer>\n",
            run->today, root);
}

tob_status_t site_write_index(site_run_t *run, tob_error_t *err)
{
    site_mem_t m;
    tob_status_t s = site_mem_open(&m, err);
    if (s != TOB_OK)
        return s;
    FILE *fp = m.fp;
    site_page_head(run, fp, run->title, "");
    fputs("<h1>", fp);
    html_put(fp, run->title);
    fputs(
        "</h1>\n"
        "<form id=\"controls\" class=\"controls\">\n"
        "<p><label for=\"level\">Niveau</label>\n"
        "<select id=\"level\"></select></p>\n"
        "<p><label for=\"variable\">Indicateur</label>\n"
        "<select id=\"variable\"></select></p>\n"
        "<fieldset id=\"kind\"><legend>Représentation</legend>\n"
        "<label><input type=\"radio\" name=\"kind\" value=\"choropleth\" "
        "checked> Aplats de couleur</label>\n"
        "<label><input type=\"radio\" name=\"kind\" value=\"circles\"> "
        "Cercles proportionnels</label></fieldset>\n"
        "<p class=\"search\"><label for=\"search\">Rechercher un territoire "
        "(nom ou code)</label>\n"
        "<input id=\"search\" type=\"search\" autocomplete=\"off\" "
        "aria-controls=\"results\" aria-describedby=\"search-help\">\n"
        "<span id=\"search-help\" class=\"help\">Accents et tirets "
        "facultatifs ; Entrée ouvre le premier résultat.</span></p>\n"
        "<ul id=\"results\" aria-live=\"polite\"></ul>\n"
        "</form>\n"
        "<div class=\"mapbox\">\n"
        "<div id=\"map\" role=\"region\" aria-label=\"Carte : le tableau "
        "sous la carte en donne les valeurs\"></div>\n"
        "<section id=\"legend\" class=\"legend\" aria-live=\"polite\">"
        "</section>\n</div>\n"
        "<p id=\"source\" class=\"source\"></p>\n"
        "<section id=\"data\"><h2 id=\"table-title\">Tableau des "
        "valeurs</h2>\n"
        "<p class=\"help\">Activer un en-tête de colonne trie le tableau.</p>\n"
        "<table id=\"table\" class=\"data\"><caption></caption><thead>"
        "</thead><tbody></tbody></table>\n"
        "<p><button type=\"button\" id=\"more\" hidden>Afficher toutes les "
        "lignes</button></p>\n</section>\n",
        fp);
    site_page_foot(run, fp, "");
    fputs("<script src=\"assets/leaflet/leaflet.js\"></script>\n"
          "<script src=\"assets/site.js\"></script>\n"
          "<script src=\"data/site.js\"></script>\n"
          "<script src=\"data/search.js\"></script>\n",
          fp);
    fputs("<script>TOB.mapPage(\"\");</script>\n</body>\n</html>\n", fp);
    return site_mem_emit(run, &m, "index.html", err);
}
