"""output_semantics: the loss gets what it expects, and each example's loss uses only its own target."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from nnrecipe._checks import check


def semantics(model, data, loss, **kw):
    return check(model, data, loss, only=["output_semantics"], **kw)["output_semantics"]


def classifier(final: nn.Module | None = None) -> nn.Module:
    layers = [nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4)]
    return nn.Sequential(*layers, *([final] if final is not None else []))


def broadcasting_mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((out - y) ** 2).mean()  # (B, 1) - (B,) is (B, B)


def shaped_mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((out.squeeze(-1) - y) ** 2).mean()


def test_probabilities_into_cross_entropy_fail(vectors):
    result = semantics(classifier(nn.Softmax(dim=1)), vectors, "cross_entropy")
    assert result.status == "fail"
    assert "probabilities" in result.measured


def test_probabilities_into_a_user_softmax_loss_fail(vectors):
    result = semantics(classifier(nn.Softmax(dim=1)), vectors, lambda out, y: F.cross_entropy(out, y))
    assert result.status == "fail"


def test_logits_into_cross_entropy_pass(vectors):
    assert semantics(classifier(), vectors, "cross_entropy").status == "pass"


def test_log_probabilities_into_nll_pass(vectors):
    assert semantics(classifier(nn.LogSoftmax(dim=1)), vectors, "nll").status == "pass"


def test_logits_into_nll_fail(vectors):
    assert semantics(classifier(), vectors, "nll").status == "fail"


def test_broadcasting_user_mse_fails(targets):
    result = semantics(nn.Linear(8, 1), targets, broadcasting_mse)
    assert result.status == "fail"
    assert "broadcast" in result.why


def test_shaped_user_mse_passes(targets):
    assert semantics(nn.Linear(8, 1), targets, shaped_mse).status == "pass"


def test_named_mse_reshapes_instead_of_broadcasting(targets):
    assert semantics(nn.Linear(8, 1), targets, "mse").status == "pass"


def test_labels_beyond_the_outputs_fail(vectors):
    X, y = vectors
    result = semantics(classifier(), (X, y + 1), "cross_entropy")  # labels 1..4, 4 outputs
    assert result.status == "fail"
    assert "labels span 1..4" in result.measured


def test_sigmoid_into_bce_with_logits_fails(vectors):
    X, y = vectors
    model = nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())
    result = semantics(model, (X, (y == 0).float()), "bce_with_logits")
    assert result.status == "fail"


def test_logits_into_bce_with_logits_pass(vectors):
    X, y = vectors
    assert semantics(nn.Linear(16, 1), (X, (y == 0).float()), "bce_with_logits").status == "pass"


def test_loss_that_ignores_targets_fails(vectors):
    result = semantics(classifier(), vectors, lambda out, y: out.pow(2).mean())
    assert result.status == "fail"
    assert "did not change its loss gradient" in result.measured
