"""Russian names in Latin letters: one romanisation to show, several to search by.

The map shows a Russian name the source gives without an English form in Wikipedia's romanisation (as the Gulag
camps' English titles and most English writing about the Terror do). A visitor may type a name in any of the
schemes in use (a passport's ICAO, BGN/PCGN on maps, the scholarly one, Yandex's); :func:`latin_spellings` gives
every one of them, so search finds "Fritsevich", "Fricevič" and "Fricevich" alike.
"""

from __future__ import annotations

import iuliia

#: The schemes search knows, Wikipedia's (the one shown) first.
SCHEMES = (iuliia.WIKIPEDIA, iuliia.ICAO_DOC_9303, iuliia.BGN_PCGN, iuliia.SCIENTIFIC, iuliia.TELEGRAM,
           iuliia.YANDEX_MAPS)


def transliterate_name(text: str) -> str:
    """``text`` in Latin letters as the map shows it (Wikipedia's romanisation)."""
    return iuliia.WIKIPEDIA.translate(text)


def latin_spellings(text: str) -> list[str]:
    """Every distinct romanisation of ``text`` by :data:`SCHEMES`, the shown one first."""
    out: list[str] = []
    for scheme in SCHEMES:
        spelled = scheme.translate(text)
        if spelled not in out:
            out.append(spelled)
    return out
