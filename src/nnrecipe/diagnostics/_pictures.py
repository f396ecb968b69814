"""How first-layer weights and example inputs are drawn: as images, or as curves.

A convolution's filters and a linear layer's rows are shown in the shape of what they
multiply: image tiles for 2-D filters and for rows over image-like inputs, curves for 1-D
filters and rows over sequences, and one matrix of rows when the input is a flat vector.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from .._audit._split import as_image, input_kind
from ._data import FirstLayerData

__all__ = ["MAX_CHANNELS", "View", "as_uint8", "row_views", "tile_grid", "weight_grid"]

MAX_CHANNELS = 8  # input channels drawn per filter
View = tuple[Literal["image", "curves", "matrix"], list[np.ndarray]]


def row_views(data: FirstLayerData, snapshot: int) -> View:
    """The rows of one snapshot as images (``(H, W)`` or ``(H, W, 3)``), curves (``(channels,
    length)``) or, for rows over flat vectors, one ``(rows, inputs)`` matrix."""
    w = np.asarray(data.weights[snapshot], dtype=np.float32)
    if data.kind == "conv1d":
        return "curves", [f[:MAX_CHANNELS] for f in w]
    if data.kind == "conv2d":
        if w.shape[1] == 3:
            return "image", [np.moveaxis(f, 0, -1) for f in w]
        return "image", [f[:MAX_CHANNELS].reshape(-1, f.shape[-1]) for f in w]
    if data.kind == "conv3d":
        return "image", [f[:MAX_CHANNELS].reshape(-1, f.shape[-1]) for f in w]
    shape = data.input_shape
    if math.prod(shape) == w.shape[1]:
        kind = input_kind(shape)
        if kind == "image":
            return "image", [as_image(r, shape) for r in w]
        if kind == "sequence":
            return "curves", [r.reshape(-1, shape[-1]) for r in w]
    return "matrix", [w]


def as_uint8(img: np.ndarray) -> np.ndarray:
    """An image on its own scale: its lowest value black, its highest white."""
    img = np.nan_to_num(np.asarray(img, dtype=np.float64))
    lo, hi = float(img.min()), float(img.max())
    return ((img - lo) / (hi - lo) * 255 if hi > lo else np.zeros_like(img)).astype(np.uint8)


def weight_grid(data: FirstLayerData, snapshot: int, *, scale: int = 4) -> np.ndarray:
    """One ``(H, W, 3)`` uint8 picture of a snapshot (TensorBoard's ``add_image``): tiles in a
    grid, each on its own scale, ``scale`` pixels per weight; curves drawn as heat rows."""
    kind, views = row_views(data, snapshot)
    tiles = [as_uint8(v) for v in views]
    if kind == "matrix":
        tiles = tiles[:1]
    return tile_grid(tiles, scale=scale)


def tile_grid(tiles: list[np.ndarray], *, scale: int = 4) -> np.ndarray:
    """``(H, W, 3)`` uint8: tiles (``(h, w)`` grey or ``(h, w, 3)``) in a square-ish grid with
    grey gaps, ``scale`` pixels per value; one tile alone is only scaled."""
    tiles = [np.repeat(t[..., None], 3, -1) if t.ndim == 2 else t[..., :3] for t in tiles]
    if len(tiles) == 1:
        return np.kron(tiles[0], np.ones((scale, scale, 1), dtype=np.uint8))
    h, w = max(t.shape[0] for t in tiles), max(t.shape[1] for t in tiles)
    cols = math.ceil(math.sqrt(len(tiles)))
    rows = math.ceil(len(tiles) / cols)
    grid = np.full((rows * (h + 1) + 1, cols * (w + 1) + 1, 3), 128, dtype=np.uint8)  # grey gaps
    for i, t in enumerate(tiles):
        r, c = divmod(i, cols)
        grid[1 + r * (h + 1) : 1 + r * (h + 1) + t.shape[0], 1 + c * (w + 1) : 1 + c * (w + 1) + t.shape[1]] = t
    return np.kron(grid, np.ones((scale, scale, 1), dtype=np.uint8))
