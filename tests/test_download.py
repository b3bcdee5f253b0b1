"""Downloads of the current window: the same events the map lists, each with its citation."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from mapapp.download import CSV_COLUMNS, file_stem, window_csv, window_events, window_geojson, window_summary
from mapapp.mapview import Dataset, load_dataset
from mapapp.viewstate import MapState


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def test_geojson_holds_the_window_with_citations(ds: Dataset) -> None:
    state = MapState(start="1934-12", end="1934-12")
    collection = json.loads(window_geojson(ds, state))
    ids = [f["id"] for f in collection["features"]]
    assert ids == [e.id for e in window_events(ds, state)]
    assert "kirov_assassination" in ids and "butovo_shootings" not in ids
    murder = next(f for f in collection["features"] if f["id"] == "kirov_assassination")
    assert murder["geometry"]["coordinates"] == list(ds.places["smolny"].lon for _ in [0]) + [ds.places["smolny"].lat]
    assert murder["properties"]["citation"].startswith("Source: The Great Purge (Crawford, 2014), lines")
    assert collection["mapapp"]["window"] == ["1934-12-01", "1934-12-31"]
    assert "CC BY 4.0" in collection["mapapp"]["citation"]


def test_csv_in_russian_has_one_row_per_event(ds: Dataset) -> None:
    state = MapState(lang="ru", start="1937-01", end="1938-12")
    rows = list(csv.DictReader(io.StringIO(window_csv(ds, state))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) == len(window_events(ds, state)) > 40
    assert all(r["citation"] for r in rows)
    assert "Бутовский полигон" in {r["places"] for r in rows}


@pytest.mark.parametrize(("lang", "note"), [
    ("en", "The source gives 17 February; the arrest was on 27 February 1937."),
    ("ru", "В источнике — 17 февраля; арест произошёл 27 февраля 1937 г."),
], ids=["en", "ru"])
def test_downloads_carry_the_note_in_the_language_of_the_map(ds: Dataset, lang: str, note: str) -> None:
    state = MapState(lang=lang, start="1937-02", end="1937-02")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(window_csv(ds, state)))}
    assert rows["bukharin_rykov_arrest"]["note"] == note
    features = {f["id"]: f for f in json.loads(window_geojson(ds, state))["features"]}
    assert features["bukharin_rykov_arrest"]["properties"]["note"] == note
    notes = [r["note"] for r in rows.values() if r["note"]]
    assert notes and all(bool(re.search("[а-яё]", n, re.IGNORECASE)) == (lang == "ru") for n in notes)


def test_hidden_layers_are_not_downloaded(ds: Dataset) -> None:
    state = MapState(start="1937-01", end="1938-12", layers=("nkvd",))
    events = window_events(ds, state)
    assert events and all(any(ds.layer(p) == "nkvd" for p in e.place_ids) for e in events)


@pytest.mark.parametrize(("state", "period"), [
    (MapState(start="1937-01", end="1938-12"), "Jan 1937 – Dec 1938: "),
    (MapState(start="1934-12", end="1934-12"), "Dec 1934: "),
    (MapState(lang="ru", start="1937-01", end="1938-12"), "янв. 1937 – дек. 1938: событий — "),
    (MapState(mode="asof", end="1937-08"), "Up to Aug 1937: "),
    (MapState(lang="ru", mode="asof", end="1937-08"), "По авг. 1937: событий — "),
])
def test_summary_names_the_period_and_counts_what_a_download_holds(ds: Dataset, state: MapState,
                                                                    period: str) -> None:
    text = window_summary(ds, state)
    assert text.startswith(period)
    count = len(window_events(ds, state))
    assert count > 0 and f"{count}" in text.removeprefix(period)
    assert count == len(json.loads(window_geojson(ds, state))["features"])


@pytest.mark.parametrize(("state", "stem"), [
    (MapState(), "mapapp-1934-01-1953-12"),
    (MapState(start="1937-01", end="1938-12", lang="ru"), "mapapp-1937-01-1938-12"),
    (MapState(mode="asof", end="1937-12"), "mapapp-asof-1937-12"),
])
def test_file_stem_names_the_window(state: MapState, stem: str) -> None:
    assert file_stem(state) == stem
