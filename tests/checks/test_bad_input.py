"""Bad input: the broken part fails or skips with the reason, and the other checks still run."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from nnrecipe._checks import CHECKS, check


class Raises(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(3, 2)  # expects 3 features, gets 16

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lin(x)


def test_forward_that_raises_fails_every_check_that_runs_it_with_the_reason(vectors):
    report = check(Raises(), vectors, "cross_entropy", skip=["causality"])
    assert len(report.results) == len(CHECKS) - 1
    assert not report.ok
    assert report["batch_independence"].status == "fail"
    assert "forward raised RuntimeError" in report["batch_independence"].measured
    assert report["input_scale"].status == "pass"  # measures the data only


def test_non_scalar_loss_fails_with_a_fix(vectors):
    def per_example(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return nn.functional.cross_entropy(out, y, reduction="none")

    report = check(nn.Linear(16, 4), vectors, per_example, only=["init_loss", "batch_independence"])
    assert report["init_loss"].status == "fail"
    assert "not a scalar" in report["init_loss"].measured
    assert report["batch_independence"].status == "pass"  # needs no loss


def test_data_too_small_for_a_batch_skips_what_needs_a_batch():
    X, y = torch.randn(1, 16), torch.tensor([2])
    report = check(nn.Linear(16, 4), (X, y), "cross_entropy")
    assert report["batch_independence"].status == "skip"
    assert "at least 2 examples" in report["batch_independence"].measured
    assert report["input_independent_baseline"].status == "skip"
    assert report["eval_determinism"].status == "pass"


def test_unknown_check_names_are_rejected(vectors):
    with pytest.raises(ValueError, match="unknown checks \\['batch_independance'\\]"):
        check(nn.Linear(16, 4), vectors, "cross_entropy", only=["batch_independance"])


def test_output_that_is_not_a_tensor_fails(vectors):
    class Dict(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(16, 4)

        def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
            return {"logits": self.lin(x)}

    result = check(Dict(), vectors, "cross_entropy", only=["eval_determinism"])["eval_determinism"]
    assert result.status == "fail"
    assert "returned dict" in result.measured


def test_transform_that_raises_is_a_clear_value_error(vectors):
    def broken(x: torch.Tensor) -> torch.Tensor:
        return x.reshape(-1, 7)

    with pytest.raises(ValueError, match="the transform raised RuntimeError"):
        check(nn.Linear(16, 4), vectors, "cross_entropy", transform=broken)
