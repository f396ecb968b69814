"""What the readers share: broken examples, the map from usable rows to positions as passed,
and how an example of a given shape is drawn."""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np

__all__ = ["Broken", "InputKind", "RowIndex", "as_image", "input_kind"]

InputKind = Literal["image", "sequence", "vector"]


@dataclasses.dataclass(frozen=True)
class Broken:
    """An example that could not be used at all (unreadable, wrong shape or dtype, bad label)."""

    index: int
    kind: str  # "unreadable", "wrong_shape", "wrong_dtype", "label_type"
    reason: str


class RowIndex:
    """Maps the usable rows of a split (0, 1, 2, ...) to their positions as passed.

    Stores only the broken positions: with ``c_j = broken_j - j`` (usable rows before the
    j-th broken example), usable row ``r`` sits at ``r + #{j : c_j <= r}``.

    Example:
        >>> RowIndex(6, np.array([1, 4]))[np.arange(4)].tolist()
        [0, 2, 3, 5]
    """

    def __init__(self, n_total: int, broken: np.ndarray) -> None:
        self.n_total = n_total
        self._broken = np.unique(np.asarray(broken, dtype=np.int64))
        self._before = self._broken - np.arange(len(self._broken))

    def __len__(self) -> int:
        return self.n_total - len(self._broken)

    def __getitem__(self, rows: np.ndarray | int | slice) -> np.ndarray:
        r = np.arange(len(self))[rows] if isinstance(rows, slice) else np.asarray(rows, dtype=np.int64)
        return r + np.searchsorted(self._before, r, side="right")

    def rows_of(self, positions: np.ndarray) -> np.ndarray:
        """The usable rows at these positions as passed (positions must not be broken)."""
        p = np.asarray(positions, dtype=np.int64)
        return p - np.searchsorted(self._broken, p, side="left")


def input_kind(shape: tuple[int, ...]) -> InputKind:
    """Guess how to draw an example of this shape: as an image, a line plot or a bar of values.

    ``(H, W)``, ``(C, H, W)`` with C in 1/3/4 and ``(H, W, C)`` are images; ``(L,)`` and
    ``(C, L)`` with long L are sequences; short flat vectors are vectors. A square number
    of features (e.g. 64 for 8x8 digits) is drawn as an image.
    """
    if len(shape) == 2 and min(shape) >= 4:
        return "image"
    if len(shape) == 3 and (shape[0] in (1, 3, 4) or shape[2] in (1, 3, 4)):
        return "image"
    if len(shape) == 1:
        side = round(shape[0] ** 0.5)
        if side >= 6 and side * side == shape[0]:
            return "image"
        return "sequence" if shape[0] >= 16 else "vector"
    return "sequence"


def as_image(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Reshape a flat example into an ``(H, W)`` or ``(H, W, C)`` array for ``imshow``."""
    if len(shape) == 1:
        side = round(shape[0] ** 0.5)
        return x.reshape(side, side)
    img = x.reshape(shape)
    if img.ndim == 3 and img.shape[0] in (1, 3, 4) and img.shape[2] not in (1, 3, 4):
        img = np.moveaxis(img, 0, -1)  # CHW -> HWC
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    return img
