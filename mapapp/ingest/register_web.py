"""The browser's files of a register: counts per cell and year at each level, and its records in pages, written by
the build beside the register's columnar files (``<id>.web/``) so that any web server can serve them as they are.

What the browser fetches is bounded by the screen and the window, never by the number of records: the cells of
the level the zoom calls for (:func:`mapapp.model.aggregates.level_for_zoom`), one small file per year of the
window, and a popup's one page of records. Every file is JSON, deterministic (same register, same bytes):

- ``manifest.json``: ``{"levels": [{"id", "cells", "years", "top"}], "page": records per page, "fields": the
  record fields' ids, "digest": sha-256 of every other file}`` (``top``: the fullest cell's records at all dates,
  what sizes the level's circles on the map and on paper);
- ``<level>.cells.json``: one row per cell, ``[lon, lat, records]`` (H3 levels: the cell's centre) and for the
  level ``site`` also ``name`` (the place text most of its records give, as the source writes it), ``pages``
  (the month index of each page's first record, so a popup opens at the window) and ``precision`` (``town``, or
  ``region``: the texts name only a region, placed at its centre);
- ``<level>/<year>.json``: ``[[cell, known to the year only, month, n, month, n, …], …]``, months 1–12, cells in
  order; a window's count per cell is a sum over the window's years (the same rule as
  :class:`mapapp.model.aggregates.Aggregates`: a record known only to its year is sure if the window holds the
  whole year, else it *may* be in it);
- ``records/<row>-<page>.json``: a place's records (``row``: its row in ``site.cells.json``),
  ``[[id, name, date, place text, field, …], …]`` by date (``date`` ISO and
  partial: ``1937``, ``1937-08``, ``1937-08-15``), :data:`PAGE` to a page.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import h3

#: Records per page of a site's popup.
PAGE = 100
#: Sites whose records are read from DuckDB at once (bounds the build's memory, whatever N is).
SITES_PER_BATCH = 500

_DATE_SQL = ("CASE WHEN month = 0 THEN CAST(year AS VARCHAR) WHEN day = 0 THEN printf('%04d-%02d', year, month) "
             "ELSE printf('%04d-%02d-%02d', year, month, day) END")


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def month_of(year: int, month: int) -> int:
    """The month index (year × 12 + month − 1) a record sorts at: a record known to its year only at January."""
    return year * 12 + max(month, 1) - 1


def cells(con: duckdb.DuckDBPyConnection, level: str, resolution: int | None,
          sites: Mapping[int, tuple[float, float, str]]) -> tuple[list[str], list[list[Any]]]:
    """The keys of ``level``'s cells in order and their rows ``[lon, lat, records]`` (+ name, pages, precision for
    sites)."""
    totals = con.execute("SELECT key, sum(n) FROM aggregates WHERE level = ? GROUP BY key ORDER BY key",
                         [level]).fetchall()
    if resolution is not None:
        keys = [str(k) for k, _ in totals]
        rows: list[list[Any]] = []
        for k, n in totals:
            lat, lon = h3.cell_to_latlng(str(k))
            rows.append([round(lon, 5), round(lat, 5), int(n)])
        return keys, rows
    by_site = sorted((int(k), int(n)) for k, n in totals)
    names = dict(con.execute(
        "SELECT site, arg_max(place_text, n) FROM (SELECT site, place_text, count(*) AS n FROM records "
        "GROUP BY site, place_text) GROUP BY site").fetchall())
    starts = _page_starts(con)
    return ([str(s) for s, _ in by_site],
            [[round(sites[s][1], 5), round(sites[s][0], 5), n, names[s], starts[s], sites[s][2]] for s, n in by_site])


def _page_starts(con: duckdb.DuckDBPyConnection) -> dict[int, list[int]]:
    """Each site's pages' first months (records by date, :data:`PAGE` to a page)."""
    rows = con.execute(f"""
        SELECT site, year, month FROM (
            SELECT site, year, month, row_number() OVER (PARTITION BY site ORDER BY year, month, day, row_no) - 1 AS k
            FROM records) WHERE k % {PAGE} = 0 ORDER BY site, k""").fetchall()
    out: dict[int, list[int]] = {}
    for site, year, month in rows:
        out.setdefault(int(site), []).append(month_of(int(year), int(month)))
    return out


def year_files(con: duckdb.DuckDBPyConnection, level: str, keys: Sequence[str]) -> dict[int, list[list[int]]]:
    """``level``'s counts by year: ``{year: [[cell, year only, month, n, …], …]}``."""
    index = {k: i for i, k in enumerate(keys)}
    out: dict[int, dict[int, list[int]]] = {}
    for key, year, month, n in con.execute(
            "SELECT key, year, month, n FROM aggregates WHERE level = ? ORDER BY year, key, month", [level]).fetchall():
        row = out.setdefault(int(year), {}).setdefault(index[str(key)], [index[str(key)], 0])
        if month == 0:
            row[1] += int(n)
        else:
            row += [int(month), int(n)]
    return {y: [rows[c] for c in sorted(rows)] for y, rows in sorted(out.items())}


def record_pages(con: duckdb.DuckDBPyConnection, fields: Sequence[str]) -> Iterator[tuple[int, int, list[list[Any]]]]:
    """``(site, page, records)`` for every page of every site, a batch of sites at a time."""
    columns = ", ".join(["id", "name", _DATE_SQL, "place_text", *(f'"f_{f}"' for f in fields)])
    site_ids = [int(s) for (s,) in con.execute("SELECT DISTINCT site FROM records ORDER BY site").fetchall()]
    for b in range(0, len(site_ids), SITES_PER_BATCH):
        batch = site_ids[b:b + SITES_PER_BATCH]
        rows = con.execute(f"SELECT site, {columns} FROM records WHERE site BETWEEN ? AND ? "
                           "ORDER BY site, year, month, day, row_no", [batch[0], batch[-1]]).fetchall()
        start = 0
        while start < len(rows):
            site = rows[start][0]
            end = start
            while end < len(rows) and rows[end][0] == site:
                end += 1
            for page, k in enumerate(range(start, end, PAGE)):
                yield int(site), page, [list(r[1:]) for r in rows[k:min(k + PAGE, end)]]
            start = end


def write_web(con: duckdb.DuckDBPyConnection, folder: Path, levels: Mapping[str, int | None],
              sites: Mapping[int, tuple[float, float, str]], fields: Sequence[str]) -> str:
    """Write the register's browser files into the new folder ``folder`` (tables ``records`` and ``aggregates`` in
    ``con``; ``sites``: site → (lat, lon, precision)); return the digest the manifest carries."""
    digest = hashlib.sha256()

    def put(rel: str, data: bytes) -> None:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())

    manifest_levels = []
    row_of: dict[str, int] = {}
    for level, resolution in levels.items():
        keys, rows = cells(con, level, resolution, sites)
        if resolution is None:
            row_of = {k: i for i, k in enumerate(keys)}
        put(f"{level}.cells.json", _json(rows))
        years = year_files(con, level, keys)
        for year, counts in years.items():
            put(f"{level}/{year}.json", _json(counts))
        manifest_levels.append({"id": level, "cells": len(keys), "years": list(years),
                                "top": max((row[2] for row in rows), default=0)})
    for site, page, records in record_pages(con, fields):
        put(f"records/{row_of[str(site)]}-{page}.json", _json(records))
    (folder / "manifest.json").write_bytes(_json({"levels": manifest_levels, "page": PAGE, "fields": list(fields),
                                                  "digest": digest.hexdigest()}))
    return digest.hexdigest()
