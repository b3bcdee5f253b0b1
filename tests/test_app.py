"""The Streamlit page, driven by streamlit.testing's AppTest (no browser: it runs no JavaScript)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Element

from conftest import needs_real_data
from mapapp import REPO_ROOT
from mapapp.ingest.build import build
from mapapp.ingest.gazetteer import Gazetteer

APP = str(REPO_ROOT / "streamlit_app.py")


def map_args(at: AppTest) -> dict[str, Any]:
    """The arguments the page passed to st_folium (the map script, feature groups, asset links)."""
    components = at.get("component_instance")
    assert len(components) == 1, "the page should hold exactly one map"
    return json.loads(components[0].proto.json_args)


def download_labels(at: AppTest) -> list[str]:
    """The labels of the page's download buttons, in page order."""
    labels = []
    for button in at.get("download_button"):
        assert isinstance(button, Element), button  # a widget, not a container
        labels.append(button.label)
    return labels


def payload(args: dict[str, Any]) -> dict[str, Any]:
    """The JSON payload handed to mapapp.init inside the map script."""
    match = re.search(r"mapapp\.init\(\w+, ", args["script"])
    assert match, "the map script should call mapapp.init with the payload"
    data, _ = json.JSONDecoder().raw_decode(args["script"], match.end())
    return data


