"""Which file of the build output is broken, and the short message a visitor gets for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.build import build
from mapapp.gazetteer import Gazetteer
from mapapp.mapview import load_dataset
from mapapp.unreadable import LOAD_ERRORS, broken_file, unreadable_message


@pytest.fixture
def geo(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer) -> Path:
    build(data_dir, tmp_path / "geo", test_gazetteer)
    return tmp_path / "geo"


def fails(geo: Path) -> bool:
    with pytest.raises(LOAD_ERRORS):  # what the page catches
        load_dataset(geo)
    return True


@pytest.mark.parametrize(("name", "content"), [
    ("places.geojson", None),
    ("places.geojson", '{"type": "FeatureCollection", "features": [{"properties": {"id": "x"}}]}'),
    ("events.geojson", "{not json"),
    ("events.geojson", '{"type": "Feature"}'),
    ("borders.geojson", '{"type": "FeatureCollection", "features": 3}'),
    ("people.json", None),
    ("people.json", '{"people": [{"id": "x"}]}'),
])
def test_the_broken_file_is_named(geo: Path, name: str, content: str | None) -> None:
    if content is None:
        (geo / name).unlink()
    else:
        (geo / name).write_text(content, encoding="utf-8")
    assert fails(geo)
    assert broken_file(geo) == name


def test_readable_files_name_none(geo: Path) -> None:
    assert broken_file(geo) is None


def test_the_message_names_the_file_and_the_fix_but_no_path() -> None:
    assert unreadable_message("places.geojson") == ("The map data could not be read (places.geojson). "
                                                    "Fix: run `mapapp build`.")
    assert unreadable_message(None) == "The map data could not be read. Fix: run `mapapp build`."
