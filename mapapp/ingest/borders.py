"""Historical borders: which world snapshot applies when, and the build step that prepares them.

``data/borders.csv`` says which of the world snapshots in ``data/borders/`` (historical-basemaps by
aourednik, GPL v3, approximate, world scale) applies to which span of dates; a row with an empty ``file``
is a span with no Soviet state, where no historical border is drawn. Between the snapshots, a row's
``compose`` cell declares how its USSR is made from them (overlays: ``previous + world_1945[USSR] &
world_1938[Poland]``, the 1945 USSR within 1938 Poland added to the span before; see :func:`parse_compose`),
with its ``source``. :func:`prepare` reads the snapshots (geopandas: pyogrio, GDAL's GeoJSON driver), keeps
the USSR and the states that intersect :data:`REGION` (or lie near a site), composes, repairs, clips,
simplifies and rounds them, and renders ``geodata/borders.geojson``; :func:`load_borders` reads it back and
:func:`borders_at` answers which snapshot a date shows. The browser map, the kiosk and the static exports all
draw from that one file, one set of features (``snapshot``) per span.

Rules (decided here, relied on by the tests):

* **The USSR** of a snapshot is the union of its features whose sovereign (``SUBJECTO``) is ``USSR`` — the
  1930 file draws Georgia, Armenia and Azerbaijan apart, the 1938 file Armenia — except the occupation zones
  in :data:`OCCUPATION_ZONES` (Soviet zones of Germany and Korea were occupied, not annexed), which are drawn
  as neighbours. It is kept as a (Multi)Polygon, so a point can be tested against it.
* **Neighbours** are every other named feature that intersects the region, merged by name, kept as their
  boundary lines clipped to the region (no artificial edges along the clip box). Unnamed features are left out.
* **The antimeridian.** Parts west of -168° (Chukotka's tip, Wrangel Island, the Aleutians) move east by
  360°, as the Natural Earth basemap does, so longitudes run from about -12 to 192.
* **Spans** are half-open, ``[valid_from, valid_to)``, full days (``YYYY-MM-DD``); they must chain without
  gaps or overlaps, open only at the two ends. The map uses the date of the window's end.
* **A composed span** (a ``compose`` cell) is named ``ussr_<valid_from>``. Its USSR is the formula's
  territory, unclipped and unsimplified until it is written (so that ``previous`` does not pile up
  simplification), without holes smaller than :data:`SLIVER`; its neighbours are the states of its ``file``
  within :data:`NEAR` of that USSR, less the USSR (an annexed state is gone), without slivers. A plain span's
  file may appear once; a composed span may reuse any file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import geopandas
import pandas
import pyogrio.errors
import shapely
import shapely.affinity
import shapely.errors
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from mapapp import GEODATA_DIR
from mapapp.ingest.tables import decode_table, parse_table
from mapapp.model.records import read_geojson
from mapapp.problems import GeodataError, Problem

TABLE = "borders.csv"
COLUMNS: tuple[str, ...] = ("file", "valid_from", "valid_to", "compose", "source", "note")
#: Folder (inside the data folder) holding the snapshot files, their LICENSE and SOURCE.md.
SNAPSHOT_DIR = "borders"
OUTPUT_FILE = "borders.geojson"
DEFAULT_PATH = GEODATA_DIR / OUTPUT_FILE
#: lon/lat box kept around the USSR: Europe (with the British Isles), the Middle East north of 30°N, Asia
#: north of 30°N; longitudes past 180 hold the parts moved east across the antimeridian.
REGION: tuple[float, float, float, float] = (-12.0, 30.0, 192.0, 82.0)
#: Degrees kept around a site outside :data:`REGION` (London, Washington, Mexico City).
SITE_MARGIN = 5.0
#: Features west of this longitude are moved east by 360° (see the module's rules).
WRAP_WEST = -168.0
#: Simplification tolerance (degrees) of the USSR, and of the neighbours' faint outlines (coarser: they are
#: context, and drawn once per span); the grid coordinates are rounded to (2 decimals, ~1 km, a fifth of the
#: tolerance: finer digits would only lengthen the file the browser receives).
TOLERANCE = 0.05
NEIGHBOUR_TOLERANCE = 0.15
GRID = 0.01
DECIMALS = 2
#: Features whose sovereign is the USSR but which were occupation zones, not Soviet territory.
OCCUPATION_ZONES = frozenset({"Germany (Soviet)", "Korea (USSR)"})
#: Size the prepared file must stay under (the browser receives it in the page's payload).
MAX_BYTES = 1_000_000
#: Degrees around a composed span's USSR within which its file's neighbours are drawn (the states along the
#: border; the wartime map of the rest of Europe is not drawn, and leaving it out keeps the file small).
NEAR = 1.0
#: Polygon parts and holes smaller than this (square degrees, ~20 × 20 km at 55°N) that an overlay of two
#: snapshots leaves where their lines do not meet exactly are slivers, not territory: they are dropped.
SLIVER = 0.05

_FILE = re.compile(r"^[A-Za-z0-9_.-]+\.geojson$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Span:
    """Snapshot ``snapshot`` (None: no border) for [valid_from, valid_to).

    ``snapshot`` is the file stem (``world_1938``) of a plain row, or ``ussr_<valid_from>`` for a row whose
    USSR is composed (``compose``, see :func:`parse_compose`) from the snapshots; ``file`` is the stem of the
    snapshot whose neighbours are drawn, ``row`` the row of ``borders.csv`` (both None when read back).
    """

    snapshot: str | None
    valid_from: date | None
    valid_to: date | None
    note: str = ""
    compose: str = ""
    file: str | None = None
    row: int | None = None

    def contains(self, day: date) -> bool:
        """Whether ``day`` lies in the span (``valid_to`` is exclusive; None is open)."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)

    def as_json(self) -> dict[str, Any]:
        return {"snapshot": self.snapshot,
                "from": self.valid_from.isoformat() if self.valid_from else None,
                "to": self.valid_to.isoformat() if self.valid_to else None}


