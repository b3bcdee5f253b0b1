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
    """The features file is a spatial layer (Shapefile, GeoPackage, GeoJSON, GeoParquet) with its own geometry.
    ``keep = "outline"`` keeps polygons (building outlines) beside the point the map draws when zoomed out."""

    kind: Literal["native"]
    keep: Annotated[Literal["point", "outline"],
                    fix('"point" (a representative point only) or "outline" (the polygon as well)')] = "point"


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
    """A table whose rows become the map's features (a collection may have several, ``[[features]]``)."""

    id: Column | None = None  # None: "<file stem>-<row>" (a Shapefile without ids)
    map_layer: Annotated[str | None, Field(pattern=ID),
                         fix("the id of a map layer for this file's features (default: the collection's layer)")] = None
    type: Text | None = None  # what this file's features are ("Place of imprisonment"), shown in the popup
    crs: Annotated[str, fix('a CRS such as "EPSG:4326"')] = "EPSG:4326"
    # The CRS the coordinates are really in, when the file's own declaration (a .prj) is wrong: read in it instead.
    crs_override: Annotated[str | None, fix('a CRS such as "EPSG:3395"')] = None
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
    match: Annotated[Literal["exact", "text"],
                     fix('"exact" (the same text) or "text" (line breaks and runs of spaces ignored)')] = "exact"
    required: bool = True  # False: a feature whose value finds no row is kept, without the join's columns


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


class YearsInName(Strict):
    """Years of operation written inside a text column ("Бутовский полигон (1934-1938)"); a feature whose text
    gives none is always shown, and says so (:mod:`mapapp.ingest.years_in_name`)."""

    kind: Literal["in_name"]
    column: Column


class RecordDates(Strict):
    """The features exist as long as the map runs; what changes is which of their records fall in the window
    (``[records]``, dated)."""

    kind: Literal["records"]


Time = Annotated[ValuesByYear | YearColumns | YearsInName | RecordDates, Field(discriminator="kind"),
                 fix('kind = "values_by_year" (a table of values), "years" (first and last year columns), '
                     '"in_name" (years written in the name) or "records" (dated records, [records])')]


class Merge(Strict):
    """Rows of the features files that are one site (the same name, points within ``within_m``) become one
    feature: a site listed in two of the source's layers is drawn once."""

    within_m: Annotated[float, Field(gt=0, le=1000), fix("a distance in metres, e.g. 50")] = 50.0


class PlaceMatches(Strict):
    """Match the features to the curated places: a feature that is already a curated place (the same site) is
    drawn as that place, with both records. Automatic when within ``within_m`` with a name in common; the reviewed
    table ``file`` (columns feature, place, decision = same | different, note) confirms or overrules; anything
    within ``near_m`` that does not match is a near miss in the build report."""

    file: Annotated[str, Field(min_length=1), fix("the reviewed matches table beside collection.toml")]
    within_m: Annotated[float, Field(gt=0), fix("a distance in metres, e.g. 400")] = 400.0
    near_m: Annotated[float, Field(gt=0), fix("a distance in metres, e.g. 2000")] = 2000.0


class RecordField(Strict):
    """A field of a record shown in its popup, as the source gives it."""

    id: Annotated[str, Field(pattern=ID), fix("a short lower-case id")]
    label: Text
    column: Column


