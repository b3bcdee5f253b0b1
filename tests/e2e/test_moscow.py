"""Moscow address by address in the browser (issue 11): Memorial's sites (symbols zoomed out, outlines close up),
the last addresses of the people shot (counts for the window, the people in the popup, fetched on demand), the
burial grounds' counts and chart, a person found by search with the path home → burial ground; nothing leaves
127.0.0.1; names with markup are text. The browser is held to mapapp.model.collections and to persons.csv.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import geopandas
import pytest
from playwright.sync_api import Frame, Page, expect

from mapapp import DATA_DIR
from mapapp.ingest.build import build
from mapapp.model.collections import Collection
from mapapp.webmap.mapview import Dataset, focus_record, load_dataset

from .conftest import serve_app, wait_for_app
from .hostile import FOUND_JS, payload
from .test_map import IFRAME, assert_offline, map_frame, move_sliders, open_map, shoot

PEOPLE, SITES = "moscow-executions", "topography-of-terror"
PERSONS = DATA_DIR / "collections" / PEOPLE / "persons.csv"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def collection(ds: Dataset, cid: str) -> Collection:
    return next(c for c in ds.collections if c.id == cid)


def loaded(frame: Frame) -> Frame:
    frame.wait_for_function("() => mapappApi.recordsLoaded() && mapappApi.sitesLoaded()", timeout=30_000)
    return frame


def set_view(frame: Frame, lat: float, lon: float, zoom: int) -> None:
    frame.evaluate("([lat, lon, z]) => { map_div.setView([lat, lon], z, {animate: false}); return 1; }",
                   [lat, lon, zoom])
    frame.wait_for_timeout(300)


def persons() -> list[dict[str, str]]:
    with PERSONS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def day(text: str) -> date | None:
    d, m, y = (int(x) for x in text.split(".")) if text else (0, 0, 0)
    return date(y, m, d) if text else None


def test_counts_change_with_the_slider(open_app: Callable[..., Page], ds: Dataset) -> None:
    page, frame = open_map(open_app)
    loaded(frame)
    people = collection(ds, PEOPLE)
    located = {r.id for r in people.records() if r.feature is not None}
    rows = persons()
    seen = []
    for start, end, first, last in (("1937-08", "1938-11", date(1937, 8, 1), date(1938, 11, 30)),
                                    ("1941-01", "1941-12", date(1941, 1, 1), date(1941, 12, 31))):
        move_sliders(frame, start, end)
        shown = frame.evaluate(f"() => mapappApi.recordsShown('{PEOPLE}')")
        # persons.csv itself: the located people shot in the window, first and last day included
        expected = sum(1 for k, r in enumerate(rows, start=1)
                       if str(k) in located and (d := day(r["execution_date"])) and first <= d <= last)
        assert shown["people"] == expected
        assert shown["addresses"] == sorted(f.id for f in people.features if f.count(first, last))
        seen.append(shown["people"])
    assert seen[0] > 8000 > 200 > seen[1] > 0  # the curve of 1937–1938
    assert_offline(page)


def test_an_address_popup_lists_its_people(open_app: Callable[..., Page], ds: Dataset,
                                           artifacts_dir: Path) -> None:
    page, frame = open_map(open_app)
    loaded(frame)
    move_sliders(frame, "1937-08", "1938-11")
    people = collection(ds, PEOPLE)
    # the address with most people: its popup lists each of them, from persons.csv
    top = max(people.features, key=lambda f: len(f.dates))
    set_view(frame, top.lat, top.lon, 16)
    assert frame.evaluate("([c, f]) => mapappApi.openAddress(c, f)", [PEOPLE, top.id])
    popup = frame.locator(".leaflet-popup-content .mapapp-address")
    popup.locator(".mapapp-person-record").first.wait_for(timeout=15_000)
    names = popup.locator(".mapapp-person-name").all_inner_texts()
    rows = persons()
    mine = [rows[int(r.id) - 1] for r in people.records() if r.feature == top.id]
    assert sorted(names) == sorted(" ".join(r["name"].split()) for r in mine)
    assert len(names) == len(top.dates)
    text = popup.inner_text()
    first = mine[0]
    assert f"Shot: {day(first['execution_date']):%d.%m.%Y}" in text and "Buried at: " in text
    in_window = popup.locator(".mapapp-people-window .mapapp-person-record").count()
    assert in_window == top.count(date(1937, 8, 1), date(1938, 11, 30))
    shoot(page, artifacts_dir / "moscow-address-popup.png")
    assert_offline(page)


CLICK_AT_JS = """([lat, lon]) => { const p = map_div.latLngToContainerPoint([lat, lon]);
  const r = map_div.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }"""


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance on the sphere between two (lat, lon), in metres (enough to keep a click clear of neighbours)."""
    (la1, lo1), (la2, lo2) = (tuple(math.radians(v) for v in p) for p in (a, b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def test_an_address_without_people_in_the_window_is_neither_drawn_nor_touched(open_app: Callable[..., Page],
                                                                             ds: Dataset) -> None:
    people = collection(ds, PEOPLE)
    wide, narrow = (date(1937, 8, 1), date(1938, 11, 30)), (date(1941, 1, 1), date(1941, 12, 31))
    others = [(f.lat, f.lon) for f in people.features] + [(f.lat, f.lon) for f in collection(ds, SITES).features] \
        + [(p.lat, p.lon) for p in ds.places.values()]
    # an address with people shot in 1937–38 and none in 1941, nothing else drawn within 150 m of it
    f = next(f for f in people.features if f.count(*wide) and not f.count(*narrow)
             and all(metres((f.lat, f.lon), o) > 150 for o in others if o != (f.lat, f.lon)))
    page, frame = open_map(open_app)
    loaded(frame)
    move_sliders(frame, "1937-08", "1938-11")
    set_view(frame, f.lat, f.lon, 17)
    popup = frame.locator(".leaflet-popup-content .mapapp-address")

    def click() -> None:
        x, y = frame.evaluate(CLICK_AT_JS, [f.lat, f.lon])
        box = page.locator(IFRAME).last.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + x, box["y"] + y)

    def circles() -> int:
        return frame.evaluate(f"() => mapappApi.recordsShown('{PEOPLE}').circles")

    click()
    expect(popup).to_have_count(1)
    frame.wait_for_timeout(500)  # the popup's pan is over
    wide_circles = circles()
    move_sliders(frame, "1941-01", "1941-12")  # its people are outside the window: the popup closes
    expect(popup).to_have_count(0)
    assert f.id not in frame.evaluate(f"() => mapappApi.recordsShown('{PEOPLE}').addresses")
    narrow_circles = circles()
    assert narrow_circles < wide_circles
    click()  # where it was, nothing answers
    frame.wait_for_timeout(300)
    expect(popup).to_have_count(0)
    assert not frame.evaluate("([c, f]) => mapappApi.openAddress(c, f)", [PEOPLE, f.id])
    move_sliders(frame, "1937-08", "1938-11")  # and back: drawn and touched again
    assert circles() > narrow_circles
    click()
    expect(popup).to_have_count(1)
    assert_offline(page)


def test_sites_are_symbols_zoomed_out_and_outlines_close_up(open_app: Callable[..., Page], ds: Dataset) -> None:
    page, frame = open_map(open_app)
    loaded(frame)
    move_sliders(frame, "1937-01", "1937-12")
    sites = collection(ds, SITES)
    expected = sorted(f.id for f in sites.operating(1937))
    own = sorted(f.id for f in sites.operating(1937) if f.place is None)
    assert 0 < len(own) < len(expected)
    set_view(frame, 55.757, 37.62, 11)
    # zoomed out, a site that is a curated place has no symbol of its own: the place's marker stands for it
    assert frame.evaluate(f"() => mapappApi.sitesShown('{SITES}')") == own
    parts = frame.evaluate(f"() => mapappApi.siteParts('{SITES}')")
    assert set(parts.values()) == {"symbol"} and sorted(parts) == own
    set_view(frame, 55.757, 37.62, 15)
    parts = frame.evaluate(f"() => mapappApi.siteParts('{SITES}')")
    assert set(parts.values()) == {"outline"} and set(parts) == set(expected)
    # Butovo (1934–1938) is gone in 1939; an undated site stays
    move_sliders(frame, "1939-01", "1939-12")
    shown = frame.evaluate(f"() => mapappApi.sitesShown('{SITES}')")
    butovo = next(f for f in sites.features if f.place == "butovo")
    undated = next(f for f in sites.features if f.first is None and f.last is None)
    assert butovo.id not in shown and undated.id in shown
    assert_offline(page)


def test_a_burial_ground_counts_the_windows_dead_by_month(open_app: Callable[..., Page]) -> None:
    page, frame = open_map(open_app)
    loaded(frame)
    move_sliders(frame, "1937-08", "1938-11")
    frame.evaluate("() => mapappApi.focus(['kommunarka'])")
    popup = frame.locator(".leaflet-popup-content .mapapp-burials")
    popup.wait_for(timeout=10_000)
    rows = [r for r in persons() if r["burial_place"] == "Коммунарка" and r["execution_date"]]
    n = sum(1 for r in rows if date(1937, 8, 1) <= (day(r["execution_date"]) or date.min) <= date(1938, 11, 30))
    assert f"{n:,} in the window (Aug 1937 – Nov 1938); {len(rows):,} in all" in popup.inner_text()
    bars = popup.locator(".mapapp-chart-bar").evaluate_all("bs => bs.map(b => [b.dataset.month, +b.dataset.value])")
    by_month = Counter(f"{d:%Y-%m}" for r in rows if (d := day(r["execution_date"])))
    assert dict(bars) == dict(by_month)
    # Memorial's record of the site is in the same popup (one place, both records)
    assert frame.locator(".leaflet-popup-content .mapapp-site-record").count() == 1
    assert_offline(page)


def test_a_person_found_by_search_shows_the_record_and_the_path(open_app: Callable[..., Page],
                                                                artifacts_dir: Path) -> None:
    page = open_app("")
    wait_for_app(page)
    page.get_by_role("textbox", name="Search people and places").fill("Arnold Kron")
    page.keyboard.press("Enter")
    results = page.locator('[data-testid="stSelectbox"]').filter(has_text="Results")
    results.wait_for(state="visible", timeout=30_000)
    wait_for_app(page)
    # the best hit is chosen: the record, labelled with the date, and the spelling that matched
    expect(results.get_by_role("combobox")).to_have_value(
        "Kron Arnold Fritsevich (person shot, 17.05.1938) — Arnold Kron", timeout=30_000)
    frame = map_frame(page)
    frame.wait_for_function(f"() => mapappApi.recordPath('{PEOPLE}') !== null", timeout=30_000)
    assert frame.evaluate(f"() => mapappApi.recordPath('{PEOPLE}')") == {"record": "1", "points": 2}
    popup = frame.locator(".leaflet-popup-content .mapapp-record")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert "Крон Арнольд Фрицевич" in text and "Shot: 17.05.1938" in text
    assert "Last home → burial ground: Авиамоторная ул., д.1 → Butovo firing range, 17.05.1938" in text
    assert frame.locator("path.mapapp-record-path").count() == 1
    state = frame.evaluate("() => mapappApi.state()")
    assert state["start"] <= "1938-05" <= state["end"]  # the window moved to the month he was shot
    shoot(page, artifacts_dir / "moscow-person-path.png")
    assert_offline(page)


# --- hostile names in both collections ---------------------------------------------------------------------

MARKER = "<mapapp-payload"


@pytest.fixture(scope="module")
def hostile_geodata(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/ with markup in the people's names and details, the sites' English names and addresses."""
    root = tmp_path_factory.mktemp("hostile-moscow")
    data = root / "data"
    shutil.copytree(DATA_DIR, data)
    folder = data / "collections" / PEOPLE
    with (folder / "persons.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["name"] += payload("persons.name")
        r["details"] += payload("persons.details")
    with (folder / "persons.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    english = data / "collections" / SITES / "english.csv"
    with english.open(encoding="utf-8", newline="") as fh:
        names = list(csv.DictReader(fh))
    for r in names:
        r["name_en"] += payload("sites.name_en")
    with english.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(names[0]))
        writer.writeheader()
        writer.writerows(names)
    shp = data / "collections" / SITES / "mesta_zaklyucheniya.shp"
    layer = geopandas.read_file(shp)
    # a short payload: a Shapefile's text field holds 254 characters
    layer["adress"] = layer["adress"] + '<mapapp-payload data-tag="sites.adress"></mapapp-payload>'

    layer.to_file(shp, encoding="utf-8")
    build(data, root / "geodata")
    return root / "geodata"


@pytest.fixture(scope="module")
def hostile_url(hostile_geodata: Path, artifacts_dir: Path) -> Iterator[str]:
    with serve_app("streamlit-hostile-moscow", artifacts_dir, {"MAPAPP_GEODATA": str(hostile_geodata)}) as url:
        yield url


def test_names_with_markup_show_as_text(page: Page, hostile_url: str, hostile_geodata: Path) -> None:
    page.goto(f"{hostile_url}/")
    wait_for_app(page)
    frame = loaded(map_frame(page))
    ds = load_dataset(hostile_geodata)
    people, sites = collection(ds, PEOPLE), collection(ds, SITES)
    move_sliders(frame, "1937-08", "1938-11")
    top = max(people.features, key=lambda f: len(f.dates))
    set_view(frame, top.lat, top.lon, 16)
    assert frame.evaluate("([c, f]) => mapappApi.openAddress(c, f)", [PEOPLE, top.id])
    popup = frame.locator(".leaflet-popup-content .mapapp-address")
    popup.locator(".mapapp-person-record").first.wait_for(timeout=15_000)
    assert popup.inner_text().count(MARKER) >= 2 * len(top.dates)  # every name and details, as text
    site = next(f for f in sites.features if f.place is None and f.layer == "nkvd" and f.first is None
                and f.last is None)
    set_view(frame, site.lat, site.lon, 12)
    assert frame.evaluate("([c, f]) => mapappApi.openSite(c, f)", [SITES, site.id])
    popup = frame.locator(f".leaflet-popup-content .mapapp-popup[data-feature='{site.id}']")
    popup.wait_for(timeout=10_000)
    assert popup.inner_text().count(MARKER) >= 2  # its English name and its address
    record = focus_record(ds, PEOPLE, "1")
    frame.evaluate("([c, r]) => mapappApi.focusRecord(c, r)", [PEOPLE, json.loads(json.dumps(record))])
    popup = frame.locator(".leaflet-popup-content .mapapp-record")
    popup.wait_for(timeout=10_000)
    assert MARKER in popup.inner_text()
    for doc in (page, frame):
        assert doc.evaluate(FOUND_JS) == {"ran": None, "elements": []}
    assert_offline(page)
