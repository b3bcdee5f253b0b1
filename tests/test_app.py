"""Smoke tests of the Streamlit page with streamlit.testing's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import needs_real_data
from mapapp import GEODATA_DIR, REPO_ROOT
from mapapp.build import build
from mapapp.gazetteer import Gazetteer

APP = str(REPO_ROOT / "streamlit_app.py")
TITLE = "mapapp — the Great Purge, 1934–1953"


def test_app_shows_counts_from_fixture_geodata(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    build(data_dir, tmp_path / "geo", test_gazetteer)
    monkeypatch.setenv("MAPAPP_GEODATA", str(tmp_path / "geo"))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == TITLE
    assert {m.label: m.value for m in at.metric} == {"Places": "3", "Events": "3"}
    assert len(at.dataframe) == 1


def test_app_without_geodata_explains_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPAPP_GEODATA", str(tmp_path / "nothing"))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == TITLE
    assert "run `mapapp build`" in at.warning[0].value


@needs_real_data
@pytest.mark.realdata
def test_app_with_committed_geodata(monkeypatch: pytest.MonkeyPatch) -> None:
    if not (GEODATA_DIR / "places.geojson").is_file():
        pytest.fail("geodata/ is missing: run `mapapp build` and commit it")
    monkeypatch.delenv("MAPAPP_GEODATA", raising=False)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["Places"] > 0 and metrics["Events"] > 0
