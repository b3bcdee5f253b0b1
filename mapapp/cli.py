"""Command line: ``mapapp build [--data DIR] [--out DIR] [--check]``, ``mapapp assets [--root DIR]`` and
``mapapp kiosk [--config FILE] [--port N] [--no-browser]`` and ``mapapp export OUT [options]``.

Exit status of ``build``: 0 built (or up to date), 1 ``--check`` found ``geodata/`` stale,
2 the tables have problems (all printed to stderr; nothing written).
Exit status of ``assets``: 0 ``static/`` written, 2 a file is missing from ``node_modules/`` (nothing written).
Exit status of ``kiosk``: 0 stopped (Ctrl-C, SIGTERM, browser closed), 1 the server failed, 2 the config, the
tour or the port has problems (all printed to stderr; nothing started).
Exit status of ``export``: 0 written, 2 the options have problems or the data is missing (all printed to stderr;
nothing written).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import DATA_DIR, GEODATA_DIR, REPO_ROOT, kiosk
from .assets import MissingAssetError, install_static
from .build import OUTPUT_FILES, build
from .exportopts import PAPERS_MM, ExportOptionsError, parse_options
from .layers import LAYER_IDS
from .mapview import load_dataset
from .problems import DataError
from .regions import REGIONS_BY_ID

EXIT_OK, EXIT_STALE, EXIT_PROBLEMS = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mapapp",
                                     description="Build the map's data, install its browser assets, run a kiosk.")
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="validate data/*.csv and write geodata/*.geojson")
    b.add_argument("--data", type=Path, default=DATA_DIR, help=f"curated tables (default: {DATA_DIR})")
    b.add_argument("--out", type=Path, default=GEODATA_DIR, help=f"output folder (default: {GEODATA_DIR})")
    b.add_argument("--check", action="store_true",
                   help="build into a temporary folder and exit 1 if --out differs (is stale)")
    a = commands.add_parser("assets", help="copy browser assets from node_modules/ and mapapp/web/ into static/")
    a.add_argument("--root", type=Path, default=REPO_ROOT,
                   help=f"repository holding node_modules/ and static/ (default: {REPO_ROOT})")
    k = commands.add_parser("kiosk", help="validate the kiosk config, serve the app and show it full screen")
    k.add_argument("--config", type=Path, default=kiosk.DEFAULT_CONFIG,
                   help=f"kiosk settings, TOML (default: {kiosk.DEFAULT_CONFIG})")
    k.add_argument("--port", type=int, default=kiosk.DEFAULT_PORT,
                   help=f"port on 127.0.0.1 (default: {kiosk.DEFAULT_PORT})")
    k.add_argument("--no-browser", dest="browser", action="store_false",
                   help="serve only; do not start Chromium")
    _export_parser(commands)
    return parser


def _export_parser(commands: argparse._SubParsersAction) -> None:
    """``mapapp export OUT``: every option is taken as text and checked by :func:`parse_options`."""
    e = commands.add_parser(
        "export", help="write a static map (PNG, SVG, PDF), an animation (GIF, MP4) or a standalone HTML page",
        description="Export the map. The suffix of OUT picks the format: .png, .svg, .pdf, .html, .gif, .mp4.")
    e.add_argument("out", type=Path, metavar="OUT", help="file to write (its folder must exist)")
    e.add_argument("--date", metavar="YYYY-MM", help="as of this month: everything up to its end")
    e.add_argument("--from", dest="start", metavar="YYYY-MM", help="first month of a window (default 1934-01)")
    e.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month of a window (default 1953-12)")
    e.add_argument("--categories", metavar="LAYER,...",
                   help=f"layers to show (default all): {', '.join(LAYER_IDS)}")
    e.add_argument("--region", help=f"preset area (default ussr): {', '.join(REGIONS_BY_ID)}")
    e.add_argument("--bbox", metavar="W,S,E,N", help="area in degrees instead of a region, e.g. 28.5,60,42,68.5")
    e.add_argument("--lang", default="en", help="en or ru (default en)")
    e.add_argument("--title", help="title (default: the app's title in the chosen language)")
    e.add_argument("--paper", help=f"{', '.join(PAPERS_MM)} (default a4; animations default to 1280x880 px)")
    e.add_argument("--orientation", help="landscape or portrait (default landscape)")
    e.add_argument("--size", metavar="WxH", help="size in pixels instead of paper, e.g. 1600x1000")
    e.add_argument("--dpi", help="dots per inch, 72..1200 (default 300; 100 for animations)")
    e.add_argument("--frames", help="animations: one frame per year (default) or month")
    e.add_argument("--person", metavar="ID",
                   help="draw this person's trail (a people.csv id, e.g. mandelstam) as dated arrows; "
                        "the area is still --region/--bbox")
    e.add_argument("--geodata", type=Path, default=GEODATA_DIR, help=f"build output (default: {GEODATA_DIR})")


def run_export(args: argparse.Namespace) -> int:
    """Run ``mapapp export``; return the exit status."""
    places = args.geodata / "places.geojson"
    if not places.is_file():
        print(f"--geodata {args.geodata}: no places.geojson there; run `mapapp build` first", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    ds = load_dataset(args.geodata)
    try:
        opts = parse_options(args.out, date=args.date, start=args.start, end=args.end,
                             categories=args.categories, region=args.region, bbox=args.bbox, lang=args.lang,
                             title=args.title, paper=args.paper, orientation=args.orientation, size=args.size,
                             dpi=args.dpi, frames=args.frames, person=args.person, ds=ds)
    except ExportOptionsError as exc:
        print(exc, file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    from .export import export  # matplotlib is imported only for exports

    out = export(ds, opts, args.out)
    size = f"{opts.width_px}×{opts.height_px} px at {opts.dpi} dpi" if opts.format != "html" else "standalone"
    print(f"Wrote {out} ({opts.format.upper()}, {size}).")
    return EXIT_OK


def stale_files(built: Path, committed: Path) -> list[str]:
    """Names of output files in ``committed`` that differ from (or lack) those in ``built``."""
    stale = []
    for name in OUTPUT_FILES:
        target, fresh = committed / name, built / name
        if not fresh.is_file():  # borders.geojson is built only when the data has borders.csv
            if target.is_file():
                stale.append(name)
            continue
        if not target.is_file() or target.read_bytes() != fresh.read_bytes():
            stale.append(name)
    return stale


def run_build(data: Path, out: Path, check: bool) -> int:
    """Run ``mapapp build``; return the exit status."""
    try:
        if check:
            with tempfile.TemporaryDirectory(prefix="mapapp-check-") as tmp:
                result = build(data, Path(tmp))
                stale = stale_files(Path(tmp), out)
            if stale:
                print(f"{out} is stale: {', '.join(stale)} differ from a fresh build. "
                      "Fix: run `mapapp build` and commit the result.", file=sys.stderr)
                return EXIT_STALE
            print(f"{out} is up to date ({result.n_places} places, {result.n_events} events).")
            return EXIT_OK
        result = build(data, out)
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Wrote {result.places_path} ({result.n_places} places) and {result.events_path} "
          f"({result.n_events} events)" + (f" and {result.borders_path}." if result.borders_path else "."))
    return EXIT_OK


def run_assets(root: Path) -> int:
    """Run ``mapapp assets``; return the exit status."""
    try:
        written = install_static(root)
    except MissingAssetError as exc:
        print(exc, file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Wrote {len(written)} files into {Path(root).resolve() / 'static'}.")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mapapp`` console script."""
    args = _parser().parse_args(argv)
    if args.command == "build":
        return run_build(args.data, args.out, args.check)
    if args.command == "assets":
        return run_assets(args.root)
    if args.command == "kiosk":
        return kiosk.serve(args.config, args.port, args.browser)
    if args.command == "export":
        return run_export(args)
    raise AssertionError(f"unhandled command {args.command}")  # argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
