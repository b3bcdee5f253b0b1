"""The harness itself: the page fixture really records external and failed requests (else the
offline assertions elsewhere would pass vacuously). External requests are aborted here, never sent."""

from __future__ import annotations

from playwright.sync_api import Page

from .conftest import is_external, request_failures


def test_is_external() -> None:
    assert not is_external("http://127.0.0.1:8501/app/static/vendor/leaflet/leaflet.js")
    assert not is_external("http://localhost:8501/_stcore/health")
    assert not is_external("ws://127.0.0.1:8501/_stcore/stream")
    assert not is_external("data:image/png;base64,AAAA")
    assert not is_external("blob:http://127.0.0.1:8501/1234")
    assert not is_external("about:blank")
    assert is_external("https://unpkg.com/leaflet@1.9.4/dist/leaflet.js")
    assert is_external("https://tile.openstreetmap.org/1/0/0.png")
    assert is_external("//cdn.jsdelivr.net/x.js")


def test_page_records_external_and_failed_requests(page: Page, app_url: str) -> None:
    page.context.route(lambda url: is_external(url), lambda route: route.abort())  # never leaves the machine
    page.goto(f"{app_url}/_stcore/health")
    page.set_content('<img src="https://cdn.example.org/a.png">'
                     '<iframe srcdoc=\'<script src="https://cdn.example.org/b.js"></script>\'></iframe>')
    page.wait_for_load_state("load")
    assert sorted(page.external_requests) == [  # type: ignore[attr-defined]
        "https://cdn.example.org/a.png", "https://cdn.example.org/b.js"]
    assert sorted(url for url, _ in page.failed_requests) == [  # type: ignore[attr-defined]
        "https://cdn.example.org/a.png", "https://cdn.example.org/b.js"]


def test_an_abort_counts_while_its_frame_lives_and_not_once_the_frame_is_gone(page: Page, app_url: str) -> None:
    """The language switch's remount aborts the old frame's loads: set aside. An abort in a live frame still fails."""
    static = f"{app_url}/app/static/vendor/leaflet/leaflet.css"
    page.context.route("**/leaflet.css*", lambda route: route.abort("aborted"))
    page.goto(f"{app_url}/_stcore/health")
    page.set_content(f'<iframe id="f" srcdoc=\'<link rel="stylesheet" href="{static}?frame">\'></iframe>'
                     f'<link rel="stylesheet" href="{static}?page">')
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    # Chromium may ask for the frame's stylesheet twice (its preload scanner and its parser): which
    # documents failed is the point, not how many times each one asked.
    assert sorted({url.rsplit("?", 1)[1] for url, _ in request_failures(page)}) == ["frame", "page"]
    page.evaluate("() => document.getElementById('f').remove()")  # the frame is replaced: its abort is not a fault
    assert {url.rsplit("?", 1)[1] for url, _ in request_failures(page)} == {"page"}
