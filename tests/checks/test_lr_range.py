"""lr_range: an exponential learning-rate sweep that suggests a rate; information, never a failure."""

from __future__ import annotations

import math

import torch
from torch import nn

from nnrecipe._checks._lr_range import suggest_lr


def mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))


def test_suggests_a_rate_within_the_sweep(vectors, run_check):
    result = run_check("lr_range", mlp(), vectors, "cross_entropy")
    assert result.status == "pass"
    assert 1e-6 < result.details["suggested_lr"] < 1.0


def test_no_learning_rate_that_helps_withholds_the_suggestion_without_failing(vectors, run_check):
    stray = nn.Parameter(torch.zeros(1))
    result = run_check("lr_range", mlp(), vectors, "cross_entropy", optimizer=lambda params: torch.optim.SGD([stray], lr=0.1))
    assert result.status == "pass"
    assert result.details["suggested_lr"] is None
    assert "suggestion withheld" in result.measured


def test_a_loss_already_at_its_floor_withholds_the_suggestion(targets, run_check):
    X, _ = targets
    noise = torch.randn(len(X), generator=torch.Generator().manual_seed(9))  # nothing to learn: the mean is the best
    model = nn.Linear(8, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.fill_(float(noise.mean()))
    result = run_check("lr_range", model, (X, noise), "mse")
    assert result.status == "pass"
    assert result.details["suggested_lr"] is None


def test_a_sweep_cut_by_the_budget_says_so(vectors, run_check):
    result = run_check("lr_range", mlp(), vectors, "cross_entropy", budget=1e-4)
    assert result.status == "pass"
    assert result.details["cut_by_budget"] is True
    assert "time budget cut the sweep" in result.measured


def test_suggestion_is_a_tenth_of_the_minimum():
    lrs = [10 ** (-6 + i / 10) for i in range(60)]
    losses = [2.0 - math.exp(-((i - 40) ** 2) / 50) for i in range(60)]  # lowest at lrs[40]
    suggestion, _, drop = suggest_lr(lrs, losses, beta=0.0)
    torch.testing.assert_close(suggestion, lrs[40] / 10)
    assert drop > 0.4


def test_no_suggestion_when_the_loss_never_falls():
    suggestion, _, _ = suggest_lr([1e-3, 1e-2, 1e-1], [1.0, 1.0, 1.0])
    assert suggestion is None
