"""Interface text in English and Russian; data text comes from the tables, not from here."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ru"]
LANGS: tuple[Lang, ...] = ("en", "ru")
#: Languages are offered by name, never by flag.
LANG_NAMES: dict[Lang, str] = {"en": "English", "ru": "Русский"}

STRINGS: dict[str, dict[Lang, str]] = {
    "title": {"en": "The Great Purge, 1934–1953: a map", "ru": "Большой террор, 1934–1953: карта"},
    "intro": {
        "en": "Places of arrest, trial, execution, burial and exile named in the source text, with every dated "
              "event and its citation. Drag the years; touch a place.",
        "ru": "Места арестов, процессов, расстрелов, захоронений и ссылки, названные в исходном тексте, — с каждым "
              "датированным событием и ссылкой на источник. Передвигайте годы, нажмите на место.",
    },
    "play": {"en": "Play", "ru": "Пуск"},
    "pause": {"en": "Pause", "ru": "Пауза"},
    "step_back": {"en": "One month back", "ru": "На месяц назад"},
    "step_forward": {"en": "One month forward", "ru": "На месяц вперёд"},
    "speed": {"en": "Speed", "ru": "Скорость"},
    "speed_slow": {"en": "slow", "ru": "медленно"},
    "speed_normal": {"en": "normal", "ru": "обычно"},
    "speed_fast": {"en": "fast", "ru": "быстро"},
    "mode_window": {"en": "Period", "ru": "Период"},
    "mode_asof": {"en": "As of", "ru": "На дату"},
    "from": {"en": "From", "ru": "С"},
    "to": {"en": "To", "ru": "По"},
    "asof_date": {"en": "Date", "ru": "Дата"},
    "hist_events": {"en": "events per month", "ru": "событий в месяц"},
    "hist_records": {"en": "{measure} per month", "ru": "{measure} в месяц"},
    "hist_level": {"en": "{measure} by year", "ru": "{measure} по годам"},
    "hist_label": {"en": "What the data holds, month by month, under the time control",
                   "ru": "Что содержат данные, по месяцам, под шкалой времени"},
    "track_full": {"en": "All years", "ru": "Все годы"},
    "track_full_label": {"en": "Show every year of the data on the time control, not only {start}–{end}",
                         "ru": "Показать на шкале все годы данных, а не только {start}–{end}"},
    "date_typed": {"en": "year-month, e.g. 1937-08", "ru": "год-месяц, например 1937-08"},
    "date_invalid": {"en": "Type a month as year-month, e.g. 1937-08, between {first} and {last}.",
                     "ru": "Введите месяц как год-месяц, например 1937-08, от {first} до {last}."},
    "announce_window": {"en": "Period {start} – {end}: {n} events", "ru": "Период {start} – {end}: событий {n}"},
    "announce_asof": {"en": "As of {end}: {n} events", "ru": "На {end}: событий {n}"},
    "play_reduced": {"en": "Playback is off: this device asks for reduced motion. Step with the arrows.",
                     "ru": "Воспроизведение выключено: устройство просит меньше движения. Листайте стрелками."},
    "show_panel": {"en": "Show {panel}", "ru": "Показать: {panel}"},
    "trails": {"en": "Trails", "ru": "Пути"},
    "events_panel": {"en": "Events", "ru": "События"},
    "layers": {"en": "Layers", "ru": "Слои"},
    "views": {"en": "View", "ru": "Вид"},
    "events_in_window": {"en": "Events in this period", "ru": "События за период"},
    "no_events": {"en": "No events in this period.", "ru": "За этот период событий нет."},
    "no_events_here": {"en": "No events here in this period.", "ru": "Здесь за этот период событий нет."},
    "today": {"en": "today", "ru": "сегодня"},
    "other_names": {"en": "Other names", "ru": "Другие названия"},
    "until": {"en": "until", "ru": "до"},
    "since": {"en": "since", "ru": "с"},
    "people": {"en": "People", "ru": "Люди"},
    "trail_people": {"en": "Trail of", "ru": "Путь"},
    "trail_none": {"en": "— no trail —", "ru": "— без пути —"},
    "trail_show": {"en": "Show the trail of", "ru": "Показать путь:"},
    "trail": {"en": "Trail", "ru": "Путь"},
    "note": {"en": "Note", "ru": "Примечание"},
    "location": {"en": "Location", "ru": "Местоположение"},
    "precision_site": {"en": "exact site", "ru": "точное место"},
    "precision_locality": {"en": "locality, within {r}", "ru": "населённый пункт, в пределах {r}"},
    "precision_region": {"en": "region only, within {r}", "ru": "только регион, в пределах {r}"},
    "precision_country": {"en": "country only, not a location", "ru": "только страна, без точного места"},
    "uncertain": {"en": "location uncertain", "ru": "местоположение приблизительно"},
    "places_shown": {"en": "places shown", "ru": "мест на карте"},
    "borders_note": {"en": "Basemap: Natural Earth (public domain), today's borders.",
                     "ru": "Основа: Natural Earth (общественное достояние), современные границы."},
    "borders_historical": {"en": "Soviet border of the date: approximate (historical-basemaps, GPL v3); the "
                                 "German occupation line of 1941–1944 is not drawn",
                           "ru": "Граница СССР на дату: приблизительно (historical-basemaps, GPL v3); линия "
                                 "немецкой оккупации 1941–1944 не показана"},
    "borders_footer": {"en": "Historical borders: historical-basemaps (GPL v3), approximate; the occupation line "
                             "of 1941–1944 is not drawn.",
                       "ru": "Исторические границы: historical-basemaps (GPL v3), приблизительно; линия оккупации "
                             "1941–1944 не показана."},
    "language": {"en": "Language", "ru": "Язык"},
    "search": {"en": "Search people and places", "ru": "Поиск людей и мест"},
    "search_help": {"en": "Any spelling: Yezhov or Ezhov, Vyatka or Kirov, Киров…",
                    "ru": "Любое написание: Ежов или Yezhov, Вятка или Киров…"},
    "search_results": {"en": "Results", "ru": "Результаты"},
    "no_results": {"en": "Nothing found.", "ru": "Ничего не найдено."},
    "person": {"en": "person", "ru": "человек"},
    "place": {"en": "place", "ru": "место"},
    "download": {"en": "Download the events of this period", "ru": "Скачать события за период"},
    "download_window": {"en": "{period}: {n} events.", "ru": "{period}: событий — {n}."},
    "download_asof": {"en": "Up to {month}", "ru": "По {month}"},
    "download_collection": {"en": "{title} — {year}: {n} locations, with the year's figures.",
                            "ru": "{title} — {year}: мест — {n}, с числами за этот год."},
    "download_records": {"en": "{title} — the window: {n} addresses, {people} people shot (counts per address; "
                                "the names are on the map).",
                         "ru": "{title} — выбранный период: адресов — {n}, расстрелянных — {people} (число по "
                               "адресам; имена — на карте)."},
    "download_sites": {"en": "{title} — {year}: {n} sites, with their years and addresses.",
                       "ru": "{title} — {year}: объектов — {n}, с годами и адресами."},
    "download_register": {"en": "{title} — the window: {n} records, one row each (CSV, made as it downloads).",
                          "ru": "{title} — выбранный период: записей — {n}, по строке на запись (CSV, "
                                "формируется при скачивании)."},
    "download_register_may": {"en": "{title} — the window: {n} records, and {may} known only to a year the window "
                                    "holds in part, marked so; one row each (CSV, made as it downloads).",
                              "ru": "{title} — выбранный период: записей — {n}, и ещё {may} с известным только "
                                    "годом, который период захватывает частично (отмечены); по строке на запись "
                                    "(CSV, формируется при скачивании)."},
    "download_register_button": {"en": "CSV of the records — {title}", "ru": "CSV записей — {title}"},
    "download_geojson": {"en": "GeoJSON", "ru": "GeoJSON"},
    "download_csv": {"en": "CSV", "ru": "CSV"},
    "sources": {
        "en": "Sources: Peter Crawford, 'Joseph Stalin – The Great Purge' (2014), cited by line; general "
              "historical knowledge where marked. Places: GeoNames (CC BY 4.0). Basemap: Natural Earth "
              "(public domain). Data: CC BY 4.0.",
        "ru": "Источники: Peter Crawford, «Joseph Stalin – The Great Purge» (2014), со ссылками на строки; "
              "общеизвестные сведения там, где отмечено. Места: GeoNames (CC BY 4.0). Основа карты: Natural Earth "
              "(общественное достояние). Данные: CC BY 4.0.",
    },
    "export": {"en": "A printable map of this period", "ru": "Карта этого периода для печати"},
    "export_format": {"en": "Format", "ru": "Формат"},
    "export_region": {"en": "Region", "ru": "Регион"},
    "export_paper": {"en": "Paper", "ru": "Бумага"},
    "export_orientation": {"en": "Orientation", "ru": "Ориентация"},
    "landscape": {"en": "landscape", "ru": "альбомная"},
    "portrait": {"en": "portrait", "ru": "книжная"},
    "export_title": {"en": "Title (optional)", "ru": "Заголовок (необязательно)"},
    "export_person": {"en": "With the trail of {name}, chosen in the search.",
                      "ru": "С путём человека, выбранного в поиске: {name}."},
    "export_button": {"en": "Make and download the map", "ru": "Создать и скачать карту"},
    "kiosk_hint": {"en": "Drag the year. Touch a place.", "ru": "Передвиньте год. Нажмите на место."},
    "still_there": {"en": "Are you still there?", "ru": "Вы ещё здесь?"},
    "restarting_in": {"en": "Starting again in {n} s", "ru": "Начнём заново через {n} с"},
    "continue": {"en": "Continue", "ru": "Продолжить"},
    "start_again": {"en": "Start again", "ru": "Начать заново"},
}

CATEGORY_LABELS: dict[str, dict[Lang, str]] = {
    "arrest": {"en": "arrest", "ru": "арест"},
    "trial": {"en": "trial", "ru": "суд"},
    "sentence": {"en": "sentence", "ru": "приговор"},
    "execution": {"en": "execution", "ru": "расстрел"},
    "burial": {"en": "burial", "ru": "захоронение"},
    "death_in_custody": {"en": "death in custody", "ru": "гибель в заключении"},
    "suicide": {"en": "suicide", "ru": "самоубийство"},
    "assassination": {"en": "killing", "ru": "убийство"},
    "exile": {"en": "exile", "ru": "ссылка"},
    "deportation": {"en": "deportation", "ru": "высылка"},
    "imprisonment": {"en": "imprisonment", "ru": "заключение"},
    "renaming": {"en": "renaming", "ru": "переименование"},
    "decree": {"en": "decree", "ru": "постановление"},
    "mass_operation": {"en": "mass operation", "ru": "массовая операция"},
    "party_purge": {"en": "party purge", "ru": "партийная чистка"},
    "appointment": {"en": "appointment", "ru": "назначение"},
    "dismissal": {"en": "dismissal", "ru": "отставка"},
    "rehabilitation": {"en": "rehabilitation", "ru": "реабилитация"},
    "speech": {"en": "speech", "ru": "выступление"},
    "meeting": {"en": "meeting", "ru": "заседание"},
    "famine": {"en": "famine", "ru": "голод"},
    "construction": {"en": "forced-labour construction", "ru": "принудительное строительство"},
    "memorial": {"en": "remembrance", "ru": "память"},
    "birth": {"en": "birth", "ru": "рождение"},
    "death": {"en": "death", "ru": "смерть"},
    "other": {"en": "event", "ru": "событие"},
}


def t(key: str, lang: Lang) -> str:
    """The interface string ``key`` in ``lang`` (KeyError for an unknown key: a bug, not data)."""
    return STRINGS[key][lang]


def strings(lang: Lang) -> dict[str, str]:
    """Every interface string in ``lang``, for the browser."""
    return {key: value[lang] for key, value in STRINGS.items()}


def format_number(n: int, lang: Lang) -> str:
    """1,559,984 in English, 1 559 984 in Russian (no-break spaces, as the browser's ru-RU locale writes it)."""
    text = f"{n:,}"
    return text.replace(",", "\u00a0") if lang == "ru" else text
