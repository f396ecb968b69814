"""Experiment: checked when made (name, model, loss, metrics, hyperparameter keys)."""

from pathlib import Path

import pytest
import torch
from torch import nn

import nnrecipe
from nnrecipe import ConfigError, Experiment
from nnrecipe.models import build_model

DATA = (torch.randn(8, 4), torch.arange(8) % 2)


def factory(hidden: int = 8, dropout: float = 0.0) -> nn.Module:
    return nn.Sequential(nn.Linear(4, hidden), nn.Dropout(dropout), nn.Linear(hidden, 2))


def experiment(**kw) -> Experiment:
    return Experiment(**{"model": factory, "train": DATA, "loss": "cross_entropy", **kw})


@pytest.mark.parametrize("name", ["a/b", "../escape", "..", "my run", "", "/abs", "x\\y", "-dash"])
def test_a_name_that_is_not_a_portable_folder_name_is_refused_with_the_name_to_use(name: str) -> None:
    with pytest.raises(ConfigError, match="folder name") as error:
        experiment(name=name)
    suggested = str(error.value).partition("use name=")[2]
    assert "/" not in suggested and "\\" not in suggested


def test_a_portable_name_is_kept() -> None:
    assert experiment(name="mnist1d-cnn_v2.1").name == "mnist1d-cnn_v2.1"


def test_runs_stay_inside_the_runs_folder(tmp_path: Path) -> None:
    result = nnrecipe.fit_experiment(experiment(name="tiny", hparams={"epochs": 1, "tensorboard": False}), runs_dir=tmp_path / "runs")
    assert result.run_dir is not None and result.run_dir.parent == tmp_path / "runs"


@pytest.mark.parametrize(
    ("hparams", "message"),
    [
        ({"hiden": 16}, "unknown hyperparameter 'hiden'=16 (did you mean 'hidden'?)"),
        ({"lrr": 1e-3}, "unknown hyperparameter 'lrr'=0.001 (did you mean 'lr'?)"),
        ({"depth": 3}, "neither a TrainConfig field nor a parameter of the model factory 'factory', which takes: dropout, hidden"),
        ({"epochs": 1.5}, "epochs=1.5 is a float"),
    ],
)
def test_hyperparameters_are_checked_when_the_experiment_is_made(hparams: dict, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        experiment(hparams=hparams)
    assert message in str(error.value)


def test_overrides_are_checked_against_both_sets_of_names() -> None:
    exp = experiment()
    assert exp.model_hparams({"hidden": 4, "lr": 1e-3}) == {"hidden": 4}
    with pytest.raises(ConfigError, match="did you mean 'weight_decay'"):
        exp.model_hparams({"weight_decy": 0.1})


def test_factories_taking_any_keyword_accept_any_key() -> None:
    assert experiment(model=lambda **hp: factory(), hparams={"anything": 1}).model_hparams() == {"anything": 1}
    assert experiment(model=lambda hp: factory(), hparams={"anything": 1}).model_hparams() == {"anything": 1}


def test_a_module_instance_takes_no_hyperparameters() -> None:
    with pytest.raises(ConfigError, match="nn.Module instance, which takes none"):
        experiment(model=factory(), hparams={"hidden": 4})


def test_a_factory_that_refuses_its_values_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"the model factory 'MLP' failed with \{.*'hidden': 0\}: ConfigError: sizes must be positive"):
        build_model(nnrecipe.models.MLP, {"in_features": 4, "num_outputs": 2, "hidden": 0})


def test_a_factory_that_returns_no_module_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="returned int, not an nn.Module"):
        build_model(lambda: 3, {})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"metrics": "accuracy"}, "write metrics=['accuracy']"),
        ({"loss": 3}, "loss must be a name"),
        ({"model": "resnet"}, "model must be an nn.Module or a factory"),
        ({"hparams": [("lr", 1)]}, "hparams must be a dict"),
    ],
)
def test_wrong_fields_are_refused_before_any_run(fields: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        experiment(**fields)
