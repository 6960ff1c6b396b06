"""Deterministic, atomic saving of matplotlib figures, shared by every topic.

Figures are built without pyplot (no global state, no display) on an Agg
canvas. The same figure gives the same bytes on every run: the Agg renderer
for raster output, a fixed ``svg.hashsalt`` (SVG element ids), and metadata with
no date and no software version in PNG, SVG and PDF. The file is
written to a temporary file in the target directory and moved into place
with :func:`os.replace` (:func:`numerics.outputs.write_bytes`), so a reader
never sees half a figure and a failure leaves nothing behind; inside
:func:`numerics.outputs.all_or_nothing` the figure is put in place only
together with the other outputs.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .outputs import check_target, write_bytes

__all__ = ["FORMATS", "SVG_HASHSALT", "new_figure", "save_figure"]

#: Output formats and the metadata keys cleared for each (dates, software versions).
FORMATS: dict[str, dict[str, None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}

#: The fixed salt of SVG element ids.
SVG_HASHSALT = "workedout"


def new_figure(width: float = 6.4, height: float = 4.8, **kwargs) -> Figure:
    """A figure detached from pyplot (no global state) on an Agg canvas.

    Parameters
    ----------
    width, height : float
        Size in inches.
    **kwargs
        Passed to :class:`matplotlib.figure.Figure` (``layout="constrained"``
        is the default).

    Returns
    -------
    matplotlib.figure.Figure
    """
    kwargs.setdefault("layout", "constrained")
    fig = Figure(figsize=(width, height), **kwargs)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike, *, format: str | None = None, dpi: float = 150) -> Path:
    """Save ``fig`` to ``path`` deterministically and atomically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or os.PathLike
        The target; its directory must exist.
    format : {'png', 'svg', 'pdf'}, optional
        Defaults to the path's suffix.
    dpi : float, default=150
        Resolution of raster output.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        An unknown format, or a directory that does not exist.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"path: {str(path)!r} has format {fmt or '(none)'!r}; expected one of "
                         + ", ".join("." + f for f in FORMATS))
    check_target(path, what="path")  # a missing directory is refused before the figure is drawn
    if not isinstance(fig.canvas, FigureCanvasAgg) and type(fig.canvas).__name__ == "FigureCanvasBase":
        FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=dict(FORMATS[fmt]))
    write_bytes(path, buffer.getvalue(), what="path")  # staged inside outputs.all_or_nothing
    return path
