"""A reshape where a permute was meant: (B, C, L) viewed as (L, B, C) scrambles examples together."""

from ._case import Case, Family
from ._data import sequences
from ._models import TimeMajorCNN


def build(buggy: bool) -> Case:
    train, val = sequences()
    return Case(lambda: TimeMajorCNN(buggy=buggy), train, "cross_entropy", val)


FAMILY = Family("view_instead_of_permute", "sequence classification", "batch_independence",
                "https://github.com/jsbaan/transformer-from-scratch/pull/6", build)
