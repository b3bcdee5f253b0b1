"""The events of the map's current window as files a visitor can take away, with citations."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

from mapapp.i18n import Lang, t
from mapapp.model.collections import Collection, Feature, drawn
from mapapp.model.dates import PartialDate, format_range
from mapapp.model.records import Event
from mapapp.model.timeline import events_in_window
from mapapp.model.viewstate import MapState, month_last
from mapapp.webmap.mapview import Dataset, visible_place_ids

CITE = ("mapapp, a map of the Great Purge. Data CC BY 4.0; events cite Peter Crawford, 'Joseph Stalin – The "
        "Great Purge' (2014) by line, or general knowledge where marked; places from GeoNames (CC BY 4.0).")
#: A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A plain decimal number, optionally signed and with an exponent (``-99.13``, ``+7``, ``-2e3``, ``.5``): a
#: spreadsheet reads it as a number, never as a formula, so it is written as it is. ``-1+1`` is not one.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
CSV_COLUMNS = ("id", "date", "start", "end", "approximate", "category", "title", "places", "place_ids",
               "latitude", "longitude", "people", "summary", "note", "citation")


def window_events(ds: Dataset, state: MapState) -> list[Event]:
    """Events in the window at a visible place, by date — what the map's event list shows."""
    start, end = state.window(ds.span[0])
    shown = set(visible_place_ids(ds, state))
    return [e for e in events_in_window(ds.events, start, end) if shown & set(e.place_ids)]


def file_stem(state: MapState) -> str:
    """The name downloads of ``state`` share: ``mapapp-1937-01-1938-12`` or ``mapapp-asof-1937-12``."""
    return f"mapapp-{state.start}-{state.end}" if state.mode == "window" else f"mapapp-asof-{state.end}"


def window_summary(ds: Dataset, state: MapState) -> str:
    """What a download holds, in the state's language: "Jan 1937 – Dec 1938: 57 events."."""
    end = PartialDate.parse(state.end)
    period = (t("download_asof", state.lang).format(month=end.format(state.lang)) if state.mode == "asof"
              else format_range(PartialDate.parse(state.start), end, state.lang))
    return t("download_window", state.lang).format(period=period, n=len(window_events(ds, state)))


def _fields(ds: Dataset, event: Event, lang: str) -> dict[str, object]:
    en = lang == "en"
    places = [ds.places[pid] for pid in event.place_ids]
    return {
        "id": event.id, "date": event.date_label_en if en else event.date_label_ru,
        "start": event.start.isoformat(), "end": event.end.isoformat() if event.end else "",
        "approximate": event.approximate,
        "category": event.category, "title": event.title_en if en else event.title_ru,
        "places": "; ".join(p.name_en if en else p.name_ru for p in places),
        "place_ids": ";".join(event.place_ids), "latitude": places[0].lat, "longitude": places[0].lon,
        "people": "; ".join(event.people_names_en if en else event.people_names_ru),
        "summary": event.summary_en if en else event.summary_ru,
        "note": (event.note if en else event.note_ru) or "",
        "citation": event.citation_en if en else event.citation_ru,
    }


def window_geojson(ds: Dataset, state: MapState) -> str:
    """A GeoJSON FeatureCollection (one Point per event, at its main place) with the citation."""
    features = [{"type": "Feature", "id": e.id,
                 "geometry": {"type": "Point", "coordinates": list(e.coordinates[0])},
                 "properties": _fields(ds, e, state.lang)} for e in window_events(ds, state)]
    start, end = state.window(ds.span[0])
    collection = {"type": "FeatureCollection", "features": features,
                  "mapapp": {"window": [start.isoformat(), end.isoformat()], "layers": list(state.layers),
                             "citation": CITE}}
    return json.dumps(collection, ensure_ascii=False, indent=1) + "\n"


