"""Collections read back from ``geodata/collections/<id>.geojson``: features with a value per year.

The rules the map, the exports and the downloads share (the tests hold the browser to them):

* A feature **operates** in the years from its first to its last (inclusive); it is shown only then.
* Its **value** in a year is the source's figure, or None — *no count*: a year inside its span that the source
  lists without a figure, or does not list at all. Unknown is never zero.
* The year the map shows is the year of the window's **end** (:func:`year_of`).
* The **total** of a year sums the features with a figure for it; it says how many operated and how many of them
  had a figure, because the total covers only those.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from mapapp.i18n import Lang
from mapapp.problems import GeodataError

FOLDER = "collections"


@dataclass(frozen=True)
class Feature:
    """One feature of a collection (a camp's location): its names, attributes and values by year."""

    id: str
    group: str | None
    lon: float
    lat: float
    name_en: str
    name_ru: str
    name_en_transliterated: bool
    other_en: tuple[str, ...]
    other_ru: tuple[str, ...]
    attributes: Mapping[str, Mapping[str, str]]
    first: int
    last: int
    values: Mapping[int, int | None]

    def operates(self, year: int) -> bool:
        """Whether the feature exists in ``year``."""
        return self.first <= year <= self.last

    def value(self, year: int) -> int | None:
        """The figure for ``year``; None when unknown (or when the feature does not operate then)."""
        return self.values.get(year)

    def name(self, lang: Lang) -> str:
        """The name in ``lang``; English may be a transliteration (see :attr:`name_en_transliterated`)."""
        return self.name_en if lang == "en" else self.name_ru

    def other_names(self, lang: Lang) -> tuple[str, ...]:
        """The other names in ``lang``."""
        return self.other_en if lang == "en" else self.other_ru


@dataclass(frozen=True)
class Total:
    """The sum of a year's figures, and what it covers."""

    year: int
    total: int
    with_value: int  # features with a figure for the year
    operating: int  # features operating in the year


@dataclass(frozen=True)
class Collection:
    """A collection as the map uses it: what it is, how to credit it, and its features."""

    id: str
    layer: str
    meta: Mapping[str, Any]  # title, credit, citation, caveat, measure ({"en", "ru"} each), licence, attributes
    features: tuple[Feature, ...] = field(repr=False)
    years: tuple[int, int] | None

    def text(self, key: str, lang: Lang) -> str:
        """A text of the declaration (``title``, ``credit``, ``citation``, ``caveat``, ``measure``) in ``lang``."""
        return str(self.meta[key][lang])

    def operating(self, year: int) -> list[Feature]:
        """The features operating in ``year``."""
        return [f for f in self.features if f.operates(year)]

    @cached_property
    def totals(self) -> tuple[Total, ...]:
        """Every year of the collection with its total (see the module docstring)."""
        if self.years is None:
            return ()
        out = []
        for year in range(self.years[0], self.years[1] + 1):
            operating = self.operating(year)
            figures = [v for f in operating if (v := f.value(year)) is not None]
            out.append(Total(year, sum(figures), len(figures), len(operating)))
        return tuple(out)

    def total(self, year: int) -> Total | None:
        """The total of ``year``; None outside the collection's years."""
        if self.years is None or not self.years[0] <= year <= self.years[1]:
            return None
        return self.totals[year - self.years[0]]

    @cached_property
    def max_value(self) -> int:
        """The largest figure of any feature in any year (the top of the size key)."""
        return max((v for f in self.features for v in f.values.values() if v is not None), default=0)

    def by_group(self, group: str) -> list[Feature]:
        """The features of one group (one camp's locations)."""
        return [f for f in self.features if f.group == group]


def year_of(window_end: date) -> int:
    """The year a map of a window shows: that of the window's last day."""
    return window_end.year


def _feature(raw: Mapping[str, Any]) -> Feature:
    p = raw["properties"]
    lon, lat = raw["geometry"]["coordinates"][:2]
    return Feature(id=str(raw["id"]), group=p["group"], lon=float(lon), lat=float(lat), name_en=p["name_en"],
                   name_ru=p["name_ru"], name_en_transliterated=bool(p["name_en_transliterated"]),
                   other_en=tuple(p["other_en"]), other_ru=tuple(p["other_ru"]), attributes=p["attributes"],
                   first=int(p["first"]), last=int(p["last"]),
                   values={int(y): (None if v is None else int(v)) for y, v in p["values"].items()})


def load_collection(path: Path) -> Collection:
    """One collection's build output; :class:`~mapapp.problems.GeodataError` if it is not what the build writes."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GeodataError(path, "does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeodataError(path, f"cannot be read as JSON ({exc})") from None
    try:
        meta = doc["collection"]
        years = meta.get("years")
        return Collection(id=str(meta["id"]), layer=str(meta["layer"]), meta=meta,
                          features=tuple(_feature(f) for f in doc["features"]),
                          years=(int(years[0]), int(years[1])) if years else None)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        what = f"lacks {exc.args[0]!r}" if isinstance(exc, KeyError) else f"is malformed: {exc}"
        raise GeodataError(path, f"is not what mapapp build writes: {what}") from None


def load_collections(geodata: Path) -> tuple[Collection, ...]:
    """Every collection in ``geodata/collections/``, by id (none when the folder is absent)."""
    folder = Path(geodata) / FOLDER
    if not folder.is_dir():
        return ()
    return tuple(load_collection(p) for p in sorted(folder.glob("*.geojson")))


def drawn(c: Collection, layers: Iterable[str], window_end: date) -> tuple[int, list[Feature]]:
    """What a map of a window ending on ``window_end`` shows of ``c``: the year (:func:`year_of`) and the features
    operating then — none when ``c``'s layer is not among ``layers``. The map, the exports and the downloads ask here."""
    year = year_of(window_end)
    return year, c.operating(year) if c.layer in set(layers) else []


def in_layers(collections: Iterable[Collection], layers: Iterable[str]) -> list[Collection]:
    """The collections whose layer is among ``layers``."""
    chosen = set(layers)
    return [c for c in collections if c.layer in chosen]
