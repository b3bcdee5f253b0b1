"""The map first (issue 12), in the browser: the visitor page on a laptop and a phone, the one time control by
keyboard and by typed dates, its histogram held to the data, reduced motion, and axe-core's verdict.

Screenshots of each layout go to test-artifacts/ (layout-*.png).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, ViewportSize, expect

from mapapp.i18n import t
from mapapp.webmap.mapview import Dataset, load_dataset

from .conftest import wait_for_app
from .layout import PANELS_JS, axe_violations, covered_share, overlaps
from .test_map import (
    IFRAME,
    assert_offline,
    map_frame,
    month_index,
    move_sliders,
    open_map,
    wait_popup_shown,
)

LAPTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


def open_at(open_app: Callable[..., Page], page: Page, size: ViewportSize) -> tuple[Page, Frame]:
    page.set_viewport_size(size)
    return open_map(open_app)


def snap(page: Page, path: Path) -> None:
    """A screenshot once the page's run is over (Streamlit dims what a running script may replace)."""
    wait_for_app(page)
    time.sleep(0.3)
    page.screenshot(path=str(path))


# --- 1. laptop: the whole map and its time control in the window, panels over at most a third -----------------

def test_laptop_shows_map_and_time_control_without_scrolling(open_app: Callable[..., Page], page: Page,
                                                             artifacts_dir: Path) -> None:
    _, frame = open_at(open_app, page, LAPTOP)
    box = page.locator(IFRAME).last.bounding_box()
    assert box is not None
    assert box["y"] < 100, f"the map starts {box['y']} px down: the bar above it is too tall"
    assert box["y"] + box["height"] <= LAPTOP["height"] + 1, box  # the map ends inside the window
    time_box = frame.locator(".mapapp-time").bounding_box()
    assert time_box is not None and time_box["y"] + time_box["height"] <= LAPTOP["height"]  # page coordinates
    layout = frame.evaluate(PANELS_JS)
    assert overlaps(layout) == []
    share = covered_share(layout)
    assert share <= 1 / 3, f"panels cover {share:.0%} of the map"
    assert page.evaluate("() => document.scrollingElement.scrollTop") == 0
    snap(page, artifacts_dir / "layout-laptop.png")
    # popup open, then a trail drawn
    move_sliders(frame, "1937-01", "1938-12")
    frame.evaluate("() => mapappApi.focus(['butovo'])")
    wait_popup_shown(frame)
    snap(page, artifacts_dir / "layout-laptop-popup.png")
    frame.evaluate("() => { mapappApi.focus([]); document.querySelector('.leaflet-popup-close-button')?.click(); }")
    frame.locator(".mapapp-trails .mapapp-panel-toggle").click()
    frame.locator("button.mapapp-trail-choice[data-person=mandelstam]").click()
    frame.wait_for_function("() => mapappApi.trail().person === 'mandelstam'")
    time.sleep(0.5)
    snap(page, artifacts_dir / "layout-laptop-trail.png")
    assert_offline(page)


# --- 2. phone: every panel a button; one open at a time, as a sheet at the map's foot ----------------------------

def test_phone_panels_fold_into_a_bottom_sheet(open_app: Callable[..., Page], page: Page, artifacts_dir: Path) -> None:
    _, frame = open_at(open_app, page, PHONE)
    toggles = frame.locator(".mapapp-panel-toggle")
    assert toggles.count() >= 4
    assert set(toggles.evaluate_all("els => els.map(e => e.getAttribute('aria-expanded'))")) == {"false"}
    box = page.locator(IFRAME).last.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"] + 1
    layout = frame.evaluate(PANELS_JS)
    assert covered_share(layout) <= 1 / 3, layout
    snap(page, artifacts_dir / "layout-phone.png")

    frame.locator(".mapapp-legend .mapapp-panel-toggle").click()
    sheet = frame.locator(".mapapp-legend .mapapp-panel-body")
    expect(sheet).to_be_visible()
    layout = frame.evaluate(PANELS_JS)
    sheet_box = next(p for p in layout["panels"] if p["what"] == "sheet")
    time_box = next(p for p in layout["panels"] if "mapapp-time" in p["what"])
    assert sheet_box["h"] <= layout["map"]["h"] / 3, sheet_box
    assert sheet_box["w"] >= layout["map"]["w"] - 1  # across the map
    assert abs(sheet_box["y"] + sheet_box["h"] - time_box["y"]) <= 12, (sheet_box, time_box)  # just above the years
    snap(page, artifacts_dir / "layout-phone-sheet.png")
    frame.locator(".mapapp-list .mapapp-panel-toggle").click()  # another panel: the first one folds
    expect(frame.locator(".mapapp-legend .mapapp-panel-toggle")).to_have_attribute("aria-expanded", "false")
    expect(frame.locator(".mapapp-list .mapapp-panel-body")).to_be_visible()
    assert_offline(page)


# --- 3. the time control by keyboard, typed and read aloud ------------------------------------------------------

