"""Command line: ``mapapp build [--data DIR] [--out DIR] [--check]``, ``mapapp assets [--root DIR]`` and
``mapapp kiosk [--config FILE] [--port N] [--no-browser]`` and ``mapapp export OUT [options]``.

Exit status of ``build``: 0 built (or up to date), 1 ``--check`` found ``geodata/`` stale,
2 the tables or ``--out`` have problems (all printed to stderr; nothing written).
Exit status of ``assets``: 0 ``static/`` written, 2 a file is missing from ``node_modules/`` (nothing written).
Exit status of ``kiosk``: 0 stopped (Ctrl-C, SIGTERM, browser closed), 1 the server failed, 2 the config, the
tour or the port has problems (all printed to stderr; nothing started).
Exit status of ``export``: 0 written, 2 the options have problems or the build output is missing or broken (all
printed to stderr; nothing written).
An option's value may start with ``-`` and a digit, as in ``--bbox -180,-85,180,85`` (:func:`join_negative_values`).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from mapapp import DATA_DIR, GEODATA_DIR, REPO_ROOT
from mapapp.export.options import PAPERS_MM, ExportOptionsError, parse_options
from mapapp.export.regions import REGIONS_BY_ID
from mapapp.ingest.borders import load_borders
from mapapp.ingest.build import OutputError, build, output_names
from mapapp.kiosk import server as kiosk
from mapapp.model.collections import load_collections
from mapapp.model.layers import LAYER_IDS
from mapapp.model.records import check_references, load_events, load_people, load_places
from mapapp.model.registers import load_registers
from mapapp.problems import DataError, GeodataError, report_lines
from mapapp.webmap.assets import MissingAssetError, install_static
from mapapp.webmap.mapview import Dataset

EXIT_OK, EXIT_STALE, EXIT_PROBLEMS = 0, 1, 2
T = TypeVar("T")
PORT_RANGE = (1, 65535)
#: An argument that argparse would take for an option, but is a value: ``-180,-90,180,90``, ``-1``, ``-.5``.
_NEGATIVE_VALUE = re.compile(r"-\.?[0-9]")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that knows its options (to read ``--bbox -180,-90,180,90`` as a value) and its
    sub-commands' parsers (:attr:`commands`)."""

    def __init__(self, *args: Any, **kwargs: Any):
        self.value_options: set[str] = set()  # before argparse's own __init__, which adds --help
        self.all_options: set[str] = set()
        self.commands: dict[str, _Parser] = {}
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.all_options.update(action.option_strings)
        if action.option_strings and action.nargs is None:  # takes exactly one value
            self.value_options.update(action.option_strings)
        return action

    def value_option(self, arg: str) -> bool:
        """Whether ``arg`` names an option that takes a value: exactly, or as argparse's unique abbreviation."""
        if arg in self.all_options:
            return arg in self.value_options
        if not arg.startswith("--") or "=" in arg:
            return False
        matches = [o for o in self.all_options if o.startswith(arg)]
        return len(matches) == 1 and matches[0] in self.value_options


def join_negative_values(parser: _Parser, argv: Sequence[str]) -> list[str]:
    """``argv`` with each ``--opt -VALUE`` written ``--opt=-VALUE`` when ``-VALUE`` starts with a digit.

    argparse takes an argument starting with ``-`` for an option unless it is a plain negative number, so the
    documented ``--bbox -180,-90,180,90`` failed with "expected one argument" (``--bbox=-180,…`` worked). Only
    the options of the sub-command named first are considered; ``--`` ends the options.
    """
    args = list(argv)
    sub = parser.commands.get(args[0]) if args else None
    if sub is None:
        return args
    out = args[:1]
    i = 1
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out += args[i:]
            break
        if sub.value_option(arg) and i + 1 < len(args):
            value = args[i + 1]
            out += [f"{arg}={value}"] if _NEGATIVE_VALUE.match(value) else [arg, value]
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


