"""People's trails in the browser, held to mapapp.model.trails: segments drawn, dates on hover, revealed by the
window, shown from a popup's person button, from the people list and from the search."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Error, Page, expect

from mapapp.model.trails import trail_of
from mapapp.webmap.mapview import Dataset, load_dataset

from .conftest import wait_for_app
from .test_map import IFRAME, assert_offline, move_sliders, open_map, shoot

SEGMENTS = "path.mapapp-trail-segment"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


def shown_until(dataset: Dataset, person: str, end: str) -> int:
    """How many segments Python says the map shows when the window ends with month ``end``."""
    return sum(1 for s in trail_of(dataset, person).segments if s.start.isoformat()[:7] <= end)


def test_show_trail_draws_python_segments_with_dates_on_hover(open_app: Callable[..., Page], dataset: Dataset,
                                                              artifacts_dir: Path) -> None:
    page, frame = open_map(open_app)
    trail = trail_of(dataset, "mandelstam")
    assert frame.evaluate("() => mapappApi.showTrail('mandelstam')") is True
    expect(frame.locator(SEGMENTS)).to_have_count(len(trail.segments))
    assert frame.locator(".mapapp-trail-arrow").count() == len(trail.segments)
    info = frame.evaluate("() => mapappApi.trail()")
    assert info["person"] == "mandelstam" and info["labels"] == [s.label() for s in trail.segments]
    last = trail.segments[-1]  # Butyrka → Vtoraya Rechka, across Siberia: easy to hover
    frame.locator("path.mapapp-trail-hit").nth(len(trail.segments) - 1).hover()
    tip = frame.locator(".mapapp-trail-tooltip")
    expect(tip).to_be_visible(timeout=3000)
    expect(tip).to_contain_text(last.label())
    expect(tip).to_contain_text("Osip Mandelstam")
    shoot(page, artifacts_dir / "trail-mandelstam.png")
    frame.evaluate("() => mapappApi.clearTrail()")
    expect(frame.locator(SEGMENTS)).to_have_count(0)
    assert_offline(page)


def test_the_window_reveals_the_trail_step_by_step(open_app: Callable[..., Page], dataset: Dataset) -> None:
    page, frame = open_map(open_app)
    frame.evaluate("() => mapappApi.showTrail('mandelstam')")
    move_sliders(frame, "1934-01", "1934-12")
    early = shown_until(dataset, "mandelstam", "1934-12")
    expect(frame.locator(SEGMENTS)).to_have_count(early)
    move_sliders(frame, "1934-01", "1938-12")
    late = shown_until(dataset, "mandelstam", "1938-12")
    expect(frame.locator(SEGMENTS)).to_have_count(late)
    assert 0 < early < late == len(trail_of(dataset, "mandelstam").segments)
    assert frame.evaluate("() => mapappApi.state()")["layers"]  # no filter was changed
    assert_offline(page)


def test_person_button_in_a_popup_shows_the_trail(open_app: Callable[..., Page]) -> None:
    page, frame = open_map(open_app)
    move_sliders(frame, "1934-01", "1934-12")
    frame.evaluate("() => mapappApi.focus(['cherdyn'])")
    button = frame.locator(".leaflet-popup-content button.mapapp-person[data-person='mandelstam']")
    expect(button).to_be_visible(timeout=5000)
    assert button.inner_text() == "Osip Mandelstam"
    button.click()
    frame.wait_for_function("() => mapappApi.trail().person === 'mandelstam'", timeout=5000)
    expect(frame.locator(SEGMENTS)).to_have_count(2)  # the window ends in 1934
    assert frame.locator("button.mapapp-trail-choice[aria-pressed=true]").get_attribute("data-person") == "mandelstam"
    assert_offline(page)


def test_people_list_shows_a_trail(open_app: Callable[..., Page], dataset: Dataset) -> None:
    page, frame = open_map(open_app)
    frame.locator(".mapapp-trails .mapapp-panel-toggle").click()  # the chooser starts folded
    frame.locator("button.mapapp-trail-choice[data-person=trotsky]").click()
    expect(frame.locator(SEGMENTS)).to_have_count(len(trail_of(dataset, "trotsky").segments))
    expect(frame.locator("button.mapapp-trail-choice[data-person=trotsky]")).to_have_attribute("aria-pressed", "true")
    frame.locator("button.mapapp-trail-choice[data-person='']").click()
    expect(frame.locator(SEGMENTS)).to_have_count(0)
    assert_offline(page)


def test_searching_a_person_shows_their_trail(open_app: Callable[..., Page], dataset: Dataset) -> None:
    page, frame = open_map(open_app)
    box = page.get_by_role("textbox", name="Search people and places")
    box.fill("mandelstam")
    box.press("Enter")
    wait_for_app(page)
    # The new feature group remounts the map frame: look for the frame that drew the trail.
    deadline = time.monotonic() + 20
    found = None
    while found is None and time.monotonic() < deadline:
        for handle in page.locator(IFRAME).element_handles():
            f = handle.content_frame()
            try:
                if f and f.evaluate("n => !!window.mapappApi && mapappApi.trail().person === 'mandelstam' && "
                                    "document.querySelectorAll('path.mapapp-trail-segment').length === n",
                                    len(trail_of(dataset, "mandelstam").segments)):
                    found = f
            except Error:  # detached or not yet loaded
                pass
        time.sleep(0.3)
    assert found is not None, "no map frame shows Mandelstam's whole trail after the search"
    assert_offline(page)
