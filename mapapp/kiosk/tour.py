"""The kiosk's attract tour: a short, ordered story told on the map, read from ``data/tour.csv``.

Columns (UTF-8 CSV with a header row, as the other tables in ``data/``):

==========  =====================================================================================
id          stable step id, ``[a-z0-9_]+``, unique
start, end  the map's time window for the step, months ``YYYY-MM`` (``end`` not before ``start``)
view        a view id of :data:`mapapp.model.viewstate.VIEWS_BY_ID` (``ussr``, ``karelia``…), or empty
places      ``;``-separated place ids; the map centres on them (after moving to the view, if one is
            given) and opens the first one's popup. A step needs a view, places, or both.
caption_en  one or two sober sentences in English; numbers say where they come from
caption_ru  the same in Russian (Cyrillic)
duration_s  seconds the step stays on screen, 4..120; empty = 12
person      optional column: a person id (``people.csv``) whose trail the step draws and fits the map
            to, instead of opening the places' popup; the person must have a trail (two or more
            places, see :mod:`mapapp.model.trails`)
==========  =====================================================================================

Steps play in file order. :func:`load_tour` collects every problem (row numbers count the
header as row 1, as a spreadsheet does) and raises one :class:`~mapapp.problems.DataError`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp.i18n import Lang
from mapapp.ingest.tables import decode_table, split_list
from mapapp.model.viewstate import VIEWS_BY_ID, month_first, month_last, parse_month
from mapapp.problems import DataError, Problem

COLUMNS: tuple[str, ...] = ("id", "start", "end", "view", "places", "caption_en", "caption_ru", "duration_s")
#: Columns a tour may leave out of its header.
OPTIONAL_COLUMNS: tuple[str, ...] = ("person",)
DEFAULT_DURATION_S = 12
DURATION_RANGE = (4, 120)
_ID = re.compile(r"[a-z0-9_]+")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@dataclass(frozen=True)
class TourStep:
    """One step of the tour: a time window, a view and/or places, a caption in each language, a duration."""

    id: str
    start: str
    end: str
    view: str | None
    places: tuple[str, ...]
    caption_en: str
    caption_ru: str
    duration_s: int = DEFAULT_DURATION_S
    person: str | None = None

    def caption(self, lang: Lang) -> str:
        """The caption in ``lang``."""
        return self.caption_ru if lang == "ru" else self.caption_en

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the map payload."""
        return {"id": self.id, "start": self.start, "end": self.end, "view": self.view,
                "places": list(self.places), "caption_en": self.caption_en, "caption_ru": self.caption_ru,
                "duration_s": self.duration_s, "person": self.person}


