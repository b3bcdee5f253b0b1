"""Files the browser fetches beside the map, so the map itself stays small: one per border snapshot, one per
collection and language, and a collection's records (people shot) in shards fetched when a popup asks.

:func:`map_files` renders them from a :class:`~mapapp.webmap.mapview.Dataset` (deterministic bytes);
:func:`mapapp.webmap.assets.install_static` writes those of the committed ``geodata/`` into ``static/``; at start
the app asks :func:`served` which of them ``static/`` serves byte for byte, and the map fetches exactly those (the
border of the date when the slider reaches it, a collection in the page's language). Whatever is not served (another
geodata folder, a rebuild since the last ``mapapp assets``) travels inside the map, as in the standalone page: never
a stale file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapapp.i18n import LANGS, Lang
from mapapp.model.collections import Collection, Record
from mapapp.model.dates import month_index
from mapapp.model.names import transliterate_name
from mapapp.webmap.assets import STATIC_DIRNAME, STATIC_URL

if TYPE_CHECKING:  # mapview imports this module for the payload
    from mapapp.webmap.mapview import Dataset


def border_file(snapshot: str) -> str:
    """Where one snapshot's borders are served, under ``static/``."""
    return f"geodata/borders/{snapshot}.json"


def collection_file(collection_id: str, lang: Lang) -> str:
    """Where one collection's features in one language are served, under ``static/``."""
    return f"geodata/collections/{collection_id}.{lang}.json"


def records_file(collection_id: str, shard: int) -> str:
    """Where one shard of a collection's records is served, under ``static/`` (records are the source's text,
    the same in every language)."""
    return f"geodata/collections/{collection_id}/records-{shard}.json"


#: Features per shard of records: an address's popup fetches one file of about this many addresses' people.
SHARD_SIZE = 100


