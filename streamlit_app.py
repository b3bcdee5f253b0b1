"""mapapp's Streamlit page: a thin shell wiring widgets to the pure core in ``mapapp/``.

The map itself (time slider, layers, popups, event list, the kiosk's tour) runs in the
browser. For visitors this page chooses the language, finds people and places, and offers
the current window's events as files; in kiosk mode (a setting of the config, see
kiosk.toml) it shows only the language choice and the map. MAPAPP_CONFIG names the config
file and MAPAPP_GEODATA overrides the data folder.
"""

from __future__ import annotations

import gc
import json
import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import folium
import streamlit as st
import streamlit_folium
from streamlit_folium import st_folium

from mapapp import REPO_ROOT
from mapapp.config import AppConfig, KioskSettings, config_from_env
from mapapp.export.regions import REGIONS, REGIONS_BY_ID
from mapapp.export.write import MIME_TYPES, state_export_bytes
from mapapp.i18n import LANG_NAMES, LANGS, Lang, t
from mapapp.kiosk.tour import TourStep, load_tour
from mapapp.kiosk.view import kiosk_payload, page_script
from mapapp.model.collections import Collection
from mapapp.model.registers import Register
from mapapp.model.search import Hit, SearchIndex, build_index
from mapapp.model.trails import people_with_trails, trail_of
from mapapp.model.viewstate import MapState
from mapapp.problems import ConfigError, GeodataError
from mapapp.webmap.assets import STATIC_URL
from mapapp.webmap.download import (
    collection_csv,
    collection_geojson,
    collection_summary,
    file_stem,
    window_csv,
    window_geojson,
    window_summary,
)
from mapapp.webmap.mapfiles import served
from mapapp.webmap.mapframe import MapFrame, focus_js, map_frame
from mapapp.webmap.mapview import Dataset, build_map, focus_group, focus_place_ids, focus_record, load_dataset
from mapapp.webmap.register_download import Window, summary_text
from mapapp.webmap.registerview import RegisterHit, register_hits
from mapapp.webmap.routes import register_url
from mapapp.webmap.unreadable import unreadable_message

#: Benchmark knob (benchmarks/bench_sessions.py): MAPAPP_PAGE_CACHE=0 builds and renders the map on every
#: run through st_folium, as the page did before it cached the map frame, so both can be measured side by side.
PAGE_CACHE = os.environ.get("MAPAPP_PAGE_CACHE", "1") != "0"
#: Benchmark knob (benchmarks/bench_collections.py): MAPAPP_COLLECTION_RENDERER=svg draws the collections' circles
#: as SVG nodes, the naive way, instead of on one canvas.
SVG_COLLECTIONS = os.environ.get("MAPAPP_COLLECTION_RENDERER") == "svg"
#: Benchmark knob (benchmarks/bench_layout.py): MAPAPP_BUNDLE=0 loads the map's five scripts one by one, as before
#: they were bundled into one file, so both first paints can be measured side by side.
BUNDLED = os.environ.get("MAPAPP_BUNDLE", "1") != "0"
RETURNED = ["selected_tags"]  # what the map reports back: its state, as a tag
T = TypeVar("T")


def settled(value: T) -> T:
    """``value``, built to live as long as the server, moved (with all else alive now) out of the garbage
    collector's sight: a full collection walks every tracked object, and the data's ~250,000 cost 100–150 ms
    whenever one fell inside a visitor's page load (gc.freeze; what it freezes is never collected, which is
    what cached resources want, and it happens once per cache entry)."""
    gc.collect()
    gc.freeze()
    return value


@st.cache_resource
def dataset(folder: str) -> Dataset:
    """The map data, read once per server."""
    return settled(load_dataset(Path(folder)))


@st.cache_resource
def search_index(folder: str) -> SearchIndex:
    """The people-and-places index, built once per server."""
    ds = dataset(folder)
    return settled(build_index(dict(ds.places), dict(ds.people), ds.collections))


@st.cache_resource
def tour(path: str, folder: str) -> tuple[TourStep, ...]:
    """The attract tour, validated against the places (config_from_env has checked the file exists)."""
    ds = dataset(folder)
    return load_tour(Path(path), set(ds.places), people_with_trails(ds))


@st.cache_resource
def served_files(folder: str) -> dict[str, str]:
    """The files static/ serves beside the map for this folder's data, byte for byte (checked once per server)."""
    return settled(served(dataset(folder), REPO_ROOT))


def folium_map(folder: str, seed: MapState, kiosk: KioskSettings | None) -> folium.Map:
    """A fresh folium map of ``seed`` (streamlit-folium renders and renames the map it is given)."""
    block = kiosk_payload(kiosk, tour(str(kiosk.tour), folder), seed.lang) if kiosk else None
    return build_map(dataset(folder), seed, kiosk=block, served=served_files(folder), svg_collections=SVG_COLLECTIONS,
                     bundled=BUNDLED)


