"""Validation of the five curated tables against docs/data-schema.md.

Every check runs and every problem is collected (nothing stops at the first one), so a
curator sees the whole list at once. Each :class:`~mapapp.problems.Problem` names the file,
row, field and bad value and says how to fix it. Geocoding problems are added by
:mod:`mapapp.ingest.build`, which needs the gazetteer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

from mapapp.ingest.citations import LINES_FIX, LinesError, has_lines_placeholder, parse_lines
from mapapp.ingest.countries import COUNTRY_BOUNDS
from mapapp.ingest.tables import REQUIRED_ROWS, Row, Table, read_tables, split_list
from mapapp.model.dates import DATE_FIX, PartialDate
from mapapp.problems import Problem, sort_key

ID_RE = re.compile(r"[a-z0-9_]+")
NUMBER_RE = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
ISO_FORM_RE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")
ID_FIX = "use lower-case letters a-z, digits and _ only (e.g. kirov_1934)"

SOURCE_KINDS = ("text", "general")
PLACE_KINDS = ("prison", "nkvd_building", "execution_site", "burial_site", "camp", "exile_site", "trial_venue",
               "government_building", "building", "residence", "city", "town", "village", "region", "country",
               "canal")
GAZETTEER_KINDS = ("city", "town", "village")
PRECISIONS = ("site", "locality", "region", "country")
#: (minimum, maximum) uncertainty in metres for each precision.
UNCERTAINTY_BOUNDS: dict[str, tuple[int | None, int | None]] = {
    "site": (None, 5_000),
    "locality": (None, 50_000),
    "region": (50_000, None),
    "country": (200_000, None),
}
CATEGORIES = ("arrest", "trial", "sentence", "execution", "burial", "death_in_custody", "suicide",
              "assassination", "exile", "deportation", "imprisonment", "renaming", "decree", "mass_operation",
              "party_purge", "appointment", "dismissal", "rehabilitation", "speech", "meeting", "famine",
              "construction", "memorial", "birth", "death", "other")


class _Checker:
    """Collects problems for one table."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems

    def add(self, row: Row, field: str | None, value: str | None, message: str, fix: str) -> None:
        self.problems.append(Problem(row.file, row.number, field, value, message, fix))

    def required(self, row: Row, *fields: str) -> None:
        for field in fields:
            if not row[field]:
                self.add(row, field, "", "is empty", "fill it in: this column is required")

    def ids(self, rows: list[Row], field: str = "id") -> dict[str, Row]:
        """Check ids (pattern, uniqueness); return the rows by id (first occurrence wins)."""
        seen: dict[str, Row] = {}
        for row in rows:
            value = row[field]
            if not value:
                self.add(row, field, "", "is empty", f"give the row an id: {ID_FIX}")
                continue
            if not ID_RE.fullmatch(value):
                self.add(row, field, value, "is not a valid id", ID_FIX)
            if value in seen:
                self.add(row, field, value, f"is already the id of row {seen[value].number}",
                         "give each row its own id (ids are never reused)")
                continue
            seen[value] = row
        return seen

    def translated(self, row: Row, field: str, field_ru: str) -> None:
        """An optional English text and its Russian version (``note``, ``note_ru``): both or neither."""
        if row[field] and not row[field_ru]:
            self.add(row, field_ru, "", f"is empty, but '{field}' is given",
                     f"write the Russian version: the Russian map shows it in place of '{field}'")
        elif row[field_ru] and not row[field]:
            self.add(row, field, "", f"is empty, but '{field_ru}' is given",
                     f"write the English version (the English map shows it), or empty '{field_ru}'")

    def enum(self, row: Row, field: str, allowed: tuple[str, ...], *, optional: bool = False) -> None:
        value = row[field]
        if not value and optional:
            return
        if value not in allowed:
            if not value:
                self.add(row, field, "", "is empty", f"use one of: {', '.join(allowed)}")
            else:
                self.add(row, field, value, f"is not a known {field}", f"use one of: {', '.join(allowed)}")

    def yes_or_empty(self, row: Row, field: str) -> None:
        value = row[field]
        if value not in ("", "yes"):
            self.add(row, field, value, "is neither 'yes' nor empty", "write yes, or leave the cell empty")

    def date(self, row: Row, field: str, *, required: bool = False) -> PartialDate | None:
        value = row[field]
        if not value:
            if required:
                self.add(row, field, "", "is empty", f"give the date: {DATE_FIX}")
            return None
        if not ISO_FORM_RE.fullmatch(value):
            self.add(row, field, value, "is not a partial ISO date", DATE_FIX)
            return None
        try:
            return PartialDate.parse(value)
        except ValueError:
            self.add(row, field, value, "is not a real date", DATE_FIX)
            return None

    def number(self, row: Row, field: str) -> float | None:
        value = row[field]
        if not NUMBER_RE.fullmatch(value):
            self.add(row, field, value, "is not a decimal number",
                     "write decimal degrees with a point, e.g. 58.6036")
            return None
        result = float(value)
        return result if math.isfinite(result) else None

    def citation(self, row: Row, sources: Mapping[str, Row] | None, *, required: bool) -> None:
        """Check ``source`` and ``source_lines`` of an event or a name period (``sources`` None: sources.csv could
        not be read, so only what needs no source row is checked)."""
        source_id, lines = row["source"], row["source_lines"]
        if not source_id:
            if required:
                self.add(row, "source", "", "is empty, but every event needs a source",
                         "use a sources.csv id (a text, or 'general' for general knowledge)")
            elif lines:
                self.add(row, "source_lines", lines, "is given without a source",
                         "fill in 'source' too, or empty 'source_lines'")
            return
        if sources is None:
            return
        source = sources.get(source_id)
        if source is None:
            self.add(row, "source", source_id, "is not an id in sources.csv",
                     "add the source to sources.csv or correct the id")
            return
        if source["kind"] == "general":
            if lines:
                self.add(row, "source_lines", lines,
                         f"must be empty: source '{source_id}' is general knowledge, not cited by line",
                         "empty the cell, or cite a text source by line")
            return
        if source["kind"] != "text":
            return  # the source's own row is reported
        if not lines:
            self.add(row, "source_lines", "", f"is empty, but source '{source_id}' is cited by line",
                     LINES_FIX)
            return
        try:
            ranges = parse_lines(lines)
        except LinesError as exc:
            self.add(row, "source_lines", lines, exc.reason, LINES_FIX)
            return
        count = _positive_int(source["line_count"])
        if count is None:
            return  # reported on the source's row
        for first, last in ranges:
            for n in {first, last}:
                if not 1 <= n <= count:
                    self.add(row, "source_lines", lines,
                             f"cites line {n}, outside lines 1..{count} of '{source_id}'",
                             "check the line numbers against the source text")


