"""A register's counts per key (site or H3 cell) and month, asked for any window without touching the records.

Built by :mod:`mapapp.ingest.register` (``<id>.aggregates.parquet``: level, key, year, month, n; month 0 is a
record known to the year only). A window's count per key is a difference of two cumulative sums found by binary
search, so its cost grows with the number of keys on screen, never with the number of records. A record known
only to its year is in the window if the window holds its whole year; if the window holds only part of it, the
record *may* be in it: those are counted apart (``may``), so the map can show them as uncertain instead of
inventing a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq


@dataclass(frozen=True)
class WindowCounts:
    """Per key of a level: ``sure`` records inside the window (dated in it to the month or day, or known to a
    year it holds whole), ``may`` records known to a year it holds in part."""

    keys: np.ndarray
    sure: np.ndarray
    may: np.ndarray


@dataclass(frozen=True)
class _Series:
    combined: np.ndarray  # key index × stride + time, sorted
    cum: np.ndarray  # cumulative counts, one longer
    stride: int

    @classmethod
    def of(cls, key_index: np.ndarray, time: np.ndarray, n: np.ndarray, stride: int) -> _Series:
        order = np.lexsort((time, key_index))
        combined = key_index[order].astype(np.int64) * stride + time[order]
        return cls(combined, np.concatenate([[0], np.cumsum(n[order], dtype=np.int64)]), stride)

    def between(self, n_keys: int, first: int, last: int) -> np.ndarray:
        if first > last:  # an empty span (no whole year inside a window of months)
            return np.zeros(n_keys, dtype=np.int64)
        base = np.arange(n_keys, dtype=np.int64) * self.stride
        lo = np.searchsorted(self.combined, base + first, side="left")
        hi = np.searchsorted(self.combined, base + last, side="right")
        return self.cum[hi] - self.cum[lo]


class Aggregates:
    """One level of a register's aggregates, read once; :meth:`window` answers a window in O(keys · log n)."""

    def __init__(self, keys: np.ndarray, year: np.ndarray, month: np.ndarray, n: np.ndarray):
        """Rows of (key, year, month, n); ``month`` 0 for a year-only count."""
        self.keys, index = np.unique(keys, return_inverse=True)
        months = year.astype(np.int64) * 12 + np.maximum(month, 1) - 1
        dated = month > 0
        self._sure = _Series.of(index[dated], months[dated], n[dated], stride=12 * 10_000)
        self._may = _Series.of(index[~dated], year[~dated].astype(np.int64), n[~dated], stride=10_000)

    @classmethod
    def read(cls, path: Path, level: str) -> Aggregates:
        """The ``level`` rows of an aggregates file."""
        table = pq.read_table(path, filters=[("level", "=", level)], columns=["key", "year", "month", "n"])
        return cls(table["key"].to_numpy(zero_copy_only=False).astype(str), table["year"].to_numpy(),
                   table["month"].to_numpy(), table["n"].to_numpy())

    def window(self, first: int, last: int) -> WindowCounts:
        """Counts per key for the months ``first``..``last`` (both included; a month is year × 12 + month − 1)."""
        k = len(self.keys)
        whole = self._may.between(k, (first + 11) // 12, (last + 1) // 12 - 1)  # years inside the window
        overlapping = self._may.between(k, first // 12, last // 12)
        return WindowCounts(self.keys, self._sure.between(k, first, last) + whole, overlapping - whole)


#: The zoom from which each level is drawn: H3 resolution 2 cells (edges ~160 km) for the country, resolution 4
#: (~23 km) for a region, and from :data:`SITE_ZOOM` the sites themselves, the places the records name, whose
#: popups list their records. Coarse first.
LEVEL_ZOOMS: dict[str, int] = {"h3r2": 0, "h3r4": 5, "site": 8}
SITE_ZOOM = LEVEL_ZOOMS["site"]


def level_for_zoom(levels: tuple[str, ...] | list[str], zoom: int) -> str:
    """The finest of ``levels`` that :data:`LEVEL_ZOOMS` allows at ``zoom`` (the coarsest one below all of them)."""
    allowed = [level for level in levels if LEVEL_ZOOMS.get(level, 0) <= zoom]
    return max(allowed, key=lambda level: LEVEL_ZOOMS.get(level, 0)) if allowed else levels[0]
