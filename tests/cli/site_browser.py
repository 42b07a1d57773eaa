"""site_browser.py - drives the site `terrobs site` wrote through headless
Chromium (Debian's chromium-driver and python3-selenium), with the network
cut (every host name resolves to nothing). Checks what a reader does:
pick an indicator and see the map recolour with the right legend; hover
and click Cambrai and land on its page showing its population, read here
from the source CSV; pick a reference territory and see its figure; search
"cambresis" with the keyboard and reach the SCoT's page; proportional
circles, another level, the search without accents or hyphens, the whole
map page and a reference by keyboard, the link to the PDF carnet (the
site OUT/sitec made with --carnets OUT/atlas), text and non-text contrast
(WCAG 2.1 AA). No console message, no request outside the folder.
Screenshots are kept in OUT.

usage: site_browser.py SITE_DIR INDICATORS.csv OUT_DIR"""
import csv
import math
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

SITE, CSV, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ROOT = "file://" + SITE + "/"
failures = []


def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


def french(n, decimals=0):
    """12345.6 -> '12 345,6' with U+00A0, as terrobs writes numbers."""
    text = "%.*f" % (decimals, round(n, decimals))
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + "\u00a0".join(groups) + ("," + frac if frac else "")


def quantile_breaks(values, k):
    """R quantile() type 7 at 0, 1/k, ..., 1 (terrobs's "quantile")."""
    v = sorted(values)
    out = []
    for i in range(k + 1):
        h = (len(v) - 1) * i / k
        lo = math.floor(h)
        hi = min(lo + 1, len(v) - 1)
        out.append(v[lo] + (h - lo) * (v[hi] - v[lo]))
    return out


population = {}
with open(CSV, encoding="utf-8") as f:
    for row in csv.DictReader(f):
        population[row["insee_com"]] = int(row["population_2021"])

opts = Options()
for a in ["--headless=new", "--no-sandbox", "--disable-gpu",
          "--window-size=1280,1000", "--host-resolver-rules=MAP * ~NOTFOUND",
          "--disable-background-networking", "--disable-component-update",
          "--no-first-run"]:
    opts.add_argument(a)
opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                          options=opts)
wait = WebDriverWait(driver, 30)
messages = []


def page_done():
    """Console messages so far, and every resource the page loaded."""
    messages.extend(driver.get_log("browser"))
    urls = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".concat([location.href])")
    outside = [u for u in urls if not u.startswith(ROOT)]
    check(not outside, "no request outside the site: %s" % outside[:3])


def map_page(hash_=""):
    driver.get(ROOT + "index.html" + hash_)
    wait.until(lambda d: d.execute_script(
        "return TOB.mapState().v !== null && TOB.mapState().painted > 0"))


def circles_check():
    """Proportional circles for a count: a circle per commune with a
    population, its area proportional to it; none for a rate."""
    map_page("#commune/population_2021/2021")
    driver.find_element(
        By.CSS_SELECTOR, '#kind input[value="circles"]').click()
    wait.until(lambda d: d.find_element(By.ID, "legend").get_attribute(
        "data-kind") == "circles")
    radii = driver.execute_script("return TOB.mapState().circles") or {}
    check(len(radii) > 600, "a circle per commune: %d" % len(radii))
    big = max(radii, key=lambda c: radii[c]) if radii else None
    check(big == "59350", "the biggest circle is Lille's: %s" % big)
    # areas proportional to the populations: radii as their square roots
    want = radii.get("59178", 0) * math.sqrt(population["59122"] /
                                             population["59178"])
    check(abs(radii.get("59122", 0) - want) < 0.01,
          "Cambrai's radius %.3f is Douai's times the square root of their "
          "ratio, %.3f" % (radii.get("59122", 0), want))
    check(driver.find_elements(By.CSS_SELECTOR, "#legend svg circle.ref"),
          "the legend shows reference circles")
    driver.save_screenshot(OUT + "/site-circles.png")
    Select(driver.find_element(By.ID, "variable")).select_by_visible_text(
        "Taux de chômage des 15-64 ans 2021 (recensement)")
    wait.until(lambda d: d.execute_script("return TOB.mapState().v") ==
               "taux_chomage")
    check(driver.find_element(
        By.CSS_SELECTOR, '#kind input[value="circles"]').get_attribute(
            "disabled") is not None and
        driver.execute_script("return TOB.mapState().circles") is None,
        "no circles for a rate")
    page_done()


