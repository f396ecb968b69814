"""A saved ensemble, rebuilt for prediction: each member's model from its run, weighted.

Each member is rebuilt from its run's experiment (the factory and the run's recorded
hyperparameters) and its safetensors weights, checked against the SHA-256 recorded at
selection; nothing is unpickled. Predictions are the weighted mean of the members'
probabilities (values for regression).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .._core._data import _to_tensor, as_source
from .._core._errors import ConfigError
from .._core._experiment import Experiment
from ._predictions import targets_sha256
from ._rebuild import predict_inputs, predict_split, rebuild_model, run_experiment
from ._result import EnsembleResult, Member, Method
from ._scores import score, task_metrics

__all__ = ["Ensemble", "Evaluation"]

AGREE = 1e-4  # recomputed figures this close to the recorded ones agree (summation order, BLAS)


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """An ensemble's metrics on one split, next to the figures recorded at selection.

    Attributes:
        split: ``val``, ``test`` or ``data`` (data given by the caller).
        size: Examples.
        metrics: The ensemble's metrics now; ``recorded`` those saved with it (``None`` for given data).
    """

    split: str
    size: int
    metrics: dict[str, float]
    recorded: dict[str, float] | None

    @property
    def agrees(self) -> bool:
        """Whether the recomputed metrics match the recorded ones (always true without a record)."""
        return self.recorded is None or all(math.isclose(v, self.recorded.get(k, v), rel_tol=AGREE, abs_tol=AGREE) for k, v in self.metrics.items())


class Ensemble:
    """A saved ensemble's models, ready to predict.

    Build it with :meth:`load`; it holds the members with a non-zero weight of one method.

    Example:
        >>> ens = nnrecipe.Ensemble.load("runs/mnist1d-cnn/ensemble.json")  # doctest: +SKIP
        >>> ens.predict(X).argmax(-1)  # doctest: +SKIP
    """

    def __init__(self, result: EnsembleResult, method: Method, models: list[tuple[Member, float, nn.Module]], experiment: Experiment) -> None:
        self.result, self.method, self.models, self.experiment = result, method, models, experiment

    @classmethod
    def load(cls, path: str | Path, *, method: Method = "greedy", experiment: Experiment | None = None, device: str = "cpu") -> Ensemble:
        """Rebuild the ensemble saved at ``path`` (an ``ensemble.json``).

        Args:
            path: The file :meth:`EnsembleResult.save` wrote.
            method: ``greedy`` (the ensemble), ``average`` or ``single``.
            experiment: The experiment of every member, for runs trained from an Experiment made
                in Python (default: each run's recorded experiment file).
            device: Where the models run.

        Raises:
            CheckpointError: The file, a run folder or a weights file is missing, or a weights
                file changed since selection.
            ConfigError: An experiment cannot be loaded or no longer fits its weights.
        """
        if method not in ("greedy", "average", "single"):
            raise ConfigError(f"{method=} is not one of 'greedy', 'average', 'single'")
        result = EnsembleResult.load(path)
        chosen = result.method(method)
        experiments: dict[str | None, Experiment] = {}
        models = []
        for i in chosen.used:
            m = result.members[i]
            if m.experiment not in experiments:
                experiments[m.experiment] = run_experiment(m.run_dir, experiment, m.experiment)
            model = rebuild_model(experiments[m.experiment], m.run_dir, m.run_dir / m.weights, m.weights_sha256)
            models.append((m, chosen.weights[i], model.to(device)))
        return cls(result, method, models, experiments[result.members[chosen.used[0]].experiment])

    def predict(self, X: Any) -> torch.Tensor:
        """The weighted mean of the members' predictions for inputs ``X`` (tensor or array).

        Returns:
            ``(N, classes)`` probabilities for classification, ``(N, ...)`` probabilities for a
            binary task, values for regression.
        """
        x = _to_tensor(X, "X")
        preds = [predict_inputs(model, x, member.rule).double() * weight for member, weight, model in self.models]
        return sum(preds[1:], preds[0]).float()

    def evaluate(self, data: Any = None) -> tuple[Evaluation, ...]:
        """Metrics of the ensemble on ``data`` (``(X, y)``, a Dataset or a DataLoader), or by
        default on the experiment's validation and test splits, next to the recorded figures.

        Raises:
            ConfigError: The experiment's splits are not the examples the ensemble was selected on.
        """
        if data is not None:
            return (self._evaluate("data", data, None),)
        chosen = self.result.method(self.method)
        splits = {"val": (self.experiment.val, chosen.val), "test": (self.experiment.test, chosen.test)}
        return tuple(self._evaluate(name, d, recorded) for name, (d, recorded) in splits.items() if d is not None and name in self.result.targets_sha256)

    def _evaluate(self, split: str, data: Any, recorded: dict[str, float] | None) -> Evaluation:
        src = as_source(data, name=split)
        task = self.result.task
        total, targets = None, None
        for member, weight, model in self.models:
            pred, targets, _ = predict_split(model, src, task, "", member.rule)
            total = pred.double() * weight if total is None else total + pred.double() * weight
        assert total is not None and targets is not None  # an ensemble has at least one member
        if recorded is not None and targets_sha256(targets) != self.result.targets_sha256[split]:
            raise ConfigError(
                f"the experiment's {split} split is not the one the ensemble was selected on (its targets differ); "
                f"the data changed since: evaluate on the original data"
            )
        return Evaluation(split, len(targets), {m: score(m, total, targets, task) for m in task_metrics(task)}, recorded)