@dataclass(frozen=True)
class Borders:
    """The prepared borders: the spans in date order and the features (GeoJSON dicts) of every snapshot."""

    spans: tuple[Span, ...]
    features: tuple[dict[str, Any], ...]

    def at(self, day: date) -> str | None:
        """The snapshot shown on ``day`` (None when no Soviet border applies)."""
        for span in self.spans:
            if span.contains(day):
                return span.snapshot
        return None

    def snapshots(self) -> list[str]:
        """The snapshot ids some span shows, sorted."""
        return sorted({s.snapshot for s in self.spans if s.snapshot})

    def features_of(self, snapshot: str | None) -> list[dict[str, Any]]:
        """The features of ``snapshot``, the USSR first."""
        return [f for f in self.features if f["properties"]["snapshot"] == snapshot]

    def ussr(self, snapshot: str | None) -> BaseGeometry | None:
        """The USSR's (Multi)Polygon in ``snapshot``."""
        for f in self.features_of(snapshot):
            if f["properties"]["ussr"]:
                return shape(f["geometry"])
        return None

    def payload(self, urls: Mapping[str, str] | None = None) -> dict[str, Any]:
        """For the browser: the spans and the features (geometry once each), compact properties; or, given the
        ``urls`` of every snapshot's file (:mod:`mapapp.webmap.mapfiles`), the spans and those URLs: the map then
        fetches a snapshot when the slider first reaches it."""
        spans = [s.as_json() for s in self.spans]
        snapshots = self.snapshots()
        if urls is not None and set(snapshots) <= set(urls):
            return {"spans": spans, "urls": {k: urls[k] for k in snapshots}}
        return {"spans": spans, "features": self.browser_features()}

    def browser_features(self, snapshot: str | None = None) -> list[dict[str, Any]]:
        """The features as the browser draws them (geometry and the three properties it draws by): every
        snapshot's, or one's (the file :mod:`mapapp.webmap.mapfiles` serves for it)."""
        chosen = self.features if snapshot is None else self.features_of(snapshot)
        return [{"type": "Feature", "geometry": f["geometry"],
                 "properties": {"snapshot": f["properties"]["snapshot"], "name": f["properties"]["name"],
                                "ussr": f["properties"]["ussr"]}} for f in chosen]


def snapshot_id(file: str) -> str | None:
    """``world_1938.geojson`` → ``world_1938``; an empty cell → None."""
    return file[: -len(".geojson")] if file else None


def composed_id(valid_from: date | None) -> str:
    """The snapshot id of a composed span: ``ussr_1939-09-17`` (its first day)."""
    return f"ussr_{valid_from.isoformat() if valid_from else 'start'}"


# ---------------------------------------------------------------- the compose column


@dataclass(frozen=True)
class Ref:
    """The territory of the features named ``name`` in snapshot ``file`` (a stem); ``USSR`` is the snapshot's
    USSR as the module's rules define it."""

    file: str
    name: str


@dataclass(frozen=True)
class Box:
    """A lon/lat box (west, south, east, north), to cut a snapshot's territory where it holds two changes."""

    bounds: tuple[float, float, float, float]


