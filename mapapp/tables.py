"""Reading the curated CSV tables in ``data/`` with their spreadsheet row numbers.

Only the shape of each file is checked here (encoding, header, cell count); what the
cells mean is checked by :mod:`mapapp.validate`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem

#: The columns of each table, in the order docs/data-schema.md lists them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "sources.csv": ("id", "kind", "title", "author", "year", "path", "line_count", "citation_en", "citation_ru"),
    "places.csv": ("id", "name_en", "name_ru", "kind", "country", "abroad", "lat", "lon", "geonames_query",
                   "admin1", "geonames_id", "precision", "uncertainty_m", "description_en", "description_ru",
                   "coord_source", "coord_source_ru", "note", "note_ru"),
    "names.csv": ("place_id", "from", "to", "name_en", "name_ru", "source", "source_lines", "note"),
    "people.csv": ("id", "name_en", "name_ru", "aliases", "born", "died", "description_en", "note"),
    "events.csv": ("id", "title_en", "title_ru", "start", "end", "approximate", "category", "places", "people",
                   "summary_en", "summary_ru", "source", "source_lines", "note", "note_ru"),
}
TABLE_NAMES: tuple[str, ...] = tuple(COLUMNS)


@dataclass(frozen=True)
class Row:
    """One data row: its spreadsheet row number (header = 1) and its cells, stripped of spaces."""

    file: str
    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Table:
    """A table as read: its file name, header and rows (rows with the wrong cell count are kept)."""

    name: str
    header: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def split_list(cell: str) -> list[str]:
    """Split a ``;``-separated cell, ignoring spaces around items and empty items."""
    return [item.strip() for item in cell.split(";") if item.strip()]


def parse_table(name: str, text: str, columns: tuple[str, ...] | None = None) -> tuple[Table, list[Problem]]:
    """Parse the CSV ``text`` of table ``name`` (e.g. ``"events.csv"``); ``columns`` for a table not in COLUMNS."""
    expected = columns or COLUMNS[name]
    problems: list[Problem] = []
    table = Table(name)
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(records, None)
    except csv.Error as exc:
        return table, [Problem(name, 1, None, None, f"the header cannot be read as CSV ({exc})",
                               "save the file as CSV (comma separated, RFC 4180 quoting)")]
    if header is None:
        return table, [Problem(name, None, None, None, "is empty",
                               f"start it with the header row: {','.join(expected)}")]
    header = [h.strip() for h in header]
    table.header = header
    for column in expected:
        if column not in header:
            problems.append(Problem(name, 1, None, column, "is missing from the header",
                                    f"add the column (the columns are: {','.join(expected)})"))
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(Problem(name, 1, None, column, "appears twice in the header",
                                    "keep one column of that name"))
            continue
        seen.add(column)
        if column not in expected:
            problems.append(Problem(name, 1, None, column, f"is not a column of {name}",
                                    f"rename or remove it (the columns are: {','.join(expected)})"))
    number = 1
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(name, number + 1, None, None, f"cannot be read as CSV ({exc})",
                                    "check the quotes in this row: a cell with a quote, comma or line break "
                                    "must be in double quotes, and a quote inside it doubled"))
            break
        number += 1
        if not record or all(not cell.strip() for cell in record):
            continue  # a blank line, as a spreadsheet leaves it
        if len(record) != len(header):
            problems.append(Problem(name, number, None, None,
                                    f"has {len(record)} cells but the header has {len(header)}",
                                    "give every row exactly one cell per column (check commas and quotes)"))
        cells = {column: record[i].strip() if i < len(record) else "" for i, column in enumerate(header)}
        table.rows.append(Row(name, number, cells))
    return table, problems


def read_table(data_dir: Path, name: str) -> tuple[Table, list[Problem]]:
    """Read ``data_dir/name`` (UTF-8, a BOM is tolerated); problems instead of exceptions."""
    path = Path(data_dir) / name
    if not path.is_file():
        return Table(name), [Problem(name, None, None, None, f"is missing from {path.parent}",
                                     f"create it with the header row: {','.join(COLUMNS[name])}")]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Table(name), [Problem(name, line, None, None, f"is not valid UTF-8 (byte {exc.start})",
                                     "save the file as UTF-8 (CSV UTF-8 in a spreadsheet)")]
    return parse_table(name, text)


def read_tables(data_dir: Path) -> tuple[dict[str, Table], list[Problem]]:
    """Read all five tables from ``data_dir``."""
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    for name in TABLE_NAMES:
        table, found = read_table(data_dir, name)
        tables[name] = table
        problems.extend(found)
    return tables, problems
