"""The Moscow execution list in the browser's files (mapapp.webmap.mapfiles, collectionview, download, mapview).

Shards of records (one file per 100 addresses, each address's people in exactly one), the features' month
indices, the burial grounds' counts by month, records inline or served, the download CSV of a window and a
record focused from search; expected counts come from persons.csv read with the csv module in the test.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections import Counter
from datetime import date

import pytest

from conftest import dmy, source_rows
from mapapp import DATA_DIR
from mapapp.model.collections import Collection
from mapapp.model.viewstate import MapState
from mapapp.webmap.collectionview import burials, collection_json
from mapapp.webmap.download import collection_csv
from mapapp.webmap.mapfiles import (
    SHARD_SIZE,
    collection_features,
    map_files,
    month_index,
    records_file,
    shard_of,
)
from mapapp.webmap.mapview import Dataset, focus_record, load_dataset

SOURCE = DATA_DIR / "collections" / "moscow-executions"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="module")
def c(ds: Dataset) -> Collection:
    (c,) = [c for c in ds.collections if c.id == "moscow-executions"]
    return c


@pytest.fixture(scope="module")
def files(ds: Dataset) -> dict[str, bytes]:
    return map_files(ds)


@pytest.fixture(scope="module")
def persons() -> list[dict[str, str]]:
    return source_rows("persons.csv")


def shards(files: dict[str, bytes]) -> dict[str, dict[str, list[dict[str, object]]]]:
    """Each shard file's people by address."""
    prefix = "geodata/collections/moscow-executions/records-"
    return {k: json.loads(v)["people"] for k, v in files.items() if k.startswith(prefix)}


@pytest.mark.parametrize(("iso", "index"), [("0000-01-01", 0), ("1937-01-15", 1937 * 12), ("1938-12-31", 1938 * 12 + 11),
                                            ("1937-08-05", 23_251)])
def test_month_index(iso: str, index: int) -> None:
    assert month_index(iso) == index