#: The USSR of the span before (in date order).
PREVIOUS = "previous"
#: A parsed ``compose`` cell: a region, ``previous``, or ``(operator, left, right)``.
Node = Ref | Box | str | tuple[str, Any, Any]
#: A region's NAME is letters, digits, spaces and ``.,'()-`` (no markup can pass through a compose cell).
_TOKEN = re.compile(r"\s*(?:(?P<ref>[A-Za-z0-9][A-Za-z0-9_.]*)\[(?P<name>[\w .,'()-]+)\]|box\((?P<box>[^()]*)\)"
                    r"|(?P<previous>previous)\b|(?P<op>[-+&()]))")
COMPOSE_HELP = ("write regions such as world_1938[Poland] (a feature's NAME; [USSR] is the snapshot's USSR), "
                "previous (the span before) or box(west south east north), joined by + (union), - (difference) "
                "and & (intersection, first), with parentheses, e.g. previous + world_1945[USSR] & world_1938[Poland]")


class ComposeError(ValueError):
    """A ``compose`` cell that is not an expression of :func:`parse_compose`."""


def _tokens(text: str) -> list[tuple[str, Any, str]]:
    """(kind, value, the text it was read from) of each token of a ``compose`` cell."""
    tokens: list[tuple[str, Any, str]] = []
    pos = 0
    while text[pos:].strip():
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ComposeError(f"cannot read '{text[pos:].strip()[:30]}'")
        if m["ref"]:
            tokens.append(("region", Ref(m["ref"], m["name"].strip()), m.group().strip()))
        elif m["box"] is not None:
            try:
                w, so, e, n = (float(v) for v in m["box"].replace(",", " ").split())
            except ValueError:
                raise ComposeError(f"box({m['box']}) needs four numbers: west south east north") from None
            if not (-180 <= w < e <= 360 and -90 <= so < n <= 90):
                raise ComposeError(f"box({m['box']}) is not west < east, south < north in degrees")
            tokens.append(("region", Box((w, so, e, n)), m.group().strip()))
        elif m["previous"]:
            tokens.append(("region", PREVIOUS, PREVIOUS))
        else:
            tokens.append(("op", m["op"], m["op"]))
        pos = m.end()
    return tokens


def parse_compose(text: str) -> Node:
    """Parse a ``compose`` cell: regions joined by ``+`` (union), ``-`` (difference) and ``&`` (intersection,
    which binds first), left to right, with parentheses; ComposeError when it is not one."""
    tokens = _tokens(text)
    pos = 0

    def peek() -> tuple[str, Any] | None:
        return tokens[pos][:2] if pos < len(tokens) else None

    def atom() -> Node:
        nonlocal pos
        token = peek()
        if token is None:
            raise ComposeError("ends where a region is expected")
        pos += 1
        if token[0] == "region":
            return token[1]
        if token[1] == "(":
            node = expr()
            if peek() != ("op", ")"):
                raise ComposeError("has a '(' that is not closed")
            pos += 1
            return node
        raise ComposeError(f"has '{token[1]}' where a region is expected")

    def product() -> Node:
        nonlocal pos
        node = atom()
        while peek() == ("op", "&"):
            pos += 1
            node = ("&", node, atom())
        return node

    def expr() -> Node:
        nonlocal pos
        node = product()
        while (token := peek()) is not None and token in (("op", "+"), ("op", "-")):
            pos += 1
            node = (token[1], node, product())
        return node

    if not tokens:
        raise ComposeError("is empty")
    node = expr()
    if pos < len(tokens):
        raise ComposeError(f"has '{tokens[pos][2]}' where an operator (+ - &) is expected")
    return node


def compose_parts(node: Node) -> list[Ref | Box | str]:
    """The regions of a parsed ``compose`` cell, left to right."""
    if isinstance(node, tuple):
        return compose_parts(node[1]) + compose_parts(node[2])
    return [node]


