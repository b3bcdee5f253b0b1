"""The interactive map: one :func:`build_map` for the app, the exports and the tests.

Python decides *what* the map holds (places with their layer, names over time and events,
all interface text) and hands it to the browser as one JSON payload; ``web/mapapp.js``
draws it and runs the time slider, layers, popups and event list client-side, so moving
the slider never reloads the map. :func:`visible_place_ids` is the reference for what the
browser must show for a window; the end-to-end tests hold the browser to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from mapapp import GEODATA_DIR
from mapapp.i18n import CATEGORY_LABELS, Lang, strings
from mapapp.ingest.borders import Borders, load_borders
from mapapp.model.collections import Collection, load_collections, places_shown
from mapapp.model.dates import MONTHS_EN, MONTHS_LONG_EN, MONTHS_LONG_RU, MONTHS_RU, month_of
from mapapp.model.histogram import PURGE_PERIOD, Series, histogram
from mapapp.model.layers import LAYERS, LAYERS_BY_ID, layer_of
from mapapp.model.records import Event, Person, Place, load_events, load_people, load_places
from mapapp.model.registers import Register, load_registers
from mapapp.model.timeline import events_in_window
from mapapp.model.trails import people_with_trails, trail_of
from mapapp.model.viewstate import VIEWS, VIEWS_BY_ID, MapState
from mapapp.webmap.assets import STATIC_URL, asset_links
from mapapp.webmap.collectionview import collection_json
from mapapp.webmap.mapfiles import border_file, collection_file, record_json, register_key
from mapapp.webmap.registerview import register_json


@dataclass(frozen=True)
class Dataset:
    """Everything the map draws: places, events (sorted by start) and people."""

    places: Mapping[str, Place]
    events: tuple[Event, ...]
    people: Mapping[str, Person]
    #: The historical borders (``geodata/borders.geojson``); None when the build made none.
    borders: Borders | None = None
    #: The collections (``geodata/collections/*.geojson``), by id.
    collections: tuple[Collection, ...] = ()
    #: The registers (``geodata/collections/*.register.json``: millions of records, read as counts), by id.
    registers: tuple[Register, ...] = ()

    @property
    def span(self) -> tuple[date, date]:
        """First and last day covered by any event."""
        return min(e.start_min for e in self.events), max(e.end_max for e in self.events)

    def events_of(self, place_id: str) -> list[Event]:
        """The events at ``place_id``, by date."""
        return [e for e in self.events if place_id in e.place_ids]

    @cached_property
    def layers(self) -> dict[str, str]:
        """Layer id of every place, worked out once."""
        return {pid: layer_of(place, self.events_of(pid)) for pid, place in self.places.items()}

    def layer(self, place_id: str) -> str:
        """The layer id of a place."""
        return self.layers[place_id]

    @cached_property
    def histogram(self) -> tuple[Series, ...]:
        """The time control's series over the data's span, worked out once (each map and language shares them)."""
        first, last = (month_of(d) for d in self.span)
        return histogram(self.events, self.collections, first, last)


def load_dataset(geodata: Path = GEODATA_DIR) -> Dataset:
    """Read the build output in ``geodata`` into a :class:`Dataset` (:class:`~mapapp.problems.GeodataError` if broken)."""
    return Dataset(load_places(geodata / "places.geojson"), tuple(load_events(geodata / "events.geojson")),
                   load_people(geodata / "people.json"), load_borders(geodata / "borders.geojson"),
                   load_collections(geodata), load_registers(geodata))


def visible_place_ids(ds: Dataset, state: MapState) -> list[str]:
    """Places the map shows for ``state``: in a chosen layer and with an event in the window, or shown by a
    collection (:func:`mapapp.model.collections.places_shown`: a site that is the place, a burial ground's dead).

    Cities renamed after Kirov stay visible while their layer is on: they existed
    throughout, and their name is the point.
    """
    start, end = state.window(ds.span[0])
    active = {pid for e in events_in_window(ds.events, start, end) for pid in e.place_ids}
    active |= places_shown(ds.collections, state.layers, start, end)
    chosen = set(state.layers)
    return sorted(pid for pid in ds.places
                  if ds.layer(pid) in chosen and (pid in active or ds.layer(pid) == "renamed"))


def _month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


#: The histogram's colour for our events: the darkest of the palette, as the events are the map's subject.
EVENTS_COLOUR = "#332288"


def histogram_json(ds: Dataset, lang: Lang) -> dict[str, Any]:
    """The time control's histogram: each series trimmed to the months from its first to its last value.

    ``purge`` is the track shown first (:data:`~mapapp.model.histogram.PURGE_PERIOD` within the data's span).
    """
    first = month_of(ds.span[0])
    text = strings(lang)
    by_id = {c.id: c for c in ds.collections}
    out = []
    for s in ds.histogram:
        nonzero = [k for k, v in enumerate(s.values) if v]
        if not nonzero:
            continue
        if s.kind == "events":
            label, colour = text["hist_events"], EVENTS_COLOUR
        else:
            c = by_id[s.id]
            label = text["hist_records" if s.kind == "records" else "hist_level"].format(measure=c.text("measure", lang))
            colour = LAYERS_BY_ID[c.layer].colour
        out.append({"id": s.id, "kind": s.kind, "label": label, "colour": colour,
                    "first": _month_text(first + nonzero[0]),
                    "values": [int(v) if v == int(v) else v for v in s.values[nonzero[0]:nonzero[-1] + 1]]})
    purge = (max(_month(ds.span[0]), PURGE_PERIOD[0]), min(_month(ds.span[1]), PURGE_PERIOD[1]))
    return {"purge": {"start": purge[0], "end": purge[1]}, "series": out}


def _month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _place_json(ds: Dataset, place: Place, lang: Lang) -> dict[str, Any]:
    """A place for the browser, every text in ``lang``."""
    en = lang == "en"
    names = [{"from": p.start.earliest().isoformat() if p.start else None,
              "to": p.end.earliest().isoformat() if p.end else None,
              "name": p.name_en if en else p.name_ru}
             for p in sorted(place.names, key=lambda p: p.start.earliest() if p.start else date.min)]
    return {
        "id": place.id, "lat": place.lat, "lon": place.lon, "layer": ds.layer(place.id),
        "name": place.name_en if en else place.name_ru, "names": names,
        "description": (place.description_en if en else place.description_ru) or "",
        "precision": place.precision, "uncertainty_m": place.uncertainty_m,
        "coord_source": place.coord_source if en else place.coord_source_ru,
        "note": (place.note if en else place.note_ru) or "",
    }


def _event_json(event: Event, lang: Lang) -> dict[str, Any]:
    """An event for the browser, every text in ``lang``."""
    en = lang == "en"
    return {
        "id": event.id, "title": event.title_en if en else event.title_ru,
        "date": event.date_label_en if en else event.date_label_ru,
        "start": event.start_min.isoformat(), "end": event.end_max.isoformat(),
        "category": CATEGORY_LABELS[event.category][lang], "places": list(event.place_ids),
        "people": list(event.people_names_en if en else event.people_names_ru),
        "people_ids": list(event.people),
        "summary": event.summary_en if en else event.summary_ru,
        "citation": event.citation_en if en else event.citation_ru,
        "note": (event.note if en else event.note_ru) or "",
    }


def trail_json(ds: Dataset, person_id: str, lang: Lang) -> dict[str, Any]:
    """A person's trail for the browser (see :mod:`mapapp.model.trails`): stops and dated segments, data only."""
    trail = trail_of(ds, person_id)
    person = ds.people.get(person_id)
    name = (person.name_en if lang == "en" else person.name_ru) if person else person_id
    return {
        "id": person_id, "name": name,
        "stops": [{"place": s.place_id, "date": s.label(lang), "start": s.start.isoformat(),
                   "end": s.end.isoformat()} for s in trail.stops],
        "segments": [{"from": g.from_place, "to": g.to_place, "label": g.label(lang),
                      "start": g.start.isoformat(), "end": g.end.isoformat(), "approximate": g.approximate}
                     for g in trail.segments],
    }


def payload(ds: Dataset, state: MapState, kiosk: Mapping[str, Any] | None = None,
            served: Mapping[str, str] | None = None, svg_collections: bool = False) -> dict[str, Any]:
    """The JSON the browser needs to draw ``ds`` in ``state`` — data only, never markup.

    ``kiosk`` (text scale and attract tour, from :func:`mapapp.kiosk.view.kiosk_payload`) turns on the
    kiosk behaviour; None for the ordinary map. ``served``: the files the app serves beside the map
    (:func:`mapapp.webmap.mapfiles.served`, path → URL); what is not among them travels inside the map.

    ``bundled``: the app loads its scripts as one file (:data:`~mapapp.webmap.assets.BUNDLE`); the standalone export
    inlines them one by one. ``svg_collections`` is a benchmark knob (benchmarks/bench_collections.py, through MAPAPP_COLLECTION_RENDERER
    in streamlit_app.py): ``"collectionRenderer": "svg"`` makes the browser draw the collections' circles with
    Leaflet's SVG renderer (one DOM node per circle) instead of the one shared canvas, so both can be measured
    side by side. Off (the product), the payload has no such key.
    """
    files: Mapping[str, str] = served or {}
    lang = state.lang
    # a collection's layer is in the legend only when a collection or register draws on it (it stays in the state)
    drawn = {la for c in ds.collections for la in c.layers} | {r.layer for r in ds.registers}
    first, last = ds.span
    return {
        "lang": lang,
        "span": {"start": _month(first), "end": _month(last)},
        "state": state.as_dict(),
        "layers": [{"id": la.id, "label": la.label_en if lang == "en" else la.label_ru,
                    "colour": la.colour, "shape": la.shape, "collection": la.collection,
                    "drawn": not la.collection or la.id in drawn} for la in LAYERS],
        "views": [{"id": v.id, "label": v.label_en if lang == "en" else v.label_ru,
                   "center": list(v.center), "zoom": v.zoom} for v in VIEWS],
        "places": [_place_json(ds, p, lang) for p in sorted(ds.places.values(), key=lambda p: p.id)],
        "events": [_event_json(e, lang) for e in ds.events],
        "months": list(MONTHS_EN if lang == "en" else MONTHS_RU),
        "months_long": list(MONTHS_LONG_EN if lang == "en" else MONTHS_LONG_RU),
        "histogram": histogram_json(ds, lang),
        "strings": strings(lang),
        "kiosk": dict(kiosk) if kiosk is not None else None,
        "borders": ds.borders.payload({snap: files[border_file(snap)] for snap in ds.borders.snapshots()
                                       if border_file(snap) in files}) if ds.borders is not None else None,
        "trails": [trail_json(ds, pid, lang) for pid in people_with_trails(ds)],
        "collections": [collection_json(c, lang, files.get(collection_file(c.id, lang)), files)
                        for c in ds.collections],
        "registers": [register_json(r, lang, files.get(register_key(r.id))) for r in ds.registers],
        **({"collectionRenderer": "svg"} if svg_collections else {}),
    }


_TEMPLATE_OPENER = re.compile(r"\{(?=[{%#])")


def script_json(value: Any) -> str:
    """JSON safe inside a <script> and inside a Jinja template.

    ``<``, ``>``, ``&`` and ``'`` are escaped as for HTML; and because branca renders a
    macro's output as a template once more, a ``{`` opening ``{{``, ``{%`` or ``{#`` (which
    can only occur inside a string) is escaped too, so data text is never evaluated.
    """
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    return _TEMPLATE_OPENER.sub(lambda _: "\\u007b", text)


@dataclass(frozen=True)
class BasemapLevel:
    """A basemap file and the zoom from which the browser draws it (mapapp/web/basemap.js)."""

    url: str
    min_zoom: int


#: The zoom from which the 1:50 million countries replace the 1:110 million ones. At zoom 3 (the USSR view) a
#: pixel is ~10 km at Moscow's latitude, about the 110m file's detail; from zoom 4 its coastlines show their
#: cuts. The coarse file is 108 KB, the fine one 756 KB: a visitor who never zooms in never fetches it.
FINE_BASEMAP_ZOOM = 4


def basemap_levels(static_url: str = STATIC_URL) -> tuple[BasemapLevel, ...]:
    """The app's basemap: Natural Earth 1:110m zoomed out, 1:50m from :data:`FINE_BASEMAP_ZOOM`."""
    return (BasemapLevel(f"{static_url}/vendor/world-atlas/countries-110m.json", 0),
            BasemapLevel(f"{static_url}/vendor/world-atlas/countries-50m.json", FINE_BASEMAP_ZOOM))


class MapappLayer(MacroElement):
    """Hands the payload to ``mapapp.init``; data reaches JavaScript only as JSON."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.mapappApi = mapapp.init({{ this._parent.get_name() }}, {{ this.data_json }},
                                       {{ this.basemap_json }});
        {% endmacro %}
    """)

    def __init__(self, data: dict[str, Any], basemap: Sequence[BasemapLevel]) -> None:
        super().__init__()
        self._name = "MapappLayer"
        self._id = "mapapp"
        self.data_json = script_json(data)
        self.basemap_json = script_json([{"url": level.url, "minZoom": level.min_zoom} for level in basemap])


class Focus(MacroElement):
    """Asks the drawn map to show one or more places and open the first one's popup — or, given
    ``person`` (someone with a trail), to draw that person's trail and fit the map to it instead; or, given
    ``collection``, to show those features of that collection (``place_ids`` are then its feature ids)."""

    # streamlit-folium may run this before or after the map's own script (it remounts the frame when
    # the group changes): hand the request over now if the map is drawn, else leave it for mapapp.init.
    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var request = {{ this.request_json }};
          if (window.mapappApi) { setTimeout(function () { window.mapappApi.request(request); }, 0); }
          else { window.__mapappPending = request; }
        })();
        {% endmacro %}
    """)

    def __init__(self, place_ids: list[str], person: str | None = None, collection: str | None = None,
                 record: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self._name = "Focus"
        self._id = "mapapp"  # stable, so streamlit-folium does not re-apply an unchanged focus every rerun
        request: dict[str, Any] = {"places": [], "person": None} if collection else \
            {"places": list(place_ids), "person": person}
        if collection:
            request.update(collection=collection, features=list(place_ids))
        if record is not None:
            request["record"] = dict(record)
        self.request_json = script_json(request)


def focus_record(ds: Dataset, collection: str, record_id: str) -> dict[str, Any] | None:
    """A record chosen in search, for the browser: as the source gives it, with its last home (the feature it is
    counted at: name and point) and its place (the burial ground) — the path the map draws."""
    for c in ds.collections:
        if c.id != collection or not c.has_records:
            continue
        by_id = {f.id: f for f in c.features}
        for r in c.records():
            if r.id == record_id:
                home = by_id.get(r.feature or "")
                return {**record_json(r), "feature": r.feature,
                        "home": {"name": home.name_ru, "lat": home.lat, "lon": home.lon} if home else None}
    return None


def focus_place_ids(ds: Dataset, kind: str, item_id: str) -> list[str]:
    """Places to show for a search hit: the place itself, or a person's places in date order; for a collection's
    hit (``"<collection>/<group>"``) the ids of that group's features."""
    if kind == "place":
        return [item_id]
    if kind == "feature":
        collection, _, group = item_id.partition("/")
        return [f.id for c in ds.collections if c.id == collection for f in c.by_group(group)]
    if kind == "record":
        return [item_id.partition("/")[2]]
    ids: list[str] = []
    for event in ds.events:
        if item_id in event.people:
            ids.extend(pid for pid in event.place_ids if pid not in ids)
    return ids


