"""An experiment declared once: data, model factory, loss, metrics and default hyperparameters.

A Python file the CLI loads (``nnrecipe fit examples/mnist1d.py`` or ``path.py:name``)
defines an :class:`Experiment` at module level, or a function that returns one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ._config import TrainConfig, split_hparams
from ._errors import ConfigError
from ._factory import ModelLike, build_model, check_model_hparams
from ._files import safe_name
from ._losses import LossLike
from ._metrics import MetricLike
from ._task import TaskKind

# ModelLike and build_model are re-exported for the modules that import them from here.
__all__ = ["Augment", "Experiment", "ModelLike", "build_model", "load_experiment"]

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
        name: A short name for run folders: letters, digits and ``. _ + = -`` only. A name
            that is not already a portable folder name (``"a/b"``, ``"../x"``, ``"my run"``)
            is refused, with the sanitised name to use instead: two names that sanitise to
            the same folder would otherwise share run folders and parent runs.
        augment: A batch transform ``(x, y, generator) -> (x, y)`` applied to training
            batches only (never in validation, evaluation or the checks); its randomness
            comes from ``generator``, seeded from (seed, step), so runs resume bit-exactly.
        reference: What the model should be compared with, by logged name: a human's
            accuracy, a published baseline (``{"val_accuracy": 0.96}``). Shown next to the
            model's value in ``nnrecipe fit``'s output and the report, and recorded in each
            run's ``config.json`` (``"reference"``).

    Raises:
        ConfigError: An unusable name, model, loss, metrics or hparams, checked when the
            experiment is made, before any run folder exists.

    Example:
        >>> import torch
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
    reference: Mapping[str, float] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or safe_name(self.name, what="experiment name") != self.name:
            raise ConfigError(
                f"experiment name {self.name!r} is not a portable folder name; use "
                f"name={safe_name(str(self.name), what='experiment name')!r} (letters, digits, '.', '_', '+', '=', '-')"
            )
        if not (isinstance(self.model, nn.Module) or callable(self.model)):
            raise ConfigError(f"model must be an nn.Module or a factory returning one; got {self.model!r}")
        if not (isinstance(self.loss, str) or callable(self.loss)):
            raise ConfigError(f"loss must be a name such as 'cross_entropy' or a callable (output, target) -> scalar; got {self.loss!r}")
        if isinstance(self.metrics, str):
            raise ConfigError(f"metrics must be a list of names or callables; got the string {self.metrics!r}: write metrics=[{self.metrics!r}]")
        if not isinstance(self.hparams, Mapping) or not all(isinstance(k, str) for k in self.hparams):
            raise ConfigError(f"hparams must be a dict of name -> value; got {self.hparams!r}")
        if not isinstance(self.reference, Mapping) or not all(
            isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for k, v in self.reference.items()
        ):
            raise ConfigError(f"reference must map logged names to finite numbers, e.g. reference={{'val_accuracy': 0.96}}; got {self.reference!r}")
        self.model_hparams()  # trainer values and model keys are checked now, not at step 1

    def train_config(self, overrides: Mapping[str, Any] | None = None) -> TrainConfig:
        """The trainer's settings: ``hparams`` with ``overrides`` applied, validated."""
        return split_hparams({**self.hparams, **(overrides or {})})[0]

    def model_hparams(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The model factory's hyperparameters: every key that is not a ``TrainConfig`` field.

        Raises:
            ConfigError: A trainer value is invalid, or a key is neither a ``TrainConfig``
                field nor a parameter of the model factory (with the closest name of both).
        """
        model_hp = split_hparams({**self.hparams, **(overrides or {})})[1]
        check_model_hparams(self.model, model_hp)
        return model_hp

    def build_model(self, overrides: Mapping[str, Any] | None = None, *, seed: int = 0) -> nn.Module:
        return build_model(self.model, self.model_hparams(overrides), seed=seed)


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
        try:
            obj = obj()
        except Exception as e:  # the user's code: report it as their input, with its message
            raise ConfigError(f"calling {path}:{attr}() failed: {type(e).__name__}: {e}") from e
    if not isinstance(obj, Experiment):
        raise ConfigError(f"{path}:{attr} is a {type(obj).__name__}, not an nnrecipe.Experiment")
    return dataclasses.replace(obj, source=f"{path.resolve()}:{attr}")
