"""The app config: defaults, exact messages per class of bad value, unknown keys, invalid TOML, environment."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapapp import DATA_DIR, GEODATA_DIR, REPO_ROOT, config
from mapapp.config import (
    AppConfig,
    KioskSettings,
    config_from_env,
    load_config,
    parse_config,
)
from mapapp.model.layers import LAYER_IDS
from mapapp.model.viewstate import MapState
from mapapp.problems import ConfigError, toml_value

KIOSK_KEYS = "enabled, idle_timeout_s, countdown_s, attract, tour, languages, text_scale, start"
START_KEYS = "lang, start, end, mode, layers, view"
VIEWS = "ussr, europe, moscow, leningrad, karelia, world"
LAYERS = ", ".join(LAYER_IDS)


def problems(text: str, tmp_path: Path) -> list[str]:
    """The problem lines ``load_config`` reports for ``text`` saved as kiosk.toml (the count line dropped)."""
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    lines = str(info.value).splitlines()
    n = len(info.value.problems)
    assert lines[-1] == f"{n} problem{'s' if n != 1 else ''} found."
    return lines[:-1]


def test_empty_file_gives_defaults_with_kiosk_disabled(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    config = load_config(path)
    assert config == AppConfig()
    assert config.kiosk.enabled is False
    assert config.geodata == GEODATA_DIR
    assert config.kiosk.tour == DATA_DIR / "tour.csv"
    assert config.kiosk.start == MapState()


def test_shipped_kiosk_toml_is_the_documented_default_with_kiosk_enabled() -> None:
    config = load_config(REPO_ROOT / "kiosk.toml")
    assert config.kiosk == KioskSettings(enabled=True)
    assert config.geodata == GEODATA_DIR


def test_every_key_is_read(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"""
geodata = "{GEODATA_DIR}"
[kiosk]
enabled = true
idle_timeout_s = 30
countdown_s = 120
attract = false
tour = "data/tour.csv"
languages = ["ru"]
text_scale = 2
[kiosk.start]
lang = "ru"
start = "1937-08"
end = "1938-11"
mode = "asof"
layers = ["nkvd", "killing"]
view = "karelia"
""", encoding="utf-8")
    assert load_config(path) == AppConfig(GEODATA_DIR, KioskSettings(
        enabled=True, idle_timeout_s=30, countdown_s=120, attract=False, tour=DATA_DIR / "tour.csv",
        start=MapState("ru", "1937-08", "1938-11", "asof", ("killing", "nkvd"), "karelia"), languages=("ru",),
        text_scale=2.0))


@pytest.mark.parametrize("line, expected", [
    # out of range
    ("idle_timeout_s = -5", "kiosk.idle_timeout_s = -5 is out of range. "
                            "Fix: use a whole number of seconds from 30 to 3600."),
    ("idle_timeout_s = 3601", "kiosk.idle_timeout_s = 3601 is out of range. "
                              "Fix: use a whole number of seconds from 30 to 3600."),
    ("countdown_s = 4", "kiosk.countdown_s = 4 is out of range. Fix: use a whole number of seconds from 5 to 120."),
    ("text_scale = 0.5", "kiosk.text_scale = 0.5 is out of range. Fix: use a number from 1.0 to 3.0."),
    ("text_scale = nan", "kiosk.text_scale = nan is out of range. Fix: use a number from 1.0 to 3.0."),
    # wrong types
    ('idle_timeout_s = "90"', 'kiosk.idle_timeout_s = "90" is not a whole number. '
                              "Fix: use a whole number of seconds from 30 to 3600, without quotes "
                              "(e.g. idle_timeout_s = 90)."),
    ("idle_timeout_s = 90.0", "kiosk.idle_timeout_s = 90.0 is not a whole number. "
                              "Fix: use a whole number of seconds from 30 to 3600, without quotes "
                              "(e.g. idle_timeout_s = 90)."),
    ("countdown_s = true", "kiosk.countdown_s = true is not a whole number. "
                           "Fix: use a whole number of seconds from 5 to 120, without quotes (e.g. countdown_s = 15)."),
    ('enabled = "yes"', 'kiosk.enabled = "yes" is not true or false. '
                        "Fix: write enabled = true or enabled = false (no quotes)."),
    ("attract = 1", "kiosk.attract = 1 is not true or false. "
                    "Fix: write attract = true or attract = false (no quotes)."),
    ('text_scale = "big"', 'kiosk.text_scale = "big" is not a number. '
                           "Fix: use a number from 1.0 to 3.0, without quotes (e.g. text_scale = 1.5)."),
    ("tour = 5", "kiosk.tour = 5 is not a path. "
                 f"Fix: write the path of the tour table (a CSV file) in quotes, relative to {REPO_ROOT} or absolute."),
    # missing tour file
    ('tour = "data/nope.csv"', f'kiosk.tour = "data/nope.csv" does not exist (looked for {REPO_ROOT}/data/nope.csv). '
                               "Fix: give the path of the tour table (a CSV file), "
                               f"relative to {REPO_ROOT} or absolute."),
    # a folder where the tour file should be (issue 9: it said "does not exist")
    ('tour = "data"', f'kiosk.tour = "data" is a folder, not a CSV file ({REPO_ROOT}/data). '
                      'Fix: give the path of the file itself, e.g. tour = "data/tour.csv".'),
    ('tour = "docs"', f'kiosk.tour = "docs" is a folder, not a CSV file ({REPO_ROOT}/docs). '
                      "Fix: give the path of the tour table (a CSV file), not of the folder it is in."),
    # languages
    # (the list item is named: it said 'kiosk.languages = ["en", "de"] names unknown language(s) 'de'')
    ('languages = ["en", "de"]', 'kiosk.languages[2] = "de" is not one of "en" or "ru". '
                                 'Fix: list one or more of "en" and "ru", e.g. languages = ["en", "ru"].'),
    ("languages = []", 'kiosk.languages = [] is not a non-empty list of language codes. '
                       'Fix: list one or more of "en" and "ru", e.g. languages = ["en", "ru"].'),
    ('languages = "en"', 'kiosk.languages = "en" is not a non-empty list of language codes. '
                         'Fix: list one or more of "en" and "ru", e.g. languages = ["en", "ru"].'),
    ('languages = ["en", "en"]', 'kiosk.languages = ["en", "en"] lists a language twice. '
                                 "Fix: list each language once."),
    ('languages = ["ru"]', 'kiosk.start.lang = "en" is not among kiosk.languages ["ru"]. '
                           'Fix: add "en" to kiosk.languages, or start in one of the languages offered.'),
    # unknown keys
    ("idle_timout = 3", 'kiosk.idle_timout = 3 is not a setting. Fix: did you mean idle_timeout_s? '
                        f"correct the spelling or remove it (the settings in [kiosk] are: {KIOSK_KEYS})."),
    ("volume = 'loud'", 'kiosk.volume = "loud" is not a setting. '
                       f"Fix: correct the spelling or remove it (the settings in [kiosk] are: {KIOSK_KEYS})."),
    ("start = 5", "kiosk.start = 5 is not a table. "
                  "Fix: write it as a section: [kiosk.start] followed by its settings."),
])
def test_kiosk_value_problems(tmp_path: Path, line: str, expected: str) -> None:
    assert problems(f"[kiosk]\n{line}\n", tmp_path) == [f"kiosk.toml: {expected}"]


@pytest.mark.parametrize("line, expected", [
    ('lang = "fr"', "kiosk.start.lang = \"fr\" is invalid: unknown language 'fr' (use en or ru). "
                    "Fix: use one of en, ru."),
    ('mode = "later"', "kiosk.start.mode = \"later\" is invalid: unknown mode 'later' (use window or asof). "
                       'Fix: use "window" (a from–to period) or "asof" (everything up to end).'),
    ('view = "moon"', f"kiosk.start.view = \"moon\" is invalid: unknown view 'moon' (use one of {VIEWS}). "
                      f"Fix: use one of {VIEWS}."),
    ('start = "1937-13"', "kiosk.start.start = \"1937-13\" is invalid: '1937-13' is not a month (use YYYY-MM). "
                          'Fix: write the month as "YYYY-MM", e.g. "1934-01".'),
    ('end = "1938"', "kiosk.start.end = \"1938\" is invalid: '1938' is not a month (use YYYY-MM). "
                     'Fix: write the month as "YYYY-MM", e.g. "1953-12".'),
    ('end = "1930-01"', 'kiosk.start.end = "1930-01" is invalid: the window ends (1930-01) before it starts '
                        "(1934-01). Fix: make end the same month as start or later."),
    ("start = 1937", 'kiosk.start.start = 1937 is not text. Fix: write it in quotes, e.g. start = "1934-01".'),
    ('layers = ["killing", "ghosts"]', "kiosk.start.layers = [\"killing\", \"ghosts\"] is invalid: unknown layer(s) "
                                       f"'ghosts'; choose from {LAYERS}. "
                                       f"Fix: list layer ids in quotes, from: {LAYERS}."),
    ('layers = "killing"', f'kiosk.start.layers = "killing" is not a list of layer ids. '
                           f"Fix: list layer ids in quotes, from: {LAYERS}."),
    ("zoom = 3", "kiosk.start.zoom = 3 is not a setting. "
                 f"Fix: correct the spelling or remove it (the settings in [kiosk.start] are: {START_KEYS})."),
])
def test_start_state_problems_reuse_mapstate_messages(tmp_path: Path, line: str, expected: str) -> None:
    assert problems(f"[kiosk.start]\n{line}\n", tmp_path) == [f"kiosk.toml: {expected}"]


def test_geodata_that_is_a_file_says_so(tmp_path: Path) -> None:
    assert problems('geodata = "geodata/places.geojson"\n', tmp_path) == [
        f'kiosk.toml: geodata = "geodata/places.geojson" is a file, not a folder ({REPO_ROOT}/geodata/places.geojson). '
        'Fix: give the path of the folder mapapp build writes, e.g. geodata = "geodata".']


def test_top_level_problems(tmp_path: Path) -> None:
    assert problems('kiosk_mode = true\ngeodata = "nowhere"\nkiosk = 1\n', tmp_path) == [
        "kiosk.toml: kiosk_mode = true is not a setting. Fix: did you mean kiosk? correct the spelling or remove "
        "it (the settings at the top level are: geodata, kiosk).",
        f'kiosk.toml: geodata = "nowhere" does not exist (looked for {REPO_ROOT}/nowhere). '
        f"Fix: give the path of the folder mapapp build writes, relative to {REPO_ROOT} or absolute.",
        "kiosk.toml: kiosk = 1 is not a table. Fix: write it as a section: [kiosk] followed by its settings.",
    ]


def test_every_problem_is_collected(tmp_path: Path) -> None:
    found = problems('[kiosk]\nenabled = "yes"\nidle_timeout_s = -5\ncountdown_s = 1.5\ntext_scale = 9\n'
                     '[kiosk.start]\nview = "moon"\nlang = "fr"\n', tmp_path)
    assert [line.split(" = ")[0] for line in found] == [
        "kiosk.toml: kiosk.enabled", "kiosk.toml: kiosk.idle_timeout_s", "kiosk.toml: kiosk.countdown_s",
        "kiosk.toml: kiosk.text_scale", "kiosk.toml: kiosk.start.lang", "kiosk.toml: kiosk.start.view"]


def test_start_and_end_in_one_bad_window_point_at_end(tmp_path: Path) -> None:
    assert problems('[kiosk.start]\nstart = "1938-01"\nend = "1937-12"\n', tmp_path) == [
        'kiosk.toml: kiosk.start.end = "1937-12" is invalid: the window ends (1937-12) before it starts (1938-01). '
        "Fix: make end the same month as start or later."]


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    assert problems("[kiosk]\nenabled = true\nidle_timeout_s = \n", tmp_path) == [
        "kiosk.toml line 3: is not valid TOML (Invalid value). Fix: correct that line: key = value, text in double "
        "quotes, lists in [brackets], sections as [kiosk]."]


def test_yes_without_quotes_is_invalid_toml(tmp_path: Path) -> None:
    [line] = problems("[kiosk]\nenabled = yes\n", tmp_path)
    assert line.startswith("kiosk.toml line 2: is not valid TOML (")


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    assert str(info.value.problems[0]) == (f"nope.toml: does not exist (looked for {tmp_path}/nope.toml). "
                                           "Fix: give the path of an existing TOML file (see kiosk.toml).")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(b"# caf\xe9\n")
    with pytest.raises(ConfigError) as info:
        load_config(latin1)
    assert str(info.value.problems[0]) == "latin1.toml: is not valid UTF-8 (byte 5). Fix: save the file as UTF-8."


def test_env_absent_gives_defaults() -> None:
    assert config_from_env({}) == AppConfig()
    assert config_from_env({"MAPAPP_CONFIG": ""}) == AppConfig()


def test_env_reads_the_file_and_overrides_geodata(tmp_path: Path) -> None:
    path = tmp_path / "museum.toml"
    path.write_text("[kiosk]\nenabled = true\ncountdown_s = 20\n", encoding="utf-8")
    config = config_from_env({"MAPAPP_CONFIG": str(path), "MAPAPP_GEODATA": str(tmp_path)})
    assert config.kiosk == KioskSettings(enabled=True, countdown_s=20)
    assert config.geodata == tmp_path
    assert config_from_env({"MAPAPP_GEODATA": "/srv/geodata"}) == AppConfig(geodata=Path("/srv/geodata"))


def test_env_with_a_bad_file_raises_config_error(tmp_path: Path) -> None:
    path = tmp_path / "museum.toml"
    path.write_text("[kiosk]\nenabled = 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"museum.toml: kiosk.enabled = 2 is not true or false"):
        config_from_env({"MAPAPP_CONFIG": str(path)})


def test_toml_value_writes_values_as_toml() -> None:
    assert [toml_value(v) for v in (True, "Киров", -5, 1.5, math.inf, ["en", 1], {"a": 1})] == [
        "true", '"Киров"', "-5", "1.5", "inf", '["en", 1]', "{a = 1}"]


# Random TOML-shaped documents: only ConfigError may come out of the validator.
_scalars = st.one_of(st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
                     st.sampled_from(["en", "ru", "1937-08", "ussr", "killing", "window", "data/tour.csv", ""]))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=8)
_kiosk_keys = st.sampled_from(["enabled", "idle_timeout_s", "countdown_s", "attract", "tour", "languages",
                               "text_scale", "start", "other"])
_start_keys = st.sampled_from(["lang", "start", "end", "mode", "layers", "view", "zoom"])
_documents = st.fixed_dictionaries({}, optional={
    "geodata": _values,
    "kiosk": st.one_of(_values, st.dictionaries(_kiosk_keys, _values, max_size=8),
                       st.fixed_dictionaries({"start": st.dictionaries(_start_keys, _values, max_size=7)})),
    "extra": _values,
})


@settings(max_examples=300, deadline=None)
@given(_documents)
def test_validator_raises_only_config_error(document: dict[str, Any]) -> None:
    try:
        config = parse_config(document, "random.toml")
    except ConfigError as exc:
        assert exc.problems and all(str(p).startswith("random.toml") for p in exc.problems)
    else:
        assert isinstance(config, AppConfig)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_a_config_or_config_error(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("toml") / "random.toml"
    path.write_text(text, encoding="utf-8")
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        with pytest.raises(ConfigError):
            load_config(path)
        return
    try:
        load_config(path)
    except ConfigError:
        pass


@pytest.mark.parametrize(("default", "enabled", "expected"), [
    (REPO_ROOT / "data" / "gone-tour.csv", True,
     [f"kiosk.toml: kiosk.tour is not set, and its default {REPO_ROOT}/data/gone-tour.csv does not exist. "
      "Fix: restore gone-tour.csv (git checkout -- data/gone-tour.csv) or set kiosk.tour to the path of the tour "
      "table (a CSV file)."]),
    (Path("/nonexistent/tour.csv"), True,
     ["kiosk.toml: kiosk.tour is not set, and its default /nonexistent/tour.csv does not exist. "
      "Fix: set kiosk.tour to the path of the tour table (a CSV file)."]),
    (Path("/nonexistent/tour.csv"), False, []),  # the kiosk is off: the tour is never read
    (DATA_DIR / "tour.csv", True, []),
])
def test_a_missing_default_path_is_reported_when_needed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        default: Path, enabled: bool, expected: list[str]) -> None:
    monkeypatch.setattr(config, "TOUR_DEFAULT", default)
    text = f"[kiosk]\nenabled = {toml_value(enabled)}\n"
    if expected:
        assert problems(text, tmp_path) == expected
    else:
        (tmp_path / "kiosk.toml").write_text(text, encoding="utf-8")
        assert load_config(tmp_path / "kiosk.toml").kiosk.tour == default


def test_a_missing_default_geodata_folder_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(config, "GEODATA_DEFAULT", tmp_path / "gone")
    assert problems("", tmp_path) == [
        f"kiosk.toml: geodata is not set, and its default {tmp_path}/gone does not exist. "
        "Fix: set geodata to the path of the folder mapapp build writes."]
