"""Hostile data in every text field of every table (tests/e2e/hostile.py), shown everywhere it can be shown.

One copy of ``data/`` with a payload in each text cell is built with the real ``mapapp build``, then served
as the visitor page and as the kiosk (its tour's captions poisoned too), and exported as the standalone
HTML. Each test shows the texts — renamed places' permanent labels at a date after the renaming, hovered
labels, popups of every place that has events, the event list, a trail's tooltips, the search's results,
the tour's captions — and checks, in the top page and in the map frame, that no payload ran (no dialog, no
``window.__pwned``) and none became an element (``img[src=x]``, ``<mapapp-payload>``, a Markdown link),
while the payload's text is there to read.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Frame, Page

from mapapp import DATA_DIR
from mapapp.export.standalone import standalone_html
from mapapp.ingest.build import build
from mapapp.kiosk.tour import load_tour
from mapapp.kiosk.view import RESET_URL
from mapapp.model.trails import people_with_trails
from mapapp.model.viewstate import MapState
from mapapp.webmap.mapview import Dataset, load_dataset

from .conftest import VIEWPORT, request_failures, serve_app, wait_for_app
from .hostile import FOUND_JS, NOT_TEXT, TEXT_COLUMNS, hostile_copy, known_columns
from .test_map import map_frame

#: After Vyatka became Kirov (5 Dec 1934) and the other renamings after Kirov: the renamed layer's
#: permanent labels show the names of this date.
AFTER_RENAMING = MapState(start="1934-01", end="1938-12")
MARKER = "<mapapp-payload"  # a piece of every payload, as text


@dataclass(frozen=True)
class Hostile:
    data: Path
    geodata: Path
    kiosk_toml: Path
    ds: Dataset


def test_every_column_is_poisoned_or_declared_not_text() -> None:
    """A column added to a table later must be classified here, or its text would escape these tests."""
    columns = known_columns()
    assert set(columns) == set(TEXT_COLUMNS) == set(NOT_TEXT)
    for table, names in columns.items():
        assert set(TEXT_COLUMNS[table]) | set(NOT_TEXT[table]) == names, table
        assert not set(TEXT_COLUMNS[table]) & set(NOT_TEXT[table]), table


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    root = tmp_path_factory.mktemp("hostile")
    counts = hostile_copy(DATA_DIR, root / "data")
    assert set(counts) == {f"{t}.{c}" for t, cols in TEXT_COLUMNS.items() for c in cols}  # every field poisoned
    build(root / "data", root / "geodata")  # the real build: validation lets markup through as text
    toml = root / "kiosk.toml"
    toml.write_text("\n".join([
        "[kiosk]", "enabled = true", "idle_timeout_s = 600", "attract = true",
        f'tour = "{(root / "data" / "tour.csv").as_posix()}"', "",
        "[kiosk.start]", 'start = "1934-01"', 'end = "1953-12"', ""]), encoding="utf-8")
    return Hostile(root / "data", root / "geodata", toml, load_dataset(root / "geodata"))


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Every alert/confirm/prompt the page opens (each dismissed): a payload that ran would open one."""
    seen: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return seen


def assert_nothing_ran(*docs: Page | Frame) -> None:
    for doc in docs:
        found = doc.evaluate(FOUND_JS)
        assert found == {"ran": None, "elements": []}, f"{doc.url}: {found}"


