"""Free-text places of a register: parts, homonyms settled by the region, notes, region fallbacks, reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapapp.ingest.place_strings import CuratedName, Parsed, PlaceResolver, parse, read_regions
from mapapp.problems import DataError
from tests.ingest.test_register import CITIES, resolver


@pytest.mark.parametrize(("text", "expected"), [
    ("г. Москва", Parsed("Москва", (), ())),
    ("Москва", Parsed("Москва", (), ())),
    ("Ленинградская обл., г. Луга", Parsed("Луга", ("ленинградская",), ())),
    ("Украинская ССР, Сталинская обл., г. Сталино", Parsed("Сталино", ("украинская", "сталинская"), ())),
    ("Калининская обл., Ржевский р-н, д. Бахмутово", Parsed("Бахмутово", ("калининская",), ("ржевскии",))),
    ("Вятская губ., Котельничский уезд, с. Быстрица", Parsed("Быстрица", ("вятская",), ("котельничскии",))),
    ("Калужская область, город Малоярославец", Parsed("Малоярославец", ("калужская",), ())),
    ("Магаданская область, рабочий поселок Усть-Омчуг", Parsed("Усть-Омчуг", ("магаданская",), ())),
    ("Коми АССР", Parsed(None, ("коми",), ())),
    ("Северный край, пос. Усть-Цильма", Parsed("Усть-Цильма", ("северныи",), ())),
    ("", Parsed(None, (), ())),
    (" , ,", Parsed(None, (), ())),
])
def test_parse(text: str, expected: Parsed) -> None:
    assert parse(text) == expected


@given(st.text(max_size=60))
def test_parse_and_resolve_take_any_text(text: str) -> None:
    parse(text)
    r = resolver().resolve(text)
    assert (r.precision is None) == (r.lat is None) and r.how


@pytest.mark.parametrize(("text", "geonameid", "precision", "why"), [
    ("г. Москва", 1, "town", "GeoNames 1 (Moscow, RU)"),
    # Долинка is a town in Kazakhstan and a village in Ukraine: the region's centre decides
    ("Карагандинская обл., пос. Долинка", 4, "town", "in Карагандинская обл."),
    # alone, the most populous in the Soviet Union's countries wins, and says so
    ("Долинка", 4, "town", "the most populous of 2"),
    # a village the gazetteer lacks: at its region's centre, marked as such
    ("Ленинградская обл., д. Нижние Выселки", 3, "region", "placed at the centre of Ленинградская обл."),
    # two towns of that name in the region: the one nearer its centre, and how near
    ("Ленинградская обл., г. Луга", 2, "town", "the nearest of 2 to Saint Petersburg (Ленинградская обл.), "),
    ("Луга", 2, "town", "the most populous of 2"),
    ("Карагандинская обл.", 6, "region", "names no settlement"),
    # the later name in a note, when the text's own name finds nothing
    ("пос. Кхзщ (ныне – г. Луга)", 2, "town", "by its note ('г. Луга')"),
    ("Ленинград (ныне – Санкт-Петербург)", 3, "town", "GeoNames 3"),
    ("нет сведений", None, None, "says the place is not known"),
    ("Б/м", None, None, "says the place is not known"),
    ("д. Кхзщурово", None, None, "'Кхзщурово' is in neither the curated places nor the gazetteer"),
    ("Тюменская обл., д. Кхзщ", None, None, "its region (тюменская) is not in regions.csv"),
])
def test_resolve(text: str, geonameid: int | None, precision: str | None, why: str) -> None:
    r = resolver().resolve(text)
    assert (r.geonameid, r.precision, r.text) == (geonameid, precision, text), r
    assert why in r.how


@pytest.mark.parametrize(("text", "how"), [
    ("д. Кхзщурово", "'Кхзщурово' is in neither the curated places nor the gazetteer"),
    ("Тюменская обл., д. Кхзщ", "'Кхзщ' is in neither the curated places nor the gazetteer, and its region "
                                 "(тюменская) is not in regions.csv"),
    ("Тюменская обл.", "names no settlement and no known region (тюменская)"),
    ("Карагандинская обл.", "names no settlement: placed at the centre of Карагандинская обл. (GeoNames 6, "
                            "Karagandy)"),
    ("Карагандинская обл., д. Кхзщ", "'Кхзщ' is not in the gazetteer near its centre: placed at the centre of "
                                     "Карагандинская обл. (GeoNames 6, Karagandy)"),
    ("Долинка", "GeoNames 4 (Dolinka, KZ), the most populous of 2"),
    ("г. Москва", "GeoNames 1 (Moscow, RU)"),
])
def test_every_answer_says_exactly_how(text: str, how: str) -> None:
    assert resolver().resolve(text).how == how


@pytest.mark.parametrize(("text", "lat", "lon"), [
    ("пос. Кхзщ (ныне – г. Луга)", 58.74, 29.85),  # from the note
    ("Карагандинская обл., д. Кхзщ", 49.80, 73.10),  # at the region's centre
    ("Карагандинская обл., пос. Долинка", 49.67, 72.68),
])
def test_the_point_is_the_towns_and_the_text_is_kept(text: str, lat: float, lon: float) -> None:
    r = resolver().resolve(text)
    assert (r.text, r.lat, r.lon) == (text, lat, lon)


def test_distance_km_agrees_with_the_ellipsoid() -> None:
    from pyproj import Geod

    from mapapp.ingest.place_strings import distance_km

    for (lat1, lon1), (lat2, lon2) in [((55.7558, 37.6173), (59.9343, 30.3351)), ((49.80, 73.10), (62.03, 129.73)),
                                       ((43.24, 76.89), (43.24, 76.99))]:
        _, _, metres = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
        assert abs(distance_km(lat1, lon1, lat2, lon2) - metres / 1000) < 0.005 * metres / 1000


def test_a_curated_place_of_another_country_is_not_the_regions_town() -> None:
    base = resolver()
    other = PlaceResolver(base.gazetteer, base.regions, [CuratedName("x", "Луга", 58.74, 29.85, "UA")])
    assert other.resolve("Ленинградская обл., г. Луга").place is None
    assert other.resolve("г. Луга").place == "x"  # without a region, the curated place comes first


def test_curated_names_are_every_name_in_both_languages() -> None:
    from mapapp import REPO_ROOT
    from mapapp.ingest.place_strings import curated_names
    from mapapp.model.records import load_places

    places = load_places(REPO_ROOT / "geodata" / "places.geojson")
    names = [n for n in curated_names(places.values()) if n.place == "kirov"]
    assert {"Kirov", "Киров", "Vyatka", "Вятка"} <= {n.name for n in names}
    kirov = places["kirov"]
    assert {(n.lat, n.lon, n.country) for n in names} == {(kirov.lat, kirov.lon, kirov.country)}


def test_a_curated_place_comes_before_the_gazetteer_and_keeps_its_id() -> None:
    base = resolver()
    kirov = CuratedName("kirov", "Вятка", 58.6, 49.66, "RU")
    r = PlaceResolver(base.gazetteer, base.regions, [kirov]).resolve("г. Вятка")
    assert (r.place, r.lat, r.lon, r.precision, r.text) == ("kirov", 58.6, 49.66, "town", "г. Вятка")
    assert r.how == "the curated place kirov (Вятка)"
    # ... but not a curated place of the same name far outside the region the text gives
    far = PlaceResolver(base.gazetteer, base.regions, [CuratedName("x", "Луга", 40.0, 40.0, "RU")])
    assert far.resolve("Ленинградская обл., г. Луга").geonameid == 2


def test_regions_table_problems_are_all_reported(tmp_path: Path) -> None:
    from mapapp.ingest.gazetteer import Gazetteer

    path = tmp_path / "regions.csv"
    path.write_text("region,kind,centre,country,note\nЛенинградская,обл.,Ленинград,RU,\n"
                    "Ленинградская,обл.,Луга,RU,\nАтлантидская,обл.,Атлантида,RU,\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_regions(path, Gazetteer(CITIES))
    text = str(err.value)
    assert "regions.csv row 3, field 'region': 'Ленинградская' is listed twice. Fix: keep one row per region" in text
    assert ("regions.csv row 4, field 'centre': 'Атлантида' is no town of RU in the gazetteer. Fix: give the centre's "
            "name as GeoNames knows it (today's or a historic one)") in text


def test_a_region_keeps_its_name_kind_country_and_centre(tmp_path: Path) -> None:
    from mapapp.ingest.gazetteer import Gazetteer

    path = tmp_path / "regions.csv"
    path.write_text("region,kind,centre,country,note\nКарагандинская,обл.,Караганда,KZ,\n", encoding="utf-8")
    (region,) = read_regions(path, Gazetteer(CITIES)).values()
    assert (region.name, region.kind, region.country, region.centre.geonameid) == ("Карагандинская", "обл.", "KZ", 6)


def test_the_shipped_regions_table_resolves_against_geonames() -> None:
    from mapapp import REPO_ROOT
    from mapapp.ingest.gazetteer import default_gazetteer

    regions = read_regions(REPO_ROOT / "data" / "regions.csv", default_gazetteer())
    assert regions["сталинская"].centre.name == "Donetsk"  # a historic name found through GeoNames
    assert regions["молотовская"].centre.name == "Perm"
    assert regions["западная"].centre.name == "Smolensk"
