/* mapapp: draws the payload made by mapapp/webmap/mapview.py on a Leaflet map and runs the time
 * slider, layers, popups and event list in the browser, so nothing reloads while the year
 * changes. The visibility rule mirrors mapapp.webmap.mapview.visible_place_ids (the tests compare both).
 *
 * Data text is untrusted. It reaches the page only as text: through el() (textContent) or text
 * nodes. Leaflet writes a *string* given as tooltip, popup, divIcon html or attribution with
 * innerHTML, so every such call gets a DOM node from one of the node builders named in
 * eslint.config.mjs, never a string; the lint step (tests/test_lint_js.py) makes that mechanical. */
(function () {
  "use strict";

  var SHAPES = {
    square: "M5 5H17V17H5Z",
    diamond: "M11 2L20 11L11 20L2 11Z",
    triangle: "M11 3L20 19H2Z",
    "triangle-down": "M2 4H20L11 20Z",
    hexagon: "M6 3H16L21 11L16 19H6L1 11Z",
    circle: "M11 3A8 8 0 1 1 10.99 3Z",
    dot: "M11 6A5 5 0 1 1 10.99 6Z",
    pentagon: "M11 2L20 9L17 19H5L2 9Z"
  };
  var NARROW_PX = 700; // below this map width panels are a bottom sheet (mapapp.css: .mapapp-narrow)
  var FOCUS_ZOOM = { site: 14, locality: 10, region: 4, country: 3 }; // how close to go to a place

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function monthIndex(ym) { var p = ym.split("-"); return Number(p[0]) * 12 + Number(p[1]) - 1; }
  function monthText(i) { var y = Math.floor(i / 12), m = i % 12 + 1; return y + "-" + (m < 10 ? "0" : "") + m; }
  function lastDay(i) {
    var y = Math.floor(i / 12), m = i % 12 + 1, d = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return monthText(i) + "-" + (d < 10 ? "0" : "") + d;
  }
  // A square, decorative SVG of one path (built as elements: no markup from data).
  function svgPath(size, d, attrs) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    svg.setAttribute("width", String(size));
    svg.setAttribute("height", String(size));
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    Object.keys(attrs).forEach(function (k) { path.setAttribute(k, attrs[k]); });
    svg.appendChild(path);
    return svg;
  }
  function symbol(layer, uncertain) {
    var colour = /^#[0-9a-fA-F]{6}$/.test(layer.colour) ? layer.colour : "#777777";
    var attrs = { fill: colour, stroke: "#1f1f1f", "stroke-width": "1.4" };
    if (uncertain) attrs["stroke-dasharray"] = "2.5 2";
    return svgPath(22, SHAPES[layer.shape] || SHAPES.circle, attrs);
  }
  // A marker cluster's count, as markercluster draws it (a disc holding a number).
  function clusterNode(count) {
    var disc = el("div");
    disc.appendChild(el("span", null, Number(count)));
    return disc;
  }
  // The map's credits as text (Leaflet's attribution control would write them as HTML).
  function creditNode(text) {
    return el("div", "leaflet-control-attribution leaflet-control mapapp-attribution", text);
  }
  // A local JSON file (basemap, borders): a failure is logged, not thrown into Leaflet.
  function fetchJson(url, what, then) {
    fetch(url).then(function (r) {
      if (!r.ok) throw new Error(what + " " + url + ": HTTP " + r.status);
      return r.json();
    }).then(then).catch(function (err) { console.error("mapapp:", err); });
  }
  function stopMap(node) {
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
    // Leaflet lets clicks bubble to the map and decides by walking up from the target; a button
    // that its own handler replaced (the event list is rebuilt on focus) is detached by then, so
    // the map took the click for its own and closed the popup just opened. Stop it here.
    L.DomEvent.on(node, "click", L.DomEvent.stopPropagation);
  }

  // Defence in depth for the document the map runs in. In the app that is streamlit-folium's frame,
  // whose headers nobody here sets and which runs the map as an inline script and evals its layers,
  // so a script-src by hash is impossible there; what a policy can still forbid is what injected
  // markup would use: inline event handlers (onerror=...), plugins, <base> and form targets.
  // (The standalone page carries a strict policy of its own; policies add up.)
  var DOCUMENT_POLICY = "script-src-attr 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";
  function lockDocument(doc) {
    if (doc.querySelector("meta[data-mapapp-policy]")) return;
    var meta = doc.createElement("meta");
    meta.httpEquiv = "Content-Security-Policy";
    meta.content = DOCUMENT_POLICY;
    meta.setAttribute("data-mapapp-policy", "");
    doc.head.appendChild(meta);
  }

  function init(map, data, basemapLevels) {
    performance.mark("mapapp-init"); // benchmarks read how long the map takes to draw itself
    lockDocument(map.getContainer().ownerDocument);
    map.getContainer().ownerDocument.documentElement.lang = data.lang; // the frame speaks the map's language
    var S = data.strings, months = data.months;
    var spanMin = monthIndex(data.span.start), spanMax = monthIndex(data.span.end);
    var st = {
      start: Math.max(spanMin, Math.min(spanMax, monthIndex(data.state.start))),
      end: Math.max(spanMin, Math.min(spanMax, monthIndex(data.state.end))),
      mode: data.state.mode, layers: {}, view: data.state.view
    };
    data.state.layers.forEach(function (id) { st.layers[id] = true; });
    var layersById = {}, placesById = {}, markers = {}, openPlace = null;
    data.layers.forEach(function (l) { layersById[l.id] = l; });
    data.places.forEach(function (p) { placesById[p.id] = p; });

    function label(i) { return months[i % 12] + " " + Math.floor(i / 12); }
    /* Every popup's options: at most half the map high (its content scrolls), and panned clear of the time control
     * at the map's foot (and of the kiosk's caption at its top). */
    function popupOptions(width, minWidth) {
      var h = map.getSize().y;
      return { maxWidth: data.kiosk ? 560 : width, minWidth: minWidth, maxHeight: Math.max(220, Math.round(h * 0.5)),
               autoPanPaddingTopLeft: data.kiosk ? [40, 200] : [40, 40],
               autoPanPaddingBottomRight: [40, data.kiosk ? 300 : 190] };
    }
    function windowDates() {
      var first = st.mode === "asof" ? spanMin : st.start;
      return [monthText(first) + "-01", lastDay(st.end)];
    }
    function nameAt(place, day) {
      var names = place.names;
      if (!names.length) return place.name;
      for (var k = 0; k < names.length; k++) {
        var n = names[k];
        if ((n.from === null || n.from <= day) && (n.to === null || day < n.to)) return n.name;
      }
      return day < (names[0].from || "") ? names[0].name : names[names.length - 1].name;
    }
    function eventsInWindow() {
      var w = windowDates();
      return data.events.filter(function (e) { return e.start <= w[1] && e.end >= w[0]; });
    }
    function visiblePlaceIds() {
      var active = {};
      eventsInWindow().forEach(function (e) { e.places.forEach(function (id) { active[id] = true; }); });
      sitePlaces(active);
      burialPlaces(active);
      return data.places.filter(function (p) {
        return st.layers[p.layer] && (active[p.id] || p.layer === "renamed");
      }).map(function (p) { return p.id; }).sort();
    }

    // Leaflet focuses the map on mousedown; inside a page taller than the window that scrolls
    // the page, and the click lands elsewhere. Focus without scrolling.
    var container = map.getContainer(), nativeFocus = container.focus;
    container.focus = function () { nativeFocus.call(container, { preventScroll: true }); };

    // No tile layer sets a zoom range, and marker clustering needs one.
    map.setMinZoom(2);
    map.setMaxZoom(16);

    // --- basemap: Natural Earth countries from a local TopoJSON file, drawn under everything
    map.createPane("basemap");
    map.getPane("basemap").style.zIndex = 150;
    map.getContainer().classList.add("mapapp-map");
    // mapapp.css makes the map fill its frame, whatever height it was made with, and its stylesheets may arrive
    // after this script: Leaflet only watches the window, so watch the map's own box and keep its centre.
    map.invalidateSize({ animate: false, pan: true });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { map.invalidateSize({ animate: false, pan: true }); }).observe(map.getContainer());
    }
    // The levels of mapapp/web/basemap.js: the coarse file zoomed out, the finer one once the zoom reaches it.
    var basemap = window.mapappBasemap.attach(map, basemapLevels, "basemap", fetchJson, function () {
      if (bordersShown && borderLayers[bordersShown]) borderLayers[bordersShown].bringToFront();
    });

    // --- historical borders (mapapp/ingest/borders.py): the snapshot valid at the window's end, drawn in the
    // basemap pane above the countries; the USSR dark, its neighbours faint. One layer per snapshot.
    var borderLayers = {}, bordersShown = null;
    function addBorders(features) {
      features.forEach(function (f) {
        var id = f.properties.snapshot;
        if (!borderLayers[id]) {
          borderLayers[id] = L.geoJSON(null, {
            pane: "basemap", interactive: false,
            style: function (g) {
              return g.properties.ussr
                ? { className: "mapapp-border mapapp-border-ussr", color: "#333333", weight: 1.6, opacity: 1, fill: false }
                : { className: "mapapp-border mapapp-border-neighbour", color: "#999999", weight: 0.6, opacity: 1,
                    fill: false };
            }
          });
        }
        borderLayers[id].addData(f);
      });
      if (bordersShown && borderLayers[bordersShown]) borderLayers[bordersShown].addTo(map);
    }
    // The app serves each snapshot as a file (mapapp/webmap/mapfiles.py), fetched when the date first reaches
    // it, so the map carries none of them; the standalone page carries them all inline.
    var bordersAsked = {};
    if (data.borders && data.borders.features) addBorders(data.borders.features);
    function fetchBorders(id) {
      var urls = data.borders && data.borders.urls;
      if (!id || !urls || !urls[id] || bordersAsked[id]) return;
      bordersAsked[id] = true;
      fetchJson(urls[id], "borders", function (g) { addBorders(g.features); });
    }
    function bordersAt(day) {
      var spans = data.borders ? data.borders.spans : [];
      for (var k = 0; k < spans.length; k++) {
        var s = spans[k];
        if ((s.from === null || s.from <= day) && (s.to === null || day < s.to)) return s.snapshot;
      }
      return null;
    }
    function showBorders(day) {
      var id = bordersAt(day);
      fetchBorders(id);
      if (id === bordersShown) return;
      if (bordersShown && borderLayers[bordersShown]) map.removeLayer(borderLayers[bordersShown]);
      bordersShown = id;
      if (id && borderLayers[id]) borderLayers[id].addTo(map);
    }

    // --- markers
    // Markers and clusters are touch targets: in the kiosk at least 64 px, as the other controls.
    var markerSize = data.kiosk ? 64 : 22;
    var clusterOptions = {
      maxClusterRadius: data.kiosk ? 48 : 26, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
      disableClusteringAtZoom: 13
    };
    // markercluster's own icons are HTML strings: ours are nodes, with its size classes.
    clusterOptions.iconCreateFunction = function (c) {
      var n = c.getChildCount(), size = n < 10 ? "small" : n < 100 ? "medium" : "large";
      return L.divIcon({ html: clusterNode(n),
                         className: "marker-cluster marker-cluster-" + size + (data.kiosk ? " mapapp-kiosk-cluster" : ""),
                         iconSize: L.point(data.kiosk ? 64 : 40, data.kiosk ? 64 : 40) });
    };
    var cluster = L.markerClusterGroup(clusterOptions);
    map.addLayer(cluster);
    var halo = null;
    data.places.forEach(function (p) {
      var uncertain = p.precision !== "site";
      var icon = L.divIcon({
        className: "mapapp-marker mapapp-layer-" + p.layer + (uncertain ? " mapapp-uncertain" : ""),
        html: symbol(layersById[p.layer], uncertain), iconSize: [markerSize, markerSize],
        iconAnchor: [markerSize / 2, markerSize / 2],
        popupAnchor: [0, -markerSize / 2 + 1]
      });
      var m = L.marker([p.lat, p.lon], { icon: icon, keyboard: true, riseOnHover: true });
      m.placeId = p.id;
      m.label = null; // the name the label shows (set by refresh)
      // Leaflet makes a keyboard marker a button: its name is the place's name of the window
      m.on("add", function () { var n = m.getElement(); if (n) n.setAttribute("aria-label", m.label || p.name); });
      if (p.layer !== "renamed") bindLabel(m, false); // a renamed place's is permanent: see labelRenamed
      // In the kiosk the tour's caption sits at the top: keep popups clear of it.
      // Bound empty; each opening fills it for the window of that moment (see "popupopen").
      m.bindPopup(el("div", "mapapp-popup"), popupOptions(380, 260));
      m.on("popupopen", function () {
        openPlace = p.id;
        m.setPopupContent(popupContent(p));
        halo = L.circle([p.lat, p.lon], { radius: p.uncertainty_m, className: "mapapp-uncertainty",
                                          interactive: false }).addTo(map);
      });
      m.on("popupclose", function () {
        openPlace = null;
        if (halo) { map.removeLayer(halo); halo = null; }
      });
      markers[p.id] = m;
    });

    function bindLabel(m, permanent) {
      m.bindTooltip(el("span", null, m.label || ""), { direction: "right", offset: [10, 0], permanent: permanent,
                                                     className: "mapapp-label" });
    }
    /* The renamed places' permanent labels, bound a frame after the map's first draw: Leaflet measures each label
     * as it opens, and a dozen measures between writes forced a dozen layouts (~40 ms before the first paint). */
    function labelRenamed() {
      data.places.forEach(function (p) { if (p.layer === "renamed") bindLabel(markers[p.id], true); });
    }

    function precisionText(p) {
      var km = p.uncertainty_m >= 1000 ? Math.round(p.uncertainty_m / 1000) + " km" : p.uncertainty_m + " m";
      return (S["precision_" + p.precision] || "").replace("{r}", km);
    }
    function popupContent(p) {
      var day = windowDates()[1], box = el("div", "mapapp-popup"), current = nameAt(p, day);
      box.appendChild(el("h3", null, current));
      if (current !== p.name) box.appendChild(el("p", "mapapp-today", S.today + ": " + p.name));
      var others = p.names.filter(function (n) { return n.name !== current; });
      if (others.length) {
        var ul = el("p", "mapapp-names", S.other_names + ": ");
        ul.appendChild(document.createTextNode(others.map(function (n) {
          var span = n.from && n.to ? n.from.slice(0, 4) + "–" + n.to.slice(0, 4)
            : n.to ? S.until + " " + n.to.slice(0, 4) : n.from ? S.since + " " + n.from.slice(0, 4) : "";
          return n.name + (span ? " (" + span + ")" : "");
        }).join("; ")));
        box.appendChild(ul);
      }
      if (p.description) box.appendChild(el("p", "mapapp-description", p.description));
      var loc = el("p", "mapapp-location" + (p.precision !== "site" ? " mapapp-uncertain-text" : ""),
                   S.location + ": " + precisionText(p) + ". " + p.coord_source);
      box.appendChild(loc);
      if (p.note) box.appendChild(el("p", "mapapp-note", S.note + ": " + p.note));
      burialSection(p.id, box);
      sitesAtPlace(p.id, box);
      var evs = eventsInWindow().filter(function (e) { return e.places.indexOf(p.id) >= 0; });
      if (!evs.length) box.appendChild(el("p", "mapapp-empty", S.no_events_here));
      var list = el("ol", "mapapp-events");
      list.tabIndex = 0; // it scrolls: reachable by keyboard
      list.setAttribute("aria-label", S.events_in_window);
      evs.forEach(function (e) {
        var li = el("li", "mapapp-event");
        li.appendChild(el("div", "mapapp-date", e.date + " · " + e.category));
        li.appendChild(el("strong", "mapapp-title", e.title));
        if (e.people.length) li.appendChild(peopleLine(e));
        li.appendChild(el("p", "mapapp-summary", e.summary));
        if (e.note) li.appendChild(el("p", "mapapp-note", S.note + ": " + e.note));
        li.appendChild(el("p", "mapapp-citation", e.citation));
        list.appendChild(li);
      });
      box.appendChild(list);
      return box;
    }

    // People named in a popup: those with a trail are buttons that show it.
    function peopleLine(e) {
      var line = el("div", "mapapp-people", S.people + ": ");
      e.people.forEach(function (name, k) {
        var id = (e.people_ids || [])[k];
        if (k) line.appendChild(document.createTextNode(", "));
        if (id && trailsById[id]) {
          var b = el("button", "mapapp-person", name);
          b.type = "button";
          b.dataset.person = id;
          b.title = S.trail_show + " " + name;
          b.addEventListener("click", function (ev) {
            L.DomEvent.stopPropagation(ev); // the popup goes, and with it this button (see stopMap)
            map.closePopup();
            showTrail(id);
          });
          line.appendChild(b);
        } else {
          line.appendChild(document.createTextNode(name));
        }
      });
      return line;
    }

    // --- trails: a person's moves as dated segments with arrowheads (mapapp/model/trails.py decides them)
    var TRAIL_COLOUR = "#CC6677"; // Paul Tol muted rose: darker than, and distinct from, the layer palette
    var trailsById = {}, trailPerson = null, trailParts = [];
    (data.trails || []).forEach(function (t) { trailsById[t.id] = t; });
    map.createPane("mapapp-trail-arrows");
    map.getPane("mapapp-trail-arrows").style.zIndex = 450;
    var trailLayer = L.layerGroup().addTo(map);
    function arrowIcon(angle) {
      return L.divIcon({ className: "mapapp-trail-arrow", html: arrowNode(angle), iconSize: [14, 14],
                         iconAnchor: [7, 7] });
    }
    function arrowNode(angle) {
      var svg = svgPath(14, "M13 7L2 1.5L5 7L2 12.5Z", { fill: TRAIL_COLOUR, stroke: "#3d1d25", "stroke-width": "0.8" });
      svg.style.transform = "rotate(" + Number(angle).toFixed(1) + "deg)"; // a property, not a style attribute (CSP)
      return svg;
    }
    function trailTip(name, dates, places) {
      var tip = el("div", "mapapp-trail-tip");
      tip.appendChild(el("strong", null, name));
      tip.appendChild(el("div", "mapapp-trail-dates", dates));
      tip.appendChild(el("div", "mapapp-trail-places", places));
      return tip;
    }
    function clearTrail() {
      trailLayer.clearLayers();
      trailParts = [];
      trailPerson = null;
      markTrail("");
    }
    function showTrail(personId) {
      var t = trailsById[personId];
      clearTrail();
      if (!t) return false;
      trailPerson = personId;
      markTrail(personId);
      t.segments.forEach(function (g, k) {
        var a = placesById[g.from], b = placesById[g.to];
        if (!a || !b) return;
        var ll = [[a.lat, a.lon], [b.lat, b.lon]];
        var line = L.polyline(ll, { color: TRAIL_COLOUR, weight: 3, opacity: 0.95, interactive: false,
                                    className: "mapapp-trail-segment" + (g.approximate ? " mapapp-trail-approx" : ""),
                                    dashArray: g.approximate ? "6 5" : null });
        // A wider, invisible twin carries the hover tooltip, so the thin line is easy to hit.
        var hit = L.polyline(ll, { color: TRAIL_COLOUR, weight: data.kiosk ? 24 : 12, opacity: 0,
                                   className: "mapapp-trail-hit" });
        hit.bindTooltip(trailTip(t.name, g.label, nameAt(a, g.start) + " → " + nameAt(b, g.end)),
                        { sticky: true, direction: "top", className: "mapapp-trail-tooltip" });
        // The arrowhead sits three quarters along, clear of the destination's marker; its angle is
        // the segment's bearing on the (Mercator) screen, the same at every zoom.
        var p0 = map.project(ll[0], 0), p1 = map.project(ll[1], 0);
        var at = map.unproject(p0.add(p1.subtract(p0).multiplyBy(0.75)), 0);
        var angle = Math.atan2(p1.y - p0.y, p1.x - p0.x) * 180 / Math.PI;
        var arrow = L.marker(at, { icon: arrowIcon(angle), interactive: false, keyboard: false,
                                   pane: "mapapp-trail-arrows" });
        trailParts.push({ seg: g, index: k, layers: [line, hit, arrow], shown: false });
      });
      revealTrail();
      var pts = t.stops.map(function (s) { var p = placesById[s.place]; return p ? [p.lat, p.lon] : null; })
        .filter(function (x) { return x; });
      if (pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.25), { maxZoom: 12 });
      return true;
    }
    // Segments appear once the window reaches their start (departure), so playing draws the trail step by step.
    function revealTrail() {
      var end = windowDates()[1];
      trailParts.forEach(function (part) {
        var on = part.seg.start <= end;
        if (on === part.shown) return;
        part.layers.forEach(function (layer) { if (on) trailLayer.addLayer(layer); else trailLayer.removeLayer(layer); });
        part.shown = on;
      });
    }
    function markTrail(personId) {
      trailButtons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.person === personId)); });
    }

    // --- controls
    var Panel = L.Control.extend({ onAdd: function () { return this.options.node; } });
    var panels = [];
    // A narrow map (a phone) shows its panels one at a time, as a sheet over the map's foot.
    function narrow() { return map.getSize().x < NARROW_PX; }
    function setOpen(p, open) {
      p.open = open;
      p.head.setAttribute("aria-expanded", String(open));
      p.node.classList.toggle("mapapp-open", open);
      p.body.hidden = !open;
      if (open && narrow()) {
        panels.forEach(function (q) { if (q !== p && q.open) setOpen(q, false); });
        fitLayout();
      }
    }
    /* A panel in a corner of the map; with a ``title``, a panel that collapses to a button of that title
     * (open to start with when ``open``, and never on a narrow map). Returns the node to fill. */
    function addPanel(position, cls, title, open) {
      var node = el("div", "mapapp-panel " + cls), body = el("div", "mapapp-panel-body");
      stopMap(node);
      if (title) {
        var p = { node: node, body: body, head: el("button", "mapapp-panel-toggle", title) };
        body.id = cls + "-body";
        body.tabIndex = 0; // it may scroll: reachable by keyboard, and named
        body.setAttribute("role", "region");
        body.setAttribute("aria-label", title);
        p.head.type = "button";
        p.head.setAttribute("aria-controls", body.id);
        p.head.addEventListener("click", function () { setOpen(p, !p.open); });
        node.appendChild(p.head);
        panels.push(p);
        node.appendChild(body);
        setOpen(p, !!open && !narrow());
      } else {
        node.appendChild(body);
      }
      new Panel({ position: position, node: node }).addTo(map);
      return body;
    }
    function fitLayout() {
      var root = map.getContainer(), isNarrow = narrow();
      root.classList.toggle("mapapp-narrow", isNarrow);
      if (isNarrow) { // one sheet at a time
        var open = panels.filter(function (p) { return p.open; });
        open.slice(1).forEach(function (p) { setOpen(p, false); });
      }
      // the sheet sits on the time control: from the map's foot to the time panel's top
      if (time) root.style.setProperty("--mapapp-time-h", Math.round(root.getBoundingClientRect().bottom
        - time.parentNode.getBoundingClientRect().top + 4) + "px");
    }
    map.on("resize", fitLayout);
    // A long popup scrolls (popupOptions): its content must then be reachable by keyboard.
    map.on("popupopen", function (e) {
      var content = e.popup.getElement() && e.popup.getElement().querySelector(".leaflet-popup-content");
      if (content) content.tabIndex = 0;
    });

    // Built with attributionControl off (mapview.build_map): this text control takes its corner.
    new Panel({ position: "bottomright", node: creditNode("Leaflet | " + S.borders_note) }).addTo(map);

    var viewsNode = addPanel("topleft", "mapapp-views", S.views, !data.kiosk);
    viewsNode.setAttribute("role", "group");
    viewsNode.setAttribute("aria-label", S.views);
    data.views.forEach(function (v) {
      var b = el("button", "mapapp-button", v.label);
      b.type = "button";
      b.dataset.view = v.id;
      b.addEventListener("click", function () { st.view = v.id; map.setView(v.center, v.zoom); report(); });
      viewsNode.appendChild(b);
    });

    var legend = addPanel("topright", "mapapp-legend", S.layers, true);
    data.layers.forEach(function (l) {
      if (l.drawn === false) return; // a collection's layer with nothing of it in this data: no dead checkbox
      var row = el("label", "mapapp-layer-row");
      var box = el("input");
      box.type = "checkbox";
      box.checked = !!st.layers[l.id];
      box.dataset.layer = l.id;
      box.addEventListener("change", function () { st.layers[l.id] = box.checked; refresh(); });
      row.appendChild(box);
      row.appendChild(symbol(l, false));
      row.appendChild(el("span", null, l.label));
      legend.appendChild(row);
    });
    var uncertainRow = el("div", "mapapp-layer-row mapapp-legend-note");
    uncertainRow.appendChild(symbol({ colour: "#ffffff", shape: "circle" }, true));
    uncertainRow.appendChild(el("span", null, S.uncertain));
    legend.appendChild(uncertainRow);
    if (data.borders) {
      var borderRow = el("div", "mapapp-layer-row mapapp-legend-note mapapp-legend-borders");
      borderRow.appendChild(el("span", "mapapp-border-swatch"));
      borderRow.appendChild(el("span", null, S.borders_historical));
      legend.appendChild(borderRow);
    }
    var countNode = el("p", "mapapp-count");
    legend.appendChild(countNode);

    // The trail chooser: a button per person (a touch target, unlike a native select), one pressed at a time.
    var trailButtons = [];
    if (data.trails && data.trails.length) {
      var trailsNode = addPanel("topright", "mapapp-trails", S.trails, false);
      trailsNode.setAttribute("role", "group");
      trailsNode.setAttribute("aria-label", S.trail_people);
      var choices = [{ id: "", name: S.trail_none }].concat(data.trails.slice().sort(function (a, b) {
        return a.name.localeCompare(b.name);
      }));
      choices.forEach(function (t) {
        var b = el("button", "mapapp-button mapapp-trail-choice", t.name);
        b.type = "button";
        b.dataset.person = t.id;
        b.setAttribute("aria-pressed", String(t.id === ""));
        b.addEventListener("click", function () { if (t.id) showTrail(t.id); else clearTrail(); });
        trailButtons.push(b);
        trailsNode.appendChild(b);
      });
    }
    var listNode = addPanel("topright", "mapapp-list", S.events_panel, !data.kiosk);
    var listHead = el("h4");
    var listBody = el("ol", "mapapp-list-items");
    listNode.appendChild(listHead);
    listNode.appendChild(listBody);

    // A window change redraws the map once, in the next frame, however many inputs made it: a drag sends inputs
    // faster than frames, and one change can move both handles (the bench's random windows, a typed range).
    // The canvas is drawn in the same frame, not the one after: the circles never lag the dates shown.
    var redrawPending = false;
    function refreshSoon() {
      if (redrawPending) return;
      redrawPending = true;
      requestAnimationFrame(function () { redrawPending = false; refresh(); drawNow(); });
    }
    function drawNow() { // Leaflet's canvas draws in its own animation frame: draw its pending redraw here
      if (!collCanvas._redrawRequest) return;
      L.Util.cancelAnimFrame(collCanvas._redrawRequest);
      collCanvas._redraw();
    }
    var time = addPanel("bottomleft", "mapapp-time");
    var timeCtl = window.mapappTime.create({
      el: el, S: S, st: st, months: months, label: label, fill: fill, monthIndex: monthIndex, monthText: monthText,
      monthsLong: data.months_long, spanMin: spanMin, spanMax: spanMax, histogram: data.histogram, typed: !data.kiosk,
      onChange: refreshSoon
    });
    time.appendChild(timeCtl.node);
    var play = timeCtl.play, pause = timeCtl.pause;

    // --- collections (mapapp/webmap/collectionview.py, rules in mapapp/model/collections.py): each feature a
    // circle on one canvas while it operates, its area proportional to the figure of the window's last year;
    // "no count" (a year without a figure: unknown) is a dashed ring, a recorded zero a small white disc.
    // data.collectionRenderer "svg": a benchmark knob only (MAPAPP_COLLECTION_RENDERER, mapview.payload)
    var collCanvas = data.collectionRenderer === "svg" ? L.svg({ padding: 0.3 })
      : L.canvas({ padding: 0.3, tolerance: data.kiosk ? 12 : 3 });
    // A circle that stays on the canvas once added: a window it is not in hides it (shown false: drawn and hit as
    // nothing) instead of taking it off the map, whose layer events cost more than the drawing (a camp's circle,
    // an address's).
    var KeptCircle = L.CircleMarker.extend({
      _empty: function () { return !this.shown || L.CircleMarker.prototype._empty.call(this); },
      _containsPoint: function (p) { return !!this.shown && L.CircleMarker.prototype._containsPoint.call(this, p); }
    });
    function shownIn(view, m) { return !!m && m.shown && map.hasLayer(view.group) && view.group.hasLayer(m); }
    function hide(m) {
      if (!m.shown) return;
      m.shown = false;
      m.closeTooltip();
      m.closePopup();
      m.redraw();
    }
    var locale = data.lang === "ru" ? "ru-RU" : "en-GB";
    var numbers = new Intl.NumberFormat(locale); // toLocaleString makes a formatter a call
    function fmt(n) { return numbers.format(Number(n)); }
    function fill(text, values) {
      return String(text).replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
    }
    var SVGNS = "http://www.w3.org/2000/svg";
    function svgEl(tag, attrs) {
      var node = document.createElementNS(SVGNS, tag);
      Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
      return node;
    }
    function featValue(f, year) {
      if (year < f.first || year > f.last) return undefined; // not operating
      var v = f.values[year - f.first];
      return v === undefined ? null : v;
    }
    var colls = (data.collections || []).filter(function (c) { return c.time === "values_by_year"; }).map(function (c) {
      var layer = layersById[c.layer] || { colour: "#777777" };
      var colour = /^#[0-9a-fA-F]{6}$/.test(layer.colour) ? layer.colour : "#777777";
      var big = data.kiosk ? 44 : 30;
      return { c: c, colour: colour, big: big, markers: [], byId: {}, groups: {}, group: L.layerGroup().addTo(map),
               drawn: null, order: null, open: null, shown: [] };
    });
    function radiusOf(view, v) {
      if (v === null) return data.kiosk ? 7 : 4;
      if (v === 0) return data.kiosk ? 5 : 3;
      return Math.max(data.kiosk ? 5 : 2.5, view.big * Math.sqrt(v / Math.max(1, view.c.max)));
    }
    function circleStyle(view, v) {
      if (v === null) return { radius: radiusOf(view, v), color: "#555555", weight: 1.4, dashArray: "3 2",
                               fillOpacity: 0, opacity: 1, className: "mapapp-nocount" };
      if (v === 0) return { radius: radiusOf(view, v), color: "#1f1f1f", weight: 1.2, dashArray: null,
                            fillColor: "#ffffff", fillOpacity: 1, opacity: 1 };
      return { radius: radiusOf(view, v), color: "#1f1f1f", weight: 0.8, dashArray: null, fillColor: view.colour,
               fillOpacity: 0.55, opacity: 1 };
    }
    function featName(f) { return f.name; }
    // A collection's file (mapapp/webmap/mapfiles.py, collection_features) writes each attribute's texts once and
    // gives each feature their indices: turn them back into {attribute id: text}, as the popups read them.
    function withAttrs(file) {
      return file.features.map(function (f) {
        var attrs = {};
        file.attributes.forEach(function (a, i) {
          var k = f.attrs[i];
          if (k !== null && k !== undefined) attrs[a[0]] = a[1][k];
        });
        f.attrs = attrs;
        return f;
      });
    }
    function loadCollection(view, features) {
      features.forEach(function (f) {
        var m = new KeptCircle([f.lat, f.lon], { renderer: collCanvas, bubblingMouseEvents: false });
        m.shown = false;
        m.feature = f;
        m.bindTooltip(el("span", null, featName(f)), { direction: "top", className: "mapapp-label" });
        m.bindPopup(el("div", "mapapp-popup"), popupOptions(380, 260));
        m.on("popupopen", function () { view.open = f.id; m.setPopupContent(featurePopup(view, f)); });
        m.on("popupclose", function () { if (view.open === f.id) view.open = null; });
        view.markers.push(m);
        view.byId[String(f.id)] = m;
        var g = f.group, span = g !== null && g !== undefined ? view.groups[g] : null;
        if (g !== null && g !== undefined) {
          view.groups[g] = span ? [Math.min(span[0], f.first), Math.max(span[1], f.last), span[2] + 1]
            : [f.first, f.last, 1];
        }
      });
      view.drawn = null;
      refreshCollections();
    }
    colls.forEach(function (view) {
      legend.insertBefore(sizeKey(view), countNode);
      view.countNode = el("p", "mapapp-collection-count");
      legend.appendChild(view.countNode);
      time.appendChild(totalsChart(view));
    });
    colls.forEach(function (view) {
      if (view.c.features) loadCollection(view, withAttrs(view.c.features));
      else if (view.c.url) fetchJson(view.c.url, view.c.id, function (file) { loadCollection(view, withAttrs(file)); });
    });
    function currentYear() { return Math.floor(st.end / 12); }
    function refreshCollections() {
      var year = currentYear();
      colls.forEach(function (view) {
        var on = !!st.layers[view.c.layer], key = on + ":" + year;
        if (view.drawn !== key) {
          view.drawn = key;
          var items = [];
          if (on) {
            view.markers.forEach(function (m) {
              var v = featValue(m.feature, year);
              if (v === undefined) return;
              var style = circleStyle(view, v);
              m.shown = true;
              m.setStyle(style); // a CircleMarker's setStyle sets its radius too
              items.push([style.radius, m]);
            });
            // larger circles first, so smaller ones stay on top and can be touched
            items.sort(function (a, b) { return b[0] - a[0]; });
          }
          // The circles that end are hidden (KeptCircle); the order is remade, if it changed, by bringing each to
          // the front in turn (on the canvas a relink, not the layer events of taking it off and putting it back).
          var want = {};
          items.forEach(function (it) { want[L.stamp(it[1])] = true; });
          var order = items.map(function (it) { return it[1].feature.id; }).join(",");
          view.group.eachLayer(function (m) { if (!want[L.stamp(m)]) hide(m); });
          if (order !== view.order) {
            view.order = order;
            items.forEach(function (it) {
              if (view.group.hasLayer(it[1])) it[1].bringToFront(); else view.group.addLayer(it[1]);
            });
          }
          view.shown = items.map(function (it) { return String(it[1].feature.id); }).sort();
          if (view.open && view.byId[view.open]) {
            var om = view.byId[view.open];
            if (om.shown) om.setPopupContent(featurePopup(view, om.feature));
            else om.closePopup();
          }
        }
        if (view.totals) showTotals(view, year, on);
        if (view.countNode) {
          view.countNode.textContent = on ? fill(view.c.strings.shown, { n: view.shown.length, title: view.c.title }) : "";
        }
      });
    }
    function yearsChart(view, f, year) {
      var p = f, n = p.last - p.first + 1, w = 260, h = 64, bw = w / n, top = 0;
      for (var y = p.first; y <= p.last; y++) { var v = featValue(f, y); if (v) top = Math.max(top, v); }
      var svg = svgEl("svg", { viewBox: "0 0 " + w + " " + (h + 14), width: w, height: h + 14, role: "img",
                               "class": "mapapp-chart" });
      svg.setAttribute("aria-label", fill(view.c.strings.chart, { measure: view.c.measure, year: year }));
      for (var k = 0; k < n; k++) {
        var yr = p.first + k, val = featValue(f, yr), x = k * bw;
        if (yr === year) svg.appendChild(svgEl("rect", { x: x, y: 0, width: bw, height: h, fill: "#e8e4da" }));
        if (val === null) {
          svg.appendChild(svgEl("line", { x1: x + 1, x2: x + bw - 1, y1: h - 1, y2: h - 1, stroke: "#555555",
                                          "stroke-dasharray": "2 1.5", "class": "mapapp-chart-nocount" }));
        } else {
          var bh = top ? Math.max(val ? 1.5 : 0, (h - 4) * val / top) : 0;
          svg.appendChild(svgEl("rect", { x: x + 0.5, y: h - bh, width: Math.max(1, bw - 1), height: bh,
                                          fill: yr === year ? "#1f1f1f" : view.colour, "class": "mapapp-chart-bar",
                                          "data-year": yr, "data-value": val }));
        }
      }
      var first = svgEl("text", { x: 0, y: h + 12, "font-size": 10, fill: "#333333" });
      first.textContent = String(p.first);
      var last = svgEl("text", { x: w, y: h + 12, "font-size": 10, fill: "#333333", "text-anchor": "end" });
      last.textContent = String(p.last);
      svg.appendChild(first);
      if (n > 1) svg.appendChild(last);
      return svg;
    }
    function featurePopup(view, f) {
      var c = view.c, s = c.strings, p = f, year = currentYear(), box = el("div", "mapapp-popup");
      box.dataset.feature = String(f.id);
      box.appendChild(el("h3", null, featName(f)));
      if (p.transliterated) box.appendChild(el("p", "mapapp-note", s.transliterated));
      if (p.other.length) box.appendChild(el("p", "mapapp-names", s.other_names + ": " + p.other.join("; ")));
      c.attributes.forEach(function (a) {
        var text = p.attrs[a.id];
        if (text) box.appendChild(el("p", "mapapp-attr", a.label + ": " + text));
      });
      function span(a, b) { return a === b ? String(a) : a + "–" + b; }
      box.appendChild(el("p", "mapapp-years", s.years + ": " + span(p.first, p.last)));
      var whole = p.group !== null && p.group !== undefined ? view.groups[p.group] : null;
      if (whole && whole[2] > 1) {
        var item = c.item.charAt(0).toUpperCase() + c.item.slice(1);
        box.appendChild(el("p", "mapapp-group-years", fill(s.group_years, { n: whole[2], item: item }) + ": "
                           + span(whole[0], whole[1])));
      }
      var v = featValue(f, year), line;
      if (v === undefined) line = fill(s.outside, { year: year, first: p.first, last: p.last });
      else line = fill(s.in_year, { year: year }) + ": " + (v === null ? s.no_count : v === 0 ? s.zero
        : fmt(v) + " " + c.measure);
      box.appendChild(el("p", "mapapp-year-value", line));
      box.appendChild(yearsChart(view, f, year));
      box.appendChild(el("p", "mapapp-caveat", c.caveat));
      box.appendChild(el("p", "mapapp-citation", c.citation + ". " + c.credit + "."));
      return box;
    }
    // A row of a size key: a circle drawn in a map circle's style, and its label.
    function keyRow(style, text) {
      var r = el("div", "mapapp-layer-row mapapp-key-row"), size = Math.ceil(2 * style.radius + 4);
      var svg = svgEl("svg", { viewBox: "0 0 " + size + " " + size, width: size, height: size, "aria-hidden": "true" });
      var attrs = { cx: size / 2, cy: size / 2, r: style.radius, stroke: style.color, "stroke-width": style.weight,
                    fill: style.fillOpacity ? style.fillColor : "none", "fill-opacity": style.fillOpacity || 0 };
      if (style.dashArray) attrs["stroke-dasharray"] = style.dashArray;
      svg.appendChild(svgEl("circle", attrs));
      r.appendChild(svg);
      r.appendChild(el("span", null, text));
      return r;
    }
    function sizeKey(view) {
      var c = view.c, s = c.strings, box = el("div", "mapapp-size-key");
      box.appendChild(el("p", "mapapp-legend-note", fill(s.key, { measure: c.measure })));
      function row(style, text) { box.appendChild(keyRow(style, text)); }
      c.key.slice().reverse().forEach(function (v) { row(circleStyle(view, v), fmt(v)); });
      row(circleStyle(view, 0), s.key_zero);
      row(circleStyle(view, null), s.key_no_count);
      box.appendChild(el("p", "mapapp-caveat", c.caveat));
      box.appendChild(el("p", "mapapp-citation", c.credit));
      return box;
    }
    // The year's total under the time control, in words; its bars are a lane of the time control's histogram.
    function totalsChart(view) {
      var node = el("div", "mapapp-totals");
      node.dataset.collection = view.c.id;
      var caption = el("p", "mapapp-totals-caption");
      node.appendChild(caption);
      view.totals = { node: node, caption: caption };
      return node;
    }
    function showTotals(view, year, on) {
      var t = view.totals, c = view.c;
      t.node.style.display = on ? "" : "none";
      var row = c.totals.filter(function (x) { return x.year === year; })[0];
      if (!row) { t.caption.textContent = fill(c.strings.outside, { year: year, first: c.years[0], last: c.years[1] }); return; }
      t.caption.textContent = fill(c.strings.total, { measure: c.subject, year: year, total: fmt(row.total) }) + " — "
        + fill(c.strings.coverage, { with_value: row.with_value, operating: row.operating });
    }
    function focusFeatures(collectionId, ids) {
      var view = colls.filter(function (v) { return v.c.id === collectionId; })[0];
      if (!view) return;
      var ms = ids.map(function (id) { return view.byId[String(id)]; }).filter(function (m) { return m; });
      if (!ms.length) return;
      if (!st.layers[view.c.layer]) {
        st.layers[view.c.layer] = true;
        var box = legend.querySelector("[data-layer='" + view.c.layer + "']");
        if (box) box.checked = true;
      }
      var p = ms[0].feature, year = currentYear();
      if (year < p.first || year > p.last) { // move the window to the feature's years
        var width = st.mode === "window" ? st.end - st.start : 0;
        st.end = Math.max(spanMin, Math.min(spanMax, p.first * 12 + 11));
        st.start = Math.max(spanMin, st.end - width);
      }
      map.stop();
      refresh();
      if (ms.length > 1) map.fitBounds(L.latLngBounds(ms.map(function (m) { return m.getLatLng(); })).pad(0.3),
                                       { animate: false, maxZoom: 8 });
      else map.setView(ms[0].getLatLng(), Math.max(map.getZoom(), 6), { animate: false });
      ms[0].openPopup();
    }

    // --- sites with their years in the name (Memorial's Topography of Terror): a symbol of the feature's own
    // layer when zoomed out, the building's outline from OUTLINE_ZOOM; a site that is a curated place is drawn
    // as that place (its outline, and Memorial's record in the place's popup), never as a second mark.
    var OUTLINE_ZOOM = 14;
    var siteViews = (data.collections || []).filter(function (c) { return c.time === "in_name"; }).map(function (c) {
      return { c: c, items: [], byId: {}, atPlace: {}, group: L.layerGroup().addTo(map), shown: [], drawn: null };
    });
    function siteOperates(f, year) {
      return (f.first === null || f.first <= year) && (f.last === null || year <= f.last);
    }
    function siteYears(view, f) {
      var s = view.c.strings;
      if (f.first === null && f.last === null) return s.site_no_years;
      var span = f.first !== null && f.last !== null ? (f.first === f.last ? String(f.first) : f.first + "–" + f.last)
        : f.first !== null ? fill(s.site_since, { first: f.first }) : fill(s.site_until, { last: f.last });
      return s.site_years + ": " + span + (f.years ? " (" + f.years + ")" : "");
    }
    function siteRecord(view, f, box) {
      var c = view.c, s = c.strings;
      if (f.types.length) box.appendChild(el("p", "mapapp-attr", s.site_type + ": " + f.types.join("; ")));
      c.attributes.forEach(function (a) {
        var text = f.attrs[a.id];
        if (text && text !== f.name) box.appendChild(el("p", "mapapp-attr", a.label + ": " + text));
      });
      box.appendChild(el("p", "mapapp-years", siteYears(view, f)));
      box.appendChild(el("p", "mapapp-citation", c.citation + ". " + c.credit + "."));
      return box;
    }
    function sitePopup(view, f) {
      var box = el("div", "mapapp-popup");
      box.dataset.feature = String(f.id);
      box.appendChild(el("h3", null, f.name));
      if (data.lang === "en") box.appendChild(el("p", "mapapp-note", f.transliterated ? view.c.strings.transliterated
        : view.c.strings.site_our_names));
      siteRecord(view, f, box);
      box.appendChild(el("p", "mapapp-caveat", view.c.caveat));
      return box;
    }
    // Memorial's records of a curated place's site, for the place's popup.
    function sitesAtPlace(placeId, box) {
      siteViews.forEach(function (view) {
        (view.atPlace[placeId] || []).forEach(function (it) {
          var sec = el("section", "mapapp-site-record");
          sec.appendChild(el("h4", null, view.c.strings.site_at_place + ": " + it.f.name));
          box.appendChild(siteRecord(view, it.f, sec));
        });
      });
    }
    function loadSites(view, features, later) {
      features.forEach(function (f) {
        var layer = layersById[f.layer] || layersById[view.c.layer], it = { f: f, marker: null, outline: null };
        var popup = function (target) {
          target.bindPopup(el("div", "mapapp-popup"), popupOptions(380, 260));
          target.on("popupopen", function () {
            if (f.place && markers[f.place]) target.setPopupContent(popupContent(placesById[f.place]));
            else target.setPopupContent(sitePopup(view, f));
          });
        };
        if (f.outline) {
          it.outline = L.geoJSON(f.outline, { renderer: collCanvas, bubblingMouseEvents: false,
            style: { color: layer.colour, weight: 1.6, fillColor: layer.colour, fillOpacity: 0.25 } });
          it.outline.bindTooltip(el("span", null, f.place && placesById[f.place] ? placesById[f.place].name : f.name),
                                 { sticky: true, className: "mapapp-label" });
          popup(it.outline);
        }
        if (!f.place) { // a curated place has its own marker
          var size = data.kiosk ? markerSize : 18; // a touch target in the kiosk, as the places
          it.marker = L.marker([f.lat, f.lon], { keyboard: true, icon: L.divIcon({
            className: "mapapp-site-marker mapapp-layer-" + layer.id, html: symbol(layer, false),
            iconSize: [size, size], iconAnchor: [size / 2, size / 2], popupAnchor: [0, -size / 2 + 1] }) });
          it.marker.bindTooltip(el("span", null, f.name), { direction: "right", offset: [8, 0],
                                                             className: "mapapp-label" });
          it.marker.on("add", function () { this.getElement().setAttribute("aria-label", f.name); });
          popup(it.marker);
        } else {
          (view.atPlace[f.place] = view.atPlace[f.place] || []).push(it);
        }
        view.items.push(it);
        view.byId[String(f.id)] = it;
      });
      view.drawn = null;
      if (later) refresh();
    }
    function refreshSites() {
      var year = currentYear(), close = map.getZoom() >= OUTLINE_ZOOM;
      siteViews.forEach(function (view) {
        var key = year + ":" + close + ":" + data.layers.map(function (l) { return st.layers[l.id] ? 1 : 0; }).join("");
        if (view.drawn === key) return;
        view.drawn = key;
        view.shown = [];
        // only what changed comes off or goes on: most window changes leave most sites as they were
        var want = [], keep = {};
        view.items.forEach(function (it) {
          var f = it.f;
          if (!st.layers[f.layer] || !siteOperates(f, year)) return;
          var part = close ? it.outline || it.marker : it.marker;
          if (part) { want.push(part); keep[L.stamp(part)] = true; view.shown.push(String(f.id)); }
        });
        view.group.eachLayer(function (part) { if (!keep[L.stamp(part)]) view.group.removeLayer(part); });
        want.forEach(function (part) { if (!view.group.hasLayer(part)) view.group.addLayer(part); });
        view.shown.sort();
      });
    }
    // A curated place whose Memorial site operates in the year is shown, as the site would be.
    function sitePlaces(active) {
      var year = currentYear();
      siteViews.forEach(function (view) {
        Object.keys(view.atPlace).forEach(function (pid) {
          if (view.atPlace[pid].some(function (it) { return siteOperates(it.f, year); })) active[pid] = true;
        });
      });
    }
    siteViews.forEach(function (view) {
      if (view.c.features) loadSites(view, withAttrs(view.c.features), false);
      else if (view.c.url) fetchJson(view.c.url, view.c.id, function (file) { loadSites(view, withAttrs(file), true); });
    });
    map.on("zoomend", function () { refreshSites(); refreshRecords(); });
    map.on("moveend", function () { refreshRecords(); }); // at city zoom the addresses near the view

    // --- records (Memorial's list of people shot in Moscow): each address a circle whose area is the number of
    // its people shot in the window, clustered on a grid when zoomed out; the people are fetched when a popup
    // asks (a shard of about a hundred addresses a file) and the burial grounds count their dead by month.
    var CLUSTER_BELOW = 12, CELL_PX = 56;
    var recViews = (data.collections || []).filter(function (c) { return c.time === "records"; }).map(function (c) {
      return { c: c, features: [], byId: {}, group: L.layerGroup(), cells: L.layerGroup().addTo(map), markers: {},
               shards: {}, open: null,
               shown: [], people: 0, drawn: null, colour: (layersById[c.layer] || { colour: "#4D4D4D" }).colour };
    });
    function lowerBound(a, x) { var lo = 0, hi = a.length; while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] < x) lo = mid + 1; else hi = mid; } return lo; }
    function windowMonths() { return [st.mode === "asof" ? spanMin : st.start, st.end]; }
    function countIn(months, w) { return lowerBound(months, w[1] + 1) - lowerBound(months, w[0]); }
    function recRadius(view, n) {
      return Math.max(data.kiosk ? 7 : 3, (data.kiosk ? 40 : 26) * Math.sqrt(n / Math.max(1, view.c.max)));
    }
    function recStyle(view, n) {
      return { radius: recRadius(view, n), color: "#1f1f1f", weight: 0.7, fillColor: view.colour, fillOpacity: 0.5,
               renderer: collCanvas, bubblingMouseEvents: false };
    }
    function recordDate(iso) { return iso ? iso.slice(8, 10) + "." + iso.slice(5, 7) + "." + iso.slice(0, 4) : ""; }
    function personNode(view, r) {
      var c = view.c, s = c.strings, li = el("li", "mapapp-person-record");
      li.dataset.record = r.id;
      li.appendChild(el("strong", "mapapp-person-name", r.name));
      if (data.lang === "en" && r.latin) li.appendChild(el("span", "mapapp-latin", " (" + r.latin + ")"));
      c.recordFields.forEach(function (fd) {
        if (r.fields[fd.id]) li.appendChild(el("div", "mapapp-attr", fd.label + ": " + r.fields[fd.id]));
      });
      li.appendChild(el("div", "mapapp-attr", s.shot_on + ": " + (r.date ? recordDate(r.date) : s.no_date)));
      if (c.placeLabel) {
        li.appendChild(el("div", "mapapp-attr", c.placeLabel + ": " + (r.place && placesById[r.place]
          ? placesById[r.place].name : "—")));
      }
      return li;
    }
    function withShard(view, shard, then) {
      var key = String(shard), inline = view.c.records && view.c.records[key];
      if (inline) { then(inline); return; }
      if (view.shards[key]) { then(view.shards[key]); return; }
      var url = view.c.recordUrls && view.c.recordUrls[key];
      if (url) fetchJson(url, view.c.id, function (got) { view.shards[key] = got; then(got); });
    }
    function addressPopup(view, f) {
      var c = view.c, s = c.strings, w = windowMonths(), box = el("div", "mapapp-popup mapapp-address");
      box.dataset.feature = String(f.id);
      box.appendChild(el("h3", null, f.name));
      var latin = el("p", "mapapp-note mapapp-latin-address");
      box.appendChild(latin);
      box.appendChild(el("p", "mapapp-year-value", fill(s.people_here, { n: fmt(countIn(f.m, w)), total: fmt(f.m.length),
        first: label(w[0]), last: label(w[1]) })));
      if (f.street) box.appendChild(el("p", "mapapp-note mapapp-uncertain-text", s.street_level));
      var list = el("div", "mapapp-people-list");
      list.appendChild(el("p", "mapapp-empty", s.people_loading));
      box.appendChild(list);
      box.appendChild(el("p", "mapapp-caveat", c.caveat));
      box.appendChild(el("p", "mapapp-citation", c.citation + ". " + c.credit + "."));
      withShard(view, f.s, function (shard) {
        if (data.lang === "en" && shard.latin[f.id]) latin.textContent = s.transliteration + ": " + shard.latin[f.id];
        var people = shard.people[f.id] || [], inWin = el("ol", "mapapp-people-window"), other = el("ol", "mapapp-people-other");
        people.forEach(function (r) {
          var m = r.date ? monthIndex(r.date.slice(0, 7)) : null;
          (m !== null && m >= w[0] && m <= w[1] ? inWin : other).appendChild(personNode(view, r));
        });
        list.textContent = "";
        if (inWin.childNodes.length) { list.appendChild(el("h4", null, s.people_window)); list.appendChild(inWin); }
        if (other.childNodes.length) { list.appendChild(el("h4", null, s.people_other)); list.appendChild(other); }
      });
      return box;
    }
    function loadRecords(view, file, later) {
      // {streets, rows: [id, lon, lat, shard, street, name, months]} (mapapp/webmap/mapfiles.py, collection_features);
      // a name is [k, rest] for streets[k] + rest, or whole; the months are steps from the one before
      var features = file.rows.map(function (a) {
        var name = typeof a[5] === "string" ? a[5] : file.streets[a[5][0]] + a[5][1];
        var m = a[6].slice();
        for (var i = 1; i < m.length; i++) m[i] += m[i - 1];
        return { id: String(a[0]), lon: a[1], lat: a[2], ll: L.latLng(a[2], a[1]), s: a[3], street: a[4] === 1,
                 name: name, m: m };
      });
      view.features = features;
      features.forEach(function (f) { view.byId[String(f.id)] = f; });
      view.drawn = null;
      if (later) refresh();
    }
    function addressMarker(view, f, n) {
      var m = new KeptCircle([f.lat, f.lon], recStyle(view, n));
      m.shown = true;
      m.feature = f;
      m.count = n;
      m.bindTooltip(el("span"), { direction: "top", className: "mapapp-label" });
      m.on("tooltipopen", function () { m.setTooltipContent(el("span", null, f.name + " — " + fmt(m.count))); });
      m.bindPopup(el("div", "mapapp-popup"), popupOptions(420, 280));
      m.on("popupopen", function () { view.open = f.id; m.setPopupContent(addressPopup(view, f)); });
      m.on("popupclose", function () { if (view.open === f.id) view.open = null; });
      return m;
    }
    function refreshRecords() {
      var w = windowMonths(), zoom = map.getZoom();
      recViews.forEach(function (view) {
        var on = !!st.layers[view.c.layer], key = on + ":" + w.join("-") + ":" + Math.min(zoom, CLUSTER_BELOW)
          + (zoom >= CLUSTER_BELOW ? ":" + map.getBounds().toBBoxString() : "");
        if (view.drawn === key) return;
        view.drawn = key;
        view.live = [];
        view.people = 0;
        var close = on && zoom >= CLUSTER_BELOW;
        view.cells.clearLayers();
        if (close !== map.hasLayer(view.group)) { if (close) view.group.addTo(map); else map.removeLayer(view.group); }
        if (!on) { if (view.countNode) view.countNode.textContent = ""; return; }
        var live = [];
        view.features.forEach(function (f) { var n = countIn(f.m, w); if (n) { live.push([f, n]); view.people += n; } });
        view.live = live; // the ids (sorted) only when asked: recordsShown
        var items = [];
        if (close) {
          // One marker per address, made the first time it is near the view and kept: a window change only
          // resizes, shows or hides markers (the canvas redraws once a frame), never rebuilds them.
          // only the addresses in and around the view: the others are drawn when the map moves to them
          var now = {}, fresh = [], near = map.getBounds().pad(0.5);
          live.forEach(function (x) {
            var f = x[0], n = x[1], m = view.markers[f.id];
            if (!near.contains(f.ll)) return;
            now[f.id] = true;
            if (!m) { m = view.markers[f.id] = addressMarker(view, f, n); fresh.push([n, m]); return; }
            if (m.count !== n || !m.shown) { m.count = n; m.shown = true; m.setRadius(recRadius(view, n)); }
          });
          view.group.eachLayer(function (m) { if (!now[m.feature.id]) hide(m); });
          fresh.sort(function (a, b) { return b[0] - a[0]; }); // the larger first, so the smaller stay on top
          fresh.forEach(function (it) { view.group.addLayer(it[1]); });
          if (view.open && shownIn(view, view.markers[view.open])) {
            var om = view.markers[view.open];
            if (om.isPopupOpen()) om.setPopupContent(addressPopup(view, om.feature));
          }
        } else { // a grid of cells on the screen: one circle per cell, at its addresses' weighted middle
          var cells = {}, keys = cellKeys(view, zoom);
          live.forEach(function (x) {
            var k = keys[x[0].id];
            var cell = cells[k] = cells[k] || { n: 0, a: 0, lat: 0, lon: 0 };
            cell.n += x[1]; cell.a += 1; cell.lat += x[0].lat * x[1]; cell.lon += x[0].lon * x[1];
          });
          var top = cellMax(view, zoom);
          Object.keys(cells).forEach(function (k) {
            var cell = cells[k], at = L.latLng(cell.lat / cell.n, cell.lon / cell.n);
            var m = L.circleMarker(at, recStyle(view, cell.n));
            // a cell's circle never reaches beyond its cell: area ∝ its people, the fullest cell of all dates
            // at this zoom filling it
            m.setRadius(Math.max(data.kiosk ? 7 : 3, (CELL_PX / 2 - 2) * Math.sqrt(cell.n / top)));
            m.cell = cell;
            m.bindTooltip(el("span", null, fill(view.c.strings.addresses_shown, { n: fmt(cell.a), people: fmt(cell.n),
              title: view.c.title })), { direction: "top", className: "mapapp-label" });
            m.on("click", function () { map.setView(at, Math.min(CLUSTER_BELOW, zoom + 2)); });
            items.push([cell.n, m]);
          });
        }
        items.sort(function (a, b) { return b[0] - a[0]; }); // the larger first, so the smaller stay on top
        items.forEach(function (it) { view.cells.addLayer(it[1]); });
        if (view.countNode) {
          view.countNode.textContent = fill(view.c.strings.addresses_shown, { n: fmt(live.length), people: fmt(view.people),
                                                                             title: view.c.title });
        }
      });
    }
    // Each address's grid cell at a zoom, worked out once per zoom (the window changes far more often).
    function cellKeys(view, zoom) {
      view.cellKeys = view.cellKeys || {};
      if (!view.cellKeys[zoom]) {
        var keys = {};
        view.features.forEach(function (f) {
          var p = map.project([f.lat, f.lon], zoom);
          keys[f.id] = Math.floor(p.x / CELL_PX) + ":" + Math.floor(p.y / CELL_PX);
        });
        view.cellKeys[zoom] = keys;
      }
      return view.cellKeys[zoom];
    }
    function cellMax(view, zoom) {
      view.cellMax = view.cellMax || {};
      if (view.cellMax[zoom] === undefined) {
        var cells = {}, top = 1;
        view.features.forEach(function (f) {
          var p = map.project([f.lat, f.lon], zoom), k = Math.floor(p.x / CELL_PX) + ":" + Math.floor(p.y / CELL_PX);
          cells[k] = (cells[k] || 0) + f.m.length;
          top = Math.max(top, cells[k]);
        });
        view.cellMax[zoom] = top;
      }
      return view.cellMax[zoom];
    }
    function recordKey(view) {
      var c = view.c, box = el("div", "mapapp-size-key");
      box.appendChild(el("p", "mapapp-legend-note", c.strings.address_key));
      c.key.slice().reverse().forEach(function (v) { box.appendChild(keyRow(recStyle(view, v), fmt(v))); });
      box.appendChild(el("p", "mapapp-caveat", c.caveat));
      box.appendChild(el("p", "mapapp-citation", c.credit));
      return box;
    }
    // Burial grounds: how many of the window's dead lie there, and a chart of them by month.
    function burialsAt(placeId) {
      var out = [];
      recViews.forEach(function (view) { var b = view.c.burials[placeId]; if (b) out.push([view, b]); });
      return out;
    }
    function burialPlaces(active) {
      var w = windowMonths();
      recViews.forEach(function (view) {
        if (!st.layers[view.c.layer]) return;
        Object.keys(view.c.burials).forEach(function (pid) {
          if (view.c.burials[pid].some(function (x) { return x[0] >= w[0] && x[0] <= w[1]; })) active[pid] = true;
        });
      });
    }
    function burialChart(view, months, w) {
      var first = months[0][0], last = months[months.length - 1][0], n = last - first + 1, cw = 340, h = 60, top = 0;
      months.forEach(function (x) { top = Math.max(top, x[1]); });
      var svg = svgEl("svg", { viewBox: "0 0 " + cw + " " + (h + 14), width: cw, height: h + 14, role: "img",
                               "class": "mapapp-chart mapapp-burials-chart" });
      svg.setAttribute("aria-label", view.c.strings.burials_chart);
      var bw = cw / n, a = Math.max(w[0], first), b = Math.min(w[1], last);
      if (b >= a) svg.appendChild(svgEl("rect", { x: (a - first) * bw, y: 0, width: (b - a + 1) * bw, height: h,
                                                  fill: "#e8e4da", "class": "mapapp-chart-window" }));
      months.forEach(function (x) {
        var bh = Math.max(1, (h - 2) * x[1] / top);
        svg.appendChild(svgEl("rect", { x: (x[0] - first) * bw, y: h - bh, width: Math.max(1, bw - 0.3), height: bh,
                                        fill: x[0] >= w[0] && x[0] <= w[1] ? "#1f1f1f" : view.colour,
                                        "class": "mapapp-chart-bar", "data-month": monthText(x[0]), "data-value": x[1] }));
      });
      var t0 = svgEl("text", { x: 0, y: h + 12, "font-size": 10, fill: "#333333" });
      t0.textContent = String(Math.floor(first / 12));
      var t1 = svgEl("text", { x: cw, y: h + 12, "font-size": 10, fill: "#333333", "text-anchor": "end" });
      t1.textContent = String(Math.floor(last / 12));
      svg.appendChild(t0);
      svg.appendChild(t1);
      var peak = months.filter(function (x) { return x[1] === top; })[0], px = (peak[0] - first + 0.5) * bw;
      if (px > 40 && px < cw - 40) { // the busiest month, named where it does not cover the end labels
        var tp = svgEl("text", { x: px, y: h + 12, "font-size": 10, fill: "#1f1f1f", "text-anchor": "middle",
                                 "class": "mapapp-chart-peak" });
        tp.textContent = label(peak[0]) + ": " + fmt(top);
        svg.appendChild(tp);
      }
      return svg;
    }
    function burialSection(placeId, box) {
      var w = windowMonths();
      burialsAt(placeId).forEach(function (x) {
        var view = x[0], months = x[1], n = 0, total = 0;
        months.forEach(function (m) { total += m[1]; if (m[0] >= w[0] && m[0] <= w[1]) n += m[1]; });
        var sec = el("section", "mapapp-burials");
        sec.dataset.collection = view.c.id;
        sec.appendChild(el("p", "mapapp-year-value", fill(view.c.strings.burials, { n: fmt(n), total: fmt(total),
          first: label(w[0]), last: label(w[1]) })));
        sec.appendChild(burialChart(view, months, w));
        sec.appendChild(el("p", "mapapp-chart-caption", view.c.strings.burials_chart));
        sec.appendChild(el("p", "mapapp-citation", view.c.citation + ". " + view.c.credit + "."));
        box.appendChild(sec);
      });
    }
    recViews.forEach(function (view) {
      legend.insertBefore(recordKey(view), countNode);
      view.countNode = el("p", "mapapp-collection-count");
      legend.appendChild(view.countNode);
      if (view.c.features) loadRecords(view, view.c.features, false);
      else if (view.c.url) fetchJson(view.c.url, view.c.id, function (file) { loadRecords(view, file, true); });
    });
    // Registers of millions of records (register.js): counts per cell for the zoom and window, fetched as files.
    var regViews = (data.registers || []).map(function (r) {
      var count = el("p", "mapapp-collection-count");
      var view = window.mapappRegister.create(map, r, {
        el: el, fill: fill, fmt: fmt, label: label, fetchJson: fetchJson, popupOptions: popupOptions, keyRow: keyRow,
        renderer: collCanvas, kiosk: !!data.kiosk, windowMonths: windowMonths, countNode: count,
        colour: (layersById[r.layer] || { colour: "#4D4D4D" }).colour,
        on: function () { return !!st.layers[r.layer]; } });
      legend.insertBefore(view.keyNode(), countNode);
      legend.appendChild(count);
      return view;
    });
    function regView(id) { return regViews.filter(function (v) { return v.reg.id === id; })[0]; }
    // A person chosen in the search: their record at their last home, and the path to their burial ground.
    var recordPath = L.layerGroup().addTo(map);
    function focusRecord(collectionId, r) {
      var view = recViews.filter(function (v) { return v.c.id === collectionId; })[0];
      if (!view || !r) return;
      recordPath.clearLayers();
      if (!st.layers[view.c.layer]) {
        st.layers[view.c.layer] = true;
        var box = legend.querySelector("[data-layer='" + view.c.layer + "']");
        if (box) box.checked = true;
      }
      if (r.date) { // move the window to the month of the execution, keeping its width
        var m = monthIndex(r.date.slice(0, 7)), w = windowMonths();
        if (m < w[0] || m > w[1]) {
          var width = st.mode === "window" ? st.end - st.start : 0;
          st.end = Math.max(spanMin, Math.min(spanMax, m));
          st.start = Math.max(spanMin, st.end - width);
        }
      }
      map.stop();
      refresh();
      var grave = r.place && placesById[r.place], pts = [];
      if (r.home) pts.push(L.latLng(r.home.lat, r.home.lon));
      if (grave) pts.push(L.latLng(grave.lat, grave.lon));
      if (pts.length === 2) {
        var line = L.polyline(pts, { color: TRAIL_COLOUR, weight: 3, dashArray: "6 5", interactive: false,
                                     className: "mapapp-record-path" });
        recordPath.addLayer(line);
        recordPath.addLayer(L.marker(pts[1], { interactive: false, keyboard: false, icon: arrowIcon(bearing(pts[0], pts[1])) }));
      }
      if (pts.length) {
        if (pts.length === 2) map.fitBounds(L.latLngBounds(pts).pad(0.25), { animate: false, maxZoom: 14 });
        else map.setView(pts[0], 13, { animate: false });
        L.popup(popupOptions(420, 280))
          .setLatLng(pts[0]).setContent(recordPopup(view, r)).openOn(map);
      }
      view.path = { record: r.id, points: pts.length };
    }
    function recordPopup(view, r) {
      var grave = r.place && placesById[r.place], node = el("div", "mapapp-popup mapapp-record");
      node.dataset.record = r.id;
      var list = el("ol", "mapapp-people-window");
      list.appendChild(personNode(view, r));
      node.appendChild(list);
      if (r.home) node.appendChild(el("p", "mapapp-attr mapapp-record-path", view.c.strings.path + ": " + r.home.name
                                      + " → " + (grave ? grave.name : "—") + (r.date ? ", " + recordDate(r.date) : "")));
      else node.appendChild(el("p", "mapapp-note", view.c.strings.not_located));
      node.appendChild(el("p", "mapapp-citation", view.c.citation + ". " + view.c.credit + "."));
      return node;
    }
    function bearing(a, b) {
      var p1 = map.latLngToLayerPoint(a), p2 = map.latLngToLayerPoint(b);
      return Math.atan2(p2.y - p1.y, p2.x - p1.x) * 180 / Math.PI;
    }

    // --- refresh everything that depends on the window or the layers
    // Each report costs a rerun of the page, and a rerun in flight swallows a click on a download
    // button: report only what the server does not know yet. It knows the state it seeded the map
    // with, so a freshly drawn map says nothing; streamlit-folium's own value starts as null for
    // the same reason (its default), or its first moveend would send an empty report.
    var reportTimer = null, reported = null;
    if (window.__GLOBAL_DATA__) window.__GLOBAL_DATA__.selected_tags = null;
    function report() {
      clearTimeout(reportTimer);
      reportTimer = setTimeout(function () {
        var g = window.__GLOBAL_DATA__, now = JSON.stringify(api.state());
        if (!g || now === reported) return; // standalone HTML has nobody to tell
        reported = now;
        g.selected_tags = [now];
        map.fire("moveend");
      }, 300);
    }
    function refresh() {
      var w = windowDates(), day = w[1];
      showBorders(day);
      refreshCollections();
      refreshSites();
      refreshRecords();
      regViews.forEach(function (v) { v.refresh(); });
      var ids = visiblePlaceIds(), keep = {};
      ids.forEach(function (id) { keep[id] = true; });
      var add = [], drop = [];
      Object.keys(markers).forEach(function (id) {
        var m = markers[id], on = cluster.hasLayer(m);
        var name = nameAt(placesById[id], day);
        if (name !== m.label) {
          m.label = name;
          m.setTooltipContent(el("span", null, name));
          if (m.getElement()) m.getElement().setAttribute("aria-label", name);
        }
        if (keep[id] && !on) add.push(m);
        if (!keep[id] && on) drop.push(m);
      });
      // Re-clustering takes markers off the map for a moment, which closes an open popup:
      // reopen it if its place is still shown, so a popup follows the slider.
      var reopen = openPlace;
      if (drop.length) cluster.removeLayers(drop);
      if (add.length) cluster.addLayers(add);
      if (reopen && keep[reopen] && !markers[reopen].isPopupOpen()) {
        cluster.zoomToShowLayer(markers[reopen], function () { markers[reopen].openPopup(); });
      }
      countNode.textContent = ids.length + " " + S.places_shown;
      var evs = eventsInWindow().filter(function (e) {
        return e.places.some(function (id) { return keep[id]; });
      });
      listHead.textContent = S.events_in_window + " (" + evs.length + ")";
      timeCtl.sync(evs.length);
      showEventList(evs, keep, day);
      if (openPlace) {
        // Updating a popup pans it into view, and that first stops any pan still running: its moveend
        // re-clusters, which can take the marker, and so the popup, off the map in mid-update. Stop it first.
        map.stop();
        if (openPlace && markers[openPlace].isPopupOpen()) {
          markers[openPlace].setPopupContent(popupContent(placesById[openPlace]));
        }
      }
      revealTrail();
      report();
    }

    // The events list, kept: each event's item is built once and rebuilt only when the names of its places shown
    // change, and the list is rewritten only when its items differ. A slider step that leaves the list as it was
    // (most of them, at a month a step) touches no node of it.
    var listItems = {}, listShown = [], listKeep = {}, listEmpty = el("li", "mapapp-empty", S.no_events);
    function eventItem(e, places) {
      var li = el("li"), b = el("button", "mapapp-list-item");
      b.type = "button";
      b.dataset.event = e.id;
      b.appendChild(el("span", "mapapp-date", e.date));
      b.appendChild(el("span", "mapapp-title", e.title));
      b.appendChild(el("span", "mapapp-place", places));
      b.addEventListener("click", function () {
        focus(e.places.filter(function (id) { return listKeep[id]; }));
      });
      li.appendChild(b);
      return li;
    }
    function showEventList(evs, keep, day) {
      listKeep = keep;
      var items = evs.map(function (e) {
        var places = e.places.filter(function (id) { return keep[id]; })
          .map(function (id) { return nameAt(placesById[id], day); }).join(", ");
        var item = listItems[e.id];
        if (!item || item.places !== places) item = listItems[e.id] = { li: eventItem(e, places), places: places };
        return item.li;
      });
      if (!items.length) items = [listEmpty];
      if (items.length === listShown.length && items.every(function (li, i) { return li === listShown[i]; })) return;
      listBody.replaceChildren.apply(listBody, items);
      listShown = items;
    }

    function focus(ids) {
      ids = (ids || []).filter(function (id) { return markers[id]; });
      if (!ids.length) return;
      map.stop(); // before refresh: see the popup update there
      ids.forEach(function (id) {
        var p = placesById[id];
        if (!st.layers[p.layer]) { st.layers[p.layer] = true; legend.querySelector("[data-layer='" + p.layer + "']").checked = true; }
      });
      refresh();
      var first = markers[ids[0]];
      if (!cluster.hasLayer(first)) { // outside the window: show it anyway, with its popup saying so
        cluster.addLayer(first);
      }
      // Move without animation: markercluster's zoomToShowLayer leaves listeners behind when a
      // second focus (a fast tour, quick taps on the list) comes before the first one has settled.
      map.stop();
      if (ids.length > 1) {
        map.fitBounds(L.latLngBounds(ids.map(function (id) { return markers[id].getLatLng(); })).pad(0.3),
                      { animate: false, maxZoom: 13 });
      } else {
        map.setView(first.getLatLng(), FOCUS_ZOOM[placesById[ids[0]].precision] || 10, { animate: false });
      }
      if (first._icon) {
        first.openPopup();
      } else { // still inside a cluster at this zoom: the same popup, on its own
        L.popup(first.getPopup().options).setLatLng(first.getLatLng())
          .setContent(popupContent(placesById[ids[0]])).openOn(map);
      }
    }

    // --- kiosk: large controls, no context menu or page zoom, and the attract tour
    var tourTimer = null, tourIndex = 0, caption = null;
    function stopTour() {
      if (tourTimer) clearTimeout(tourTimer);
      tourTimer = null;
      map.getContainer().classList.remove("mapapp-touring");
      if (caption) caption.style.display = "none";
    }
    function showStep() {
      var steps = data.kiosk.tour, s = steps[tourIndex % steps.length];
      map.closePopup();
      st.mode = "window";
      st.start = Math.max(spanMin, monthIndex(s.start));
      st.end = Math.min(spanMax, monthIndex(s.end));
      if (s.view) {
        var v = data.views.filter(function (x) { return x.id === s.view; })[0];
        if (v) { st.view = v.id; map.setView(v.center, v.zoom); }
      }
      refresh();
      if (s.person && trailsById[s.person]) showTrail(s.person);
      else { clearTrail(); if (s.places.length) focus(s.places); }
      caption.textContent = s.caption;
      caption.style.display = "";
      tourIndex += 1;
      tourTimer = setTimeout(showStep, s.duration_s * 1000);
    }
    function runTour() {
      if (!data.kiosk || !data.kiosk.tour.length) return;
      stopTour();
      pause();
      map.getContainer().classList.add("mapapp-touring"); // the whole map, only the caption over it
      tourIndex = 0;
      showStep();
    }
    if (data.kiosk) {
      var root = map.getContainer();
      root.classList.add("mapapp-kiosk");
      root.style.setProperty("--mapapp-scale", String(data.kiosk.text_scale));
      caption = el("div", "mapapp-caption");
      caption.setAttribute("role", "status");
      caption.style.display = "none";
      root.appendChild(caption);
      var block = function (e) { e.preventDefault(); };
      document.addEventListener("contextmenu", block);
      document.addEventListener("wheel", function (e) { if (e.ctrlKey) e.preventDefault(); }, { passive: false });
      document.addEventListener("keydown", function (e) {
        if ((e.ctrlKey || e.metaKey) && ["+", "-", "=", "0"].indexOf(e.key) >= 0) e.preventDefault();
      });
      // Any touch hands control back to the visitor.
      ["pointerdown", "keydown", "wheel"].forEach(function (type) {
        document.addEventListener(type, function () { if (tourTimer) stopTour(); }, true);
      });
    }

    var api = {
      map: map, // the Leaflet map (tests and benchmarks drive its zoom)
      runTour: runTour, stopTour: stopTour,
      // Show the tour's next step now (the soak benchmark drives 1,000 steps with it).
      nextStep: function () { if (tourTimer) { clearTimeout(tourTimer); showStep(); } },
      touring: function () { return tourTimer !== null; },
      basemapShown: function () { return basemap.shown(); }, // the url of the basemap level drawn, or null
      state: function () {
        var layers = data.layers.filter(function (l) { return st.layers[l.id]; }).map(function (l) { return l.id; });
        return { start: monthText(st.start), end: monthText(st.end), mode: st.mode, layers: layers, view: st.view };
      },
      visiblePlaceIds: visiblePlaceIds,
      // The features of a collection drawn now (ids, sorted), and one's radius and dash: the e2e tests check
      // them against mapapp.model.collections.
      collectionShown: function (id) {
        var v = colls.filter(function (x) { return x.c.id === id; })[0];
        return v ? v.shown.slice() : null;
      },
      collectionCircle: function (id, fid) {
        var v = colls.filter(function (x) { return x.c.id === id; })[0], m = v && v.byId[String(fid)];
        return shownIn(v, m) ? { radius: m.getRadius(), dash: m.options.dashArray || null,
                                 fill: m.options.fillOpacity ? m.options.fillColor : null } : null;
      },
      collectionOrder: function (id) { // a collection's circles in the canvas's drawing order (the later on top)
        var v = colls.filter(function (x) { return x.c.id === id; })[0], out = [];
        for (var o = collCanvas._drawFirst; v && o; o = o.next) {
          if (shownIn(v, o.layer)) out.push(String(o.layer.feature.id));
        }
        return out;
      },
      collectionsLoaded: function () { return colls.every(function (v) { return v.markers.length > 0; }); },
      focusFeatures: focusFeatures,
      // Sites and addresses drawn now (ids, sorted), people counted, and the path of a person chosen in search.
      sitesShown: function (id) {
        var v = siteViews.filter(function (x) { return x.c.id === id; })[0];
        return v ? v.shown.slice() : null;
      },
      siteParts: function (id) { // what is drawn for each shown site: "outline" or "symbol"
        var v = siteViews.filter(function (x) { return x.c.id === id; })[0], out = {};
        if (v) v.items.forEach(function (it) {
          if (it.outline && v.group.hasLayer(it.outline)) out[it.f.id] = "outline";
          else if (it.marker && v.group.hasLayer(it.marker)) out[it.f.id] = "symbol";
        });
        return out;
      },
      recordsShown: function (id) {
        var v = recViews.filter(function (x) { return x.c.id === id; })[0];
        return v ? { addresses: (v.live || []).map(function (x) { return String(x[0].id); }).sort(), people: v.people,
                     circles: v.group.getLayers().filter(function (m) { return shownIn(v, m); }).length
                       + v.cells.getLayers().length }
          : null;
      },
      registerShown: function (id) { // what a register draws: its level, circles, sure and may counts
        var v = regView(id);
        return v ? v.shown() : null;
      },
      registerBase: function (id) { var v = regView(id); return v ? v.reg.base : null; },
      openRegisterCell: function (id, k) { var v = regView(id); return v ? v.open(k) : false; },
      recordsLoaded: function () { return recViews.every(function (v) { return v.features.length > 0; }); },
      sitesLoaded: function () { return siteViews.every(function (v) { return v.items.length > 0; }); },
      recordPath: function (id) {
        var v = recViews.filter(function (x) { return x.c.id === id; })[0];
        return v && v.path ? v.path : null;
      },
      openAddress: function (id, fid) {
        var v = recViews.filter(function (x) { return x.c.id === id; })[0];
        var hit = v && v.markers[String(fid)];
        if (shownIn(v, hit)) { hit.openPopup(); return true; }
        return false;
      },
      focusRecord: focusRecord,
      openSite: function (id, fid) { // a site's popup, from its symbol or outline, whichever is drawn
        var v = siteViews.filter(function (x) { return x.c.id === id; })[0], it = v && v.byId[String(fid)];
        var part = it && [it.marker, it.outline].filter(function (p) { return p && v.group.hasLayer(p); })[0];
        if (part) part.openPopup(); // an outline's opens at its first polygon's centre
        return !!part;
      },
      bordersSnapshot: function () { return bordersShown; },
      // whether a change is still to be drawn: the benchmark's slider timing ends only once the map shows it
      drawPending: function () { return redrawPending || !!collCanvas._redrawRequest; },
      setWindow: function (start, end) { st.start = monthIndex(start); st.end = monthIndex(end); refresh(); },
      setMode: function (mode) { st.mode = mode; refresh(); },
      focus: focus, play: play, pause: pause,
      playing: function () { return timeCtl.playing(); },
      track: function () { return timeCtl.track(); },
      showTrail: showTrail, clearTrail: clearTrail,
      trail: function () {
        return { person: trailPerson, segments: trailParts.length,
                 shown: trailParts.filter(function (x) { return x.shown; }).length,
                 labels: trailParts.filter(function (x) { return x.shown; }).map(function (x) { return x.seg.label; }) };
      }
    };
    // A focus or trail asked for by the page (search) before this map existed.
    api.request = function (req) {
      if (req.record && req.record.register) {
        if (regView(req.record.register)) regView(req.record.register).focus(req.record);
      } else if (req.collection && req.record) focusRecord(req.collection, req.record);
      else if (req.collection) focusFeatures(req.collection, req.features || []);
      else if (req.person && api.showTrail) api.showTrail(req.person); else focus(req.places);
    };
    reported = JSON.stringify(api.state());
    refresh();
    fitLayout();
    performance.mark("mapapp-drawn");
    requestAnimationFrame(function () { requestAnimationFrame(labelRenamed); }); // the frame after this one
    if (window.__mapappPending) {
      var pending = window.__mapappPending;
      window.__mapappPending = null;
      setTimeout(function () { api.request(pending); }, 0);
    }
    return api;
  }

  window.mapapp = { init: init };
})();
