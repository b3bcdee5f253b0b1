"""End-to-end fixtures: the real app served by ``streamlit run``, driven in Debian Chromium by Playwright.

- ``app_url`` (session): a Streamlit server on a free port of 127.0.0.1, started from the repo root.
- ``browser`` (session): ``/usr/bin/chromium`` (never Playwright's downloaded browsers) with the network
  extras switched off.
- ``page`` (function): a fresh context (1400×900) whose page carries ``external_requests`` (every request
  leaving 127.0.0.1/localhost), ``failed_requests`` (``requestfailed``) and ``console_errors``.
- ``open_app`` (function): ``open_app("?lang=ru")`` loads the app in ``page`` and waits until its script
  has run.
- ``artifacts_dir`` (session): ``test-artifacts/`` at the repo root (gitignored) for screenshots and logs.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, Response, ViewportSize, sync_playwright

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-gpu"]
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
STARTUP_TIMEOUT_S = 60
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
#: Schemes that never touch the network (inline data, object URLs, blank frames).
LOCAL_SCHEMES = {"data", "blob", "about"}
#: One file the app needs from static/ (built by `mapapp assets`).
STATIC_PROBE = REPO / "static" / "vendor" / "leaflet" / "leaflet.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e as ``e2e`` (select with ``-m e2e``, leave out with ``-m 'not e2e'``)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_external(url: str) -> bool:
    """True when loading ``url`` would leave this machine."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return False
    return (parts.hostname or "") not in LOCAL_HOSTS


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """``test-artifacts/`` at the repo root (created; gitignored)."""
    path = REPO / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@contextmanager
def serve_app(log_stem: str, artifacts_dir: Path, extra_env: dict[str, str] | None = None,
              port: int | None = None) -> Iterator[str]:
    """Run ``streamlit run app.py`` (the page and its download route) on ``port`` (default: a free one) until the
    block ends; yield its URL.

    Fails the test with the server's stderr if it exits or does not answer its health check in time.
    """
    stale = [p.name for p in sorted((REPO / "mapapp" / "web").glob("*.*"))
             if not (REPO / "static" / "mapapp" / p.name).is_file()
             or (REPO / "static" / "mapapp" / p.name).read_bytes() != p.read_bytes()]
    if stale:
        pytest.fail(f"static/mapapp/ is out of date with mapapp/web/ ({', '.join(stale)}): the browser would "
                    "run old code. Fix: run `.venv/bin/mapapp assets` (scripts/test.sh does).", pytrace=False)
    if not STATIC_PROBE.is_file():
        pytest.fail(f"{STATIC_PROBE} is missing: the browser assets are not installed. "
                    "Fix: run `bash scripts/test.sh` (or `npm ci && .venv/bin/mapapp assets`).", pytrace=False)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(extra_env or {})}
    stdout_log = artifacts_dir / f"{log_stem}.stdout.log"
    stderr_log = artifacts_dir / f"{log_stem}.stderr.log"
    with open(stdout_log, "wb") as out, open(stderr_log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true"],
            cwd=REPO, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _health_ok(f"{url}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                why = (f"exited with status {proc.returncode}" if proc.poll() is not None
                       else f"did not answer {url}/_stcore/health with 'ok' within {STARTUP_TIMEOUT_S} s")
                pytest.fail(f"streamlit run {why}. Its stderr ({stderr_log}):\n"
                            f"{stderr_log.read_text(errors='replace')}", pytrace=False)
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def app_url(artifacts_dir: Path) -> Iterator[str]:
    """Serve ``app.py`` on a free port for the whole session; yield its base URL."""
    with serve_app("streamlit", artifacts_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, launched once per session."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing. Fix: `apt-get update && apt-get install -y chromium` "
                    "(scripts/test.sh does it).", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def request_failures(page: Page) -> list[tuple[str, str]]:
    """``(url, error)`` of the page's failed requests: every failure, and every abort whose frame is still
    attached (read at the end of a test: a frame replaced on a language switch aborts what it was loading)."""
    aborted = [(r.url, r.failure or "") for r in page.aborted_requests  # type: ignore[attr-defined]
               if not r.frame.is_detached()]
    return page.failed_requests + aborted  # type: ignore[attr-defined]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh 1400×900 context that records external and failed requests and console errors.

    ``page.external_requests``: URLs of requests leaving 127.0.0.1/localhost (from any frame, iframes
    included); ``page.failed_requests``: ``(url, error text)``, with ``page.aborted_requests`` read through
    :func:`request_failures`; ``page.console_errors``: console
    messages of type ``error`` and uncaught page errors.
    """
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    external: list[str] = []
    failed: list[tuple[str, str]] = []
    aborted: list[Request] = []
    console_errors: list[str] = []

    def on_request(request: Request) -> None:
        if is_external(request.url):
            external.append(request.url)

    def on_failed(request: Request) -> None:
        # Streamlit replaces the map's component frame on a language switch, and the frame being
        # replaced aborts what it was still loading (its page, its bundle, the basemap it was fetching):
        # not a missing asset. Such an abort is set aside and counted only if its frame is still there when
        # the test checks (failed_requests, read at the end), so a real abort in a live frame still fails.
        if request.failure == "net::ERR_ABORTED" and not is_external(request.url):
            aborted.append(request)
            return
        failed.append((request.url, request.failure or ""))

    def on_response(response: Response) -> None:
        if response.status >= 400:  # a 404 for an asset is a response, not a requestfailed event
            failed.append((response.url, f"HTTP {response.status}"))

    context.on("request", on_request)
    context.on("requestfailed", on_failed)
    context.on("response", on_response)
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(f"uncaught: {exc}"))
    # Playwright's Page has no such attributes: the tests read them with the same ignore.
    page.external_requests = external  # type: ignore[attr-defined]
    page.failed_requests = failed  # type: ignore[attr-defined]
    page.aborted_requests = aborted  # type: ignore[attr-defined]
    page.console_errors = console_errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def open_app(page: Page, app_url: str) -> Callable[[str], Page]:
    """``open_app(query="")``: load the app (``query`` like ``"?lang=ru"``) and wait until its script has run."""

    def _open(query: str = "") -> Page:
        page.goto(f"{app_url}/{query}")
        wait_for_app(page)
        page.wait_for_load_state("networkidle")  # static files, iframes (the websocket does not count)
        return page

    return _open


def wait_for_app(page: Page, timeout_ms: float = 30_000) -> None:
    """Wait until Streamlit has rendered and its script run has finished (after a load or a widget change)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