def level_check():
    """Switching to the EPCI: their polygons and values, the legend's
    counts, and the CA de Cambrai's population is its communes' sum."""
    map_page()
    level = Select(driver.find_element(By.ID, "level"))
    level.select_by_visible_text(next(o.text for o in level.options
                                      if o.text.startswith("EPCI (")))
    n_epci = int(level.first_selected_option.text.split("(")[1].rstrip(")"))
    wait.until(lambda d: d.execute_script(
        "var s = TOB.mapState(); return s.level === 'epci' && s.v !== null"))
    Select(driver.find_element(By.ID, "variable")).select_by_visible_text(
        "Population municipale 2021")
    wait.until(lambda d: d.execute_script("return TOB.mapState().v") ==
               "population_2021")
    state = driver.execute_script("return TOB.mapState()")
    check(len(state["fills"]) == n_epci and "200068500" in state["fills"],
          "the map shows the %d EPCI: %d" % (n_epci, len(state["fills"])))
    counts = [int(e.get_attribute("textContent").strip("()")) for e in
              driver.find_elements(By.CSS_SELECTOR, "#legend .count")]
    check(sum(counts) == n_epci, "legend counts %s add up to %d" %
          (counts, n_epci))
    check("#epci/" in driver.current_url, "the address names the level")
    cell = driver.execute_script(
        "var r = Array.from(document.querySelectorAll('#table tbody tr'))"
        ".find(r => r.cells[1].textContent === '200068500');"
        "return r ? r.cells[2].textContent : null")
    driver.get(ROOT + "t/epci/200068500.html")
    members = [td.text for td in driver.find_elements(
        By.CSS_SELECTOR, ".table-wrap tbody tr td:nth-child(2)")]
    total = sum(population.get(c, 0) for c in members)
    check(all(c in population for c in members),
          "the CSV has every member of the CA de Cambrai")
    check(len(members) == 55 and cell == french(total),
          "CA de Cambrai on the EPCI map: %r, its %d communes sum %s"
          % (cell, len(members), french(total)))
    page_done()


def search_check():
    """The search ignores case, accents and hyphens, and finds codes."""
    map_page()
    box = driver.find_element(By.ID, "search")
    for query, want in [("fontaine notre dame", "Fontaine-Notre-Dame"),
                        ("FONTAINENOTREDAME", "Fontaine-Notre-Dame"),
                        ("bevillers", "Bévillers"),
                        ("BÉVILLERS", "Bévillers"),
                        ("hem lenglet", "Hem-Lenglet"),
                        ("villers-en cauchies", "Villers-en-Cauchies"),
                        ("59122", "Cambrai")]:
        box.clear()
        box.send_keys(query)
        links = driver.find_elements(By.CSS_SELECTOR, "#results a")
        first = links[0].text if links else ""
        check(first.startswith(want + " ("),
              "search %r finds %s first: %r" % (query, want, first))
    page_done()


def focused():
    return driver.switch_to.active_element


def keyboard_check():
    """The map page by keyboard alone: the skip link first, then every
    control in order, each with a visible focus; arrows change the level,
    Enter sorts the table; a territory page's reference list likewise."""
    map_page()
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    check(focused().text == "Aller au contenu", "Tab reaches the skip link "
          "first: %r" % focused().text)
    focused().send_keys(Keys.ENTER)
    check(driver.current_url.endswith("#main") or
          driver.execute_script("return location.hash").startswith("#main"),
          "the skip link leads to the content")
    order = []
    for _ in range(40):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        e = focused()
        order.append(e.get_attribute("id") or e.get_attribute("name") or
                     e.tag_name)
        style = driver.execute_script(
            "var s = getComputedStyle(arguments[0]);"
            "return [s.outlineStyle, s.outlineWidth]", e)
        if style[0] == "none" or style[1] == "0px":
            check(False, "focus visible on %s" % order[-1])
            break
        if order[-1] == "search":
            break
    want = ["level", "variable", "kind", "search"]
    seen = [w for w in order if w in want]
    check(seen == want, "Tab order %s holds %s" % (order, want))
    driver.execute_script("document.getElementById('level').focus()")
    before = driver.execute_script("return TOB.mapState().level")
    ActionChains(driver).send_keys(Keys.ARROW_DOWN).perform()
    wait.until(lambda d: d.execute_script(
        "var s = TOB.mapState(); return s.level !== arguments[0] &&"
        " s.v !== null", before))
    check(True, "an arrow key on the level list switches the level")
    sort = driver.find_element(By.CSS_SELECTOR,
                               '#table th button[data-key="name"]')
    driver.execute_script("arguments[0].focus()", sort)
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    th = driver.find_element(By.CSS_SELECTOR, "#table thead th")
    check(th.get_attribute("aria-sort") == "ascending",
          "Enter on a column header sorts by it: %r" %
          th.get_attribute("aria-sort"))
    driver.get(ROOT + "t/commune/59122.html")
    for _ in range(30):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if focused().get_attribute("id") == "reference":
            break
    check(focused().get_attribute("id") == "reference",
          "Tab reaches the reference list")
    ActionChains(driver).send_keys(Keys.ARROW_DOWN).perform()
    ref = driver.find_element(
        By.CSS_SELECTOR, 'tr[data-v="population_2021"] td.ref').text
    check(ref.endswith("habitants"), "an arrow key picks a reference: %r" %
          ref)
    page_done()


