"""Line citations: parsing cells and filling a source's citation template."""

from __future__ import annotations

import pytest

from mapapp.ingest.citations import cite, has_lines_placeholder

EN = "Source: The Great Purge (Crawford, 2014), {lines:line|lines}"
RU = "Источник: The Great Purge (Crawford, 2014), {lines:строка|строки}"


@pytest.mark.parametrize(("template", "lines", "expected"), [
    (EN, "34", "Source: The Great Purge (Crawford, 2014), line 34"),
    (EN, "220-225", "Source: The Great Purge (Crawford, 2014), lines 220–225"),
    (EN, "81;199", "Source: The Great Purge (Crawford, 2014), lines 81, 199"),
    (RU, "34", "Источник: The Great Purge (Crawford, 2014), строка 34"),
    (RU, "252-253", "Источник: The Great Purge (Crawford, 2014), строки 252–253"),
    ("Text, {lines}", "34;40-41", "Text, 34, 40–41"),
    ("General knowledge", "", "General knowledge"),
])
def test_cite_fills_numbers_and_the_right_word(template: str, lines: str, expected: str) -> None:
    assert cite(template, lines) == expected


@pytest.mark.parametrize(("template", "expected"), [
    ("{lines}", True), (EN, True), (RU, True), ("no placeholder", False), ("{lines:line}", False),
])
def test_placeholder_detection(template: str, expected: bool) -> None:
    assert has_lines_placeholder(template) is expected
