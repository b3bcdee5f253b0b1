"""The app's configuration: one typed, validated :class:`AppConfig`, read from TOML.

``kiosk.toml`` at the repository root documents every key. Its schema is declared with pydantic
(:mod:`mapapp.schema`); validation collects every problem (unknown keys included, so a typo is never
silently ignored) and raises one :class:`ConfigError`; each line names the file, the key, the bad value
and the fix::

    kiosk.toml: kiosk.idle_timeout_s = -5 is out of range. Fix: use a whole number of seconds from 30 to 3600.

Relative paths inside the file resolve against the repository root (:data:`mapapp.REPO_ROOT`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from mapapp import DATA_DIR, GEODATA_DIR, REPO_ROOT
from mapapp.i18n import LANGS, Lang
from mapapp.model.layers import LAYER_IDS, validate_layers
from mapapp.model.viewstate import VIEWS_BY_ID, MapState, parse_month
from mapapp.problems import ConfigError, ConfigProblem, toml_value
from mapapp.schema import Strict, fix, problem, validate_toml

#: Environment variables read by :func:`config_from_env`.
ENV_CONFIG, ENV_GEODATA = "MAPAPP_CONFIG", "MAPAPP_GEODATA"


@dataclass(frozen=True)
class KioskSettings:
    """How the app behaves on an unattended museum touch screen."""

    enabled: bool = False
    idle_timeout_s: int = 90  # after this long without a touch the countdown appears
    countdown_s: int = 15  # "Are you still there?" countdown before the reset
    attract: bool = True  # play the tour after a reset
    tour: Path = DATA_DIR / "tour.csv"
    start: MapState = MapState()  # where a reset goes
    languages: tuple[Lang, ...] = ("en", "ru")  # offered on screen
    text_scale: float = 1.5  # multiplies control and text sizes


@dataclass(frozen=True)
class AppConfig:
    """Everything configurable: where the map data lives, and the kiosk settings."""

    geodata: Path = GEODATA_DIR
    kiosk: KioskSettings = KioskSettings()


#: Allowed ranges (inclusive).
IDLE_RANGE, COUNTDOWN_RANGE, TEXT_SCALE_RANGE = (30, 3600), (5, 120), (1.0, 3.0)
#: The defaults of the paths (module attributes, so that a test can point them at a missing file).
GEODATA_DEFAULT, TOUR_DEFAULT = GEODATA_DIR, DATA_DIR / "tour.csv"

# The schema of kiosk.toml (mapapp.schema turns pydantic's errors into problem lines). The fields are in the order
# kiosk.toml documents them: an unknown key's fix lists them so.

_LAYERS_FIX = f"list layer ids in quotes, from: {', '.join(LAYER_IDS)}"
_LANGS_FIX = f'list one or more of {" and ".join(map(toml_value, LANGS))}, e.g. languages = ["en", "ru"]'
_TOUR_WHAT, _GEODATA_WHAT = "the tour table (a CSV file)", "the folder mapapp build writes"


class _StartFile(Strict):
    """``[kiosk.start]``: where a reset goes; each field is checked by MapState, whose messages are kept."""

    lang: Annotated[str, fix(f"use one of {', '.join(LANGS)}")] = "en"
    start: Annotated[str, fix('write the month as "YYYY-MM", e.g. "1934-01"')] = "1934-01"
    end: Annotated[str, fix('write the month as "YYYY-MM", e.g. "1953-12"')] = "1953-12"
    mode: Annotated[str, fix('use "window" (a from–to period) or "asof" (everything up to end)')] = "window"
    layers: Annotated[tuple[str, ...], fix(_LAYERS_FIX, expected="a list of layer ids")] = LAYER_IDS
    view: Annotated[str, fix(f"use one of {', '.join(VIEWS_BY_ID)}")] = "ussr"

    @field_validator("lang", "mode", "view")
    @classmethod
    def _state_field(cls, value: str, info: ValidationInfo) -> str:
        unchecked: dict[str, Any] = {str(info.field_name): value}  # text from the file: MapState checks it
        MapState(**unchecked)
        return value

    @field_validator("start", "end")
    @classmethod
    def _month(cls, value: str) -> str:
        parse_month(value)
        return value

    @field_validator("layers")
    @classmethod
    def _layers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return validate_layers(value)

    @model_validator(mode="after")
    def _window(self) -> _StartFile:
        try:
            MapState(start=self.start, end=self.end)
        except ValueError as exc:
            raise problem(f"is invalid: {exc}", "make end the same month as start or later",
                          key="end" if "end" in self.model_fields_set else "start") from None
        return self

    def state(self) -> MapState:
        unchecked: dict[str, Any] = self.model_dump()
        return MapState(**unchecked)


def _path(value: Any, key: str, default: Path, what: str, is_dir: bool) -> Path:
    """The path ``value`` (text from the file) resolved against the repository root; it must exist and be a folder
    (``is_dir``) or a file. Raises a :func:`problem` saying which, with a fix that shows the right path."""
    if not isinstance(value, str) or not value.strip():
        raise problem("is not a path", f"write the path of {what} in quotes, relative to {REPO_ROOT} or absolute")
    try:
        resolved = (REPO_ROOT / value).resolve()
        exists = resolved.is_dir() if is_dir else resolved.is_file()
        other_kind = resolved.exists() and not exists  # a folder for a file, or a file for a folder
    except (OSError, ValueError):  # a NUL byte, a name too long: reported as not existing
        resolved, exists, other_kind = REPO_ROOT / value, False, False
    if other_kind and not is_dir:
        noun = "a CSV file" if default.suffix == ".csv" else "a file"
        inside = (resolved / default.name).is_file()
        raise problem(f"is a folder, not {noun} ({resolved})",
                      f'give the path of the file itself, e.g. {key} = "{Path(value) / default.name}"' if inside
                      else f"give the path of {what}, not of the folder it is in")
    if other_kind:
        raise problem(f"is a file, not a folder ({resolved})",
                      f"give the path of {what}, e.g. {key} = \"{Path(value).parent}\""
                      if Path(value).parent != Path(".") else f"give the path of {what}")
    if not exists:
        raise problem(f"does not exist (looked for {resolved})",
                      f"give the path of {what}, relative to {REPO_ROOT} or absolute")
    return resolved


def _default_gone(dotted: str, key: str, default: Path, what: str, is_dir: bool) -> None:
    """A path not set whose default is gone: a deleted default tour stops a kiosk at start-up, not at a page load."""
    if default.is_dir() if is_dir else default.is_file():
        return
    raise problem(f"is not set, and its default {default} does not exist",
                  f"restore {default.name} (git checkout -- {default.relative_to(REPO_ROOT)}) or set {dotted} to the "
                  f"path of {what}" if default.is_relative_to(REPO_ROOT) else f"set {dotted} to the path of {what}",
                  key=key)


class _KioskFile(Strict):
    """``[kiosk]``."""

    enabled: bool = False
    idle_timeout_s: Annotated[int, Field(ge=IDLE_RANGE[0], le=IDLE_RANGE[1]),
                              fix(f"use a whole number of seconds from {IDLE_RANGE[0]} to {IDLE_RANGE[1]}")] = 90
    countdown_s: Annotated[int, Field(ge=COUNTDOWN_RANGE[0], le=COUNTDOWN_RANGE[1]),
                           fix(f"use a whole number of seconds from {COUNTDOWN_RANGE[0]} to {COUNTDOWN_RANGE[1]}")] = 15
    attract: bool = True
    tour: Path | None = None
    languages: Annotated[tuple[Lang, ...], Field(min_length=1),
                         fix(_LANGS_FIX, expected="a non-empty list of language codes")] = ("en", "ru")
    text_scale: Annotated[float, Field(ge=TEXT_SCALE_RANGE[0], le=TEXT_SCALE_RANGE[1]),
                          fix(f"use a number from {TEXT_SCALE_RANGE[0]} to {TEXT_SCALE_RANGE[1]}")] = 1.5
    start: _StartFile = _StartFile()

    @field_validator("tour", mode="before")
    @classmethod
    def _tour(cls, value: Any) -> Path:
        return _path(value, "tour", TOUR_DEFAULT, _TOUR_WHAT, is_dir=False)

    @field_validator("languages")
    @classmethod
    def _once(cls, value: tuple[Lang, ...]) -> tuple[Lang, ...]:
        if len(set(value)) != len(value):
            raise problem("lists a language twice", "list each language once")
        return value

    @model_validator(mode="after")
    def _offered(self) -> _KioskFile:
        if self.tour is None and self.enabled:
            _default_gone("kiosk.tour", "tour", TOUR_DEFAULT, _TOUR_WHAT, is_dir=False)
        lang = self.start.lang
        if lang not in self.languages:
            raise problem(f"is not among kiosk.languages {toml_value(list(self.languages))}",
                          f'add "{lang}" to kiosk.languages, or start in one of the languages offered',
                          key="start.lang", value=lang)
        return self


class _ConfigFile(Strict):
    """The whole file."""

    geodata: Path | None = None
    kiosk: _KioskFile = _KioskFile()

    @field_validator("geodata", mode="before")
    @classmethod
    def _geodata(cls, value: Any) -> Path:
        return _path(value, "geodata", GEODATA_DEFAULT, _GEODATA_WHAT, is_dir=True)

    @model_validator(mode="after")
    def _geodata_default(self) -> _ConfigFile:
        if self.geodata is None:
            _default_gone("geodata", "geodata", GEODATA_DEFAULT, _GEODATA_WHAT, is_dir=True)
        return self


def parse_config(data: Mapping[str, Any], file: str = "config.toml") -> AppConfig:
    """Validate a parsed TOML document (as :func:`tomllib.loads` returns it); raise :class:`ConfigError`."""
    if not isinstance(data, Mapping):
        raise ConfigError([ConfigProblem(file, None, None, "is not a TOML document", "write key = value lines")])
    parsed, problems = validate_toml(_ConfigFile, data, file)
    if parsed is None:
        raise ConfigError(problems)
    k = parsed.kiosk
    kiosk = KioskSettings(enabled=k.enabled, idle_timeout_s=k.idle_timeout_s, countdown_s=k.countdown_s,
                          attract=k.attract, tour=k.tour or TOUR_DEFAULT, start=k.start.state(),
                          languages=k.languages, text_scale=k.text_scale)
    return AppConfig(geodata=parsed.geodata or GEODATA_DEFAULT, kiosk=kiosk)


_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def load_config(path: Path) -> AppConfig:
    """Read and validate the TOML file at ``path``; an empty file gives the defaults (kiosk disabled)."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError([ConfigProblem(name, None, None, f"does not exist (looked for {path.resolve()})",
                                         "give the path of an existing TOML file (see kiosk.toml)")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([ConfigProblem(name, None, None, f"is not valid UTF-8 (byte {exc.start})",
                                         "save the file as UTF-8")]) from None
    except OSError as exc:
        raise ConfigError([ConfigProblem(name, None, None, f"cannot be read ({exc.strerror})",
                                         "give the path of a readable TOML file")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _LINE.search(str(exc))
        line = int(match.group(1)) if match else None
        reason = _LINE.sub("", str(exc)).strip()
        raise ConfigError([ConfigProblem(name, None, None, f"is not valid TOML ({reason})",
                                         "correct that line: key = value, text in double quotes, "
                                         "lists in [brackets], sections as [kiosk]", line=line)]) from None
    return parse_config(data, name)


def config_from_env(environ: Mapping[str, str] = os.environ) -> AppConfig:
    """The config named by ``MAPAPP_CONFIG`` (absent or empty: the defaults), with ``MAPAPP_GEODATA`` applied."""
    config_path = environ.get(ENV_CONFIG, "")
    config = load_config(Path(config_path)) if config_path else AppConfig()
    geodata = environ.get(ENV_GEODATA, "")
    if geodata:
        config = AppConfig(geodata=Path(geodata), kiosk=config.kiosk)
    return config
