"""Browser assets served by Streamlit from ``static/`` at ``/app/static/...``.

Third-party files come from npm (``package.json`` pins them, ``npm ci`` fetches them into
``node_modules/``); :func:`install_static` copies the ones the map uses into ``static/vendor/``,
our own ``mapapp/web/*`` into ``static/mapapp/``, and writes the files the map fetches beside it (each border
snapshot, each collection per language: :mod:`mapapp.webmap.mapfiles`) from the committed ``geodata/`` into
``static/geodata/``.
``static/`` is generated and gitignored: nothing is committed from it and nothing is fetched at run time.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Where Streamlit (``[server] enableStaticServing = true``) serves ``static/``.
STATIC_URL = "/app/static"
#: The generated folder beside ``streamlit_app.py``.
STATIC_DIRNAME = "static"
#: Where the app links registers' files (:mod:`mapapp.webmap.registerview`), under ``static/``: kept by
#: :func:`install_static`, which rebuilds everything else.
REGISTERS_DIR = "registers"
#: Our own JavaScript and CSS, copied into ``static/mapapp/``.
WEB_DIR = Path("mapapp") / "web"

#: ``(path under node_modules/, path under static/vendor/)``; a directory copies its files.
VENDOR_FILES: tuple[tuple[str, str], ...] = (
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images", "leaflet/images"),
    ("leaflet.markercluster/dist/leaflet.markercluster.js", "markercluster/leaflet.markercluster.js"),
    ("leaflet.markercluster/dist/MarkerCluster.css", "markercluster/MarkerCluster.css"),
    ("leaflet.markercluster/dist/MarkerCluster.Default.css", "markercluster/MarkerCluster.Default.css"),
    ("topojson-client/dist/topojson-client.min.js", "topojson-client/topojson-client.min.js"),
    ("world-atlas/countries-50m.json", "world-atlas/countries-50m.json"),
    ("world-atlas/land-50m.json", "world-atlas/land-50m.json"),
    ("world-atlas/countries-110m.json", "world-atlas/countries-110m.json"),
)

#: ``(name, path under static/)`` in load order.
JS_FILES: tuple[tuple[str, str], ...] = (
    ("leaflet", "vendor/leaflet/leaflet.js"),
    ("markercluster", "vendor/markercluster/leaflet.markercluster.js"),
    ("topojson-client", "vendor/topojson-client/topojson-client.min.js"),
    ("mapapp-time", "mapapp/timecontrol.js"),
    ("mapapp-register", "mapapp/register.js"),
    ("mapapp-basemap", "mapapp/basemap.js"),
    ("mapapp", "mapapp/mapapp.js"),
)
#: The app's scripts as one file: ``JS_FILES`` joined in order by :func:`install_static`. streamlit-folium loads a
#: map's scripts one after another, each a request of its own (about 50 ms apiece here): one file draws the first
#: map sooner (benchmarks/bench_layout.py). The standalone export inlines ``JS_FILES`` themselves.
BUNDLE: tuple[str, str] = ("mapapp-bundle", "mapapp/bundle.js")
CSS_FILES: tuple[tuple[str, str], ...] = (
    # Names differ from the scripts': folium keys the page head by name, and a stylesheet
    # named like a script would replace it.
    ("leaflet-css", "vendor/leaflet/leaflet.css"),
    ("markercluster-css", "vendor/markercluster/MarkerCluster.css"),
    ("markercluster-default-css", "vendor/markercluster/MarkerCluster.Default.css"),
    ("mapapp-css", "mapapp/mapapp.css"),
)


class MissingAssetError(FileNotFoundError):
    """A file :func:`install_static` needs is not in ``node_modules/``."""


def missing_message(path: Path, repo_root: Path) -> str:
    """The error text for a missing ``node_modules`` file: what is missing and the fix."""
    return (f"{path} is missing: the browser assets are not installed. "
            f"Fix: run `npm ci` in {repo_root} (scripts/app.sh and scripts/test.sh do it), "
            "then `mapapp assets`.")


def asset_links(base: str = STATIC_URL, *, bundled: bool = False) -> tuple[list[tuple[str, str]],
                                                                          list[tuple[str, str]]]:
    """``(js, css)``: ``(name, url)`` pairs under ``base``, each list in load order; ``bundled``: the scripts as
    the one :data:`BUNDLE`."""
    base = base.rstrip("/")
    return ([(name, f"{base}/{rel}") for name, rel in ((BUNDLE,) if bundled else JS_FILES)],
            [(name, f"{base}/{rel}") for name, rel in CSS_FILES])


_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.M)


def bundle_text(static_dir: Path) -> str:
    """``JS_FILES`` under ``static_dir`` joined in load order, each headed by its path and ended by a ``;`` (so one
    file's last statement cannot run into the next), without their source-map comments (the maps are not copied)."""
    return "".join(f"/* --- {rel} --- */\n{_SOURCE_MAP.sub('', (static_dir / rel).read_text(encoding='utf-8'))}\n;\n"
                   for _, rel in JS_FILES)


def _vendor_sources(repo_root: Path) -> list[tuple[Path, Path]]:
    """Every ``(source file, path under static/)`` from node_modules; raises on the first missing one."""
    node_modules = repo_root / "node_modules"
    pairs: list[tuple[Path, Path]] = []
    for src_rel, dest_rel in VENDOR_FILES:
        src = node_modules / src_rel
        dest = Path("vendor") / dest_rel
        if src.is_dir():
            files = sorted(p for p in src.iterdir() if p.is_file())
            if not files:
                raise MissingAssetError(missing_message(src / "*", repo_root))
            pairs.extend((f, dest / f.name) for f in files)
        elif src.is_file():
            pairs.append((src, dest))
        else:
            raise MissingAssetError(missing_message(src, repo_root))
    return pairs


def _web_sources(repo_root: Path) -> list[tuple[Path, Path]]:
    """Our own files under ``mapapp/web/`` (none yet is fine), skipping hidden files and caches."""
    web = repo_root / WEB_DIR
    if not web.is_dir():
        return []
    return [(p, Path("mapapp") / p.relative_to(web)) for p in sorted(web.rglob("*"))
            if p.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                       for part in p.relative_to(web).parts)]


