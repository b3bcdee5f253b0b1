/* A register of millions of records on the map (mapapp/webmap/registerview.py describes it, the build's files
 * hold it: mapapp/ingest/register_web.py). The browser never holds the records: for the zoom it fetches one
 * level's cells (H3 hexagons when zoomed out, the places the records name when close) and, for the window, that
 * level's counts of each year in it; a window's count per cell is summed here (windowCounts), so moving the
 * slider costs a sum over the cells, never a request per step once the years are in. Each cell is one circle on
 * the map's shared canvas, area ∝ its records in the window; records known only to a year the window holds in
 * part *may* be in it and widen the circle by a dashed ring, never by a guessed month. A place's popup pages
 * through its records, a page fetched when asked. Every text reaches the DOM as text (ctx.el). */
(function () {
  "use strict";

  /* Counts per cell for the months first..last (both included): ``years`` maps a year to its rows
   * [cell, known to the year only, month, n, month, n, …]. A record known to its year only is sure when the
   * window holds the whole year, else it may be in the window. */
  var yearTotals = new WeakMap();
  // Each row's records of the year, worked out once per year file: a year the window holds whole is one add a
  // cell, not a walk through its months (only the window's first and last years are walked).
  function totalsOf(rows) {
    var t = yearTotals.get(rows);
    if (t) return t;
    t = new Float64Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], n = r[1];
      for (var k = 3; k < r.length; k += 2) n += r[k];
      t[i] = n;
    }
    yearTotals.set(rows, t);
    return t;
  }
  function windowCounts(nCells, years, first, last) {
    var sure = new Float64Array(nCells), may = new Float64Array(nCells);
    for (var y = Math.floor(first / 12); y <= Math.floor(last / 12); y++) {
      var rows = years[y], i;
      if (!rows) continue;
      if (first <= y * 12 && y * 12 + 11 <= last) { // the whole year: every record of it is sure
        var totals = totalsOf(rows);
        for (i = 0; i < rows.length; i++) sure[rows[i][0]] += totals[i];
        continue;
      }
      for (i = 0; i < rows.length; i++) {
        var r = rows[i], c = r[0];
        if (r[1]) may[c] += r[1];
        for (var k = 2; k < r.length; k += 2) {
          var mi = y * 12 + r[k] - 1;
          if (mi >= first && mi <= last) sure[c] += r[k + 1];
        }
      }
    }
    return { sure: sure, may: may };
  }

  /* The level drawn at ``zoom``: the finest whose minZoom it reaches (else the coarsest), in whatever order. */
  function levelAt(levels, zoom) {
    var at = null, coarsest = levels[0];
    levels.forEach(function (lv) {
      if (lv.minZoom < coarsest.minZoom) coarsest = lv;
      if (lv.minZoom <= zoom && (!at || lv.minZoom > at.minZoom)) at = lv;
    });
    return at || coarsest;
  }

  /* The page of a place's records that holds the window's first month: the last page starting at or before it. */
  function pageAt(starts, first) {
    var k = 0;
    while (k + 1 < starts.length && starts[k + 1] <= first) k++;
    return k;
  }

  /* Whether a record's date (ISO, partial) lies in the window: a year alone when the window holds all of it. */
  function inWindow(iso, w) {
    var p = String(iso || "").split("-"), y = Number(p[0]);
    if (!iso || !y) return false;
    if (p.length === 1) return w[0] <= y * 12 && y * 12 + 11 <= w[1];
    var m = y * 12 + Number(p[1]) - 1;
    return m >= w[0] && m <= w[1];
  }

  /* "1937-08-15" → "15.08.1937", "1937-08" → "08.1937", "1937" as it is. */
  function dateText(iso) {
    var p = String(iso || "").split("-");
    return p.reverse().join(".");
  }

  var FULL = 0.55, PALE = 0.2; // a place's fill; pale: the records name only a region, placed at its centre

  function create(map, reg, ctx) {
    var el = ctx.el, fill = ctx.fill, fmt = ctx.fmt, S = reg.strings;
    var view = { cells: {}, years: {}, pending: {}, made: {}, drawn: null, level: null, sure: 0, may: 0, shown: 0 };
    var group = L.layerGroup().addTo(map);

    function get(rel, then) {
      if (reg.files && reg.files[rel]) { then(reg.files[rel]); return; }
      if (!reg.base || view.pending[rel]) return;
      view.pending[rel] = true;
      ctx.fetchJson(reg.base + rel, reg.id, function (got) { delete view.pending[rel]; then(got); });
    }
    var needing = false; // inside need(): files carried inline arrive at once, and must not redraw from there
    function need(lv, w) {
      // the cells and each year of the window (and the year either side, for playback), fetched once; true when
      // all the window needs is in
      needing = true;
      if (!view.cells[lv.id]) {
        get(lv.id + ".cells.json", function (rows) { view.cells[lv.id] = rows; if (!needing) redraw(); });
      }
      var years = view.years[lv.id] = view.years[lv.id] || {}, y0 = Math.floor(w[0] / 12), y1 = Math.floor(w[1] / 12);
      for (var y = y0 - 1; y <= y1 + 1; y++) {
        if (lv.years.indexOf(y) < 0 || years[y]) continue;
        (function (year, wanted) {
          get(lv.id + "/" + year + ".json", function (rows) { years[year] = rows; if (wanted && !needing) redraw(); });
        })(y, y >= y0 && y <= y1);
      }
      needing = false;
      if (!view.cells[lv.id]) return false;
      for (y = y0; y <= y1; y++) if (lv.years.indexOf(y) >= 0 && !years[y]) return false;
      return true;
    }
    function radius(lv, n) {
      return Math.max(ctx.kiosk ? 6 : 2.5, (ctx.kiosk ? 34 : 24) * Math.sqrt(n / Math.max(1, lv.top)));
    }
    function cellPopup(lv, row, sure, may) {
      var box = el("div", "mapapp-popup mapapp-register-cell");
      box.appendChild(el("h3", null, reg.title));
      box.appendChild(el("p", "mapapp-year-value", fill(S.cell, { n: fmt(sure), may: fmt(may), measure: reg.measure })));
      var zoomIn = el("button", "mapapp-button", S.zoom_in);
      zoomIn.type = "button";
      zoomIn.addEventListener("click", function () {
        var finer = reg.levels.filter(function (x) { return x.minZoom > lv.minZoom; })[0];
        map.setView([row[1], row[0]], finer ? finer.minZoom : map.getZoom() + 2);
      });
      box.appendChild(zoomIn);
      box.appendChild(el("p", "mapapp-caveat", reg.caveat));
      box.appendChild(el("p", "mapapp-citation", reg.citation + ". " + reg.credit + "."));
      return box;
    }
    function recordNode(r, w) {
      // [id, name, date, place text, field, …] (register_web.py)
      var li = el("li", "mapapp-person-record"), inWin = inWindow(r[2], w);
      if (inWin) li.classList.add("mapapp-in-window");
      li.dataset.record = String(r[0]);
      li.appendChild(el("strong", "mapapp-person-name", r[1] || "—"));
      li.appendChild(el("div", "mapapp-attr", S.date + ": " + dateText(r[2]) + (inWin ? " (" + S.in_window + ")" : "")));
      li.appendChild(el("div", "mapapp-attr", S.place_text + ": " + (r[3] || "—")));
      reg.fields.forEach(function (fd, k) {
        if (r[4 + k]) li.appendChild(el("div", "mapapp-attr", fd.label + ": " + r[4 + k]));
      });
      return li;
    }
    function sitePopup(site, row, sure, may, wanted) {
      // ``wanted``: a record found by name ({month, name, date}): its page is opened and it is marked
      var w = ctx.windowMonths(), box = el("div", "mapapp-popup mapapp-register-site");
      var total = row[2], pages = row[4] || [0];
      box.dataset.site = String(site);
      box.appendChild(el("h3", null, row[3]));
      if (row[5] === "region") box.appendChild(el("p", "mapapp-note mapapp-uncertain-text", S.region_centre));
      box.appendChild(el("p", "mapapp-year-value", fill(S.site, { n: fmt(sure), may: fmt(may), total: fmt(total),
        measure: reg.measure, first: ctx.label(w[0]), last: ctx.label(w[1]) })));
      var head = el("p", "mapapp-note mapapp-register-page"), list = el("ol", "mapapp-people-window");
      var nav = el("div", "mapapp-register-nav"), earlier = el("button", "mapapp-button", S.earlier);
      var later = el("button", "mapapp-button", S.later);
      earlier.type = later.type = "button";
      nav.appendChild(earlier);
      nav.appendChild(later);
      box.appendChild(head);
      box.appendChild(list);
      box.appendChild(nav);
      box.appendChild(el("p", "mapapp-caveat", reg.caveat));
      box.appendChild(el("p", "mapapp-citation", reg.citation + ". " + reg.credit + "."));
      function show(page) {
        box.dataset.page = String(page);
        head.textContent = S.loading;
        earlier.disabled = page <= 0;
        later.disabled = page >= pages.length - 1;
        get("records/" + site + "-" + page + ".json", function (records) {
          if (box.dataset.page !== String(page)) return; // another page was asked for meanwhile
          list.textContent = "";
          records.forEach(function (r) {
            var li = list.appendChild(recordNode(r, w));
            if (wanted && r[1] === wanted.name && r[2] === wanted.date) {
              li.classList.add("mapapp-found");
              li.setAttribute("aria-current", "true");
            }
          });
          head.textContent = fill(S.page, { from: fmt(page * reg.page + 1), to: fmt(page * reg.page + records.length),
                                            total: fmt(total) });
        });
      }
      earlier.addEventListener("click", function () { show(Number(box.dataset.page) - 1); });
      later.addEventListener("click", function () { show(Number(box.dataset.page) + 1); });
      show(pageAt(pages, wanted ? wanted.month : w[0]));
      return box;
    }
    // One cell's circle (its counts, m.sure and m.may, set by refresh): the disc of the sure records, or the dashed
    // ring around it that adds those that may be in the window.
    function marker(lv, k, row, dashed) {
      var m = L.circleMarker([row[1], row[0]], {
        renderer: ctx.renderer, bubblingMouseEvents: false, radius: 1,
        color: dashed ? ctx.colour : "#1f1f1f", weight: dashed ? 1.4 : 0.7, dashArray: dashed ? "3 3" : null,
        fillColor: ctx.colour, fillOpacity: dashed ? 0 : (row[5] === "region" ? PALE : FULL), interactive: !dashed });
      m.cell = k;
      if (dashed) return m;
      var name = lv.id === "site" ? row[3] : reg.title;
      m.bindTooltip(el("span"), { direction: "top", className: "mapapp-label" });
      m.on("tooltipopen", function () {
        m.setTooltipContent(el("span", null, name + " — " + fmt(m.sure) + (m.may ? " (+" + fmt(m.may) + ")" : "")));
      });
      m.bindPopup(el("div", "mapapp-popup"), ctx.popupOptions(420, 280));
      m.on("popupopen", function () {
        if (lv.id === "site") m.setPopupContent(sitePopup(k, row, m.sure, m.may));
        else m.setPopupContent(cellPopup(lv, row, m.sure, m.may));
      });
      return m;
    }
    function redraw() {
      view.drawn = null;
      refresh();
    }
    function refresh() {
      var on = ctx.on(), w = ctx.windowMonths(), lv = levelAt(reg.levels, map.getZoom());
      var near = map.getBounds().pad(0.5), key = [on, w[0], w[1], lv.id, lv.id === "site" ? near.toBBoxString() : ""].join(":");
      if (view.drawn === key) return;
      view.level = lv.id;
      if (!on) { group.clearLayers(); view.drawn = key; view.sure = view.may = view.shown = 0; return; }
      if (!need(lv, w)) { view.drawn = null; return; } // drawn when the files are in; not ready meanwhile
      view.drawn = key;
      var rows = view.cells[lv.id], counts = windowCounts(rows.length, view.years[lv.id], w[0], w[1]);
      var items = [], sure = 0, may = 0;
      for (var k = 0; k < rows.length; k++) {
        var s = counts.sure[k], p = counts.may[k];
        sure += s;
        may += p;
        if (!s && !p) continue;
        if (lv.id === "site" && !near.contains([rows[k][1], rows[k][0]])) continue; // the others when the map moves
        items.push([s + p, k, s, p]);
      }
      items.sort(function (a, b) { return b[0] - a[0]; }); // the larger first, so the smaller stay on top
      // Each cell's circles are made the first time they are shown and kept: a window change resizes them, and
      // only what changed is added or taken away (the canvas redraws once a frame).
      var made = view.made[lv.id] = view.made[lv.id] || {}, now = [];
      items.forEach(function (it) {
        var k = it[1], pair = made[k] = made[k] || {};
        [["ring", it[3], it[2] + it[3]], ["disc", it[2], it[2]]].forEach(function (part) {
          if (!part[1]) return;
          var m = pair[part[0]];
          if (!m) m = pair[part[0]] = marker(lv, k, rows[k], part[0] === "ring");
          m.sure = it[2];
          m.may = it[3];
          var r = radius(lv, part[2]);
          if (m.getRadius() !== r) m.setRadius(r);
          now.push(m);
        });
      });
      var keep = new Set(now), stale = [];
      group.eachLayer(function (m) { if (!keep.has(m)) stale.push(m); });
      stale.forEach(function (m) { group.removeLayer(m); });
      var fresh = now.filter(function (m) { return !group.hasLayer(m); });
      if (fresh.length) {
        if (fresh.length > now.length / 4) { // many new: draw all again, the larger first
          group.clearLayers();
          now.forEach(function (m) { group.addLayer(m); });
        } else {
          fresh.forEach(function (m) { group.addLayer(m); });
        }
      }
      view.sure = sure;
      view.may = may;
      view.shown = items.length;
      if (ctx.countNode) {
        ctx.countNode.textContent = fill(S.shown, { n: fmt(sure), may: fmt(may), title: reg.title,
                                                     measure: reg.measure, measure_cap: reg.measureCap });
      }
      performance.mark("mapapp-register-drawn");
      if (view.wanted && lv.id === "site") openWanted();
    }
    // A record found by name: its place's popup, at the page of its date, whether or not the window holds it.
    function openWanted() {
      var rec = view.wanted, rows = view.cells.site;
      view.wanted = null;
      var made = (view.made.site || {})[rec.row], m = made && made.disc;
      if (m && group.hasLayer(m)) {
        m.openPopup();
        m.setPopupContent(sitePopup(rec.row, rows[rec.row], m.sure, m.may, rec));
        return;
      }
      L.popup(ctx.popupOptions(420, 280)).setLatLng([rec.lat, rec.lon])
        .setContent(sitePopup(rec.row, rows[rec.row], 0, 0, rec)).openOn(map);
    }
    function focus(rec) {
      view.wanted = rec;
      var site = reg.levels.filter(function (x) { return x.id === "site"; })[0];
      var zoom = Math.max(map.getZoom(), site ? site.minZoom : map.getZoom());
      map.setView([rec.lat, rec.lon], zoom, { animate: false });
      view.drawn = null;
      refresh();
    }
    function keyNode() {
      var box = el("div", "mapapp-size-key mapapp-register-key");
      var lv = levelAt(reg.levels, map.getZoom());
      var note = el("p", "mapapp-legend-note");
      box.appendChild(note);
      var rows = el("div");
      box.appendChild(rows);
      function fillKey() {
        var now = levelAt(reg.levels, map.getZoom());
        note.textContent = now.km ? fill(S.key_cells, { measure: reg.measure, km: now.km })
          : fill(S.key_sites, { measure: reg.measure });
        rows.textContent = "";
        now.key.slice().reverse().forEach(function (v) {
          rows.appendChild(ctx.keyRow({ radius: radius(now, v), color: "#1f1f1f", weight: 0.7, fillColor: ctx.colour,
                                         fillOpacity: FULL }, fmt(v)));
        });
        var r = radius(now, now.key[now.key.length - 1] || 1);
        rows.appendChild(ctx.keyRow({ radius: r, color: ctx.colour, weight: 1.4, dashArray: "3 3", fillOpacity: 0 },
                                    S.key_may));
        if (!now.km) {
          rows.appendChild(ctx.keyRow({ radius: r, color: "#1f1f1f", weight: 0.7, fillColor: ctx.colour,
                                         fillOpacity: PALE }, S.key_region));
        }
      }
      fillKey();
      map.on("zoomend", function () { if (levelAt(reg.levels, map.getZoom()) !== lv) { lv = levelAt(reg.levels, map.getZoom()); fillKey(); } });
      box.appendChild(el("p", "mapapp-caveat", reg.caveat));
      box.appendChild(el("p", "mapapp-citation", reg.credit));
      return box;
    }
    map.on("zoomend moveend", refresh);
    return {
      reg: reg, refresh: refresh, keyNode: keyNode, focus: focus,
      shown: function () {
        return { level: view.level, circles: view.shown, sure: view.sure, may: view.may, ready: view.drawn !== null };
      },
      open: function (k) { // the popup of cell k of the level drawn (tests)
        var found = null;
        group.eachLayer(function (m) { if (m.cell === k && m.getPopup()) found = m; });
        if (found) found.openPopup();
        return !!found;
      }
    };
  }

  window.mapappRegister = { create: create, windowCounts: windowCounts, levelAt: levelAt, pageAt: pageAt,
                            dateText: dateText, inWindow: inWindow };
})();
