"""``mapapp kiosk``: the Streamlit server and a full-screen Chromium, as an unattended museum kiosk runs them.

The command lines, the URL, the server's environment and the pre-flight check are pure
functions; :func:`serve` is the small supervisor that starts the processes, waits, and stops
both on Ctrl-C, SIGTERM, or when either of them exits.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType
from typing import TextIO
from urllib.parse import urlsplit

from mapapp import REPO_ROOT
from mapapp.config import ENV_CONFIG, AppConfig, config_from_env
from mapapp.kiosk.tour import load_tour
from mapapp.problems import ConfigError, DataError, GeodataError, report_lines

HOST = "127.0.0.1"
DEFAULT_PORT = 8501
DEFAULT_CONFIG = REPO_ROOT / "kiosk.toml"
CHROMIUM = "/usr/bin/chromium"
#: Streamlit's options for a kiosk (besides address and port): no watcher, telemetry, toolbar, error details, top bar.
STREAMLIT_FLAGS: tuple[str, ...] = (
    "--server.headless", "true", "--server.fileWatcherType", "none",
    "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal", "--client.showErrorDetails", "none",
    "--ui.hideTopBar", "true",
)
#: Chromium full screen with no way out by touch: no pinch zoom, no swipe navigation, no dialogs, no network chatter.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--kiosk", "--incognito", "--noerrdialogs", "--disable-pinch", "--overscroll-history-navigation=0",
    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-translate",
)
EXIT_OK, EXIT_FAILED, EXIT_PROBLEMS = 0, 1, 2


def streamlit_command(python: str, port: int) -> list[str]:
    """The argv that serves ``streamlit_app.py`` for a kiosk (run it with the repository root as cwd)."""
    return [python, "-m", "streamlit", "run", "streamlit_app.py", "--server.address", HOST,
            "--server.port", str(port), *STREAMLIT_FLAGS]


def server_env(environ: Mapping[str, str], config_path: Path) -> dict[str, str]:
    """The server's environment: ``environ`` with ``MAPAPP_CONFIG`` pointing at ``config_path`` (absolute)."""
    return {**environ, ENV_CONFIG: str(Path(config_path).resolve())}


def base_url(port: int) -> str:
    """``http://127.0.0.1:PORT``."""
    return f"http://{HOST}:{port}"


def kiosk_url(port: int) -> str:
    """The page the kiosk browser opens: Streamlit embedded, without its chrome and loading screen."""
    return f"{base_url(port)}/?embed=true&embed_options=hide_loading_screen"


def health_url(url: str) -> str:
    """Streamlit's health endpoint on the server that serves ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/_stcore/health"


def chromium_command(url: str, profile_dir: Path) -> list[str]:
    """The argv that shows ``url`` full screen in Chromium, with a throwaway profile in ``profile_dir``."""
    return [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}", url]


def wait_for_health(url: str, timeout_s: float, *, alive: Callable[[], bool] | None = None,
                    interval_s: float = 0.25) -> bool:
    """Poll the health endpoint of ``url``'s server until it answers ``ok`` (True) or ``timeout_s`` passes.

    ``alive`` (e.g. ``lambda: proc.poll() is None``) stops the wait early when the server has died.
    """
    deadline = time.monotonic() + timeout_s
    target = health_url(url)
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            return False
        try:
            with urllib.request.urlopen(target, timeout=2) as response:
                if response.status == 200 and response.read().strip() == b"ok":
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(interval_s)
    return False


def port_is_free(port: int) -> bool:
    """True if nothing listens on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def check(config_path: Path, environ: Mapping[str, str]) -> tuple[AppConfig | None, list[str]]:
    """Validate what the server will load: the config, the map data it names and the tour against the places.

    Returns the config (``None`` if it does not load) and every problem as a line of text.
    """
    try:
        config = config_from_env(server_env(environ, config_path))
    except ConfigError as exc:
        return None, [str(p) for p in exc.problems]
    places_file = config.geodata / "places.geojson"
    if not places_file.is_file():
        return config, [f"{places_file} is missing. Fix: run `mapapp build`, or point geodata (or MAPAPP_GEODATA) "
                        "at the folder it writes."]
    try:
        from mapapp.model.trails import people_with_trails
        from mapapp.webmap.mapview import load_dataset

        ds = load_dataset(config.geodata)
        load_tour(config.kiosk.tour, ds.places.keys(), people_with_trails(ds))
    except DataError as exc:
        return config, [str(p) for p in exc.problems]
    except GeodataError as exc:
        return config, [str(exc)]
    return config, []


def _stop(proc: subprocess.Popen[bytes] | None, grace_s: float = 10) -> None:
    """Terminate ``proc`` (then kill it if it lingers)."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(config_path: Path, port: int, browser: bool, *, python: str = sys.executable,
          out: TextIO | None = None, err: TextIO | None = None, health_timeout_s: float = 60) -> int:
    """Run the kiosk until interrupted; return the exit status (2: problems found, nothing started).

    ``out``/``err`` default to the current ``sys.stdout``/``sys.stderr``.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    config, problems = check(config_path, os.environ)
    if problems:
        print(report_lines(problems) + "\nNothing was started.", file=err)
        return EXIT_PROBLEMS
    assert config is not None
    if not config.kiosk.enabled:
        print(f"Note: kiosk.enabled is not true in {config_path}: the app runs without kiosk behaviour.", file=err)
    if not port_is_free(port):
        print(f"Port {port} on {HOST} is in use. Fix: stop the other server or pass --port. Nothing was started.",
              file=err)
        return EXIT_PROBLEMS
    if browser and not Path(CHROMIUM).is_file():
        print(f"{CHROMIUM} is missing. Fix: apt-get install chromium, or pass --no-browser. Nothing was started.",
              file=err)
        return EXIT_PROBLEMS
    previous = signal.signal(signal.SIGTERM, _interrupt)
    server: subprocess.Popen[bytes] | None = None
    chromium: subprocess.Popen[bytes] | None = None
    profile = Path(tempfile.mkdtemp(prefix="mapapp-kiosk-")) if browser else None
    try:
        server = subprocess.Popen(streamlit_command(python, port), cwd=REPO_ROOT,
                                  env=server_env(os.environ, config_path), start_new_session=True)
        if not wait_for_health(base_url(port), health_timeout_s, alive=lambda: server.poll() is None):
            print(f"The server did not become healthy within {health_timeout_s:g} s (see its output above).",
                  file=err)
            return EXIT_FAILED
        url = kiosk_url(port)
        print(f"Serving the kiosk at {url}", file=out, flush=True)
        if profile is not None:
            chromium = subprocess.Popen(chromium_command(url, profile), start_new_session=True)
        while server.poll() is None and (chromium is None or chromium.poll() is None):
            time.sleep(0.5)
        if server.poll() is not None:
            print(f"The server stopped (exit status {server.returncode}).", file=err)
            return EXIT_FAILED
        return EXIT_OK  # the browser was closed
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        _stop(chromium)
        _stop(server)
        signal.signal(signal.SIGTERM, previous)
        if profile is not None:
            shutil.rmtree(profile, ignore_errors=True)
