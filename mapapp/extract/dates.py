"""Dates written in a text (English or Russian), found at their real precision.

"27 October 1937" is a day, "October 1937" a month, "in the summer of 1938" / "летом 1938 года" a season (June to
August), "1937–38" / "с 1932 по 1990 год" a range of years, "between 27 October and 4 November 1937" a range of
days. A date without its year ("in October", "в том же году") takes the year of the passage: the last year written
before it, and says so. Nothing is ever filled in from today (the trap of dateparser's defaults).

Each mention keeps its character span and the rule that read it, for the curator's review (issue 14).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from mapapp.i18n import Lang
from mapapp.model.dates import PartialDate

Precision = Literal["day", "month", "season", "year"]

_EN_MONTHS = ("jan(?:uary)?", "feb(?:ruary)?", "mar(?:ch)?", "apr(?:il)?", "may", "june?", "july?",
              "aug(?:ust)?", "sep(?:t(?:ember)?)?", "oct(?:ober)?", "nov(?:ember)?", "dec(?:ember)?")
# Russian month names by stem: every case a text uses ("октября", "в октябре", "по октябрь", "октябрь 1937")
_RU_MONTHS = ("январ[ьяюе]", "феврал[ьяюе]", "март[аеу]?", "апрел[ьяюе]", "ма[йяюе]", "июн[ьяюе]", "июл[ьяюе]",
              "август[аеу]?", "сентябр[ьяюе]", "октябр[ьяюе]", "ноябр[ьяюе]", "декабр[ьяюе]")
#: Season → (first month, last month); winter runs from December into the next year's February.
_SEASONS_EN = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_SEASONS_RU = {"весн": (3, 5), "лет": (6, 8), "осен": (9, 11), "зим": (12, 2)}


@dataclass(frozen=True)
class DateMention:
    """A date or range of dates in the text: ``text[start:end]``, earliest and latest as written."""

    start: int
    end: int
    text: str
    first: PartialDate
    last: PartialDate
    precision: Precision
    #: Why it reads so: the rule, and where a missing year came from.
    reason: str
    #: The year is not written in the mention but taken from the passage.
    relative: bool = False


@dataclass(frozen=True)
class _Read:
    """What a rule reads from a match, before any missing year is filled in (year None: the passage's)."""

    first: tuple[int | None, int | None, int | None]
    last: tuple[int | None, int | None, int | None]
    precision: Precision
    rule: str
    #: years to add to the passage's year (the following year: 1), for a relative mention
    shift: int = 0


def _same(parts: tuple[int | None, int | None, int | None], precision: Precision, rule: str, shift: int = 0) -> _Read:
    """A single date: its first and last are the same parts."""
    return _Read(parts, parts, precision, rule, shift)


def _month(text: str, lang: Lang) -> int:
    names = _EN_MONTHS if lang == "en" else _RU_MONTHS
    low = text.lower().rstrip(".")
    return next(k for k, pattern in enumerate(names, start=1) if re.fullmatch(pattern, low))


def _year(text: str, base: str | None = None) -> int:
    """A year, or its last two digits after a first year ("1937–38": 1938)."""
    if len(text) == 2 and base is not None:
        return int(base[:2] + text)
    return int(text)


def _season(word: str, lang: Lang) -> tuple[int, int]:
    table = _SEASONS_EN if lang == "en" else _SEASONS_RU
    low = word.lower()
    return next(v for k, v in table.items() if low.startswith(k))


def _grammar(lang: Lang) -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], _Read]]]:
    """The rules of a language, longest forms first: a range before its single dates, a day before its month."""
    M = "(?:" + "|".join(_EN_MONTHS if lang == "en" else _RU_MONTHS) + r")\.?"
    Y = r"(1[6-9]\d\d|20\d\d)"
    D = r"([0-3]?\d)(?:st|nd|rd|th)?"
    dash = r"\s*(?:–|—|-|‒)\s*"
    rules: list[tuple[str, Callable[[re.Match[str]], _Read]]] = []

    def m(g: re.Match[str], i: int) -> int:
        return _month(g.group(i), lang)

    if lang == "en":
        to = rf"(?:{dash}|\s+(?:to|and|until|till|through)\s+)"
        y_after = rf",?\s+(?:of\s+)?{Y}"
        season = r"(spring|summer|autumn|fall|winter)"
        rules += [
            (rf"(?:between\s+|from\s+)?{D}\s+({M}){to}{D}\s+({M}){y_after}",
             lambda g: _Read((int(g[5]), m(g, 2), int(g[1])), (int(g[5]), m(g, 4), int(g[3])), "day", "days")),
            (rf"(?:between\s+|from\s+)?({M})\s+{D}{to}({M})\s+{D}{y_after}",
             lambda g: _Read((int(g[5]), m(g, 1), int(g[2])), (int(g[5]), m(g, 3), int(g[4])), "day", "days")),
            (rf"(?:between\s+|from\s+)?{D}{to}{D}\s+({M}){y_after}",
             lambda g: _Read((int(g[4]), m(g, 3), int(g[1])), (int(g[4]), m(g, 3), int(g[2])), "day", "days")),
            (rf"(?:between\s+|from\s+)?({M})\s+{D}{to}{D}{y_after}",
             lambda g: _Read((int(g[4]), m(g, 1), int(g[2])), (int(g[4]), m(g, 1), int(g[3])), "day", "days")),
            (rf"{D}\s+({M}){y_after}", lambda g: _same((int(g[3]), m(g, 2), int(g[1])), "day", "day")),
            (rf"({M})\s+{D},?\s+{Y}", lambda g: _same((int(g[3]), m(g, 1), int(g[2])), "day", "day")),
            (rf"(?:between\s+|from\s+)?({M})\s+{Y}{to}({M})\s+{Y}",
             lambda g: _Read((int(g[2]), m(g, 1), None), (int(g[4]), m(g, 3), None), "month", "months")),
            (rf"(?:between\s+|from\s+)?({M}){to}({M}){y_after}",
             lambda g: _Read((int(g[3]), m(g, 1), None), (int(g[3]), m(g, 2), None), "month", "months")),
            (rf"({M}){y_after}", lambda g: _same((int(g[2]), m(g, 1), None), "month", "month")),
            (rf"(?:the\s+)?{season}\s+(?:of\s+)?{Y}(?:{dash}|/)(\d\d(?:\d\d)?)\b",
             lambda g: _season_read(g[1], lang, _year(g[3], g[2]) - 1)),
            (rf"(?:the\s+)?{season}\s+(?:of\s+)?{Y}", lambda g: _season_read(g[1], lang, int(g[2]))),
            (rf"(?:between\s+|from\s+)?{Y}(?:{to}|/)(\d\d(?:\d\d)?)\b(?!\s*(?:km|m|people|prisoners))",
             lambda g: _Read((int(g[1]), None, None), (_year(g[2], g[1]), None, None), "year", "years")),
            (rf"(?<![\d.,]){Y}(?![\d.,]\d|\s*(?:km|people|prisoners))",
             lambda g: _same((int(g[1]), None, None), "year", "year")),
            # without their year: the passage's
            (rf"(?<=\bin\s)(?:the\s+)?{season}\b", lambda g: _season_read(g[1], lang, None)),
            (rf"(?<=\bon\s){D}\s+({M})(?!,?\s*\d)", lambda g: _same((None, m(g, 2), int(g[1])), "day", "day")),
            (rf"(?<=\bon\s)({M})\s+{D}\b(?!,?\s*\d)", lambda g: _same((None, m(g, 1), int(g[2])), "day", "day")),
            (rf"(?<=\bin\s)({M})(?!\s*\d)", lambda g: _same((None, m(g, 1), None), "month", "month")),
            (r"\b(?:that|the\s+same)\s+year\b", lambda g: _same((None, None, None), "year", "year")),
            (r"\bthe\s+(?:following|next)\s+year\b",
             lambda g: _same((None, None, None), "year", "year", 1)),
            (r"\bthe\s+(?:previous|preceding)\s+year\b",
             lambda g: _same((None, None, None), "year", "year", -1)),
        ]
    else:
        god = r"(?:\s*(?:годами|годах|годы|году|года|год|гг\.|г\.))?"
        season = r"(весн(?:ой|а|ы|е|у)|лет(?:ом|о|а|е)|осен(?:ью|ь|и)|зим(?:ой|а|ы|е|у))"
        rules += [
            (rf"(?:с\s+|между\s+)?{D}\s+({M})(?:{dash}|\s+(?:по|и|до)\s+){D}\s+({M})\s+{Y}{god}",
             lambda g: _Read((int(g[5]), m(g, 2), int(g[1])), (int(g[5]), m(g, 4), int(g[3])), "day", "days")),
            (rf"(?:с\s+|между\s+)?{D}(?:{dash}|\s+(?:по|и|до)\s+){D}\s+({M})\s+{Y}{god}",
             lambda g: _Read((int(g[4]), m(g, 3), int(g[1])), (int(g[4]), m(g, 3), int(g[2])), "day", "days")),
            (rf"{D}\s+({M})\s+{Y}{god}", lambda g: _same((int(g[3]), m(g, 2), int(g[1])), "day", "day")),
            (rf"(?:с\s+)?({M})\s+{Y}{god}(?:{dash}|\s+(?:по|до)\s+)({M})\s+{Y}{god}",
             lambda g: _Read((int(g[2]), m(g, 1), None), (int(g[4]), m(g, 3), None), "month", "months")),
            (rf"(?:с\s+)?({M})(?:{dash}|\s+(?:по|до)\s+)({M})\s+{Y}{god}",
             lambda g: _Read((int(g[3]), m(g, 1), None), (int(g[3]), m(g, 2), None), "month", "months")),
            (rf"({M})\s+{Y}{god}", lambda g: _same((int(g[2]), m(g, 1), None), "month", "month")),
            (rf"{season}\s+{Y}(?:{dash}|/)(\d\d(?:\d\d)?){god}",
             lambda g: _season_read(g[1], lang, _year(g[3], g[2]) - 1)),
            (rf"{season}\s+{Y}{god}", lambda g: _season_read(g[1], lang, int(g[2]))),
            (rf"(?:с\s+|между\s+)?{Y}{god}(?:{dash}|/|\s+(?:по|и|до)\s+)(\d\d(?:\d\d)?)\b{god}",
             lambda g: _Read((int(g[1]), None, None), (_year(g[2], g[1]), None, None), "year", "years")),
            (rf"(?<![\d.,]){Y}(?![\d.,]\d){god}", lambda g: _same((int(g[1]), None, None), "year", "year")),
            (rf"\b{season}\b", lambda g: _season_read(g[1], lang, None)),
            (rf"\b{D}\s+({M})(?!\s*\d)", lambda g: _same((None, m(g, 2), int(g[1])), "day", "day")),
            (rf"(?<=\bв\s)({M})(?!\s*\d)", lambda g: _same((None, m(g, 1), None), "month", "month")),
            (r"\b(?:в\s+)?(?:том\s+же|этом|тот\s+же|том)\s+году\b",
             lambda g: _same((None, None, None), "year", "year")),
            (r"\b(?:в\s+)?следующем\s+году\b", lambda g: _same((None, None, None), "year", "year", 1)),
            (r"\b(?:в\s+)?предыдущем\s+году\b", lambda g: _same((None, None, None), "year", "year", -1)),
        ]
    return [(re.compile(p, re.IGNORECASE), build) for p, build in rules]


