"""The static export draws the collections as the browser does (issue 10 §3): a circle per location operating in
the window's last year, area ∝ its prisoners, a recorded zero a white disc, "no count" a dashed ring; below the
place markers; a size key, the year's total and the credit; in English and Russian; off with its layer.

Assertions are on the matplotlib artists (found by gid), on the committed collection ``geodata/collections``.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import PathPatch
from pyproj import Transformer

from mapapp.export.options import ExportOptions, parse_options
from mapapp.export.standalone import standalone_html
from mapapp.export.staticmap import render
from mapapp.model.collections import Collection, Feature
from mapapp.model.layers import LAYER_IDS, LAYERS_BY_ID
from mapapp.model.viewstate import MapState
from mapapp.webmap.mapview import Dataset, load_dataset

KINDS = ("count", "no-count", "zero")
NO_GULAG = ",".join(layer for layer in LAYER_IDS if layer != "gulag")


def camps_only(ds: Dataset) -> Dataset:
    """``ds`` with the camps as its only collection: these tests are of the camps' circles, key and total
    (the Moscow collections have theirs: tests/export/test_moscow_export.py)."""
    return replace(ds, collections=tuple(c for c in ds.collections if c.id == "gulag-camps"))


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return camps_only(load_dataset())


@pytest.fixture(scope="module")
def camps(ds: Dataset) -> Collection:
    found = [c for c in ds.collections if c.layer == "gulag"]
    assert len(found) == 1, "the committed geodata holds the Gulag camps collection"
    return found[0]


def options(tmp_path: Path, ds: Dataset, **kw: str) -> ExportOptions:
    if "paper" not in kw:
        kw.setdefault("size", "1169x827")
    kw.setdefault("dpi", "100")
    return parse_options(tmp_path / "map.png", ds=ds, **kw)


def map_axes(fig: Figure) -> Axes:
    return next(ax for ax in fig.axes if ax.get_gid() == "map")


def circles(fig: Figure, c: Collection) -> dict[str, PathCollection]:
    """The map's scatters of ``c``, by kind."""
    found = {}
    for artist in map_axes(fig).collections:
        gid = artist.get_gid() or ""
        if gid.startswith(f"collection-{c.id}-"):
            assert isinstance(artist, PathCollection)
            found[gid.removeprefix(f"collection-{c.id}-")] = artist
    assert set(found) <= set(KINDS)
    return found


def offsets(fig: Figure, c: Collection) -> np.ndarray:
    found = circles(fig, c)
    parts = [np.asarray(found[k].get_offsets()) for k in KINDS if k in found]
    return np.vstack(parts) if parts else np.empty((0, 2))


def projected(opts: ExportOptions, feature: Feature) -> tuple[float, float]:
    forward = Transformer.from_crs("EPSG:4326", opts.region.proj, always_xy=True)
    x, y = forward.transform(feature.lon, feature.lat)
    return float(x), float(y)


def in_view(fig: Figure, xy: tuple[float, float]) -> bool:
    ax = map_axes(fig)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return x0 <= xy[0] <= x1 and y0 <= xy[1] <= y1


def drawn_at(fig: Figure, c: Collection, xy: tuple[float, float]) -> int:
    """How many circles of ``c`` have their centre at ``xy`` (within a metre)."""
    pts = offsets(fig, c)
    return int(np.sum(np.hypot(pts[:, 0] - xy[0], pts[:, 1] - xy[1]) < 1.0)) if len(pts) else 0


def texts(fig: Figure, prefix: str) -> list[str]:
    out = [t for ax in fig.axes for t in ax.texts if (t.get_gid() or "").startswith(prefix)]
    out += [t for t in fig.texts if (t.get_gid() or "").startswith(prefix)]
    return [t.get_text() for t in sorted(out, key=lambda t: t.get_gid() or "")]


def legend_labels(fig: Figure) -> list[str]:
    legends = [lg for lg in fig.legends if isinstance(lg, Legend) and lg.get_gid() == "legend"]
    return [t.get_text() for lg in legends for t in lg.get_texts()]


def footer(fig: Figure) -> str:
    return " ".join(texts(fig, "footer")).replace("\n", " ")


def unique_place(c: Collection, feature: Feature) -> bool:
    return sum((f.lon, f.lat) == (feature.lon, feature.lat) for f in c.features) == 1


