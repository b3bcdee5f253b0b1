"""Dated records attached to a collection's features: ``[records]`` of ``collection.toml``.

Memorial's list of people shot in Moscow gives each person's last address as a street and house; the collection's
features are the geocoded addresses. :func:`import_records` joins each record to its address (keys normalised as
the declaration says, :mod:`mapapp.ingest.addresses` for Russian street spellings), parses its date, resolves its
place (the burial ground) to a curated place, and renders

* on each feature: ``records`` (how many) and ``dates`` (each record's date, sorted), so a window's count is a
  lookup, never a scan of the records;
* ``geodata/collections/<id>.records.jsonl``: one record a line, as the source gives it, for popups and search;
* the build report's lines: how many records joined, were located and how, and every one that was not, by reason.

A record whose address is in the table but has no coordinates is located, when ``fallback = "street"``, at the
same street's house of the same number, else at the middle of the street's located houses, and says so
(``precision``). The record itself is never changed: a record that cannot be located or dated is kept, searchable,
and counted in the report.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from mapapp.ingest import addresses
from mapapp.ingest.collection_schema import Collection, FileSpec, Records
from mapapp.ingest.site_matching import CuratedPlace
from mapapp.model.names import transliterate_name

if TYPE_CHECKING:
    from mapapp.ingest.collection_import import _Reading



def _clean(text: Any) -> str:
    return " ".join(str(text).split())


def parse_date(text: str, fmt: str) -> date:
    """A record's date (``"17.05.1938"`` as ``d.m.Y``, ``"1938-05-17"`` as ``Y-m-d``); ValueError saying why."""
    text = text.strip()
    pattern = r"(\d{1,2})\.(\d{1,2})\.(\d{4})" if fmt == "d.m.Y" else r"(\d{4})-(\d{2})-(\d{2})"
    m = re.fullmatch(pattern, text)
    if not m:
        raise ValueError("is empty" if not text else f"is not a date written {fmt}")
    a, b, c = (int(g) for g in m.groups())
    day, month, year = (a, b, c) if fmt == "d.m.Y" else (c, b, a)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("is not a real date") from None


def key_of(spec: Records, values: Sequence[str]) -> tuple[str, ...]:
    """The join key of a record's ``on`` (or a feature's ``key``) values, normalised as ``spec.match`` says."""
    if spec.match == "address":
        return addresses.address_key(values[0], values[1]) if len(values) == 2 else \
            tuple(addresses.normalise_street(v) for v in values)
    if spec.match == "text":
        return tuple(_clean(v).casefold() for v in values)
    return tuple(values)


def records_meta(spec: Records) -> dict[str, Any]:
    """What the map needs to know about the records: what one is, and its fields' labels."""
    return {"item": spec.item.model_dump(), "fields": [{"id": f.id, "label": f.label.model_dump()}
                                                        for f in spec.fields],
            "place_label": spec.place_label.model_dump() if spec.place_label else None}


def _read_places(reading: _Reading, spec: Records, read: Callable[..., Any],
                 places: Sequence[CuratedPlace]) -> dict[str, str | None] | None:
    """The place column's values → curated place ids (None: the table says the value names no place)."""
    assert spec.places is not None
    source = read(FileSpec(file=spec.places), "records.places")
    if source is None:
        return None
    table = source.frame
    missing = [c for c in (spec.place or "", "place") if c not in table.columns]
    if missing:
        reading.key("records.places", spec.places, f"has no column {', '.join(missing)}",
                    f"give {spec.places} the columns {spec.place}, place, note")
        return None
    known = {p.id for p in places}
    out: dict[str, str | None] = {}
    for index, value, place in zip(table.index, table[spec.place or ""], table["place"], strict=True):
        place = place.strip()
        if place and place not in known:
            reading.row(spec.places, int(index), "place", place, "is not a curated place",
                        "use an id of data/places.csv, or add the place there (with its sources)")
        out[_clean(value)] = place or None
    return out


