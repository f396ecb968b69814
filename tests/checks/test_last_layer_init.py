"""last_layer_init and fix_last_layer_init: the output bias the targets call for."""

from __future__ import annotations

import math

import torch
from torch import nn

from nnrecipe._checks import check, fix_last_layer_init


def last_layer(model, data, loss, **kw):
    return check(model, data, loss, only=["last_layer_init"], **kw)["last_layer_init"]


def test_regression_far_from_the_target_mean_fails(targets):
    X, y = targets
    result = last_layer(nn.Linear(8, 1), (X, y + 100), "mse")
    assert result.status == "fail"
    torch.testing.assert_close(result.details["suggested_bias"][0], float((y + 100).mean()), rtol=1e-4, atol=1e-4)


def test_fix_init_makes_it_pass(targets):
    X, y = targets
    assert last_layer(nn.Linear(8, 1), (X, y + 100), "mse", fix_init=True).status == "pass"


def test_balanced_classes_pass(vectors):
    assert last_layer(nn.Linear(16, 4), vectors, "cross_entropy").status == "pass"


def test_imbalanced_classes_warn(vectors):
    X, _ = vectors
    y = (torch.arange(len(X)) % 10 == 0).long()  # 10% positives
    model = nn.Linear(16, 2)
    with torch.no_grad():
        model.bias.zero_()
    assert last_layer(model, (X, y), "cross_entropy").status == "warn"


def test_helper_sets_the_log_prior_in_place(vectors):
    X, _ = vectors
    y = torch.tensor([0] * 384 + [1] * 128)
    model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
    fix = fix_last_layer_init(model, (X, y))
    assert fix.layer == "2"
    torch.testing.assert_close(float((model[2].bias[0] - model[2].bias[1]).detach()), math.log(3.0))


def test_helper_sets_the_logit_of_the_positive_rate(vectors):
    X, _ = vectors
    y = (torch.arange(len(X)) % 4 == 0).float()
    model = nn.Linear(16, 1)
    fix_last_layer_init(model, (X, y), "binary")
    torch.testing.assert_close(float(model.bias.detach()), math.log(0.25 / 0.75))


def test_helper_explains_a_model_without_output_layer(vectors):
    class NoLayer(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x[:, :4]

    try:
        fix_last_layer_init(NoLayer(), vectors)
    except ValueError as e:
        assert "no linear or convolution layer" in str(e)
    else:
        raise AssertionError("expected ValueError")
