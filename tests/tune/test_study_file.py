"""Study files: what a valid one means, and a clear ConfigError for each kind of bad input."""

from __future__ import annotations

import pytest

from nnrecipe import ConfigError, load_study


def test_valid_study_resolves_conditional_params_and_paths(write_study, tmp_path):
    study = load_study(write_study(fixed={"max_steps": 30}))
    assert study.space["adam_lr"].hparam == "lr" and study.space["sgd_lr"].hparam == "lr"
    assert [p.name for p in study.space.scientific()] == ["optimizer"]
    assert study.runs_dir == str(tmp_path / "runs")
    assert study.trial_hparams({"optimizer": "sgd", "sgd_lr": 0.1}) == {"max_steps": 30, "optimizer": "sgd", "lr": 0.1}


def test_yaml_exponents_without_a_dot_are_numbers(write_study):
    study = load_study(write_study(nuisance={"lr": {"log": ["1e-4", "1e-2"]}}))
    assert (study.space["lr"].low, study.space["lr"].high) == (1e-4, 1e-2)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"nuisanse": {}}, "unknown key 'nuisanse'; did you mean 'nuisance'"),
        ({"nuisance": {"lr": {"log": [1e-2, 1e-2]}}}, "empty or inverted range"),
        ({"nuisance": {"lr": {"linear": [0.5, 0.1]}}}, "empty or inverted range"),
        ({"nuisance": {"lr": {"log": [0, 1e-2]}}}, "includes values <= 0"),
        ({"nuisance": {"lr": {"log": [1e-3, 1e-1], "when": {"optimiser": "adam"}}}}, "conditional on 'optimiser', which is not a searched"),
        ({"nuisance": {"lr": {"log": [1e-3, 1e-1], "when": {"optimizer": "adagrad"}}}}, "only takes ['adam', 'sgd']"),
        ({"nuisance": {"lr": {"log": [1e-3, 1e-1], "linear": [0, 1]}}}, "exactly one of"),
        ({"nuisance": {"lr": {"log": [1e-3, 1e-1], "step": 2}}}, "unknown key 'step'"),
        ({"nuisance": {"a": {"hparam": "lr", "log": [1e-3, 1e-1]}, "b": {"hparam": "lr", "log": [1e-3, 1e-1]}}}, "both set 'lr'"),
        ({"scientific": {"width": {"int": [8, 64]}}}, "must list the values to compare"),
        ({"goal": {"metric": "accuracy"}}, "must be a validation value"),
        ({"goal": {"metric": "val_loss", "direction": "max"}}, "'minimize', 'maximize' or 'auto'"),
        ({"budget": {"trials": 0}}, "trials must be >= 1"),
        ({"sampler": {"name": "grid"}}, "is not one of"),
        ({"fixed": {"lr": 0.1}}, "both searched and `fixed:`"),
        ({"fixed": {"optimizer": "rmsprop"}, "scientific": None, "nuisance": {"x": {"linear": [0, 1]}}}, "optimizer='rmsprop'"),
        ({"experiment": None}, "missing required key 'experiment'"),
    ],
)
def test_bad_study_is_rejected_with_the_fix(write_study, changes, expected):
    with pytest.raises(ConfigError) as info:
        load_study(write_study(**changes))
    assert expected in str(info.value)


def test_missing_file_names_the_expected_form(tmp_path):
    with pytest.raises(ConfigError, match="does not exist; pass a path like"):
        load_study(tmp_path / "nope.yaml")


def test_python_study_file_may_define_a_dict(tmp_path, write_study):
    yaml_study = load_study(write_study())
    py = tmp_path / "study.py"
    py.write_text(f"study = {{'name': 'py', 'experiment': {yaml_study.experiment!r}, 'nuisance': {{'lr': {{'log': [1e-4, 1e-1]}}}}}}\n")
    assert load_study(py).space.names == ("lr",)


def test_a_study_round_trips_through_the_definition_its_storage_keeps(write_study):
    from nnrecipe._tune._study_file import study_from_dict, study_to_dict

    study = load_study(write_study(fixed={"max_steps": 30}, baseline={"lr": 3e-4}, sampler={"name": "tpe", "startup_trials": 4}))
    assert study_from_dict(study_to_dict(study)) == study


def test_seed_per_trial_gives_each_trial_the_fixed_seed_plus_its_number(write_study):
    same = load_study(write_study(fixed={"seed": 5}))
    assert {same.trial_hparams({"optimizer": "adam", "adam_lr": 1e-3}, n)["seed"] for n in range(3)} == {5}
    per_trial = load_study(write_study(fixed={"seed": 5}, seed_per_trial=True))
    assert [per_trial.trial_hparams({"optimizer": "adam", "adam_lr": 1e-3}, n)["seed"] for n in range(3)] == [5, 6, 7]
    assert load_study(write_study(seed_per_trial=True)).trial_hparams({"optimizer": "sgd", "sgd_lr": 0.1}, 2)["seed"] == 2


def test_seed_per_trial_must_be_a_boolean(write_study):
    with pytest.raises(ConfigError, match="seed_per_trial='yes please' must be true or false"):
        load_study(write_study(seed_per_trial="yes please"))
