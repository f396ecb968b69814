"""A layer left frozen in a freshly built model: random weights that never train.

The clean twin freezes the same layer and says so (``frozen=[...]``), as a recipe that
trains a random projection on purpose would.
"""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = vectors()

    def model():  # type: ignore[no-untyped-def]
        net = mlp(depth=2)
        net[0].requires_grad_(False)
        return net

    return Case(model, train, "cross_entropy", val, options=CheckOptions(frozen=() if buggy else ("0",)))


FAMILY = Family("frozen_by_mistake", "classification", "gradient_flow",
                "https://github.com/r-three/t-few/issues/31", build)
