"""mapapp.webmap.assets and ``mapapp assets``: node_modules → static/, and the local asset URLs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mapapp.cli import main
from mapapp.webmap import assets
from mapapp.webmap.assets import (
    BUNDLE,
    JS_FILES,
    STATIC_URL,
    MissingAssetError,
    asset_links,
    bundle_text,
    install_static,
    missing_message,
)

REPO = Path(__file__).resolve().parents[2]

#: Every file install_static writes under static/ from the fake tree below.
EXPECTED_VENDOR = sorted([
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/images/layers.png",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/markercluster/leaflet.markercluster.js",
    "vendor/markercluster/MarkerCluster.css",
    "vendor/markercluster/MarkerCluster.Default.css",
    "vendor/topojson-client/topojson-client.min.js",
    "vendor/world-atlas/countries-50m.json",
    "vendor/world-atlas/land-50m.json",
    "vendor/world-atlas/countries-110m.json",
])

#: Files of the real packages we do not want in static/.
DECOYS = [
    "leaflet/dist/leaflet-src.js",
    "leaflet.markercluster/dist/leaflet.markercluster-src.js",
    "topojson-client/dist/topojson-client.js",
    "world-atlas/countries-10m.json",
    "world-atlas/land-110m.json",
]


def fake_node_modules(root: Path) -> None:
    """A node_modules tree with the files install_static takes (content = their path) and some it must not."""
    nm = root / "node_modules"
    wanted = [src for src, _ in assets.VENDOR_FILES if src != "leaflet/dist/images"]
    wanted += ["leaflet/dist/images/layers.png", "leaflet/dist/images/marker-icon.png"]
    for rel in wanted + DECOYS:
        (nm / rel).parent.mkdir(parents=True, exist_ok=True)
        (nm / rel).write_text(rel)


def written(root: Path) -> list[str]:
    static = root / "static"
    return sorted(p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file())


def test_install_static_copies_exactly_the_vendor_files(tmp_path: Path) -> None:
    fake_node_modules(tmp_path)
    result = install_static(tmp_path)
    assert written(tmp_path) == EXPECTED_VENDOR
    assert sorted(p.relative_to(tmp_path / "static").as_posix() for p in result) == EXPECTED_VENDOR
    static = tmp_path / "static"
    assert (static / "vendor/leaflet/leaflet.js").read_text() == "leaflet/dist/leaflet.js"
    assert (static / "vendor/leaflet/images/layers.png").read_text() == "leaflet/dist/images/layers.png"
    assert (static / "vendor/world-atlas/land-50m.json").read_text() == "world-atlas/land-50m.json"
    assert (static / "vendor/leaflet/leaflet.js").stat().st_mode & 0o777 == 0o644
    assert (static / "vendor/leaflet").stat().st_mode & 0o777 == 0o755
    assert static.stat().st_mode & 0o777 == 0o755


def test_install_static_copies_first_party_web_files(tmp_path: Path) -> None:
    fake_node_modules(tmp_path)
    web = tmp_path / "mapapp" / "web"
    web.mkdir(parents=True)
    (web / "mapapp.js").write_text("// ours")
    (web / "mapapp.css").write_text("/* ours */")
    (web / ".mapapp.js.swp").write_text("editor litter")
    result = install_static(tmp_path)
    assert written(tmp_path) == sorted(EXPECTED_VENDOR + ["mapapp/mapapp.css", "mapapp/mapapp.js"])
    assert len(result) == len(EXPECTED_VENDOR) + 2
    assert (tmp_path / "static/mapapp/mapapp.js").read_text() == "// ours"


def test_install_static_replaces_the_old_tree_and_leaves_no_temporaries(tmp_path: Path) -> None:
    fake_node_modules(tmp_path)
    (tmp_path / "static" / "stale").mkdir(parents=True)
    (tmp_path / "static" / "stale" / "old.js").write_text("old")
    install_static(tmp_path)
    install_static(tmp_path)  # idempotent
    assert written(tmp_path) == EXPECTED_VENDOR
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".static.") and p.name != ".static.lock"]
    assert leftovers == []


def test_install_static_keeps_the_registers_a_running_app_linked_in(tmp_path: Path) -> None:
    fake_node_modules(tmp_path)
    linked = tmp_path / "static" / "registers" / "victims-0123456789abcdef" / "manifest.json"
    linked.parent.mkdir(parents=True)
    linked.write_text("{}")
    install_static(tmp_path)
    assert linked.read_text() == "{}"
    assert written(tmp_path) == sorted([*EXPECTED_VENDOR, "registers/victims-0123456789abcdef/manifest.json"])


def test_missing_package_is_an_exact_error_and_writes_nothing(tmp_path: Path) -> None:
    fake_node_modules(tmp_path)
    install_static(tmp_path)
    before = written(tmp_path)
    missing = tmp_path / "node_modules" / "leaflet.markercluster" / "dist" / "MarkerCluster.css"
    missing.unlink()
    with pytest.raises(MissingAssetError) as excinfo:
        install_static(tmp_path)
    assert str(excinfo.value) == (
        f"{missing} is missing: the browser assets are not installed. "
        f"Fix: run `npm ci` in {tmp_path.resolve()} (scripts/app.sh and scripts/test.sh do it), "
        "then `mapapp assets`.")
    assert written(tmp_path) == before  # the old static/ is untouched


def test_no_node_modules_at_all_names_the_first_file(tmp_path: Path) -> None:
    with pytest.raises(MissingAssetError, match="npm ci") as excinfo:
        install_static(tmp_path)
    assert str(excinfo.value) == missing_message(tmp_path / "node_modules/leaflet/dist/leaflet.js", tmp_path)
    assert not (tmp_path / "static").exists()


def test_cli_assets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assets", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "node_modules/leaflet/dist/leaflet.js is missing" in err and "`npm ci`" in err
    assert "Nothing was written." in err
    fake_node_modules(tmp_path)
    assert main(["assets", "--root", str(tmp_path)]) == 0
    assert f"Wrote {len(EXPECTED_VENDOR)} files into {tmp_path.resolve() / 'static'}." in capsys.readouterr().out


def test_asset_links_are_local_and_in_load_order() -> None:
    js, css = asset_links()
    assert [name for name, _ in js] == ["leaflet", "markercluster", "topojson-client", "mapapp-time", "mapapp-register",
                                       "mapapp-basemap", "mapapp"]
    assert [name for name, _ in css] == ["leaflet-css", "markercluster-css", "markercluster-default-css", "mapapp-css"]
    for _, url in js + css:
        assert "http://" not in url and "https://" not in url and not url.startswith("//")
        assert url.startswith(STATIC_URL + "/")
    assert dict(js)["leaflet"] == "/app/static/vendor/leaflet/leaflet.js"
    assert dict(css)["mapapp-css"] == "/app/static/mapapp/mapapp.css"


def test_the_app_loads_one_bundle_of_the_scripts_in_their_order(tmp_path: Path) -> None:
    js, css = asset_links(bundled=True)
    assert js == [("mapapp-bundle", "/app/static/mapapp/bundle.js")] and css == asset_links()[1]
    for k, (_, rel) in enumerate(JS_FILES):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"var file{k} = {k};\n//# sourceMappingURL={k}.map", encoding="utf-8")
    text = bundle_text(tmp_path)
    assert [text.index(f"var file{k} = {k};") for k in range(len(JS_FILES))] == sorted(
        text.index(f"var file{k} = {k};") for k in range(len(JS_FILES)))  # in load order
    assert "sourceMappingURL" not in text and text.count("\n;\n") == len(JS_FILES)


def test_asset_links_other_base() -> None:
    js, css = asset_links("static/")
    assert dict(js)["mapapp"] == "static/mapapp/mapapp.js"
    assert dict(css)["leaflet-css"] == "static/vendor/leaflet/leaflet.css"


def url_to_file(url: str, static: Path) -> Path:
    assert url.startswith(STATIC_URL + "/")
    return static / url.removeprefix(STATIC_URL + "/")


@pytest.mark.skipif(not (REPO / "node_modules").is_dir(),
                    reason="node_modules/ is absent: run `npm ci` (scripts/test.sh always does)")
def test_every_linked_file_exists_after_a_real_install(tmp_path: Path) -> None:
    """Install from the real node_modules (into a copy of the layout, not the live static/)."""
    (tmp_path / "node_modules").symlink_to(REPO / "node_modules")
    if (REPO / "mapapp" / "web").is_dir():
        (tmp_path / "mapapp").mkdir()
        (tmp_path / "mapapp" / "web").symlink_to(REPO / "mapapp" / "web")
    install_static(tmp_path)
    static = tmp_path / "static"
    js, css = asset_links()
    for name, url in js + css:
        path = url_to_file(url, static)
        if name == "mapapp" and not (REPO / "mapapp" / "web" / path.name).is_file():
            continue  # first-party file not written yet: the vendor files are what this test is about
        assert path.is_file() and path.stat().st_size > 0, f"{name}: {url} → {path} missing"
    assert (static / "vendor/leaflet/leaflet.js").read_bytes().startswith(b"/* @preserve\n * Leaflet 1.9.4,")
    if (REPO / "mapapp" / "web").is_dir():  # the app's one script file: the five, as installed, in order
        assert (static / BUNDLE[1]).read_text(encoding="utf-8") == bundle_text(static)
    assert os.path.getsize(static / "vendor/world-atlas/countries-50m.json") > 100_000
    assert sorted(p.name for p in (static / "vendor/leaflet/images").iterdir()) == [
        "layers-2x.png", "layers.png", "marker-icon-2x.png", "marker-icon.png", "marker-shadow.png"]


def test_streamlit_config_serves_static_and_shows_visitors_no_developer_menu() -> None:
    """The app's assets come from /app/static only if static serving is on; "Deploy" is not for visitors."""
    import tomllib

    from mapapp import REPO_ROOT

    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True and STATIC_URL == "/app/static"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False  # offline: no telemetry