def _day(value: str) -> date | None:
    if not _DAY.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def read_spans(data_dir: Path) -> tuple[list[Span], list[Problem]]:
    """Read and check ``data_dir/borders.csv``: every problem, with the file, row, column and a fix."""
    path = Path(data_dir) / TABLE
    if not path.is_file():
        return [], [Problem(TABLE, None, None, None, f"is missing from {path.parent}",
                            f"create it with the header row: {','.join(COLUMNS)}")]
    text, not_utf8 = decode_table(TABLE, path.read_bytes())
    if text is None:
        return [], not_utf8
    table, problems = parse_table(TABLE, text, COLUMNS)
    snapshots = Path(data_dir) / SNAPSHOT_DIR
    rows: list[tuple[Any, Span]] = []
    seen: dict[str, int] = {}
    bad = bool(problems)
    for row in table.rows:
        file = row["file"]
        if file:
            if not _FILE.match(file):
                problems.append(Problem(TABLE, row.number, "file", file, "is not a .geojson file name",
                                        f"give the name of a file in {SNAPSHOT_DIR}/, e.g. world_1938.geojson"))
                bad = True
            elif not (snapshots / file).is_file():
                problems.append(Problem(TABLE, row.number, "file", file, f"is not in {snapshots}",
                                        f"copy the snapshot into {SNAPSHOT_DIR}/ or correct the name"))
            if file in seen and not row["compose"]:
                problems.append(Problem(TABLE, row.number, "file", file,
                                        f"is listed twice (also row {seen[file]})",
                                        "give each snapshot one span; merge the rows"))
            if not row["compose"]:
                seen.setdefault(file, row.number)
        days: dict[str, date | None] = {}
        for column in ("valid_from", "valid_to"):
            value = row[column]
            days[column] = _day(value) if value else None
            if value and days[column] is None:
                problems.append(Problem(TABLE, row.number, column, value, "is not a full date YYYY-MM-DD",
                                        "write the day the span starts (valid_from) or the day the next one "
                                        "starts (valid_to), e.g. 1939-09-17; leave it empty only at the ends"))
                bad = True
        start, end = days["valid_from"], days["valid_to"]
        if start and end and start >= end:
            problems.append(Problem(TABLE, row.number, "valid_to", row["valid_to"],
                                    f"is not after valid_from '{row['valid_from']}'",
                                    "a span ends (exclusive) after it starts: swap or correct the dates"))
            bad = True
        if not row["note"]:
            problems.append(Problem(TABLE, row.number, "note", "", "is empty",
                                    "say what the snapshot shows and why it applies to these dates"))
        compose = row["compose"]
        if compose:
            problems += _check_compose(row.number, compose, file, snapshots)
        if (file or compose) and not row["source"]:
            problems.append(Problem(TABLE, row.number, "source", "", "is empty",
                                    "say where the dates and the border come from (a treaty, a decree, a book)"))
        rows.append((row, Span(composed_id(start) if compose else snapshot_id(file), start, end, row["note"],
                               compose, snapshot_id(file), row.number)))
    if not table.rows and not problems:
        problems.append(Problem(TABLE, None, None, None, "has no rows",
                                "add one row per span of dates, from the earliest (empty valid_from) to the "
                                "latest (empty valid_to)"))
    if not bad and rows:
        problems.extend(_check_chain(rows))
    return [span for _, span in sorted(rows, key=_order)], problems


def _check_compose(number: int, compose: str, file: str, snapshots: Path) -> list[Problem]:
    """The problems of one ``compose`` cell: not an expression, a snapshot that is not there, no ``file``."""
    problems: list[Problem] = []
    if not file:
        problems.append(Problem(TABLE, number, "file", "", "is empty but the row composes a border",
                                "name the snapshot whose neighbours are drawn, e.g. world_1938.geojson"))
    try:
        node = parse_compose(compose)
    except ComposeError as exc:
        return [*problems, Problem(TABLE, number, "compose", compose, str(exc), COMPOSE_HELP)]
    missing = sorted({part.file for part in compose_parts(node)
                      if isinstance(part, Ref) and not (snapshots / f"{part.file}.geojson").is_file()})
    problems += [Problem(TABLE, number, "compose", compose, f"names the snapshot '{stem}', which is not in {snapshots}",
                         f"copy {stem}.geojson into {SNAPSHOT_DIR}/ or correct the name") for stem in missing]
    return problems


def _order(item: tuple[Any, Span]) -> tuple[bool, date, int]:
    row, span = item
    return (span.valid_from is not None, span.valid_from or date.min, row.number)


def _check_chain(rows: list[tuple[Any, Span]]) -> list[Problem]:
    """The spans, sorted by valid_from, must chain: each valid_to is the next valid_from; open only at the ends."""
    problems: list[Problem] = []
    rows = sorted(rows, key=_order)
    first, last = rows[0], rows[-1]
    if first[1].valid_from is not None:
        problems.append(Problem(TABLE, first[0].number, "valid_from", first[0]["valid_from"],
                                "starts the earliest span, so no span covers the dates before it",
                                "leave valid_from empty in the earliest span (a row with an empty file draws no "
                                "border)"))
    if last[1].valid_to is not None:
        problems.append(Problem(TABLE, last[0].number, "valid_to", last[0]["valid_to"],
                                "ends the latest span, so no span covers the dates after it",
                                "leave valid_to empty in the latest span (a row with an empty file draws no "
                                "border)"))
    for (row, span), (nrow, nspan) in pairwise(rows):
        if nspan.valid_from is None:
            problems.append(Problem(TABLE, nrow.number, "valid_from", "",
                                    f"is empty in more than one span (also row {row.number})",
                                    "only the earliest span may have an empty valid_from: give the date"))
            continue
        if span.valid_to is None:
            problems.append(Problem(TABLE, row.number, "valid_to", "",
                                    f"is empty but a later span (row {nrow.number}) starts on '{nrow['valid_from']}'",
                                    "only the latest span may have an empty valid_to: give the next span's "
                                    "valid_from"))
        elif span.valid_to < nspan.valid_from:
            problems.append(Problem(TABLE, row.number, "valid_to", row["valid_to"],
                                    f"leaves a gap before the next span (row {nrow.number}) starts on "
                                    f"'{nrow['valid_from']}'", "make valid_to equal the next span's valid_from"))
        elif span.valid_to > nspan.valid_from:
            problems.append(Problem(TABLE, row.number, "valid_to", row["valid_to"],
                                    f"overlaps the next span (row {nrow.number}), which starts on "
                                    f"'{nrow['valid_from']}'", "make valid_to equal the next span's valid_from"))
    return problems


