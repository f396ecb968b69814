"""determinism: two short runs from the same seed give identical losses."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from nnrecipe._checks import check


class NoisyNet(nn.Module):
    """Training-time input noise from an unseeded generator (buggy) or torch's seeded one (clean)."""

    def __init__(self, seeded: bool) -> None:
        super().__init__()
        self.seeded = seeded
        self.net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            noise = torch.randn_like(x) if self.seeded else torch.from_numpy(np.random.default_rng().normal(size=tuple(x.shape))).float()
            x = x + 0.1 * noise
        return self.net(x)


def test_unseeded_randomness_fails(vectors):
    result = check(NoisyNet(seeded=False), vectors, "cross_entropy", only=["determinism"])["determinism"]
    assert result.status == "fail"
    assert result.details["first_difference"] == 0


def test_seeded_randomness_passes(vectors):
    assert check(NoisyNet(seeded=True), vectors, "cross_entropy", only=["determinism"])["determinism"].status == "pass"


def test_a_factory_is_seeded_too(vectors):
    result = check(lambda: NoisyNet(seeded=True), vectors, "cross_entropy", only=["determinism"])["determinism"]
    assert result.status == "pass"
