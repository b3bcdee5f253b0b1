"""The command line: `mapapp build` (exit codes, stderr, --check, --out), hostile options of `kiosk` and
`export`, and `export` on broken build output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import BASE, edited, geodata_copy, tables_copy, write_tables
from mapapp import REPO_ROOT
from mapapp.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_STALE, main


def curated_only() -> dict[str, list[dict[str, str]]]:
    """BASE without the gazetteer place, so the CLI (which uses the real gazetteer) stays fast."""
    tables = tables_copy()
    tables["places.csv"] = [r for r in tables["places.csv"] if r["id"] != "kirov_city"]
    tables["names.csv"] = []
    tables["events.csv"][1]["places"] = "smolny"
    return tables


def test_build_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_tables(tmp_path / "data", curated_only())
    out = tmp_path / "out"
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == (f"Wrote {out / 'places.geojson'} (2 places), {out / 'events.geojson'} "
                            f"(3 events), people.json ({len(curated_only()['people.csv'])} people).\n")
    assert sorted(p.name for p in out.iterdir()) == ["events.geojson", "people.json", "places.geojson"]


def test_problems_exit_2_print_all_and_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = curated_only()
    tables["events.csv"][0]["start"] = "1937-02-30"
    tables["places.csv"][0]["lat"] = "95"
    data = write_tables(tmp_path / "data", tables)
    out = tmp_path / "out"
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_PROBLEMS
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "events.csv row 2, field 'start': '1937-02-30' is not a real date. "
        "Fix: use YYYY, YYYY-MM or YYYY-MM-DD with a valid day.",
        "places.csv row 2, field 'lat': '95' is not a latitude (-90..90). Fix: check the coordinates.",
        "2 problems found.",
        "Nothing was written.",
    ]
    assert not out.exists()


def test_check_reports_stale_and_fresh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_tables(tmp_path / "data", curated_only())
    out = tmp_path / "out"
    args = ["build", "--data", str(data), "--out", str(out), "--check"]
    assert main(args) == EXIT_STALE  # nothing built yet
    assert capsys.readouterr().err == (f"{out} is stale: places.geojson, events.geojson, people.json differ from a "
                                       "fresh build. "
                                       "Fix: run `mapapp build` and commit the result.\n")
    assert not out.exists()  # --check never writes to --out
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_OK
    capsys.readouterr()
    assert main(args) == EXIT_OK
    assert capsys.readouterr().out == f"{out} is up to date (2 places, 3 events).\n"
    (out / "events.geojson").write_text("{}", encoding="utf-8")
    assert main(args) == EXIT_STALE
    assert "events.geojson differ" in capsys.readouterr().err


def test_check_with_problems_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_tables(tmp_path / "data", edited("events.csv", 0, category="murder"))
    assert main(["build", "--data", str(data), "--out", str(tmp_path / "out"), "--check"]) == EXIT_PROBLEMS
    assert capsys.readouterr().err.splitlines()[-2:] == ["1 problem found.", "Nothing was written."]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "usage: mapapp" in capsys.readouterr().err


def test_module_entry_point_in_a_subprocess(tmp_path: Path) -> None:
    tables = curated_only()
    tables["people.csv"][0]["died"] = "1880"
    data = write_tables(tmp_path / "data", tables)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-m", "mapapp.cli", "build", "--data", str(data), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == ("people.csv row 2, field 'died': '1880' is before 'born' '1886-03-27'. "
                                           "Fix: correct one of the dates.")
    assert BASE["people.csv"][0]["born"] == "1886-03-27"


# ---------------------------------------------------------------- hostile options (issue 9)


def assert_refused(err: str, *parts: str) -> None:
    """stderr names every one of ``parts`` (option, value, fix) and holds no traceback."""
    for part in parts:
        assert part in err, (part, err)
    assert "Traceback" not in err


@pytest.mark.parametrize("check", [False, True], ids=["build", "check"])
def test_build_out_that_is_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], check: bool) -> None:
    data = write_tables(tmp_path / "data", curated_only())
    out = tmp_path / "file.txt"
    out.write_text("keep me", encoding="utf-8")
    assert main(["build", "--data", str(data), "--out", str(out), *(["--check"] if check else [])]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (f"--out {out}: is a file, not a folder. Fix: give --out a folder (it is created "
                                   f"if missing), e.g. --out {REPO_ROOT / 'geodata'}.")
    assert err.splitlines()[-1] == "Nothing was written."
    assert_refused(err)
    assert out.read_text(encoding="utf-8") == "keep me"


def test_build_out_under_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Root may write anywhere, so chmod cannot make an unwritable folder; a path under a file really fails."""
    data = write_tables(tmp_path / "data", curated_only())
    (tmp_path / "file.txt").write_text("", encoding="utf-8")
    out = tmp_path / "file.txt" / "sub"
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert_refused(err, f"--out {out}: {tmp_path / 'file.txt'} is a file, so no folder can be made inside it. "
                        "Fix: give --out a folder", "1 problem found.\nNothing was written.")


