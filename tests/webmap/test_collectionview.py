"""A collection in the map's payload: data only, texts in the map's language, features inline or by URL."""

from __future__ import annotations

import re

import pytest

from mapapp.i18n import Lang
from mapapp.model.viewstate import MapState
from mapapp.webmap.collectionview import STRINGS, key_values
from mapapp.webmap.mapview import Dataset, build_map, load_dataset, payload


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


@pytest.mark.parametrize(("top", "key"), [(200907, [1000, 10000, 100000]), (999, [1, 10, 100]), (10, [1, 10]),
                                          (5, [1]), (0, [])])
def test_the_size_key_is_round_figures_below_the_largest(top: int, key: list[int]) -> None:
    assert key_values(top) == key


def test_every_russian_string_is_russian() -> None:
    for key, texts in STRINGS.items():
        assert re.search("[а-яё]", texts["ru"], re.I), key
        assert set(re.findall(r"\{\w+\}", texts["ru"])) == set(re.findall(r"\{\w+\}", texts["en"])), key


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_payload_carries_the_collection_in_the_maps_language(ds: Dataset, lang: Lang) -> None:
    data = payload(ds, MapState(lang=lang))
    c = next(x for x in data["collections"] if x["id"] == "gulag-camps")
    camps = next(x for x in ds.collections if x.id == "gulag-camps")
    assert c["title"] == camps.meta["title"][lang] and c["citation"] == camps.meta["citation"][lang]
    t = camps.total(1938)
    assert t is not None
    assert c["totals"][20] == {"year": 1938, "total": t.total, "with_value": t.with_value, "operating": t.operating}
    assert c["strings"]["no_count"] == STRINGS["no_count"][lang]
    assert len(c["features"]["features"]) == 641 and c["url"] is None
    # each attribute's texts written once, each feature pointing at its own: decoded, they are the collection's
    table = dict(c["features"]["attributes"])
    ids = [a for a, _ in c["features"]["attributes"]]
    assert all(len(set(texts)) == len(texts) for texts in table.values())
    assert len(table["type"]) < 10  # six types of camp, for 641 locations
    for f, raw in zip(camps.features, c["features"]["features"], strict=True):
        decoded = {a: table[a][k] for a, k in zip(ids, raw["attrs"], strict=True) if k is not None}
        assert decoded == {a: t[lang] for a, t in f.attributes.items() if t.get(lang)}, f.id
    assert [a["label"] for a in c["attributes"]] == [a["label"][lang] for a in camps.meta["attributes"]]
    assert c["max"] == max(v for f in camps.features for v in f.values.values() if v is not None)
    layer = next(la for la in data["layers"] if la["id"] == "gulag")
    assert layer["collection"] is True


def test_features_are_fetched_when_the_app_serves_them(ds: Dataset) -> None:
    url = "/app/static/geodata/collections/gulag-camps.en.json"
    fmap = build_map(ds, MapState(), served={"geodata/collections/gulag-camps.en.json": url})
    html = fmap.get_root().render()
    assert url.replace("/", "\\/") in html or url in html
    assert "Severo-Vostochny ITL" not in html  # the features travel by URL, not in the page
    assert "Severo-Vostochny ITL" in build_map(ds, MapState()).get_root().render()


def test_a_camp_hit_focuses_its_locations(ds: Dataset) -> None:
    from mapapp.webmap.mapview import focus_group, focus_place_ids

    ids = focus_place_ids(ds, "feature", "gulag-camps/133")  # two locations: Maloyaroslavets and Obninskoe
    assert ids == ["1", "2"]
    html = folium_script(focus_group(ids, collection="gulag-camps"))
    assert '"collection": "gulag-camps"' in html and '"features": ["1", "2"]' in html


def folium_script(group: object) -> str:
    import folium

    fmap = folium.Map(tiles=None)
    fmap.add_child(group)  # type: ignore[arg-type]
    return fmap.get_root().render()
