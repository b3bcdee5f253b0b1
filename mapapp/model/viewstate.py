"""What the map shows: language, time window, layers and view — validated in one place.

The browser reports its state back as JSON; :meth:`MapState.from_report` treats that as
untrusted input and falls back to the previous state when it does not validate.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from mapapp.i18n import LANGS, Lang
from mapapp.model.layers import LAYER_IDS, validate_layers

Mode = Literal["window", "asof"]
MODES: tuple[Mode, ...] = ("window", "asof")


@dataclass(frozen=True)
class View:
    """A preset map view."""

    id: str
    label_en: str
    label_ru: str
    center: tuple[float, float]
    zoom: int


VIEWS: tuple[View, ...] = (
    View("ussr", "USSR", "СССР", (58.0, 72.0), 3),
    View("europe", "Europe", "Европа", (54.0, 25.0), 4),
    View("moscow", "Moscow", "Москва", (55.70, 37.55), 10),
    View("leningrad", "Leningrad", "Ленинград", (59.90, 30.35), 10),
    View("karelia", "Karelia", "Карелия", (63.0, 34.5), 6),
    View("world", "World", "Мир", (40.0, 20.0), 2),
)
VIEWS_BY_ID: dict[str, View] = {v.id: v for v in VIEWS}


def parse_month(text: str) -> tuple[int, int]:
    """``'1937-08'`` → ``(1937, 8)``; ValueError with the bad value otherwise."""
    try:
        year_text, month_text = text.split("-")
        year, month = int(year_text), int(month_text)
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"'{text}' is not a month (use YYYY-MM)") from exc
    if len(year_text) != 4 or len(month_text) != 2 or not 1 <= month <= 12:
        raise ValueError(f"'{text}' is not a month (use YYYY-MM)")
    return year, month


def month_first(text: str) -> date:
    """First day of the month ``YYYY-MM``."""
    year, month = parse_month(text)
    return date(year, month, 1)


def month_last(text: str) -> date:
    """Last day of the month ``YYYY-MM``."""
    year, month = parse_month(text)
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class MapState:
    """The map's state. ``start``/``end`` are months (``YYYY-MM``); in "asof" mode only ``end`` counts."""

    lang: Lang = "en"
    start: str = "1934-01"
    end: str = "1953-12"
    mode: Mode = "window"
    layers: tuple[str, ...] = field(default=LAYER_IDS)
    view: str = "ussr"

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"unknown language '{self.lang}' (use {' or '.join(LANGS)})")
        if self.mode not in MODES:
            raise ValueError(f"unknown mode '{self.mode}' (use {' or '.join(MODES)})")
        month_first(self.start)  # validated in both modes, compared only for a window
        if self.mode == "window" and month_last(self.end) < month_first(self.start):
            raise ValueError(f"the window ends ({self.end}) before it starts ({self.start})")
        object.__setattr__(self, "layers", validate_layers(self.layers))
        if self.view not in VIEWS_BY_ID:
            raise ValueError(f"unknown view '{self.view}' (use one of {', '.join(VIEWS_BY_ID)})")

    def window(self, span_start: date) -> tuple[date, date]:
        """The dates covered: [start, end] months, or everything from ``span_start`` in "asof" mode."""
        first = span_start if self.mode == "asof" else month_first(self.start)
        return first, month_last(self.end)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, as the browser reports it."""
        return {"lang": self.lang, "start": self.start, "end": self.end, "mode": self.mode,
                "layers": list(self.layers), "view": self.view}

    def with_report(self, report: str | None) -> MapState:
        """This state updated by the browser's JSON report; unchanged if the report is missing or invalid."""
        if not report:
            return self
        try:
            data = json.loads(report)
            if not isinstance(data, dict):
                return self
            return replace(self, start=str(data["start"]), end=str(data["end"]), mode=data["mode"],
                           layers=tuple(str(x) for x in data["layers"]), view=str(data.get("view", self.view)))
        except (ValueError, KeyError, TypeError):
            return self