def test_build_out_not_writable_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import mapapp.cli as cli_module

    data = write_tables(tmp_path / "data", curated_only())
    out = tmp_path / "locked" / "geo"
    (tmp_path / "locked").mkdir()
    monkeypatch.setattr(cli_module.os, "access", lambda path, mode: Path(path) != tmp_path / "locked")
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_PROBLEMS
    assert_refused(capsys.readouterr().err, f"--out {out}: {tmp_path / 'locked'} is not writable. Fix: choose a "
                                            "folder you may write to")
    assert list((tmp_path / "locked").iterdir()) == []


def test_build_on_a_read_only_file_system_is_one_message(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """What really stops root: the write itself fails (EROFS here); no traceback, no file, no temporary."""
    import errno

    import mapapp.ingest.build as build_module

    data = write_tables(tmp_path / "data", curated_only())
    out = tmp_path / "out"

    def read_only(src: object, dst: Path) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(dst))

    monkeypatch.setattr(build_module.os, "replace", read_only)
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert_refused(err, f"--out {out}: cannot write {out / 'places.geojson'} (Read-only file system). "
                        "Fix: choose a folder you may write to (--out DIR)", "Nothing was written.")
    assert list(out.iterdir()) == []  # the temporaries are gone too


def test_bad_out_and_bad_data_are_reported_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = curated_only()
    tables["places.csv"][0]["lat"] = "95"
    data = write_tables(tmp_path / "data", tables)
    out = tmp_path / "file.txt"
    out.write_text("", encoding="utf-8")
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_PROBLEMS
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("places.csv row 2, field 'lat': '95' is not a latitude")
    assert lines[1].startswith(f"--out {out}: is a file, not a folder.")
    assert lines[2:] == ["2 problems found.", "Nothing was written."]


