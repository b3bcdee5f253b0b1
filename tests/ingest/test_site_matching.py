"""One site, one mark (mapapp.ingest.site_matching) and the Topography of Terror as the build makes it.

Hand-made sites test :func:`merge_repeats`, :func:`name_key` and :func:`match_places` (distinctive versus generic
words, ``within_m`` / ``near_m``, the reviewed table's ``same`` and ``different``, the nearest of two, an unused
decision); :func:`distance_m` is held to hand-computed distances and, by hypothesis, to symmetry and
non-negativity. The real collection is rebuilt from data/collections/topography-of-terror (the same bytes as the
committed geodata, checked here) and held to Memorial's Shapefiles read with geopandas: 105 rows make 66
features, the curated places they are, the EPSG:3395 reading of the coordinates, and the years in the names.
"""

from __future__ import annotations

import csv
import json
import math
import re
from typing import Any

import geopandas as gpd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, shape

from mapapp import DATA_DIR, GEODATA_DIR
from mapapp.ingest.build import curated_places
from mapapp.ingest.collection_import import import_collection
from mapapp.ingest.site_matching import (
    CuratedPlace,
    Decision,
    Site,
    distance_m,
    match_places,
    merge_repeats,
    name_key,
    name_stems,
)
from mapapp.ingest.tables import read_tables
from mapapp.model.layers import LAYER_IDS

TOPOS = DATA_DIR / "collections" / "topography-of-terror"
SHAPEFILES = ("sharashki", "konclagerya_1920h", "mesta_massovyh_rasstrelov", "mesta_zahoroneniya_rasstrelyannyh",
              "mesta_zaklyucheniya")
#: Metres per degree of latitude on a sphere of the mean Earth radius: 2π · 6,371,008.8 m / 360.
DEGREE_M = 2 * math.pi * 6_371_008.8 / 360
MOSCOW = (55.75, 37.62)
NORTH_M = 1 / DEGREE_M  # one metre north, in degrees


def north(metres: float) -> float:
    """The latitude ``metres`` north of MOSCOW."""
    return MOSCOW[0] + metres * NORTH_M


# --- name_key / name_stems --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    ('Спецобъект "Коммунарка"', "спецобъект «Коммунарка»"),
    ("Бутырская тюрьма", "БУТЫРСКАЯ   тюрьма"),
    ("Донское кладбище (1930-е)", "Донское кладбище 1930-е"),
    ("Семёновский лагерь", "Семеновский лагерь"),
    ("НИИ- 160", "нии 160"),
])
def test_name_key_ignores_quotes_brackets_yo_case_and_spacing(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(("a", "b"), [("Бутырская тюрьма", "Бутовская тюрьма"), ("НИИ-160", "НИИ-6"),
                                      ("ОТБ-8", "ОТБ-82")])
def test_name_key_keeps_different_names_apart(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(("name", "stems"), [
    ("Бутовский полигон", {"бутов"}),
    ("Спецобъект \"Бутовский полигон\" (1934-1938)", {"бутов"}),
    ("Тюрьма московского областного управления НКВД", {"моско"}),  # "московского" is not in GENERIC's forms
    ("Лефортовская тюрьма", {"лефор"}),
    ("Тюрьма НКВД", set()),
    ("Кладбище", set()),
])
def test_name_stems_leave_out_generic_words_and_years(name: str, stems: set[str]) -> None:
    assert name_stems(name) == stems


# --- merge_repeats ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("second", "merged"), [
    (Site("b", "Бутырская тюрьма", north(10), MOSCOW[1]), True),  # same name, 10 m away
    (Site("b", "«Бутырская  ТЮРЬМА»", north(49), MOSCOW[1]), True),  # name_key ignores quotes, case, spacing
    (Site("b", "Бутырская тюрьма", north(200), MOSCOW[1]), False),  # same name, 200 m away
    (Site("b", "Лефортовская тюрьма", *MOSCOW), False),  # another name at the same point
])
def test_merge_repeats(second: Site, merged: bool) -> None:
    first = Site("a", "Бутырская тюрьма", *MOSCOW)
    assert merge_repeats([first, second], within_m=50) == ({"b": "a"} if merged else {})


