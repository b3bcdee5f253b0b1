"""The map in the browser, held to the Python core: markers per window, names over time,
popups with citations, play, layers, Russian, and that data text is never parsed as HTML.

Every test drives the real app (``streamlit run``) in Debian Chromium and ends by checking that
nothing left the machine and no request failed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from conftest import geodata_copy
from mapapp import GEODATA_DIR
from mapapp.model.layers import LAYER_IDS
from mapapp.model.viewstate import VIEWS_BY_ID, MapState, parse_month
from mapapp.webmap.mapview import FINE_BASEMAP_ZOOM, Dataset, load_dataset, visible_place_ids

from .conftest import request_failures, serve_app, wait_for_app

IFRAME = "iframe[title*='st_folium']"
HOSTILE_HTML = '<img src=x onerror="window.__xss=1">'
HOSTILE_NAME = "<b>bold</b>"
HOSTILE_EVENT = "kirov_assassination"  # at "smolny", shown in 1934
HOSTILE_PLACE = "smolny"
HOSTILE_CAMP = "105"  # Sevvostlag's location of 1938–1952 (a collection's feature)



def level_paths(index: int) -> str:
    """JS: how many countries of the basemap level ``index`` (0: 1:110m, 1: 1:50m) are drawn."""
    return f"() => document.querySelectorAll('path.mapapp-basemap-{index}').length"


#: The count of markers in the DOM: unclustered markers that are displayed, plus what each cluster holds.
DOM_COUNT_JS = """() => {
  const shown = el => el.offsetParent !== null && getComputedStyle(el).opacity !== '0';
  const markers = [...document.querySelectorAll('.mapapp-marker')].filter(shown);
  const clusters = [...document.querySelectorAll('.marker-cluster')].filter(shown)
    .map(el => parseInt(el.textContent, 10));
  return {markers: markers.length, clusters: clusters.reduce((a, b) => a + b, 0),
          layers: markers.map(el => [...el.classList].find(c => c.startsWith('mapapp-layer-')))};
}"""


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """The committed geodata, as the app loads it."""
    return load_dataset()


def month_index(ym: str) -> int:
    """``'1937-01'`` → the slider value (year*12 + month-1)."""
    year, month = parse_month(ym)
    return year * 12 + month - 1


def map_frame(page: Page, timeout_ms: float = 30_000) -> Frame:
    """The folium iframe's frame, once ``mapappApi`` exists and the first marker or cluster is drawn."""
    page.wait_for_selector(IFRAME, timeout=timeout_ms)
    # While Streamlit reruns, the old map may linger beside the new one: the new one is last.
    handle = page.locator(IFRAME).last.element_handle(timeout=timeout_ms)
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_function("() => window.mapappApi !== undefined", timeout=timeout_ms)
    frame.wait_for_selector(".mapapp-marker, .marker-cluster", state="visible", timeout=timeout_ms)
    # streamlit-folium adds the stylesheets without waiting for them: on a busy machine the map can
    # be drawn before mapapp.css applies (kiosk sizes, colours). A <link>'s sheet exists once loaded.
    frame.wait_for_function("() => [...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet)",
                            timeout=timeout_ms)
    return frame


def open_map(open_app: Callable[..., Page], query: str = "") -> tuple[Page, Frame]:
    page = open_app(query)
    return page, map_frame(page)


def move_sliders(frame: Frame, start: str, end: str) -> None:
    """Set the window by filling the real range inputs (Playwright fires 'input' and 'change').

    The later bound moves first when going forward and last when going back, so the inputs'
    clamping (start ≤ end) never pushes the other one.
    """
    start_i, end_i = month_index(start), month_index(end)
    track = frame.evaluate("() => mapappApi.track()")
    if not track["full"] and (start_i < month_index(track["start"]) or end_i > month_index(track["end"])):
        frame.locator("button.mapapp-track-toggle").click()  # the track shows the purge's years first
    current_end = month_index(frame.evaluate("() => mapappApi.state().end"))
    order = [("to", end_i), ("from", start_i)] if end_i >= current_end else [("from", start_i), ("to", end_i)]
    for which, value in order:
        frame.locator(f".mapapp-slider-{which} input").fill(str(value))
    frame.wait_for_function("() => !mapappApi.drawPending()")  # the map redraws in the frame after the inputs
    state = frame.evaluate("() => mapappApi.state()")
    assert (state["start"], state["end"]) == (start, end), state


