"""The app's configuration: one typed, validated :class:`AppConfig`, read from TOML.

``kiosk.toml`` at the repository root documents every key. Validation collects every
problem (unknown keys included, so a typo is never silently ignored) and raises one
:class:`ConfigError`; each line names the file, the key, the bad value and the fix::

    kiosk.toml: kiosk.idle_timeout_s = -5 is out of range. Fix: use a whole number of seconds from 30 to 3600.

Relative paths inside the file resolve against the repository root (:data:`mapapp.REPO_ROOT`).
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp import DATA_DIR, GEODATA_DIR, REPO_ROOT
from mapapp.i18n import LANGS, Lang
from mapapp.model.layers import LAYER_IDS
from mapapp.model.viewstate import VIEWS_BY_ID, MapState, parse_month
from mapapp.problems import ConfigError, ConfigProblem, toml_value

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


#: The keys of each table, in the order ``kiosk.toml`` documents them.
TOP_KEYS = ("geodata", "kiosk")
KIOSK_KEYS = ("enabled", "idle_timeout_s", "countdown_s", "attract", "tour", "languages", "text_scale", "start")
START_KEYS = ("lang", "start", "end", "mode", "layers", "view")
#: Allowed ranges (inclusive).
IDLE_RANGE, COUNTDOWN_RANGE, TEXT_SCALE_RANGE = (30, 3600), (5, 120), (1.0, 3.0)


class _Checker:
    """Collects problems while reading one parsed TOML document."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[ConfigProblem] = []

    def add(self, key: str, value: Any, message: str, fix: str) -> None:
        self.problems.append(ConfigProblem(self.file, key, toml_value(value), message, fix))

    def known(self, table: Mapping[str, Any], prefix: str, allowed: tuple[str, ...], where: str) -> None:
        """Report every key of ``table`` not in ``allowed`` (a typo must not be ignored)."""
        for key, value in table.items():
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            self.add(f"{prefix}{key}", value, "is not a setting",
                     f"{hint}correct the spelling or remove it (the settings {where} are: {', '.join(allowed)})")

    def table(self, data: Mapping[str, Any], key: str, dotted: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if isinstance(value, Mapping):
            return value
        self.add(dotted, value, "is not a table", f"write it as a section: [{dotted}] followed by its settings")
        return {}

    def boolean(self, table: Mapping[str, Any], key: str, dotted: str, default: bool) -> bool:
        value = table.get(key, default)
        if isinstance(value, bool):
            return value
        self.add(dotted, value, "is not true or false", f"write {key} = true or {key} = false (no quotes)")
        return default

    def integer(self, table: Mapping[str, Any], key: str, dotted: str, default: int, bounds: tuple[int, int],
                unit: str) -> int:
        value = table.get(key, default)
        low, high = bounds
        fix = f"use a whole number of {unit} from {low} to {high}"
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(dotted, value, "is not a whole number", f"{fix}, without quotes (e.g. {key} = {default})")
            return default
        if not low <= value <= high:
            self.add(dotted, value, "is out of range", fix)
            return default
        return value

    def number(self, table: Mapping[str, Any], key: str, dotted: str, default: float,
               bounds: tuple[float, float]) -> float:
        value = table.get(key, default)
        low, high = bounds
        fix = f"use a number from {low} to {high}"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(dotted, value, "is not a number", f"{fix}, without quotes (e.g. {key} = {default})")
            return default
        if not low <= value <= high:  # also rejects nan
            self.add(dotted, value, "is out of range", fix)
            return default
        return float(value)

    def path(self, table: Mapping[str, Any], key: str, dotted: str, default: Path, what: str,
             is_dir: bool, needed: bool = True) -> Path:
        """The path at ``key``, which must exist; ``default`` when absent, checked too if ``needed``
        (a deleted default tour should stop a kiosk at start-up, not on the first page load)."""
        if key not in table:
            if needed and not (default.is_dir() if is_dir else default.is_file()):
                self.problems.append(ConfigProblem(
                    self.file, dotted, None, f"is not set, and its default {default} does not exist",
                    f"restore {default.name} (git checkout -- {default.relative_to(REPO_ROOT)}) or set {dotted} "
                    f"to the path of {what}" if default.is_relative_to(REPO_ROOT)
                    else f"set {dotted} to the path of {what}"))
            return default
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            self.add(dotted, value, "is not a path",
                     f"write the path of {what} in quotes, relative to {REPO_ROOT} or absolute")
            return default
        try:
            resolved = (REPO_ROOT / value).resolve()
            exists = resolved.is_dir() if is_dir else resolved.is_file()
            other_kind = resolved.exists() and not exists  # a folder for a file, or a file for a folder
        except (OSError, ValueError):  # a NUL byte, a name too long
            resolved, exists, other_kind = REPO_ROOT / value, False, False
        if other_kind and not is_dir:
            inside = resolved / default.name
            noun = "a CSV file" if default.suffix == ".csv" else "a file"
            self.add(dotted, value, f"is a folder, not {noun} ({resolved})",
                     f'give the path of the file itself, e.g. {key} = "{Path(value) / default.name}"'
                     if inside.is_file() else f"give the path of {what}, not of the folder it is in")
        elif other_kind:
            self.add(dotted, value, f"is a file, not a folder ({resolved})",
                     f"give the path of {what}, e.g. {key} = \"{Path(value).parent}\""
                     if Path(value).parent != Path(".") else f"give the path of {what}")
        elif not exists:
            self.add(dotted, value, f"does not exist (looked for {resolved})",
                     f"give the path of {what}, relative to {REPO_ROOT} or absolute")
        return resolved

    def languages(self, table: Mapping[str, Any], dotted: str) -> tuple[Lang, ...]:
        default = KioskSettings.languages
        value = table.get("languages", list(default))
        choices = " and ".join(f'"{lang}"' for lang in LANGS)
        fix = f'list one or more of {choices}, e.g. languages = ["en", "ru"]'
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.add(dotted, value, "is not a non-empty list of language codes", fix)
            return default
        unknown = [v for v in value if v not in LANGS]
        if unknown:
            self.add(dotted, value, f"names unknown language(s) {', '.join(map(repr, unknown))}", fix)
            return default
        if len(set(value)) != len(value):
            self.add(dotted, value, "lists a language twice", "list each language once")
            return default
        return tuple(value)

    def start(self, table: Mapping[str, Any], dotted: str) -> MapState:
        """The start state; each bad field is reported on its own key, with MapState's own message."""
        self.known(table, f"{dotted}.", START_KEYS, f"in [{dotted}]")
        default = MapState()
        values: dict[str, Any] = {}
        for key in ("lang", "mode", "view", "start", "end"):
            if key not in table:
                continue
            value = table[key]
            if not isinstance(value, str):
                self.add(f"{dotted}.{key}", value, "is not text", f'write it in quotes, e.g. {key} = '
                                                                   f'"{getattr(default, key)}"')
                continue
            try:
                if key in ("start", "end"):
                    parse_month(value)
                else:
                    unchecked: dict[str, Any] = {key: value}  # text from the file: MapState checks it
                    MapState(**unchecked)
            except ValueError as exc:
                self.add(f"{dotted}.{key}", value, f"is invalid: {exc}", _START_FIXES[key])
                continue
            values[key] = value
        if "layers" in table:
            value = table["layers"]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.add(f"{dotted}.layers", value, "is not a list of layer ids", _START_FIXES["layers"])
            else:
                try:
                    MapState(layers=tuple(value))
                    values["layers"] = tuple(value)
                except ValueError as exc:
                    self.add(f"{dotted}.layers", value, f"is invalid: {exc}", _START_FIXES["layers"])
        if any(key in table and key not in values for key in ("start", "end")):
            return MapState(**{k: v for k, v in values.items() if k not in ("start", "end")})
        start, end = values.get("start", default.start), values.get("end", default.end)
        try:
            MapState(start=start, end=end)
        except ValueError as exc:
            key = "end" if "end" in table else "start"
            self.add(f"{dotted}.{key}", table[key], f"is invalid: {exc}", "make end the same month as start or later")
            values.pop("start", None)
            values.pop("end", None)
        return MapState(**values)


_START_FIXES = {
    "lang": f"use one of {', '.join(LANGS)}",
    "mode": 'use "window" (a from–to period) or "asof" (everything up to end)',
    "view": f"use one of {', '.join(VIEWS_BY_ID)}",
    "start": 'write the month as "YYYY-MM", e.g. "1934-01"',
    "end": 'write the month as "YYYY-MM", e.g. "1953-12"',
    "layers": f"list layer ids in quotes, from: {', '.join(LAYER_IDS)}",
}


def parse_config(data: Mapping[str, Any], file: str = "config.toml") -> AppConfig:
    """Validate a parsed TOML document (as :func:`tomllib.loads` returns it); raise :class:`ConfigError`."""
    check = _Checker(file)
    if not isinstance(data, Mapping):
        raise ConfigError([ConfigProblem(file, None, None, "is not a TOML document", "write key = value lines")])
    check.known(data, "", TOP_KEYS, "at the top level")
    geodata = check.path(data, "geodata", "geodata", GEODATA_DIR, "the folder mapapp build writes", is_dir=True)
    k = check.table(data, "kiosk", "kiosk")
    check.known(k, "kiosk.", KIOSK_KEYS, "in [kiosk]")
    d = KioskSettings()
    enabled = check.boolean(k, "enabled", "kiosk.enabled", d.enabled)
    idle = check.integer(k, "idle_timeout_s", "kiosk.idle_timeout_s", d.idle_timeout_s, IDLE_RANGE, "seconds")
    countdown = check.integer(k, "countdown_s", "kiosk.countdown_s", d.countdown_s, COUNTDOWN_RANGE, "seconds")
    attract = check.boolean(k, "attract", "kiosk.attract", d.attract)
    tour = check.path(k, "tour", "kiosk.tour", d.tour, "the tour table (a CSV file)", is_dir=False,
                      needed=enabled)
    languages = check.languages(k, "kiosk.languages")
    text_scale = check.number(k, "text_scale", "kiosk.text_scale", d.text_scale, TEXT_SCALE_RANGE)
    start_table = check.table(k, "start", "kiosk.start")
    start = check.start(start_table, "kiosk.start")
    if start.lang not in languages:
        check.add("kiosk.start.lang", start_table.get("lang", start.lang),
                  f"is not among kiosk.languages {toml_value(list(languages))}",
                  f'add "{start.lang}" to kiosk.languages, or start in one of the languages offered')
    kiosk = KioskSettings(enabled=enabled, idle_timeout_s=idle, countdown_s=countdown, attract=attract, tour=tour,
                          start=start, languages=languages, text_scale=text_scale)
    if check.problems:
        raise ConfigError(check.problems)
    return AppConfig(geodata=geodata, kiosk=kiosk)


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
