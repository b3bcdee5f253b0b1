"""Join keys for Moscow street addresses written in different hands ("Авиамоторная   ул." + "д. 4 а").

Memorial's list of people shot in Moscow (persons.csv) and its geocoded address table (addresses_geocoded.csv)
spell the same street and house with different spaces, and other sources may differ in case, "ё"/"е", dots,
spelled-out or abbreviated street types and house letters. The keys made here follow general rules only (no
row is fixed by hand): :func:`normalise_street` and :func:`normalise_house`, together :func:`address_key`.

Measured on data/collections/moscow-executions (11,789 persons, 5,463 address rows): the share of persons whose
street + house is in the address table is 25.3 % (2,981) comparing the cells as written, 99.79 % (11,764) with
whitespace collapsed only, and 99.86 % (11,772) with these keys. Whitespace accounts for nearly all of it (the
headings of persons.csv pad the street type with three spaces, the address table with two); commas add 8 persons
("Дангауэровская Слобода, Центральный пр." vs "Дангауэровская Слобода Центральный  пр.", "Потылиха, ..."). The 17
persons left all have no house in their heading (the Kremlin, a student town, a street); :func:`house_number`
serves a fallback to another house of the street. Of the persons joined, 10,851 (92.0 % of all) reach a row with
coordinates. No two address rows that differ as written (beyond collapsed whitespace) share a key.
"""

from __future__ import annotations

import re

#: Street-type and size words, spelled out or abbreviated (dots are gone by then), → the abbreviation used in
#: Memorial's headings, so "Большая Ордынка улица" and "Б. Ордынка ул." meet.
_STREET_WORDS: dict[str, str] = {
    "улица": "ул", "переулок": "пер", "бульвар": "б-р", "бул": "б-р", "проезд": "пр", "проспект": "просп",
    "пр-т": "просп", "площадь": "пл", "набережная": "наб", "шоссе": "ш", "тупик": "туп",
    "большая": "б", "большой": "б", "большие": "б", "бол": "б",
    "малая": "м", "малый": "м", "малые": "м", "мал": "м",
    "средняя": "ср", "средний": "ср",
}
#: House words → the abbreviation (``к`` alone is корпус in Moscow addresses).
_HOUSE_WORDS: dict[str, str] = {"дом": "д", "корпус": "корп", "к": "корп", "строение": "стр"}
_QUOTES = re.compile("[\"'«»„“”]")
#: Dots and commas separate words; a hyphen joins them ("б - р", "Тверская- Ямская").
_SEPARATORS = re.compile(r"[.,;]")
_HYPHEN = re.compile(r"\s*[-‐‑–—]\s*")
#: Ordinals ("1й", "1-ый", "1 -ая") → "1-й", "1-я", "1-е".
_ORDINAL = re.compile(r"(?<!\w)(\d+)-?(?:ы|и|о)?(й)(?!\w)|(?<!\w)(\d+)-?(?:а)?(я)(?!\w)|(?<!\w)(\d+)-?(?:о)?(е)(?!\w)")
_NUMBER = re.compile(r"(?<![^\W\d_])д(\d+(?:/\d+)?)")


def _words(text: str) -> list[str]:
    """``text`` casefolded with ё→е and quotes dropped, cut into words at spaces, dots and commas."""
    text = _QUOTES.sub("", text.casefold().replace("ё", "е"))
    return _HYPHEN.sub("-", _SEPARATORS.sub(" ", text)).split()


def _ordinal(match: re.Match[str]) -> str:
    """One spelling of an ordinal: "1ый", "1-ая" → "1-й", "1-я"."""
    number = match[1] or match[3] or match[5]
    return f"{number}-{match[2] or match[4] or match[6]}"


def normalise_street(text: str) -> str:
    """A street's join key: casefolded, ё→е, spaces collapsed, dots, commas and quotes dropped, hyphens closed up,
    ordinals and street-type words in one spelling ("1-я Тверская-Ямская ул")."""
    words = [_STREET_WORDS.get(word, word) for word in _words(text)]
    return _ORDINAL.sub(_ordinal, " ".join(words)).strip("-")


def normalise_house(text: str) -> str:
    """A house's join key: "д.4а", "д. 4 А", "Д.4-а", "дом 4а" → "д4а"; "д.12 корп.4" → "д12 корп4"; "" → ""."""
    words = [_HOUSE_WORDS.get(word, word) for word in _words(text)]
    joined = " ".join(words)
    # "д 4" → "д4", "корп А" → "корпа": the prefix belongs to its number or letter
    joined = re.sub(r"(?<!\w)(д|корп|стр) (?=\d)", r"\1", joined)
    joined = re.sub(r"(?<!\w)(корп|стр) (?=[^\W\d_](?!\w))", r"\1", joined)
    # "4 а", "4-а" → "4а": a single letter after a number is the house letter ("2-й" is an ordinal)
    joined = re.sub(r"(?<=\d)(?: |-(?![йяе](?!\w)))(?=[^\W\d_](?![^\W\d_]))", "", joined)
    joined = re.sub(r"(?<=\d) ?/ ?(?=\d)", "/", joined)
    return _ORDINAL.sub(_ordinal, joined)


def address_key(street: str, house: str) -> tuple[str, str]:
    """The join key of a street and house as written."""
    return normalise_street(street), normalise_house(house)


def house_number(house_key: str) -> str | None:
    """The building number of a house key without letter or корпус ("д4а" → "4", "д4/6" → "4/6"), for joining
    to the nearest house when the exact one is missing; None if the key has no "д" number."""
    match = _NUMBER.search(house_key)
    return match[1] if match else None
