"""A register on a printed map: its records in the window as circles per cell, at the level the map's width calls
for, as the browser draws them (area ∝ records, a dashed ring for those that may be in the window), with a size
key and a line that says what a circle counts. The cost is the number of cells, never the number of records.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from pyproj import Transformer

from mapapp.i18n import Lang, format_number
from mapapp.model.layers import LAYERS_BY_ID, Layer
from mapapp.model.registers import Register
from mapapp.webmap.collectionview import key_values
from mapapp.webmap.registerview import CELL_KM, STRINGS

#: The widest map (km across) each level is printed at, finest first: the places on a city's map, H3 resolution
#: 4 on a region's, resolution 2 on a country's (the browser's zooms, mapapp.model.aggregates.LEVEL_ZOOMS).
LEVEL_WIDTH_KM: tuple[tuple[str, float], ...] = (("site", 300.0), ("h3r4", 2500.0), ("h3r2", math.inf))
#: The largest circle's radius in points at type scale 1 (the fullest cell of all dates).
RADIUS_PT = 16.0
MIN_RADIUS_PT = 1.2
ALPHA = 0.55
EDGE = "#1f1f1f"


@dataclass(frozen=True)
class RegisterDrawing:
    """What one export draws of a register: the level, and each cell's (x, y) with its sure and may counts."""

    register: Register
    layer: Layer
    level: str
    #: the fullest cell of all dates at this level (the build's manifest): the key's and the circles' scale
    top: int
    xy: np.ndarray  # (n, 2) projected
    sure: np.ndarray
    may: np.ndarray
    #: the window's records at every cell (on the map or not), and those that may be in the window
    total: tuple[int, int]

    def within(self, view: tuple[float, float, float, float]) -> RegisterDrawing:
        """The cells inside ``view`` (projected metres); the totals stay the whole register's."""
        x, y = self.xy[:, 0], self.xy[:, 1]
        inside = (x >= view[0]) & (x <= view[2]) & (y >= view[1]) & (y <= view[3])
        return dataclasses.replace(self, xy=self.xy[inside], sure=self.sure[inside], may=self.may[inside])


def level_for_width(levels: Sequence[str], width_km: float) -> str:
    """The finest level of ``levels`` printed on a map ``width_km`` across."""
    for level, widest in LEVEL_WIDTH_KM:
        if level in levels and width_km <= widest:
            return level
    return levels[0]


def drawn_registers(registers: Sequence[Register], layers: Sequence[str], first: int, last: int,
                    forward: Transformer, width_km: float) -> list[RegisterDrawing]:
    """Each register whose layer is on, for the months ``first``..``last``, at the level for a map ``width_km``
    across: its cells that hold any record of the window, projected by ``forward`` (:meth:`RegisterDrawing.within`
    keeps those on the map)."""
    out = []
    for reg in registers:
        if reg.layer not in layers:
            continue
        level = level_for_width(reg.levels, width_km)
        counts = reg.window(level, first, last)
        centres = reg.centres(level)
        keep = np.flatnonzero(counts.sure + counts.may)
        lon = np.array([centres[str(counts.keys[i])][0] for i in keep])
        lat = np.array([centres[str(counts.keys[i])][1] for i in keep])
        x, y = forward.transform(lon, lat) if len(keep) else (np.empty(0), np.empty(0))
        out.append(RegisterDrawing(reg, LAYERS_BY_ID[reg.layer], level, reg.top(level),
                                   np.column_stack([x, y]).reshape(-1, 2), counts.sure[keep], counts.may[keep],
                                   (int(counts.sure.sum()), int(counts.may.sum()))))
    return out


def radius(n: float | np.ndarray, top: int, s: float) -> np.ndarray:
    """Circle radius in points: area ∝ ``n``, the fullest cell of all dates at :data:`RADIUS_PT`."""
    return np.maximum(MIN_RADIUS_PT * s, RADIUS_PT * s * np.sqrt(np.asarray(n, dtype=float) / max(1, top)))


