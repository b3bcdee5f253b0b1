"""benchmarks/bench_register.py at a small size, so the benchmark cannot rot (the real run is by hand)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mapapp import REPO_ROOT


@pytest.mark.e2e  # its browser part serves the app and drives Chromium
def test_the_register_benchmark_runs_at_a_small_size() -> None:
    proc = subprocess.run([sys.executable, "benchmarks/bench_register.py", "--sizes", "300,1000", "--windows", "20",
                           "--naive-max", "300", "--no-write"], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| 300 |") or line.startswith("| 1,000 |")]
    assert len(rows) == 2, proc.stdout
    small, large = (r.split(" | ") for r in rows)
    assert small[-2].endswith("MB") and "s, " in small[-2]  # the naive way ran at 300
    assert "not run" in large[-2]  # and not past --naive-max
    assert "(×" in large[3]  # growth from the previous size
    assert "Targets at the largest size (1,000)" in proc.stdout
    assert "every window agreed with Python" in proc.stdout and "never agreed" not in proc.stdout
    for r in rows:  # first paint (two decimals, seconds) and the slider (country, close up), measured
        assert re.search(r"\| \d+\.\d\d s( \(×[\d.]+\))? \| \d+ / \d+ ms, \d+ / \d+ ms", r), r


def test_the_committed_sample_is_what_the_generator_makes(tmp_path: Path) -> None:
    from benchmarks.gen_victims import generate

    out = generate(200, tmp_path / "sample.csv", seed=1937)
    committed = REPO_ROOT / "benchmarks" / "victims" / "persons-sample.csv"
    assert out.read_bytes() == committed.read_bytes(), (
        "regenerate it: python benchmarks/gen_victims.py 200 benchmarks/victims/persons-sample.csv")
    assert out.read_bytes().decode("cp1251").splitlines()[0] == (
        "id;surname;name;patronymic;birth_year;birthplace;residence;arrest_date;sentence_date;sentenced_by;"
        "sentence;death_date")