def csv_cell(value: object) -> str:
    """``value`` as a CSV cell a spreadsheet shows as text, never runs as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'`` (OWASP's advice against CSV
    injection: ``=HYPERLINK(...)`` in a note must not become a link), unless it is a plain number
    (:data:`PLAIN_NUMBER`, e.g. a longitude ``-99.1614``), which stays usable as a number.
    """
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def window_csv(ds: Dataset, state: MapState) -> str:
    """The same events as CSV, one row per event, each with its citation.

    Every cell is quoted, so a spreadsheet that splits on ``;`` (or tabs) cannot start a new cell inside one,
    and every cell passes through :func:`csv_cell`.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for event in window_events(ds, state):
        writer.writerow({k: csv_cell(v) for k, v in _fields(ds, event, state.lang).items()})
    return out.getvalue()


#: Columns of a collection's download: one row per feature operating in the window's last year.
COLLECTION_COLUMNS = ("id", "group", "name", "name_transliterated", "other_names", "latitude", "longitude", "year",
                      "value", "value_known", "first_year", "last_year")


def window_features(c: Collection, state: MapState, first_day: date | None = None) -> tuple[int, list[Feature]]:
    """The year a map of ``state`` shows for ``c`` (its window's end, in either mode) and what the layer draws then
    (of a collection with records, the features with a record in the window from ``first_day``)."""
    return drawn(c, state.layers, month_last(state.end), first_day or _first_day(state))


def _first_day(state: MapState) -> date:
    """The window's first day, as the map counts records (from the span's start in "as of" mode)."""
    start, _ = state.window(date(1, 1, 1))
    return start


def _collection_fields(c: Collection, f: Feature, year: int, lang: Lang,
                       state: MapState | None = None) -> dict[str, object]:
    if c.has_records and state is not None:  # how many of the address's people were shot in the window
        start, end = _first_day(state), month_last(state.end)
        return {"id": f.id, "group": "", "name": f.name_ru, "name_transliterated": lang == "en",
                "other_names": f.name_en if lang == "en" else "", "latitude": f.lat, "longitude": f.lon,
                "year": year, "value": f.count(start, end), "value_known": True,
                "first_year": "", "last_year": "", "located": f.precision or "address",
                "window": f"{start.isoformat()}/{end.isoformat()}", "all_dates": len(f.dates)}
    value = f.value(year)
    fields: dict[str, object] = {
        "id": f.id, "group": f.group or "", "name": f.name(lang),
        "name_transliterated": lang == "en" and f.name_en_transliterated,
        "other_names": "; ".join(f.other_names(lang)), "latitude": f.lat, "longitude": f.lon, "year": year,
        "value": "" if value is None else value, "value_known": value is not None,
        "first_year": "" if f.first is None else f.first, "last_year": "" if f.last is None else f.last,
    }
    if c.meta.get("time") == "in_name":
        fields.update(value="", value_known=False, layer=c.layer_of(f), place=f.place or "",
                      years_in_source=f.years_text, type="; ".join(t[lang] for t in f.types))
    for key, texts in f.attributes.items():
        fields[key] = texts.get(lang, "")
    return fields


def _collection_citation(c: Collection, lang: Lang) -> str:
    return f"{c.text('citation', lang)}. {c.text('credit', lang)}. {c.text('caveat', lang)}"


def collection_geojson(c: Collection, state: MapState) -> str:
    """The features of ``c`` the map draws for ``state``, with the year's figure (empty: no count) and the
    collection's citation, credit and caveat."""
    year, features = window_features(c, state)
    out = {"type": "FeatureCollection",
           "features": [{"type": "Feature", "id": f.id, "geometry": {"type": "Point", "coordinates": [f.lon, f.lat]},
                         "properties": _collection_fields(c, f, year, state.lang, state)} for f in features],
           "mapapp": {"collection": c.id, "year": year, "measure": c.text("measure", state.lang),
                      "citation": _collection_citation(c, state.lang), "licence": c.meta.get("licence", "")}}
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"


def collection_csv(c: Collection, state: MapState) -> str:
    """The same features as CSV (every cell quoted and passed through :func:`csv_cell`); the citation is the last
    row's ``name`` cell, after an empty row, so the file carries its source."""
    year, features = window_features(c, state)
    rows = [_collection_fields(c, f, year, state.lang, state) for f in features]
    columns = [*COLLECTION_COLUMNS, *(k for row in rows[:1] for k in row if k not in COLLECTION_COLUMNS)]
    columns += [a["id"] for a in c.meta.get("attributes", []) if a["id"] not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", quoting=csv.QUOTE_ALL, restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    writer.writerow({})
    writer.writerow({"id": "source", "name": csv_cell(_collection_citation(c, state.lang))})
    return out.getvalue()


def collection_summary(c: Collection, state: MapState) -> str:
    """What a collection's download holds: "Gulag camp administrations, 1918–1960 — 1938: 60 locations"."""
    year, features = window_features(c, state)
    if c.has_records:
        start, end = _first_day(state), month_last(state.end)
        people = sum(f.count(start, end) for f in features)
        return t("download_records", state.lang).format(title=c.text("title", state.lang), n=len(features),
                                                        people=people)
    key = "download_sites" if c.meta.get("time") == "in_name" else "download_collection"
    return t(key, state.lang).format(title=c.text("title", state.lang), year=year, n=len(features))
