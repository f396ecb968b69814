"""The interpretation's pictures for TensorBoard: the confusion matrix and the worst examples.

Drawn with NumPy alone, as ``(H, W, 3)`` uint8 arrays for ``SummaryWriter.add_image``:
matplotlib would cost more than the whole run's diagnostics on a short run (its import and
one figure take about half a second). Captions (losses, classes) are in the report and in
``interpretation.json``; TensorBoard gets the pictures.
"""

from __future__ import annotations

import numpy as np

from .._audit._split import as_image, input_kind
from ._interpretation_data import InterpretationData
from ._pictures import as_uint8, tile_grid

__all__ = ["confusion_figure", "curve_tile", "top_losses_figure"]

_SIDE = 256  # pixels of the confusion picture, about
_CURVE = (32, 64)  # a curve tile's height and width


def confusion_figure(data: InterpretationData) -> np.ndarray | None:
    """Rows true, columns predicted, each row as shares of its class (recall on the diagonal):
    white for none, dark blue for all."""
    if data.confusion is None:
        return None
    m = np.asarray(data.confusion, dtype=float)
    shares = m / np.maximum(m.sum(1, keepdims=True), 1)
    white, blue = np.array([255.0, 255.0, 255.0]), np.array([8.0, 48.0, 107.0])
    rgb = (white + shares[..., None] * (blue - white)).astype(np.uint8)
    scale = max(1, _SIDE // len(m))
    return np.kron(rgb, np.ones((scale, scale, 1), dtype=np.uint8))


def curve_tile(values: np.ndarray) -> np.ndarray:
    """``(channels, length)`` values drawn as dots in a small grey tile, one row per channel."""
    h, w = _CURVE
    rows = np.atleast_2d(np.nan_to_num(np.asarray(values, dtype=float)))[:4]
    tile = np.full((h * len(rows), w), 40, dtype=np.uint8)
    for k, row in enumerate(rows):
        lo, hi = float(row.min()), float(row.max())
        ys = ((hi - row) / (hi - lo) * (h - 1) if hi > lo else np.full(len(row), h / 2)).astype(int)
        xs = np.linspace(0, w - 1, len(row)).astype(int)
        tile[k * h + ys, xs] = 255
    return tile


def top_losses_figure(data: InterpretationData) -> np.ndarray | None:
    """The worst examples, worst first, as image tiles or curves (rows of values for tabular data)."""
    t = data.top_losses
    if not len(t.losses):
        return None
    shape = tuple(t.inputs.shape[1:])
    kind = input_kind(shape) if len(shape) >= 2 else "vector"
    if kind == "image":
        tiles = [as_uint8(as_image(np.asarray(x, dtype=float), shape)) for x in t.inputs]
    else:
        tiles = [curve_tile(np.asarray(x, dtype=float).reshape(-1, shape[-1]) if shape else np.asarray(x).reshape(1, -1)) for x in t.inputs]
    return tile_grid(tiles, scale=2)
