"""Name search over places and people: today's names, historic names, aliases and single words.

Matching is insensitive to case, diacritics, stress marks, apostrophes and hyphens (see :func:`normalise`).
A hit scores 0 when the query is a whole name, 1 when it is a prefix of a name or of a word (a whole word
included, so "Leningrad" ranks Leningrad itself above "Kirovsk (Leningrad oblast)"), 2 for a substring;
lower is better. The index is a plain list of normalised keys, cheap to build and safe to cache.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from mapapp.i18n import Lang, t
from mapapp.model.collections import Collection
from mapapp.model.names import latin_spellings
from mapapp.model.records import Person, Place

Kind = Literal["place", "person", "feature", "record"]

EXACT, PREFIX, SUBSTRING = 0, 1, 2
#: Shortest normalised query that is searched at all.
MIN_QUERY = 2
#: Shortest word (in letters) of a name that is indexed on its own.
MIN_WORD_LETTERS = 3

_BREVE = "\u0306"
_QUOTES = dict.fromkeys(map(ord, "'’‘‛ʹʺʻʼ`\"“”„«»‹›"), None)
_DASHES = re.compile(r"[\u002d\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]")
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """``text`` reduced for matching: no case, marks, quotes or dashes; й kept, ё → е; single spaces."""
    # Decompose, fold, decompose again: NFKD can make foldable letters (𝓐 → A), folding can make marks.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.category(char) in ("Mn", "Me"):
            # NFKD splits й into и + breve: put it back together. Every other mark goes, which also
            # turns ё (е + diaeresis) into е.
            if char == _BREVE and kept and kept[-1] in "иИ":
                kept[-1] = "й"
            continue
        kept.append(char)
    out = "".join(kept).translate(_QUOTES)
    return " ".join(_DASHES.sub(" ", out).split())


@dataclass(frozen=True)
class Hit:
    """One place or person found; ``matched`` is the name (original form) that matched best."""

    kind: Kind
    id: str
    label_en: str
    label_ru: str
    matched: str
    score: int
    #: What a collection's feature is ("Gulag camp"), for its label; empty for places and people.
    item_en: str = ""
    item_ru: str = ""

    def label(self, lang: Lang) -> str:
        """How the results list shows the hit: "Kirov (place) — Vyatka" (the name that matched, if another)."""
        name = self.label_en if lang == "en" else self.label_ru
        also = "" if self.matched in (self.label_en, self.label_ru) else f" — {self.matched}"
        kind = (self.item_en if lang == "en" else self.item_ru) if self.kind in ("feature", "record") \
            else t(self.kind, lang)
        return f"{name} ({kind}){also}"

    @property
    def collection(self) -> tuple[str, str] | None:
        """``(collection id, group)`` of a collection's hit (its id is ``"<collection>/<group>"``), or
        ``(collection id, record id)`` of a record's; else None."""
        if self.kind not in ("feature", "record"):
            return None
        collection, _, group = self.id.partition("/")
        return collection, group


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str  # normalised name or word
    is_word: bool  # a single word of a name: equal to the query counts as a prefix, not exact
    kind: Kind
    id: str
    label_en: str
    label_ru: str
    matched: str  # the full name the key comes from, as written
    item_en: str = ""
    item_ru: str = ""


def _score(query: str, entry: _Entry) -> int | None:
    key = entry.key
    if key == query:
        return PREFIX if entry.is_word else EXACT
    if key.startswith(query):
        return PREFIX
    if query in key:
        return SUBSTRING
    return None


