"""Hostile data for the end-to-end tests: a copy of ``data/`` with markup in every text field of every table.

Each payload tries three ways into a page — an ``<img onerror>`` (runs if the text is written as HTML),
a ``</script><script>`` break-out (runs if the text is pasted into a script unescaped) and a Markdown link
(becomes a link if Streamlit renders the text as Markdown) — and names its field, so that whatever ran or
appeared says where it came from. The tests check that none of them ran and no element came of them.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from mapapp.ingest import borders
from mapapp.ingest.tables import COLUMNS
from mapapp.kiosk import tour

#: The columns that hold text people read, per table: each gets a payload. Every other column is an id, a
#: date, a number, a code or a reference (NOT_TEXT), which validation keeps to its own alphabet.
TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "sources.csv": ("title", "author", "citation_en", "citation_ru"),
    "places.csv": ("name_en", "name_ru", "description_en", "description_ru", "coord_source", "coord_source_ru",
                   "note", "note_ru"),
    "names.csv": ("name_en", "name_ru", "note"),
    "people.csv": ("name_en", "name_ru", "aliases", "description_en", "note"),
    "events.csv": ("title_en", "title_ru", "summary_en", "summary_ru", "note", "note_ru"),
    "tour.csv": ("caption_en", "caption_ru"),
    "borders.csv": ("source", "note"),
}
NOT_TEXT: dict[str, tuple[str, ...]] = {
    "sources.csv": ("id", "kind", "year", "path", "line_count"),
    "places.csv": ("id", "kind", "country", "abroad", "lat", "lon", "geonames_query", "admin1", "geonames_id",
                   "precision", "uncertainty_m"),
    "names.csv": ("place_id", "from", "to", "source", "source_lines"),
    "people.csv": ("id", "born", "died"),
    "events.csv": ("id", "start", "end", "approximate", "category", "places", "people", "source", "source_lines"),
    "tour.csv": ("id", "start", "end", "view", "places", "duration_s", "person"),
    "borders.csv": ("file", "valid_from", "valid_to", "compose"),
}
#: What a payload may leave in a page if it got in: elements to look for in every frame.
FOUND_JS = """() => ({
  ran: window.__pwned || null,
  elements: [...document.querySelectorAll('mapapp-payload, img[src="x"], a[href*="example.invalid"]')]
    .map(e => e.outerHTML.slice(0, 120)),
})"""


def payload(tag: str) -> str:
    """Markup that, parsed as HTML, Markdown or script, runs or appears and says it came from ``tag``."""
    push = f"(window.__pwned=window.__pwned||[]).push('{tag}')"
    return (f' <img src=x onerror="{push}"><mapapp-payload data-tag="{tag}"></mapapp-payload>'
            f"</script><script>{push}</script> [{tag}](https://example.invalid/{tag})")


#: The same columns of different tables that must stay equal (a place's last name period carries its name).
_SHARED_TAGS = {"name_en": "name_en", "name_ru": "name_ru"}


def _tag(table: str, column: str) -> str:
    return _SHARED_TAGS[column] if table in ("places.csv", "names.csv") and column in _SHARED_TAGS \
        else f"{table.removesuffix('.csv')}.{column}"


def poison(text: str, table: str, column: str) -> str:
    """A cell with its table and column's payload appended (to each item of a ``;`` list)."""
    mark = payload(_tag(table, column))
    if column == "aliases":
        return ";".join([*(a for a in text.split(";") if a), "Alias" + mark])
    return text + mark


def hostile_copy(data: Path, out: Path) -> dict[str, int]:
    """Copy ``data`` to ``out`` with every non-empty text cell poisoned; return how many cells per table.column.

    Empty cells stay empty: emptiness is meaningful (a gazetteer place's coord_source, a note's absence).
    """
    shutil.copytree(data, out)
    counts: dict[str, int] = {}
    for table, columns in TEXT_COLUMNS.items():
        path = out / table
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        header = list(rows[0].keys())
        for row in rows:
            for column in columns:
                if row.get(column):
                    row[column] = poison(row[column], table, column)
                    counts[f"{table}.{column}"] = counts.get(f"{table}.{column}", 0) + 1
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(text.getvalue(), encoding="utf-8")
    return counts


def known_columns() -> dict[str, set[str]]:
    """Every column of every table mapapp reads (the five tables, the tour, the borders)."""
    return {**{name: set(cols) for name, cols in COLUMNS.items()},
            "tour.csv": set(tour.COLUMNS) | set(tour.OPTIONAL_COLUMNS), "borders.csv": set(borders.COLUMNS)}
