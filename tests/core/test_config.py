"""TrainConfig: every field checked from its annotation; replace() and split_hparams()."""

import dataclasses
import json

import numpy as np
import pytest

from nnrecipe import ConfigError, TrainConfig
from nnrecipe._core._config import split_hparams


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"epochs": 1.5}, "epochs=1.5 is a float; expected int >= 1"),
        ({"epochs": 2.0}, "epochs=2.0 is a float; expected int >= 1 (write epochs=2)"),
        ({"epochs": True}, "epochs=True is a bool; expected int >= 1"),
        ({"tensorboard": "maybe"}, "tensorboard='maybe' is a str; expected bool"),
        ({"tensorboard": 1}, "tensorboard=1 is a int; expected bool"),
        ({"lr": "abc"}, "lr='abc' is a str; expected float > 0"),
        ({"lr": float("nan")}, "lr=nan is not a finite number"),
        ({"lr": 0}, "lr must be > 0; got lr=0"),
        ({"max_steps": "10"}, "max_steps='10' is a str; expected int >= 1 or None"),
        ({"max_steps": 0}, "max_steps must be >= 1; got max_steps=0"),
        ({"label_smoothing": 1.0}, "label_smoothing must be >= 0 and < 1"),
        ({"grad_clip_norm": -1.0}, "grad_clip_norm must be > 0"),
        ({"schedule": "cosin"}, "schedule='cosin' is not one of ('constant', 'cosine', 'linear', 'step', 'onecycle'). Did you mean 'cosine'?"),
        ({"optimizer": 3}, "optimizer=3 is not one of"),
    ],
)
def test_a_wrong_value_names_the_field_the_value_and_what_is_expected(changes: dict, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        TrainConfig(**changes)
    assert message in str(error.value)


def test_an_int_for_a_float_and_numpy_scalars_are_stored_as_python_numbers() -> None:
    config = TrainConfig(lr=1, batch_size=np.int64(32), weight_decay=np.float32(0.5))
    assert (type(config.lr), type(config.batch_size), type(config.weight_decay)) == (float, int, float)
    json.dumps(config.to_dict())  # JSON-safe for config.json


def test_optional_fields_take_none() -> None:
    assert TrainConfig(max_steps=None, grad_clip_norm=None).max_steps is None


def test_a_field_added_later_is_validated_by_its_annotation_alone() -> None:
    # The way the trainer's new settings are added: a field and nothing else.
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Extended(TrainConfig):
        accumulate_steps: int = 1
        compile: bool = False

    with pytest.raises(ConfigError, match="accumulate_steps=1.5 is a float; expected int"):
        Extended(accumulate_steps=1.5)
    with pytest.raises(ConfigError, match="compile='yes' is a str; expected bool"):
        Extended(compile="yes")
    with pytest.raises(ConfigError, match="epochs=2.5"):
        Extended(epochs=2.5)


def test_replace_refuses_an_unknown_key_with_the_closest_field() -> None:
    with pytest.raises(ConfigError, match="TrainConfig has no field 'lrr'. Did you mean 'lr'?"):
        TrainConfig().replace(lrr=1e-3)


def test_replace_validates_the_new_values() -> None:
    assert TrainConfig().replace(lr=1e-3, epochs=3).epochs == 3
    with pytest.raises(ConfigError, match="epochs=0"):
        TrainConfig().replace(epochs=0)


def test_split_hparams_routes_unknown_keys_to_the_model() -> None:
    config, model = split_hparams({"lr": 1e-3, "width": 32, "dropout": 0.1})
    assert config.lr == 1e-3 and model == {"width": 32, "dropout": 0.1}


def test_split_hparams_validates_trainer_values() -> None:
    with pytest.raises(ConfigError, match="lr='abc'"):
        split_hparams({"lr": "abc", "width": 32})
