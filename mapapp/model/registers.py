"""A register read back from ``geodata/collections/`` (what :mod:`mapapp.ingest.register` wrote): its texts and
counts at once, its aggregates, sites and name index only when first asked for, and never its records whole.

A folder's register is marked by ``<id>.register.json``; every file it names must be there, or the register is a
:class:`~mapapp.problems.GeodataError` naming the file and the fix (run the build), as the other build files are.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas
import h3

from mapapp.i18n import Lang
from mapapp.model.aggregates import Aggregates, WindowCounts
from mapapp.problems import GeodataError

FOLDER = "collections"
#: The H3 resolution of each level of cells (the level ``site`` is the sites themselves).
LEVEL_RESOLUTIONS: dict[str, int] = {"h3r2": 2, "h3r4": 4}
FILES = ("aggregates.parquet", "names.parquet", "sites.parquet", "records.parquet")
#: The texts every register.json carries in both languages.
TEXTS = ("title", "credit", "citation", "caveat", "measure", "item")


@dataclass(frozen=True)
class Register:
    """One register: its declaration's texts, its counts, and where its files are."""

    id: str
    layer: str
    texts: Mapping[str, Mapping[str, str]]
    levels: tuple[str, ...]  # coarse first
    counts: Mapping[str, int]
    folder: Path = field(compare=False)
    #: The records' fields as the popup shows them: (id, {lang: label}).
    fields: tuple[tuple[str, Mapping[str, str]], ...] = ()

    def text(self, key: str, lang: Lang) -> str:
        """One of :data:`TEXTS` in ``lang``."""
        return self.texts[key][lang]

    @property
    def web(self) -> Path:
        """The folder of the register's browser files (:mod:`mapapp.ingest.register_web`)."""
        return self.path("web")

    @functools.cached_property
    def manifest(self) -> Mapping[str, Any]:
        """``web/manifest.json``: the levels with their years, the page size, the records' fields, the digest."""
        path = self.web / "manifest.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise GeodataError(path, f"cannot be read as the build's JSON ({exc})") from exc
        if not isinstance(data, dict) or not {"levels", "page", "fields", "digest"} <= set(data):
            raise GeodataError(path, "is not a register's manifest (levels, page, fields, digest)")
        return data

    def top(self, level: str) -> int:
        """The records of ``level``'s fullest cell at all dates (the manifest's): the largest circle's figure."""
        return int(next(lv["top"] for lv in self.manifest["levels"] if lv["id"] == level))

    def path(self, suffix: str) -> Path:
        """``<folder>/<id>.<suffix>``."""
        return self.folder / f"{self.id}.{suffix}"

    @functools.cached_property
    def _levels(self) -> dict[str, Aggregates]:
        return {}

    def aggregates(self, level: str) -> Aggregates:
        """The counts of ``level`` (read once, then kept)."""
        if level not in self.levels:
            raise KeyError(f"{self.id} has no level {level!r} (it has {', '.join(self.levels)})")
        cached = self._levels
        if level not in cached:
            cached[level] = Aggregates.read(self.path("aggregates.parquet"), level)
        return cached[level]

    @functools.cached_property
    def _centres(self) -> dict[str, dict[str, tuple[float, float]]]:
        return {}

    def centres(self, level: str) -> dict[str, tuple[float, float]]:
        """Each key of ``level`` → (lon, lat): an H3 cell's centre, or a site's point (read once, then kept)."""
        if level not in self._centres:
            self._centres[level] = self._read_centres(level)
        return self._centres[level]

    def _read_centres(self, level: str) -> dict[str, tuple[float, float]]:
        keys = self.aggregates(level).keys
        resolution = LEVEL_RESOLUTIONS.get(level)
        if resolution is not None:
            return {str(k): (lon, lat) for k in keys for lat, lon in (h3.cell_to_latlng(str(k)),)}
        frame = geopandas.read_parquet(self.path("sites.parquet"), columns=["site", "geometry"])
        points = {str(s): (float(x), float(y)) for s, x, y in zip(frame["site"], frame.geometry.x, frame.geometry.y,
                                                                     strict=True)}
        return {str(k): points[str(k)] for k in keys}

    @functools.cached_property
    def site_rows(self) -> dict[int, int]:
        """Each site with records → its row in the browser's ``site.cells.json`` (the sites in order)."""
        return {site: row for row, site in enumerate(sorted(int(k) for k in self.aggregates("site").keys))}

    @functools.cached_property
    def site_names(self) -> dict[int, str]:
        """Each site with records → the place text most of its records give (the browser's ``site.cells.json``)."""
        rows = json.loads((self.web / "site.cells.json").read_text(encoding="utf-8"))
        return {site: str(rows[row][3]) for site, row in self.site_rows.items()}

    def window(self, level: str, first: int, last: int) -> WindowCounts:
        """Counts per key of ``level`` for the months ``first``..``last`` (see :class:`Aggregates`)."""
        return self.aggregates(level).window(first, last)


def load_register(meta_path: Path) -> Register:
    """The register described by ``<id>.register.json``; a missing or broken file is a :class:`GeodataError`."""
    try:
        data: Any = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeodataError(meta_path, f"cannot be read as the build's JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise GeodataError(meta_path, "is not a JSON object")
    missing = [k for k in ("id", "layer", "levels", "records", *TEXTS) if k not in data]
    if missing:
        raise GeodataError(meta_path, f"lacks {', '.join(missing)}")
    for key in TEXTS:
        if not isinstance(data[key], dict) or not all(isinstance(data[key].get(lang), str) for lang in ("en", "ru")):
            raise GeodataError(meta_path, f"has no English and Russian text for {key!r}")
    folder = meta_path.parent
    if not (folder / f"{data['id']}.web" / "manifest.json").is_file():
        raise GeodataError(folder / f"{data['id']}.web" / "manifest.json", "is missing beside its register.json")
    for suffix in FILES:
        if not (folder / f"{data['id']}.{suffix}").is_file():
            raise GeodataError(folder / f"{data['id']}.{suffix}", "is missing beside its register.json")
    counts = {k: int(data[k]) for k in ("rows", "records", "sites", "unresolved_rows", "undated_rows",
                                        "bad_date_rows") if k in data}
    fields = tuple((str(f["id"]), dict(f["label"])) for f in data.get("fields", []))
    return Register(str(data["id"]), str(data["layer"]), {k: dict(data[k]) for k in TEXTS},
                    tuple(data["levels"]), counts, folder, fields)


def load_registers(geodata: Path) -> tuple[Register, ...]:
    """Every register in ``geodata/collections/``, by id (none when there is none)."""
    folder = Path(geodata) / FOLDER
    if not folder.is_dir():
        return ()
    return tuple(load_register(p) for p in sorted(folder.glob("*.register.json")))
