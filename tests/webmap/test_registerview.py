"""A register for the browser: a small description in the map, its files served from static/ (linked once per
build), the coarsest level inline when there is nowhere to fetch from, its layer in the legend only when drawn."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from mapapp import GEODATA_DIR
from mapapp.ingest.register import import_register
from mapapp.model.aggregates import LEVEL_ZOOMS
from mapapp.model.registers import Register, load_register
from mapapp.model.viewstate import MapState
from mapapp.webmap.mapfiles import register_key, served
from mapapp.webmap.mapview import Dataset, load_dataset, payload
from mapapp.webmap.registerview import install_register, register_json, served_dir
from tests.ingest.test_register import packed, resolver, write_register

RECORDS = [("г. Москва", 1937, 8, 1), ("Москва", 1937, 0, 0), ("Долинка", 1938, 2, 3), ("Ленинградская обл., г. Луга",
                                                                                         1941, 6, 22)]


def built(folder: Path, records: list[tuple[str, int, int, int]] = RECORDS) -> Register:
    rows = [[i + 1, "Иванов", "Иван", text, "", packed(y, m, d), "", "10 лет"] for i, (text, y, m, d) in
            enumerate(records)]
    out = folder.parent / "out"
    import_register(write_register(folder, rows), folder, out, resolver())
    return load_register(out / "victims.register.json")


@pytest.fixture
def reg(tmp_path: Path) -> Register:
    return built(tmp_path / "victims")


def test_a_served_register_names_its_folder_and_every_level(reg: Register) -> None:
    got = register_json(reg, "en", "/app/static/registers/victims-x/")
    assert got["base"] == "/app/static/registers/victims-x/" and got["files"] is None
    assert [(lv["id"], lv["minZoom"]) for lv in got["levels"]] == [(k, v) for k, v in LEVEL_ZOOMS.items()]
    site = next(lv for lv in got["levels"] if lv["id"] == "site")
    assert site["top"] == 2 and site["km"] is None  # Moscow: two texts, one place
    assert site["years"] == [1937, 1938, 1941]
    assert got["title"] == "Register" and got["measure"] == "records"
    assert got["fields"] == [{"id": "sentence", "label": "Sentence"}]
    assert register_json(reg, "ru", None)["fields"] == [{"id": "sentence", "label": "Приговор"}]


def test_a_register_with_nowhere_to_fetch_from_carries_its_coarsest_level_alone(reg: Register) -> None:
    got = register_json(reg, "ru", None)
    assert got["base"] is None
    assert [lv["id"] for lv in got["levels"]] == ["h3r2"]
    assert sorted(got["files"]) == ["h3r2.cells.json", "h3r2/1937.json", "h3r2/1938.json", "h3r2/1941.json"]
    assert not any(k.startswith(("site", "records", "h3r4")) for k in got["files"])


def test_the_inline_level_is_bounded_by_its_cells_not_by_the_records(tmp_path: Path) -> None:
    few = register_json(built(tmp_path / "a" / "victims"), "en", None)
    many = register_json(built(tmp_path / "b" / "victims", RECORDS * 200), "en", None)
    assert len(json.dumps(many["files"])) <= len(json.dumps(few["files"])) + 200  # only the figures grow


def test_install_links_the_files_once_per_build(reg: Register, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    target = install_register(reg, root)
    assert target == root / "static" / served_dir(reg)
    assert served_dir(reg) == f"registers/victims-{reg.manifest['digest'][:16]}"
    files = sorted(p.relative_to(reg.web) for p in reg.web.rglob("*") if p.is_file())
    assert sorted(p.relative_to(target) for p in target.rglob("*") if p.is_file()) == files
    sample = target / "site.cells.json"
    assert sample.read_bytes() == (reg.web / "site.cells.json").read_bytes()
    assert sample.stat().st_ino == (reg.web / "site.cells.json").stat().st_ino  # a link, not a copy
    assert install_register(reg, root) == target
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # nothing half-made beside it


def test_the_map_carries_the_register_and_its_layer_only_with_a_register(reg: Register, tmp_path: Path) -> None:
    plain = load_dataset(GEODATA_DIR)
    with_reg: Dataset = dataclasses.replace(plain, registers=(reg,))
    state = MapState()
    assert [la["drawn"] for la in payload(plain, state)["layers"] if la["id"] == "victims"] == [False]
    assert all(la["drawn"] for la in payload(plain, state)["layers"] if la["id"] != "victims")
    assert payload(plain, state)["registers"] == []
    got = payload(with_reg, state, served=served(with_reg, tmp_path))
    assert [la["drawn"] for la in got["layers"] if la["id"] == "victims"] == [True]
    (entry,) = got["registers"]
    assert entry["base"] == f"/app/static/{served_dir(reg)}/"
    assert served(with_reg, tmp_path)[register_key("victims")] == entry["base"]
    assert len(json.dumps(entry)) < 8_000  # a description, not the data


def test_a_new_build_gets_a_folder_of_its_own_and_the_old_one_stays_for_its_server(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    first = install_register(built(tmp_path / "a" / "victims"), root)
    second = install_register(built(tmp_path / "b" / "victims", RECORDS[:2]), root)
    assert first != second
    assert sorted(p.name for p in second.parent.iterdir()) == sorted([first.name, second.name])
    assert (first / "manifest.json").read_bytes() != (second / "manifest.json").read_bytes()


def test_the_standalone_page_carries_the_coarsest_level_and_no_records(reg: Register) -> None:
    from mapapp.export.standalone import standalone_html

    base = load_dataset(GEODATA_DIR)
    with_reg = dataclasses.replace(base, registers=(reg,))
    html, plain = standalone_html(with_reg, MapState()), standalone_html(base, MapState())
    assert "h3r2.cells.json" in html and "h3r2.cells.json" not in plain
    assert "records/0-0.json" not in html and "site.cells.json" not in html
    assert "/app/static/registers" not in html  # nothing to fetch: the page stands alone
    assert len(html) - len(plain) < 20_000  # a few cells and years, whatever the register's size