def port_number(text: str) -> int:
    """``--port``: a whole number 1..65535, or an argparse error naming the range.

    Port 0 is refused too: to the OS it means "any free port", but the kiosk must know its port to wait for the
    server's health check and to open the browser on it (it would wait 60 s on port 0 and give up).
    """
    low, high = PORT_RANGE
    fix = f"use a whole number from {low} to {high}, e.g. --port {kiosk.DEFAULT_PORT}"
    if not re.fullmatch(r"[+-]?[0-9]+", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number; {fix}")
    port = int(text)
    if port == 0:
        raise argparse.ArgumentTypeError(f"0 is not a port the kiosk can use (0 means 'any free port', but the "
                                         f"browser must be told which); {fix}")
    if not low <= port <= high:
        raise argparse.ArgumentTypeError(f"{port} is out of range; {fix}")
    return port


def _parser() -> _Parser:
    parser = _Parser(prog="mapapp", description="Build the map's data, install its browser assets, run a kiosk.")
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
    k.add_argument("--port", type=port_number, default=kiosk.DEFAULT_PORT,
                   help=f"port on 127.0.0.1, {PORT_RANGE[0]}..{PORT_RANGE[1]} (default: {kiosk.DEFAULT_PORT})")
    k.add_argument("--no-browser", dest="browser", action="store_false",
                   help="serve only; do not start Chromium")
    e = _export_parser(commands)
    parser.commands.update(build=b, assets=a, kiosk=k, export=e)
    return parser


def _export_parser(commands: argparse._SubParsersAction) -> _Parser:
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
    return e


def load_geodata(folder: Path) -> tuple[Dataset | None, list[str]]:
    """What ``load_dataset(folder)`` reads, with every file's problem as a line naming ``--geodata``.

    Each file is read on its own, so a broken places.geojson and a broken events.geojson are both reported;
    the Dataset is None when any problem was found.
    """
    problems: list[str] = []

    def read(loader: Callable[[Path], T], name: str) -> T | None:
        try:
            return loader(folder / name)
        except GeodataError as exc:
            problems.append(f"--geodata {folder}: {exc}")
            return None

    places = read(load_places, "places.geojson")
    events = read(load_events, "events.geojson")
    borders = read(load_borders, "borders.geojson")
    people = read(load_people, "people.json")
    collections = read(lambda path: load_collections(path.parent), "collections")  # what load_dataset adds
    registers = read(lambda path: load_registers(path.parent), "collections")
    if places is not None and events is not None:
        try:
            check_references(places, events, folder / "events.geojson")
        except GeodataError as exc:
            problems.append(f"--geodata {folder}: {exc}")
    if problems or places is None or events is None or people is None:
        return None, problems
    return Dataset(places, tuple(events), people, borders, collections or (), registers or ()), []


def run_export(args: argparse.Namespace) -> int:
    """Run ``mapapp export``; return the exit status. The options are checked even when the data is broken,
    so every problem is reported at once."""
    ds, problems = load_geodata(args.geodata)
    try:
        opts = parse_options(args.out, date=args.date, start=args.start, end=args.end,
                             categories=args.categories, region=args.region, bbox=args.bbox, lang=args.lang,
                             title=args.title, paper=args.paper, orientation=args.orientation, size=args.size,
                             dpi=args.dpi, frames=args.frames, person=args.person, ds=ds)
    except ExportOptionsError as exc:
        problems = exc.problems + problems
    if problems or ds is None:
        print(report_lines(problems) + "\nNothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    from mapapp.export.write import export  # matplotlib is imported only for exports

    out = export(ds, opts, args.out)
    size = f"{opts.width_px}×{opts.height_px} px at {opts.dpi} dpi" if opts.format != "html" else "standalone"
    print(f"Wrote {out} ({opts.format.upper()}, {size}).")
    return EXIT_OK


def stale_files(built: Path, committed: Path) -> list[str]:
    """Names of output files in ``committed`` that differ from (or lack) those in ``built``."""
    stale = []
    for name in output_names(built, committed):
        target, fresh = committed / name, built / name
        if not fresh.is_file():  # borders.geojson is built only when the data has borders.csv
            if target.is_file():
                stale.append(name)
            continue
        if not target.is_file() or target.read_bytes() != fresh.read_bytes():
            stale.append(name)
    return stale


def out_problem(out: Path, writing: bool) -> str | None:
    """What is wrong with ``--out`` before anything is built, or None.

    It must be a folder or a path where one can be made (not a file, not under a file) and, when ``writing``,
    writable. (As root, permissions never stop a write; a read-only file system still does, and is reported
    when the write fails: :class:`~mapapp.ingest.build.OutputError`.)
    """
    fix = f"give --out a folder (it is created if missing), e.g. --out {GEODATA_DIR}"
    if out.exists() and not out.is_dir():
        return f"--out {out}: is a file, not a folder. Fix: {fix}."
    existing = next((p for p in [out, *out.parents] if p.exists()), None)
    if existing is not None and not existing.is_dir():
        return f"--out {out}: {existing} is a file, so no folder can be made inside it. Fix: {fix}."
    if writing and existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        return (f"--out {out}: {existing} is not writable. Fix: choose a folder you may write to, or change the "
                f"permissions of {existing}.")
    return None


def run_build(data: Path, out: Path, check: bool) -> int:
    """Run ``mapapp build``; return the exit status.

    A bad ``--out`` is reported together with the data's problems (the data is then built into a temporary
    folder, only to find them); either way nothing is written.
    """
    bad_out = out_problem(out, writing=not check)
    try:
        if check or bad_out:
            with tempfile.TemporaryDirectory(prefix="mapapp-check-") as tmp:
                result = build(data, Path(tmp))
                stale = stale_files(Path(tmp), out) if bad_out is None else []
            if bad_out:
                print(report_lines([bad_out]) + "\nNothing was written.", file=sys.stderr)
                return EXIT_PROBLEMS
            if stale:
                print(f"{out} is stale: {', '.join(stale)} differ from a fresh build. "
                      "Fix: run `mapapp build` and commit the result.", file=sys.stderr)
                return EXIT_STALE
            print(f"{out} is up to date ({result.n_places} places, {result.n_events} events).")
            return EXIT_OK
        result = build(data, out)
    except DataError as exc:
        print(report_lines([*exc.problems, *([bad_out] if bad_out else [])]) + "\nNothing was written.",
              file=sys.stderr)
        return EXIT_PROBLEMS
    except OutputError as exc:
        print(f"--out {out}: {exc}. Fix: choose a folder you may write to (--out DIR), or free the disk or make "
              "it writable. Nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Wrote {result.places_path} ({result.n_places} places), {result.events_path} "
          f"({result.n_events} events), people.json ({result.n_people} people)"
          + (f" and {result.borders_path}." if result.borders_path else "."))
    for imported in result.collections:
        print(f"Collection {imported.declaration.id}: {imported.n_features} features"
              + (f", {imported.n_left_out} rows left out" if imported.n_left_out else "")
              + f" (see {out / 'collections' / (imported.declaration.id + '.report.txt')}).")
    for register_id, report in result.registers:
        print(f"Register {register_id}: {report.records} of {report.rows} records placed and dated, at "
              f"{report.sites} sites; {report.unresolved_texts} place texts did not resolve "
              f"(see {out / 'collections' / (register_id + '.report.txt')}).")
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
    parser = _parser()
    args = parser.parse_args(join_negative_values(parser, sys.argv[1:] if argv is None else argv))
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
