"""Map regions for static exports: a lon/lat bounding box and a projection that suits it.

Presets match the app's views (:data:`mapapp.model.viewstate.VIEWS`). Large areas get an equal-area
or conformal conic centred on them (never plain lon/lat), city views a transverse Mercator
centred on the city (north up, true shapes), the world Equal Earth.
"""

from __future__ import annotations

from dataclasses import dataclass

#: ``(west, south, east, north)`` in degrees; ``east`` may exceed 180 to cross the antimeridian.
BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Region:
    """A region preset: what to show and how to project it."""

    id: str
    label_en: str
    label_ru: str
    bbox: BBox
    proj: str
    city: bool = False  # a city view: no inset, labels for every place


REGIONS: tuple[Region, ...] = (
    Region("ussr", "USSR", "СССР", (22.0, 36.0, 182.0, 77.0),
           "+proj=aea +lat_0=56 +lon_0=95 +lat_1=50 +lat_2=70 +datum=WGS84 +units=m"),
    Region("europe", "Europe", "Европа", (-11.0, 35.0, 60.0, 68.0),
           "+proj=laea +lat_0=52 +lon_0=22 +datum=WGS84 +units=m"),
    Region("moscow", "Moscow", "Москва", (37.05, 55.45, 38.15, 56.35),
           "+proj=tmerc +lat_0=55.75 +lon_0=37.6 +k=1 +datum=WGS84 +units=m", city=True),
    Region("leningrad", "Leningrad", "Ленинград", (29.6, 59.6, 31.3, 60.15),
           "+proj=tmerc +lat_0=59.9 +lon_0=30.4 +k=1 +datum=WGS84 +units=m", city=True),
    Region("karelia", "Karelia", "Карелия", (28.5, 60.0, 42.0, 68.5),
           "+proj=lcc +lat_0=64 +lon_0=34.5 +lat_1=61 +lat_2=67 +datum=WGS84 +units=m"),
    Region("world", "World", "Мир", (-180.0, -58.0, 180.0, 84.0),
           "+proj=eqearth +lon_0=20 +datum=WGS84 +units=m"),
)
REGIONS_BY_ID: dict[str, Region] = {r.id: r for r in REGIONS}


#: Longitudes a custom area may span before it gets the world's Equal Earth: an azimuthal or conic projection
#: centred on a wider box puts part of its edge at (or beyond) the antipode, where nothing can be drawn.
MAX_CENTRED_SPAN = 180.0


def region_for_bbox(bbox: BBox) -> Region:
    """A custom region for ``bbox``: transverse Mercator below ~3° across, Equal Earth when wider than
    :data:`MAX_CENTRED_SPAN` (``--bbox -180,-85,180,85``), else a conic or azimuthal projection centred on it."""
    west, south, east, north = bbox
    lon0, lat0 = (west + east) / 2, (south + north) / 2
    if east - west > MAX_CENTRED_SPAN:
        proj = f"+proj=eqearth +lon_0={lon0:.4f} +datum=WGS84 +units=m"
        return Region("bbox", "Custom area", "Выбранная область", bbox, proj)
    if max(east - west, north - south) <= 3:
        proj = f"+proj=tmerc +lat_0={lat0:.4f} +lon_0={lon0:.4f} +k=1 +datum=WGS84 +units=m"
        return Region("bbox", "Custom area", "Выбранная область", bbox, proj, city=True)
    if south < 0 < north or abs(lat0) < 10:
        proj = f"+proj=laea +lat_0={lat0:.4f} +lon_0={lon0:.4f} +datum=WGS84 +units=m"
    else:
        span = north - south
        lat1, lat2 = south + span / 6, north - span / 6
        proj = (f"+proj=lcc +lat_0={lat0:.4f} +lon_0={lon0:.4f} +lat_1={lat1:.4f} +lat_2={lat2:.4f} "
                "+datum=WGS84 +units=m")
    return Region("bbox", "Custom area", "Выбранная область", bbox, proj)
