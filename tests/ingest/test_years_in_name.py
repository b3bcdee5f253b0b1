"""Years of operation read from site names: every name and description in the Topography of Terror layers."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapapp.ingest.years_in_name import Span, years_in_name

LAYERS = Path(__file__).resolve().parents[2] / "data" / "collections" / "topography-of-terror"

#: Every distinct ``name`` and ``descrip`` of the five Shapefiles (data/collections/topography-of-terror), with the
#: first and last year of operation as read from the Russian.
REAL: list[tuple[str, int | None, int | None]] = [
    # Ranges, with or without brackets, closed or not, en dash and two-digit end years
    ('Спецобъект "Бутовский полигон" (1934-1938)', 1934, 1938),
    ('Спецобъект "Бутовский полигон" (1934-1938', 1934, 1938),
    ('Спецобъект "Коммунарка" (1937-1941)', 1937, 1941),
    ('Расстрельный двор в Варсонофьевском переулке (1918-1948)', 1918, 1948),
    ('Братское кладбище (1917-1920)', 1917, 1920),
    ('Калитниковское кладбище (1926-1935)', 1926, 1935),
    ('Ваганьковское кладбище (1926-1935)', 1926, 1935),
    ('Арбатский арестный дом/Кабинет и клиника по изучению личности преступника и преступности '
     '(1917-1924)', 1917, 1924),
    ('Басманнный арестный дом (1917-1924)', 1917, 1924),
    ('Лефортовский арестный дом (1917-1924)', 1917, 1924),
    ('Якиманский арестный дом (1917-1924)', 1917, 1924),
    ('Городской арестный дом (1917-1924)', 1917, 1924),
    ('Туполевская шарага (ЦКБ-29) (1939-1941)', 1939, 1941),
    ('ЦКБ-39 ОГПУ имени В. Р. Менжинского (1930-1931)', 1930, 1931),
    ('Завод опытных конструкций №156 (ЦКБ-29) 1939-1941', 1939, 1941),
    ('ЦКБ-39 (декабрь 1929-1930), ОТБ-8, ОТБ-10, ОТБ-11 (БПК Рамзина), ОТБ-12,', 1929, 1930),
    ('ЦКБ-39 (декабрь 1929-1930), ОТБ-8, ОТБ-10, ОТБ-11 (БПК Рамзина), ОТБ-12', 1929, 1930),
    ('Петровский парк (1918)', 1918, 1918),
    # Decades: the whole decade; with a range, the hull
    ('Донское кладбище (1930-е)', 1930, 1939),
    ('Яузская больница (1921-1926, 1930-е)', 1921, 1939),
    ('ОТБ НКВД в Научно-исследовательском институте № 6 (НИИ-6) середин 30-х годов', 1930, 1939),
    # Opened (from, не позднее, открыт, упоминается с): first year only
    ('Спецпомещение Мосгорсуда (c 1934 года)', 1934, None),
    ('Рождественский концлагерь (открыт 1 июня 1920)', 1920, None),
    ('Знаменский лагерь принудработ (открыт не позднее февр. 1921)', 1921, None),
    ('Новоспасский концлагерь (открыт в сентябре 1918)', 1918, None),
    ('Семеновский лагерь принудработ (не позднее 1921)', 1921, None),
    ('Лагерь принудработ № 1 при Московско-Казанской железной дороге (не позднее 5 июня 1920)', 1920, None),
    # "18–19" are days of November, not years
    ('Владыкинский концлагерь (открыт 18–19 ноября 1919)', 1919, None),
    # Opened "in 1919 – early 1920": the range is when it opened, not how long it ran
    ('Ордынский концлагерь (в т.ч. отделение Ивановского концетрационного лагеря; открыт в 1919 - '
     'нач.1920', 1919, None),
    ('Ордынский концлагерь (в т. ч. женское отделение Ивановского концентрационного лагеря; открыт в 1919 '
     '– нач. 1920)', 1919, None),
    # 1914 is the building's earlier use for prisoners of war, not the camp
    ('Кожуховский концлагерь (открыт с 18 окт. 1919, с 1914 использовался для содержания военнопленных)', 1919, None),
    # Two phases, both open-ended: from the first
    ('Новопесковский концлагерь (упоминается с 1 мая 1919) / Новопесковский распределитель с 22 сент. '
     '1920', 1919, None),
    # Two phases, the camp from 1919, the later phase until 1922: the hull
    ('Ивановский лагерь особого назначения (с 1919)/Концлагерь и Исправительно-трудовой дом (1921-1922)', 1919, 1922),
    ('Ивановский лагерь особого назначения (с 1919) / Концлагерь и Исправительно-трудовой дом в '
     'Ивано-Предтеченском монастыре (1921–22)', 1919, 1922),
    # Closed: last year only
    ('Новинская женская тюрьма (до 1947)', None, 1947),
    ('Брестская центральная концентрационная больница (просуществовала до мая 1922)', None, 1922),
    ('Ходынская тюремная больница, закрыта 30 мая 1922', None, 1922),
    # No years: institution numbers, ordinals and codes are not years
    ('2-я Московская тюремная больница', None, None),
    ('Андрониковский (Андроньевский) концлагерь / Особый концентрационный лагерь в Спа', None, None),
    ('Пречистенская тюремная психиатрическая больница', None, None),
    ('Московская центральная больница мест заключения', None, None),
    ('Покровский концлагерь', None, None),
    ('Бутырская тюрьма', None, None),
    ('Лефортовская тюрьма', None, None),
    ('Таганская тюрьма', None, None),
    ('Сущевский арестный дом', None, None),
    ('Сокольническая тюрьма («Матросская тишина») или тюрьма № 14 Управления МВД по Моск', None, None),
    ('Сухановская особорежимная тюрьма', None, None),
    ('Краснопресненская пересыльная тюрьма', None, None),
    ('Мясницкий арестный дом', None, None),
    ('Пресненский арестный дом', None, None),
    ('Сретенская тюрьма', None, None),
    ('Сретенский арестный дом, позднее -Сретенская тюрьма, или Сретенский изолятор', None, None),
    ('Завод "Компрессор" (ОТБ-8 )', None, None),
    ('Завод "Красный богатырь" (ОТБ-10)', None, None),
    ('Экспериментальная ТЭЦ ВТИ (ОТБ-11)', None, None),
    ('Московская городская электростанция (ОТБ-12)', None, None),
    ('Марфинская шарашка', None, None),
    ('ОКБ в ЭКУ ОГПУ (Военная коллегия)', None, None),
    ('«Кучинская шарашка»', None, None),
    ('НИИ-  160', None, None),
    ('Коломенский завод', None, None),
    ('Тушинский машиностроительный завод (ОТБ-82)', None, None),
    ('Болшевская шарашка', None, None),
    ('Завод Динамо', None, None),
    ('Ольгинский завод', None, None),
    ('Хамовнический полицейский дом', None, None),
    ('Лубянская внтуренная тюрьма', None, None),
    ('Тюрьма московского областного управления НКВД', None, None),
    ('Камеры заключения в первом здании ВЧК', None, None),
    ('Белорусский вокзал', None, None),
]

#: Spellings not in the layers, for the rules the real names leave untried.
MADE_UP: list[tuple[str, int | None, int | None]] = [
    ("Спецобъект «Бутовский полигон» (1934-1938)", 1934, 1938),
    ("Лагерь (1921–22)", 1921, 1922),
    ("Лагерь (1898–99)", 1898, 1899),
    ("Тюрьма (с 1934 по 1938)", 1934, 1938),
    ("Тюрьма (1930-х гг.)", 1930, 1939),
    ("Тюрьма (1918) (по 1924)", 1918, 1924),
    # A later open-ended phase past every known end leaves the end open
    ("Лагерь (1918-1919) / распределитель с 1920", 1918, None),
    # A closing before every known start leaves the start open
    ("Лагерь (до 1917) / тюрьма (1920-1925)", None, 1925),
    # A lone year in the running text is part of the name
    ("Завод имени 1905 года", None, None),
    ("НИИ-1934", None, None),
    ("Лаборатория № 1937", None, None),
    # Codes in brackets, where a lone year would be read
    ("Завод (НИИ-1934)", None, None),
    ("Лаборатория (№ 1937)", None, None),
    ("Завод (ОТБ1938)", None, None),
    ("Завод (ОТБ- 1930-1931)", None, None),
    ("Тюрьма (2005)", None, None),
]


def test_the_table_has_every_real_name_once() -> None:
    names = [name for name, _first, _last in REAL]
    assert len(names) == len(set(names)) == 71


def test_the_table_has_every_name_of_the_layers() -> None:
    shapefiles = sorted(LAYERS.glob("*.shp"))
    if not shapefiles:
        pytest.skip(f"{LAYERS} has no Shapefiles")
    written = {text for path in shapefiles for column in ("name", "descrip")
               for text in geopandas.read_file(path)[column] if isinstance(text, str)}
    assert written == {name for name, _first, _last in REAL}


@pytest.mark.parametrize(("name", "first", "last"), REAL + MADE_UP)
def test_years_read_from_a_name(name: str, first: int | None, last: int | None) -> None:
    span = years_in_name(name)
    assert (span.first, span.last) == (first, last)
    assert span.given is (first is not None or last is not None)
    assert (span.text == "") is (not span.given)


@pytest.mark.parametrize(("name", "text"), [
    ('Спецобъект "Бутовский полигон" (1934-1938', "1934-1938"),
    ("Спецпомещение Мосгорсуда (c 1934 года)", "c 1934 года"),
    ("Ходынская тюремная больница, закрыта 30 мая 1922", "закрыта 30 мая 1922"),
    ("Яузская больница (1921-1926, 1930-е)", "1921-1926, 1930-е"),
    ("Кожуховский концлагерь (открыт с 18 окт. 1919, с 1914 использовался для содержания военнопленных)",
     "открыт с 18 окт. 1919"),
    ("ОТБ НКВД в Научно-исследовательском институте № 6 (НИИ-6) середин 30-х годов", "середин 30-х годов"),
    ("Лефортовская тюрьма", ""),
])
def test_text_is_the_words_the_years_came_from(name: str, text: str) -> None:
    assert years_in_name(name).text == text


@pytest.mark.parametrize(("name", "message"), [
    ("Лагерь (1938-1934)", "run backwards"),
    ("Лагерь (1921–19)", "run backwards"),
    # The two-digit end year is in the century of the first: 1802
    ("Лагерь (1898–02)", "run backwards"),
    ("Лагерь (1934-2005)", "not a range of years"),
    ("Лагерь (с 1940) / тюрьма (до 1935)", "closed (1935) before it opened (1940)"),
])
def test_contradictory_years_are_an_error(name: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        years_in_name(name)


def test_span_given() -> None:
    assert Span(1934, None, "с 1934").given and Span(None, 1947, "до 1947").given
    assert not Span(None, None, "").given


@given(st.integers(1800, 1999), st.integers(1800, 1999))
def test_any_bracketed_range_is_read(a: int, b: int) -> None:
    a, b = min(a, b), max(a, b)
    assert years_in_name(f"Name ({a}-{b})") == Span(a, b, f"{a}-{b}")


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Nl", "Cs"))))
def test_text_without_digits_has_no_years(name: str) -> None:
    assert years_in_name(name) == Span(None, None, "")