def test_a_repeat_merges_into_its_first_occurrence_only() -> None:
    sites = [Site("a", "Ёлочная", *MOSCOW), Site("b", "Елочная", north(5), MOSCOW[1]),
             Site("c", "елочная", north(8), MOSCOW[1]), Site("d", "Другая", *MOSCOW)]
    assert merge_repeats(sites, within_m=50) == {"b": "a", "c": "a"}


# --- match_places -----------------------------------------------------------------------------------------------

BUTYRKA = CuratedPlace("butyrka", ("Бутырская тюрьма", "Butyrka prison"), *MOSCOW)
LUBYANKA = CuratedPlace("lubyanka", ("Лубянка (здание НКВД и внутренняя тюрьма)", "Lubyanka"), north(300),
                        MOSCOW[1])


@pytest.mark.parametrize(("site", "decisions", "place", "near", "unmatched"), [
    # a distinctive word in common, 30 m away: that place
    (Site("s", "Бутырская тюрьма (корпус)", north(30), MOSCOW[1]), [], "butyrka", [], False),
    # only generic words in common ("тюрьма", "НКВД"), 30 m: a near miss
    (Site("s", "Тюрьма НКВД", north(30), MOSCOW[1]), [], None, ["butyrka"], False),
    (Site("s", "Кладбище", north(30), MOSCOW[1]), [], None, ["butyrka"], False),
    # a distinctive word in common, but beyond within_m (400) and inside near_m (500): a near miss
    (Site("s", "Бутырская тюрьма", north(450), MOSCOW[1]), [], None, ["butyrka"], False),
    # beyond near_m: nothing to review
    (Site("s", "Бутырская тюрьма", north(600), MOSCOW[1]), [], None, [], True),
    # reviewed same: matched at 1.2 km, and not a near miss
    (Site("s", "Бутырский корпус", north(-1200), MOSCOW[1]),
     [Decision("Бутырский корпус", "butyrka", True)], "butyrka", [], False),
    # reviewed different: vetoes the rule, listed as a (reviewed) near miss
    (Site("s", "Бутырская тюрьма", north(30), MOSCOW[1]),
     [Decision("Бутырская тюрьма", "butyrka", False)], None, ["butyrka"], False),
])
def test_match_places(site: Site, decisions: list[Decision], place: str | None, near: list[str],
                      unmatched: bool) -> None:
    result = match_places([site], [BUTYRKA], decisions, within_m=400, near_m=500)
    assert result.place_of == ({site.id: place} if place else {})
    assert [p.place.id for p in result.near_misses] == near
    assert result.unmatched == ((site,) if unmatched else ())
    assert [p.place.id for p in result.matched] == ([place] if place else [])
    assert all(p.reviewed == bool(decisions) for p in (*result.matched, *result.near_misses))
    assert result.unused_decisions == ()


def test_of_two_matching_places_the_nearer_wins() -> None:
    near = CuratedPlace("near", ("Бутырская тюрьма",), north(100), MOSCOW[1])
    far = CuratedPlace("far", ("Бутырский замок",), north(-300), MOSCOW[1])
    site = Site("s", "Бутырская тюрьма", *MOSCOW)
    for places in ([near, far], [far, near]):
        result = match_places([site], places, [], within_m=400, near_m=500)
        assert result.place_of == {"s": "near"}
        assert [(p.place.id, p.matched) for p in result.near_misses] == [("far", True)]


def test_a_decision_naming_no_nearby_feature_is_reported_unused() -> None:
    unused = Decision("Несуществующий объект", "butyrka", True)
    wrong_place = Decision("Бутырская тюрьма", "lefortovo", False)
    site = Site("s", "Бутырская тюрьма", *MOSCOW)
    result = match_places([site], [BUTYRKA, LUBYANKA], [unused, wrong_place], within_m=400, near_m=500)
    assert result.unused_decisions == (unused, wrong_place)
    assert result.place_of == {"s": "butyrka"}
    # Lubyanka is 300 m away with no distinctive word in common: a near miss by the rule
    assert [(p.place.id, p.reviewed, p.matched) for p in result.near_misses] == [("lubyanka", False, False)]


