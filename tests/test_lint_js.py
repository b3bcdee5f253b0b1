"""The browser code's lint: data text reaches the DOM as text, never as an HTML string.

``eslint.config.mjs`` (ESLint with eslint-plugin-no-unsanitized and the rules in
``eslint-rules/mapapp.mjs``) must pass on ``mapapp/web/*.js`` — that is the CI step — and must
catch each way markup gets in (table below): a rule that lets these through would pass anything.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ESLINT = REPO / "node_modules" / ".bin" / "eslint"

#: Defines what the snippets use, so that only the line under test can be reported.
PRELUDE = """\
function el(tag, cls, text) { var n = document.createElement(tag); if (cls) n.className = cls;
  if (text !== undefined) n.textContent = String(text); return n; }
function clusterNode(count) { var d = el("div"); d.appendChild(el("span", null, count)); return d; }
function popupContent(p) { return el("div", null, p.name); }
function format(v) { return String(v); }
var m = L.marker([0, 0]), map = L.map("x"), node = el("div"), p = {name: "x"}, S = {note: "x"};
var name = "x", html = "x", label = "x", n = 1, opts = {}, ll = [0, 0];
"""

UNSAFE = [
    # the bug of issue 9: a place's name as a tooltip string
    ("m.setTooltipContent(p.name);", "no-unsanitized/method"),
    ("m.bindTooltip(name, {permanent: true});", "no-unsanitized/method"),
    ('m.bindTooltip("<b>" + name + "</b>");', "no-unsanitized/method"),
    ("m.bindPopup(function () { return p.name; });", "no-unsanitized/method"),
    ("m.setPopupContent(html);", "no-unsanitized/method"),
    ("L.popup().setLatLng(ll).setContent(name).openOn(map);", "no-unsanitized/method"),
    ("map.openPopup(name, ll);", "no-unsanitized/method"),
    ("map.openTooltip(name, ll);", "no-unsanitized/method"),
    ("map.attributionControl.addAttribution(S.note);", "no-unsanitized/method"),
    ("map.attributionControl.setPrefix(S.note);", "no-unsanitized/method"),
    ('L.divIcon({html: "<div><span>" + n + "</span></div>"});', "mapapp/leaflet-html-option"),
    ("L.divIcon({html: label, className: 'x'});", "mapapp/leaflet-html-option"),
    ("new L.DivIcon({html: label});", "mapapp/leaflet-html-option"),
    ('L.divIcon({html: "<b>x</b>"});', "mapapp/leaflet-html-option"),
    ("L.divIcon({html: format(n)});", "mapapp/leaflet-html-option"),
    ("L.divIcon({'html': `${name}`});", "mapapp/leaflet-html-option"),
    ("L.tooltip({content: name});", "mapapp/leaflet-html-option"),
    ("L.popup({content: name});", "mapapp/leaflet-html-option"),
    ("node.innerHTML = name;", "no-unsanitized/property"),
    ('node.innerHTML = "";', "no-restricted-properties"),
    ("var copy = node.innerHTML;", "no-restricted-properties"),
    ("node.outerHTML = name;", "no-unsanitized/property"),
    ('node.insertAdjacentHTML("beforeend", name);', "no-unsanitized/method"),
    ("document.write(name);", "no-unsanitized/method"),
    ("eval(name);", "no-eval"),
    ("setTimeout(name, 10);", "no-implied-eval"),
    # a "node builder" that returns a string is no node builder
    ("function trailTip(a) { return '<b>' + a + '</b>'; } m.bindTooltip(trailTip(name));",
     "mapapp/node-builder-returns-node"),
    ("var arrowNode = function (a) { return `${a}`; }; L.divIcon({html: arrowNode(1)});",
     "mapapp/node-builder-returns-node"),
    # inline directives cannot switch the rules off (noInlineConfig)
    ("// eslint-disable-next-line\nnode.innerHTML = name;", "no-unsanitized/property"),
]

SAFE = [
    'm.setTooltipContent(el("span", null, p.name));',
    'm.bindTooltip(el("span"), {permanent: true});',
    'm.bindTooltip("", {});',
    "m.bindPopup(el('div', 'mapapp-popup'));",
    "m.setPopupContent(popupContent(p));",
    "L.popup(opts).setLatLng(ll).setContent(popupContent(p)).openOn(map);",
    "L.divIcon({html: clusterNode(n), className: 'marker-cluster'});",
    "L.divIcon({html: false});",
    'L.divIcon({html: ""});',
    "node.textContent = name;",
    "node.appendChild(document.createTextNode(name));",
    "m.openPopup();",
]


def _lint(sources: list[str]) -> list[list[str]]:
    """Rule ids reported for each snippet (with PRELUDE), linted with the project's config in one node run."""
    if not ESLINT.is_file() or shutil.which("node") is None:
        pytest.fail(f"{ESLINT} is missing. Fix: run `npm ci` (scripts/test.sh does).", pytrace=False)
    done = subprocess.run(["node", str(REPO / "tests" / "js" / "lint_snippets.mjs")], cwd=REPO,
                          input=json.dumps([PRELUDE + s for s in sources]), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def reported() -> dict[str, list[str]]:
    sources = [code for code, _ in UNSAFE] + SAFE + [""]
    return dict(zip(sources, _lint(sources), strict=True))


def test_the_prelude_alone_is_clean(reported: dict[str, list[str]]) -> None:
    assert reported[""] == []


@pytest.mark.parametrize(("code", "rule"), UNSAFE, ids=[c for c, _ in UNSAFE])
def test_markup_from_data_is_reported(reported: dict[str, list[str]], code: str, rule: str) -> None:
    assert rule in reported[code]


@pytest.mark.parametrize("code", SAFE)
def test_text_and_nodes_pass(reported: dict[str, list[str]], code: str) -> None:
    assert reported[code] == []


def test_mapapp_web_passes_the_lint() -> None:
    """The CI step: every file in mapapp/web/ (no warnings either)."""
    files = sorted(str(p.relative_to(REPO)) for p in (REPO / "mapapp" / "web").glob("*.js"))
    assert files, "no JavaScript in mapapp/web/"
    done = subprocess.run([str(ESLINT), "--max-warnings", "0", *files], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
