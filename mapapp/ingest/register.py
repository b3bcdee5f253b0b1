"""The import of a register (millions of dated records placed by free text) into columnar files and aggregates.

The cost that grows with the number of records is kept in SQL over columns (DuckDB here; the queries in
:data:`QUERIES` use SQL that DuckDB and Spark both accept, so the same text can run on Spark/Sedona for inputs past
one machine, see docs/scale.md). What Python does is bounded by the number of *distinct* place texts (tens of
thousands): :class:`~mapapp.ingest.place_strings.PlaceResolver` resolves each once, and a cache beside the output
keeps what was resolved for the next build. Written atomically into ``out``:

- ``<id>.register.json``: its texts in both languages, levels and counts (what the model reads first);
- ``<id>.records.parquet``: every record that has a place and a date, sorted by month, with its site;
- ``<id>.sites.parquet``: the sites (one per resolved point), GeoParquet through geopandas;
- ``<id>.aggregates.parquet``: counts per (level, key, year, month), level ``site`` and H3 cells (:data:`LEVELS`);
- ``<id>.names.parquet``: the name index, one row per way of writing a name, sorted by its skeleton;
- ``<id>.places.csv``: every distinct place text, its site and how it was resolved (the cache);
- ``<id>.web/``: the browser's files, counts per cell and year and the records in pages
  (:mod:`mapapp.ingest.register_web`);
- ``<id>.report.txt``: rows read, left out by reason (no place, no date, a date that is none, the wrong number of
  fields), place texts that did not resolve by frequency.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import geopandas
import h3
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from mapapp.ingest import place_strings
from mapapp.ingest.collection_import import DECLARATION, header_problems
from mapapp.ingest.collection_schema import RegisterCollection
from mapapp.ingest.packed_dates import FIX as PACKED_FIX
from mapapp.ingest.packed_dates import SQL_DAY, SQL_MONTH, SQL_YEAR
from mapapp.ingest.place_strings import PlaceResolver, Precision, Resolved
from mapapp.ingest.register_web import write_web
from mapapp.model.layers import LAYERS
from mapapp.model.names import skeleton
from mapapp.problems import DataError, Problem
from mapapp.schema import validate_toml

#: The aggregate levels: H3 resolution per level (None: the sites themselves), coarse first.
LEVELS: dict[str, int | None] = {"h3r2": 2, "h3r4": 4, "site": None}
CACHE_COLUMNS = ["text", "site", "lat", "lon", "precision", "how", "place", "geonameid"]
#: DuckDB's memory for the build's tables; past it, they spill to a temporary folder (3·10⁶ rows needed ~5 GB).
MEMORY_LIMIT = "2GB"
ENCODING_FIX = 'declare the file\'s encoding in collection.toml (encoding = "utf-8", "cp1251", …)'
#: How many unresolved place texts the report lists (most frequent first); the rest are counted.
REPORT_TOP = 200

#: The build's SQL, in order; ``{...}`` are filled from the declaration. ``raw`` is the source table (all text),
#: ``places`` the resolved distinct texts, ``cells`` each site's H3 cells.
QUERIES = {
    # one pass over the source: its columns trimmed, the first date and place chosen, the date decoded and checked
    "decoded": """
        CREATE TABLE decoded AS
        SELECT *, coalesce(packed > 0 AND packed < 131072, false) AND month <= 12 AND NOT (day > 0 AND month = 0)
                  AND day <= CASE WHEN month IN (4, 6, 9, 11) THEN 30
                                  WHEN month = 2 AND ((year % 4 = 0 AND year % 100 <> 0) OR year % 400 = 0) THEN 29
                                  WHEN month = 2 THEN 28 ELSE 31 END AS valid
        FROM (SELECT *, {year} AS year, {month} AS month, {day} AS day FROM (
            SELECT __row AS row_no, {id} AS id, {name} AS name, {parts}, {place} AS place_text,
                   {date_text} AS date_text, TRY_CAST({date_text} AS BIGINT) AS packed, {fields}
            FROM raw) r) d""",
    "dated": "CREATE VIEW dated AS SELECT * FROM decoded WHERE date_text IS NOT NULL",
    "bad_dates": """
        SELECT date_text, count(*) AS n, min(row_no) AS first_row FROM dated WHERE NOT coalesce(valid, false)
        GROUP BY date_text ORDER BY n DESC, date_text""",
    "texts": """
        SELECT place_text, count(*) AS n FROM decoded WHERE place_text IS NOT NULL
        GROUP BY place_text ORDER BY n DESC, place_text""",
    "records": """
        CREATE TABLE records AS
        SELECT d.row_no, d.id, d.name, {parts}, d.place_text, p.site, d.year, d.month, d.day, {field_names}
        FROM dated d JOIN places p ON p.text = d.place_text
        WHERE p.site IS NOT NULL AND coalesce(d.valid, false)
        ORDER BY d.year, d.month, d.day, d.row_no""",
    # one row per way of writing a record's name (surname first, given name first with and without the
    # patronymic), keyed by the skeleton every romanisation shares; sorted, so a prefix is a range
    "names": """
        CREATE TABLE names AS
        SELECT DISTINCT key, row_no, name, site, year, month, day FROM (
            {keys}
        ) WHERE key <> '' ORDER BY key, row_no""",
    "aggregates": """
        CREATE TABLE aggregates AS
        SELECT c.level, c.key, r.year, r.month, count(*) AS n
        FROM records r JOIN cells c ON c.site = r.site
        GROUP BY c.level, c.key, r.year, r.month
        ORDER BY c.level, c.key, r.year, r.month""",
}


@dataclass(frozen=True)
class RegisterReport:
    """What an import did, counted; ``text`` is the report file's content."""

    rows: int
    records: int
    sites: int
    texts: int
    unresolved_texts: int
    unresolved_rows: int
    undated_rows: int
    bad_date_rows: int
    by_precision: Mapping[str, int]
    text: str


