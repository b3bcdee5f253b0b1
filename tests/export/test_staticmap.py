"""The static renderer: labels never overlap, the Moscow inset, north arrow, date stamps, one golden image.

The golden image is ``tests/golden/base_europe_600x400.png``: the small test dataset (``tests/conftest.py``
BASE) over Europe, 1934-01..1938-12, 600×400 px at 100 dpi. After an intended change of the look, regenerate it
with ``MAPAPP_REGEN_GOLDEN=1 pytest tests/export/test_staticmap.py -k golden``, look at it, and commit it.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image

from mapapp.export.basemap import load_countries
from mapapp.export.options import ExportOptions, parse_options
from mapapp.export.regions import REGIONS_BY_ID, region_for_bbox
from mapapp.export.staticmap import (
    Candidate,
    date_stamp,
    fit_aspect,
    needs_north_arrow,
    place_labels,
    projected_extent,
    render,
)
from mapapp.export.write import export
from mapapp.ingest.build import build
from mapapp.ingest.gazetteer import Gazetteer
from mapapp.webmap.mapview import Dataset, load_dataset

GOLDEN = Path(__file__).parents[1] / "golden" / "base_europe_600x400.png"
#: Mean absolute difference (0–255, over all channels) and share of pixels differing by more than 64.
GOLDEN_MEAN_TOLERANCE = 1.5
GOLDEN_CHANGED_TOLERANCE = 0.005


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def labels(fig: Figure) -> list[Text]:
    return [t for ax in fig.axes for t in ax.texts if (t.get_gid() or "").startswith("label-")]


def label_boxes(fig: Figure) -> list[tuple[str | None, Bbox, Bbox]]:
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)  # render() draws on Agg
    renderer = canvas.get_renderer()
    boxes = []
    for t in labels(fig):
        assert t.axes is not None
        boxes.append((t.get_gid(), t.get_window_extent(renderer), t.axes.get_window_extent(renderer)))
    return boxes


@pytest.mark.parametrize("options", [
    {"date": "1953-12"},
    {"start": "1934-01", "end": "1953-12", "region": "europe", "lang": "ru"},
    {"start": "1934-01", "end": "1953-12", "region": "moscow"},
    {"date": "1937-12", "region": "world", "paper": "a4", "orientation": "portrait"},
])
def test_labels_never_overlap_and_stay_inside_the_map(ds: Dataset, tmp_path: Path, options: dict[str, str]) -> None:
    fig = render(ds, parse_options(tmp_path / "map.png", ds=ds, dpi="100", **options))
    boxes = label_boxes(fig)
    assert len(boxes) >= 8
    for (gid_a, a, _), (gid_b, b, _) in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"{gid_a} overlaps {gid_b}"
    for gid, box, area in boxes:
        assert area.x0 <= box.x0 and box.x1 <= area.x1 and area.y0 <= box.y0 and box.y1 <= area.y1, gid


def test_greedy_placement_drops_what_does_not_fit() -> None:
    fig = Figure(figsize=(3, 2), dpi=100)
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    crowd = [Candidate(f"p{i}", f"Place {i}", 5, 5, 4) for i in range(20)]
    placed = place_labels(ax, crowd, [], 8, renderer)
    assert 1 <= len(placed) <= 8  # one per position around the shared anchor at most
    for a, b in itertools.combinations(placed.values(), 2):
        assert not a.overlaps(b)
    assert len(ax.texts) == len(placed)  # the dropped labels are gone, not hidden


def test_moscow_gets_an_inset_on_country_maps_only(ds: Dataset, tmp_path: Path) -> None:
    ussr = render(ds, parse_options(tmp_path / "u.png", ds=ds, dpi="100", start="1934-01", end="1953-12"))
    assert any(ax.get_gid() == "moscow-inset" for ax in ussr.axes)
    inset_labels = [t.get_gid() for t in labels(ussr) if t.axes is not None and t.axes.get_gid() == "moscow-inset"]
    assert "label-butovo" in inset_labels and len(inset_labels) >= 5
    assert "label-moscow-cluster" in [t.get_gid() for t in labels(ussr)]
    moscow = render(ds, parse_options(tmp_path / "m.png", ds=ds, dpi="100", region="moscow"))
    assert not any(ax.get_gid() == "moscow-inset" for ax in moscow.axes)


@pytest.mark.parametrize(("region", "arrow"), [("ussr", True), ("europe", True), ("karelia", True),
                                               ("moscow", False), ("leningrad", False)])
def test_north_arrow_only_where_north_turns(region: str, arrow: bool) -> None:
    r = REGIONS_BY_ID[region]
    assert needs_north_arrow(r.proj, fit_aspect(projected_extent(r), 1.5)) is arrow


def test_custom_bbox_gets_a_fitting_projection() -> None:
    assert "+proj=tmerc" in region_for_bbox((37.3, 55.5, 37.9, 55.9)).proj
    assert "+proj=lcc" in region_for_bbox((28.5, 60, 42, 68.5)).proj
    # wider than half the globe: a centred projection would reach the antipode (the export crashed)
    assert "+proj=eqearth +lon_0=0.0000" in region_for_bbox((-180, -85, 180, 85)).proj
    assert "+proj=laea" in region_for_bbox((-90, -40, 90, 40)).proj
    assert "+proj=longlat" not in REGIONS_BY_ID["ussr"].proj


@pytest.mark.parametrize(("fields", "en", "ru"), [
    ({"mode": "asof", "start": "1937-12", "end": "1937-12"}, "As of December 1937", "По состоянию на декабрь 1937"),
    ({"start": "1937-01", "end": "1937-12"}, "1937", "1937"),
    ({"start": "1937-08", "end": "1937-08"}, "August 1937", "Август 1937"),
    ({"start": "1934-01", "end": "1953-12"}, "January 1934 – December 1953", "Январь 1934 – декабрь 1953"),
])
def test_date_stamp(fields: dict[str, str], en: str, ru: str) -> None:
    assert date_stamp(ExportOptions(format="png", **fields)) == en  # type: ignore[arg-type]
    assert date_stamp(ExportOptions(format="png", lang="ru", **fields)) == ru  # type: ignore[arg-type]


def test_basemap_is_valid_and_russia_is_whole_across_the_antimeridian() -> None:
    countries = load_countries()
    assert len(countries) > 200
    assert all(g.is_valid for g in countries.values())
    west, _, east, _ = countries["Russia"].bounds
    assert west > 0 and east > 180  # Chukotka continues east of 180°, not wrapped to -180


# ---------------------------------------------------------------- golden image


@pytest.fixture(scope="module")
def base_ds(tmp_path_factory: pytest.TempPathFactory, test_gazetteer: Gazetteer) -> Dataset:
    from tests.conftest import write_tables

    root = tmp_path_factory.mktemp("golden")
    data = write_tables(root / "data")
    build(data, root / "geodata", test_gazetteer)
    return load_dataset(root / "geodata")


def test_golden_image(base_ds: Dataset, tmp_path: Path) -> None:
    out = tmp_path / "golden.png"
    export(base_ds, parse_options(out, ds=base_ds, start="1934-01", end="1938-12", region="europe",
                                  size="600x400", dpi="100"), out)
    if os.environ.get("MAPAPP_REGEN_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(out.read_bytes())
        pytest.skip(f"regenerated {GOLDEN}")
    got = np.asarray(Image.open(out).convert("RGB"), dtype=float)
    want = np.asarray(Image.open(GOLDEN).convert("RGB"), dtype=float)
    assert got.shape == want.shape == (400, 600, 3)
    diff = np.abs(got - want)
    assert diff.mean() <= GOLDEN_MEAN_TOLERANCE
    assert (diff.max(axis=2) > 64).mean() <= GOLDEN_CHANGED_TOLERANCE
