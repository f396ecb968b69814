"""An experiment declared once: data, model factory, loss, metrics and default hyperparameters.

A Python file the CLI loads (``nnrecipe fit examples/mnist1d.py`` or ``path.py:name``)
defines an :class:`Experiment` at module level, or a function that returns one.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ._config import TrainConfig, split_hparams
from ._errors import ConfigError
from ._losses import LossLike
from ._metrics import MetricLike
from ._task import TaskKind

__all__ = ["Experiment", "load_experiment", "build_model", "Augment"]

ModelLike = nn.Module | Callable[..., nn.Module]
# A training-batch transform: (inputs, targets, generator) -> (inputs, targets).
Augment = Callable[[torch.Tensor, torch.Tensor, torch.Generator], tuple[torch.Tensor, torch.Tensor]]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Experiment:
    """Model, data and loss for every stage, declared once.

    Attributes:
        model: A fresh ``nn.Module``, or a factory called with the model's
            hyperparameters (those that are not :class:`TrainConfig` fields) as keywords
            or as one dict.
        train: Training data: ``(X, y)``, a ``Dataset`` or a ``DataLoader``.
        loss: A loss name (``"cross_entropy"``, ``"bce_with_logits"``, ``"mse"``...) or a
            callable ``(output, target) -> scalar``.
        val: Validation data in the same forms (evaluated on the whole set).
        test: Held-out test data, used only for the final figure.
        metrics: Metric names (``"accuracy"``, ``"top5"``, ``"mae"``...) or callables.
        hparams: Default hyperparameters, trainer and model ones in one flat dict.
        task: The task kind, inferred from the loss and targets when ``None``.
        name: A short name for run folders.
        augment: A batch transform ``(x, y, generator) -> (x, y)`` applied to training
            batches only (never in validation, evaluation or the checks); its randomness
            comes from ``generator``, seeded from (seed, step), so runs resume bit-exactly.

    Example:
        >>> exp = Experiment(model=lambda width=8: nn.Linear(4, 2),
        ...                  train=(torch.randn(16, 4), torch.arange(16) % 2),
        ...                  loss="cross_entropy")
        >>> exp.train_config().lr
        0.0003
    """

    model: ModelLike
    train: Any
    loss: LossLike
    val: Any = None
    test: Any = None
    metrics: Sequence[MetricLike] = ()
    hparams: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    task: TaskKind | None = None
    name: str = "experiment"
    source: str | None = None  # the file it was loaded from, recorded for `--resume`
    augment: Augment | None = None

    def train_config(self, overrides: Mapping[str, Any] | None = None) -> TrainConfig:
        return split_hparams({**self.hparams, **(overrides or {})})[0]

    def model_hparams(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return split_hparams({**self.hparams, **(overrides or {})})[1]

    def build_model(self, overrides: Mapping[str, Any] | None = None, *, seed: int = 0) -> nn.Module:
        return build_model(self.model, self.model_hparams(overrides), seed=seed)


def build_model(model: ModelLike, hparams: Mapping[str, Any], *, seed: int = 0) -> nn.Module:
    """Return a fresh model: a deep copy of a module, or the factory's output under ``seed``.

    A factory is called as ``factory(**hp)``, or ``factory(hp)`` when it takes one
    positional parameter named ``hp`` / ``hparams``; initialisation is seeded so the same
    hyperparameters give the same weights.
    """
    if isinstance(model, nn.Module):
        if hparams:
            raise ConfigError(
                f"model hyperparameters {sorted(hparams)} were given but the model is an "
                "instance, not a factory; pass `model=lambda **hp: MyNet(**hp)` to use them."
            )
        return copy.deepcopy(model)
    if not callable(model):
        raise TypeError(f"model must be an nn.Module or a factory returning one; got {model!r}")
    torch.manual_seed(seed)
    params = list(inspect.signature(model).parameters.values())
    if len(params) == 1 and params[0].name in ("hp", "hparams") and params[0].kind is params[0].POSITIONAL_OR_KEYWORD:
        built = model(dict(hparams))
    else:
        try:
            inspect.signature(model).bind(**hparams)
        except TypeError as e:
            raise ConfigError(
                f"the model factory {getattr(model, '__name__', model)!r} does not accept the model "
                f"hyperparameters {sorted(hparams)}: {e}. Hyperparameters that are not trainer "
                f"settings ({', '.join(sorted(TrainConfig.field_names()))}) go to the model factory."
            ) from None
        built = model(**hparams)
    if not isinstance(built, nn.Module):
        raise TypeError(f"the model factory returned {type(built).__name__}, not an nn.Module")
    return built


def load_experiment(spec: str | Path) -> Experiment:
    """Load an :class:`Experiment` from ``path.py`` or ``path.py:name``.

    Without ``:name`` the module's ``experiment`` attribute is used. The attribute may be
    an ``Experiment`` or a zero-argument function returning one.

    Raises:
        ConfigError: The file is missing, fails to import, or defines no experiment.
    """
    text = str(spec)
    path_text, _, attr = text.partition(":") if not Path(text).exists() else (text, "", "")
    attr = attr or "experiment"
    path = Path(path_text)
    if not path.is_file():
        raise ConfigError(f"experiment file {str(path)!r} does not exist; pass a path like examples/mnist1d.py")
    module_name = "nnrecipe_experiment_" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    module_spec = importlib.util.spec_from_file_location(module_name, path)
    if module_spec is None or module_spec.loader is None:
        raise ConfigError(f"cannot import {str(path)!r}: not a Python file")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_name] = module  # dataclasses and pickling by workers look it up here
    try:
        module_spec.loader.exec_module(module)
    except Exception as e:
        del sys.modules[module_name]
        raise ConfigError(f"importing {str(path)!r} failed: {type(e).__name__}: {e}") from e
    if not hasattr(module, attr):
        found = [k for k, v in vars(module).items() if isinstance(v, Experiment)]
        raise ConfigError(
            f"{str(path)!r} defines no {attr!r}; define `experiment = nnrecipe.Experiment(...)`"
            + (f" or pick one of {found} with {path}:NAME" if found else "")
        )
    obj = getattr(module, attr)
    if callable(obj) and not isinstance(obj, Experiment):
        obj = obj()
    if not isinstance(obj, Experiment):
        raise ConfigError(f"{path}:{attr} is a {type(obj).__name__}, not an nnrecipe.Experiment")
    return dataclasses.replace(obj, source=f"{path.resolve()}:{attr}")
