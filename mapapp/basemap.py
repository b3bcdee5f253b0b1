"""The Natural Earth basemap for static exports: today's countries as valid shapely geometries in EPSG:4326.

The same file the browser map draws (``node_modules/world-atlas/countries-50m.json``, pinned by
``package-lock.json``, installed by ``npm ci``) is decoded here from TopoJSON — arcs are
delta-encoded and quantised with a transform — once per process.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from . import REPO_ROOT
from .assets import missing_message

#: The pinned Natural Earth 1:50m countries (world-atlas 2.x), EPSG:4326.
COUNTRIES_50M = REPO_ROOT / "node_modules" / "world-atlas" / "countries-50m.json"


class BasemapMissingError(FileNotFoundError):
    """The Natural Earth file is not installed (``npm ci`` has not run)."""


def _decode_arcs(topo: dict) -> list[np.ndarray]:
    """Every arc as an (n, 2) array of lon/lat, undoing the delta encoding and the quantisation."""
    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        xy = np.asarray(arc, dtype=float)
        if transform is not None:
            xy = np.cumsum(xy, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(xy)
    return arcs


def _ring(indexes: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """A closed ring stitched from arc indexes (``~i`` means arc ``i`` reversed)."""
    parts = []
    for k, index in enumerate(indexes):
        xy = arcs[~index][::-1] if index < 0 else arcs[index]
        parts.append(xy if k == 0 else xy[1:])  # consecutive arcs share their end points
    return np.concatenate(parts)


def _unwrap(ring: np.ndarray) -> np.ndarray:
    """A ring that jumps across the antimeridian, made continuous by moving its western half east of 180°."""
    if len(ring) > 1 and np.abs(np.diff(ring[:, 0])).max() > 180:
        ring = ring.copy()
        ring[ring[:, 0] < 0, 0] += 360
    return ring


def _polygon(rings: list[list[int]], arcs: list[np.ndarray]) -> shapely.Polygon:
    coords = [_unwrap(_ring(r, arcs)) for r in rings]
    return shapely.Polygon(coords[0], coords[1:])


def decode_countries(topo: dict, layer: str = "countries") -> dict[str, BaseGeometry]:
    """``{country name: valid (Multi)Polygon}`` from a TopoJSON document's ``layer``.

    World-atlas keeps rings whole across the antimeridian (Chukotka, the Aleutians, Fiji); such a ring is
    unwrapped, so longitudes run from -180 to about 190. Projections wrap longitudes themselves.
    """
    arcs = _decode_arcs(topo)
    countries: dict[str, BaseGeometry] = {}
    for g in topo["objects"][layer]["geometries"]:
        if g["type"] == "Polygon":
            geom: BaseGeometry = _polygon(g["arcs"], arcs)
        elif g["type"] == "MultiPolygon":
            geom = shapely.MultiPolygon([_polygon(p, arcs) for p in g["arcs"]])
        else:
            continue  # null geometries carry nothing to draw
        name = g.get("properties", {}).get("name") or str(g.get("id", len(countries)))
        countries[name] = shapely.make_valid(geom) if not geom.is_valid else geom
    return countries


@lru_cache(maxsize=4)
def load_countries(path: Path = COUNTRIES_50M) -> dict[str, BaseGeometry]:
    """Today's countries from ``path`` (read and decoded once per process); raises if not installed."""
    path = Path(path)
    if not path.is_file():
        raise BasemapMissingError(missing_message(path, REPO_ROOT))
    with open(path, encoding="utf-8") as fh:
        return decode_countries(json.load(fh))
