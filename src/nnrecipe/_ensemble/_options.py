"""How an ensemble is selected and judged: one flat, frozen, validated set of choices."""

from __future__ import annotations

import dataclasses
from typing import Any

from .._core._errors import ConfigError
from ._scores import METRICS, MetricName

__all__ = ["EnsembleOptions"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class EnsembleOptions:
    """Choices of :func:`~nnrecipe.ensemble`.

    Attributes:
        metric: Validation metric selection optimises: ``accuracy`` or ``nll`` (log loss)
            for classification and binary tasks, ``mse`` or ``mae`` for regression. ``None``
            takes the one the runs were judged by (their monitor: a study's goal), else
            accuracy or MSE.
        init: Greedy selection starts from the best ``init`` single models (1: the best one).
        steps: Greedy additions (the ensemble size reached, repeats included); the best
            point along the way is kept.
        average: The averaging ensemble is the equal-weight average of the best ``average``
            single models by validation (all of them when fewer).
        resamples: Bootstrap resamples of the test examples for the gain's interval.
        confidence: Level of that interval.
        seed: Seed of the bootstrap.

    Raises:
        ConfigError: A value out of range, naming it.

    Example:
        >>> EnsembleOptions(average=3).steps
        50
    """

    metric: MetricName | None = None
    init: int = 1
    steps: int = 50
    average: int = 5
    resamples: int = 2000
    confidence: float = 0.95
    seed: int = 0

    def __post_init__(self) -> None:
        if self.metric is not None and self.metric not in METRICS:
            raise ConfigError(f"ensemble metric={self.metric!r} is not one of {list(METRICS)}")
        for name in ("init", "steps", "average", "resamples"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"EnsembleOptions: {name}={value!r}; expected an int >= 1")
        if self.init > self.steps:
            raise ConfigError(f"EnsembleOptions: init={self.init} exceeds steps={self.steps}; the trajectory starts after init")
        if not 0 < self.confidence < 1:
            raise ConfigError(f"EnsembleOptions: confidence={self.confidence!r}; expected a level between 0 and 1, e.g. 0.95")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ConfigError(f"EnsembleOptions: seed={self.seed!r}; expected an int >= 0")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
