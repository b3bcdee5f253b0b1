"""The attract tour: the real tour validates against the real places; exact messages per problem class."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from mapapp import DATA_DIR, GEODATA_DIR
from mapapp.kiosk.tour import COLUMNS, TourStep, load_tour
from mapapp.model.trails import people_with_trails
from mapapp.model.viewstate import VIEWS_BY_ID, month_first
from mapapp.problems import DataError
from mapapp.webmap.mapview import load_dataset

HEADER = ",".join(COLUMNS)
GOOD = "kirov,1934-12,1934-12,,smolny;kirov_city,Kirov is shot.,Киров убит.,10"
PLACES = {"smolny", "kirov_city", "lubyanka"}
VIEWS = ", ".join(VIEWS_BY_ID)


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "tour.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def problems(tmp_path: Path, *rows: str, header: str = HEADER) -> list[str]:
    with pytest.raises(DataError) as info:
        load_tour(write(tmp_path, *rows, header=header), PLACES)
    return [str(p) for p in info.value.problems]


@pytest.mark.realdata
def test_real_tour_validates_against_real_places() -> None:
    ds = load_dataset(GEODATA_DIR)
    steps = load_tour(DATA_DIR / "tour.csv", ds.places.keys(), people_with_trails(ds))
    assert 8 <= len(steps) <= 14  # about three minutes
    starts = [month_first(s.start) for s in steps]
    assert starts == sorted(starts), "the tour tells the story in date order"
    for step in steps:
        assert re.search("[А-Яа-яЁё]", step.caption_ru) and not re.search("[А-Яа-яЁё]", step.caption_en)
        for caption in (step.caption_en, step.caption_ru):  # one or two sentences
            assert 1 <= len(re.findall(r"[.!?](?=\s+[A-ZА-ЯЁ«]|$)", caption)) <= 2, (step.id, caption)
    by_id = {s.id: s for s in steps}
    assert by_id["kirov_assassination"].places == ("smolny",)
    assert by_id["military_case"].places == ("military_collegium",)
    assert by_id["order_00447"].view == "ussr"
    assert by_id["mandelstam_death"].places == ("vtoraya_rechka",)
    assert by_id["mandelstam_death"].person == "mandelstam"  # the tour draws one trail
    assert [s.id for s in steps if s.person] == ["mandelstam_death"]
    assert "20,761" in by_id["butovo"].caption_en and "20 761" in by_id["butovo"].caption_ru
    # the camps step: the whole map, the camps' window, and the numbers are the collection's totals
    gulag = by_id["gulag_1937_1941"]
    assert (gulag.view, gulag.start, gulag.end) == ("ussr", "1937-01", "1941-12")
    camps = next(c for c in ds.collections if c.id == "gulag-camps")
    for year in (1937, 1941):
        total = camps.total(year)
        assert total is not None
        assert f"{total.total:,}" in gulag.caption_en and f"{total.total:,}".replace(",", " ") in gulag.caption_ru
        assert str(total.with_value) in gulag.caption_en and str(total.with_value) in gulag.caption_ru


def test_good_row_and_default_duration(tmp_path: Path) -> None:
    view_row = "ussr_view,1937-08,1938-11,ussr,,Order 00447.,Приказ 00447.,"
    steps = load_tour(write(tmp_path, GOOD, view_row), PLACES)
    assert steps == (
        TourStep("kirov", "1934-12", "1934-12", None, ("smolny", "kirov_city"), "Kirov is shot.", "Киров убит.",
                 10),
        TourStep("ussr_view", "1937-08", "1938-11", "ussr", (), "Order 00447.", "Приказ 00447.", 12),
    )
    assert steps[0].caption("ru") == "Киров убит." and steps[1].as_dict()["places"] == []


@pytest.mark.parametrize("row, expected", [
    ("kirov,1934-12,1934-12,,smolny,A.,Б.,10", "tour.csv row 3, field 'id': 'kirov' is already used by row 2. "
                                               "Fix: give every step its own id."),
    ("Kirov!,1934-12,1934-12,,smolny,A.,Б.,10", "tour.csv row 3, field 'id': 'Kirov!' is not a valid id. "
                                                "Fix: use only lower-case letters, digits and _."),
    (",1934-12,1934-12,,smolny,A.,Б.,10", "tour.csv row 3, field 'id' is empty. "
                                          "Fix: give the step a short id of lower-case letters, digits and _."),
    ("b,1934-13,1934-12,,smolny,A.,Б.,10", "tour.csv row 3, field 'start': '1934-13' is not a month. "
                                           "Fix: write the month as YYYY-MM, e.g. 1937-08."),
    ("b,1934-12,1934,,smolny,A.,Б.,10", "tour.csv row 3, field 'end': '1934' is not a month. "
                                        "Fix: write the month as YYYY-MM, e.g. 1937-08."),
    ("b,,1934-12,,smolny,A.,Б.,10", "tour.csv row 3, field 'start' is empty. "
                                    "Fix: write the month as YYYY-MM, e.g. 1937-08."),
    ("b,1938-01,1937-12,,smolny,A.,Б.,10", "tour.csv row 3, field 'end': '1937-12' is before start (1938-01). "
                                           "Fix: make end the same month as start or later."),
    ("b,1937-01,1937-12,moon,smolny,A.,Б.,10", "tour.csv row 3, field 'view': 'moon' is not a view. "
                                               f"Fix: use one of {VIEWS}, or leave it empty and list places."),
    ("b,1937-01,1937-12,,smolny;nowhere,A.,Б.,10", "tour.csv row 3, field 'places': 'nowhere' is not a place id in "
                                                   "places.csv. Fix: use the id column of data/places.csv."),
    ("b,1937-01,1937-12,,,A.,Б.,10", "tour.csv row 3 has neither a view nor places. "
                                     f"Fix: give a view ({VIEWS}) or the ids of the places to show."),
    ("b,1937-01,1937-12,ussr,,,Б.,10", "tour.csv row 3, field 'caption_en' is empty. "
                                       "Fix: write one or two sober sentences in English."),
    ("b,1937-01,1937-12,ussr,,A.,,10", "tour.csv row 3, field 'caption_ru' is empty. "
                                       "Fix: write one or two sober sentences in Russian."),
    ("b,1937-01,1937-12,ussr,,A.,Kirov.,10", "tour.csv row 3, field 'caption_ru': 'Kirov.' has no Cyrillic letters. "
                                             "Fix: write the Russian caption in Cyrillic."),
    ("b,1937-01,1937-12,ussr,,A.,Б.,3", "tour.csv row 3, field 'duration_s': '3' is not a whole number of seconds "
                                        "from 4 to 120. Fix: write a whole number from 4 to 120, or leave it empty "
                                        "for 12."),
    ("b,1937-01,1937-12,ussr,,A.,Б.,12.5", "tour.csv row 3, field 'duration_s': '12.5' is not a whole number of "
                                           "seconds from 4 to 120. Fix: write a whole number from 4 to 120, or leave "
                                           "it empty for 12."),
    ("b,1937-01,1937-12,ussr,,A.,Б.", "tour.csv row 3 has 7 cells but the header has 8. "
                                      "Fix: give every row exactly one cell per column (check commas and quotes)."),
])
def test_problem_messages(tmp_path: Path, row: str, expected: str) -> None:
    assert problems(tmp_path, GOOD, row) == [expected]


def test_every_problem_is_collected_in_row_order(tmp_path: Path) -> None:
    found = problems(tmp_path, "b,1937-01,1936-12,moon,,A.,Б.,1", GOOD, GOOD)
    assert found == [
        "tour.csv row 2, field 'duration_s': '1' is not a whole number of seconds from 4 to 120. "
        "Fix: write a whole number from 4 to 120, or leave it empty for 12.",
        "tour.csv row 2, field 'end': '1936-12' is before start (1937-01). "
        "Fix: make end the same month as start or later.",
        f"tour.csv row 2, field 'view': 'moon' is not a view. Fix: use one of {VIEWS}, or leave it empty and list "
        "places.",
        "tour.csv row 4, field 'id': 'kirov' is already used by row 3. Fix: give every step its own id.",
    ]


def test_empty_tour(tmp_path: Path) -> None:
    assert problems(tmp_path) == ["tour.csv has no steps. Fix: add at least one step below the header."]
    (tmp_path / "tour.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_tour(tmp_path / "tour.csv", PLACES)
    assert [str(p) for p in info.value.problems] == [
        "tour.csv has no steps. Fix: add at least one step below the header."]


def test_missing_file_and_bad_header(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load_tour(tmp_path / "tour.csv", PLACES)
    assert str(info.value.problems[0]) == (f"tour.csv is missing from {tmp_path}. "
                                           f"Fix: create it with the header row: {HEADER}.")
    found = problems(tmp_path, "x,1934-12,1934-12,,smolny,A.,Б.,10,1",
                     header=HEADER.replace("duration_s", "seconds") + ",extra")
    assert found[:3] == [
        f"tour.csv row 1: 'duration_s' is missing from the header. Fix: add the column (the columns are: {HEADER}).",
        f"tour.csv row 1: 'seconds' is not a column of tour.csv. Fix: rename or remove it (the columns are: "
        f"{HEADER}).",
        f"tour.csv row 1: 'extra' is not a column of tour.csv. Fix: rename or remove it (the columns are: "
        f"{HEADER}).",
    ]


def test_unreadable_csv_and_encoding(tmp_path: Path) -> None:
    assert problems(tmp_path, GOOD, 'b,"1937-01,1937-12,ussr') == [
        "tour.csv row 3 cannot be read as CSV (unexpected end of data). Fix: check the quotes in this row: a cell "
        "with a quote, comma or line break must be in double quotes, and a quote inside it doubled."]
    (tmp_path / "tour.csv").write_bytes(HEADER.encode() + b"\nb,1937-01,1937-12,ussr,,caf\xe9,x,\n")
    with pytest.raises(DataError) as info:
        load_tour(tmp_path / "tour.csv", PLACES)
    assert str(info.value.problems[0]) == ("tour.csv row 2 is not valid UTF-8 (byte 85). "
                                           "Fix: save the file as UTF-8 (CSV UTF-8 in a spreadsheet).")


def test_optional_person_column(tmp_path: Path) -> None:
    header = HEADER + ",person"
    path = write(tmp_path, GOOD + ",", "trail,1934-05,1938-12,,,Trail.,Путь.,,kirov", header=header)
    steps = load_tour(path, PLACES, {"kirov"})
    assert [s.person for s in steps] == [None, "kirov"]
    assert steps[1].as_dict()["person"] == "kirov"
    with pytest.raises(DataError) as info:  # a person needs a trail
        load_tour(path, PLACES, {"yezhov"})
    assert [str(p) for p in info.value.problems] == [
        "tour.csv row 3, field 'person': 'kirov' is not a person with a trail. Fix: use the id of a person "
        "(people.csv) whose events are at two or more places, or leave it empty."]


@pytest.mark.parametrize("raw, expected", [
    (codecs.BOM_UTF16_LE + f"{HEADER}\n{GOOD}\n".encode("utf-16-le"),
     "tour.csv is encoded as UTF-16 LE, not UTF-8. Fix: save it as CSV UTF-8 (in a spreadsheet: Save As, CSV "
     "UTF-8), or convert it: iconv -f UTF-16LE -t UTF-8 tour.csv > tour.csv.new && mv tour.csv.new tour.csv."),
    (f"{HEADER}\n{GOOD}\n".encode("cp1251"),
     "tour.csv is not UTF-8: it looks like windows-1251. Fix: save it as CSV UTF-8 (in a spreadsheet: Save As, "
     "CSV UTF-8), or convert it: iconv -f WINDOWS-1251 -t UTF-8 tour.csv > tour.csv.new && "
     "mv tour.csv.new tour.csv."),
], ids=["utf16", "cp1251"])
def test_a_tour_in_another_encoding_is_one_line(tmp_path: Path, raw: bytes, expected: str) -> None:
    (tmp_path / "tour.csv").write_bytes(raw)
    with pytest.raises(DataError) as info:
        load_tour(tmp_path / "tour.csv", PLACES)
    assert [str(p) for p in info.value.problems] == [expected]
