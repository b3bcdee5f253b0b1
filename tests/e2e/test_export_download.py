"""The visitor page's printable map: made on click, downloaded, offline."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from .conftest import wait_for_app


def download(page: Page, app_url: str, button_name: str, folder: Path) -> Path:
    """Open the app, press the download button named ``button_name`` and save what arrives in ``folder``."""
    page.goto(app_url)
    wait_for_app(page)
    # The map reports its window with a rerun soon after it is drawn; a click during that rerun can be lost.
    page.frame_locator("iframe[title*='st_folium']").locator(".mapapp-time").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    wait_for_app(page)
    button = page.get_by_role("button", name=button_name)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_printable_map_downloads_as_png(page: Page, app_url: str, tmp_path: Path) -> None:
    path = download(page, app_url, "Make and download the map", tmp_path)
    assert path.name.endswith("-ussr.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 100_000  # a real 300 dpi A4 map, not an error page
    assert page.external_requests == [] and page.failed_requests == []


def test_window_events_download_as_geojson(page: Page, app_url: str, tmp_path: Path) -> None:
    import json

    from mapapp.download import window_events
    from mapapp.mapview import load_dataset
    from mapapp.viewstate import MapState

    path = download(page, app_url, "GeoJSON", tmp_path)
    collection = json.loads(path.read_text(encoding="utf-8"))
    expected = [e.id for e in window_events(load_dataset(), MapState())]
    assert [f["id"] for f in collection["features"]] == expected
    assert all(f["properties"]["citation"] for f in collection["features"])
    assert page.external_requests == [] and page.failed_requests == []
