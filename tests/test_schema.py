"""mapapp.schema: every kind of pydantic error becomes one ConfigProblem with a key and a fix, in the file's order."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field, field_validator, model_validator

from mapapp.problems import ConfigProblem
from mapapp.schema import Strict, fix, problem, validate_toml


class Item(Strict):
    name: str
    size: Annotated[int, Field(ge=1, le=9)] = 3


class Dots(Strict):
    kind: Literal["dots"]
    radius: Annotated[float, Field(gt=0), fix("give the radius in pixels, e.g. radius = 4")] = 4.0


class Lines(Strict):
    kind: Literal["lines"]


class Start(Strict):
    lang: Annotated[str, fix("use en or ru")] = "en"
    end: str = "1953-12"

    @field_validator("lang")
    @classmethod
    def _known(cls, lang: str) -> str:
        if lang not in ("en", "ru"):
            raise ValueError(f"unknown language {lang!r}")
        return lang


class Doc(Strict):
    """A small schema with a field of each kind a config file has."""

    idle: Annotated[int, Field(ge=30, le=3600), fix("use a whole number of seconds from 30 to 3600")] = 90
    enabled: bool = False
    scale: Annotated[float, Field(ge=1.0, le=3.0)] = 1.5
    title: str = "Map"
    mode: Literal["window", "asof"] = "window"
    years: Annotated[tuple[int, int], fix("give the first and last year, e.g. years = [1918, 1960]")] = (1918, 1960)
    langs: Annotated[tuple[str, ...], Field(min_length=1), fix('list languages, e.g. langs = ["en"]')] = ("en",)
    symbol: Annotated[Dots | Lines, Field(discriminator="kind"), fix('kind = "dots" or "lines"')] = Lines(kind="lines")
    label: int | str = 0
    start: Start = Start()
    items: list[Item] = []

    @field_validator("title")
    @classmethod
    def _no_shouting(cls, title: str) -> str:
        if title.isupper():
            raise problem("is in capitals", "write it as a sentence", value=title.lower())
        return title

    @model_validator(mode="after")
    def _lang_offered(self) -> Doc:
        if self.start.lang not in self.langs:
            raise problem(f"is not among langs {list(self.langs)}", "add it to langs", key="start.lang",
                          value=self.start.lang)
        return self


class Required(Strict):
    id: Annotated[str, fix("a short lower-case id")]
    count: int


def lines(data: dict[str, Any], model: type[Strict] = Doc, prefix: str = "") -> list[str]:
    value, found = validate_toml(model, data, "t.toml", prefix)
    assert (value is None) == bool(found)
    return [str(p) for p in found]


ALLOWED = "idle, enabled, scale, title, mode, years, langs, symbol, label, start, items"


@pytest.mark.parametrize("data, expected", [
    # unknown keys, with the closest setting and the table's settings
    ({"idel": 5}, "idel = 5 is not a setting. Fix: did you mean idle? correct the spelling or remove it "
                  f"(the settings at the top level are: {ALLOWED})."),
    ({"volume": "loud"}, 'volume = "loud" is not a setting. Fix: correct the spelling or remove it '
                         f"(the settings at the top level are: {ALLOWED})."),
    ({"start": {"lnag": "ru"}}, 'start.lnag = "ru" is not a setting. Fix: did you mean lang? correct the spelling '
                                "or remove it (the settings in [start] are: lang, end)."),
    # wrong types, TOML's types taken strictly
    ({"idle": "90"}, 'idle = "90" is not a whole number. Fix: use a whole number of seconds from 30 to 3600, '
                     "without quotes (e.g. idle = 90)."),
    ({"idle": 90.0}, "idle = 90.0 is not a whole number. Fix: use a whole number of seconds from 30 to 3600, "
                     "without quotes (e.g. idle = 90)."),
    ({"idle": True}, "idle = true is not a whole number. Fix: use a whole number of seconds from 30 to 3600, "
                     "without quotes (e.g. idle = 90)."),
    ({"scale": "big"}, 'scale = "big" is not a number. Fix: write a number without quotes (e.g. scale = 1.5).'),
    ({"enabled": 1}, "enabled = 1 is not true or false. Fix: write enabled = true or enabled = false (no quotes)."),
    ({"enabled": "yes"}, 'enabled = "yes" is not true or false. '
                         "Fix: write enabled = true or enabled = false (no quotes)."),
    ({"title": 5}, 'title = 5 is not text. Fix: write it in quotes, e.g. title = "Map".'),
    ({"start": 5}, "start = 5 is not a table. Fix: write it as a section: [start] followed by its settings."),
    ({"items": {"a": 1}}, 'items = {a = 1} is not a list. Fix: write a list in [brackets], e.g. items = ["a", "b"].'),
    ({"years": 1937}, "years = 1937 is not a list. Fix: give the first and last year, e.g. years = [1918, 1960]."),
    ({"years": [1937, "1938"]}, 'years[2] = "1938" is not a whole number. Fix: give the first and last year, '
                                "e.g. years = [1918, 1960], without quotes."),
    ({"label": 1.5}, "label = 1.5 is not a whole number or text. "
                     "Fix: write a whole number without quotes (e.g. label = 0), or write it in quotes."),
    # out of range: the field's fix, or one made from its bounds
    ({"idle": -5}, "idle = -5 is out of range. Fix: use a whole number of seconds from 30 to 3600."),
    ({"scale": 0.5}, "scale = 0.5 is out of range. Fix: use a number from 1.0 to 3.0."),
    ({"scale": math.nan}, "scale = nan is out of range. Fix: use a number from 1.0 to 3.0."),
    ({"scale": math.inf}, "scale = inf is out of range. Fix: use a number from 1.0 to 3.0."),
    ({"items": [{"name": "a", "size": 10}]}, "items[1].size = 10 is out of range. "
                                             "Fix: use a whole number from 1 to 9."),
    ({"symbol": {"kind": "dots", "radius": 0}}, "symbol.radius = 0 is out of range. "
                                                "Fix: give the radius in pixels, e.g. radius = 4."),
    # choices, lengths
    ({"mode": "later"}, 'mode = "later" is not one of "window" or "asof". Fix: use one of "window" or "asof".'),
    ({"langs": []}, 'langs = [] is empty. Fix: list languages, e.g. langs = ["en"].'),
    ({"years": [1937]}, "years = [1937] has too few items. "
                        "Fix: give the first and last year, e.g. years = [1918, 1960]."),
    ({"years": [1, 2, 3]}, "years = [1, 2, 3] has too many items (at most 2). "
                           "Fix: give the first and last year, e.g. years = [1918, 1960]."),
    # the kind of a union's table
    ({"symbol": {"kind": "stars"}}, 'symbol.kind = "stars" is not one of "dots", "lines". '
                                    'Fix: kind = "dots" or "lines".'),
    ({"symbol": {}}, 'symbol.kind is missing. Fix: kind = "dots" or "lines".'),
    ({"symbol": {"kind": "lines", "radius": 3}}, "symbol.radius = 3 is not a setting. Fix: correct the spelling "
                                                 "or remove it (the settings in [symbol] are: kind)."),
    # a validator's ValueError, a validator's own problem, a model validator naming a key
    ({"start": {"lang": "fr"}}, "start.lang = \"fr\" is invalid: unknown language 'fr'. Fix: use en or ru."),
    ({"title": "MAP"}, 'title = "map" is in capitals. Fix: write it as a sentence.'),
    ({"langs": ["ru"]}, "start.lang = \"en\" is not among langs ['ru']. Fix: add it to langs."),
])
def test_each_kind_of_error_has_its_message(data: dict[str, Any], expected: str) -> None:
    assert lines(data) == [f"t.toml: {expected}"]


def test_missing_keys_say_what_to_add() -> None:
    assert lines({"count": 1}, Required) == [
        "t.toml: id is missing. Fix: add id at the top level: a short lower-case id."]
    assert lines({"id": "a"}, Required) == ["t.toml: count is missing. Fix: add count = … at the top level."]
    assert lines({"items": [{}]}) == ["t.toml: items[1].name is missing. Fix: add name = … in [items[1]]."]


class Listed(Strict):
    layers: Annotated[tuple[str, ...], Field(min_length=1), fix("list layer ids", expected="a list of layer ids")] = (
        "a",)


@pytest.mark.parametrize("data, expected", [
    ({"layers": "a"}, 'layers = "a" is not a list of layer ids. Fix: list layer ids.'),
    ({"layers": []}, "layers = [] is not a list of layer ids. Fix: list layer ids."),
    ({"layers": ["a", 1]}, "layers[2] = 1 is not text. Fix: list layer ids."),  # an item: the item's own message
])
def test_expected_says_what_the_field_should_be(data: dict[str, Any], expected: str) -> None:
    assert lines(data, Listed) == [f"t.toml: {expected}"]


def test_prefix_names_the_table_in_the_file() -> None:
    assert lines({"idle": -5, "x": 1}, prefix="kiosk") == [
        f"t.toml: kiosk.x = 1 is not a setting. Fix: correct the spelling or remove it (the settings in [kiosk] "
        f"are: {ALLOWED}).",
        "t.toml: kiosk.idle = -5 is out of range. Fix: use a whole number of seconds from 30 to 3600."]


def test_odd_keys_are_quoted_as_toml_writes_them() -> None:
    [line] = lines({"a b": 1})
    assert line.startswith('t.toml: "a b" = 1 is not a setting.')


def test_every_problem_in_the_order_of_the_fields_unknown_keys_first() -> None:
    found = lines({"items": [{"name": 1}], "title": 5, "idle": "x", "zzz": 0, "start": {"end": 1, "lang": 2, "q": 3}})
    assert [line.split(" ", 2)[1] for line in found] == ["zzz", "idle", "title", "start.q", "start.lang", "start.end",
                                                       "items[1].name"]


def test_a_valid_document_gives_the_model() -> None:
    value, found = validate_toml(Doc, {"idle": 60, "scale": 2, "years": [1930, 1940], "langs": ["en", "ru"],
                                       "symbol": {"kind": "dots"}, "items": [{"name": "a"}]}, "t.toml")
    assert found == []
    assert value is not None
    assert (value.idle, value.scale, value.years, value.langs) == (60, 2.0, (1930, 1940), ("en", "ru"))
    assert value.symbol == Dots(kind="dots") and value.items == [Item(name="a")]


def test_strict_models_are_frozen() -> None:
    with pytest.raises(ValueError, match="frozen"):
        Doc().idle = 5


# Random TOML-shaped documents: never an exception, only problems, each with a key and a fix.
_scalars = st.one_of(st.booleans(), st.integers(), st.floats(), st.text(max_size=8), st.dates(),
                     st.sampled_from(["en", "ru", "dots", "lines", "window", "MAP", ""]))
_table_keys = st.sampled_from(["kind", "radius", "name", "size", "lang", "end", "x"]) | st.text(max_size=4)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(_table_keys, inner, max_size=4), max_leaves=8)
_keys = st.sampled_from(["idle", "enabled", "scale", "title", "mode", "years", "langs", "symbol", "label", "start",
                         "items", "other"]) | st.text(max_size=6)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=8))
def test_any_mapping_gives_a_model_or_problems_each_with_a_key_and_a_fix(data: dict[str, Any]) -> None:
    value, found = validate_toml(Doc, data, "t.toml")
    assert (value is None) == bool(found)
    for p in found:
        assert isinstance(p, ConfigProblem)
        assert p.key and p.fix and p.message
        assert str(p).startswith(f"t.toml: {p.key}")
