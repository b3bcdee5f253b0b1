"""The static map: one :func:`render` for PNG, SVG, PDF and every animation frame.

What is shown is decided by :func:`mapapp.webmap.mapview.visible_place_ids` (the app's own reference), names by
:func:`mapapp.model.timeline.name_at` at the end of the window, colours and symbols by :data:`mapapp.model.layers.LAYERS`.
Collections (:mod:`mapapp.model.collections`) whose layer is on are drawn as the browser draws them: a circle per
feature operating in the window's last year, area ∝ its figure, a recorded zero a small white disc, "no count" a
dashed ring; below the place markers, with a size key, the year's total and the collection's credit.
The page: title and date stamp, the projected Natural Earth basemap with markers and labels that never
overlap (greedy placement; labels that find no free spot are dropped), an inset for Moscow's dense cluster on
country-scale maps, a scale bar in km, a north arrow where the projection turns north away from "up", the
legend and a footer with the sources and licences. Shapes and dark outlines keep it readable in greyscale.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import matplotlib as mpl
import numpy as np
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import ConnectionPatch, FancyArrowPatch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

from mapapp.export.basemap import load_countries
from mapapp.export.options import ExportOptions
from mapapp.export.regions import BBox, Region
from mapapp.export.registers import credit as register_credit
from mapapp.export.registers import draw as draw_register
from mapapp.export.registers import draw_key as draw_register_key
from mapapp.export.registers import drawn_registers
from mapapp.export.registers import key_height as register_key_height
from mapapp.export.registers import total_line as register_line
from mapapp.i18n import Lang, format_number, t
from mapapp.ingest.borders import Borders
from mapapp.model.collections import Collection, Feature, drawn, in_layers
from mapapp.model.layers import LAYERS, LAYERS_BY_ID, Layer
from mapapp.model.timeline import events_in_window, name_at
from mapapp.model.trails import Segment, trail_of
from mapapp.model.viewstate import month_last, parse_month
from mapapp.webmap.collectionview import STRINGS, key_values, subject
from mapapp.webmap.mapview import Dataset, visible_place_ids

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: matplotlib settings for every export: one sans family with Cyrillic, text kept as text in SVG,
#: TrueType fonts embedded in PDF, reproducible files.
RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "svg.fonttype": "none",
    "svg.hashsalt": "mapapp",
    "pdf.fonttype": 42,
    "path.simplify": True,
}
#: The layers' shapes as matplotlib markers.
MARKERS: dict[str, str] = {"diamond": "D", "square": "s", "triangle": "^", "hexagon": "h", "circle": "o",
                           "triangle-down": "v", "dot": ".", "pentagon": "p"}
#: Relative marker sizes, so every shape covers about the same area ("." is matplotlib's small dot).
MARKER_SCALE: dict[str, float] = {"D": 0.75, "s": 0.8, "^": 1.0, "h": 0.95, "o": 0.9, "v": 1.0, ".": 2.2, "p": 0.9}
LAND, WATER, BORDER, INK, OUTLINE = "#f3f0e8", "#dbe4eb", "#a7a7a7", "#222222", "#1a1a1a"
#: Historical borders, styled as in the app: the USSR dark grey, its neighbours faint (colour, width in points).
USSR_BORDER, NEIGHBOUR_BORDER = ("#333333", 1.2), ("#999999", 0.45)
#: Places within this lon/lat box form Moscow's cluster.
MOSCOW_BOX: BBox = (37.2, 55.45, 38.0, 56.0)
MOSCOW_PROJ = "+proj=tmerc +lat_0=55.75 +lon_0=37.6 +k=1 +datum=WGS84 +units=m"
#: A Moscow inset is drawn on non-city maps once this many visible places lie in :data:`MOSCOW_BOX`.
INSET_MIN_PLACES = 3
#: A north arrow is drawn when true north deviates more than this from "up" somewhere on the map.
NORTH_TOLERANCE_DEG = 2.0

MONTHS_FULL: dict[Lang, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "ru": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
           "ноябрь", "декабрь"),
}
WORDS: dict[str, dict[Lang, str]] = {
    "as_of": {"en": "As of {month}", "ru": "По состоянию на {month}"},
    "km": {"en": "km", "ru": "км"},
    "north": {"en": "N", "ru": "С"},
    "moscow": {"en": "Moscow", "ru": "Москва"},
    "footer_extra": {"en": "Map: mapapp contributors, CC BY 4.0. Today's borders. Place names as of the date shown.",
                     "ru": "Карта: участники mapapp, CC BY 4.0. Современные границы. Названия мест — на указанную "
                           "дату."},
}
HAlign = Literal["left", "center", "right"]
VAlign = Literal["bottom", "center", "top"]
#: Label positions tried around a marker, in order: (dx, dy) direction, horizontal and vertical alignment.
POSITIONS: tuple[tuple[float, float, HAlign, VAlign], ...] = (
    (1, 0, "left", "center"), (-1, 0, "right", "center"), (0.75, 0.75, "left", "bottom"),
    (0.75, -0.75, "left", "top"), (-0.75, 0.75, "right", "bottom"), (-0.75, -0.75, "right", "top"),
    (0, 1, "center", "bottom"), (0, -1, "center", "top"),
)


@contextmanager
def export_rc() -> Iterator[None]:
    """The :data:`RC` settings, for rendering and for saving."""
    with mpl.rc_context(RC):
        yield


def date_stamp(opts: ExportOptions) -> str:
    """"As of December 1937", "1937", "December 1937" or "January 1934 – December 1953"."""
    lang = opts.lang
    months = MONTHS_FULL[lang]

    def month(text: str, capital: bool) -> str:
        year, m = parse_month(text)
        name = months[m - 1]
        return f"{name.capitalize() if capital else name} {year}"

    if opts.mode == "asof":
        return WORDS["as_of"][lang].format(month=month(opts.end, lang == "en"))
    if opts.start == opts.end:
        return month(opts.end, True)
    if opts.start.endswith("-01") and opts.end.endswith("-12") and opts.start[:4] == opts.end[:4]:
        return opts.start[:4]
    return f"{month(opts.start, True)} – {month(opts.end, lang == 'en')}"


# ---------------------------------------------------------------- projection and basemap


@lru_cache(maxsize=16)
def _transformers(proj: str) -> tuple[Transformer, Transformer]:
    """(lon/lat → map, map → lon/lat) for ``proj``."""
    return (Transformer.from_crs("EPSG:4326", proj, always_xy=True),
            Transformer.from_crs(proj, "EPSG:4326", always_xy=True))


def _densified(bbox: BBox, n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    west, south, east, north = bbox
    lons = np.linspace(west, east, n)
    lats = np.linspace(south, north, n)
    lon = np.concatenate([lons, np.full(n, east), lons[::-1], np.full(n, west)])
    lat = np.concatenate([np.full(n, south), lats, np.full(n, north), lats[::-1]])
    return lon, lat


def projected_extent(region: Region) -> tuple[float, float, float, float]:
    """``(xmin, ymin, xmax, ymax)`` of the region's bbox in its projection, 3% padding."""
    forward, _ = _transformers(region.proj)
    x, y = forward.transform(*_densified(region.bbox))
    ok = np.isfinite(x) & np.isfinite(y)
    xmin, xmax, ymin, ymax = x[ok].min(), x[ok].max(), y[ok].min(), y[ok].max()
    pad = 0.03 * max(xmax - xmin, ymax - ymin)
    return xmin - pad, ymin - pad, xmax + pad, ymax + pad