def show_every_text(frame: Frame, ds: Dataset) -> dict[str, int]:
    """Open every place's popup and hover every marker's label at AFTER_RENAMING; count texts shown with a payload."""
    frame.evaluate("([a, b]) => window.mapappApi.setWindow(a, b)", [AFTER_RENAMING.start, AFTER_RENAMING.end])
    shown = {"labels": 0, "popups": 0, "list": 0, "trail": 0, "hovered": 0}
    shown["labels"] = frame.locator(".mapapp-label", has_text=MARKER).count()  # permanent: renamed places
    shown["list"] = frame.locator(".mapapp-list-item", has_text=MARKER).count()
    for place_id in sorted(ds.places):
        frame.evaluate("id => window.mapappApi.focus([id])", place_id)
        # The previous popup fades out beside the new one for a moment: wait until only the new one is left.
        frame.wait_for_function("() => document.querySelectorAll('.leaflet-popup').length === 1", timeout=10_000)
        popup = frame.locator(".leaflet-popup-content .mapapp-popup")
        popup.wait_for(state="visible", timeout=10_000)
        if MARKER in popup.inner_text():
            shown["popups"] += 1
    frame.locator("button[data-view=moscow]").click()  # many markers in view, few clustered
    frame.evaluate("() => window.mapappApi.focus([])")
    time.sleep(0.5)
    # Hover each marker in view (centres read once: hovering can re-cluster, which replaces the elements).
    offset = frame.frame_element().bounding_box() if frame.parent_frame else {"x": 0, "y": 0}
    assert offset is not None
    centres = frame.evaluate("""() => [...document.querySelectorAll('.mapapp-marker')].map(m => {
        const r = m.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })
      .filter(([x, y]) => x > 0 && y > 0 && x < innerWidth && y < innerHeight)""")
    assert centres, "no marker in view to hover"
    hovered = 0
    labels = frame.locator(".leaflet-tooltip.mapapp-label", has_text=MARKER)
    for x, y in centres:
        frame.page.mouse.move(0, 0)
        before = labels.count()
        frame.page.mouse.move(offset["x"] + x, offset["y"] + y)
        time.sleep(0.05)
        hovered += labels.count() > before
    shown["hovered"] = hovered
    return shown


def show_a_trail(frame: Frame, ds: Dataset) -> int:
    """Draw Mandelstam's trail and hover each segment; return the tooltips shown with a payload."""
    assert frame.evaluate("id => window.mapappApi.showTrail(id)", "mandelstam")
    time.sleep(0.5)
    tips = 0
    for hit in frame.locator("path.mapapp-trail-hit").all():
        box = hit.bounding_box()
        if box:
            frame.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            time.sleep(0.1)
            tips += frame.locator(".mapapp-trail-tooltip", has_text=MARKER).count()
    return tips


@pytest.fixture(scope="module")
def visitor_url(hostile: Hostile, artifacts_dir: Path) -> Iterator[str]:
    with serve_app("streamlit-hostile-all", artifacts_dir, {"MAPAPP_GEODATA": str(hostile.geodata)}) as url:
        yield url


def test_visitor_page_shows_every_payload_as_text(page: Page, dialogs: list[str], visitor_url: str,
                                                 hostile: Hostile, artifacts_dir: Path) -> None:
    page.goto(f"{visitor_url}/")
    wait_for_app(page)
    frame = map_frame(page)
    shown = show_every_text(frame, hostile.ds)
    shown["trail"] = show_a_trail(frame, hostile.ds)
    # The search lists hostile names (people and places) in the top page's own widgets.
    page.get_by_role("textbox", name="Search people and places").fill("Mandelstam")
    page.keyboard.press("Enter")
    # The results list appears after the rerun the query causes (waiting for the script state alone can see
    # the state from before that rerun has begun).
    results = page.locator('[data-testid="stSelectbox"]').filter(has_text="Results")
    results.wait_for(state="visible", timeout=30_000)
    wait_for_app(page)
    results.click()
    listed = page.locator('[role="option"]', has_text=MARKER).count()
    page.keyboard.press("Escape")
    page.screenshot(path=str(artifacts_dir / "hostile-visitor.png"))
    assert dialogs == []
    assert_nothing_ran(page, map_frame(page))
    assert min(shown["labels"], shown["list"], shown["trail"], shown["hovered"]) >= 1, shown
    assert shown["popups"] == len(hostile.ds.places), shown  # every place's name is poisoned
    assert listed >= 1
    assert request_failures(page) == []  # an <img src=x> would have asked for x