def _season_read(word: str, lang: Lang, year: int | None) -> _Read:
    a, b = _season(word, lang)
    if a > b:  # winter: from December of the year into February of the next
        return _Read((year, a, None), (None if year is None else year + 1, b, None), "season", "winter")
    return _Read((year, a, None), (year, b, None), "season", "season")


_GRAMMARS = {lang: _grammar(lang) for lang in ("en", "ru")}


def _matches(text: str, lang: Lang) -> Iterator[tuple[int, int, _Read]]:
    """Every rule's matches, the earlier and then the longer first, none overlapping one already taken."""
    found: list[tuple[int, int, int, _Read]] = []
    for rank, (pattern, build) in enumerate(_GRAMMARS[lang]):
        for g in pattern.finditer(text):
            read = build(g)
            if _possible(read):  # "31 June 1937" or a range written backwards leaves the span to other rules
                found.append((g.start(), -(g.end() - g.start()), rank, read))
    taken: list[tuple[int, int]] = []
    for start, neg, _, read in sorted(found, key=lambda x: (x[0], x[1], x[2])):
        end = start - neg
        if any(start < b and a < end for a, b in taken):
            continue
        taken.append((start, end))
        yield start, end, read


def _possible(read: _Read) -> bool:
    """Whether a read with its years can be a real date or range (one without its year is checked later)."""
    if read.first[0] is None:
        return True
    try:
        return _partial(read.first, 0).earliest() <= _partial(read.last, 0).latest()
    except ValueError:
        return False


