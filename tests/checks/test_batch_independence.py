"""batch_independence: gradient of example i's output must not reach example j's input."""

from __future__ import annotations

import torch
from torch import nn

import nnrecipe


class TimeMajorCNN(nn.Module):
    """Conv over (B, C, L), then a time-major (L, B, C) stage; ``permute`` is right, ``view`` mixes examples."""

    def __init__(self, buggy: bool) -> None:
        super().__init__()
        self.buggy = buggy
        self.conv = nn.Conv1d(1, 8, 5, padding=2)
        self.head = nn.Linear(8, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.conv(x))  # (B, C, L)
        b, c, length = h.shape
        h = h.view(length, b, c) if self.buggy else h.permute(2, 0, 1)
        return self.head(h.mean(0))


class SoftmaxOver(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim
        self.net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.log_softmax(self.net(x), dim=self.dim)


def test_view_instead_of_permute_fails(sequences, run_check):
    result = run_check("batch_independence", TimeMajorCNN(buggy=True), sequences, "cross_entropy")
    assert result.status == "fail"
    assert "gradient on the inputs of examples" in result.measured


def test_permute_passes(sequences, run_check):
    assert run_check("batch_independence", TimeMajorCNN(buggy=False), sequences, "cross_entropy").status == "pass"


def test_softmax_over_batch_fails(vectors, run_check):
    assert run_check("batch_independence", SoftmaxOver(0), vectors, "nll").status == "fail"


def test_softmax_over_classes_passes(vectors, run_check):
    assert run_check("batch_independence", SoftmaxOver(1), vectors, "nll").status == "pass"


def test_batch_norm_is_judged_in_eval_mode(sequences, run_check):
    model = nnrecipe.models.CNN1d(1, 3, width=8, blocks=2)  # batch norm mixes examples only in train mode
    assert run_check("batch_independence", model, sequences, "cross_entropy").status == "pass"


def test_token_inputs_are_differentiated_through_the_embedding(run_check):
    tokens = torch.randint(0, 20, (64, 6))

    class AlwaysTrainBN(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed, self.head = nn.Embedding(20, 8), nn.Linear(48, 20)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = self.embed(x).flatten(1)
            h = nn.functional.batch_norm(h, None, None, training=True)  # batch statistics even in eval
            return self.head(h)

    assert run_check("batch_independence", AlwaysTrainBN(), (tokens, tokens[:, 0]), "cross_entropy").status == "fail"
