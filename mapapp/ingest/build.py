"""``data/*.csv`` → ``geodata/places.geojson`` + ``events.geojson`` + ``people.json`` (+ ``borders.geojson``).

validate → geocode → write. The output is deterministic (sorted by id, fixed key order,
5-decimal coordinates, one feature per line) and written atomically: when any problem
exists nothing is written, and the files are replaced only once all are complete. When the data folder
has ``borders.csv``, the historical borders are prepared too (:mod:`mapapp.ingest.borders`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapapp.ingest import borders, collection_import
from mapapp.ingest.citations import cite, normalise_lines
from mapapp.ingest.gazetteer import City, Gazetteer, default_gazetteer
from mapapp.ingest.site_matching import CuratedPlace
from mapapp.ingest.tables import Row, Table, split_list
from mapapp.ingest.validate import validate
from mapapp.model.dates import PartialDate, format_range
from mapapp.model.layers import LAYER_IDS
from mapapp.problems import DataError, Problem, sort_key

if TYPE_CHECKING:  # the register's import (DuckDB, pyarrow, h3) is loaded only when a register is built
    from mapapp.ingest.register import RegisterReport

OUTPUT_FILES = ("places.geojson", "events.geojson", "people.json", borders.OUTPUT_FILE)


def output_names(*folders: Path) -> list[str]:
    """Every build output name in any of ``folders``: :data:`OUTPUT_FILES` and each collection's files
    (``collections/<id>.geojson``, ``collections/<id>.report.txt``)."""
    names: set[str] = set()
    for folder in folders:
        sub = Path(folder) / collection_import.OUTPUT_DIR
        if sub.is_dir():
            names.update(f"{collection_import.OUTPUT_DIR}/{p.name}" for p in sub.iterdir() if p.is_file()
                         and not p.name.startswith("."))
    return [*OUTPUT_FILES, *sorted(names)]
COORD_DECIMALS = 5


@dataclass(frozen=True)
class BuildResult:
    """What a successful build wrote."""

    places_path: Path
    events_path: Path
    n_places: int
    n_events: int
    borders_path: Path | None = None
    n_people: int = 0  # in people.json, beside places.geojson
    collections: tuple[collection_import.Imported, ...] = ()
    registers: tuple[tuple[str, RegisterReport], ...] = ()  # (id, what its import did)


def geocode(places: Table, gazetteer: Gazetteer) -> tuple[dict[str, City], list[Problem]]:
    """Resolve every gazetteer place; check the result against its pinned ``geonames_id``."""
    found: dict[str, City] = {}
    problems: list[Problem] = []
    for row in places.rows:
        query = row["geonames_query"]
        if not query or row["lat"] or row["lon"]:
            continue
        match = gazetteer.resolve(query, row["country"], row["admin1"] or None)
        pinned_text = row["geonames_id"]
        pinned = int(pinned_text) if pinned_text.isdigit() else None
        where = f"{row['country']}" + (f" admin1 {row['admin1']}" if row["admin1"] else "")
        if match.city is None:
            problems.append(Problem(row.file, row.number, "geonames_query", query, match.problem() or "",
                                    "check the spelling, the country and admin1 (any historic or alternate "
                                    "name GeoNames knows will do)"))
            continue
        if pinned is None:
            if pinned_text == "":
                problems.append(Problem(row.file, row.number, "geonames_id", "",
                                        f"is empty; '{query}' in {where} resolves to {match.city.describe()}"
                                        + (f" (one of {len(match.candidates)} matches)" if match.ambiguous else ""),
                                        "check that this is the place meant, then pin its id"))
            continue  # a malformed id is reported by validation
        if match.city.geonameid != pinned:
            pinned_city = gazetteer.get(pinned)
            pinned_desc = pinned_city.describe() if pinned_city else f"{pinned} (not in the gazetteer)"
            fix = "correct geonames_id, or the query, country or admin1"
            if pinned_city is not None and pinned_city in match.candidates and pinned_city.admin1:
                fix = (f"set admin1 to {pinned_city.admin1} to pick the pinned place, or correct geonames_id")
            problems.append(Problem(row.file, row.number, "geonames_id", pinned_text,
                                    f"is pinned, but '{query}' in {where} resolves to {match.city.describe()}; "
                                    f"the pinned id is {pinned_desc}", fix))
            continue
        found[row["id"]] = match.city
    return found, problems


def _coord(x: float) -> float:
    value = round(x, COORD_DECIMALS)
    return 0.0 if value == 0 else value  # no "-0.0"


def _opt(value: str) -> str | None:
    return value or None


def _place_feature(row: Row, point: tuple[float, float], coord_source: tuple[str, str], geonames_id: int | None,
                   names: list[Row], event_ids: list[str]) -> dict[str, Any]:
    """A place's feature; ``coord_source`` is (English, Russian)."""
    lon, lat = point
    periods = sorted(names, key=lambda r: (r["from"] != "", PartialDate.parse(r["from"]).earliest()
                                           if r["from"] else None))
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": {"type": "Point", "coordinates": [_coord(lon), _coord(lat)]},
        "properties": {
            "id": row["id"],
            "name_en": row["name_en"],
            "name_ru": row["name_ru"],
            "kind": row["kind"],
            "country": row["country"],
            "abroad": row["abroad"] == "yes",
            "precision": row["precision"],
            "uncertainty_m": int(row["uncertainty_m"]),
            "description_en": _opt(row["description_en"]),
            "description_ru": _opt(row["description_ru"]),
            "coord_source": coord_source[0],
            "coord_source_ru": coord_source[1],
            "geonames_id": geonames_id,
            "names": [{"from": _opt(n["from"]), "to": _opt(n["to"]), "name_en": n["name_en"],
                       "name_ru": n["name_ru"], "note": _opt(n["note"])} for n in periods],
            "note": _opt(row["note"]),
            "note_ru": _opt(row["note_ru"]),
            "event_ids": sorted(event_ids),
        },
    }


