"""input_independent_baseline: real inputs must do clearly better than zeroed inputs on held-out data."""

from __future__ import annotations

import torch
from torch import nn

from nnrecipe._checks._baseline import gap
from nnrecipe._checks._short_run import Evaluation


class Net(nn.Module):
    def __init__(self, gate: float = 1.0) -> None:
        super().__init__()
        self.gate = gate
        self.net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x * self.gate)


def baseline(run_check, model, data, **kw):
    return run_check("input_independent_baseline", model, data, "cross_entropy", **kw)


def test_input_multiplied_by_zero_fails(vectors, run_check):
    result = baseline(run_check, Net(gate=0.0), vectors)
    assert result.status == "fail"
    assert result.details["real_loss"] == result.details["zero_loss"]


def test_real_inputs_pass(vectors, run_check):
    result = baseline(run_check, Net(), vectors)
    assert result.status == "pass"
    assert result.details["real_accuracy"] > result.details["zero_accuracy"] + 0.2


def test_labels_shuffled_apart_from_inputs_fail(vectors, run_check):
    X, y = vectors
    shuffled = y[torch.randperm(len(y), generator=torch.Generator().manual_seed(5))]
    assert baseline(run_check, Net(), (X, shuffled)).status == "fail"


def test_uses_the_validation_data_when_given(vectors, run_check):
    X, y = vectors
    result = baseline(run_check, Net(), (X[:384], y[:384]), val=(X[384:], y[384:]))
    assert result.details["evaluated_on"] == "validation sample"
    assert result.status == "pass"


def test_a_significant_but_tiny_gain_is_not_clearly_better():
    zero = Evaluation([1.0 + 0.001 * (i % 7) for i in range(4000)], None)
    real = Evaluation([v - 0.002 for v in zero.losses], None)  # 0.2% better on every one of 4000 examples
    found = gap(real, zero)
    assert found.z > 3
    assert not found.clear
    torch.testing.assert_close(found.relative, 0.002, rtol=0.01, atol=0)


def test_a_slow_learner_cut_by_the_time_budget_is_never_a_fail(vectors, run_check):
    """The verdict does not depend on the machine's speed: a deep plain MLP that learns slowly
    passes with enough steps, and a run the budget cut short says so with a warn."""
    layers: list[nn.Module] = [nn.Linear(16, 48), nn.ReLU()]
    for _ in range(6):
        layers += [nn.Linear(48, 48), nn.ReLU()]
    torch.manual_seed(0)
    model = nn.Sequential(*layers, nn.Linear(48, 4))
    for budget in (0.2, 5.0):
        result = baseline(run_check, model, vectors, budget=budget)
        assert result.status in ("pass", "warn"), (budget, result.measured)
        if result.status == "warn" and "cut by the time budget" in result.summary:
            assert "raise --budget" in result.measured
