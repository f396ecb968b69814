"""lr_range: an exponential learning-rate sweep that suggests a rate, or fails when none helps."""

from __future__ import annotations

import math

import torch
from torch import nn

from nnrecipe._checks import check
from nnrecipe._checks._lr_range import suggest_lr


def mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))


def test_suggests_a_rate_within_the_sweep(vectors):
    result = check(mlp(), vectors, "cross_entropy", only=["lr_range"])["lr_range"]
    assert result.status == "pass"
    assert 1e-6 < result.details["suggested_lr"] < 1.0


def test_optimizer_that_holds_no_model_parameter_fails(vectors):
    stray = nn.Parameter(torch.zeros(1))
    result = check(mlp(), vectors, "cross_entropy", optimizer=lambda params: torch.optim.SGD([stray], lr=0.1),
                   only=["lr_range"])["lr_range"]
    assert result.status == "fail"


def test_suggestion_is_a_tenth_of_the_minimum():
    lrs = [10 ** (-6 + i / 10) for i in range(60)]
    losses = [2.0 - math.exp(-((i - 40) ** 2) / 50) for i in range(60)]  # lowest at lrs[40]
    suggestion, smooth, drop = suggest_lr(lrs, losses, beta=0.0)
    torch.testing.assert_close(suggestion, lrs[40] / 10)
    assert drop > 0.4


def test_no_suggestion_when_the_loss_never_falls():
    suggestion, _, _ = suggest_lr([1e-3, 1e-2, 1e-1], [1.0, 1.0, 1.0])
    assert suggestion is None