def _positive_int(value: str) -> int | None:
    return int(value) if re.fullmatch(r"[0-9]+", value) and int(value) > 0 else None


def check_sources(table: Table, problems: list[Problem]) -> dict[str, Row]:
    c = _Checker(problems)
    sources = c.ids(table.rows)
    for row in table.rows:
        c.enum(row, "kind", SOURCE_KINDS)
        c.required(row, "title", "citation_en", "citation_ru")
        if row["year"] and not re.fullmatch(r"[0-9]{4}", row["year"]):
            c.add(row, "year", row["year"], "is not a year", "write the year of publication, e.g. 2014")
        if row["kind"] == "text":
            c.required(row, "path")
            if row["line_count"] == "":
                c.add(row, "line_count", "", "is empty, but a text source is cited by line",
                      "give the number of lines of the text")
            elif _positive_int(row["line_count"]) is None:
                c.add(row, "line_count", row["line_count"], "is not a positive whole number",
                      "give the number of lines of the text")
            for field in ("citation_en", "citation_ru"):
                if row[field] and not has_lines_placeholder(row[field]):
                    c.add(row, field, row[field], "has no {lines} placeholder",
                          "write {lines} (or {lines:line|lines}) where the line numbers go")
        elif row["kind"] == "general":
            for field in ("path", "line_count"):
                if row[field]:
                    c.add(row, field, row[field], "must be empty for a general-knowledge source",
                          "empty the cell (general knowledge is not cited by line)")
            for field in ("citation_en", "citation_ru"):
                if has_lines_placeholder(row[field]):
                    c.add(row, field, row[field], "has a {lines} placeholder, but a general source has no lines",
                          "remove {lines}")
    return sources


