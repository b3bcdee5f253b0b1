"""A collection for the browser: its features, yearly values and totals as data, and its interface text.

``web/mapapp.js`` draws each collection as circles on a canvas (area ∝ the year's figure, "no count" drawn apart
from zero), its popups with a chart by year, a size key and the chart of totals under the time control. The
rules of what shows in which year are :mod:`mapapp.model.collections`'; this module only shapes the data, every
text in the map's language, and never markup.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

from mapapp.i18n import Lang
from mapapp.model.collections import Collection
from mapapp.model.dates import month_index
from mapapp.webmap.mapfiles import collection_features, record_shards, records_file

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
    "shown": {"en": "{n} locations shown ({title})", "ru": "Показано мест: {n} ({title})"},
    # sites with years in their names (the Topography of Terror)
    "site_years": {"en": "Years of operation (in Memorial's name)", "ru": "Годы работы (в названии «Мемориала»)"},
    "site_no_years": {"en": "Years of operation: not given by the source; shown at every date",
                      "ru": "Годы работы источником не указаны; объект показан при любой дате"},
    "site_since": {"en": "from {first}", "ru": "с {first}"},
    "site_until": {"en": "until {last}", "ru": "до {last}"},
    "site_type": {"en": "Listed by Memorial as", "ru": "В списках «Мемориала»"},
    "site_our_names": {"en": "English name: our translation of Memorial's Russian name.",
                       "ru": "Английское название — наш перевод русского названия «Мемориала»."},
    "site_at_place": {"en": "Memorial's record of this site", "ru": "Этот объект у «Мемориала»"},
    "sites_shown": {"en": "{n} sites shown ({title}); outlines from zoom 14", "ru":
                    "Показано объектов: {n} ({title}); контуры зданий — с масштаба 14"},
    "sites_key": {"en": "Memorial's sites: a symbol when zoomed out, the building's outline close up; a site that "
                        "is also one of this map's places is drawn as that place",
                  "ru": "Объекты «Мемориала»: значок на мелком масштабе, контур здания на крупном; объект, который "
                        "уже есть среди мест карты, показан этим местом"},
    # records of people shot (Memorial's Moscow list)
    "people_here": {"en": "{n} of the people in Memorial's list who lived here were shot in the window "
                          "({first} – {last}); {total} in all",
                    "ru": "Из жителей этого дома по списку «Мемориала» в выбранный период ({first} – {last}) "
                          "расстреляны: {n}; всего: {total}"},
    "street_level": {"en": "Their houses have no coordinates in the source: shown at the middle of the street.",
                     "ru": "У их домов нет координат в источнике: показаны в середине улицы."},
    "people_loading": {"en": "Loading the list…", "ru": "Загрузка списка…"},
    "people_window": {"en": "Shot in the window", "ru": "Расстреляны в выбранный период"},
    "people_other": {"en": "Shot at other dates", "ru": "Расстреляны в другое время"},
    "shot_on": {"en": "Shot", "ru": "Расстрелян(а)"},
    "no_date": {"en": "date not given", "ru": "дата не указана"},
    "address_key": {"en": "Circle area ∝ people shot in the window who lived at the address",
                    "ru": "Площадь круга ∝ числу расстрелянных в выбранный период, живших по этому адресу"},
    "address_cells": {"en": "Circle area ∝ people shot in the window who lived in a square of {km} km (their "
                            "addresses summed)",
                      "ru": "Площадь круга ∝ числу расстрелянных в выбранный период, живших в квадрате {km} км "
                            "(сумма по адресам)"},
    "addresses_shown": {"en": "{n} addresses, {people} people shot in the window ({title})",
                        "ru": "Адресов: {n}, расстрелянных в выбранный период: {people} ({title})"},
    "burials": {"en": "Buried here, of the people shot in Moscow in Memorial's list: {n} in the window "
                      "({first} – {last}); {total} in all",
                "ru": "Похоронены здесь, по списку «Мемориала» расстрелянных в Москве: {n} за выбранный период "
                      "({first} – {last}); всего {total}"},
    "burials_chart": {"en": "People buried here by month of execution; the window shaded",
                      "ru": "Похороненные здесь по месяцам расстрела; выбранный период затенён"},
    "path": {"en": "Last home → burial ground", "ru": "Последний адрес → место захоронения"},
    "not_located": {"en": "The address has no coordinates in the source: only the burial ground is shown.",
                    "ru": "У адреса нет координат в источнике: показано только место захоронения."},
    "transliteration": {"en": "Transliteration", "ru": "Транслитерация"},
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


def burials(c: Collection) -> dict[str, list[list[int]]]:
    """Each place's records by month: ``{place: [[month index, count], ...]}`` (months in order)."""
    counts: dict[str, Counter[int]] = {}
    for r in c.records():
        if r.place and r.date:
            counts.setdefault(r.place, Counter())[month_index(r.date)] += 1
    return {place: [[m, n] for m, n in sorted(months.items())] for place, months in sorted(counts.items())}


def _records_json(c: Collection, lang: Lang, urls: Mapping[str, str]) -> dict[str, Any]:
    """What the browser needs of a collection's records: labels, each place's burials by month, where the
    shards are (served: their URLs; otherwise inline)."""
    meta = c.meta["records"]
    shards = record_shards(c)
    served = {str(k): urls[records_file(c.id, k)] for k in shards if records_file(c.id, k) in urls}
    return {"recordItem": meta["item"][lang],
            "recordFields": [{"id": f["id"], "label": f["label"][lang]} for f in meta["fields"]],
            "placeLabel": meta["place_label"][lang] if meta.get("place_label") else "",
            "burials": burials(c), "recordUrls": served,
            "records": {str(k): v for k, v in shards.items() if str(k) not in served}}


def collection_json(c: Collection, lang: Lang, url: str | None = None,
                    urls: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One collection for the browser, every text of the interface in ``lang``.

    The features (:func:`mapapp.webmap.mapfiles.collection_features`, texts in ``lang``) are fetched from ``url``
    when the app serves that file, else they travel inside the map (the standalone page); so are a collection's
    records, by shard, from ``urls`` (every served file: path → URL).
    """
    measure = c.text("measure", lang)
    kind = c.meta.get("time", "values_by_year")
    extra = _records_json(c, lang, urls or {}) if c.has_records else {}
    top = max((len(f.dates) for f in c.features), default=0) if c.has_records else c.max_value
    return {
        "time": kind, **extra,
        "id": c.id, "layer": c.layer, "title": c.text("title", lang), "credit": c.text("credit", lang),
        "item": c.text("item", lang) if "item" in c.meta else c.text("title", lang),
        "citation": c.text("citation", lang), "caveat": c.text("caveat", lang), "measure": measure,
        "subject": subject(c, lang),
        "years": list(c.years) if c.years else None, "max": top, "key": key_values(top),
        "attributes": [{"id": a["id"], "label": a["label"][lang]} for a in c.meta.get("attributes", [])],
        "url": url, "features": None if url else collection_features(c, lang),
        "totals": [{"year": t.year, "total": t.total, "with_value": t.with_value, "operating": t.operating}
                   for t in c.totals],
        "strings": collection_strings(lang),
    }
