"""output_semantics: the loss gets what it expects, fits the task, and example i's loss uses only target i."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn


def semantics(run_check, model, data, loss, **kw):
    return run_check("output_semantics", model, data, loss, **kw)


def classifier(final: nn.Module | None = None) -> nn.Module:
    layers = [nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4)]
    return nn.Sequential(*layers, *([final] if final is not None else []))


def broadcasting_mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((out - y) ** 2).mean()  # (B, 1) - (B,) is (B, B)


def shaped_mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((out.squeeze(-1) - y) ** 2).mean()


def test_probabilities_into_cross_entropy_fail(vectors, run_check):
    result = semantics(run_check, classifier(nn.Softmax(dim=1)), vectors, "cross_entropy")
    assert result.status == "fail"
    assert "probabilities" in result.measured


def test_probabilities_into_a_user_softmax_loss_fail(vectors, run_check):
    assert semantics(run_check, classifier(nn.Softmax(dim=1)), vectors, lambda out, y: F.cross_entropy(out, y)).status == "fail"


def test_logits_into_cross_entropy_pass(vectors, run_check):
    assert semantics(run_check, classifier(), vectors, "cross_entropy").status == "pass"


def test_log_probabilities_into_nll_pass(vectors, run_check):
    assert semantics(run_check, classifier(nn.LogSoftmax(dim=1)), vectors, "nll").status == "pass"


@pytest.mark.parametrize(
    ("final", "loss"),
    [
        (None, "nll"),  # logits: -logit is unbounded below
        (nn.Softmax(dim=1), "nll"),  # probabilities: -p lies in [-1, 0]
        (None, lambda out, y: -F.cross_entropy(out, y)),  # the sign flipped
    ],
    ids=["nll-on-logits", "nll-on-probabilities", "negated-cross-entropy"],
)
def test_a_likelihood_loss_below_its_floor_fails(vectors, run_check, final, loss):
    result = semantics(run_check, classifier(final), vectors, loss)
    assert result.status == "fail"
    assert "below 0" in result.measured


def test_a_regression_loss_on_class_indices_fails(vectors, run_check):
    result = semantics(run_check, classifier(), vectors, lambda out, y: F.mse_loss(out, y.float().unsqueeze(1).expand_as(out)))
    assert result.status == "fail"
    assert "no better" in result.measured


def test_a_binary_loss_on_multiclass_labels_fails(vectors, run_check):
    X, y = vectors
    result = semantics(run_check, nn.Linear(16, 1), (X, y.float()), "bce_with_logits")
    assert result.status == "fail"
    assert "targets spanning 0..3" in result.measured


def test_a_class_loss_on_regression_targets_fails(targets, run_check):
    result = semantics(run_check, nn.Linear(8, 4), targets, "cross_entropy")
    assert result.status == "fail"
    assert "float targets" in result.measured


def test_a_negated_regression_loss_fails(targets, run_check):
    result = semantics(run_check, nn.Linear(8, 1), targets, lambda out, y: -F.mse_loss(out.squeeze(-1), y))
    assert result.status == "fail"
    assert "prefers wrong predictions" in result.summary


def test_kl_div_with_swapped_arguments_fails(vectors, run_check):
    X, y = vectors
    soft = F.softmax(F.one_hot(y, 4).float() * 2, dim=1)
    result = semantics(run_check, classifier(), (X, soft), lambda out, t: F.kl_div(t, F.log_softmax(out, 1), reduction="batchmean"))
    assert result.status == "fail"


@pytest.mark.parametrize(
    "loss",
    [
        lambda out, y: F.cross_entropy(out, y, label_smoothing=0.1),
        lambda out, y: F.cross_entropy(out, y, weight=torch.tensor([1.0, 3.0, 1.0, 0.5])),
        lambda out, y: F.cross_entropy(out, y, reduction="sum"),
    ],
    ids=["smoothing", "weights", "sum"],
)
def test_configured_class_losses_pass(vectors, run_check, loss):
    assert semantics(run_check, classifier(), vectors, loss).status == "pass"


def test_soft_targets_pass(vectors, run_check):
    X, y = vectors
    soft = F.softmax(F.one_hot(y, 4).float() * 2, dim=1)
    assert semantics(run_check, classifier(), (X, soft), "cross_entropy").status == "pass"


def test_ignored_padding_labels_pass(run_check):
    tokens = torch.randint(0, 8, (64, 10), generator=torch.Generator().manual_seed(0))
    targets = tokens.clone()
    targets[:, 7:] = -100
    model = nn.Sequential(nn.Embedding(8, 16), nn.Linear(16, 8))
    result = semantics(run_check, model, (tokens, targets), "cross_entropy")
    assert result.status == "pass"
    assert result.details["label_range"] == [-100, 7]


def test_broadcasting_user_mse_fails(targets, run_check):
    result = semantics(run_check, nn.Linear(8, 1), targets, broadcasting_mse)
    assert result.status == "fail"
    assert "broadcast" in result.why


def test_shaped_user_mse_passes(targets, run_check):
    assert semantics(run_check, nn.Linear(8, 1), targets, shaped_mse).status == "pass"


def test_named_mse_reshapes_instead_of_broadcasting(targets, run_check):
    assert semantics(run_check, nn.Linear(8, 1), targets, "mse").status == "pass"


def test_labels_beyond_the_outputs_fail(vectors, run_check):
    X, y = vectors
    result = semantics(run_check, classifier(), (X, y + 1), "cross_entropy")  # labels 1..4, 4 outputs
    assert result.status == "fail"
    assert "labels span 1..4" in result.measured


def test_sigmoid_into_bce_with_logits_fails(vectors, run_check):
    X, y = vectors
    model = nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())
    assert semantics(run_check, model, (X, (y == 0).float()), "bce_with_logits").status == "fail"


def test_logits_into_bce_with_logits_pass(vectors, run_check):
    X, y = vectors
    assert semantics(run_check, nn.Linear(16, 1), (X, (y == 0).float()), "bce_with_logits").status == "pass"


def test_probabilities_into_bce_pass(vectors, run_check):
    X, y = vectors
    model = nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())
    assert semantics(run_check, model, (X, (y == 0).float()), "bce").status == "pass"


def test_loss_that_ignores_targets_fails(vectors, run_check):
    result = semantics(run_check, classifier(), vectors, lambda out, y: out.pow(2).mean())
    assert result.status == "fail"
    assert "did not change its loss gradient" in result.measured


def test_dense_scores_with_classes_in_dimension_one_pass(run_checks):
    """Segmentation: (B, C, H, W) scores against (B, H, W) masks, here with more classes than pixels per row."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(256, 1, 6, 6, generator=g)
    masks = (X[:, 0] * 3).round().clamp(-4, 5).long() + 4  # ten classes, 6 x 6 pixels
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 10, 1))
    report = run_checks(["output_semantics", "init_loss", "last_layer_init", "overfit_batch"], model, (X, masks), "cross_entropy")
    assert [r.status for r in report.results][:3] == ["pass"] * 3, [(r.name, r.measured) for r in report.results]
    assert report.ok


def test_multi_label_targets_pass(vectors, run_checks):
    X, y = vectors
    labels = torch.stack([y == 0, y == 1, (y == 2) | (y == 0)], 1).float()  # several labels per example
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 3))
    report = run_checks(["output_semantics", "init_loss", "overfit_batch"], model, (X, labels), "bce_with_logits")
    assert [r.status for r in report.results] == ["pass"] * 3, [(r.name, r.measured) for r in report.results]
