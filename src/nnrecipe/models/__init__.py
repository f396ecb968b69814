"""Reference models, and how nnrecipe builds a model from a factory.

The reference models are "don't be a hero" baselines to start every project from. Each
takes its sizes as keywords so that it can serve as a model factory
(``Experiment(model=nnrecipe.models.CNN1d, hparams={"width": 32})``); :func:`build_model`
is how every stage turns a module or a factory and its hyperparameters into a fresh model,
and :class:`ModelSummary` is the summary a run records (``FitResult.summary``).
"""

from .._core._factory import ModelLike, build_model, check_model_hparams
from .._train._summary import ModelSummary
from ._cnn import CNN1d, CNN2d, ResidualBlock
from ._gru import GRUClassifier
from ._mlp import MLP

__all__ = [
    "MLP",
    "CNN1d",
    "CNN2d",
    "GRUClassifier",
    "ModelLike",
    "ModelSummary",
    "ResidualBlock",
    "build_model",
    "check_model_hparams",
]
