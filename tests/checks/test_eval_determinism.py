"""eval_determinism: two eval-mode passes give bit-identical outputs."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class DropoutNet(nn.Module):
    def __init__(self, forced: bool) -> None:
        super().__init__()
        self.forced = forced
        self.a, self.b = nn.Linear(16, 32), nn.Linear(32, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.a(x))
        h = F.dropout(h, 0.5, training=True if self.forced else self.training)
        return self.b(h)


def test_dropout_forced_on_fails(vectors, run_check):
    result = run_check("eval_determinism", DropoutNet(forced=True), vectors, "cross_entropy")
    assert result.status == "fail"
    assert result.details["max_abs_diff"] > 0


def test_dropout_following_training_flag_passes(vectors, run_check):
    assert run_check("eval_determinism", DropoutNet(forced=False), vectors, "cross_entropy").status == "pass"
