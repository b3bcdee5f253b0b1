"""What the benchmarks share: the machine they ran on, percentiles, and rewriting only their own part of RESULTS.md.

Not a benchmark itself. ``benchmarks/bench_*.py`` import it (they put the repo root on ``sys.path``).
"""

from __future__ import annotations

import math
import platform
import re
import subprocess
from collections.abc import Callable
from pathlib import Path


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``q`` % of the values at or below it."""
    ordered = sorted(values)
    # ceil, not round(x + 0.5): round() rounds halves to even, which made p95 of 20 values the maximum
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))]


def machine(browser_version: str) -> dict[str, str]:
    """nproc, memory, cpu, chromium, python and os, as RESULTS.md records them."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.splitlines()
    total = next((line.split()[1] for line in mem if line.startswith("Mem:")), "?")
    return {"nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
            "memory": f"{total} GiB (free -g total)", "cpu": cpu, "chromium": browser_version,
            "python": platform.python_version(), "os": platform.platform()}


def write_sections(path: Path, text: str, owns: Callable[[str], bool], *, preamble: bool = False) -> None:
    """Put ``text`` into ``path`` in place of the ``## `` sections whose heading ``owns`` (and of the part
    before the first section, if ``preamble``); every other section is kept as it was, in its place.

    ``text`` goes where the first owned part was, else at the end. Several benchmarks write one file.
    """
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    head, *sections = re.split(r"(?m)^(?=## )", old)
    parts: list[str] = [text] if preamble else ([head] if head.strip() else [])
    placed = preamble
    for section in sections:
        if owns(section.splitlines()[0][3:].strip()):
            if not placed:
                parts.append(text)
                placed = True
            continue
        parts.append(section)
    if not placed:
        parts.append(text)
    path.write_text("\n".join(part.rstrip("\n") + "\n" for part in parts), encoding="utf-8")
