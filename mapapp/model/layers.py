"""Map layers: which category layer a place belongs to, and how each layer looks.

One palette and one set of symbols for the app, the kiosk and the exports. Colours are
Paul Tol's colour-blind-safe "muted" scheme; every layer also has its own symbol shape,
so nothing depends on colour alone. Execution and burial sites get the darkest colour
and a solid symbol: the gravest marks, without being lurid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mapapp.model.records import Event, Place


@dataclass(frozen=True)
class Layer:
    """A category layer with its legend label and symbol."""

    id: str
    label_en: str
    label_ru: str
    colour: str
    shape: str  # one of: square, diamond, triangle, hexagon, circle, triangle-down, dot, pentagon
    collection: bool = False  # drawn from a collection (mapapp.model.collections), not from the places


#: Layers in legend order (the gravest first).
LAYERS: tuple[Layer, ...] = (
    Layer("killing", "Execution and burial sites", "Места расстрелов и захоронений", "#332288", "diamond"),
    Layer("nkvd", "Prisons and NKVD buildings", "Тюрьмы и здания НКВД", "#882255", "square"),
    Layer("camps", "Camps, exile and forced labour", "Лагеря, ссылка и принудительный труд", "#999933", "triangle"),
    Layer("power", "Trial venues and seats of power", "Места процессов и органы власти", "#117733", "hexagon"),
    # Memorial's Topography of Terror (data/collections/topography-of-terror): its prisons and shooting and burial
    # grounds join the two layers above; its prison design bureaus and the camps of the 1920s are this layer.
    Layer("sharashki", "Prison design bureaus and 1920s camps", "Шарашки и концлагеря 1920-х годов", "#AA4499",
          "pentagon", collection=True),
    Layer("renamed", "Cities renamed after Kirov", "Города, названные в честь Кирова", "#DDCC77", "circle"),
    Layer("abroad", "Sites abroad", "Места за рубежом", "#44AA99", "triangle-down"),
    Layer("other", "Other places", "Другие места", "#777777", "dot"),
    # The Gulag camps collection (data/collections/gulag-camps): circles sized by prisoners, drawn by the
    # collection layer, not as place markers.
    Layer("gulag", "Gulag camps, prisoners by year", "Лагеря ГУЛАГа, заключённые по годам", "#88CCEE", "circle",
          collection=True),
    # People shot in Moscow (data/collections/moscow-executions): how many lived at each address, for the window.
    Layer("addresses", "Last addresses of people shot", "Последние адреса расстрелянных", "#4D4D4D", "circle",
          collection=True),
    # A register of millions of records (Memorial's database of victims, or a regional Book of Memory, declared in
    # data/collections/<id>/collection.toml with a [register] table): their counts by place and window. Ochre: apart
    # from Paul Tol's muted palette above, which the other layers use up, and from the trails' rose.
    Layer("victims", "Records of persecution, by place", "Записи о репрессиях, по местам", "#C8743A", "circle",
          collection=True),
)
LAYER_IDS: tuple[str, ...] = tuple(layer.id for layer in LAYERS)
#: The layers of the curated places (every layer but the collections').
PLACE_LAYER_IDS: tuple[str, ...] = tuple(layer.id for layer in LAYERS if not layer.collection)
LAYERS_BY_ID: dict[str, Layer] = {layer.id: layer for layer in LAYERS}

_KIND_LAYER = {
    "execution_site": "killing",
    "burial_site": "killing",
    "prison": "nkvd",
    "nkvd_building": "nkvd",
    "camp": "camps",
    "exile_site": "camps",
    "canal": "camps",
    "trial_venue": "power",
    "government_building": "power",
}
_FORCED = {"exile", "deportation"}


def layer_of(place: Place, events: Iterable[Event]) -> str:
    """The layer id of ``place``, given its events.

    Abroad wins over kind; a site's kind decides next; a town is "renamed" if it was
    renamed after Kirov, "camps" if people were exiled or deported there, else "other".
    """
    if place.abroad:
        return "abroad"
    if place.kind in _KIND_LAYER:
        return _KIND_LAYER[place.kind]
    categories = {e.category for e in events}
    if any("Kirov" in period.name_en for period in place.names):
        return "renamed"
    if categories & _FORCED:
        return "camps"
    return "other"


def validate_layers(requested: Iterable[str]) -> tuple[str, ...]:
    """The requested layer ids in legend order; raises ValueError naming any unknown id."""
    requested = tuple(requested)
    unknown = sorted(set(requested) - set(LAYER_IDS))
    if unknown:
        raise ValueError(f"unknown layer(s) {', '.join(map(repr, unknown))}; choose from {', '.join(LAYER_IDS)}")
    return tuple(layer for layer in LAYER_IDS if layer in requested)
