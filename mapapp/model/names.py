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


_SKELETON_RULES = (("shch", "s"), ("sch", "s"), ("sc", "s"), ("zh", "z"), ("kh", "h"), ("ch", "c"), ("sh", "s"),
                   ("ts", "c"), ("x", "h"), ("y", "i"), ("j", "i"))
_SKELETON_VOWELS = (("iu", "u"), ("ia", "a"), ("io", "e"), ("ie", "e"))
_SKELETON_DROP = dict.fromkeys(map(ord, "'’‘ʹʺʼ`\"«»"), None)


def skeleton(text: str) -> str:
    """A name reduced to what every romanisation of it shares, Cyrillic or Latin alike: "Фрицевич", "Fritsevich",
    "Fricevič" and "Fricevich" are all ``fricevic``; "Хрущёв", "Khrushchyov", "Xruščёv", "Hruscev" all ``hrusev``.

    A register's name index is keyed by it (one key per spelling would multiply millions of rows by six); it is
    lossy on purpose, and a search shows the names as the source gives them.
    """
    import unicodedata

    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        text = iuliia.WIKIPEDIA.translate(text)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))
    text = text.translate(_SKELETON_DROP).replace("-", " ")
    for a, b in _SKELETON_RULES:
        text = text.replace(a, b)
    while "ii" in text:
        text = text.replace("ii", "i")
    for a, b in _SKELETON_VOWELS:
        text = text.replace(a, b)
    return " ".join(text.split())