def settle(frame: Frame | Page, timeout_s: float = 5.0) -> dict:
    """The DOM marker count once Leaflet's cluster animation is over (two equal reads 300 ms apart)."""
    time.sleep(0.5)
    last = frame.evaluate(DOM_COUNT_JS)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = frame.evaluate(DOM_COUNT_JS)
        if now == last:
            return now
        last = now
    return last


def popup_h3(frame: Frame) -> str:
    h3 = frame.locator(".leaflet-popup-content .mapapp-popup h3")
    expect(h3).to_be_visible()
    return h3.inner_text()


def wait_popup_shown(frame: Frame) -> None:
    """Wait for the popup's fade-in to finish (before a screenshot)."""
    frame.wait_for_function("() => { const p = document.querySelector('.leaflet-popup');"
                            " return p !== null && getComputedStyle(p).opacity === '1'; }")


def shoot(page: Page, path: Path) -> None:
    """Screenshot with the whole map in the window (focusing a control can scroll the page)."""
    page.locator(IFRAME).evaluate("el => el.scrollIntoView({block: 'center'})")
    time.sleep(0.2)
    page.screenshot(path=str(path))


def assert_offline(page: Page) -> None:
    assert page.external_requests == []  # type: ignore[attr-defined]
    assert request_failures(page) == []
    uncaught = [m for m in page.console_errors if m.startswith("uncaught")]  # type: ignore[attr-defined]
    assert uncaught == []


def event_props(geodata: Path, event_id: str) -> dict:
    features = json.loads((geodata / "events.geojson").read_text(encoding="utf-8"))["features"]
    return next(f["properties"] for f in features if f["properties"]["id"] == event_id)


# --- 1. markers for two slider positions ----------------------------------------------------------------

@pytest.mark.parametrize("window", [("1934-01", "1934-12"), ("1937-01", "1938-12")])
def test_markers_match_python_for_window(open_app: Callable[..., Page], dataset: Dataset,
                                         artifacts_dir: Path, window: tuple[str, str]) -> None:
    page, frame = open_map(open_app)
    move_sliders(frame, *window)
    expected = visible_place_ids(dataset, MapState(start=window[0], end=window[1]))
    assert expected, f"the reference shows nothing for {window}: pick another window"
    assert frame.evaluate("() => mapappApi.visiblePlaceIds()") == expected
    counts = settle(frame)
    assert counts["markers"] + counts["clusters"] == len(expected), counts
    assert frame.locator(".mapapp-count").inner_text().startswith(f"{len(expected)} ")
    shoot(page, artifacts_dir / f"map-ussr-{window[0]}-{window[1]}.png")
    assert_offline(page)


def test_two_windows_show_different_counts(open_app: Callable[..., Page], dataset: Dataset) -> None:
    page, frame = open_map(open_app)
    seen = []
    for start, end in [("1934-01", "1934-12"), ("1937-01", "1938-12")]:
        move_sliders(frame, start, end)
        counts = settle(frame)
        total = counts["markers"] + counts["clusters"]
        assert total == len(visible_place_ids(dataset, MapState(start=start, end=end)))
        seen.append(total)
    assert seen[0] != seen[1], seen
    assert_offline(page)


