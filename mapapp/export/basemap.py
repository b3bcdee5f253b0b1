"""The Natural Earth basemap for static exports: today's countries as valid shapely geometries in EPSG:4326.

The same file the browser map draws (``node_modules/world-atlas/countries-50m.json``, pinned by
``package-lock.json``, installed by ``npm ci``) is read here through geopandas (pyogrio, GDAL's TopoJSON
driver) once per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mapapp import REPO_ROOT
from mapapp.webmap.assets import missing_message

#: The pinned Natural Earth 1:50m countries (world-atlas 2.x), EPSG:4326.
COUNTRIES_50M = REPO_ROOT / "node_modules" / "world-atlas" / "countries-50m.json"


class BasemapMissingError(FileNotFoundError):
    """The Natural Earth file is not installed (``npm ci`` has not run)."""


def _unwrap(ring: np.ndarray) -> np.ndarray:
    """A ring that jumps across the antimeridian, made continuous by moving its western half east of 180°."""
    if len(ring) > 1 and np.abs(np.diff(ring[:, 0])).max() > 180:
        ring = ring.copy()
        ring[ring[:, 0] < 0, 0] += 360
    return ring


def _unwrap_polygon(poly: shapely.Polygon) -> shapely.Polygon:
    rings = [_unwrap(np.asarray(r.coords)) for r in (poly.exterior, *poly.interiors)]
    return shapely.Polygon(rings[0], rings[1:])


def unwrap_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """``geom`` (a (Multi)Polygon) with each ring that jumps across ±180° unwrapped to run past 180°.

    World-atlas keeps rings whole across the antimeridian (Chukotka, the Aleutians, Fiji), and GDAL gives
    them as they are; unwrapped, longitudes run from -180 to about 190. Projections wrap longitudes themselves.
    """
    if isinstance(geom, shapely.MultiPolygon):
        return shapely.MultiPolygon([_unwrap_polygon(p) for p in geom.geoms])
    if isinstance(geom, shapely.Polygon):
        return _unwrap_polygon(geom)
    raise TypeError(f"a basemap country must be a Polygon or MultiPolygon, not {geom.geom_type}")


def read_countries(path: Path, layer: str = "countries") -> geopandas.GeoDataFrame:
    """The ``layer`` of a TopoJSON file as a GeoDataFrame in EPSG:4326: ``name`` and a valid, unwrapped geometry.

    Features without a geometry carry nothing to draw and are left out; a feature without a name is named by its
    id.
    """
    gdf = geopandas.read_file(path, layer=layer, engine="pyogrio")
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    # TopoJSON has no CRS member; world-atlas is lon/lat on WGS 84.
    geometry = gdf.geometry.map(unwrap_antimeridian).set_crs("EPSG:4326")
    invalid = ~geometry.is_valid
    geometry[invalid] = geometry[invalid].make_valid()
    names = gdf["name"].where(gdf["name"].notna() & (gdf["name"] != ""), gdf["id"].astype(str))
    return geopandas.GeoDataFrame({"name": names}, geometry=geometry, crs="EPSG:4326")


@lru_cache(maxsize=4)
def load_countries(path: Path = COUNTRIES_50M) -> dict[str, BaseGeometry]:
    """``{country name: valid (Multi)Polygon}`` from ``path`` (read once per process); raises if not installed."""
    path = Path(path)
    if not path.is_file():
        raise BasemapMissingError(missing_message(path, REPO_ROOT))
    countries = read_countries(path)
    return dict(zip(countries["name"], countries.geometry, strict=True))