# ---------------------------------------------------------------- geometry


def _wrap_east(geom: BaseGeometry) -> BaseGeometry:
    """Parts lying west of :data:`WRAP_WEST` moved east by 360° (continuing Chukotka past 180°)."""
    west = shapely.box(-180.0, -90.0, WRAP_WEST, 90.0)
    if not geom.intersects(west):
        return geom
    moved = shapely.affinity.translate(geom.intersection(west), xoff=360.0)
    return shapely.make_valid(shapely.union(geom.difference(west), moved))


def region_shape(sites: Iterable[tuple[float, float]] = ()) -> BaseGeometry:
    """:data:`REGION` plus a :data:`SITE_MARGIN` box around every site (lon, lat) outside it."""
    region = shapely.box(*REGION)
    boxes = [region]
    for lon, lat in sites:
        if not region.covers(shapely.Point(lon, lat)):
            boxes.append(shapely.box(lon - SITE_MARGIN, lat - SITE_MARGIN, lon + SITE_MARGIN, lat + SITE_MARGIN))
    return shapely.union_all(boxes)


def _clean(geom: BaseGeometry, polygonal: bool) -> BaseGeometry:
    """Simplified (:data:`TOLERANCE`, lines :data:`NEIGHBOUR_TOLERANCE`), snapped to :data:`GRID`, valid; only
    polygons (or only lines) kept."""
    geom = shapely.simplify(geom, TOLERANCE if polygonal else NEIGHBOUR_TOLERANCE, preserve_topology=True)
    geom = shapely.make_valid(shapely.set_precision(geom, GRID))
    keep = ("Polygon",) if polygonal else ("LineString",)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in keep and not p.is_empty]
    if polygonal:
        parts = [p for p in parts if p.area > 0]
        return shapely.MultiPolygon(parts) if len(parts) > 1 else (parts[0] if parts else shapely.Polygon())
    parts = [p for p in parts if p.length > 0]
    return shapely.line_merge(shapely.MultiLineString(parts)) if parts else shapely.LineString()


def _coords(value: Any) -> Any:
    """GeoJSON coordinates as lists, rounded to :data:`DECIMALS` (no -0.0)."""
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (int, float)):
        return [0.0 if round(float(v), DECIMALS) == 0 else round(float(v), DECIMALS) for v in value]
    return [_coords(v) for v in value]


def _geometry_json(geom: BaseGeometry) -> dict[str, Any]:
    gj = mapping(geom)
    return {"type": gj["type"], "coordinates": _coords(gj["coordinates"])}


def _column(gdf: geopandas.GeoDataFrame, name: str) -> pandas.Series:
    """Column ``name`` of ``gdf``; all missing when no feature has that property (an empty FeatureCollection)."""
    if name in gdf.columns:
        return gdf[name]
    return pandas.Series(None, index=gdf.index, dtype=object)


def _unreadable_reason(geometry: Any) -> str:
    """Why a geometry object that GDAL gave as None cannot be read (shapely's message, when it has one)."""
    try:
        shape(geometry)
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
        return str(exc)
    return "GDAL reads no geometry from it"


def read_snapshot(path: Path, file: str) -> tuple[geopandas.GeoDataFrame, list[Any]] | Problem:
    """The features of one snapshot file (through geopandas, GDAL's GeoJSON driver) and the raw JSON feature
    list beside them (row k is ``features[k]``), or the Problem saying the file cannot be read as GeoJSON.

    GDAL gives a geometry it cannot read as None (``on_invalid="ignore"``); the raw list tells those apart from
    features that have no geometry, so that :func:`snapshot_features` can report them.
    """
    try:
        gdf = geopandas.read_file(path, engine="pyogrio", on_invalid="ignore")
        raw = json.loads(path.read_text(encoding="utf-8"))["features"]
        if not isinstance(raw, list) or len(raw) != len(gdf):
            raise TypeError(f"'features' is not the list of the {len(gdf)} features GDAL reads")
    except (OSError, ValueError, KeyError, TypeError, pyogrio.errors.DataSourceError) as exc:
        return Problem(f"{SNAPSHOT_DIR}/{file}", None, None, None, f"cannot be read as GeoJSON ({exc})",
                       "copy the file again from historical-basemaps")
    return gdf, raw


