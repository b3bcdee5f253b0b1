"""What ``mapapp export`` makes: frozen, validated :class:`ExportOptions`.

:func:`parse_options` takes the command line's raw strings, checks every one of them (and, given
the dataset, that the window holds events) and raises one :class:`ExportOptionsError` listing
every problem — option, bad value, what is wrong and the fix — so nothing is ever half-exported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from mapapp.export.regions import REGIONS_BY_ID, BBox, Region, region_for_bbox
from mapapp.i18n import LANGS, Lang
from mapapp.model.collections import dated, drawn
from mapapp.model.layers import LAYER_IDS
from mapapp.model.timeline import events_in_window
from mapapp.model.viewstate import MapState, Mode, month_first, month_last, parse_month
from mapapp.problems import report_lines

if TYPE_CHECKING:
    from mapapp.webmap.mapview import Dataset

Format = Literal["png", "svg", "pdf", "html", "gif", "mp4"]
FORMATS: dict[str, Format] = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".html": "html", ".gif": "gif",
                              ".mp4": "mp4"}
ANIMATIONS: frozenset[str] = frozenset({"gif", "mp4"})
FrameStep = Literal["year", "month"]
FRAME_STEPS: tuple[FrameStep, ...] = ("year", "month")
#: Paper sizes in millimetres, portrait (width, height).
PAPERS_MM: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "a3": (297.0, 420.0),
                                             "letter": (215.9, 279.4)}
ORIENTATIONS = ("landscape", "portrait")
DPI_RANGE = (72, 1200)
PIXEL_RANGE = (100, 20000)
DEFAULT_DPI: dict[str, int] = {"png": 300, "svg": 300, "pdf": 300, "html": 300, "gif": 100, "mp4": 100}
#: Animations default to a screen-sized frame rather than a sheet of paper.
DEFAULT_ANIMATION_PX = (1280, 880)


class ExportOptionsError(ValueError):
    """Bad export options; :attr:`problems` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(report_lines(self.problems))


@dataclass(frozen=True)
class ExportOptions:
    """A validated export: format, the map state (window, mode, layers, language), area and page."""

    format: Format
    lang: Lang = "en"
    start: str = "1934-01"
    end: str = "1953-12"
    mode: Mode = "window"
    layers: tuple[str, ...] = LAYER_IDS
    region: Region = REGIONS_BY_ID["ussr"]
    title: str | None = None
    width_px: int = 3508
    height_px: int = 2480
    dpi: int = 300
    frames: FrameStep = "year"
    person: str | None = None  # draw this person's trail (mapapp.model.trails); the region still decides the area

    def __post_init__(self) -> None:
        self.state  # noqa: B018 - MapState validates window, mode, layers and language

    @property
    def state(self) -> MapState:
        """The app's :class:`MapState` for this export (a custom bbox maps to the USSR view)."""
        view = self.region.id if self.region.id in REGIONS_BY_ID else "ussr"
        return MapState(lang=self.lang, start=self.start, end=self.end, mode=self.mode, layers=self.layers,
                        view=view)

    @property
    def size_in(self) -> tuple[float, float]:
        """Figure size in inches: exactly ``width_px``×``height_px`` at ``dpi``."""
        return self.width_px / self.dpi, self.height_px / self.dpi

    @property
    def animated(self) -> bool:
        """Whether the format is an animation (GIF, MP4)."""
        return self.format in ANIMATIONS

    def frame_options(self) -> list[ExportOptions]:
        """One options per frame: each year (or month) of the window; "as of" frames accumulate."""
        months = _months(self.start, self.end)
        if self.frames == "year":
            years = sorted({m[:4] for m in months})
            spans = [(max(f"{y}-01", self.start), min(f"{y}-12", self.end)) for y in years]
        else:
            spans = [(m, m) for m in months]
        if self.mode == "asof":
            return [replace(self, start=end, end=end, mode="asof") for _, end in spans]
        return [replace(self, start=start, end=end, mode="window") for start, end in spans]


def _months(start: str, end: str) -> list[str]:
    (y, m), (y2, m2) = parse_month(start), parse_month(end)
    out = []
    while (y, m) <= (y2, m2):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_problem(option: str, value: str) -> str | None:
    try:
        parse_month(value)
    except ValueError:
        return f"{option} {value}: not a month; use YYYY-MM, e.g. 1937-12"
    return None


