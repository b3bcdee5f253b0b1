"""A register's records of a window as a CSV file, streamed: one batch of rows at a time from its records file.

A window of a national register can hold a million records, more than a page's download button should hold in
memory. :func:`register_csv` yields the file in chunks: the records file is sorted by date, so the years outside
the window are never read (its row groups carry their years' range), and each batch is filtered, formatted and
written as CSV by pyarrow, in C++. The server's memory is one batch's, whatever the window holds.

The rows are those the map counts for the window (:class:`~mapapp.model.aggregates.WindowCounts`): records dated
in it, to the month or the day, and records known only to a year it holds whole (``in_window`` "yes"); records
known only to a year it holds in part *may* be in it and are included, marked "year only" — never dropped, never
given a guessed month. Names, place texts and fields are as the source gives them; a cell a spreadsheet would run
as a formula gets a leading ``'`` (:func:`mapapp.webmap.download.csv_cell`). The last row, after an empty one,
carries the register's citation, credit and caveat.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import shapely

from mapapp.i18n import Lang, format_number, t
from mapapp.model.dates import month_of
from mapapp.model.registers import Register
from mapapp.model.viewstate import MapState, parse_month
from mapapp.webmap.download import FORMULA_STARTS, PLAIN_NUMBER, csv_cell

#: Rows per batch read and written: ~2 MB of CSV, a few MB of memory.
BATCH = 20_000
#: The columns before the register's own fields.
COLUMNS = ("record_id", "name", "date", "in_window", "place_text", "latitude", "longitude", "located")
IN_WINDOW = {"en": ("yes", "year only: may be in the window"),
             "ru": ("да", "известен только год: может быть в окне")}
#: What a site's point is, as the register's build resolved its place text.
LOCATED = {"en": {"town": "town", "region": "region only"}, "ru": {"town": "населённый пункт", "region": "только регион"}}


@dataclass(frozen=True)
class Window:
    """Months ``first``..``last`` (year × 12 + month − 1, both included)."""

    first: int
    last: int

    @classmethod
    def of(cls, state: MapState, span_start: date) -> Window:
        """The window a map of ``state`` shows (from ``span_start``, the data's first day, in "as of" mode)."""
        start, end = state.window(span_start)
        return cls(month_of(start), month_of(end))

    def months(self) -> tuple[str, str]:
        """``("1937-08", "1938-11")``."""
        return f"{self.first // 12:04d}-{self.first % 12 + 1:02d}", f"{self.last // 12:04d}-{self.last % 12 + 1:02d}"

    @classmethod
    def parse(cls, start: str, end: str) -> Window:
        """From two ``YYYY-MM``; ValueError naming the bad value, or saying the start is after the end."""
        (y0, m0), (y1, m1) = parse_month(start), parse_month(end)
        window = cls(y0 * 12 + m0 - 1, y1 * 12 + m1 - 1)
        if window.first > window.last:
            raise ValueError(f"the window's start {start} is after its end {end}")
        return window


#: :data:`~mapapp.webmap.download.FORMULA_STARTS` and a whole plain number, as patterns for pyarrow.
_FORMULA = "^(?:" + "|".join(re.escape(c) for c in FORMULA_STARTS) + ")"
_NUMBER = f"^(?:{PLAIN_NUMBER.pattern})$"


def _safe(column: pa.Array) -> pa.Array:
    """A text column with :func:`~mapapp.webmap.download.csv_cell`'s rule applied to every cell, vectorised."""
    text = pc.cast(column, pa.string())
    risky = pc.and_(pc.match_substring_regex(text, _FORMULA), pc.invert(pc.match_substring_regex(text, _NUMBER)))
    return pc.if_else(pc.fill_null(risky, False), pc.binary_join_element_wise("'", text, ""), text)


def _dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> pa.Array:
    """``1937``, ``1937-08`` or ``1937-08-05``: each record's date at the precision the source gives."""
    y = pc.cast(pa.array(year), pa.string())
    m = pc.utf8_lpad(pc.cast(pa.array(month), pa.string()), 2, "0")
    d = pc.utf8_lpad(pc.cast(pa.array(day), pa.string()), 2, "0")
    ym = pc.if_else(pa.array(month > 0), pc.binary_join_element_wise(y, m, "-"), y)
    return pc.if_else(pa.array((month > 0) & (day > 0)), pc.binary_join_element_wise(ym, d, "-"), ym)


class _Sites:
    """Each site's point and how it was located, looked up by site number for a whole batch at once."""

    def __init__(self, reg: Register, lang: Lang):
        table = pq.read_table(reg.path("sites.parquet"), columns=["site", "precision", "geometry"])
        points = shapely.from_wkb(table["geometry"].to_numpy(zero_copy_only=False))
        site = table["site"].to_numpy().astype(np.int64)  # (a register with no place has an empty, untyped column)
        size = int(site.max()) + 1 if len(site) else 0
        self.lon = np.full(size, np.nan)
        self.lat = np.full(size, np.nan)
        self.lon[site], self.lat[site] = shapely.get_x(points), shapely.get_y(points)
        names = LOCATED[lang]
        located = [names.get(p, p) for p in table["precision"].to_pylist()]
        self.located = np.empty(size, dtype=object)
        self.located[site] = located

    def columns(self, site: np.ndarray) -> list[pa.Array]:
        return [pa.array(np.round(self.lat[site], 6)), pa.array(np.round(self.lon[site], 6)),
                pa.array(self.located[site], pa.string())]


def window_filter(window: Window) -> pc.Expression:
    """The records of a window's years: what is read at all (the rows of the other years are never decoded)."""
    return (pc.field("year") >= window.first // 12) & (pc.field("year") <= window.last // 12)


def register_csv(reg: Register, window: Window, lang: Lang, batch: int = BATCH) -> Iterator[bytes]:
    """The records of ``reg`` in ``window`` as UTF-8 CSV, in chunks (see the module's docstring)."""
    fields = [f"f_{fid}" for fid, _ in reg.fields]
    header = [*COLUMNS, *(fid for fid, _ in reg.fields)]
    yield _csv_lines([header])
    sites = _Sites(reg, lang)
    yes, maybe = IN_WINDOW[lang]
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    data = pads.dataset(reg.path("records.parquet"), format="parquet")
    columns = ["id", "name", "place_text", "site", "year", "month", "day", *fields]
    for chunk in data.to_batches(columns=columns, filter=window_filter(window), batch_size=batch):
        year, month = chunk["year"].to_numpy(), chunk["month"].to_numpy()
        dated = month > 0
        index = year.astype(np.int64) * 12 + np.maximum(month, 1) - 1
        in_dated = dated & (index >= window.first) & (index <= window.last)
        # A year-only record: in the window if the window holds its whole year, perhaps if it holds part of it.
        whole = (year * 12 >= window.first) & (year * 12 + 11 <= window.last)
        keep = in_dated | ~dated
        if not keep.any():
            continue
        rows = chunk.filter(pa.array(keep))
        year, month, day = year[keep], month[keep], rows["day"].to_numpy()
        site = rows["site"].to_numpy()
        sure = (in_dated | (~dated & whole))[keep]
        table = pa.Table.from_arrays(
            [_safe(rows["id"]), _safe(rows["name"]), _dates(year, month, day),
             pa.array(np.where(sure, yes, maybe), pa.string()), _safe(rows["place_text"]), *sites.columns(site),
             *(_safe(rows[f]) for f in fields)], names=header)
        sink = pa.BufferOutputStream()
        pacsv.write_csv(table, sink, options)
        yield sink.getvalue().to_pybytes()
    yield _csv_lines([[], ["source", csv_cell(credit_line(reg, lang))]])


def _csv_lines(rows: list[list[str]]) -> bytes:
    """``rows`` as the batches are written: every cell quoted, UTF-8."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return out.getvalue().encode("utf-8")


def credit_line(reg: Register, lang: Lang) -> str:
    """The register's citation, credit and caveat, as the file's last row gives them."""
    return f"{reg.text('citation', lang)}. {reg.text('credit', lang)}. {reg.text('caveat', lang)}"


def register_summary(reg: Register, window: Window) -> tuple[int, int]:
    """(records in the window, records that may be in it): the rows :func:`register_csv` writes, counted."""
    counts = reg.window(reg.levels[0], window.first, window.last)
    return int(counts.sure.sum()), int(counts.may.sum())


def summary_text(reg: Register, window: Window, lang: Lang) -> str:
    """What the download holds: "Records of persecution — the window: 1,234 records, and 56 known only to a
    year it holds in part."."""
    sure, may = register_summary(reg, window)
    key = "download_register_may" if may else "download_register"
    return t(key, lang).format(title=reg.text("title", lang), n=format_number(sure, lang),
                               may=format_number(may, lang))
