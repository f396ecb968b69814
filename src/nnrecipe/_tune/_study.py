"""A tuning study as the playbook designs it: a goal, scientific / nuisance / fixed hyperparameters."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, Literal

from .._core._config import TrainConfig
from .._core._errors import ConfigError
from .._core._monitor import Monitor
from ._samplers import SamplerSpec
from ._space import Space

__all__ = ["Budget", "Goal", "Study"]

Direction = Literal["minimize", "maximize"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Goal:
    """What a trial is scored on: a validation metric and whether lower or higher is better.

    Attributes:
        metric: A key of the trainer's validation rows (``val_loss``, ``val_accuracy``...).
        direction: ``"minimize"``, ``"maximize"``, or ``"auto"`` (the default): the direction
            the metric declares, through the same :class:`~nnrecipe.metrics.Monitor` rule as
            the callbacks and ``FitResult.best`` (losses and errors minimise, accuracies
            maximise). After construction it is always ``"minimize"`` or ``"maximize"``.

    Raises:
        ConfigError: A metric that is not a validation value, a direction that is not one of
            the three, or ``"auto"`` for a metric whose direction nobody declared.

    Example:
        >>> Goal(metric="val_accuracy").direction, Goal(metric="val_loss").direction
        ('maximize', 'minimize')
    """

    metric: str = "val_loss"
    direction: Direction | Literal["auto"] = "auto"

    def __post_init__(self) -> None:
        if not self.metric.startswith("val_"):
            raise ConfigError(
                f"goal metric={self.metric!r} must be a validation value such as 'val_loss' or "
                f"'val_accuracy' (tuning on training or test values overfits them)"
            )
        modes = {"minimize": "min", "maximize": "max", "auto": "auto"}
        if self.direction not in modes:
            raise ConfigError(f"goal direction={self.direction!r} must be 'minimize', 'maximize' or 'auto'")
        try:
            monitor = Monitor.resolve(self.metric, modes[self.direction])  # type: ignore[arg-type]
        except ConfigError:
            raise ConfigError(
                f"goal metric {self.metric!r} declares no direction; write "
                f"goal: {{metric: {self.metric}, direction: maximize}} (or minimize)"
            ) from None
        object.__setattr__(self, "direction", "minimize" if monitor.mode == "min" else "maximize")

    @property
    def monitor(self) -> Monitor:
        """The goal as the callbacks watch it (``ModelCheckpoint(monitor=..., mode=...)``)."""
        return Monitor(self.metric, self.mode)

    # Every use of the direction goes through the members below (one place to adopt a
    # shared monitor's direction from).

    @property
    def mode(self) -> Literal["min", "max"]:
        """``"min"`` or ``"max"``: the direction as callbacks name it (``ModelCheckpoint(mode=...)``)."""
        return "min" if self.direction == "minimize" else "max"

    @property
    def sign(self) -> float:
        """``+1`` when lower is better, ``-1`` when higher is: ``sign * value`` is lower-is-better."""
        return 1.0 if self.direction == "minimize" else -1.0

    def gain(self, difference: float) -> float:
        """How much better ``a`` is than ``b`` given ``difference = a - b`` (negative: worse)."""
        return -self.sign * difference

    def rank(self, value: float | None) -> float:
        """Sort key: lower is better whatever the direction; ``None`` sorts last."""
        if value is None:
            return math.inf
        return self.sign * value


@dataclasses.dataclass(frozen=True, kw_only=True)
class Budget:
    """How much the study may spend: trials in total (over all workers) and wall time per worker.

    Attributes:
        trials: Trials to finish across every worker (``None``: until the timeout).
        timeout: Seconds after which a worker starts no new trial (``None``: no limit).
    """

    trials: int | None = 20
    timeout: float | None = None

    def __post_init__(self) -> None:
        if self.trials is not None and self.trials < 1:
            raise ConfigError(f"budget trials must be >= 1 or null; got trials={self.trials}")
        if self.timeout is not None and not self.timeout > 0:
            raise ConfigError(f"budget timeout must be > 0 seconds or null; got timeout={self.timeout}")
        if self.trials is None and self.timeout is None:
            raise ConfigError("the budget needs `trials:` or `timeout:` (or both); a study must end")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Study:
    """A study compares the values of its scientific hyperparameters, each with its nuisance
    hyperparameters tuned, everything else fixed.

    Attributes:
        name: Name of the study in its storage and of its runs folder.
        experiment: ``path.py[:name]`` of the :class:`~nnrecipe.Experiment` to train.
        goal: The validation value each trial is scored on.
        space: Scientific and nuisance parameters (see :class:`Param`).
        fixed: Hyperparameters held at one value in every trial.
        baseline: Hyperparameters of the baseline a candidate must beat to be adopted
            (empty: the experiment's defaults, i.e. the recipe's).
        sampler: How trials are sampled.
        budget: How many trials and how much time.
        storage: Storage URL; ``None`` is a SQLite file in ``runs_dir``.
        runs_dir: Folder of the trials' run folders.
        seed_per_trial: Each trial trains from its own seed, the fixed ``seed`` (default 0)
            plus the trial's number, instead of all from the same one. Differences between
            trials then include seed-to-seed variation, and their models are independent
            members for an ensemble (models from one seed make the same mistakes, so their
            average gains little).

    Example:
        >>> from nnrecipe._tune._space import Param
        >>> Study(name="s", experiment="exp.py",
        ...       space=Space((Param(name="lr", kind="log", low=1e-4, high=1e-2),))).goal.metric
        'val_loss'
    """

    name: str
    experiment: str
    goal: Goal = dataclasses.field(default_factory=Goal)
    space: Space
    fixed: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    baseline: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    sampler: SamplerSpec = dataclasses.field(default_factory=SamplerSpec)
    budget: Budget = dataclasses.field(default_factory=Budget)
    storage: str | None = None
    runs_dir: str = "runs"
    seed_per_trial: bool = False

    def __post_init__(self) -> None:
        if not self.name or "/" in self.name:
            raise ConfigError(f"study name={self.name!r} must be a non-empty name without '/'")
        if not self.space.params:
            raise ConfigError("the study searches nothing; declare at least one `nuisance:` or `scientific:` parameter")
        clash = sorted({p.hparam for p in self.space.params} & set(self.fixed))
        if clash:
            raise ConfigError(f"{clash} are both searched and `fixed:`; keep each hyperparameter in one place")
        # Fail now, not in the first trial, on fixed trainer settings TrainConfig rejects.
        TrainConfig().replace(**{k: v for k, v in self.fixed.items() if k in TrainConfig.field_names()})

    def trial_hparams(self, values: Mapping[str, Any], number: int | None = None) -> dict[str, Any]:
        """The flat hyperparameters of trial ``number``: fixed ones, then the sampled ones.

        Example:
            >>> from nnrecipe._tune._space import Param
            >>> s = Study(name="s", experiment="e.py", fixed={"seed": 10}, seed_per_trial=True,
            ...           space=Space((Param(name="lr", kind="log", low=1e-4, high=1e-2),)))
            >>> s.trial_hparams({"lr": 1e-3}, number=7)["seed"]
            17
        """
        hparams = {**self.fixed, **self.space.to_hparams(values)}
        if self.seed_per_trial and number is not None:
            hparams["seed"] = int(hparams.get("seed", TrainConfig().seed)) + number
        return hparams
