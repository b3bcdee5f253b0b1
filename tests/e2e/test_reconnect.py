"""A kiosk runs for months: when the server restarts, the open page must come back by itself."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import free_port, serve_app, wait_for_app

IFRAME = "iframe[title*='st_folium']"


def test_page_reconnects_after_a_server_restart(page: Page, artifacts_dir: Path) -> None:
    port = free_port()
    with serve_app("streamlit-restart-1", artifacts_dir, port=port) as url:
        page.goto(url)
        wait_for_app(page)
        expect(page.frame_locator(IFRAME).last.locator("button.mapapp-play")).to_have_text("Play", timeout=30_000)
    # The server is gone; the page stays open. Start it again on the same port, and nothing reloads the page.
    with serve_app("streamlit-restart-2", artifacts_dir, port=port):
        marker = page.evaluate("() => (window.__mapappMarker = 'same page')")
        page.get_by_text("Русский", exact=True).click(timeout=60_000)
        expect(page.frame_locator(IFRAME).last.locator("button.mapapp-play")).to_have_text("Пуск", timeout=60_000)
        assert page.evaluate("() => window.__mapappMarker") == marker  # reconnected, not reloaded
    assert page.external_requests == []  # type: ignore[attr-defined]  # set by the page fixture
