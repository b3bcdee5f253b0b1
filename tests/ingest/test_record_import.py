"""Records joined to features (mapapp.ingest.record_import): Memorial's Moscow execution list, rebuilt.

The collection is rebuilt from data/collections/moscow-executions (the same bytes as the committed geodata,
checked here) and its records file is held to persons.csv, addresses_geocoded.csv and burial_places.csv read
with the csv module in the test: how many records, the joined share the report states, the people per burial
place and per year, each feature's ``records``, the located shares, and the record without a date. parse_date
and key_of are table-driven.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from typing import Any

import pytest

from conftest import dmy, source_rows
from mapapp import DATA_DIR, GEODATA_DIR
from mapapp.ingest.build import curated_places
from mapapp.ingest.collection_import import import_collection, read_declaration
from mapapp.ingest.collection_schema import Records
from mapapp.ingest.record_import import key_of, parse_date
from mapapp.ingest.tables import read_tables
from mapapp.model.layers import LAYER_IDS

SOURCE = DATA_DIR / "collections" / "moscow-executions"
PREFIX = "collections/moscow-executions"


rows = source_rows


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    tables, _ = read_tables(DATA_DIR)
    imported, problems = import_collection(SOURCE, LAYER_IDS, places=curated_places(tables))
    assert problems == [] and imported is not None
    files = imported.files
    return {"files": files, "features": json.loads(files[f"{PREFIX}.geojson"])["features"],
            "records": [json.loads(line) for line in files[f"{PREFIX}.records.jsonl"].splitlines() if line],
            "report": files[f"{PREFIX}.report.txt"]}


@pytest.fixture(scope="module")
def persons() -> list[dict[str, str]]:
    return rows("persons.csv")


def test_the_committed_geodata_is_what_the_build_makes(built: dict[str, Any]) -> None:
    for rel, text in built["files"].items():
        assert (GEODATA_DIR / rel).read_text(encoding="utf-8") == text, rel


def test_every_person_is_a_record_in_source_order(built: dict[str, Any], persons: list[dict[str, str]]) -> None:
    assert len(persons) == len(built["records"]) == 11_789
    for k, (person, record) in enumerate(zip(persons, built["records"], strict=True)):
        assert record["id"] == str(k + 1)
        assert record["name"] == " ".join(person["name"].split())
    assert "Records (persons.csv): 11789." in built["report"]


def test_the_joined_share_the_report_states(built: dict[str, Any], persons: list[dict[str, str]]) -> None:
    (line,) = [line for line in built["report"].splitlines() if line.startswith("- joined to the address table:")]
    m = re.fullmatch(r"- joined to the address table: (\d+) \((\d+\.\d)%\)", line)
    assert m is not None
    joined = int(m[1])
    assert joined / len(persons) >= 0.99 and float(m[2]) == round(100 * joined / len(persons), 1)
    # a lower bound by hand: streets and houses equal once whitespace is collapsed
    addresses = {(" ".join(a["street"].split()), " ".join(a["house"].split())) for a in rows("addresses_geocoded.csv")}
    as_written = sum((" ".join(p["street"].split()), " ".join(p["house"].split())) in addresses for p in persons)
    assert as_written / len(persons) >= 0.99 and joined >= as_written


def test_people_per_burial_place(built: dict[str, Any], persons: list[dict[str, str]]) -> None:
    place_of = {r["burial_place"]: r["place"] or None for r in rows("burial_places.csv")}
    expected = Counter(place_of[p["burial_place"].strip()] for p in persons)
    got = Counter(r["place"] for r in built["records"])
    assert got == expected
    # as the source has them
    assert Counter(p["burial_place"] for p in persons) == {"Бутово": 5048, "Коммунарка": 3675, "Донское": 2464,
                                                            "Ваганьковское кладбище": 549, "Яузская больница": 52,
                                                            "": 1}
    assert got == {"butovo": 5048, "kommunarka": 3675, "donskoye": 2464, "vagankovo": 549, "yauza_hospital": 52,
                   None: 1}


@pytest.mark.parametrize("year", [1937, 1938, 1939, 1921, 1953])
def test_records_per_year(built: dict[str, Any], persons: list[dict[str, str]], year: int) -> None:
    expected = sum(1 for p in persons if (d := dmy(p["execution_date"])) is not None and d.year == year)
    assert sum(1 for r in built["records"] if r["date"] and r["date"].startswith(f"{year}-")) == expected
    assert f"{year} {expected}" in built["report"].split("- by year: ")[1]


def test_1937_and_1938_as_counted_in_the_source(persons: list[dict[str, str]]) -> None:
    years = Counter(p["execution_date"][-4:] for p in persons)
    assert (years["1937"], years["1938"]) == (3691, 6296)


def test_each_record_keeps_its_date(built: dict[str, Any], persons: list[dict[str, str]]) -> None:
    for person, record in zip(persons, built["records"], strict=True):
        d = dmy(person["execution_date"])
        assert record["date"] == (d.isoformat() if d else None)


def test_every_features_dates_are_those_of_the_records_pointing_to_it(built: dict[str, Any]) -> None:
    dates: dict[str, list[str]] = {}
    for r in built["records"]:
        if r["feature"] is not None and r["date"]:
            dates.setdefault(r["feature"], []).append(r["date"])
    features = {f["id"]: f["properties"] for f in built["features"]}
    pointing = {r["feature"] for r in built["records"] if r["feature"] is not None}
    assert set(features) == pointing
    for fid, p in features.items():
        assert p["dates"] == sorted(dates.get(fid, [])), fid


def test_every_features_records_count_the_records_pointing_to_it(built: dict[str, Any]) -> None:
    pointing = Counter(r["feature"] for r in built["records"] if r["feature"] is not None)
    for f in built["features"]:
        assert f["properties"]["records"] == pointing[f["id"]], f["id"]


def test_an_address_feature_is_its_row_of_the_address_table(built: dict[str, Any]) -> None:
    table = rows("addresses_geocoded.csv")
    for f in built["features"]:
        if f["id"].startswith("street:"):
            assert f["properties"]["precision"] == "street"
            continue
        row = table[int(f["id"]) - 1]
        assert f["geometry"]["coordinates"] == pytest.approx([float(row["longitude"]), float(row["latitude"])],
                                                             abs=1e-5)


def test_each_record_is_at_its_own_address_or_says_where_else(built: dict[str, Any],
                                                            persons: list[dict[str, str]]) -> None:
    """"address": the row of the same street and house (as written, spaces collapsed); "house": a row of the
    same street with another letter or building; "street": the middle of the street's houses."""
    table = rows("addresses_geocoded.csv")

    def collapse(row: dict[str, str]) -> tuple[str, str]:
        return " ".join(row["street"].split()), " ".join(row["house"].split())

    for person, r in zip(persons, built["records"], strict=True):
        if r["precision"] in ("address", "house"):
            street, house = collapse(table[int(r["feature"]) - 1])
            assert street == collapse(person)[0], r["id"]
            assert (house == collapse(person)[1]) is (r["precision"] == "address"), r["id"]
        elif r["precision"] == "street":
            assert r["feature"].startswith("street:")
    assert sum(r["precision"] == "house" for r in built["records"]) >= 1