def import_records(reading: _Reading, decl: Collection, features: list[dict[str, Any]],
                   rows: Iterable[Mapping[str, Any]], places: Sequence[CuratedPlace],
                   read: Callable[..., Any]) -> tuple[list[dict[str, Any]], str, list[str]] | None:
    """Attach the records to ``features`` (see the module docstring): the features to draw (those with records,
    and any street-level locations), the records file's text, and the report's lines; None if it cannot be done."""
    spec = decl.records
    assert spec is not None
    source = read(spec, "records")
    if source is None:
        return None
    table = source.frame
    refs = {"records.on": spec.on, "records.date": [spec.date], "records.name": [spec.name],
            "records.text": [spec.text] if spec.text else [], "records.place": [spec.place] if spec.place else [],
            "records.fields": [f.column for f in spec.fields], "records.id": [spec.id] if spec.id else []}
    bad = False
    for key, columns in refs.items():
        for column in columns:
            if column not in table.columns:
                reading.key(key, column, f"is not a column of {spec.file}", f"use one of: {', '.join(table.columns)}")
                bad = True
    place_ids = _read_places(reading, spec, read, places) if spec.places else {}
    if bad or place_ids is None:
        return None
    rows = list(rows)
    if any(c not in rows[0] for c in spec.key):
        for c in spec.key:
            if c not in rows[0]:
                reading.key("records.key", c, "is not a column of the features file",
                            f"use one of: {', '.join(k for k in rows[0] if not str(k).startswith('_'))}")
        return None
    by_id = {f["id"]: f for f in features}
    known_keys: set[tuple[str, ...]] = set()  # every address row, located or not
    located: dict[tuple[str, ...], str] = {}  # key → feature id (the first located row of that key)
    repeats = 0
    for row in rows:
        k = key_of(spec, [str(row[c]) for c in spec.key])
        known_keys.add(k)
        row_id = str(row["_id"])
        if row_id not in by_id:
            continue
        if k in located:
            repeats += 1
            del by_id[row_id]
        else:
            located[k] = row_id
    number_index: dict[tuple[str, str | None], str] = {}
    street_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    street_names: dict[str, str] = {}
    if spec.fallback == "street":
        for k, at in located.items():
            number_index.setdefault((k[0], addresses.house_number(k[1]) if len(k) > 1 else None), at)
            lon, lat = by_id[at]["geometry"]["coordinates"]
            street_points[k[0]].append((lon, lat))
    records: list[dict[str, Any]] = []
    how: Counter[str] = Counter()
    not_located: Counter[tuple[str, str]] = Counter()
    no_date: list[str] = []
    no_place: Counter[str] = Counter()
    dates_of: dict[str, list[str]] = defaultdict(list)
    for index, row in zip(table.index, table.to_dict("records"), strict=True):
        rid = str(row[spec.id]) if spec.id else str(int(index) + 1)
        values = [str(row[c]) for c in spec.on]
        k = key_of(spec, values)
        fid: str | None = located.get(k)
        precision = "address"
        if fid is None and spec.fallback == "street" and k in known_keys:
            number = addresses.house_number(k[1]) if len(k) > 1 else None
            fid = number_index.get((k[0], number)) if number else None
            precision = "house"
            if fid is None and street_points.get(k[0]):
                fid = f"street:{k[0]}"
                precision = "street"
                street_names.setdefault(k[0], _clean(values[0]))
        if fid is None:
            reason = "its address is not in the address table" if k not in known_keys else \
                "its address has no coordinates, nor has any house of its street"
            not_located[(reason, " ".join(_clean(v) for v in values))] += 1
            precision = ""
        else:
            how[precision] += 1
        try:
            when: str | None = parse_date(str(row[spec.date]), spec.date_format).isoformat()
        except ValueError as exc:
            when = None
            no_date.append(f"{spec.file} row {int(index) + 2}: {spec.date} {str(row[spec.date])!r} {exc}")
        place: str | None = None
        if spec.place:
            value = _clean(row[spec.place])
            if value not in place_ids:
                no_place[f"{value!r} (not in {spec.places})"] += 1
            elif place_ids[value] is None:
                no_place[f"{value!r} ({spec.places}: no place)"] += 1
            else:
                place = place_ids[value]
        if fid is not None and when is not None:
            dates_of[fid].append(when)
        records.append({"id": rid, "feature": fid, "precision": precision or None, "date": when, "place": place,
                        "name": _clean(row[spec.name]),
                        "fields": {f.id: _clean(row[f.column]) for f in spec.fields if _clean(row[f.column])},
                        **({"text": _clean(row[spec.text])} if spec.text else {})})
    for street, points in street_points.items():
        if street in street_names:
            fid = f"street:{street}"
            lon = round(statistics.median(p[0] for p in points), 6)
            lat = round(statistics.median(p[1] for p in points), 6)
            name = street_names[street]
            by_id[fid] = {"type": "Feature", "id": fid, "geometry": {"type": "Point", "coordinates": [lon, lat]},
                          "properties": {"group": None, "name_ru": name,
                                         "name_en": transliterate_name(name), "name_en_transliterated": True,
                                         "other_ru": [], "other_en": [], "attributes": {}, "first": None,
                                         "last": None, "values": {}, "precision": "street"}}
    key_text = {str(row["_id"]): ", ".join(_clean(row[c]) for c in spec.key if _clean(row[c])) for row in rows}
    pointing = Counter(r["feature"] for r in records if r["feature"] is not None)  # dated or not
    drawn = []
    for fid, f in by_id.items():
        if fid in key_text:  # an address is named by its street and house
            f["properties"].update(name_ru=key_text[fid], name_en=transliterate_name(key_text[fid]),
                                   name_en_transliterated=True)
        dates = sorted(dates_of.get(fid, []))
        if not pointing[fid]:
            continue
        f["properties"]["records"] = pointing[fid]
        f["properties"]["dates"] = dates
        drawn.append(f)
    total = len(records)
    joined = sum(1 for r in records if r["feature"] is not None) + sum(
        n for (reason, _), n in not_located.items() if reason.startswith("its address has"))
    lines = [f"Records ({spec.file}): {total}.",
             f"- joined to the address table: {joined} ({_pct(joined, total)})",
             *(f"- located at {label}: {how[p]} ({_pct(how[p], total)})" for p, label in
               (("address", "their address"), ("house", "the same house number of their street (the address's "
                                                        "letter or building has no coordinates)"),
                ("street", "the middle of their street (their house has no coordinates)"))),
             f"- not located: {sum(not_located.values())} ({_pct(sum(not_located.values()), total)}); "
             "kept, searchable, counted at their burial place"]
    if repeats:
        lines.append(f"- {repeats} row(s) of the address table repeat an address: one feature each address")
    by_reason: dict[str, list[str]] = defaultdict(list)
    reason_count: Counter[str] = Counter()
    for (reason, where), n in sorted(not_located.items()):
        by_reason[reason].append(f"{where}{f' ({n})' if n > 1 else ''}")
        reason_count[reason] += n
    for reason, wheres in by_reason.items():
        lines.append(f"  Not located, {reason} ({reason_count[reason]} records at {len(wheres)} addresses): "
                     f"{'; '.join(wheres)}")
    if no_date:
        lines.append(f"- without a date, counted in no window: {len(no_date)}")
        lines.extend(f"  {line}" for line in no_date)
    if spec.place:
        counts = Counter(r["place"] for r in records if r["place"])
        lines.append("- by place: " + ", ".join(f"{p} {n}" for p, n in sorted(counts.items())))
        if no_place:
            lines.append("- without a place: " + ", ".join(f"{v} {n}" for v, n in sorted(no_place.items())))
    years = Counter(r["date"][:4] for r in records if r["date"])
    lines.append("- by year: " + ", ".join(f"{y} {n}" for y, n in sorted(years.items())))
    text = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)
    return drawn, text, lines


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "0%"
