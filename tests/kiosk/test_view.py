"""What the kiosk hands to the browser: tour captions per language, timings, and safe JSON."""

from __future__ import annotations

import json
import re

import pytest

from mapapp.config import KioskSettings
from mapapp.kiosk.tour import TourStep
from mapapp.kiosk.view import RESET_URL, kiosk_payload, page_script, page_settings
from mapapp.model.viewstate import MapState
from mapapp.webmap.mapview import build_map, load_dataset

STEPS = (
    TourStep("a", "1934-12", "1934-12", None, ("smolny",), "Kirov is shot.", "Кирова убивают.", 6),
    TourStep("b", "1937-08", "1938-11", "ussr", (), "The Kulak Operation.", "«Кулацкая операция».", 8),
)


def test_payload_has_the_tour_in_the_chosen_language() -> None:
    settings = KioskSettings(enabled=True, text_scale=2.0)
    en, ru = kiosk_payload(settings, STEPS, "en"), kiosk_payload(settings, STEPS, "ru")
    assert en["text_scale"] == 2.0
    assert [s["caption"] for s in en["tour"]] == ["Kirov is shot.", "The Kulak Operation."]
    assert [s["caption"] for s in ru["tour"]] == ["Кирова убивают.", "«Кулацкая операция»."]
    assert en["tour"][0] == {"id": "a", "start": "1934-12", "end": "1934-12", "view": "", "places": ["smolny"],
                             "caption": "Kirov is shot.", "duration_s": 6, "person": ""}


def test_page_settings_carry_timings_and_text() -> None:
    settings = KioskSettings(enabled=True, idle_timeout_s=45, countdown_s=10, attract=False)
    data = page_settings(settings, "ru")
    assert (data["idle_timeout_s"], data["countdown_s"], data["attract"]) == (45, 10, False)
    assert data["reset_url"] == RESET_URL and "embed=true" in RESET_URL
    assert data["strings"]["still_there"] == "Вы ещё здесь?"
    assert data["strings"]["restarting_in"].count("{n}") == 1


def test_page_script_json_cannot_close_its_script_tag(monkeypatch: pytest.MonkeyPatch) -> None:
    import mapapp.i18n
    monkeypatch.setitem(mapapp.i18n.STRINGS["still_there"], "en", "</script><img src=x onerror=alert(1)>")
    settings = KioskSettings(enabled=True)
    html = page_script(settings, "en", "/app/static/mapapp/kiosk.js")
    match = re.search(r'<script type="application/json" id="mapapp-kiosk-config">(.*?)</script>', html)
    assert match is not None
    body = match.group(1)
    assert "<" not in body and ">" not in body
    assert json.loads(body)["countdown_s"] == settings.countdown_s
    assert json.loads(body)["strings"]["still_there"] == "</script><img src=x onerror=alert(1)>"
    assert html.endswith('<script src="/app/static/mapapp/kiosk.js"></script>')
    assert "http" not in html


def test_kiosk_map_carries_the_block_and_the_visitor_map_does_not() -> None:
    ds = load_dataset()
    block = kiosk_payload(KioskSettings(enabled=True), STEPS, "en")
    kiosk_html = build_map(ds, MapState(), kiosk=block).get_root().render()
    visitor_html = build_map(ds, MapState()).get_root().render()
    assert '"kiosk": {"text_scale": 1.5' in kiosk_html
    assert '"kiosk": null' in visitor_html