def _sql_list(columns: Sequence[str], empty: str) -> str:
    """The first non-empty of ``columns`` (text), or NULL."""
    parts = [f"NULLIF(trim({_quote(c)}), '{empty}')" for c in columns]
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def _quote(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def header(path: Path, encoding: str, delimiter: str) -> list[str]:
    """The source file's column names."""
    with path.open("rb") as f:
        first = f.readline()
    try:
        text = first.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DataError([Problem(path.name, 1, None, None, _decode_message(exc, encoding),
                                 ENCODING_FIX)]) from exc
    return next(csv.reader([text.lstrip("\ufeff")], delimiter=delimiter), [])


@dataclass
class Source:
    """The register's file read batch by batch (:attr:`batches`), and what reading it found: rows whose number of
    fields is not the header's (skipped, with their row and text) and text that is not in the declared encoding."""

    batches: pa.RecordBatchReader
    malformed: list[tuple[int, int, str]]  # (row, fields, text)
    undecodable: list[str]


def read_batches(path: Path, encoding: str, delimiter: str, columns: Sequence[str]) -> Source:
    """``columns`` of the source file as text, batch by batch (pyarrow's streaming CSV reader, transcoding from
    ``encoding``), each row with its row number in the file (``__row``; the header is row 1, a skipped row keeps
    its number): the file is never all in memory at once. What cannot be read is collected, not raised."""
    malformed: list[tuple[int, int, str]] = []
    undecodable: list[str] = []

    def skip(row: Any) -> str:
        malformed.append((int(row.number), int(row.actual_columns), str(row.text)))
        return "skip"

    try:
        reader = pacsv.open_csv(
            path, read_options=pacsv.ReadOptions(encoding=encoding, use_threads=False),  # rows numbered as read
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=skip),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=False, include_columns=columns,
                                                 column_types={c: pa.string() for c in columns}))
    except UnicodeDecodeError as exc:
        undecodable.append(_decode_message(exc, encoding))
        empty = pa.schema([*(pa.field(c, pa.string()) for c in columns), pa.field("__row", pa.int64())])
        return Source(pa.RecordBatchReader.from_batches(empty, iter(())), malformed, undecodable)
    schema = reader.schema.append(pa.field("__row", pa.int64()))

    def numbered() -> Iterator[pa.RecordBatch]:
        row, seen = 2, 0
        try:
            for batch in reader:
                skipped = {r for r, _, _ in malformed[seen:]}
                seen = len(malformed)
                numbers: Sequence[int] | np.ndarray
                if skipped:
                    numbers = [n for n in range(row, row + batch.num_rows + len(skipped)) if n not in skipped]
                    numbers = numbers[:batch.num_rows]
                else:
                    numbers = np.arange(row, row + batch.num_rows, dtype=np.int64)
                yield pa.RecordBatch.from_arrays([*batch.columns, pa.array(numbers, pa.int64())], schema=schema)
                row = (numbers[-1] if len(numbers) else row - 1) + 1
                while row in skipped:
                    row += 1
        except UnicodeDecodeError as exc:  # collected: the import reports it and writes nothing
            undecodable.append(_decode_message(exc, encoding))

    return Source(pa.RecordBatchReader.from_batches(schema, numbered()), malformed, undecodable)