def shard_of(c: Collection) -> dict[str, int]:
    """Each feature's shard of records (features in their order, :data:`SHARD_SIZE` to a shard)."""
    return {f.id: k // SHARD_SIZE for k, f in enumerate(c.features)}


def record_json(r: Record) -> dict[str, Any]:
    """A record for the browser, as the source gives it (no text is changed)."""
    return {"id": r.id, "name": r.name, "latin": transliterate_name(r.name), "date": r.date, "place": r.place,
            "precision": r.precision, "fields": dict(r.fields)}


def record_shards(c: Collection) -> dict[int, dict[str, Any]]:
    """The records of ``c`` by shard: ``{"people": {feature: [record, ...]}, "latin": {feature: its name in
    Latin letters}}`` (each feature's people in date order)."""
    shard = shard_of(c)
    latin = {f.id: f.name_en for f in c.features}
    out: dict[int, dict[str, Any]] = {}
    for r in sorted(c.records(), key=lambda r: (r.date or "9999", r.name)):
        if r.feature is not None and r.feature in shard:
            part = out.setdefault(shard[r.feature], {"people": {}, "latin": {}})
            part["people"].setdefault(r.feature, []).append(record_json(r))
            part["latin"][r.feature] = latin[r.feature]
    return out


def collection_features(c: Collection, lang: Lang) -> Any:
    """The browser's features of a collection, every text in ``lang``.

    Values by year: ``values`` holds one entry per year from ``first`` to ``last`` (the figure, or null: no
    count). Sites (years in the name): their layer, outline, types, the curated place they are. Both come as
    ``{"attributes": [[id, texts], ...], "features": [...]}``: each feature's ``attrs`` lists, per declared
    attribute, the index of its text in that attribute's ``texts`` (null: none). Six camp types or fourteen regions
    are written once, not once per location (the Russian camps file fell from 382 to 249 KB). Records:
    ``{"streets": [...], "rows": [...]}``, each address a row ``[id, lon, lat, shard, street, name, months]``
    (thousands of them: no key names), ``street`` 1 when it stands for a street's houses without coordinates, ``name`` the address as ``[k, rest]`` (``streets[k] + rest``, :func:`_split_name`) or
    whole when it has no comma, ``months`` its records' month indices, sorted (a window's count is two binary
    searches), written as the first and then each one's step from the one before (0 for the same month: five digits
    each would be a fifth of the file); the address in Latin letters comes with its people (the shard)."""
    kind = c.meta.get("time", "values_by_year")
    attributes = [a["id"] for a in c.meta.get("attributes", [])]
    if kind == "records":
        shard = shard_of(c)
        streets: dict[str, int] = {}
        rows = []
        for f in c.features:
            months = [month_index(d) for d in f.dates]
            rows.append([f.id, f.lon, f.lat, shard[f.id], int(f.precision == "street"), _split_name(f.name_ru, streets),
                         [m - p for m, p in zip(months, [0, *months], strict=False)]])
        return {"streets": list(streets), "rows": rows}
    index: dict[str, dict[str, int]] = {a: {} for a in attributes}  # each text → its place, in order of first use

    def code(attribute: str, text: str) -> int | None:
        return index[attribute].setdefault(text, len(index[attribute])) if text else None

    out = []
    for f in c.features:
        item: dict[str, Any] = {
            "id": f.id, "group": f.group, "lon": f.lon, "lat": f.lat, "name": f.name(lang),
            "transliterated": lang == "en" and f.name_en_transliterated, "other": list(f.other_names(lang)),
            "attrs": [code(a, f.attributes.get(a, {}).get(lang, "")) for a in attributes],
            "first": f.first, "last": f.last}
        if kind == "values_by_year" and f.first is not None and f.last is not None:
            item["values"] = [f.value(y) for y in range(f.first, f.last + 1)]
        else:
            item.update(layer=c.layer_of(f), place=f.place, outline=f.outline, years=f.years_text,
                        types=[t[lang] for t in f.types])
        out.append(item)
    return {"attributes": [[a, list(index[a])] for a in attributes], "features": out}


def _split_name(name: str, streets: dict[str, int]) -> str | list[Any]:
    """``"Авиамоторная ул., д.4а"`` → ``[k, "д.4а"]`` with ``streets`` ``k`` the text up to and including its first
    ``", "``: a street's houses share it, and thousands of addresses write each street once. Lossless: the
    browser joins the two back. A name without ``", "`` stays whole."""
    head, sep, rest = name.partition(", ")
    if not sep:
        return name
    return [streets.setdefault(head + sep, len(streets)), rest]


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def map_files(ds: Dataset) -> dict[str, bytes]:
    """Every file the map may fetch for ``ds``: path under ``static/`` → bytes."""
    files: dict[str, bytes] = {}
    if ds.borders is not None:
        for snapshot in ds.borders.snapshots():
            files[border_file(snapshot)] = _json({"type": "FeatureCollection",
                                                  "features": ds.borders.browser_features(snapshot)})
    for c in ds.collections:
        for lang in LANGS:
            files[collection_file(c.id, lang)] = _json(collection_features(c, lang))
        for shard, records in record_shards(c).items():
            files[records_file(c.id, shard)] = _json(records)
    return files


def register_key(register_id: str) -> str:
    """The key of a register's served folder in :func:`served`'s answer."""
    return f"registers/{register_id}/"


def served(ds: Dataset, repo_root: Path, base: str = STATIC_URL) -> dict[str, str]:
    """The files of :func:`map_files` that ``repo_root/static/`` holds byte for byte: path → URL; and each
    register's folder of files (:func:`register_key`), linked into ``static/`` first if it is not there yet
    (:func:`mapapp.webmap.registerview.install_register`: millions of records are never copied into the map)."""
    from mapapp.webmap.registerview import register_urls

    out: dict[str, str] = {register_key(rid): url for rid, url in register_urls(ds.registers, repo_root, base).items()}
    for rel, data in map_files(ds).items():
        path = Path(repo_root) / STATIC_DIRNAME / rel
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            out[rel] = f"{base.rstrip('/')}/{rel}"
    return out
