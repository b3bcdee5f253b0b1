"""Files the browser fetches beside the map, so the map itself stays small: one per border snapshot, one per
collection and language.

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
from mapapp.model.collections import Collection
from mapapp.webmap.assets import STATIC_DIRNAME, STATIC_URL

if TYPE_CHECKING:  # mapview imports this module for the payload
    from mapapp.webmap.mapview import Dataset


def border_file(snapshot: str) -> str:
    """Where one snapshot's borders are served, under ``static/``."""
    return f"geodata/borders/{snapshot}.json"


def collection_file(collection_id: str, lang: Lang) -> str:
    """Where one collection's features in one language are served, under ``static/``."""
    return f"geodata/collections/{collection_id}.{lang}.json"


def collection_features(c: Collection, lang: Lang) -> list[dict[str, Any]]:
    """The browser's features of a collection, every text in ``lang``; ``values`` holds one entry per year from
    ``first`` to ``last`` (the figure, or null: no count)."""
    attributes = [a["id"] for a in c.meta.get("attributes", [])]
    return [{"id": f.id, "group": f.group, "lon": f.lon, "lat": f.lat, "name": f.name(lang),
             "transliterated": lang == "en" and f.name_en_transliterated, "other": list(f.other_names(lang)),
             "attrs": {a: text for a in attributes if (text := f.attributes.get(a, {}).get(lang, ""))},
             "first": f.first, "last": f.last, "values": [f.value(y) for y in range(f.first, f.last + 1)]}
            for f in c.features]


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
    return files


def served(ds: Dataset, repo_root: Path, base: str = STATIC_URL) -> dict[str, str]:
    """The files of :func:`map_files` that ``repo_root/static/`` holds byte for byte: path → URL."""
    out: dict[str, str] = {}
    for rel, data in map_files(ds).items():
        path = Path(repo_root) / STATIC_DIRNAME / rel
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            out[rel] = f"{base.rstrip('/')}/{rel}"
    return out