def fit_aspect(extent: tuple[float, float, float, float], aspect: float) -> tuple[float, float, float, float]:
    """``extent`` grown in one direction so that width / height equals ``aspect`` (the axes' box)."""
    xmin, ymin, xmax, ymax = extent
    w, h = xmax - xmin, ymax - ymin
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _lon_0(proj: str) -> float:
    """The central meridian of a PROJ string (0 when it names none)."""
    for part in proj.split():
        if part.startswith("+lon_0="):
            return float(part.split("=", 1)[1])
    return 0.0


def _lonlat_window(proj: str, view: tuple[float, float, float, float]) -> list[BBox]:
    """Lon/lat boxes covering the projected ``view``, none straddling the projection's edge meridian.

    Basemap longitudes run from -180 to about 190 (see :func:`mapapp.export.basemap.unwrap_antimeridian`); a polygon
    clipped by these boxes never crosses the meridian opposite ``+lon_0``, where it would smear across the map.
    """
    forward, inverse = _transformers(proj)
    xmin, ymin, xmax, ymax = view
    lon, lat = inverse.transform(*_densified((xmin, ymin, xmax, ymax), 80))
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = np.asarray(lon)[ok], np.asarray(lat)[ok]
    south, north = max(lat.min() - 2, -90.0), min(lat.max() + 2, 90.0)
    px, py = forward.transform(0.0, 89.999)
    clon, _ = inverse.transform((xmin + xmax) / 2, (ymin + ymax) / 2)
    lon = (lon - clon + 180) % 360 - 180 + clon  # unwrapped around the view's centre
    west, east = lon.min() - 2, lon.max() + 2
    if (xmin <= px <= xmax and ymin <= py <= ymax) or east - west >= 360 or not ok.all():
        north = 90.0 if xmin <= px <= xmax and ymin <= py <= ymax else north
        windows = [(-200.0, 400.0)]  # every longitude the data uses
    else:
        windows = [(west + k, east + k) for k in (-360.0, 0.0, 360.0)]
    edge = _lon_0(proj) + 180.0
    eps = 1e-6  # keep off the edge meridian itself, which a projection may put on either side
    sides = [(edge + k - 360.0 + eps, edge + k - eps) for k in (-360.0, 0.0, 360.0)]
    boxes = []
    for w0, w1 in windows:
        for s0, s1 in sides:
            lo, hi = max(w0, s0, -200.0), min(w1, s1, 400.0)
            if lo < hi:
                boxes.append((lo, south, hi, north))
    return boxes


def _clipping(proj: str, view: tuple[float, float, float, float]
              ) -> tuple[list[shapely.Polygon], shapely.Polygon, Callable[[np.ndarray], np.ndarray]]:
    """What drawing lon/lat shapes into ``view`` needs: the lon/lat boxes covering it, the projected
    frame (padded by 2%) to clip to, and the projection of an (n, 2) coordinate array."""
    forward, _ = _transformers(proj)
    boxes = [shapely.box(*b) for b in _lonlat_window(proj, view)]
    xmin, ymin, xmax, ymax = view
    pad = 0.02 * max(xmax - xmin, ymax - ymin)
    frame = shapely.box(xmin - pad, ymin - pad, xmax + pad, ymax + pad)

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(forward.transform(xy[:, 0], xy[:, 1]))

    return boxes, frame, project


@lru_cache(maxsize=16)
def basemap_path(proj: str, view: tuple[float, float, float, float]) -> MplPath | None:
    """Today's countries clipped to ``view`` and projected: one compound path (exteriors CCW, holes CW)."""
    boxes, frame, project = _clipping(proj, view)

    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for geom in load_countries().values():
        for box in boxes:
            if not geom.intersects(box):
                continue
            part = shapely.make_valid(shapely.transform(geom.intersection(box), project)).intersection(frame)
            for poly in shapely.get_parts(part):
                if poly.geom_type != "Polygon" or poly.is_empty:
                    continue
                poly = shapely.orient_polygons(poly)
                for ring in [poly.exterior, *poly.interiors]:
                    xy = np.asarray(ring.coords)
                    if len(xy) < 4:
                        continue
                    c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
                    c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                    verts.append(xy)
                    codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _draw_basemap(ax: Axes, proj: str, view: tuple[float, float, float, float], lw: float) -> None:
    ax.set_facecolor(WATER)
    path = basemap_path(proj, view)
    if path is not None:
        ax.add_patch(PathPatch(path, facecolor=LAND, edgecolor=BORDER, linewidth=lw, zorder=1))


def border_geometries(borders: Borders | None, when: date
                      ) -> tuple[str | None, list[tuple[str, bool, BaseGeometry]]]:
    """The snapshot valid on ``when`` and its ``(name, is_ussr, geometry)`` list, the USSR first (lon/lat)."""
    if borders is None:
        return None, []
    snapshot = borders.at(when)
    return snapshot, [(f["properties"]["name"], bool(f["properties"]["ussr"]), shapely.geometry.shape(f["geometry"]))
                      for f in borders.features_of(snapshot)] if snapshot else []


def _draw_borders(ax: Axes, proj: str, view: tuple[float, float, float, float], snapshot: str,
                  geoms: Sequence[tuple[str, bool, BaseGeometry]], s: float) -> None:
    """The historical borders over the basemap: neighbours' outlines faint, the USSR's dark (gid borders-…)."""
    boxes, frame, project = _clipping(proj, view)

    for ussr, (colour, width), gid in ((False, NEIGHBOUR_BORDER, "neighbours"), (True, USSR_BORDER, "ussr")):
        segments: list[np.ndarray] = []
        for _, is_ussr, geom in geoms:
            if is_ussr != ussr:
                continue
            lines = geom.boundary if ussr else geom
            for box in boxes:
                if not lines.intersects(box):
                    continue
                part = shapely.transform(lines.intersection(box), project).intersection(frame)
                for line in shapely.get_parts(shapely.line_merge(part) if part.geom_type == "MultiLineString"
                                              else part):
                    if line.geom_type == "LineString" and not line.is_empty:
                        segments.append(np.asarray(line.coords))
        if segments:
            ax.add_collection(LineCollection(segments, colors=colour, linewidths=width * s, zorder=1.5,
                                             capstyle="round", joinstyle="round",
                                             gid=f"borders-{gid}-{snapshot}"))


# ---------------------------------------------------------------- label placement


@dataclass(frozen=True)
class Candidate:
    """A label to place: key, text, anchor in the axes' data coordinates, gap from the anchor in points."""

    key: str
    text: str
    x: float
    y: float
    gap: float


def _overlaps(box: Bbox, others: Sequence[Bbox]) -> bool:
    return any(box.x0 < o.x1 and o.x0 < box.x1 and box.y0 < o.y1 and o.y0 < box.y1 for o in others)