@dataclass(frozen=True)
class Snapshot:
    """One snapshot file as read: its named features with a geometry (repaired, Chukotka moved east), their
    ``NAME`` and ``SUBJECTO``, and which of them are the USSR (the module's rules)."""

    file: str
    states: geopandas.GeoDataFrame
    is_ussr: pandas.Series

    def ussr(self) -> BaseGeometry:
        """The USSR's territory, unclipped (empty when the snapshot has none)."""
        return _polygons(shapely.union_all(self.states[self.is_ussr].geometry.to_numpy()))

    def territory(self, name: str) -> BaseGeometry | None:
        """The union of the features named ``name`` (``USSR``: :meth:`ussr`); None when there is none."""
        if name == "USSR":
            return self.ussr() if self.is_ussr.any() else None
        named = self.states[self.states["NAME"] == name]
        return _polygons(shapely.union_all(named.geometry.to_numpy())) if len(named) else None


def load_snapshot(path: Path, file: str) -> tuple[Snapshot | None, list[Problem]]:
    """Read one snapshot file (through geopandas); the problems of its features (an unreadable geometry)."""
    read = read_snapshot(path, file)
    if isinstance(read, Problem):
        return None, [read]
    gdf, raw = read
    problems: list[Problem] = []
    names, sovereigns = _column(gdf, "NAME"), _column(gdf, "SUBJECTO")
    named = names.notna() & (names != "")
    had_geometry = pandas.Series([isinstance(f, dict) and bool(f.get("geometry")) for f in raw], index=gdf.index)
    unread = named & had_geometry & gdf.geometry.isna()
    for k in unread[unread].index:
        problems.append(Problem(f"{SNAPSHOT_DIR}/{file}", None, f"features[{k}]", names[k],
                                f"has an unreadable geometry ({_unreadable_reason(raw[k]['geometry'])})",
                                "copy the file again"))
    keep = named & gdf.geometry.notna()
    geometry = gdf[keep].geometry.make_valid().map(_wrap_east)
    states = geopandas.GeoDataFrame({"NAME": names[keep], "SUBJECTO": sovereigns[keep]}, geometry=geometry,
                                    crs=gdf.crs)
    is_ussr = (states["SUBJECTO"] == "USSR") & ~states["NAME"].isin(OCCUPATION_ZONES)
    return Snapshot(file, states, is_ussr), problems


