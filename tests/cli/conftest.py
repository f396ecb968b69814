"""An experiment file small enough to train in a second, written per test."""

from collections.abc import Callable
from pathlib import Path

import pytest

EXPERIMENT = """
import torch
import nnrecipe

g = torch.Generator().manual_seed(0)
X = torch.randn(200, 6, generator=g)
y = (X[:, 0] > 0).long()


def model(hidden: int = 16) -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Linear(6, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 2))


experiment = nnrecipe.Experiment(
    name={name!r}, model=model, train=(X[:150], y[:{train_labels}]), val=(X[150:], y[150:]), test={test},
    loss="cross_entropy", hparams={{"epochs": 2, "lr": {lr}}},
)
"""

DEFAULTS = {"name": "tiny", "train_labels": 150, "test": "(X[150:], y[150:])", "lr": 1e-3}


@pytest.fixture
def write_experiment(tmp_path: Path) -> Callable[..., Path]:
    """``write_experiment(lr=1e12, test=None)``: the tiny experiment with those changes, as a file."""

    def write(filename: str = "tiny.py", **changes: object) -> Path:
        path = tmp_path / filename
        path.write_text(EXPERIMENT.format(**{**DEFAULTS, **changes}))
        return path

    return write


@pytest.fixture
def exp_file(write_experiment: Callable[..., Path]) -> Path:
    return write_experiment()
