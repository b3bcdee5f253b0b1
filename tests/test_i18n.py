"""The interface's texts (mapapp/i18n.py): every Russian entry is Russian (issue 12's edges: a string or a
category label left in English in the Russian map), and both languages have the same keys and placeholders."""

from __future__ import annotations

import re

import pytest

from mapapp.i18n import CATEGORY_LABELS, STRINGS

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
#: Entries the same in both languages by design (names of file formats).
NEUTRAL = {"download_geojson", "download_csv"}


@pytest.mark.parametrize(("table", "texts"), [("STRINGS", STRINGS), ("CATEGORY_LABELS", CATEGORY_LABELS)])
def test_every_russian_entry_is_russian(table: str, texts: dict[str, dict[str, str]]) -> None:
    english = [key for key, value in texts.items() if key not in NEUTRAL and not CYRILLIC.search(value["ru"])]
    assert english == [], f"{table}: Russian entries without a Russian letter"
    assert [key for key in NEUTRAL if key in texts and texts[key]["ru"] != texts[key]["en"]] == []


@pytest.mark.parametrize("texts", [STRINGS, CATEGORY_LABELS], ids=["STRINGS", "CATEGORY_LABELS"])
def test_both_languages_have_the_same_placeholders(texts: dict[str, dict[str, str]]) -> None:
    for key, value in texts.items():
        assert set(value) == {"en", "ru"}, key
        assert set(re.findall(r"\{\w+\}", value["en"])) == set(re.findall(r"\{\w+\}", value["ru"])), key
