"""Input noise drawn from a fresh numpy generator in forward: runs cannot be reproduced."""

import numpy as np
import torch
from torch import nn

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


class Noisy(nn.Module):
    def __init__(self, seeded: bool) -> None:
        super().__init__()
        self.seeded, self.body = seeded, mlp()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            noise = torch.randn_like(x) if self.seeded else torch.from_numpy(np.random.default_rng().normal(size=tuple(x.shape))).float()
            x = x + 0.1 * noise
        return self.body(x)


def build(buggy: bool) -> Case:
    train, val = vectors()
    return Case(lambda: Noisy(seeded=not buggy), train, "cross_entropy", val)


FAMILY = Family("unseeded_noise", "classification", "determinism", "recipe", build)
