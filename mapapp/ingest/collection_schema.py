"""The schema of ``data/collections/<id>/collection.toml``: how to read a collection's source files.

A collection keeps its files as they came and declares, here, which file holds the features, how the other
files join onto it, where the geometry, names and time are, what the measure counts, and how to credit it.
Column references are ``column`` (of the features file) or ``join.column`` (of a joined table, by the join's
``name``). Declared with pydantic (:mod:`mapapp.schema` turns its errors into the project's messages); what
pydantic cannot know (that a file exists, that a column is in it) is checked by the import against the files.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from mapapp.schema import Strict, fix, problem

ID = r"^[a-z][a-z0-9_-]*$"

Column = Annotated[str, Field(min_length=1), fix('name a column, "column" of the features file or "join.column"')]


class Text(Strict):
    """A text in both languages of the map."""

    en: Annotated[str, Field(min_length=1), fix("write the English text in quotes")]
    ru: Annotated[str, Field(min_length=1), fix("write the Russian text in quotes")]


class GeoJSONColumn(Strict):
    """Each row holds its geometry as GeoJSON text (``{"type": "Point", "coordinates": [lon, lat]}``)."""

    kind: Literal["geojson"]
    column: Column


class LonLatColumns(Strict):
    """Each row holds its longitude and latitude in two columns."""

    kind: Literal["lonlat"]
    lon: Column
    lat: Column


class PlaceColumn(Strict):
    """Each row names a town (today's or a historic name), resolved through the project's gazetteer (GeoNames):
    the point is the town's, so the location is known to the town only."""

    kind: Literal["place"]
    column: Column
    country: Annotated[str | None, Field(pattern=r"^[A-Z]{2}$"), fix('an ISO country code such as "RU"')] = None
    country_column: Column | None = None  # per row, instead of one country for all
    ambiguous: Annotated[Literal["fail", "largest"],
                         fix('"fail" (a name of two towns is a bad row) or "largest" (the most populous, reported)')] \
        = "fail"

    @model_validator(mode="after")
    def _one_country(self) -> PlaceColumn:
        if (self.country is None) == (self.country_column is None):
            raise problem("needs either country or country_column", 'give country = "RU" or the column of the '
                          "country codes, not both", key="country")
        return self


class NativeGeometry(Strict):
    """The features file is a spatial layer (Shapefile, GeoPackage, GeoJSON, GeoParquet) with its own geometry."""

    kind: Literal["native"]


Geometry = Annotated[GeoJSONColumn | LonLatColumns | PlaceColumn | NativeGeometry, Field(discriminator="kind"),
                     fix('kind = "geojson" (with column), "lonlat" (with lon and lat), "place" (with column and '
                         'country) or "native"')]


class FileSpec(Strict):
    """A source file of the collection, as it lies in its folder."""

    file: Annotated[str, Field(min_length=1), fix("give the file's name inside the collection's folder")]
    encoding: Annotated[str | None, fix('a codec name such as "utf-8" or "cp1251"')] = None
    delimiter: Annotated[str, Field(min_length=1, max_length=1), fix('one character, such as "," or ";"')] = ","
    layer: Annotated[str | None, fix("the layer's name inside the file")] = None


class Features(FileSpec):
    """The table whose rows become the map's features."""

    id: Column
    crs: Annotated[str, fix('a CRS such as "EPSG:4326"')] = "EPSG:4326"
    geometry: Geometry
    group: Column | None = None  # rows sharing it are one thing (one camp's locations); search shows them together


class Join(FileSpec):
    """A table joined onto the features: each feature's ``on`` value is looked up in this table's ``key``."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$"), fix("a short lower-case name, such as camp")]
    key: Column
    on: Column
    duplicates: Annotated[Literal["fail", "identical"],
                          fix('"fail" (a repeated key is a problem) or "identical" (drop exact repeats, reported)')] \
        = "fail"


class Names(Strict):
    """Where a feature's names are; placeholders are never shown as a name."""

    ru: Column
    en: Column | None = None
    other_ru: Column | None = None
    other_en: Column | None = None
    separator: Annotated[str, Field(min_length=1), fix('the text between other names, such as ","')] = ","
    placeholders: list[str] = []  # English "names" that are not names ("New prison"): shown transliterated


class ValuesByYear(Strict):
    """A table of one value per feature and year: the feature exists from its first year to its last."""

    kind: Literal["values_by_year"]
    file: Annotated[str, Field(min_length=1), fix("give the file's name inside the collection's folder")]
    feature: Column
    year: Column
    value: Column
    years: Annotated[list[int], fix("two years, first and last, e.g. years = [1918, 1960]")]
    encoding: str | None = None
    delimiter: str = ","

    @field_validator("years")
    @classmethod
    def _two_ordered(cls, value: list[int]) -> list[int]:
        if len(value) != 2 or value[0] > value[1]:
            raise problem("is not a first and a last year", "two years, first and last, e.g. years = [1918, 1960]")
        return value


class YearColumns(Strict):
    """The first and last year of each feature, in two columns of the features (or a joined) table."""

    kind: Literal["years"]
    first: Column
    last: Column


Time = Annotated[ValuesByYear | YearColumns, Field(discriminator="kind"),
                 fix('kind = "values_by_year" (a table of values) or "years" (first and last year columns)')]


class Attribute(Strict):
    """A line of the popup: a label and the column giving its text in each language."""

    id: Annotated[str, Field(pattern=ID), fix("a short lower-case id")]
    label: Text
    en: Column
    ru: Column


class Collection(Strict):
    """All of ``collection.toml``."""

    id: Annotated[str, Field(pattern=ID), fix("lower-case letters, digits, - and _, the folder's name")]
    layer: Annotated[str, Field(pattern=ID), fix("the id of a map layer (see mapapp/model/layers.py)")]
    licence: Annotated[str, Field(min_length=1), fix("the file beside collection.toml stating source and licence")]
    bad_rows: Annotated[Literal["fail", "report"],
                        fix('"fail" (any bad row stops the build) or "report" (left out, listed in the build report)')] \
        = "fail"
    title: Text
    item: Text | None = None  # what one feature is ("Gulag camp"): search results and popups say it
    credit: Text
    citation: Text
    caveat: Text
    measure: Text
    features: Features
    join: list[Join] = []
    names: Names
    time: Time
    attribute: list[Attribute] = []

    @model_validator(mode="after")
    def _unique_names(self) -> Collection:
        seen: set[str] = set()
        for join in self.join:
            if join.name in seen:
                raise problem(f"names the join {join.name!r} twice", "give every join its own name", key="join")
            seen.add(join.name)
        return self
