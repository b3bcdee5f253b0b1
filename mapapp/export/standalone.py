"""The interactive map of one window as a single HTML file that opens by double-click, offline.

:func:`standalone_html` renders the very map the app shows (:func:`mapapp.webmap.mapview.build_map`, not a
copy of it) and inlines what it would load from ``/app/static/``: every script and stylesheet goes
into the page, images referenced by the stylesheets become ``data:`` URIs, and the Natural Earth
TopoJSON reaches ``mapapp.init`` as a ``data:application/json`` URL. The file needs no server, no
``static/`` folder and no network.

How: ``build_map`` is called with a placeholder ``static_url``; the asset list it chose
(``default_js``/``default_css``) is read back, emptied, and replaced by inline elements in the same
order, and the basemap is passed to ``build_map`` as a data URL.
Files are read from their sources (``node_modules/`` and ``mapapp/web/``, through the tables in
:mod:`mapapp.webmap.assets`), falling back to the generated ``static/`` tree; a missing file raises
:class:`~mapapp.webmap.assets.MissingAssetError` naming it and the fix. The rendered page is checked
before it is returned: nothing in it may still point at a URL a browser would fetch.

Defence in depth: the page carries a Content-Security-Policy (:func:`content_security_policy`) that
runs only its own scripts, by hash, and so no inline event handler, ``javascript:`` URL or script a
piece of data text might smuggle in; styles likewise by hash; images, the basemap fetch and nothing
else from ``data:`` URLs.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import mimetypes
import re
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from branca.element import Element, Figure
from jinja2 import Template

from mapapp import REPO_ROOT, __version__
from mapapp.i18n import strings
from mapapp.model.viewstate import MapState
from mapapp.webmap.assets import STATIC_DIRNAME, VENDOR_FILES, WEB_DIR, MissingAssetError, missing_message
from mapapp.webmap.mapview import BasemapLevel, Dataset, Focus, MapappLayer, build_map

#: The ``static_url`` handed to ``build_map``: every asset URL it makes starts with it, so each one
#: can be mapped back to its file. Never reaches the output (the post-check would refuse it).
PLACEHOLDER = "mapapp-standalone-asset:"

Basemap = Literal["50m", "110m"]
#: Natural Earth resolutions that can be inlined: ``50m`` is what the app draws (~0.76 MB of
#: TopoJSON), ``110m`` is coarser and ~7× smaller (~0.11 MB).
BASEMAPS: tuple[str, ...] = ("50m", "110m")

#: Characters left as they are in the basemap's ``data:`` URL. TopoJSON is digits and JSON
#: punctuation; percent-encoding only the rest (``%``, ``#``, quotes, spaces, non-ASCII, …) is
#: about a quarter smaller than base64 and is decoded by the browser's data-URL parser the same way.
#: Braces stay encoded: branca re-reads each element's rendered script as a Jinja template, and
#: ``{%``/``{{``/``{#`` in the URL would be taken for template syntax.
_DATA_URL_SAFE = "-_.~!$&'()*+,;=:@/[]"

#: Namespace identifiers and hyperlinks inside the inlined files: strings, never fetched.
NON_FETCHED_URLS = frozenset({
    "http://www.w3.org/2000/svg",            # createElementNS in Leaflet and mapapp.js
    "https://leafletjs.com",                 # Leaflet's default attribution link (mapapp replaces it)
    "https://github.com/topojson/topojson-client",  # licence comment
    "https://bugs.chromium.org/p/chromium/issues/detail?id=600120",  # comment in leaflet.css
    "https://bugzilla.mozilla.org/show_bug.cgi?id=888319",           # comment in leaflet.css
})

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.I | re.S)
_CHARSET_META = '<meta charset="utf-8" />'
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_URL = re.compile(r"""https?://[^\s"'<>()\\]+""")


class _Raw(Element):
    """Markup inserted as is (``Element`` would run its text through Jinja)."""

    _template = Template("{{ this.markup }}")

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.markup = markup


def _source_candidates(rel: str, root: Path) -> list[Path]:
    """Where the file served as ``static/<rel>`` comes from: its source first, then ``static/`` itself."""
    candidates: list[Path] = []
    if rel.startswith("vendor/"):
        dest = rel[len("vendor/"):]
        for src_rel, dest_rel in VENDOR_FILES:
            if dest == dest_rel:
                candidates.append(root / "node_modules" / src_rel)
            elif dest.startswith(dest_rel + "/"):  # a file of a copied directory
                candidates.append(root / "node_modules" / src_rel / dest[len(dest_rel) + 1:])
    elif rel.startswith("mapapp/"):
        candidates.append(root / WEB_DIR / rel[len("mapapp/"):])
    candidates.append(root / STATIC_DIRNAME / rel)
    return candidates


def asset_path(rel: str, root: Path = REPO_ROOT) -> Path:
    """The file behind ``static/<rel>``; :class:`MissingAssetError` (with the fix) when there is none."""
    candidates = _source_candidates(rel, root)
    for path in candidates:
        if path.is_file():
            return path
    raise MissingAssetError(missing_message(candidates[0], root))


