"""Regression targets around 50 with the output bias at 0: the first thousands of steps go to the mean.

The clean twin has standardised targets: a loss near its floor at init, where the
learning-rate range test must not fail.
"""

from ._case import Case, Family
from ._data import regression
from ._models import mlp


def build(buggy: bool) -> Case:
    (X, y), (Xv, yv) = regression()
    offset = 50.0 if buggy else 0.0
    return Case(lambda: mlp(d=8, out=1), (X, y + offset), "mse", (Xv, yv + offset))


FAMILY = Family("target_offset", "regression", "last_layer_init", "recipe", build)