def _event_feature(row: Row, points: list[tuple[float, float]], people: Mapping[str, Row],
                   sources: Mapping[str, Row]) -> dict[str, Any]:
    start = PartialDate.parse(row["start"])
    end = PartialDate.parse(row["end"]) if row["end"] else None
    approximate = row["approximate"] == "yes"
    person_ids = split_list(row["people"])
    source = sources[row["source"]]
    lines = normalise_lines(row["source_lines"]) if row["source_lines"] else ""
    coords = [[_coord(lon), _coord(lat)] for lon, lat in points]
    geometry = ({"type": "Point", "coordinates": coords[0]} if len(coords) == 1
                else {"type": "MultiPoint", "coordinates": coords})
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": geometry,
        "properties": {
            "id": row["id"],
            "title_en": row["title_en"],
            "title_ru": row["title_ru"],
            "start": start.isoformat(),
            "end": end.isoformat() if end else None,
            "start_precision": start.precision,
            "end_precision": end.precision if end else None,
            "approximate": approximate,
            "start_min": start.earliest().isoformat(),
            "end_max": (end or start).latest().isoformat(),
            "date_label_en": format_range(start, end, "en", approximate),
            "date_label_ru": format_range(start, end, "ru", approximate),
            "category": row["category"],
            "place_ids": split_list(row["places"]),
            "people": person_ids,
            "people_names_en": [people[p]["name_en"] for p in person_ids],
            "people_names_ru": [people[p]["name_ru"] for p in person_ids],
            "summary_en": row["summary_en"],
            "summary_ru": row["summary_ru"],
            "source": row["source"],
            "source_lines": lines or None,
            "citation_en": cite(source["citation_en"], lines),
            "citation_ru": cite(source["citation_ru"], lines),
            "note": _opt(row["note"]),
            "note_ru": _opt(row["note_ru"]),
        },
    }