def _rel(url: str) -> str:
    if not url.startswith(PLACEHOLDER + "/"):
        raise ValueError(f"build_map asked for {url!r}, which is not a local asset: cannot inline it")
    return url[len(PLACEHOLDER) + 1:]


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(rel: str, root: Path) -> str:
    """A stylesheet with each relative ``url(...)`` replaced by the file as a data URI."""
    path = asset_path(rel, root)
    text = path.read_text(encoding="utf-8")
    base = rel.rsplit("/", 1)[0]

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith(("#", "data:")):  # a fragment (IE's `behavior`) or already inline
            return match.group(0)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^/", target, re.I):
            raise ValueError(f"{path} refers to {target!r}, which cannot be inlined")
        return f'url("{_data_uri(asset_path(f"{base}/{target}", root))}")'

    text = _CSS_URL.sub(replace, text)
    if re.search(r"</style", text, re.I):
        raise ValueError(f"{path} contains '</style': it cannot be inlined in a <style> element")
    return f"<style>/* {rel} */\n{text}\n</style>"


def _inline_js(rel: str, root: Path) -> str:
    path = asset_path(rel, root)
    text = path.read_text(encoding="utf-8")
    # Inside <script>, only "</script" and "<!--" can end or confuse the element; these escapes
    # keep the meaning of the strings and comments they can appear in.
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.I).replace("<!--", "<\\!--")
    return f"<script>/* {rel} */\n{text}\n</script>"


def basemap_data_url(rel: str, root: Path = REPO_ROOT) -> str:
    """The TopoJSON at ``static/<rel>`` as a compact ``data:application/json`` URL (checked to parse)."""
    path = asset_path(rel, root)
    raw = path.read_text(encoding="utf-8")
    json.loads(raw)  # a truncated download should fail here, not as a blank map
    return "data:application/json;charset=utf-8," + quote(raw, safe=_DATA_URL_SAFE)


def _licences(root: Path) -> list[str]:
    """``name version (licence)`` of every npm package the page inlines, from its package.json."""
    packages: list[str] = []
    for src_rel, _ in VENDOR_FILES:
        parts = src_rel.split("/")
        pkg = "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]
        if pkg not in packages:
            packages.append(pkg)
    out = []
    for pkg in packages:
        try:
            meta = json.loads((root / "node_modules" / pkg / "package.json").read_text(encoding="utf-8"))
            out.append(f"{meta.get('name', pkg)} {meta.get('version', '')} ({meta.get('license', '?')})")
        except (OSError, ValueError):
            out.append(pkg)
    return out


_FOOTER_CSS = """<style>
body { display: flex; flex-direction: column; }
body > .folium-map { flex: 1 1 auto; height: auto !important; min-height: 0; }
.mapapp-standalone-footer { order: 2; flex: none; margin: 0; padding: 4px 10px; border-top: 1px solid #ccc;
  background: #fafafa; color: #333; font: 12px/1.45 "DejaVu Sans", "Noto Sans", Arial, sans-serif; }
</style>"""


def _footer(state: MapState, root: Path) -> str:
    s = strings(state.lang)
    software = ", ".join([f"mapapp {__version__} (MIT)", *_licences(root)])
    label = "Программы" if state.lang == "ru" else "Software"
    return (f'<footer class="mapapp-standalone-footer" role="contentinfo">'
            f"<div>{html.escape(s['sources'])}</div>"
            f"<div>{html.escape(label)}: {html.escape(software)}.</div></footer>")


def _title(state: MapState) -> str:
    s = strings(state.lang)
    window = f"{s['mode_asof']} {state.end}" if state.mode == "asof" else f"{state.start} – {state.end}"
    return f"{s['title']} — {window}"


def check_offline(page: str, data_json: str = "") -> None:
    """Raise ValueError if ``page`` still loads anything by URL (a src/href, a CSS url(), a web URL).

    ``data_json``: the map's payload as the page carries it. Data text may well hold a URL (a citation,
    a note); inside the JSON it is a string the page shows as text and never fetches, so it is left out.
    """
    if data_json:
        page = page.replace(data_json, "{}")
    problems = []
    if PLACEHOLDER in page:
        problems.append(f"an asset URL ({PLACEHOLDER}...) was left in the page")
    for tag in re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=[^>]*>", page, re.I):
        problems.append(f"a tag still loads a URL: {tag[:120]}")
    for url in sorted(set(_URL.findall(page)) - NON_FETCHED_URLS):
        problems.append(f"an unexpected web URL: {url[:120]}")
    if problems:
        raise ValueError("the standalone page is not self-contained:\n  " + "\n  ".join(problems))