@pytest.mark.parametrize("year", [1930, 1938, 1950])
def test_one_circle_per_feature_operating_in_the_year(ds: Dataset, camps: Collection, tmp_path: Path,
                                                       year: int) -> None:
    opts = options(tmp_path, ds, date=f"{year}-12")  # as of December: a window ending in the year
    fig = render(ds, opts)
    expected = [f for f in camps.operating(year) if in_view(fig, projected(opts, f))]
    assert len(expected) >= len(camps.operating(year)) - 2  # the USSR view holds (nearly) every location
    found = circles(fig, camps)
    for kind, test in (("count", lambda v: v is not None and v > 0), ("no-count", lambda v: v is None),
                       ("zero", lambda v: v == 0)):
        want = sum(1 for f in expected if test(f.value(year)))
        got = len(np.asarray(found[kind].get_offsets())) if kind in found else 0
        assert got == want, (kind, got, want)
    assert len(offsets(fig, camps)) == len(expected)


def _edge_feature(c: Collection, edge: str) -> Feature:
    """A location (alone at its coordinates) whose first (or last) year lies inside the collection's span."""
    return next(f for f in sorted(c.features, key=lambda f: f.id) if unique_place(c, f)
                and 1930 <= (f.year_range()[0] if edge == "first" else f.year_range()[-1]) <= 1952
                and len(f.year_range()) > 1)


@pytest.mark.parametrize("edge", ["first", "last"])
def test_a_feature_shows_from_its_first_to_its_last_year(ds: Dataset, camps: Collection, tmp_path: Path,
                                                         edge: str) -> None:
    feature = _edge_feature(camps, edge)
    assert feature.first is not None and feature.last is not None
    if edge == "first":  # drawn in a window ending in its first year, not in one ending the December before
        inside, outside = f"{feature.first}-01", f"{feature.first - 1}-12"
    else:  # drawn in a window ending in its last year, not in one ending the January after
        inside, outside = f"{feature.last}-12", f"{feature.last + 1}-01"
    for date, count in ((inside, 1), (outside, 0)):
        opts = options(tmp_path, ds, date=date)
        fig = render(ds, opts)
        assert in_view(fig, projected(opts, feature))
        assert drawn_at(fig, camps, projected(opts, feature)) == count, (feature.id, date)


def test_circle_area_is_proportional_to_the_figure(ds: Dataset, camps: Collection, tmp_path: Path) -> None:
    year = 1938
    opts = options(tmp_path, ds, start="1938-01", end="1938-12")
    fig = render(ds, opts)
    counted = circles(fig, camps)["count"]
    sizes = np.asarray(counted.get_sizes())
    assert list(sizes) == sorted(sizes, reverse=True)  # larger circles first, below the smaller ones
    pts = np.asarray(counted.get_offsets())
    # Two locations alone at their place, both well above the smallest circle: areas in the ratio of their figures.
    big = sorted((f for f in camps.operating(year) if unique_place(camps, f) and (f.value(year) or 0) > 5000),
                 key=lambda f: f.value(year) or 0)
    a, b = big[0], big[-1]
    assert (a.value(year) or 0) * 2 < (b.value(year) or 0)

    def size_of(f: Feature) -> float:
        x, y = projected(opts, f)
        (k,) = np.flatnonzero(np.hypot(pts[:, 0] - x, pts[:, 1] - y) < 1.0)
        return float(sizes[k])

    assert size_of(b) / size_of(a) == pytest.approx((b.value(year) or 0) / (a.value(year) or 0), rel=1e-9)
    # The largest figure of all years is a circle of 30 pt radius at type scale 1 (A4); this page has a smaller s.
    scale = max(min(opts.size_in) / 8.27, 0.7)
    assert size_of(b) == pytest.approx((2 * 30 * scale) ** 2 * (b.value(year) or 0) / camps.max_value, rel=1e-9)


def linestyles(collection: Any) -> list[tuple[float, Any]]:
    """A collection's (offset, dashes) pairs (matplotlib's stubs type them loosely)."""
    return [(float(offset), dashes) for offset, dashes in collection.get_linestyle()]


def test_no_count_is_a_dashed_ring_and_zero_a_white_disc(ds: Dataset, camps: Collection, tmp_path: Path) -> None:
    fig = render(ds, options(tmp_path, ds, start="1938-01", end="1938-12"))
    found = circles(fig, camps)
    (_, dashes), = linestyles(found["no-count"])
    assert dashes is not None and len(dashes) == 2  # dashed
    face = np.asarray(found["no-count"].get_facecolor())
    assert len(face) == 0 or face[:, 3].max() == 0  # a ring, not a disc
    assert all(d is None for _, d in linestyles(found["count"]))  # solid
    assert all(d is None for _, d in linestyles(found["zero"]))
    assert tuple(np.asarray(found["zero"].get_facecolor())[0]) == to_rgba("white")
    assert tuple(np.asarray(found["count"].get_facecolor())[0]) == to_rgba(LAYERS_BY_ID["gulag"].colour, 0.55)
    # The zero disc and the ring are the browser's 3 and 4 px, not sized by a figure.
    assert np.sqrt(found["no-count"].get_sizes()).max() > np.sqrt(found["zero"].get_sizes()).max()


