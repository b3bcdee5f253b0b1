"""The standalone HTML map: one file with every asset inline, nothing fetched, data escaped.

The browser half (markers counted in Chromium with the network blocked) is tests/e2e/test_standalone.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from mapapp import GEODATA_DIR, REPO_ROOT
from mapapp.assets import CSS_FILES, JS_FILES, MissingAssetError
from mapapp.mapview import Dataset, load_dataset, visible_place_ids
from mapapp.standalone import NON_FETCHED_URLS, asset_path, check_offline, standalone_html
from mapapp.viewstate import MapState

WINDOW = MapState(start="1937-01", end="1938-12")
HOSTILE_TITLE = '<img src=x onerror="window.__xss=1">'
HOSTILE_NAME = "</script><script>window.__xss=2</script>"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="module")
def page(ds: Dataset) -> str:
    return standalone_html(ds, WINDOW)


def basemap_json(page: str) -> dict:
    """The TopoJSON inside the page's basemap data URL."""
    match = re.search(r'"data:application/json;charset=utf-8,([^"]+)"\);', page)
    assert match, "no basemap data URL handed to mapapp.init"
    return json.loads(unquote(match.group(1)))


def hostile_dataset(tmp_path: Path, **props: str) -> Dataset:
    events = json.loads((GEODATA_DIR / "events.geojson").read_text(encoding="utf-8"))
    places = json.loads((GEODATA_DIR / "places.geojson").read_text(encoding="utf-8"))
    events["features"][0]["properties"]["title_en"] = props.get("title", HOSTILE_TITLE)
    places["features"][0]["properties"]["name_en"] = props.get("name", HOSTILE_NAME)
    (tmp_path / "events.geojson").write_text(json.dumps(events), encoding="utf-8")
    (tmp_path / "places.geojson").write_text(json.dumps(places), encoding="utf-8")
    return load_dataset(tmp_path)


def test_no_url_a_browser_would_fetch(page: str) -> None:
    assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=", page, re.I)
    assert "<link" not in page
    assert "/app/static" not in page
    urls = set(re.findall(r"""https?://[^\s"'<>()\\]+""", page))
    assert urls <= NON_FETCHED_URLS, urls - NON_FETCHED_URLS  # namespaces, a link, comments
    css_urls = re.findall(r"""url\(\s*['"]?([^'")]+)""", page)
    assert css_urls and all(u.startswith(("data:image/", "#")) for u in css_urls), css_urls
    check_offline(page)


def test_every_asset_is_inlined_in_order(page: str) -> None:
    positions = []
    for kind, files in (("style", CSS_FILES), ("script", JS_FILES)):
        for _, rel in files:
            marker = f"<{kind}>/* {rel} */\n"
            assert page.count(marker) == 1, f"{rel} is not inlined once"
            positions.append(page.index(marker))
            body = asset_path(rel).read_text(encoding="utf-8")
            assert body[-300:].strip() in page, f"the end of {rel} is missing"
    assert positions == sorted(positions)  # leaflet first, mapapp.js last, as build_map lists them
    assert positions[-1] < page.index("mapapp.init(")  # every script is loaded before the map's own
    assert page.count("data:image/png;base64,") >= 2  # leaflet.css images (layers control, default icon)


def test_the_payload_and_basemap_are_in_the_page(ds: Dataset, page: str) -> None:
    assert "window.mapappApi = mapapp.init(" in page
    assert '"start": "1937-01"' in page and '"end": "1938-12"' in page
    for pid in visible_place_ids(ds, WINDOW):
        assert f'"id": "{pid}"' in page
    topo = basemap_json(page)
    assert topo["type"] == "Topology" and "countries" in topo["objects"]
    assert len(topo["objects"]["countries"]["geometries"]) > 200  # 50m: every country


