/* site.js - the pages of the web observatory made by `terrobs site`.
 * Data arrive as <script> files calling TOB.addSite, addGeo, addValues and
 * addSearch (no fetch, so file:// works); classes, colours and French
 * texts are computed by terrobs, never here. Leaflet draws the map. */
var TOB = (function () {
  'use strict';
  var site = null, geo = {}, values = {}, search = [], waiting = [];
  var root = '';

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/ß/g, 'ss')
      .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  }
  function pageOf(level, code) {
    var safe = code.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^-/, '_');
    return root + 't/' + level + '/' + safe + '.html';
  }
  function levelOf(name) {
    for (var i = 0; i < site.levels.length; i++)
      if (site.levels[i].name === name) return site.levels[i];
    return null;
  }

  /* ---- data files ------------------------------------------------------ */
  function settle() {
    waiting = waiting.filter(function (w) {
      var ready = w.parts.every(function (p) {
        return (p === 'geo' ? geo : values)[w.level];
      });
      if (ready) w.cb();
      return !ready;
    });
  }
  function need(level, parts, cb) {
    parts.forEach(function (p) {
      var have = (p === 'geo' ? geo : values)[level];
      var id = 'data-' + level + '-' + p;
      if (!have && !$(id)) {
        var s = el('script', { id: id, src: root + 'data/' + level + '-' + p + '.js' });
        document.body.appendChild(s);
      }
    });
    waiting.push({ level: level, parts: parts, cb: cb });
    settle();
  }

  /* Arcs are delta-coded integers; rings list arcs, ~i read backwards.
   * Each vertex becomes one L.LatLng, shared by the neighbours whose
   * border it is (Leaflet keeps a LatLng it is given): half the objects
   * to make and collect on a national map. */
  function arcsOf(g) {
    if (g.decoded) return g.decoded;
    var ox = g.origin[0], oy = g.origin[1], step = g.step;
    g.decoded = g.arcs.map(function (a) {
      var pts = new Array(a.length / 2), x = 0, y = 0;
      for (var i = 0; i < a.length; i += 2) {
        x += a[i]; y += a[i + 1];
        pts[i / 2] = new L.LatLng(oy + y * step, ox + x * step);
      }
      return pts;
    });
    return g.decoded;
  }
  function shapeOf(g, i) {
    var arcs = arcsOf(g);
    return g.shapes[i].map(function (poly) {
      return poly.map(function (ring) {
        var pts = [];
        for (var k = 0; k < ring.length; k++) {
          var ref = ring[k], a = arcs[ref < 0 ? ~ref : ref], j;
          if (ref < 0)
            for (j = a.length - (k ? 2 : 1); j >= 0; j--) pts.push(a[j]);
          else
            for (j = k ? 1 : 0; j < a.length; j++) pts.push(a[j]);
        }
        return pts;
      });
    });
  }

  /* ---- the map page ---------------------------------------------------- */
  var NODATA = '#d0d0d0';
  var state = { level: 0, series: 0, kind: 'choropleth' };
  var map = null, layer = null, circles = null, polys = [], rows = [];
  var drawn = null, drawnKind = 'choropleth', painted = 0;
  var sortKey = 'value', sortDown = true, showAll = false;

  function seriesLabel(s) {
    var v = site.variables[s.v];
    return v.label + (String(v.label).indexOf(String(s.y)) >= 0 ? '' : ' (' + s.y + ')');
  }
  function unitText(s) {
    var u = site.variables[s.v].unit;
    return u ? '\u00a0' + u : '';
  }
  function valueText(s, i) {
    return s.text[i] === 'n.d.' ? 'n.d.' : s.text[i] + unitText(s);
  }
  function readHash() {
    var h = decodeURIComponent(location.hash.replace(/^#/, '')).split('/');
    site.levels.forEach(function (lv, i) { if (lv.name === h[0]) state.level = i; });
    state.want = h.length >= 3 ? { v: h[1], y: +h[2] } : null;
    if (h[3] === 'cercles') state.kind = 'circles';
  }
  function writeHash() {
    var lv = site.levels[state.level], s = current();
    if (!s) return;
    history.replaceState(null, '', '#' + [lv.name, s.v, s.y,
      state.kind === 'circles' ? 'cercles' : 'aplats'].join('/'));
  }
  function current() {
    var v = values[site.levels[state.level].name];
    return v ? v.series[state.series] : null;
  }

  function fillVariables() {
    var sel = $('variable'), v = values[site.levels[state.level].name];
    sel.textContent = '';
    v.series.forEach(function (s, i) { sel.appendChild(el('option', { value: i }, seriesLabel(s))); });
    state.series = 0;
    if (state.want) {
      v.series.forEach(function (s, i) {
        if (s.v === state.want.v && s.y === state.want.y) state.series = i;
      });
      state.want = null;
    }
    sel.value = state.series;
  }

  /* One canvas renderer and one group for the whole level: the tooltip and
   * the click are the group's (one handler, e.layer says which territory),
   * and each polygon is made with its fill, so the first paint is one pass. */
  var renderer = null;
  function fillOf(s, kind, i) {
    var k = s && s.classes ? s.classes.cls[i] : -1;
    return kind === 'choropleth' && k >= 0 ? s.classes.colors[k] : kind === 'circles' ? '#f2f2f2' : NODATA;
  }
  function kindOf(s) { return state.kind === 'circles' && s && s.circles ? 'circles' : 'choropleth'; }
  function drawLevel() {
    var lv = site.levels[state.level], g = geo[lv.name], v = values[lv.name];
    var s = current(), kind = kindOf(s);
    if (layer) map.removeLayer(layer);
    if (circles) { map.removeLayer(circles); circles = null; }
    if (!renderer) renderer = L.canvas({ padding: 0.2 });
    layer = L.featureGroup();
    polys = [];
    for (var i = 0; i < g.shapes.length; i++) {
      if (!g.shapes[i].length) { polys.push(null); continue; }
      var p = L.polygon(shapeOf(g, i), {
        renderer: renderer, weight: 0.5, color: '#ffffff', opacity: 1,
        fillOpacity: 1, fillColor: fillOf(s, kind, i)
      });
      p.index = i;
      polys.push(p);
      layer.addLayer(p);
    }
    layer.bindTooltip(tooltipOf, { sticky: true });
    layer.on('click', function (e) { location.href = pageOf(lv.name, v.codes[e.layer.index]); });
    g.decoded = null; /* the polygons hold their points now */
    map.setMaxZoom(lv.maxZoom);
    if (lv.view[0] !== null)
      map.fitBounds([[lv.view[1], lv.view[0]], [lv.view[3], lv.view[2]]], { animate: false });
    layer.addTo(map);
    drawn = s; drawnKind = kind;
  }
  function tooltipOf(p) {
    var s = current(), v = values[site.levels[state.level].name], i = p.index;
    return el('span', {}, v.names[i] + ' — ' + (s ? valueText(s, i) : ''));
  }

  function legendChoropleth(s, box) {
    var c = s.classes, list = el('ul', { class: 'classes' });
    c.labels.forEach(function (label, k) {
      var li = el('li');
      li.appendChild(el('span', { class: 'swatch', style: 'background:' + c.colors[k] }));
      li.appendChild(el('span', { class: 'label' }, label));
      li.appendChild(el('span', { class: 'count' }, '(' + c.counts[k] + ')'));
      list.appendChild(li);
    });
    if (c.missing > 0) {
      var li = el('li');
      li.appendChild(el('span', { class: 'swatch', style: 'background:' + NODATA }));
      li.appendChild(el('span', { class: 'label' }, 'Données non disponibles'));
      li.appendChild(el('span', { class: 'count' }, '(' + c.missing + ')'));
      list.appendChild(li);
    }
    box.appendChild(list);
  }
  var MAX_RADIUS = 28;
  function radius(s, v) { return MAX_RADIUS * Math.sqrt(Math.max(v, 0) / s.circles.max); }
  function legendCircles(s, box) {
    var size = 2 * MAX_RADIUS + 4, svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('width', size + 110); svg.setAttribute('height', size);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'Cercles : ' + s.circles.refs.map(function (r) { return r[1]; }).join(', '));
    s.circles.refs.forEach(function (r) {
      var rad = radius(s, r[0]), c = document.createElementNS(svg.namespaceURI, 'circle');
      c.setAttribute('cx', MAX_RADIUS + 2); c.setAttribute('cy', size - 2 - rad);
      c.setAttribute('r', rad); c.setAttribute('class', 'ref');
      svg.appendChild(c);
      var t = document.createElementNS(svg.namespaceURI, 'text');
      t.setAttribute('x', 2 * MAX_RADIUS + 10); t.setAttribute('y', size - 2 - 2 * rad + 4);
      t.textContent = r[1]; svg.appendChild(t);
    });
    box.appendChild(svg);
  }
  function recolour() {
    var s = current(), lv = site.levels[state.level];
    if (!s) return;
    var circlesOk = !!s.circles, kind = kindOf(s);
    document.querySelectorAll('#kind input').forEach(function (r) {
      if (r.value === 'circles') r.disabled = !circlesOk;
      r.checked = r.value === kind;
    });
    if (circles) { map.removeLayer(circles); circles = null; }
    if (drawn !== s || drawnKind !== kind)
      polys.forEach(function (p) { if (p) p.setStyle({ fillColor: fillOf(s, kind, p.index) }); });
    drawn = s; drawnKind = kind;
    if (kind === 'circles') {
      circles = L.featureGroup();
      var order = polys.filter(function (p) { return p && s.values[p.index] > 0; })
        .sort(function (a, b) { return s.values[b.index] - s.values[a.index]; });
      order.forEach(function (p) {
        var c = L.circleMarker(p.getBounds().getCenter(), {
          radius: radius(s, s.values[p.index]), weight: 1, color: '#ffffff',
          renderer: renderer, fillColor: '#b2182b', fillOpacity: 0.85
        });
        c.index = p.index;
        circles.addLayer(c);
      });
      circles.bindTooltip(tooltipOf, { sticky: true });
      circles.on('click', function (e) { location.href = pageOf(lv.name, values[lv.name].codes[e.layer.index]); });
      circles.addTo(map);
    }
    var box = $('legend');
    box.textContent = '';
    box.appendChild(el('h2', {}, seriesLabel(s)));
    var unit = site.variables[s.v].unit;
    if (unit) box.appendChild(el('p', { class: 'unit' }, 'En ' + unit));
    if (kind === 'circles') legendCircles(s, box);
    else if (s.classes) legendChoropleth(s, box);
    box.setAttribute('data-kind', kind);
    var src = site.variables[s.v].source;
    $('source').textContent = (src ? 'Source : ' + src + ' — ' : '') + 'Réalisation : terrobs, ' + site.date;
    table();
    writeHash();
  }

  /* The same data as a table: territory, code, value; sortable. */
  function table() {
    var s = current(), lv = site.levels[state.level], v = values[lv.name];
    var t = $('table'), head = t.tHead, body = t.tBodies[0];
    t.caption.textContent = seriesLabel(s) + ' par ' + lv.label.toLowerCase() +
      (site.variables[s.v].unit ? ' (' + site.variables[s.v].unit + ')' : '');
    head.textContent = '';
    var tr = el('tr');
    [['name', 'Territoire'], ['code', 'Code'], ['value', 'Valeur']].forEach(function (c) {
      var th = el('th', { scope: 'col' });
      if (sortKey === c[0]) th.setAttribute('aria-sort', sortDown ? 'descending' : 'ascending');
      var b = el('button', { type: 'button', 'data-key': c[0] }, c[1]);
      b.addEventListener('click', function () {
        if (sortKey === c[0]) sortDown = !sortDown; else { sortKey = c[0]; sortDown = c[0] === 'value'; }
        table();
      });
      th.appendChild(b);
      tr.appendChild(th);
    });
    head.appendChild(tr);
    var idx = v.codes.map(function (c, i) { return i; });
    var key = sortKey;
    idx.sort(function (a, b) {
      var x, y;
      if (key === 'value') {
        x = s.values[a]; y = s.values[b];
        if (x === null) return 1; if (y === null) return -1;
        return sortDown ? y - x : x - y;
      }
      x = key === 'name' ? fold(v.names[a]) : v.codes[a];
      y = key === 'name' ? fold(v.names[b]) : v.codes[b];
      return (x < y ? -1 : x > y ? 1 : 0) * (sortDown ? -1 : 1);
    });
    var limit = showAll ? idx.length : Math.min(idx.length, 200);
    body.textContent = '';
    var frag = document.createDocumentFragment();
    for (var n = 0; n < limit; n++) {
      var i = idx[n], row = el('tr');
      var td = el('td');
      td.appendChild(el('a', { href: pageOf(lv.name, v.codes[i]) }, v.names[i]));
      row.appendChild(td);
      row.appendChild(el('td', {}, v.codes[i]));
      row.appendChild(el('td', { class: 'n' }, s.text[i]));
      frag.appendChild(row);
    }
    body.appendChild(frag);
    var more = $('more');
    more.hidden = limit >= idx.length;
    more.textContent = 'Afficher les ' + idx.length + ' lignes';
  }

  function searchBox() {
    var input = $('search'), list = $('results');
    /* Best first: the name itself, then names starting with it, then
     * names holding it as a word or a part; among equals, the levels of
     * fewer territories (a SCoT before its communes). */
    function matches(q) {
      var f = fold(q), bare = f.replace(/-/g, ''), code = q.trim().toUpperCase(), out = [];
      if (!f) return out;
      for (var i = 0; i < search.length; i++) {
        var e = search[i], slug = e[3], rank = -1;
        if (e[1].toUpperCase() === code || slug === f) rank = 0;
        else if (slug.indexOf(f) === 0) rank = 1;
        else if (('-' + slug + '-').indexOf('-' + f + '-') >= 0) rank = 2;
        else if (slug.indexOf(f) >= 0 || slug.replace(/-/g, '').indexOf(bare) >= 0) rank = 3;
        if (rank >= 0) out.push([rank, site.levels[e[0]].n, i, e]);
      }
      out.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
      return out.slice(0, 20).map(function (r) { return r[3]; });
    }
    input.addEventListener('input', function () {
      list.textContent = '';
      matches(input.value).forEach(function (e) {
        var lv = site.levels[e[0]], li = el('li');
        li.appendChild(el('a', { href: pageOf(lv.name, e[1]) }, e[2] + ' (' + lv.label + ', ' + e[1] + ')'));
        list.appendChild(li);
      });
      if (input.value && !list.firstChild) list.appendChild(el('li', {}, 'Aucun territoire trouvé'));
    });
    input.addEventListener('keydown', function (ev) {
      if (ev.key !== 'Enter') return;
      ev.preventDefault();
      var a = list.querySelector('a');
      if (a) location.href = a.href;
    });
  }

  function mapPage(r) {
    root = r;
    readHash();
    var lvSel = $('level');
    site.levels.forEach(function (lv, i) { lvSel.appendChild(el('option', { value: i }, lv.label + ' (' + lv.n + ')')); });
    lvSel.value = state.level;
    map = L.map('map', { preferCanvas: true, zoomSnap: 0.25, minZoom: 4 });
    map.attributionControl.setPrefix('<a href="assets/leaflet/LICENCE.txt">Leaflet</a>');
    function showLevel() {
      var lv = site.levels[state.level];
      need(lv.name, ['geo', 'values'], function () {
        fillVariables(); drawLevel(); recolour();
        /* the frame after: the canvas is painted (bench/bench_site.sh) */
        requestAnimationFrame(function () { if (!painted) painted = performance.now(); });
      });
    }
    lvSel.addEventListener('change', function () { state.level = +lvSel.value; showAll = false; showLevel(); });
    $('variable').addEventListener('change', function () { state.series = +$('variable').value; recolour(); });
    document.querySelectorAll('#kind input').forEach(function (r) {
      r.addEventListener('change', function () { state.kind = r.value; recolour(); });
    });
    $('more').addEventListener('click', function () { showAll = true; table(); });
    $('controls').addEventListener('submit', function (ev) { ev.preventDefault(); });
    searchBox();
    showLevel();
  }

  /* What the map shows, for tests and for scripts of readers: each
   * territory's fill colour, its circle's radius in pixels (circles
   * shown), and where a territory is on the page (the map
   * is first fitted to it). */
  function mapState() {
    var lv = site.levels[state.level], v = values[lv.name], s = current(), fills = {};
    /* a level chosen whose data are still loading: nothing drawn yet */
    if (!v) return { level: lv.name, v: null, y: null, fills: fills, circles: null, painted: painted };
    polys.forEach(function (p) { if (p) fills[v.codes[p.index]] = p.options.fillColor; });
    var radii = null;
    if (circles) {
      radii = {};
      circles.eachLayer(function (c) { radii[v.codes[c.index]] = c.getRadius(); });
    }
    return { level: lv.name, v: s ? s.v : null, y: s ? s.y : null, fills: fills,
      circles: radii, painted: painted };
  }
  function pointOf(code) {
    var lv = site.levels[state.level], p = polys[values[lv.name].codes.indexOf(code)];
    if (!p) return null;
    map.fitBounds(p.getBounds(), { animate: false, padding: [60, 60] });
    var c = map.latLngToContainerPoint(p.getCenter()), size = map.getSize();
    /* from the centre of the map element, as WebDriver's pointer moves */
    return { dx: Math.round(c.x - size.x / 2), dy: Math.round(c.y - size.y / 2) };
  }

  /* ---- a territory's page: the reference chosen by the reader --------- */
  function territoryPage(r, level, self, refs) {
    root = r;
    var sel = $('reference');
    function fill() {
      var v = values[level];
      var group = el('optgroup', { label: (levelOf(level) || { label: level }).label });
      v.codes.forEach(function (c, i) {
        if (c !== self) group.appendChild(el('option', { value: 't' + i }, v.names[i] + ' (' + c + ')'));
      });
      sel.appendChild(group);
    }
    function show() {
      var key = sel.value, v = values[level];
      document.querySelectorAll('tr[data-v]').forEach(function (tr) {
        var cell = tr.querySelector('td.ref'), text = '';
        if (key.charAt(0) === 'r') {
          text = refs[+key.slice(1)].values[tr.getAttribute('data-v') + '/' + tr.getAttribute('data-y')] || 'n.d.';
        } else if (key.charAt(0) === 't' && v) {
          var i = +key.slice(1);
          v.series.forEach(function (s) {
            if (s.v === tr.getAttribute('data-v') && s.y === +tr.getAttribute('data-y')) text = valueText(s, i);
          });
        }
        cell.textContent = text || (key ? 'n.d.' : '');
      });
      var head = $('ref-head');
      head.textContent = key ? sel.options[sel.selectedIndex].text : 'Référence';
    }
    sel.addEventListener('change', show);
    need(level, ['values'], fill);
    show();
  }

  return {
    addSite: function (s) { site = s; },
    addGeo: function (n, g) { geo[n] = g; settle(); },
    addValues: function (n, v) { values[n] = v; settle(); },
    addSearch: function (l) { search = l; },
    mapPage: mapPage,
    territoryPage: territoryPage,
    mapState: mapState,
    pointOf: pointOf,
    fold: fold
  };
})();