@st.cache_resource(max_entries=32)
def cached_frame(folder: str, seed: MapState, kiosk: KioskSettings | None) -> MapFrame:
    """The map frame for ``seed``, built once per server: only strings, the same for every session starting
    there (a shared folium map would carry one session's search into every other, see mapapp.webmap.mapframe)."""
    return settled(map_frame(folium_map(folder, seed, kiosk), key=f"map-{seed.lang}", returned_objects=RETURNED))


def show_map(cfg: AppConfig, lang: Lang, start: MapState, focus: list[str] | None, height: int,
             person: str | None = None, collection: str | None = None, record: str | None = None) -> MapState:
    """Draw the map and return its state as the browser last reported it; ``person`` shows their trail,
    ``collection`` says ``focus`` are that collection's features, ``record`` (JSON) one of its records."""
    folder, kiosk = str(cfg.geodata), cfg.kiosk if cfg.kiosk.enabled else None
    state: MapState = st.session_state.get("state", start)
    seed: MapState | None = st.session_state.get("seed")
    if seed is None or seed.lang != lang:  # rebuilt only on a language change, from the window last seen
        seed = st.session_state["seed"] = replace(state, lang=lang)
    # A container keyed by language makes Streamlit mount a fresh map frame on a language switch,
    # instead of handing the new map to the old frame.
    with st.container(key=f"map-box-{lang}"):
        if PAGE_CACHE:
            args = cached_frame(folder, seed, kiosk).component_args(
                height=height, width=None,
                feature_group=focus_js(tuple(focus), person, collection, record) if focus else None)
            out = streamlit_folium._component_func(**args)
        else:
            out = st_folium(folium_map(folder, seed, kiosk), key=f"map-{lang}", height=height,
                            use_container_width=True, returned_objects=RETURNED,
                            feature_group_to_add=focus_group(focus, person, collection,
                                                             json.loads(record) if record else None)
                            if focus else None)
    tags = (out or {}).get("selected_tags") or []
    state = st.session_state["state"] = replace(state.with_report(tags[0] if tags else None), lang=lang)
    return state


def page_css(name: str) -> None:
    """One of mapapp's page stylesheets (``mapapp/web/<name>``), read once per server."""
    st.html(f"<style>{css_text(name)}</style>")


@st.cache_resource
def css_text(name: str) -> str:
    return (REPO_ROOT / "mapapp" / "web" / name).read_text(encoding="utf-8")


def visitor_page(cfg: AppConfig) -> None:
    """A bar (title, search, language) over a map that fills the window; below it, the window's files."""
    ds = dataset(str(cfg.geodata))
    page_css("visitor-page.css")
    with st.container(key="mapapp-bar"):
        title, find, found, language = st.columns([3, 3, 3, 2], vertical_alignment="center")
    lang = language.radio("Language / Язык", LANGS, format_func=LANG_NAMES.get, horizontal=True, key="lang",
                          label_visibility="collapsed")
    title.title(t("title", lang), anchor=False)
    query = find.text_input(t("search", lang), placeholder=t("search_help", lang), key="query",
                            label_visibility="collapsed")
    hits: list[Hit | RegisterHit] = [*search_index(str(cfg.geodata)).search(query),
                                     *register_hits(ds.registers, query)] if query else []
    focus, person, collection, record = None, None, None, None
    if query and not hits:
        found.info(t("no_results", lang))
    elif hits:
        hit = found.selectbox(t("search_results", lang), hits, key="hit", format_func=lambda h: h.label(lang),
                              label_visibility="collapsed")
        if isinstance(hit, RegisterHit):  # a register's record: its place, opened at the page of its date
            focus, collection, record = [hit.key], hit.register.id, json.dumps(hit.focus(), ensure_ascii=False)
        else:
            focus = focus_place_ids(ds, hit.kind, hit.id)
            if hit.kind == "person" and trail_of(ds, hit.id):  # someone who moved: show the trail, dated
                person = hit.id
            collection = hit.collection[0] if hit.collection else None
            if hit.kind == "record" and hit.collection:
                found_record = focus_record(ds, *hit.collection)
                record = json.dumps(found_record, ensure_ascii=False, sort_keys=True) if found_record else None
    state = show_map(cfg, lang, MapState(lang=lang), focus, height=720, person=person, collection=collection,
                     record=record)
    st.caption(t("intro", lang))
    st.header(t("download", lang))  # h2 under the bar's h1
    st.caption(window_summary(ds, state))
    left, right = st.columns(2)
    stem = file_stem(state)
    # Made on click, not on every rerun (the map reports each slider move with a rerun). A click must
    # not rerun the page either: the rerun can overtake the file's request and the download is lost.
    left.download_button(t("download_geojson", lang), lambda: window_geojson(ds, state),
                         file_name=f"{stem}.geojson", mime="application/geo+json", on_click="ignore")
    right.download_button(t("download_csv", lang), lambda: window_csv(ds, state), file_name=f"{stem}.csv",
                          mime="text/csv", on_click="ignore")
    for c in ds.collections:
        collection_downloads(c, state, lang, stem)
    for reg in ds.registers:
        register_download(reg, Window.of(state, ds.span[0]), state, lang)
    export_section(ds, state, lang, person)
    st.caption(t("sources", lang))


