"""What streamlit-folium sends the browser for a map, worked out once per map instead of on every run.

On every script run ``st_folium`` renders the folium map it is given, regex-processes the whole
script (~160 KB), hashes it, and adds the session's feature group (the search focus) to that map
object. The base map is the same for every session that starts from the same state, so
:func:`map_frame` does that work once and keeps only the strings; :func:`focus_js` makes the one
per-session part, the focus group's script, on a throwaway map, so no shared map ever carries one
session's search into another's. :meth:`MapFrame.component_args` then gives exactly the keyword
arguments ``st_folium`` passes its component (streamlit-folium is pinned; ``tests/webmap/test_mapframe.py``
compares the two, so an upgrade that changes them fails there).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import branca.colormap
import folium
import folium.elements
import folium.plugins
import streamlit_folium as sf

from mapapp.webmap.mapview import focus_group


@dataclass(frozen=True)
class MapFrame:
    """The session-independent part of what ``st_folium`` hands its component for one map."""

    script: str
    header: str
    html: str
    id: str
    #: The component's key: streamlit-folium's hash of the script, the widget key and ``return_on_hover``.
    key: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    default: Mapping[str, Any]
    returned_objects: tuple[str, ...] | None
    return_on_hover: bool = False

    def component_args(self, *, height: int, width: int | None, feature_group: str | None) -> dict[str, Any]:
        """Keyword arguments for ``streamlit_folium._component_func``, as ``st_folium`` builds them.

        ``feature_group`` is :func:`focus_js`'s output (None: no focus). ``st_folium``'s ``on_change``
        (which copies the map's value to ``st.session_state[key]``) is left out: the page never reads it.
        """
        return {
            "script": self.script, "header": self.header, "html": self.html, "id": self.id, "key": self.key,
            "height": height, "width": width,
            "returned_objects": None if self.returned_objects is None else list(self.returned_objects),
            "default": dict(self.default), "zoom": None, "center": None, "feature_group": feature_group,
            "return_on_hover": self.return_on_hover, "layer_control": None, "pixelated": False,
            "css_links": list(self.css_links), "js_links": list(self.js_links), "wrap_longitude": False,
        }


def _links(fmap: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The map's CSS and JS links in load order, deduplicated (``st_folium``'s walk; no colormaps here)."""
    css: list[str] = []
    js: list[str] = []

    def walk(element: Any) -> Iterable[Any]:
        if isinstance(element, (branca.colormap.ColorMap, folium.plugins.DualMap)):
            raise ValueError("map_frame handles a plain folium.Map without colormaps or dual maps")
        if isinstance(element, folium.elements.JSCSSMixin):
            yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    for element in walk(fmap):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def map_frame(fmap: folium.Map, *, key: str | None, returned_objects: Iterable[str] | None = None,
              return_on_hover: bool = False) -> MapFrame:
    """Everything ``st_folium(fmap, key=key, ...)`` computes from the map itself, in its order.

    Like ``st_folium`` this renders ``fmap`` and renames its elements, so the map is used up: build a
    fresh one for each call (the result is meant to be cached and shared, the map is not).
    """
    fmap.get_root().render()
    fmap.render()
    # streamlit-folium's own helpers, in st_folium's order (_get_map_string renames the map's ids).
    html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    southwest, northeast = fmap.get_bounds()
    defaults = {
        "last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
        "last_active_drawing": None,
        "bounds": {"_southWest": {"lat": southwest[0], "lng": southwest[1]},
                   "_northEast": {"lat": northeast[0], "lng": northeast[1]}},
        "zoom": fmap.options.get("zoom"), "last_circle_radius": None, "last_circle_polygon": None,
        "selected_layers": None, "selected_tags": None, "last_geocoder_result": None,
    }
    wanted = None if returned_objects is None else tuple(returned_objects)
    css, js = _links(fmap)
    return MapFrame(script=script, header=header, html=html, id=sf.get_full_id(fmap),
                    key=sf.generate_js_hash(script, key, return_on_hover), css_links=css, js_links=js,
                    default={k: v for k, v in defaults.items() if wanted is None or k in wanted},
                    returned_objects=wanted, return_on_hover=return_on_hover)


@lru_cache(maxsize=1024)
def focus_js(place_ids: tuple[str, ...], person: str | None = None, collection: str | None = None,
             record_json: str | None = None) -> str:
    """The script ``st_folium`` makes of ``focus_group(place_ids, person)`` as the map's only feature group.

    Made on a throwaway map: streamlit-folium renames whatever map the group joins to ``map_div``, the
    name the real one gets, and the group's script refers to the map only by it. Cached: a focus is a
    few place ids and a person id.
    """
    record = json.loads(record_json) if record_json else None
    return sf._get_feature_group_string(focus_group(list(place_ids), person, collection, record),
                                        map=folium.Map(tiles=None), idx=0)
