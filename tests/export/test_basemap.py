"""The basemap read through geopandas (pyogrio, GDAL's TopoJSON driver) gives what the hand-written decoder gave.

The oracle below is the TopoJSON decoder ``mapapp/export/basemap.py`` had before geopandas (commit fe53801), kept here
only to prove the switch changed no coordinate: same countries in the same order, each geometry equal to the
last bit (``equals_exact`` with tolerance 0), for both Natural Earth resolutions the project ships.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from mapapp.export.basemap import (
    COUNTRIES_50M,
    BasemapMissingError,
    _unwrap,
    load_countries,
    read_countries,
    unwrap_antimeridian,
)

COUNTRIES_110M = COUNTRIES_50M.with_name("countries-110m.json")


# ---------------------------------------------------------------- the oracle: the old hand-written decoder


def _old_arcs(topo: dict) -> list[np.ndarray]:
    """Every arc as lon/lat: delta encoding and quantisation undone."""
    t = topo["transform"]
    return [np.cumsum(np.asarray(a, dtype=float), axis=0) * t["scale"] + t["translate"] for a in topo["arcs"]]


def _old_ring(indexes: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """A ring stitched from arcs (``~i``: arc ``i`` reversed); consecutive arcs share their end points."""
    parts = [arcs[~i][::-1] if i < 0 else arcs[i] for i in indexes]
    return np.concatenate([parts[0], *(p[1:] for p in parts[1:])])


def _old_polygon(rings: list[list[int]], arcs: list[np.ndarray]) -> shapely.Polygon:
    coords = [_unwrap(_old_ring(r, arcs)) for r in rings]
    return shapely.Polygon(coords[0], coords[1:])


def old_decode(path: Path) -> dict[str, BaseGeometry]:
    """``{name: geometry}`` as the hand-written decoder made it (unwrapped, made valid when invalid)."""
    topo = json.loads(path.read_text(encoding="utf-8"))
    arcs = _old_arcs(topo)
    out: dict[str, BaseGeometry] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        if g["type"] == "Polygon":
            geom: BaseGeometry = _old_polygon(g["arcs"], arcs)
        elif g["type"] == "MultiPolygon":
            geom = shapely.MultiPolygon([_old_polygon(p, arcs) for p in g["arcs"]])
        else:
            continue
        out[g["properties"]["name"]] = geom if geom.is_valid else shapely.make_valid(geom)
    return out


# ---------------------------------------------------------------- same outputs


@pytest.mark.parametrize("path", [COUNTRIES_50M, COUNTRIES_110M], ids=["50m", "110m"])
def test_geopandas_reading_equals_the_hand_written_decoder(path: Path) -> None:
    new = load_countries.__wrapped__(path)
    old = old_decode(path)
    assert list(new) == list(old)
    differ = [name for name in old if not shapely.equals_exact(new[name], old[name], tolerance=0)]
    assert differ == []


def test_read_countries_is_valid_lonlat_with_the_antimeridian_unwrapped() -> None:
    gdf = read_countries(COUNTRIES_50M)
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert len(gdf) == 241 and gdf["name"].is_unique
    assert gdf.is_valid.all()
    bounds = {name: geom.bounds for name, geom in zip(gdf["name"], gdf.geometry, strict=True)}
    # GDAL gives these rings as stored, jumping from +180 to -180; unwrapped they run past 180° instead
    assert bounds["Russia"][0] > 19 and bounds["Russia"][2] > 190
    assert bounds["Fiji"][2] > 180
    assert bounds["Antarctica"][2] > 359
    assert bounds["France"][2] < 180  # a country away from the antimeridian is left alone


def test_unwrap_antimeridian_moves_only_rings_that_jump() -> None:
    jumping = shapely.Polygon([(179, 0), (-179, 0), (-179, 1), (179, 1)])
    assert unwrap_antimeridian(jumping).bounds == (179.0, 0.0, 181.0, 1.0)
    near = shapely.Polygon([(-10, 0), (10, 0), (10, 1), (-10, 1)])
    multi = unwrap_antimeridian(shapely.MultiPolygon([jumping, near]))
    assert isinstance(multi, shapely.MultiPolygon)
    assert [p.bounds for p in multi.geoms] == [(179.0, 0.0, 181.0, 1.0), (-10.0, 0.0, 10.0, 1.0)]
    with pytest.raises(TypeError, match="not Point"):
        unwrap_antimeridian(shapely.Point(0, 0))


def test_a_missing_basemap_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(BasemapMissingError, match="npm ci"):
        load_countries(tmp_path / "countries-50m.json")