def _partial(parts: tuple[int | None, int | None, int | None], year: int) -> PartialDate:
    y, mo, d = parts
    return PartialDate(y if y is not None else year, mo, d)


def find_dates(text: str, lang: Lang, year: int | None = None) -> list[DateMention]:
    """The dates of ``text`` in order; ``year`` is the passage's year before its first written one (None: a date
    without its year before any year is written is left out, never guessed)."""
    out: list[DateMention] = []
    context = year
    for start, end, read in _matches(text, lang):
        relative = read.first[0] is None
        if relative:
            if context is None:
                continue
            first_year = context + read.shift
            last_year = first_year + 1 if read.rule == "winter" else first_year
            whose = {0: f"the passage's year, {context}", 1: f"the year after the passage's {context}",
                     -1: f"the year before the passage's {context}"}[read.shift]
            reason = f"{read.rule}, without its year: {whose} (the last year written before it)"
        else:
            first_year = read.first[0] or 0
            last_year = read.last[0] or first_year
            reason = read.rule
        try:
            first = _partial(read.first, first_year)
            last = _partial(read.last, last_year)
        except ValueError:
            continue  # "29 February" in a passage's year that has none (a written year was checked in _matches)
        if first.earliest() > last.latest():
            continue
        out.append(DateMention(start, end, text[start:end], first, last, read.precision, reason, relative))
        if not relative or read.shift:  # "the following year" moves the passage on; "in October" does not
            context = last.year
    return out
