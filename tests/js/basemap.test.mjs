// The basemap's levels by zoom (mapapp/web/basemap.js): which file a zoom draws, and that a finer file, once
// drawn, is never replaced by a coarser one. Run by tests/test_js_units.py (`node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { page } from "./page.mjs";

const w = page("basemap.js");
const B = w.mapappBasemap;

const COARSE = { url: "110m", minZoom: 0 };
const FINE = { url: "50m", minZoom: 4 };

for (const [levels, zoom, want] of [
  [[COARSE, FINE], 2, "110m"],
  [[COARSE, FINE], 3, "110m"],
  [[COARSE, FINE], 4, "50m"], // the fine level's own zoom
  [[COARSE, FINE], 13, "50m"],
  [[FINE, COARSE], 3, "110m"], // any order
  [[FINE, COARSE], 4, "50m"],
  [[FINE], 2, "50m"], // below every level: the coarsest there is, never none
  [[{ url: "data", minZoom: 0 }], 16, "data"],
]) {
  test(`zoom ${zoom} of ${levels.map((l) => l.url)} draws ${want}`, () => {
    assert.equal(B.levelFor(levels, zoom).url, want);
  });
}

test("unwrap continues a ring across the antimeridian instead of jumping back", () => {
  const gj = { features: [{ geometry: { type: "Polygon", coordinates: [[[179, 0], [-179, 1], [-178, 2], [179, 0]]] } },
                          { geometry: null }] };
  B.unwrap(gj);
  assert.deepEqual(gj.features[0].geometry.coordinates[0].map((p) => p[0]), [179, 181, 182, 179]);
});

/** A stand-in map and Leaflet: records layers added and removed, fires zoomend, answers fetches by hand. */
function harness(levels, zoom) {
  const handlers = {}, pending = [], shown = new Set();
  const map = {
    getZoom: () => zoom,
    on: (name, f) => { handlers[name] = f; },
    removeLayer: (layer) => shown.delete(layer.url),
  };
  // Each drawn layer remembers its file through the GeoJSON the stand-in topojson makes of it.
  w.topojson = { feature: (topo) => ({ features: [], url: topo.url }) };
  w.L = { geoJSON: (gj) => ({ url: gj.url, addTo() { shown.add(this.url); return this; } }) };
  let drawn = 0;
  const view = B.attach(map, levels, "basemap", (url, what, then) => pending.push({ url, then }), () => { drawn += 1; });
  return {
    view, shown, pending,
    zoomTo(z) { zoom = z; handlers.zoomend(); },
    answer(url) {
      const i = pending.findIndex((p) => p.url === url);
      const [p] = pending.splice(i, 1);
      p.then({ url, objects: { countries: {} } });
    },
    drawn: () => drawn,
  };
}

test("zoomed out, only the coarse file is fetched; zooming in fetches the fine one and replaces it", () => {
  const h = harness([COARSE, FINE], 3);
  assert.deepEqual(h.pending.map((p) => p.url), ["110m"]);
  h.answer("110m");
  assert.equal(h.view.shown(), "110m");
  h.zoomTo(3);
  assert.equal(h.pending.length, 0, "a zoom within the level fetches nothing");
  h.zoomTo(5);
  assert.deepEqual(h.pending.map((p) => p.url), ["50m"]);
  h.answer("50m");
  assert.equal(h.view.shown(), "50m");
  assert.deepEqual([...h.shown], ["50m"], "the coarse layer is removed, one basemap is drawn");
  h.zoomTo(2);
  assert.equal(h.pending.length, 0, "zooming out again keeps the fine file");
  assert.equal(h.view.shown(), "50m");
  assert.equal(h.drawn(), 2);
});

test("a page opened zoomed in fetches the fine file alone", () => {
  const h = harness([COARSE, FINE], 10);
  assert.deepEqual(h.pending.map((p) => p.url), ["50m"]);
});

test("a coarse file arriving after the fine one is not drawn over it", () => {
  const h = harness([COARSE, FINE], 3);
  h.zoomTo(6);
  h.answer("50m");
  h.answer("110m");
  assert.equal(h.view.shown(), "50m");
  assert.deepEqual([...h.shown], ["50m"]);
  assert.equal(h.drawn(), 1);
});
