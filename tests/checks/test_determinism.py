"""determinism: a factory builds the same weights under one seed; two short runs give identical losses."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


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


class NumpyInit(nn.Module):
    """Weights drawn from numpy's global generator (unseeded by the trainer) or from torch's."""

    def __init__(self, seeded: bool) -> None:
        super().__init__()
        self.lin = nn.Linear(16, 4)
        if not seeded:
            with torch.no_grad():
                self.lin.weight.copy_(torch.from_numpy(np.random.normal(0, 0.1, (4, 16))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lin(x)


def test_unseeded_randomness_fails(vectors, run_check):
    result = run_check("determinism", NoisyNet(seeded=False), vectors, "cross_entropy")
    assert result.status == "fail"
    assert result.details["first_difference"] == 0


def test_seeded_randomness_passes(vectors, run_check):
    assert run_check("determinism", NoisyNet(seeded=True), vectors, "cross_entropy").status == "pass"


def test_a_factory_is_seeded_too(vectors, run_check):
    assert run_check("determinism", lambda: NoisyNet(seeded=True), vectors, "cross_entropy").status == "pass"


def test_a_factory_with_unseeded_initialisation_fails(vectors, run_check):
    result = run_check("determinism", lambda: NumpyInit(seeded=False), vectors, "cross_entropy")
    assert result.status == "fail"
    assert result.details["init_differs"] == ["lin.weight"]


def test_a_factory_with_torch_initialisation_passes(vectors, run_check):
    assert run_check("determinism", lambda: NumpyInit(seeded=True), vectors, "cross_entropy").status == "pass"