@contextlib.contextmanager
def _locked(repo_root: Path) -> Iterator[None]:
    """Serialise concurrent installs (app.sh and test.sh at once) where ``fcntl`` exists."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(repo_root / f".{STATIC_DIRNAME}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _swap_in(new: Path, target: Path) -> None:
    """Replace the folder ``target`` by ``new`` (two renames); on failure put the old one back."""
    if not target.exists():
        os.rename(new, target)
        return
    graveyard = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    old = graveyard / target.name
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    finally:
        shutil.rmtree(graveyard, ignore_errors=True)


def install_static(repo_root: Path) -> list[Path]:
    """Rebuild ``repo_root/static/`` from ``node_modules/``, ``mapapp/web/`` and ``geodata/``; return the files written.

    ``geodata/``, if there is one, must be what ``mapapp build`` writes (:class:`~mapapp.problems.GeodataError`
    otherwise).

    The tree is assembled in a temporary folder beside it and renamed into place, so a server
    never sees a half-copied tree and a failure leaves the old ``static/`` as it was. Anything
    else in ``static/`` is removed (the folder is generated), but for ``static/registers/``: a running app may serve
    the registers it linked there. Raises :class:`MissingAssetError`
    (naming the file and the fix) before touching anything when ``node_modules`` lacks a file.
    """
    repo_root = Path(repo_root).resolve()
    pairs = _vendor_sources(repo_root) + _web_sources(repo_root)  # raises first
    from mapapp.webmap.mapfiles import map_files  # mapfiles and mapview import this module
    from mapapp.webmap.mapview import load_dataset

    geodata = repo_root / "geodata"
    derived = map_files(load_dataset(geodata)) if geodata.is_dir() else {}
    target = repo_root / STATIC_DIRNAME
    with _locked(repo_root):
        tmp = Path(tempfile.mkdtemp(prefix=f".{STATIC_DIRNAME}.new-", dir=repo_root))
        try:
            for src, rel in pairs:
                dest = tmp / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
                os.chmod(dest, 0o644)
            bundled = all((tmp / rel).is_file() for _, rel in JS_FILES)  # (a bare test layout has no mapapp/web/)
            if bundled:
                (tmp / BUNDLE[1]).write_text(bundle_text(tmp), encoding="utf-8")
                os.chmod(tmp / BUNDLE[1], 0o644)
            for name, data in derived.items():
                dest = tmp / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
                os.chmod(dest, 0o644)
            for d in [tmp, *(p for p in tmp.rglob("*") if p.is_dir())]:
                os.chmod(d, 0o755)  # mkdtemp makes 0700: unreadable to a web server or other users
            if (target / REGISTERS_DIR).is_dir():  # registers a running app linked in (registerview): kept
                os.rename(target / REGISTERS_DIR, tmp / REGISTERS_DIR)
            _swap_in(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)  # already gone after a successful swap
    return ([target / rel for _, rel in pairs] + ([target / BUNDLE[1]] if bundled else [])
            + [target / name for name in derived])
