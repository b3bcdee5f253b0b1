"""The lint and the type check, as part of the suite (and so of CI): ``ruff check`` and ``mypy`` over the paths
``[tool.mypy] files`` in pyproject.toml names, with the settings there. Both keep a cache in the repository root
(``.ruff_cache/``, ``.mypy_cache/``, gitignored), so a second run checks only what changed."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from mapapp import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PATHS: list[str] = PYPROJECT["tool"]["mypy"]["files"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m ARGS`` with the test's own interpreter (the venv's ruff and mypy), from the repository root."""
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=600, check=False)


def test_the_configured_paths_exist() -> None:
    assert PATHS and all((REPO_ROOT / p).exists() for p in PATHS), PATHS


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", "--no-fix", "--output-format", "full", *PATHS)
    if result.returncode != 0:
        pytest.fail(f"ruff check {' '.join(PATHS)} (exit {result.returncode}):\n{result.stdout}{result.stderr}",
                    pytrace=False)


def test_mypy_finds_nothing() -> None:
    result = run("mypy", "--cache-dir", str(REPO_ROOT / ".mypy_cache"))
    if result.returncode != 0:
        pytest.fail(f"mypy {' '.join(PATHS)} (exit {result.returncode}):\n{result.stdout}{result.stderr}",
                    pytrace=False)