def collection_downloads(c: Collection, state: MapState, lang: Lang, stem: str) -> None:
    """A collection's features of the window's year as GeoJSON and CSV, when its layer is on."""
    if not c.layers & set(state.layers):
        return
    st.caption(collection_summary(c, state))
    left, right = st.columns(2)
    title = c.text("title", lang)  # the buttons say whose file they give, beside the events' GeoJSON and CSV
    left.download_button(f"{t('download_geojson', lang)} — {title}", lambda: collection_geojson(c, state),
                         key=f"dl-{c.id}-geojson", file_name=f"{stem}-{c.id}.geojson", mime="application/geo+json",
                         on_click="ignore")
    right.download_button(f"{t('download_csv', lang)} — {title}", lambda: collection_csv(c, state),
                          key=f"dl-{c.id}-csv", file_name=f"{stem}-{c.id}.csv", mime="text/csv", on_click="ignore")


def register_download(reg: Register, window: Window, state: MapState, lang: Lang) -> None:
    """A register's records of the window as a CSV file the server streams (mapapp/webmap/routes.py), when its
    layer is on: a link, never a file held in the page's memory."""
    if reg.layer not in state.layers:
        return
    st.caption(summary_text(reg, window, lang))
    st.link_button(t("download_register_button", lang).format(title=reg.text("title", lang)),
                   register_url(reg.id, window, lang), key=f"dl-{reg.id}-csv")


def export_section(ds: Dataset, state: MapState, lang: Lang, person: str | None) -> None:
    """A printable map of the current window (PNG/PDF/SVG) or a standalone HTML map, made on click;
    with the trail of the ``person`` chosen in the search, as the map shows it."""
    st.header(t("export", lang))
    if person:
        who = ds.people[person]
        # A name is data: shown as plain text, never read as Markdown (a caption would turn a URL into a link).
        st.text(t("export_person", lang).format(name=who.name_en if lang == "en" else who.name_ru))
    cols = st.columns(4)
    fmt = cols[0].selectbox(t("export_format", lang), tuple(MIME_TYPES), key="export_format",
                            format_func=str.upper)
    region = cols[1].selectbox(t("export_region", lang), [r.id for r in REGIONS], key="export_region",
                               format_func=lambda r: REGIONS_BY_ID[r].label_en if lang == "en"
                               else REGIONS_BY_ID[r].label_ru)
    paper = cols[2].selectbox(t("export_paper", lang), ("a4", "a3", "letter"), key="export_paper",
                              format_func=str.upper)
    orientation = cols[3].selectbox(t("export_orientation", lang), ("landscape", "portrait"),
                                    key="export_orientation", format_func=lambda o: t(o, lang))
    title = st.text_input(t("export_title", lang), key="export_title")
    st.download_button(
        t("export_button", lang),
        lambda: state_export_bytes(ds, state, fmt, region=region, paper=paper, orientation=orientation,
                                   title=title, person=person),
        file_name=f"{file_stem(state)}-{region}{f'-{person}' if person else ''}.{fmt}", mime=MIME_TYPES[fmt],
        key="export_download", on_click="ignore")


def kiosk_page(cfg: AppConfig) -> None:
    """Only the language choice (as words) and the map; idle reset and the tour run in the browser."""
    k = cfg.kiosk
    page_css("kiosk-page.css")
    lang = st.radio("Language / Язык", k.languages, index=k.languages.index(k.start.lang),
                    format_func=LANG_NAMES.get, horizontal=True, key="lang")
    show_map(cfg, lang, k.start, None, height=900)
    st.html(page_script(k, lang, f"{STATIC_URL}/mapapp/kiosk.js"), unsafe_allow_javascript=True)


st.set_page_config(page_title="mapapp", layout="wide")
try:
    config = config_from_env()
except ConfigError as error:  # shown, not swallowed: the page cannot run without a valid config
    st.error("The configuration has problems:")
    st.code(str(error), language=None)  # as text: the values quoted come from a file, never read as Markdown
    st.stop()
try:
    dataset(str(config.geodata))
except GeodataError as error:  # the details (paths, traceback) go to the server's log, not to the visitor
    logging.getLogger("mapapp.page").error("Cannot read the map data in %s", config.geodata, exc_info=error)
    st.error(unreadable_message(error))
    st.stop()
(kiosk_page if config.kiosk.enabled else visitor_page)(config)
