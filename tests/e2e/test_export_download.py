"""The visitor page's downloads: the window's events and the printable map, made on click, offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Frame, Page, expect

from mapapp.webmap.mapview import load_dataset

from .conftest import request_failures, wait_for_app
from .test_map import map_frame, move_sliders


def open_page(page: Page, app_url: str) -> Frame:
    """Open the app and wait for the map to be drawn; return the map's frame."""
    page.goto(app_url)
    wait_for_app(page)
    return map_frame(page)


def download(page: Page, button_name: str, folder: Path) -> Path:
    """Press the download button named ``button_name`` and save what arrives in ``folder``."""
    button = page.get_by_role("button", name=button_name, exact=True)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def sent_report(frame: Frame) -> Any:
    """What streamlit-folium last sent the server for this map (its default, None, until the map reports)."""
    return frame.evaluate("() => window.__GLOBAL_DATA__.previous_data.selected_tags")


def test_printable_map_downloads_as_png(page: Page, app_url: str, tmp_path: Path) -> None:
    open_page(page, app_url)
    path = download(page, "Make and download the map", tmp_path)
    assert path.name.endswith("-ussr.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 100_000  # a real 300 dpi A4 map, not an error page
    assert page.external_requests == [] and request_failures(page) == []  # type: ignore[attr-defined]  # by the fixture


def test_window_events_download_as_geojson(page: Page, app_url: str, tmp_path: Path) -> None:
    import json

    from mapapp.model.viewstate import MapState
    from mapapp.webmap.download import window_events
    from mapapp.webmap.mapview import load_dataset

    frame = open_page(page, app_url)
    # A freshly drawn map tells the server nothing it knows already: no rerun to swallow the click.
    page.wait_for_timeout(1500)
    assert sent_report(frame) is None
    path = download(page, "GeoJSON", tmp_path)
    collection = json.loads(path.read_text(encoding="utf-8"))
    expected = [e.id for e in window_events(load_dataset(), MapState())]
    assert [f["id"] for f in collection["features"]] == expected
    assert all(f["properties"]["citation"] for f in collection["features"])
    assert page.external_requests == [] and request_failures(page) == []  # type: ignore[attr-defined]  # by the fixture


def test_download_follows_the_slider(page: Page, app_url: str, tmp_path: Path) -> None:
    import csv
    import io
    import json

    from mapapp.model.viewstate import MapState
    from mapapp.webmap.download import window_events, window_summary
    from mapapp.webmap.mapview import load_dataset

    frame = open_page(page, app_url)
    move_sliders(frame, "1937-01", "1938-12")
    state = MapState(start="1937-01", end="1938-12")
    # The map reports the window once; the page then says what a download holds.
    expect(page.get_by_text(window_summary(load_dataset(), state))).to_be_visible(timeout=30_000)
    assert json.loads(sent_report(frame)[0])["start"] == "1937-01"
    wait_for_app(page)
    path = download(page, "CSV", tmp_path)
    assert path.name == "mapapp-1937-01-1938-12.csv"
    ids = [row["id"] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))]
    assert ids == [e.id for e in window_events(load_dataset(), state)]
    assert page.external_requests == [] and request_failures(page) == []  # type: ignore[attr-defined]  # by the fixture


def test_the_camps_of_the_year_download_beside_the_events(page: Page, app_url: str, tmp_path: Path) -> None:
    """The camps layer is on by default: its own buttons give the locations of the window's last year."""
    page.goto(app_url)
    wait_for_app(page)
    path = download(page, "GeoJSON — Gulag camp administrations, 1918–1960", tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    camps = load_dataset().collections[0]
    assert doc["mapapp"]["year"] == 1953 and "urbica/gulag-api" in doc["mapapp"]["citation"]
    assert sorted(f["id"] for f in doc["features"]) == sorted(f.id for f in camps.operating(1953))
