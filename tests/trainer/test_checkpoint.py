"""Checkpoints: no pickle, exact round trips, a crash mid-write keeps the previous one, and a
damaged one is refused with the file named."""

import errno
import json
import logging
from pathlib import Path

import pytest
import torch

from nnrecipe import CheckpointError
from nnrecipe._core._errors import RunError
from nnrecipe._train import _checkpoint as ckpt


def model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Linear(3, 2)


def write(folder: Path, step: int, m: torch.nn.Module | None = None, state: dict | None = None) -> Path:
    return ckpt.write_checkpoint(folder, f"step-{step:08d}", m or model(), state if state is not None else {"step": step})


def test_round_trip_keeps_tensors_ints_keys_and_nested_state(tmp_path: Path) -> None:
    m = model()
    opt = torch.optim.Adam(m.parameters())
    m(torch.randn(4, 3)).sum().backward()
    opt.step()
    write(tmp_path, 1, m, {"optimizer": opt.state_dict(), "rng": [3, list(range(5)), None], "x": 1.5})
    path = ckpt.latest_checkpoint(tmp_path)
    loaded = ckpt.read_checkpoint(path)
    other = torch.nn.Linear(3, 2)
    ckpt.load_weights(other, path)
    torch.testing.assert_close(other.weight, m.weight)
    assert set(loaded["optimizer"]["state"]) == {0, 1}  # int keys survive JSON
    torch.testing.assert_close(loaded["optimizer"]["state"][0]["exp_avg"], opt.state_dict()["state"][0]["exp_avg"])
    assert loaded["rng"] == [3, [0, 1, 2, 3, 4], None] and loaded["x"] == 1.5


def test_crash_while_writing_keeps_the_previous_checkpoint(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, 1)

    def boom(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ckpt, "save_file", boom)
    with pytest.raises(RunError, match=r"could not write .*step-00000002: No space left on device.*last complete checkpoint is intact"):
        write(tmp_path, 2)
    assert ckpt.latest_checkpoint(tmp_path).name == "step-00000001"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.json", "step-00000001"]  # no temporary left


def test_files_are_safetensors_and_json_only(tmp_path: Path) -> None:
    path = write(tmp_path, 1, state={"t": torch.ones(2)})
    assert sorted(p.name for p in path.iterdir()) == ["model.safetensors", "state.json", "state.safetensors"]
    json.loads((path / "state.json").read_text())


def test_mismatched_model_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, 1)
    with pytest.raises(CheckpointError, match="does not match the model"):
        ckpt.load_weights(torch.nn.Linear(5, 2), path)


def test_objects_that_need_pickle_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="cannot store"):
        write(tmp_path, 1, state={"f": object()})


def _truncate(path: Path) -> None:
    data = (path / "model.safetensors").read_bytes()
    (path / "model.safetensors").write_bytes(data[: len(data) // 2])


def _empty_state(path: Path) -> None:
    (path / "state.json").write_text("")


def _deep(path: Path) -> None:
    (path / "state.json").write_text("[" * 100_000 + "]" * 100_000)


def _dangling(path: Path) -> None:
    (path / "state.json").write_text(json.dumps({"step": 2, "t": {"__tensor__": "/nope"}}))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_truncate, r"step-00000002 holds a damaged safetensors file"),
        (_empty_state, r"step-00000002/state.json is malformed"),
        (_deep, r"step-00000002/state.json is malformed"),
        (_dangling, r"step-00000002/state.json is malformed.*'/nope'"),
    ],
)
def test_damaged_checkpoint_is_refused_naming_the_file(damage, message: str, tmp_path: Path) -> None:
    path = write(tmp_path, 2)
    damage(path)
    with pytest.raises(CheckpointError, match=message):
        ckpt.read_checkpoint(path)


def test_resume_falls_back_to_the_newest_intact_checkpoint_and_says_which(tmp_path: Path, caplog) -> None:
    write(tmp_path, 1)
    _truncate(write(tmp_path, 2))
    with caplog.at_level(logging.WARNING):
        path, state = ckpt.newest_intact(tmp_path)
    assert path.name == "step-00000001" and state == {"step": 1}
    assert "step-00000002 holds a damaged safetensors file" in caplog.text and "resuming from step-00000001" in caplog.text


@pytest.mark.parametrize("target", ["../../elsewhere", "/etc", "step-1/../../x"])
def test_latest_pointing_outside_the_run_is_refused(target: str, tmp_path: Path, caplog) -> None:
    write(tmp_path, 1)
    (tmp_path / ckpt.LATEST).write_text(json.dumps({"checkpoint": target}))
    with pytest.raises(CheckpointError, match=r"latest.json names .* not a checkpoint of this run"):
        ckpt.latest_checkpoint(tmp_path)
    with caplog.at_level(logging.WARNING):
        assert ckpt.newest_intact(tmp_path)[0].name == "step-00000001"


def test_no_intact_checkpoint_lists_every_reason(tmp_path: Path) -> None:
    _empty_state(write(tmp_path, 1))
    with pytest.raises(CheckpointError, match=r"no intact checkpoint.*step-00000001/state.json is malformed"):
        ckpt.newest_intact(tmp_path)


def test_a_complete_checkpoint_newer_than_latest_json_is_used(tmp_path: Path) -> None:
    write(tmp_path, 1)
    write(tmp_path, 2)
    (tmp_path / ckpt.LATEST).write_text(json.dumps({"checkpoint": "step-00000001"}))  # killed before the update
    assert ckpt.newest_intact(tmp_path)[0].name == "step-00000002"
