"""site_browser.py - drives the site `terrobs site` wrote through headless
Chromium (Debian's chromium-driver and python3-selenium), with the network
cut (every host name resolves to nothing). Checks what a reader does:
pick an indicator and see the map recolour with the right legend; hover
and click Cambrai and land on its page showing its population, read here
from the source CSV; pick a reference territory and see its figure; search
"cambresis" with the keyboard and reach the SCoT's page. No console
message, no request outside the folder. Screenshots are kept in OUT.

usage: site_browser.py SITE_DIR INDICATORS.csv OUT_DIR"""
import csv
import math
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
                 "f/contrats-scot-S59-CA.html"]:
        driver.get(ROOT + page)
        page_done()
    driver.save_screenshot(OUT + "/site-contrat.png")
finally:
    messages.extend(driver.get_log("browser"))
    driver.quit()

check(not messages, "no console message: %s" % messages[:3])
sys.exit(1 if failures else 0)
