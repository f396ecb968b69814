"""What every stage of the demo reads: its options, the experiment, its folder, its clock, its study."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from .._core._experiment import Experiment
from .._tune._samplers import SamplerSpec
from .._tune._study import Budget, Goal, Study
from ._experiment import mnist1d_experiment
from ._options import DemoOptions
from ._space import BASELINE, RECIPE_CHOICES, search_space

__all__ = ["EXPERIMENT_FILE", "STUDY_NAME", "Context"]

EXPERIMENT_FILE = Path(__file__).with_name("_study_experiment.py")
STUDY_NAME = "mnist1d-cnn-study"


@dataclasses.dataclass(frozen=True)
class Context:
    """The demo's fixed inputs; ``started`` is its ``time.monotonic()`` start.

    ``experiment`` is the reference CNN on MNIST-1D with the options' model changes, built
    once (the tuning workers load the same one from ``EXPERIMENT_FILE``).
    """

    options: DemoOptions
    folder: Path
    started: float = dataclasses.field(default_factory=time.monotonic)
    experiment: Experiment = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "experiment", mnist1d_experiment(**self.options.model))

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def run_hparams(self) -> dict[str, object]:
        """What every run of the demo shares: its length, validation cadence, seed and model."""
        o = self.options
        return {"max_steps": o.steps, "val_every": o.val_every, "tensorboard": False, "seed": o.seed, **o.model}

    def study(self) -> Study:
        """One study: ``trials`` quasi-random (Halton) trials, then Bayesian (TPE) ones informed by them.

        Trials are scored on their best validation accuracy (the retrospective best checkpoint,
        whose weights each keeps); its storage is a journal file in the demo's folder.
        """
        o = self.options
        return Study(
            name=STUDY_NAME,
            experiment=f"{EXPERIMENT_FILE}:experiment",
            goal=Goal(metric="val_accuracy", direction="maximize"),
            space=search_space(),
            fixed={**RECIPE_CHOICES, **self.run_hparams()},
            baseline=BASELINE,
            sampler=SamplerSpec(name="tpe", seed=o.seed, startup_trials=o.trials),
            budget=Budget(trials=o.trials + o.exploit_trials),
            runs_dir=str(self.folder.resolve()),
            # Independent members for the ensemble: one seed per trial.
            seed_per_trial=True,
        )
