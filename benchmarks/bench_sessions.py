"""Cost per visitor: the server CPU a new session costs, and its time to the first map, before and after.

Run from the repo root:  python benchmarks/bench_sessions.py  [--sessions 20] [--parallel 4]

For each configuration below it refreshes ``static/`` (``mapapp assets``), starts the real app
(``tests/e2e/conftest.py``'s ``serve_app``: ``streamlit run streamlit_app.py`` on a free port of
127.0.0.1) and, in Debian Chromium:

1. opens one session to fill the server's caches ("first session after start");
2. measures the idle server for a few seconds;
3. fetches once more, over plain HTTP with gzip accepted, every file that first browser asked for,
   to tell the server CPU of serving files to an empty browser cache apart from the rest;
4. opens ``--sessions`` fresh browser contexts one after another (a new visitor: empty HTTP cache);
5. opens ``--sessions`` new sessions one after another in one context whose HTTP cache holds the
   files (a returning visitor, or the kiosk's reset to a fresh session);
6. opens ``--sessions`` fresh contexts again, ``--parallel`` at once (a pool: the next starts when one ends).

For each session:

- time to first map: from ``page.goto`` until the first ``.mapapp-marker`` is visible inside the
  ``iframe[title*='st_folium']`` (this includes the browser's own work on the same cores, and
  Playwright's polling);
- server CPU: utime + stime of the ``streamlit`` process and its descendants (``/proc/<pid>/stat``)
  from just before the session starts until its script run has finished and it has closed. One after
  another this is per session; in parallel it is the batch's total divided by the sessions. Idle time
  in between is included, so the idle rate is printed beside it.

Configurations, all in one run so they are compared side by side (the naive way stays reachable only
through these switches, which exist for this benchmark):

- before: ``MAPAPP_PAGE_CACHE=0`` (the page builds and renders the folium map through ``st_folium``
  on every run) and Streamlit's file watcher, magic and post-script garbage collection on, as they
  were before ``.streamlit/config.toml`` switched them off;
- page cache: the cached map frame (``mapapp/webmap/mapframe.py``), Streamlit settings as before;
- settings: the uncached page with today's ``.streamlit/config.toml``;
- after: both, as shipped.

Prints a table and writes its own section of ``benchmarks/RESULTS.md`` (machine and date; the other
benchmarks' sections are kept). Not a test: pytest only collects ``tests/``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.async_api import Browser, Page, async_playwright  # noqa: E402

from benchmarks.results import machine, pct, write_sections  # noqa: E402
from mapapp.webmap.assets import install_static  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, serve_app  # noqa: E402

IFRAME = "iframe[title*='st_folium']"
TARGET_CPU_S = 0.2
IDLE_S = 5.0
#: Streamlit as .streamlit/config.toml had it before the visitor settings (its own defaults).
OLD_STREAMLIT = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "auto", "STREAMLIT_RUNNER_MAGIC_ENABLED": "true",
                 "STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"}
CONFIGS: dict[str, dict[str, str]] = {
    "before": {"MAPAPP_PAGE_CACHE": "0", **OLD_STREAMLIT},
    "page cache": {"MAPAPP_PAGE_CACHE": "1", **OLD_STREAMLIT},
    "settings": {"MAPAPP_PAGE_CACHE": "0"},
    "after": {"MAPAPP_PAGE_CACHE": "1"},
}
TICK = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system, with those of reaped children) of ``pid`` and every descendant."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15]) / TICK  # utime stime cutime cstime
        todo += _children(p)
    return total


def rss_mib(pid: int) -> float:
    """VmRSS of ``pid`` in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def streamlit_pid() -> int:
    """The ``streamlit run`` process serve_app started (a child of this one)."""
    for kid in _children(os.getpid()):
        if b"streamlit" in Path(f"/proc/{kid}/cmdline").read_bytes():
            return kid
    raise RuntimeError("no streamlit child process")


async def visit(page: Page, url: str) -> float:
    """Open the app in ``page`` (a new session) until its script run is done; seconds to the first marker."""
    t0 = time.perf_counter()
    await page.goto(url, wait_until="commit")
    await page.frame_locator(IFRAME).locator(".mapapp-marker").first.wait_for(state="visible", timeout=120_000)
    first_map = time.perf_counter() - t0
    await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
    await asyncio.sleep(0.5)  # a rerun the map's first report may start
    return first_map


