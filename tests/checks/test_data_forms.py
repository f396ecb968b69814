"""Checks take the trainer's data forms: tensors, a Dataset, a DataLoader."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from nnrecipe._checks import check


class Pairs(Dataset):
    def __init__(self, X: torch.Tensor, y: torch.Tensor) -> None:
        self.X, self.y = X, y

    def __len__(self) -> int:
        return len(self.X)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.X[i], self.y[i]


def sorted_by_label(vectors):
    X, y = vectors
    order = y.argsort()
    return X[order], y[order]


def test_a_sorted_dataset_is_sampled_at_random(vectors):
    result = check(nn.Linear(16, 4), Pairs(*sorted_by_label(vectors)), "cross_entropy", only=["init_loss"])["init_loss"]
    # The prior comes from the sample: all four classes, roughly balanced, not class 0 only.
    assert result.details["expected_low"] > 0.9 * math.log(4)


def test_a_dataloader_is_used_as_it_is(vectors):
    loader = DataLoader(Pairs(*vectors), batch_size=64, shuffle=False)
    report = check(nn.Linear(16, 4), loader, "cross_entropy", only=["batch_independence", "determinism"])
    assert [r.status for r in report.results] == ["pass", "pass"]
