"""The README's layout table stays true: every path it names exists, and every module of the package is named."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def layout_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("## Layout\n")
    return text[start:text.index("\n## ", start + 1)]


def named_paths(section: str) -> set[str]:
    """Backticked repository paths in the first column of the layout tables."""
    paths: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            paths.update(m for m in re.findall(r"`([^`\s]+)`", first))
    return paths


def test_every_path_in_the_layout_exists() -> None:
    paths = named_paths(layout_section())
    assert len(paths) > 20
    section_dirs = {"mapapp/web/": "mapapp/web"}  # short names in a row ("mapapp.css") live beside the first path
    missing = [p for p in sorted(paths)
               if not (REPO / p).exists() and not any((REPO / d / p).exists() for d in section_dirs.values())
               and not (REPO / "tests" / "e2e" / p).exists()]
    assert missing == []


def test_every_module_of_the_package_is_in_the_layout() -> None:
    section = layout_section()
    modules = [p.relative_to(REPO).as_posix() for p in sorted((REPO / "mapapp").rglob("*.py"))
               if p.name != "__init__.py"]
    unnamed = [m for m in modules if f"`{m}`" not in section]
    assert unnamed == []


def test_the_layout_check_sees_a_missing_path() -> None:
    assert "mapapp/nowhere.py" not in named_paths(layout_section())
    assert named_paths("| `mapapp/nowhere.py`, `x.py` | what |") == {"mapapp/nowhere.py", "x.py"}