class Records(FileSpec):
    """Dated records of people (or events) attached to the features: each record's ``on`` columns are looked up
    in the features' ``key`` columns (normalised as ``match`` says); a record's ``place`` names a curated place
    through the table ``places`` (columns: the source's value, place, note)."""

    id: Column | None = None  # None: the record's row
    on: Annotated[list[Column], Field(min_length=1), fix('the record columns to join on, e.g. ["street", "house"]')]
    key: Annotated[list[Column], Field(min_length=1), fix('the feature columns they match, e.g. ["street", "house"]')]
    match: Annotated[Literal["exact", "text", "address"],
                     fix('"exact", "text" (case and spaces ignored) or "address" (Russian street and house '
                         'spellings, mapapp.ingest.addresses)')] = "exact"
    date: Column
    date_format: Annotated[Literal["d.m.Y", "Y-m-d"], fix('"d.m.Y" (17.05.1938) or "Y-m-d" (1938-05-17)')] = "Y-m-d"
    name: Column
    text: Column | None = None  # the whole record as the source writes it: searched, and shown on request
    place: Column | None = None
    places: str | None = None  # the table mapping the place column's values to curated place ids
    fields: list[RecordField] = []
    item: Text  # what one record is ("person shot"): search results say it
    place_label: Text | None = None  # what the place is to a record ("buried at")
    fallback: Annotated[Literal["none", "street"],
                        fix('"none" or "street" (an address without coordinates: its street\'s house of the same '
                            'number, else the middle of its street)')] = "none"

    @model_validator(mode="after")
    def _same_length(self) -> Records:
        if len(self.on) != len(self.key):
            raise problem("joins a different number of columns than key", "give as many on columns as key "
                          "columns", key="on")
        if (self.place is None) != (self.places is None):
            raise problem("needs both place and places", "name the place column and the table of its values",
                          key="places")
        return self


class Attribute(Strict):
    """A line of the popup: a label and the column giving its text in each language."""

    id: Annotated[str, Field(pattern=ID), fix("a short lower-case id")]
    label: Text
    en: Column
    ru: Column


class Header(Strict):
    """What every ``collection.toml`` says: which collection, on which layer, from whom, counting what."""

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


class Collection(Header):
    """All of ``collection.toml`` for a collection of features (camps, sites, addresses)."""

    # One [features] table, or several [[features]]: read as a list either way (a single table's problems are
    # reported as features.<key>, see mapapp.ingest.collection_import.read_declaration).
    features: Annotated[list[Features], Field(min_length=1), fix("a [features] section, or several [[features]]")]
    join: list[Join] = []
    names: Names
    time: Time
    attribute: list[Attribute] = []
    merge: Merge | None = None
    places: PlaceMatches | None = None
    records: Records | None = None

    @field_validator("features", mode="before")
    @classmethod
    def _one_or_more(cls, value: object) -> object:
        return [value] if isinstance(value, dict) else value

    @property
    def feature_files(self) -> list[Features]:
        """The features files, in their declared order."""
        return self.features

    @model_validator(mode="after")
    def _unique_names(self) -> Collection:
        seen: set[str] = set()
        for join in self.join:
            if join.name in seen:
                raise problem(f"names the join {join.name!r} twice", "give every join its own name", key="join")
            seen.add(join.name)
        if isinstance(self.time, RecordDates) and self.records is None:
            raise problem('says kind = "records" without a [records] section', "add [records], or another time "
                          "kind", key="time")
        return self


class Register(FileSpec):
    """A register: one row per record, each placed by free-text place columns (resolved once per distinct text,
    :mod:`mapapp.ingest.place_strings`) and dated by packed partial dates (:mod:`mapapp.ingest.packed_dates`)."""

    id: Column
    name: Annotated[list[Column], Field(min_length=1), fix('the name columns in order, e.g. ["surname", "name"]')]
    place: Annotated[list[Column], Field(min_length=1),
                     fix('the place columns, the first with a text is used, e.g. ["residence", "birthplace"]')]
    date: Annotated[list[Column], Field(min_length=1),
                    fix('the date columns, the first with a date is used, e.g. ["arrest_date", "sentence_date"]')]
    date_format: Annotated[Literal["packed"], fix('"packed" (Memorial\'s day + 32 × month + 512 × (year − 1800))')] \
        = "packed"
    fields: list[RecordField] = []
    item: Text  # what one record is ("record of persecution")


class RegisterCollection(Header):
    """All of ``collection.toml`` for a register (a [register] section instead of [features])."""

    # "register" as the file writes it; not the attribute's name, which pydantic's BaseModel (an ABC) already has
    table: Register = Field(alias="register")
