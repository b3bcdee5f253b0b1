"""The register import: columnar output, aggregates equal to a brute-force count, the report, the cache."""

from __future__ import annotations

import csv
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapapp.ingest.collection_schema import RegisterCollection
from mapapp.ingest.gazetteer import Gazetteer
from mapapp.ingest.packed_dates import pack
from mapapp.ingest.place_strings import PlaceResolver, Region, Resolved
from mapapp.ingest.register import LEVELS, import_register
from mapapp.model.aggregates import Aggregates
from mapapp.problems import DataError

CITIES = [
    {"geonameid": 1, "name": "Moscow", "alternatenames": ["Москва"], "latitude": 55.75, "longitude": 37.62,
     "countrycode": "RU", "population": 10_000_000, "admin1code": "48"},
    {"geonameid": 2, "name": "Luga", "alternatenames": ["Луга"], "latitude": 58.74, "longitude": 29.85,
     "countrycode": "RU", "population": 40_000, "admin1code": "42"},
    {"geonameid": 3, "name": "Saint Petersburg", "alternatenames": ["Ленинград"], "latitude": 59.94,
     "longitude": 30.31, "countrycode": "RU", "population": 5_000_000, "admin1code": "66"},
    {"geonameid": 4, "name": "Dolinka", "alternatenames": ["Долинка"], "latitude": 49.67, "longitude": 72.68,
     "countrycode": "KZ", "population": 4_500, "admin1code": "12"},
    {"geonameid": 5, "name": "Dolynka", "alternatenames": ["Долинка"], "latitude": 48.0, "longitude": 32.7,
     "countrycode": "UA", "population": 900, "admin1code": "11"},
    {"geonameid": 7, "name": "Luga (village)", "alternatenames": ["Луга"], "latitude": 61.0, "longitude": 34.0,
     "countrycode": "RU", "population": 100, "admin1code": "42"},
    {"geonameid": 6, "name": "Karagandy", "alternatenames": ["Караганда"], "latitude": 49.80, "longitude": 73.10,
     "countrycode": "KZ", "population": 500_000, "admin1code": "12"},
]
#: Place texts and where they must land (None: unresolved).
TEXTS = {"г. Москва": 1, "Москва": 1, "Ленинградская обл., г. Луга": 2, "Карагандинская обл., пос. Долинка": 4,
         "Долинка": 4, "нет сведений": None, "д. Кхзщурово": None}
