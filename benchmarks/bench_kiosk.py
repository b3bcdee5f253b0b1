"""Kiosk soak: run the attract tour for many steps and watch the memory of server and browser.

Run from the repo root:  python benchmarks/bench_kiosk.py  [--steps 200] [--sample-every 25]

It writes a kiosk config and a 3-step tour of 4 s steps (the shortest mapapp.kiosk.tour accepts) into a
temporary folder, starts the real app with ``tests/e2e/conftest.py``'s ``serve_app`` (MAPAPP_CONFIG),
opens ``/?embed=true&embed_options=hide_loading_screen&attract=1`` in Debian Chromium through
Playwright, and lets the tour run on its own timer. There is no way to advance a step faster:
``mapappApi`` has ``runTour()`` (which restarts at step 1) and ``stopTour()``, but no ``next``, so
the soak takes steps × 4 s of wall time: the default of 200 steps is about 13.5 minutes (the brief's
1000 steps would take 67 minutes).

Steps are counted in the map frame by a MutationObserver on the caption (every step rewrites it);
the frame is re-found if Streamlit ever replaces it (counted as "frame replaced").

Memory, at the start (after one full tour cycle, so caches are warm) and at the end:
- server: VmRSS of the ``streamlit run`` process (from /proc/<pid>/status);
- browser: the sum of VmRSS of every chromium process descended from this script (so other
  browsers on the machine are not counted). RSS counts shared pages once per process, so the sum
  overstates the real footprint; the sum of Pss (/proc/<pid>/smaps_rollup) is given beside it.
Growth = (end − start) / start; target < 10 % for both.

Prints a table and appends a "Kiosk soak" section with machine and date to benchmarks/RESULTS.md.
Not a test: pytest only collects tests/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import Frame, Page, sync_playwright  # noqa: E402

from mapapp.kiosk.view import RESET_URL  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, is_external, serve_app  # noqa: E402

IFRAME = "iframe[title*='st_folium']"
STEP_S = 4
TARGET_GROWTH = 0.10
TOUR_CSV = f"""id,start,end,view,places,caption_en,caption_ru,duration_s
s_smolny,1934-12,1934-12,ussr,smolny,"Soak step one: the Smolny.","Шаг первый: Смольный.",{STEP_S}
s_butovo,1937-08,1938-10,moscow,butovo,"Soak step two: Butovo.","Шаг второй: Бутово.",{STEP_S}
s_sandarmokh,1937-01,1938-12,karelia,sandarmokh,"Soak step three: Sandarmokh.","Шаг третий: Сандармох.",{STEP_S}
"""
#: Count caption rewrites (one per tour step) from now on.
OBSERVE_JS = """() => {
  const c = document.querySelector('.mapapp-caption');
  if (!c) return false;
  if (window.__soakSteps === undefined) {
    window.__soakSteps = 0;
    new MutationObserver(() => { window.__soakSteps += 1; }).observe(c, {childList: true, characterData: true, subtree: true});
  }
  return true;
}"""


# --- /proc ---------------------------------------------------------------------------------------------

def _status(pid: int) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def _kib(text: str | None) -> int:
    return int(text.split()[0]) if text else 0


def rss_kib(pid: int) -> int:
    return _kib(_status(pid).get("VmRSS"))


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return _kib(line.split(":", 1)[1])
    except OSError:
        pass
    return 0


def descendants(root: int) -> list[int]:
    """Every live process below ``root`` (from each process's PPid)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            ppid = _kib(_status(int(entry.name)).get("PPid"))
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def server_pid() -> int:
    found = [p for p in descendants(os.getpid()) if "streamlit run streamlit_app.py" in cmdline(p)]
    if len(found) != 1:
        raise SystemExit(f"expected one streamlit server below this process, found {found}")
    return found[0]


def chromium_pids() -> list[int]:
    return [p for p in descendants(os.getpid()) if "chromium" in cmdline(p).split(" ", 1)[0]]


def memory(server: int) -> dict[str, int]:
    pids = chromium_pids()
    return {"server_rss": rss_kib(server), "browser_rss": sum(rss_kib(p) for p in pids),
            "browser_pss": sum(pss_kib(p) for p in pids), "browser_procs": len(pids)}


# --- the browser ---------------------------------------------------------------------------------------

def map_frame(page: Page, timeout_ms: float = 60_000) -> Frame:
    page.wait_for_selector(IFRAME, timeout=timeout_ms)
    frame = page.locator(IFRAME).last.element_handle(timeout=timeout_ms).content_frame()
    assert frame is not None
    frame.wait_for_function("() => window.mapappApi !== undefined", timeout=timeout_ms)
    return frame


def machine(browser_version: str) -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    total = _kib(next((line.split(":", 1)[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal:")), "0"))
    return {"nproc": str(os.cpu_count()), "memory": f"{total / 2**20:.0f} GiB (MemTotal)", "cpu": cpu,
            "chromium": browser_version, "python": platform.python_version(), "os": platform.platform()}


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def growth(a: int, b: int) -> float:
    return (b - a) / a if a else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="tour steps to soak (4 s each; default 200 ≈ 13.5 min)")
    parser.add_argument("--sample-every", type=int, default=25, help="print memory every N steps (default 25)")
    parser.add_argument("--step-s", type=float, default=None,
                        help="advance the tour every STEP_S seconds with mapappApi.nextStep() instead of waiting "
                             "for its own timer (e.g. 0.3 runs 1,000 steps in about 5 min)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()

    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="mapapp-soak-"))
    (tmp / "tour.csv").write_text(TOUR_CSV, encoding="utf-8")
    (tmp / "kiosk.toml").write_text(
        "[kiosk]\nenabled = true\nidle_timeout_s = 30\ncountdown_s = 5\nattract = true\n"
        f'tour = "{(tmp / "tour.csv").as_posix()}"\n', encoding="utf-8")

    external: list[str] = []
    failed: list[str] = []
    samples: list[tuple[int, float, dict[str, int]]] = []
    replaced = 0
    with serve_app("bench-kiosk", artifacts, {"MAPAPP_CONFIG": str(tmp / "kiosk.toml")}) as url:
        server = server_pid()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            info = machine(browser.version)
            context = browser.new_context(viewport=VIEWPORT)
            context.on("request", lambda r: external.append(r.url) if is_external(r.url) else None)
            context.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
            context.on("response", lambda r: failed.append(f"{r.url} HTTP {r.status}") if r.status >= 400 else None)
            page = context.new_page()
            page.goto(f"{url}{RESET_URL}&attract=1")
            frame = map_frame(page)
            frame.wait_for_function("() => mapappApi.touring()", timeout=30_000)
            frame.wait_for_function(OBSERVE_JS)
            # Warm-up: one whole cycle of the tour, then the baseline.
            frame.wait_for_function("() => window.__soakSteps >= 3", timeout=(3 * STEP_S + 10) * 1000)
            base_steps = frame.evaluate("() => window.__soakSteps")
            t0 = time.monotonic()
            start = memory(server)
            samples.append((0, 0.0, start))
            print(f"baseline after warm-up: {start}", flush=True)
            done, offset, next_sample = 0, base_steps, args.sample_every
            deadline = t0 + args.steps * (args.step_s * 3 if args.step_s else STEP_S * 1.5) + 60
            while done < args.steps:
                if args.step_s:
                    time.sleep(args.step_s)
                    frame.evaluate("() => mapappApi.nextStep()")
                else:
                    time.sleep(1.0)
                try:
                    if frame.is_detached():
                        raise RuntimeError("detached")
                    done = frame.evaluate("() => window.__soakSteps") - offset
                except Exception:  # the frame went away: find the new one and keep counting from there
                    replaced += 1
                    frame = map_frame(page)
                    frame.wait_for_function(OBSERVE_JS)
                    offset = -done
                if not frame.evaluate("() => mapappApi.touring()"):
                    raise SystemExit(f"the tour stopped by itself after {done} steps")
                if done >= next_sample:
                    mem = memory(server)
                    samples.append((done, time.monotonic() - t0, mem))
                    print(f"step {done:5d}  {time.monotonic() - t0:7.0f} s  server {mib(mem['server_rss'])}  "
                          f"browser {mib(mem['browser_rss'])} (Pss {mib(mem['browser_pss'])}, "
                          f"{mem['browser_procs']} procs)", flush=True)
                    next_sample += args.sample_every
                if time.monotonic() > deadline:
                    raise SystemExit(f"only {done} of {args.steps} steps in {deadline - t0:.0f} s")
            elapsed = time.monotonic() - t0
            end = memory(server)
            if samples[-1][0] != done:
                samples.append((done, elapsed, end))
            context.close()
            browser.close()

    g_server, g_browser = growth(start["server_rss"], end["server_rss"]), growth(start["browser_rss"], end["browser_rss"])
    g_pss = growth(start["browser_pss"], end["browser_pss"])

    def verdict(g: float) -> str:
        return "met" if g < TARGET_GROWTH else "NOT met"

    rows = [
        ("tour steps soaked" + (f" (advanced every {args.step_s} s)" if args.step_s else f" ({STEP_S} s each)"), f"{done} in {elapsed:.0f} s ({elapsed / max(done, 1):.2f} s/step)", ""),
        ("server VmRSS start → end", f"{mib(start['server_rss'])} → {mib(end['server_rss'])} ({g_server:+.1%})",
         f"< 10 %: {verdict(g_server)}"),
        ("browser VmRSS sum start → end", f"{mib(start['browser_rss'])} → {mib(end['browser_rss'])} ({g_browser:+.1%}), "
         f"{start['browser_procs']} → {end['browser_procs']} processes", f"< 10 %: {verdict(g_browser)}"),
        ("browser Pss sum start → end", f"{mib(start['browser_pss'])} → {mib(end['browser_pss'])} ({g_pss:+.1%})", ""),
        ("map frame replaced during the soak", str(replaced), "want 0"),
        ("external / failed requests", f"{len(external)} / {len(failed)}", "want 0 / 0"),
    ]
    trajectory = " · ".join(f"{n}: {mib(m['server_rss'])} / {mib(m['browser_rss'])}" for n, _, m in samples)

    width = max(len(r[0]) for r in rows)
    print()
    for name, value, target in rows:
        print(f"{name:<{width}}  {value}  {target}")
    print(f"samples (step: server / browser RSS): {trajectory}")
    if external or failed:
        print("external:", external[:5], "failed:", failed[:5])

    today = dt.date.today().isoformat()
    lines = ["", "## Kiosk soak", "",
             f"Run on {today} with `python benchmarks/bench_kiosk.py --steps {args.steps} "
             f"--sample-every {args.sample_every}" + (f" --step-s {args.step_s}" if args.step_s else "")
             + (f"` (a 3-step tour, advanced every {args.step_s} s" if args.step_s
                else f"` (a 3-step tour of {STEP_S} s steps") + " looping under `attract=1`; "
             "see the script's docstring for what is measured).", "",
             "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()), "",
             "| measure | result | target |", "|---|---|---|",
             *(f"| {a} | {b} | {c} |" for a, b, c in rows), "",
             f"Samples (step: server RSS / browser RSS sum): {trajectory}", ""]
    with open(args.out, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    print(f"\nappended to {args.out}")
    return 0 if g_server < TARGET_GROWTH and g_browser < TARGET_GROWTH and not external and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