def _hashes(bodies: list[str]) -> list[str]:
    """CSP source expressions for these element texts (sha256 of their UTF-8, as browsers hash them)."""
    return sorted({f"'sha256-{base64.b64encode(hashlib.sha256(b.encode('utf-8')).digest()).decode('ascii')}'"
                   for b in bodies})


def content_security_policy(page: str) -> str:
    """The policy for ``page``: its own inline scripts and styles by hash, ``data:`` images and fetches, nothing else.

    No ``'unsafe-inline'`` and no ``'unsafe-eval'``: an inline event handler (``onerror=…``), a
    ``javascript:`` URL or a script element that is not one of the page's own does not run.
    """
    scripts = [body for attrs, body in _SCRIPT.findall(page) if not re.search(r"\bsrc\s*=", attrs, re.I)]
    styles = _STYLE.findall(page)
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(_hashes(scripts)),
        "style-src " + " ".join(_hashes(styles)),
        "img-src data:",
        "connect-src data:",  # the basemap, fetched from its data: URL
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
    ])


_VIEWPORT = re.compile(r'<meta name="viewport" content="width=device-width,\s*initial-scale=1\.0, maximum-scale=1\.0, '
                       r'user-scalable=no" />')


def allow_page_zoom(page: str) -> str:
    """``page`` with folium's viewport <meta> (which forbids zooming the page, WCAG 1.4.4) made to allow it.

    The map pinches and zooms itself either way; this lets a reader enlarge the page's text. Raises if folium's
    <meta> is not there to replace, so a folium upgrade that changes it is noticed.
    """
    fixed, n = _VIEWPORT.subn('<meta name="viewport" content="width=device-width, initial-scale=1.0" />', page)
    if n != 1:
        raise ValueError("folium's viewport <meta> was not found once in the standalone page")
    return fixed


def with_content_security_policy(page: str) -> str:
    """``page`` with its :func:`content_security_policy` as a ``<meta>`` right after the charset, before any script."""
    if page.count(_CHARSET_META) != 1 or page.find(_CHARSET_META) > page.lower().find("<script"):
        raise ValueError("the standalone page has no single charset <meta> before its first script")
    policy = html.escape(content_security_policy(page), quote=False).replace('"', "&quot;")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}" />'
    return page.replace(_CHARSET_META, _CHARSET_META + "\n    " + meta)


def standalone_html(ds: Dataset, state: MapState, *, basemap: Basemap = "50m", root: Path = REPO_ROOT,
                    person: str | None = None) -> str:
    """The map of ``ds`` in ``state`` as one self-contained HTML document (scripts, styles, images, basemap inline).

    ``person``: someone with a trail (:func:`mapapp.model.trails.trail_of`), shown on opening with the map
    fitted to it, as the app shows a person chosen in its search.

    ``basemap``: the Natural Earth resolution, ``"50m"`` (the app's from zoom 4; the default) or ``"110m"``
    (a file about 0.6 MB smaller, coarser borders). ``root``: the checkout holding ``node_modules/``,
    ``mapapp/web/`` and ``static/``. Raises :class:`~mapapp.webmap.assets.MissingAssetError` when a file is
    missing (the message names it and says to run ``npm ci && mapapp assets``).
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {', '.join(BASEMAPS)}, not {basemap!r}")
    root = Path(root)
    basemap_rel = f"vendor/world-atlas/countries-{basemap}.json"
    fmap = build_map(ds, state, static_url=PLACEHOLDER, basemap=(BasemapLevel(basemap_data_url(basemap_rel, root), 0),),
                     bundled=False)  # the scripts inlined one by one, from their sources
    if person is not None:
        fmap.add_child(Focus([], person))
    js = [_rel(url) for _, url in fmap.default_js]
    css = [_rel(url) for _, url in fmap.default_css]
    fmap.default_js, fmap.default_css = [], []  # folium would add <script src>/<link href> tags for them

    figure = fmap.get_root()
    assert isinstance(figure, Figure)  # a folium Map's root is a branca Figure
    figure.title = html.escape(_title(state))
    figure.header.add_child(_Raw('<meta charset="utf-8" />'), name="meta_http")  # replaces folium's http-equiv
    # Stylesheets first, then scripts, as folium orders them; all of them before the map's own script.
    for i, rel in enumerate(css):
        figure.header.add_child(_Raw(_inline_css(rel, root)), name=f"standalone_css_{i}")
    for i, rel in enumerate(js):
        figure.header.add_child(_Raw(_inline_js(rel, root)), name=f"standalone_js_{i}")
    figure.header.add_child(_Raw(_FOOTER_CSS), name="standalone_footer_css")
    figure.html.add_child(_Raw(_footer(state, root)), name="standalone_footer")

    # the page's language, for screen readers and hyphenation (branca writes a bare <html>)
    rendered = figure.render().replace("<html>", f'<html lang="{state.lang}">', 1)
    page = with_content_security_policy(allow_page_zoom(rendered))
    check_offline(page, next(c.data_json for c in fmap._children.values() if isinstance(c, MapappLayer)))
    return page
