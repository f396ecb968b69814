"""The report is pure data; check() leaves the caller's model, data and random state exactly as they were."""

from __future__ import annotations

import functools
import json
import random

import numpy as np
import pytest
import torch
from torch import nn

from nnrecipe._checks import CheckOptions, CheckReport, CheckResult, check, select_checks


class ClosureGPTBlock(nn.Module):
    """minGPT-style code that stores a lambda and a partial referring to its own submodules.

    ``copy.deepcopy`` keeps these callables as they are, so a deep copy would still run (and
    train) the original's layers.
    """

    def __init__(self) -> None:
        super().__init__()
        self.fc, self.proj, self.head = nn.Linear(16, 32), nn.Linear(32, 16), nn.Linear(16, 4)
        self.ln = nn.LayerNorm(16)
        self.mlpf = lambda x: self.proj(torch.relu(self.fc(x)))
        self.out = functools.partial(self._head, scale=1.0)

    def _head(self, x: torch.Tensor, scale: float) -> torch.Tensor:
        return self.head(x) * scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(x + self.mlpf(self.ln(x)))


def test_ok_is_false_only_when_a_check_failed():
    warn = CheckResult(name="a", status="warn", measured="m", expected="e")
    fail = CheckResult(name="b", status="fail", measured="m", expected="e")
    assert CheckReport([warn]).ok
    assert not CheckReport([warn, fail]).ok


def test_json_is_valid_and_complete(vectors, run_checks):
    report = run_checks(["init_loss", "causality"], nn.Linear(16, 4), vectors, "cross_entropy")
    data = json.loads(report.to_json())
    assert [r["name"] for r in data["results"]] == ["init_loss", "causality"]
    assert data["ok"] is True
    assert data["counts"] == {"pass": 1, "warn": 0, "fail": 0, "skip": 1}


def test_non_finite_measurements_stay_valid_json():
    result = CheckResult(name="x", status="fail", measured="m", expected="e", details={"loss": float("nan")})
    assert json.loads(CheckReport([result]).to_json())["results"][0]["details"]["loss"] == "nan"


def test_rows_are_plain_strings(vectors, run_checks):
    rows = run_checks(["init_loss"], nn.Linear(16, 4), vectors, "cross_entropy").rows()
    assert set(rows[0]) == {"check", "status", "summary", "measured", "expected", "why", "fix", "seconds"}
    assert all(isinstance(v, str) for v in rows[0].values())


def test_phrases_are_short_and_cut_at_a_word():
    result = CheckResult(name="x", status="pass", measured="a fairly long measurement that goes on and on for a while",
                         expected="e")
    assert result.phrase(30) == "a fairly long measurement…"


def _state(model: nn.Module) -> tuple[dict[str, torch.Tensor], dict[str, object], dict[str, bool], dict[str, bool]]:
    grads = {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}
    return ({k: v.clone() for k, v in model.state_dict().items()}, grads,
            {n: m.training for n, m in model.named_modules()}, {n: p.requires_grad for n, p in model.named_parameters()})


def test_the_callers_model_comes_back_exactly_as_it_was(vectors):
    model = ClosureGPTBlock()
    model.fc.weight.grad = torch.ones_like(model.fc.weight)  # a gradient the caller left there stays
    model.ln.eval()  # mixed train/eval flags stay as they were
    model.head.bias.requires_grad_(False)
    before = _state(model)
    report = check(model, vectors, "cross_entropy", options=CheckOptions(fix_init=True), checks=select_checks(skip=["lr_range"]))
    after = _state(model)
    for k, v in before[0].items():
        torch.testing.assert_close(after[0][k], v)
    assert {n for n, g in after[1].items() if g is None} == {n for n, g in before[1].items() if g is None}
    torch.testing.assert_close(model.fc.weight.grad, torch.ones_like(model.fc.weight))
    assert after[2:] == before[2:]
    assert report["gradient_flow"].details["no_grad"] == []  # the closures train this model, not a stale original


def test_a_model_with_closures_gets_no_false_alarm(vectors):
    report = check(ClosureGPTBlock(), vectors, "cross_entropy", checks=select_checks(skip=["lr_range"]))
    assert report.ok, [(r.name, r.measured) for r in report.failed]


def test_data_and_random_state_are_left_alone(vectors):
    X, y = vectors
    X_before, y_before = X.clone(), y.clone()
    model = nn.Linear(16, 4)
    torch.manual_seed(123)
    random.seed(1)
    np.random.seed(1)
    expected = torch.rand(3), random.random(), np.random.rand()
    torch.manual_seed(123)
    random.seed(1)
    np.random.seed(1)
    check(model, (X, y), "cross_entropy", checks=select_checks(only=["determinism", "loss_decreases"]))
    torch.testing.assert_close(torch.rand(3), expected[0])
    assert (random.random(), np.random.rand()) == expected[1:]
    assert torch.equal(X, X_before) and torch.equal(y, y_before)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_random_state_is_left_alone(vectors):
    model = nn.Linear(16, 4).cuda()
    torch.cuda.manual_seed_all(7)
    expected = torch.rand(3, device="cuda")
    torch.cuda.manual_seed_all(7)
    check(model, vectors, "cross_entropy", checks=select_checks(only=["determinism", "loss_decreases"]))
    torch.testing.assert_close(torch.rand(3, device="cuda"), expected)


def test_seconds_are_recorded(vectors, run_check):
    assert run_check("determinism", nn.Linear(16, 4), vectors, "cross_entropy").seconds > 0