def test_moscow_view_with_open_popup(open_app: Callable[..., Page], dataset: Dataset, artifacts_dir: Path) -> None:
    """Moscow preset, 1937–38: a real click on Butovo's marker opens its popup with its events."""
    page, frame = open_map(open_app)
    move_sliders(frame, "1937-01", "1938-12")
    assert "butovo" in frame.evaluate("() => mapappApi.visiblePlaceIds()")
    frame.locator("[data-view=moscow]").click()
    settle(frame)
    assert frame.evaluate("() => mapappApi.state().view") == "moscow"
    place = dataset.places["butovo"]
    view = VIEWS_BY_ID["moscow"]
    # Which marker is Butovo: the preset centres the map on the view, so project both and take the
    # marker drawn nearest to that point (within a few pixels).
    index = frame.evaluate("""([lat, lon, clat, clon, zoom]) => {
        const box = document.querySelector('.leaflet-container'), r = box.getBoundingClientRect();
        const p = L.CRS.EPSG3857.latLngToPoint(L.latLng(lat, lon), zoom);
        const c = L.CRS.EPSG3857.latLngToPoint(L.latLng(clat, clon), zoom);
        const x = p.x - c.x + box.clientWidth / 2, y = p.y - c.y + box.clientHeight / 2;
        const d = [...document.querySelectorAll('.mapapp-marker')].map(m => {
          const b = m.getBoundingClientRect();
          return Math.hypot(b.left + b.width / 2 - r.left - x, b.top + b.height / 2 - r.top - y); });
        const best = d.indexOf(Math.min(...d));
        return d[best] < 4 ? best : -1; }""", [place.lat, place.lon, *view.center, view.zoom])
    assert index >= 0, "no marker drawn where Butovo is"
    # The whole map in the window first: see test_marker_click_when_map_is_partly_out_of_the_window.
    page.locator(IFRAME).scroll_into_view_if_needed()
    frame.locator(".mapapp-marker").nth(index).click()
    assert popup_h3(frame) == place.name_en
    assert frame.locator(".leaflet-popup-content .mapapp-event").count() >= 1
    wait_popup_shown(frame)
    shoot(page, artifacts_dir / "map-moscow-popup.png")
    assert_offline(page)


def test_the_basemap_is_the_coarse_file_until_the_zoom_reaches_the_fine_one(page: Page,
                                                                             open_app: Callable[..., Page]) -> None:
    """The USSR view (zoom 3) fetches only the 1:110m countries; zoom 4 fetches the 1:50m ones, which replace them
    (one basemap drawn, never two), and zooming out again keeps them and fetches nothing."""
    basemaps: list[str] = []
    page.on("request", lambda r: basemaps.append(r.url.rsplit("/", 1)[-1]) if "world-atlas" in r.url else None)
    page, frame = open_map(open_app)
    assert frame.evaluate("() => mapappApi.map.getZoom()") == VIEWS_BY_ID["ussr"].zoom < FINE_BASEMAP_ZOOM
    frame.wait_for_function("() => mapappApi.basemapShown() !== null")
    assert frame.evaluate("() => mapappApi.basemapShown()").endswith("/countries-110m.json")
    assert basemaps == ["countries-110m.json"]
    assert frame.evaluate(level_paths(0)) > 100  # the world's countries, from the coarse file
    assert frame.evaluate(level_paths(1)) == 0

    frame.evaluate(f"() => {{ mapappApi.map.setZoom({FINE_BASEMAP_ZOOM}, {{animate: false}}); }}")
    frame.wait_for_function("() => mapappApi.basemapShown().endsWith('/countries-50m.json')")
    assert basemaps == ["countries-110m.json", "countries-50m.json"]
    assert frame.evaluate(level_paths(1)) > 0
    assert frame.evaluate(level_paths(0)) == 0, "the coarse countries are still drawn under the fine ones"

    frame.evaluate("() => { mapappApi.map.setZoom(2, {animate: false}); }")
    frame.wait_for_function("() => mapappApi.map.getZoom() === 2")
    time.sleep(0.3)
    assert frame.evaluate("() => mapappApi.basemapShown()").endswith("/countries-50m.json")
    assert frame.evaluate(level_paths(0)) == 0 and frame.evaluate(level_paths(1)) > 100
    assert basemaps == ["countries-110m.json", "countries-50m.json"]
    assert_offline(page)


