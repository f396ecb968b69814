"""Bad input: user errors raise ConfigError/DataError; a broken part fails or skips, the others still run."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from nnrecipe import CheckOptions, ConfigError, DataError
from nnrecipe._checks import DEFAULT_CHECKS, check, select_checks


class Raises(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(3, 2)  # expects 3 features, gets 16

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lin(x)


def test_forward_that_raises_fails_every_check_that_runs_it_with_the_reason(vectors):
    report = check(Raises(), vectors, "cross_entropy", checks=select_checks(skip=["causality"]))
    assert len(report.results) == len(DEFAULT_CHECKS) - 1
    assert not report.ok
    assert report["batch_independence"].status == "fail"
    assert "forward raised RuntimeError" in report["batch_independence"].measured
    assert report["input_scale"].status == "pass"  # measures the data only


def test_non_scalar_loss_fails_with_a_fix(vectors, run_checks):
    def per_example(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return nn.functional.cross_entropy(out, y, reduction="none")

    report = run_checks(["init_loss", "batch_independence"], nn.Linear(16, 4), vectors, per_example)
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


@pytest.mark.parametrize("kwargs", [{"only": ["batch_independance"]}, {"skip": ["overfit"]}])
def test_unknown_check_names_are_a_config_error(kwargs):
    with pytest.raises(ConfigError, match="unknown checks"):
        select_checks(**kwargs)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"task": "clasification"}, "unknown task"),
        ({"budget": 0}, "budget=0"),
        ({"frozen": "encoder"}, "list of names"),
        ({"causal_dim": 1.5}, "must be an int"),
    ],
)
def test_bad_options_are_config_errors(options, match):
    with pytest.raises(ConfigError, match=match):
        CheckOptions(**options)


def test_options_that_do_not_fit_the_model_are_config_errors(vectors):
    with pytest.raises(ConfigError, match="causal_dim=5 is outside"):
        check(nn.Linear(16, 4), vectors, "cross_entropy", options=CheckOptions(causal_dim=5))
    with pytest.raises(ConfigError, match=r"frozen=\['encoder'\] names no parameter"):
        check(nn.Linear(16, 4), vectors, "cross_entropy", options=CheckOptions(frozen=["encoder"]))


def test_unknown_loss_and_bad_model_are_config_errors(vectors):
    with pytest.raises(ConfigError, match="unknown loss"):
        check(nn.Linear(16, 4), vectors, "cross_entropie")
    with pytest.raises(ConfigError, match="nn.Module or a factory"):
        check("not a model", vectors, "cross_entropy")  # type: ignore[arg-type]

    def broken() -> nn.Module:
        raise RuntimeError("no weights file")

    with pytest.raises(ConfigError, match="factory .broken. failed.*RuntimeError: no weights file"):
        check(broken, vectors, "cross_entropy")


def test_output_that_is_not_a_tensor_fails(vectors, run_check):
    class Dict(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(16, 4)

        def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
            return {"logits": self.lin(x)}

    result = run_check("eval_determinism", Dict(), vectors, "cross_entropy")
    assert result.status == "fail"
    assert "returned dict" in result.measured


def test_transform_that_raises_is_a_data_error(vectors):
    def broken(x: torch.Tensor) -> torch.Tensor:
        return x.reshape(-1, 7)

    with pytest.raises(DataError, match="the transform raised RuntimeError"):
        check(nn.Linear(16, 4), vectors, "cross_entropy", options=CheckOptions(transform=broken))


@pytest.mark.parametrize(
    ("y", "loss", "out"),
    [
        (torch.zeros(300, dtype=torch.long), "cross_entropy", 3),  # a split with one class
        (torch.full((300,), 2.5), "mse", 1),  # a constant target
        (torch.zeros(300), "bce_with_logits", 1),  # no positive example
    ],
    ids=["one-class", "constant-target", "no-positives"],
)
def test_degenerate_but_valid_data_is_a_finding_not_an_exception(y, loss, out):
    X = torch.randn(300, 8, generator=torch.Generator().manual_seed(0))
    report = check(nn.Linear(8, out), (X, y), loss)
    raised = [(r.name, r.measured) for r in report.results if r.measured.split(":")[0].endswith(("Error", "Exception"))]
    assert not raised, raised
    assert report["input_independent_baseline"].status == "warn"
    assert "every training target is" in report["input_independent_baseline"].measured
