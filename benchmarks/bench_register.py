"""Benchmark issue 13's data path: a register of 10³ … 3·10⁶ synthetic records, built and asked for windows.

Run from the repo root:  python benchmarks/bench_register.py  [--sizes 1000,10000,100000,1000000,3000000]
                                                            [--windows 200] [--naive-max 100000] [--no-write]

For each size: the records are generated (``gen_victims.py``, seed 1937, not timed as the build), then in a
fresh process each: the build (``mapapp.ingest.register``: read, resolve the distinct place texts, aggregate,
write; its time with and without loading the gazetteer, and the process's peak RSS), and the app's side (read
the aggregates of every level: the start; then random windows within 1934–1953 answered at each level: p50/p95;
the payload a window sends the browser for the whole-country view, JSON of the non-empty H3 cells; the process's
RSS). The growth factor is each value over the previous size's. Beside it, in the same run, the naive way up to
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
             "payload p95, country view | naive MarkerCluster | naive GeoJson |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
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
            + f" | {r['serve_payload_p95'] / 1024:.1f} KB{_growth(rows, 'serve_payload_p95', i)} | {naive_c} | "
              f"{naive_g} |")
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
                  child_serve(Path(rest[0]), int(rest[1])) if kind == "serve" else child_naive(Path(rest[0])))
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
             f"{'met' if worst['serve_payload_p95'] <= TARGET_PAYLOAD else 'NOT met'}. "
             f"Windows: {args.windows} random within 1934-01..1953-12, answered in Python from the aggregates.", ""]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_sections(ROOT / "benchmarks" / "RESULTS.md", text, lambda h: h == SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
