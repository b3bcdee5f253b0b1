"""The standalone HTML map opened from disk in Debian Chromium with the network blocked.

Every request other than ``file:`` and ``data:`` is aborted (and recorded); the page must load
nothing else, log no error, and show exactly the places Python says are visible for its window —
markers plus the numbers on clusters — over a drawn Natural Earth basemap. No server is involved.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, Route

from mapapp.export.standalone import Basemap, standalone_html
from mapapp.model.viewstate import MapState
from mapapp.webmap.mapview import Dataset, load_dataset, visible_place_ids

from .conftest import VIEWPORT
from .test_map import settle

BASEMAP_PATHS_JS = "() => document.querySelectorAll('.leaflet-basemap-pane path').length"


@dataclass
class Offline:
    """A page whose context lets only ``file:`` and ``data:`` through, with what it tried and logged."""

    page: Page
    requests: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def assert_clean(self, html_url: str) -> None:
        assert self.aborted == [], f"the page tried the network: {self.aborted}"
        assert self.failed == [], self.failed
        assert self.console_errors == [], self.console_errors
        others = [u for u in self.requests if u != html_url and not u.startswith("data:")]
        assert others == [], f"requests besides the file itself: {others}"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


@pytest.fixture
def offline(browser: Browser) -> Iterator[Offline]:
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    page = context.new_page()
    rec = Offline(page)

    def gate(route: Route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            rec.aborted.append(url)
            route.abort("internetdisconnected")

    def on_request(request: Request) -> None:
        rec.requests.append(request.url if not request.url.startswith("data:") else "data:")

    context.route("**/*", gate)
    context.on("request", on_request)
    context.on("requestfailed", lambda r: rec.failed.append((r.url[:200], r.failure or "")))
    context.on("response", lambda r: rec.failed.append((r.url[:200], f"HTTP {r.status}")) if r.status >= 400 else None)
    page.on("console", lambda msg: rec.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: rec.console_errors.append(f"uncaught: {exc}"))
    try:
        yield rec
    finally:
        context.close()


WINDOWS = [
    ("1934-01", "1934-12", "50m"),
    ("1937-01", "1938-12", "50m"),
    ("1937-01", "1938-12", "110m"),
]


@pytest.mark.parametrize(("start", "end", "basemap"), WINDOWS)
def test_standalone_file_shows_the_window_offline(offline: Offline, dataset: Dataset, tmp_path: Path,
                                                  artifacts_dir: Path, start: str, end: str,
                                                  basemap: Basemap) -> None:
    state = MapState(start=start, end=end)
    expected = visible_place_ids(dataset, state)
    assert expected, f"the reference shows nothing for {start}–{end}: pick another window"
    html = standalone_html(dataset, state, basemap=basemap)
    path = tmp_path / f"great-purge-{start}-{end}.html"
    path.write_text(html, encoding="utf-8")
    url = path.as_uri()
    print(f"\nstandalone {start}–{end}, basemap {basemap}: {len(html.encode('utf-8')):,} bytes")

    page = offline.page
    page.goto(url)
    page.wait_for_function("() => window.mapappApi !== undefined", timeout=30_000)
    page.wait_for_selector(".mapapp-marker, .marker-cluster", state="visible", timeout=30_000)
    page.wait_for_function(f"() => ({BASEMAP_PATHS_JS})() > 0", timeout=30_000)

    assert page.evaluate("() => mapappApi.visiblePlaceIds()") == expected
    counts = settle(page)
    assert counts["markers"] + counts["clusters"] == len(expected), counts
    assert page.evaluate(BASEMAP_PATHS_JS) > 100  # every country of Natural Earth is a path
    assert page.locator(".mapapp-standalone-footer").is_visible()
    assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
    time.sleep(0.2)
    name = "standalone.png" if (start, basemap) == ("1937-01", "50m") else f"standalone-{start}-{end}-{basemap}.png"
    page.screenshot(path=str(artifacts_dir / name))
    offline.assert_clean(url)


def test_two_windows_differ(dataset: Dataset) -> None:
    """The two windows above are a real check: they show different numbers of places."""
    counts = {len(visible_place_ids(dataset, MapState(start=s, end=e))) for s, e, _ in WINDOWS}
    assert len(counts) == 2, counts


def test_the_gate_would_catch_a_fetch(offline: Offline, tmp_path: Path) -> None:
    """The harness is not vacuous: a page that does reach for the network is caught."""
    path = tmp_path / "leaky.html"
    path.write_text('<!DOCTYPE html><meta charset="utf-8"><img src="https://example.org/tile.png">', encoding="utf-8")
    offline.page.goto(path.as_uri())
    offline.page.wait_for_load_state("load")
    assert offline.aborted == ["https://example.org/tile.png"]
    with pytest.raises(AssertionError, match="tried the network"):
        offline.assert_clean(path.as_uri())


def test_a_persons_trail_is_drawn_on_opening(offline: Offline, dataset: Dataset, tmp_path: Path) -> None:
    """``mapapp export map.html --person mandelstam``: the file opens on Mandelstam's trail, offline."""
    from mapapp.model.trails import trail_of

    state = MapState(start="1934-01", end="1953-12")
    path = tmp_path / "mandelstam.html"
    path.write_text(standalone_html(dataset, state, basemap="110m", person="mandelstam"), encoding="utf-8")
    page = offline.page
    page.goto(path.as_uri())
    page.wait_for_function("() => window.mapappApi !== undefined && mapappApi.trail().person !== null",
                           timeout=30_000)
    trail = page.evaluate("() => mapappApi.trail()")
    assert trail["person"] == "mandelstam"
    assert trail["segments"] == len(trail_of(dataset, "mandelstam").segments) > 1
    assert page.locator(".mapapp-trail-arrow").count() > 0
    offline.assert_clean(path.as_uri())


def test_standalone_has_the_one_time_control_and_nothing_serious_for_axe(offline: Offline, dataset: Dataset,
                                                                         tmp_path: Path) -> None:
    """The standalone file carries the same time control as the app (one track, two handles, the histogram),
    and axe-core finds no serious or critical violation in it."""
    from .layout import axe_violations

    path = tmp_path / "axe.html"
    path.write_text(standalone_html(dataset, MapState(start="1937-01", end="1938-12"), basemap="110m"),
                    encoding="utf-8")
    page = offline.page
    page.goto(path.as_uri())
    page.wait_for_function("() => window.mapappApi !== undefined", timeout=30_000)
    assert page.locator(".mapapp-track input[type=range]").count() == 2
    assert page.evaluate("() => mapappApi.track()")["start"] == "1934-01"
    page.locator(".mapapp-slider-to input").focus()
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("() => mapappApi.state().end") == "1938-11"
    assert axe_violations(page) == []
    offline.assert_clean(path.as_uri())
