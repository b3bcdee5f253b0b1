"""Address join keys: tricky spellings, idempotence, and the join of Memorial's persons to its geocoded table."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapapp.ingest.addresses import address_key, house_number, normalise_house, normalise_street

DATA = Path(__file__).resolve().parents[2] / "data" / "collections" / "moscow-executions"


@pytest.mark.parametrize(("a", "b"), [
    ("Авиамоторная   ул.", "Авиамоторная  ул."),
    ("Авиамоторная ул.", "авиамоторная ул"),
    ("Ёлочная ул.", "Елочная ул."),
    ("Б.Ордынка ул.", "Б. Ордынка ул."),
    ("Большая Ордынка улица", "Б. Ордынка ул."),
    ("М. Ордынка", "Малая Ордынка"),
    ("Покровский бульвар", "Покровский б-р"),
    ("Покровский б - р", "Покровский б-р"),
    ("Лубянский проезд", "Лубянский пр."),
    ("Мира проспект", "Мира просп."),
    ("Капельский переулок", "Капельский пер"),
    ("1-ая Тверская-Ямская ул.", "1-я Тверская - Ямская ул."),
    ("1й Коптевский пр.", "1-й Коптевский пр."),
    ("1-ый Коптевский пр.", "1-й Коптевский пр."),
    ("Дангауэровская Слобода, Центральный   пр.", "Дангауэровская Слобода Центральный  пр."),
    ("Театральная пл.,", "Театральная пл."),
    ("Завод «Серп и молот» ул.", 'Завод "Серп и молот" ул.'),
])
def test_same_street(a: str, b: str) -> None:
    assert normalise_street(a) == normalise_street(b)


@pytest.mark.parametrize(("a", "b"), [
    ("1-я Тверская-Ямская ул.", "2-я Тверская-Ямская ул."),
    ("Б. Ордынка ул.", "М. Ордынка ул."),
    ("1-й Тверской-Ямской пер.", "1-я Тверская-Ямская ул."),
    ("Покровка ул.", "Покровский б-р"),
    ("Марьиной Рощи 2-й пр.", "Марьиной Рощи 12-й пр."),
    ("Лубянский пр.", "Лубянская пл."),
])
def test_different_streets(a: str, b: str) -> None:
    assert normalise_street(a) != normalise_street(b)


@pytest.mark.parametrize(("house", "key"), [
    ("д.4а", "д4а"),
    ("д. 4 а", "д4а"),
    ("д. 4 А", "д4а"),
    ("д.4-а", "д4а"),
    ("Д.4-а", "д4а"),
    ("д4А", "д4а"),
    ("дом 4а", "д4а"),
    ("д.12 корп.4", "д12 корп4"),
    ("д.12 корпус 4", "д12 корп4"),
    ("д.4 к.2", "д4 корп2"),
    ("д.12 корп.А", "д12 корпа"),
    ("д.4 / 6", "д4/6"),
    ("2-й барачный пос. д.3", "2-й барачный пос д3"),
    ("общежитие №10", "общежитие №10"),
    ("", ""),
])
def test_house_key(house: str, key: str) -> None:
    assert normalise_house(house) == key


@pytest.mark.parametrize(("a", "b"), [("д.4", "д.4а"), ("д.4а", "д.4б"), ("д.14", "д.4"), ("д.12 корп.4", "д.12"),
                                      ("д.1", "д.11")])
def test_different_houses(a: str, b: str) -> None:
    assert normalise_house(a) != normalise_house(b)


@pytest.mark.parametrize(("house", "number"), [
    ("д.4а", "4"), ("д.4", "4"), ("д.12 корп.4", "12"), ("д.4/6", "4/6"), ("пос. Войковец д.14", "14"),
    ("д.??", None), ("2-й дом Советов", None), ("общежитие №10", None), ("", None),
])
def test_house_number(house: str, number: str | None) -> None:
    assert house_number(normalise_house(house)) == number


def test_address_key() -> None:
    assert address_key("Авиамоторная   ул.", "д. 4 А") == address_key("Авиамоторная  ул.", "д.4а") \
        == ("авиамоторная ул", "д4а")


@given(st.text())
def test_street_key_is_idempotent(text: str) -> None:
    assert normalise_street(normalise_street(text)) == normalise_street(text)


@given(st.text())
def test_house_key_is_idempotent(text: str) -> None:
    assert normalise_house(normalise_house(text)) == normalise_house(text)


# Texts built from the characters the rules look at, where random text rarely goes
_ADDRESSY = st.text(alphabet=st.sampled_from(list("дкорпулстрй-я.,/ 14аАЁё«»")), max_size=20)


@given(_ADDRESSY)
def test_keys_of_address_like_text_are_idempotent(text: str) -> None:
    assert normalise_street(normalise_street(text)) == normalise_street(text)
    assert normalise_house(normalise_house(text)) == normalise_house(text)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_persons_join_the_geocoded_addresses() -> None:
    if not (DATA / "persons.csv").is_file() or not (DATA / "addresses_geocoded.csv").is_file():
        pytest.skip(f"{DATA} has no persons.csv and addresses_geocoded.csv")
    persons, table = _rows("persons.csv"), _rows("addresses_geocoded.csv")
    keys = {address_key(row["street"], row["house"]) for row in table}
    joined = sum(address_key(row["street"], row["house"]) in keys for row in persons)
    assert len(persons) == 11789
    assert joined / len(persons) >= 0.99
    # Keys merge spellings, never different addresses of the table
    as_written = {(" ".join(row["street"].split()), " ".join(row["house"].split())) for row in table}
    assert len(keys) == len(as_written)
