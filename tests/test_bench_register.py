"""benchmarks/bench_register.py at a small size, so the benchmark cannot rot (the real run is by hand)."""

from __future__ import annotations

import subprocess
import sys

from mapapp import REPO_ROOT


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
