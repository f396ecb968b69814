"""Reference models: "don't be a hero" baselines to start every project from.

Each takes its sizes as keywords so that it can serve as a model factory
(``Experiment(model=nnrecipe.models.CNN1d, hparams={"width": 32})``).
"""

from ._cnn import CNN1d, CNN2d, ResidualBlock
from ._gru import GRUClassifier
from ._mlp import MLP

__all__ = ["MLP", "CNN1d", "CNN2d", "ResidualBlock", "GRUClassifier"]