def feature_collection(features: list[dict[str, Any]]) -> str:
    """A FeatureCollection with one feature per line and a trailing newline."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + ("\n" if lines else "") + "]}\n"


def people_json(people: Table) -> str:
    """``people.json``: everyone in people.csv, by id, one per line — so the app and the exports read the build
    output alone, never a curated table (a museum's own build folder brings its own people)."""
    lines = [json.dumps({"id": r["id"], "name_en": r["name_en"], "name_ru": r["name_ru"],
                         "aliases": split_list(r["aliases"]), "born": _opt(r["born"]), "died": _opt(r["died"]),
                         "description_en": r["description_en"], "note": r["note"]},
                        ensure_ascii=False, separators=(",", ":"))
             for r in sorted(people.rows, key=lambda r: r["id"])]
    return '{"people":[\n' + ",\n".join(lines) + ("\n" if lines else "") + "]}\n"


def needs_gazetteer(places: Table) -> bool:
    """Whether any place is to be resolved through the gazetteer."""
    return any(r["geonames_query"] and not (r["lat"] or r["lon"]) for r in places.rows)


def render(tables: Mapping[str, Table], cities: Mapping[str, City], gazetteer_label: str,
           gazetteer_label_ru: str | None = None) -> dict[str, str]:
    """Render validated, geocoded tables to ``{filename: text}``.

    The gazetteer labels name the source in the ``coord_source``/``coord_source_ru`` the build writes for
    gazetteer places (``gazetteer_label_ru`` defaults to ``gazetteer_label``).
    """
    label_ru = gazetteer_label if gazetteer_label_ru is None else gazetteer_label_ru
    places_table = tables["places.csv"]
    sources = {r["id"]: r for r in tables["sources.csv"].rows}
    people = {r["id"]: r for r in tables["people.csv"].rows}
    names: dict[str, list[Row]] = {}
    for r in tables["names.csv"].rows:
        names.setdefault(r["place_id"], []).append(r)
    events = sorted(tables["events.csv"].rows, key=lambda r: r["id"])
    event_ids: dict[str, list[str]] = {}
    for r in events:
        for pid in split_list(r["places"]):
            event_ids.setdefault(pid, []).append(r["id"])

    points: dict[str, tuple[float, float]] = {}
    place_features = []
    for row in sorted(places_table.rows, key=lambda r: r["id"]):
        city = cities.get(row["id"])
        if city is not None:
            point = (city.lon, city.lat)
            coord_source = (city.coord_source(gazetteer_label), city.coord_source(label_ru))
            geonames_id: int | None = city.geonameid
        else:
            point = (float(row["lon"]), float(row["lat"]))
            coord_source, geonames_id = (row["coord_source"], row["coord_source_ru"]), None
        points[row["id"]] = point
        place_features.append(_place_feature(row, point, coord_source, geonames_id, names.get(row["id"], []),
                                             event_ids.get(row["id"], [])))
    event_features = [_event_feature(r, [points[p] for p in split_list(r["places"])], people, sources)
                      for r in events]
    return {"places.geojson": feature_collection(place_features),
            "events.geojson": feature_collection(event_features),
            "people.json": people_json(tables["people.csv"])}


class OutputError(Exception):
    """The output folder could not be written (not a folder, read-only, full): :attr:`path` and the OS's
    :attr:`reason`. Raised by :func:`write_atomically` instead of the OSError, so the command line can name
    ``--out`` without mistaking a problem reading the data for one writing the output."""

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"cannot write {self.path} ({reason})")


def write_atomically(out_dir: Path, files: Mapping[str, str]) -> None:
    """Write every file to a temp file in ``out_dir``, then move all into place; :class:`OutputError` if that
    fails (the temp files are removed)."""
    temps: dict[str, Path] = {}
    target = out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            # open(..., "x") rather than mkstemp: the file gets the usual umask permissions, not 0600
            final = out_dir / name
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp = final.parent / f".{final.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
            temps[name] = target = tmp
            with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        for name, tmp in temps.items():
            target = out_dir / name
            os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(Path(exc.filename) if exc.filename else target, exc.strerror or str(exc)) from exc
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)


def _remove_old_collections(out_dir: Path, files: Mapping[str, str]) -> None:
    """Delete the output of collections no longer in ``data/collections/`` (after the new files are in place), so
    the build output is exactly what the data makes."""
    folder = out_dir / collection_import.OUTPUT_DIR
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name.startswith(".") or f"{collection_import.OUTPUT_DIR}/{path.name}" in files:
                continue
            if path.is_file():
                path.unlink()
            elif path.is_dir() and path.name.endswith(".web"):  # a register's browser files
                shutil.rmtree(path)


def curated_places(tables: Mapping[str, Table]) -> list[CuratedPlace]:
    """The places with curated coordinates and every name they have had: what a collection's sites are matched
    to, and its records' places resolved to (a place of the gazetteer is a town, never one site)."""
    names: dict[str, list[str]] = {}
    for row in tables["names.csv"].rows if "names.csv" in tables else ():
        names.setdefault(row["place_id"], []).extend(n for n in (row["name_en"], row["name_ru"]) if n)
    out = []
    for row in tables["places.csv"].rows:
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError:
            continue  # a gazetteer place: its coordinates come later, from GeoNames
        out.append(CuratedPlace(row["id"], (row["name_ru"], row["name_en"], *names.get(row["id"], [])), lat, lon))
    return out


