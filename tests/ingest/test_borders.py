"""Historical borders: which snapshot holds when, the checks of borders.csv, the prepared file, the export."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from mapapp import DATA_DIR, GEODATA_DIR
from mapapp.ingest.borders import MAX_BYTES, borders_at, load_borders, prepare, read_spans
from mapapp.ingest.gazetteer import Gazetteer
from mapapp.webmap.mapview import load_dataset

BORDERS = load_borders(GEODATA_DIR / "borders.geojson")
needs_borders = pytest.mark.skipif(BORDERS is None, reason="geodata/borders.geojson not built")


def ussr(snapshot: str) -> BaseGeometry:
    """The USSR in the built ``snapshot`` (which must have one)."""
    assert BORDERS is not None
    geometry = BORDERS.ussr(snapshot)
    assert geometry is not None, f"no USSR in {snapshot}"
    return geometry


#: Every boundary of data/borders.csv: (first day of the new span, snapshot before, snapshot from that day).
BOUNDARIES = [
    (date(1917, 11, 7), None, "world_1930"),
    (date(1922, 12, 30), "world_1930", "ussr_1922-12-30"),
    (date(1939, 9, 17), "ussr_1922-12-30", "ussr_1939-09-17"),
    (date(1940, 3, 13), "ussr_1939-09-17", "ussr_1940-03-13"),
    (date(1940, 6, 28), "ussr_1940-03-13", "ussr_1940-06-28"),
    (date(1940, 8, 3), "ussr_1940-06-28", "ussr_1940-08-03"),
    (date(1940, 8, 5), "ussr_1940-08-03", "ussr_1940-08-05"),
    (date(1940, 8, 6), "ussr_1940-08-05", "ussr_1940-08-06"),
    (date(1944, 9, 19), "ussr_1940-08-06", "ussr_1944-09-19"),
    (date(1944, 10, 11), "ussr_1944-09-19", "ussr_1944-10-11"),
    (date(1945, 6, 29), "ussr_1944-10-11", "ussr_1945-06-29"),
    (date(1945, 8, 2), "ussr_1945-06-29", "ussr_1945-08-02"),
    (date(1945, 9, 2), "ussr_1945-08-02", "world_1945"),
    (date(1949, 10, 1), "world_1945", "world_1960"),
    (date(1991, 12, 26), "world_1960", None),
]
LVIV = Point(24.03, 49.84)


@needs_borders
@pytest.mark.parametrize("day, before, after", BOUNDARIES, ids=[d.isoformat() for d, _, _ in BOUNDARIES])
def test_borders_at_each_boundary_and_the_day_before(day: date, before: str | None, after: str | None) -> None:
    assert borders_at(day - timedelta(days=1), BORDERS) == before
    assert borders_at(day, BORDERS) == after


#: Places Soviet only from one day (data/borders.csv): the place, its point (lon, lat), that day.
SOVIET_FROM = [
    ("Lviv", Point(24.03, 49.84), date(1939, 9, 17)),
    ("Vyborg", Point(28.75, 60.71), date(1940, 3, 13)),
    ("Chișinău", Point(28.86, 47.01), date(1940, 6, 28)),
    ("Chernivtsi", Point(25.94, 48.29), date(1940, 6, 28)),
    ("Kaunas", Point(23.90, 54.90), date(1940, 8, 3)),
    ("Riga", Point(24.11, 56.95), date(1940, 8, 5)),
    ("Tallinn", Point(24.75, 59.44), date(1940, 8, 6)),
    ("Pechenga", Point(31.15, 69.55), date(1944, 9, 19)),
    ("Kyzyl", Point(94.45, 51.72), date(1944, 10, 11)),
    ("Uzhhorod", Point(22.29, 48.62), date(1945, 6, 29)),
    ("Kaliningrad", Point(20.51, 54.71), date(1945, 8, 2)),
    ("Yuzhno-Sakhalinsk", Point(142.74, 46.96), date(1945, 9, 2)),
]


def _ussr_on(day: date) -> BaseGeometry | None:
    assert BORDERS is not None
    snapshot = BORDERS.at(day)
    return BORDERS.ussr(snapshot) if snapshot else None


def _edge_days() -> list[tuple[str, Point, date, str]]:
    """For each place: the day before it became Soviet (``before``: out), and the ``first`` and the ``last`` day
    of every span from that day to 1991 (in) — the edges, where an off-by-one in the dates or the spans shows."""
    assert BORDERS is not None
    cases = []
    for name, point, day in SOVIET_FROM:
        cases.append((name, point, day - timedelta(days=1), "before"))
        for span in BORDERS.spans:
            if span.snapshot and span.valid_from and span.valid_from >= day:
                cases.append((name, point, span.valid_from, "first"))
                cases.append((name, point, (span.valid_to or date(1991, 12, 26)) - timedelta(days=1), "last"))
    return cases


EDGE_DAYS = _edge_days() if BORDERS is not None else []


@needs_borders
@pytest.mark.parametrize("name, point, day, edge", EDGE_DAYS, ids=[f"{n}-{e}-{d}" for n, _, d, e in EDGE_DAYS])
def test_each_place_is_soviet_from_its_day_and_not_the_day_before(name: str, point: Point, day: date,
                                                                 edge: str) -> None:
    ussr_then = _ussr_on(day)
    assert ussr_then is not None
    assert ussr_then.covers(point) is (edge != "before"), f"{name} on {day}: {BORDERS.at(day) if BORDERS else None}"


@needs_borders
@pytest.mark.parametrize("name, point", [("Kyzyl", Point(94.45, 51.72)), ("Erzurum", Point(41.27, 39.9))])
def test_the_prewar_ussr_has_neither_tuva_nor_eastern_turkey(name: str, point: Point) -> None:
    """The 1938 snapshot draws Tuva and 'Armenia' (to Erzurum) Soviet; the composed 1922–1939 span does not."""
    for day in (date(1922, 12, 30), date(1937, 8, 5), date(1939, 9, 16)):
        ussr_then = _ussr_on(day)
        assert ussr_then is not None and not ussr_then.covers(point), (name, day)
        assert ussr_then.covers(Point(44.51, 40.18)), day  # Yerevan: Soviet Armenia is kept


@needs_borders
def test_borders_at_defaults_to_the_committed_geodata() -> None:
    assert borders_at(date(1937, 8, 5)) == "ussr_1922-12-30"
    assert borders_at(date(1953, 3, 5)) == "world_1960"


HEADER = "file,valid_from,valid_to,compose,source,note\n"
GOOD = [",,1939-09-17,,,none", "world_1938.geojson,1939-09-17,1945-05-09,,s,pre-war",
        "world_1945.geojson,1945-05-09,,,s,x"]


def _data(tmp_path: Path, rows: list[str]) -> Path:
    (tmp_path / "borders").mkdir(exist_ok=True)
    for name in ("world_1938.geojson", "world_1945.geojson"):
        (tmp_path / "borders" / name).write_text('{"type":"FeatureCollection","features":[]}')
    (tmp_path / "borders.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("rows, expected", [
    (GOOD, []),
    ([GOOD[0], "world_1938.geojson,1939-09-18,1945-05-09,,s,x", GOOD[2]],
     ["borders.csv row 2, field 'valid_to': '1939-09-17' leaves a gap before the next span (row 3) starts on "
      "'1939-09-18'. Fix: make valid_to equal the next span's valid_from."]),
    ([GOOD[0], "world_1938.geojson,1939-09-01,1945-05-09,,s,x", GOOD[2]],
     ["borders.csv row 2, field 'valid_to': '1939-09-17' overlaps the next span (row 3), which starts on "
      "'1939-09-01'. Fix: make valid_to equal the next span's valid_from."]),
    (["world_1938.geojson,1930-01-01,1945-05-09,,s,x", GOOD[2]],
     ["borders.csv row 2, field 'valid_from': '1930-01-01' starts the earliest span, so no span covers the dates "
      "before it. Fix: leave valid_from empty in the earliest span (a row with an empty file draws no border)."]),
    ([GOOD[0], GOOD[1], "world_1945.geojson,1945-05-09,1991-12-26,,s,x"],
     ["borders.csv row 4, field 'valid_to': '1991-12-26' ends the latest span, so no span covers the dates after "
      "it. Fix: leave valid_to empty in the latest span (a row with an empty file draws no border)."]),
    ([GOOD[0], "world_1938.geojson,1939-09-17,1945-13-01,,s,x", GOOD[2]],
     ["borders.csv row 3, field 'valid_to': '1945-13-01' is not a full date YYYY-MM-DD. Fix: write the day the "
      "span starts (valid_from) or the day the next one starts (valid_to), e.g. 1939-09-17; leave it empty only "
      "at the ends."]),
    ([GOOD[0], "world_1938.geojson,1939-09-17,1939-09-17,,s,x", GOOD[2]],
     ["borders.csv row 3, field 'valid_to': '1939-09-17' is not after valid_from '1939-09-17'. Fix: a span ends "
      "(exclusive) after it starts: swap or correct the dates."]),
    ([GOOD[0], "world_1939.geojson,1939-09-17,1945-05-09,,s,x", GOOD[2]],
     ["borders.csv row 3, field 'file': 'world_1939.geojson' is not in {dir}. Fix: copy the snapshot into "
      "borders/ or correct the name."]),
    ([GOOD[0], "world_1938.geojson,1939-09-17,1945-05-09,,s,", GOOD[2]],
     ["borders.csv row 3, field 'note' is empty. Fix: say what the snapshot shows and why it applies to these "
      "dates."]),
    ([GOOD[0], GOOD[1], "world_1938.geojson,1945-05-09,,,s,x"],
     ["borders.csv row 4, field 'file': 'world_1938.geojson' is listed twice (also row 3). Fix: give each "
      "snapshot one span; merge the rows."]),
], ids=["ok", "gap", "overlap", "open-start", "open-end", "bad-date", "reversed", "missing-file", "no-note", "twice"])
def test_span_validation_messages(tmp_path: Path, rows: list[str], expected: list[str]) -> None:
    data = _data(tmp_path, rows)
    _, problems = read_spans(data)
    assert [str(p) for p in problems] == [e.replace("{dir}", str(data / "borders")) for e in expected]


def test_missing_table_is_a_problem(tmp_path: Path) -> None:
    _, problems = read_spans(tmp_path)
    assert [p.message for p in problems] == [f"is missing from {tmp_path}"]


def test_a_table_in_utf16_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "borders.csv").write_bytes((DATA_DIR / "borders.csv").read_text(encoding="utf-8").encode("utf-16"))
    _, problems = read_spans(tmp_path)
    assert [str(p) for p in problems] == [
        "borders.csv is encoded as UTF-16 LE, not UTF-8. Fix: save it as CSV UTF-8 (in a spreadsheet: Save As, "
        "CSV UTF-8), or convert it: iconv -f UTF-16LE -t UTF-8 borders.csv > borders.csv.new && "
        "mv borders.csv.new borders.csv."]


def test_real_table_has_no_problems() -> None:
    spans, problems = read_spans(DATA_DIR)
    assert [str(p) for p in problems] == []
    assert [s.snapshot for s in spans] == [None] + [after for _, _, after in BOUNDARIES]
    composed = [s for s in spans if s.compose]
    assert [s.snapshot for s in composed] == [f"ussr_{s.valid_from}" for s in composed]
    assert all(s.file == "world_1938" for s in composed)  # neighbours as in 1938


@pytest.fixture(scope="module")
def prepared() -> str:
    ds = load_dataset()
    text, problems = prepare(DATA_DIR, [(p.lon, p.lat) for p in ds.places.values()])
    assert [str(p) for p in problems] == []
    return text


def test_prepared_file_is_deterministic_small_and_committed(prepared: str) -> None:
    ds = load_dataset()
    again, _ = prepare(DATA_DIR, [(p.lon, p.lat) for p in ds.places.values()])
    assert again == prepared
    assert len(prepared.encode("utf-8")) < MAX_BYTES
    assert (GEODATA_DIR / "borders.geojson").read_text(encoding="utf-8") == prepared, \
        "geodata/borders.geojson is stale: run `mapapp build`"


SNAPSHOTS = [after for _, _, after in BOUNDARIES if after]


@needs_borders
@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_geometries_are_valid_and_the_ussr_comes_first(snapshot: str) -> None:
    assert BORDERS is not None
    features = BORDERS.features_of(snapshot)
    assert features[0]["properties"]["ussr"] and features[0]["properties"]["name"] == "USSR"
    assert sum(f["properties"]["ussr"] for f in features) == 1
    assert [f["properties"]["name"] for f in features[1:]] == sorted(f["properties"]["name"] for f in features[1:])
    for f in features:
        geom = shape(f["geometry"])
        assert geom.is_valid and not geom.is_empty, f["id"]
        assert f["properties"]["snapshot"] == snapshot and f["id"].startswith(f"{snapshot}/")
    assert shape(features[0]["geometry"]).geom_type in ("Polygon", "MultiPolygon")


@needs_borders
@pytest.mark.parametrize("snapshot, inside", [("ussr_1922-12-30", False), ("ussr_1939-09-17", True),
                                              ("world_1945", True), ("world_1960", True)])
def test_lviv_is_soviet_only_after_1939(snapshot: str, inside: bool) -> None:
    assert ussr(snapshot).covers(LVIV) is inside


@needs_borders
def test_each_composed_span_only_adds_to_the_one_before() -> None:
    """From 1922 to August 1945 the USSR only grows: each composed span keeps the one before (what it loses is
    slivers of simplification) and gains its change."""
    assert BORDERS is not None
    composed = [s.snapshot for s in BORDERS.spans if s.snapshot and s.snapshot.startswith("ussr_")]
    assert len(composed) == 11
    for before, after in pairwise(composed):
        lost, gained = ussr(before).difference(ussr(after)), ussr(after).difference(ussr(before))
        assert lost.area < 0.2, (before, after, lost.area)
        assert gained.area > 0.5, (before, after, gained.area)


@needs_borders
def test_occupation_zones_are_neighbours_not_ussr() -> None:
    assert BORDERS is not None
    names = {f["properties"]["name"]: f["properties"]["ussr"] for f in BORDERS.features_of("world_1945")}
    assert names["Germany (Soviet)"] is False and names["Korea (USSR)"] is False
    berlin, pyongyang = Point(13.4, 52.52), Point(125.75, 39.02)
    assert not ussr("world_1945").covers(berlin) and not ussr("world_1945").covers(pyongyang)


@needs_borders
def test_chukotka_continues_past_the_antimeridian() -> None:
    west, _, east, _ = ussr("world_1945").bounds
    assert west > 0 and east > 180


def test_build_without_borders_csv_writes_no_borders(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer) -> None:
    from mapapp.ingest.build import build

    result = build(data_dir, tmp_path / "out", test_gazetteer)
    assert result.borders_path is None and not (tmp_path / "out" / "borders.geojson").exists()


def test_build_reports_border_problems_with_the_others(data_dir: Path, tmp_path: Path,
                                                       test_gazetteer: Gazetteer) -> None:
    from mapapp.ingest.build import build
    from mapapp.problems import DataError

    shutil.copytree(DATA_DIR / "borders", data_dir / "borders")
    (data_dir / "borders.csv").write_text(HEADER + "world_1938.geojson,,1939-09-40,,s,x\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        build(data_dir, tmp_path / "out", test_gazetteer)
    assert "borders.csv row 2, field 'valid_to': '1939-09-40' is not a full date" in str(err.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# ---------------------------------------------------------------- exports


@needs_borders
def test_export_draws_the_border_of_the_exported_date(tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    from mapapp.export.options import parse_options
    from mapapp.export.staticmap import border_geometries
    from mapapp.export.write import export

    ds = load_dataset()
    assert border_geometries(ds.borders, date(1938, 12, 31))[0] == "ussr_1922-12-30"
    assert border_geometries(ds.borders, date(1946, 1, 31))[0] == "world_1945"
    svgs, pngs = {}, {}
    for month in ("1938-12", "1946-01"):
        svg, png = tmp_path / f"{month}.svg", tmp_path / f"{month}.png"
        export(ds, parse_options(svg, ds=ds, date=month, region="europe"), svg)
        export(ds, parse_options(png, ds=ds, date=month, region="europe", size="800x600", dpi="100"), png)
        svgs[month], pngs[month] = svg.read_text(encoding="utf-8"), png
    assert 'id="borders-ussr-ussr_1922-12-30"' in svgs["1938-12"] and "world_1945" not in svgs["1938-12"]
    assert 'id="borders-ussr-world_1945"' in svgs["1946-01"] and "ussr_1922-12-30" not in svgs["1946-01"]
    assert "Historical borders: historical-basemaps (GPL v3), approximate; the occupation line of 1941–1944 is " \
           "not drawn." in svgs["1946-01"]
    a = np.asarray(Image.open(pngs["1938-12"]).convert("RGB"), dtype=int)
    b = np.asarray(Image.open(pngs["1946-01"]).convert("RGB"), dtype=int)
    assert (np.abs(a - b).max(axis=2) > 40).sum() > 200  # the western border moved


# ---------------------------------------------------------------- snapshots that cannot be used (read through geopandas)

SQUARE = {"type": "Polygon", "coordinates": [[[30, 50], [40, 50], [40, 60], [30, 60], [30, 50]]]}


def _snapshot(tmp_path: Path, text: str) -> Path:
    """A data folder whose world_1938 snapshot is ``text`` (world_1945 is an empty FeatureCollection)."""
    data = _data(tmp_path, GOOD)
    (data / "borders" / "world_1938.geojson").write_text(text, encoding="utf-8")
    return data


def _feature(name: str, sovereign: str, geometry: object) -> dict[str, object]:
    return {"type": "Feature", "properties": {"NAME": name, "SUBJECTO": sovereign}, "geometry": geometry}


def test_an_unreadable_geometry_is_reported_by_its_feature(tmp_path: Path) -> None:
    import json

    features = [_feature("Soviet Union", "USSR", SQUARE),
                _feature("Poland", "Poland", {"type": "Polygon", "coordinates": "x"}),
                _feature("Romania", "Romania", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0]]]}),
                _feature("Nowhere", "Nowhere", None),  # no geometry: left out, as today
                _feature("", "Nobody", {"type": "Blob"})]  # no name: left out before its geometry is read
    data = _snapshot(tmp_path, json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.warns(RuntimeWarning):  # GDAL only warns, and gives the feature no geometry
        text, problems = prepare(data)
    assert [str(p) for p in problems] == [
        "borders/world_1938.geojson field 'features[1]': 'Poland' has an unreadable geometry (could not convert "
        "string to float: 'x'). Fix: copy the file again.",
        "borders/world_1938.geojson field 'features[2]': 'Romania' has an unreadable geometry (A linearring "
        "requires at least 4 coordinates.). Fix: copy the file again.",
        "borders/world_1945.geojson has no feature whose SUBJECTO is USSR. Fix: check that this is a snapshot of "
        "1922–1991."]
    assert '"id":"world_1938/USSR"' in text and "Poland" not in text


def test_an_empty_snapshot_has_no_ussr(tmp_path: Path) -> None:
    _, problems = prepare(_data(tmp_path, GOOD))
    assert [str(p) for p in problems] == [
        f"borders/{name} has no feature whose SUBJECTO is USSR. Fix: check that this is a snapshot of 1922–1991."
        for name in ("world_1938.geojson", "world_1945.geojson")]


@pytest.mark.parametrize("text", ["not json at all", '{"type": "FeatureCollection", "features": {}}',
                                  '{"type": "Feature", "properties": {}, "geometry": null}'],
                         ids=["not-json", "features-not-a-list", "not-a-collection"])
def test_a_file_that_is_not_geojson_is_a_problem(tmp_path: Path, text: str) -> None:
    _, problems = prepare(_snapshot(tmp_path, text))
    assert [(p.file, p.row, p.field, p.value, p.fix) for p in problems[:1]] == [
        ("borders/world_1938.geojson", None, None, None, "copy the file again from historical-basemaps")]
    assert problems[0].message.startswith("cannot be read as GeoJSON (") and problems[0].message.endswith(")")


# ---------------------------------------------------------------- composed spans (the compose column)


def _square(w: float, s: float, e: float, n: float) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def _composing(tmp_path: Path, compose: str, first: str = "world_1938.geojson,1939-09-17,1940-03-13,,s,plain"
               ) -> Path:
    """A data folder: 1938 = USSR 30–40°E, Poland 20–30°E, Finland north of the USSR; 1945 = USSR 20–40°E
    50–65°N; a plain 1938 span, then ``compose`` from 13 March 1940, then the plain 1945 span."""
    import json

    data = _data(tmp_path, [",,1939-09-17,,,none", first, f'world_1938.geojson,1940-03-13,1945-05-09,"{compose}",s,c',
                            "world_1945.geojson,1945-05-09,,,s,x"])
    collection = {"world_1938": [_feature("USSR", "USSR", _square(30, 50, 40, 60)),
                                 _feature("Poland", "Poland", _square(20, 50, 30, 60)),
                                 _feature("Finland", "Finland", _square(30, 60, 40, 65))],
                  "world_1945": [_feature("USSR", "USSR", _square(20, 50, 40, 65))]}
    for stem, features in collection.items():
        (data / "borders" / f"{stem}.geojson").write_text(
            json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return data


def test_a_composed_span_adds_the_overlay_and_draws_what_is_left_of_the_neighbours(tmp_path: Path) -> None:
    import json

    from mapapp.ingest.borders import parse_borders

    text, problems = prepare(_composing(tmp_path, "previous + world_1945[USSR] & world_1938[Poland]"))
    assert [str(p) for p in problems] == []
    borders = parse_borders(json.loads(text))
    assert [s.snapshot for s in borders.spans] == [None, "world_1938", "ussr_1940-03-13", "world_1945"]
    assert borders.at(date(1940, 3, 12)) == "world_1938" and borders.at(date(1940, 3, 13)) == "ussr_1940-03-13"
    before, after = borders.ussr("world_1938"), borders.ussr("ussr_1940-03-13")
    assert before is not None and after is not None and after.is_valid
    assert not before.covers(Point(25, 55)) and after.covers(Point(25, 55))  # Poland: Soviet from that day
    assert not after.covers(Point(35, 62))  # Finland: not in the formula
    assert abs(after.area - 200) < 1
    # Poland, all of it annexed, is no neighbour any more; Finland still is, with its own 1938 outline
    assert [f["properties"]["name"] for f in borders.features_of("ussr_1940-03-13")] == ["USSR", "Finland"]
    assert [f["properties"]["name"] for f in borders.features_of("world_1938")] == ["USSR", "Finland", "Poland"]


@pytest.mark.parametrize("compose, area, inside, outside", [
    ("world_1945[USSR] - world_1938[Finland]", 250, [(25, 55)], [(35, 62)]),
    ("previous + (world_1945[USSR] & world_1938[Finland] - box(29 59 41 62))", 130, [(35, 63), (35, 59.5)],
     [(25, 55), (35, 61)]),
    ("previous + world_1945[USSR] & world_1938[Finland] - box(29 59 41 62)", 120, [(35, 63)], [(35, 59.5), (35, 61)]),
], ids=["difference", "parentheses", "left-to-right"])
def test_compose_operators(tmp_path: Path, compose: str, area: float, inside: list[tuple[float, float]],
                           outside: list[tuple[float, float]]) -> None:
    """``&`` binds first, ``+`` and ``-`` go left to right: without the parentheses, the box is cut from the
    whole USSR."""
    import json

    from mapapp.ingest.borders import parse_borders

    text, problems = prepare(_composing(tmp_path, compose))
    assert [str(p) for p in problems] == []
    geometry = parse_borders(json.loads(text)).ussr("ussr_1940-03-13")
    assert geometry is not None and geometry.is_valid and abs(geometry.area - area) < 1
    assert all(geometry.covers(Point(*xy)) for xy in inside) and not any(geometry.covers(Point(*xy)) for xy in outside)


HELP = ("write regions such as world_1938[Poland] (a feature's NAME; [USSR] is the snapshot's USSR), previous (the "
        "span before) or box(west south east north), joined by + (union), - (difference) and & (intersection, "
        "first), with parentheses, e.g. previous + world_1945[USSR] & world_1938[Poland]")


@pytest.mark.parametrize("compose, message", [
    ("previous +", "ends where a region is expected"),
    ("previous + + world_1945[USSR]", "has '+' where a region is expected"),
    ("previous world_1945[USSR]", "has 'world_1945[USSR]' where an operator (+ - &) is expected"),
    ("(previous + world_1945[USSR]", "has a '(' that is not closed"),
    ("previous + Poland", "cannot read 'Poland'"),
    ("previous + world_1938[<b>Poland</b>]", "cannot read 'world_1938[<b>Poland</b>]'"),
    ("previous & box(40 50 30 60)", "box(40 50 30 60) is not west < east, south < north in degrees"),
    ("previous & box(1 2 3)", "box(1 2 3) needs four numbers: west south east north"),
], ids=["dangling", "two-operators", "no-operator", "unclosed", "bare-name", "markup", "box-reversed",
     "box-short"])
def test_a_compose_cell_that_cannot_be_read_is_a_problem(tmp_path: Path, compose: str, message: str) -> None:
    _, problems = read_spans(_composing(tmp_path, compose))
    assert [str(p) for p in problems] == [f"borders.csv row 4, field 'compose': '{compose}' {message}. Fix: {HELP}."]


def test_compose_problems_in_the_table(tmp_path: Path) -> None:
    data = _composing(tmp_path, "previous + world_1939[Poland]")
    (data / "borders.csv").write_text((data / "borders.csv").read_text(encoding="utf-8").replace(
        "world_1938.geojson,1940-03-13", ",1940-03-13").replace(",s,plain", ",,plain"), encoding="utf-8")
    _, problems = read_spans(data)
    assert [str(p) for p in problems] == [
        "borders.csv row 3, field 'source' is empty. Fix: say where the dates and the border come from (a treaty, "
        "a decree, a book).",
        "borders.csv row 4, field 'file' is empty but the row composes a border. Fix: name the snapshot whose "
        "neighbours are drawn, e.g. world_1938.geojson.",
        f"borders.csv row 4, field 'compose': 'previous + world_1939[Poland]' names the snapshot 'world_1939', "
        f"which is not in {data / 'borders'}. Fix: copy world_1939.geojson into borders/ or correct the name."]


@pytest.mark.parametrize("compose, first, message", [
    ("previous + world_1938[Prussia]", None, "names 'Prussia', which is no feature's NAME in world_1938.geojson"),
    ("world_1945[USSR] & world_1938[Poland] & world_1938[Finland]", None, "gives no territory"),
    ("previous + world_1938[Poland]", "world_1938.geojson,1939-09-17,1940-03-13,world_1938[Nowhere],s,c",
     "uses previous, but the span before draws no border (or could not be composed)"),
], ids=["unknown-name", "empty", "previous-failed"])
def test_compose_problems_found_when_preparing(tmp_path: Path, compose: str, first: str | None,
                                               message: str) -> None:
    data = _composing(tmp_path, compose, *([first] if first else []))
    _, problems = prepare(data)
    row = 4
    if first:
        assert str(problems[0]).startswith("borders.csv row 3, field 'compose': 'world_1938[Nowhere]' names "
                                           "'Nowhere', which is no feature's NAME in world_1938.geojson.")
        problems = problems[1:]
    assert [str(p) for p in problems] == [
        f"borders.csv row {row}, field 'compose': '{compose}' {message}. Fix: check the names against the "
        f"snapshot's NAME property; {HELP}."]
