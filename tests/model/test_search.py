"""Tests for mapapp.model.search: normalisation, scoring, de-duplication, and look-ups over the real data."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import needs_real_data
from mapapp import GEODATA_DIR
from mapapp.i18n import Lang
from mapapp.model.records import NamePeriod, Person, Place, load_people, load_places
from mapapp.model.search import Hit, SearchIndex, build_index, normalise


@pytest.mark.parametrize(("text", "expected"), [
    ("Béla Kun", "bela kun"),
    ("Pużak", "puzak"),
    ("ŁÓDŹ", "łodz"),  # ł is a letter of its own, not l + mark: it stays
    ("Ежо́в", "ежов"),  # stress mark
    ("Ёжов", "ежов"),
    ("ёлка", "елка"),
    ("Йошкар-Ола", "йошкар ола"),
    ("Бийск", "бийск"),
    ("Николай Иванович", "николай иванович"),
    ("Mandel’shtam", "mandelshtam"),
    ("Mandel'shtam", "mandelshtam"),
    ("Mandelʹshtam", "mandelshtam"),
    ("Mandelʼshtam", "mandelshtam"),
    ("«Мемориал»", "мемориал"),
    ('"Memorial"', "memorial"),
    ("Ust-Kamenogorsk", "ust kamenogorsk"),
    ("1937–1938", "1937 1938"),
    ("a — b", "a b"),
    ("  Saint\t\nPetersburg  ", "saint petersburg"),
    ("Straße", "strasse"),
    ("𝓐𝓑", "ab"),  # compatibility forms fold too
    ("", ""),
    ("   ", ""),
])
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_normalise_keeps_short_i_and_is_idempotent() -> None:
    assert "й" in normalise("ЙЙ") and "и" not in normalise("ЙЙ")
    assert normalise(normalise("Йо́шкар-Ола́ Ёлка")) == normalise("Йо́шкар-Ола́ Ёлка")


@settings(max_examples=1000)
@given(st.text() | st.text(st.characters() | st.integers(0xD800, 0xDFFF).map(chr)))
def test_normalise_is_idempotent_and_never_raises(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip() and "  " not in once


# --- a tiny hand-made index --------------------------------------------------------------------

def _place(id_: str, name_en: str, name_ru: str, names: tuple[NamePeriod, ...] = ()) -> Place:
    return Place(id=id_, name_en=name_en, name_ru=name_ru, kind="city", country="RU", abroad=False, lat=0.0,
                 lon=0.0, precision="locality", uncertainty_m=1000, description_en=None, description_ru=None,
                 coord_source="test", geonames_id=None, names=names, note=None, event_ids=())


def _person(id_: str, name_en: str, name_ru: str, aliases: tuple[str, ...] = ()) -> Person:
    return Person(id_, name_en, name_ru, aliases, None, None, "", "")


TINY_PLACES = {
    "gorod": _place("gorod", "Gorod", "Город"),
    "gorodok": _place("gorodok", "Gorodok", "Городок"),
    "novgorod": _place("novgorod", "Veliky Novgorod", "Великий Новгород"),
    "twice": _place("twice", "Twice", "Дважды", names=(
        NamePeriod(None, None, "Gorodishche", "Городище"),  # prefix of "gorod" ...
        NamePeriod(None, None, "Staryi Gorod", "Старый Город"),  # ... and a whole word of "gorod"
    )),
}
TINY_PEOPLE = {
    "gorodov": _person("gorodov", "Ivan Gorodov", "Иван Городов", aliases=("Gorodoff",)),
    "ab": _person("ab", "Ab Cd", "Аб Цд"),
}


@pytest.fixture(scope="module")
def tiny() -> SearchIndex:
    return build_index(TINY_PLACES, TINY_PEOPLE)


def _ranked(index: SearchIndex, query: str) -> list[tuple[str, str, int]]:
    return [(h.kind, h.id, h.score) for h in index.search(query)]


def test_scoring_order_exact_then_prefix_then_substring(tiny: SearchIndex) -> None:
    assert _ranked(tiny, "gorod") == [
        ("place", "gorod", 0),  # the whole name
        ("place", "gorodok", 1),  # prefix of a name
        ("person", "gorodov", 1),  # prefix of a word: "Ivan Gorodov"
        ("place", "twice", 1),  # a whole word of "Staryi Gorod" counts as a prefix, not as exact
        ("place", "novgorod", 2),  # substring
    ]


def test_russian_names_rank_the_same_way(tiny: SearchIndex) -> None:
    assert [(h.id, h.score) for h in tiny.search("ГОРОД")] == [
        ("gorod", 0), ("gorodok", 1), ("gorodov", 1), ("twice", 1), ("novgorod", 2)]


def test_one_hit_per_kind_and_id_at_its_best_score(tiny: SearchIndex) -> None:
    hits = tiny.search("gorodi")  # "Gorodishche" by prefix only
    assert [(h.id, h.score, h.matched) for h in hits] == [("twice", 1, "Gorodishche")]
    hits = tiny.search("staryi gorod")
    assert [(h.id, h.score, h.matched) for h in hits] == [("twice", 0, "Staryi Gorod")]
    keys = [(h.kind, h.id) for h in tiny.search("gor")]
    assert len(keys) == len(set(keys)) == 5


def test_hit_carries_labels_and_the_original_form_of_what_matched(tiny: SearchIndex) -> None:
    assert tiny.search("gorodoff") == [
        Hit("person", "gorodov", "Ivan Gorodov", "Иван Городов", "Gorodoff", 0)]
    assert tiny.search("старый")[0].matched == "Старый Город"


def test_short_words_are_not_indexed_alone(tiny: SearchIndex) -> None:
    assert tiny.search("ab cd")[0].score == 0
    assert [h.score for h in tiny.search("ab")] == [1]  # prefix of "Ab Cd"
    assert [h.score for h in tiny.search("cd")] == [2]  # only a substring: "cd" is no word of its own
    assert [h.score for h in tiny.search("цд")] == [2]


@pytest.mark.parametrize("query", ["", " ", "\t\n", "g", "Г", "-", "’’ '", "«»", "  x  "])
def test_empty_and_too_short_queries_find_nothing(tiny: SearchIndex, query: str) -> None:
    assert tiny.search(query) == []


def test_limit(tiny: SearchIndex) -> None:
    assert len(tiny.search("gor")) == 5
    assert [h.id for h in tiny.search("gor", limit=2)] == [h.id for h in tiny.search("gor")][:2]
    assert tiny.search("gor", limit=0) == []
    assert tiny.search("gor", limit=-1) == []


def test_empty_index() -> None:
    assert build_index({}, {}).search("kirov") == []


#: Any code point, lone surrogates and combining marks included (st.characters() leaves surrogates out).
_ANY_CHAR = st.characters() | st.integers(0xD800, 0xDFFF).map(chr) | st.sampled_from("\u0306\u0308\u0301йё’«-")


@settings(max_examples=300)
@given(query=st.text() | st.text(_ANY_CHAR) | st.builds(
           lambda a, name, b: a + name + b, st.text(_ANY_CHAR, max_size=2),
           st.sampled_from(["gorod", "Город", "GORODOK", "ab", "Staryi-Gorod"]), st.text(_ANY_CHAR, max_size=2)),
       limit=st.integers(min_value=-3, max_value=30))
def test_search_never_raises(tiny: SearchIndex, query: str, limit: int) -> None:
    hits = tiny.search(query, limit)
    assert len(hits) <= max(limit, 0)
    for hit in hits:
        assert hit.kind in ("place", "person")
        assert hit.score in (0, 1, 2)
    assert hits == sorted(hits, key=lambda h: (h.score, h.label_en))


# --- the real data ------------------------------------------------------------------------------

needs_geodata = pytest.mark.skipif(not (GEODATA_DIR / "places.geojson").is_file(), reason="no geodata/ build")


@pytest.fixture(scope="module")
def real() -> SearchIndex:
    return build_index(load_places(), load_people())


REAL_CASES = [
    ("vyatka", "place", "kirov"),
    ("Киров", "place", "kirov"),
    ("VYATKA", "place", "kirov"),
    ("Вятка", "place", "kirov"),
    ("kirovabad", "place", "ganja"),
    ("Кировакан", "place", "vanadzor"),
    ("leningrad", "place", "leningrad"),
    ("Петроград", "place", "leningrad"),
    ("kuybyshev", "place", "samara"),
    ("tiflis", "place", "tbilisi"),
    ("yezhov", "person", "yezhov"),
    ("Ezhov", "person", "yezhov"),
    ("Ежов", "person", "yezhov"),
    ("iagoda", "person", "yagoda"),
    ("bela kun", "person", "bela_kun"),
    ("Béla Kun", "person", "bela_kun"),
    ("puzak", "person", "puzak"),
    ("Pużak", "person", "puzak"),
    ("lubyanka", "place", "lubyanka"),
    ("mandelshtam", "person", "mandelstam"),
    ("Mandel’shtam", "person", "mandelstam"),
    ("Мандельштам", "person", "mandelstam"),
]


@pytest.mark.realdata
@needs_real_data
@needs_geodata
@pytest.mark.parametrize(("query", "kind", "id_"), REAL_CASES)
def test_real_names_find_their_place_or_person_first(real: SearchIndex, query: str, kind: str, id_: str) -> None:
    hits = real.search(query)
    assert hits, f"nothing found for {query!r}"
    assert (hits[0].kind, hits[0].id) == (kind, id_), hits[:3]


@pytest.mark.realdata
@needs_real_data
@needs_geodata
@pytest.mark.parametrize(("query", "kind", "id_"), [
    ("Ежов", "person", "yezhov"),  # also found through a word of "Николай Иванович Ежов"
    ("Kirov", "person", "kirov"),  # Sergei Kirov, by a word of his name
    ("Leningrad", "place", "kirovsk_leningrad"),  # "Kirovsk (Leningrad oblast)", by a word
])
def test_real_names_also_find_word_matches(real: SearchIndex, query: str, kind: str, id_: str) -> None:
    assert (kind, id_) in [(h.kind, h.id) for h in real.search(query)]


@pytest.mark.realdata
@needs_real_data
@needs_geodata
def test_real_index_builds_quickly_and_answers_every_name() -> None:
    import time

    places, people = load_places(), load_people()
    start = time.perf_counter()
    index = build_index(places, people)
    assert time.perf_counter() - start < 1.0
    for place in places.values():
        for name in (place.name_en, place.name_ru, *(n.name_en for n in place.names)):
            assert ("place", place.id, 0) in [(h.kind, h.id, h.score) for h in index.search(name, limit=100)], name
    for person in people.values():
        for name in (person.name_en, person.name_ru, *person.aliases):
            if len(normalise(name)) >= 2:
                assert ("person", person.id, 0) in [(h.kind, h.id, h.score) for h in index.search(name, limit=100)]


@pytest.mark.parametrize(("hit", "lang", "label"), [
    (Hit("place", "kirov", "Kirov", "Киров", "Vyatka", 1), "en", "Kirov (place) — Vyatka"),
    (Hit("place", "kirov", "Kirov", "Киров", "Vyatka", 1), "ru", "Киров (место) — Vyatka"),
    (Hit("person", "yezhov", "Nikolai Yezhov", "Николай Ежов", "Nikolai Yezhov", 0), "en", "Nikolai Yezhov (person)"),
    (Hit("person", "yezhov", "Nikolai Yezhov", "Николай Ежов", "Николай Ежов", 0), "en", "Nikolai Yezhov (person)"),
])
def test_hit_label_names_the_kind_and_another_matched_name(hit: Hit, lang: Lang, label: str) -> None:
    assert hit.label(lang) == label


# --- collections: a camp by any of its names, in either script ------------------------------------------------

@pytest.fixture(scope="module")
def camps_index() -> SearchIndex:
    from mapapp.webmap.mapview import load_dataset

    ds = load_dataset()
    return build_index(dict(ds.places), dict(ds.people), ds.collections)


@pytest.mark.parametrize(("query", "group"), [("Sevvostlag", "7"), ("Севвостлаг", "7"), ("севвостлаг", "7"),
                                              ("Dallag", "2"), ("Дальлаг", "2"), ("Karlag", "195"),
                                              ("Северо-Восточный ИТЛ", "7")])
def test_a_camp_is_found_by_its_other_names(camps_index: SearchIndex, query: str, group: str) -> None:
    hits = camps_index.search(query)
    assert f"gulag-camps/{group}" in [h.id for h in hits[:3]]
    hit = next(h for h in hits if h.id == f"gulag-camps/{group}")
    assert hit.kind == "feature" and hit.collection == ("gulag-camps", group)
    assert "(Gulag camp)" in hit.label("en") and "(лагерь ГУЛАГа)" in hit.label("ru")


def test_places_and_people_are_not_collection_hits(camps_index: SearchIndex) -> None:
    (hit,) = [h for h in camps_index.search("Lubyanka") if h.id == "lubyanka"]
    assert hit.collection is None and hit.label("en").endswith("(place)")