@pytest.fixture
def fixture_app(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    build(data_dir, tmp_path / "geo", test_gazetteer)
    monkeypatch.setenv("MAPAPP_GEODATA", str(tmp_path / "geo"))
    return AppTest.from_file(APP, default_timeout=60).run()


def test_page_shows_the_map_with_local_assets_only(fixture_app: AppTest) -> None:
    at = fixture_app
    assert not at.exception
    assert at.title[0].value == "The Great Purge, 1934–1953: a map"
    args = map_args(at)
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/") for link in links)
    assert "http://" not in args["script"] and "https://" not in args["script"]
    data = payload(args)
    assert {p["id"] for p in data["places"]} == {"smolny", "kirov_city", "lubyanka"}
    assert data["strings"]["play"] == "Play"


def test_language_switch_rebuilds_the_map_in_russian(fixture_app: AppTest) -> None:
    at = fixture_app
    at.radio(key="lang").set_value("ru").run()
    assert not at.exception
    assert at.title[0].value == "Большой террор, 1934–1953: карта"
    data = payload(map_args(at))
    assert data["lang"] == "ru" and data["strings"]["play"] == "Пуск"
    assert "Смольный" in {p["name"] for p in data["places"]}
    assert download_labels(at) == ["GeoJSON", "CSV", "Создать и скачать карту"]


@pytest.mark.parametrize(("query", "hit_id", "focus"), [
    ("vyatka", "kirov_city", '["kirov_city"]'),
    ("ВЯТКА", "kirov_city", '["kirov_city"]'),
    ("Smolny", "smolny", '["smolny"]'),
    ("kostrikov", "kirov", '["smolny"]'),  # a person: the places of their events
    ("ezhov", "yezhov", '["lubyanka"]'),  # found under another spelling
])
def test_search_finds_historic_names_and_focuses_the_map(fixture_app: AppTest, query: str, hit_id: str,
                                                         focus: str) -> None:
    at = fixture_app
    at.text_input(key="query").input(query).run()
    assert not at.exception
    hit = at.selectbox(key="hit").value
    assert hit is not None and hit.id == hit_id
    group = map_args(at)["feature_group"]
    assert f'var request = {{"places": {focus}, "person": ' in group


def test_unknown_search_says_so(fixture_app: AppTest) -> None:
    at = fixture_app
    at.text_input(key="query").input("zzzz-nowhere").run()
    assert "Nothing found." in [i.value for i in at.info]
    assert "var request" not in (map_args(at)["feature_group"] or "")


@needs_real_data
@pytest.mark.realdata
def test_page_runs_on_the_committed_geodata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAPAPP_GEODATA", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    data = payload(map_args(at))
    assert len(data["places"]) > 50 and len(data["events"]) > 100
    # The borders come by URL when static/ serves this very file (scripts/test.sh installs it), else inline.
    from mapapp import GEODATA_DIR
    from mapapp.webmap.mapfiles import served
    from mapapp.webmap.mapview import load_dataset

    urls = served(load_dataset(GEODATA_DIR), REPO_ROOT)
    fetched = bool(urls)  # scripts/test.sh installs static/ from this very geodata/
    assert ("urls" in data["borders"]) is fetched and ("features" in data["borders"]) is not fetched
    snapshots = [s["snapshot"] for s in data["borders"]["spans"]]
    assert snapshots[1:4] == ["world_1930", "ussr_1922-12-30", "ussr_1939-09-17"] and "world_1960" in snapshots
    # the camps come the same way as the borders
    for c in data["collections"]:
        assert c["url"] == urls.get(f"geodata/collections/{c['id']}.en.json")
        assert (c["features"] is None) is fetched
    assert [c["id"] for c in data["collections"]] == ["gulag-camps", "moscow-executions", "topography-of-terror"]
    # the people shot come in shards, by URL when served, never inside the map
    people = next(c for c in data["collections"] if c["id"] == "moscow-executions")
    assert bool(people["recordUrls"]) is fetched and (people["records"] == {}) is fetched


def test_a_camp_found_by_another_name_focuses_its_locations_and_offers_its_download(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAPAPP_GEODATA", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="query").input("Севвостлаг").run()
    assert not at.exception
    hit = at.selectbox(key="hit").value
    assert hit is not None and hit.id == "gulag-camps/7"
    group = map_args(at)["feature_group"]
    assert '"collection": "gulag-camps"' in group and '"features": ["' in group
    titles = ["Gulag camp administrations, 1918–1960", "People shot in Moscow, by last address",
              "Topography of Terror: Moscow's prisons, shooting and burial grounds"]
    assert download_labels(at) == ["GeoJSON", "CSV", *(f"{kind} — {title}" for title in titles
                                                       for kind in ("GeoJSON", "CSV")), "Make and download the map"]
    assert any("Gulag camp administrations, 1918–1960 — 1953: " in c.value for c in at.caption)


@pytest.fixture
def kiosk_app(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    build(data_dir, tmp_path / "geo", test_gazetteer)
    (tmp_path / "tour.csv").write_text(
        "id,start,end,view,places,caption_en,caption_ru,duration_s\n"
        "murder,1934-12,1934-12,,smolny,Kirov is shot.,Кирова убивают.,6\n"
        "hq,1937-01,1938-12,moscow,lubyanka,The NKVD headquarters.,Здание НКВД.,8\n", encoding="utf-8")
    (tmp_path / "kiosk.toml").write_text(
        f'[kiosk]\nenabled = true\nidle_timeout_s = 45\ntour = "{tmp_path / "tour.csv"}"\n'
        'languages = ["ru", "en"]\n[kiosk.start]\nlang = "ru"\nstart = "1937-01"\nend = "1938-12"\n'
        'view = "moscow"\n', encoding="utf-8")
    monkeypatch.setenv("MAPAPP_GEODATA", str(tmp_path / "geo"))
    monkeypatch.setenv("MAPAPP_CONFIG", str(tmp_path / "kiosk.toml"))
    return AppTest.from_file(APP, default_timeout=60).run()


def test_kiosk_page_is_only_the_language_and_the_map(kiosk_app: AppTest) -> None:
    at = kiosk_app
    assert not at.exception
    assert not at.text_input and not at.get("download_button") and not at.title
    radio = at.radio(key="lang")
    assert radio.options == ["Русский", "English"] and radio.value == "ru"
    data = payload(map_args(at))
    assert data["lang"] == "ru"
    assert (data["state"]["start"], data["state"]["end"], data["state"]["view"]) == ("1937-01", "1938-12", "moscow")
    assert [s["caption"] for s in data["kiosk"]["tour"]] == ["Кирова убивают.", "Здание НКВД."]


def test_kiosk_language_switch_keeps_the_tour_in_step(kiosk_app: AppTest) -> None:
    at = kiosk_app
    at.radio(key="lang").set_value("en").run()
    data = payload(map_args(at))
    assert [s["caption"] for s in data["kiosk"]["tour"]] == ["Kirov is shot.", "The NKVD headquarters."]
    assert data["strings"]["play"] == "Play"


def test_visitor_page_has_no_kiosk_behaviour(fixture_app: AppTest) -> None:
    assert payload(map_args(fixture_app))["kiosk"] is None


def test_a_bad_config_is_reported_on_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "kiosk.toml").write_text("[kiosk]\nenabled = \"yes\"\nidle_timout_s = 45\n", encoding="utf-8")
    monkeypatch.setenv("MAPAPP_CONFIG", str(tmp_path / "kiosk.toml"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.error[0].value == "The configuration has problems:"
    message = at.code[0].value  # as text, not Markdown: the values quoted come from the file
    assert "kiosk.enabled" in message and "idle_timout_s" in message  # every problem, together
    assert not at.get("component_instance")


def test_a_config_value_is_never_read_as_markdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "kiosk.toml").write_text('geodata = "[x](https://example.invalid/) **b**"\n', encoding="utf-8")
    monkeypatch.setenv("MAPAPP_CONFIG", str(tmp_path / "kiosk.toml"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "[x](https://example.invalid/) **b**" in at.code[0].value
    assert all("example.invalid" not in e.value for e in at.error)  # only in the code block, as text


def test_visitor_page_offers_a_printable_map(fixture_app: AppTest) -> None:
    at = fixture_app
    assert at.selectbox(key="export_format").options == ["PNG", "PDF", "SVG", "HTML"]
    assert "Make and download the map" in download_labels(at)
    at.radio(key="lang").set_value("ru").run()
    assert "Создать и скачать карту" in download_labels(at)


def test_download_section_says_what_the_files_hold(fixture_app: AppTest) -> None:
    from mapapp.model.viewstate import MapState
    from mapapp.webmap.download import window_events
    from mapapp.webmap.mapview import load_dataset

    n = len(window_events(load_dataset(Path(os.environ["MAPAPP_GEODATA"])), MapState()))
    assert f"Jan 1934 – Dec 1953: {n} events." in [c.value for c in fixture_app.caption]


@needs_real_data
@pytest.mark.realdata
@pytest.mark.parametrize(("query", "caption"), [
    ("mandelstam", "With the trail of Osip Mandelstam, chosen in the search."),
    ("lubyanka", None),  # a place: no trail to draw
])
def test_a_person_chosen_in_search_goes_into_the_printable_map(monkeypatch: pytest.MonkeyPatch, query: str,
                                                               caption: str | None) -> None:
    monkeypatch.delenv("MAPAPP_GEODATA", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="query").input(query).run()
    assert not at.exception
    captions = [c.value for c in at.text if c.value.startswith("With the trail of")]
    assert captions == ([caption] if caption else [])


def test_the_cached_map_frame_is_what_st_folium_sent(fixture_app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    at = fixture_app.text_input(key="query").input("vyatka").run()
    monkeypatch.setenv("MAPAPP_PAGE_CACHE", "0")  # the benchmark's switch: build and render through st_folium
    naive = AppTest.from_file(APP, default_timeout=60).run()
    naive.text_input(key="query").input("vyatka").run()
    assert not at.exception and not naive.exception
    assert map_args(at) == map_args(naive)
    assert at.get("component_instance")[0].proto.id == naive.get("component_instance")[0].proto.id


def test_one_sessions_search_stays_out_of_a_new_sessions_map(fixture_app: AppTest) -> None:
    fresh_before = map_args(AppTest.from_file(APP, default_timeout=60).run())
    fixture_app.text_input(key="query").input("smolny").run()
    assert '\"places\": ["smolny"]' in map_args(fixture_app)["feature_group"]
    fresh_after = map_args(AppTest.from_file(APP, default_timeout=60).run())  # the same server's caches
    assert fresh_after["feature_group"] is None and fresh_after == fresh_before


@pytest.mark.parametrize(("broken", "content"), [
    ("places.geojson", "{not json"),
    ("places.geojson", None),  # missing
    ("events.geojson", '{"type": "FeatureCollection", "features": [{"properties": {}}]}'),
    ("borders.geojson", "[1, 2"),
    ("people.json", '{"people": 1}'),
])
def test_unreadable_map_data_gets_a_short_message_without_paths(
        data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture, broken: str, content: str | None) -> None:
    geo = tmp_path / "geo"
    build(data_dir, geo, test_gazetteer)
    if content is None:
        (geo / broken).unlink()
    else:
        (geo / broken).write_text(content, encoding="utf-8")
    monkeypatch.setenv("MAPAPP_GEODATA", str(geo))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception  # no traceback element
    assert [e.value for e in at.error] == [f"The map data could not be read ({broken}). Fix: run `mapapp build`."]
    shown = json.dumps([str(e.proto) for e in at.main], ensure_ascii=False)
    assert str(tmp_path) not in shown and "Traceback" not in shown and str(REPO_ROOT) not in shown
    assert not at.get("component_instance")
    assert any(r.name == "mapapp.page" and r.exc_info and str(geo) in r.getMessage() for r in caplog.records)


def test_the_bar_holds_title_search_and_language_above_the_map(fixture_app: AppTest) -> None:
    """The map first: title, search and language in one bar above the map; the window's files after it under
    second-level headings (the bar's title is the page's one h1)."""
    at = fixture_app
    blocks = [b for b in at.main.children.values() if isinstance(b, Block)]
    holds = [(len(b.get("title")), len(b.get("text_input")), len(b.get("radio")), len(b.get("component_instance")))
             for b in blocks]
    bar = next(k for k, h in enumerate(holds) if h[:3] == (1, 1, 1))  # one block holds all three
    assert holds[bar][3] == 0 and any(h[3] for h in holds[bar + 1:])  # the map comes after it
    assert [h.value for h in at.header] == ["Download the events of this period", "A printable map of this period"]
    query = at.text_input(key="query")
    assert query.label == "Search people and places"  # the name a screen reader says, not shown
    assert query.proto.label_visibility.value == query.proto.label_visibility.COLLAPSED


@pytest.fixture
def register_app(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The page on the test data with a small register built beside it."""
    from mapapp.ingest.register import import_register
    from tests.ingest.test_register import packed, resolver, write_register

    build(data_dir, tmp_path / "geo", test_gazetteer)
    rows = [[1, "Иванов", "Иван", "г. Москва", "", packed(1937, 8, 15), "", "ВМН"],
            [2, "Петров", "Пётр", "Долинка", "", packed(1938, 0, 0), "", "10 лет"]]
    folder = tmp_path / "src" / "victims"
    import_register(write_register(folder, rows), folder, tmp_path / "geo" / "collections", resolver())
    monkeypatch.setenv("MAPAPP_GEODATA", str(tmp_path / "geo"))
    return AppTest.from_file(APP, default_timeout=60).run()


@pytest.mark.parametrize("query", ["Иванов", "ivanov", "Ivan Ivanov"])
def test_a_register_s_record_is_found_by_name_and_opened_on_the_map(register_app: AppTest, query: str) -> None:
    from mapapp.webmap.registerview import RegisterHit

    at = register_app
    assert not at.exception
    assert [r["id"] for r in payload(map_args(at))["registers"]] == ["victims"]
    at.text_input(key="query").input(query).run()
    assert not at.exception
    hit = at.selectbox(key="hit").value
    assert isinstance(hit, RegisterHit) and hit.record.name == "Иванов Иван"
    assert hit.label("en") == "Иванов Иван — 15.08.1937, г. Москва (record)"
    group = map_args(at)["feature_group"]
    assert '"register": "victims"' in group and '"date": "1937-08-15"' in group and '"month": 23251' in group


def test_a_register_s_window_is_offered_as_a_streamed_file(register_app: AppTest) -> None:
    """Its layer on: the page states what the file holds and links the download route, never holds the file."""
    at = register_app
    (link,) = [e for e in at.get("link_button") if e.proto.label.startswith("CSV of the records")]
    assert link.proto.label == "CSV of the records — Register"
    assert link.proto.url == "/mapapp/registers/victims.csv?start=1934-01&end=1953-12&lang=en"
    # both records are in 1934–1953, one dated to the day and one to its year alone, a year the window holds whole
    assert any(c.value.startswith("Register — the window: 2 records, one row each") for c in at.caption)
    assert not [b for b in at.get("download_button") if "Register" in b.proto.label]


def test_a_register_s_file_is_not_offered_with_its_layer_off(register_app: AppTest) -> None:
    at = register_app
    at.session_state["state"] = replace(at.session_state["state"], layers=("nkvd",))
    at.run()
    assert not at.exception
    assert not [e for e in at.get("link_button") if e.proto.label.startswith("CSV of the records")]
