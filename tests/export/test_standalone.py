"""The standalone HTML map: one file with every asset inline, nothing fetched, data escaped.

The browser half (markers counted in Chromium with the network blocked) is tests/e2e/test_standalone.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import geodata_copy
from mapapp import GEODATA_DIR, REPO_ROOT
from mapapp.export.standalone import (
    NON_FETCHED_URLS,
    asset_path,
    check_offline,
    standalone_html,
    with_content_security_policy,
)
from mapapp.i18n import Lang
from mapapp.model.viewstate import MapState
from mapapp.webmap.assets import CSS_FILES, JS_FILES, MissingAssetError
from mapapp.webmap.mapview import Dataset, load_dataset, visible_place_ids

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
    match = re.search(r'\[\{"url": "data:application/json;charset=utf-8,([^"]+)", "minZoom": 0\}\]\);', page)
    assert match, "no basemap data URL handed to mapapp.init"
    return json.loads(unquote(match.group(1)))


def hostile_dataset(tmp_path: Path, **props: str) -> Dataset:
    events = json.loads((GEODATA_DIR / "events.geojson").read_text(encoding="utf-8"))
    places = json.loads((GEODATA_DIR / "places.geojson").read_text(encoding="utf-8"))
    events["features"][0]["properties"]["title_en"] = props.get("title", HOSTILE_TITLE)
    places["features"][0]["properties"]["name_en"] = props.get("name", HOSTILE_NAME)
    geodata_copy(tmp_path)
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
    match = re.search(r"<title>(.*?)</title>", page)
    assert match is not None
    title = match.group(1)
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
    (web / "timecontrol.js").write_text("/* the time control is here, mapapp.js is not */", encoding="utf-8")
    (web / "register.js").write_text("/* and the register layer */", encoding="utf-8")
    (web / "basemap.js").write_text("/* and the basemap */", encoding="utf-8")
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

    def strip(html: str) -> str:
        return re.sub(r"_[0-9a-f]{32}", "_ID", html)  # folium's random element ids

    # static/mapapp/*.js may be older than mapapp/web/ until `mapapp assets` runs again: compare the rest
    def cut(html: str) -> str:
        return strip(html).split("<script>/* mapapp/mapapp.js */")[0].split("<style>/* mapapp/mapapp.css */")[0]

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
    # A URL in data text is text (inside the payload's JSON): shown, never fetched. Outside it, refused.
    data = '{"note": "see https://example.org/list"}'
    check_offline(f"<script>mapapp.init(map, {data});</script>", data)
    with pytest.raises(ValueError, match="example.org"):
        check_offline(f"<script>mapapp.init(map, {data});</script>")


def test_a_url_in_data_text_does_not_stop_the_export(tmp_path: Path) -> None:
    page = standalone_html(hostile_dataset(tmp_path, title="Lists: https://example.org/lists"), WINDOW)
    assert "https://example.org/lists" in page


def test_a_person_is_asked_for_only_when_given(ds: Dataset, page: str) -> None:
    """``person`` adds one request for the trail (the browser test checks it is drawn); escaped as JSON."""
    with_person = standalone_html(ds, WINDOW, person="mandelstam")
    assert with_person.count('"person": "mandelstam"') == 1
    assert "__mapappPending" in with_person and 'request = {"places": [], "person": "' not in page


class _Inline(HTMLParser):
    """The text of every inline <script> and <style>, and the CSP <meta>s, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.policies: list[str] = []
        self.first_script_at: int | None = None
        self.policy_at: int | None = None
        self._open: str | None = None
        self._tags = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tags += 1
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.policies.append(a.get("content") or "")
            self.policy_at = self._tags
        if tag in ("script", "style") and "src" not in a:
            self._open = tag
            (self.scripts if tag == "script" else self.styles).append("")
            if tag == "script" and self.first_script_at is None:
                self.first_script_at = self._tags

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "script":
            self.scripts[-1] += data
        elif self._open == "style":
            self.styles[-1] += data


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (x.strip() for x in policy.split(";")) if d}


def test_the_page_runs_only_its_own_scripts(page: str) -> None:
    parsed = _Inline()
    parsed.feed(page)
    assert len(parsed.policies) == 1
    assert parsed.policy_at is not None and parsed.first_script_at is not None
    assert parsed.policy_at < parsed.first_script_at  # a policy after a script does not cover it
    policy = _directives(parsed.policies[0])
    assert policy["default-src"] == ["'none'"]
    assert sorted(policy["script-src"]) == sorted({_sha256(s) for s in parsed.scripts})
    assert len(parsed.scripts) >= 5  # leaflet, markercluster, topojson, mapapp, the map itself
    assert sorted(policy["style-src"]) == sorted({_sha256(s) for s in parsed.styles})
    assert policy["img-src"] == ["data:"] and policy["connect-src"] == ["data:"]
    for directive in ("base-uri", "form-action", "object-src"):
        assert policy[directive] == ["'none'"]
    words = " ".join(w for ws in policy.values() for w in ws)
    for loose in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:", "blob:"):
        assert loose not in words.split()


def test_hostile_text_adds_no_script_to_the_policy(tmp_path: Path, page: str) -> None:
    """A name holding </script><script> stays inside the payload: the same scripts, each allowed by hash."""
    clean, hostile = _Inline(), _Inline()
    clean.feed(page)
    hostile.feed(standalone_html(hostile_dataset(tmp_path), WINDOW))
    assert len(hostile.scripts) == len(clean.scripts)
    assert sorted(_directives(hostile.policies[0])["script-src"]) == sorted({_sha256(s) for s in hostile.scripts})


@pytest.mark.parametrize("broken", [
    "<html><head><title>x</title></head><body></body></html>",  # no charset meta
    '<html><head><script>1</script><meta charset="utf-8" /></head></html>',  # a script before it
    '<html><head><meta charset="utf-8" /><meta charset="utf-8" /></head></html>',  # two
])
def test_a_page_the_policy_cannot_cover_is_refused(broken: str) -> None:
    with pytest.raises(ValueError, match="charset"):
        with_content_security_policy(broken)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_page_says_its_language(ds: Dataset, lang: Lang) -> None:
    page = standalone_html(ds, MapState(lang=lang, start="1937-01", end="1937-12"), basemap="110m")
    assert page.count("<html") == 1 and f'<html lang="{lang}">' in page


def test_the_page_may_be_zoomed(ds: Dataset) -> None:
    page = standalone_html(ds, WINDOW, basemap="110m")
    assert "user-scalable=no" not in page and "maximum-scale" not in page
    assert page.count('<meta name="viewport" content="width=device-width, initial-scale=1.0" />') == 1
