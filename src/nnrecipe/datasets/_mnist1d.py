from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
from pathlib import Path

import numpy as np
import torch

from .._core._errors import ConfigError

__all__ = ["Split", "cache_dir", "load_mnist1d"]

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Split:
    """Train, validation and test tensors of one dataset."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def train(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x_train, self.y_train

    @property
    def val(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x_val, self.y_val

    @property
    def test(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x_test, self.y_test


def cache_dir() -> Path:
    """``$NNRECIPE_CACHE``, else ``$XDG_CACHE_HOME/nnrecipe``, else ``~/.cache/nnrecipe``."""
    if env := os.environ.get("NNRECIPE_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nnrecipe"


def _generate(path: Path) -> None:
    try:
        from mnist1d.data import get_dataset_args, make_dataset
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise ImportError("MNIST-1D needs the `mnist1d` package: pip install mnist1d") from e
    log.info("generating MNIST-1D (about 5 s, once) into %s", path)
    data = make_dataset(get_dataset_args())
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename: concurrent workers never read a half-written cache.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
    with os.fdopen(fd, "wb") as f:
        np.savez(f, x=data["x"], y=data["y"], x_test=data["x_test"], y_test=data["y_test"])
    os.replace(tmp, path)


def load_mnist1d(*, val_size: int = 500, seed: int = 0) -> Split:
    """MNIST-1D (Greydanus, 2020): 4,000 training and 1,000 test sequences of length 40.

    Generated offline by the ``mnist1d`` package with its default arguments and cached as a
    plain ``.npz`` (loaded without pickle). ``val_size`` examples are held out of the
    training set, chosen by ``seed``.

    Example:
        >>> split = load_mnist1d()
        >>> split.x_train.shape, split.x_val.shape, split.x_test.shape
        (torch.Size([3500, 40]), torch.Size([500, 40]), torch.Size([1000, 40]))
    """
    path = cache_dir() / "mnist1d-v1.npz"
    if not path.exists():
        _generate(path)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"].astype(np.float32), f["y"].astype(np.int64)
        x_test, y_test = f["x_test"].astype(np.float32), f["y_test"].astype(np.int64)
    if not 0 < val_size < len(x):
        raise ConfigError(f"val_size must be in (0, {len(x)}); got {val_size=}")
    order = np.random.default_rng(seed).permutation(len(x))
    val, train = order[:val_size], order[val_size:]
    t = torch.from_numpy
    return Split(t(x[train]), t(y[train]), t(x[val]), t(y[val]), t(x_test), t(y_test))
