#!/usr/bin/python3
"""bench_paint.py SITE [HASH] - first paint of a terrobs site's map page in
headless Chromium (Selenium): from the navigation's start to the frame
after the polygons are drawn and coloured, as the page itself notes it
(TOB.mapState().painted, performance.now()). Five real loads (about:blank
in between), printed with their median. Used by bench/bench_site.sh; run
by hand on any site: python3 bench/bench_paint.py /tmp/site
'#commune/population_2021/2021'."""
import sys
import time
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

site = sys.argv[1]
where = sys.argv[2] if len(sys.argv) > 2 else ""
o = Options()
for a in ["--headless=new", "--no-sandbox", "--disable-gpu",
          "--window-size=1280,900", "--host-resolver-rules=MAP * ~NOTFOUND"]:
    o.add_argument(a)
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
times = []
for run in range(5):
    d.get("about:blank")
    d.get("file://" + site + "/index.html" + where)
    t0 = time.time()
    painted = 0
    while time.time() - t0 < 120:
        painted = d.execute_script(
            "try { return TOB.mapState().painted; } catch (e) { return 0; }")
        if painted:
            break
        time.sleep(0.02)
    times.append(painted / 1000)
d.quit()
print("first paint %s: %s s (median %.2f s; target < 2 s)" %
      (where or "(first level)", ", ".join("%.2f" % t for t in times),
       sorted(times)[len(times) // 2]))
