"""A register on the map, in Chromium: the committed geodata plus 2,000 records of the synthetic register
(benchmarks/gen_victims.py, declared as benchmarks/victims), built by the real import. What the browser sums from the build's files must equal the
Python aggregates (themselves held to a brute-force count), at the level the zoom calls for; a place's popup pages
through its records as the records file holds them."""

from __future__ import annotations

import csv
import io
import shutil
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pytest
from playwright.sync_api import Browser, Frame, Page, Route, expect

from benchmarks.gen_victims import generate
from mapapp import GEODATA_DIR
from mapapp.ingest.collection_schema import RegisterCollection
from mapapp.ingest.place_strings import project_resolver
from mapapp.ingest.register import import_register
from mapapp.model.aggregates import LEVEL_ZOOMS
from mapapp.model.registers import load_register
from mapapp.webmap.register_download import IN_WINDOW

from .conftest import REPO, VIEWPORT, request_failures, serve_app, wait_for_app
from .test_map import map_frame, month_index, move_sliders

SAMPLE = REPO / "benchmarks" / "victims"


@pytest.fixture(scope="module")
def register_geodata(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed geodata with the sample register built into its collections."""
    work = tmp_path_factory.mktemp("register")
    folder = work / "victims"
    folder.mkdir()
    shutil.copy(SAMPLE / "collection.toml", folder / "collection.toml")
    generate(2000, folder / "persons.csv", seed=1937)  # its busiest place has pages of records to turn
    (folder / "SOURCE.md").write_text("Synthetic records: benchmarks/gen_victims.py\n", encoding="utf-8")
    geodata = work / "geodata"
    shutil.copytree(GEODATA_DIR, geodata)
    decl = RegisterCollection.model_validate(tomllib.loads((folder / "collection.toml").read_text(encoding="utf-8")))
    import_register(decl, folder, geodata / "collections", project_resolver(REPO))
    return geodata


@pytest.fixture(scope="module")
def register_url(register_geodata: Path, artifacts_dir: Path) -> Iterator[str]:
    with serve_app("streamlit-register", artifacts_dir, {"MAPAPP_GEODATA": str(register_geodata)}) as url:
        yield url


def shown(frame: Frame) -> dict[str, object]:
    frame.wait_for_function("() => window.mapappApi && window.mapappApi.registerShown('victims').ready",
                            timeout=20_000)
    value = frame.evaluate("() => window.mapappApi.registerShown('victims')")
    assert isinstance(value, dict)
    return value


def set_view(frame: Frame, lat: float, lon: float, zoom: int) -> None:
    """Move the map at once (no animation) and wait for its moveend."""
    frame.evaluate(f"() => new Promise(r => {{ window.mapappApi.map.once('moveend', () => r(true)); "
                   f"window.mapappApi.map.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }})")


def expected(geodata: Path, level: str, first: int, last: int) -> tuple[int, int, int]:
    """(sure, may, cells with any) for the window, from the Python aggregates."""
    got = load_register(geodata / "collections" / "victims.register.json").window(level, first, last)
    return int(got.sure.sum()), int(got.may.sum()), int(np.count_nonzero(got.sure + got.may))


@pytest.mark.parametrize("start, end", [("1934-01", "1953-12"), ("1937-08", "1938-11"), ("1937-01", "1937-01"),
                                        ("1938-06", "1939-05")])
def test_the_browser_sums_the_window_as_the_aggregates_do(page: Page, register_url: str, register_geodata: Path,
                                                          start: str, end: str) -> None:
    page.goto(register_url)
    wait_for_app(page)
    frame = map_frame(page)
    assert shown(frame)["level"] == "h3r2"
    frame.evaluate(f"() => window.mapappApi.setWindow('{start}', '{end}')")
    got = shown(frame)
    sure, may, cells = expected(register_geodata, "h3r2", month_index(start), month_index(end))
    assert (got["sure"], got["may"], got["circles"]) == (sure, may, cells)
    assert sure + may > 0
    assert request_failures(page) == []
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_the_windows_records_download_as_a_file_the_server_streams(page: Page, register_url: str,
                                                                   register_geodata: Path) -> None:
    """The slider moves the page's link; the file behind it, from the real server, holds every record the map counts
    for the window, one row each, the ones known only to a year it holds in part marked so, the source last."""
    page.goto(register_url)
    wait_for_app(page)
    frame = map_frame(page)
    move_sliders(frame, "1937-08", "1938-11")
    link = page.locator("a[href*='/mapapp/registers/victims.csv']")
    expect(link).to_have_attribute("href", "/mapapp/registers/victims.csv?start=1937-08&end=1938-11&lang=en",
                                   timeout=20_000)  # after the map's report reran the page
    got = page.request.get(register_url + str(link.get_attribute("href")))
    assert got.status == 200 and got.headers["content-type"] == "text/csv; charset=utf-8"
    assert got.headers["content-disposition"] == 'attachment; filename="mapapp-1937-08-1938-11-victims.csv"'
    rows = list(csv.reader(io.StringIO(got.text())))
    body = rows[1:rows.index([])]
    column = rows[0].index("in_window")
    sure, may, _ = expected(register_geodata, "site", month_index("1937-08"), month_index("1938-11"))
    assert sure > 100 and may > 0
    assert Counter(r[column] for r in body) == {IN_WINDOW["en"][0]: sure, IN_WINDOW["en"][1]: may}
    assert len({r[0] for r in body}) == len(body)  # each record once
    assert rows[-1][0] == "source"
    assert request_failures(page) == []
    assert page.console_errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("zoom, level", [(LEVEL_ZOOMS["h3r4"] - 1, "h3r2"), (LEVEL_ZOOMS["h3r4"], "h3r4"),
                                         (LEVEL_ZOOMS["site"] - 1, "h3r4"), (LEVEL_ZOOMS["site"], "site")])
def test_the_zoom_decides_between_cells_and_places(page: Page, register_url: str, zoom: int, level: str) -> None:
    page.goto(register_url)
    wait_for_app(page)
    frame = map_frame(page)
    shown(frame)
    set_view(frame, 55.75, 37.62, zoom)
    frame.wait_for_function(f"() => window.mapappApi.registerShown('victims').level === '{level}' && "
                            "window.mapappApi.registerShown('victims').ready", timeout=20_000)


def test_a_place_pages_through_its_records_by_date(page: Page, register_url: str, register_geodata: Path) -> None:
    records = register_geodata / "collections" / "victims.records.parquet"
    with duckdb.connect() as con:
        site, n = con.execute(f"SELECT site, count(*) FROM '{records}' GROUP BY site ORDER BY 2 DESC, 1 LIMIT 1"
                              ).fetchall()[0]
        names = [r[0] or "—" for r in con.execute(
            f"SELECT name FROM '{records}' WHERE site = ? ORDER BY year, month, day, row_no", [site]).fetchall()]
        placed = con.execute(f"SELECT DISTINCT site FROM '{records}' ORDER BY site").fetchall()
    k = [s for (s,) in placed].index(site)  # its row in site.cells.json: the sites with records, in order
    page.goto(register_url)
    wait_for_app(page)
    frame = map_frame(page)
    shown(frame)
    frame.evaluate("() => window.mapappApi.setWindow('1918-01', '1953-12')")
    cell = frame.evaluate(f"() => fetch(window.mapappApi.registerBase('victims') + 'site.cells.json')"
                          f".then(r => r.json()).then(c => c[{k}])")
    set_view(frame, cell[1], cell[0], LEVEL_ZOOMS["site"])
    frame.wait_for_function("() => window.mapappApi.registerShown('victims').ready", timeout=20_000)
    assert frame.evaluate(f"() => window.mapappApi.openRegisterCell('victims', {k})")
    popup = frame.locator(".mapapp-register-site")
    popup.locator(".mapapp-person-record").first.wait_for()
    assert popup.locator("h3").inner_text() == cell[3]
    first_page = popup.locator(".mapapp-person-name").all_inner_texts()
    assert first_page == names[:100]
    later = popup.get_by_role("button", name="Later")
    assert n > 100, "the busiest place has more than one page"
    later.click()
    frame.wait_for_function("() => document.querySelector('.mapapp-register-site').dataset.page === '1' && "
                            "!document.querySelector('.mapapp-register-page').textContent.includes('…')")
    assert popup.locator(".mapapp-person-name").all_inner_texts() == names[100:200]
    assert popup.locator(".mapapp-register-page").inner_text() == f"Records 101–{min(200, n)} of {n:,}, by date"
    assert popup.get_by_role("button", name="Earlier").is_enabled()
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_the_legend_says_what_a_circle_counts_and_the_layer_hides_it(page: Page, register_url: str) -> None:
    page.goto(register_url)
    wait_for_app(page)
    frame = map_frame(page)
    shown(frame)
    key = frame.locator(".mapapp-register-key")
    assert "Circle area ∝ records in the window, summed over a hexagon of about 160 km" in key.inner_text()
    assert "Dashed ring" in key.inner_text()
    frame.locator('input[data-layer="victims"]').uncheck()
    frame.wait_for_function("() => window.mapappApi.registerShown('victims').circles === 0")
    assert frame.evaluate("() => window.mapappApi.registerShown('victims').sure") == 0


def test_a_name_found_in_the_search_opens_its_place_at_the_page_of_its_date(page: Page, register_url: str,
                                                                            register_geodata: Path) -> None:
    from mapapp.model.registers import load_registers
    from mapapp.webmap.registerview import register_hits

    records = register_geodata / "collections" / "victims.records.parquet"
    with duckdb.connect() as con:  # someone at the busiest place, on its second page of records
        site = con.execute(f"SELECT site FROM '{records}' GROUP BY site ORDER BY count(*) DESC LIMIT 1"
                           ).fetchall()[0][0]
        name = con.execute(f"SELECT name FROM '{records}' WHERE site = ? ORDER BY year, month, day, row_no "
                           "LIMIT 1 OFFSET 150", [site]).fetchall()[0][0]
    (hit, *_) = register_hits(load_registers(register_geodata), name)
    page.goto(register_url)
    wait_for_app(page)
    page.get_by_placeholder("Any spelling").fill(name)
    page.keyboard.press("Enter")
    wait_for_app(page)
    frame = map_frame(page)
    found = frame.locator(".mapapp-register-site .mapapp-found")
    found.wait_for(timeout=20_000)
    assert found.locator(".mapapp-person-name").inner_text() == hit.record.name
    assert frame.locator(".mapapp-register-site h3").inner_text() == hit.register.site_names[hit.record.site]
    assert frame.evaluate("() => window.mapappApi.registerShown('victims').level") == "site"
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_the_standalone_page_draws_the_register_from_what_it_carries(browser: Browser, register_geodata: Path,
                                                                     tmp_path: Path) -> None:
    from mapapp.export.standalone import standalone_html
    from mapapp.model.viewstate import MapState
    from mapapp.webmap.mapview import load_dataset

    path = tmp_path / "map.html"
    path.write_text(standalone_html(load_dataset(register_geodata), MapState(start="1937-08", end="1938-11")),
                    encoding="utf-8")
    context = browser.new_context(viewport=VIEWPORT)
    tried: list[str] = []

    def gate(route: Route) -> None:  # the file and what it carries, nothing else
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            tried.append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(path.as_uri())
    page.wait_for_function("() => window.mapappApi && window.mapappApi.registerShown('victims').ready",
                           timeout=20_000)
    got = page.evaluate("() => window.mapappApi.registerShown('victims')")
    sure, may, cells = expected(register_geodata, "h3r2", month_index("1937-08"), month_index("1938-11"))
    assert (got["level"], got["sure"], got["may"], got["circles"]) == ("h3r2", sure, may, cells)
    page.evaluate(f"() => {{ window.mapappApi.map.setView([55.75, 37.62], {LEVEL_ZOOMS['site']}, {{animate: false}}); }}")
    assert page.evaluate("() => window.mapappApi.registerShown('victims').level") == "h3r2"  # all it carries
    assert tried == [] and errors == []
    context.close()