@pytest.fixture(scope="module")
def kiosk_url(hostile: Hostile, artifacts_dir: Path) -> Iterator[str]:
    with serve_app("streamlit-hostile-kiosk", artifacts_dir,
                   {"MAPAPP_CONFIG": str(hostile.kiosk_toml), "MAPAPP_GEODATA": str(hostile.geodata)}) as url:
        yield url


def test_kiosk_tour_captions_and_map_stay_text(page: Page, dialogs: list[str], kiosk_url: str,
                                               hostile: Hostile, artifacts_dir: Path) -> None:
    page.goto(f"{kiosk_url}{RESET_URL}&attract=1")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function("() => window.mapappApi.touring()", timeout=30_000)
    captions = set()
    for _ in range(len(load_tour(hostile.data / "tour.csv", set(hostile.ds.places), people_with_trails(hostile.ds)))):
        caption = frame.locator(".mapapp-caption")
        captions.add(caption.inner_text())
        frame.evaluate("() => window.mapappApi.nextStep()")
        time.sleep(0.3)
    page.screenshot(path=str(artifacts_dir / "hostile-kiosk.png"))
    assert captions and all(MARKER in c for c in captions), captions
    assert dialogs == []
    assert_nothing_ran(page, frame)


def test_standalone_export_shows_every_payload_as_text(browser: Browser, hostile: Hostile, tmp_path: Path,
                                                      artifacts_dir: Path) -> None:
    html = tmp_path / "hostile.html"
    html.write_text(standalone_html(hostile.ds, AFTER_RENAMING, person="mandelstam"), encoding="utf-8")
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    seen: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        page.goto(html.as_uri())
        page.wait_for_function("() => window.mapappApi !== undefined", timeout=30_000)
        page.wait_for_selector(".mapapp-marker, .marker-cluster", state="visible", timeout=30_000)
        shown = show_every_text(page.main_frame, hostile.ds)
        shown["trail"] = show_a_trail(page.main_frame, hostile.ds)
        page.screenshot(path=str(artifacts_dir / "hostile-standalone.png"))
        assert seen == []
        assert_nothing_ran(page)
        assert min(shown["labels"], shown["list"], shown["trail"], shown["hovered"]) >= 1, shown
        assert shown["popups"] == len(hostile.ds.places), shown
    finally:
        context.close()


#: Markup put into the document as a bug would put it (innerHTML), to see whether the page's policy stops it.
INJECT_JS = """() => new Promise(resolve => {
  const seen = [];
  document.addEventListener('securitypolicyviolation', e => seen.push(e.violatedDirective));
  const box = document.createElement('div');
  box.innerHTML = '<img src="data:," onerror="window.__injected = 1">';  // data: so only the handler is at stake
  document.body.appendChild(box);
  setTimeout(() => resolve({ran: window.__injected || null, violations: seen}), 500);
})"""


def test_the_map_frame_refuses_inline_handlers(page: Page, visitor_url: str) -> None:
    """Defence in depth: were markup ever to reach the frame, its onerror= would not run (mapapp.js's policy)."""
    page.goto(f"{visitor_url}/")
    wait_for_app(page)
    found = map_frame(page).evaluate(INJECT_JS)
    assert found["ran"] is None
    assert "script-src-attr" in found["violations"]


def test_the_standalone_page_refuses_inline_handlers(browser: Browser, hostile: Hostile, tmp_path: Path) -> None:
    html = tmp_path / "map.html"
    html.write_text(standalone_html(hostile.ds, AFTER_RENAMING), encoding="utf-8")
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(html.as_uri())
        page.wait_for_function("() => window.mapappApi !== undefined", timeout=30_000)
        found = page.evaluate(INJECT_JS)
        assert found["ran"] is None
        assert "script-src-attr" in found["violations"], found
    finally:
        context.close()
