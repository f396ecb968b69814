"""The recipe end to end on MNIST-1D: the experiment behind ``nnrecipe demo``."""

from __future__ import annotations

from typing import Any

from .._core._experiment import Experiment
from ..datasets import load_mnist1d
from ..models import CNN1d

__all__ = ["DEMO_HPARAMS", "mnist1d_experiment"]

# The recipe's defaults (Adam 3e-4, constant learning rate) and a small residual CNN.
DEMO_HPARAMS: dict[str, Any] = {"epochs": 20, "batch_size": 64, "width": 24, "blocks": 3, "kernel": 5}


def mnist1d_cnn(width: int = 24, blocks: int = 3, kernel: int = 5, dropout: float = 0.0, separable: bool = False) -> CNN1d:
    return CNN1d(1, 10, width=width, blocks=blocks, kernel=kernel, dropout=dropout, separable=separable)


def mnist1d_experiment(**hparams: Any) -> Experiment:
    """MNIST-1D with 500 validation examples held out of the training set and the CNN.

    Example:
        >>> exp = mnist1d_experiment(epochs=1)
        >>> exp.hparams["epochs"], len(exp.train[0]), len(exp.val[0])
        (1, 3500, 500)
    """
    split = load_mnist1d()
    return Experiment(
        name="mnist1d-cnn",
        model=mnist1d_cnn,
        train=split.train,
        val=split.val,
        test=split.test,
        loss="cross_entropy",
        metrics=["accuracy"],
        hparams={**DEMO_HPARAMS, **hparams},
        reference={"val_accuracy": 0.96},  # the MNIST-1D paper's human baseline (Greydanus, 2020)
    )
