"""Smoke test: the app renders in Chromium without touching the network."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

from .conftest import request_failures


def test_app_renders_offline(open_app: Callable[..., Page], artifacts_dir: Path) -> None:
    page = open_app()
    assert page.locator('[data-testid="stApp"]').is_visible()
    page.screenshot(path=str(artifacts_dir / "smoke.png"), full_page=True)
    assert page.external_requests == []  # type: ignore[attr-defined]
    assert request_failures(page) == []
