"""Exploration then exploitation: quasi-random trials first, then the Bayesian sampler."""

from __future__ import annotations

import optuna
import pytest

from nnrecipe import ConfigError
from nnrecipe.tuning import Param, SamplerSpec, Space
from nnrecipe._tune._halton import HaltonSampler
from nnrecipe._tune._samplers import make_sampler

SPACE = Space((Param(name="x", kind="linear", low=-2, high=2), Param(name="opt", kind="choices", choices=("a", "b"))))


def _objective(trial: optuna.Trial) -> float:
    values = SPACE.suggest(trial)
    return (values["x"] - 1) ** 2 + (0.5 if values["opt"] == "a" else 0.0)


@pytest.mark.parametrize("name", ["tpe", "gp"])
def test_bayesian_samplers_start_from_the_halton_points_then_exploit(name):
    study = optuna.create_study(sampler=make_sampler(SamplerSpec(name=name, startup_trials=6), SPACE))
    study.optimize(_objective, n_trials=12)
    halton = optuna.create_study(sampler=HaltonSampler(SPACE.names))
    halton.optimize(_objective, n_trials=6)
    assert [t.params for t in study.trials[:6]] == [t.params for t in halton.trials]
    explore, exploit = study.trials[:6], study.trials[6:]
    assert min(t.value for t in exploit) < min(t.value for t in explore)  # the model improves on the search


def test_random_sampler_is_seeded():
    runs = []
    for _ in range(2):
        study = optuna.create_study(sampler=make_sampler(SamplerSpec(name="random", seed=3), SPACE))
        study.optimize(_objective, n_trials=3)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


def test_negative_startup_trials_are_rejected():
    with pytest.raises(ConfigError, match="startup_trials must be >= 0"):
        SamplerSpec(name="tpe", startup_trials=-1)