def _check_out(out: Path, problems: list[str]) -> Format | None:
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        problems.append(f"OUT {out}: unknown format '{out.suffix}'; use .png, .svg, .pdf, .html, .gif or .mp4")
    folder = out.parent
    if out.is_dir():
        problems.append(f"OUT {out}: is a folder; give a file name, e.g. {out / 'map.png'}")
    elif not folder.is_dir():
        problems.append(f"OUT {out}: the folder does not exist; create it first or choose another folder")
    elif not os.access(folder, os.W_OK | os.X_OK):
        problems.append(f"OUT {out}: the folder is not writable; choose another folder")
    if fmt == "mp4":
        try:
            import imageio_ffmpeg

            imageio_ffmpeg.get_ffmpeg_exe()
        except (ImportError, RuntimeError):
            problems.append(f"OUT {out}: MP4 needs ffmpeg; `pip install imageio-ffmpeg`, or write a .gif instead")
    return fmt


def _int_in(option: str, value: str, low: int, high: int, problems: list[str]) -> int | None:
    try:
        number = int(value)
    except ValueError:
        problems.append(f"{option} {value}: not a whole number; use {low}..{high}")
        return None
    if number < low:
        problems.append(f"{option} {value}: too low; use {low}..{high}")
    elif number > high:
        problems.append(f"{option} {value}: too high; use {low}..{high}")
    else:
        return number
    return None


def _parse_bbox(value: str, problems: list[str]) -> BBox | None:
    try:
        west, south, east, north = (float(x) for x in value.split(","))
    except ValueError:
        problems.append(f"--bbox {value}: not a bounding box; use WEST,SOUTH,EAST,NORTH in degrees, "
                        "e.g. 28.5,60,42,68.5")
        return None
    if not (-180 <= west < east <= 360 and east - west <= 360 and -85 <= south < north <= 85):
        problems.append(f"--bbox {value}: not a bounding box; west < east (-180..360) and south < north (-85..85)")
        return None
    return west, south, east, north


