"""Benchmark issue 13's data path: a register of 10³ … 3·10⁶ synthetic records, built and asked for windows.

Run from the repo root:  python benchmarks/bench_register.py  [--sizes 1000,10000,100000,1000000,3000000]
                                                            [--windows 200] [--naive-max 100000] [--no-write]

For each size: the records are generated (``gen_victims.py``, seed 1937, not timed as the build), then in a
fresh process each: the build (``mapapp.ingest.register``: read, resolve the distinct place texts, aggregate,
write; its time with and without loading the gazetteer, and the process's peak RSS), and the app's side (read
the aggregates of every level: the start; then random windows within 1934–1953 answered at each level: p50/p95;
the payload a window sends the browser for the whole-country view, JSON of the non-empty H3 cells; the process's
RSS); and the browser's (the real app serving the committed geodata with the register, in Chromium: first paint,
slider → map in the country view and close up at Moscow, the map's payload, the app server's RSS: ``child_browser``);
and the A4 300 dpi PNG of the country with the register's circles, beside the same map without it (``child_export``).
The growth factor is each value over the previous size's. Beside it, in the same run, the naive way up to
``--naive-max``: every record as a marker of a folium MarkerCluster, and as one GeoJson layer (build and HTML size).

Prints the table and writes its section of ``benchmarks/RESULTS.md`` (unless ``--no-write``). Not a test
(``tests/test_bench_register.py`` runs it at a small size so it cannot rot).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.gen_victims import generate  # noqa: E402
from benchmarks.results import machine, pct, write_sections  # noqa: E402

SECTION = "Issue 13: a register of millions of records (bench_register.py)"
DECLARATION = ROOT / "benchmarks" / "victims" / "collection.toml"
FIRST, LAST = 1934 * 12, 1953 * 12 + 11
#: Targets of the issue for the data path (the browser's are measured once the map draws the register).
TARGET_BUILD_S, TARGET_BUILD_RSS_MB, TARGET_START_S, TARGET_SERVER_RSS_MB, TARGET_PAYLOAD = 600, 4096, 5, 1536, 1 << 20
TARGET_PAINT_S, TARGET_SLIDER_MS, TARGET_EXPORT_S = 3.0, 100.0, 5.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_build(folder: Path, out: Path) -> dict[str, Any]:
    """In a fresh process: the build, timed, with its peak RSS."""
    from mapapp.ingest.collection_schema import RegisterCollection
    from mapapp.ingest.place_strings import project_resolver
    from mapapp.ingest.register import import_register

    t0 = time.perf_counter()
    resolver = project_resolver(ROOT)
    t1 = time.perf_counter()
    decl = RegisterCollection.model_validate(tomllib.loads((folder / "collection.toml").read_text(encoding="utf-8")))
    report = import_register(decl, folder, out, resolver)
    t2 = time.perf_counter()
    return {"build_s": t2 - t0, "gazetteer_s": t1 - t0, "records": report.records, "texts": report.texts,
            "sites": report.sites, "unresolved_rows": report.unresolved_rows, "rss_mb": _rss_mb()}


def child_serve(out: Path, windows: int) -> dict[str, Any]:
    """In a fresh process: the app's start (every level's aggregates read) and random windows at each level."""
    import numpy as np
    import pyarrow.parquet as pq

    from mapapp.ingest.register import LEVELS
    from mapapp.model.aggregates import Aggregates

    t0 = time.perf_counter()
    levels = {level: Aggregates.read(out / "victims.aggregates.parquet", level) for level in LEVELS}
    sites = pq.read_table(out / "victims.sites.parquet", columns=["site", "h3r2"])
    start = time.perf_counter() - t0
    import h3

    centre = {k: h3.cell_to_latlng(k) for k in levels["h3r2"].keys}
    rng = random.Random(1937)
    spans = [sorted(rng.sample(range(FIRST, LAST + 1), 2)) for _ in range(windows)]
    out_ms: dict[str, tuple[float, float]] = {}
    payloads: list[float] = []
    for level, agg in levels.items():
        times = []
        for a, b in spans:
            t = time.perf_counter()
            got = agg.window(a, b)
            shown = np.flatnonzero(got.sure + got.may)
            times.append((time.perf_counter() - t) * 1000)
            if level == "h3r2":
                payloads.append(len(json.dumps([[round(centre[k][0], 3), round(centre[k][1], 3), int(got.sure[i]),
                                                 int(got.may[i])] for i in shown for k in (got.keys[i],)],
                                               separators=(",", ":"))))
        out_ms[level] = (statistics.median(times), pct(times, 95))
    from benchmarks.gen_victims import NAMES, SURNAMES
    from mapapp.model.names import latin_spellings
    from mapapp.model.register_search import find

    queries = [rng.choice([s, *latin_spellings(s)]) + (f" {rng.choice(NAMES)[:3]}" if rng.random() < 0.5 else "")
               for s in (rng.choice(SURNAMES) for _ in range(50))]
    search_ms, found = [], 0
    for q in queries:
        t = time.perf_counter()
        found += bool(find(out / "victims.names.parquet", q))
        search_ms.append((time.perf_counter() - t) * 1000)
    out_ms["search"] = (statistics.median(search_ms), pct(search_ms, 95))
    return {"start_s": start, "rss_mb": _rss_mb(), "windows": out_ms, "payload_p95": pct(payloads, 95),
            "search_found": found, "search_queries": len(queries),
            "keys": {level: len(agg.keys) for level, agg in levels.items()}, "sites": sites.num_rows}


#: One window change in the map frame, on the real range inputs: ms until the register's circles agree with the
#: counts Python's aggregates give for that window (``want``: [sure, may]), or null if not within 3 s.
SLIDER_JS = """async ([start, end, want]) => {
  const from = document.querySelector('.mapapp-slider-from input');
  const to = document.querySelector('.mapapp-slider-to input');
  const api = window.mapappApi;
  const frame = () => new Promise(resolve => requestAnimationFrame(() => resolve()));
  const set = (input, value) => { input.value = String(value); input.dispatchEvent(new Event('input', {bubbles: true})); };
  const cur = api.state().end.split('-'), currentEnd = Number(cur[0]) * 12 + Number(cur[1]) - 1;
  const t0 = performance.now();
  if (end >= currentEnd) { set(to, end); set(from, start); } else { set(from, start); set(to, end); }
  for (let t = t0; t - t0 < 3000; t = performance.now()) {
    const s = api.registerShown('victims');
    if (s.ready && s.sure === want[0] && s.may === want[1]) { await frame(); return performance.now() - t0; }
    await frame();
  }
  return null;
}"""
READY_JS = "() => window.mapappApi !== undefined && window.mapappApi.registerShown('victims').ready"


def _geodata_with(out: Path, folder: Path) -> Path:
    """The committed geodata with the register's files linked into its collections."""
    import os
    import shutil

    from mapapp import GEODATA_DIR
    from mapapp.ingest.register import output_names

    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(GEODATA_DIR, folder)
    for name in output_names("victims"):
        src, dest = out / name, folder / "collections" / name
        if src.is_dir():
            shutil.copytree(src, dest, copy_function=os.link)
        else:
            os.link(src, dest)
    return folder