async def session(browser: Browser, url: str, urls: list[str] | None = None) -> float:
    """One new visitor in a fresh browser context (empty HTTP cache), closed at the end; ``urls`` collects
    the addresses it requested."""
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        page = await context.new_page()
        if urls is not None:
            page.on("request", lambda r: urls.append(r.url))
        return await visit(page, url)
    finally:
        await context.close()


def static_cpu(pid: int, urls: list[str], rounds: int = 3) -> float:
    """Server CPU for the HTTP files of one fresh browser, fetched again over plain HTTP (gzip accepted)."""
    files = [u for u in urls if u.startswith("http") and "/_stcore/" not in u]
    c0 = tree_cpu(pid)
    for _ in range(rounds):
        for u in files:
            with urllib.request.urlopen(urllib.request.Request(u, headers={"Accept-Encoding": "gzip"})) as r:
                r.read()
    return (tree_cpu(pid) - c0) / rounds


@dataclass
class Measured:
    """One configuration's numbers."""

    first_session: tuple[float, float] = (0.0, 0.0)  # time to first map, server CPU
    idle_cpu_per_s: float = 0.0
    static_cpu: float = 0.0
    seq_map: list[float] = field(default_factory=list)
    seq_cpu: list[float] = field(default_factory=list)
    warm_map: list[float] = field(default_factory=list)
    warm_cpu: list[float] = field(default_factory=list)
    par_map: list[float] = field(default_factory=list)
    par_cpu_per_session: float = 0.0
    par_wall_s: float = 0.0
    rss_mib: tuple[float, float] = (0.0, 0.0)  # server after the first session, at the end


async def measure(browser: Browser, url: str, pid: int, sessions: int, parallel: int) -> Measured:
    """A warm-up session, the idle rate, the static files, then ``sessions`` one after another in fresh
    contexts, ``sessions`` one after another in one context (files cached), and ``sessions`` pooled."""
    m = Measured()
    urls: list[str] = []
    c0 = tree_cpu(pid)
    m.first_session = (await session(browser, url, urls), tree_cpu(pid) - c0)
    await asyncio.sleep(1.0)
    rss_start = rss_mib(pid)
    c0 = tree_cpu(pid)
    await asyncio.sleep(IDLE_S)
    m.idle_cpu_per_s = (tree_cpu(pid) - c0) / IDLE_S
    m.static_cpu = static_cpu(pid, urls)
    for _ in range(sessions):
        c0 = tree_cpu(pid)
        m.seq_map.append(await session(browser, url))
        await asyncio.sleep(0.3)  # let the server finish the closed session's teardown
        m.seq_cpu.append(tree_cpu(pid) - c0)
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    await visit(page, url)  # fills this context's HTTP cache
    for _ in range(sessions):  # each navigation is a new session; the one before it closes
        c0 = tree_cpu(pid)
        m.warm_map.append(await visit(page, url))
        m.warm_cpu.append(tree_cpu(pid) - c0)
    await context.close()
    gate = asyncio.Semaphore(parallel)

    async def pooled() -> float:
        async with gate:
            return await session(browser, url)

    c0, t0 = tree_cpu(pid), time.perf_counter()
    m.par_map = list(await asyncio.gather(*(pooled() for _ in range(sessions))))
    m.par_wall_s = time.perf_counter() - t0
    await asyncio.sleep(0.3)
    m.par_cpu_per_session = (tree_cpu(pid) - c0) / sessions
    m.rss_mib = (rss_start, rss_mib(pid))
    return m


async def run(args: argparse.Namespace) -> tuple[dict[str, Measured], str]:
    log = REPO / "test-artifacts"
    log.mkdir(exist_ok=True)
    results: dict[str, Measured] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        version = browser.version
        for name in args.configs:
            install_static(REPO)  # as scripts/test.sh does: the browser runs today's mapapp/web code
            with serve_app(f"bench-sessions-{name.replace(' ', '-')}", log, CONFIGS[name]) as url:
                results[name] = await measure(browser, url, streamlit_pid(), args.sessions, args.parallel)
            print(f"{name}: done", file=sys.stderr)
        await browser.close()
    return results, version


