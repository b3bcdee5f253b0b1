"""Reading the curated CSV tables in ``data/`` with their spreadsheet row numbers.

Only the shape of each file is checked here (encoding, header, cell count); what the
cells mean is checked by :mod:`mapapp.ingest.validate`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from mapapp.problems import Problem

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
#: The tables that must have rows, and why (names.csv and people.csv may be empty: a place keeps one name
#: throughout, an event may name nobody).
REQUIRED_ROWS: dict[str, str] = {
    "sources.csv": "every event cites a source from sources.csv",
    "places.csv": "every event happens at a place from places.csv",
    "events.csv": "the map has nothing to show without events",
}


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
    """A table as read: its file name, header and rows (rows with the wrong cell count are kept).

    ``complete`` is False when the file could not be read to its end (missing, not UTF-8, empty, a row that is
    not CSV): its rows are not all there, so :mod:`mapapp.ingest.validate` checks no other table against it.
    """

    name: str
    header: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    complete: bool = True


def split_list(cell: str) -> list[str]:
    """Split a ``;``-separated cell, ignoring spaces around items and empty items."""
    return [item.strip() for item in cell.split(";") if item.strip()]


def parse_table(name: str, text: str, columns: tuple[str, ...] | None = None) -> tuple[Table, list[Problem]]:
    """Parse the CSV ``text`` of table ``name`` (e.g. ``"events.csv"``); ``columns`` for a table not in COLUMNS."""
    expected = columns or COLUMNS[name]
    problems: list[Problem] = []
    table = Table(name, complete=False)
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(records, None)
    except csv.Error as exc:
        return table, [Problem(name, 1, None, None, f"the header cannot be read as CSV ({exc})",
                               "save the file as CSV (comma separated, RFC 4180 quoting)")]
    if header is None:
        return table, [Problem(name, None, None, None, "is empty",
                               f"start it with the header row: {','.join(expected)}")]
    table.complete = True
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
            table.complete = False
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


#: Byte order marks that say a file is not UTF-8, longest first (UTF-32 LE begins like UTF-16 LE).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "UTF-32 LE"), (codecs.BOM_UTF32_BE, "UTF-32 BE"),
    (codecs.BOM_UTF16_LE, "UTF-16 LE"), (codecs.BOM_UTF16_BE, "UTF-16 BE"),
)
#: iconv's names for the encodings :func:`detect_encoding` reports.
ICONV_NAMES = {"UTF-32 LE": "UTF-32LE", "UTF-32 BE": "UTF-32BE", "UTF-16 LE": "UTF-16LE",
               "UTF-16 BE": "UTF-16BE", "windows-1251": "WINDOWS-1251", "KOI8-R": "KOI8-R", "CP866": "CP866"}
#: Cyrillic single-byte encodings a Russian spreadsheet may save in, as (Python codec, name in messages).
CYRILLIC_CODECS: tuple[tuple[str, str], ...] = (("cp1251", "windows-1251"), ("koi8_r", "KOI8-R"),
                                                  ("cp866", "CP866"))
_CYRILLIC_WORD = re.compile(r"[\u0400-\u045f\u0490\u0491]{3,}")


def _nul_pattern(raw: bytes) -> str | None:
    """The UTF-16/UTF-32 byte order of BOM-less ``raw``, from where its NUL bytes fall (ASCII text in UTF-16 LE
    is ``i\\0d\\0``: a NUL at every odd offset); None when the NULs follow no such pattern."""
    sample = raw[:4096]

    def nul_share(offset: int, step: int) -> float:
        """The share of NUL bytes at ``offset``, ``offset + step``, ... of the sample."""
        cells = sample[offset::step]
        return cells.count(0) / len(cells) if cells else 0.0

    if len(sample) >= 8:
        if min(nul_share(1, 4), nul_share(2, 4), nul_share(3, 4)) > 0.5 and nul_share(0, 4) < 0.1:
            return "UTF-32 LE"
        if min(nul_share(0, 4), nul_share(1, 4), nul_share(2, 4)) > 0.5 and nul_share(3, 4) < 0.1:
            return "UTF-32 BE"
    if len(sample) >= 4:
        if nul_share(1, 2) > 0.3 and nul_share(0, 2) < 0.05:
            return "UTF-16 LE"
        if nul_share(0, 2) > 0.3 and nul_share(1, 2) < 0.05:
            return "UTF-16 BE"
    return None


def guess_cyrillic(raw: bytes) -> str | None:
    """The single-byte Cyrillic encoding ``raw`` (not UTF-8) is most likely in, or None when none fits.

    A heuristic: decoded in the right one, Russian text is mostly lower-case Cyrillic words (three or more
    Cyrillic letters in a row), and almost every non-ASCII character is a Cyrillic letter. Latin-1 text
    (``Müller``) gives isolated letters and no words, so it is not taken for Cyrillic.
    """
    best: tuple[int, str] | None = None
    for codec, label in CYRILLIC_CODECS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue  # a byte this code page does not have: it is not this one
        non_ascii = [c for c in text if ord(c) > 127]
        cyrillic = sum(1 for c in non_ascii if "\u0400" <= c <= "\u045f" or c in "\u0490\u0491")
        if not non_ascii or cyrillic < 0.8 * len(non_ascii):
            continue
        words = "".join(_CYRILLIC_WORD.findall(text))
        lower = sum(1 for c in words if c.islower())
        if lower >= 0.5 * cyrillic and (best is None or lower > best[0]):
            best = (lower, label)
    return best[1] if best else None


def encoding_fix(name: str, encoding: str) -> str:
    """How to make ``name`` UTF-8 again: the spreadsheet's way, and the iconv command line."""
    return (f"save it as CSV UTF-8 (in a spreadsheet: Save As, CSV UTF-8), or convert it: iconv -f "
            f"{ICONV_NAMES[encoding]} -t UTF-8 {name} > {name}.new && mv {name}.new {name}")


