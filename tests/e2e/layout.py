"""What the layout and accessibility tests measure in the browser: the panels over the map, and axe-core."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Frame, Page

from mapapp import REPO_ROOT

AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: The impacts that fail a page (issue 12: 0 serious or critical violations).
FAILING_IMPACTS = ("serious", "critical")

#: The map's panels (Leaflet controls, not the scale bar or the credit line): their boxes and the map's.
PANELS_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const shown = e => { const s = getComputedStyle(e), r = e.getBoundingClientRect();
                       return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0; };
  const panels = [...document.querySelectorAll('.leaflet-control')]
    .filter(e => !e.matches('.leaflet-control-scale, .leaflet-control-attribution') && shown(e))
    .map(e => Object.assign(box(e), {what: String(e.className).split(' ').filter(c => c.startsWith('mapapp-') || c.startsWith('leaflet-control-')).join('.')}));
  // an open sheet (a narrow map) lies outside its panel's box
  const sheets = [...document.querySelectorAll('.mapapp-narrow .mapapp-open > .mapapp-panel-body')].filter(shown)
    .map(e => Object.assign(box(e), {what: 'sheet'}));
  return {map: box(document.querySelector('.mapapp-map')), panels: panels.concat(sheets)};
}"""


def covered_share(layout: dict) -> float:
    """The share of the map under any panel (the union of their boxes, counted on a 4 px grid)."""
    m, step = layout["map"], 4
    hit = 0
    total = 0
    for y in range(int(m["y"]), int(m["y"] + m["h"]), step):
        for x in range(int(m["x"]), int(m["x"] + m["w"]), step):
            total += 1
            if any(p["x"] <= x < p["x"] + p["w"] and p["y"] <= y < p["y"] + p["h"] for p in layout["panels"]):
                hit += 1
    return hit / total


def overlaps(layout: dict) -> list[tuple[str, str]]:
    """Pairs of panels whose boxes intersect (one would take the other's clicks)."""
    ps = [p for p in layout["panels"] if p["what"] != "sheet"]
    out = []
    for i, a in enumerate(ps):
        for b in ps[i + 1:]:
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]:
                out.append((a["what"], b["what"]))
    return out


def inject_axe(doc: Page | Frame) -> None:
    """Load axe-core into ``doc``. Evaluated through the DevTools protocol, not as a <script> tag: the standalone
    file's Content-Security-Policy (rightly) refuses inline scripts it does not list."""
    if not doc.evaluate("() => typeof window.axe !== 'undefined'"):
        doc.evaluate(Path(AXE_JS).read_text(encoding="utf-8") + "\n;undefined")


def axe_violations(doc: Page | Frame, exclude: list[str] | None = None) -> list[dict]:
    """axe-core's serious and critical violations in ``doc`` (WCAG 2.x A and AA rules and best practice)."""
    inject_axe(doc)
    found = doc.evaluate(
        """async (exclude) => {
          const context = exclude && exclude.length ? {exclude: exclude.map(s => [s])} : document;
          const r = await axe.run(context, {iframes: false, resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""", exclude or [])
    return [v for v in found if v["impact"] in FAILING_IMPACTS]
