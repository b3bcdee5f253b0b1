"""The general reader: every format a museum brings, as text columns, in lon/lat, with valid geometry."""

from __future__ import annotations

from pathlib import Path

import geopandas
import pytest
import shapely
from shapely.geometry import Point, Polygon

from mapapp.ingest.reader import read_source

NAMES = ["Бутовский полигон", "Коммунарка"]


def _frame(crs: str = "EPSG:4326") -> geopandas.GeoDataFrame:
    gdf = geopandas.GeoDataFrame({"name": NAMES, "n": [20761, 6609]},
                                 geometry=[Point(37.5866, 55.5404), Point(37.4690, 55.5660)], crs="EPSG:4326")
    return gdf.to_crs(crs)


@pytest.mark.parametrize(("suffix", "driver"), [(".geojson", "GeoJSON"), (".gpkg", "GPKG"), (".shp", None),
                                                (".parquet", "parquet")])
def test_spatial_formats_come_back_as_text_in_lonlat(tmp_path: Path, suffix: str, driver: str | None) -> None:
    path = tmp_path / f"sites{suffix}"
    gdf = _frame("EPSG:32637")  # projected (UTM 37N), as Moscow's registries are
    if driver == "parquet":
        gdf.to_parquet(path)
    else:
        gdf.to_file(path, driver=driver, engine="pyogrio", encoding="cp1251" if suffix == ".shp" else None)
    source, problems = read_source(path)
    assert problems == [] and source is not None and source.spatial
    assert list(source.frame["name"]) == NAMES
    assert list(source.frame["n"]) == ["20761", "6609"]  # text, exactly as held
    assert source.frame.crs.to_epsg() == 4326
    assert source.frame.geometry.iloc[0].x == pytest.approx(37.5866, abs=1e-6)
    assert source.frame.geometry.iloc[0].y == pytest.approx(55.5404, abs=1e-6)


def test_shapefile_text_is_read_in_the_encoding_its_cpg_names(tmp_path: Path) -> None:
    path = tmp_path / "sites.shp"
    _frame().to_file(path, engine="pyogrio", encoding="cp1251")
    assert (tmp_path / "sites.cpg").read_text().strip().upper() in {"CP1251", "1251", "WINDOWS-1251"}
    source, _ = read_source(path)
    assert source is not None and list(source.frame["name"]) == NAMES


def test_an_invalid_polygon_is_repaired(tmp_path: Path) -> None:
    bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    assert not bowtie.is_valid
    path = tmp_path / "bow.geojson"
    geopandas.GeoDataFrame({"name": ["x"]}, geometry=[bowtie], crs="EPSG:4326").to_file(path, engine="pyogrio")
    source, _ = read_source(path)
    assert source is not None
    geom = source.frame.geometry.iloc[0]
    assert geom.is_valid and shapely.area(geom) == pytest.approx(2.0)


def test_csv_cells_stay_text_and_multiline_cells_stay_whole(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,title,count\n01,"Два\nслова",\n2,x,0\n', encoding="utf-8")
    source, problems = read_source(path)
    assert problems == [] and source is not None and not source.spatial
    assert source.frame.to_dict("records") == [{"id": "01", "title": "Два\nслова", "count": ""},
                                               {"id": "2", "title": "x", "count": "0"}]


@pytest.mark.parametrize(("name", "content", "encoding", "message"), [
    ("missing.csv", None, None, "does not exist"),
    ("t.xlsx", b"x", None, "has a suffix (.xlsx) mapapp cannot read"),
    ("t.csv", "id\nБутово\n".encode("cp1251"), None, "is not valid utf-8"),
    ("t.csv", b"id\n1\n", "klingon", "declares an unknown encoding 'klingon'"),
    ("t.geojson", b"{not json", None, "cannot be read as a spatial layer"),
])
def test_unreadable_files_are_problems_naming_the_file(tmp_path: Path, name: str, content: bytes | None,
                                                       encoding: str | None, message: str) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    source, problems = read_source(tmp_path / name, encoding=encoding)
    assert source is None and len(problems) == 1
    assert problems[0].file == name and problems[0].message.startswith(message) and problems[0].fix


def test_cp1251_csv_reads_when_declared(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_bytes("id;name\n1;Бутово\n".encode("cp1251"))
    source, _ = read_source(tmp_path / "t.csv", encoding="cp1251", delimiter=";")
    assert source is not None and source.frame.at[0, "name"] == "Бутово"


def test_a_layer_without_crs_needs_one_declared(tmp_path: Path) -> None:
    path = tmp_path / "nocrs.shp"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        geopandas.GeoDataFrame({"a": [1]}, geometry=[Point(400000, 6150000)]).to_file(path, engine="pyogrio")
    source, problems = read_source(path)
    assert source is None and "declares no coordinate reference system" in problems[0].message
    source, problems = read_source(path, crs="EPSG:32637")
    assert problems == [] and source is not None
    assert 36 < source.frame.geometry.iloc[0].x < 38