def test_located_shares_add_up(built: dict[str, Any]) -> None:
    records = built["records"]
    precision = Counter(r["precision"] for r in records)
    assert set(precision) <= {"address", "house", "street", None}
    assert sum(precision.values()) == len(records)
    assert all((r["precision"] is None) == (r["feature"] is None) for r in records)
    assert all(r["feature"].startswith("street:") == (r["precision"] == "street") for r in records if r["feature"])
    report = built["report"]
    stated = {int(m) for m in re.findall(r"- (?:located at [^:]+|not located): (\d+) \(", report)}
    assert len(re.findall(r"- (?:located at [^:]+|not located): (\d+) \(", report)) == 4
    assert sum(int(m) for m in re.findall(r"- (?:located at [^:]+|not located): (\d+) \(", report)) == len(records)
    assert stated == {precision["address"], precision["house"], precision["street"], precision[None]}


def test_a_record_without_a_date_is_kept_and_counted_in_no_window(built: dict[str, Any],
                                                                  persons: list[dict[str, str]]) -> None:
    undated = [k for k, p in enumerate(persons) if not p["execution_date"].strip()]
    assert undated == [1030]  # data row 1031, spreadsheet row 1032
    record = built["records"][1030]
    assert record["id"] == "1031" and record["date"] is None
    assert "persons.csv row 1032: execution_date '' is empty" in built["report"]
    assert "- without a date, counted in no window: 1" in built["report"]
    assert record["feature"] is not None  # located at its address, but in no window: not among its dates
    (f,) = [f for f in built["features"] if f["id"] == record["feature"]]
    at_address = [r for r in built["records"] if r["feature"] == record["feature"]]
    assert len(f["properties"]["dates"]) == len(at_address) - 1 == len([r for r in at_address if r["date"]])


