"""The cached map frame gives streamlit-folium's component exactly what ``st_folium`` would.

The page hands ``streamlit_folium._component_func`` arguments made by :mod:`mapapp.webmap.mapframe` instead
of calling ``st_folium``: these tests call the real ``st_folium`` with the component replaced by a
recorder and compare, so an upgrade of streamlit-folium that changes what it sends fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
import streamlit_folium

from mapapp.config import KioskSettings
from mapapp.kiosk.view import kiosk_payload
from mapapp.model.viewstate import MapState
from mapapp.webmap.mapfiles import map_files
from mapapp.webmap.mapframe import focus_js, map_frame
from mapapp.webmap.mapview import Dataset, build_map, focus_group, load_dataset

RETURNED = ["selected_tags"]


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def real_args(fmap: Any, monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> dict[str, Any]:
    """What ``st_folium(fmap, **kwargs)`` passes its component, ``on_change`` left out (a closure)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: calls.append(kw))
    streamlit_folium.st_folium(fmap, **kwargs)
    (args,) = calls
    assert callable(args.pop("on_change"))
    return args


@pytest.mark.parametrize(("state", "focus"), [
    (MapState(), None),
    (MapState(), (["moscow"], None)),
    (MapState(lang="ru", start="1937-01", end="1938-12", view="moscow"), (["moscow", "cherdyn"], "mandelstam")),
])
def test_the_frame_gives_the_component_what_st_folium_gives_it(ds: Dataset, monkeypatch: pytest.MonkeyPatch,
                                                               state: MapState,
                                                               focus: tuple[list[str], str | None] | None) -> None:
    served = {rel: f"/app/static/{rel}" for rel in map_files(ds)}
    group = focus_group(*focus) if focus else None
    expected = real_args(build_map(ds, state, served=served), monkeypatch, key=f"map-{state.lang}", height=720,
                         use_container_width=True, returned_objects=RETURNED, feature_group_to_add=group)
    frame = map_frame(build_map(ds, state, served=served), key=f"map-{state.lang}", returned_objects=RETURNED)
    got = frame.component_args(height=720, width=None,
                               feature_group=focus_js(tuple(focus[0]), focus[1]) if focus else None)
    assert got.keys() == expected.keys()
    for name in expected:  # one by one, so a failure names the argument
        assert got[name] == expected[name], name


def test_the_kiosk_frame_matches_too(ds: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    block = kiosk_payload(KioskSettings(enabled=True), (), "en")
    expected = real_args(build_map(ds, MapState(), kiosk=block), monkeypatch, key="map-en", height=900,
                         use_container_width=True, returned_objects=RETURNED)
    frame = map_frame(build_map(ds, MapState(), kiosk=block), key="map-en", returned_objects=RETURNED)
    assert frame.component_args(height=900, width=None, feature_group=None) == expected


def test_one_sessions_focus_never_reaches_the_shared_frame(ds: Dataset) -> None:
    frame = map_frame(build_map(ds, MapState()), key="map-en", returned_objects=RETURNED)
    before = frame.component_args(height=720, width=None, feature_group=None)
    focused = frame.component_args(height=720, width=None, feature_group=focus_js(("butovo",), None))
    assert '\"places\": ["butovo"]' in focused["feature_group"]
    after = frame.component_args(height=720, width=None, feature_group=None)
    assert after == before and "var request" not in after["script"] and after["feature_group"] is None


def test_focus_scripts_differ_only_by_their_focus() -> None:
    places = focus_js(("kirov", "smolny"))
    trail = focus_js(("moscow",), "mandelstam")
    assert 'var request = {"places": ["kirov", "smolny"], "person": null}' in places
    assert 'var request = {"places": ["moscow"], "person": "mandelstam"}' in trail
    assert "map_div.addLayer(feature_group_feature_group_0)" in places
    hostile = focus_js(("x",), "a</script><script>alert(1)//")
    assert "</script><script>alert(1)" not in hostile
