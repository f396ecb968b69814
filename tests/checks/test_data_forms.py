"""Checks take the trainer's data forms: tensors, a Dataset, a DataLoader."""

from __future__ import annotations

import math

from torch import nn
from torch.utils.data import DataLoader, Dataset


class Pairs(Dataset):
    def __init__(self, X, y) -> None:
        self.X, self.y = X, y

    def __len__(self) -> int:
        return len(self.X)

    def __getitem__(self, i: int):
        return self.X[i], self.y[i]


def sorted_by_label(vectors):
    X, y = vectors
    order = y.argsort()
    return X[order], y[order]


def test_a_sorted_dataset_is_sampled_at_random(vectors, run_check):
    result = run_check("init_loss", nn.Linear(16, 4), Pairs(*sorted_by_label(vectors)), "cross_entropy")
    # The prior comes from the sample: all four classes, roughly balanced, not class 0 only.
    assert result.details["expected_low"] > 0.9 * math.log(4)


def test_a_dataloader_is_used_as_it_is(vectors, run_checks):
    loader = DataLoader(Pairs(*vectors), batch_size=64, shuffle=False)
    report = run_checks(["batch_independence", "determinism"], nn.Linear(16, 4), loader, "cross_entropy")
    assert [r.status for r in report.results] == ["pass", "pass"]