def _decode_message(exc: UnicodeDecodeError, encoding: str) -> str:
    return f"is not {encoding} text: byte 0x{exc.object[exc.start]:02x} cannot be read as {encoding}"


def _fingerprint(resolver: PlaceResolver) -> str:
    """What the cache was resolved with: the resolver's code, the gazetteer's label and size, the regions, the
    curated names (any change of one resolves every text again)."""
    h = hashlib.sha256(Path(place_strings.__file__).read_bytes())
    h.update(f"|{resolver.gazetteer.label}|{len(resolver.gazetteer)}".encode())
    for key in sorted(resolver.regions):
        r = resolver.regions[key]
        h.update(f"|{key}:{r.kind}:{r.country}:{r.centre.geonameid}".encode())
    for key in sorted(resolver.curated):
        h.update(f"|{key}:" .encode() + ",".join(f"{c.place}@{c.lat},{c.lon}" for c in resolver.curated[key]).encode())
    return h.hexdigest()[:16]


def read_cache(path: Path, fingerprint: str) -> dict[str, Resolved]:
    """The place texts resolved by an earlier build with the same gazetteer, regions and curated places."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        first = f.readline().strip()
        if first != f"# resolved with {fingerprint}":
            return {}
        out: dict[str, Resolved] = {}
        for row in csv.DictReader(f):
            lat = float(row["lat"]) if row["lat"] else None
            lon = float(row["lon"]) if row["lon"] else None
            prec = row["precision"] or None
            out[row["text"]] = Resolved(row["text"], lat, lon, _PRECISIONS.get(prec or ""),
                                        row["how"], row["place"] or None,
                                        int(row["geonameid"]) if row["geonameid"] else None)
        return out


_PRECISIONS: dict[str, Precision] = {"town": "town", "region": "region"}


def _site_of(r: Resolved, sites: Mapping[tuple[float, float, str], int]) -> int | None:
    """The site a resolved text is at (None: unresolved)."""
    if r.lat is None or r.lon is None or r.precision is None:
        return None
    return sites[(r.lat, r.lon, r.precision)]


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    """The one row of an aggregate query."""
    row = con.execute(sql).fetchone()
    assert row is not None, sql  # an aggregate without GROUP BY always has one row
    return tuple(row)


def _sites(resolved: Mapping[str, Resolved]) -> dict[tuple[float, float, str], int]:
    """One site per distinct resolved point and precision (many texts name the same town), numbered by
    their order (stable: sorted)."""
    points = sorted({(r.lat, r.lon, r.precision) for r in resolved.values()
                     if r.lat is not None and r.lon is not None and r.precision is not None})
    return {(lat, lon, prec): i for i, (lat, lon, prec) in enumerate(points)}


def _write_atomically(out: Path, files: Mapping[str, Callable[[Path], None]]) -> None:
    """Write each file to a temporary name in ``out``, then rename them all: no half-written build."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".register-", dir=out))
    try:
        for name, write in files.items():
            write(tmp / name)
        for name in files:
            if (tmp / name).is_dir() and (out / name).is_dir():  # a folder is not replaced by a rename
                shutil.rmtree(out / name)
            os.replace(tmp / name, out / name)
    finally:
        shutil.rmtree(tmp)


def output_names(register_id: str) -> list[str]:
    """The files an import writes for a register."""
    return [f"{register_id}.{suffix}" for suffix in ("register.json", "records.parquet", "aggregates.parquet",
                                                      "names.parquet", "sites.parquet", "places.csv", "report.txt",
                                                      "web")]


