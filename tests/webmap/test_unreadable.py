"""The short message a visitor gets for a broken build output: the file by name, the fix, no path."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.ingest.build import build
from mapapp.ingest.gazetteer import Gazetteer
from mapapp.problems import GeodataError
from mapapp.webmap.mapview import load_dataset
from mapapp.webmap.unreadable import unreadable_message


@pytest.fixture
def geo(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer) -> Path:
    build(data_dir, tmp_path / "geo", test_gazetteer)
    return tmp_path / "geo"


@pytest.mark.parametrize(("name", "content"), [
    ("places.geojson", None),
    ("places.geojson", '{"type": "FeatureCollection", "features": [{"properties": {"id": "x"}}]}'),
    ("events.geojson", "{not json"),
    ("events.geojson", '{"type": "Feature"}'),
    ("borders.geojson", '{"type": "FeatureCollection", "features": 3}'),
    ("people.json", None),
    ("people.json", '{"people": [{"id": "x"}]}'),
])
def test_the_broken_file_is_named_without_its_folder(geo: Path, name: str, content: str | None) -> None:
    if content is None:
        (geo / name).unlink()
    else:
        (geo / name).write_text(content, encoding="utf-8")
    with pytest.raises(GeodataError) as caught:  # what the page catches
        load_dataset(geo)
    message = unreadable_message(caught.value)
    assert message == f"The map data could not be read ({name}). Fix: run `mapapp build`."
    assert str(geo) not in message


def test_the_reason_stays_out_of_the_message() -> None:
    error = GeodataError(Path("/srv/museum/geo/places.geojson"), "cannot be read ([Errno 13] '/srv/museum/geo')")
    assert unreadable_message(error) == "The map data could not be read (places.geojson). Fix: run `mapapp build`."
