"""A register read back from the build's files: texts, counts, windows, and every broken file named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mapapp.ingest.packed_dates import pack
from mapapp.ingest.register import import_register
from mapapp.model.registers import load_registers
from mapapp.problems import GeodataError
from tests.ingest.test_register import resolver, write_register


@pytest.fixture
def built(tmp_path: Path) -> Path:
    rows: list[list[object]] = [[1, "Иванов", "Иван", "г. Москва", "", pack(1937, 8, 5), "", "ВМН"],
                                [2, "Петров", "Пётр", "Долинка", "", pack(1938, 2), "", "10 лет"],
                                [3, "Сидоров", "Иван", "нет сведений", "", pack(1938, 2), "", ""]]
    decl = write_register(tmp_path / "victims", rows)
    import_register(decl, tmp_path / "victims", tmp_path / "geodata" / "collections", resolver())
    return tmp_path / "geodata"


def test_a_register_reads_back_with_its_texts_counts_and_windows(built: Path) -> None:
    (reg,) = load_registers(built)
    assert (reg.id, reg.layer, reg.levels) == ("victims", "victims", ("h3r2", "h3r4", "site"))
    assert (reg.text("title", "en"), reg.text("title", "ru"), reg.text("item", "ru")) == ("Register", "Реестр", "запись")
    assert reg.counts == {"rows": 3, "records": 2, "sites": 2, "unresolved_rows": 1, "undated_rows": 0,
                          "bad_date_rows": 0}
    aug37, feb38 = 1937 * 12 + 7, 1938 * 12 + 1
    assert [int(reg.window(level, aug37, feb38).sure.sum()) for level in reg.levels] == [2, 2, 2]
    assert int(reg.window("site", aug37, aug37).sure.sum()) == 1
    assert reg.aggregates("site") is reg.aggregates("site")  # read once
    with pytest.raises(KeyError, match="no level 'h3r9'"):
        reg.aggregates("h3r9")


def test_no_register_folder_is_no_register(tmp_path: Path) -> None:
    assert load_registers(tmp_path) == ()


@pytest.mark.parametrize(("break_it", "message"), [
    (lambda f: (f / "victims.names.parquet").unlink(), "victims.names.parquet is missing beside its register.json"),
    (lambda f: (f / "victims.register.json").write_text("{", encoding="utf-8"), "cannot be read as the build's JSON"),
    (lambda f: (f / "victims.register.json").write_text("[]", encoding="utf-8"), "is not a JSON object"),
    (lambda f: (f / "victims.register.json").write_text(json.dumps({"id": "victims"}), encoding="utf-8"),
     "lacks layer, levels, records, title"),
])
def test_a_broken_register_names_its_file_and_the_fix(built: Path, break_it: Callable[[Path], object],
                                                      message: str) -> None:
    break_it(built / "collections")
    with pytest.raises(GeodataError) as err:
        load_registers(built)
    assert message in str(err.value) and "mapapp build" in str(err.value)


def test_a_text_without_its_russian_is_broken(built: Path) -> None:
    meta = built / "collections" / "victims.register.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["caveat"] = {"en": "only English"}
    meta.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(GeodataError, match="no English and Russian text for 'caveat'"):
        load_registers(built)
