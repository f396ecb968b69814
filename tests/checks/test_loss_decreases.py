"""loss_decreases: a short run with the user's optimizer lowers the training loss, and not below its floor."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

import nnrecipe


def mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))


def decreases(run_check, data, loss="cross_entropy", **kw):
    return run_check("loss_decreases", mlp(), data, loss, **kw)


def test_default_adam_passes(vectors, run_check):
    assert decreases(run_check, vectors).status == "pass"


def test_user_optimizer_passes(vectors, run_check):
    assert decreases(run_check, vectors, optimizer=lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)).status == "pass"


def test_divergence_fails_with_its_step(vectors, run_check):
    result = decreases(run_check, vectors, optimizer=lambda p: torch.optim.SGD(p, lr=1e4))
    assert result.status == "fail"
    assert result.details["diverged_at"] is not None
    assert f"at step {result.details['diverged_at']}" in result.measured


def test_learning_rate_too_small_fails(vectors, run_check):
    result = decreases(run_check, vectors, optimizer=lambda p: torch.optim.SGD(p, lr=1e-9))
    assert result.status == "fail"
    assert abs(result.details["relative_drop"]) < 0.01


def test_gradient_ascent_fails(vectors, run_check):
    assert decreases(run_check, vectors, optimizer=lambda p: torch.optim.SGD(p, lr=0.05, maximize=True)).status == "fail"


def test_nll_of_unnormalised_outputs_runs_below_its_floor(vectors, run_check):
    result = decreases(run_check, vectors, lambda out, y: F.nll_loss(out, y))  # logits, no log_softmax
    assert result.status == "fail"
    assert "below 0" in result.measured


def test_the_config_optimizer_is_used(vectors, run_check):
    # The short runs train with the optimizer the config names, as nnrecipe.fit would.
    assert decreases(run_check, vectors, config=nnrecipe.TrainConfig(optimizer="sgd", lr=0.5, momentum=0.0)).status == "pass"
    assert decreases(run_check, vectors, config=nnrecipe.TrainConfig(optimizer="sgd", lr=1e-9)).status == "fail"
