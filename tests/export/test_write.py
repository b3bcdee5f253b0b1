"""``mapapp export``: options, formats (PNG size, SVG names, PDF fonts), animations, atomic writes, the CLI."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from PIL.GifImagePlugin import GifImageFile

from mapapp import cli
from mapapp.export import write as export_module
from mapapp.export.options import ExportOptionsError, parse_options
from mapapp.export.write import export
from mapapp.model.layers import PLACE_LAYER_IDS
from mapapp.webmap.mapview import Dataset, load_dataset

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def run(ds: Dataset, out: Path, person: str | None = None, **options: str) -> Path:
    return export(ds, parse_options(out, ds=ds, person=person, **options), out)


# ---------------------------------------------------------------- options


@pytest.mark.parametrize(("out", "options", "problems"), [
    ("map.jpg", {}, ["OUT {tmp}/map.jpg: unknown format '.jpg'; use .png, .svg, .pdf, .html, .gif or .mp4"]),
    ("missing/map.png", {}, ["OUT {tmp}/missing/map.png: the folder does not exist; create it first or choose "
                             "another folder"]),
    (".", {}, ["OUT {tmp}: unknown format ''; use .png, .svg, .pdf, .html, .gif or .mp4",
               "OUT {tmp}: is a folder; give a file name, e.g. {tmp}/map.png"]),
    ("map.png", {"categories": "bogus"},
     ["--categories: unknown layer 'bogus'; choose from killing, nkvd, camps, power, sharashki, renamed, abroad, "
      "other, gulag, addresses, victims"]),
    ("map.png", {"categories": "killing,bogus,nope"},
     ["--categories: unknown layers 'bogus', 'nope'; choose from killing, nkvd, camps, power, sharashki, renamed, "
      "abroad, other, gulag, addresses, victims"]),
    ("map.png", {"start": "1938-01", "end": "1937-12"},
     ["--from 1938-01 --to 1937-12: the window ends before it starts; swap them"]),
    # 1900: no event, no figure, no record, no site with its years (Memorial's undated sites are on every map)
    ("map.png", {"start": "1900-01", "end": "1900-12"},
     ["--from 1900-01 --to 1900-12: no events in this window; the data covers 1893-02 to 2016-12"]),
    ("map.png", {"date": "1890-06"}, ["--date 1890-06: no events in this window; the data covers 1893-02 to 2016-12"]),
    ("map.png", {"date": "1937-13"}, ["--date 1937-13: not a month; use YYYY-MM, e.g. 1937-12"]),
    ("map.png", {"date": "1937-12", "start": "1934-01"},
     ["--date 1937-12 --from 1934-01: give either --date (as of) or --from/--to (a window), not both"]),
    ("map.png", {"dpi": "20"}, ["--dpi 20: too low; use 72..1200"]),
    ("map.png", {"dpi": "5000"}, ["--dpi 5000: too high; use 72..1200"]),
    ("map.png", {"dpi": "high"}, ["--dpi high: not a whole number; use 72..1200"]),
    ("map.png", {"region": "mars"}, ["--region mars: unknown region; choose from ussr, europe, moscow, leningrad, "
                                     "karelia, world"]),
    ("map.png", {"region": "moscow", "bbox": "1,2,3,4"},
     ["--region moscow --bbox 1,2,3,4: give either --region or --bbox, not both"]),
    ("map.png", {"bbox": "1,2,3"}, ["--bbox 1,2,3: not a bounding box; use WEST,SOUTH,EAST,NORTH in degrees, "
                                    "e.g. 28.5,60,42,68.5"]),
    ("map.png", {"bbox": "40,60,30,70"}, ["--bbox 40,60,30,70: not a bounding box; west < east (-180..360) and "
                                          "south < north (-85..85)"]),
    ("map.png", {"lang": "de"}, ["--lang de: unknown language; use en or ru"]),
    ("map.png", {"paper": "b5", "orientation": "sideways"},
     ["--paper b5: unknown paper size; use a4, a3, letter",
      "--orientation sideways: unknown orientation; use landscape or portrait"]),
    ("map.png", {"size": "big"}, ["--size big: not a pixel size; use WIDTHxHEIGHT, e.g. 1600x1000"]),
    ("map.png", {"size": "50x50"}, ["--size 50x50: each side must be 100..20000 pixels"]),
    ("map.png", {"size": "800x600", "paper": "a3"},
     ["--size 800x600: give either --size (pixels) or --paper/--orientation, not both"]),
    ("map.png", {"frames": "year"}, ["--frames year: only for animations; write a .gif or .mp4, or leave it out"]),
    ("map.gif", {"frames": "week"}, ["--frames week: unknown frame step; use year or month"]),
    ("map.png", {"title": "  "}, ["--title: empty; give a title or leave the option out for the default"]),
])
def test_bad_options_name_the_option_the_value_and_the_fix(ds: Dataset, tmp_path: Path, out: str,
                                                           options: dict[str, str], problems: list[str]) -> None:
    target = tmp_path / out if out != "." else tmp_path
    with pytest.raises(ExportOptionsError) as info:
        parse_options(target, ds=ds, **options)
    assert info.value.problems == [p.format(tmp=tmp_path) for p in problems]
    assert list(tmp_path.iterdir()) == []


def test_every_problem_is_reported_at_once(ds: Dataset, tmp_path: Path) -> None:
    with pytest.raises(ExportOptionsError) as info:
        parse_options(tmp_path / "map.tiff", ds=ds, start="1938-01", end="1937-12", categories="bogus", dpi="20",
                      lang="xx")
    assert len(info.value.problems) == 5
    assert str(info.value).endswith("5 problems found.")


def test_defaults_and_as_of_date(ds: Dataset, tmp_path: Path) -> None:
    opts = parse_options(tmp_path / "map.png", ds=ds)
    assert (opts.format, opts.mode, opts.start, opts.end, opts.dpi) == ("png", "window", "1934-01", "1953-12", 300)
    assert (opts.width_px, opts.height_px) == (3508, 2480)  # A4 landscape
    asof = parse_options(tmp_path / "map.svg", ds=ds, date="1937-12", categories="killing,nkvd", lang="RU",
                         region="Moscow")
    assert (asof.mode, asof.end, asof.layers, asof.lang, asof.region.id) == ("asof", "1937-12", ("killing", "nkvd"),
                                                                             "ru", "moscow")
    assert asof.state.mode == "asof"


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(("options", "size"), [
    ({"paper": "a4", "orientation": "portrait", "dpi": "300"}, (2480, 3508)),
    ({"paper": "a4", "orientation": "landscape", "dpi": "300"}, (3508, 2480)),
    ({"size": "1000x700", "dpi": "150"}, (1000, 700)),
])
def test_png_size_is_paper_times_dpi(ds: Dataset, tmp_path: Path, options: dict[str, str],
                                     size: tuple[int, int]) -> None:
    out = run(ds, tmp_path / "map.png", date="1937-12", **options)
    with Image.open(out) as image:
        assert image.size == size
        assert image.info.get("dpi", (0, 0))[0] == pytest.approx(int(options["dpi"]), abs=0.5)


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(el.itertext()) for el in root.iter(f"{SVG_NS}text")]


def test_svg_has_the_names_of_the_date(ds: Dataset, tmp_path: Path) -> None:
    # Without the collections' size keys the map is tall enough for Kirov's label among the crowd around it.
    places = ",".join(PLACE_LAYER_IDS)
    before = svg_texts(run(ds, tmp_path / "1933.svg", date="1933-12", dpi="100", categories=places))
    after = svg_texts(run(ds, tmp_path / "1935.svg", date="1935-12", dpi="100", categories=places))
    assert "Vyatka" in before and "Kirov" not in before
    assert "Kirov" in after and "Vyatka" not in after
    assert "As of December 1935" in after


@pytest.mark.parametrize(("start", "end", "name", "not_name"), [
    ("1933-06", "1935-12", "Kirov", "Vyatka"),  # a window across the renaming (5 December 1934): its end's name
    ("1934-11", "1934-11", "Vyatka", "Kirov"),  # the month before it
    ("1934-12", "1934-12", "Kirov", "Vyatka"),  # the month of the renaming: its last day is after it
])
def test_a_windows_labels_are_the_names_at_its_end(ds: Dataset, tmp_path: Path, start: str, end: str, name: str,
                                                   not_name: str) -> None:
    """Issue 12's edges: an export whose labels used the names at the window's start passed every test."""
    places = ",".join(PLACE_LAYER_IDS)
    texts = svg_texts(run(ds, tmp_path / "w.svg", start=start, end=end, dpi="100", categories=places))
    assert name in texts and not_name not in texts


def test_a_hostile_title_is_svg_text_not_markup(ds: Dataset, tmp_path: Path) -> None:
    """The title (the page's field, the CLI's --title) is data: in the SVG it is a text node, no element."""
    title = '<script>alert(1)</script><img src=x onerror="alert(2)"> & "Title"'
    out = run(ds, tmp_path / "t.svg", date="1937-12", dpi="100", title=title)
    root = ET.parse(out).getroot()  # it is well-formed XML: the markup was escaped
    assert title in svg_texts(out)
    assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "img", "foreignObject")]
    assert not [e for e in root.iter() if any(k.lower().startswith("on") for k in e.attrib)]


def test_svg_in_russian_keeps_cyrillic_as_text(ds: Dataset, tmp_path: Path) -> None:
    texts = svg_texts(run(ds, tmp_path / "ru.svg", date="1933-12", lang="ru", dpi="100"))
    assert "Вятка" in texts
    assert "По состоянию на декабрь 1933" in texts


def test_pdf_has_one_page_and_embedded_fonts(ds: Dataset, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    out = run(ds, tmp_path / "map.pdf", date="1937-12", lang="ru")
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        if font["/Subtype"] == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    text = reader.pages[0].extract_text()
    assert "Киров" in text


def test_gif_has_one_frame_per_year_of_the_window(ds: Dataset, tmp_path: Path) -> None:
    out = run(ds, tmp_path / "years.gif", start="1934-01", end="1938-12", size="320x220")
    with Image.open(out) as image:
        assert isinstance(image, GifImageFile)
        assert image.n_frames == 5
        assert image.size == (320, 220)


def test_frames_per_month_and_as_of(ds: Dataset, tmp_path: Path) -> None:
    months = parse_options(tmp_path / "m.gif", ds=ds, start="1937-11", end="1938-02", frames="month")
    assert [(f.start, f.end) for f in months.frame_options()] == [
        ("1937-11", "1937-11"), ("1937-12", "1937-12"), ("1938-01", "1938-01"), ("1938-02", "1938-02")]
    partial = parse_options(tmp_path / "y.gif", ds=ds, start="1936-08", end="1938-03")
    assert [(f.start, f.end) for f in partial.frame_options()] == [
        ("1936-08", "1936-12"), ("1937-01", "1937-12"), ("1938-01", "1938-03")]
    asof = parse_options(tmp_path / "a.gif", ds=ds, date="1936-06")
    assert [(f.mode, f.end) for f in asof.frame_options()] == [("asof", "1936-06")]


@pytest.mark.skipif(importlib.util.find_spec("imageio_ffmpeg") is None, reason="imageio-ffmpeg is not installed")
def test_mp4_is_written(ds: Dataset, tmp_path: Path) -> None:
    out = run(ds, tmp_path / "years.mp4", start="1936-01", end="1937-12", size="321x221")
    data = out.read_bytes()
    assert data[4:8] == b"ftyp" and len(data) > 1000


@pytest.mark.parametrize(("person", "requested"), [(None, False), ("mandelstam", True)])
def test_html_goes_to_the_standalone_page(ds: Dataset, tmp_path: Path, person: str | None,
                                          requested: bool) -> None:
    out = run(ds, tmp_path / "map.html", date="1937-12", person=person)
    page = out.read_text(encoding="utf-8")
    assert "<html" in page[:500].lower()
    assert ('"person": "mandelstam"' in page) is requested  # --person reaches the HTML export too


# ---------------------------------------------------------------- atomic writes


def test_a_failing_export_leaves_no_file_and_no_temporary(ds: Dataset, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_module, "save_figure", broken)
    opts = parse_options(tmp_path / "map.png", ds=ds, size="300x200", dpi="100")
    with pytest.raises(RuntimeError, match="disk full"):
        export(ds, opts, tmp_path / "map.png")
    assert list(tmp_path.iterdir()) == []


def test_a_failing_export_keeps_the_previous_file(ds: Dataset, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "map.svg"
    out.write_text("previous")

    def half_written(fig: object, path: Path, opts: object) -> None:
        path.write_text("<svg")
        raise OSError("interrupted")

    monkeypatch.setattr(export_module, "save_figure", half_written)
    with pytest.raises(OSError, match="interrupted"):
        export(ds, parse_options(out, ds=ds, size="300x200", dpi="100"), out)
    assert out.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.svg"]


# ---------------------------------------------------------------- command line


def test_cli_bad_options_exit_2_with_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["export", str(tmp_path / "map.png"), "--from", "1938-01", "--to", "1937-12",
                     "--categories", "bogus", "--dpi", "20"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [
        "--from 1938-01 --to 1937-12: the window ends before it starts; swap them",
        "--categories: unknown layer 'bogus'; choose from killing, nkvd, camps, power, sharashki, renamed, abroad, "
        "other, gulag, addresses, victims",
        "--dpi 20: too low; use 72..1200",
        "3 problems found.",
        "Nothing was written.",
    ]
    assert list(tmp_path.iterdir()) == []


def test_cli_writes_the_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "karelia.svg"
    code = cli.main(["export", str(out), "--date", "1938-12", "--region", "karelia", "--title", "Karelia",
                     "--paper", "a4", "--orientation", "portrait", "--dpi", "100"])
    assert code == 0, capsys.readouterr().err
    assert "Sandarmokh" in svg_texts(out)
    assert f"Wrote {out} (SVG" in capsys.readouterr().out


def test_state_export_bytes_makes_the_app_download() -> None:
    from mapapp.export.write import state_export_bytes
    from mapapp.model.viewstate import MapState
    from mapapp.webmap.mapview import load_dataset

    data = state_export_bytes(load_dataset(), MapState(start="1937-01", end="1938-12"), "png", region="moscow",
                              paper="a4", orientation="landscape", dpi=72)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = state_export_bytes(load_dataset(), MapState(lang="ru", end="1933-12", mode="asof"), "svg",
                             region="ussr", paper="a4", orientation="portrait", dpi=72).decode("utf-8")
    assert "Вятка" in svg and "Киров<" not in svg
