"""Benchmark issue 10's targets for the Gulag camps layer, each beside the naive way, in one run.

Run from the repo root:  python benchmarks/bench_collections.py  [--runs 5] [--changes 50] [--seed 1937]

Prints a table and writes its own section of ``benchmarks/RESULTS.md`` (the other sections stay). Not a test.

(1) Build. ``mapapp build`` (the curated data and every collection) into a fresh temporary folder, wall clock of
    the whole command, 3 runs, median (and the largest resident set of those runs). The camps import alone:
    :func:`mapapp.ingest.collection_import.import_collection` on ``data/collections/gulag-camps``, median of 5 in
    this process. Beside it, the naive import a first version would write (:func:`naive_import`): the locations
    and statistics read row by row with the ``csv`` module, each location's camp, type, activity and region
    looked up with a pandas boolean mask (``frame[frame["id"] == key]``) and its yearly figures with another mask
    over ``statistics.csv`` walked with ``iterrows``; the features then made with the importer's own helpers,
    so the output is the same (checked: the features equal the real import's, or the table says not).
(2) The map, every layer on (the default ``MapState``, so the camps layer ``gulag`` too), in Debian Chromium
    through Playwright. Two servers of the real app run side by side (``tests/e2e/conftest.serve_app``): the
    product (the camps' circles on one shared ``L.canvas``) and the naive way (``MAPAPP_COLLECTION_RENDERER=svg``:
    the same circles with Leaflet's SVG renderer, one DOM node each; see ``mapapp.webmap.mapview.payload``).
    Runs and window changes alternate between the two, so a change of the machine's load hits both alike.
    - first paint: a fresh browser context per run; wall clock from ``page.goto`` to the first
      ``.mapapp-marker`` visible in the map frame (as ``bench_map.py``), and to the camps drawn
      (``mapappApi.collectionsLoaded()`` and ``collectionShown('gulag-camps')`` not empty); and the map frame's
      first-contentful-paint from the browser's own timing. Run 1 of each server also builds its cached map.
    - slider → map: random windows within 1934-01..1953-12 set on the real range inputs, timed in the page with
      ``performance.now()`` from just before the 'input' events to the first animation frame where the DOM
      agrees: the range text is the new window, the shown markers and cluster counts add up to
      ``visiblePlaceIds().length``, and ``collectionShown('gulag-camps')`` equals the ids Python's
      ``Collection.operating(end year)`` gives (computed before, passed in as one JSON string, compared as one).
      The canvas redraws in an animation frame Leaflet asks for during the handler, so before the frame in
      which agreement is checked. After the timing, ``visiblePlaceIds()`` is checked against Python's
      ``visible_place_ids`` as well.
    - bytes: the map HTML as the app renders it (``build_map`` with the borders and camps URLs the app gives
      it); what the map frame fetches when it starts, measured from the responses in the browser (bodies as
      decoded, and the Content-Encoding seen); the map HTML with the borders and camps inside (what the
      standalone page carries as data); and the whole standalone page (``standalone_html``: scripts, styles and
      the basemap inline too).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import gzip
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pandas  # noqa: E402
from playwright.sync_api import Frame, Page, Response, sync_playwright  # noqa: E402

from benchmarks.results import machine, pct, write_sections  # noqa: E402
from mapapp.export.standalone import standalone_html  # noqa: E402
from mapapp.ingest.collection_import import (  # noqa: E402
    _feature,
    _Reading,
    _sort_id,
    clean,
    import_collection,
    parse_count,
    parse_point,
    read_declaration,
)
from mapapp.model.dates import MONTHS_EN  # noqa: E402
from mapapp.model.layers import LAYER_IDS  # noqa: E402
from mapapp.model.viewstate import MapState  # noqa: E402
from mapapp.webmap.mapfiles import map_files, served  # noqa: E402
from mapapp.webmap.mapview import build_map, load_dataset, visible_place_ids  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, serve_app  # noqa: E402

CAMPS = "gulag-camps"
CAMPS_FOLDER = REPO / "data" / "collections" / CAMPS
IFRAME = "iframe[title*='st_folium']"
FIRST, LAST = 1934 * 12, 1953 * 12 + 11  # month indices of the app's period
TARGET_BUILD_S = 30.0
TARGET_IMPORT_S = 5.0
TARGET_SLIDER_P95_MS = 50.0
TARGET_FIRST_PAINT_S = 2.0  # "no worse than today (≈ 2 s)"
TARGET_PAYLOAD_BYTES = 1_000_000
VARIANTS = ("canvas", "svg")
#: The installed command, as a user runs it (beside this Python, e.g. .venv/bin/mapapp).
MAPAPP = str(Path(sys.executable).parent / "mapapp")

FCP_JS = """() => { const p = performance.getEntriesByName('first-contentful-paint')[0];
  return p ? performance.timeOrigin + p.startTime : null; }"""
CAMPS_DRAWN_JS = f"""() => window.mapappApi !== undefined && window.mapappApi.collectionsLoaded()
  && (window.mapappApi.collectionShown('{CAMPS}') || []).length > 0"""
COUNTS_JS = f"""() => ({{nodes: document.getElementsByTagName('*').length,
  paths: document.querySelectorAll('.leaflet-overlay-pane svg path').length,
  canvases: document.querySelectorAll('.leaflet-overlay-pane canvas').length,
  heap: performance.memory ? performance.memory.usedJSHeapSize : null,
  camps: (window.mapappApi.collectionShown('{CAMPS}') || []).length}})"""

#: One window change, timed in the page: ms to the handler's end, the next frame, and the frame the DOM agrees.
CHANGE_JS = """async ([start, end, rangeText, campsJson, campsId]) => {
  const from = document.querySelector('.mapapp-slider-from input');
  const to = document.querySelector('.mapapp-slider-to input');
  const range = document.querySelector('.mapapp-range');
  const api = window.mapappApi;
  const shown = el => el.offsetParent !== null && getComputedStyle(el).opacity !== '0';
  const agrees = () => {
    if (range.textContent !== rangeText) return false;
    if (JSON.stringify(api.collectionShown(campsId)) !== campsJson) return false;
    const markers = [...document.querySelectorAll('.mapapp-marker')].filter(shown).length;
    const inClusters = [...document.querySelectorAll('.marker-cluster')].filter(shown)
      .reduce((sum, el) => sum + parseInt(el.textContent, 10), 0);
    return markers + inClusters === api.visiblePlaceIds().length;
  };
  const frame = () => new Promise(resolve => requestAnimationFrame(() => resolve()));
  const set = (input, value) => { input.value = String(value); input.dispatchEvent(new Event('input', {bubbles: true})); };
  const current = api.state().end.split('-');
  const currentEnd = Number(current[0]) * 12 + Number(current[1]) - 1;
  const t0 = performance.now();
  if (end >= currentEnd) { set(to, end); set(from, start); } else { set(from, start); set(to, end); }
  const tHandler = performance.now();
  await frame();
  const tFrame = performance.now();
  let tAgree = null;
  for (let t = tFrame; t - t0 < 3000; t = performance.now()) {
    if (agrees()) { tAgree = performance.now(); break; }
    await frame();
  }
  return {handler: tHandler - t0, frame: tFrame - t0, agree: tAgree === null ? null : tAgree - t0,
          ids: api.visiblePlaceIds(), camps: api.collectionShown(campsId), state: api.state()};
}"""


def label(i: int) -> str:
    return f"{MONTHS_EN[i % 12]} {i // 12}"


def month(i: int) -> str:
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def naive_import(folder: Path) -> list[dict[str, Any]]:
    """The camps' features the way a first version would join them (see the module docstring, (1))."""
    decl, problems = read_declaration(folder)
    assert decl is not None, problems

    def table(name: str) -> pandas.DataFrame:
        return pandas.read_csv(folder / name, dtype=str, keep_default_na=False)

    def lookup(frame: pandas.DataFrame, key: str) -> dict[str, str] | None:
        hit = frame[frame["id"] == key]
        return None if hit.empty else {str(k): str(v) for k, v in hit.iloc[0].to_dict().items()}

    camps, types, activities, regions, stats = (table(name) for name in (
        "camps.csv", "types.csv", "activities.csv", "regions.csv", "statistics.csv"))
    features: list[dict[str, Any]] = []
    with open(folder / "locations.csv", encoding="utf-8", newline="") as fh:
        for location in csv.DictReader(fh):
            camp = lookup(camps, location["camp_id"])
            if camp is None:  # a location of a camp the source does not list: left out, as the importer does
                continue
            row = dict(location) | {f"camp.{k}": v for k, v in camp.items()}
            for name, frame, key in (("type", types, camp["type_id"]), ("activity", activities, camp["activity_id"]),
                                     ("region", regions, camp["region_id"])):
                found = lookup(frame, key) or {str(c): "" for c in frame.columns}
                row |= {f"{name}.{k}": v for k, v in found.items()}
            if not clean(row["camp.title_ru"]):
                continue
            values = {int(s["year"]): parse_count(str(s["prisoners_count"]))
                      for _, s in stats[stats["location_id"] == location["id"]].iterrows()}
            if not values:  # no years: not on the map
                continue
            feature = _feature(decl, decl.feature_files[0], row | {"_file": "locations.csv", "_row": 0,
                                                                   "_id": location["id"]},
                               parse_point(location["geometry_geojson"]), values, _Reading(folder, "collection.toml"))
            assert feature is not None  # the camps' years come from their values, never from a name
            features.append(feature)
    features.sort(key=lambda f: _sort_id(f["id"]))
    return features


