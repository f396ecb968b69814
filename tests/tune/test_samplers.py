"""Exploration then exploitation: quasi-random trials first, then the Bayesian sampler."""

from __future__ import annotations

import optuna
import pytest

from nnrecipe import ConfigError
from nnrecipe._tune._halton import HaltonSampler
from nnrecipe._tune._samplers import make_sampler
from nnrecipe.tuning import Param, SamplerSpec, Space

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


def test_two_workers_asking_at_once_propose_different_points_reproducibly():
    """Two workers ask for trials 4 and 5 at the same moment, after the same history: each
    exploitation trial has its own stream, so they differ, and a rerun repeats them."""
    study = optuna.create_study(sampler=make_sampler(SamplerSpec(name="tpe", startup_trials=4), SPACE))
    study.optimize(_objective, n_trials=4)
    running = [study._storage.get_trial(study.ask()._trial_id) for _ in range(2)]  # trials 4 and 5, no values yet

    def proposal(trial: optuna.trial.FrozenTrial) -> dict:
        sampler = make_sampler(SamplerSpec(name="tpe", startup_trials=4), SPACE)  # a worker's own sampler
        sampler.before_trial(study, trial)
        return sampler.sample_relative(study, trial, sampler.infer_relative_search_space(study, trial))

    assert [t.number for t in running] == [4, 5]
    assert proposal(running[0]) != proposal(running[1])
    assert proposal(running[0]) == proposal(running[0])