def parse_options(out: Path, *, date: str | None = None, start: str | None = None, end: str | None = None,
                  categories: str | None = None, region: str | None = None, bbox: str | None = None,
                  lang: str = "en", title: str | None = None, paper: str | None = None,
                  orientation: str | None = None, size: str | None = None, dpi: str | None = None,
                  frames: str | None = None, person: str | None = None,
                  ds: Dataset | None = None) -> ExportOptions:
    """Validate the raw option strings of ``mapapp export OUT``; raise :class:`ExportOptionsError` with all problems.

    ``--date`` means "as of" that month; ``--from``/``--to`` a window (defaults 1934-01..1953-12).
    Given ``ds``, a window without events is a problem too, and ``--person`` must name someone in
    ``people.csv`` with a trail (events at two or more places). The trail does not move the area:
    ``--region``/``--bbox`` still decide it (default ``ussr``).
    """
    problems: list[str] = []
    out = Path(out)
    fmt = _check_out(out, problems)

    # Time: either --date (as of) or a --from/--to window.
    mode: Mode = "window"
    first, last = start or "1934-01", end or "1953-12"
    n_before = len(problems)
    if date is not None and (start is not None or end is not None):
        given = " ".join(f"{o} {v}" for o, v in (("--from", start), ("--to", end)) if v is not None)
        problems.append(f"--date {date} {given}: give either --date (as of) or --from/--to (a window), not both")
    elif date is not None:
        if (p := _month_problem("--date", date)) is not None:
            problems.append(p)
        mode, first, last = "asof", date, date
    bad_month = [p for o, v in (("--from", start), ("--to", end)) if v is not None
                 and (p := _month_problem(o, v)) is not None]
    problems.extend(bad_month)
    time_ok = len(problems) == n_before
    if time_ok and mode == "window" and month_last(last) < month_first(first):
        problems.append(f"--from {first} --to {last}: the window ends before it starts; swap them")
        time_ok = False

    # Layers.
    layers: tuple[str, ...] = LAYER_IDS
    if categories is not None:
        requested = [c.strip() for c in categories.split(",") if c.strip()]
        unknown = [c for c in requested if c not in LAYER_IDS]
        if not requested:
            problems.append(f"--categories: no layer given; choose from {', '.join(LAYER_IDS)}")
        elif unknown:
            s = "s" if len(unknown) > 1 else ""
            problems.append(f"--categories: unknown layer{s} {', '.join(map(repr, unknown))}; "
                            f"choose from {', '.join(LAYER_IDS)}")
        else:
            layers = tuple(layer for layer in LAYER_IDS if layer in requested)

    # Area.
    chosen_region = REGIONS_BY_ID["ussr"]
    if region is not None and bbox is not None:
        problems.append(f"--region {region} --bbox {bbox}: give either --region or --bbox, not both")
    elif region is not None:
        if region.lower() not in REGIONS_BY_ID:
            problems.append(f"--region {region}: unknown region; choose from {', '.join(REGIONS_BY_ID)}")
        else:
            chosen_region = REGIONS_BY_ID[region.lower()]
    elif bbox is not None and (box := _parse_bbox(bbox, problems)) is not None:
        chosen_region = region_for_bbox(box)

    # Language and words.
    if lang.lower() not in LANGS:
        problems.append(f"--lang {lang}: unknown language; use {' or '.join(LANGS)}")
    if title is not None and not title.strip():
        problems.append("--title: empty; give a title or leave the option out for the default")

    # Page.
    resolution = DEFAULT_DPI.get(fmt or "png", 300)
    if dpi is not None:
        resolution = _int_in("--dpi", dpi, *DPI_RANGE, problems) or resolution
    width_px, height_px = 0, 0
    if size is not None and (paper is not None or orientation is not None):
        problems.append(f"--size {size}: give either --size (pixels) or --paper/--orientation, not both")
    if paper is not None and paper.lower() not in PAPERS_MM:
        problems.append(f"--paper {paper}: unknown paper size; use {', '.join(PAPERS_MM)}")
    if orientation is not None and orientation.lower() not in ORIENTATIONS:
        problems.append(f"--orientation {orientation}: unknown orientation; use landscape or portrait")
    if size is not None:
        match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", size)
        low, high = PIXEL_RANGE
        if not match:
            problems.append(f"--size {size}: not a pixel size; use WIDTHxHEIGHT, e.g. 1600x1000")
        elif not all(low <= int(v) <= high for v in match.groups()):
            problems.append(f"--size {size}: each side must be {low}..{high} pixels")
        else:
            width_px, height_px = int(match.group(1)), int(match.group(2))
    elif fmt in ANIMATIONS and paper is None and orientation is None:
        width_px, height_px = DEFAULT_ANIMATION_PX
    else:
        w_mm, h_mm = PAPERS_MM.get((paper or "a4").lower(), PAPERS_MM["a4"])
        if (orientation or "landscape").lower() == "landscape":
            w_mm, h_mm = h_mm, w_mm
        width_px, height_px = round(w_mm / 25.4 * resolution), round(h_mm / 25.4 * resolution)
    if frames is not None:
        if frames.lower() not in FRAME_STEPS:
            problems.append(f"--frames {frames}: unknown frame step; use year or month")
        elif fmt is not None and fmt not in ANIMATIONS:
            problems.append(f"--frames {frames}: only for animations; write a .gif or .mp4, or leave it out")

    # The data: the window must hold events, or a collection of the chosen layers something in its last year.
    if ds is not None and time_ok:
        span_first, span_last = ds.span
        window_start = span_first if mode == "asof" else month_first(first)
        window_end = month_last(last)
        collected = any(dated(c, f) for c in ds.collections for f in drawn(c, layers, window_end, window_start)[1])
        if window_end < window_start or not (events_in_window(ds.events, window_start, window_end) or collected):
            what = f"--date {date}" if mode == "asof" else f"--from {first} --to {last}"
            problems.append(f"{what}: no events in this window; the data covers "
                            f"{span_first:%Y-%m} to {span_last:%Y-%m}")

    # A person's trail.
    if person is not None:
        person = person.strip().lower()
        if not person:
            problems.append("--person: empty; give a person id from data/people.csv, e.g. mandelstam")
        elif ds is not None:
            from mapapp.model.trails import people_with_trails, trail_of

            known = people_with_trails(ds)
            examples = ", ".join([p for p in ("mandelstam", "trotsky", "tukhachevsky", "okulicki") if p in known]
                                 or known[:4])
            if person not in ds.people:
                problems.append(f"--person {person}: unknown person; use an id from data/people.csv, e.g. "
                                f"{examples}")
            elif not trail_of(ds, person):
                problems.append(f"--person {person}: has no trail (their events are at fewer than two places); "
                                f"choose someone with one, e.g. {examples}")

    if problems or fmt is None:
        raise ExportOptionsError(problems)
    return ExportOptions(format=fmt, lang=lang.lower(), start=first, end=last, mode=mode,  # type: ignore[arg-type]
                         layers=layers, region=chosen_region, title=title.strip() if title else None,
                         width_px=width_px, height_px=height_px, dpi=resolution,
                         frames=(frames or "year").lower(), person=person or None)  # type: ignore[arg-type]
