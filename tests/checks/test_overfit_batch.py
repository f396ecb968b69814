"""overfit_batch: 16 examples memorised down to the lowest loss the batch allows."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

import nnrecipe


def overfit(run_check, model, data, loss="cross_entropy", **kw):
    return run_check("overfit_batch", model, data, loss, **kw)


def mlp(*final: nn.Module) -> nn.Module:
    return nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 4), *final)


class Bigram(nn.Module):
    """Next-token logits from the current token only: targets the context does not determine."""

    def __init__(self, vocab: int) -> None:
        super().__init__()
        self.table = nn.Embedding(vocab, vocab)
        nn.init.normal_(self.table.weight, std=0.02)  # as GPT-style models initialise

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.table(x)


def test_logits_reach_zero_loss(vectors, run_check):
    result = overfit(run_check, mlp(), vectors)
    assert result.status == "pass"
    assert result.details["labels"] == result.details["predictions"]
    assert result.details["floor"] < 1e-2


def test_probabilities_into_cross_entropy_plateau(vectors, run_check):
    result = overfit(run_check, mlp(nn.Softmax(dim=1)), vectors)
    assert result.status == "fail"
    assert result.details["losses"][-1] > 0.5


def test_crippled_model_cannot_memorise(vectors, run_check):
    class Blind(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = mlp()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.net(x * 0)

    assert overfit(run_check, Blind(), vectors).status == "fail"


def test_broadcasting_regression_loss_plateaus(targets, run_check):
    def broadcasting_mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return ((out - y) ** 2).mean()

    model = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 1))
    assert overfit(run_check, model, targets, broadcasting_mse).status == "fail"
    assert overfit(run_check, model, targets, "mse").status == "pass"


def test_label_smoothing_is_judged_against_its_floor(vectors, run_check):
    result = overfit(run_check, mlp(), vectors, config=nnrecipe.TrainConfig(label_smoothing=0.2))
    assert result.status == "pass"
    assert result.details["floor"] > 0.3  # the entropy of the smoothed targets


def test_soft_targets_are_judged_against_their_entropy(vectors, run_check):
    X, y = vectors
    soft = F.softmax(F.one_hot(y, 4).float() * 2, dim=1)
    result = overfit(run_check, mlp(), (X, soft), "cross_entropy")
    assert result.status == "pass"
    entropy = float(-(soft[:16] * soft[:16].log()).sum(1).mean())
    torch.testing.assert_close(result.details["floor"], entropy, rtol=1e-2, atol=1e-3)


def test_next_tokens_the_context_does_not_determine_raise_the_floor(run_check):
    seq = torch.randint(0, 6, (64, 13), generator=torch.Generator().manual_seed(0))  # random: the next token is noise
    result = overfit(run_check, Bigram(6), (seq[:, :-1], seq[:, 1:]), causal_dim=1)
    assert result.status == "pass"
    assert result.details["floor"] > 0.5
    assert "last 1 inputs" in result.details["floor_from"]