def real_import() -> list[dict[str, Any]]:
    imported, problems = import_collection(CAMPS_FOLDER, LAYER_IDS)
    assert imported is not None, problems
    return list(json.loads(imported.files[f"collections/{CAMPS}.geojson"])["features"])


def timed(fn: Any, runs: int) -> tuple[list[float], Any]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def bench_build(runs: int) -> dict[str, Any]:
    build_s = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
            t0 = time.perf_counter()
            subprocess.run([MAPAPP, "build", "--out", tmp], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
            build_s.append(time.perf_counter() - t0)
    rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    real_s, real = timed(real_import, 5)
    naive_s, naive = timed(lambda: naive_import(CAMPS_FOLDER), 5)
    return {"build": build_s, "rss": rss_mib, "real": real_s, "naive": naive_s, "same": real == naive,
            "n": len(real), "n_naive": len(naive)}


def map_frame(page: Page) -> Frame:
    handle = page.wait_for_selector(IFRAME, timeout=60_000)
    frame = handle.content_frame() if handle is not None else None
    assert frame is not None, "the map's iframe has no frame"
    return frame


def first_paint(browser: Any, url: str, external: list[str], failed: list[str]) -> tuple[float, float, float | None]:
    """(s to the first marker, s to the camps drawn, the map frame's first-contentful-paint in s) of one fresh load."""
    context = browser.new_context(viewport=VIEWPORT)
    context.on("request", lambda r: external.append(r.url)
               if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "about:", "blob:")) else None)
    context.on("requestfailed", lambda r: failed.append(r.url))
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.frame_locator(IFRAME).locator(".mapapp-marker").first.wait_for(state="visible", timeout=60_000)
    t_marker = time.perf_counter() - t0
    frame = map_frame(page)
    frame.wait_for_function(CAMPS_DRAWN_JS, timeout=60_000, polling="raf")
    t_camps = time.perf_counter() - t0
    painted = frame.evaluate(FCP_JS)
    fcp = (painted - page.evaluate("() => performance.timeOrigin")) / 1000 if painted is not None else None
    context.close()
    return t_marker, t_camps, fcp