def test_install_static_writes_the_files_the_map_fetches(tmp_path: Path) -> None:
    from conftest import geodata_copy
    from mapapp.model.viewstate import MapState
    from mapapp.webmap.mapfiles import SHARD_SIZE, border_file, collection_file, map_files, records_file, served
    from mapapp.webmap.mapview import load_dataset, payload

    fake_node_modules(tmp_path)
    ds = load_dataset(geodata_copy(tmp_path / "geodata"))
    files = map_files(ds)
    assert ds.borders is not None
    addresses = next(c for c in ds.collections if c.id == "moscow-executions")
    shards = -(-len(addresses.features) // SHARD_SIZE)  # every address's people in one shard of a hundred addresses
    assert set(files) == {border_file(s) for s in ds.borders.snapshots()} | {
        collection_file(c, lang) for c in ("gulag-camps", "moscow-executions", "topography-of-terror")
        for lang in ("en", "ru")} | {records_file("moscow-executions", k) for k in range(shards)}
    result = install_static(tmp_path)
    assert written(tmp_path) == sorted(EXPECTED_VENDOR + list(files))
    assert len(result) == len(EXPECTED_VENDOR) + len(files)
    urls = served(ds, tmp_path)
    assert urls == {rel: f"/app/static/{rel}" for rel in files}
    data = payload(ds, MapState(), served=urls)
    assert "features" not in data["borders"] and set(data["borders"]["urls"]) == set(ds.borders.snapshots())
    assert data["collections"][0]["url"] == "/app/static/geodata/collections/gulag-camps.en.json"
    # one file rebuilt since (same size, other bytes): that one is not served, and the map carries all borders
    stale = tmp_path / "static" / border_file("world_1945")
    stale.write_bytes(stale.read_bytes().replace(b'"ussr":true', b'"ussr":tru3'))
    urls = served(ds, tmp_path)
    assert border_file("world_1945") not in urls and len(urls) == len(files) - 1
    data = payload(ds, MapState(), served=urls)
    assert "urls" not in data["borders"] and len(data["borders"]["features"]) == len(ds.borders.features)
    assert data["collections"][0]["url"] is not None  # the camps file is still the very file


def test_a_file_missing_from_static_is_not_served(tmp_path: Path) -> None:
    from conftest import geodata_copy
    from mapapp.webmap.mapfiles import collection_file, served
    from mapapp.webmap.mapview import load_dataset

    fake_node_modules(tmp_path)
    ds = load_dataset(geodata_copy(tmp_path / "geodata"))
    install_static(tmp_path)
    (tmp_path / "static" / collection_file("gulag-camps", "ru")).unlink()
    assert collection_file("gulag-camps", "ru") not in served(ds, tmp_path)
    assert collection_file("gulag-camps", "en") in served(ds, tmp_path)