DECLARATION = """
id = "victims"
layer = "victims"
licence = "SOURCE.md"
bad_rows = "report"
title = { en = "Register", ru = "Реестр" }
credit = { en = "test", ru = "тест" }
citation = { en = "test", ru = "тест" }
caveat = { en = "test", ru = "тест" }
measure = { en = "records", ru = "записей" }
[register]
file = "persons.csv"
encoding = "cp1251"
delimiter = ";"
id = "id"
name = ["surname", "name"]
place = ["residence", "birthplace"]
date = ["arrest_date", "sentence_date"]
item = { en = "record", ru = "запись" }
fields = [{ id = "sentence", label = { en = "Sentence", ru = "Приговор" }, column = "sentence" }]
"""
def query(sql: str) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` over the build's Parquet files, from a connection closed at once."""
    with duckdb.connect() as con:
        return con.execute(sql).fetchall()


HEADER = ["id", "surname", "name", "residence", "birthplace", "arrest_date", "sentence_date", "sentence"]


def resolver() -> PlaceResolver:
    g = Gazetteer(CITIES)
    centre = lambda i: next(c for c in (g.get(i),) if c is not None)  # noqa: E731
    regions = {"ленинградская": Region("Ленинградская", "обл.", "RU", centre(3)),
               "карагандинская": Region("Карагандинская", "обл.", "KZ", centre(6))}
    return PlaceResolver(g, regions)


def write_register(folder: Path, rows: list[list[object]]) -> RegisterCollection:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "SOURCE.md").write_text("test", encoding="utf-8")
    (folder / "collection.toml").write_text(DECLARATION, encoding="utf-8")
    with (folder / "persons.csv").open("w", encoding="cp1251", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(HEADER)
        w.writerows(rows)
    return RegisterCollection.model_validate(tomllib.loads(DECLARATION))


record = st.tuples(st.sampled_from(sorted(TEXTS)), st.integers(1930, 1940),
                   st.integers(0, 12), st.sampled_from([0, 1, 15, 28]))


def packed(year: int, month: int, day: int) -> int:
    return pack(year, month or None, day if month else None)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, min_size=1, max_size=60), windows=st.lists(
    st.tuples(st.integers(1929 * 12, 1941 * 12), st.integers(0, 40)), min_size=1, max_size=8))
def test_aggregates_equal_a_brute_force_count(tmp_path_factory: pytest.TempPathFactory,
                                              records: list[tuple[str, int, int, int]],
                                              windows: list[tuple[int, int]]) -> None:
    folder = tmp_path_factory.mktemp("reg") / "victims"
    rows = [[i + 1, "Иванов", "Иван", text, "", packed(y, m, d), "", "10 лет ИТЛ"]
            for i, (text, y, m, d) in enumerate(records)]
    decl = write_register(folder, rows)
    out = folder.parent / "out"
    report = import_register(decl, folder, out, resolver())
    placed = [(g, y, m) for t, y, m, _ in records if (g := TEXTS[t]) is not None]
    assert report.records == len(placed)
    sites = query(f"SELECT site, geometry FROM '{out / 'victims.sites.parquet'}'")
    assert len(sites) == len({g for g, _, _ in placed})
    site_of: dict[object, object] = dict(
        query(f"SELECT DISTINCT place_text, site FROM '{out / 'victims.records.parquet'}'"))
    geo_of_site = {site_of[t]: g for t in site_of if (g := TEXTS[str(t)]) is not None}
    for level in LEVELS:
        agg = Aggregates.read(out / "victims.aggregates.parquet", level)
        for first, span in windows:
            last = first + span
            got = agg.window(first, last)
            total_sure = int(got.sure.sum())
            total_may = int(got.may.sum())
            want_sure = sum(1 for _, y, m in placed if (m and first <= y * 12 + m - 1 <= last)
                            or (not m and first <= y * 12 and y * 12 + 11 <= last))
            want_may = sum(1 for _, y, m in placed if not m and first <= y * 12 + 11 and y * 12 <= last
                           and not (first <= y * 12 and y * 12 + 11 <= last))
            assert (total_sure, total_may) == (want_sure, want_may), (level, first, last)
            if level == "site":
                by_geo: Counter[int] = Counter()
                for key, n in zip(got.keys, got.sure, strict=True):
                    by_geo[geo_of_site[int(key)]] += int(n)
                want = Counter(g for g, y, m in placed if (m and first <= y * 12 + m - 1 <= last)
                               or (not m and first <= y * 12 and y * 12 + 11 <= last))
                assert +by_geo == +want


def test_the_window_edges_are_inclusive(tmp_path: Path) -> None:
    # Kirov's murder, 1 December 1934: in a window ending in December 1934 and in one starting there
    decl = write_register(tmp_path / "victims", [[1, "Николаев", "Леонид", "г. Москва", "", pack(1934, 12, 1), "",
                                                  "ВМН"], [2, "Иванов", "Иван", "г. Москва", "", pack(1935, 1), "", ""]])
    import_register(decl, tmp_path / "victims", tmp_path / "out", resolver())
    agg = Aggregates.read(tmp_path / "out" / "victims.aggregates.parquet", "site")
    dec34, jan35 = 1934 * 12 + 11, 1935 * 12
    assert agg.window(dec34, dec34).sure.sum() == 1
    assert agg.window(dec34 - 11, dec34).sure.sum() == 1
    assert agg.window(jan35, jan35 + 5).sure.sum() == 1
    assert agg.window(dec34 - 1, dec34 - 1).sure.sum() == 0
    assert agg.window(dec34, jan35).sure.sum() == 2


def test_a_year_only_record_is_sure_in_its_whole_year_and_may_be_in_part_of_it(tmp_path: Path) -> None:
    decl = write_register(tmp_path / "victims", [[1, "Иванов", "Иван", "г. Москва", "", pack(1937), "", ""]])
    import_register(decl, tmp_path / "victims", tmp_path / "out", resolver())
    agg = Aggregates.read(tmp_path / "out" / "victims.aggregates.parquet", "h3r2")
    y = 1937 * 12
    assert (agg.window(y, y + 11).sure.sum(), agg.window(y, y + 11).may.sum()) == (1, 0)
    assert (agg.window(y + 7, y + 8).sure.sum(), agg.window(y + 7, y + 8).may.sum()) == (0, 1)
    assert (agg.window(y - 12, y - 1).sure.sum(), agg.window(y - 12, y - 1).may.sum()) == (0, 0)
    assert (agg.window(y + 6, y + 17).sure.sum(), agg.window(y + 6, y + 17).may.sum()) == (0, 1)
    # a window of January to November holds part of the year, however much
    assert (agg.window(y, y + 10).sure.sum(), agg.window(y, y + 10).may.sum()) == (0, 1)
    assert (agg.window(y + 1, y + 11).sure.sum(), agg.window(y + 1, y + 11).may.sum()) == (0, 1)
    assert (agg.window(y - 1, y + 11).sure.sum(), agg.window(y - 1, y + 11).may.sum()) == (1, 0)


def test_the_report_names_bad_dates_and_unresolved_places_by_frequency(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [1, "А", "Б", "г. Москва", "", pack(1937, 8, 5), "", ""],
        [2, "А", "Б", "г. Москва", "", "1937-08", "", ""],  # not a packed number
        [3, "А", "Б", "г. Москва", "", (137 << 9) | (13 << 5), "", ""],  # month 13
        [4, "А", "Б", "г. Москва", "", (137 << 9) | (4 << 5) | 31, "", ""],  # 31 April
        [5, "А", "Б", "д. Кхзщурово", "", pack(1938, 1, 1), "", ""],
        [6, "А", "Б", "д. Кхзщурово", "", pack(1938, 1, 2), "", ""],
        [7, "А", "Б", "нет сведений", "", pack(1938, 1, 2), "", ""],
        [8, "А", "Б", "", "Долинка", "", pack(1939, 3, 1), ""],  # birthplace and sentence date stand in
        [9, "А", "Б", "г. Москва", "", "", "", ""],  # no date at all
    ]
    decl = write_register(tmp_path / "victims", rows)
    report = import_register(decl, tmp_path / "victims", tmp_path / "out", resolver())
    assert (report.rows, report.records, report.bad_date_rows, report.undated_rows) == (9, 2, 3, 1)
    text = (tmp_path / "out" / "victims.report.txt").read_text(encoding="utf-8")
    assert "- '1937-08': 1 rows, first row 3" in text  # the header is row 1
    assert f"- '{(137 << 9) | (13 << 5)}': 1 rows, first row 4" in text
    assert f"- '{(137 << 9) | (4 << 5) | 31}': 1 rows, first row 5" in text
    lines = text.splitlines()
    kh = next(i for i, line in enumerate(lines) if "Кхзщурово" in line)
    unknown = next(i for i, line in enumerate(lines) if "'нет сведений'" in line)
    assert kh < unknown and lines[kh].startswith("- 2 × ") and "says the place is not known" in lines[unknown]
    names = query(f"SELECT name, year, month, day, f_sentence FROM '{tmp_path / 'out' / 'victims.records.parquet'}'"
                       " ORDER BY row_no")
    assert names == [("А Б", 1937, 8, 5, None), ("А Б", 1939, 3, 1, None)]


def test_a_second_build_resolves_only_new_texts(tmp_path: Path) -> None:
    calls: list[str] = []

    class Counting(PlaceResolver):
        def resolve(self, text: str) -> Resolved:
            calls.append(text)
            return super().resolve(text)

    base = resolver()
    counting = Counting(base.gazetteer, base.regions)
    rows: list[list[object]] = [[1, "А", "Б", "г. Москва", "", pack(1937, 8, 5), "", ""],
                                [2, "А", "Б", "Долинка", "", pack(1937, 8, 6), "", ""]]
    decl = write_register(tmp_path / "victims", rows)
    import_register(decl, tmp_path / "victims", tmp_path / "out", counting)
    assert sorted(calls) == ["Долинка", "г. Москва"]
    calls.clear()
    write_register(tmp_path / "victims", [*rows, [3, "А", "Б", "Ленинградская обл., г. Луга", "", pack(1938), "", ""]])
    report = import_register(decl, tmp_path / "victims", tmp_path / "out", counting)
    assert calls == ["Ленинградская обл., г. Луга"] and report.records == 3
    calls.clear()
    changed = Counting(base.gazetteer, {k: v for k, v in base.regions.items() if k != "карагандинская"})
    import_register(decl, tmp_path / "victims", tmp_path / "out", changed)
    assert len(calls) == 3  # other regions, other answers: the cache is not used


def test_a_missing_column_is_reported_with_the_columns_there_are(tmp_path: Path) -> None:
    decl = write_register(tmp_path / "victims", [[1, "А", "Б", "г. Москва", "", pack(1937), "", ""]])
    bad = decl.model_copy(update={"table": decl.table.model_copy(update={"place": ["residense"]})})
    with pytest.raises(DataError) as err:
        import_register(bad, tmp_path / "victims", tmp_path / "out", resolver())
    assert "persons.csv row 1, field 'residense' is not a column of the file" in str(err.value)
    assert "residence" in str(err.value)
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_a_name_is_found_in_any_spelling_and_order(tmp_path: Path) -> None:
    from mapapp.model.register_search import find

    rows: list[list[object]] = [[1, "Фрицевич", "Юрий", "г. Москва", "", pack(1937, 8, 5), "", ""],
                                [2, "Хрущёв", "Пётр", "г. Москва", "", pack(1938, 2, 1), "", ""],
                                [3, "Фрицевич", "Анна", "г. Москва", "", pack(1938, 3, 1), "", ""],
                                [4, "Фрицевич", "Юрий", "нет сведений", "", pack(1938, 3, 1), "", ""]]
    decl = write_register(tmp_path / "victims", rows)
    import_register(decl, tmp_path / "victims", tmp_path / "out", resolver())
    names = tmp_path / "out" / "victims.names.parquet"
    for query in ("Фрицевич", "Fritsevich", "Fricevič", "fricevich", "ФРИЦЕВИЧ", "Fritse"):
        assert [h.row_no for h in find(names, query)] == [4, 2], query  # Анна before Юрий; row 5 has no place
    for query in ("Юрий Фрицевич", "Yury Fritsevich", "Jurij Fricevič", "Фрицевич Юрий", "Fritsevich Yu"):
        assert [h.row_no for h in find(names, query)] == [2], query
    hit = find(names, "Khrushchyov")[0]
    assert (hit.name, hit.year, hit.month, hit.day) == ("Хрущёв Пётр", 1938, 2, 1)
    assert [h.row_no for h in find(names, "Hruscev")] == [3]
    assert find(names, "Ф") == [] and find(names, "Zz") == []
    assert len(find(names, "Фрицевич", limit=1)) == 1


def _append_lines(path: Path, raw: bytes) -> None:
    with path.open("ab") as f:
        f.write(raw)


def test_rows_of_the_wrong_width_are_left_out_and_listed_and_the_others_keep_their_row(tmp_path: Path) -> None:
    rows: list[list[object]] = [[1, "А", "Б", "г. Москва", "", pack(1937, 8, 5), "", ""]]
    decl = write_register(tmp_path / "victims", rows)
    persons = tmp_path / "victims" / "persons.csv"
    _append_lines(persons, "2;А;Б;г. Москва;;70144;;;лишнее\r\n".encode("cp1251"))  # one field too many: row 3
    _append_lines(persons, f"4;Иванов;Иван;г. Москва;;{pack(1938, 1, 1)};;\r\n".encode("cp1251"))  # row 4
    _append_lines(persons, "5;А\r\n".encode("cp1251"))  # row 5: too few
    _append_lines(persons, f"6;Петров;Пётр;г. Москва;;{pack(1938, 2, 1)};;\r\n".encode("cp1251"))  # row 6
    report = import_register(decl, tmp_path / "victims", tmp_path / "out", resolver())
    assert (report.rows, report.records) == (5, 3)
    rows_of: dict[object, object] = dict(query(
        f"SELECT name, row_no FROM '{tmp_path / 'out' / 'victims.records.parquet'}'"))
    assert rows_of == {"А Б": 2, "Иванов Иван": 4, "Петров Пётр": 6}
    text = (tmp_path / "out" / "victims.report.txt").read_text(encoding="utf-8")
    assert "Rows left out because their number of fields is not the header's (8): 2." in text
    assert "- row 3, 9 fields: '2;А;Б;г. Москва;;70144;;;лишнее'" in text and "- row 5, 2 fields: '5;А'" in text


def test_rows_of_the_wrong_width_stop_a_register_that_says_fail(tmp_path: Path) -> None:
    decl = write_register(tmp_path / "victims", [[1, "А", "Б", "г. Москва", "", pack(1937, 8, 5), "", ""]])
    _append_lines(tmp_path / "victims" / "persons.csv", "2;А;Б;г. Москва;;70144;;;лишнее\r\n".encode("cp1251"))
    strict = decl.model_copy(update={"bad_rows": "fail"})
    with pytest.raises(DataError) as err:
        import_register(strict, tmp_path / "victims", tmp_path / "out", resolver())
    assert str(err.value).startswith("persons.csv row 3: '2;А;Б;г. Москва;;70144;;;лишнее' has 9 fields where the "
                                     "header has 8. Fix: quote the field")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["first", "late"])
def test_text_not_in_the_declared_encoding_is_a_problem_not_a_traceback(tmp_path: Path, where: str) -> None:
    rows: list[list[object]] = [[i, "А", "Б", "г. Москва", "", pack(1937, 8, 5), "", ""] for i in range(
        1, 2 if where == "first" else 30_000)]
    decl = write_register(tmp_path / "victims", rows)
    _append_lines(tmp_path / "victims" / "persons.csv", b"99999;\x98;x;y;;70144;;\r\n")  # 0x98: nothing in cp1251
    with pytest.raises(DataError) as err:
        import_register(decl, tmp_path / "victims", tmp_path / "out", resolver())
    assert str(err.value).startswith("persons.csv is not cp1251 text: byte 0x98 cannot be read as cp1251. Fix: "
                                     "declare the file's encoding")
    assert not (tmp_path / "out").exists()


def test_a_header_not_in_the_declared_encoding_is_a_problem(tmp_path: Path) -> None:
    decl = write_register(tmp_path / "victims", [])
    (tmp_path / "victims" / "persons.csv").write_bytes(b"id;\x98\r\n1;2\r\n")
    with pytest.raises(DataError) as err:
        import_register(decl, tmp_path / "victims", tmp_path / "out", resolver())
    assert str(err.value).startswith("persons.csv row 1 is not cp1251 text: byte 0x98 cannot be read as cp1251. ")


def test_a_register_declaration_must_name_its_folder_and_its_licence(tmp_path: Path) -> None:
    from mapapp.ingest.register import read_register_declaration

    folder = tmp_path / "victims"
    write_register(folder, [])
    (folder / "collection.toml").write_text(DECLARATION.replace('id = "victims"\n', 'id = "victim"\n', 1),
                                            encoding="utf-8")
    (folder / "SOURCE.md").unlink()
    decl, problems = read_register_declaration(folder)
    assert decl is None
    assert [str(p) for p in problems] == [
        "victims/collection.toml field 'id': 'victim' is not the folder's name (victims). Fix: rename the folder "
        'or write id = "victims".',
        f"victims/collection.toml field 'licence': 'SOURCE.md' is not a file in {folder}. Fix: keep the source's "
        "licence or SOURCE file beside collection.toml and name it here."]
    (folder / "SOURCE.md").write_text("x", encoding="utf-8")
    (folder / "collection.toml").write_text(DECLARATION, encoding="utf-8")
    assert read_register_declaration(folder)[1] == []