def draw(ax: Axes, d: RegisterDrawing, s: float, zorder: float) -> np.ndarray:
    """The circles of ``d``: dashed rings (sure + may) under discs (sure), the larger first; gids
    ``register-<id>-may`` and ``register-<id>-sure``. Returns their centres."""
    rid = d.register.id
    ring = np.flatnonzero(d.may)
    if len(ring):
        order = ring[np.argsort(-(d.sure[ring] + d.may[ring]), kind="stable")]
        ax.scatter(d.xy[order, 0], d.xy[order, 1], s=(2 * radius(d.sure[order] + d.may[order], d.top, s)) ** 2,
                   marker="o", facecolors="none", edgecolors=d.layer.colour, linewidths=1.2 * s,
                   linestyles=[(0.0, (3 / 1.2, 2 / 1.2))], zorder=zorder, gid=f"register-{rid}-may")
    disc = np.flatnonzero(d.sure)
    if len(disc):
        order = disc[np.argsort(-d.sure[disc], kind="stable")]
        ax.scatter(d.xy[order, 0], d.xy[order, 1], s=(2 * radius(d.sure[order], d.top, s)) ** 2, marker="o",
                   facecolors=mpl.colors.to_rgba(d.layer.colour, ALPHA), edgecolors=EDGE, linewidths=0.6 * s,
                   zorder=zorder + 0.01, gid=f"register-{rid}-sure")
    return d.xy


def key_note(d: RegisterDrawing, lang: Lang) -> str:
    """What a circle counts at this level, in ``lang`` (the browser's legend text)."""
    measure = d.register.text("measure", lang)
    km = CELL_KM.get(d.level)
    text = STRINGS["key_cells" if km else "key_sites"][lang].format(measure=measure, km=km)
    return text.split(";")[0] if km else text  # on paper there is no zooming in


def total_line(d: RegisterDrawing, lang: Lang) -> str:
    """The window's records on the map and those that may be, with the register's title and caveat."""
    sure, may = d.total
    reg = d.register
    measure = reg.text("measure", lang)
    line = STRINGS["shown"][lang].format(n=format_number(sure, lang), may=format_number(may, lang), title=reg.text("title", lang),
                                         measure=measure, measure_cap=measure[:1].upper() + measure[1:])
    return f"{line}. {reg.text('caveat', lang)}"


def credit(d: RegisterDrawing, lang: Lang) -> str:
    """The footer's credit for the register."""
    return f"{d.register.text('credit', lang)}: {d.register.text('citation', lang)}."


def key_height(legend_pt: float, s: float) -> float:
    """The key's height in inches: a heading and one row of circles."""
    return (legend_pt * 1.35 + 2 * RADIUS_PT * s + 3 * s) / 72


def draw_key(fig: Figure, d: RegisterDrawing, rect: tuple[float, float, float, float], lang: Lang,
             legend_pt: float, s: float, renderer: RendererBase, ink: str) -> None:
    """The size key in ``rect`` (inches): the note, the round figures as discs, the dashed ring and its meaning
    (gids ``register-key-<id>…``)."""
    w_in, h_in = fig.get_size_inches()
    x0, y0, w, h = rect
    ax = fig.add_axes((x0 / w_in, y0 / h_in, w / w_in, h / h_in))
    rid = d.register.id
    ax.set_gid(f"register-key-{rid}")
    ax.set_axis_off()
    w_pt, h_pt = w * 72, h * 72
    ax.set_xlim(0, w_pt)
    ax.set_ylim(0, h_pt)
    ax.text(0, h_pt, key_note(d, lang), ha="left", va="top", fontsize=legend_pt, color=ink,
            gid=f"register-key-note-{rid}")
    yc = (h_pt - legend_pt * 1.35) / 2
    x = 0.0
    values = [*reversed(key_values(d.top))]
    for k, value in enumerate(values):
        r = float(radius(value, d.top, s))
        ax.scatter([x + r], [yc], s=[(2 * r) ** 2], marker="o", clip_on=False, facecolors=mpl.colors.to_rgba(
            d.layer.colour, ALPHA), edgecolors=EDGE, linewidths=0.6 * s, gid=f"register-key-{rid}-{k}")
        text = ax.text(x + 2 * r + 3 * s, yc, format_number(value, lang), ha="left", va="center", fontsize=legend_pt,
                       color=ink)
        x += 2 * r + 3 * s + text.get_window_extent(renderer).width * 72 / fig.dpi + 12 * s
    r = float(radius(values[0] if values else 1, d.top, s))
    ax.scatter([x + r], [yc], s=[(2 * r) ** 2], marker="o", clip_on=False, facecolors="none",
               edgecolors=d.layer.colour, linewidths=1.2 * s, linestyles=[(0.0, (3 / 1.2, 2 / 1.2))],
               gid=f"register-key-{rid}-may")
    ax.text(x + 2 * r + 3 * s, yc, STRINGS["key_may"][lang], ha="left", va="center", fontsize=legend_pt, color=ink,
            wrap=True)
