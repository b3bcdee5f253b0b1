"""Command line: ``mapapp build [--data DIR] [--out DIR] [--check]``, ``mapapp assets [--root DIR]`` and
``mapapp kiosk [--config FILE] [--port N] [--no-browser]``.

Exit status of ``build``: 0 built (or up to date), 1 ``--check`` found ``geodata/`` stale,
2 the tables have problems (all printed to stderr; nothing written).
Exit status of ``assets``: 0 ``static/`` written, 2 a file is missing from ``node_modules/`` (nothing written).
Exit status of ``kiosk``: 0 stopped (Ctrl-C, SIGTERM, browser closed), 1 the server failed, 2 the config, the
tour or the port has problems (all printed to stderr; nothing started).
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
from .problems import DataError

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
    return parser


def stale_files(built: Path, committed: Path) -> list[str]:
    """Names of output files in ``committed`` that differ from (or lack) those in ``built``."""
    stale = []
    for name in OUTPUT_FILES:
        target = committed / name
        if not target.is_file() or target.read_bytes() != (built / name).read_bytes():
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
          f"({result.n_events} events).")
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
    raise AssertionError(f"unhandled command {args.command}")  # argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
