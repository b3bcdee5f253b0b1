"""People of a register found by name in any spelling, through its sorted name index (no scan of the records).

``<id>.names.parquet`` (:mod:`mapapp.ingest.register`) holds one row per way of writing each record's name,
keyed by :func:`mapapp.model.names.skeleton` and sorted by it: a query's skeleton is a prefix, the prefix a range,
and the file's row groups outside the range (their min/max statistics) are never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from mapapp.model.names import skeleton

#: Shortest query skeleton that is searched at all (one letter would be a twentieth of the register).
MIN_QUERY = 2


@dataclass(frozen=True)
class RecordHit:
    """A record found: its row in the source file, its name as the source gives it, its site and date."""

    row_no: int
    name: str
    site: int
    year: int
    month: int  # 0: unknown
    day: int  # 0: unknown

    @property
    def date(self) -> str:
        """The date as far as the source knows it, ISO and partial (``1937``, ``1937-08``, ``1937-08-15``)."""
        if not self.month:
            return f"{self.year:04d}"
        return f"{self.year:04d}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")

    @property
    def month_index(self) -> int:
        """The month it sorts at (a record known to its year only: January), as the pages of records are sorted."""
        return self.year * 12 + max(self.month, 1) - 1


def prefix_range(prefix: str) -> tuple[str, str]:
    """The keys that start with ``prefix``: ``lo <= key < hi``."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def find(names: Path, query: str, limit: int = 20) -> list[RecordHit]:
    """Up to ``limit`` records whose name starts with ``query`` written in any order the index keeps (surname
    first or last) and any romanisation; whole names first, then by name and row."""
    key = skeleton(query)
    if len(key.replace(" ", "")) < MIN_QUERY:
        return []
    lo, hi = prefix_range(key)
    with duckdb.connect() as con:  # closed at once: a search must not keep a database open per query
        rows = con.execute(
            f"SELECT row_no, any_value(name), any_value(site), any_value(year), any_value(month), any_value(day), "
            f"min(CASE WHEN key = ? THEN 0 ELSE 1 END) AS rank FROM read_parquet('{names}') "
            f"WHERE key >= ? AND key < ? GROUP BY row_no ORDER BY rank, any_value(name), row_no LIMIT ?",
            [key, lo, hi, limit]).fetchall()
    return [RecordHit(int(r[0]), str(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]
