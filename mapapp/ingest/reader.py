"""Read any table or layer a museum brings, through geopandas (pyogrio): CSV, GeoJSON, Shapefile (with its
``.cpg`` encoding), GeoPackage, GeoParquet.

Collections (:mod:`mapapp.ingest.collection_import`) read every source file here. Attribute tables come back as
text, exactly as the file holds them (no type guessing, empty cells stay ``""``); spatial layers come back with
their geometry repaired (``make_valid``) and in longitude/latitude (EPSG:4326, ``to_crs``). Failures are
:class:`~mapapp.problems.Problem` s naming the file, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas
import pandas
import pyogrio.errors

from mapapp.problems import Problem

#: Suffixes read as plain text tables (no geometry of their own).
TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
#: Suffixes read as spatial layers, through GDAL.
SPATIAL_SUFFIXES = frozenset({".geojson", ".json", ".shp", ".gpkg", ".parquet", ".geoparquet", ".fgb"})
PARQUET_SUFFIXES = frozenset({".parquet", ".geoparquet"})
WGS84 = "EPSG:4326"


@dataclass(frozen=True)
class Source:
    """One file of a collection as read: its name (for messages), its rows as text, its geometry if spatial."""

    name: str
    frame: pandas.DataFrame  # every column as str; a GeoDataFrame (EPSG:4326) for spatial layers

    @property
    def spatial(self) -> bool:
        """Whether the file carried its own geometry."""
        return isinstance(self.frame, geopandas.GeoDataFrame)


def _problem(name: str, message: str, fix: str) -> Problem:
    return Problem(name, None, None, None, message, fix)


def read_source(path: Path, *, name: str | None = None, encoding: str | None = None, delimiter: str = ",",
                layer: str | None = None, crs: str | None = None,
                crs_override: str | None = None) -> tuple[Source | None, list[Problem]]:
    """Read ``path``; ``(None, problems)`` when it cannot be read.

    ``encoding`` overrides the file's own (a Shapefile's ``.cpg``; CSV defaults to UTF-8). ``crs`` is the CRS
    to assume when a spatial file declares none (a Shapefile without ``.prj``); a file that declares one is
    reprojected from it, unless ``crs_override`` says the declaration is wrong and which CRS the coordinates are in.
    """
    path = Path(path)
    name = name or path.name
    suffix = path.suffix.lower()
    if not path.is_file():
        return None, [_problem(name, f"does not exist (looked for {path})",
                               "put the file in the collection's folder or correct its name in collection.toml")]
    if suffix in TEXT_SUFFIXES:
        return _read_text(path, name, encoding or "utf-8", delimiter)
    if suffix in SPATIAL_SUFFIXES:
        return _read_spatial(path, name, encoding, layer, crs, crs_override)
    return None, [_problem(name, f"has a suffix ({suffix or 'none'}) mapapp cannot read",
                           "give a CSV, GeoJSON, Shapefile (.shp), GeoPackage (.gpkg) or GeoParquet (.parquet) file")]


def _read_text(path: Path, name: str, encoding: str, delimiter: str) -> tuple[Source | None, list[Problem]]:
    try:
        frame = pandas.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, sep=delimiter,
                                skip_blank_lines=True)
    except UnicodeDecodeError as exc:
        return None, [_problem(name, f"is not valid {encoding} (byte {exc.start})",
                               f"save it as {encoding}, or declare its real encoding (encoding = \"cp1251\")")]
    except LookupError:
        return None, [_problem(name, f"declares an unknown encoding '{encoding}'",
                               "use a Python codec name such as utf-8 or cp1251")]
    except (pandas.errors.ParserError, pandas.errors.EmptyDataError) as exc:
        return None, [_problem(name, f"is not a readable table ({str(exc).strip()})",
                               f"check the delimiter ({delimiter!r}) and the quoting of multi-line cells")]
    frame.columns = [str(c).strip() for c in frame.columns]
    return Source(name, frame), []


def _read_spatial(path: Path, name: str, encoding: str | None, layer: str | None, crs: str | None,
                  crs_override: str | None = None) -> tuple[Source | None, list[Problem]]:
    try:
        if path.suffix.lower() in PARQUET_SUFFIXES:  # GeoParquet through pyarrow: GDAL's driver is optional
            gdf = geopandas.read_parquet(path)
        else:
            gdf = geopandas.read_file(path, engine="pyogrio", layer=layer, encoding=encoding)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, ValueError) as exc:
        return None, [_problem(name, f"cannot be read as a spatial layer ({str(exc).strip()})",
                               "check that the file is complete (a Shapefile needs its .shx and .dbf beside it)")]
    if not isinstance(gdf, geopandas.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        return None, [_problem(name, "has no geometry column", "give a spatial layer, or read it as a table")]
    if crs_override is not None:
        gdf = gdf.set_crs(crs_override, allow_override=True)
    if gdf.crs is None:
        if crs is None:
            return None, [_problem(name, "declares no coordinate reference system",
                                   'say which one it uses in collection.toml (crs = "EPSG:32637")')]
        gdf = gdf.set_crs(crs)
    if gdf.crs is not None and not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    invalid = ~gdf.geometry.is_valid & gdf.geometry.notna()
    if invalid.any():
        gdf = gdf.set_geometry(gdf.geometry.where(~invalid, gdf.geometry.make_valid()))
    for column in gdf.columns:
        if column != gdf.geometry.name:
            gdf[column] = gdf[column].map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v))
    return Source(name, gdf), []
