"""A sigmoid output fed to BCEWithLogitsLoss: sigmoid twice, predictions stuck between 0.5 and 0.73."""

from torch import nn

from ._case import Case, Family
from ._data import binary


def build(buggy: bool) -> Case:
    train, val = binary()
    return Case(lambda: nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 1), *([nn.Sigmoid()] if buggy else [])),
                train, "bce_with_logits", val)


FAMILY = Family("double_sigmoid", "binary", "output_semantics", "https://github.com/tflearn/tflearn/pull/562", build)
