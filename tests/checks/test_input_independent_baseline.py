"""input_independent_baseline: real inputs must beat zeroed inputs on held-out data."""

from __future__ import annotations

import torch
from torch import nn

from nnrecipe._checks import check


class Net(nn.Module):
    def __init__(self, gate: float = 1.0) -> None:
        super().__init__()
        self.gate = gate
        self.net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x * self.gate)


def baseline(model, data, **kw):
    return check(model, data, "cross_entropy", only=["input_independent_baseline"], **kw)["input_independent_baseline"]


def test_input_multiplied_by_zero_fails(vectors):
    result = baseline(Net(gate=0.0), vectors)
    assert result.status == "fail"
    assert result.details["real_loss"] == result.details["zero_loss"]


def test_real_inputs_pass(vectors):
    result = baseline(Net(), vectors)
    assert result.status == "pass"
    assert result.details["real_accuracy"] > result.details["zero_accuracy"] + 0.2


def test_labels_shuffled_apart_from_inputs_fail(vectors):
    X, y = vectors
    shuffled = y[torch.randperm(len(y), generator=torch.Generator().manual_seed(5))]
    assert baseline(Net(), (X, shuffled)).status == "fail"


def test_uses_the_validation_data_when_given(vectors):
    X, y = vectors
    result = baseline(Net(), (X[:384], y[:384]), val=(X[384:], y[384:]))
    assert result.details["evaluated_on"] == "validation sample"
    assert result.status == "pass"