def child_browser(out: Path, windows: int) -> dict[str, Any]:
    """In a fresh process: the real app on the register (committed geodata + it), in Chromium: first paint (the
    register drawn, from a fresh visitor's request), slider → map (the circles agree with Python's counts), the map's
    payload (the register's part and the whole), the server's RSS."""
    import numpy as np
    from playwright.sync_api import sync_playwright

    from mapapp.model.aggregates import SITE_ZOOM
    from mapapp.model.viewstate import MapState
    from mapapp.webmap.mapfiles import served
    from mapapp.webmap.mapview import load_dataset, payload, script_json
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, serve_app

    geodata = _geodata_with(out, out.parent / "geodata")
    ds = load_dataset(geodata)
    body = payload(ds, MapState(), served=served(ds, ROOT))
    whole, own = len(script_json(body).encode()), len(json.dumps(body["registers"], ensure_ascii=False).encode())
    (reg,) = ds.registers
    rng = random.Random(1937)
    spans = [sorted(rng.sample(range(FIRST, LAST + 1), 2)) for _ in range(windows)]
    wants = [[int(x.sure.sum()), int(x.may.sum())] for a, b in spans for x in (reg.window("h3r2", a, b),)]
    paint: list[float] = []
    slider: list[float] = []
    close: list[float] = []
    warm: list[float] = []
    missed = 0
    logs = ROOT / "test-artifacts"
    logs.mkdir(exist_ok=True)
    with serve_app("bench-register", logs, {"MAPAPP_GEODATA": str(geodata)}) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(4):  # the first warms the server's caches (a museum's server has started long before)
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(url, wait_until="commit")
            handle = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=120_000)
            frame = handle.content_frame() if handle is not None else None
            assert frame is not None
            frame.wait_for_function(READY_JS, timeout=120_000, polling="raf")
            paint.append(time.perf_counter() - t0)
            context.close()
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(url)
        handle = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=120_000)
        frame = handle.content_frame() if handle is not None else None
        assert frame is not None
        frame.wait_for_function(READY_JS, timeout=120_000, polling="raf")
        for (a, b), want in zip(spans, wants, strict=True):
            ms = frame.evaluate(SLIDER_JS, [a, b, want])
            if ms is None:
                missed += 1
            else:
                slider.append(float(ms))
        # close up (Moscow at the zoom of the places): the busiest view there is
        frame.evaluate(f"() => new Promise(r => {{ window.mapappApi.map.once('moveend', () => r(true)); "
                       f"window.mapappApi.map.setView([55.75, 37.62], {SITE_ZOOM}, {{animate: false}}); }})")
        frame.wait_for_function(READY_JS, timeout=120_000, polling="raf")
        for times in (close, warm):  # the second pass: every year's file already in
            for a, b in spans:
                got = reg.window("site", a, b)
                ms = frame.evaluate(SLIDER_JS, [a, b, [int(got.sure.sum()), int(got.may.sum())]])
                if ms is None:
                    missed += 1
                else:
                    times.append(float(ms))
        rss = _server_rss_mb(url)
        browser.close()
    return {"paint_s": statistics.median(paint[1:]), "paint_cold_s": paint[0], "slider_p50": statistics.median(slider),
            "slider_p95": pct(slider, 95), "close_p50": statistics.median(close), "close_p95": pct(close, 95),
            "warm_p50": statistics.median(warm), "warm_p95": pct(warm, 95),
            "slider_missed": missed, "payload_bytes": whole, "register_bytes": own,
            "server_rss_mb": rss, "cells_h3r2": int(np.count_nonzero(reg.window("h3r2", FIRST, LAST).sure))}