def test_time_control_by_keyboard_and_typed_dates(open_app: Callable[..., Page]) -> None:
    page, frame = open_map(open_app)
    to = frame.locator(".mapapp-slider-to input")
    assert frame.evaluate("() => mapappApi.state().end") == "1953-12"
    to.focus()
    page.keyboard.press("ArrowLeft")
    assert frame.evaluate("() => mapappApi.state().end") == "1953-11"
    page.keyboard.press("PageDown")
    assert frame.evaluate("() => mapappApi.state().end") == "1952-11"
    expect(to).to_have_attribute("aria-valuetext", "November 1952")
    expect(frame.locator(".mapapp-slider-from input")).to_have_attribute("aria-valuetext", "January 1934")
    count = int(frame.locator(".mapapp-list h4").inner_text().rsplit("(", 1)[1].rstrip(")"))
    expect(frame.locator(".mapapp-live")).to_have_text(f"Period January 1934 – November 1952: {count} events")

    start = frame.locator(".mapapp-date-from input")
    start.fill("1937-08")
    start.press("Enter")
    assert frame.evaluate("() => mapappApi.state()")["start"] == "1937-08"
    start.fill("1937-13")
    start.press("Enter")
    expect(start).to_have_attribute("aria-invalid", "true")
    expect(frame.locator(".mapapp-date-error")).to_be_visible()
    assert frame.evaluate("() => mapappApi.state()")["start"] == "1937-08"  # a bad date changes nothing
    end = frame.locator(".mapapp-date-to input")
    end.fill("1938")  # a year alone: its last month, for the window's end
    end.press("Enter")
    assert frame.evaluate("() => [mapappApi.state().start, mapappApi.state().end]") == ["1937-08", "1938-12"]
    expect(start).not_to_have_attribute("aria-invalid", "true")
    # Tab reaches the next control with a visible focus ring
    frame.locator("button.mapapp-play").focus()
    page.keyboard.press("Tab")
    focused = frame.evaluate("() => [document.activeElement.className, getComputedStyle(document.activeElement).outlineStyle]")
    assert "mapapp-step-back" in focused[0] and focused[1] != "none", focused
    assert_offline(page)


def test_track_starts_on_the_purge_and_widens(open_app: Callable[..., Page], dataset: Dataset) -> None:
    page, frame = open_map(open_app)
    track = frame.evaluate("() => mapappApi.track()")
    assert (track["start"], track["end"], track["full"]) == ("1934-01", "1953-12", False)
    frame.locator("button.mapapp-track-toggle").click()
    track = frame.evaluate("() => mapappApi.track()")
    first, last = dataset.span
    assert (track["start"], track["end"]) == (f"{first:%Y-%m}", f"{last:%Y-%m}")
    expect(frame.locator("button.mapapp-track-toggle")).to_have_attribute("aria-pressed", "true")
    frame.locator("button.mapapp-mode-asof").click()  # one handle
    expect(frame.locator(".mapapp-slider-from")).to_be_hidden()
    expect(frame.locator(".mapapp-slider-to input")).to_have_attribute("aria-label", "As of")
    assert_offline(page)


def test_histogram_holds_the_data(open_app: Callable[..., Page], dataset: Dataset) -> None:
    page, frame = open_map(open_app)
    frame.locator("button.mapapp-track-toggle").click()  # every year: every event and record is under the track
    series = frame.evaluate("() => mapappApi.track().series")
    # every event adds one in all, whatever its precision
    assert sum(series["events"]) == pytest.approx(len(dataset.events), abs=0.01)
    first = month_index(f"{dataset.span[0]:%Y-%m}")
    assert series["events"][month_index("1934-12") - first] >= 1  # Kirov, shot on 1 December 1934
    moscow = next(c for c in dataset.collections if c.has_records)
    dated = [r for r in moscow.records() if r.date]
    assert sum(series[moscow.id]) == len(dated)
    peak = max(range(len(series[moscow.id])), key=series[moscow.id].__getitem__) + first
    assert 1937 * 12 <= peak <= 1938 * 12 + 11  # the curve of 1937–1938
    camps = next(c for c in dataset.collections if c.id == "gulag-camps")
    total_1939 = camps.total(1939)
    assert total_1939 is not None
    assert series[camps.id][month_index("1939-06") - first] == total_1939.total
    assert_offline(page)


# --- 4. reduced motion: no playback -------------------------------------------------------------------------------

def test_reduced_motion_stops_playback(open_app: Callable[..., Page]) -> None:
    page, frame = open_map(open_app)
    play = frame.locator("button.mapapp-play")
    play.click()
    assert frame.evaluate("() => mapappApi.playing()") is True
    page.emulate_media(reduced_motion="reduce")  # the preference changes while playing: playback stops
    frame.wait_for_function("() => mapappApi.playing() === false", timeout=3_000)
    expect(play).to_have_attribute("aria-disabled", "true")
    play.dispatch_event("click")  # Playwright will not click what says it is disabled; a visitor can
    assert frame.evaluate("() => mapappApi.playing()") is False
    expect(frame.locator(".mapapp-live")).to_have_text(t("play_reduced", "en"))
    page.emulate_media(reduced_motion="no-preference")
    expect(play).to_have_attribute("aria-disabled", "false")
    assert_offline(page)


# --- 5. axe-core: no serious or critical violation on the page or in the map -----------------------------------------

@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_axe_finds_nothing_serious_on_the_visitor_page(open_app: Callable[..., Page], page: Page, size: ViewportSize) -> None:
    _, frame = open_at(open_app, page, size)
    assert axe_violations(page, exclude=[IFRAME]) == []
    assert axe_violations(frame) == []
    move_sliders(frame, "1937-01", "1938-12")
    frame.evaluate("() => mapappApi.focus(['butovo'])")
    wait_popup_shown(frame)
    assert axe_violations(frame) == []  # with a popup open
    assert_offline(page)


def test_russian_layout(open_app: Callable[..., Page], page: Page, artifacts_dir: Path) -> None:
    open_at(open_app, page, LAPTOP)
    page.get_by_text("Русский", exact=True).click()
    expect(page.frame_locator(IFRAME).last.locator("button.mapapp-play")).to_have_text("Пуск", timeout=30_000)
    frame = map_frame(page)
    expect(frame.locator(".mapapp-legend .mapapp-panel-toggle")).to_have_text("Слои")
    assert axe_violations(frame) == []
    snap(page, artifacts_dir / "layout-russian.png")
    assert_offline(page)
