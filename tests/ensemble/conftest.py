"""Fixtures for the ensemble tests: run folders with synthetic predictions, and tiny real runs."""

from __future__ import annotations

import json
import logging
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from nnrecipe._ensemble._outputs import OutputRule
from nnrecipe._ensemble._predictions import write_predictions

FakeRun = Callable[..., Path]


@pytest.fixture(autouse=True)
def _restore_library_logging() -> Iterator[None]:
    """``main()`` leaves a handler on its test's captured stderr and stops propagation: undo it after each test."""
    library = logging.getLogger("nnrecipe")
    handlers, propagate, level = list(library.handlers), library.propagate, library.level
    yield
    library.handlers[:] = handlers
    library.propagate, library.level = propagate, level


def two_class(p_true: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``(N, 2)`` probabilities that give each example's true class ``p_true``."""
    probs = torch.empty(len(y), 2)
    probs[torch.arange(len(y)), y] = p_true
    probs[torch.arange(len(y)), 1 - y] = 1 - p_true
    return probs


Members = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


@pytest.fixture
def complementary() -> Members:
    """Targets and three members of known quality on 100 two-class examples.

    A is right (0.9 on the true class) on the first 73%, B on the last 72%, each 0.4 elsewhere:
    their average is right everywhere. C is wrong everywhere (0.45 on the true class).
    """
    y = torch.arange(100) % 2
    idx = torch.arange(100)
    a = two_class(torch.where(idx < 73, 0.9, 0.4), y)
    b = two_class(torch.where(idx >= 28, 0.9, 0.4), y)
    c = two_class(torch.full((100,), 0.45), y)
    return y, a, b, c


@pytest.fixture
def fake_run(tmp_path: Path) -> FakeRun:
    """``fake_run(name, val=(pred, y), test=(pred, y), **facts)``: a run folder with stored predictions only."""

    def make(name: str, val: tuple[torch.Tensor, torch.Tensor], test: tuple[torch.Tensor, torch.Tensor] | None = None,
             *, task: str = "classification", folder: Path | None = None, **facts: Any) -> Path:
        run = (folder or tmp_path / "runs") / name
        run.mkdir(parents=True)
        (run / "config.json").write_text(json.dumps({"hparams": {}, "experiment": None}))
        (run / "weights").mkdir()
        (run / "weights" / "best.safetensors").write_bytes(b"weights of " + name.encode())
        pred = val[0]
        shape = tuple(pred.shape[1:])
        transform = "identity" if task == "regression" else "softmax"
        info = {"rule": OutputRule(task, transform, -1, shape).to_dict(), "loss": "cross_entropy",  # type: ignore[arg-type]
                "monitor": "val_accuracy", "monitor_value": None, "step": 10, "steps": 20,
                "weights": "weights/best.safetensors", "weights_sha256": "0" * 64, "experiment": None, **facts}
        write_predictions(run, info, {"val": val, **({"test": test} if test is not None else {})})
        return run

    return make


EXPERIMENT = textwrap.dedent('''
    """Blobs, a small MLP: seconds-long runs whose predictions the ensemble tests store and rebuild."""
    import torch
    import nnrecipe

    g = torch.Generator().manual_seed(0)
    X = torch.randn(360, 6, generator=g)
    y = (X[:, 0] > 0).long() + (X[:, 1] > 0.5).long()

    def mlp(hidden: int = 16, broken: bool = False) -> torch.nn.Module:
        net = torch.nn.Sequential(torch.nn.Linear(6, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 3))
        if broken:  # outputs NaN: the run diverges at its first step
            net[0].bias.data.fill_(float("nan"))
        return net

    experiment = nnrecipe.Experiment(
        name="blobs", model=mlp, train=(X[:200], y[:200]), val=(X[200:280], y[200:280]), test=(X[280:], y[280:]),
        loss="cross_entropy", metrics=["accuracy"],
        hparams={"max_steps": 30, "batch_size": 32, "val_every": 10, "log_every": 10, "tensorboard": False, "lr": 3e-3},
    )
    no_val = nnrecipe.Experiment(name="blobs-noval", model=mlp, train=(X[:200], y[:200]), loss="cross_entropy",
                                 hparams={"max_steps": 5, "tensorboard": False})
''')


@pytest.fixture(scope="session")
def experiment_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("experiment") / "blobs.py"
    path.write_text(EXPERIMENT)
    return path


@pytest.fixture(scope="session")
def trained_runs(experiment_file: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three finished runs of the blobs experiment (seeds 0-2), each with a best-weights checkpoint."""
    import nnrecipe
    from nnrecipe.callbacks import ModelCheckpoint

    experiment = nnrecipe.load_experiment(experiment_file)
    runs_dir = tmp_path_factory.mktemp("runs")
    out = []
    for seed in range(3):
        best = ModelCheckpoint(monitor="val_accuracy", save_top_k=0, save_last=False)
        result = nnrecipe.fit_experiment(experiment, {"seed": seed}, callbacks=[best], runs_dir=runs_dir)
        assert result.run_dir is not None
        out.append(result.run_dir)
    return out
