"""loss_decreases: a short run with the user's optimizer lowers the training loss."""

from __future__ import annotations

import torch
from torch import nn

import nnrecipe
from nnrecipe._checks import check


def mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))


def decreases(data, **kw):
    return check(mlp(), data, "cross_entropy", only=["loss_decreases"], **kw)["loss_decreases"]


def test_default_adam_passes(vectors):
    assert decreases(vectors).status == "pass"


def test_user_optimizer_passes(vectors):
    assert decreases(vectors, optimizer=lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)).status == "pass"


def test_divergence_fails_with_its_step(vectors):
    result = decreases(vectors, optimizer=lambda p: torch.optim.SGD(p, lr=1e4))
    assert result.status == "fail"
    assert result.details["diverged_at"] is not None
    assert f"at step {result.details['diverged_at']}" in result.measured


def test_learning_rate_too_small_fails(vectors):
    result = decreases(vectors, optimizer=lambda p: torch.optim.SGD(p, lr=1e-9))
    assert result.status == "fail"
    assert abs(result.details["relative_drop"]) < 0.01


def test_gradient_ascent_fails(vectors):
    result = decreases(vectors, optimizer=lambda p: torch.optim.SGD(p, lr=0.05, maximize=True))
    assert result.status == "fail"


def test_the_config_optimizer_is_used(vectors):
    # The short runs train with the optimizer the config names, as nnrecipe.fit would.
    assert decreases(vectors, config=nnrecipe.TrainConfig(optimizer="sgd", lr=0.5, momentum=0.0)).status == "pass"
    assert decreases(vectors, config=nnrecipe.TrainConfig(optimizer="sgd", lr=1e-9)).status == "fail"