def reference_check():
    """Each reference of the list shows the figure its column shows."""
    driver.get(ROOT + "t/commune/59122.html")
    ref = Select(driver.find_element(By.ID, "reference"))
    row = driver.find_element(By.CSS_SELECTOR,
                              'tr[data-v="population_2021"]')
    tds = row.find_elements(By.TAG_NAME, "td")
    heads = [th.text for th in driver.find_elements(
        By.CSS_SELECTOR, "table.figures thead th")]
    for label in ["Nord", "Ensemble des 661 communes"]:
        ref.select_by_visible_text(label)
        got = row.find_element(By.CSS_SELECTOR, "td.ref").text
        column = tds[heads.index(label) - 1].text
        check(got == column and got.endswith("habitants"),
              "reference %s shows %r, its column %r" % (label, got, column))
    ref.select_by_visible_text("Lille (59350)")
    got = row.find_element(By.CSS_SELECTOR, "td.ref").text
    check(got == "%s\u00a0habitants" % french(population["59350"]) or
          got == "%s habitants" % french(population["59350"]).replace(
              "\u00a0", " "),
          "Lille as reference: %r" % got)
    page_done()


def carnet_check():
    """--carnets: Cambrai's page links its PDF carnet, which opens."""
    sitec = "file://" + OUT + "/sitec/"
    driver.get(sitec + "t/commune/59122.html")
    links = driver.find_elements(By.LINK_TEXT, "Carnet de territoire (PDF)")
    href = links[0].get_attribute("href") if links else ""
    path = href[len("file://"):] if href.startswith("file://") else ""
    ok = False
    if path and os.path.exists(path):
        with open(path, "rb") as f:
            ok = f.read(5) == b"%PDF-"
    check(ok and path.startswith(OUT + "/atlas/"),
          "the carnet link %r leads to the atlas's PDF" % href)
    messages.extend(driver.get_log("browser"))


CONTRAST_JS = r"""
function rgba(s) {
  var m = s.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  var p = m[1].split(',').map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}
function over(top, under) {
  var a = top[3];
  return [0, 1, 2].map(function (i) { return top[i] * a + under[i] * (1 - a); }).concat([1]);
}
function lum(c) {
  var l = c.slice(0, 3).map(function (v) {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}
function ratio(a, b) {
  var x = lum(a), y = lum(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}
/* The backgrounds under e, composited over white and over black: over
 * the map (its canvas paints any colour under the controls and the
 * legend) the worst of both. */
function backs(e) {
  var layers = [];
  for (var n = e; n && n.nodeType === 1; n = n.parentElement) {
    if (n.id === 'map' || n.classList.contains('mapbox')) break;
    var c = rgba(getComputedStyle(n).backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] === 1) break; }
  }
  return [[255, 255, 255, 1], [0, 0, 0, 1]].map(function (base) {
    var b = base;
    for (var i = layers.length - 1; i >= 0; i--) b = over(layers[i], b);
    return b;
  });
}
var bad = [], n = 0;
document.querySelectorAll('body *').forEach(function (e) {
  var own = Array.from(e.childNodes).some(function (t) {
    return t.nodeType === 3 && t.textContent.trim();
  });
  if (!own || !e.getClientRects().length) return;
  var s = getComputedStyle(e);
  if (s.visibility === 'hidden' || e.closest('.skip, title, desc')) return;
  var fg = rgba(e instanceof SVGElement ? s.fill : s.color);
  if (!fg) return;
  var size = parseFloat(s.fontSize), big = size >= 24 || (size >= 18.66 && +s.fontWeight >= 700);
  backs(e).forEach(function (b) {
    var r = ratio(over(fg, b), b);
    n++;
    if (r < (big ? 3 : 4.5) - 1e-9) bad.push([e.tagName, e.textContent.trim().slice(0, 30), r.toFixed(2)]);
  });
});
/* non-text: legend swatches' borders, chart lines, on their background */
document.querySelectorAll('#legend .swatch').forEach(function (e) {
  var s = getComputedStyle(e), r = Math.min.apply(null, backs(e.parentElement).map(function (b) {
    return ratio(rgba(s.borderTopColor), b);
  }));
  n++;
  if (parseFloat(s.borderTopWidth) < 1 || r < 3) bad.push(['swatch border', s.borderTopColor, r.toFixed(2)]);
});
document.querySelectorAll('svg.chart polyline').forEach(function (e) {
  var r = ratio(rgba(getComputedStyle(e).stroke), [255, 255, 255, 1]);
  n++;
  if (r < 3) bad.push(['chart line', getComputedStyle(e).stroke, r.toFixed(2)]);
});
return [n, bad];
"""