def _inside(box: Bbox, area: Bbox) -> bool:
    return area.x0 <= box.x0 and box.x1 <= area.x1 and area.y0 <= box.y0 and box.y1 <= area.y1


def place_labels(ax: Axes, candidates: Sequence[Candidate], obstacles: list[Bbox], fontsize: float,
                 renderer: RendererBase) -> dict[str, Bbox]:
    """Greedy placement: each candidate, in order, takes the first of :data:`POSITIONS` whose box is
    inside the axes and free of ``obstacles`` and of labels already placed; others are dropped.

    Adds the text artists to ``ax`` (gid ``label-<key>``) and returns their boxes (display pixels).
    """
    area = ax.get_window_extent(renderer)
    to_points = 72.0 / ax.figure.dpi
    pad = 1.0 / to_points  # one point between labels
    placed: dict[str, Bbox] = {}
    taken = list(obstacles)
    for cand in candidates:
        text = ax.annotate(cand.text, xy=(cand.x, cand.y), xycoords="data", xytext=(0, 0),
                           textcoords="offset points", fontsize=fontsize, color=INK, zorder=8,
                           annotation_clip=False)
        text.set_gid(f"label-{cand.key}")
        for dx, dy, ha, va in POSITIONS:
            text.set_position((dx * cand.gap, dy * cand.gap))
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)
            box = text.get_window_extent(renderer)
            padded = box.expanded(1, 1).padded(pad)
            if _inside(box, area) and not _overlaps(padded, taken):
                placed[cand.key] = box
                taken.append(box)
                break
        else:
            text.remove()
    return placed


# ---------------------------------------------------------------- furniture


def _nice_km(target_km: float) -> float:
    exp = 10 ** math.floor(math.log10(target_km))
    return max(n * exp for n in (1, 2, 5, 10) if n * exp <= target_km * 1.0001)


def _draw_scale_bar(ax: Axes, proj: str, view: tuple[float, float, float, float], lang: Lang, s: float,
                    renderer: RendererBase) -> Bbox:
    """A scale bar (km, true at the map's centre) in the lower left; returns its box in display pixels."""
    xmin, ymin, xmax, ymax = view
    _, inverse = _transformers(proj)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    d = (xmax - xmin) / 20
    lon1, lat1 = inverse.transform(cx - d, cy)
    lon2, lat2 = inverse.transform(cx + d, cy)
    metres_per_unit = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2] / (2 * d)
    km = _nice_km((xmax - xmin) * 0.2 * metres_per_unit / 1000)
    length = km * 1000 / metres_per_unit
    x0, y0 = xmin + 0.03 * (xmax - xmin), ymin + 0.035 * (ymax - ymin)
    height = 0.008 * (ymax - ymin) * max(s, 0.6)
    artists: list[Artist] = []
    for i in range(4):
        artists.append(ax.add_patch(Rectangle((x0 + i * length / 4, y0), length / 4, height,
                                              facecolor=INK if i % 2 == 0 else "white", edgecolor=INK,
                                              linewidth=0.5 * s, zorder=9)))
    unit = WORDS["km"][lang]
    label = f"{km:g} {unit}"
    fs = 6.5 * s
    artists.append(ax.text(x0, y0 + height * 1.6, "0", ha="center", va="bottom", fontsize=fs, color=INK,
                           zorder=9))
    artists.append(ax.text(x0 + length, y0 + height * 1.6, label, ha="center", va="bottom", fontsize=fs,
                           color=INK, zorder=9))
    return Bbox.union([a.get_window_extent(renderer) for a in artists]).padded(3 * s)


def north_rotation(proj: str, lon: float, lat: float) -> float:
    """Angle in degrees between true north and the map's "up" at (lon, lat); positive = north leans right."""
    forward, _ = _transformers(proj)
    x1, y1 = forward.transform(lon, lat)
    x2, y2 = forward.transform(lon, min(lat + 0.05, 89.99))
    return math.degrees(math.atan2(x2 - x1, y2 - y1))


def needs_north_arrow(proj: str, view: tuple[float, float, float, float]) -> bool:
    """Whether north turns more than :data:`NORTH_TOLERANCE_DEG` away from "up" anywhere on the map."""
    _, inverse = _transformers(proj)
    xmin, ymin, xmax, ymax = view
    for x, y in ((xmin, ymin), (xmin, ymax), (xmax, ymin), (xmax, ymax)):
        lon, lat = inverse.transform(x, y)
        if math.isfinite(lon) and math.isfinite(lat) and abs(north_rotation(proj, lon, lat)) > NORTH_TOLERANCE_DEG:
            return True
    return False


def _draw_north_arrow(ax: Axes, proj: str, view: tuple[float, float, float, float], lang: Lang, s: float,
                      renderer: RendererBase) -> Bbox:
    """An arrow pointing to true north near the upper left corner; returns its box in display pixels."""
    xmin, ymin, xmax, ymax = view
    fx, fy = 0.045, 0.86
    x, y = xmin + fx * (xmax - xmin), ymin + fy * (ymax - ymin)
    _, inverse = _transformers(proj)
    lon, lat = inverse.transform(x, y)
    angle = math.radians(north_rotation(proj, lon, lat))
    length = 0.07 * (ymax - ymin)
    tip = (x + length * math.sin(angle), y + length * math.cos(angle))
    arrow = ax.annotate("", xy=tip, xytext=(x, y), zorder=9,
                        arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 1.2 * s, "mutation_scale": 12 * s})
    label = ax.text(tip[0] + 0.01 * length * math.sin(angle), tip[1] + 0.15 * length, WORDS["north"][lang],
                    ha="center", va="bottom", fontsize=8 * s, fontweight="bold", color=INK, zorder=9)
    return Bbox.union([arrow.get_window_extent(renderer), label.get_window_extent(renderer)]).padded(3 * s)


# ---------------------------------------------------------------- the page


def _in_box(lon: float, lat: float, box: BBox) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def _marker_size(shape: str, s: float) -> float:
    marker = MARKERS[shape]
    return (7.0 * s * MARKER_SCALE[marker]) ** 2


def _draw_markers(ax: Axes, ds: Dataset, ids: Sequence[str], xy: dict[str, tuple[float, float]],
                  s: float) -> None:
    for layer in LAYERS:
        members = [pid for pid in ids if ds.layer(pid) == layer.id]
        if not members:
            continue
        pts = np.array([xy[pid] for pid in members])
        ax.scatter(pts[:, 0], pts[:, 1], s=_marker_size(layer.shape, s), marker=MARKERS[layer.shape],
                   c=layer.colour, edgecolors=OUTLINE, linewidths=0.6 * s, zorder=6 + LAYERS.index(layer) * 0.01,
                   gid=f"layer-{layer.id}")


# ---------------------------------------------------------------- collections


