"""validate(): every class of problem, with the exact message a curator sees."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BASE, edited, needs_real_data, tables_copy, write_tables
from mapapp import DATA_DIR
from mapapp.ingest.build import build
from mapapp.ingest.tables import COLUMNS, Row, Table, decode_table, guess_cyrillic, parse_table
from mapapp.ingest.validate import validate, validate_tables
from mapapp.problems import DataError, Problem

DATE_FIX = "Fix: use YYYY, YYYY-MM or YYYY-MM-DD with a valid day."
LINES_FIX = "Fix: give line numbers like 34, 220-225 or 34;102."


def messages(folder: Path) -> list[str]:
    return [str(p) for p in validate(folder)[1]]


def test_base_fixture_is_valid(data_dir: Path) -> None:
    assert messages(data_dir) == []


# (file, row index (0 = spreadsheet row 2), changed cells, the one expected message)
CASES = [
    # ids
    ("events.csv", 0, {"id": "Kirov-Murder"},
     "events.csv row 2, field 'id': 'Kirov-Murder' is not a valid id. "
     "Fix: use lower-case letters a-z, digits and _ only (e.g. kirov_1934)."),
    ("events.csv", 1, {"id": "kirov_murder"},
     "events.csv row 3, field 'id': 'kirov_murder' is already the id of row 2. "
     "Fix: give each row its own id (ids are never reused)."),
    ("events.csv", 1, {"id": ""},
     "events.csv row 3, field 'id' is empty. "
     "Fix: give the row an id: use lower-case letters a-z, digits and _ only (e.g. kirov_1934)."),
    # references
    ("events.csv", 0, {"places": "smolny;nowhere"},
     "events.csv row 2, field 'places': 'nowhere' is not an id in places.csv. "
     "Fix: add it to places.csv or correct the id."),
    ("events.csv", 0, {"people": "kirov;stalin"},
     "events.csv row 2, field 'people': 'stalin' is not an id in people.csv. "
     "Fix: add it to people.csv or correct the id."),
    ("events.csv", 0, {"places": "smolny; smolny"},
     "events.csv row 2, field 'places': 'smolny' is listed twice. Fix: list each id once."),
    ("events.csv", 0, {"places": " ; "},
     "events.csv row 2, field 'places' is empty. "
     "Fix: give at least one places.csv id (the first is the main place)."),
    ("events.csv", 0, {"source": "pravda"},
     "events.csv row 2, field 'source': 'pravda' is not an id in sources.csv. "
     "Fix: add the source to sources.csv or correct the id."),
    ("names.csv", 0, {"place_id": "vyatka"},
     "names.csv row 2, field 'place_id': 'vyatka' is not an id in places.csv. "
     "Fix: add the place to places.csv or correct the id."),
    # dates
    ("events.csv", 0, {"start": "1937-02-30"},
     f"events.csv row 2, field 'start': '1937-02-30' is not a real date. {DATE_FIX}"),
    ("events.csv", 0, {"start": "1937-13"},
     f"events.csv row 2, field 'start': '1937-13' is not a real date. {DATE_FIX}"),
    ("events.csv", 0, {"start": "01.12.1934"},
     f"events.csv row 2, field 'start': '01.12.1934' is not a partial ISO date. {DATE_FIX}"),
    ("events.csv", 0, {"start": ""},
     "events.csv row 2, field 'start' is empty. Fix: give the date: use YYYY, YYYY-MM or YYYY-MM-DD with a "
     "valid day."),
    ("events.csv", 2, {"end": "1936"},
     "events.csv row 4, field 'end': '1936' is before the start '1937'. "
     "Fix: correct the dates (end is the last day of the event)."),
    ("people.csv", 0, {"died": "1880"},
     "people.csv row 2, field 'died': '1880' is before 'born' '1886-03-27'. Fix: correct one of the dates."),
    ("people.csv", 0, {"born": "1886-02-30"},
     f"people.csv row 2, field 'born': '1886-02-30' is not a real date. {DATE_FIX}"),
    # enums and flags
    ("events.csv", 0, {"category": "murder"},
     "events.csv row 2, field 'category': 'murder' is not a known category. Fix: use one of: arrest, trial, "
     "sentence, execution, burial, death_in_custody, suicide, assassination, exile, deportation, imprisonment, "
     "renaming, decree, mass_operation, party_purge, appointment, dismissal, rehabilitation, speech, meeting, "
     "famine, construction, memorial, birth, death, other."),
    ("events.csv", 0, {"approximate": "y"},
     "events.csv row 2, field 'approximate': 'y' is neither 'yes' nor empty. "
     "Fix: write yes, or leave the cell empty."),
    ("places.csv", 0, {"kind": "palace"},
     "places.csv row 2, field 'kind': 'palace' is not a known kind. Fix: use one of: prison, nkvd_building, "
     "execution_site, burial_site, camp, exile_site, trial_venue, government_building, building, residence, city, "
     "town, village, region, country, canal."),
    ("places.csv", 0, {"precision": "exact"},
     "places.csv row 2, field 'precision': 'exact' is not a known precision. "
     "Fix: use one of: site, locality, region, country."),
    ("places.csv", 0, {"abroad": "no"},
     "places.csv row 2, field 'abroad': 'no' is neither 'yes' nor empty. Fix: write yes, or leave the cell empty."),
    ("sources.csv", 1, {"kind": "book"},
     "sources.csv row 3, field 'kind': 'book' is not a known kind. Fix: use one of: text, general."),
    ("places.csv", 0, {"country": "Russia"},
     "places.csv row 2, field 'country': 'Russia' is not an ISO 3166-1 alpha-2 code. "
     "Fix: use two capital letters for the country the place lies in today, e.g. RU, UA, PL."),
    # required text
    ("events.csv", 0, {"summary_ru": ""},
     "events.csv row 2, field 'summary_ru' is empty. Fix: fill it in: this column is required."),
    ("places.csv", 2, {"name_en": ""},
     "places.csv row 4, field 'name_en' is empty. Fix: fill it in: this column is required."),
    # precision / uncertainty
    ("places.csv", 0, {"uncertainty_m": "6000"},
     "places.csv row 2, field 'uncertainty_m': '6000' is above the 5,000 m allowed for precision 'site'. "
     "Fix: give a smaller radius, or a coarser precision."),
    ("places.csv", 1, {"uncertainty_m": "60000"},
     "places.csv row 3, field 'uncertainty_m': '60000' is above the 50,000 m allowed for precision 'locality'. "
     "Fix: give a smaller radius, or a coarser precision."),
    ("places.csv", 0, {"precision": "region", "uncertainty_m": "1000"},
     "places.csv row 2, field 'uncertainty_m': '1000' is below the 50,000 m minimum for precision 'region'. "
     "Fix: give a larger radius, or a finer precision."),
    ("places.csv", 0, {"precision": "country", "uncertainty_m": "100000"},
     "places.csv row 2, field 'uncertainty_m': '100000' is below the 200,000 m minimum for precision 'country'. "
     "Fix: give a larger radius, or a finer precision."),
    ("places.csv", 0, {"uncertainty_m": "1e3"},
     "places.csv row 2, field 'uncertainty_m': '1e3' is not a positive whole number of metres. "
     "Fix: give the radius in metres, e.g. 500."),
    # coordinates
    ("places.csv", 0, {"lat": "95.1"},
     "places.csv row 2, field 'lat': '95.1' is not a latitude (-90..90). Fix: check the coordinates."),
    ("places.csv", 0, {"lon": "-190"},
     "places.csv row 2, field 'lon': '-190' is not a longitude (-180..180). Fix: check the coordinates."),
    ("places.csv", 0, {"lat": "59,9"},
     "places.csv row 2, field 'lat': '59,9' is not a decimal number. "
     "Fix: write decimal degrees with a point, e.g. 58.6036."),
    ("places.csv", 0, {"lat": "30.39583", "lon": "59.94611"},
     "places.csv row 2, field 'lat': '30.39583' and lon '59.94611' look swapped: the point lies in RU only with "
     "lat and lon exchanged. Fix: exchange the lat and lon cells."),
    ("places.csv", 0, {"lat": "48.85", "lon": "2.35"},
     "places.csv row 2, field 'lat': '48.85' and lon '2.35' lie outside RU (lat 41.1..81.9, lon 19.6..-169.0). "
     "Fix: check the coordinates, and that country is where the place lies today."),
    ("places.csv", 0, {"country": "JP"},
     "places.csv row 2, field 'country': 'JP' has no bounding box, so the coordinates cannot be checked. "
     "Fix: add the country's rough bounding box to COUNTRY_BOUNDS in mapapp/ingest/countries.py."),
    ("places.csv", 0, {"coord_source": ""},
     "places.csv row 2, field 'coord_source' is empty, but curated coordinates need their source. "
     "Fix: say how the coordinates were determined (e.g. a map, a survey, a memorial's address)."),
    ("places.csv", 0, {"coord_source_ru": ""},
     "places.csv row 2, field 'coord_source_ru' is empty, but curated coordinates need their source in Russian "
     "too. Fix: say in Russian how the coordinates were determined (the Russian map shows it in place of "
     "'coord_source')."),
    ("places.csv", 0, {"coord_source": "", "coord_source_ru": "OpenStreetMap, проверено вручную"},
     "places.csv row 2, field 'coord_source' is empty, but curated coordinates need their source. "
     "Fix: say how the coordinates were determined (e.g. a map, a survey, a memorial's address)."),
    # either coordinates or gazetteer
    ("places.csv", 0, {"geonames_query": "Leningrad"},
     "places.csv row 2, field 'geonames_query': 'Leningrad' is given, but a government_building needs curated "
     "coordinates. Fix: give lat/lon and coord_source; only cities, towns and villages use the gazetteer."),
    ("places.csv", 1, {"lat": "58.6", "lon": "49.66", "geonames_query": "", "geonames_id": "",
                       "coord_source": "a map", "coord_source_ru": "карта"},
     "places.csv row 3, field 'lat': '58.6' is curated, but a city must come from the gazetteer. "
     "Fix: empty lat/lon and give geonames_query and geonames_id."),
    ("places.csv", 0, {"lat": "", "lon": ""},
     "places.csv row 2 has neither lat/lon nor a geonames_query. Fix: give lat/lon with a coord_source, or (for a "
     "city, town or village) a geonames_query and its geonames_id."),
    ("places.csv", 1, {"geonames_id": "Kirov"},
     "places.csv row 3, field 'geonames_id': 'Kirov' is not a GeoNames id. "
     "Fix: give the numeric GeoNames id, e.g. 548408."),
    ("places.csv", 1, {"geonames_id": ""},
     "places.csv row 3, field 'geonames_id' is empty, but a geonames_query needs its pinned GeoNames id. "
     "Fix: run `mapapp build` to see what the query resolves to, check it, and pin that id."),
    ("places.csv", 1, {"coord_source": "GeoNames"},
     "places.csv row 3, field 'coord_source': 'GeoNames' is filled by the build for gazetteer places. "
     "Fix: leave it empty (the build names the GeoNames record)."),
    ("places.csv", 1, {"coord_source_ru": "GeoNames"},
     "places.csv row 3, field 'coord_source_ru': 'GeoNames' is filled by the build for gazetteer places. "
     "Fix: leave it empty (the build names the GeoNames record)."),
    ("places.csv", 0, {"admin1": "69"},
     "places.csv row 2, field 'admin1': '69' is given without a geonames_query. "
     "Fix: add the geonames_query, or empty the cell."),
    # citations
    ("events.csv", 0, {"source": ""},
     "events.csv row 2, field 'source' is empty, but every event needs a source. "
     "Fix: use a sources.csv id (a text, or 'general' for general knowledge)."),
    ("events.csv", 0, {"source_lines": ""},
     f"events.csv row 2, field 'source_lines' is empty, but source 'crawford2014' is cited by line. {LINES_FIX}"),
    ("events.csv", 0, {"source_lines": "34,35"},
     f"events.csv row 2, field 'source_lines': '34,35' is not a list of line numbers. {LINES_FIX}"),
    ("events.csv", 0, {"source_lines": "225-220"},
     f"events.csv row 2, field 'source_lines': '225-220' has a range that runs backwards (225-220). {LINES_FIX}"),
    ("events.csv", 0, {"source_lines": "34;600"},
     "events.csv row 2, field 'source_lines': '34;600' cites line 600, outside lines 1..511 of 'crawford2014'. "
     "Fix: check the line numbers against the source text."),
    ("events.csv", 0, {"source_lines": "0"},
     "events.csv row 2, field 'source_lines': '0' cites line 0, outside lines 1..511 of 'crawford2014'. "
     "Fix: check the line numbers against the source text."),
    ("events.csv", 1, {"source_lines": "12"},
     "events.csv row 3, field 'source_lines': '12' must be empty: source 'general' is general knowledge, not cited "
     "by line. Fix: empty the cell, or cite a text source by line."),
    ("names.csv", 0, {"source_lines": "12"},
     "names.csv row 2, field 'source_lines': '12' is given without a source. "
     "Fix: fill in 'source' too, or empty 'source_lines'."),
    ("sources.csv", 0, {"line_count": "many"},
     "sources.csv row 2, field 'line_count': 'many' is not a positive whole number. "
     "Fix: give the number of lines of the text."),
    ("sources.csv", 0, {"citation_en": "Crawford 2014"},
     "sources.csv row 2, field 'citation_en': 'Crawford 2014' has no {lines} placeholder. "
     "Fix: write {lines} (or {lines:line|lines}) where the line numbers go."),
    ("sources.csv", 1, {"line_count": "10"},
     "sources.csv row 3, field 'line_count': '10' must be empty for a general-knowledge source. "
     "Fix: empty the cell (general knowledge is not cited by line)."),
    ("sources.csv", 1, {"citation_en": "General, lines {lines}"},
     "sources.csv row 3, field 'citation_en': 'General, lines {lines}' has a {lines} placeholder, but a general "
     "source has no lines. Fix: remove {lines}."),
    # notes in both languages
    ("events.csv", 0, {"note_ru": ""},
     "events.csv row 2, field 'note_ru' is empty, but 'note' is given. "
     "Fix: write the Russian version: the Russian map shows it in place of 'note'."),
    ("events.csv", 0, {"note": ""},
     "events.csv row 2, field 'note' is empty, but 'note_ru' is given. "
     "Fix: write the English version (the English map shows it), or empty 'note_ru'."),
    ("events.csv", 1, {"note": "The source gives no month."},
     "events.csv row 3, field 'note_ru' is empty, but 'note' is given. "
     "Fix: write the Russian version: the Russian map shows it in place of 'note'."),
    ("places.csv", 2, {"note_ru": ""},
     "places.csv row 4, field 'note_ru' is empty, but 'note' is given. "
     "Fix: write the Russian version: the Russian map shows it in place of 'note'."),
    ("places.csv", 1, {"note_ru": "Точка обозначает город."},
     "places.csv row 3, field 'note' is empty, but 'note_ru' is given. "
     "Fix: write the English version (the English map shows it), or empty 'note_ru'."),
    # names periods
    ("names.csv", 1, {"to": "1934-11"},
     "names.csv row 3, field 'to': '1934-11' leaves a gap before the next period (row 4) starts on '1934-12-05'. "
     "Fix: make 'to' equal the next period's 'from'."),
    ("names.csv", 1, {"to": "1935"},
     "names.csv row 3, field 'to': '1935' overlaps the next period (row 4), which starts on '1934-12-05'. "
     "Fix: make 'to' equal the next period's 'from'."),
    ("names.csv", 1, {"to": "1780"},
     "names.csv row 3, field 'to': '1780' is not after 'from' '1780'. "
     "Fix: 'to' is the first date of the next name: make it later than 'from'."),
    ("names.csv", 1, {"from": ""},
     "names.csv row 3, field 'from' is empty in more than one period of 'kirov_city' (also row 2). "
     "Fix: only the first period may have an empty 'from': give the date."),
    ("names.csv", 1, {"to": ""},
     "names.csv row 3, field 'to' is empty in more than one period of 'kirov_city' (also row 4). "
     "Fix: only the last period may have an empty 'to': give the date the next name took over."),
    ("names.csv", 2, {"name_en": "Kirov City"},
     "names.csv row 4, field 'name_en': 'Kirov City' is the current name (empty 'to') but places.csv row 3 calls "
     "the place 'Kirov'. Fix: use the same name in both, or close the period with a 'to' date."),
    ("names.csv", 0, {"to": "1780-01"},
     "names.csv row 2, field 'to': '1780-01' is not written like the next period's 'from' '1780' (row 3). "
     "Fix: write the same date in both cells."),
    ("names.csv", 2, {"from": "1934-12-32"},
     f"names.csv row 4, field 'from': '1934-12-32' is not a real date. {DATE_FIX}"),
]


@pytest.mark.parametrize("file, index, cells, expected", CASES,
                         ids=[f"{c[0]}:{','.join(c[2])}={'|'.join(c[2].values())}" for c in CASES])
def test_each_problem_has_exact_message(tmp_path: Path, file: str, index: int, cells: dict[str, str],
                                        expected: str) -> None:
    folder = write_tables(tmp_path, edited(file, index, **cells))
    assert messages(folder) == [expected]


def test_all_problems_are_collected_not_just_the_first(tmp_path: Path) -> None:
    tables = tables_copy()
    tables["events.csv"][0].update(start="1937-02-30", category="murder")
    tables["places.csv"][0].update(lat="95")
    tables["people.csv"][1].update(id="kirov")
    found = messages(write_tables(tmp_path, tables))
    assert [m.split(":")[0] for m in found] == [
        "events.csv row 2, field 'category'", "events.csv row 2, field 'start'",
        "events.csv row 4, field 'people'",  # yezhov's id is now taken by the duplicate
        "people.csv row 3, field 'id'", "places.csv row 2, field 'lat'"]


@pytest.mark.parametrize("header, expected", [
    ("id,name_en,name_ru,aliases,born,died,description_en",
     ["people.csv row 1: 'note' is missing from the header. "
      "Fix: add the column (the columns are: id,name_en,name_ru,aliases,born,died,description_en,note)."]),
    ("id,name_en,name_ru,aliases,born,died,description_en,note,colour",
     ["people.csv row 1: 'colour' is not a column of people.csv. "
      "Fix: rename or remove it (the columns are: id,name_en,name_ru,aliases,born,died,description_en,note)."]),
])
def test_header_problems(header: str, expected: list[str]) -> None:
    _, problems = parse_table("people.csv", header + "\n")
    assert [str(p) for p in problems] == expected


def test_missing_file_and_wrong_cell_count(tmp_path: Path) -> None:
    folder = write_tables(tmp_path)
    (folder / "people.csv").unlink()
    with open(folder / "events.csv", "a", encoding="utf-8") as fh:
        fh.write("extra,row\n")
    found = messages(folder)
    assert "events.csv row 5 has 2 cells but the header has 15. Fix: give every row exactly one cell per column " \
           "(check commas and quotes)." in found
    assert f"people.csv is missing from {folder}. Fix: create it with the header row: " \
           "id,name_en,name_ru,aliases,born,died,description_en,note." in found


def test_not_utf8(tmp_path: Path) -> None:
    folder = write_tables(tmp_path)
    (folder / "sources.csv").write_bytes("id,kind\nx,ü\n".encode("latin-1"))
    found = messages(folder)
    assert "sources.csv row 2 is not valid UTF-8 (byte 10). " \
           "Fix: save the file as UTF-8 (CSV UTF-8 in a spreadsheet)." in found


def test_row_numbers_count_quoted_line_breaks_as_one_row() -> None:
    text = "id,name_en,name_ru,aliases,born,died,description_en,note\n" \
           'a,"A\nB",Б,,,,,\n' \
           "b,B,Б,,1937-02-30,,,\n"
    table, problems = parse_table("people.csv", text)
    assert problems == []
    assert [r.number for r in table.rows] == [2, 3]


def test_problem_rendering_and_data_error() -> None:
    p = Problem("events.csv", 12, "start", "1937-02-30", "is not a real date",
                "use YYYY, YYYY-MM or YYYY-MM-DD with a valid day")
    assert str(p) == ("events.csv row 12, field 'start': '1937-02-30' is not a real date. "
                      "Fix: use YYYY, YYYY-MM or YYYY-MM-DD with a valid day.")
    err = DataError([p, Problem("a.csv", None, None, None, "is missing", "create it")])
    assert err.problems[0].file == "a.csv"
    assert str(err).splitlines()[-1] == "2 problems found."


# --- property-based: arbitrary cells never crash validation -------------------------------------------------

cell = st.one_of(st.text(max_size=12), st.sampled_from(["", "yes", "1937", "1937-02-30", "smolny", "kirov",
                                                        "crawford2014", "general", "34", "1-3;5", "RU", "59.9",
                                                        "-200", "city", "site", "100", "kirov_city", "1780"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(BASE)), st.integers(min_value=0, max_value=1), st.data())
def test_random_rows_only_ever_give_problems(file: str, index: int, data: st.DataObject) -> None:
    tables = tables_copy()
    row = {col: data.draw(cell, label=col) for col in COLUMNS[file]}
    tables[file][index] = row
    parsed = {}
    for name, rows in tables.items():
        parsed[name] = Table(name, list(COLUMNS[name]),
                             [Row(name, i + 2, {c: r.get(c, "").strip() for c in COLUMNS[name]})
                              for i, r in enumerate(rows)])
    problems = validate_tables(parsed)
    assert all(isinstance(p, Problem) and str(p) for p in problems)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_random_csv_text_only_ever_gives_problems(text: str) -> None:
    table, problems = parse_table("events.csv", text)
    assert all(isinstance(p, Problem) for p in problems)
    assert all(set(r.cells) <= set(table.header) for r in table.rows)


def test_duplicate_header_column_is_reported_once() -> None:
    header = "id,name_en,name_ru,aliases,born,died,description_en,note,note"
    _, problems = parse_table("people.csv", header + "\n")
    assert [str(p) for p in problems] == [
        "people.csv row 1: 'note' appears twice in the header. Fix: keep one column of that name."]


def test_empty_file_is_reported() -> None:
    _, problems = parse_table("sources.csv", "")
    assert [str(p) for p in problems] == [
        "sources.csv is empty. Fix: start it with the header row: "
        "id,kind,title,author,year,path,line_count,citation_en,citation_ru."]


# --- hostile input (issue 9): empty tables, other encodings, no follow-on errors ---------------------------

NOT_CHECKED = "was not checked against {target}, which {why}. Fix: correct {target} first; then these " \
              "references are checked."


def not_checked(where: str, target: str, why: str = "could not be read") -> str:
    return f"{where} " + NOT_CHECKED.format(target=target, why=why)


@pytest.mark.parametrize("name, expected", [
    ("events.csv", ["events.csv has a header but no rows. Fix: add its rows below the header: the map has "
                    "nothing to show without events."]),
    ("places.csv", ["places.csv has a header but no rows. Fix: add its rows below the header: every event "
                    "happens at a place from places.csv.",
                    not_checked("events.csv field 'places'", "places.csv", "has no rows"),
                    not_checked("names.csv field 'place_id'", "places.csv", "has no rows")]),
    ("sources.csv", ["sources.csv has a header but no rows. Fix: add its rows below the header: every event "
                     "cites a source from sources.csv.",
                     not_checked("events.csv field 'source'", "sources.csv", "has no rows"),
                     not_checked("names.csv field 'source'", "sources.csv", "has no rows")]),
])
def test_a_required_table_with_only_its_header_is_one_problem(tmp_path: Path, name: str,
                                                              expected: list[str]) -> None:
    tables = tables_copy()
    tables[name] = []
    assert messages(write_tables(tmp_path, tables)) == expected


def test_a_header_and_blank_lines_is_still_an_empty_table(tmp_path: Path) -> None:
    folder = write_tables(tmp_path)
    (folder / "events.csv").write_text(",".join(COLUMNS["events.csv"]) + "\n\n,,,\n", encoding="utf-8")
    assert messages(folder) == ["events.csv has a header but no rows. Fix: add its rows below the header: the map "
                                "has nothing to show without events."]


def test_optional_tables_may_be_empty(tmp_path: Path) -> None:
    tables = tables_copy()
    tables["names.csv"] = []
    assert messages(write_tables(tmp_path / "no_names", tables)) == []
    tables["people.csv"] = []  # allowed, but the events still name people: those are real mistakes
    assert messages(write_tables(tmp_path / "no_people", tables)) == [
        "events.csv row 2, field 'people': 'kirov' is not an id in people.csv. "
        "Fix: add it to people.csv or correct the id.",
        "events.csv row 4, field 'people': 'yezhov' is not an id in people.csv. "
        "Fix: add it to people.csv or correct the id.",
    ]


def real_data_with(tmp_path: Path, name: str, raw: bytes) -> Path:
    """A copy of the real tables in ``tmp_path`` with ``name`` replaced by ``raw``."""
    folder = tmp_path / "data"
    folder.mkdir()
    for table in COLUMNS:
        (folder / table).write_bytes((DATA_DIR / table).read_bytes())
    (folder / name).write_bytes(raw)
    return folder


def iconv_fix(encoding: str, name: str = "places.csv") -> str:
    return (f"Fix: save it as CSV UTF-8 (in a spreadsheet: Save As, CSV UTF-8), or convert it: iconv -f {encoding} "
            f"-t UTF-8 {name} > {name}.new && mv {name}.new {name}.")


REAL_PLACES = (DATA_DIR / "places.csv").read_text(encoding="utf-8") if (DATA_DIR / "places.csv").is_file() else ""


@needs_real_data
@pytest.mark.parametrize("raw, expected", [
    (codecs.BOM_UTF16_LE + REAL_PLACES.encode("utf-16-le"),
     f"places.csv is encoded as UTF-16 LE, not UTF-8. {iconv_fix('UTF-16LE')}"),
    (codecs.BOM_UTF16_BE + REAL_PLACES.encode("utf-16-be"),
     f"places.csv is encoded as UTF-16 BE, not UTF-8. {iconv_fix('UTF-16BE')}"),
    (REAL_PLACES.encode("utf-16-le"),
     f"places.csv is encoded as UTF-16 LE (without a byte order mark), not UTF-8. {iconv_fix('UTF-16LE')}"),
    (REAL_PLACES.encode("utf-16-be"),
     f"places.csv is encoded as UTF-16 BE (without a byte order mark), not UTF-8. {iconv_fix('UTF-16BE')}"),
    (codecs.BOM_UTF32_LE + REAL_PLACES.encode("utf-32-le"),
     f"places.csv is encoded as UTF-32 LE, not UTF-8. {iconv_fix('UTF-32LE')}"),
    # a spreadsheet saving in windows-1251 writes '?' for what the code page lacks (Beneš's š)
    (REAL_PLACES.encode("cp1251", errors="replace"),
     f"places.csv is not UTF-8: it looks like windows-1251. {iconv_fix('WINDOWS-1251')}"),
    (REAL_PLACES.encode("koi8_r", errors="replace"),
     f"places.csv is not UTF-8: it looks like KOI8-R. {iconv_fix('KOI8-R')}"),
], ids=["utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf32le-bom", "cp1251", "koi8r"])
def test_real_places_in_another_encoding_is_one_line_without_follow_on_errors(tmp_path: Path, raw: bytes,
                                                                              expected: str) -> None:
    found = messages(real_data_with(tmp_path, "places.csv", raw))
    assert found == [expected,
                     not_checked("events.csv field 'places'", "places.csv"),
                     not_checked("names.csv field 'place_id'", "places.csv")]


@needs_real_data
def test_real_places_with_a_utf8_bom_is_read(tmp_path: Path) -> None:
    assert messages(real_data_with(tmp_path, "places.csv", codecs.BOM_UTF8 + REAL_PLACES.encode("utf-8"))) == []


@needs_real_data
def test_the_cause_comes_before_what_it_stopped(tmp_path: Path) -> None:
    """Sorted by file, 'places.csv' came after 'events.csv': the cause was the last of hundreds of lines."""
    folder = real_data_with(tmp_path, "places.csv", REAL_PLACES.encode("utf-16-le"))
    with pytest.raises(DataError) as info:
        build(folder, tmp_path / "out")
    assert info.value.report().splitlines()[0].startswith("places.csv is encoded as UTF-16 LE")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("raw", "expected"), [
    ("id,name\nx,Смольный\n".encode("utf-32-le"), "UTF-32 LE (without a byte order mark)"),
    ("id,name\nx,Смольный\n".encode("utf-32-be"), "UTF-32 BE (without a byte order mark)"),
    ("id,name\nx,Смольный\n".encode("utf-16-le"), "UTF-16 LE (without a byte order mark)"),
    ("id,name\nx,Смольный\n".encode("utf-16-be"), "UTF-16 BE (without a byte order mark)"),
    ("ab".encode("utf-16-le"), "UTF-16 LE (without a byte order mark)"),  # the shortest sample judged: 4 bytes
    ("ab".encode("utf-16-be"), "UTF-16 BE (without a byte order mark)"),
    ("a".encode("utf-32-le"), None),  # 4 bytes: too short for UTF-32, and no UTF-16 pattern either
    (b"id,name\nx,a\0b\n", None),  # one stray NUL in UTF-8 text: no pattern, reported by row instead
    (b"\0\0\0", None),  # too short to tell anything
])
def test_nul_bytes_tell_utf16_and_utf32_without_a_bom(raw: bytes, expected: str | None) -> None:
    text, problems = decode_table("t.csv", raw)
    assert text is None and len(problems) == 1
    if expected is None:
        assert "contains a NUL byte" in problems[0].message
    else:
        assert problems[0].message == f"is encoded as {expected}, not UTF-8"


@pytest.mark.parametrize("text, expected", [
    ("Müller;Größe;Straße;Ærø;façade;naïve;Beneš", None),  # windows-1252: isolated letters, no Cyrillic words
    ("ü", None),
    ("Смольный;Лубянка;Бутовский полигон", "windows-1251"),
])
def test_guess_cyrillic_tells_russian_from_western_european(text: str, expected: str | None) -> None:
    codec = {None: "cp1252", "windows-1251": "cp1251"}[expected]
    assert guess_cyrillic(text.encode(codec)) == expected


def test_a_stray_nul_byte_names_its_row(tmp_path: Path) -> None:
    folder = write_tables(tmp_path)
    text = (folder / "people.csv").read_bytes()
    lines = text.split(b"\n")
    lines[2] = lines[2].replace(b"Ezhov", b"Ez\0hov")
    (folder / "people.csv").write_bytes(b"\n".join(lines))
    at = b"\n".join(lines).index(b"\0")
    assert f"people.csv row 3 contains a NUL byte (byte {at}), so it is not CSV text (a spreadsheet workbook saved " \
           "under a .csv name?). Fix: open it in the spreadsheet and save it as CSV UTF-8." in messages(folder)


def test_a_row_that_stops_the_reading_stops_the_references_too(tmp_path: Path) -> None:
    folder = write_tables(tmp_path)
    with open(folder / "places.csv", "a", encoding="utf-8") as fh:
        fh.write('broken,"Unclosed quote\n')
    found = messages(folder)
    assert [m.split(" (")[0] for m in found if m.startswith("places.csv")] == ["places.csv row 5 cannot be read as CSV"]
    assert found[-2:] == [not_checked("events.csv field 'places'", "places.csv"),
                          not_checked("names.csv field 'place_id'", "places.csv")]
    assert not any("is not an id in places.csv" in m for m in found)


def test_a_table_without_an_id_column_is_not_checked_against(tmp_path: Path) -> None:
    folder = write_tables(tmp_path)
    text = (folder / "people.csv").read_text(encoding="utf-8")
    (folder / "people.csv").write_text(text.replace("id,name_en", "ident,name_en", 1), encoding="utf-8")
    found = messages(folder)
    assert not any("is not an id in people.csv" in m for m in found)
    assert found[-1] == not_checked("events.csv field 'people'", "people.csv", "has no 'id' column")


@pytest.mark.parametrize("path, expected", [
    ("places.csv", "places.csv is a folder, not a CSV file"),
])
def test_a_folder_named_like_a_table(tmp_path: Path, path: str, expected: str) -> None:
    folder = write_tables(tmp_path / "data")
    (folder / path).unlink()
    (folder / path).mkdir()
    found = messages(folder)
    assert found[0].startswith(expected) and "Fix: put the table itself at" in found[0]
    assert found[1:] == [not_checked("events.csv field 'places'", "places.csv"),
                         not_checked("names.csv field 'place_id'", "places.csv")]
