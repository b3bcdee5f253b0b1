"""A register for the browser: where its files are, what its symbols count, and its interface text.

The counts and records stay in files (:mod:`mapapp.ingest.register_web`); the map carries only this small
description, so its size does not grow with the number of records. The app serves a register's files from
``static/registers/<id>-<digest>/`` (:func:`install_register` links them there from the build output once; a new
build has a new digest, so a browser never mixes two builds). A map with nowhere to fetch from (the standalone
page) carries the coarsest level inline instead: bounded by the number of H3 cells of that level, whatever N is.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp.i18n import Lang
from mapapp.model.aggregates import LEVEL_ZOOMS
from mapapp.model.register_search import RecordHit, find
from mapapp.model.registers import Register
from mapapp.webmap.assets import REGISTERS_DIR, STATIC_DIRNAME, STATIC_URL
from mapapp.webmap.collectionview import key_values

STRINGS: dict[str, dict[Lang, str]] = {
    "key_cells": {"en": "Circle area ∝ {measure} in the window, summed over a hexagon of about {km} km; zoom in for "
                        "the places themselves",
                  "ru": "Площадь круга ∝ числу {measure} за выбранный период в шестиугольнике около {km} км; "
                        "приблизьте карту, чтобы увидеть сами места"},
    "key_sites": {"en": "Circle area ∝ {measure} in the window at each place the records name",
                  "ru": "Площадь круга ∝ числу {measure} за выбранный период в каждом месте, названном в записях"},
    "key_may": {"en": "Dashed ring: with the records known only to a year the window holds in part (they may fall "
                      "inside it)",
                "ru": "Пунктирное кольцо: вместе с записями, у которых известен только год, лишь частично "
                      "входящий в период (они могут относиться к нему)"},
    "key_region": {"en": "Pale: the records name only a region; placed at its centre",
                   "ru": "Бледный круг: в записях указана только область; показаны в её центре"},
    "shown": {"en": "{n} {measure} in the window, {may} more may be ({title})",
              "ru": "{measure_cap} за период: {n}, ещё {may} — возможно ({title})"},
    "cell": {"en": "{n} {measure} in the window in this hexagon; {may} more may be. Zoom in for its places.",
             "ru": "В этом шестиугольнике за период {measure}: {n}; ещё {may} — возможно. Приблизьте карту, чтобы "
                   "увидеть места."},
    "site": {"en": "{n} {measure} in the window ({first} – {last}); {may} more may be; {total} at all dates",
             "ru": "За период ({first} – {last}) {measure}: {n}; ещё {may} — возможно; всего {total}"},
    "region_centre": {"en": "These records name only the region: they are placed at its centre.",
                      "ru": "В этих записях указана только область (край, республика): они показаны в её центре."},
    "page": {"en": "Records {from}–{to} of {total}, by date", "ru": "Записи {from}–{to} из {total}, по дате"},
    "zoom_in": {"en": "Zoom in here", "ru": "Приблизить"},
    "earlier": {"en": "Earlier", "ru": "Раньше"},
    "later": {"en": "Later", "ru": "Позже"},
    "loading": {"en": "Loading the records…", "ru": "Загрузка записей…"},
    "in_window": {"en": "in the window", "ru": "в выбранном периоде"},
    "date": {"en": "Date", "ru": "Дата"},
    "place_text": {"en": "Place as written", "ru": "Место в записи"},
}

#: The edge of each H3 level's cells, rounded, for the key ("a hexagon of about 160 km").
CELL_KM = {"h3r2": 160, "h3r4": 23}


def served_dir(reg: Register) -> str:
    """Where ``reg``'s files are served, under ``static/`` (named by the build's digest)."""
    return f"{REGISTERS_DIR}/{reg.id}-{reg.manifest['digest'][:16]}"


def install_register(reg: Register, repo_root: Path) -> Path:
    """Make ``static/`` serve ``reg``'s browser files (hard links to the build's, or copies across file systems);
    return the folder. Done once per build: a folder already there is the same build's (its name is the digest).
    An earlier build's folder stays: another server may still serve it (links cost no space while the build's
    files exist; ``static/registers/`` may be emptied whenever no app runs, each app links its own at start).
    Assembled beside it and renamed into place, so a server never serves half of it."""
    target = Path(repo_root) / STATIC_DIRNAME / served_dir(reg)
    if (target / "manifest.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        shutil.copytree(reg.web, tmp / "tree", copy_function=_link_or_copy)
        for d in [tmp / "tree", *(p for p in (tmp / "tree").rglob("*") if p.is_dir())]:
            os.chmod(d, 0o755)
        os.rename(tmp / "tree", target)
    except OSError:
        if not (target / "manifest.json").is_file():  # not another server's install, done meanwhile
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _read(reg: Register, rel: str) -> Any:
    return json.loads((reg.web / rel).read_text(encoding="utf-8"))


def inline_files(reg: Register) -> dict[str, Any]:
    """The coarsest level's files, for a map with nowhere to fetch them from."""
    level = reg.manifest["levels"][0]
    files = {f"{level['id']}.cells.json": _read(reg, f"{level['id']}.cells.json")}
    for year in level["years"]:
        files[f"{level['id']}/{year}.json"] = _read(reg, f"{level['id']}/{year}.json")
    return files


