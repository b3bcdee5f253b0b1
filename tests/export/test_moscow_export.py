"""The static export draws Memorial's Moscow collections (issue 11): the window's people shot summed on a grid of
cells (area ∝ the cell's people), their key and count line and credit; Memorial's sites as symbols of their own
layers, those that are curated places drawn only as the place; nothing of either with its layer off; and
``mapapp export`` (the CLI) draws them as the page's export does.

Counts are checked against persons.csv itself, not against the model.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from pyproj import Transformer

from mapapp import DATA_DIR
from mapapp.cli import load_geodata
from mapapp.export.options import ExportOptions, parse_options
from mapapp.export.staticmap import RECORD_CELL_PT, render
from mapapp.model.collections import Collection
from mapapp.model.layers import LAYER_IDS, LAYERS_BY_ID
from mapapp.webmap.mapview import Dataset, load_dataset

PEOPLE, SITES = "moscow-executions", "topography-of-terror"
CITY = "37.45,55.65,37.8,55.85"  # central Moscow, W,S,E,N


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def collection(ds: Dataset, cid: str) -> Collection:
    return next(c for c in ds.collections if c.id == cid)


def options(tmp_path: Path, ds: Dataset, **kw: str) -> ExportOptions:
    kw.setdefault("size", "1400x1000")
    kw.setdefault("dpi", "100")
    kw.setdefault("bbox", CITY)
    return parse_options(tmp_path / "map.png", ds=ds, **kw)


def scatters(fig: Figure, cid: str) -> dict[str, PathCollection]:
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    out = {}
    for artist in ax.collections:
        gid = artist.get_gid() or ""
        if gid.startswith(f"collection-{cid}-"):
            assert isinstance(artist, PathCollection)
            out[gid.removeprefix(f"collection-{cid}-")] = artist
    return out


def texts(fig: Figure, prefix: str) -> list[str]:
    found = [t for ax in fig.axes for t in ax.texts if (t.get_gid() or "").startswith(prefix)]
    found += [t for t in fig.texts if (t.get_gid() or "").startswith(prefix)]
    return [t.get_text() for t in found]


def shot_in(first: date, last: date) -> int:
    """persons.csv: the people shot from ``first`` to ``last`` (both included) whose address the map places."""
    people = collection(load_dataset(), PEOPLE)
    placed = {r.id for r in people.records() if r.feature is not None}
    with (DATA_DIR / "collections" / PEOPLE / "persons.csv").open(encoding="utf-8", newline="") as fh:
        n = 0
        for k, row in enumerate(csv.DictReader(fh), start=1):
            if row["execution_date"] and str(k) in placed:
                d, m, y = (int(x) for x in row["execution_date"].split("."))
                n += first <= date(y, m, d) <= last
    return n


def test_the_windows_people_are_summed_on_a_grid(ds: Dataset, tmp_path: Path) -> None:
    opts = options(tmp_path, ds, start="1937-08", end="1938-11")
    fig = render(ds, opts)
    (cells,) = scatters(fig, PEOPLE).values()
    pts = np.asarray(cells.get_offsets())
    sizes = np.asarray(cells.get_sizes())
    assert len(pts) > 50
    assert list(sizes) == sorted(sizes, reverse=True)  # the larger first, the smaller on top
    # no circle reaches beyond its cell: a diameter of at most a cell (14 pt at the page's type scale, at most
    # its short side over A4's)
    assert float(np.sqrt(sizes.max())) <= RECORD_CELL_PT * min(opts.size_in) / 8.27
    # the line under the key counts the window's people from persons.csv
    line = texts(fig, f"collection-total-{PEOPLE}")[0]
    assert f"{shot_in(date(1937, 8, 1), date(1938, 11, 30)):,} people shot in the window" in line
    note = texts(fig, f"collection-key-note-{PEOPLE}")[0]
    assert note.startswith("Circle area ∝ people shot in the window who lived in a square of ")
    assert "Memorial, mos.memo.ru" in " ".join(texts(fig, "footer")).replace("\n", " ")


@pytest.mark.parametrize(("start", "end"), [
    ("1938-02", "1938-02"),  # 258 people shot on 28 February 1938, the window's last day
    ("1938-09", "1938-09"),  # 80 on 1 September 1938, its first day
    ("1938-03", "1938-08"),  # neither: the day before and the day after are outside
])
def test_the_windows_edges_count(ds: Dataset, tmp_path: Path, start: str, end: str) -> None:
    """The first and the last day of a window are in it, the days either side are not."""
    fig = render(ds, options(tmp_path, ds, start=start, end=end))
    y1, m1 = (int(x) for x in start.split("-"))
    y2, m2 = (int(x) for x in end.split("-"))
    last = date(y2 + m2 // 12, m2 % 12 + 1, 1).toordinal() - 1
    n = shot_in(date(y1, m1, 1), date.fromordinal(last))
    assert n > 0
    assert f"{n:,} people shot in the window" in texts(fig, f"collection-total-{PEOPLE}")[0]


def test_sites_are_symbols_of_their_layers_and_a_curated_place_is_not_drawn_twice(ds: Dataset,
                                                                                   tmp_path: Path) -> None:
    opts = options(tmp_path, ds, start="1937-01", end="1937-12")
    fig = render(ds, opts)
    sites = collection(ds, SITES)
    drawn = scatters(fig, SITES)
    assert set(drawn) == {"nkvd", "killing", "sharashki"}
    forward = Transformer.from_crs("EPSG:4326", opts.region.proj, always_xy=True)
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for layer, artist in drawn.items():
        pts = [tuple(p) for p in np.asarray(artist.get_offsets())]
        expected = []
        for f in sites.operating(1937):
            x, y = forward.transform(f.lon, f.lat)
            if sites.layer_of(f) == layer and f.place is None and x0 <= x <= x1 and y0 <= y <= y1:
                expected.append((x, y))
        assert np.allclose(np.array(sorted(pts)), np.array(sorted(expected))), layer
        colour = np.asarray(artist.get_facecolor())[0][:3]
        assert np.allclose(colour, [int(LAYERS_BY_ID[layer].colour[k:k + 2], 16) / 255 for k in (1, 3, 5)])


def test_the_layers_off_draw_nothing_of_them(ds: Dataset, tmp_path: Path) -> None:
    others = ",".join(layer for layer in LAYER_IDS if layer not in ("addresses", "sharashki", "nkvd", "killing"))
    fig = render(ds, options(tmp_path, ds, start="1937-08", end="1938-11", categories=others))
    assert scatters(fig, PEOPLE) == {} and scatters(fig, SITES) == {}
    assert texts(fig, f"collection-total-{PEOPLE}") == []
    assert "Memorial, mos.memo.ru" not in " ".join(texts(fig, "footer"))


def test_the_cli_reads_the_collections_as_the_page_does() -> None:
    """``mapapp export`` loads its data with its own reader: the collections must be in it."""
    cli_ds, problems = load_geodata(Path(DATA_DIR).parent / "geodata")
    assert problems == [] and cli_ds is not None
    assert [c.id for c in cli_ds.collections] == [c.id for c in load_dataset().collections]
