"""The download route: a register's window streamed as CSV with its file name, and every bad request answered with
a status and one line naming the bad value and the fix (starlette's TestClient, no server)."""

from __future__ import annotations

import ast

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from mapapp import REPO_ROOT
from mapapp.model.registers import Register
from mapapp.webmap.register_download import Window, register_csv
from mapapp.webmap.routes import PATH, download, register_url
from tests.webmap.test_register_download import built

RECORDS = [("г. Москва", 1937, 8, 5), ("Москва", 1937, 0, 0), ("Долинка", 1938, 2, 3)]


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> Register:
    return built(tmp_path_factory.mktemp("routes") / "victims", RECORDS)


@pytest.fixture(scope="module")
def client(reg: Register) -> TestClient:
    async def endpoint(request: Request) -> Response:
        return download(request, {reg.id: reg})

    return TestClient(Starlette(routes=[Route(PATH, endpoint)]))


def test_the_window_comes_as_the_file_register_csv_makes(client: TestClient, reg: Register) -> None:
    window = Window.parse("1937-06", "1938-12")
    got = client.get(register_url(reg.id, window, "ru"))
    assert got.status_code == 200
    assert got.headers["content-type"] == "text/csv; charset=utf-8"
    assert got.headers["content-disposition"] == 'attachment; filename="mapapp-1937-06-1938-12-victims.csv"'
    assert "content-length" not in got.headers  # streamed, not held whole
    assert got.content == b"".join(register_csv(reg, window, "ru"))
    assert got.text.count("\n") == 1 + 3 + 2  # header, the three records, the empty row and the source


def test_the_url_says_the_window_and_the_language(reg: Register) -> None:
    assert register_url("victims", Window.parse("1937-08", "1938-11"), "ru") == (
        "/mapapp/registers/victims.csv?start=1937-08&end=1938-11&lang=ru")
    assert register_url("a b/c", Window.parse("1937-08", "1937-08"), "en").startswith("/mapapp/registers/a%20b%2Fc.csv?")


@pytest.mark.parametrize(("query", "status", "says"), [
    ("/mapapp/registers/other.csv?start=1937-01&end=1937-12", 404, "No register 'other' in this app's data "
                                                                   "(registers: victims)"),
    ("/mapapp/registers/victims.csv?start=1937-01&end=1937-12&lang=de", 400, "lang 'de' is not a language of the map: "
                                                                             "use lang=en or lang=ru"),
    ("/mapapp/registers/victims.csv?start=1937-13&end=1937-12", 400, "'1937-13' is not a month (use YYYY-MM)"),
    ("/mapapp/registers/victims.csv?end=1937-12", 400, "'' is not a month (use YYYY-MM)"),
    ("/mapapp/registers/victims.csv?start=1938-01&end=1937-12", 400, "the window's start 1938-01 is after its end "
                                                                     "1937-12"),
])
def test_a_bad_request_says_what_was_wrong_and_the_fix(client: TestClient, query: str, status: int, says: str) -> None:
    got = client.get(query)
    assert got.status_code == status
    assert says in got.text and got.text.count("\n") == 1
    assert "Traceback" not in got.text
    if status == 400 and "month" in says or "after" in says:
        assert "Give start=YYYY-MM&end=YYYY-MM" in got.text


def test_the_app_mounts_the_route_beside_streamlits() -> None:
    tree = ast.parse((REPO_ROOT / "app.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "App"]
    assert len(calls) == 1 and ast.literal_eval(calls[0].args[0]) == "streamlit_app.py"
    assert [k.arg for k in calls[0].keywords] == ["routes"]
