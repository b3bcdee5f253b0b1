"""Benchmark issue 12's targets: Lighthouse accessibility and axe-core on the visitor page, the kiosk page and the
standalone HTML, and the first paint of the laptop layout.

Run from the repo root:  python benchmarks/bench_layout.py  [--runs 5]

Prints a table and writes its own section of ``benchmarks/RESULTS.md`` ("Issue 12: layout and accessibility
(bench_layout.py)"); the other sections stay byte for byte. Not a test.

(1) Lighthouse 12.2.3 (npm, ``node_modules/.bin/lighthouse``) with Debian's chromium (``CHROME_PATH``),
    accessibility category only, desktop screen 1366×768 for the visitor page and the standalone file,
    1920×1080 for the kiosk page. Lighthouse audits the page it is given: the visitor and kiosk pages hold the map
    in Streamlit's component iframe, the standalone file is the map's own document, so the three together cover
    the page around the map and the map.
(2) axe-core 4.11 (npm) in Playwright, run in the page and in the map's frame: violations by impact.
(3) First paint at 1366×768: a fresh context per run, wall clock from ``page.goto`` to the first place marker
    visible in the map frame; run 1 (cold: the server also builds its cached map) apart, the target on the
    median of the others. Issue 11's number for the same measure (1400×900, before this layout) stands beside.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from benchmarks.results import machine, write_sections  # noqa: E402
from mapapp.export.standalone import standalone_html  # noqa: E402
from mapapp.model.viewstate import MapState  # noqa: E402
from mapapp.webmap.mapview import load_dataset  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, serve_app, wait_for_app  # noqa: E402
from tests.e2e.layout import AXE_JS  # noqa: E402

SECTION = "Issue 12: layout and accessibility (bench_layout.py)"
IFRAME = "iframe[title*='st_folium']"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
TARGET_SCORE = 95
TARGET_FIRST_PAINT_S = 2.0
PREVIOUS_FIRST_PAINT_S = 2.32  # issue 11 (bench_moscow.py), 1400×900, the layout before this one
KIOSK_EMBED = "/?embed=true&embed_options=hide_loading_screen"

AXE_RUN = """async (exclude) => {
  const r = await axe.run(exclude.length ? {exclude: exclude.map(s => [s])} : document,
                          {iframes: false, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}));
}"""


def lighthouse(url: str, width: int, height: int, out: Path) -> dict[str, Any]:
    """Lighthouse's accessibility score (0–100) for ``url`` and the audits that failed."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    cmd = [str(LIGHTHOUSE), url, "--only-categories=accessibility", "--output=json", f"--output-path={out}",
           "--quiet", f"--chrome-flags={flags}", "--preset=desktop", f"--screenEmulation.width={width}",
           f"--screenEmulation.height={height}", "--max-wait-for-load=60000"]
    subprocess.run(cmd, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=600)
    report = json.loads(out.read_text(encoding="utf-8"))
    category = report["categories"]["accessibility"]
    failed = [a for a in (report["audits"][ref["id"]] for ref in category["auditRefs"])
              if a.get("score") is not None and a["score"] < 1]
    return {"score": round(category["score"] * 100), "failed": [f"{a['id']}" for a in failed]}


def axe_counts(browser: Browser, url: str, width: int, height: int, frame_too: bool) -> dict[str, int]:
    """axe's violations by impact in the page (and in its map frame)."""
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(url)
    docs: list[Any] = [page]
    if frame_too:
        wait_for_app(page)
        handle = page.locator(IFRAME).last.element_handle(timeout=60_000)
        frame = handle.content_frame()
        assert frame is not None
        frame.wait_for_function("() => window.mapappApi !== undefined", timeout=60_000)
        docs.append(frame)
    else:
        page.wait_for_function("() => window.mapappApi !== undefined", timeout=60_000)
    time.sleep(1.5)
    counts: dict[str, int] = {"critical": 0, "serious": 0, "moderate": 0, "minor": 0}
    for k, doc in enumerate(docs):
        doc.add_script_tag(path=str(AXE_JS))
        for v in doc.evaluate(AXE_RUN, [IFRAME] if frame_too and k == 0 else []):
            counts[v["impact"]] += 1
    page.context.close()
    return counts


def first_paint(browser: Browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.frame_locator(IFRAME).locator(".mapapp-marker").first.wait_for(state="visible", timeout=60_000)
    took = time.perf_counter() - t0
    context.close()
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    log = Path(tempfile.mkdtemp(prefix="bench-layout-"))
    standalone = log / "standalone.html"
    standalone.write_text(standalone_html(load_dataset(), MapState(start="1937-01", end="1938-12")), encoding="utf-8")
    scores: dict[str, dict[str, Any]] = {}
    axe: dict[str, dict[str, int]] = {}
    with serve_app("bench-layout", log) as visitor, \
            serve_app("bench-layout-kiosk", log, {"MAPAPP_CONFIG": str(ROOT / "kiosk.toml")}) as kiosk, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        version = browser.version
        paints = [first_paint(browser, visitor + "/") for _ in range(args.runs)]
        pages = {"visitor page": (visitor + "/", 1366, 768, True), "kiosk page": (kiosk + KIOSK_EMBED, 1920, 1080, True),
                 "standalone HTML": (standalone.as_uri(), 1366, 768, False)}
        for name, (url, w, h, framed) in pages.items():
            axe[name] = axe_counts(browser, url, w, h, framed)
        browser.close()
        for name, (url, w, h, _) in pages.items():
            scores[name] = lighthouse(url, w, h, log / f"{name.replace(' ', '-')}.json")
    warm = statistics.median(paints[1:]) if len(paints) > 1 else paints[0]
    lines = [f"## {SECTION}", "",
             f"{dt.date.today().isoformat()}, `python benchmarks/bench_layout.py --runs {args.runs}`. Machine: "
             + ", ".join(f"{k} {v}" for k, v in machine(version).items()) + ".", "",
             "| page | Lighthouse accessibility | target | axe critical / serious / moderate / minor | target |",
             "|---|---|---|---|---|"]
    for name in pages:
        s, a = scores[name], axe[name]
        lines.append(f"| {name} | {s['score']} (failed: {', '.join(s['failed']) or 'none'}) | ≥ {TARGET_SCORE} "
                     f"{'met' if s['score'] >= TARGET_SCORE else 'NOT met'} | {a['critical']} / {a['serious']} / "
                     f"{a['moderate']} / {a['minor']} | 0 serious or critical "
                     f"{'met' if a['critical'] + a['serious'] == 0 else 'NOT met'} |")
    lines += ["", "| first paint, laptop 1366×768 | this layout | issue 11 (1400×900, before) | target |",
              "|---|---|---|---|",
              f"| cold (run 1) / warm median of runs 2–{args.runs} | {paints[0]:.2f} s / {warm:.2f} s "
              f"(runs: {', '.join(f'{x:.2f}' for x in paints)}) | {PREVIOUS_FIRST_PAINT_S:.2f} s | "
              f"≤ {TARGET_FIRST_PAINT_S:.1f} s {'met' if warm <= TARGET_FIRST_PAINT_S else 'NOT met'} |", ""]
    text = "\n".join(lines)
    print(text)
    write_sections(ROOT / "benchmarks" / "RESULTS.md", text, lambda h: h == SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
