"""The scrambled-Halton sampler: even coverage, conditional parameters, the same in every worker."""

from __future__ import annotations

import math

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from nnrecipe._tune._halton import HaltonSampler, from_unit
from nnrecipe.tuning import Param, Space


def _run(space: Space, n: int, seed: int = 0) -> list[dict]:
    study = optuna.create_study(sampler=HaltonSampler(space.names, seed=seed))
    study.optimize(lambda t: (space.suggest(t), 0.0)[1], n_trials=n)
    return [t.params for t in study.trials]


def test_categorical_values_are_balanced_and_ranges_covered_evenly():
    space = Space((Param(name="opt", kind="choices", choices=("a", "b", "c")), Param(name="lr", kind="log", low=1e-5, high=1e-1)))
    params = _run(space, 60)
    counts = [sum(p["opt"] == c for p in params) for c in "abc"]
    assert max(counts) - min(counts) <= 2  # random sampling would typically differ by ~8
    decades = np.histogram([math.log10(p["lr"]) for p in params], bins=4, range=(-5, -1))[0]
    assert decades.min() >= 13  # 15 expected per decade of the log range


def test_the_same_trial_number_gives_the_same_point_in_another_process():
    space = Space((Param(name="x", kind="linear", low=0, high=1), Param(name="n", kind="int", low=1, high=9)))
    assert _run(space, 5) == _run(space, 5)
    assert _run(space, 5) != _run(space, 5, seed=1)


def test_conditional_parameters_get_their_own_dimension():
    opt = Param(name="optimizer", kind="choices", choices=("adam", "sgd"))
    adam = Param(name="adam_lr", hparam="lr", kind="log", low=1e-4, high=1e-2, when=(("optimizer", ("adam",)),))
    sgd = Param(name="sgd_lr", hparam="lr", kind="log", low=1e-3, high=1.0, when=(("optimizer", ("sgd",)),))
    params = _run(Space((opt, adam, sgd)), 16)
    adam_lrs = sorted(math.log10(p["adam_lr"]) for p in params if "adam_lr" in p)
    assert len(adam_lrs) == 8 and len(set(adam_lrs)) == 8
    assert adam_lrs[0] < -3.5 and adam_lrs[-1] > -2.5  # spread over the whole conditional range


def test_unit_values_map_into_each_distribution_inclusively():
    assert math.isclose(from_unit(0.0, FloatDistribution(1e-4, 1e-2, log=True)), 1e-4)
    assert from_unit(1.0, FloatDistribution(1e-4, 1e-2, log=True)) <= 1e-2
    assert from_unit(0.999999, IntDistribution(8, 64, log=True)) == 64
    assert from_unit(0.0, IntDistribution(8, 64)) == 8
    assert {from_unit(u, IntDistribution(1, 3)) for u in (0.0, 0.4, 0.9)} == {1, 2, 3}
    assert from_unit(0.5, CategoricalDistribution(["a", "b"])) == "b"


def test_a_rerun_samples_the_point_of_the_trial_it_replaces():
    space = Space((Param(name="x", kind="linear", low=0, high=1),))
    study = optuna.create_study(sampler=HaltonSampler(space.names, seed=0))
    study.optimize(lambda t: (space.suggest(t), 0.0)[1], n_trials=3)
    study.enqueue_trial({}, user_attrs={"retry_of": 1})
    study.optimize(lambda t: (space.suggest(t), 0.0)[1], n_trials=1)
    assert study.trials[3].params == study.trials[1].params
