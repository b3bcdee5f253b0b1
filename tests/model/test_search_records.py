"""Search finds the people of the Moscow execution list (kind "record") by any order and spelling of their name.

On the real geodata's index: surname first, given name first, Wikipedia's and the scholarly romanisation, lower
case, ё written as е; each hit's id is ``moscow-executions/<row>``, that row of persons.csv (1-based data row,
read with the csv module here) is the person, and the label shows the date of execution as the source writes it.
"""

from __future__ import annotations

import csv

import pytest

from mapapp import DATA_DIR
from mapapp.model.search import Hit, SearchIndex, build_index, name_orders
from mapapp.webmap.mapview import load_dataset

PERSONS = DATA_DIR / "collections" / "moscow-executions" / "persons.csv"


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    ds = load_dataset()
    return build_index(dict(ds.places), dict(ds.people), ds.collections)


@pytest.fixture(scope="module")
def persons() -> list[dict[str, str]]:
    with open(PERSONS, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def row_of(persons: list[dict[str, str]], name: str) -> int:
    (row,) = [k + 1 for k, p in enumerate(persons) if " ".join(p["name"].split()) == name]
    return row


def records(hits: list[Hit]) -> list[str]:
    return [h.id for h in hits if h.kind == "record"]


@pytest.mark.parametrize(("query", "name"), [
    ("Крон Арнольд", "Крон Арнольд Фрицевич"),  # surname first, as the list writes it
    ("Крон Арнольд Фрицевич", "Крон Арнольд Фрицевич"),
    ("Арнольд Крон", "Крон Арнольд Фрицевич"),  # given name first
    ("Арнольд Фрицевич Крон", "Крон Арнольд Фрицевич"),
    ("крон арнольд", "Крон Арнольд Фрицевич"),  # lower case
    ("КРОН АРНОЛЬД", "Крон Арнольд Фрицевич"),
    ("Kron Arnold Fritsevich", "Крон Арнольд Фрицевич"),  # Wikipedia's romanisation
    ("Arnold Kron", "Крон Арнольд Фрицевич"),
    ("Kron Arnolʹd Fricevič", "Крон Арнольд Фрицевич"),  # scholarly (ISO 9 / GOST)
    ("Kron Arnold Fricevich", "Крон Арнольд Фрицевич"),
    ("Kron Arnol'd Fritsevich", "Крон Арнольд Фрицевич"),  # BGN/PCGN's ’ typed as '
    ("Щеголев Лев", "Щёголев Лев Израилевич"),  # ё typed as е
    ("Щёголев Лев", "Щёголев Лев Израилевич"),
    ("Лев Щеголев", "Щёголев Лев Израилевич"),
    ("Shchyogolev Lev", "Щёголев Лев Израилевич"),
    ("Молгачев Григорий", "Молгачёв Григорий Петрович"),
])
def test_a_person_is_found_by_any_order_and_spelling(index: SearchIndex, persons: list[dict[str, str]],
                                                     query: str, name: str) -> None:
    hits = index.search(query)
    expected = f"moscow-executions/{row_of(persons, name)}"
    assert records(hits)[:1] == [expected], records(hits)[:5]
    hit = next(h for h in hits if h.id == expected)
    assert hit.kind == "record" and hit.label_ru == name
    assert hit.collection == ("moscow-executions", str(row_of(persons, name)))


def test_the_found_row_is_the_person(index: SearchIndex, persons: list[dict[str, str]]) -> None:
    (hit,) = [h for h in index.search("Крон Арнольд") if h.kind == "record"]
    row = persons[int(hit.id.partition("/")[2]) - 1]
    assert row["name"] == "Крон Арнольд Фрицевич" and row["birth_year"] == "1884"
    assert row["execution_date"] == "17.05.1938" and row["burial_place"] == "Бутово"


def test_a_scholarly_patronymic_alone_finds_every_fritsevich(index: SearchIndex,
                                                             persons: list[dict[str, str]]) -> None:
    expected = {f"moscow-executions/{k + 1}" for k, p in enumerate(persons) if p["name"].split()[2:3] == ["Фрицевич"]}
    assert len(expected) > 1
    assert {f"moscow-executions/{row_of(persons, 'Крон Арнольд Фрицевич')}"} <= set(
        records(index.search("Fricevič", limit=1000)))
    assert expected <= set(records(index.search("Fricevič", limit=1000)))


@pytest.mark.parametrize(("lang", "parts"), [
    ("ru", ["Крон Арнольд Фрицевич", "(расстрелянный, 17.05.1938)"]),
    ("en", ["Kron Arnold Fritsevich", "(person shot, 17.05.1938)"]),
])
def test_the_label_shows_the_date(index: SearchIndex, lang: str, parts: list[str]) -> None:
    (hit,) = [h for h in index.search("Крон Арнольд") if h.kind == "record"]
    label = hit.label("ru" if lang == "ru" else "en")
    assert all(part in label for part in parts), label


def test_the_undated_person_has_no_date_in_the_label(index: SearchIndex, persons: list[dict[str, str]]) -> None:
    (k,) = [k for k, p in enumerate(persons) if not p["execution_date"].strip()]
    name = " ".join(persons[k]["name"].split())
    hit = next(h for h in index.search(name, limit=100) if h.id == f"moscow-executions/{k + 1}")
    assert hit.label("ru").endswith("(расстрелянный)") or "(расстрелянный) — " in hit.label("ru")


@pytest.mark.parametrize(("name", "orders"), [
    ("Крон Арнольд Фрицевич", ["Крон Арнольд Фрицевич", "Арнольд Фрицевич Крон", "Арнольд Крон"]),
    ("Крон Арнольд", ["Крон Арнольд", "Арнольд Крон"]),
    ("Крон", ["Крон"]),
])
def test_name_orders(name: str, orders: list[str]) -> None:
    assert name_orders(name) == orders