def _polygons(geom: BaseGeometry) -> BaseGeometry:
    """The polygonal parts of ``geom`` (valid), as one (Multi)Polygon."""
    parts = [p for p in shapely.get_parts(shapely.make_valid(geom)) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [q for p in parts for q in shapely.get_parts(p) if not q.is_empty and q.area > 0]
    return shapely.MultiPolygon(polygons) if len(polygons) != 1 else polygons[0]


def _without_slivers(geom: BaseGeometry, parts: bool) -> BaseGeometry:
    """``geom`` without its holes smaller than :data:`SLIVER` (and its parts too, if ``parts``)."""
    kept = []
    for polygon in shapely.get_parts(_polygons(geom)):
        if parts and polygon.area < SLIVER:
            continue
        holes = [ring for ring in polygon.interiors if shapely.Polygon(ring).area >= SLIVER]
        kept.append(shapely.Polygon(polygon.exterior, holes))
    return _polygons(shapely.MultiPolygon(kept)) if kept else shapely.MultiPolygon()


def _evaluate(node: Node, resolve: Any, previous: BaseGeometry | None) -> BaseGeometry:
    """The territory a parsed ``compose`` cell gives; ``resolve`` gives a :class:`Ref`'s territory."""
    if isinstance(node, tuple):
        op, left, right = node
        a, b = _evaluate(left, resolve, previous), _evaluate(right, resolve, previous)
        result = shapely.union(a, b) if op == "+" else shapely.difference(a, b) if op == "-" \
            else shapely.intersection(a, b)
        return _polygons(result)
    if isinstance(node, Box):
        return shapely.box(*node.bounds)
    if node == PREVIOUS:
        if previous is None:
            raise ComposeError("uses previous, but the span before draws no border (or could not be composed)")
        return previous
    assert isinstance(node, Ref)
    return resolve(node)


def _output(span: Span, file: str, ussr: BaseGeometry, outlines: geopandas.GeoSeries, region: BaseGeometry
            ) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The features of one span: its USSR (clipped, simplified) first, then its neighbours' outlines by name."""
    if not isinstance(region, shapely.Polygon | shapely.MultiPolygon):
        raise TypeError(f"the region must be a Polygon or MultiPolygon, not {region.geom_type}")
    problems: list[Problem] = []
    common = {"snapshot": span.snapshot, "valid_from": span.valid_from.isoformat() if span.valid_from else None,
              "valid_to": span.valid_to.isoformat() if span.valid_to else None}
    out: list[tuple[bool, str, BaseGeometry]] = []
    clipped = geopandas.GeoSeries([ussr], crs=outlines.crs).clip(region, keep_geom_type=False)
    out.append((True, "USSR", _clean(clipped.iloc[0] if len(clipped) else shapely.Polygon(), polygonal=True)))
    # Clipping drops an outline that misses the region: it is left out, as an outline simplified away is.
    for name, outline in outlines.clip(region, keep_geom_type=False).items():
        line = _clean(outline, polygonal=False)
        if not line.is_empty:
            out.append((False, str(name), line))
    features = []
    for is_ussr_feature, name, geom in sorted(out, key=lambda t: (not t[0], t[1])):
        if not geom.is_valid or geom.is_empty:
            problems.append(Problem(f"{SNAPSHOT_DIR}/{file}", None, "NAME", name,
                                    f"gives an {'empty' if geom.is_empty else 'invalid'} geometry after "
                                    "clipping and simplifying", "check the feature in the snapshot"))
            continue
        features.append({"type": "Feature", "id": f"{span.snapshot}/{name}", "geometry": _geometry_json(geom),
                         "properties": {**common, "name": name, "ussr": is_ussr_feature}})
    return features, problems


def snapshot_features(snapshot: Snapshot, span: Span, region: BaseGeometry
                      ) -> tuple[list[dict[str, Any]], BaseGeometry | None, list[Problem]]:
    """The USSR and its neighbours of a plain span (the snapshot as it is), ready for the output, and the USSR
    unclipped (for a ``previous`` in the next span)."""
    file = snapshot.file
    inside = snapshot.states.intersects(region)
    states, is_ussr = snapshot.states[inside], snapshot.is_ussr[inside]
    if not is_ussr.any():
        return [], None, [Problem(f"{SNAPSHOT_DIR}/{file}", None, None, None, "has no feature whose SUBJECTO is USSR",
                                  "check that this is a snapshot of 1922–1991")]
    ussr = states[is_ussr][["geometry"]].dissolve().geometry.iloc[0]
    merged = states[~is_ussr].dissolve(by="NAME", sort=False)
    features, problems = _output(span, file, ussr, merged.boundary, region)
    return features, ussr, problems


def composed_features(snapshot: Snapshot, span: Span, ussr: BaseGeometry, region: BaseGeometry
                      ) -> tuple[list[dict[str, Any]], list[Problem]]:
    """A composed span: its USSR, and the neighbours of ``snapshot`` within :data:`NEAR` of it, less the USSR."""
    states = snapshot.states[~snapshot.is_ussr]
    merged = states[states.intersects(region)].dissolve(by="NAME", sort=False)
    merged = merged[shapely.dwithin(merged.geometry.to_numpy(), ussr, NEAR)]  # degrees, as the data are
    rest = merged.difference(ussr).map(lambda g: _without_slivers(g, parts=True))
    rest = rest[~rest.is_empty]
    return _output(span, snapshot.file, ussr, rest.boundary, region)


def render(spans: Sequence[Span], features: Sequence[dict[str, Any]]) -> str:
    """``borders.geojson``: a FeatureCollection with the spans as a foreign member, one feature per line."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    head = json.dumps([s.as_json() for s in spans], ensure_ascii=False, separators=(",", ":"))
    return ('{"type":"FeatureCollection","spans":' + head + ',"features":[\n' + ",\n".join(lines)
            + ("\n" if lines else "") + "]}\n")


def prepare(data_dir: Path, sites: Iterable[tuple[float, float]] = ()) -> tuple[str, list[Problem]]:
    """Read ``borders.csv`` and its snapshots; return the text of ``borders.geojson`` and every problem.

    The spans are prepared in date order, so that ``previous`` in a ``compose`` cell is the USSR of the span
    before, as composed (unclipped, unsimplified: simplification does not pile up from span to span)."""
    spans, problems = read_spans(data_dir)
    if problems:
        return "", problems
    region = region_shape(sites)
    snapshots: dict[str, Snapshot | None] = {}

    def snapshot(stem: str) -> Snapshot | None:
        if stem not in snapshots:
            file = f"{stem}.geojson"
            snapshots[stem], more = load_snapshot(Path(data_dir) / SNAPSHOT_DIR / file, file)
            problems.extend(more)
        return snapshots[stem]

    features: list[dict[str, Any]] = []
    previous: BaseGeometry | None = None
    for span in spans:
        if span.file is None:
            previous = None
            continue
        neighbours = snapshot(span.file)
        if not span.compose:
            found, previous, more = snapshot_features(neighbours, span, region) if neighbours else ([], None, [])
        else:
            previous, more = _compose(span, snapshot, previous)
            found, more = composed_features(neighbours, span, previous, region) if neighbours and previous \
                else ([], more)
        features += found
        problems += more
    text = render(spans, features)
    if not problems and len(text.encode("utf-8")) > MAX_BYTES:
        problems.append(Problem(OUTPUT_FILE, None, None, None,
                                f"would be {len(text.encode('utf-8')):,} bytes, over {MAX_BYTES:,}",
                                "raise TOLERANCE or shrink REGION in mapapp/ingest/borders.py"))
    return text, problems


def _compose(span: Span, snapshot: Callable[[str], Snapshot | None], previous: BaseGeometry | None
             ) -> tuple[BaseGeometry | None, list[Problem]]:
    """The USSR of a composed span; or None and the problems, in ``span``'s row, when it cannot be composed."""
    errors: list[str] = []

    def resolve(ref: Ref) -> BaseGeometry:
        found = snapshot(ref.file)
        territory = found.territory(ref.name) if found is not None else None
        if territory is None:
            if found is not None:
                errors.append(f"names '{ref.name}', which is no feature's NAME in {ref.file}.geojson")
            return shapely.MultiPolygon()
        return territory

    try:
        ussr = _without_slivers(_evaluate(parse_compose(span.compose), resolve, previous), parts=False)
    except ComposeError as exc:
        errors.append(str(exc))
        ussr = shapely.MultiPolygon()
    if not errors and ussr.is_empty:
        errors.append("gives no territory")
    if errors:
        return None, [Problem(TABLE, span.row, "compose", span.compose, e,
                              "check the names against the snapshot's NAME property; " + COMPOSE_HELP)
                      for e in errors]
    return ussr, []


# ---------------------------------------------------------------- reading the build output


def parse_borders(doc: Mapping[str, Any]) -> Borders:
    """A :class:`Borders` from the parsed ``borders.geojson`` (KeyError, TypeError or ValueError when it is not
    shaped as :func:`render` writes it)."""
    spans = tuple(Span(s["snapshot"], date.fromisoformat(s["from"]) if s["from"] else None,
                       date.fromisoformat(s["to"]) if s["to"] else None) for s in doc.get("spans", []))
    for span in spans:
        if not (span.snapshot is None or isinstance(span.snapshot, str)):
            raise TypeError(f"span snapshot {span.snapshot!r} is not a name")
    features = tuple(doc["features"])
    for i, f in enumerate(features):
        props = f["properties"]
        if not (isinstance(props["snapshot"], str) and isinstance(props["name"], str)
                and isinstance(props["ussr"], bool)):
            raise TypeError(f"feature {i + 1} needs a snapshot and a name (text) and ussr (true or false)")
        try:
            shape(f["geometry"])
        except (shapely.errors.GEOSException, AttributeError, IndexError) as exc:
            raise ValueError(f"feature {i + 1} has no valid geometry ({exc})") from exc
    return Borders(spans, features)


_CACHE: dict[tuple[str, float], Borders] = {}


def load_borders(path: Path = DEFAULT_PATH) -> Borders | None:
    """The prepared borders from ``path`` (read once per change of the file); None when it does not exist
    (a build without ``borders.csv``); :class:`~mapapp.problems.GeodataError` when it is not what the build
    writes."""
    path = Path(path)
    if not path.is_file():
        if path.exists():
            raise GeodataError(path, "is a folder, not a file" if path.is_dir() else "is not a file")
        return None
    key = (str(path.resolve()), path.stat().st_mtime)
    if key not in _CACHE:
        doc = read_geojson(path)
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            raise GeodataError(path, "is not a GeoJSON FeatureCollection")
        try:
            _CACHE[key] = parse_borders(doc)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            what = f"lacks {exc.args[0]!r}" if isinstance(exc, KeyError) else f"is malformed: {exc}"
            raise GeodataError(path, f"is not what mapapp build writes: {what}") from exc
    return _CACHE[key]


def borders_at(day: date, borders: Borders | None = None) -> str | None:
    """The snapshot id (``world_1938``…) whose span holds ``day``; None when none applies or none is built."""
    borders = borders if borders is not None else load_borders()
    return borders.at(day) if borders is not None else None

