"""benchmarks/results.py: each benchmark rewrites only its own sections of RESULTS.md."""

from __future__ import annotations

from pathlib import Path

from benchmarks.results import pct, write_sections

OLD = """# results

Run on day 1.

## Machine

- cpu: x

## Results

| a | 1 |

## Standalone HTML

kept as it is

## Cost per visitor, day 1

old numbers

## Kiosk soak

kept too
"""


def test_a_section_is_replaced_in_place_and_the_others_kept(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    out.write_text(OLD, encoding="utf-8")
    write_sections(out, "## Cost per visitor, day 2\n\nnew numbers\n", lambda h: h.startswith("Cost per visitor"))
    assert out.read_text(encoding="utf-8") == OLD.replace("Cost per visitor, day 1\n\nold numbers",
                                                          "Cost per visitor, day 2\n\nnew numbers")


def test_a_new_section_goes_at_the_end(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    out.write_text(OLD, encoding="utf-8")
    write_sections(out, "## Export\n\nfast\n", lambda h: h == "Export")
    assert out.read_text(encoding="utf-8") == OLD + "\n## Export\n\nfast\n"


def test_the_map_benchmark_owns_the_preamble_and_its_sections(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    out.write_text(OLD, encoding="utf-8")
    write_sections(out, "# results\n\nRun on day 2.\n\n## Machine\n\n- cpu: y\n\n## Results\n\n| a | 2 |\n",
                   lambda h: h in ("Machine", "Targets", "Results"), preamble=True)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# results\n\nRun on day 2.\n\n## Machine\n\n- cpu: y\n\n## Results\n\n| a | 2 |\n\n"
                           "## Standalone HTML\n")
    assert text.endswith("## Cost per visitor, day 1\n\nold numbers\n\n## Kiosk soak\n\nkept too\n")


def test_a_missing_file_is_created(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    write_sections(out, "## Export\n\nfast\n", lambda h: h == "Export")
    assert out.read_text(encoding="utf-8") == "## Export\n\nfast\n"


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 21)]
    assert (pct(values, 50), pct(values, 95), pct(values, 100)) == (10.0, 19.0, 20.0)
