"""The register's browser files hold exactly the aggregates and the records, in the layout register.js reads."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import h3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapapp.ingest.register import LEVELS, import_register
from mapapp.ingest.register_web import PAGE
from tests.ingest.test_register import TEXTS, packed, query, resolver, write_register

record = st.tuples(st.sampled_from(sorted(TEXTS)), st.integers(1930, 1940), st.integers(0, 12),
                   st.sampled_from([0, 1, 15, 28]))


def read(web: Path, rel: str) -> Any:
    return json.loads((web / rel).read_text(encoding="utf-8"))


def build(folder: Path, records: list[tuple[str, int, int, int]]) -> Path:
    rows = [[i + 1, f"Фамилия{i}", "Иван", text, "", packed(y, m, d), "", f"приговор {i}"]
            for i, (text, y, m, d) in enumerate(records)]
    decl = write_register(folder, rows)
    out = folder.parent / "out"
    import_register(decl, folder, out, resolver())
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, min_size=1, max_size=40))
def test_the_year_files_hold_every_aggregate_and_nothing_else(tmp_path_factory: pytest.TempPathFactory,
                                                              records: list[tuple[str, int, int, int]]) -> None:
    out = build(tmp_path_factory.mktemp("reg") / "victims", records)
    web = out / "victims.web"
    manifest = read(web, "manifest.json")
    assert [lv["id"] for lv in manifest["levels"]] == list(LEVELS)
    for lv in manifest["levels"]:
        level = lv["id"]
        want = Counter({(str(k), y, m): n for k, y, m, n in query(
            f"SELECT key, year, month, n FROM '{out / 'victims.aggregates.parquet'}' WHERE level = '{level}'")})
        keys = sorted({k for k, _, _ in want}, key=int if level == "site" else str)
        cells = read(web, f"{level}.cells.json")
        assert len(cells) == len(keys) == lv["cells"]
        got: Counter[tuple[str, int, int]] = Counter()
        for year in lv["years"]:
            for row in read(web, f"{level}/{year}.json"):
                if row[1]:
                    got[(keys[row[0]], year, 0)] += row[1]
                assert all(1 <= m <= 12 for m in row[2::2])
                for m, n in zip(row[2::2], row[3::2], strict=True):
                    got[(keys[row[0]], year, m)] += n
        assert got == want
        assert sorted(lv["years"]) == sorted({y for _, y, _ in want})
        totals: Counter[str] = Counter()
        for (k, _, _), n in want.items():
            totals[k] += n
        assert [c[2] for c in cells] == [totals[k] for k in keys]
        assert lv["top"] == max(totals.values(), default=0)
        if level != "site":  # a hexagon is drawn at its centre, to 5 decimals (~1 m)
            centres = [h3.cell_to_latlng(k) for k in keys]
            assert [c[:2] for c in cells] == [[round(lon, 5), round(lat, 5)] for lat, lon in centres]


def test_a_place_s_records_are_in_pages_by_date_with_each_page_s_first_month(tmp_path: Path) -> None:
    # 2.5 pages at Moscow (two texts, one site), across years and with records known to the year only
    records = [("г. Москва" if i % 2 else "Москва", 1936 + i % 3, i % 13, 15 if i % 13 else 0)
               for i in range(int(PAGE * 2.5))] + [("Долинка", 1938, 5, 0)]
    out = build(tmp_path / "victims", records)
    web = out / "victims.web"
    cells = read(web, "site.cells.json")
    sites = [s for (s,) in query(f"SELECT DISTINCT site FROM '{out / 'victims.records.parquet'}' ORDER BY site")]
    assert len(cells) == len(sites) == 2
    for row, site in enumerate(sites):
        want = query(f"SELECT id, name, year, month, day, place_text, f_sentence FROM "
                     f"'{out / 'victims.records.parquet'}' WHERE site = {site} ORDER BY year, month, day, row_no")
        pages = [read(web, f"records/{row}-{k}.json") for k in range(len(cells[row][4]))]
        assert not (web / "records" / f"{row}-{len(pages)}.json").exists()
        assert [len(p) for p in pages] == [min(PAGE, len(want) - k * PAGE) for k in range(len(pages))]
        flat = [r for p in pages for r in p]
        dates = [f"{y}" if not m else f"{y}-{m:02d}" if not d else f"{y}-{m:02d}-{d:02d}" for _, _, y, m, d, _, _ in want]
        assert flat == [[i, n, dt, place, sentence] for (i, n, _, _, _, place, sentence), dt in zip(want, dates,
                                                                                                    strict=True)]
        # each page's first record's month: year × 12 + month − 1, a year-only record at its January
        assert cells[row][4] == [want[k * PAGE][2] * 12 + max(want[k * PAGE][3], 1) - 1 for k in range(len(pages))]
        assert cells[row][2] == len(want)
    moscow = cells[0] if cells[0][2] > 1 else cells[1]
    assert moscow[3] in ("г. Москва", "Москва") and moscow[5] == "town"
    assert (round(moscow[0], 2), round(moscow[1], 2)) == (37.62, 55.75)


def test_the_digest_changes_with_the_data_and_only_with_it(tmp_path: Path) -> None:
    a = build(tmp_path / "a" / "victims", [("Москва", 1937, 8, 1)])
    b = build(tmp_path / "b" / "victims", [("Москва", 1937, 8, 1)])
    c = build(tmp_path / "c" / "victims", [("Москва", 1937, 9, 1)])
    digest = [read(o / "victims.web", "manifest.json")["digest"] for o in (a, b, c)]
    assert digest[0] == digest[1] != digest[2]


def test_a_rebuild_replaces_the_browser_files_whole(tmp_path: Path) -> None:
    folder = tmp_path / "victims"
    out = build(folder, [("Москва", 1937, 8, 1), ("Долинка", 1938, 1, 1)])
    assert (out / "victims.web" / "records" / "1-0.json").is_file()
    build(folder, [("Москва", 1937, 8, 1)])
    assert sorted(p.name for p in (out / "victims.web" / "records").iterdir()) == ["0-0.json"]
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
