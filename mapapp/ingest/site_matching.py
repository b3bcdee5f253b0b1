"""One site, one mark: merge a collection's repeated rows, and match its sites to the curated places.

Memorial's Topography of Terror lists some sites in two layers (Butovo is a shooting ground and a burial ground;
the sharashkas are also places of imprisonment), and some of its sites are places the curated tables already map
(Lubyanka, Butyrka, Butovo…). Both are decided here, by distance and name, so the map never draws two marks on
top of each other for one site:

* :func:`merge_repeats`: rows with the same name (compared as :func:`name_key`) whose points lie within a few
  metres are one feature.
* :func:`match_places`: a feature within ``within_m`` of a curated place with a distinctive word of the name in
  common is that place; a reviewed table (feature name, place, ``same`` | ``different``) confirms or overrules
  the rule; every other pair within ``near_m`` is a near miss, listed in the build report for review.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[a-zа-я0-9]+")
#: Words that say what a site is, not which one: two sites sharing only these are not the same site.
GENERIC = frozenset("""
тюрьма тюрьмы тюремная тюремный внутренняя внтуренная здание здания кладбище место места полигон спецобъект
лагерь концлагерь больница дом арестный московская московский москва областного управления нквд огпу вчк мвд
камеры заключения расстрелов расстрельный двор особого назначения завод центральная пересыльная
prison inner building cemetery site camp hospital house moscow nkvd headquarters shooting ground firing range
the and of
""".split())
_STEM = 5  # Russian inflects: "Бутовский полигон" and "Бутово" share "бутов"


def name_key(text: str) -> str:
    """A name compared as a name: case, ё, quotes, brackets and spacing ignored."""
    text = text.casefold().replace("ё", "е")
    return " ".join(_WORD.findall(text))


def name_stems(text: str) -> frozenset[str]:
    """The distinctive words of a name, cut to their stem (generic words and years left out)."""
    return frozenset(w[:_STEM] for w in _WORD.findall(text.casefold().replace("ё", "е"))
                     if len(w) >= 4 and not w.isdigit() and w not in GENERIC)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Site:
    """A feature as matching sees it."""

    id: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class CuratedPlace:
    """A curated place as matching sees it: its id, every name it has had, its point."""

    id: str
    names: tuple[str, ...]
    lat: float
    lon: float


def merge_repeats(sites: Sequence[Site], within_m: float) -> dict[str, str]:
    """Each repeated site's id → the id of its first occurrence (same :func:`name_key`, within ``within_m``)."""
    merged: dict[str, str] = {}
    kept: list[Site] = []
    for site in sites:
        first = next((k for k in kept if name_key(k.name) == name_key(site.name)
                      and distance_m(k.lat, k.lon, site.lat, site.lon) <= within_m), None)
        if first is None:
            kept.append(site)
        else:
            merged[site.id] = first.id
    return merged


@dataclass(frozen=True)
class Decision:
    """A row of the reviewed matches table."""

    feature: str  # the feature's name as the source writes it (whitespace collapsed)
    place: str
    same: bool
    note: str = ""


@dataclass(frozen=True)
class Pair:
    """A feature and a curated place near it, and what was decided."""

    site: Site
    place: CuratedPlace
    distance_m: float
    common: frozenset[str]  # distinctive name stems in common
    matched: bool
    reviewed: bool  # decided by the reviewed table, not by the rule

    def describe(self) -> str:
        how = "reviewed" if self.reviewed else ("rule: " + ", ".join(sorted(self.common)) if self.common
                                                  else "rule: no distinctive word in common")
        return f"{self.site.name!r} ({self.site.id}) ~ {self.place.id} at {self.distance_m:.0f} m ({how})"


@dataclass(frozen=True)
class Matching:
    """The outcome of :func:`match_places`."""

    place_of: Mapping[str, str]  # feature id → curated place id
    matched: tuple[Pair, ...]
    near_misses: tuple[Pair, ...]
    unmatched: tuple[Site, ...]  # features with no curated place within near_m
    unused_decisions: tuple[Decision, ...]  # reviewed rows naming no feature near that place


def match_places(sites: Iterable[Site], places: Iterable[CuratedPlace], decisions: Iterable[Decision],
                 within_m: float, near_m: float) -> Matching:
    """Match each site to at most one curated place (see the module docstring); a reviewed ``same`` wins over
    the rule, a reviewed ``different`` vetoes it; of several matches the nearest is kept."""
    places = list(places)
    reviewed = {(d.feature, d.place): d for d in decisions}
    used: set[tuple[str, str]] = set()
    place_of: dict[str, str] = {}
    matched: list[Pair] = []
    near: list[Pair] = []
    unmatched: list[Site] = []
    for site in sites:
        stems = name_stems(site.name)
        pairs: list[Pair] = []
        for place in places:
            d = distance_m(site.lat, site.lon, place.lat, place.lon)
            decision = reviewed.get((site.name, place.id))
            if d > near_m and decision is None:
                continue
            common = stems & frozenset().union(*(name_stems(n) for n in place.names))
            if decision is not None:
                used.add((site.name, place.id))
                pairs.append(Pair(site, place, d, common, decision.same, True))
            else:
                pairs.append(Pair(site, place, d, common, d <= within_m and bool(common), False))
        if not pairs:
            unmatched.append(site)
            continue
        hits = sorted((p for p in pairs if p.matched), key=lambda p: (not p.reviewed, p.distance_m))
        if hits:
            place_of[site.id] = hits[0].place.id
            matched.append(hits[0])
        near.extend(p for p in pairs if p not in hits[:1])
    unused = tuple(d for key, d in reviewed.items() if key not in used)
    return Matching(place_of, tuple(matched), tuple(sorted(near, key=lambda p: p.distance_m)), tuple(unmatched),
                    unused)