def test_one_shard_file_per_100_addresses(c: Collection, files: dict[str, bytes]) -> None:
    n = len(c.features)
    expected = {records_file(c.id, k) for k in range((n + SHARD_SIZE - 1) // SHARD_SIZE)}
    assert set(shards(files)) == expected
    assert records_file(c.id, 3) == "geodata/collections/moscow-executions/records-3.json"
    sizes = Counter(shard_of(c).values())
    assert all(v == SHARD_SIZE for k, v in sizes.items() if k < max(sizes))
    assert sizes[max(sizes)] == n - SHARD_SIZE * max(sizes)


def test_each_address_is_in_exactly_one_shard_with_all_its_people(c: Collection, files: dict[str, bytes],
                                                                  persons: list[dict[str, str]]) -> None:
    seen: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for path, by_feature in shards(files).items():
        shard = int(path.rpartition("-")[2].removesuffix(".json"))
        for fid, records in by_feature.items():
            seen[fid] += 1
            assert shard_of(c)[fid] == shard
            people[fid] += len(records)
    assert set(seen) == {f.id for f in c.features} and set(seen.values()) == {1}
    located = [r for r in c.records() if r.feature is not None]
    assert sum(people.values()) == len(located)
    # 10,851 at their address + 1 at its house number + 369 mid-street (the build report); the 551 joined to an
    # address row without coordinates, nor a house of their street with them, are in no shard
    assert len(located) == 11_221
    # every located record is one row of persons.csv, by its id
    ids = sorted(int(str(r["id"])) for by_feature in shards(files).values() for rs in by_feature.values()
                 for r in rs)
    assert ids == sorted(set(ids)) and ids[0] >= 1 and ids[-1] <= len(persons)
    assert people == Counter(r.feature for r in located)
    # by hand: every person whose street and house (spaces collapsed) is a row with coordinates is in a shard
    with open(SOURCE / "addresses_geocoded.csv", encoding="utf-8", newline="") as fh:
        with_point = {(" ".join(a["street"].split()), " ".join(a["house"].split())) for a in csv.DictReader(fh)
                      if a["longitude"].strip() and a["latitude"].strip()}
    at_home = {k + 1 for k, p in enumerate(persons)
               if (" ".join(p["street"].split()), " ".join(p["house"].split())) in with_point}
    assert len(at_home) > 10_000 and at_home <= set(ids)


def test_the_features_month_indices(c: Collection, persons: list[dict[str, str]]) -> None:
    """Each address a row ``[id, lon, lat, shard, street, name, months]``, its name written through the streets."""
    file = collection_features(c, "en")
    features, streets = file["rows"], file["streets"]
    assert [f[0] for f in features] == [f.id for f in c.features]
    pointing = Counter(r.feature for r in c.records() if r.feature is not None and r.date is not None)
    for fid, _, _, shard, street, _, steps in features:
        months = list(itertools.accumulate(steps))
        assert months == sorted(months) and steps[1:] == [b - a for a, b in itertools.pairwise(months)], fid
        assert len(months) == pointing[fid], fid
        assert shard == shard_of(c)[fid] and street == int(fid.startswith("street:"))
    # Kron Arnold Fritsevich (persons.csv row 1, shot 17.05.1938) lived at address 1 (Aviamotornaya 1)
    (first,) = [f for f in features if f[0] == "1"]
    assert streets[first[5][0]] == "Авиамоторная ул., " and first[5][1] == "д.1"
    assert 1938 * 12 + 4 in itertools.accumulate(first[6])
    # every name comes back whole, and each street is written once
    names = {f.id: f.name_ru for f in c.features}
    assert {f[0]: f[5] if isinstance(f[5], str) else streets[f[5][0]] + f[5][1] for f in features} == names
    assert len(set(streets)) == len(streets) < len(features) / 2


def test_burials_by_month_sum_to_each_places_dated_people(c: Collection, persons: list[dict[str, str]]) -> None:
    with open(SOURCE / "burial_places.csv", encoding="utf-8", newline="") as fh:
        place_of = {r["burial_place"]: r["place"] for r in csv.DictReader(fh)}
    expected = Counter(place_of[p["burial_place"]] for p in persons
                       if place_of[p["burial_place"]] and dmy(p["execution_date"]) is not None)
    got = burials(c)
    assert {p: sum(n for _, n in months) for p, months in got.items()} == expected
    for months in got.values():
        assert [m for m, _ in months] == sorted({m for m, _ in months})
    # Butovo in May 1938, by hand from the source
    may = sum(1 for p in persons if p["burial_place"] == "Бутово" and p["execution_date"].endswith(".05.1938"))
    assert {m: n for m, n in got["butovo"]}[1938 * 12 + 4] == may


def test_records_travel_inline_unless_served(c: Collection, files: dict[str, bytes]) -> None:
    inline = collection_json(c, "en")
    all_shards = {path.rpartition("-")[2].removesuffix(".json") for path in shards(files)}
    assert inline["recordUrls"] == {}
    assert set(inline["records"]) == all_shards
    for k, shard in inline["records"].items():
        assert shard == json.loads(files[records_file(c.id, int(k))])
    urls = {path: f"/static/{path}" for path in files}
    served = collection_json(c, "en", url="/static/x.json", urls=urls)
    assert served["records"] == {}
    assert served["recordUrls"] == {k: f"/static/{records_file(c.id, int(k))}" for k in all_shards}
    assert served["features"] is None


def test_partly_served_records(c: Collection, files: dict[str, bytes]) -> None:
    urls = {records_file(c.id, 0): "/static/zero.json"}
    out = collection_json(c, "ru", urls=urls)
    assert out["recordUrls"] == {"0": "/static/zero.json"}
    assert "0" not in out["records"] and len(out["records"]) == len(shards(files)) - 1


@pytest.mark.parametrize(("start", "end"), [("1937-08", "1938-11"), ("1938-05", "1938-05"), ("1941-10", "1941-10")])
def test_the_download_csv_of_a_window(c: Collection, persons: list[dict[str, str]], start: str, end: str) -> None:
    first = date(int(start[:4]), int(start[5:]), 1)
    y, m = int(end[:4]), int(end[5:])
    last = date(y + m // 12, m % 12 + 1, 1).toordinal() - 1
    located = {r.id for r in c.records() if r.feature is not None}
    expected = sum(1 for k, p in enumerate(persons)
                   if (d := dmy(p["execution_date"])) is not None and first.toordinal() <= d.toordinal() <= last
                   and str(k + 1) in located)
    text = collection_csv(c, MapState(start=start, end=end, layers=("addresses",)))
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["id"] not in ("", "source")]
    assert sum(int(r["value"]) for r in rows) == expected
    assert all(int(r["value"]) > 0 for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)


def test_focus_record_gives_home_and_burial_ground(ds: Dataset, c: Collection,
                                                   persons: list[dict[str, str]]) -> None:
    (k,) = [k for k, p in enumerate(persons) if p["name"] == "Крон Арнольд Фрицевич"]
    out = focus_record(ds, "moscow-executions", str(k + 1))
    assert out is not None
    assert out["name"] == "Крон Арнольд Фрицевич" and out["date"] == "1938-05-17" and out["place"] == "butovo"
    with open(SOURCE / "addresses_geocoded.csv", encoding="utf-8", newline="") as fh:
        (home_row,) = [r for r in csv.DictReader(fh) if " ".join(r["street"].split()) == "Авиамоторная ул."
                       and r["house"] == "д.1"]
    home = out["home"]
    assert home is not None and home["name"] == "Авиамоторная ул., д.1"
    assert (home["lat"], home["lon"]) == pytest.approx((float(home_row["latitude"]), float(home_row["longitude"])),
                                                       abs=1e-5)
    assert "butovo" in ds.places


def test_focus_record_of_an_unlocated_person_has_no_home(ds: Dataset, c: Collection) -> None:
    r = next(r for r in c.records() if r.feature is None)
    out = focus_record(ds, c.id, r.id)
    assert out is not None and out["home"] is None and out["feature"] is None
    assert focus_record(ds, c.id, "no such record") is None
    assert focus_record(ds, "gulag-camps", r.id) is None
