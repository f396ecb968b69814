"""One input feature in the thousands (a raw column, not standardised): it dominates every dot product."""

from ._case import Case, Family
from ._data import regression
from ._models import mlp


def build(buggy: bool) -> Case:
    (X, y), (Xv, yv) = regression()
    if buggy:
        X, Xv = X.clone(), Xv.clone()
        X[:, 2] = X[:, 2] * 800 + 3000
        Xv[:, 2] = Xv[:, 2] * 800 + 3000
    return Case(lambda: mlp(d=8, out=1), (X, y), "mse", (Xv, yv))


FAMILY = Family("unscaled_features", "regression", "input_scale", "recipe", build)