def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The data rows of the tour CSV as (spreadsheet row number, cells), and the shape problems."""
    name = Path(path).name
    if not Path(path).is_file():
        return [], [Problem(name, None, None, None, f"is missing from {Path(path).parent}",
                            f"create it with the header row: {','.join(COLUMNS)}")]
    text, not_utf8 = decode_table(name, Path(path).read_bytes())
    if text is None:
        return [], not_utf8
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, str]]] = []
    number = 0
    try:
        header = [h.strip() for h in next(records, [])]
        number = 1
        for column in COLUMNS:
            if header and column not in header:
                problems.append(Problem(name, 1, None, column, "is missing from the header",
                                        f"add the column (the columns are: {','.join(COLUMNS)})"))
        for column in header:
            if column not in COLUMNS and column not in OPTIONAL_COLUMNS:
                problems.append(Problem(name, 1, None, column, f"is not a column of {name}",
                                        f"rename or remove it (the columns are: {','.join(COLUMNS)})"))
        for record in records:
            number += 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(Problem(name, number, None, None,
                                        f"has {len(record)} cells but the header has {len(header)}",
                                        "give every row exactly one cell per column (check commas and quotes)"))
            rows.append((number, {c: record[i].strip() if i < len(record) else "" for i, c in enumerate(header)}))
    except csv.Error as exc:
        problems.append(Problem(name, number + 1, None, None, f"cannot be read as CSV ({exc})",
                                "check the quotes in this row: a cell with a quote, comma or line break must be "
                                "in double quotes, and a quote inside it doubled"))
    return rows, problems


def load_tour(path: Path, place_ids: Collection[str],
              trail_people: Collection[str] = ()) -> tuple[TourStep, ...]:
    """The tour's steps in order; raises :class:`DataError` listing every problem.

    ``trail_people`` are the ids of people with a trail (:func:`mapapp.model.trails.people_with_trails`);
    a step's ``person`` must be one of them.
    """
    name = Path(path).name
    rows, problems = read_rows(path)
    if problems and not rows:
        raise DataError(problems)
    steps: list[TourStep] = []
    first_row: dict[str, int] = {}

    def problem(row: int, field: str | None, value: str | None, message: str, fix: str) -> None:
        problems.append(Problem(name, row, field, value, message, fix))

    for number, cells in rows:
        ok = True
        step_id = cells.get("id", "")
        if not step_id:
            problem(number, "id", None, "is empty", "give the step a short id of lower-case letters, digits and _")
            ok = False
        elif not _ID.fullmatch(step_id):
            problem(number, "id", step_id, "is not a valid id", "use only lower-case letters, digits and _")
            ok = False
        elif step_id in first_row:
            problem(number, "id", step_id, f"is already used by row {first_row[step_id]}",
                    "give every step its own id")
            ok = False
        else:
            first_row[step_id] = number
        months: dict[str, str] = {}
        for field in ("start", "end"):
            value = cells.get(field, "")
            if not value:
                problem(number, field, None, "is empty", "write the month as YYYY-MM, e.g. 1937-08")
                ok = False
                continue
            try:
                parse_month(value)
                months[field] = value
            except ValueError:
                problem(number, field, value, "is not a month", "write the month as YYYY-MM, e.g. 1937-08")
                ok = False
        if len(months) == 2 and month_last(months["end"]) < month_first(months["start"]):
            problem(number, "end", months["end"], f"is before start ({months['start']})",
                    "make end the same month as start or later")
            ok = False
        view = cells.get("view", "")
        if view and view not in VIEWS_BY_ID:
            problem(number, "view", view, "is not a view",
                    f"use one of {', '.join(VIEWS_BY_ID)}, or leave it empty and list places")
            ok = False
        places = tuple(split_list(cells.get("places", "")))
        for place in places:
            if place not in place_ids:
                problem(number, "places", place, "is not a place id in places.csv",
                        "use the id column of data/places.csv")
                ok = False
        person = cells.get("person", "")
        if person and person not in trail_people:
            problem(number, "person", person, "is not a person with a trail",
                    "use the id of a person (people.csv) whose events are at two or more places, or leave it empty")
            ok = False
        if not view and not places and not person:
            problem(number, None, None, "has neither a view nor places",
                    f"give a view ({', '.join(VIEWS_BY_ID)}) or the ids of the places to show")
            ok = False
        for field, language in (("caption_en", "English"), ("caption_ru", "Russian")):
            if not cells.get(field, ""):
                problem(number, field, None, "is empty", f"write one or two sober sentences in {language}")
                ok = False
        if cells.get("caption_ru") and not _CYRILLIC.search(cells["caption_ru"]):
            problem(number, "caption_ru", cells["caption_ru"], "has no Cyrillic letters",
                    "write the Russian caption in Cyrillic")
            ok = False
        duration_text = cells.get("duration_s", "")
        duration = DEFAULT_DURATION_S
        if duration_text:
            low, high = DURATION_RANGE
            if duration_text.isascii() and duration_text.isdigit() and low <= int(duration_text) <= high:
                duration = int(duration_text)
            else:
                problem(number, "duration_s", duration_text, f"is not a whole number of seconds from {low} to {high}",
                        f"write a whole number from {low} to {high}, or leave it empty for {DEFAULT_DURATION_S}")
                ok = False
        if ok:
            steps.append(TourStep(step_id, months["start"], months["end"], view or None, places,
                                  cells["caption_en"], cells["caption_ru"], duration, person or None))
    if not rows:
        problems.append(Problem(name, None, None, None, "has no steps", "add at least one step below the header"))
    if problems:
        raise DataError(problems)
    return tuple(steps)
