"""A register's name skeleton: one key for a name in Cyrillic and in every romanisation search knows."""

from __future__ import annotations

import pytest

from mapapp.model.names import latin_spellings, skeleton


@pytest.mark.parametrize(("name", "expected"), [
    ("Фрицевич", "fricevic"), ("Хрущёв", "hrusev"), ("Щукин", "sukin"), ("Юрьевна", "urevna"),
    ("Зайцев", "zaicev"), ("Соловьёв", "solovev"), ("Евдокия", "evdoka"), ("Цой", "coi"), ("Мюллер", "muller"),
    ("Иванов Иван Иванович", "ivanov ivan ivanovic"), ("Римский-Корсаков", "rimski korsakov"),
    ("Berzins", "berzins"), ("", ""),
])
def test_every_romanisation_of_a_name_has_one_skeleton(name: str, expected: str) -> None:
    assert skeleton(name) == expected
    for spelled in latin_spellings(name):
        assert skeleton(spelled) == expected, spelled
    assert skeleton(name.upper()) == expected
