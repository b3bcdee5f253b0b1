"""The app's own HTTP route beside Streamlit's: a register's records of a window, as a CSV file streamed.

Streamlit's download button holds its file in the server's memory and sends it through the page's session; a
window of a national register can be a million rows. This route streams the file instead
(:func:`mapapp.webmap.register_download.register_csv`, one batch at a time) and is mounted beside Streamlit's own
routes by ``app.py`` (``st.App``). A bad request is answered with a status and one line naming the bad value and
the fix, never a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from mapapp.config import config_from_env
from mapapp.i18n import LANGS, Lang
from mapapp.model.registers import Register, load_registers
from mapapp.problems import ConfigError, GeodataError
from mapapp.webmap.register_download import Window, register_csv

#: Where a register's records are downloaded: ``/mapapp/registers/<id>.csv?start=YYYY-MM&end=YYYY-MM&lang=en``.
PATH = "/mapapp/registers/{register}.csv"


def register_url(register_id: str, window: Window, lang: Lang) -> str:
    """The download's URL for ``window`` (absolute path on the app's server)."""
    start, end = window.months()
    query = urlencode({"start": start, "end": end, "lang": lang})
    return f"{PATH.format(register=quote(register_id, safe=''))}?{query}"


def file_name(register_id: str, start: str, end: str) -> str:
    """``mapapp-1937-08-1938-11-victims.csv``, as the page's other downloads are named."""
    return f"mapapp-{start}-{end}-{register_id}.csv"


@functools.cache
def _registers(geodata: Path) -> Mapping[str, Register]:
    return {r.id: r for r in load_registers(geodata)}


def registers_of_config() -> Mapping[str, Register]:
    """The registers of the app's data folder (MAPAPP_CONFIG / MAPAPP_GEODATA, as the page reads them), read once."""
    return _registers(config_from_env().geodata)


def download(request: Request, registers: Mapping[str, Register]) -> Response:
    """The response to one download request for ``registers``."""
    register_id = request.path_params["register"]
    reg = registers.get(register_id)
    if reg is None:
        known = ", ".join(sorted(registers)) or "none"
        return PlainTextResponse(f"No register {register_id!r} in this app's data (registers: {known}).\n", 404)
    params = request.query_params
    asked = params.get("lang", "en")
    lang = next((x for x in LANGS if x == asked), None)
    if lang is None:
        return PlainTextResponse(f"lang {asked!r} is not a language of the map: use lang=en or lang=ru.\n", 400)
    start, end = params.get("start", ""), params.get("end", "")
    try:
        window = Window.parse(start, end)
    except ValueError as exc:
        return PlainTextResponse(f"The window is not one the map shows: {exc}. Give start=YYYY-MM&end=YYYY-MM, "
                                 "the start not after the end.\n", 400)
    return StreamingResponse(register_csv(reg, window, lang), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{file_name(reg.id, start, end)}"',
                                      "Cache-Control": "no-store"})


async def _endpoint(request: Request) -> Response:
    try:
        registers = registers_of_config()
    except (ConfigError, GeodataError) as exc:
        return PlainTextResponse(f"The app's data cannot be read: {exc}\n", 503)
    return download(request, registers)


def routes() -> list[Route]:
    """The routes ``app.py`` mounts beside Streamlit's."""
    return [Route(PATH, _endpoint, methods=["GET"])]