class SearchIndex:
    """Normalised names and words of places and people; :meth:`search` ranks them against a query."""

    def __init__(self, entries: list[_Entry]) -> None:
        self._entries = tuple(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """At most ``limit`` hits, one per (kind, id) at its best score, sorted by (score, label_en)."""
        if not isinstance(query, str) or limit <= 0:
            return []
        q = normalise(query)
        if len(q) < MIN_QUERY:
            return []
        best: dict[tuple[str, str], Hit] = {}
        for e in self._entries:
            score = _score(q, e)
            if score is None:
                continue
            old = best.get((e.kind, e.id))
            if old is None or score < old.score:  # ties keep the earlier entry: whole names come first
                best[(e.kind, e.id)] = Hit(e.kind, e.id, e.label_en, e.label_ru, e.matched, score, e.item_en,
                                           e.item_ru)
        hits = sorted(best.values(), key=lambda h: (h.score, h.label_en, h.kind, h.id))
        return hits[:limit]


def _names(kind: Kind, id_: str, label_en: str, label_ru: str, names: list[str],
           item: tuple[str, str] = ("", "")) -> list[_Entry]:
    """Entries for each distinct name, then for each distinct word of ≥3 letters of those names."""
    entries: list[_Entry] = []
    seen: set[str] = set()
    for name in names:
        key = normalise(name)
        if key and key not in seen:
            seen.add(key)
            entries.append(_Entry(key, False, kind, id_, label_en, label_ru, name, *item))
    for name in names:
        for word in _WORD.findall(normalise(name)):
            if word not in seen and sum(c.isalpha() for c in word) >= MIN_WORD_LETTERS:
                seen.add(word)
                entries.append(_Entry(word, True, kind, id_, label_en, label_ru, name, *item))
    return entries


def build_index(places: dict[str, Place], people: dict[str, Person],
                collections: Iterable[Collection] = ()) -> SearchIndex:
    """An index of every place name (today's and historic), every person's name and aliases, and every
    collection's things by all their names (one hit per group: a camp, whichever of its locations matched)."""
    entries: list[_Entry] = []
    for p in places.values():
        names = [p.name_en, p.name_ru]
        for period in p.names:
            names += [period.name_en, period.name_ru]
        entries += _names("place", p.id, p.name_en, p.name_ru, names)
    for person in people.values():
        entries += _names("person", person.id, person.name_en, person.name_ru,
                          [person.name_en, person.name_ru, *person.aliases])
    for c in collections:
        item = (c.text("item", "en"), c.text("item", "ru")) if "item" in c.meta else (c.text("title", "en"),
                                                                                       c.text("title", "ru"))
        groups: dict[str, list[str]] = {}
        labels: dict[str, tuple[str, str]] = {}
        for f in c.features:
            group = f.group or f.id
            labels.setdefault(group, (f.name_en, f.name_ru))
            names = groups.setdefault(group, [])
            names += [n for n in (f.name_en, f.name_ru, *f.other_en, *f.other_ru) if n not in names]
        for group, names in groups.items():
            entries += _names("feature", f"{c.id}/{group}", *labels[group], names, item)
        entries += _records(c)
    return SearchIndex(entries)


def name_orders(name: str) -> list[str]:
    """A name as the source writes it (surname first: "Крон Арнольд Фрицевич") and as it is also said: given
    names first ("Арнольд Фрицевич Крон"), first name and surname ("Арнольд Крон")."""
    words = name.split()
    if len(words) < 2:
        return [name]
    orders = [name, " ".join([*words[1:], words[0]]), f"{words[1]} {words[0]}"]
    return list(dict.fromkeys(orders))


def _records(c: Collection) -> list[_Entry]:
    """A collection's records (people shot) by their whole name, in both orders and every romanisation; a query
    that is the start of any of these finds the person (so "Крон", "Arnold Kron", "Kron Arnold Fricevič")."""
    if not c.has_records:
        return []
    item = c.meta["records"]["item"]
    entries: list[_Entry] = []
    for r in c.records():
        when = f", {r.date[8:10]}.{r.date[5:7]}.{r.date[:4]}" if r.date else ""
        latin = latin_spellings(r.name)
        keys: dict[str, str] = {}
        for spelled in [r.name, *latin]:
            for order in name_orders(spelled):
                keys.setdefault(normalise(order), order)
        rid, item_en, item_ru = f"{c.id}/{r.id}", item["en"] + when, item["ru"] + when  # shared by its entries
        entries += [_Entry(key, False, "record", rid, latin[0], r.name, matched, item_en, item_ru)
                    for key, matched in keys.items()]
    return entries