def metadata(decl: RegisterCollection, report: RegisterReport) -> str:
    """``<id>.register.json``: what the app says of the register (texts in both languages, the popup's fields, the
    aggregate levels) and its counts; the one file that marks a folder's register for the model."""
    texts = {k: getattr(decl, k).model_dump() for k in ("title", "credit", "citation", "caveat", "measure")}
    return json.dumps({
        "id": decl.id, "layer": decl.layer, **texts, "item": decl.table.item.model_dump(),
        "fields": [{"id": f.id, "label": f.label.model_dump()} for f in decl.table.fields],
        "levels": {level: res for level, res in LEVELS.items()},
        "rows": report.rows, "records": report.records, "sites": report.sites,
        "unresolved_rows": report.unresolved_rows, "undated_rows": report.undated_rows,
        "bad_date_rows": report.bad_date_rows,
    }, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_register_declaration(folder: Path) -> tuple[RegisterCollection | None, list[Problem]]:
    """``folder/collection.toml`` as a register's declaration, or every problem with it (the file parses:
    :func:`~mapapp.ingest.collection_import.is_register` has read it)."""
    name = f"{folder.name}/{DECLARATION}"
    model, config_problems = validate_toml(RegisterCollection, tomllib.loads(
        (folder / DECLARATION).read_text(encoding="utf-8")), name)
    problems = [Problem(name, None, p.key, p.value, p.message, p.fix) for p in config_problems]
    if model is not None:
        problems.extend(header_problems(model, folder))
        drawn = [la.id for la in LAYERS if la.collection]
        if model.layer not in drawn:
            problems.append(Problem(name, None, "layer", model.layer, "is not a map layer a register can draw on",
                                    f"use one of {', '.join(drawn)} (mapapp/model/layers.py), or add a layer there"))
    return (model if not problems else None), problems


def import_register(decl: RegisterCollection, folder: Path, out: Path, resolver: PlaceResolver,
                    progress: Callable[[str], None] = lambda _: None, cache: Path | None = None) -> RegisterReport:
    """Import ``decl``'s register file from ``folder`` into ``out`` (see the module's docstring); ``cache`` is the
    place texts resolved by an earlier build (default: the one in ``out``)."""
    spec = decl.table
    source = folder / spec.file
    problems: list[Problem] = []
    if not source.is_file():
        raise DataError([Problem(f"{folder.name}/collection.toml", None, "register.file", spec.file,
                                 f"is not a file in {folder}", "name the register's file beside collection.toml")])
    encoding = spec.encoding or "utf-8"
    columns = header(source, encoding, spec.delimiter)
    wanted = list(dict.fromkeys([spec.id, *spec.name, *spec.place, *spec.date, *(f.column for f in spec.fields)]))
    for column in wanted:
        if column not in columns:
            problems.append(Problem(spec.file, 1, column, None, "is not a column of the file",
                                    f"name one of {', '.join(columns)} in collection.toml"))
    if problems:
        raise DataError(problems)
    progress("reading")
    with tempfile.TemporaryDirectory(prefix="register-duckdb-") as spill:
        con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill})
        try:
            return _import(con, decl, read_batches(source, encoding, spec.delimiter, wanted), out, resolver,
                           progress, cache, len(columns))
        finally:
            con.close()


