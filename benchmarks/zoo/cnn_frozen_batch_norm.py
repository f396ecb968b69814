"""A CNN whose batch-norm momentum is 0: running statistics never move from 0 and 1.

The clean twin is the reference residual CNN with batch norm as it should be.
"""

from torch import nn

from nnrecipe import models

from ._case import Case, Family
from ._data import images


def build(buggy: bool) -> Case:
    train, val = images()

    def model() -> nn.Module:
        net = models.CNN2d(1, 4, width=8, blocks=2)
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d) and buggy:
                m.momentum = 0.0
        return net

    return Case(model, train, "cross_entropy", val)


FAMILY = Family("cnn_frozen_batch_norm", "images", "layer_use",
                "https://github.com/HomericIntelligence/Odyssey/issues/5532", build)