def decode_table(name: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """The text of table ``name`` from its bytes (UTF-8, a BOM tolerated), or one problem saying which encoding
    it is in instead: a UTF-16/UTF-32 BOM, NUL bytes in a pattern (UTF-16/UTF-32 without a BOM), or bytes that
    are not UTF-8 but look like a Cyrillic code page. One line, not a row-by-row trail of follow-on errors."""
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            return None, [Problem(name, None, None, None, f"is encoded as {encoding}, not UTF-8",
                                  encoding_fix(name, encoding))]
    if b"\0" in raw:
        wide = _nul_pattern(raw)
        if wide is not None:
            return None, [Problem(name, None, None, None,
                                  f"is encoded as {wide} (without a byte order mark), not UTF-8",
                                  encoding_fix(name, wide))]
        at = raw.index(b"\0")
        return None, [Problem(name, raw[:at].count(b"\n") + 1, None, None,
                              f"contains a NUL byte (byte {at}), so it is not CSV text (a spreadsheet workbook "
                              "saved under a .csv name?)",
                              "open it in the spreadsheet and save it as CSV UTF-8")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        code_page = guess_cyrillic(raw)
        if code_page is not None:
            return None, [Problem(name, None, None, None, f"is not UTF-8: it looks like {code_page}",
                                  encoding_fix(name, code_page))]
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, None, None, f"is not valid UTF-8 (byte {exc.start})",
                              "save the file as UTF-8 (CSV UTF-8 in a spreadsheet)")]


def read_table(data_dir: Path, name: str) -> tuple[Table, list[Problem]]:
    """Read ``data_dir/name`` (UTF-8, a BOM is tolerated); problems instead of exceptions.

    A table of :data:`REQUIRED_ROWS` with a header but no rows is a problem too: it would build an empty map.
    """
    path = Path(data_dir) / name
    unread = Table(name, complete=False)
    if path.is_dir():
        return unread, [Problem(name, None, None, None, f"is a folder, not a CSV file ({path})",
                                f"put the table itself at {path}, with the header row: {','.join(COLUMNS[name])}")]
    if not path.is_file():
        return unread, [Problem(name, None, None, None, f"is missing from {path.parent}",
                                f"create it with the header row: {','.join(COLUMNS[name])}")]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return unread, [Problem(name, None, None, None, f"cannot be read ({exc.strerror or exc})",
                                f"make {path} readable")]
    text, problems = decode_table(name, raw)
    if text is None:
        return unread, problems
    table, problems = parse_table(name, text)
    if table.complete and table.header and not table.rows and name in REQUIRED_ROWS:
        problems.append(Problem(name, None, None, None, "has a header but no rows",
                                f"add its rows below the header: {REQUIRED_ROWS[name]}"))
    return table, problems


def read_tables(data_dir: Path) -> tuple[dict[str, Table], list[Problem]]:
    """Read all five tables from ``data_dir``."""
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    for name in TABLE_NAMES:
        table, found = read_table(data_dir, name)
        tables[name] = table
        problems.extend(found)
    return tables, problems