def _import(con: duckdb.DuckDBPyConnection, decl: RegisterCollection, source: Source, out: Path,
            resolver: PlaceResolver, progress: Callable[[str], None], cache: Path | None,
            n_columns: int) -> RegisterReport:
    spec = decl.table
    con.register("raw", source.batches)
    fields = ", ".join(f"NULLIF(trim({_quote(f.column)}), '') AS {_quote('f_' + f.id)}" for f in spec.fields) \
        or "NULL AS no_fields"
    date_text = "coalesce(" + ", ".join(f"NULLIF(NULLIF(trim({_quote(c)}), ''), '0')" for c in spec.date) + ")"
    name = "concat_ws(' ', " + ", ".join(f"NULLIF(trim({_quote(c)}), '')" for c in spec.name) + ")"
    parts = ", ".join(f"NULLIF(trim({_quote(c)}), '') AS n{i}" for i, c in enumerate(spec.name))
    con.execute(QUERIES["decoded"].format(id=_quote(spec.id), name=name, parts=parts, place=_sql_list(spec.place, ""),
                                          date_text=date_text, fields=fields,
                                          year=SQL_YEAR.format(v="packed"), month=SQL_MONTH.format(v="packed"),
                                          day=SQL_DAY.format(v="packed")))
    con.unregister("raw")
    if source.undecodable:
        raise DataError([Problem(spec.file, None, None, None, message, ENCODING_FIX)
                         for message in source.undecodable])
    if source.malformed and decl.bad_rows == "fail":
        raise DataError([Problem(spec.file, row, None, text[:80], f"has {fields} fields where the header has "
                                 f"{n_columns}", 'quote the field that holds the separator, or declare '
                                 'bad_rows = "report" to leave such rows out and list them')
                         for row, fields, text in source.malformed])
    n_rows, n_undated, no_place = _one(
        con, "SELECT count(*), count(*) FILTER (WHERE date_text IS NULL), count(*) FILTER (WHERE place_text IS NULL) "
        "FROM decoded")
    con.execute(QUERIES["dated"])
    bad = con.execute(QUERIES["bad_dates"]).fetchall()
    progress("resolving places")
    texts = con.execute(QUERIES["texts"]).fetchall()
    fingerprint = _fingerprint(resolver)
    known = read_cache(cache or out / f"{decl.id}.places.csv", fingerprint)
    resolved = {t: known.get(t) or resolver.resolve(t) for t, _ in texts}
    sites = _sites(resolved)
    place_rows = [(t, _site_of(r, sites)) for t, r in resolved.items()]
    con.register("places_in", pa.table({"text": pa.array([t for t, _ in place_rows], pa.string()),
                                        "site": pa.array([s for _, s in place_rows], pa.int32())}))
    con.execute("CREATE TABLE places AS SELECT * FROM places_in")
    field_names = ", ".join(_quote("f_" + f.id) for f in spec.fields) or "NULL AS no_fields"
    con.execute(QUERIES["records"].format(field_names=field_names,
                                          parts=", ".join(f"d.n{i}" for i in range(len(spec.name)))))
    con.execute("DROP VIEW dated")
    con.execute("DROP TABLE decoded")
    progress("indexing names")
    _name_index(con, len(spec.name))
    cell_rows = [(level, site, h3.latlng_to_cell(lat, lon, res) if res is not None else str(site))
                 for (lat, lon, _), site in sites.items() for level, res in LEVELS.items()]
    con.register("cells_in", pa.table({"level": pa.array([c[0] for c in cell_rows], pa.string()),
                                       "site": pa.array([c[1] for c in cell_rows], pa.int32()),
                                       "key": pa.array([c[2] for c in cell_rows], pa.string())}))
    con.execute("CREATE TABLE cells AS SELECT * FROM cells_in")
    progress("aggregating")
    con.execute(QUERIES["aggregates"])
    (n_records,) = _one(con, "SELECT count(*) FROM records")
    n_bad = sum(int(n) for _, n, _ in bad)
    by_text = dict(texts)
    unresolved = sorted(((by_text[t], t, r.how) for t, r in resolved.items() if r.precision is None),
                        key=lambda x: (-x[0], x[1]))
    by_precision: dict[str, int] = {}
    for t, r in resolved.items():
        key = r.precision or "unresolved"
        by_precision[key] = by_precision.get(key, 0) + by_text[t]
    n_rows += len(source.malformed)
    report = _report(decl, n_rows, n_records, len(sites), len(texts), unresolved, int(no_place), int(n_undated),
                     bad, by_precision, source.malformed, n_columns)

    def parquet(sql: str) -> Callable[[Path], None]:
        def write(p: Path) -> None:
            con.execute(f"COPY ({sql}) TO '{p}' (FORMAT parquet, COMPRESSION zstd)")
        return write

    def report_file(p: Path) -> None:
        p.write_text(report, encoding="utf-8")

    def sites_file(p: Path) -> None:
        rows = sorted(sites.items(), key=lambda kv: kv[1])
        frame = geopandas.GeoDataFrame(
            {"site": [s for _, s in rows], "precision": [k[2] for k, _ in rows],
             **{level: [h3.latlng_to_cell(k[0], k[1], res) for k, _ in rows] for level, res in LEVELS.items()
                if res is not None}},
            geometry=geopandas.points_from_xy([k[1] for k, _ in rows], [k[0] for k, _ in rows]), crs="EPSG:4326")
        frame.to_parquet(p, index=False)

    def cache_file(p: Path) -> None:
        buf = io.StringIO()
        buf.write(f"# resolved with {fingerprint}\n")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(CACHE_COLUMNS)
        for t, r in sorted(resolved.items(), key=lambda kv: (-by_text[kv[0]], kv[0])):
            site = _site_of(r, sites)
            w.writerow([t, "" if site is None else site, "" if r.lat is None else r.lat,
                        "" if r.lon is None else r.lon, r.precision or "", r.how, r.place or "",
                        r.geonameid or ""])
        p.write_text(buf.getvalue(), encoding="utf-8")

    counted = RegisterReport(n_rows, int(n_records), len(sites), len(texts), len(unresolved),
                             sum(n for n, _, _ in unresolved), int(n_undated), n_bad, by_precision, report)

    def metadata_file(p: Path) -> None:
        p.write_text(metadata(decl, counted), encoding="utf-8")

    def web_folder(p: Path) -> None:
        p.mkdir()
        write_web(con, p, LEVELS, {site: (lat, lon, prec) for (lat, lon, prec), site in sites.items()},
                  [f.id for f in spec.fields])

    progress("writing")
    _write_atomically(out, {
        f"{decl.id}.register.json": metadata_file,
        f"{decl.id}.records.parquet": parquet("SELECT * FROM records"),
        f"{decl.id}.aggregates.parquet": parquet("SELECT * FROM aggregates"),
        f"{decl.id}.names.parquet": parquet("SELECT * FROM names"),
        f"{decl.id}.sites.parquet": sites_file,
        f"{decl.id}.places.csv": cache_file,
        f"{decl.id}.report.txt": report_file,
        f"{decl.id}.web": web_folder,
    })
    return counted