def _import_registers(data_dir: Path, out_dir: Path, folders: list[Path], tables: Mapping[str, Table],
                      gazetteer: Gazetteer | None, into: Path) -> tuple[list[tuple[str, RegisterReport]], list[Problem]]:
    """The registers in ``folders`` imported into the folder ``into`` (moved into place with the rest of the
    build), each reusing the place texts the last build resolved; all problems together."""
    from mapapp.ingest import register
    from mapapp.ingest.place_strings import CuratedName, PlaceResolver, read_regions

    done: list[tuple[str, RegisterReport]] = []
    problems: list[Problem] = []
    gazetteer = gazetteer if gazetteer is not None else default_gazetteer()
    country = {row["id"]: row["country"] for row in tables["places.csv"].rows}
    curated = [CuratedName(p.id, n, p.lat, p.lon, country.get(p.id, "")) for p in curated_places(tables)
               for n in p.names]
    try:
        resolver = PlaceResolver(gazetteer, read_regions(data_dir / "regions.csv", gazetteer), curated)
    except DataError as exc:
        return done, exc.problems
    except FileNotFoundError:
        return done, [Problem("regions.csv", None, None, None, "does not exist", "a register's places are resolved "
                              "with data/regions.csv (region, kind, centre, country, note): add it")]
    for folder in folders:
        decl, found = register.read_register_declaration(folder)
        problems.extend(found)
        if decl is None:
            continue
        try:
            done.append((decl.id, register.import_register(
                decl, folder, into, resolver,
                cache=out_dir / collection_import.OUTPUT_DIR / f"{decl.id}.places.csv")))
        except DataError as exc:
            problems.extend(exc.problems)
    return done, problems


def build(data_dir: Path, out_dir: Path, gazetteer: Gazetteer | None = None) -> BuildResult:
    """Validate ``data_dir``, geocode, and write the GeoJSON files into ``out_dir``.

    Raises :class:`~mapapp.problems.DataError` with every problem found; then nothing is written.
    ``gazetteer`` defaults to the real GeoNames one, loaded only if a place needs it.
    """
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    tables, problems = validate(data_dir)
    cities: dict[str, City] = {}
    label = label_ru = ""
    if needs_gazetteer(tables["places.csv"]):
        gazetteer = gazetteer if gazetteer is not None else default_gazetteer()
        cities, geo_problems = geocode(tables["places.csv"], gazetteer)
        problems = sorted(problems + geo_problems, key=sort_key)
        label, label_ru = gazetteer.label, gazetteer.label_ru
    has_borders = (data_dir / borders.TABLE).is_file()
    if has_borders:
        problems = sorted(problems + borders.read_spans(data_dir)[1], key=sort_key)
    collections, collection_problems = collection_import.import_all(data_dir, LAYER_IDS, gazetteer,
                                                                    curated_places(tables))
    folders = [f for f in collection_import.collection_folders(data_dir) if collection_import.is_register(f)]
    with tempfile.TemporaryDirectory(prefix=".registers-") if folders else contextlib.nullcontext("") as staged:
        staging = Path(staged)  # only made, and removed, when there is a register
        registers, register_problems = (_import_registers(data_dir, out_dir, folders, tables, gazetteer, staging)
                                        if folders else ([], []))
        problems = sorted(problems + collection_problems + register_problems, key=sort_key)
        if problems:
            raise DataError(problems)
        return _write(data_dir, out_dir, tables, cities, label, label_ru, collections, registers, staging)


def _write(data_dir: Path, out_dir: Path, tables: Mapping[str, Table], cities: Mapping[str, City], label: str,
           label_ru: str, collections: list[collection_import.Imported],
           registers: list[tuple[str, RegisterReport]], staging: Path) -> BuildResult:
    """Write the build output: the text files atomically, then the registers' files (staged) beside them."""
    has_borders = (data_dir / borders.TABLE).is_file()
    files = render(tables, cities, label, label_ru)
    for imported in collections:
        files.update(imported.files)
    if has_borders:
        sites = [tuple(f["geometry"]["coordinates"]) for f in json.loads(files["places.geojson"])["features"]]
        text, border_problems = borders.prepare(data_dir, sites)
        if border_problems:
            raise DataError(border_problems)
        files[borders.OUTPUT_FILE] = text
    write_atomically(out_dir, files)
    kept = dict(files)
    for register_id, _ in registers:
        from mapapp.ingest.register import output_names

        for name in output_names(register_id):
            target = out_dir / collection_import.OUTPUT_DIR / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():  # a register's browser files: a folder, replaced whole
                shutil.rmtree(target)
            shutil.move(staging / name, target)
            kept[f"{collection_import.OUTPUT_DIR}/{name}"] = ""
    _remove_old_collections(out_dir, kept)
    return BuildResult(out_dir / "places.geojson", out_dir / "events.geojson",
                       len(tables["places.csv"].rows), len(tables["events.csv"].rows),
                       out_dir / borders.OUTPUT_FILE if has_borders else None, len(tables["people.csv"].rows),
                       tuple(collections), tuple(registers))
