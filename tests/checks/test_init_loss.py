"""init_loss: the loss of the fresh model against ln C, the prior's entropy, or Var(y)."""

from __future__ import annotations

import math

import torch
from torch import nn

from nnrecipe._checks import check


def init_loss(model, data, loss, **kw):
    return check(model, data, loss, only=["init_loss"], **kw)["init_loss"]


def scaled_head(scale: float) -> nn.Module:
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    with torch.no_grad():
        model[2].weight.mul_(scale)
    return model


def test_overconfident_last_layer_fails(vectors):
    result = init_loss(scaled_head(50.0), vectors, "cross_entropy")
    assert result.status == "fail"
    assert result.details["loss"] > 2 * math.log(4)


def test_default_init_passes_near_ln_c(vectors):
    result = init_loss(scaled_head(1.0), vectors, "cross_entropy")
    assert result.status == "pass"
    assert result.details["expected_high"] == math.log(4)


def test_expected_is_the_prior_entropy_when_imbalanced(vectors):
    X, _ = vectors
    y = (torch.arange(len(X)) % 10 == 0).long()  # 10% positives
    result = init_loss(nn.Linear(16, 2), (X, y), "cross_entropy")
    p = 0.1
    torch.testing.assert_close(result.details["expected_low"], -(p * math.log(p) + (1 - p) * math.log(1 - p)), rtol=0.05, atol=0)


def test_regression_output_on_the_wrong_scale_fails(targets):
    model = nn.Linear(8, 1)
    with torch.no_grad():
        model.weight.mul_(100)
    assert init_loss(model, targets, "mse").status == "fail"


def test_regression_default_init_passes(targets):
    assert init_loss(nn.Linear(8, 1), targets, "mse").status == "pass"
