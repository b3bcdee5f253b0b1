"""A register's window as a streamed CSV: exactly the records the map counts for the window (held to a brute-force
count over the records themselves), each as the source gives it, in chunks, formulas defused, the source last."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapapp.i18n import Lang
from mapapp.ingest.register import import_register
from mapapp.model.registers import Register, load_register
from mapapp.model.viewstate import MapState
from mapapp.webmap.register_download import COLUMNS, IN_WINDOW, Window, register_csv, register_summary, summary_text
from tests.ingest.test_register import TEXTS, packed, resolver, write_register

Record = tuple[str, int, int, int]  # place text, year, month (0: the year only), day (0: none)


def built(folder: Path, records: list[Record], names: list[str] | None = None,
          sentence: str = "10 лет") -> Register:
    rows = [[i + 1, names[i] if names else "Иванов", "Иван", text, "", packed(y, m, d), "", sentence]
            for i, (text, y, m, d) in enumerate(records)]
    out = folder.parent / "out"
    import_register(write_register(folder, rows), folder, out, resolver())
    return load_register(out / "victims.register.json")


def rows_of(reg: Register, window: Window, lang: Lang = "en", batch: int = 20_000) -> tuple[list[dict[str, str]],
                                                                                              list[list[str]]]:
    """The file's record rows as dicts, and its rows after them (the empty row and the source)."""
    text = b"".join(register_csv(reg, window, lang, batch=batch)).decode("utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    header, body = lines[0], lines[1:]
    end = body.index([]) if [] in body else len(body)
    return [dict(zip(header, r, strict=True)) for r in body[:end]], body[end:]


def brute(records: list[Record], window: Window) -> dict[str, str]:
    """id → "sure" / "may" for each placed record the window holds, counted from the records themselves."""
    out = {}
    for i, (text, y, m, _) in enumerate(records):
        if TEXTS[text] is None:
            continue
        if m:
            if window.first <= y * 12 + m - 1 <= window.last:
                out[str(i + 1)] = "sure"
        elif window.first <= y * 12 and y * 12 + 11 <= window.last:
            out[str(i + 1)] = "sure"
        elif window.first <= y * 12 + 11 and y * 12 <= window.last:
            out[str(i + 1)] = "may"
    return out


record = st.tuples(st.sampled_from(sorted(TEXTS)), st.integers(1934, 1940), st.integers(0, 12),
                   st.sampled_from([0, 1, 15, 28]))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, min_size=1, max_size=40),
       windows=st.lists(st.tuples(st.integers(1933 * 12, 1941 * 12), st.integers(0, 30)), min_size=1, max_size=5),
       batch=st.integers(1, 7))
def test_the_file_holds_exactly_the_windows_records(tmp_path_factory: pytest.TempPathFactory, records: list[Record],
                                                   windows: list[tuple[int, int]], batch: int) -> None:
    reg = built(tmp_path_factory.mktemp("reg") / "victims", records)
    yes, maybe = IN_WINDOW["en"]
    for first, span in windows:
        window = Window(first, first + span)
        rows, _ = rows_of(reg, window, batch=batch)
        want = brute(records, window)
        assert {r["record_id"]: "sure" if r["in_window"] == yes else "may" for r in rows} == want
        assert all(r["in_window"] in (yes, maybe) for r in rows)
        assert len(rows) == len(want)  # no record twice
        # the counts the page states are the rows the file holds
        assert register_summary(reg, window) == (sum(v == "sure" for v in want.values()),
                                                 sum(v == "may" for v in want.values()))


@pytest.mark.parametrize(("start", "end", "shown"), [
    ("1937-08", "1937-08", True),  # 1 August 1937: the window's first day, and its last month
    ("1937-07", "1937-07", False),  # the month before
    ("1937-09", "1937-12", False),  # the month after
    ("1936-01", "1937-08", True),  # the window's last month
])
def test_a_record_on_the_windows_first_or_last_month_is_in_the_file(tmp_path: Path, start: str, end: str,
                                                                    shown: bool) -> None:
    reg = built(tmp_path / "victims", [("г. Москва", 1937, 8, 1)])
    rows, _ = rows_of(reg, Window.parse(start, end))
    assert [r["record_id"] for r in rows] == (["1"] if shown else [])


