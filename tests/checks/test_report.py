"""The report: pure data, JSON, and checks that leave the caller's objects alone."""

from __future__ import annotations

import json
import random

import numpy as np
import torch
from torch import nn

from nnrecipe._checks import CheckReport, CheckResult, check


def test_ok_is_false_only_when_a_check_failed():
    warn = CheckResult(name="a", status="warn", measured="m", expected="e")
    fail = CheckResult(name="b", status="fail", measured="m", expected="e")
    assert CheckReport([warn]).ok
    assert not CheckReport([warn, fail]).ok


def test_json_is_valid_and_complete(vectors):
    report = check(nn.Linear(16, 4), vectors, "cross_entropy", only=["init_loss", "causality"])
    data = json.loads(report.to_json())
    assert [r["name"] for r in data["results"]] == ["init_loss", "causality"]
    assert data["ok"] is True
    assert data["counts"] == {"pass": 1, "warn": 0, "fail": 0, "skip": 1}


def test_non_finite_measurements_stay_valid_json():
    result = CheckResult(name="x", status="fail", measured="m", expected="e", details={"loss": float("nan")})
    assert json.loads(CheckReport([result]).to_json())["results"][0]["details"]["loss"] == "nan"


def test_rows_are_plain_strings(vectors):
    rows = check(nn.Linear(16, 4), vectors, "cross_entropy", only=["init_loss"]).rows()
    assert set(rows[0]) == {"check", "status", "measured", "expected", "fix", "seconds"}
    assert all(isinstance(v, str) for v in rows[0].values())


def test_model_data_and_random_state_are_left_alone(vectors):
    model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 4))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    X, y = vectors
    X_before, y_before = X.clone(), y.clone()
    torch.manual_seed(123)
    random.seed(1)
    np.random.seed(1)
    expected = torch.rand(3), random.random(), np.random.rand()
    torch.manual_seed(123)
    random.seed(1)
    np.random.seed(1)
    check(model, (X, y), "cross_entropy", fix_init=True, skip=["lr_range"])
    torch.testing.assert_close(torch.rand(3), expected[0])
    assert (random.random(), np.random.rand()) == expected[1:]
    for k, v in model.state_dict().items():
        torch.testing.assert_close(v, before[k])
    assert torch.equal(X, X_before) and torch.equal(y, y_before)
    assert model.training


def test_seconds_are_recorded(vectors):
    result = check(nn.Linear(16, 4), vectors, "cross_entropy", only=["determinism"])["determinism"]
    assert result.seconds > 0