def rows(results: dict[str, Measured], sessions: int, parallel: int, nproc: int) -> list[list[str]]:
    """The table: one row per measure, one column per configuration."""
    return [
        ["first session after start (cold caches): first map / server CPU",
         *(f"{m.first_session[0]:.2f} s / {m.first_session[1]:.2f} s" for m in results.values())],
        ["idle server CPU (s per s)", *(f"{m.idle_cpu_per_s:.3f}" for m in results.values())],
        ["server CPU for one fresh browser's HTTP files alone (fetched again, gzip accepted)",
         *(f"{m.static_cpu:.2f} s" for m in results.values())],
        [f"{sessions} one after another: first map p50 / p95",
         *(f"{pct(m.seq_map, 50):.2f} / {pct(m.seq_map, 95):.2f} s" for m in results.values())],
        [f"{sessions} one after another: server CPU per session p50 / p95 / mean",
         *(f"{pct(m.seq_cpu, 50):.2f} / {pct(m.seq_cpu, 95):.2f} / {statistics.mean(m.seq_cpu):.2f} s"
           for m in results.values())],
        [f"{sessions} one after another in one browser (files cached): first map p50 / p95",
         *(f"{pct(m.warm_map, 50):.2f} / {pct(m.warm_map, 95):.2f} s" for m in results.values())],
        [f"{sessions} one after another in one browser (files cached): server CPU per session p50 / p95 / mean",
         *(f"{pct(m.warm_cpu, 50):.2f} / {pct(m.warm_cpu, 95):.2f} / {statistics.mean(m.warm_cpu):.2f} s"
           for m in results.values())],
        [f"{sessions} in parallel ({parallel} at once): first map p50 / p95",
         *(f"{pct(m.par_map, 50):.2f} / {pct(m.par_map, 95):.2f} s" for m in results.values())],
        [f"{sessions} in parallel ({parallel} at once): server CPU per session (total / {sessions})",
         *(f"{m.par_cpu_per_session:.2f} s" for m in results.values())],
        [f"{sessions} in parallel: wall time", *(f"{m.par_wall_s:.1f} s" for m in results.values())],
        [f"server VmRSS after the first session → after all {3 * sessions + 1}",
         *(f"{m.rss_mib[0]:.0f} → {m.rss_mib[1]:.0f} MiB" for m in results.values())],
        [f"new visitors per second {nproc} cores could serve (cores / mean CPU, one after another)",
         *(f"{nproc / statistics.mean(m.seq_cpu):.1f}" for m in results.values())],
        [f"server CPU per new session ≤ {TARGET_CPU_S} s (mean): fresh browser / files cached",
         *(f"{'met' if statistics.mean(m.seq_cpu) <= TARGET_CPU_S else 'NOT met'} / "
           f"{'met' if statistics.mean(m.warm_cpu) <= TARGET_CPU_S else 'NOT met'}" for m in results.values())],
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="sessions in each run (default 20)")
    parser.add_argument("--parallel", type=int, default=4, help="contexts open at once in the parallel run")
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()

    results, version = asyncio.run(run(args))
    info = machine(version)
    table = rows(results, args.sessions, args.parallel, int(info["nproc"]))
    head = ["measure", *results]
    widths = [max(len(r[i]) for r in [head, *table]) for i in range(len(head))]
    for r in [head, *table]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))

    today = dt.date.today().isoformat()
    configs = " ".join(f'"{c}"' if " " in c else c for c in args.configs)
    lines = [
        f"## Cost per visitor (`benchmarks/bench_sessions.py`), {today}", "",
        f"`python benchmarks/bench_sessions.py --sessions {args.sessions} --parallel {args.parallel} "
        f"--configs {configs}`; what each number means and the configurations are in the script's docstring "
        "(before: the page built and rendered the map every run, Streamlit's file watcher, magic and post-script garbage collection on; "
        "after: the cached map frame and `.streamlit/config.toml`'s visitor settings).", "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()), "",
        "| " + " | ".join(head) + " |", "|" + "---|" * len(head),
        *("| " + " | ".join(r) + " |" for r in table), "",
    ]
    write_sections(args.out, "\n".join(lines), lambda heading: heading.startswith("Cost per visitor"))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