def focus_group(place_ids: list[str], person: str | None = None, collection: str | None = None,
                record: Mapping[str, Any] | None = None) -> folium.FeatureGroup:
    """A feature group that, added to the drawn map, centres it on ``place_ids`` (or shows ``person``'s trail, or
    the features ``place_ids`` of ``collection``, or a ``record`` of it: :func:`focus_record`)."""
    group = folium.FeatureGroup(name="focus", control=False)
    group._id = "focus"  # stable (streamlit-folium renames it to feature_group_0 anyway)
    group.add_child(Focus(list(place_ids), person, collection, record))
    return group


def build_map(ds: Dataset, state: MapState, *, static_url: str = STATIC_URL,
              kiosk: Mapping[str, Any] | None = None, basemap: Sequence[BasemapLevel] | None = None,
              served: Mapping[str, str] | None = None, svg_collections: bool = False,
              bundled: bool = True) -> folium.Map:
    """The folium map of ``ds`` in ``state``, loading every asset from ``static_url`` (no CDN, no tiles).

    ``basemap``: the Natural Earth TopoJSON files by zoom (default :func:`basemap_levels` under ``static_url``; the
    standalone export passes one ``data:`` URL). ``served``: the files the browser may fetch beside the map (each border snapshot, each
    collection in the map's language: :func:`mapapp.webmap.mapfiles.served`); without them all travels inside.
    """
    view = VIEWS_BY_ID[state.view]
    fmap = folium.Map(location=list(view.center), zoom_start=view.zoom, tiles=None, control_scale=True,
                      min_zoom=2, max_zoom=16, world_copy_jump=False,
                      attribution_control=False)  # mapapp.js draws the credits as text, not HTML
    # Fixed element ids: the same state gives the same script, so streamlit-folium never remounts
    # the frame for a map that has not changed.
    fmap._id = "mapapp"
    js, css = asset_links(static_url, bundled=bundled)  # bundled: one script file (assets.BUNDLE), not five
    fmap.default_js = js
    fmap.default_css = css
    levels = basemap_levels(static_url) if basemap is None else basemap
    fmap.add_child(MapappLayer(payload(ds, state, kiosk, served, svg_collections), levels))
    return fmap
