"""Scrambled Halton quasi-random search over the whole space, conditional parameters included.

The playbook recommends quasi-random search for exploration: it covers the space more
evenly than random search, is non-adaptive (so any subset of trials is still a fair
sample) and needs no coordination between workers. Optuna's ``QMCSampler`` only covers the
parameters of the first trial and falls back to random sampling for conditional ones;
this sampler gives *every* parameter of the study its own Halton dimension, so a
parameter that is inactive in a trial simply leaves its coordinate unused.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.samplers import BaseSampler, RandomSampler
from optuna.trial import FrozenTrial

__all__ = ["HaltonSampler", "from_unit"]


class HaltonSampler(BaseSampler):
    """Trial ``n`` takes point ``n`` of one scrambled Halton sequence over all parameters.

    Args:
        names: Every parameter name of the study, in a fixed order (one dimension each).
        seed: Seed of the scrambling; all workers of a study must share it.

    Example:
        >>> import optuna
        >>> s = optuna.create_study(sampler=HaltonSampler(["x"], seed=0))
        >>> s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
        >>> len({t.params["x"] for t in s.trials})
        4
    """

    def __init__(self, names: Sequence[str], *, seed: int = 0) -> None:
        if not names:
            raise ValueError("HaltonSampler needs at least one parameter name")
        self._dims = {name: i for i, name in enumerate(names)}
        self._seed = seed
        self._fallback = RandomSampler(seed=seed)
        self._cache: dict[int, np.ndarray] = {}

    def infer_relative_search_space(self, study: optuna.Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: optuna.Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self, study: optuna.Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if param_name not in self._dims:  # a parameter outside the declared space
            return self._fallback.sample_independent(study, trial, param_name, param_distribution)
        # A re-run of a trial whose worker died samples the point the original was given.
        index = int(trial.user_attrs.get("retry_of", trial.number))
        return from_unit(float(self.point(index)[self._dims[param_name]]), param_distribution)

    def point(self, index: int) -> np.ndarray:
        """Point ``index`` of the sequence, in ``[0, 1)^d``; the same in every process."""
        if index not in self._cache:
            from scipy.stats import qmc  # imported here: scipy.stats takes seconds to import

            engine = qmc.Halton(d=len(self._dims), scramble=True, seed=self._seed)
            engine.fast_forward(index)  # O(1) for Halton: the point is a function of its index
            self._cache = {index: engine.random(1)[0]}  # trials ask for one point at a time
        return self._cache[index]


def from_unit(u: float, dist: BaseDistribution) -> Any:
    """Map ``u`` in ``[0, 1)`` to a value of ``dist`` (uniform on the log scale when ``log``)."""
    if isinstance(dist, CategoricalDistribution):
        return dist.choices[min(len(dist.choices) - 1, int(u * len(dist.choices)))]
    if isinstance(dist, IntDistribution):
        low, high = dist.low, dist.high
        if dist.log:
            value = math.exp(math.log(low) + u * (math.log(high + 1) - math.log(low)))
        else:
            value = low + u * (high - low + 1)
        steps = (min(high, math.floor(value)) - low) // dist.step
        return int(low + steps * dist.step)
    if isinstance(dist, FloatDistribution):
        if dist.log:
            value = math.exp(math.log(dist.low) + u * (math.log(dist.high) - math.log(dist.low)))
        else:
            value = dist.low + u * (dist.high - dist.low)
        return float(min(max(value, dist.low), dist.high))
    raise TypeError(f"HaltonSampler cannot sample a {type(dist).__name__}")
