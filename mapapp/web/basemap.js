/* The Natural Earth basemap by zoom (mapapp/webmap/mapview.py lists its levels). Zoomed out, the coarse file
 * (1:110 million, ~0.1 MB) is all the map needs; the finer one (1:50 million, ~0.75 MB) is fetched only when the
 * zoom first reaches its level, then replaces the coarse one and stays: it is paid for, and it draws every zoom.
 * A page that opens zoomed in fetches the finer file alone. The data is TopoJSON of country shapes only: no text
 * of it reaches the DOM. */
(function () {
  "use strict";

  /* The finest level of ``levels`` ([{url, minZoom}], any order) whose minZoom is at most ``zoom``; the coarsest
   * level when none is (a page never goes without a basemap). */
  function levelFor(levels, zoom) {
    var best = null, coarsest = null;
    levels.forEach(function (level) {
      if (coarsest === null || level.minZoom < coarsest.minZoom) coarsest = level;
      if (level.minZoom <= zoom && (best === null || level.minZoom > best.minZoom)) best = level;
    });
    return best || coarsest;
  }

  // Natural Earth rings that cross the antimeridian jump from +180 to -180; Leaflet would
  // draw that jump as a stripe across the world, so continue them past 180 instead.
  function unwrapRing(ring) {
    for (var i = 1; i < ring.length; i++) {
      var d = ring[i][0] - ring[i - 1][0];
      if (Math.abs(d) > 180) ring[i][0] -= 360 * Math.round(d / 360);
    }
  }
  function unwrap(geojson) {
    geojson.features.forEach(function (f) {
      var g = f.geometry;
      if (!g) return;
      var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      polys.forEach(function (poly) { poly.forEach(unwrapRing); });
    });
    return geojson;
  }

  /* Draws the basemap of ``levels`` on ``map`` in ``pane``, following the zoom. ``fetchJson(url, what, then)``
   * fetches a file (a failure is the caller's to log); ``drawn(layer)`` runs after each level is drawn (the
   * borders above it are brought to the front again). Returns {shown(): the url drawn or null}. */
  function attach(map, levels, pane, fetchJson, drawn) {
    var layer = null, shownLevel = null, wanted = null;
    function show(level) {
      if (level === wanted || (shownLevel && level.minZoom <= shownLevel.minZoom)) return;
      wanted = level;
      fetchJson(level.url, "basemap", function (topo) {
        // A finer level asked for since may have been drawn first: never go back to a coarser one.
        if (shownLevel && level.minZoom <= shownLevel.minZoom) return;
        var next = L.geoJSON(unwrap(topojson.feature(topo, topo.objects.countries)), {
          pane: pane, interactive: false,
          // The class names the level (its index in ``levels``): the tests see which one is drawn.
          style: { fillColor: "#f2efe8", fillOpacity: 1, color: "#a9a59b", weight: 0.6,
                   className: "mapapp-basemap mapapp-basemap-" + levels.indexOf(level) }
        }).addTo(map);
        if (layer) map.removeLayer(layer);
        layer = next;
        shownLevel = level;
        if (drawn) drawn(layer);
      });
    }
    show(levelFor(levels, map.getZoom()));
    map.on("zoomend", function () { show(levelFor(levels, map.getZoom())); });
    return { shown: function () { return shownLevel ? shownLevel.url : null; } };
  }

  window.mapappBasemap = { levelFor: levelFor, unwrap: unwrap, attach: attach };
})();