# --- 2. names change with the year ----------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "event", "shown"), [
    ("1934-12", "1934-12", "kirov_assassination", True),  # 1 December 1934: the window's first day
    ("1934-11", "1934-11", "kirov_assassination", False),  # the day after the window's last
    ("1937-05", "1937-05", "gamarnik_suicide", True),  # 31 May 1937: the window's last day
    ("1937-06", "1937-06", "gamarnik_suicide", False),  # the day before the window's first
])
def test_an_event_on_a_windows_first_or_last_day_is_listed(open_app: Callable[..., Page], start: str, end: str,
                                                            event: str, shown: bool) -> None:
    """Issue 12's edges: eventsInWindow with < for <= at either end passed every test."""
    page, frame = open_map(open_app)
    move_sliders(frame, start, end)
    item = frame.locator(f".mapapp-list button.mapapp-list-item[data-event={event}]")
    assert item.count() == (1 if shown else 0)
    assert_offline(page)


def test_kirov_is_vyatka_before_december_1934(open_app: Callable[..., Page]) -> None:
    page, frame = open_map(open_app)
    move_sliders(frame, "1933-01", "1933-12")
    frame.evaluate("() => mapappApi.focus(['kirov'])")
    assert popup_h3(frame) == "Vyatka"
    expect(frame.locator(".mapapp-label", has_text="Vyatka").first).to_be_visible()  # permanent label
    frame.locator(".leaflet-popup-close-button").click()
    move_sliders(frame, "1935-01", "1935-12")
    frame.evaluate("() => mapappApi.focus(['kirov'])")
    assert popup_h3(frame) == "Kirov"
    expect(frame.locator(".mapapp-label", has_text="Kirov").first).to_be_visible()
    assert frame.locator(".mapapp-label", has_text="Vyatka").count() == 0
    assert_offline(page)


def test_open_popup_follows_the_slider(open_app: Callable[..., Page]) -> None:
    page, frame = open_map(open_app)
    move_sliders(frame, "1933-01", "1933-12")
    frame.evaluate("() => mapappApi.focus(['kirov'])")
    assert popup_h3(frame) == "Vyatka"
    frame.locator(".mapapp-slider-to input").fill(str(month_index("1935-12")))  # window 1933-01 .. 1935-12
    expect(frame.locator(".leaflet-popup-content .mapapp-popup h3")).to_have_text("Kirov", timeout=3000)
    assert_offline(page)


def test_marker_click_when_map_is_partly_out_of_the_window(open_app: Callable[..., Page]) -> None:
    """The map fills the window; scrolled towards the downloads, its top is out of view: a marker still opens."""
    page, frame = open_map(open_app)
    page.locator(IFRAME).evaluate("""el => { let p = el.parentElement;
      while (p && !(p.scrollHeight > p.clientHeight + 100 && getComputedStyle(p).overflowY !== 'visible')) p = p.parentElement;
      (p || document.scrollingElement).scrollTop += 200; }""")
    frame_box, viewport = page.locator(IFRAME).bounding_box(), page.viewport_size
    assert frame_box is not None and viewport is not None
    assert frame_box["y"] < 0, "the map is wholly in the window: this test needs it scrolled partly out"
    markers = frame.locator(".mapapp-marker")
    boxes = [markers.nth(i).bounding_box() for i in range(markers.count())]
    index = next(i for i, b in enumerate(boxes)  # a marker in view, in the map's middle band
                 if b and 300 < b["x"] < 900 and 80 < b["y"] < viewport["height"] - 200)
    markers.nth(index).click()
    expect(frame.locator(".leaflet-popup-content .mapapp-popup h3")).to_be_visible(timeout=3000)
    assert_offline(page)


# --- 3. a popup from the event list, with its citation --------------------------------------------------

