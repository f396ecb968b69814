"""init_loss: the fresh model's loss against what the loss as configured gives for uniform or prior outputs."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nnrecipe


def init_loss(run_check, model, data, loss, **kw):
    return run_check("init_loss", model, data, loss, **kw)


def scaled_head(scale: float) -> nn.Module:
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    with torch.no_grad():
        model[2].weight.mul_(scale)
    return model


def test_overconfident_last_layer_fails(vectors, run_check):
    result = init_loss(run_check, scaled_head(50.0), vectors, "cross_entropy")
    assert result.status == "fail"
    assert result.details["loss"] > 2 * math.log(4)


def test_default_init_passes_near_ln_c(vectors, run_check):
    result = init_loss(run_check, scaled_head(1.0), vectors, "cross_entropy")
    assert result.status == "pass"
    torch.testing.assert_close(result.details["expected_high"], math.log(4), rtol=1e-5, atol=0)


def test_expected_is_the_prior_entropy_when_imbalanced(vectors, run_check):
    X, _ = vectors
    y = (torch.arange(len(X)) % 10 == 0).long()  # 10% positives
    result = init_loss(run_check, nn.Linear(16, 2), (X, y), "cross_entropy")
    p = 0.1
    torch.testing.assert_close(result.details["expected_low"], -(p * math.log(p) + (1 - p) * math.log(1 - p)), rtol=0.1, atol=0)


@pytest.mark.parametrize(
    "loss",
    [
        lambda out, y: F.cross_entropy(out, y, reduction="sum"),
        lambda out, y: F.cross_entropy(out, y, weight=torch.tensor([1.0, 5.0, 1.0, 0.2])),
        lambda out, y: F.cross_entropy(out, y, label_smoothing=0.2),
    ],
    ids=["sum", "class-weights", "smoothing"],
)
def test_expected_values_come_from_the_loss_as_configured(vectors, run_check, loss):
    assert init_loss(run_check, scaled_head(1.0), vectors, loss).status == "pass"


def test_config_label_smoothing_reaches_the_named_loss(vectors, run_check):
    config = nnrecipe.TrainConfig(label_smoothing=0.3)
    assert init_loss(run_check, scaled_head(1.0), vectors, "cross_entropy", config=config).status == "pass"


def test_ignored_padding_targets_do_not_count(run_check):
    tokens = torch.randint(0, 8, (64, 10), generator=torch.Generator().manual_seed(0))
    targets = tokens.clone()
    targets[:, 7:] = -100  # padding, ignored by the loss
    model = nn.Sequential(nn.Embedding(8, 16), nn.Linear(16, 8))
    assert init_loss(run_check, model, (tokens, targets), "cross_entropy").status == "pass"


def test_regression_output_on_the_wrong_scale_fails(targets, run_check):
    model = nn.Linear(8, 1)
    with torch.no_grad():
        model.weight.mul_(100)
    assert init_loss(run_check, model, targets, "mse").status == "fail"


def test_regression_default_init_passes(targets, run_check):
    assert init_loss(run_check, nn.Linear(8, 1), targets, "mse").status == "pass"