#: Circle radii in points at type scale 1, as ``web/mapapp.js`` (``radiusOf``) gives them in pixels: a figure's
#: circle (area ∝ the figure, never under the minimum), a recorded zero, "no count".
COLLECTION_BIG, COLLECTION_MIN, COLLECTION_ZERO, COLLECTION_NO_COUNT = 30.0, 2.5, 3.0, 4.0
COLLECTION_EDGE, NO_COUNT_INK, COLLECTION_ALPHA = "#1f1f1f", "#555555", 0.55
#: Above the basemap (1) and the borders (1.5), below the place markers (6) and the labels (8).
COLLECTION_ZORDER = 4.0
#: The kinds of circle, in drawing order: figures (largest first), then "no count" rings, then zero discs.
CircleKind = Literal["count", "no-count", "zero"]
CIRCLE_KINDS: tuple[CircleKind, ...] = ("count", "no-count", "zero")


def collection_radius(value: int | None, max_value: int, s: float) -> float:
    """The radius in points of a feature's circle for ``value`` (None: no count) at type scale ``s``."""
    if value is None:
        return COLLECTION_NO_COUNT * s
    if value == 0:
        return COLLECTION_ZERO * s
    return max(COLLECTION_MIN, COLLECTION_BIG * math.sqrt(value / max(1, max_value))) * s


def circle_kind(value: int | None) -> CircleKind:
    """How a figure is drawn: a sized circle, a "no count" ring or a zero disc."""
    return "no-count" if value is None else "zero" if value == 0 else "count"


def _circle_style(kind: CircleKind, colour: str, s: float) -> dict[str, Any]:
    """The browser's ``circleStyle`` as scatter arguments (line widths in points at type scale ``s``)."""
    if kind == "no-count":
        # Collections scale dash patterns by the line width: a dash of 3 and a gap of 2 (× s) points.
        return {"facecolors": "none", "edgecolors": NO_COUNT_INK, "linewidths": 1.4 * s,
                "linestyles": [(0.0, (3 / 1.4, 2 / 1.4))]}
    if kind == "zero":
        return {"facecolors": "white", "edgecolors": COLLECTION_EDGE, "linewidths": 1.2 * s}
    return {"facecolors": mpl.colors.to_rgba(colour, COLLECTION_ALPHA), "edgecolors": COLLECTION_EDGE,
            "linewidths": 0.8 * s}


@dataclass(frozen=True)
class CollectionDrawing:
    """A collection as one export draws it: its layer, the year shown and the features drawn then.

    Values by year: each feature with its figure for the year (None: no count). Records (people shot): each
    address with how many of its people were shot in the window. Sites: each site not already a curated place
    (those are drawn as the place), as a symbol of its own layer (value None)."""

    collection: Collection
    layer: Layer
    year: int
    operating: tuple[tuple[Feature, int | None], ...]
    #: Of records, the grid the map drew them on (set by the drawing: "top", the fullest cell over all dates,
    #: and "km", a cell's width): the key's circles are of that grid.
    cells: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def kind(self) -> str:
        """The collection's kind of time: "values_by_year", "records" or "in_name"."""
        return str(self.collection.meta.get("time", "values_by_year"))

    @property
    def max_value(self) -> int:
        """The figure of the largest circle: the collection's largest (all years); of records, the fullest cell
        of the grid drawn (all dates), before it is drawn the most people of one address."""
        if self.kind == "records":
            return int(self.cells.get("top") or max((len(f.dates) for f in self.collection.features), default=0))
        return self.collection.max_value

    def key_rows(self) -> list[int | None]:
        """The size key's rows, as the browser's: round figures (largest first), a recorded zero, "no count";
        of records only the round figures; sites have none (their layers' symbols are in the legend)."""
        if self.kind == "in_name":
            return []
        if self.kind == "records":
            return [*reversed(key_values(self.max_value))]
        return [*reversed(key_values(self.max_value)), 0, None]


def drawn_collections(ds: Dataset, opts: ExportOptions) -> list[CollectionDrawing]:
    """The collections drawing in a layer on in ``opts``, in the year of the window's end
    (:func:`mapapp.model.collections.year_of`), with the features drawn then (see :class:`CollectionDrawing`)."""
    state = opts.state
    start, end = state.window(ds.span[0])
    drawings = []
    for c in in_layers(ds.collections, state.layers):
        year, features = drawn(c, state.layers, end, start)
        kind = c.meta.get("time", "values_by_year")
        items: tuple[tuple[Feature, int | None], ...]
        if kind == "records":
            items = tuple((f, f.count(start, end)) for f in features)
        elif kind == "in_name":
            items = tuple((f, None) for f in features if f.place is None)
        else:
            items = tuple((f, f.value(year)) for f in features)
        drawings.append(CollectionDrawing(c, LAYERS_BY_ID[c.layer], year, items))
    return drawings


def collection_key_labels(drawing: CollectionDrawing, lang: Lang) -> list[tuple[int | None, str]]:
    """The size key's rows with their labels in ``lang``: "100,000", "10,000", "1,000", "count 0",
    "operating, no count"."""
    return [(v, STRINGS["key_no_count"][lang] if v is None else STRINGS["key_zero"][lang] if v == 0
             else format_number(v, lang)) for v in drawing.key_rows()]


def collection_key_note(c: Collection, lang: Lang) -> str:
    """The size key's heading: "Circle area ∝ prisoners in the window's last year" (of records: "∝ people shot
    in the window who lived at the address")."""
    if c.has_records:
        return STRINGS["address_key"][lang]
    return STRINGS["key"][lang].format(measure=c.text("measure", lang))


def collection_total_line(c: Collection, year: int, lang: Lang) -> str:
    """"Prisoners in 1938: 1,559,984 — the sum for the 58 of 60 locations operating that year that have a count.",
    or that ``year`` is outside the collection's years; as the browser captions its chart of totals."""
    total = c.total(year)
    if total is None:
        if c.years is None:
            return ""
        return STRINGS["outside"][lang].format(year=year, first=c.years[0], last=c.years[1]) + "."
    return (STRINGS["total"][lang].format(measure=subject(c, lang), year=year, total=format_number(total.total, lang))
            + " — " + STRINGS["coverage"][lang].format(with_value=total.with_value, operating=total.operating)
            + ".")


def drawing_line(drawing: CollectionDrawing, lang: Lang) -> str:
    """The line under a collection's key: the year's total (:func:`collection_total_line`); of records, how many
    addresses and people the window holds."""
    if drawing.kind == "records":
        people = sum(v or 0 for _, v in drawing.operating)
        return STRINGS["addresses_shown"][lang].format(n=format_number(len(drawing.operating), lang),
                                                       people=format_number(people, lang),
                                                       title=drawing.collection.text("title", lang)) + "."
    return collection_total_line(drawing.collection, drawing.year, lang)


def collection_credit(c: Collection, lang: Lang) -> str:
    """The footer's line for a collection: its title, credit and caveat."""
    return f"{c.text('title', lang)}: {c.text('credit', lang)}. {c.text('caveat', lang)}"