def check_places(table: Table, problems: list[Problem]) -> dict[str, Row]:
    c = _Checker(problems)
    places = c.ids(table.rows)
    for row in table.rows:
        c.required(row, "name_en", "name_ru")
        c.enum(row, "kind", PLACE_KINDS)
        c.yes_or_empty(row, "abroad")
        c.enum(row, "precision", PRECISIONS)
        country = row["country"]
        if not re.fullmatch(r"[A-Z]{2}", country):
            c.add(row, "country", country, "is not an ISO 3166-1 alpha-2 code",
                  "use two capital letters for the country the place lies in today, e.g. RU, UA, PL")
        _check_uncertainty(c, row)
        has_coords = bool(row["lat"] or row["lon"])
        has_query = bool(row["geonames_query"])
        curated_kind = row["kind"] in PLACE_KINDS and row["kind"] not in GAZETTEER_KINDS
        if has_query and curated_kind:
            c.add(row, "geonames_query", row["geonames_query"],
                  f"is given, but a {row['kind']} needs curated coordinates",
                  "give lat/lon and coord_source; only cities, towns and villages use the gazetteer")
        elif has_coords and has_query:
            c.add(row, "geonames_query", row["geonames_query"], "is given together with lat/lon",
                  "give either lat/lon (curated) or geonames_query + geonames_id (gazetteer), not both")
        elif not has_coords and not has_query:
            c.add(row, None, None, "has neither lat/lon nor a geonames_query",
                  "give lat/lon with a coord_source, or (for a city, town or village) a geonames_query "
                  "and its geonames_id")
        if row["kind"] in GAZETTEER_KINDS and has_coords and not has_query:
            c.add(row, "lat", row["lat"], f"is curated, but a {row['kind']} must come from the gazetteer",
                  "empty lat/lon and give geonames_query and geonames_id")
        if has_query and not has_coords:
            _check_gazetteer_columns(c, row)
        elif not has_query:
            for field in ("admin1", "geonames_id"):
                if row[field]:
                    c.add(row, field, row[field], "is given without a geonames_query",
                          "add the geonames_query, or empty the cell")
        if has_coords:
            _check_coordinates(c, row)
        c.translated(row, "note", "note_ru")
    return places


def _check_uncertainty(c: _Checker, row: Row) -> None:
    value = row["uncertainty_m"]
    if not value:
        c.add(row, "uncertainty_m", "", "is empty", "give the radius in metres within which the place lies")
        return
    if _positive_int(value) is None:
        c.add(row, "uncertainty_m", value, "is not a positive whole number of metres",
              "give the radius in metres, e.g. 500")
        return
    bounds = UNCERTAINTY_BOUNDS.get(row["precision"])
    if bounds is None:
        return
    low, high = bounds
    metres = int(value)
    if high is not None and metres > high:
        c.add(row, "uncertainty_m", value, f"is above the {high:,} m allowed for precision '{row['precision']}'",
              "give a smaller radius, or a coarser precision")
    if low is not None and metres < low:
        c.add(row, "uncertainty_m", value, f"is below the {low:,} m minimum for precision '{row['precision']}'",
              "give a larger radius, or a finer precision")


def _check_gazetteer_columns(c: _Checker, row: Row) -> None:
    gid = row["geonames_id"]
    if not gid:
        c.add(row, "geonames_id", "", "is empty, but a geonames_query needs its pinned GeoNames id",
              "run `mapapp build` to see what the query resolves to, check it, and pin that id")
    elif _positive_int(gid) is None:
        c.add(row, "geonames_id", gid, "is not a GeoNames id", "give the numeric GeoNames id, e.g. 548408")
    if row["admin1"] and not re.fullmatch(r"[0-9A-Z]{1,20}", row["admin1"]):
        c.add(row, "admin1", row["admin1"], "is not a GeoNames admin1 code",
              "give the code as GeoNames writes it, e.g. 69")
    for field in ("coord_source", "coord_source_ru"):
        if row[field]:
            c.add(row, field, row[field], "is filled by the build for gazetteer places",
                  "leave it empty (the build names the GeoNames record)")


def _check_coordinates(c: _Checker, row: Row) -> None:
    lat, lon = c.number(row, "lat"), c.number(row, "lon")
    if not row["coord_source"]:
        c.add(row, "coord_source", "", "is empty, but curated coordinates need their source",
              "say how the coordinates were determined (e.g. a map, a survey, a memorial's address)")
    if not row["coord_source_ru"]:
        c.add(row, "coord_source_ru", "", "is empty, but curated coordinates need their source in Russian too",
              "say in Russian how the coordinates were determined (the Russian map shows it in place of "
              "'coord_source')")
    if lat is None or lon is None:
        return
    in_range = True
    if not -90 <= lat <= 90:
        c.add(row, "lat", row["lat"], "is not a latitude (-90..90)", "check the coordinates")
        in_range = False
    if not -180 <= lon <= 180:
        c.add(row, "lon", row["lon"], "is not a longitude (-180..180)", "check the coordinates")
        in_range = False
    if not in_range:
        return
    country = row["country"]
    if not re.fullmatch(r"[A-Z]{2}", country):
        return  # reported already
    box = COUNTRY_BOUNDS.get(country)
    if box is None:
        c.add(row, "country", country, "has no bounding box, so the coordinates cannot be checked",
              "add the country's rough bounding box to COUNTRY_BOUNDS in mapapp/ingest/countries.py")
        return
    if box.contains(lat, lon):
        return
    if -90 <= lon <= 90 and box.contains(lon, lat):
        c.add(row, "lat", row["lat"], f"and lon '{row['lon']}' look swapped: the point lies in {country} only "
              "with lat and lon exchanged", "exchange the lat and lon cells")
    else:
        c.add(row, "lat", row["lat"], f"and lon '{row['lon']}' lie outside {country} ({box.describe()})",
              "check the coordinates, and that country is where the place lies today")