def test_near_misses_are_sorted_by_distance() -> None:
    sites = [Site("a", "Тюрьма", north(450), MOSCOW[1]), Site("b", "Тюрьма", north(20), MOSCOW[1])]
    result = match_places(sites, [BUTYRKA], [], within_m=400, near_m=500)
    assert [p.site.id for p in result.near_misses] == ["b", "a"]


# --- distance_m -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b", "metres", "tolerance"), [
    ((0.0, 0.0), (1.0, 0.0), 111_195.0, 1.0),  # 1° of latitude: 2π·6371.0088 km / 360 = 111.195 km
    ((55.0, 37.0), (56.0, 37.0), 111_195.0, 1.0),
    ((0.0, 0.0), (0.0, 1.0), 111_195.0, 1.0),  # 1° of longitude on the equator
    ((60.0, 30.0), (60.0, 31.0), 55_597.5, 60.0),  # at 60° N, cos 60° = ½ of it
    ((0.0, 0.0), (0.0, 180.0), math.pi * 6_371_008.8, 1.0),  # antipodes: half the circumference
    # Lubyanka (55.76080, 37.62720) → Butyrka (55.78400, 37.58970), data/places.csv: Δφ = 0.0232° → 2,579.7 m,
    # Δλ = 0.0375° × cos 55.772° (0.5625) → 2,345.5 m; √(2579.7² + 2345.5²) ≈ 3,486.6 m
    ((55.76080, 37.62720), (55.78400, 37.58970), 3_486.6, 10.0),
])
def test_distance_m_against_hand_computed_values(a: tuple[float, float], b: tuple[float, float], metres: float,
                                                 tolerance: float) -> None:
    assert distance_m(*a, *b) == pytest.approx(metres, abs=tolerance)


_lat = st.floats(min_value=-89.9, max_value=89.9, allow_nan=False)
_lon = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)


@given(_lat, _lon, _lat, _lon)
def test_distance_m_is_symmetric_non_negative_and_at_most_half_the_circumference(
        lat1: float, lon1: float, lat2: float, lon2: float) -> None:
    d = distance_m(lat1, lon1, lat2, lon2)
    assert d >= 0
    assert d == pytest.approx(distance_m(lat2, lon2, lat1, lon1), abs=1e-6)
    assert d <= math.pi * 6_371_008.8 + 1e-6
    assert distance_m(lat1, lon1, lat1, lon1) == 0


@given(_lat, _lon, st.floats(min_value=-0.01, max_value=0.01))
def test_distance_m_along_a_meridian_is_the_arc(lat: float, lon: float, dlat: float) -> None:
    assert distance_m(lat, lon, lat + dlat, lon) == pytest.approx(abs(dlat) * DEGREE_M, rel=1e-6, abs=1e-6)


# --- the real collection ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    tables, _ = read_tables(DATA_DIR)
    imported, problems = import_collection(TOPOS, LAYER_IDS, places=curated_places(tables))
    assert problems == [] and imported is not None
    geojson = imported.files["collections/topography-of-terror.geojson"]
    report = imported.files["collections/topography-of-terror.report.txt"]
    return {"files": imported.files, "features": json.loads(geojson)["features"], "report": report}


@pytest.fixture(scope="module")
def shapes() -> dict[str, gpd.GeoDataFrame]:
    return {stem: gpd.read_file(TOPOS / f"{stem}.shp") for stem in SHAPEFILES}


def source_row(shapes: dict[str, gpd.GeoDataFrame], feature_id: str) -> Any:
    """The Shapefile row a feature id names (``<file>-<row>``, rows from 1)."""
    stem, _, n = feature_id.rpartition("-")
    return shapes[stem].iloc[int(n) - 1]


