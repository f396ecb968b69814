"""Samplers a study can name: quasi-random exploration, then optional Bayesian exploitation."""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any, Literal, get_args

import optuna
from optuna.distributions import BaseDistribution
from optuna.exceptions import ExperimentalWarning
from optuna.samplers import BaseSampler, GPSampler, RandomSampler, TPESampler
from optuna.trial import FrozenTrial

from .._core._errors import ConfigError
from ._halton import HaltonSampler
from ._space import Space

__all__ = ["PhasedSampler", "SamplerName", "SamplerSpec", "make_sampler"]

SamplerName = Literal["halton", "random", "tpe", "gp"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class SamplerSpec:
    """Which sampler a study uses.

    Attributes:
        name: ``"halton"`` (scrambled quasi-random, the default), ``"random"``, ``"tpe"`` or
            ``"gp"`` (Bayesian optimisation, for exploitation once the space is understood).
        seed: Seed shared by all workers.
        startup_trials: For ``tpe`` / ``gp``: quasi-random trials before the model takes over.
    """

    name: SamplerName = "halton"
    seed: int = 0
    startup_trials: int = 10

    def __post_init__(self) -> None:
        if self.name not in get_args(SamplerName):
            raise ConfigError(f"sampler name={self.name!r} is not one of {get_args(SamplerName)}")
        if self.startup_trials < 0:
            raise ConfigError(f"sampler startup_trials must be >= 0; got {self.startup_trials}")


class PhasedSampler(BaseSampler):
    """Explore with one sampler for the first ``switch_after`` trials, then exploit with another.

    Args:
        explore: Sampler of trials numbered below ``switch_after``.
        exploit: Sampler of the later trials.
        switch_after: Number of exploration trials.
        seed: The study's seed. Each exploitation trial draws from its own stream, a function of
            (seed, trial number): workers that ask at the same moment see the same history,
            and with one shared stream they would propose the same point twice.
    """

    def __init__(self, explore: BaseSampler, exploit: BaseSampler, switch_after: int, seed: int = 0) -> None:
        self._explore, self._exploit, self._switch, self._seed = explore, exploit, switch_after, seed

    def _pick(self, trial: FrozenTrial) -> BaseSampler:
        return self._explore if trial.number < self._switch else self._exploit

    def infer_relative_search_space(self, study: optuna.Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return self._pick(trial).infer_relative_search_space(study, trial)

    def sample_relative(
        self, study: optuna.Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return self._pick(trial).sample_relative(study, trial, search_space)

    def sample_independent(
        self, study: optuna.Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        return self._pick(trial).sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: optuna.Study, trial: FrozenTrial) -> None:
        if trial.number >= self._switch:
            stream = getattr(getattr(self._exploit, "_rng", None), "rng", None)  # Optuna's LazyRandomState
            if stream is not None:
                stream.seed((self._seed * 1_000_003 + trial.number) % 2**32)
            else:
                self._exploit.reseed_rng()  # a sampler without one: distinct, not reproducible
        self._pick(trial).before_trial(study, trial)

    def after_trial(self, study: optuna.Study, trial: FrozenTrial, state: Any, values: Any) -> None:
        self._pick(trial).after_trial(study, trial, state, values)


def make_sampler(spec: SamplerSpec, space: Space) -> BaseSampler:
    """Build the sampler a study names, over its space.

    Example:
        >>> from nnrecipe._tune._space import Param
        >>> space = Space((Param(name="lr", kind="log", low=1e-4, high=1e-1),))
        >>> type(make_sampler(SamplerSpec(name="tpe"), space)).__name__
        'PhasedSampler'
    """
    halton = HaltonSampler(space.names, seed=spec.seed)
    if spec.name == "halton":
        return halton
    if spec.name == "random":
        return RandomSampler(seed=spec.seed)
    # Multivariate, grouped TPE models conditional parameters jointly; those options and the
    # GP sampler are marked experimental by Optuna, a deliberate choice here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        exploit: BaseSampler = (
            TPESampler(seed=spec.seed, multivariate=True, group=True, n_startup_trials=0, constant_liar=True)
            if spec.name == "tpe"
            else GPSampler(seed=spec.seed, n_startup_trials=0)
        )
    return PhasedSampler(halton, exploit, spec.startup_trials, seed=spec.seed)