def fetched(browser: Any, url: str) -> list[tuple[str, int, int]]:
    """(path, decoded bytes, bytes on the wire) of what the map frame fetches from static/ when it starts."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    responses: list[Response] = []
    page.on("response", lambda r: responses.append(r) if "/app/static/" in r.url else None)
    page.goto(url)
    map_frame(page).wait_for_function(CAMPS_DRAWN_JS, timeout=60_000)
    time.sleep(1.0)
    out = [(r.url.split("/app/static/", 1)[1], len(r.body()), r.request.sizes()["responseBodySize"])
           for r in responses]
    context.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="first-paint runs per renderer (default 5)")
    parser.add_argument("--changes", type=int, default=50, help="random window changes per renderer (default 50)")
    parser.add_argument("--builds", type=int, default=3, help="mapapp build runs (default 3)")
    parser.add_argument("--seed", type=int, default=1937)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()
    os.environ.pop("MAPAPP_COLLECTION_RENDERER", None)  # the product server must not inherit the knob
    loads = {"start": load()}

    built = bench_build(args.builds)
    loads["after the build timings"] = load()

    ds = load_dataset()
    state = MapState()
    assert "gulag" in state.layers, "the camps layer is not on by default"
    camps = next(c for c in ds.collections if c.id == CAMPS)
    static_files = served(ds, REPO)
    assert len(static_files) == len(map_files(ds)), "static/geodata is stale: run `mapapp assets`"
    app_bytes = build_map(ds, state, served=static_files).get_root().render().encode("utf-8")
    app_html = (len(app_bytes), len(gzip.compress(app_bytes, 6)))
    inline_html = len(build_map(ds, state).get_root().render().encode("utf-8"))
    standalone = len(standalone_html(ds, state).encode("utf-8"))

    rng = random.Random(args.seed)
    windows = [sorted(rng.sample(range(FIRST, LAST + 1), 2)) for _ in range(args.changes)]
    expected = [(visible_place_ids(ds, MapState(start=month(a), end=month(b))),
                 sorted(str(f.id) for f in camps.operating(b // 12))) for a, b in windows]

    log = REPO / "test-artifacts"
    log.mkdir(exist_ok=True)
    external: list[str] = []
    failed: list[str] = []
    paint: dict[str, list[tuple[float, float, float | None]]] = {v: [] for v in VARIANTS}
    timing: dict[str, dict[str, list[float]]] = {v: {"handler": [], "frame": [], "agree": []} for v in VARIANTS}
    bad = {v: {"timeouts": 0, "places": 0, "camps": 0} for v in VARIANTS}
    files: dict[str, list[tuple[str, int, int]]] = {}
    counts: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        servers = {"canvas": stack.enter_context(serve_app("bench-collections-canvas", log)),
                   "svg": stack.enter_context(serve_app("bench-collections-svg", log,
                                                        {"MAPAPP_COLLECTION_RENDERER": "svg"}))}
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        info = machine(browser.version)
        for i in range(args.runs):
            for v in (VARIANTS if i % 2 == 0 else VARIANTS[::-1]):
                paint[v].append(first_paint(browser, servers[v], external, failed))
        loads["after first paint"] = load()
        for v in VARIANTS:
            files[v] = fetched(browser, servers[v])

        frames: dict[str, Frame] = {}
        for v in VARIANTS:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.goto(servers[v])
            frames[v] = map_frame(page)
            frames[v].wait_for_function(CAMPS_DRAWN_JS, timeout=60_000)
            frames[v].wait_for_selector(".mapapp-marker", state="visible")
        time.sleep(1.0)
        for k, ((a, b), (places, camp_ids)) in enumerate(zip(windows, expected, strict=True)):
            for v in (VARIANTS if k % 2 == 0 else VARIANTS[::-1]):
                result = frames[v].evaluate(CHANGE_JS, [a, b, f"{label(a)} – {label(b)}",
                                                        json.dumps(camp_ids, separators=(",", ":")), CAMPS])
                timing[v]["handler"].append(result["handler"])
                timing[v]["frame"].append(result["frame"])
                if result["agree"] is None:
                    bad[v]["timeouts"] += 1
                else:
                    timing[v]["agree"].append(result["agree"])
                if result["ids"] != places or (result["state"]["start"], result["state"]["end"]) != (month(a), month(b)):
                    bad[v]["places"] += 1
                if result["camps"] != camp_ids:
                    bad[v]["camps"] += 1
        for v in VARIANTS:
            counts[v] = frames[v].evaluate(COUNTS_JS)
        loads["after the slider"] = load()
        browser.close()

    rows = table(args, built, paint, timing, bad, files, counts, app_html, inline_html, standalone,
                 external, failed)
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'result':<52}  {'target':<16}  met?")
    for name, value, target, met in rows:
        print(f"{name.ljust(width)}  {value:<52}  {target:<16}  {met}")
    print("load (1/5/15 min):", "; ".join(f"{k} {v}" for k, v in loads.items()))

    today = dt.date.today().isoformat()
    lines = [
        f"## Gulag camps layer and build (`benchmarks/bench_collections.py`), {today}", "",
        f"`python benchmarks/bench_collections.py --runs {args.runs} --changes {args.changes} --builds {args.builds} "
        f"--seed {args.seed}`: issue 10's targets, each beside the naive way in the same run (what each number is "
        "and what the naive way is: the script's docstring). Every layer on (the default state, the camps layer "
        "included).", "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()) + ".", "",
        "Load average (1/5/15 min; the machine is shared, another engineer's tests may run): "
        + "; ".join(f"{k} {v}" for k, v in loads.items()) + ".", "",
        "| measure | result | target | met? |", "|---|---|---|---|",
        *(f"| {n} | {v} | {t} | {m} |" for n, v, t, m in rows), "",
    ]
    write_sections(args.out, "\n".join(lines), lambda h: h.startswith("Gulag camps layer and build (`"))
    print(f"\nwrote {args.out}")
    return 0


def table(args: argparse.Namespace, built: dict[str, Any], paint: dict[str, list[tuple[float, float, float | None]]],
          timing: dict[str, dict[str, list[float]]], bad: dict[str, dict[str, int]],
          files: dict[str, list[tuple[str, int, int]]], counts: dict[str, dict[str, Any]], app_html: tuple[int, int],
          inline_html: int, standalone: int, external: list[str], failed: list[str]) -> list[tuple[str, str, str, str]]:
    def met(ok: bool) -> str:
        return "met" if ok else "**NOT met**"

    def ms3(values: list[float]) -> str:
        return f"{pct(values, 50):.1f} / {pct(values, 95):.1f} / {max(values):.1f} ms" if values else "n/a"

    build_med, real_med, naive_med = (statistics.median(built[k]) for k in ("build", "real", "naive"))
    rows = [
        (f"`mapapp build` into a temp folder, median of {len(built['build'])}",
         f"{build_med:.2f} s (runs {', '.join(f'{x:.2f}' for x in built['build'])}; max RSS {built['rss']:.0f} MiB)",
         f"≤ {TARGET_BUILD_S:.0f} s", met(build_med <= TARGET_BUILD_S)),
        ("camps import (`import_collection`), median of 5",
         f"{real_med:.3f} s (runs {', '.join(f'{x:.3f}' for x in built['real'])})",
         f"≤ {TARGET_IMPORT_S:.0f} s", met(real_med <= TARGET_IMPORT_S)),
        ("naive camps import (csv rows, per-row pandas masks, iterrows), median of 5",
         f"{naive_med:.3f} s ({naive_med / real_med:.1f}× the import; same {built['n_naive']} features: "
         f"{'yes' if built['same'] else 'NO'})", "", ""),
    ]
    warm = slice(1, None) if args.runs > 1 else slice(None)
    for v, what in (("canvas", "product, canvas"), ("svg", "naive, SVG")):
        marker = [p[0] for p in paint[v]]
        drawn = [p[1] for p in paint[v]]
        fcp = [p[2] for p in paint[v] if p[2] is not None]
        rows += [
            (f"first paint ({what}): first marker, runs 2–{args.runs} median",
             f"{statistics.median(marker[warm]):.2f} s (all: {', '.join(f'{x:.2f}' for x in marker)})",
             f"≈ {TARGET_FIRST_PAINT_S:.0f} s", met(statistics.median(marker[warm]) <= TARGET_FIRST_PAINT_S)
             if v == "canvas" else ""),
            (f"first paint ({what}): camps drawn, runs 2–{args.runs} median",
             f"{statistics.median(drawn[warm]):.2f} s (all: {', '.join(f'{x:.2f}' for x in drawn)})", "", ""),
            (f"first paint ({what}): map frame's first contentful paint (browser), runs 2–{args.runs} median",
             f"{statistics.median(fcp[warm] or fcp):.2f} s (all: {', '.join(f'{x:.2f}' for x in fcp)})" if fcp
             else "n/a", f"≈ {TARGET_FIRST_PAINT_S:.0f} s" if v == "canvas" else "",
             met(bool(fcp) and statistics.median(fcp[warm] or fcp) <= TARGET_FIRST_PAINT_S) if v == "canvas" else ""),
        ]
    for v, what in (("canvas", "product, canvas"), ("svg", "naive, SVG")):
        t, b = timing[v], bad[v]
        ok = bool(t["agree"]) and not b["timeouts"] and pct(t["agree"], 95) <= TARGET_SLIDER_P95_MS
        rows += [
            (f"slider → DOM agrees incl. camps ({what}), p50 / p95 / max", ms3(t["agree"]),
             f"p95 ≤ {TARGET_SLIDER_P95_MS:.0f} ms", met(ok) if v == "canvas" else ("would meet" if ok else
                                                                                   "would not meet")),
            (f"slider → next frame ({what}), p50 / p95 / max", ms3(t["frame"]), "", ""),
            (f"slider handler alone, sync JS ({what}), p50 / p95 / max", ms3(t["handler"]), "", ""),
            (f"slider ({what}): never agreed in 3 s / places ≠ Python / camps ≠ Python",
             f"{b['timeouts']} / {b['places']} / {b['camps']} of {args.changes}", "0 / 0 / 0",
             met(not any(b.values()))),
            (f"map frame after the changes ({what}): DOM elements / SVG paths / canvases / JS heap / camps shown",
             f"{counts[v]['nodes']:,} / {counts[v]['paths']:,} / {counts[v]['canvases']} / "
             + (f"{counts[v]['heap'] / 2**20:.1f} MiB" if counts[v]["heap"] else "n/a") + f" / {counts[v]['camps']}",
             "", ""),
        ]
    got = {path: (size, wire) for path, size, wire in files["canvas"]}

    def file(suffix: str) -> tuple[int, int]:
        return next(((size, wire) for path, (size, wire) in got.items() if path.endswith(suffix)), (0, 0))

    borders = [sw for path, sw in got.items() if path.startswith("geodata/borders/")]
    border = (sum(s for s, _ in borders), sum(w for _, w in borders))
    camp_file = file(f"collections/{CAMPS}.en.json")
    basemap = next((sw for path, sw in got.items() if "world-atlas" in path), (0, 0))
    payload = app_html[0] + border[0] + camp_file[0]
    rows += [
        ("map HTML as the app renders it (borders and camps fetched beside it), raw / gzip -6",
         f"{app_html[0]:,} / {app_html[1]:,} bytes", "", ""),
        (f"map payload: that HTML + the border of the date ({len(borders)} file{'s' if len(borders) != 1 else ''}) + the camps in English, as fetched "
         "(decoded)", f"{payload:,} bytes ({app_html[0]:,} + {border[0]:,} + {camp_file[0]:,})",
         f"≤ {TARGET_PAYLOAD_BYTES / 1e6:.0f} MB", met(payload <= TARGET_PAYLOAD_BYTES)),
        ("the border file / the camps file on the wire (gzip by Streamlit's static server)",
         f"{border[1]:,} / {camp_file[1]:,} bytes", "", ""),
        (f"everything the map frame fetched from static/ at start ({len(got)} files), decoded / on the wire",
         f"{sum(s for s, _ in got.values()):,} / {sum(w for _, w in got.values()):,} bytes "
         f"(of it the basemap {basemap[0]:,} / {basemap[1]:,})", "", ""),
        ("map HTML with the borders and camps inline (the standalone page's map)", f"{inline_html:,} bytes",
         f"≤ {TARGET_PAYLOAD_BYTES / 1e6:.0f} MB", met(inline_html <= TARGET_PAYLOAD_BYTES)),
        ("standalone page (`standalone_html`: scripts, styles, 50m basemap inline too)", f"{standalone:,} bytes", "", ""),
        ("external / failed requests (first-paint runs, both servers)", f"{len(external)} / {len(failed)}",
         "0 / 0", met(not external and not failed)),
    ]
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
