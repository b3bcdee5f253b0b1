"""The Soviet border follows the slider: the drawn path changes when the window's end crosses 17 Sep 1939."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Frame, Page

from mapapp.ingest.borders import borders_at, load_borders
from mapapp.model.viewstate import month_last

from .test_map import assert_offline, move_sliders, open_map

USSR_PATH_JS = """() => [...document.querySelectorAll('path.mapapp-border-ussr')].map(p => p.getAttribute('d'))"""


def drawn(frame: Frame) -> tuple[str | None, list[str]]:
    frame.wait_for_function("() => document.querySelectorAll('path.mapapp-border-ussr').length > 0",
                            timeout=10_000)
    return frame.evaluate("() => mapappApi.bordersSnapshot()"), frame.evaluate(USSR_PATH_JS)


def test_border_switches_when_the_window_crosses_1939(open_app: Callable[..., Page]) -> None:
    borders = load_borders()
    assert borders is not None, "run `mapapp build`"
    page, frame = open_map(open_app)
    move_sliders(frame, "1939-01", "1939-08")
    before, paths_before = drawn(frame)
    assert before == borders_at(month_last("1939-08"), borders) == "world_1938"
    assert len(paths_before) == 1 and paths_before[0]
    assert frame.locator(".mapapp-legend-borders").inner_text() == "Borders: approximate (historical-basemaps, GPL v3)"
    move_sliders(frame, "1945-01", "1945-12")
    frame.wait_for_function("() => mapappApi.bordersSnapshot() === 'world_1945'", timeout=10_000)
    after, paths_after = drawn(frame)
    assert after == borders_at(month_last("1945-12"), borders)
    assert len(paths_after) == 1 and paths_after[0] != paths_before[0]
    # and back again
    frame.evaluate("() => mapappApi.setWindow('1938-01', '1938-12')")
    assert drawn(frame)[0] == before
    assert_offline(page)