def test_circles_lie_over_the_borders_and_under_the_markers(ds: Dataset, camps: Collection, tmp_path: Path) -> None:
    fig = render(ds, options(tmp_path, ds, start="1938-01", end="1938-12"))
    ax = map_axes(fig)
    rings = [a.get_zorder() for a in circles(fig, camps).values()]
    markers = [a.get_zorder() for a in ax.collections if (a.get_gid() or "").startswith("layer-")]
    borders = [a.get_zorder() for a in ax.collections if (a.get_gid() or "").startswith("borders-")]
    land = [p.get_zorder() for p in ax.patches if type(p) is PathPatch]  # the basemap
    assert markers and borders and land
    assert max(borders + land) < min(rings) and max(rings) < min(markers)


def test_the_layer_off_draws_no_circle_key_total_or_credit(ds: Dataset, camps: Collection, tmp_path: Path) -> None:
    opts = options(tmp_path, ds, start="1938-01", end="1938-12", categories=NO_GULAG)
    assert "gulag" not in opts.layers
    fig = render(ds, opts)
    assert circles(fig, camps) == {}
    assert not any((ax.get_gid() or "").startswith("collection-") for ax in fig.axes)
    assert not texts(fig, "collection-")
    assert LAYERS_BY_ID["gulag"].label_en not in legend_labels(fig)
    assert camps.text("credit", "en") not in footer(fig)


def test_categories_gulag_alone(ds: Dataset, camps: Collection, tmp_path: Path) -> None:
    opts = options(tmp_path, ds, start="1938-01", end="1938-12", categories="gulag")
    assert opts.layers == ("gulag",)
    fig = render(ds, opts)
    assert len(offsets(fig, camps)) == len(camps.operating(1938))
    assert not [a for a in map_axes(fig).collections if (a.get_gid() or "").startswith("layer-")]
    assert legend_labels(fig) == [LAYERS_BY_ID["gulag"].label_en]


@pytest.mark.parametrize(("lang", "labels", "note"), [
    ("en", ["100,000", "10,000", "1,000", "count 0", "operating, no count"],
     "Circle area ∝ prisoners in the window's last year"),
    ("ru", ["100\u00a0000", "10\u00a0000", "1\u00a0000", "число 0", "действует, данных нет"],
     "Площадь круга ∝ числу заключённых в последнем году периода"),
])
def test_the_size_key(ds: Dataset, camps: Collection, tmp_path: Path, lang: str, labels: list[str],
                      note: str) -> None:
    opts = options(tmp_path, ds, start="1938-01", end="1938-12", lang=lang)
    fig = render(ds, opts)
    assert texts(fig, f"collection-key-label-{camps.id}-") == labels
    assert texts(fig, f"collection-key-note-{camps.id}") == [note]
    layer = LAYERS_BY_ID["gulag"]
    assert (layer.label_en if lang == "en" else layer.label_ru) in legend_labels(fig)
    key = next(ax for ax in fig.axes if ax.get_gid() == f"collection-key-{camps.id}")
    rows: dict[str | None, Any] = {a.get_gid(): a for a in key.collections}
    # The key's circles are the map's: 100,000 against a location's figure, in area.
    key_100k = float(rows[f"collection-key-{camps.id}-0"].get_sizes()[0])
    key_10k = float(rows[f"collection-key-{camps.id}-1"].get_sizes()[0])
    assert key_100k / key_10k == pytest.approx(10.0)
    counted = circles(fig, camps)["count"]
    top = max(f.value(1938) or 0 for f in camps.operating(1938))
    assert float(counted.get_sizes()[0]) / key_100k == pytest.approx(top / 100_000)
    (_, dashes), = linestyles(rows[f"collection-key-{camps.id}-4"])
    assert dashes is not None  # "no count" dashed in the key too


def test_the_years_total_line(ds: Dataset, camps: Collection, tmp_path: Path) -> None:
    total = camps.total(1938)
    assert total is not None
    fig = render(ds, options(tmp_path, ds, start="1938-01", end="1938-12"))
    assert texts(fig, f"collection-total-{camps.id}") == [
        f"Prisoners in 1938: {total.total:,} — the sum for the {total.with_value} of {total.operating} locations "
        "operating that year that have a count."]
    assert "Prisoners in 1938: 1,559,984 — the sum for the 58 of 60 locations" in texts(
        fig, f"collection-total-{camps.id}")[0]
    credit = camps.text("credit", "en")
    assert credit in footer(fig) and camps.text("caveat", "en") in footer(fig)


