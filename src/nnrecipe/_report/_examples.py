"""Example inputs as the audit picked them (a few per class, the extremes of each statistic),
ready to draw: sequences as a few numbers per point, images as small PNG tiles.

Drawn by the page itself, with captions at the page's font size, instead of one matplotlib
mosaic whose captions shrink with the number of tiles.
"""

from __future__ import annotations

import dataclasses
import io

import numpy as np

from .._audit._report import Gallery
from .._audit._split import as_image, input_kind

__all__ = ["Example", "ExampleRow", "example_rows"]

MAX_SERIES_POINTS = 200  # per channel of a drawn sequence; longer ones are thinned evenly


@dataclasses.dataclass(frozen=True)
class Example:
    """One example: ``series`` (one row of values per channel) or ``png`` (an image tile)."""

    caption: str
    series: tuple[tuple[float, ...], ...] = ()
    png: bytes = b""


@dataclasses.dataclass(frozen=True)
class ExampleRow:
    """A class, or a statistic from its lowest to its highest examples."""

    label: str
    examples: tuple[Example, ...]


def example_rows(gallery: Gallery) -> tuple[tuple[ExampleRow, ...], tuple[ExampleRow, ...]]:
    """The rows per class and the rows of extremes per statistic.

    Example:
        >>> g = Gallery((20,), {"cat": [("train", 3, np.arange(20.0))]}, {})
        >>> per_class, _ = example_rows(g)
        >>> per_class[0].examples[0].caption, len(per_class[0].examples[0].series[0])
        ('train[3]', 20)
    """
    image = input_kind(gallery.shape) == "image"
    make = (lambda x, c: Example(c, png=_png(as_image(x, gallery.shape)))) if image else (lambda x, c: Example(c, series=_series(x, gallery.shape)))
    per_class = tuple(ExampleRow(label, tuple(make(x, f"{s}[{i}]") for s, i, x in items)) for label, items in gallery.per_class.items())
    extremes = tuple(
        ExampleRow(f"{stat}: lowest … highest", tuple(make(x, f"{s}[{i}] {v:.3g}") for s, i, v, x in items))
        for stat, items in gallery.extremes.items()
    )
    return per_class, extremes


def _series(x: np.ndarray, shape: tuple[int, ...]) -> tuple[tuple[float, ...], ...]:
    rows = np.asarray(x, dtype=float).reshape(-1, shape[-1]) if len(shape) > 1 else np.asarray(x, dtype=float).reshape(1, -1)
    if rows.shape[1] > MAX_SERIES_POINTS:
        rows = rows[:, np.linspace(0, rows.shape[1] - 1, MAX_SERIES_POINTS).astype(int)]
    return tuple(tuple(float(v) for v in r) for r in rows)


def _png(img: np.ndarray) -> bytes:
    """The image on its own scale (lowest value black, highest white) as PNG bytes."""
    from PIL import Image

    img = np.nan_to_num(np.asarray(img, dtype=float))
    lo, hi = float(img.min()), float(img.max())
    scaled = ((img - lo) / (hi - lo) * 255 if hi > lo else np.zeros_like(img)).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(scaled).save(buf, format="PNG")
    return buf.getvalue()
