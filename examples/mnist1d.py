"""MNIST-1D with the reference residual CNN: `nnrecipe fit examples/mnist1d.py`.

Declares the data, the model factory, the loss, the metrics and the default
hyperparameters once; every stage (`check`, `audit`, `fit`, `tune`) reads it.
Override any hyperparameter from the CLI: `nnrecipe fit examples/mnist1d.py --set lr=1e-3`.
"""

import nnrecipe
from nnrecipe.datasets import load_mnist1d
from nnrecipe.models import CNN1d, MLP

split = load_mnist1d(val_size=500)  # 3,500 train / 500 validation / 1,000 test


def cnn(width: int = 24, blocks: int = 3, kernel: int = 5, dropout: float = 0.0) -> CNN1d:
    return CNN1d(1, 10, width=width, blocks=blocks, kernel=kernel, dropout=dropout)


def mlp(hidden: int = 256, depth: int = 2, dropout: float = 0.0) -> MLP:
    return MLP(40, 10, hidden=hidden, depth=depth, dropout=dropout)


experiment = nnrecipe.Experiment(
    name="mnist1d-cnn",
    model=cnn,
    train=split.train,
    val=split.val,
    test=split.test,
    loss="cross_entropy",
    metrics=["accuracy"],
    hparams={"epochs": 20, "batch_size": 64, "width": 24},
)

# `nnrecipe fit examples/mnist1d.py:mlp_experiment`
mlp_experiment = nnrecipe.Experiment(
    name="mnist1d-mlp",
    model=mlp,
    train=split.train,
    val=split.val,
    test=split.test,
    loss="cross_entropy",
    metrics=["accuracy"],
    hparams={"epochs": 40, "batch_size": 64},
)
