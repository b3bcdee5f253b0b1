"""A collection for the browser: its features, yearly values and totals as data, and its interface text.

``web/mapapp.js`` draws each collection as circles on a canvas (area ∝ the year's figure, "no count" drawn apart
from zero), its popups with a chart by year, a size key and the chart of totals under the time control. The
rules of what shows in which year are :mod:`mapapp.model.collections`'; this module only shapes the data, every
text in the map's language, and never markup.
"""

from __future__ import annotations

import math
from typing import Any

from mapapp.i18n import Lang
from mapapp.model.collections import Collection
from mapapp.webmap.mapfiles import collection_features

#: Interface text of the collection layers (the collection's own texts come from its collection.toml).
STRINGS: dict[str, dict[Lang, str]] = {
    "no_count": {"en": "no count for this year", "ru": "нет данных за этот год"},
    "zero": {"en": "0 (as recorded)", "ru": "0 (по данным источника)"},
    "in_year": {"en": "In {year}", "ru": "В {year} году"},
    "years": {"en": "Years with a record at this location", "ru": "Годы по данным, это место"},
    "group_years": {"en": "{item}, all {n} locations", "ru": "{item}, все места ({n})"},
    "other_names": {"en": "Also called", "ru": "Другие названия"},
    "transliterated": {"en": "The source has no English name; the Russian name is transliterated.",
                       "ru": "Английского названия в источнике нет; русское дано транслитерацией."},
    "chart": {"en": "{measure} by year; {year} marked", "ru": "Число {measure} по годам; {year} год отмечен"},
    "key": {"en": "Circle area ∝ {measure} in the window's last year", "ru":
            "Площадь круга ∝ числу {measure} в последнем году периода"},
    "key_no_count": {"en": "operating, no count", "ru": "действует, данных нет"},
    "key_zero": {"en": "count 0", "ru": "число 0"},
    "total": {"en": "{measure} in {year}: {total}", "ru": "{measure} в {year} году: {total}"},
    "coverage": {"en": "the sum for the {with_value} of {operating} locations operating that year that have a "
                       "count", "ru": "сумма по {with_value} из {operating} действовавших в том году мест, для "
                                      "которых есть число"},
    "outside": {"en": "{year}: outside the years of this collection ({first}–{last})",
                "ru": "{year}: вне лет этой коллекции ({first}–{last})"},
    "totals_label": {"en": "Total {measure} by year", "ru": "Всего {measure} по годам"},
    "shown": {"en": "{n} locations shown ({title})", "ru": "Показано мест: {n} ({title})"},
}
#: The measure as a capitalised subject ("Prisoners in 1938: …"), per language.
_SUBJECT: dict[Lang, str] = {"en": "{Measure}", "ru": "Число {measure}"}


def collection_strings(lang: Lang) -> dict[str, str]:
    """Every interface string of the collection layers in ``lang``."""
    return {key: value[lang] for key, value in STRINGS.items()}


def subject(c: Collection, lang: Lang) -> str:
    """The measure as the subject of a sentence: "Prisoners" ("Prisoners in 1938: …"), "Число заключённых"."""
    measure = c.text("measure", lang)
    return _SUBJECT[lang].format(Measure=measure[:1].upper() + measure[1:], measure=measure)


def key_values(max_value: int) -> list[int]:
    """Round figures for the size key, below ``max_value``: the largest power of ten and its tenth and hundredth
    (100,000, 10,000, 1,000 for the camps)."""
    if max_value < 1:
        return []
    top = 10 ** int(math.floor(math.log10(max_value)))
    return [v for v in (top // 100, top // 10, top) if v >= 1]


def collection_json(c: Collection, lang: Lang, url: str | None = None) -> dict[str, Any]:
    """One collection for the browser, every text of the interface in ``lang``.

    The features (:func:`mapapp.webmap.mapfiles.collection_features`, texts in ``lang``) are fetched from ``url``
    when the app serves that file, else they travel inside the map (the standalone page).
    """
    measure = c.text("measure", lang)
    return {
        "id": c.id, "layer": c.layer, "title": c.text("title", lang), "credit": c.text("credit", lang),
        "item": c.text("item", lang) if "item" in c.meta else c.text("title", lang),
        "citation": c.text("citation", lang), "caveat": c.text("caveat", lang), "measure": measure,
        "subject": subject(c, lang),
        "years": list(c.years) if c.years else None, "max": c.max_value, "key": key_values(c.max_value),
        "attributes": [{"id": a["id"], "label": a["label"][lang]} for a in c.meta.get("attributes", [])],
        "url": url, "features": None if url else collection_features(c, lang),
        "totals": [{"year": t.year, "total": t.total, "with_value": t.with_value, "operating": t.operating}
                   for t in c.totals],
        "strings": collection_strings(lang),
    }
