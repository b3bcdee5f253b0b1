"""What the kiosk hands to the browser: the map's kiosk block and the page script's settings.

Both are plain JSON built from the validated :class:`mapapp.config.KioskSettings` and the
attract tour, so the browser never sees anything but data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mapapp.config import KioskSettings
from mapapp.i18n import Lang, t
from mapapp.kiosk.tour import TourStep

#: Where a reset sends the browser: a fresh session, without Streamlit's chrome.
RESET_URL = "/?embed=true&embed_options=hide_loading_screen"
_PAGE_STRINGS = ("still_there", "restarting_in", "continue", "start_again", "kiosk_hint")


def kiosk_payload(settings: KioskSettings, tour: Sequence[TourStep], lang: Lang) -> dict[str, Any]:
    """The map payload's ``kiosk`` block: text scale and the tour with captions in ``lang``."""
    return {
        "text_scale": settings.text_scale,
        "tour": [{"id": s.id, "start": s.start, "end": s.end, "view": s.view or "", "places": list(s.places),
                  "caption": s.caption_en if lang == "en" else s.caption_ru, "duration_s": s.duration_s, "person": s.person or ""}
                 for s in tour],
    }


def page_settings(settings: KioskSettings, lang: Lang) -> dict[str, Any]:
    """Settings for ``web/kiosk.js``: timings, the reset address and its interface text."""
    return {
        "idle_timeout_s": settings.idle_timeout_s,
        "countdown_s": settings.countdown_s,
        "attract": settings.attract,
        "reset_url": RESET_URL,
        "strings": {key: t(key, lang) for key in _PAGE_STRINGS},
    }


def page_script(settings: KioskSettings, lang: Lang, script_url: str) -> str:
    """The HTML that starts ``kiosk.js`` with its settings (JSON made safe inside a script tag)."""
    data = json.dumps(page_settings(settings, lang), ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (f'<script type="application/json" id="mapapp-kiosk-config">{data}</script>'
            f'<script src="{script_url}"></script>')