def contrast_check():
    """WCAG 2.1 AA: text 4.5:1 (3:1 large) on its background, legend
    swatch borders and chart lines 3:1, focus outline 3:1."""
    pages = [("index.html#commune/population_2021/2021", True),
             ("t/commune/59122.html", False), ("t/scot/S59-CA.html", False),
             ("f/contrat-CT59-CAMBRESIS.html", False), ("suivi.html", False)]
    for page, is_map in pages:
        driver.get(ROOT + page)
        if is_map:
            wait.until(lambda d: d.execute_script(
                "return TOB.mapState().painted > 0"))
        n, bad = driver.execute_script(CONTRAST_JS)
        check(n > 20 and not bad, "contrast on %s (%d checks): %s" %
              (page, n, bad[:4]))
    outline = driver.execute_script(
        "var a = document.querySelector('main a'); a.focus();"
        "return getComputedStyle(a).outlineColor")
    rgb = [int(x) for x in outline[outline.index("(") + 1:-1].split(",")[:3]]

    def lum(c):
        c = [v / 255 for v in c]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
             for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    check((1.05) / (lum(rgb) + 0.05) >= 3,
          "the focus outline %s is 3:1 on white" % outline)


try:
    # 1. The map page, communes, then the unemployment rate.
    driver.get(ROOT + "index.html")
    wait.until(lambda d: d.execute_script(
        "return TOB.mapState().v !== null"))
    # One canvas draws every territory (no SVG path per feature), and the
    # page notes when the map was first painted (bench/bench_site.sh).
    wait.until(lambda d: d.execute_script("return TOB.mapState().painted > 0"))
    check(driver.execute_script(
        "return document.querySelectorAll('#map canvas').length === 1 &&"
        " document.querySelectorAll('#map svg path').length === 0"),
        "the map is one canvas")
    level = Select(driver.find_element(By.ID, "level"))
    level.select_by_visible_text(next(o.text for o in level.options
                                      if o.text.startswith("Commune (")))
    variable = Select(driver.find_element(By.ID, "variable"))
    variable.select_by_visible_text("Population municipale 2021")
    wait.until(lambda d: d.execute_script(
        "return TOB.mapState().v") == "population_2021")
    legend = driver.find_element(By.ID, "legend")
    check("Population municipale 2021" in legend.text, "legend title")
    labels = [e.get_attribute("textContent")
              for e in legend.find_elements(By.CSS_SELECTOR, ".label")]
    # The values the table shows, all of them; their quantile breaks
    # computed here must be the legend's bounds.
    driver.find_element(By.ID, "more").click()
    cells = driver.find_elements(By.CSS_SELECTOR, "#table tbody tr")
    shown = {}
    for tr in cells:
        tds = tr.find_elements(By.TAG_NAME, "td")
        shown[tds[1].text] = tds[2].get_attribute("textContent")
    codes = [c for c, t in shown.items() if t != "n.d."]
    values = [population[c] for c in codes if c in population]
    b = quantile_breaks(values, 5)
    want = ["%s – %s" % (french(b[i]), french(b[i + 1])) for i in range(5)]
    check(labels[:5] == want, "legend bounds %s == %s" % (labels[:5], want))
    check(shown.get("59122") == french(31425),
          "the table shows Cambrai's population: %r" % shown.get("59122"))
    # Recolour: each territory's fill is its class's colour in the legend.
    state = driver.execute_script("return TOB.mapState()")
    colours = [e.value_of_css_property("background-color") for e in
               legend.find_elements(By.CSS_SELECTOR, ".swatch")]
    swatch = driver.execute_script(
        "return Array.from(document.querySelectorAll('#legend .swatch'))"
        ".map(e => e.style.background)")
    k = next(i for i in range(5) if population["59122"] <= b[i + 1])
    check(state["fills"]["59122"] == driver.execute_script(
        "var c = document.createElement('canvas').getContext('2d');"
        "c.fillStyle = arguments[0]; return c.fillStyle;", swatch[k]),
        "Cambrai is filled with its class colour %s" % swatch[k])
    variable.select_by_visible_text(
        "Taux de chômage des 15-64 ans 2021 (recensement)")
    wait.until(lambda d: d.execute_script(
        "return TOB.mapState().v") == "taux_chomage")
    state2 = driver.execute_script("return TOB.mapState()")
    check(state2["fills"] != state["fills"], "the map recoloured")
    check("Taux de chômage" in driver.find_element(By.ID, "legend").text,
          "the legend follows the indicator")
    variable.select_by_visible_text("Population municipale 2021")
    driver.save_screenshot(OUT + "/site-map.png")
    page_done()

    # 2. Hover and click Cambrai on the map.
    mapbox = driver.find_element(By.ID, "map")
    driver.execute_script("arguments[0].scrollIntoView()", mapbox)
    pt = driver.execute_script("return TOB.pointOf('59122')")
    time.sleep(0.5)
    ActionChains(driver).move_to_element_with_offset(
        mapbox, pt["dx"], pt["dy"]).perform()
    time.sleep(0.5)
    tips = driver.find_elements(By.CSS_SELECTOR, ".leaflet-tooltip")
    tip = tips[0].get_attribute("textContent") if tips else ""
    check(tip == "Cambrai — %s\u00a0habitants" % french(31425),
          "tooltip %r" % tip)
    driver.save_screenshot(OUT + "/site-hover.png")
    ActionChains(driver).click().perform()
    wait.until(lambda d: d.current_url.endswith("/t/commune/59122.html"))
    check(driver.find_element(By.TAG_NAME, "h1").text == "Cambrai",
          "Cambrai's page")
    row = driver.find_element(By.CSS_SELECTOR,
                              'tr[data-v="population_2021"]')
    value = row.find_elements(By.TAG_NAME, "td")[0].get_attribute(
        "textContent")
    check(value == "%s\u00a0habitants" % french(population["59122"]),
          "Cambrai's population %r, the CSV says %d" %
          (value, population["59122"]))

    # 3. A reference territory: Douai.
    ref = Select(driver.find_element(By.ID, "reference"))
    wait.until(lambda d: len(ref.options) > 10)
    ref.select_by_visible_text("Douai (59178)")
    got = row.find_element(By.CSS_SELECTOR, "td.ref").get_attribute(
        "textContent")
    check(got == "%s\u00a0habitants" % french(population["59178"]),
          "Douai's population as reference %r" % got)
    check(driver.find_element(By.ID, "ref-head").text == "Douai (59178)",
          "the reference column is named")
    ref.select_by_index(1)  # a reference of the list: the département
    got = row.find_element(By.CSS_SELECTOR, "td.ref").text
    check(got.endswith("habitants") and got != "n.d.",
          "the département as reference: %r" % got)
    driver.save_screenshot(OUT + "/site-cambrai.png")
    driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    page_done()

    # 4. Search with the keyboard, from the map page.
    driver.get(ROOT + "index.html")
    box = wait.until(lambda d: d.find_element(By.ID, "search"))
    body = driver.find_element(By.TAG_NAME, "body")
    for _ in range(12):  # Tab through the page until the search box
        if driver.switch_to.active_element.get_attribute("id") == "search":
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    check(driver.switch_to.active_element.get_attribute("id") == "search",
          "the search box is reached with Tab")
    box.send_keys("cambresis")
    results = driver.find_element(By.ID, "results").text
    first = driver.find_element(By.CSS_SELECTOR, "#results a").text
    check(first.startswith("SCoT du Cambrésis"),
          "search finds the SCoT first: %r" % results[:120])
    driver.save_screenshot(OUT + "/site-search.png")
    box.send_keys(Keys.ENTER)
    wait.until(lambda d: d.current_url.endswith("/t/scot/S59-CA.html"))
    check("SCoT du Cambrésis" in driver.find_element(By.TAG_NAME, "h1").text,
          "Enter opens the SCoT's page")
    check("91 projets engagés sur 280" in driver.page_source,
          "the SCoT's page shows its contract")
    driver.save_screenshot(OUT + "/site-scot.png")
    page_done()

    # 5. The follow-up and download pages open without errors.
    for page in ["suivi.html", "telechargements.html",
                 "f/contrat-CT59-CAMBRESIS.html"]:
        driver.get(ROOT + page)
        page_done()
    driver.save_screenshot(OUT + "/site-contrat.png")

    circles_check()
    level_check()
    search_check()
    keyboard_check()
    reference_check()
    carnet_check()
    contrast_check()
finally:
    messages.extend(driver.get_log("browser"))
    driver.quit()

check(not messages, "no console message: %s" % messages[:3])
sys.exit(1 if failures else 0)
