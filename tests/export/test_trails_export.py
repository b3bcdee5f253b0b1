"""``mapapp export --person``: the trail drawn with arrows and dates; bad persons refused with a clear message."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mapapp import cli
from mapapp.export.options import ExportOptionsError, parse_options
from mapapp.export.staticmap import drawn_trail, trail_key
from mapapp.export.write import export
from mapapp.model.trails import trail_of
from mapapp.webmap.mapview import Dataset, load_dataset

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def svg_ids_and_texts(path: Path) -> tuple[set[str], list[str]]:
    root = ET.parse(path).getroot()
    ids = {id_ for el in root.iter() if (id_ := el.get("id"))}
    return ids, ["".join(el.itertext()) for el in root.iter(f"{SVG_NS}text")]


def test_person_trail_is_drawn_with_arrows_and_dates(ds: Dataset, tmp_path: Path) -> None:
    out = tmp_path / "m.svg"
    opts = parse_options(out, person="Mandelstam", size="1600x1100", dpi="100", ds=ds)
    assert opts.person == "mandelstam" and opts.region.id == "ussr"  # the region still decides the area
    export(ds, opts, out)
    ids, texts = svg_ids_and_texts(out)
    segments = trail_of(ds, "mandelstam").segments
    assert {f"trail-{k}" for k in range(len(segments))} <= ids
    assert "Trail: Osip Mandelstam" in texts
    numbers = {f"trail-label-{k}" for k in range(len(segments))}
    assert numbers <= ids  # each arrow carries its number...
    key_group = next(el for el in ET.parse(out).getroot().iter() if el.get("id") == "trail-key")
    key = " ".join("".join(el.itertext()) for el in key_group.iter(f"{SVG_NS}text"))
    assert key.startswith("Trail: Osip Mandelstam — 1\u00a0Moscow → Cherdyn")
    assert "5\u00a0Butyrka prison → Vtoraya Rechka transit camp, Vladivostok, 2 Aug 1938 → 27 Dec 1938." in key


def test_segments_follow_the_window_end(ds: Dataset, tmp_path: Path) -> None:
    out = tmp_path / "m.svg"
    export(ds, parse_options(out, person="mandelstam", start="1934-01", end="1934-12", size="1200x800",
                             dpi="100", ds=ds), out)
    ids, _ = svg_ids_and_texts(out)
    drawn = {i for i in ids if i.startswith("trail-") and i[6:].isdigit()}
    assert drawn == {"trail-0", "trail-1"}  # Moscow → Cherdyn → Voronezh; the rest begins after 1934


def test_without_person_there_is_no_trail(ds: Dataset, tmp_path: Path) -> None:
    out = tmp_path / "m.svg"
    export(ds, parse_options(out, size="1200x800", dpi="100", ds=ds), out)
    ids, _ = svg_ids_and_texts(out)
    assert not any(i.startswith("trail") for i in ids)


@pytest.mark.parametrize(("person", "problem"), [
    ("nobody", "--person nobody: unknown person; use an id from data/people.csv, e.g. mandelstam, trotsky, "
               "tukhachevsky, okulicki"),
    ("serov", "--person serov: has no trail (their events are at fewer than two places); choose someone with one, "
              "e.g. mandelstam, trotsky, tukhachevsky, okulicki"),
    ("  ", "--person: empty; give a person id from data/people.csv, e.g. mandelstam"),
])
def test_bad_person_is_refused(ds: Dataset, tmp_path: Path, person: str, problem: str) -> None:
    with pytest.raises(ExportOptionsError) as info:
        parse_options(tmp_path / "m.png", person=person, ds=ds)
    assert info.value.problems == [problem]


def test_cli_person(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m.png"
    assert cli.main(["export", str(out), "--person", "trotsky", "--size", "800x600", "--dpi", "72",
                     "--region", "europe"]) == 0
    assert out.stat().st_size > 1000
    bad = tmp_path / "bad.png"
    assert cli.main(["export", str(bad), "--person", "nobody"]) == 2
    assert "--person nobody: unknown person" in capsys.readouterr().err and not bad.exists()


@pytest.mark.parametrize(("options", "expected"), [
    ({"start": "1934-01", "end": "1934-12"},
     "Trail: Osip Mandelstam — 1\u00a0Moscow → Cherdyn, 16–17 May 1934 → Jun 1934; "
     "2\u00a0Cherdyn → Voronezh, Jun 1934 → Jun 1934 – May 1937."),
    ({"start": "1934-01", "end": "1934-12", "lang": "ru"},
     "Путь: Осип Эмильевич Мандельштам — 1\u00a0Москва → Чердынь, 16–17 мая 1934 → июнь 1934; "
     "2\u00a0Чердынь → Воронеж, июнь 1934 → июнь 1934 – май 1937."),
    ({}, None),  # no person, no key
])
def test_trail_key_lists_the_segments_begun_by_the_window_end(ds: Dataset, tmp_path: Path, options: dict,
                                                              expected: str | None) -> None:
    person = {"person": "mandelstam"} if expected else {}
    opts = parse_options(tmp_path / "m.png", ds=ds, **person, **options)
    assert trail_key(ds, opts, drawn_trail(ds, opts)) == (expected or "")