def test_event_list_opens_popup_with_citation(open_app: Callable[..., Page]) -> None:
    page, frame = open_map(open_app)
    move_sliders(frame, "1934-01", "1934-12")
    # The list rebuilds itself on the click: the click must not also reach the map, which would close the
    # popup it just opened (it flickered, and lost on a busy machine).
    frame.evaluate("() => { window.__closed = 0; window.map.on('popupclose', () => { window.__closed += 1; }); }")
    frame.locator(".mapapp-list button.mapapp-list-item[data-event=kirov_assassination]").click()
    assert popup_h3(frame) == "Smolny Institute"
    assert frame.evaluate("() => window.__closed") == 0
    citations = frame.locator(".leaflet-popup-content .mapapp-citation").all_inner_texts()
    expected = event_props(GEODATA_DIR, "kirov_assassination")["citation_en"]
    assert expected in citations, citations
    assert any("lines" in c or "Crawford" in c for c in citations), citations
    assert_offline(page)


# --- 4. play ----------------------------------------------------------------------------------------------

def test_play_advances_and_pause_stops(open_app: Callable[..., Page]) -> None:
    page, frame = open_map(open_app)
    move_sliders(frame, "1936-01", "1936-12")
    year = frame.locator(".mapapp-year")
    button = frame.locator("button.mapapp-play")
    assert year.inner_text() == "1936"
    expect(button).to_have_text("Play")
    button.click()
    expect(button).to_have_text("Pause")
    time.sleep(1.5)
    assert int(year.inner_text()) > 1936
    assert frame.evaluate("() => mapappApi.playing()") is True
    button.click()
    expect(button).to_have_text("Play")
    assert frame.evaluate("() => mapappApi.playing()") is False
    stopped = frame.evaluate("() => mapappApi.state()")
    time.sleep(0.6)
    assert frame.evaluate("() => mapappApi.state()") == stopped
    assert_offline(page)


# --- 5. layers --------------------------------------------------------------------------------------------

def test_layer_toggle_survives_slider_moves(open_app: Callable[..., Page], dataset: Dataset) -> None:
    page, frame = open_map(open_app)
    move_sliders(frame, "1937-01", "1938-12")
    assert any(dataset.layer(pid) == "killing" for pid in frame.evaluate("() => mapappApi.visiblePlaceIds()"))
    box = frame.locator(".mapapp-legend input[data-layer=killing]")
    box.uncheck()
    without = tuple(layer for layer in LAYER_IDS if layer != "killing")

    def check(start: str, end: str) -> None:
        expect(box).not_to_be_checked()
        ids = frame.evaluate("() => mapappApi.visiblePlaceIds()")
        assert ids == visible_place_ids(dataset, MapState(start=start, end=end, layers=without))
        assert not [pid for pid in ids if dataset.layer(pid) == "killing"]
        counts = settle(frame)
        assert frame.locator(".mapapp-layer-killing").count() == 0
        assert counts["markers"] + counts["clusters"] == len(ids), counts
        assert "killing" not in frame.evaluate("() => mapappApi.state().layers")

    check("1937-01", "1938-12")
    move_sliders(frame, "1941-01", "1941-12")
    check("1941-01", "1941-12")
    assert_offline(page)


# --- 6. Russian -------------------------------------------------------------------------------------------

def test_russian_interface(open_app: Callable[..., Page], artifacts_dir: Path) -> None:
    page, _ = open_map(open_app)
    page.get_by_text("Русский", exact=True).click()
    # The English frame is replaced by a new one: wait on a locator that re-finds the iframe.
    expect(page.frame_locator(IFRAME).last.locator("button.mapapp-play")).to_have_text("Пуск", timeout=30_000)
    wait_for_app(page)
    frame = map_frame(page)
    expect(frame.locator("button.mapapp-play")).to_have_text("Пуск")
    move_sliders(frame, "1937-01", "1937-12")
    frame.evaluate("() => mapappApi.focus(['leningrad'])")
    assert popup_h3(frame) == "Ленинград"
    wait_popup_shown(frame)
    shoot(page, artifacts_dir / "map-russian.png")
    assert_offline(page)


