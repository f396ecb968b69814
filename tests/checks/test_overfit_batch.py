"""overfit_batch: 16 examples memorised to ~zero loss, labels and predictions side by side."""

from __future__ import annotations

import torch
from torch import nn

from nnrecipe._checks import check


def overfit(model, data, loss="cross_entropy", **kw):
    return check(model, data, loss, only=["overfit_batch"], **kw)["overfit_batch"]


def mlp(*final: nn.Module) -> nn.Module:
    return nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 4), *final)


def test_logits_reach_zero_loss(vectors):
    result = overfit(mlp(), vectors)
    assert result.status == "pass"
    assert result.details["labels"] == result.details["predictions"]


def test_probabilities_into_cross_entropy_plateau(vectors):
    result = overfit(mlp(nn.Softmax(dim=1)), vectors)
    assert result.status == "fail"
    assert result.details["losses"][-1] > 0.5


def test_crippled_model_cannot_memorise(vectors):
    class Blind(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = mlp()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.net(x * 0)

    assert overfit(Blind(), vectors).status == "fail"


def test_broadcasting_regression_loss_plateaus(targets):
    def broadcasting_mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return ((out - y) ** 2).mean()

    model = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 1))
    assert overfit(model, targets, broadcasting_mse).status == "fail"
    assert overfit(model, targets, "mse").status == "pass"
