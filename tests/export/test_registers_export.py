"""A register on a printed map: the level the map's width calls for, the window's counts per cell as the model
gives them, circles clipped to the map, a key and a line that say what they count."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PathCollection

from mapapp import GEODATA_DIR
from mapapp.export.options import parse_options
from mapapp.export.regions import REGIONS_BY_ID
from mapapp.export.registers import LEVEL_WIDTH_KM, drawn_registers, level_for_width, radius
from mapapp.export.staticmap import _transformers, projected_extent, render
from mapapp.ingest.register import import_register
from mapapp.model.registers import Register, load_register
from mapapp.webmap.mapview import Dataset, load_dataset
from tests.ingest.test_register import packed, resolver, write_register

RECORDS = [("г. Москва", 1937, 8, 1), ("Москва", 1937, 9, 2), ("Москва", 1937, 0, 0), ("Долинка", 1938, 2, 3),
           ("Карагандинская обл., пос. Долинка", 1938, 3, 0), ("Ленинградская обл., г. Луга", 1941, 6, 22)]


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> Register:
    folder = tmp_path_factory.mktemp("reg") / "victims"
    rows = [[i + 1, "Иванов", "Иван", text, "", packed(y, m, d), "", "10 лет"]
            for i, (text, y, m, d) in enumerate(RECORDS)]
    import_register(write_register(folder, rows), folder, folder.parent / "out", resolver())
    return load_register(folder.parent / "out" / "victims.register.json")


@pytest.fixture(scope="module")
def ds(reg: Register) -> Dataset:
    return dataclasses.replace(load_dataset(GEODATA_DIR), registers=(reg,))


@pytest.mark.parametrize("km, level", [(10, "site"), (300, "site"), (300.5, "h3r4"), (2500, "h3r4"),
                                       (2501, "h3r2"), (20_000, "h3r2")])
def test_the_map_s_width_picks_the_level(km: float, level: str) -> None:
    assert level_for_width(("h3r2", "h3r4", "site"), km) == level
    assert level_for_width(("h3r2",), km) == "h3r2"
    assert [lv for lv, _ in LEVEL_WIDTH_KM] == ["site", "h3r4", "h3r2"]  # finest first


@pytest.mark.parametrize("region, level", [("ussr", "h3r2"), ("moscow", "site"), ("karelia", "h3r4")])
def test_the_counts_are_the_model_s_and_the_circles_stay_on_the_map(reg: Register, region: str, level: str) -> None:
    r = REGIONS_BY_ID[region]
    forward, _ = _transformers(r.proj)
    extent = projected_extent(r)
    first, last = 1937 * 12 + 7, 1938 * 12 + 2  # 1937-08 .. 1938-03: 1937 in part
    (whole,) = drawn_registers((reg,), ["victims"], first, last, forward, (extent[2] - extent[0]) / 1000)
    d = whole.within(extent)
    assert d.level == level
    got = reg.window(level, first, last)
    assert d.total == (int(got.sure.sum()), int(got.may.sum())) == (4, 1)  # the year-only record may be in it
    assert ((d.xy[:, 0] >= extent[0]) & (d.xy[:, 0] <= extent[2])).all()
    assert ((d.xy[:, 1] >= extent[1]) & (d.xy[:, 1] <= extent[3])).all()
    if region == "moscow":  # Moscow alone: its two sure records and the one that may be
        assert (d.sure.tolist(), d.may.tolist()) == ([2], [1])
    assert drawn_registers((reg,), ["killing"], first, last, forward, 1) == []


def test_area_is_proportional_to_the_records() -> None:
    r = radius(np.array([25, 100, 400]), 400, 1.0)
    assert r[2] == pytest.approx(16.0) and r[1] == pytest.approx(8.0) and r[0] == pytest.approx(4.0)
    assert radius(0, 400, 1.0) == pytest.approx(1.2)  # never smaller than a dot


def test_the_printed_map_draws_the_cells_and_says_what_they_count(ds: Dataset, tmp_path: Path) -> None:
    fig = render(ds, parse_options(tmp_path / "m.png", ds=ds, dpi="72", start="1937-08", end="1938-03"))
    by_gid = {a.get_gid(): a for ax in fig.axes for a in ax.get_children() if a.get_gid()}
    sure, may = by_gid["register-victims-sure"], by_gid["register-victims-may"]
    assert isinstance(sure, PathCollection) and isinstance(may, PathCollection)
    want = ds.registers[0].window("h3r2", 1937 * 12 + 7, 1938 * 12 + 2)
    # Moscow, and Dolinka with Karaganda (30 km apart: one hexagon of ~160 km); Moscow's year-only record may be
    assert (np.shape(sure.get_offsets())[0], np.shape(may.get_offsets())[0]) == (np.count_nonzero(want.sure),
                                                                  np.count_nonzero(want.may)) == (2, 1)
    texts = {t.get_gid(): t.get_text() for t in fig.texts if t.get_gid()}
    assert texts["register-total-victims"].startswith("4 records in the window, 1 more may be (Register)")
    notes = [a.get_text() for ax in fig.axes for a in ax.texts if a.get_gid() == "register-key-note-victims"]
    assert notes == ["Circle area ∝ records in the window, summed over a hexagon of about 160 km"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Records of persecution, by place" in legend
    off = render(ds, parse_options(tmp_path / "o.png", ds=ds, dpi="72", categories="killing,gulag"))
    assert not [a for ax in off.axes for a in ax.get_children() if str(a.get_gid()).startswith("register-")]