def test_the_years_total_line_in_russian(ds: Dataset, camps: Collection, tmp_path: Path) -> None:
    total = camps.total(1945)
    assert total is not None
    fig = render(ds, options(tmp_path, ds, date="1945-06", lang="ru"))
    number = f"{total.total:,}".replace(",", "\u00a0")
    assert texts(fig, f"collection-total-{camps.id}") == [
        f"Число заключённых в 1945 году: {number} — сумма по {total.with_value} из {total.operating} "
        "действовавших в том году мест, для которых есть число."]
    assert camps.text("credit", "ru") in footer(fig)


def test_a_year_outside_the_collection(ds: Dataset, camps: Collection, tmp_path: Path) -> None:
    assert camps.years is not None
    year = camps.years[1] + 1
    fig = render(ds, options(tmp_path, ds, date=f"{year}-06"))
    assert circles(fig, camps) == {}
    assert texts(fig, f"collection-total-{camps.id}") == [
        f"{year}: outside the years of this collection ({camps.years[0]}–{camps.years[1]})."]
    assert LAYERS_BY_ID["gulag"].label_en not in legend_labels(fig)
    assert texts(fig, "collection-key-") == []


def test_each_animation_frame_shows_its_own_year(ds: Dataset, camps: Collection, tmp_path: Path) -> None:
    opts = parse_options(tmp_path / "map.gif", ds=ds, start="1939-01", end="1941-12", size="700x500")
    frames = opts.frame_options()
    assert [f.end for f in frames] == ["1939-12", "1940-12", "1941-12"]
    for frame, year in zip(frames, (1939, 1940, 1941), strict=True):
        fig = render(ds, frame)
        expected = [f for f in camps.operating(year) if in_view(fig, projected(frame, f))]
        assert len(offsets(fig, camps)) == len(expected)
        total = camps.total(year)
        assert total is not None
        assert f"{total.total:,}" in texts(fig, f"collection-total-{camps.id}")[0]


def test_the_size_follows_the_type_scale(ds: Dataset, camps: Collection, tmp_path: Path) -> None:
    small = render(ds, options(tmp_path, ds, start="1938-01", end="1938-12", size="1169x827", dpi="100"))
    large = render(ds, options(tmp_path, ds, start="1938-01", end="1938-12", paper="a3", dpi="72"))
    s_small = max(827 / 100 / 8.27, 0.7)
    s_large = 297 / 25.4 / 8.27
    ratio = float(circles(large, camps)["count"].get_sizes()[0]) / float(circles(small, camps)["count"].get_sizes()[0])
    assert math.isclose(ratio, (s_large / s_small) ** 2, rel_tol=0.02)


def test_the_standalone_page_carries_the_collection_inline(ds: Dataset, camps: Collection) -> None:
    page = standalone_html(ds, MapState(start="1937-01", end="1938-12"))
    start = page.index("mapapp.init(")
    start = page.index(",", start) + 1  # after the map's name
    payload, _ = json.JSONDecoder().raw_decode(page[start:].lstrip())
    (inline,) = [c for c in payload["collections"] if c["id"] == camps.id]
    assert inline["url"] is None
    features = inline["features"]["features"]
    assert len(features) == len(camps.features)
    assert {f["id"] for f in features} == {f.id for f in camps.features}


@pytest.mark.parametrize(("categories", "ok"), [(None, True), ("gulag", True), ("killing,nkvd", False)])
def test_a_window_with_only_camps_exports_when_their_layer_is_chosen(tmp_path: Path, categories: str | None,
                                                                      ok: bool) -> None:
    from mapapp.export.options import ExportOptionsError, parse_options
    from mapapp.webmap.mapview import load_dataset

    ds = camps_only(load_dataset())
    assert not [e for e in ds.events if e.start_min.year == 1950 or e.end_max.year == 1950]  # no curated event
    extra = {"categories": categories} if categories else {}
    if ok:
        opts = parse_options(tmp_path / "map.png", ds=ds, start="1950-01", end="1950-12", **extra)
        assert opts.state.end == "1950-12"
    else:
        with pytest.raises(ExportOptionsError, match="no events in this window"):
            parse_options(tmp_path / "map.png", ds=ds, start="1950-01", end="1950-12", **extra)
