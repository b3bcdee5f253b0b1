"""Collections: the declared import of data/collections/<id>/ — real data, the parsers, broken declarations and rows."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapapp import DATA_DIR
from mapapp.ingest.collection_import import (
    check_lonlat,
    clean,
    import_collection,
    parse_count,
    parse_point,
    parse_year,
    split_names,
    transliterate,
)
from mapapp.ingest.gazetteer import Gazetteer
from mapapp.model.layers import LAYER_IDS

GULAG = DATA_DIR / "collections" / "gulag-camps"


def rows(name: str) -> list[dict[str, str]]:
    with open(GULAG / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def gulag() -> dict:
    imported, problems = import_collection(GULAG, LAYER_IDS)
    assert problems == [] and imported is not None
    return {"imported": imported, "geojson": json.loads(imported.files["collections/gulag-camps.geojson"]),
            "report": imported.files["collections/gulag-camps.report.txt"]}


# --- the real collection, against its own tables ---------------------------------------------------------------

def test_source_totals_are_those_its_source_file_states() -> None:
    camps, locations, stats = rows("camps.csv"), rows("locations.csv"), rows("statistics.csv")
    assert (len({c["id"] for c in camps}), len(locations), len(stats)) == (574, 668, 2472)
    assert len(camps) == 575  # one camp (id 10) is listed twice, identically


def test_every_location_with_a_known_camp_and_a_year_is_a_feature(gulag: dict) -> None:
    camp_ids = {c["id"] for c in rows("camps.csv")}
    with_years = {s["location_id"] for s in rows("statistics.csv")}
    expected = {loc["id"] for loc in rows("locations.csv") if loc["camp_id"] in camp_ids and loc["id"] in with_years}
    got = {f["id"] for f in gulag["geojson"]["features"]}
    assert got == expected and len(got) == gulag["imported"].n_features == 641
    assert gulag["imported"].n_left_out == 7  # the locations of the six camps the source does not list


def test_yearly_values_are_the_tables_values(gulag: dict) -> None:
    table: dict[str, dict[str, int | None]] = defaultdict(dict)
    for s in rows("statistics.csv"):
        table[s["location_id"]][s["year"]] = int(s["prisoners_count"]) if s["prisoners_count"] else None
    for f in gulag["geojson"]["features"]:
        assert f["properties"]["values"] == table[f["id"]]
        years = sorted(int(y) for y in table[f["id"]])
        assert (f["properties"]["first"], f["properties"]["last"]) == (years[0], years[-1])
    total_1938 = sum(v for f in gulag["geojson"]["features"] for y, v in f["properties"]["values"].items()
                     if y == "1938" and v is not None)
    assert total_1938 == sum(int(s["prisoners_count"]) for s in rows("statistics.csv")
                             if s["year"] == "1938" and s["prisoners_count"]
                             and s["location_id"] in {f["id"] for f in gulag["geojson"]["features"]})


def test_names_types_and_placeholders(gulag: dict) -> None:
    by_id = {f["id"]: f["properties"] for f in gulag["geojson"]["features"]}
    sevvostlag = next(p for p in by_id.values() if p["group"] == "7")
    assert sevvostlag["name_ru"] == "Северо-Восточный ИТЛ" and "Севвостлаг" in sevvostlag["other_ru"]
    assert "Sevvostlag" in sevvostlag["other_en"] and not sevvostlag["name_en_transliterated"]
    assert sevvostlag["attributes"]["type"] == {"en": "Corrective-labor camps", "ru": "Исправительно-трудовые лагеря"}
    placeholder_camps = {c["id"] for c in rows("camps.csv") if c["title_en"].strip() in ("New prison", "")}
    for p in by_id.values():
        assert p["name_en"] != "New prison"
        assert p["name_en_transliterated"] == (p["group"] in placeholder_camps) and p["name_en"]
        assert "\n" not in p["name_ru"]
    saratov = next(p for p in by_id.values() if p["name_ru"] == "Саратовский ПФЛ")
    assert saratov["name_en"] == "Saratovsky PFL" and saratov["name_en_transliterated"]


def test_report_lists_every_left_out_row_and_what_was_kept(gulag: dict) -> None:
    report = gulag["report"]
    for camp in ("675", "676", "677", "678", "584", "680"):
        assert f"'{camp}' matches no row of camps.csv (by id)" in report
    assert "camps.csv row 11: repeats the row of id 10 exactly" in report
    assert "87 row(s) list a year without a value" in report
    assert "134 row(s) give their coordinates as text" in report
    assert report.count("has no row in statistics.csv") == 668 - 641 - 7


def test_output_is_deterministic(gulag: dict) -> None:
    again, _ = import_collection(GULAG, LAYER_IDS)
    assert again is not None and again.files == gulag["imported"].files


# --- parsers ------------------------------------------------------------------------------------------------

@given(st.integers(min_value=0, max_value=10**9))
def test_parse_count_reads_whole_numbers(n: int) -> None:
    assert parse_count(f" {n} ") == n


@given(st.text())
def test_parse_count_is_none_or_a_number_or_a_value_error(text: str) -> None:
    try:
        value = parse_count(text)
    except ValueError:
        return
    assert value is None if not text.strip() else value == int(text.strip())


@given(st.floats(-180, 180), st.floats(-90, 90), st.booleans())
def test_parse_point_reads_numbers_and_numeric_strings(lon: float, lat: float, as_text: bool) -> None:
    coords = [str(lon), str(lat)] if as_text else [lon, lat]
    got = parse_point(json.dumps({"type": "Point", "coordinates": coords}))
    assert got == (round(lon, 6), round(lat, 6), as_text)


@pytest.mark.parametrize(("text", "message"), [
    ("{", "is not GeoJSON"),
    ("[1, 2]", "is not a GeoJSON geometry"),
    ('{"type": "Point", "coordinates": [1]}', "is a Point without two coordinates"),
    ('{"type": "Point", "coordinates": ["x", 2]}', "has a coordinate that is not a number ('x')"),
    ('{"type": "Point", "coordinates": [400000, 6150000]}', "is outside the world"),
    ('{"type": "Point", "coordinates": ["nan", 2]}', "has a coordinate that is not a finite number"),
])
def test_parse_point_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_point(text)


def test_parse_point_of_a_polygon_is_a_point_inside_it() -> None:
    lon, lat, _ = parse_point('{"type": "Polygon", "coordinates": [[[0,0],[2,0],[2,2],[0,2],[0,0]]]}')
    assert 0 < lon < 2 and 0 < lat < 2


@pytest.mark.parametrize(("text", "ok"), [("1918", True), ("1960", True), ("1917", False), ("1961", False),
                                          ("19", False), ("1938.0", False), ("", False)])
def test_parse_year_inside_the_declared_years_only(text: str, ok: bool) -> None:
    if ok:
        assert parse_year(text, [1918, 1960]) == int(text)
    else:
        with pytest.raises(ValueError):
            parse_year(text, [1918, 1960])


@pytest.mark.parametrize(("cell", "names"), [("Вишлаг, Вишерлаг", ["Вишлаг", "Вишерлаг"]), ("", []),
                                             (" a ,, a , b\n c ", ["a", "b c"])])
def test_split_names(cell: str, names: list[str]) -> None:
    assert split_names(cell, ",") == names


def test_clean_and_transliterate() -> None:
    assert clean(" Северо-\nВосточный   ИТЛ ") == "Северо- Восточный ИТЛ"
    assert transliterate("Явасский ПФЛ") == "Yavassky PFL"
    with pytest.raises(ValueError):
        check_lonlat(200.0, 10.0)


# --- broken declarations and rows ---------------------------------------------------------------------------

MINI_TOML = '''
id = "mini"
layer = "gulag"
licence = "SOURCE.md"
title = { en = "Mini", ru = "Мини" }
credit = { en = "c", ru = "к" }
citation = { en = "c", ru = "ц" }
caveat = { en = "c", ru = "о" }
measure = { en = "prisoners", ru = "заключённых" }

[features]
file = "places.csv"
id = "id"
geometry = { kind = "lonlat", lon = "lon", lat = "lat" }

[[join]]
name = "camp"
file = "camps.csv"
key = "id"
on = "camp_id"

[names]
ru = "camp.title_ru"
en = "camp.title_en"

[time]
kind = "values_by_year"
file = "counts.csv"
feature = "place"
year = "year"
value = "n"
years = [1930, 1950]
'''


def mini(tmp_path: Path, toml: str = MINI_TOML, places: str = "id,camp_id,lon,lat\n1,a,30.0,60.0\n2,b,40.0,61.0\n",
         counts: str = "place,year,n\n1,1937,100\n1,1938,\n2,1940,5\n") -> Path:
    folder = tmp_path / "mini"
    folder.mkdir()
    (folder / "collection.toml").write_text(toml, encoding="utf-8")
    (folder / "SOURCE.md").write_text("test", encoding="utf-8")
    (folder / "places.csv").write_text(places, encoding="utf-8")
    (folder / "camps.csv").write_text("id,title_ru,title_en\na,Первый,First\nb,Второй,New prison\n",
                                      encoding="utf-8")
    (folder / "counts.csv").write_text(counts, encoding="utf-8")
    return folder


def messages(folder: Path) -> list[str]:
    imported, problems = import_collection(folder, LAYER_IDS)
    assert imported is None
    return [str(p) for p in problems]


def test_a_small_collection_imports(tmp_path: Path) -> None:
    imported, problems = import_collection(mini(tmp_path), LAYER_IDS)
    assert problems == [] and imported is not None
    features = json.loads(imported.files["collections/mini.geojson"])["features"]
    assert [(f["id"], f["geometry"]["coordinates"], f["properties"]["values"]) for f in features] == [
        ("1", [30.0, 60.0], {"1937": 100, "1938": None}), ("2", [40.0, 61.0], {"1940": 5})]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('layer = "gulag"', 'layer = "ghosts"', "mini/collection.toml field 'layer': 'ghosts' is not a layer of the map"),
    ('layer = "gulag"', 'layr = "gulag"', "mini/collection.toml field 'layr': '\"gulag\"' is not a setting. Fix: did you "
                                          "mean layer?"),
    ('id = "mini"', 'id = "other"', "field 'id': 'other' is not the folder's name (mini)"),
    ('licence = "SOURCE.md"', 'licence = "LICENCE"', "field 'licence': 'LICENCE' is not a file in"),
    ('kind = "lonlat"', 'kind = "latlon"', "field 'features.geometry.kind': '\"latlon\"' is not one of"),
    ('years = [1930, 1950]', 'years = [1950, 1930]', "field 'time.years': '[1950, 1930]' is not a first and a last year"),
    ('years = [1930, 1950]', 'years = "1930-1950"', "field 'time.years': '\"1930-1950\"' is not a list"),
    ('file = "counts.csv"', 'file = "count.csv"', "field 'time.file': 'count.csv' names a file that does not exist"),
    ('en = "camp.title_en"', 'en = "camp.title_eng"', "field 'names.en': 'camp.title_eng' is not a column of "
                                                      "places.csv or its joins. Fix: use one of: id, camp_id"),
    ('on = "camp_id"', 'on = "camp"', "field 'join[0].on': 'camp' is not a column of places.csv or an earlier join"),
    ('value = "n"', 'value = "count"', "field 'time.value': 'count' is not a column of counts.csv. Fix: use one of: "
                                       "place, year, n"),
])
def test_a_broken_declaration_names_the_key_the_value_and_the_fix(tmp_path: Path, old: str, new: str,
                                                                 expected: str) -> None:
    assert old in MINI_TOML
    found = messages(mini(tmp_path, MINI_TOML.replace(old, new, 1)))
    assert any(expected in m for m in found), found
    assert all("Fix: " in m for m in found)


def test_not_toml_and_missing_declaration(tmp_path: Path) -> None:
    assert "is not valid TOML" in messages(mini(tmp_path, "id = "))[0]
    folder = tmp_path / "empty"
    folder.mkdir()
    assert messages(folder) == ["empty/collection.toml does not exist. Fix: every folder in data/collections/ "
                                "needs a collection.toml declaring how to read it."]


def test_every_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    places = "id,camp_id,lon,lat\n1,a,30.0,60.0\n2,zz,40.0,61.0\n3,a,x,61.0\n3,a,1,1\n"
    counts = "place,year,n\n1,1937,-4\n1,1899,3\n9,1940,5\n1,1937,6\n"
    found = messages(mini(tmp_path, places=places, counts=counts))
    assert found == [
        "mini/counts.csv row 2, field 'n': '-4' is not a whole number of 0 or more. Fix: write a whole number, or "
        "leave the cell empty if the value is unknown.",
        "mini/counts.csv row 3, field 'year': '1899' is outside the declared years 1930–1950. Fix: write the year "
        "as four digits, within 1930–1950 (or widen time.years).",
        "mini/counts.csv row 4, field 'place': '9' is not the id of a feature. Fix: correct the id or remove the row "
        "(features are in the declared features file).",
        "mini/places.csv row 3, field 'camp_id': 'zz' matches no row of camps.csv (by id). Fix: correct the "
        "reference, or add the row to camps.csv.",
        "mini/places.csv row 4, field 'id': '3' is empty or not unique. Fix: give every row its own id.",
        "mini/places.csv row 5, field 'id': '3' is empty or not unique. Fix: give every row its own id.",
    ]


def test_bad_rows_are_left_out_and_reported_when_declared(tmp_path: Path) -> None:
    places = "id,camp_id,lon,lat\n1,a,30.0,60.0\n2,zz,40.0,61.0\n"
    folder = mini(tmp_path, MINI_TOML.replace('licence = "SOURCE.md"', 'licence = "SOURCE.md"\nbad_rows = "report"'),
                  places=places)
    imported, problems = import_collection(folder, LAYER_IDS)
    assert problems == [] and imported is not None
    assert (imported.n_features, imported.n_left_out) == (1, 1)
    assert "mini/places.csv row 3, field 'camp_id': 'zz' matches no row" in imported.files["collections/mini.report.txt"]


def test_a_join_key_repeated_with_different_rows_always_fails(tmp_path: Path) -> None:
    folder = mini(tmp_path)
    (folder / "camps.csv").write_text("id,title_ru,title_en\na,Первый,First\na,Другой,Other\nb,Второй,B\n",
                                      encoding="utf-8")
    assert any("field 'join[0].key': 'id' is not unique in camps.csv: a is on rows 2, 3" in m for m in messages(folder))


def test_the_real_declaration_copied_with_one_typo_stops(tmp_path: Path) -> None:
    folder = tmp_path / "gulag-camps"
    shutil.copytree(GULAG, folder)
    toml = (folder / "collection.toml").read_text(encoding="utf-8")
    (folder / "collection.toml").write_text(toml.replace('value = "prisoners_count"', 'value = "prisoners"'),
                                            encoding="utf-8")
    assert any("field 'time.value': 'prisoners' is not a column of statistics.csv" in m for m in messages(folder))


def test_csv_module_and_reader_agree_on_multiline_cells() -> None:
    text = (GULAG / "camps.csv").read_text(encoding="utf-8")
    assert len(list(csv.DictReader(io.StringIO(text)))) == 575 < text.count("\n")


# --- geometry from a column of town names, through the gazetteer ---------------------------------------------

ONE_COUNT = "place,year,n\n1,1937,100\n"
PLACE_TOML = MINI_TOML.replace('geometry = { kind = "lonlat", lon = "lon", lat = "lat" }',
                               'geometry = { kind = "place", column = "town", country = "RU" }')


@pytest.mark.parametrize(("town", "point", "problem"), [
    ("Vyatka", [49.66007, 58.59665], None),  # a historic name of Kirov (Kirov oblast)
    ("Cherdyn", [56.48, 60.4], None),
    ("Atlantis", None, "matches no GeoNames place in RU"),
    ("Safonovo", None, "matches 2 GeoNames places in RU"),  # two towns of that name
    ("", None, "names no place"),
])
def test_a_town_column_is_resolved_through_the_gazetteer(tmp_path: Path, test_gazetteer: Gazetteer, town: str,
                                                         point: list[float] | None, problem: str | None) -> None:
    folder = mini(tmp_path, PLACE_TOML, places=f"id,camp_id,town\n1,a,{town}\n", counts=ONE_COUNT)
    imported, problems = import_collection(folder, LAYER_IDS, test_gazetteer)
    if problem is None:
        assert problems == [] and imported is not None
        (feature,) = json.loads(imported.files["collections/mini.geojson"])["features"]
        assert feature["geometry"]["coordinates"] == point
    else:
        assert imported is None
        assert [(p.file, p.row, p.field) for p in problems] == [("mini/places.csv", 2, "town")]
        assert problem in problems[0].message and "historic or alternate name" in problems[0].fix


def test_an_ambiguous_town_may_be_the_largest_when_declared(tmp_path: Path, test_gazetteer: Gazetteer) -> None:
    toml = PLACE_TOML.replace('country = "RU" }', 'country = "RU", ambiguous = "largest" }')
    folder = mini(tmp_path, toml, places="id,camp_id,town\n1,a,Safonovo\n", counts=ONE_COUNT)
    imported, problems = import_collection(folder, LAYER_IDS, test_gazetteer)
    assert problems == [] and imported is not None
    (feature,) = json.loads(imported.files["collections/mini.geojson"])["features"]
    assert feature["geometry"]["coordinates"] == [33.25, 55.1]  # population 46,000 against 4,578
    assert "'Safonovo' (RU) names 2 towns; the most populous taken: 499453" in imported.files["collections/mini.report.txt"]


@pytest.mark.parametrize(("geometry", "message"), [
    ('{ kind = "place", column = "town" }', "field 'features.geometry.country' needs either country or "
                                            "country_column. Fix: give country = \"RU\""),
    ('{ kind = "place", column = "town", country = "Russia" }', "field 'features.geometry.country'"),
    ('{ kind = "place", column = "city", country = "RU" }', "field 'features.geometry.column': 'city' is not a "
                                                            "column of places.csv"),
])
def test_a_broken_place_geometry_is_a_problem_of_the_declaration(tmp_path: Path, test_gazetteer: Gazetteer,
                                                                  geometry: str, message: str) -> None:
    toml = MINI_TOML.replace('{ kind = "lonlat", lon = "lon", lat = "lat" }', geometry)
    imported, problems = import_collection(mini(tmp_path, toml, places="id,camp_id,town\n1,a,Kirov\n",
                                                counts=ONE_COUNT), LAYER_IDS, test_gazetteer)
    assert imported is None and any(message in str(p) for p in problems), [str(p) for p in problems]


# --- every declared column reaches the output, and every reference names its own key when it is wrong ----------

FULL_TOML = MINI_TOML.replace('id = "id"\n', 'id = "id"\ngroup = "camp_id"\n').replace(
    'en = "camp.title_en"\n', 'en = "camp.title_en"\nother_ru = "camp.other_ru"\nother_en = "camp.other_en"\n'
    'separator = ";"\nplaceholders = ["New prison"]\n') + '''
[[attribute]]
id = "kind"
label = { en = "Type", ru = "Тип" }
en = "camp.kind_en"
ru = "camp.kind_ru"
'''


def full(tmp_path: Path, toml: str = FULL_TOML) -> Path:
    folder = mini(tmp_path, toml)
    (folder / "camps.csv").write_text("id,title_ru,title_en,other_ru,other_en,kind_en,kind_ru\n"
                                      'a,"Первый\nлагерь",First,"Перв; Один",Pervy,Camp,Лагерь\n'
                                      "b,Второй,New prison,,,,\n", encoding="utf-8")
    return folder


def test_every_declared_column_reaches_the_feature(tmp_path: Path) -> None:
    imported, problems = import_collection(full(tmp_path), LAYER_IDS)
    assert problems == [] and imported is not None
    doc = json.loads(imported.files["collections/mini.geojson"])
    assert [f["properties"] for f in doc["features"]] == [
        {"group": "a", "name_ru": "Первый лагерь", "name_en": "First", "name_en_transliterated": False,
         "other_ru": ["Перв", "Один"], "other_en": ["Pervy"], "attributes": {"kind": {"en": "Camp", "ru": "Лагерь"}},
         "first": 1937, "last": 1938, "values": {"1937": 100, "1938": None}},
        {"group": "b", "name_ru": "Второй", "name_en": "Vtoroy", "name_en_transliterated": True,
         "other_ru": [], "other_en": [], "attributes": {}, "first": 1940, "last": 1940, "values": {"1940": 5}},
    ]
    assert doc["collection"] == {
        "id": "mini", "layer": "gulag", "title": {"en": "Mini", "ru": "Мини"}, "credit": {"en": "c", "ru": "к"},
        "citation": {"en": "c", "ru": "ц"}, "caveat": {"en": "c", "ru": "о"},
        "measure": {"en": "prisoners", "ru": "заключённых"}, "licence": "data/collections/mini/SOURCE.md",
        "attributes": [{"id": "kind", "label": {"en": "Type", "ru": "Тип"}}], "years": [1930, 1950],
        "time": "values_by_year"}
    report = imported.files["collections/mini.report.txt"]
    assert report.startswith("Collection mini (Mini): 2 features on the map from 2 rows of places.csv.\nCredit: c.\n")
    assert "- 1 feature(s) have no English name or a placeholder ('New prison'); shown with a transliteration" in report
    assert "- counts.csv: 1 row(s) list a year without a value" in report
    assert imported.n_features == 2 and imported.n_left_out == 0


@pytest.mark.parametrize(("old", "new", "key"), [
    ('id = "id"\n', 'id = "ident"\n', "features.id"),
    ('group = "camp_id"', 'group = "camp.nope"', "features.group"),
    ('ru = "camp.title_ru"', 'ru = "camp.title_rus"', "names.ru"),
    ('en = "camp.title_en"\n', 'en = "camp.title"\n', "names.en"),
    ('other_ru = "camp.other_ru"', 'other_ru = "camp.others"', "names.other_ru"),
    ('other_en = "camp.other_en"', 'other_en = "camp.others"', "names.other_en"),
    ('lon = "lon"', 'lon = "x"', "features.geometry.lon"),
    ('lat = "lat"', 'lat = "y"', "features.geometry.lat"),
    ('en = "camp.kind_en"', 'en = "camp.kind"', "attribute[0].en"),
    ('ru = "camp.kind_ru"', 'ru = "camp.kind"', "attribute[0].ru"),
    ('key = "id"', 'key = "camp_key"', "join[0].key"),
    ('file = "camps.csv"', 'file = "lagers.csv"', "join[0].file"),
    ('file = "places.csv"', 'file = "sites.csv"', "features.file"),
    ('feature = "place"', 'feature = "location"', "time.feature"),
    ('year = "year"', 'year = "yr"', "time.year"),
])
def test_a_wrong_reference_names_its_own_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    assert old in FULL_TOML
    found = messages(full(tmp_path, FULL_TOML.replace(old, new, 1)))
    assert len(found) == 1 and found[0].startswith(f"mini/collection.toml field '{key}': "), found


def test_a_layer_outside_the_map_lists_the_layers(tmp_path: Path) -> None:
    (found,) = messages(full(tmp_path, FULL_TOML.replace('layer = "gulag"', 'layer = "x"')))
    assert found == ("mini/collection.toml field 'layer': 'x' is not a layer of the map. Fix: use one of: "
                     + ", ".join(LAYER_IDS) + ".")


def test_a_projected_geopackage_collection_comes_in_lonlat(tmp_path: Path) -> None:
    import geopandas
    from shapely.geometry import Point, Polygon

    folder = mini(tmp_path, MINI_TOML.replace('file = "places.csv"', 'file = "places.gpkg"').replace(
        'geometry = { kind = "lonlat", lon = "lon", lat = "lat" }', 'geometry = { kind = "native" }'))
    sites = geopandas.GeoDataFrame(
        {"id": ["1", "2"], "camp_id": ["a", "b"]},
        geometry=[Point(37.5866, 55.5404), Polygon([(30, 60), (30.2, 60), (30.2, 60.1), (30, 60.1)])],
        crs="EPSG:4326").to_crs("EPSG:32637")  # stored projected, as Moscow's registries are
    sites.to_file(folder / "places.gpkg", engine="pyogrio")
    imported, problems = import_collection(folder, LAYER_IDS)
    assert problems == [] and imported is not None
    features = json.loads(imported.files["collections/mini.geojson"])["features"]
    (lon, lat), (plon, plat) = (f["geometry"]["coordinates"] for f in features)
    assert (lon, lat) == pytest.approx((37.5866, 55.5404), abs=1e-5)
    assert 30 < plon < 30.2 and 60 < plat < 60.1  # a polygon's point inside it


def test_years_from_two_columns(tmp_path: Path) -> None:
    toml = MINI_TOML[:MINI_TOML.index("[time]")] + '[time]\nkind = "years"\nfirst = "from"\nlast = "to"\n'
    folder = mini(tmp_path, toml, places="id,camp_id,lon,lat,from,to\n1,a,30.0,60.0,1937,1953\n")
    imported, problems = import_collection(folder, LAYER_IDS)
    assert problems == [] and imported is not None
    doc = json.loads(imported.files["collections/mini.geojson"])
    (f,) = doc["features"]
    assert (f["properties"]["first"], f["properties"]["last"], f["properties"]["values"]) == (1937, 1953, {})
    assert doc["collection"]["years"] is None
    (tmp_path / "b").mkdir()
    bad = messages(mini(tmp_path / "b", toml.replace('last = "to"', 'last = "until"'),
                        places="id,camp_id,lon,lat,from,to\n1,a,30.0,60.0,1937,1953\n"))
    assert bad == ["mini/collection.toml field 'time.last': 'until' is not a column of places.csv or its joins. "
                   "Fix: use one of: id, camp_id, lon, lat, from, to, camp.id, camp.title_ru, camp.title_en."]


@pytest.mark.parametrize(("places", "expected"), [
    ("id,camp_id,lon,lat\n1,a,x,60\n", "mini/places.csv row 2, field 'lon': 'x' is not a number. Fix: give the "
                                       "point as longitude and latitude in degrees (WGS 84)."),
    ("id,camp_id,lon,lat\n1,a,30,\n", "mini/places.csv row 2, field 'lat' is empty (no location). Fix: give the "
                                      "point as longitude and latitude in degrees (WGS 84)."),
    ("id,camp_id,lon,lat\n1,a,30,95\n", "mini/places.csv row 2, field 'lat': '95' is outside the world (lon 30.0, "
                                        "lat 95.0; is it projected, or lat and lon swapped?). Fix: give the point as "
                                        "longitude and latitude in degrees (WGS 84)."),
    ("id,camp_id,lon,lat\n1,c,30,60\n", "mini/places.csv row 2, field 'camp.title_ru' is empty. Fix: give the "
                                        "feature its name."),
])
def test_a_row_without_a_point_or_a_name_is_bad(tmp_path: Path, places: str, expected: str) -> None:
    folder = mini(tmp_path, places=places, counts="place,year,n\n1,1937,1\n")
    (folder / "camps.csv").write_text("id,title_ru,title_en\na,Первый,First\nc,,\n", encoding="utf-8")
    assert messages(folder) == [expected]