def name_keys(parts: int) -> list[list[int]]:
    """The orders of a name's parts that are indexed: as written (surname first), the given name first with the
    rest, and the given name before the surname alone (a name of one part has one order)."""
    if parts < 2:
        return [[0]]
    orders = [list(range(parts)), [*range(1, parts), 0], [1, 0]]
    return [o for i, o in enumerate(orders) if o not in orders[:i]]


def _name_index(con: duckdb.DuckDBPyConnection, parts: int) -> None:
    """The ``names`` table: each name part's skeleton computed once per distinct value (Python), the keys
    composed in SQL."""
    for i in range(parts):
        values = [v for (v,) in con.execute(f"SELECT DISTINCT n{i} FROM records WHERE n{i} IS NOT NULL").fetchall()]
        con.register(f"sk{i}_in", pa.table({"v": pa.array(values, pa.string()),
                                            "sk": pa.array([skeleton(v) for v in values], pa.string())}))
    joins = " ".join(f"LEFT JOIN sk{i}_in s{i} ON s{i}.v = r.n{i}" for i in range(parts))
    selects = [f"SELECT concat_ws(' ', {', '.join(f's{i}.sk' for i in order)}) AS key, r.row_no, r.name, r.site, "
               f"r.year, r.month, r.day FROM records r {joins}" for order in name_keys(parts)]
    con.execute(QUERIES["names"].format(keys="\n            UNION ALL ".join(selects)))


def _report(decl: RegisterCollection, rows: int, records: int, sites: int, texts: int,
            unresolved: Sequence[tuple[int, str, str]], no_place: int, undated: int,
            bad: Sequence[tuple[str, int, int]], by_precision: Mapping[str, int],
            malformed: Sequence[tuple[int, int, str]] = (), n_columns: int = 0) -> str:
    lines = [f"# {decl.title.en}: build report", "",
             f"{rows} rows read; {records} records on the map ({100 * records / rows if rows else 0:.1f} %), "
             f"at {sites} sites from {texts} distinct place texts.", "",
             "Place texts, by rows: " + ", ".join(f"{k} {v}" for k, v in sorted(by_precision.items())) + ".",
             f"Rows without a place text: {no_place}. Rows without a date: {undated}.",
             f"Rows with a packed date that is no date: {sum(n for _, n, _ in bad)}.",
             f"Rows left out because their number of fields is not the header's ({n_columns}): {len(malformed)}.",
             ""]
    if malformed:
        lines += ["## Rows left out: not as many fields as the header (row, fields, text)", ""]
        lines += [f"- row {r}, {n} fields: {t[:120]!r}" for r, n, t in malformed[:REPORT_TOP]]
        if len(malformed) > REPORT_TOP:
            lines.append(f"- … and {len(malformed) - REPORT_TOP} rows more")
        lines.append("")
    if bad:
        lines += ["## Packed dates that are no date (value, rows, first row)", f"Fix: {PACKED_FIX}.", ""]
        lines += [f"- {v!r}: {n} rows, first row {r}" for v, n, r in bad[:REPORT_TOP]]
        lines.append("")
    lines += [f"## Place texts that did not resolve ({len(unresolved)} texts, "
              f"{sum(n for n, _, _ in unresolved)} rows), most frequent first", ""]
    lines += [f"- {n} × {t!r}: {how}" for n, t, how in unresolved[:REPORT_TOP]]
    if len(unresolved) > REPORT_TOP:
        lines.append(f"- … and {len(unresolved) - REPORT_TOP} texts more, "
                     f"{sum(n for n, _, _ in unresolved[REPORT_TOP:])} rows")
    return "\n".join(lines) + "\n"
