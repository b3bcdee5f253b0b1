"""mapapp's Streamlit page: a thin shell wiring widgets to the pure core in ``mapapp/``.

The map itself (time slider, layers, popups, event list) runs in the browser; this page
chooses the language, finds people and places, and offers the current window's events
as files. Run with `bash scripts/app.sh`. MAPAPP_GEODATA overrides the data folder (tests).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from mapapp import GEODATA_DIR
from mapapp.download import window_csv, window_geojson
from mapapp.i18n import LANG_NAMES, LANGS, t
from mapapp.mapview import Dataset, build_map, focus_group, load_dataset
from mapapp.search import SearchIndex, build_index
from mapapp.viewstate import MapState


@st.cache_resource
def dataset(folder: str) -> Dataset:
    """The map data, read once per server."""
    return load_dataset(Path(folder))


@st.cache_resource
def search_index(folder: str) -> SearchIndex:
    """The people-and-places index, built once per server."""
    ds = dataset(folder)
    return build_index(dict(ds.places), dict(ds.people))


@st.cache_resource
def folium_map(folder: str, seed: MapState):
    """One map per (data, language, starting state): the same object on every rerun, so no reload."""
    return build_map(dataset(folder), seed)


def focus_ids(ds: Dataset, kind: str, item_id: str) -> list[str]:
    """Places to show for a search hit: the place itself, or a person's places in date order."""
    if kind == "place":
        return [item_id]
    ids: list[str] = []
    for event in ds.events:
        if item_id in event.people:
            ids.extend(pid for pid in event.place_ids if pid not in ids)
    return ids


st.set_page_config(page_title="mapapp", layout="wide")
folder = os.environ.get("MAPAPP_GEODATA", str(GEODATA_DIR))
ds = dataset(folder)
lang = st.radio("Language / Язык", LANGS, format_func=LANG_NAMES.get, horizontal=True, key="lang")
st.title(t("title", lang))
st.caption(t("intro", lang))

# The map is rebuilt only when the language changes, starting from the window last seen.
state: MapState = st.session_state.get("state", MapState())
seed: MapState | None = st.session_state.get("seed")
if seed is None or seed.lang != lang:
    seed = st.session_state["seed"] = replace(state, lang=lang)

query = st.text_input(t("search", lang), help=t("search_help", lang), key="query")
hits = search_index(folder).search(query) if query else []
focus = None
if query and not hits:
    st.info(t("no_results", lang))
elif hits:
    hit = st.selectbox(t("search_results", lang), hits, key="hit",
                       format_func=lambda h: f"{h.label_en if lang == 'en' else h.label_ru} ({t(h.kind, lang)})"
                       + ("" if h.matched in (h.label_en, h.label_ru) else f" — {h.matched}"))
    focus = focus_ids(ds, hit.kind, hit.id)

# A container keyed by language makes Streamlit mount a fresh map frame on a language switch,
# instead of handing the new map to the old frame.
with st.container(key=f"map-box-{lang}"):
    out = st_folium(folium_map(folder, seed), key=f"map-{lang}", height=720, use_container_width=True,
                    returned_objects=["selected_tags"],
                    feature_group_to_add=focus_group(focus) if focus else None)
tags = (out or {}).get("selected_tags") or []
state = replace(state.with_report(tags[0] if tags else None), lang=lang)
st.session_state["state"] = state

st.subheader(t("download", lang))
left, right = st.columns(2)
stem = f"mapapp-{state.start}-{state.end}" if state.mode == "window" else f"mapapp-asof-{state.end}"
left.download_button(t("download_geojson", lang), window_geojson(ds, state), file_name=f"{stem}.geojson",
                     mime="application/geo+json")
right.download_button(t("download_csv", lang), window_csv(ds, state), file_name=f"{stem}.csv", mime="text/csv")
st.caption(t("sources", lang))
