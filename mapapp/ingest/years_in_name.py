"""Years of operation written inside a site's name, as in Memorial's "Topography of Terror" layers.

The names carry the years in many forms: ``(1934-1938)``, an unclosed ``(1934-1938``, ``(1921–22)``, ``(1918)``,
``(с 1919)``, ``(открыт не позднее февр. 1921)``, ``(до 1947)``, ``, закрыта 30 мая 1922``, ``(1930-е)``,
``середин 30-х годов``. :func:`years_in_name` reads them into a :class:`Span` and never invents a year: numbers
that are institution codes (``ЦКБ-29``, ``НИИ-  160``, ``№ 14``), day numbers (``18–19 ноября 1919``) or outside
1800–1999 are not years.

Each dated statement is one of
- a range or decade (``1921-1926``, ``1930-е``) or a lone year in brackets (``(1918)``): gives both ends;
- an opening (``с``, ``не позднее``, ``открыт``, ``упоминается с``): gives the first year only;
- a closing (``до``, ``по``, ``закрыт``, ``просуществовал``): gives the last year only.
The span is the hull of all statements. Where a bracket says when the place was opened (``открыт``), other
"from" statements in the same bracket describe earlier uses of the building (``открыт с 18 окт. 1919, с 1914
использовался для содержания военнопленных``) and are not read. An open-ended statement that reaches past every
known bound leaves that end open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH = (r"(?:январ|феврал|февр|март|апрел|апр|ма[йя]|июн|июл|август|авг|сентябр|сент|сен|октябр|окт|ноябр"
          r"|нояб|декабр|дек)\w*\.?")
#: Words about the part of a year or decade (``нач. 1920``, ``середин 30-х``): they do not move the year.
_PART = r"(?:нач\w*|кон\w*|середин\w*|сер)\.?"
_DATE = rf"(?:\d{{1,2}}(?:\s*[-–—]\s*\d{{1,2}})?\s+)?(?:{_PART}\s*)?(?:{_MONTH}\s*)?"
_VERB = r"(?P<verb>открыт[аоы]?|закрыт[аоы]?|упоминается|упоминались|просуществовал[аио]?|существовал[аио]?)"
_PREP = r"(?P<prep>[сc]|до|по|не\s+позднее|не\s+ранее|в)"
_YEAR = r"1[89]\d\d"
_CORE = (rf"(?P<a>{_YEAR})\s*[-–—]\s*(?:{_PART}\s*)?(?P<b>{_YEAR}|\d\d)(?!\d)(?!-?[ехex](?!\w))"
         rf"|(?P<bad>{_YEAR}\s*[-–—]\s*(?:{_PART}\s*)?\d+)"
         rf"|(?P<dec4>1[89]\d0)-?[ехex](?!\w)"
         rf"|(?P<dec2>[1-9]0)-?[ехex](?!\w)"
         rf"|(?P<y>{_YEAR})(?!\d)")
_STATEMENT = re.compile(
    rf"(?:(?<!\w){_VERB}\s+)?(?:(?<!\w){_PREP}\s+)?(?P<date>{_DATE})(?P<core>{_CORE})"
    r"(?P<tail>\s*(?:годов|года|годы|год|гг\.|г\.)(?!\w))?",
    re.IGNORECASE,
)
#: What stands right before a number that is a code, not a year: ``№``, letters and a hyphen (``НИИ-``), or a
#: letter or digit with no space.
_CODE_BEFORE = re.compile(r"(?:№\s*|[^\W\d_]-\s*|[^\W_])$")
_GROUP_BREAK = "()/;"
_FROM_PREPS = {"с", "c", "не позднее", "не ранее"}
_UNTIL_PREPS = {"до", "по"}
_UNTIL_VERBS = ("закрыт", "просуществовал", "существовал")


@dataclass(frozen=True)
class Span:
    """Years of operation read from a name; ``text`` is the words they were read from, as written."""

    first: int | None
    last: int | None
    text: str

    @property
    def given(self) -> bool:
        """Whether any year was found."""
        return self.first is not None or self.last is not None


@dataclass(frozen=True)
class _Statement:
    first: int | None
    last: int | None
    text: str
    group: int
    opened: bool


def _years(match: re.Match[str], name: str) -> tuple[int, int]:
    """The first and last year a core names; ValueError for a range with a number that is not a year."""
    if match["bad"] is not None:
        raise ValueError(f"'{name}': '{match['bad']}' is not a range of years from 1800 to 1999")
    if match["a"] is not None:
        first, end = int(match["a"]), match["b"]
        # A two-digit end year ("1921–22") is in the century of the first year
        last = int(end) if len(end) == 4 else first // 100 * 100 + int(end)
        if last < first:
            raise ValueError(f"'{name}': the years '{match['core']}' run backwards")
        return first, last
    if match["dec4"] is not None:
        return int(match["dec4"]), int(match["dec4"]) + 9
    if match["dec2"] is not None:
        # "30-х годов" in these sources is always the 20th century
        return 1900 + int(match["dec2"]), 1909 + int(match["dec2"])
    return int(match["y"]), int(match["y"])


def _statements(name: str) -> list[_Statement]:
    """Every dated statement in ``name``, in order."""
    found: list[_Statement] = []
    for match in _STATEMENT.finditer(name):
        before = name[:match.start("core")]
        if _CODE_BEFORE.search(before):
            continue
        years = _years(match, name)
        first: int | None = years[0]
        last: int | None = years[1]
        prep = " ".join((match["prep"] or "").casefold().split())
        verb = (match["verb"] or "").casefold()
        if prep in _UNTIL_PREPS or verb.startswith(_UNTIL_VERBS):
            first = None
        elif prep in _FROM_PREPS or verb.startswith("открыт") or verb.startswith("упомина"):
            last = None
        elif match["y"] is not None and before.count("(") <= before.count(")") and not match["date"]:
            # A lone year in the running text ("улица 1905 года") is part of the name, not a date
            continue
        group = sum(before.count(char) for char in _GROUP_BREAK)
        text = match.group(0).strip()
        found.append(_Statement(first, last, text, group, verb.startswith("открыт")))
    return found


def years_in_name(name: str) -> Span:
    """Read the years of operation written in a site's name; ValueError if they contradict each other."""
    statements = _statements(name)
    opened_groups = {statement.group for statement in statements if statement.opened}
    kept = [statement for statement in statements if statement.opened or statement.last is not None
            or statement.group not in opened_groups]
    if not kept:
        return Span(None, None, "")
    starts = [statement.first for statement in kept if statement.first is not None]
    ends = [statement.last for statement in kept if statement.last is not None]
    first, last = (min(starts) if starts else None), (max(ends) if ends else None)
    if first is not None and last is not None and first > last:
        raise ValueError(f"'{name}': the years say it closed ({last}) before it opened ({first})")
    # An open-ended statement past every known bound leaves that end of the span open
    if last is not None and any(s.last is None and s.first is not None and s.first > last for s in kept):
        last = None
    if first is not None and any(s.first is None and s.last is not None and s.last < first for s in kept):
        first = None
    return Span(first, last, ", ".join(statement.text for statement in kept))
