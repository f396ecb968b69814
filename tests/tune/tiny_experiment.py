"""A seconds-long experiment for tuning tests: a small MLP on scikit-learn's 8x8 digits."""

import importlib.util
from pathlib import Path

import numpy as np
import torch

import nnrecipe
from nnrecipe.models import MLP

# scikit-learn's digits file, read directly: importing sklearn would cost each worker seconds.
_spec = importlib.util.find_spec("sklearn")
assert _spec is not None and _spec.submodule_search_locations
_data = np.loadtxt(Path(next(iter(_spec.submodule_search_locations))) / "datasets" / "data" / "digits.csv.gz", delimiter=",")
_x = torch.tensor(_data[:, :-1], dtype=torch.float32) / 16.0
_y = torch.tensor(_data[:, -1], dtype=torch.long)
_perm = torch.randperm(len(_x), generator=torch.Generator().manual_seed(0))
_train, _val, _test = _perm[:1400], _perm[1400:1600], _perm[1600:]


def _model(hidden: int = 32, depth: int = 1) -> torch.nn.Module:
    return MLP(64, 10, hidden=hidden, depth=depth)


experiment = nnrecipe.Experiment(
    model=_model,
    train=(_x[_train], _y[_train]),
    val=(_x[_val], _y[_val]),
    test=(_x[_test], _y[_test]),
    loss="cross_entropy",
    metrics=["accuracy"],
    hparams={"max_steps": 60, "batch_size": 64, "val_every": 20, "log_every": 10, "tensorboard": False},
    name="digits",
)


def _slow_model(hidden: int = 32, depth: int = 1) -> torch.nn.Module:
    return torch.nn.Sequential(_Sleep(), MLP(64, 10, hidden=hidden, depth=depth))


class _Sleep(torch.nn.Module):
    """Makes each step take a few milliseconds, so that a test can kill a worker mid-trial."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        import time

        time.sleep(0.01)
        return x


slow_experiment = nnrecipe.Experiment(
    model=_slow_model,
    train=(_x[_train], _y[_train]),
    val=(_x[_val], _y[_val]),
    test=(_x[_test], _y[_test]),
    loss="cross_entropy",
    metrics=["accuracy"],
    hparams={"max_steps": 100, "batch_size": 64, "val_every": 50, "log_every": 10, "tensorboard": False},
    name="digits-slow",
)