@pytest.mark.parametrize(("value", "what"), [
    ("70000", "70000 is out of range"),
    ("65536", "65536 is out of range"),
    ("-1", "-1 is out of range"),
    ("0", "0 is not a port the kiosk can use (0 means 'any free port', but the browser must be told which)"),
    ("http", "'http' is not a port number"),
    ("80.5", "'80.5' is not a port number"),
])
def test_kiosk_port_out_of_range_is_refused_before_anything_starts(
        value: str, what: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import mapapp.cli as cli_module

    monkeypatch.setattr(cli_module.kiosk, "serve", lambda *a, **k: pytest.fail("the kiosk was started"))
    with pytest.raises(SystemExit) as info:
        main(["kiosk", "--port", value])
    assert info.value.code == EXIT_PROBLEMS
    assert_refused(capsys.readouterr().err, f"argument --port: {what}; use a whole number from 1 to 65535, "
                                            "e.g. --port 8501")


@pytest.mark.parametrize("port", ["1", "8600", "65535"])
def test_kiosk_ports_in_range_reach_the_kiosk(port: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import mapapp.cli as cli_module

    seen = []

    def serve(config_path: Path, port: int, browser: bool) -> int:
        seen.append(port)
        return 0

    monkeypatch.setattr(cli_module.kiosk, "serve", serve)
    assert main(["kiosk", "--port", port, "--no-browser"]) == 0
    assert seen == [int(port)]


@pytest.mark.parametrize("argv", [
    ["--bbox", "-180,-85,180,85"], ["--bbox=-180,-85,180,85"],
    ["--bbox", "-12,35,45,70"], ["--bb", "-12,35,45,70"],  # an abbreviation, as argparse allows
], ids=["space", "equals", "west-negative", "abbreviated"])
def test_bbox_with_a_negative_west_works_in_both_forms(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        argv: list[str]) -> None:
    out = tmp_path / "world.png"
    assert main(["export", str(out), *argv, "--size", "300x200", "--dpi", "72"]) == EXIT_OK, capsys.readouterr().err
    assert out.is_file() and f"Wrote {out}" in capsys.readouterr().out


def test_a_bad_negative_bbox_is_the_option_s_own_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(tmp_path / "x.png"), "--bbox", "-200,-90,180,90"]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert_refused(err, "--bbox -200,-90,180,90: not a bounding box; west < east (-180..360) and south < north "
                        "(-85..85)")
    assert "expected one argument" not in err


@pytest.mark.parametrize(("argv", "expected"), [
    (["export", "x.png", "--bbox", "-1,2,3,4"], ["export", "x.png", "--bbox=-1,2,3,4"]),
    (["export", "x.png", "--dpi", "-.5"], ["export", "x.png", "--dpi=-.5"]),
    (["export", "x.png", "--title", "-"], ["export", "x.png", "--title", "-"]),  # not a number: left to argparse
    (["export", "x.png", "--bbox", "--lang", "ru"], ["export", "x.png", "--bbox", "--lang", "ru"]),
    (["export", "--", "-1.png"], ["export", "--", "-1.png"]),
    (["build", "--check", "-1"], ["build", "--check", "-1"]),  # a flag takes no value
    (["kiosk", "--po", "-1"], ["kiosk", "--po=-1"]),
    (["-h"], ["-h"]),
    ([], []),
])
def test_join_negative_values(argv: list[str], expected: list[str]) -> None:
    from mapapp.cli import _parser, join_negative_values

    assert join_negative_values(_parser(), argv) == expected


# ---------------------------------------------------------------- broken build output for `mapapp export`


def first_feature_edited(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc["features"][0])
    path.write_text(json.dumps(doc), encoding="utf-8")


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda f: f["properties"].pop(key)


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda f: f["properties"].__setitem__(key, value)


def _folder_instead(path: Path) -> None:
    path.unlink()
    path.mkdir()


BROKEN_GEODATA: list[tuple[str, str, Callable[[Path], object], str]] = [
    ("missing", "places.geojson", lambda p: p.unlink(), "is missing"),
    ("folder", "events.geojson", _folder_instead, "is a folder, not a file"),
    ("not-json", "places.geojson", lambda p: p.write_text("{", encoding="utf-8"),
     "is not valid JSON (Expecting property name enclosed in double quotes at line 1, column 2)"),
    ("not-utf8", "events.geojson", lambda p: p.write_bytes(b'{"type": "\xff"}'), "is not UTF-8 (byte 10)"),
    ("a-list", "places.geojson", lambda p: p.write_text("[]", encoding="utf-8"),
     "is not a GeoJSON FeatureCollection"),
    ("no-features", "events.geojson", lambda p: p.write_text('{"type": "FeatureCollection", "features": []}',
                                                             encoding="utf-8"), "has no features"),
    ("features-not-a-list", "places.geojson",
     lambda p: p.write_text('{"type": "FeatureCollection", "features": {}}', encoding="utf-8"),
     "has no list of features"),
    ("no-properties", "events.geojson", lambda p: first_feature_edited(p, lambda f: f.pop("properties")),
     "is not what mapapp build writes: feature 1 ('"),
    ("no-name", "places.geojson", lambda p: first_feature_edited(p, _drop("name_en")), "lacks 'name_en'"),
    ("text-coordinates", "places.geojson",
     lambda p: first_feature_edited(p, lambda f: f["geometry"].__setitem__("coordinates", ["30.3", "59.9"])),
     "coordinates [\"30.3\", \"59.9\"] are not [lon, lat]"),
    ("bad-date", "events.geojson", lambda p: first_feature_edited(p, _set("start", "1937-13")), "is malformed"),
    ("number-title", "events.geojson", lambda p: first_feature_edited(p, _set("title_en", 5)),
     "'title_en' is 5, not of type str"),
    ("unknown-place", "events.geojson", lambda p: first_feature_edited(p, _set("place_ids", ["atlantis"])),
     "which places.geojson lacks"),
    ("borders-folder", "borders.geojson", _folder_instead, "is a folder, not a file"),
    ("borders-not-json", "borders.geojson", lambda p: p.write_text("nope", encoding="utf-8"), "is not valid JSON"),
    ("borders-no-features", "borders.geojson", lambda p: p.write_text('{"type": "FeatureCollection"}',
                                                                      encoding="utf-8"), "lacks 'features'"),
]


@pytest.mark.parametrize(("file", "corrupt", "what"), [c[1:] for c in BROKEN_GEODATA],
                         ids=[c[0] for c in BROKEN_GEODATA])
def test_export_with_broken_geodata_names_the_file_and_the_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], file: str, corrupt: Callable[[Path], object],
        what: str) -> None:
    geodata = geodata_copy(tmp_path / "geo")
    corrupt(geodata / file)
    out = tmp_path / "out" / "map.png"
    out.parent.mkdir()
    assert main(["export", str(out), "--geodata", str(geodata)]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert_refused(err, f"--geodata {geodata}: {geodata / file} ", what,
                   f"Fix: run `mapapp build --out {geodata}` to write it again", "Nothing was written.")
    assert list(out.parent.iterdir()) == []


def test_export_reports_broken_geodata_and_bad_options_together(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    geodata = geodata_copy(tmp_path / "geo")
    (geodata / "places.geojson").write_text("{", encoding="utf-8")
    (geodata / "events.geojson").unlink()
    assert main(["export", str(tmp_path / "map.png"), "--geodata", str(geodata), "--dpi", "5"]) == EXIT_PROBLEMS
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in lines] == ["--dpi 5", f"--geodata {geodata}", f"--geodata {geodata}",
                                                      "3 problems found.", "Nothing was written."]


def test_broken_geodata_in_a_subprocess_has_no_traceback(tmp_path: Path) -> None:
    geodata = geodata_copy(tmp_path / "geo")
    (geodata / "events.geojson").write_text('{"type": "FeatureCollection", "features": [{}]}', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-m", "mapapp.cli", "export", str(tmp_path / "m.png"), "--geodata",
                           str(geodata)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == (
        f"--geodata {geodata}: {geodata / 'events.geojson'} is not what mapapp build writes: feature 1 lacks "
        f"'properties'. Fix: run `mapapp build --out {geodata}` to write it again (the build output is never "
        "edited by hand).")
    assert "Traceback" not in proc.stderr


# --- collections: built with the tables, checked for staleness, a broken one stops the build ----------------------

def _with_camps(tmp_path: Path) -> Path:
    import shutil

    data = write_tables(tmp_path / "data", curated_only())
    shutil.copytree(REPO_ROOT / "data" / "collections" / "gulag-camps", data / "collections" / "gulag-camps")
    return data


def test_build_imports_the_collections_and_check_sees_them_stale(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    data, out = _with_camps(tmp_path), tmp_path / "out"
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_OK
    printed = capsys.readouterr().out
    assert (f"Collection gulag-camps: 641 features, 7 rows left out (see "
            f"{out / 'collections' / 'gulag-camps.report.txt'}).") in printed
    built = out / "collections" / "gulag-camps.geojson"
    assert built.read_bytes() == (REPO_ROOT / "geodata" / "collections" / "gulag-camps.geojson").read_bytes()
    assert sorted(p.name for p in (out / "collections").iterdir()) == ["gulag-camps.geojson",
                                                                        "gulag-camps.report.txt"]
    built.write_text(built.read_text(encoding="utf-8").replace("Севвостлаг", "Sevvostlag"), encoding="utf-8")
    assert main(["build", "--data", str(data), "--out", str(out), "--check"]) == EXIT_STALE
    assert "is stale: collections/gulag-camps.geojson differ" in capsys.readouterr().err
    (out / "collections" / "old.geojson").write_text("{}", encoding="utf-8")  # a collection since removed
    assert main(["build", "--data", str(data), "--out", str(out), "--check"]) == EXIT_STALE
    assert "collections/old.geojson" in capsys.readouterr().err
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_OK  # removes what no collection makes
    assert not (out / "collections" / "old.geojson").exists()
    assert main(["build", "--data", str(data), "--out", str(out), "--check"]) == EXIT_OK


def test_a_broken_collection_stops_the_build_with_the_tables_problems(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data, out = _with_camps(tmp_path), tmp_path / "out"
    toml = data / "collections" / "gulag-camps" / "collection.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('layer = "gulag"', 'layer = "gulags"'), encoding="utf-8")
    (data / "places.csv").write_text((data / "places.csv").read_text(encoding="utf-8").replace(",59.", ",95.", 1),
                                     encoding="utf-8")
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_PROBLEMS
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "Nothing was written." and not out.exists()
    assert any(line.startswith("gulag-camps/collection.toml field 'layer': 'gulags' is not a layer of the map. Fix: "
                               "use one of: killing") for line in err)
    assert any(line.startswith("places.csv row") for line in err)


# --- a register: built with the tables, its place texts cached, its problems listed with the rest -----------------

def _with_register(tmp_path: Path, rows: int = 300) -> Path:
    import shutil

    from benchmarks.gen_victims import generate

    data = write_tables(tmp_path / "data", curated_only())
    shutil.copy(REPO_ROOT / "data" / "regions.csv", data / "regions.csv")
    folder = data / "collections" / "victims"
    folder.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "benchmarks" / "victims" / "collection.toml", folder / "collection.toml")
    (folder / "SOURCE.md").write_text("Synthetic records (benchmarks/gen_victims.py).\n", encoding="utf-8")
    generate(rows, folder / "persons.csv", seed=7)
    return data


def test_build_imports_a_register_and_reuses_what_it_resolved(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from mapapp.ingest.place_strings import PlaceResolver, Resolved
    from mapapp.ingest.register import output_names

    data, out = _with_register(tmp_path), tmp_path / "out"
    staged = set(Path(tempfile.gettempdir()).glob(".registers-*"))
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_OK
    printed = capsys.readouterr().out
    line = next(x for x in printed.splitlines() if x.startswith("Register victims: "))
    assert line.endswith(f"(see {out / 'collections' / 'victims.report.txt'}).") and " of 300 records " in line
    assert sorted(p.name for p in (out / "collections").iterdir()) == sorted(output_names("victims"))
    cache = (out / "collections" / "victims.places.csv").read_text(encoding="utf-8")
    assert cache.startswith("# resolved with ") and "г. Москва" in cache
    assert main(["build", "--data", str(data), "--out", str(out), "--check"]) == EXIT_OK  # deterministic
    calls: list[str] = []
    resolve = PlaceResolver.resolve

    def counted(self: PlaceResolver, text: str) -> Resolved:
        calls.append(text)
        return resolve(self, text)

    monkeypatch.setattr(PlaceResolver, "resolve", counted)
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_OK
    assert calls == []  # every place text came from the last build's cache
    assert set(Path(tempfile.gettempdir()).glob(".registers-*")) <= staged  # the staging folders are gone


def test_a_broken_register_stops_the_build_with_the_tables_problems(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data, out = _with_register(tmp_path, rows=50), tmp_path / "out"
    toml = data / "collections" / "victims" / "collection.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"residence", "birthplace"', '"residense"'),
                    encoding="utf-8")
    (data / "places.csv").write_text((data / "places.csv").read_text(encoding="utf-8").replace(",59.", ",95.", 1),
                                     encoding="utf-8")
    assert main(["build", "--data", str(data), "--out", str(out)]) == EXIT_PROBLEMS
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "Nothing was written." and not out.exists()
    assert any(line.startswith("persons.csv row 1, field 'residense' is not a column of the file. Fix: name one of "
                               "id, surname") for line in err), err
    assert any(line.startswith("places.csv row") for line in err)