def test_a_record_reads_as_the_source_gives_it(tmp_path: Path) -> None:
    records = [("г. Москва", 1937, 8, 5), ("Москва", 1937, 0, 0), ("Карагандинская обл., пос. Долинка", 1938, 2, 0)]
    reg = built(tmp_path / "victims", records, names=["Кронин", "Петров", "Сидоров"])
    rows, tail = rows_of(reg, Window.parse("1937-06", "1938-12"))
    by_id = {r["record_id"]: r for r in rows}
    assert list(rows[0]) == [*COLUMNS, "sentence"]
    assert by_id["1"]["name"] == "Кронин Иван" and by_id["1"]["date"] == "1937-08-05"
    assert by_id["1"]["place_text"] == "г. Москва" and by_id["2"]["place_text"] == "Москва"
    assert (float(by_id["1"]["latitude"]), float(by_id["1"]["longitude"])) == (55.75, 37.62)  # Moscow's point
    assert by_id["1"]["located"] == "town" and by_id["1"]["sentence"] == "10 лет"
    assert by_id["2"]["date"] == "1937" and by_id["2"]["in_window"] == IN_WINDOW["en"][1]  # June–December 1937
    assert by_id["3"]["date"] == "1938-02" and by_id["3"]["in_window"] == IN_WINDOW["en"][0]
    assert tail == [[], ["source", "test. test. test"]]  # citation, credit, caveat of the declaration


def test_the_russian_file_says_so_in_russian(tmp_path: Path) -> None:
    reg = built(tmp_path / "victims", [("Москва", 1937, 0, 0), ("г. Москва", 1937, 3, 0)])
    rows, tail = rows_of(reg, Window.parse("1937-01", "1937-06"), lang="ru")
    assert {r["in_window"] for r in rows} == set(IN_WINDOW["ru"])
    assert {r["located"] for r in rows} == {"населённый пункт"}
    assert tail[-1] == ["source", "тест. тест. тест"]


@pytest.mark.parametrize(("text", "cell"), [
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("+7 лет", "'+7 лет"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("-5", "-5"),  # a plain number stays a number
    ("10 лет ИТЛ", "10 лет ИТЛ"),
])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(tmp_path: Path, text: str, cell: str) -> None:
    reg = built(tmp_path / "victims", [("г. Москва", 1937, 8, 5)], names=[text], sentence=text)
    (row,), _ = rows_of(reg, Window.parse("1937-01", "1937-12"))
    assert row["sentence"] == cell
    assert row["name"] == ("'" if cell != text or text == "-5" else "") + f"{text} Иван"  # "-5 Иван" is no number


def test_the_file_is_made_as_it_is_read(tmp_path: Path) -> None:
    records = [("г. Москва", 1937, m, 1) for m in range(1, 13)] * 3
    reg = built(tmp_path / "victims", records)
    chunks = register_csv(reg, Window.parse("1937-01", "1937-12"), "en", batch=5)
    header = next(chunks)
    assert header.decode("utf-8").startswith('"record_id","name","date"') and header.count(b"\n") == 1
    body = list(chunks)
    assert len(body) >= 36 // 5 + 1  # a chunk per batch, then the source
    assert sum(c.count(b"\n") for c in body[:-1]) == 36


@pytest.mark.parametrize(("start", "end", "message"), [
    ("1937-13", "1938-01", "'1937-13' is not a month"),
    ("1937", "1938-01", "'1937' is not a month"),
    ("1938-02", "1938-01", "the window's start 1938-02 is after its end 1938-01"),
])
def test_a_bad_window_names_the_bad_value(start: str, end: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Window.parse(start, end)


@given(st.integers(1800 * 12, 2100 * 12), st.integers(0, 400))
def test_a_window_reads_back_as_its_months(first: int, span: int) -> None:
    window = Window(first, first + span)
    assert Window.parse(*window.months()) == window


def test_an_as_of_window_starts_with_the_data() -> None:
    state = MapState(mode="asof", start="1937-01", end="1938-06")
    assert Window.of(state, date(1893, 2, 1)).months() == ("1893-02", "1938-06")
    assert Window.of(MapState(start="1937-01", end="1938-06"), date(1893, 2, 1)).months() == ("1937-01", "1938-06")


def test_the_summary_counts_and_says_what_may_be_in(tmp_path: Path) -> None:
    reg = built(tmp_path / "victims", [("Москва", 1937, 0, 0), ("г. Москва", 1937, 3, 0), ("Долинка", 1938, 5, 0)])
    text = summary_text(reg, Window.parse("1937-01", "1937-06"), "en")
    assert text.startswith("Register — the window: 1 records, and 1 known only to a year")
    assert summary_text(reg, Window.parse("1937-01", "1938-12"), "en").startswith("Register — the window: 3 records,")
    assert "1 known only" not in summary_text(reg, Window.parse("1937-01", "1938-12"), "en")


@given(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["=1+1", "\tx", "\rx", "-5", "-1+1", "+7 лет",
                                                                 "@a", "-2e3", ".5", "+"])), max_size=30))
def test_the_vectorised_rule_is_csv_cells_rule(texts: list[str]) -> None:
    from mapapp.webmap.download import csv_cell
    from mapapp.webmap.register_download import _safe

    assert _safe(pa.array(texts, pa.string())).to_pylist() == [csv_cell(x) for x in texts]
