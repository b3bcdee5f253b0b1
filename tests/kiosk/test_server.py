"""`mapapp kiosk`: the exact command lines and URL, the pre-flight check, and a real server start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mapapp import REPO_ROOT
from mapapp.cli import main
from mapapp.kiosk import server as kiosk
from mapapp.kiosk.server import (
    check,
    chromium_command,
    health_url,
    kiosk_url,
    server_env,
    streamlit_command,
    wait_for_health,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_streamlit_command_has_exactly_the_kiosk_flags() -> None:
    assert streamlit_command("/venv/bin/python", 8600) == [
        "/venv/bin/python", "-m", "streamlit", "run", "streamlit_app.py",
        "--server.address", "127.0.0.1", "--server.port", "8600", "--server.headless", "true",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal", "--client.showErrorDetails", "none", "--ui.hideTopBar", "true",
    ]


def test_chromium_command_has_exactly_the_kiosk_flags() -> None:
    url = kiosk_url(8600)
    assert chromium_command(url, Path("/tmp/profile")) == [
        "/usr/bin/chromium", "--kiosk", "--incognito", "--noerrdialogs", "--disable-pinch",
        "--overscroll-history-navigation=0", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-translate", "--user-data-dir=/tmp/profile", url,
    ]


def test_urls() -> None:
    assert kiosk_url(8501) == "http://127.0.0.1:8501/?embed=true&embed_options=hide_loading_screen"
    assert health_url(kiosk_url(8501)) == "http://127.0.0.1:8501/_stcore/health"


def test_server_env_points_at_the_config_and_keeps_the_rest(tmp_path: Path) -> None:
    env = server_env({"PATH": "/bin", "MAPAPP_GEODATA": "/g"}, tmp_path / "k.toml")
    assert env == {"PATH": "/bin", "MAPAPP_GEODATA": "/g", "MAPAPP_CONFIG": str(tmp_path / "k.toml")}


def test_wait_for_health_gives_up() -> None:
    assert wait_for_health(kiosk_url(free_port()), 0.3, interval_s=0.05) is False
    assert wait_for_health(kiosk_url(free_port()), 30, alive=lambda: False) is False


@pytest.mark.realdata
def test_shipped_config_and_tour_pass_the_check() -> None:
    config, problems = check(REPO_ROOT / "kiosk.toml", {})
    assert problems == [] and config is not None and config.kiosk.enabled


def test_check_reports_tour_problems(tmp_path: Path) -> None:
    tour = tmp_path / "tour.csv"
    tour.write_text("id,start,end,view,places,caption_en,caption_ru,duration_s\n"
                    "a,1937-01,1937-02,,nowhere,A.,Б.,\n", encoding="utf-8")
    config = tmp_path / "k.toml"
    config.write_text(f'[kiosk]\nenabled = true\ntour = "{tour}"\n', encoding="utf-8")
    assert check(config, {})[1] == ["tour.csv row 2, field 'places': 'nowhere' is not a place id in places.csv. "
                                    "Fix: use the id column of data/places.csv."]


def test_check_reports_broken_geodata_as_one_line(tmp_path: Path) -> None:
    geodata = tmp_path / "geo"
    geodata.mkdir()
    (geodata / "places.geojson").write_text('{"type": "FeatureCollection", "features": [{"id": "x"}]}',
                                            encoding="utf-8")
    config = tmp_path / "k.toml"
    config.write_text(f'geodata = "{geodata}"\n', encoding="utf-8")
    assert check(config, {})[1] == [
        f"{geodata / 'places.geojson'} is not what mapapp build writes: feature 1 ('x') lacks 'properties'. "
        f"Fix: run `mapapp build --out {geodata}` to write it again (the build output is never edited by hand)."]


def test_bad_config_exits_2_prints_every_problem_and_starts_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_start(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing may be started")

    monkeypatch.setattr(kiosk.subprocess, "Popen", no_start)
    bad = tmp_path / "bad.toml"
    bad.write_text('[kiosk]\nenabled = "yes"\nidle_timeout_s = -5\n[kiosk.start]\nview = "moon"\n', encoding="utf-8")
    assert main(["kiosk", "--config", str(bad), "--port", str(free_port())]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        'bad.toml: kiosk.enabled = "yes" is not true or false. Fix: write enabled = true or enabled = false '
        "(no quotes).",
        "bad.toml: kiosk.idle_timeout_s = -5 is out of range. Fix: use a whole number of seconds from 30 to 3600.",
        "bad.toml: kiosk.start.view = \"moon\" is invalid: unknown view 'moon' (use one of ussr, europe, moscow, "
        "leningrad, karelia, world). Fix: use one of ussr, europe, moscow, leningrad, karelia, world.",
        "3 problems found.",
        "Nothing was started.",
    ]


def test_bad_config_as_a_subprocess(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[kiosk]\nenabled = yes\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mapapp.cli", "kiosk", "--config", str(bad), "--no-browser",
                             "--port", str(free_port())], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("bad.toml line 2: is not valid TOML (")
    assert result.stderr.endswith("1 problem found.\nNothing was started.\n")


def test_port_in_use_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert main(["kiosk", "--no-browser", "--port", str(port)]) == 2
    assert capsys.readouterr().err == (f"Port {port} on 127.0.0.1 is in use. Fix: stop the other server or pass "
                                       "--port. Nothing was started.\n")


@pytest.mark.realdata
def test_kiosk_really_serves_and_stops_on_sigterm() -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mapapp.cli", "kiosk", "--no-browser", "--port", str(port)],
                            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 60
        body = b""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    body = response.read()
                    break
            except OSError:
                time.sleep(0.3)
        assert proc.stderr is not None
        assert body == b"ok", proc.stderr.read() if proc.poll() is not None else "no health within 60 s"
        assert proc.stdout is not None
        seen = ""
        while "Serving the kiosk" not in seen and proc.poll() is None:  # the supervisor's own check follows
            seen += proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        out = seen + out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert f"Serving the kiosk at http://127.0.0.1:{port}/?embed=true&embed_options=hide_loading_screen" in out
    with pytest.raises(OSError):  # the server went with it
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
