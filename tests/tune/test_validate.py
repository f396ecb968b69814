"""A study is checked against its experiment before any trial: the goal must be logged, every key must exist."""

from __future__ import annotations

import pytest

from nnrecipe import ConfigError, load_experiment, load_study
from nnrecipe._tune._validate import validate_study


@pytest.fixture
def experiment(tiny_experiment):
    return load_experiment(tiny_experiment)


def test_a_study_its_experiment_can_run_passes(write_study, experiment):
    validate_study(load_study(write_study(nuisance={"hidden": {"int_log": [8, 64]}}, fixed={"weight_decay": 1e-4})), experiment)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"goal": {"metric": "val_acc", "direction": "maximize"}}, "goal metric='val_acc' is not logged by experiment 'digits', which logs ['val_loss', 'val_accuracy'] at each validation; did you mean 'val_accuracy'?"),
        ({"nuisance": {"lrr": {"log": [1e-3, 1e-1]}}}, "searched parameter 'lrr' sets 'lrr', which is neither a trainer setting nor a parameter of the model factory of experiment 'digits' (which takes ['depth', 'hidden']); did you mean 'lr'?"),
        ({"nuisance": {"hiden": {"int": [8, 64]}}}, "did you mean 'hidden'?"),
        ({"fixed": {"widht": 3}}, "`fixed:` key 'widht' is neither"),
        ({"baseline": {"optimiser": "adam"}}, "`baseline:` key 'optimiser' is neither a trainer setting"),
        ({"scientific": {"schedule": {"choices": ["constant", "cosin"]}}, "nuisance": {"lr": {"log": [1e-3, 1e-1]}}}, "searched parameter 'schedule': TrainConfig: schedule='cosin' is not one of"),
        ({"nuisance": {"label_smoothing": {"linear": [0.0, 1.5]}}}, "searched parameter 'label_smoothing': TrainConfig: label_smoothing must be >= 0 and < 1; got label_smoothing=1.5"),
    ],
)
def test_a_study_its_experiment_cannot_run_is_refused_with_the_fix(write_study, experiment, changes, expected):
    with pytest.raises(ConfigError) as info:
        validate_study(load_study(write_study(**changes)), experiment)
    assert expected in str(info.value)


def test_a_goal_needs_a_validation_split(write_study, tmp_path):
    exp = tmp_path / "noval.py"
    exp.write_text("import torch, nnrecipe\nexperiment = nnrecipe.Experiment(model=torch.nn.Linear(2, 2), "
                   "train=(torch.randn(8, 2), torch.arange(8) % 2), loss='cross_entropy')\n")
    with pytest.raises(ConfigError, match="has no validation split; pass `val=`"):
        validate_study(load_study(write_study(experiment=str(exp), scientific=None, nuisance={"lr": {"log": [1e-3, 1e-1]}})), load_experiment(exp))
