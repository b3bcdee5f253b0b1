"""Collections read back: which features operate in a year, their figures, and the totals by year."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

from mapapp import DATA_DIR, GEODATA_DIR
from mapapp.model.collections import Collection, Feature, load_collection, load_collections, year_of
from mapapp.problems import GeodataError

SOURCE = DATA_DIR / "collections" / "gulag-camps"
BUILT = GEODATA_DIR / "collections" / "gulag-camps.geojson"


@pytest.fixture(scope="module")
def camps() -> Collection:
    return load_collection(BUILT)


def statistics() -> list[dict[str, str]]:
    with open(SOURCE / "statistics.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_build_output_is_loaded(camps: Collection) -> None:
    assert camps.id == "gulag-camps" and camps.layer == "gulag" and camps.years == (1918, 1960)
    assert len(camps.features) == 641
    assert camps.text("credit", "en") == "GULAG History Museum / Memorial, via urbica/gulag-api"
    assert [c.id for c in load_collections(GEODATA_DIR)] == ["gulag-camps", "moscow-executions",
                                                             "topography-of-terror"]


def test_each_years_total_is_the_sum_of_the_tables_figures(camps: Collection) -> None:
    mapped = {f.id for f in camps.features}
    sums: dict[int, int] = defaultdict(int)
    counted: dict[int, int] = defaultdict(int)
    for row in statistics():
        if row["location_id"] in mapped and row["prisoners_count"]:
            sums[int(row["year"])] += int(row["prisoners_count"])
            counted[int(row["year"])] += 1
    assert [t.year for t in camps.totals] == list(range(1918, 1961))
    for t in camps.totals:
        assert (t.total, t.with_value) == (sums[t.year], counted[t.year]), t.year
        assert t.operating >= t.with_value
    t1938 = camps.total(1938)
    assert t1938 is not None and t1938.total == sums[1938]
    assert camps.total(1917) is None and camps.total(1961) is None


def test_a_location_operates_from_its_first_to_its_last_year_inclusive(camps: Collection) -> None:
    rows = [r for r in statistics() if r["location_id"] == "1"]  # Maloyaroslavets, 1953–1954
    years = sorted(int(r["year"]) for r in rows)
    f = next(f for f in camps.features if f.id == "1")
    assert (f.first, f.last) == (years[0], years[-1])
    assert not f.operates(years[0] - 1) and f.operates(years[0]) and f.operates(years[-1])
    assert not f.operates(years[-1] + 1)
    assert f.value(years[0]) == int(next(r for r in rows if int(r["year"]) == years[0])["prisoners_count"])


def test_no_count_is_unknown_not_zero() -> None:
    f = Feature("x", None, 0.0, 0.0, "X", "Икс", False, (), (), {}, 1937, 1940, {1937: 10, 1938: None, 1940: 0})
    assert [f.value(y) for y in range(1936, 1942)] == [None, 10, None, None, 0, None]
    assert [f.operates(y) for y in range(1936, 1942)] == [False, True, True, True, True, False]


def test_year_of_a_window_is_its_last_days_year() -> None:
    from datetime import date
    assert year_of(date(1938, 12, 31)) == 1938 and year_of(date(1939, 1, 1)) == 1939


def test_every_field_of_the_build_output_is_read(camps: Collection) -> None:
    doc = json.loads(BUILT.read_text(encoding="utf-8"))
    assert len(camps.features) == len(doc["features"])
    for f, raw in zip(camps.features, doc["features"], strict=True):
        p = raw["properties"]
        assert (f.id, [f.lon, f.lat]) == (raw["id"], raw["geometry"]["coordinates"])
        assert (f.group, f.name_en, f.name_ru, f.name_en_transliterated) == (
            p["group"], p["name_en"], p["name_ru"], p["name_en_transliterated"])
        assert (list(f.other_en), list(f.other_ru), f.attributes) == (p["other_en"], p["other_ru"], p["attributes"])
        assert (f.first, f.last) == (p["first"], p["last"])
        assert {str(y): v for y, v in f.values.items()} == p["values"]


@pytest.mark.parametrize(("text", "reason"), [("{", "cannot be read as JSON"), ('{"features": []}', "lacks 'collection'"),
                                              ('{"collection": {"id": "x", "layer": "g"}, "features": [{}]}',
                                               "lacks 'properties'")])
def test_a_broken_file_is_a_geodata_error(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "c.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GeodataError, match=reason):
        load_collection(path)


def test_names_by_language_and_groups(camps: Collection) -> None:
    sevvostlag = camps.by_group("7")
    assert [f.id for f in sevvostlag] == ["104", "105"]
    f = sevvostlag[0]
    assert (f.name("en"), f.name("ru")) == ("Severo-Vostochny ITL", "Северо-Восточный ИТЛ")
    assert "Sevvostlag" in f.other_names("en") and "Севвостлаг" in f.other_names("ru")
    assert "Sevvostlag" not in f.other_names("ru")
    assert camps.by_group("no such camp") == []


@pytest.mark.parametrize(("year", "inside"), [(1917, False), (1918, True), (1960, True), (1961, False)])
def test_totals_cover_exactly_the_collections_years(camps: Collection, year: int, inside: bool) -> None:
    total = camps.total(year)
    assert (total is not None) is inside
    if total is not None:
        assert total.year == year and total.operating == len(camps.operating(year))


def test_the_largest_figure_is_the_tables_largest(camps: Collection) -> None:
    mapped = {f.id for f in camps.features}
    assert camps.max_value == max(int(r["prisoners_count"]) for r in statistics()
                                  if r["prisoners_count"] and r["location_id"] in mapped)
    assert camps.text("measure", "ru") == "заключённых"