def test_document_head_title_and_footer(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8" />' in page and 'http-equiv="content-type"' not in page
    assert "<title>The Great Purge, 1934–1953: a map — 1937-01 – 1938-12</title>" in page
    footer = re.search(r'<footer class="mapapp-standalone-footer"[^>]*>(.*?)</footer>', page, re.S)
    assert footer, "no footer"
    for needed in ("Crawford", "GeoNames (CC BY 4.0)", "Natural Earth", "leaflet 1.9.4 (BSD-2-Clause)",
                   "leaflet.markercluster", "(MIT)", "topojson-client", "(ISC)"):
        assert needed in footer.group(1), needed


def test_russian_title(ds: Dataset) -> None:
    page = standalone_html(ds, MapState(lang="ru", mode="asof", end="1938-12"))
    title = re.search(r"<title>(.*?)</title>", page).group(1)  # type: ignore[union-attr]
    assert "1938-12" in title and "1934-01" not in title
    assert "Программы:" in page


def test_110m_basemap_is_smaller_and_still_complete(ds: Dataset, page: str) -> None:
    small = standalone_html(ds, WINDOW, basemap="110m")
    assert len(small) < len(page) - 500_000
    assert basemap_json(small)["objects"]["countries"]["geometries"]
    check_offline(small)
    with pytest.raises(ValueError, match="basemap must be one of"):
        standalone_html(ds, WINDOW, basemap="10m")  # type: ignore[arg-type]


def test_a_missing_asset_names_the_file_and_the_fix(ds: Dataset, tmp_path: Path) -> None:
    (tmp_path / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    web = tmp_path / "mapapp" / "web"
    web.mkdir(parents=True)
    (web / "mapapp.css").write_text("/* no mapapp.js beside it */", encoding="utf-8")
    with pytest.raises(MissingAssetError) as err:
        standalone_html(ds, WINDOW, root=tmp_path)
    message = str(err.value)
    assert str(web / "mapapp.js") in message
    assert "npm ci" in message and "mapapp assets" in message


def test_nothing_installed_fails_before_rendering(ds: Dataset, tmp_path: Path) -> None:
    with pytest.raises(MissingAssetError, match=r"/node_modules/\S+ is missing: .*`npm ci`.*`mapapp assets`"):
        standalone_html(ds, WINDOW, root=tmp_path)


@pytest.mark.skipif(not (REPO_ROOT / "static" / "vendor" / "leaflet" / "leaflet.js").is_file(),
                    reason="static/ not built (mapapp assets)")
def test_the_built_static_tree_is_enough(ds: Dataset, tmp_path: Path, page: str) -> None:
    (tmp_path / "static").symlink_to(REPO_ROOT / "static")  # no node_modules, no mapapp/web
    from_static = standalone_html(ds, WINDOW, root=tmp_path)
    strip = lambda h: re.sub(r"_[0-9a-f]{32}", "_ID", h)  # folium's random element ids
    # static/mapapp/*.js may be older than mapapp/web/ until `mapapp assets` runs again: compare the rest
    cut = lambda h: strip(h).split("<script>/* mapapp/mapapp.js */")[0].split("<style>/* mapapp/mapapp.css */")[0]
    assert cut(from_static) == cut(page)


def test_hostile_text_stays_escaped(tmp_path: Path) -> None:
    page = standalone_html(hostile_dataset(tmp_path), MapState())
    assert HOSTILE_TITLE not in page and 'onerror="window.__xss' not in page
    assert HOSTILE_NAME not in page and "window.__xss=2</script>" not in page
    assert "\\u003cimg src=x onerror=" in page  # there, as inert JSON text
    assert "\\u003c/script\\u003e\\u003cscript\\u003ewindow.__xss=2" in page
    check_offline(page)


def test_template_syntax_in_data_is_not_evaluated(tmp_path: Path) -> None:
    page = standalone_html(hostile_dataset(tmp_path, name="{{ 7*7 }} marker"), MapState())
    assert "\\u007b{ 7*7 }} marker" in page  # the JSON text, escaped for Jinja: decodes to the original
    assert "49 marker" not in page


def test_check_offline_refuses_remote_and_leftover_links() -> None:
    with pytest.raises(ValueError, match="a tag still loads a URL"):
        check_offline('<script src="/app/static/x.js"></script>')
    with pytest.raises(ValueError, match="unexpected web URL: https://unpkg.com/leaflet"):
        check_offline("<style>@import 'https://unpkg.com/leaflet';</style>")
    check_offline("<script>document.createElementNS('http://www.w3.org/2000/svg', 'svg')</script>")


def test_a_person_is_asked_for_only_when_given(ds: Dataset, page: str) -> None:
    """``person`` adds one request for the trail (the browser test checks it is drawn); escaped as JSON."""
    with_person = standalone_html(ds, WINDOW, person="mandelstam")
    assert with_person.count('person: "mandelstam"') == 1
    assert "__mapappPending" in with_person and 'person: "' not in page