def _draw_collection(ax: Axes, drawing: CollectionDrawing, forward: Transformer,
                     view: tuple[float, float, float, float], s: float) -> np.ndarray:
    """The circles of ``drawing`` on the map, projected and clipped to ``view`` as the markers are; one scatter
    per kind (gid ``collection-<id>-<kind>``), the larger circles drawn first. Returns their centres (n, 2)."""
    c = drawing.collection
    if drawing.kind == "in_name":
        return _draw_sites(ax, drawing, forward, view, s)
    if drawing.kind == "records":
        return _draw_records(ax, drawing, forward, view, s)
    items: dict[CircleKind, list[tuple[float, float, float]]] = {kind: [] for kind in CIRCLE_KINDS}
    for feature, value in drawing.operating:
        x, y = forward.transform(feature.lon, feature.lat)
        if view[0] <= x <= view[2] and view[1] <= y <= view[3]:
            items[circle_kind(value)].append((collection_radius(value, drawing.max_value, s), float(x), float(y)))
    for k, kind in enumerate(CIRCLE_KINDS):
        members = sorted(items[kind], key=lambda item: -item[0])  # larger first: smaller ones stay visible
        if not members:
            continue
        pts = np.array(members)
        ax.scatter(pts[:, 1], pts[:, 2], s=(2 * pts[:, 0]) ** 2, marker="o", zorder=COLLECTION_ZORDER + k * 0.01,
                   gid=f"collection-{c.id}-{kind}", **_circle_style(kind, drawing.layer.colour, s))
    centres = [(x, y) for kind in CIRCLE_KINDS for _, x, y in items[kind]]
    return np.array(centres) if centres else np.empty((0, 2))


#: Records (people at their addresses) are summed on a grid of cells this many points wide (at type scale 1),
#: as the browser groups them zoomed out: thousands of addresses stay legible on paper.
RECORD_CELL_PT = 14.0


def record_radius(n: int, top: int, s: float) -> float:
    """The radius in points of a cell's circle: area ∝ its people, the fullest cell filling the cell."""
    return max(COLLECTION_MIN * s, (RECORD_CELL_PT * s / 2 - 0.5) * math.sqrt(n / max(1, top)))