def child_export(out: Path) -> dict[str, Any]:
    """In a fresh process: the A4 300 dpi PNG of the whole country with the register (its circles per hexagon), and
    without it, each the median of 3 (the data loaded once, as the app's export button has it)."""
    import dataclasses

    from mapapp.export.options import parse_options
    from mapapp.export.write import export
    from mapapp.webmap.mapview import load_dataset

    geodata = out.parent / "geodata"
    if not (geodata / "collections" / "victims.register.json").is_file():
        _geodata_with(out, geodata)
    ds = load_dataset(geodata)
    result: dict[str, Any] = {}
    for key, data in (("with", ds), ("without", dataclasses.replace(ds, registers=()))):
        times = []
        for k in range(3):
            target = out.parent / f"a4-{key}-{k}.png"
            opts = parse_options(target, ds=data, dpi="300")
            t = time.perf_counter()
            export(data, opts, target)
            times.append(time.perf_counter() - t)
        result[f"{key}_s"] = statistics.median(times)
    return result


def _server_rss_mb(url: str) -> float:
    """VmHWM (MB) of the streamlit process serving ``url`` (started by this process)."""
    import os

    port = url.rsplit(":", 1)[1].encode()
    for pid in (p for p in Path("/proc").iterdir() if p.name.isdigit()):
        try:
            args = (pid / "cmdline").read_bytes().split(b"\0")
            parent = int((pid / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"streamlit" in b" ".join(args) and port in args and parent == os.getpid():
            status = (pid / "status").read_text()
            return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024
    raise RuntimeError(f"no streamlit process of this benchmark on port {port.decode()}")


def child_naive(out: Path) -> dict[str, Any]:
    """In a fresh process: every record a marker (MarkerCluster) and one GeoJson layer, as folium makes them."""
    import duckdb
    import folium
    from folium.plugins import MarkerCluster

    with duckdb.connect() as con:
        rows = con.execute(f"SELECT s.lat, s.lon, r.name FROM '{out / 'victims.records.parquet'}' r "
                           f"JOIN '{out / 'victims.sites.csv'}' s USING (site)").fetchall()
    result = {}
    t = time.perf_counter()
    m = folium.Map(location=[55, 60], zoom_start=3, tiles=None)
    cluster = MarkerCluster().add_to(m)
    for lat, lon, name in rows:
        folium.Marker([lat, lon], tooltip=name).add_to(cluster)
    html = m.get_root().render()
    result["cluster_s"], result["cluster_bytes"] = time.perf_counter() - t, len(html.encode())
    t = time.perf_counter()
    m = folium.Map(location=[55, 60], zoom_start=3, tiles=None)
    folium.GeoJson({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": {"name": name}}
        for lat, lon, name in rows]}).add_to(m)
    html = m.get_root().render()
    result["geojson_s"], result["geojson_bytes"] = time.perf_counter() - t, len(html.encode())
    return result


def _run_child(*args: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, cwd=ROOT,
                          check=False)
    if proc.returncode:
        raise SystemExit(f"bench_register child {args[0]} failed:\n{proc.stderr}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def run(sizes: list[int], windows: int, naive_max: int, work: Path) -> list[dict[str, Any]]:
    """Every size's measurements (see the module's docstring)."""
    rows = []
    for n in sizes:
        folder = work / f"n{n}" / "victims"
        folder.mkdir(parents=True)
        (folder / "collection.toml").write_text(DECLARATION.read_text(encoding="utf-8"), encoding="utf-8")
        (folder / "SOURCE.md").write_text("Synthetic records: benchmarks/gen_victims.py\n", encoding="utf-8")
        t = time.perf_counter()
        generate(n, folder / "persons.csv", seed=1937)
        row: dict[str, Any] = {"n": n, "generate_s": time.perf_counter() - t,
                               "file_mb": (folder / "persons.csv").stat().st_size / 2**20}
        out = folder.parent / "out"
        row |= {f"build_{k}": v for k, v in _run_child("build", str(folder), str(out)).items()}
        row |= {f"serve_{k}": v for k, v in _run_child("serve", str(out), str(windows)).items()}
        row |= {f"browser_{k}": v for k, v in _run_child("browser", str(out), str(min(windows, 100))).items()}
        row |= {f"export_{k}": v for k, v in _run_child("export", str(out)).items()}
        if n <= naive_max:
            _sites_csv(out)
            row |= {f"naive_{k}": v for k, v in _run_child("naive", str(out)).items()}
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def _sites_csv(out: Path) -> None:
    import geopandas

    sites = geopandas.read_parquet(out / "victims.sites.parquet")
    sites.assign(lat=sites.geometry.y, lon=sites.geometry.x)[["site", "lat", "lon"]].to_csv(
        out / "victims.sites.csv", index=False)


def _growth(rows: list[dict[str, Any]], key: str, i: int) -> str:
    if i == 0 or not rows[i - 1].get(key):
        return ""
    return f" (×{rows[i][key] / rows[i - 1][key]:.1f})"


def table(rows: list[dict[str, Any]], windows: int) -> list[str]:
    """The markdown table: one row per size, growth from the previous size in brackets."""
    lines = ["| N | records placed | distinct texts → sites | build (of which gazetteer) | build peak RSS | "
             "app start | server RSS | window p50 / p95: h3r2, h3r4, site | name search p50 / p95 (found) | "
             "payload p95, country view | first paint, register drawn | slider → map p50 / p95: country, "
             "Moscow close up | map payload (the register's part) | app server RSS | A4 300 dpi PNG (without the "
             "register) | naive MarkerCluster | naive GeoJson |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for i, r in enumerate(rows):
        w = r["serve_windows"]
        naive_c = (f"{r['naive_cluster_s']:.1f} s, {r['naive_cluster_bytes'] / 2**20:.1f} MB"
                   if "naive_cluster_s" in r else "not run (breaks by 10⁵)")
        naive_g = (f"{r['naive_geojson_s']:.1f} s, {r['naive_geojson_bytes'] / 2**20:.1f} MB"
                   if "naive_geojson_s" in r else "not run")
        lines.append(
            f"| {r['n']:,} | {r['build_records']:,} | {r['build_texts']:,} → {r['build_sites']:,} | "
            f"{r['build_build_s']:.1f} s ({r['build_gazetteer_s']:.1f} s){_growth(rows, 'build_build_s', i)} | "
            f"{r['build_rss_mb']:,.0f} MB{_growth(rows, 'build_rss_mb', i)} | "
            f"{r['serve_start_s'] * 1000:.0f} ms{_growth(rows, 'serve_start_s', i)} | "
            f"{r['serve_rss_mb']:,.0f} MB | "
            + ", ".join(f"{w[level][0]:.2f} / {w[level][1]:.2f} ms" for level in ("h3r2", "h3r4", "site"))
            + f" | {w['search'][0]:.1f} / {w['search'][1]:.1f} ms ({r['serve_search_found']}/{r['serve_search_queries']})"
            + f" | {r['serve_payload_p95'] / 1024:.1f} KB{_growth(rows, 'serve_payload_p95', i)}"
            + f" | {r['browser_paint_s']:.2f} s{_growth(rows, 'browser_paint_s', i)}"
            + f" | {r['browser_slider_p50']:.0f} / {r['browser_slider_p95']:.0f} ms, {r['browser_close_p50']:.0f} / "
              f"{r['browser_close_p95']:.0f} ms{_growth(rows, 'browser_close_p95', i)}"
              + (f" ({r['browser_slider_missed']} never agreed)" if r["browser_slider_missed"] else "")
            + f" | {r['browser_payload_bytes'] / 1024:.0f} KB ({r['browser_register_bytes'] / 1024:.1f} KB)"
            + f" | {r['browser_server_rss_mb']:,.0f} MB"
            + f" | {r['export_with_s']:.1f} s ({r['export_without_s']:.1f} s){_growth(rows, 'export_with_s', i)}"
            + f" | {naive_c} | {naive_g} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000,3000000")
    parser.add_argument("--windows", type=int, default=200)
    parser.add_argument("--naive-max", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = (child_build(Path(rest[0]), Path(rest[1])) if kind == "build" else
                  child_serve(Path(rest[0]), int(rest[1])) if kind == "serve" else
                  child_browser(Path(rest[0]), int(rest[1])) if kind == "browser" else
                  child_export(Path(rest[0])) if kind == "export" else child_naive(Path(rest[0])))
        print(json.dumps(result))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-register-") as work:
        rows = run(sizes, args.windows, args.naive_max, Path(work))
    worst = rows[-1]
    lines = [f"## {SECTION}", "",
             f"{dt.date.today().isoformat()}, `python benchmarks/bench_register.py --sizes {args.sizes}`. Machine: "
             + ", ".join(f"{k} {v}" for k, v in machine("not used").items() if k != "chromium") + ".", "",
             *table(rows, args.windows), "",
             f"Targets at the largest size ({worst['n']:,}): build ≤ {TARGET_BUILD_S / 60:.0f} min "
             f"{'met' if worst['build_build_s'] <= TARGET_BUILD_S else 'NOT met'}, build RSS ≤ 4 GB "
             f"{'met' if worst['build_rss_mb'] <= TARGET_BUILD_RSS_MB else 'NOT met'}, app start ≤ {TARGET_START_S} s "
             f"{'met' if worst['serve_start_s'] <= TARGET_START_S else 'NOT met'}, server RSS ≤ 1.5 GB "
             f"{'met' if worst['serve_rss_mb'] <= TARGET_SERVER_RSS_MB else 'NOT met'}, payload ≤ 1 MB "
             f"{'met' if worst['serve_payload_p95'] <= TARGET_PAYLOAD else 'NOT met'}, map payload ≤ 1 MB "
             f"{'met' if worst['browser_payload_bytes'] <= TARGET_PAYLOAD else 'NOT met'}, first paint ≤ "
             f"{TARGET_PAINT_S:.0f} s {'met' if worst['browser_paint_s'] <= TARGET_PAINT_S else 'NOT met'}, slider → "
             f"map p95 ≤ {TARGET_SLIDER_MS:.0f} ms "
             f"{'met' if max(worst['browser_slider_p95'], worst['browser_close_p95']) <= TARGET_SLIDER_MS else 'NOT met'}"
             f" ({'every window agreed with Python' if not worst['browser_slider_missed'] else 'some never agreed'})."
             f" A4 300 dpi PNG ≤ {TARGET_EXPORT_S:.0f} s "
             f"{'met' if worst['export_with_s'] <= TARGET_EXPORT_S else 'NOT met'} (in the process, data loaded). "
             f"Windows: {args.windows} random within 1934-01..1953-12, answered in Python from the aggregates; in "
             f"Chromium {min(args.windows, 100)} of them set on the real range inputs, timed from the input until the "
             "register's circles sum to Python's counts for that window (the country view: H3 resolution 2; Moscow "
             "at zoom 8: the places, a first pass fetching each year's file and the files already in, both counted)."
             " First paint: a new visitor's request until the register is drawn, median of 3 after one warming "
             "load; app server RSS: VmHWM of the Streamlit server after all of it.", ""]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_sections(ROOT / "benchmarks" / "RESULTS.md", text, lambda h: h == SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