def check_names(table: Table, places: Mapping[str, Row] | None, sources: Mapping[str, Row] | None,
                problems: list[Problem]) -> None:
    """``places``/``sources`` None: that table could not be read, so nothing is checked against it."""
    c = _Checker(problems)
    periods: dict[str, list[tuple[Row, PartialDate | None, PartialDate | None]]] = {}
    unchainable: set[str] = set()
    for row in table.rows:
        c.required(row, "name_en", "name_ru")
        place_id = row["place_id"]
        if not place_id:
            c.add(row, "place_id", "", "is empty", "give the places.csv id of the place")
        elif places is not None and place_id not in places:
            c.add(row, "place_id", place_id, "is not an id in places.csv",
                  "add the place to places.csv or correct the id")
        start, end = c.date(row, "from"), c.date(row, "to")
        bad_dates = (row["from"] and start is None) or (row["to"] and end is None)
        if start and end and end.earliest() <= start.earliest():
            c.add(row, "to", row["to"], f"is not after 'from' '{row['from']}'",
                  "'to' is the first date of the next name: make it later than 'from'")
            bad_dates = True
        c.citation(row, sources, required=False)
        if place_id and (places is None or place_id in places):
            periods.setdefault(place_id, []).append((row, start, end))
            if bad_dates:
                unchainable.add(place_id)
    for place_id, rows in periods.items():
        if place_id not in unchainable:  # fix the dates first; the chain is checked afterwards
            _check_chain(c, place_id, rows, places[place_id] if places is not None else None)


def _check_chain(c: _Checker, place_id: str, rows: list[tuple[Row, PartialDate | None, PartialDate | None]],
                 place: Row | None) -> None:
    """A place's periods must chain exactly: each 'to' is the next 'from'; open only at the ends.

    ``place`` (None when places.csv could not be read) is the place's row, whose name the current period must carry.
    """
    rows = sorted(rows, key=lambda r: (r[1] is not None, r[1].earliest() if r[1] else None, r[0].number))
    open_starts = [r for r in rows if r[1] is None]
    open_ends = [r for r in rows if r[2] is None]
    for row, _, _ in open_starts[1:]:
        c.add(row, "from", "", f"is empty in more than one period of '{place_id}' (also row "
              f"{open_starts[0][0].number})", "only the first period may have an empty 'from': give the date")
    for row, _, _ in open_ends[:-1]:
        c.add(row, "to", "", f"is empty in more than one period of '{place_id}' (also row {open_ends[-1][0].number})",
              "only the last period may have an empty 'to': give the date the next name took over")
    if len(open_starts) > 1 or len(open_ends) > 1:
        return
    for (row, _, end), (nrow, nstart, _) in pairwise(rows):
        if end is None:
            c.add(row, "to", "", f"is empty, but the period in row {nrow.number} follows",
                  f"set 'to' to the next period's 'from' ({nrow['from']})")
        elif nstart is None:
            continue  # cannot happen after sorting: an empty 'from' sorts first
        elif end.earliest() < nstart.earliest():
            c.add(row, "to", row["to"], f"leaves a gap before the next period (row {nrow.number}) starts on "
                  f"'{nrow['from']}'", "make 'to' equal the next period's 'from'")
        elif end.earliest() > nstart.earliest():
            c.add(row, "to", row["to"], f"overlaps the next period (row {nrow.number}), which starts on "
                  f"'{nrow['from']}'", "make 'to' equal the next period's 'from'")
        elif end != nstart:
            c.add(row, "to", row["to"], f"is not written like the next period's 'from' '{nrow['from']}' "
                  f"(row {nrow.number})", "write the same date in both cells")
    last_row, _, last_end = rows[-1]
    if place is not None and last_end is None and last_row["name_en"] and last_row["name_en"] != place["name_en"]:
        c.add(last_row, "name_en", last_row["name_en"],
              f"is the current name (empty 'to') but places.csv row {place.number} calls the place "
              f"'{place['name_en']}'", "use the same name in both, or close the period with a 'to' date")


