"""Checkpoints: no pickle, exact round trips, and a crash mid-write keeps the previous one."""

import json
from pathlib import Path

import pytest
import torch

from nnrecipe import CheckpointError
from nnrecipe._train import _checkpoint as ckpt


def model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Linear(3, 2)


def test_round_trip_keeps_tensors_ints_keys_and_nested_state(tmp_path: Path) -> None:
    m = model()
    opt = torch.optim.Adam(m.parameters())
    m(torch.randn(4, 3)).sum().backward()
    opt.step()
    state = {"optimizer": opt.state_dict(), "rng": [3, list(range(5)), None], "x": 1.5}
    ckpt.write_checkpoint(tmp_path, "a", m, state)
    other = torch.nn.Linear(3, 2)
    loaded = ckpt.read_checkpoint(ckpt.latest_checkpoint(tmp_path), other)
    torch.testing.assert_close(other.weight, m.weight)
    assert set(loaded["optimizer"]["state"]) == {0, 1}  # int keys survive JSON
    torch.testing.assert_close(loaded["optimizer"]["state"][0]["exp_avg"], opt.state_dict()["state"][0]["exp_avg"])
    assert loaded["rng"] == [3, [0, 1, 2, 3, 4], None] and loaded["x"] == 1.5


def test_crash_while_writing_keeps_the_previous_checkpoint(tmp_path: Path, monkeypatch) -> None:
    m = model()
    ckpt.write_checkpoint(tmp_path, "step-1", m, {"step": 1})

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ckpt, "save_file", boom)
    with pytest.raises(OSError):
        ckpt.write_checkpoint(tmp_path, "step-2", m, {"step": 2})
    assert ckpt.latest_checkpoint(tmp_path).name == "step-1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.json", "step-1"]  # no temporary left


def test_files_are_safetensors_and_json_only(tmp_path: Path) -> None:
    path = ckpt.write_checkpoint(tmp_path, "a", model(), {"t": torch.ones(2)})
    assert sorted(p.name for p in path.iterdir()) == ["model.safetensors", "state.json", "state.safetensors"]
    json.loads((path / "state.json").read_text())


def test_mismatched_model_is_refused(tmp_path: Path) -> None:
    ckpt.write_checkpoint(tmp_path, "a", model(), {})
    with pytest.raises(CheckpointError, match="does not match the model"):
        ckpt.read_checkpoint(tmp_path / "a", torch.nn.Linear(5, 2))


def test_objects_that_need_pickle_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="cannot store"):
        ckpt.write_checkpoint(tmp_path, "a", model(), {"f": object()})
