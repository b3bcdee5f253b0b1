"""Historical borders: which snapshot holds when, the checks of borders.csv, the prepared file, the export."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
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
    (date(1922, 12, 30), "world_1930", "world_1938"),
    (date(1939, 9, 17), "world_1938", "world_1945"),
    (date(1949, 10, 1), "world_1945", "world_1960"),
    (date(1991, 12, 26), "world_1960", None),
]
LVIV = Point(24.03, 49.84)


@needs_borders
@pytest.mark.parametrize("day, before, after", BOUNDARIES, ids=[d.isoformat() for d, _, _ in BOUNDARIES])
def test_borders_at_each_boundary_and_the_day_before(day: date, before: str | None, after: str | None) -> None:
    assert borders_at(day - timedelta(days=1), BORDERS) == before
    assert borders_at(day, BORDERS) == after


@needs_borders
def test_borders_at_defaults_to_the_committed_geodata() -> None:
    assert borders_at(date(1937, 8, 5)) == "world_1938"
    assert borders_at(date(1953, 3, 5)) == "world_1960"


HEADER = "file,valid_from,valid_to,note\n"
GOOD = [",,1939-09-17,none", "world_1938.geojson,1939-09-17,1945-05-09,pre-war", "world_1945.geojson,1945-05-09,,x"]


def _data(tmp_path: Path, rows: list[str]) -> Path:
    (tmp_path / "borders").mkdir(exist_ok=True)
    for name in ("world_1938.geojson", "world_1945.geojson"):
        (tmp_path / "borders" / name).write_text('{"type":"FeatureCollection","features":[]}')
    (tmp_path / "borders.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("rows, expected", [
    (GOOD, []),
    ([GOOD[0], "world_1938.geojson,1939-09-18,1945-05-09,x", GOOD[2]],
     ["borders.csv row 2, field 'valid_to': '1939-09-17' leaves a gap before the next span (row 3) starts on "
      "'1939-09-18'. Fix: make valid_to equal the next span's valid_from."]),
    ([GOOD[0], "world_1938.geojson,1939-09-01,1945-05-09,x", GOOD[2]],
     ["borders.csv row 2, field 'valid_to': '1939-09-17' overlaps the next span (row 3), which starts on "
      "'1939-09-01'. Fix: make valid_to equal the next span's valid_from."]),
    (["world_1938.geojson,1930-01-01,1945-05-09,x", GOOD[2]],
     ["borders.csv row 2, field 'valid_from': '1930-01-01' starts the earliest span, so no span covers the dates "
      "before it. Fix: leave valid_from empty in the earliest span (a row with an empty file draws no border)."]),
    ([GOOD[0], GOOD[1], "world_1945.geojson,1945-05-09,1991-12-26,x"],
     ["borders.csv row 4, field 'valid_to': '1991-12-26' ends the latest span, so no span covers the dates after "
      "it. Fix: leave valid_to empty in the latest span (a row with an empty file draws no border)."]),
    ([GOOD[0], "world_1938.geojson,1939-09-17,1945-13-01,x", GOOD[2]],
     ["borders.csv row 3, field 'valid_to': '1945-13-01' is not a full date YYYY-MM-DD. Fix: write the day the "
      "span starts (valid_from) or the day the next one starts (valid_to), e.g. 1939-09-17; leave it empty only "
      "at the ends."]),
    ([GOOD[0], "world_1938.geojson,1939-09-17,1939-09-17,x", GOOD[2]],
     ["borders.csv row 3, field 'valid_to': '1939-09-17' is not after valid_from '1939-09-17'. Fix: a span ends "
      "(exclusive) after it starts: swap or correct the dates."]),
    ([GOOD[0], "world_1939.geojson,1939-09-17,1945-05-09,x", GOOD[2]],
     ["borders.csv row 3, field 'file': 'world_1939.geojson' is not in {dir}. Fix: copy the snapshot into "
      "borders/ or correct the name."]),
    ([GOOD[0], "world_1938.geojson,1939-09-17,1945-05-09,", GOOD[2]],
     ["borders.csv row 3, field 'note' is empty. Fix: say what the snapshot shows and why it applies to these "
      "dates."]),
    ([GOOD[0], GOOD[1], "world_1938.geojson,1945-05-09,,x"],
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
    assert [s.snapshot for s in spans] == [None, "world_1930", "world_1938", "world_1945", "world_1960", None]


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


@needs_borders
def test_geometries_are_valid_and_the_ussr_comes_first() -> None:
    assert BORDERS is not None
    for snapshot in ("world_1930", "world_1938", "world_1945", "world_1960"):
        features = BORDERS.features_of(snapshot)
        assert features[0]["properties"]["ussr"] and features[0]["properties"]["name"] == "USSR"
        assert sum(f["properties"]["ussr"] for f in features) == 1
        assert [f["properties"]["name"] for f in features[1:]] == sorted(f["properties"]["name"] for f in features[1:])
        for f in features:
            geom = shape(f["geometry"])
            assert geom.is_valid and not geom.is_empty, f["id"]
        assert shape(features[0]["geometry"]).geom_type in ("Polygon", "MultiPolygon")


@needs_borders
@pytest.mark.parametrize("snapshot, inside", [("world_1938", False), ("world_1945", True), ("world_1960", True)])
def test_lviv_is_soviet_only_after_1939(snapshot: str, inside: bool) -> None:
    assert ussr(snapshot).covers(LVIV) is inside


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
    (data_dir / "borders.csv").write_text(HEADER + "world_1938.geojson,,1939-09-40,x\n", encoding="utf-8")
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
    assert border_geometries(ds.borders, date(1938, 12, 31))[0] == "world_1938"
    assert border_geometries(ds.borders, date(1946, 1, 31))[0] == "world_1945"
    svgs, pngs = {}, {}
    for month in ("1938-12", "1946-01"):
        svg, png = tmp_path / f"{month}.svg", tmp_path / f"{month}.png"
        export(ds, parse_options(svg, ds=ds, date=month, region="europe"), svg)
        export(ds, parse_options(png, ds=ds, date=month, region="europe", size="800x600", dpi="100"), png)
        svgs[month], pngs[month] = svg.read_text(encoding="utf-8"), png
    assert 'id="borders-ussr-world_1938"' in svgs["1938-12"] and "world_1945" not in svgs["1938-12"]
    assert 'id="borders-ussr-world_1945"' in svgs["1946-01"] and "world_1938" not in svgs["1946-01"]
    assert "Historical borders: historical-basemaps (GPL v3), approximate." in svgs["1946-01"]
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
