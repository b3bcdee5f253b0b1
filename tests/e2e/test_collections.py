"""The Gulag camps layer in the browser, held to mapapp.model.collections: which locations show for a window,
their sizes (area ∝ prisoners, "no count" apart from zero), the popup's chart and the totals chart under the slider.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from mapapp.model.collections import Collection
from mapapp.webmap.mapview import load_dataset

from .conftest import wait_for_app
from .test_map import IFRAME, assert_offline, map_frame, month_index, move_sliders, open_map, shoot

CAMPS = "gulag-camps"


@pytest.fixture(scope="module")
def camps() -> Collection:
    return load_dataset().collections[0]


def loaded(frame: Frame) -> Frame:
    frame.wait_for_function("() => mapappApi.collectionsLoaded()", timeout=30_000)
    return frame


def shown(frame: Frame) -> list[str]:
    return frame.evaluate(f"() => mapappApi.collectionShown('{CAMPS}')")


def circle(frame: Frame, fid: str) -> dict | None:
    return frame.evaluate(f"() => mapappApi.collectionCircle('{CAMPS}', '{fid}')")


@pytest.mark.parametrize("window", [("1937-01", "1937-12"), ("1938-06", "1938-12"), ("1950-01", "1953-12")])
def test_the_locations_shown_are_those_operating_in_the_windows_last_year(
        open_app: Callable[..., Page], camps: Collection, window: tuple[str, str]) -> None:
    page, frame = open_map(open_app)
    loaded(frame)
    move_sliders(frame, *window)
    year = int(window[1][:4])
    assert shown(frame) == sorted(f.id for f in camps.operating(year))
    assert_offline(page)


def test_sizes_follow_the_slider_area_proportional_to_prisoners(open_app: Callable[..., Page],
                                                                camps: Collection) -> None:
    page, frame = open_map(open_app)
    loaded(frame)
    # a location with figures in two years, one at least twice the other (both above the smallest circle)
    f, y1, y2 = next((f, y1, y2) for f in camps.features for y1 in f.values for y2 in f.values
                     if (a := f.values[y1]) and (b := f.values[y2]) and a > 2 * b > 4000)
    move_sliders(frame, f"{y1}-01", f"{y1}-12")
    big = circle(frame, f.id)
    move_sliders(frame, f"{y2}-01", f"{y2}-12")
    small = circle(frame, f.id)
    assert big is not None and small is not None and big["dash"] is None
    v1, v2 = f.value(y1), f.value(y2)
    assert v1 is not None and v2 is not None
    assert big["radius"] / small["radius"] == pytest.approx(math.sqrt(v1 / v2), rel=0.02)
    # a year the source lists without a figure: a dashed ring, not a zero
    g, year = next((g, y) for g in camps.features for y in g.year_range() if g.value(y) is None)
    move_sliders(frame, f"{year}-01", f"{year}-12")
    ring = circle(frame, g.id)
    assert ring is not None and ring["dash"] and ring["fill"] is None
    z, zyear = next((z, y) for z in camps.features for y in z.year_range() if z.value(y) == 0)
    move_sliders(frame, f"{zyear}-01", f"{zyear}-12")
    zero = circle(frame, z.id)
    assert zero is not None and zero["dash"] is None and zero["fill"] == "#ffffff"
    assert_offline(page)


def test_the_smaller_circles_stay_on_top_as_the_years_change(open_app: Callable[..., Page],
                                                              camps: Collection) -> None:
    page, frame = open_map(open_app)
    loaded(frame)
    # years whose locations differ and whose figures reorder the circles: each change keeps some circles on
    for year in (1939, 1934, 1944, 1950, 1938, 1953):
        move_sliders(frame, f"{year}-01", f"{year}-12")
        order = frame.evaluate(f"() => mapappApi.collectionOrder('{CAMPS}')")
        assert sorted(order) == sorted(f.id for f in camps.operating(year)) == shown(frame)
        radii = [c["radius"] for fid in order if (c := circle(frame, fid)) is not None]
        assert len(radii) == len(order)
        assert radii == sorted(radii, reverse=True), year  # drawn largest first: the smallest last, on top
    assert_offline(page)


@pytest.mark.parametrize(("end", "on"), [("1952-12", False), ("1953-01", True), ("1954-12", True),
                                         ("1955-01", False)])
def test_a_location_shows_from_its_first_to_its_last_year(open_app: Callable[..., Page], camps: Collection,
                                                          end: str, on: bool) -> None:
    f = next(f for f in camps.features if f.id == "1")
    assert (f.first, f.last) == (1953, 1954)
    page, frame = open_map(open_app)
    loaded(frame)
    move_sliders(frame, end, end)
    assert ("1" in shown(frame)) is on


def test_the_totals_lane_holds_each_years_total_and_the_line_says_what_it_covers(open_app: Callable[..., Page],
                                                                                 camps: Collection) -> None:
    """The camps' totals are a lane of the time control's histogram (each year's total in each of its months);
    the line under the control says the window's year's total and what it covers."""
    page, frame = open_map(open_app)
    loaded(frame)
    frame.locator("button.mapapp-track-toggle").click()  # every year of the collection under the track
    track = frame.evaluate("() => mapappApi.track()")
    first = month_index(track["start"])
    lane = track["series"][CAMPS]
    assert {t.year: t.total for t in camps.totals if t.total} == {
        (first + k) // 12: v for k, v in enumerate(lane) if v}
    assert frame.locator(f".mapapp-hist path[data-series='{CAMPS}']").count() == 1
    for year in (1938, 1947):
        move_sliders(frame, f"{year}-01", f"{year}-12")
        total = camps.total(year)
        assert total is not None
        caption = frame.locator(".mapapp-totals-caption").inner_text()
        assert f"Prisoners in {year}: {total.total:,}" in caption
        assert f"{total.with_value} of {total.operating} locations" in caption
    # the layer off: no circles, no line
    frame.locator("[data-layer='gulag']").uncheck()
    assert shown(frame) == [] and not frame.locator(".mapapp-totals").is_visible()
    assert_offline(page)


def test_a_camps_popup_has_its_names_years_chart_and_citation(open_app: Callable[..., Page], camps: Collection,
                                                             artifacts_dir: Path) -> None:
    page, frame = open_map(open_app)
    loaded(frame)
    first, sevvostlag = camps.by_group("7")  # two locations: 1932–1937 and 1938–1952
    frame.evaluate(f"() => mapappApi.focusFeatures('{CAMPS}', ['{sevvostlag.id}'])")
    move_sliders(frame, "1938-01", "1938-12")
    popup = frame.locator(".leaflet-popup-content .mapapp-popup")
    assert popup.locator("h3").inner_text() == sevvostlag.name_en
    text = popup.inner_text()
    assert "Sevvostlag" in text and "Corrective-labor camps" in text
    assert f"Years with a record at this location: {sevvostlag.first}–{sevvostlag.last}" in text
    assert f"Gulag camp, all 2 locations: {first.first}–{sevvostlag.last}" in text
    v = sevvostlag.value(1938)
    assert v is not None and f"In 1938: {v:,} prisoners" in text
    assert "GULAG History Museum / Memorial, via urbica/gulag-api" in text
    chart = [int(y) for y in popup.locator(".mapapp-chart-bar").evaluate_all("rs => rs.map(r => r.dataset.year)")]
    assert chart == [y for y in sevvostlag.year_range() if sevvostlag.value(y) is not None]
    marked = popup.locator(".mapapp-chart-bar[fill='#1f1f1f']").evaluate_all("rs => rs.map(r => r.dataset.year)")
    assert marked == ["1938"]
    shoot(page, artifacts_dir / "camps-popup-1938.png")
    assert_offline(page)


def test_a_placeholder_title_is_never_a_name(open_app: Callable[..., Page], camps: Collection) -> None:
    f = next(f for f in camps.features if f.name_ru == "Саратовский ПФЛ")
    page, frame = open_map(open_app)
    loaded(frame)
    frame.evaluate(f"() => mapappApi.focusFeatures('{CAMPS}', ['{f.id}'])")
    popup = frame.locator(".leaflet-popup-content .mapapp-popup")
    assert popup.locator("h3").inner_text() == "Saratovsky PFL"
    assert "the Russian name is transliterated" in popup.inner_text()
    assert "New prison" not in popup.inner_text()


def test_the_camps_speak_russian(open_app: Callable[..., Page], camps: Collection, artifacts_dir: Path) -> None:
    page, _ = open_map(open_app)
    page.get_by_text("Русский", exact=True).click()
    expect(page.frame_locator(IFRAME).last.locator("button.mapapp-play")).to_have_text("Пуск", timeout=30_000)
    wait_for_app(page)
    frame = loaded(map_frame(page))
    move_sliders(frame, "1938-01", "1938-12")
    total = camps.total(1938)
    assert total is not None
    caption = frame.locator(".mapapp-totals-caption").inner_text()
    assert caption == (f"Число заключённых в 1938 году: {total.total:,}".replace(",", "\u00a0") + " — сумма по "
                       f"{total.with_value} из {total.operating} действовавших в том году мест, для которых есть число")
    sevvostlag = camps.by_group("7")[1]
    frame.evaluate(f"() => mapappApi.focusFeatures('{CAMPS}', ['{sevvostlag.id}'])")
    popup = frame.locator(".leaflet-popup-content .mapapp-popup")
    assert popup.locator("h3").inner_text() == "Северо-Восточный ИТЛ"
    text = popup.inner_text()
    for line in ("Другие названия: Севвостлаг", "Тип: Исправительно-трудовые лагеря", "Лагерь ГУЛАГа, все места (2): ",
                 "Музей истории ГУЛАГа / «Мемориал»"):
        assert line in text, line
    assert not re.search(r"[A-Za-z]{4,}", text.replace("urbica/gulag-api", "").replace("gulagmap.ru", "")), text
    legend = frame.locator(".mapapp-legend").inner_text()
    assert "Площадь круга ∝ числу заключённых" in legend and "действует, данных нет" in legend
    shoot(page, artifacts_dir / "camps-russian.png")
    assert_offline(page)
