"""A split as the audit sees it: a flat float matrix of the usable examples plus what broke."""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np

__all__ = ["Broken", "InputKind", "LoadedSplit", "input_kind"]

InputKind = Literal["image", "sequence", "vector"]


@dataclasses.dataclass(frozen=True)
class Broken:
    """An example that could not be used at all (unreadable, wrong shape or dtype, bad label)."""

    index: int
    kind: str  # "unreadable", "wrong_shape", "wrong_dtype", "label_type"
    reason: str


@dataclasses.dataclass
class LoadedSplit:
    """The decoded examples of one split.

    Attributes:
        name: ``"train"``, ``"val"`` or ``"test"``.
        X: ``(m, d)`` float32, the usable examples flattened.
        index: ``(m,)`` int64, each row's index in the split as the user passed it.
        y: ``(m,)`` or ``(m, ...)`` labels as given (numeric), or ``None`` when absent.
        shape: The shape of one example before flattening.
        n_total: The number of examples in the split, broken ones included.
        broken: Examples that could not be decoded into the common shape.
        class_names: Class names when labels came from folder names or CSV strings.
        source_dtype: The examples' dtype before conversion to float32.
    """

    name: str
    X: np.ndarray
    index: np.ndarray
    y: np.ndarray | None
    shape: tuple[int, ...]
    n_total: int
    broken: list[Broken] = dataclasses.field(default_factory=list)
    class_names: list[str] | None = None
    source_dtype: str = "float32"

    def __len__(self) -> int:
        return len(self.X)


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