@pytest.mark.parametrize(("text", "fmt", "expected"), [
    ("17.05.1938", "d.m.Y", date(1938, 5, 17)),
    ("1.03.1939", "d.m.Y", date(1939, 3, 1)),
    (" 9.12.1937 ", "d.m.Y", date(1937, 12, 9)),
    ("29.02.1936", "d.m.Y", date(1936, 2, 29)),  # 1936 was a leap year
    ("1938-05-17", "Y-m-d", date(1938, 5, 17)),
])
def test_parse_date(text: str, fmt: str, expected: date) -> None:
    assert parse_date(text, fmt) == expected


@pytest.mark.parametrize(("text", "fmt", "why"), [
    ("31.02.1938", "d.m.Y", "is not a real date"),
    ("29.02.1937", "d.m.Y", "is not a real date"),
    ("", "d.m.Y", "is empty"),
    ("   ", "d.m.Y", "is empty"),
    ("1938-05-17", "d.m.Y", "is not a date written d.m.Y"),
    ("17.05.1938", "Y-m-d", "is not a date written Y-m-d"),
    ("17.05.38", "d.m.Y", "is not a date written d.m.Y"),
    ("1938-5-17", "Y-m-d", "is not a date written Y-m-d"),
])
def test_parse_date_says_why_not(text: str, fmt: str, why: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(why)}$"):
        parse_date(text, fmt)


@pytest.fixture(scope="module")
def spec() -> Records:
    decl, problems = read_declaration(SOURCE)
    assert problems == [] and decl is not None and decl.records is not None
    assert decl.records.match == "address"
    return decl.records


@pytest.mark.parametrize(("a", "b", "same"), [
    (("Авиамоторная   ул.", "д.1"), ("Авиамоторная  ул.", "д.1"), True),  # the two files' padding
    (("Дангауэровская Слобода, Центральный пр.", "д.3"), ("Дангауэровская Слобода Центральный  пр.", "д.3"), True),
    (("Большая Ордынка улица", "дом 4а"), ("Б. Ордынка ул.", "д. 4 А"), True),
    (("Ёлочная ул.", "д.2"), ("елочная ул", "д2"), True),
    (("1-ая Тверская-Ямская ул.", "д.5"), ("1-я Тверская - Ямская ул.", "д.5"), True),
    (("Покровский бульвар", "д.12 корпус 4"), ("Покровский б-р", "д.12 корп.4"), True),
    (("1-я Тверская-Ямская ул.", "д.5"), ("2-я Тверская-Ямская ул.", "д.5"), False),
    (("Б. Ордынка ул.", "д.4"), ("Б. Ордынка ул.", "д.4а"), False),
    (("Б. Ордынка ул.", "д.1"), ("Б. Ордынка ул.", "д.11"), False),
])
def test_key_of_address(spec: Records, a: tuple[str, str], b: tuple[str, str], same: bool) -> None:
    assert (key_of(spec, list(a)) == key_of(spec, list(b))) is same


@pytest.mark.parametrize(("match", "a", "b", "same"), [
    ("text", ["Бутово  Полигон"], ["бутово полигон"], True),
    ("text", ["Б. Ордынка ул."], ["Большая Ордынка улица"], False),
    ("exact", ["Бутово"], ["бутово"], False),
    ("exact", ["Бутово"], ["Бутово"], True),
])
def test_key_of_other_matches(spec: Records, match: str, a: list[str], b: list[str], same: bool) -> None:
    other = spec.model_copy(update={"match": match})
    assert (key_of(other, a) == key_of(other, b)) is same
