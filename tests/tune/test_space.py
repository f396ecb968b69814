"""Search spaces: conditional parameters are sampled only under their parent's value."""

from __future__ import annotations

import optuna
import pytest

from nnrecipe import ConfigError
from nnrecipe.tuning import Param, Space

OPT = Param(name="optimizer", kind="choices", choices=("adam", "sgd"), role="scientific")
ADAM_LR = Param(name="adam_lr", hparam="lr", kind="log", low=1e-4, high=1e-2, when=(("optimizer", ("adam",)),))
SGD_LR = Param(name="sgd_lr", hparam="lr", kind="log", low=1e-3, high=1.0, when=(("optimizer", ("sgd",)),))
MOMENTUM = Param(name="momentum", kind="linear", low=0.8, high=0.99, when=(("optimizer", ("sgd",)),))


def test_children_are_ordered_after_their_parent():
    assert Space((SGD_LR, ADAM_LR, OPT)).names == ("optimizer", "sgd_lr", "adam_lr")


def test_only_the_branch_of_the_sampled_parent_value_is_sampled():
    space = Space((OPT, ADAM_LR, SGD_LR, MOMENTUM))
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(20):
        trial = study.ask()
        values = space.suggest(trial)
        study.tell(trial, 0.0)
        expected = {"optimizer", "adam_lr"} if values["optimizer"] == "adam" else {"optimizer", "sgd_lr", "momentum"}
        assert set(values) == expected
        assert set(space.to_hparams(values)) == {"optimizer", "lr"} | ({"momentum"} if "momentum" in values else set())


def test_a_cycle_through_when_is_rejected():
    a = Param(name="a", kind="choices", choices=(1, 2), when=(("b", (1,)),))
    b = Param(name="b", kind="choices", choices=(1, 2), when=(("a", (1,)),))
    with pytest.raises(ConfigError, match="conditional on itself"):
        Space((a, b))


def test_a_parent_must_be_categorical():
    with pytest.raises(ConfigError, match="must be a `choices:` parameter"):
        Space((ADAM_LR, Param(name="optimizer", kind="linear", low=0, high=1)))


def test_int_log_range_must_be_integers():
    with pytest.raises(ConfigError, match="integer range"):
        Param(name="width", kind="int_log", low=8.5, high=64)
