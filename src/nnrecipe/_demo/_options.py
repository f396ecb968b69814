"""How big the demo is: steps, trials, workers and its time budget, in one frozen set."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .._core._errors import ConfigError

__all__ = ["DemoOptions"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class DemoOptions:
    """The size of :func:`~nnrecipe.demo.run_demo`; the defaults are the full demo.

    The full demo fits about 4 minutes on a quiet 2-core machine: 12 quasi-random trials
    and 4 Bayesian (TPE) ones of 1,500 steps, two workers of one thread each.
    :meth:`quick` is the one-minute first look.

    Attributes:
        seed: Seeds the baseline (model init, data order) and the samplers; trial ``n``
            trains from ``seed + n``, so the ensemble's members are independent. The data is fixed.
        steps: Optimizer steps of the baseline and of every trial (1,500: 27 epochs).
        trials: Quasi-random (Halton) trials exploring the search space.
        exploit_trials: Bayesian (TPE) trials after them, informed by them, run only if the
            budget leaves room (see ``budget``).
        workers: Tuning worker processes, one CPU thread each.
        budget: Seconds the demo aims to finish in: exploration trials stop starting once
            one (timed by the baseline run) and the stages after it would not fit, and
            exploitation trials are started only while the trials measured so far say they
            fit (``None``: always run them all, e.g. to measure figures on a busy machine).
        check_budget: Seconds each training check may spend (``nnrecipe.CheckOptions.budget``).
        model: Hyperparameters of the reference CNN to change (tests shrink it).
        expect: The test accuracies these settings reach, as the demo states them up front.

    Raises:
        ConfigError: A count below 1, or a budget that is not positive.

    Example:
        >>> DemoOptions.quick().trials
        4
    """

    seed: int = 0
    steps: int = 1500
    trials: int = 12
    exploit_trials: int = 4
    workers: int = 2
    budget: float | None = 290.0
    check_budget: float = 5.0
    model: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    expect: str = "expect >= 99.0% test accuracy for the chosen model and >= 99.4% for the ensemble, in under 5 minutes on 2 quiet cores"

    def __post_init__(self) -> None:
        for name in ("steps", "trials", "workers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"DemoOptions: {name}={value!r}; expected an int >= 1")
        if isinstance(self.exploit_trials, bool) or not isinstance(self.exploit_trials, int) or self.exploit_trials < 0:
            raise ConfigError(f"DemoOptions: exploit_trials={self.exploit_trials!r}; expected an int >= 0 (0: no exploitation)")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ConfigError(f"DemoOptions: seed={self.seed!r}; expected an int >= 0")
        for name in ("budget", "check_budget"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ConfigError(f"DemoOptions: {name}={value!r}; expected a positive number of seconds")
        if self.check_budget is None:
            raise ConfigError("DemoOptions: check_budget=None; expected a positive number of seconds, e.g. 5.0")

    @classmethod
    def quick(cls, seed: int = 0) -> DemoOptions:
        """The same stages in under a minute: 4 + 2 trials of 300 steps, 2 s per training check."""
        return cls(
            seed=seed, steps=300, trials=4, exploit_trials=2, budget=60.0, check_budget=2.0,
            expect="expect about 97-99% test accuracy (the full demo: >= 99.0% for the chosen model, >= 99.4% for the ensemble)",
        )

    @property
    def val_every(self) -> int:
        """Validate 15 times per run: enough points for the curves and the best checkpoint."""
        return max(1, self.steps // 15)