# --- 7. escaping ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_app_url(tmp_path_factory: pytest.TempPathFactory, artifacts_dir: Path) -> Iterator[str]:
    """A second server on a copy of geodata/ whose texts are HTML: one event's title and summary, one place's name."""
    folder = geodata_copy(tmp_path_factory.mktemp("hostile-geodata"))
    events = json.loads((folder / "events.geojson").read_text(encoding="utf-8"))
    for feature in events["features"]:
        if feature["properties"]["id"] == HOSTILE_EVENT:
            feature["properties"]["title_en"] = HOSTILE_HTML
            feature["properties"]["summary_en"] = HOSTILE_HTML
    (folder / "events.geojson").write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    places = json.loads((folder / "places.geojson").read_text(encoding="utf-8"))
    for feature in places["features"]:
        if feature["properties"]["id"] == HOSTILE_PLACE:
            feature["properties"]["name_en"] = HOSTILE_NAME
    (folder / "places.geojson").write_text(json.dumps(places, ensure_ascii=False), encoding="utf-8")
    camps_path = folder / "collections" / "gulag-camps.geojson"
    camps = json.loads(camps_path.read_text(encoding="utf-8"))
    camps["collection"]["citation"]["en"] = HOSTILE_HTML
    camps["collection"]["title"]["en"] = HOSTILE_NAME
    for feature in camps["features"]:
        if feature["id"] == HOSTILE_CAMP:
            feature["properties"].update(name_en=HOSTILE_HTML, other_en=[HOSTILE_NAME])
            feature["properties"]["attributes"]["type"]["en"] = HOSTILE_HTML
    camps_path.write_text(json.dumps(camps, ensure_ascii=False), encoding="utf-8")

    with serve_app("streamlit-hostile", artifacts_dir, {"MAPAPP_GEODATA": str(folder)}) as url:
        yield url


def test_data_text_is_never_html(page: Page, hostile_app_url: str, artifacts_dir: Path) -> None:
    page.goto(f"{hostile_app_url}/")
    wait_for_app(page)
    frame = map_frame(page)
    move_sliders(frame, "1934-01", "1934-12")
    item = frame.locator(f".mapapp-list button.mapapp-list-item[data-event={HOSTILE_EVENT}]")
    expect(item.locator(".mapapp-title")).to_have_text(HOSTILE_HTML)
    expect(item.locator(".mapapp-place")).to_have_text(HOSTILE_NAME)
    item.click()
    assert popup_h3(frame) == HOSTILE_NAME
    popup = frame.locator(".leaflet-popup-content .mapapp-popup")
    expect(popup.locator(".mapapp-title", has_text=HOSTILE_HTML)).to_have_count(1)
    expect(popup.locator(".mapapp-summary", has_text=HOSTILE_HTML)).to_have_count(1)
    assert popup.locator("img").count() == 0
    assert popup.locator("b").count() == 0
    assert frame.locator(".mapapp-list img, .mapapp-list b").count() == 0
    assert frame.evaluate("() => window.__xss") is None
    assert page.evaluate("() => window.__xss") is None
    shoot(page, artifacts_dir / "map-hostile.png")
    assert_offline(page)


def test_collection_text_is_never_html(page: Page, hostile_app_url: str) -> None:
    page.goto(f"{hostile_app_url}/")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function("() => mapappApi.collectionsLoaded()")
    frame.evaluate(f"() => mapappApi.focusFeatures('gulag-camps', ['{HOSTILE_CAMP}'])")
    popup = frame.locator(".leaflet-popup-content .mapapp-popup")
    assert popup_h3(frame) == HOSTILE_HTML
    expect(popup.locator(".mapapp-names")).to_have_text(f"Also called: {HOSTILE_NAME}")
    expect(popup.locator(".mapapp-attr", has_text=HOSTILE_HTML)).to_have_count(1)
    expect(popup.locator(".mapapp-citation", has_text=HOSTILE_HTML)).to_have_count(1)
    assert HOSTILE_NAME in frame.locator(".mapapp-legend").inner_text()  # the layer's count line names the title
    assert frame.locator(".mapapp-legend b, .mapapp-legend img, .mapapp-popup img, .mapapp-popup b").count() == 0
    frame.locator(".mapapp-legend").hover()
    assert frame.evaluate("() => window.__xss") is None and page.evaluate("() => window.__xss") is None
    assert_offline(page)