def _draw_records(ax: Axes, drawing: CollectionDrawing, forward: Transformer,
                  view: tuple[float, float, float, float], s: float) -> np.ndarray:
    """The window's people summed on a grid of :data:`RECORD_CELL_PT` cells, a circle at each cell's weighted
    middle (gid ``collection-<id>-count``); the grid's fullest cell over all dates is the key's top. Returns the
    circles' centres (n, 2)."""
    c = drawing.collection
    width_pt = ax.bbox.width * 72 / ax.figure.dpi
    cell = RECORD_CELL_PT * s * (view[2] - view[0]) / width_pt  # in projected metres
    now: dict[tuple[int, int], list[float]] = {}
    ever: dict[tuple[int, int], int] = {}
    counts = {f.id: n for f, n in drawing.operating}
    for f in c.features:
        x, y = forward.transform(f.lon, f.lat)
        if not (view[0] <= x <= view[2] and view[1] <= y <= view[3]):
            continue
        key = (int(x // cell), int(y // cell))
        ever[key] = ever.get(key, 0) + len(f.dates)
        n = counts.get(f.id) or 0
        if n:
            acc = now.setdefault(key, [0.0, 0.0, 0.0])
            acc[0] += n
            acc[1] += x * n
            acc[2] += y * n
    drawing.cells.update(top=max(ever.values(), default=1), km=cell / 1000)
    items = sorted(((record_radius(int(n), int(drawing.cells["top"]), s), sx / n, sy / n)
                    for n, sx, sy in now.values()), key=lambda item: -item[0])
    if items:
        pts = np.array(items)
        ax.scatter(pts[:, 1], pts[:, 2], s=(2 * pts[:, 0]) ** 2, marker="o", zorder=COLLECTION_ZORDER,
                   gid=f"collection-{c.id}-count", **_circle_style("count", drawing.layer.colour, s))
    return np.array([(x, y) for _, x, y in items]) if items else np.empty((0, 2))


def _draw_sites(ax: Axes, drawing: CollectionDrawing, forward: Transformer,
                view: tuple[float, float, float, float], s: float) -> np.ndarray:
    """A collection's sites as the symbols of their layers (gid ``collection-<id>-<layer>``), as the browser
    draws them zoomed out. Returns their centres (n, 2)."""
    c = drawing.collection
    by_layer: dict[str, list[tuple[float, float]]] = {}
    for feature, _ in drawing.operating:
        x, y = forward.transform(feature.lon, feature.lat)
        if view[0] <= x <= view[2] and view[1] <= y <= view[3]:
            by_layer.setdefault(c.layer_of(feature), []).append((float(x), float(y)))
    for layer_id, pts in sorted(by_layer.items()):
        layer = LAYERS_BY_ID[layer_id]
        marker = MARKERS[layer.shape]
        xy = np.array(pts)
        ax.scatter(xy[:, 0], xy[:, 1], s=(6 * s * MARKER_SCALE[marker] ** 0.5) ** 2, marker=marker,
                   facecolors=layer.colour, edgecolors=OUTLINE, linewidths=0.5 * s, zorder=COLLECTION_ZORDER + 0.5,
                   gid=f"collection-{c.id}-{layer_id}")
    centres = [p for pts in by_layer.values() for p in pts]
    return np.array(centres) if centres else np.empty((0, 2))


def _key_height(drawing: CollectionDrawing, legend_pt: float, s: float) -> float:
    """The height in inches of a collection's size key: its heading, and under it a row of circles."""
    if not drawing.operating or not drawing.key_rows():
        return 0.0
    if drawing.kind == "records":
        return (legend_pt * 1.35 + RECORD_CELL_PT * s + 3 * s) / 72
    top = max(collection_radius(v, drawing.max_value, s) for v in drawing.key_rows())
    return (legend_pt * 1.35 + 2 * top + 3 * s) / 72


def _draw_collection_key(fig: Figure, drawing: CollectionDrawing, rect: tuple[float, float, float, float],
                         lang: Lang, legend_pt: float, s: float, renderer: RendererBase) -> None:
    """The size key of ``drawing`` in ``rect`` (x, y, width, height in inches): the heading, under it each round
    figure, a zero and "no count" drawn as on the map, with their labels (gids ``collection-key-<id>…``)."""
    c = drawing.collection
    w_in, h_in = fig.get_size_inches()
    x0, y0, w, h = rect
    ax = fig.add_axes((x0 / w_in, y0 / h_in, w / w_in, h / h_in))
    ax.set_gid(f"collection-key-{c.id}")
    ax.set_axis_off()
    w_pt, h_pt = w * 72, h * 72
    ax.set_xlim(0, w_pt)  # data units are points
    ax.set_ylim(0, h_pt)
    note = collection_key_note(c, lang)
    if drawing.kind == "records" and drawing.cells:
        note = STRINGS["address_cells"][lang].format(km=f"{drawing.cells['km']:.1f}".replace(".", "," if lang == "ru"
                                                                                              else "."))
    ax.text(0, h_pt, note, ha="left", va="top", fontsize=legend_pt, color=INK, gid=f"collection-key-note-{c.id}")
    yc = (h_pt - legend_pt * 1.35) / 2
    x = 0.0
    for k, (value, label) in enumerate(collection_key_labels(drawing, lang)):
        kind = circle_kind(value)
        r = record_radius(value or 0, drawing.max_value, s) if drawing.kind == "records" \
            else collection_radius(value, drawing.max_value, s)
        ax.scatter([x + r], [yc], s=[(2 * r) ** 2], marker="o", clip_on=False, gid=f"collection-key-{c.id}-{k}",
                   **_circle_style(kind, drawing.layer.colour, s))
        text = ax.text(x + 2 * r + 3 * s, yc, label, ha="left", va="center", fontsize=legend_pt, color=INK,
                       gid=f"collection-key-label-{c.id}-{k}")
        x += 2 * r + 3 * s + text.get_window_extent(renderer).width * 72 / fig.dpi + 12 * s


#: A person's trail, as in the app (Paul Tol muted rose).
TRAIL_COLOUR, TRAIL_INK = "#CC6677", "#5a1f2e"
#: Where along a trail's arrow its number may go, in order of preference (fractions of the way).
TRAIL_NUMBER_SPOTS = (0.5, 0.35, 0.65, 0.25, 0.75, 0.15, 0.85)


def drawn_trail(ds: Dataset, opts: ExportOptions) -> tuple[str, list[tuple[int, Segment]]] | None:
    """``opts.person``'s name in ``opts.lang`` and their segments begun by the window's end, each with its
    index in the whole trail (its number is index + 1); None without a person or a trail."""
    trail = trail_of(ds, opts.person or "")
    person = ds.people.get(opts.person or "")
    if not trail or person is None:
        return None
    end = month_last(opts.end)
    name = person.name_en if opts.lang == "en" else person.name_ru
    return name, [(k, seg) for k, seg in enumerate(trail.segments) if seg.start <= end]


def trail_key(ds: Dataset, opts: ExportOptions, drawn: tuple[str, list[tuple[int, Segment]]] | None) -> str:
    """The dated list under the map for the ``drawn`` trail (:func:`drawn_trail`): "Trail: Osip Mandelstam
    — 1 Moscow → Cherdyn, 16–17 May 1934 → Jun 1934; 2 …", names as they were at the window's end.
    Empty without a trail."""
    if drawn is None:
        return ""
    name, segments = drawn
    lang, end = opts.lang, month_last(opts.end)
    entries = [f"{k + 1}\u00a0{name_at(ds.places[seg.from_place], end, lang)} → "
               f"{name_at(ds.places[seg.to_place], end, lang)}, {seg.label(lang)}" for k, seg in segments]
    return f"{t('trail', lang)}: {name} — " + "; ".join(entries) + "."


def _draw_trail(ax: Axes, ds: Dataset, drawn: tuple[str, list[tuple[int, Segment]]], forward: Transformer,
                view: tuple[float, float, float, float], s: float, renderer: RendererBase,
                obstacles: Sequence[Bbox], lang: Lang) -> list[Bbox]:
    """The ``drawn`` trail (:func:`drawn_trail`): one arrow per segment (dashed when a date is approximate),
    numbered as in :func:`trail_key` — a small number at a free spot along the arrow, since dates would pile
    up where trails cross Moscow — and the person's name in the map's corner.
    Returns the boxes of what it wrote, for the place labels to avoid."""
    name, segments = drawn
    boxes: list[Bbox] = []
    for k, seg in segments:
        a, b = ds.places[seg.from_place], ds.places[seg.to_place]
        (x0, y0), (x1, y1) = forward.transform(a.lon, a.lat), forward.transform(b.lon, b.lat)
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=9 * s, color=TRAIL_COLOUR,
                                     linewidth=1.5 * s, linestyle=(0, (4, 3)) if seg.approximate else "solid",
                                     shrinkA=3 * s, shrinkB=5 * s, zorder=5.5, clip_on=True, gid=f"trail-{k}"))
        spots = [(x0 + f * (x1 - x0), y0 + f * (y1 - y0)) for f in TRAIL_NUMBER_SPOTS]
        spots = [(x, y) for x, y in spots if view[0] <= x <= view[2] and view[1] <= y <= view[3]]
        if not spots:
            continue
        text = ax.text(*spots[0], str(k + 1), fontsize=5.5 * s, color=TRAIL_INK, ha="center", va="center",
                       fontweight="bold", zorder=7, gid=f"trail-label-{k}",
                       bbox={"boxstyle": "circle,pad=0.25", "facecolor": "white", "edgecolor": TRAIL_COLOUR,
                             "linewidth": 0.6 * s})
        for spot in spots:  # the first spot clear of markers and other numbers; else the middle
            text.set_position(spot)
            if not _overlaps(text.get_window_extent(renderer), [*obstacles, *boxes]):
                break
        else:
            text.set_position(spots[0])
        boxes.append(text.get_window_extent(renderer))
    caption = ax.text(0.01, 0.99, f"{t('trail', lang)}: {name}", transform=ax.transAxes, ha="left", va="top",
                      fontsize=7.5 * s, color=TRAIL_INK, fontweight="bold", zorder=8, gid="trail-person",
                      bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    boxes.append(caption.get_window_extent(renderer))
    return boxes


def _label_order(ds: Dataset, ids: Sequence[str], counts: dict[str, int]) -> list[str]:
    """Gravest layers first, then places with more events in the window."""
    order = {layer.id: i for i, layer in enumerate(LAYERS)}
    return sorted(ids, key=lambda pid: (order[ds.layer(pid)], -counts.get(pid, 0), pid))


def _marker_boxes(ax: Axes, pts: np.ndarray, radius: float) -> list[Bbox]:
    disp = ax.transData.transform(pts) if len(pts) else np.empty((0, 2))
    return [Bbox.from_extents(x - radius, y - radius, x + radius, y + radius) for x, y in disp]


def _draw_inset(fig: Figure, ax: Axes, ds: Dataset, ids: list[str], names: dict[str, str],
                counts: dict[str, int], opts: ExportOptions, s: float, renderer: RendererBase,
                main_markers: np.ndarray, view: tuple[float, float, float, float]) -> Bbox:
    """A Moscow inset in the emptiest corner of ``ax``, tied to Moscow on the main map by leader lines."""
    forward, _ = _transformers(MOSCOW_PROJ)
    pts = np.array([forward.transform(ds.places[p].lon, ds.places[p].lat) for p in ids])
    xmin, ymin = pts.min(axis=0)
    xmax, ymax = pts.max(axis=0)
    pad = max(xmax - xmin, ymax - ymin) * 0.25 + 2000
    extent = (xmin - pad, ymin - pad, xmax + pad, ymax + pad)
    area = ax.get_window_extent(renderer)
    w = 0.32 * area.width
    h = min(w * (extent[3] - extent[1]) / (extent[2] - extent[0]), 0.5 * area.height)
    margin = 0.015 * area.width
    corners = {
        "upper right": (area.x1 - margin - w, area.y1 - margin - h),
        "lower right": (area.x1 - margin - w, area.y0 + margin),
        "upper left": (area.x0 + margin, area.y1 - margin - h),
    }
    disp = ax.transData.transform(main_markers) if len(main_markers) else np.empty((0, 2))

    def crowd(corner: tuple[float, float]) -> int:
        x0, y0 = corner
        return int(np.sum((disp[:, 0] >= x0) & (disp[:, 0] <= x0 + w) & (disp[:, 1] >= y0) & (disp[:, 1] <= y0 + h)))

    x0, y0 = min(corners.values(), key=crowd)
    fw, fh = fig.bbox.width, fig.bbox.height
    inset = fig.add_axes((x0 / fw, y0 / fh, w / fw, h / fh), zorder=10)
    inset.set_gid("moscow-inset")
    view_in = fit_aspect(extent, w / h)
    inset.set_xlim(view_in[0], view_in[2])
    inset.set_ylim(view_in[1], view_in[3])
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_edgecolor(INK)
        spine.set_linewidth(0.8 * s)
    _draw_basemap(inset, MOSCOW_PROJ, view_in, 0.3 * s)
    xy = {pid: (float(x), float(y)) for pid, (x, y) in zip(ids, pts, strict=True)}
    _draw_markers(inset, ds, ids, xy, s)
    inset.text(0.03, 0.97, WORDS["moscow"][opts.lang], transform=inset.transAxes, ha="left", va="top",
               fontsize=8 * s, fontweight="bold", color=INK, zorder=9)
    title_box = inset.texts[-1].get_window_extent(renderer).padded(2 * s)
    radius = 5.0 * s * opts.dpi / 72
    obstacles = _marker_boxes(inset, pts, radius) + [title_box]
    obstacles.append(_draw_scale_bar(inset, MOSCOW_PROJ, view_in, opts.lang, s * 0.8, renderer))
    cands = [Candidate(pid, names[pid], *xy[pid], 6.5 * s + 1) for pid in _label_order(ds, ids, counts)]
    place_labels(inset, cands, obstacles, 6.0 * s, renderer)
    # Moscow's box on the main map, and leader lines to the inset.
    fwd_main, _ = _transformers(opts.region.proj)
    bx, by = fwd_main.transform(*_densified(MOSCOW_BOX, 4))
    rect = (min(bx), min(by), max(bx), max(by))
    rmin = 0.006 * (view[2] - view[0])
    cxr, cyr = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
    half_w, half_h = max((rect[2] - rect[0]) / 2, rmin), max((rect[3] - rect[1]) / 2, rmin)
    ax.add_patch(Rectangle((cxr - half_w, cyr - half_h), 2 * half_w, 2 * half_h, fill=False, edgecolor=INK,
                           linewidth=0.8 * s, zorder=7))
    for corner_in, corner_main in (((0, 0), (cxr - half_w, cyr - half_h)), ((1, 1), (cxr + half_w, cyr + half_h))):
        fig.add_artist(ConnectionPatch(xyA=corner_main, coordsA=ax.transData, xyB=corner_in,
                                       coordsB=inset.transAxes, color=INK, linewidth=0.5 * s, alpha=0.7,
                                       zorder=7))
    return Bbox.from_extents(x0, y0, x0 + w, y0 + h).padded(2 * s)


def render(ds: Dataset, opts: ExportOptions) -> Figure:
    """The static map of ``ds`` for ``opts``: a matplotlib Figure of exactly ``opts.width_px``×``height_px``."""
    with export_rc():
        return _render(ds, opts)


def _render(ds: Dataset, opts: ExportOptions) -> Figure:
    state = opts.state
    lang = opts.lang
    region = opts.region
    start, end = state.window(ds.span[0])
    when = month_last(opts.end)
    ids = visible_place_ids(ds, state)
    window_events = events_in_window(ds.events, start, end)
    counts: dict[str, int] = {}
    for event in window_events:
        for pid in event.place_ids:
            counts[pid] = counts.get(pid, 0) + 1
    names = {pid: name_at(ds.places[pid], when, lang) for pid in ids}

    w_in, h_in = opts.size_in
    fig = Figure(figsize=(w_in, h_in), dpi=opts.dpi, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    forward, _ = _transformers(region.proj)
    collections = drawn_collections(ds, opts)
    collection_layers = {d.collection.layer_of(f) for d in collections for f, _ in d.operating}
    collection_layers |= {reg.layer for reg in ds.registers}  # a register's layer, while it is on (below)
    present = [layer for layer in LAYERS if layer.id in state.layers and (
        layer.id in collection_layers or any(ds.layer(p) == layer.id for p in ids))]
    snapshot, border_geoms = border_geometries(ds.borders, when)
    drawn = drawn_trail(ds, opts)  # computed once: the key under the map and the arrows on it
    trail_text = trail_key(ds, opts, drawn)
    footer_text = f"{t('sources', lang)} {WORDS['footer_extra'][lang]}"
    if border_geoms:
        footer_text += f" {t('borders_footer', lang)}"
    for drawing in collections:
        footer_text += f" {collection_credit(drawing.collection, lang)}"
    extent = projected_extent(region)
    first_month, last_month = (d.year * 12 + d.month - 1 for d in (start, end))
    width_km = (extent[2] - extent[0]) / 1000
    # the registers' texts do not depend on the map's final frame (the level is the region's, the totals all cells'):
    # their cells are counted once, here, and clipped to the frame once it is known
    registers = drawn_registers(ds.registers, state.layers, first_month, last_month, forward, width_km)
    for rd in registers:
        footer_text += f" {register_credit(rd, lang)}"
    s = max(min(w_in, h_in) / 8.27, 0.7)  # type scale: 1 on A4, never so small that text is unreadable
    while True:  # ... unless the page is so small that the map would get less than half of it
        title_pt, stamp_pt, legend_pt, footer_pt = 16 * s, 11.5 * s, 7.5 * s, 6 * s
        # Vertical layout in inches: title band, map, legend band, footer band.
        margin = 0.3 * s
        top_band = margin + (title_pt * 1.35 + stamp_pt * 1.6) / 72
        ncol = max(1, min(len(present) or 1, int((w_in - 2 * margin) / (2.6 * s))))
        legend_rows = math.ceil(len(present) / ncol) if present else 0
        legend_band = (legend_rows * legend_pt * 1.75 + legend_pt * 0.6) / 72 if present else 0.0
        chars = max(40, int((w_in - 2 * margin) * 72 / (footer_pt * 0.56)))
        footer_lines = textwrap.wrap(footer_text, chars)
        footer_band = (len(footer_lines) * footer_pt * 1.3) / 72 + margin
        line_chars = int((w_in - 2 * margin) * 72 / (legend_pt * 0.56))
        trail_lines = textwrap.wrap(trail_text, line_chars)
        trail_band = len(trail_lines) * legend_pt * 1.35 / 72 + (legend_pt * 0.5 / 72 if trail_lines else 0.0)
        # Each collection: its size key, then the year's total (gid collection-total-<id>).
        blocks = [(d, _key_height(d, legend_pt, s), textwrap.wrap(drawing_line(d, lang), line_chars))
                  for d in collections]
        register_blocks = [(rd, register_key_height(legend_pt, s), textwrap.wrap(register_line(rd, lang), line_chars))
                           for rd in registers]
        collection_band = sum(key_h + len(lines) * legend_pt * 1.35 / 72 + legend_pt * 0.5 / 72
                              for _, key_h, lines in [*blocks, *register_blocks] if key_h or lines)
        map_bottom = footer_band + trail_band + collection_band + legend_band + 0.08 * s
        map_h = h_in - top_band - map_bottom
        map_w = w_in - 2 * margin
        if map_h >= 0.5 * h_in or s < 0.2:
            break
        s *= 0.85
    ax = fig.add_axes((margin / w_in, map_bottom / h_in, map_w / w_in, map_h / h_in))
    ax.set_gid("map")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#555555")
        spine.set_linewidth(0.6 * s)
    view = fit_aspect(extent, map_w / map_h)
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    _draw_basemap(ax, region.proj, view, 0.35 * s)
    if snapshot and border_geoms:
        _draw_borders(ax, region.proj, view, snapshot, border_geoms, s)

    # Title, date stamp.
    fig.text(margin / w_in, 1 - margin / h_in, opts.title or t("title", lang), ha="left", va="top",
             fontsize=title_pt, fontweight="bold", color=INK, gid="title")
    fig.text(margin / w_in, 1 - (margin + title_pt * 1.35 / 72) / h_in, date_stamp(opts), ha="left", va="top",
             fontsize=stamp_pt, color=INK, gid="date-stamp")
    region_label = region.label_en if lang == "en" else region.label_ru
    fig.text(1 - margin / w_in, 1 - (margin + title_pt * 1.35 / 72) / h_in, region_label, ha="right",
             va="top", fontsize=stamp_pt * 0.85, color="#555555", gid="region")

    # Markers.
    xy: dict[str, tuple[float, float]] = {}
    for pid in ids:
        x, y = forward.transform(ds.places[pid].lon, ds.places[pid].lat)
        if view[0] <= x <= view[2] and view[1] <= y <= view[3]:
            xy[pid] = (float(x), float(y))
    shown = [pid for pid in ids if pid in xy]
    registers = [rd.within(view) for rd in registers]
    circles = [draw_register(ax, rd, s, COLLECTION_ZORDER - 0.5) for rd in registers]  # under the collections
    circles += [_draw_collection(ax, drawing, forward, view, s) for drawing in collections]  # below the markers
    _draw_markers(ax, ds, shown, xy, s)
    pts = np.array([xy[p] for p in shown]) if shown else np.empty((0, 2))

    # Furniture that labels must avoid.
    obstacles = [_draw_scale_bar(ax, region.proj, view, lang, s, renderer)]
    if needs_north_arrow(region.proj, view):
        obstacles.append(_draw_north_arrow(ax, region.proj, view, lang, s, renderer))
    radius = 5.0 * s * opts.dpi / 72
    obstacles += _marker_boxes(ax, pts, radius)
    if drawn is not None:
        obstacles += _draw_trail(ax, ds, drawn, forward, view, s, renderer, obstacles, lang)
    moscow = [p for p in shown if _in_box(ds.places[p].lon, ds.places[p].lat, MOSCOW_BOX)]
    label_ids = shown
    cluster: list[Candidate] = []
    if not region.city and len(moscow) >= INSET_MIN_PLACES:
        crowd = np.vstack([pts, *circles])  # the inset takes the corner with the fewest markers and circles
        obstacles.append(_draw_inset(fig, ax, ds, moscow, names, counts, opts, s, renderer, crowd, view))
        label_ids = [p for p in shown if p not in moscow]
        mx, my = forward.transform(37.62, 55.75)
        cluster = [Candidate("moscow-cluster", WORDS["moscow"][lang], mx, my, 11.0 * s + 1)]
    cands = cluster + [Candidate(pid, names[pid], *xy[pid], 6.5 * s + 1)  # clear of the marker and the padding
                       for pid in _label_order(ds, label_ids, counts)]
    place_labels(ax, cands, obstacles, 6.5 * s, renderer)

    # Legend and footer.
    collection_layers -= {rd.layer.id for rd in registers if not len(rd.xy)}  # nothing of it on this map
    present = [layer for layer in present  # only what is drawn
               if layer.id in collection_layers or any(ds.layer(p) == layer.id for p in shown)]
    if present:
        handles = [Line2D([], [], linestyle="none", marker=MARKERS[la.shape], markersize=7 * s * MARKER_SCALE[
            MARKERS[la.shape]] ** 0.5 * (1.6 if la.shape == "dot" else 1.0),
            markerfacecolor=mpl.colors.to_rgba(la.colour, COLLECTION_ALPHA) if la.collection else la.colour,
            markeredgecolor=COLLECTION_EDGE if la.collection else OUTLINE,
            markeredgewidth=(0.8 if la.collection else 0.6) * s) for la in present]
        labels = [la.label_en if lang == "en" else la.label_ru for la in present]
        legend = fig.legend(handles, labels, loc="upper left", ncol=ncol, frameon=False, fontsize=legend_pt,
                            bbox_to_anchor=(margin / w_in, (map_bottom - 0.04 * s) / h_in),
                            borderaxespad=0, handletextpad=0.4, columnspacing=1.5, borderpad=0.2)
        legend.set_gid("legend")
    top = footer_band + trail_band + collection_band
    for drawing, key_h, lines in blocks:
        if key_h:
            _draw_collection_key(fig, drawing, (margin, top - key_h, map_w, key_h), lang, legend_pt, s, renderer)
        if lines:
            fig.text(margin / w_in, (top - key_h) / h_in, "\n".join(lines), ha="left", va="top", fontsize=legend_pt,
                     color=INK, linespacing=1.35, gid=f"collection-total-{drawing.collection.id}")
        if key_h or lines:
            top -= key_h + len(lines) * legend_pt * 1.35 / 72 + legend_pt * 0.5 / 72
    for rd, key_h, lines in register_blocks:
        draw_register_key(fig, rd, (margin, top - key_h, map_w, key_h), lang, legend_pt, s, renderer, INK)
        fig.text(margin / w_in, (top - key_h) / h_in, "\n".join(lines), ha="left", va="top", fontsize=legend_pt,
                 color=INK, linespacing=1.35, gid=f"register-total-{rd.register.id}")
        top -= key_h + len(lines) * legend_pt * 1.35 / 72 + legend_pt * 0.5 / 72
    if trail_lines:
        fig.text(margin / w_in, (footer_band + trail_band - legend_pt * 0.25 / 72) / h_in, "\n".join(trail_lines),
                 ha="left", va="top", fontsize=legend_pt, color=TRAIL_INK, linespacing=1.35, gid="trail-key")
    fig.text(margin / w_in, (margin * 0.6) / h_in, "\n".join(footer_lines), ha="left", va="bottom",
             fontsize=footer_pt, color="#444444", linespacing=1.3, gid="footer")
    return fig


def layer_label(layer_id: str, lang: Lang) -> str:
    """The legend label of a layer."""
    layer = LAYERS_BY_ID[layer_id]
    return layer.label_en if lang == "en" else layer.label_ru
