"""Trails on the map: the payload's ``trails``, the Focus that shows one, escaping of names, the search page."""

from __future__ import annotations

import json
from dataclasses import replace

import folium
import pytest
from streamlit.testing.v1 import AppTest

from mapapp import REPO_ROOT
from mapapp.model.trails import people_with_trails, trail_of
from mapapp.model.viewstate import MapState
from mapapp.webmap.mapview import Dataset, build_map, focus_group, load_dataset, payload

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def test_payload_has_every_trail_as_python_draws_it(ds: Dataset) -> None:
    data = payload(ds, MapState())
    trails = {t["id"]: t for t in data["trails"]}
    assert sorted(trails) == people_with_trails(ds)
    m = trails["mandelstam"]
    assert m["name"] == "Osip Mandelstam"
    assert [s["place"] for s in m["stops"]] == trail_of(ds, "mandelstam").place_ids
    assert len(m["segments"]) == len(trail_of(ds, "mandelstam").segments) == 5
    assert m["segments"][0] == {"from": "moscow", "to": "cherdyn", "label": "16–17 May 1934 → Jun 1934",
                                "start": "1934-05-17", "end": "1934-06-01", "approximate": False}
    ru = {t["id"]: t for t in payload(ds, MapState(lang="ru"))["trails"]}
    assert ru["mandelstam"]["name"].startswith("Осип")
    # popups need the people's ids next to their names
    event = next(e for e in data["events"] if e["id"] == "mandelstam_cherdyn")
    assert event["people_ids"][0] == "mandelstam" and len(event["people_ids"]) == len(event["people"])


def test_hostile_person_name_reaches_the_page_only_as_json(ds: Dataset) -> None:
    people = dict(ds.people)
    people["mandelstam"] = replace(people["mandelstam"], name_en=HOSTILE)
    hostile = replace(ds, people=people)
    html = build_map(hostile, MapState()).get_root().render()
    assert HOSTILE not in html and "<img" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html  # inert JSON text; mapapp.js shows it via textContent
    assert HOSTILE in {t["name"] for t in payload(hostile, MapState())["trails"]}


def test_focus_group_shows_a_trail_or_places() -> None:
    def script(group: folium.FeatureGroup) -> str:
        fmap = folium.Map(tiles=None)
        fmap.add_child(group)
        return fmap.get_root().render()

    with_person = script(focus_group(["moscow", "cherdyn"], person="mandelstam"))
    assert 'var request = {"places": ["moscow", "cherdyn"], "person": "mandelstam"}' in with_person
    places_only = script(focus_group(["moscow"]))
    assert 'var request = {"places": ["moscow"], "person": null}' in places_only
    hostile = script(focus_group(["x"], person="a</script><script>alert(1)//"))
    assert "</script><script>alert(1)" not in hostile


@pytest.mark.realdata
def test_searching_a_person_with_a_trail_shows_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAPAPP_GEODATA", raising=False)
    at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.text_input(key="query").input("mandelstam").run()
    assert not at.exception
    hit = at.selectbox(key="hit").value
    assert hit is not None and hit.id == "mandelstam"
    components = at.get("component_instance")
    group = json.loads(components[0].proto.json_args)["feature_group"]
    assert '"person": "mandelstam"}' in group
    at.text_input(key="query").input("Butovo").run()  # a place: focus as before
    group = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    assert 'var request = {"places": ["butovo"], "person": null}' in group