def test_the_committed_geodata_is_what_the_build_makes(built: dict[str, Any]) -> None:
    for rel, text in built["files"].items():
        assert (GEODATA_DIR / rel).read_text(encoding="utf-8") == text, rel


def test_105_source_rows_make_66_features(built: dict[str, Any], shapes: dict[str, gpd.GeoDataFrame]) -> None:
    assert sum(len(g) for g in shapes.values()) == 105
    assert len(built["features"]) == 66
    assert built["report"].startswith("Collection topography-of-terror")
    assert "66 features on the map from 105 rows" in built["report"].splitlines()[0]
    # each feature is its source row: the name as Memorial writes it (spaces collapsed)
    for f in built["features"]:
        assert f["properties"]["name_ru"] == " ".join(str(source_row(shapes, f["id"])["name"]).split()), f["id"]


def test_every_repeated_name_within_50_m_is_one_feature(built: dict[str, Any],
                                                        shapes: dict[str, gpd.GeoDataFrame]) -> None:
    """105 rows − 66 features = 39 repeats, each the same name as an earlier row (layer order) at its centroid."""
    rows = [(stem, k, name_key(str(r["name"])), float(r["Y_centroid"]), float(r["X_centroid"]))
            for stem in SHAPEFILES for k, r in shapes[stem].iterrows()]
    firsts: list[tuple[str, float, float]] = []
    repeats = 0
    for _, _, key, lat, lon in rows:
        if any(key == k and distance_m(lat, lon, a, b) <= 50 for k, a, b in firsts):
            repeats += 1
        else:
            firsts.append((key, lat, lon))
    assert repeats == 105 - 66 == 39
    assert len(built["report"].split(" repeats ")) - 1 == 39


#: A distinctive word of each curated place's name (data/places.csv), as the matched site's Shapefile name has it.
PLACE_WORDS = {"lubyanka": "Лубянск", "butyrka": "Бутырск", "lefortovo": "Лефортовск", "butovo": "Бутовск",
               "kommunarka": "Коммунарка", "donskoye": "Донское", "vagankovo": "Ваганьковское",
               "yauza_hospital": "Яузская", "military_collegium": "Военная коллегия"}


def reviewed() -> dict[tuple[str, str], str]:
    with open(TOPOS / "matches.csv", encoding="utf-8", newline="") as fh:
        return {(" ".join(r["feature"].split()), r["place"]): r["decision"] for r in csv.DictReader(fh)}


def test_the_sites_drawn_as_curated_places(built: dict[str, Any], shapes: dict[str, gpd.GeoDataFrame]) -> None:
    matched = {f["id"]: f["properties"]["place"] for f in built["features"] if f["properties"].get("place")}
    assert set(matched.values()) == set(PLACE_WORDS)
    decisions = reviewed()
    for fid, place in matched.items():
        name = " ".join(str(source_row(shapes, fid)["name"]).split())
        # the Shapefile's name says it, or the reviewed table does
        assert PLACE_WORDS[place] in name or decisions.get((name, place)) == "same", (fid, name, place)
        assert decisions.get((name, place)) != "different"
    # the reviewed "different" sites near Lubyanka and Butyrka are drawn as sites of their own
    for (name, _place), decision in decisions.items():
        if decision == "different":
            (f,) = [f for f in built["features"] if f["properties"]["name_ru"] == name]
            assert f["properties"].get("place") is None, name


def test_the_reviewed_table_is_all_used(built: dict[str, Any]) -> None:
    names = {f["properties"]["name_ru"] for f in built["features"]}
    for name, _ in reviewed():
        assert name in names
    assert "has no effect" not in built["report"]
    assert "Near misses (a curated place within 500 m, not the same site; review them in matches.csv): 9" in \
        built["report"]


