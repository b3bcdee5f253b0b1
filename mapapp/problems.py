"""Problems found in the curated tables (each pointing at a cell) and in config files (each at a key), each saying
how to fix it."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a table: where (file, row, field), what (value, message), and the fix.

    ``row`` counts the header as row 1, as a spreadsheet does; ``None`` means the whole file
    (or its header). ``field`` is ``None`` when the problem concerns a whole row. ``follow_on`` marks a line
    that only says what could not be checked because of another problem; reports list those last.
    """

    file: str
    row: int | None
    field: str | None
    value: str | None
    message: str
    fix: str
    follow_on: bool = False

    def location(self) -> str:
        """``events.csv row 12, field 'start'`` (or less, when row/field are unknown)."""
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.field is not None:
            where += f"{',' if self.row is not None else ''} field '{self.field}'"
        return where

    def __str__(self) -> str:
        """One line: ``events.csv row 12, field 'start': '1937-02-30' is not a real date. Fix: …``.

        Without a value it reads ``events.csv row 12, field 'title_en' is empty. Fix: …``.
        """
        fix = self.fix if self.fix.endswith((".", "!", "?")) else self.fix + "."
        if self.value:
            return f"{self.location()}: '{self.value}' {self.message}. Fix: {fix}"
        return f"{self.location()} {self.message}. Fix: {fix}"


def report_lines(lines: Iterable[object]) -> str:
    """Every problem on its own line, then their count ("3 problems found."): how every report ends."""
    texts = [str(line) for line in lines]
    n = len(texts)
    return "\n".join([*texts, f"{n} problem{'s' if n != 1 else ''} found."])


def sort_key(problem: Problem) -> tuple[bool, str, int, str, str]:
    """Order problems by file, row, field and message, so reports are stable; follow-on lines come last, after
    the problems that caused them."""
    return (problem.follow_on, problem.file, problem.row or 0, problem.field or "", problem.message)


class DataError(Exception):
    """The curated tables have problems; :attr:`problems` holds every one of them."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = sorted(problems, key=sort_key)
        super().__init__(self.report())

    def report(self) -> str:
        """Every problem on its own line, then a count."""
        return report_lines(self.problems)


class GeodataError(ValueError):
    """A file of the build output (``geodata/*.geojson``, ``people.json``) is missing or is not what ``mapapp build``
    writes.

    Raised by :func:`mapapp.model.records.load_places`, :func:`~mapapp.model.records.load_events`,
    :func:`~mapapp.model.records.load_people` and :func:`mapapp.ingest.borders.load_borders` (so by ``load_dataset`` too) instead of a JSON, key or type error, so the
    command line and the page catch one exception. :attr:`path` is the file, :attr:`reason` what is wrong with
    it, :attr:`fix` the way out; ``str()`` is all three on one line. A ValueError, as json's own errors are.
    """

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        self.fix = (f"run `mapapp build --out {self.path.parent}` to write it again "
                    "(the build output is never edited by hand)")
        super().__init__(f"{self.path} {reason}. Fix: {self.fix}.")


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong in a config file: the file, the key (dotted) and its value, what is wrong, the fix."""

    file: str
    key: str | None
    value: str | None  # the value as TOML would write it
    message: str
    fix: str
    line: int | None = None

    def __str__(self) -> str:
        fix = self.fix if self.fix.endswith((".", "!", "?")) else self.fix + "."
        if self.key is None:
            where = self.file + (f" line {self.line}" if self.line is not None else "")
            return f"{where}: {self.message}. Fix: {fix}"
        subject = self.key if self.value is None else f"{self.key} = {self.value}"
        return f"{self.file}: {subject} {self.message}. Fix: {fix}"


class ConfigError(Exception):
    """The configuration has problems; :attr:`problems` holds every one of them."""

    def __init__(self, problems: Iterable[ConfigProblem]):
        self.problems: list[ConfigProblem] = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """Every problem on its own line, then a count."""
        return report_lines(self.problems)


def toml_value(value: Any) -> str:
    """``value`` as TOML would write it (``"yes"``, ``true``, ``-5``, ``["en", "de"]``), for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return {math.inf: "inf", -math.inf: "-inf"}.get(value, "nan" if math.isnan(value) else repr(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return repr(value)
