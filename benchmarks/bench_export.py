"""Benchmark: an A4 landscape 300 dpi PNG of the whole dataset (every layer, the data's full span, USSR).

Each run is ``mapapp.export.write.export`` end to end — render (basemap clip and projection, markers, label
placement, inset) and the atomic PNG write — timed with ``time.perf_counter``. Run 1 starts with cold caches
(the Natural Earth file decoded, the basemap projected); runs 2.. reuse them, as an animation's frames or a
long-lived process do. One more row times the command line as a user runs it, process start included.
Target: ≤ 3 s. Prints a table and appends it to ``benchmarks/RESULTS.md``.

    python benchmarks/bench_export.py [--runs 5] [--no-record]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mapapp.export.options import parse_options  # noqa: E402
from mapapp.export.write import export  # noqa: E402
from mapapp.webmap.mapview import load_dataset  # noqa: E402

TARGET_S = 3.0


def _machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    mem = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.splitlines()
    total = mem[1].split()[1] if len(mem) > 1 else "?"
    import matplotlib

    return [f"- nproc: {os.cpu_count()}", f"- memory: {total} GiB (free -g total)", f"- cpu: {cpu}",
            f"- python: {platform.python_version()}, matplotlib {matplotlib.__version__}",
            f"- os: {platform.platform()}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    ds = load_dataset()
    first, last = ds.span
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "whole.png"
        opts = parse_options(out, ds=ds, start=f"{first:%Y-%m}", end=f"{last:%Y-%m}", paper="a4",
                             orientation="landscape", dpi="300")
        for _ in range(args.runs):
            t0 = time.perf_counter()
            export(ds, opts, out)
            times.append(time.perf_counter() - t0)
        size = out.stat().st_size
        cli_out = Path(tmp) / "cli.png"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mapapp.cli", "export", str(cli_out), "--from", f"{first:%Y-%m}",
                        "--to", f"{last:%Y-%m}", "--paper", "a4", "--dpi", "300"], cwd=REPO, check=True,
                       capture_output=True)
        cli_s = time.perf_counter() - t0
    warm = times[1:] or times
    worst = max(times)
    rows = [
        "| measure | result | target |",
        "|---|---|---|",
        f"| A4 300 dpi PNG ({opts.width_px}×{opts.height_px} px), run 1 (cold caches) | {times[0]:.2f} s | "
        f"≤ {TARGET_S:g} s: {'met' if times[0] <= TARGET_S else 'NOT met'} |",
        f"| runs 2–{len(times)} median | {statistics.median(warm):.2f} s | ≤ {TARGET_S:g} s: "
        f"{'met' if statistics.median(warm) <= TARGET_S else 'NOT met'} |",
        f"| all runs | {', '.join(f'{t:.2f}' for t in times)} s | worst ≤ {TARGET_S:g} s: "
        f"{'met' if worst <= TARGET_S else 'NOT met'} |",
        f"| `mapapp export whole.png --paper a4 --dpi 300`, whole process (imports, data, render, write) | "
        f"{cli_s:.2f} s |  |",
        f"| file size | {size:,} bytes |  |",
    ]
    report = "\n".join([
        "", f"## Static export (`benchmarks/bench_export.py --runs {args.runs}`), {date.today().isoformat()}", "",
        f"Whole dataset: {first:%Y-%m} to {last:%Y-%m}, every layer, USSR, A4 landscape at 300 dpi, "
        "written atomically with `mapapp.export.write.export`.", "", "Machine:", "", *_machine(), "", *rows, ""])
    print(report)
    if not args.no_record:
        with open(REPO / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write(report)
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