def test_points_read_as_epsg_3395_meet_the_sources_centroids(built: dict[str, Any],
                                                             shapes: dict[str, gpd.GeoDataFrame]) -> None:
    for f in built["features"]:
        lon, lat = f["properties"]["point"]
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon"), f["id"]
        assert shape(f["geometry"]).buffer(1e-9).contains(Point(lon, lat)), f["id"]
        row = source_row(shapes, f["id"])
        y, x = float(row["Y_centroid"]), float(row["X_centroid"])
        # the outline's centroid is Memorial's to ten metres; the point (a point inside the outline, so on an
        # L-shaped building not its centroid) within ~100 m of it (the largest, a long courtyard block: 164 m)
        centroid = shape(f["geometry"]).centroid
        assert distance_m(centroid.y, centroid.x, y, x) < 10, f["id"]  # some centroids are given to 4 places
        assert distance_m(lat, lon, y, x) < 200, f["id"]


def test_read_as_the_prj_says_the_sites_would_be_20_km_south(shapes: dict[str, gpd.GeoDataFrame]) -> None:
    """Why the declaration overrides the CRS: GDAL reads the .prj as EPSG:3857."""
    g = shapes["mesta_zaklyucheniya"]
    assert g.crs is not None and g.crs.to_epsg() == 3857
    as_3857 = g.geometry.centroid.to_crs(4326).y
    as_3395 = g.geometry.set_crs(3395, allow_override=True).centroid.to_crs(4326).y
    for y3857, y3395, y in zip(as_3857, as_3395, g["Y_centroid"], strict=True):
        assert abs(y3395 - float(y)) * DEGREE_M < 10
        assert 15_000 < (float(y) - y3857) * DEGREE_M < 25_000


@pytest.mark.parametrize(("name", "first", "last"), [
    ('Спецобъект "Бутовский полигон" (1934-1938)', 1934, 1938),
    ('Спецобъект "Коммунарка" (1937-1941)', 1937, 1941),
    ("Ваганьковское кладбище (1926-1935)", 1926, 1935),
    ("Братское кладбище (1917-1920)", 1917, 1920),
    ("Лефортовская тюрьма", None, None),
    ("Бутырская тюрьма", None, None),
])
def test_years_read_from_the_name(built: dict[str, Any], name: str, first: int | None, last: int | None) -> None:
    (f,) = [f for f in built["features"] if f["properties"]["name_ru"] == name]
    assert (f["properties"]["first"], f["properties"]["last"]) == (first, last)


def test_a_name_without_digits_has_no_years(built: dict[str, Any]) -> None:
    no_digits = [f for f in built["features"] if not re.search(r"\d", f["properties"]["name_ru"])]
    assert len(no_digits) > 20
    for f in no_digits:
        assert (f["properties"]["first"], f["properties"]["last"]) == (None, None), f["properties"]["name_ru"]


# --- edges the mutation run found unguarded (benchmarks/RESULTS.md, issue 11's mutation section) ---------------

@pytest.mark.parametrize(("name", "stems"), [
    ("Ёлкинская тюрьма", {"елкин"}),  # ё is е, and "тюрьма" says what, not which
    ("Елкинская тюрьма", {"елкин"}),
    ("Яуза", {"яуза"}),  # four letters are distinctive
    ("Дом Ямы", set()),  # three are not
])
def test_name_stems_at_their_edges(name: str, stems: set[str]) -> None:
    assert name_stems(name) == stems


def test_merge_and_near_miss_distances_are_inclusive() -> None:
    a = Site("a", "Бутырская тюрьма", 55.784, 37.5897)
    b = Site("b", "Бутырская тюрьма", 55.7845, 37.5897)
    d = distance_m(a.lat, a.lon, b.lat, b.lon)
    assert merge_repeats([a, b], within_m=d) == {"b": "a"}
    place = CuratedPlace("lefortovo", ("Лефортовская тюрьма",), b.lat, b.lon)
    got = match_places([a], [place], [], within_m=1.0, near_m=d)
    assert [p.place.id for p in got.near_misses] == ["lefortovo"] and got.unmatched == ()