def register_json(reg: Register, lang: Lang, url: str | None) -> dict[str, Any]:
    """One register for the browser: its texts in ``lang``, its levels (with the zoom each is drawn from and the
    largest count of any cell, which sizes the symbols), and either ``base`` (the URL its files are served
    under: every level and the records' pages) or ``files`` (the coarsest level inline)."""
    manifest = reg.manifest
    levels = manifest["levels"] if url else manifest["levels"][:1]
    measure = reg.text("measure", lang)
    strings = {k: v[lang] for k, v in STRINGS.items()}
    return {
        "id": reg.id, "layer": reg.layer, "title": reg.text("title", lang), "credit": reg.text("credit", lang),
        "citation": reg.text("citation", lang), "caveat": reg.text("caveat", lang), "measure": measure,
        "measureCap": measure[:1].upper() + measure[1:], "item": reg.text("item", lang),
        "levels": [{"id": lv["id"], "minZoom": LEVEL_ZOOMS.get(lv["id"], 0), "years": lv["years"],
                    "top": lv["top"], "km": CELL_KM.get(lv["id"]), "key": key_values(lv["top"])}
                   for lv in levels],
        "page": manifest["page"],
        "fields": [{"id": fid, "label": label[lang]} for fid, label in reg.fields],
        "base": url, "files": None if url else inline_files(reg),
        "strings": strings,
    }


def register_urls(registers: tuple[Register, ...], repo_root: Path,
                  base: str = STATIC_URL) -> Mapping[str, str]:
    """Each register's URL under ``base`` once its files are installed (:func:`install_register`)."""
    out = {}
    for reg in registers:
        install_register(reg, repo_root)
        out[reg.id] = f"{base.rstrip('/')}/{served_dir(reg)}/"
    return out


@dataclass(frozen=True)
class RegisterHit:
    """A register's record found by name, as the search lists it and as the map is asked to show it."""

    register: Register
    record: RecordHit

    @property
    def key(self) -> str:
        """``<register>/<row>``: the focus's one id (what makes the page ask the map)."""
        return f"{self.register.id}/{self.record.row_no}"

    def label(self, lang: Lang) -> str:
        """"Иванов Иван Петрович — 15.08.1937, г. Москва (record of persecution)": the name, date and place as the
        source gives them."""
        r = self.record
        place = self.register.site_names.get(r.site, "")
        day = ".".join(reversed(r.date.split("-")))
        return f"{r.name} — {day}, {place} ({self.register.text('item', lang)})"

    def focus(self) -> dict[str, Any]:
        """What the browser needs to open the record's place at the page of its date and mark it there."""
        r = self.record
        lon, lat = self.register.centres("site")[str(r.site)]
        return {"register": self.register.id, "row": self.register.site_rows[r.site], "lat": lat, "lon": lon,
                "month": r.month_index, "name": r.name, "date": r.date}


def register_hits(registers: tuple[Register, ...], query: str, limit: int = 20) -> list[RegisterHit]:
    """The records of every register whose name starts with ``query`` in any spelling (the sorted name index of
    :mod:`mapapp.model.register_search`: a range read, never a scan)."""
    return [RegisterHit(reg, hit) for reg in registers for hit in find(reg.path("names.parquet"), query, limit)]
