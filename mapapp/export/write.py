"""Writing an export: PNG/SVG/PDF from :func:`mapapp.export.staticmap.render`, a GIF/MP4 animation of its frames,
or the standalone HTML page — always atomically (a temporary file beside ``out``, then ``os.replace``), so a
failed export leaves neither a partial file nor a temporary one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from mapapp.export.options import ExportOptions, parse_options
from mapapp.export.staticmap import export_rc, render
from mapapp.model.viewstate import MapState
from mapapp.webmap.mapview import Dataset

#: Seconds each animation frame stays on screen.
FRAME_SECONDS = {"year": 1.5, "month": 0.4}
#: Reproducible vector files: no creation dates.
METADATA = {"svg": {"Date": None, "Creator": "mapapp"}, "pdf": {"CreationDate": None, "Creator": "mapapp"},
            "png": {"Software": "mapapp"}}


@contextlib.contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out`` (same suffix) that replaces ``out`` only if the block succeeds."""
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=f".tmp{out.suffix}", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; an export is meant to be shared
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def save_figure(fig: Figure, path: Path, opts: ExportOptions) -> None:
    """Save ``fig`` as ``opts.format`` at ``opts.dpi`` (exact pixel size: no tight bounding box)."""
    with export_rc():
        fig.savefig(path, format=opts.format, dpi=opts.dpi, metadata=METADATA.get(opts.format))


def frame_image(ds: Dataset, opts: ExportOptions) -> Image.Image:
    """One animation frame: the rendered map as an RGB image."""
    fig = render(ds, opts)
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)  # render() draws on Agg
    canvas.draw()
    return Image.fromarray(np.asarray(canvas.buffer_rgba())[:, :, :3].copy())


def frames(ds: Dataset, opts: ExportOptions) -> Iterator[Image.Image]:
    """The animation's frames, one per year (or month) of the window, from the same renderer."""
    for frame_opts in opts.frame_options():
        yield frame_image(ds, frame_opts)


def _write_gif(ds: Dataset, opts: ExportOptions, path: Path) -> None:
    images = [im.convert("P", palette=Image.Palette.ADAPTIVE, colors=128) for im in frames(ds, opts)]
    duration = int(FRAME_SECONDS[opts.frames] * 1000)
    images[0].save(path, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0,
                   optimize=False)


def _write_mp4(ds: Dataset, opts: ExportOptions, path: Path) -> None:
    import imageio_ffmpeg

    w, h = opts.width_px + opts.width_px % 2, opts.height_px + opts.height_px % 2  # H.264 needs even sides
    writer = imageio_ffmpeg.write_frames(str(path), (w, h), fps=1 / FRAME_SECONDS[opts.frames], codec="libx264",
                                         pix_fmt_out="yuv420p", macro_block_size=1, ffmpeg_log_level="error",
                                         output_params=["-movflags", "+faststart"])
    writer.send(None)  # start ffmpeg
    try:
        for image in frames(ds, opts):
            canvas = Image.new("RGB", (w, h), "white")
            canvas.paste(image, (0, 0))
            writer.send(np.ascontiguousarray(np.asarray(canvas)))
    finally:
        writer.close()


def export(ds: Dataset, opts: ExportOptions, out: Path) -> Path:
    """Write the export described by ``opts`` to ``out`` atomically; return ``out``."""
    out = Path(out)
    if opts.format == "html":
        from mapapp.export.standalone import standalone_html  # written alongside; imported only when asked for

        html = standalone_html(ds, opts.state, person=opts.person)
        with atomic_path(out) as tmp:
            tmp.write_text(html, encoding="utf-8")
        return out
    with atomic_path(out) as tmp:
        if opts.format == "gif":
            _write_gif(ds, opts, tmp)
        elif opts.format == "mp4":
            _write_mp4(ds, opts, tmp)
        else:
            save_figure(render(ds, opts), tmp, opts)
    return out


#: What the app's download button calls each format it offers.
MIME_TYPES: dict[str, str] = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml",
                              "html": "text/html"}


def state_export_bytes(ds: Dataset, state: MapState, fmt: str, *, region: str, paper: str, orientation: str,
                       title: str | None = None, dpi: int = 300, person: str | None = None) -> bytes:
    """The map's current ``state`` exported as ``fmt`` (png, pdf, svg, html), as bytes: the app's download.

    Options go through :func:`parse_options` like the command line's, so the same problems are refused.
    """
    window = {"date": state.end} if state.mode == "asof" else {"start": state.start, "end": state.end}
    with tempfile.TemporaryDirectory(prefix="mapapp-export-") as folder:
        out = Path(folder) / f"map.{fmt}"
        opts = parse_options(out, **window, categories=",".join(state.layers), region=region, lang=state.lang,
                             title=title or None, paper=paper, orientation=orientation, dpi=str(dpi), person=person,
                             ds=ds)
        export(ds, opts, out)
        return out.read_bytes()