def check_people(table: Table, problems: list[Problem]) -> dict[str, Row]:
    c = _Checker(problems)
    people = c.ids(table.rows)
    for row in table.rows:
        c.required(row, "name_en", "name_ru")
        born, died = c.date(row, "born"), c.date(row, "died")
        if born and died and died.latest() < born.earliest():
            c.add(row, "died", row["died"], f"is before 'born' '{row['born']}'", "correct one of the dates")
    return people


def check_events(table: Table, places: Mapping[str, Row] | None, people: Mapping[str, Row] | None,
                 sources: Mapping[str, Row] | None, problems: list[Problem]) -> dict[str, Row]:
    """``places``/``people``/``sources`` None: that table could not be read, so nothing is checked against it."""
    c = _Checker(problems)
    events = c.ids(table.rows)
    for row in table.rows:
        c.required(row, "title_en", "title_ru", "summary_en", "summary_ru")
        start = c.date(row, "start", required=True)
        end = c.date(row, "end")
        if start and end and end.latest() < start.earliest():
            c.add(row, "end", row["end"], f"is before the start '{row['start']}'",
                  "correct the dates (end is the last day of the event)")
        c.yes_or_empty(row, "approximate")
        c.enum(row, "category", CATEGORIES)
        place_ids = split_list(row["places"])
        if not place_ids:
            c.add(row, "places", "", "is empty", "give at least one places.csv id (the first is the main place)")
        _check_refs(c, row, "places", place_ids, places, "places.csv")
        _check_refs(c, row, "people", split_list(row["people"]), people, "people.csv")
        c.citation(row, sources, required=True)
        c.translated(row, "note", "note_ru")
    return events


def _check_refs(c: _Checker, row: Row, field: str, ids: list[str], known: Mapping[str, Row] | None,
                file: str) -> None:
    seen: set[str] = set()
    for ref in ids:
        if ref in seen:
            c.add(row, field, ref, "is listed twice", "list each id once")
        elif known is not None and ref not in known:
            c.add(row, field, ref, f"is not an id in {file}", f"add it to {file} or correct the id")
        seen.add(ref)


#: Which columns refer to which table's ids: (table, column, referred table).
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("names.csv", "place_id", "places.csv"), ("names.csv", "source", "sources.csv"),
    ("events.csv", "places", "places.csv"), ("events.csv", "people", "people.csv"),
    ("events.csv", "source", "sources.csv"),
)


def unusable(table: Table) -> str | None:
    """Why other tables cannot be checked against ``table`` (None: they can).

    A table that could not be read, has no ``id`` column, or is a required table without rows
    (:data:`~mapapp.ingest.tables.REQUIRED_ROWS`) would make every reference to it "not an id": hundreds of follow-on
    lines burying the one real problem, which is reported on the table itself. (An empty optional table is
    fine, so a reference to it is a real mistake and is reported on its row.)
    """
    if not table.complete:
        return "could not be read"
    if "id" not in table.header:
        return "has no 'id' column"
    if not table.rows and table.name in REQUIRED_ROWS:
        return "has no rows"
    return None


def _not_checked(tables: Mapping[str, Table], problems: list[Problem]) -> None:
    """One line per column whose references were not checked because the table they refer to is unusable."""
    for name, column, target in REFERENCES:
        why = unusable(tables[target])
        if why is not None and any(row[column] for row in tables[name].rows):
            problems.append(Problem(name, None, column, None, f"was not checked against {target}, which {why}",
                                    f"correct {target} first; then these references are checked",
                                    follow_on=True))


def validate_tables(tables: Mapping[str, Table]) -> list[Problem]:
    """Every problem in the tables (already read), in a stable order.

    Nothing is checked against a table that :func:`unusable` rejects; one line says so instead.
    """
    problems: list[Problem] = []
    sources = check_sources(tables["sources.csv"], problems)
    places = check_places(tables["places.csv"], problems)
    people = check_people(tables["people.csv"], problems)

    def usable(name: str, rows: dict[str, Row]) -> dict[str, Row] | None:
        return rows if unusable(tables[name]) is None else None

    check_names(tables["names.csv"], usable("places.csv", places), usable("sources.csv", sources), problems)
    check_events(tables["events.csv"], usable("places.csv", places), usable("people.csv", people),
                 usable("sources.csv", sources), problems)
    _not_checked(tables, problems)
    return sorted(problems, key=sort_key)


def validate(data_dir: Path) -> tuple[dict[str, Table], list[Problem]]:
    """Read and validate the tables in ``data_dir``: the tables and every problem found."""
    tables, problems = read_tables(data_dir)
    return tables, sorted(problems + validate_tables(tables), key=sort_key)
