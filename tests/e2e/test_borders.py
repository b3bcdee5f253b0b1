"""The Soviet border follows the slider: its drawn path changes as the window's end crosses a date of borders.csv."""

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
    assert before == borders_at(month_last("1939-08"), borders) == "ussr_1922-12-30"
    assert len(paths_before) == 1 and paths_before[0]
    assert frame.locator(".mapapp-legend-borders").inner_text() == (
        "Soviet border of the date: approximate (historical-basemaps, GPL v3); the German occupation line of "
        "1941–1944 is not drawn")
    # the composed spans of 1939–1945 switch as the window's end crosses their months
    seen = [paths_before[0]]
    for end, snapshot in (("1939-09", "ussr_1939-09-17"), ("1940-08", "ussr_1940-08-06"),
                          ("1944-10", "ussr_1944-10-11"), ("1945-12", "world_1945")):
        frame.evaluate(f"() => mapappApi.setWindow('1939-01', '{end}')")
        frame.wait_for_function(f"() => mapappApi.bordersSnapshot() === '{snapshot}'", timeout=10_000)
        now, paths = drawn(frame)
        assert now == borders_at(month_last(end), borders) == snapshot
        assert len(paths) == 1 and paths[0] not in seen, end
        seen.append(paths[0])
    # and back again
    frame.evaluate("() => mapappApi.setWindow('1938-01', '1938-12')")
    frame.wait_for_function(f"() => mapappApi.bordersSnapshot() === '{before}'", timeout=10_000)
    assert drawn(frame) == (before, paths_before)
    assert_offline(page)
