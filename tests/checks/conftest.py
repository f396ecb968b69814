"""Small, learnable data sets shared by the check tests (fast enough for many short runs)."""

from __future__ import annotations

import pytest
import torch

from nnrecipe._checks import CheckOptions, CheckReport, CheckResult, check, select_checks


@pytest.fixture(scope="session")
def vectors() -> tuple[torch.Tensor, torch.Tensor]:
    """512 standardised 16-d vectors, 4 classes given by a fixed linear rule."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(512, 16, generator=g)
    w = torch.randn(16, 4, generator=g)
    return X, (X @ w).argmax(1)


@pytest.fixture(scope="session")
def sequences() -> tuple[torch.Tensor, torch.Tensor]:
    """384 one-channel noisy sine waves of length 32; the class is the frequency (3 classes)."""
    g = torch.Generator().manual_seed(1)
    y = torch.randint(0, 3, (384,), generator=g)
    phase = 6.283 * torch.rand(384, 1, generator=g)
    t = torch.arange(32).float()
    X = torch.sin(6.283 * (1 + 2 * y[:, None]).float() * t / 32 + phase) + 0.5 * torch.randn(384, 32, generator=g)
    X = (X - X.mean()) / X.std()
    return X[:, None, :], y


@pytest.fixture(scope="session")
def targets() -> tuple[torch.Tensor, torch.Tensor]:
    """Regression: 512 standardised 8-d vectors and a noisy linear target with mean 0."""
    g = torch.Generator().manual_seed(2)
    X = torch.randn(512, 8, generator=g)
    y = X @ torch.randn(8, generator=g) / 3 + 0.1 * torch.randn(512, generator=g)
    return X, y


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Models built inside tests start from the same weights on every run."""
    torch.manual_seed(0)


def _run_checks(names: list[str], model, data, loss, *, val=None, config=None, **options) -> CheckReport:
    return check(model, data, loss, val=val, config=config, options=CheckOptions(**options), checks=select_checks(only=names))


def _run_check(name: str, model, data, loss, **kw) -> CheckResult:
    return _run_checks([name], model, data, loss, **kw)[name]


@pytest.fixture
def run_check():
    """``run_check(name, model, data, loss, val=, config=, **CheckOptions fields)``: one check's result."""
    return _run_check


@pytest.fixture
def run_checks():
    """``run_checks(names, model, data, loss, ...)``: the report of the named checks."""
    return _run_checks
