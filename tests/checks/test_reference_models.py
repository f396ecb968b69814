"""No false alarms: the reference models and the MNIST-1D demo model pass every check."""

from __future__ import annotations

import pytest
import torch

from nnrecipe import models
from nnrecipe._checks import check
from nnrecipe.datasets import load_mnist1d


def assert_all_pass(report) -> None:
    bad = [(r.name, r.status, r.measured) for r in report.results if r.status not in ("pass", "skip")]
    assert not bad, bad
    assert [r.name for r in report.results if r.status == "skip"] == ["causality"]


@pytest.fixture(scope="module")
def images() -> tuple[torch.Tensor, torch.Tensor]:
    """256 8x8 images; the class is the quadrant holding a bright square."""
    g = torch.Generator().manual_seed(3)
    y = torch.randint(0, 4, (256,), generator=g)
    X = 0.3 * torch.randn(256, 1, 8, 8, generator=g)
    for i, c in enumerate(y.tolist()):
        r, k = divmod(c, 2)
        X[i, 0, 4 * r : 4 * r + 3, 4 * k : 4 * k + 3] += 2.0
    return (X - X.mean()) / X.std(), y


def test_mlp_with_dropout(vectors):
    assert_all_pass(check(models.MLP(16, 4, hidden=32, dropout=0.2), vectors, "cross_entropy"))


def test_cnn1d_with_batch_norm_and_dropout(sequences):
    assert_all_pass(check(models.CNN1d(1, 3, width=8, blocks=2, dropout=0.2), sequences, "cross_entropy"))


def test_cnn2d_separable(images):
    assert_all_pass(check(models.CNN2d(1, 4, width=8, blocks=2, separable=True, dropout=0.1), images, "cross_entropy"))


def test_gru_classifier():
    g = torch.Generator().manual_seed(1)
    y = torch.randint(0, 3, (384,), generator=g)
    X = (y[:, None].float() - 1) + 0.7 * torch.randn(384, 8, generator=g)  # the class sets the level
    X = (X - X.mean()) / X.std()
    assert_all_pass(check(models.GRUClassifier(1, 3, hidden=16), (X, y), "cross_entropy"))


def test_mlp_regression(targets):
    assert_all_pass(check(models.MLP(8, 1, hidden=32), targets, "mse"))


@pytest.mark.slow
def test_mnist1d_demo_cnn():
    split = load_mnist1d()
    model = models.CNN1d(1, 10, width=24, blocks=3, kernel=5)
    assert_all_pass(check(model, split.train, "cross_entropy", val=split.val))
