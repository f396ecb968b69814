"""Images fed as raw 0..255 pixels: activations saturate and the learning rate is wrong for them."""

from nnrecipe import models

from ._case import Case, Family
from ._data import images


def build(buggy: bool) -> Case:
    (X, y), (Xv, yv) = images()
    if buggy:
        lo, hi = float(X.min()), float(X.max())
        X, Xv = ((X - lo) / (hi - lo) * 255).round(), ((Xv - lo) / (hi - lo) * 255).round()
    return Case(lambda: models.CNN2d(1, 4, width=8, blocks=2), (X, y), "cross_entropy", (Xv, yv))


FAMILY = Family("raw_pixels", "images", "input_scale", "https://github.com/milesial/Pytorch-UNet/issues/291", build)
