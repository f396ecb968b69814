"""last_layer_init and fix_last_layer_init: the output bias the targets call for."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from nnrecipe import ConfigError
from nnrecipe._checks import fix_last_layer_init


def last_layer(run_check, model, data, loss, **kw):
    return run_check("last_layer_init", model, data, loss, **kw)


def test_regression_far_from_the_target_mean_fails(targets, run_check):
    X, y = targets
    result = last_layer(run_check, nn.Linear(8, 1), (X, y + 100), "mse")
    assert result.status == "fail"
    torch.testing.assert_close(result.details["suggested_bias"][0], float((y + 100).mean()), rtol=1e-4, atol=1e-4)


def test_fix_init_makes_it_pass(targets, run_check):
    X, y = targets
    assert last_layer(run_check, nn.Linear(8, 1), (X, y + 100), "mse", fix_init=True).status == "pass"


def test_balanced_classes_pass(vectors, run_check):
    assert last_layer(run_check, nn.Linear(16, 4), vectors, "cross_entropy").status == "pass"


def test_imbalanced_classes_warn(vectors, run_check):
    X, _ = vectors
    y = (torch.arange(len(X)) % 10 == 0).long()  # 10% positives
    model = nn.Linear(16, 2)
    with torch.no_grad():
        model.bias.zero_()
    assert last_layer(run_check, model, (X, y), "cross_entropy").status == "warn"


def test_an_output_layer_without_bias_near_uniform_passes(run_check):
    """Tied embeddings have no output bias by design: no warning while the loss at init is where it should be."""
    g = torch.Generator().manual_seed(0)
    tokens = torch.multinomial(torch.tensor([8.0, 4.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0]), 640, replacement=True, generator=g)
    tokens = tokens.reshape(64, 10)

    class Tied(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(8, 16)
            nn.init.normal_(self.embed.weight, std=0.02)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.embed(x) @ self.embed.weight.T

    result = last_layer(run_check, Tied(), (tokens[:, :-1], tokens[:, 1:]), "cross_entropy")
    assert result.status == "pass"
    assert result.details["has_bias"] is False


def test_an_output_layer_without_bias_far_from_the_prior_warns(vectors, run_check):
    X, _ = vectors
    y = (torch.arange(len(X)) % 50 == 0).long()  # 2% positives
    assert last_layer(run_check, nn.Linear(16, 2, bias=False), (X, y), "cross_entropy").status == "warn"


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

    with pytest.raises(ConfigError, match="no linear or convolution layer"):
        fix_last_layer_init(NoLayer(), vectors)
