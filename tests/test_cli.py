"""The `mapapp build` command: exit codes, stderr, --check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BASE, edited, tables_copy, write_tables
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
    assert captured.out == (f"Wrote {out / 'places.geojson'} (2 places) and {out / 'events.geojson'} "
                            "(3 events).\n")
    assert sorted(p.name for p in out.iterdir()) == ["events.geojson", "places.geojson"]


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
    assert capsys.readouterr().err == (f"{out} is stale: places.geojson, events.geojson differ from a fresh build. "
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
