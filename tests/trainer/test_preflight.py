"""Bad input is refused before the first step and before a run folder exists, for the
validation split as for the training split, whatever form the data takes."""

from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import Dataset

import nnrecipe
from nnrecipe import ConfigError, DataError, TrainConfig


class Pairs(Dataset):
    def __init__(self, X: torch.Tensor, y: torch.Tensor) -> None:
        self.X, self.y = X, y

    def __len__(self) -> int:
        return len(self.X)

    def __getitem__(self, i: int):
        return self.X[i], self.y[i]


def mlp() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 3))


def refused(tmp_path: Path, train, val, match: str, loss="cross_entropy", **kwargs) -> None:
    with pytest.raises(DataError, match=match):
        nnrecipe.fit(kwargs.pop("model", mlp()), train, loss, val=val, runs_dir=tmp_path / "runs", **kwargs)
    assert not (tmp_path / "runs").exists() or not list((tmp_path / "runs").iterdir())


@pytest.mark.parametrize("form", ["tensors", "dataset"])
def test_validation_features_of_the_wrong_shape(form: str, blobs, tmp_path: Path) -> None:
    X, y = blobs
    val = (X[:, :7], y) if form == "tensors" else Pairs(X[:, :7], y)
    refused(tmp_path, blobs, val, r"the model failed on val inputs of shape \(\d+, 7\)")


@pytest.mark.parametrize("form", ["tensors", "dataset"])
def test_validation_labels_out_of_range(form: str, blobs, tmp_path: Path) -> None:
    X, y = blobs
    val = (X, y + 3) if form == "tensors" else Pairs(X, y + 3)
    refused(tmp_path, blobs, val, r"val labels range over \[3, 5\] but the model outputs 3 classes")


def test_validation_targets_the_loss_cannot_take(blobs, tmp_path: Path) -> None:
    X, _ = blobs
    y = X[:, :1]
    refused(tmp_path, (X, y), (X, torch.cat([y, y], 1)), r"the loss failed on val outputs of shape \(\d+, 1\) and targets of shape \(\d+, 2\)",
            loss="mse", model=nn.Linear(10, 1))


def test_a_metric_that_does_not_fit_the_task(blobs, tmp_path: Path) -> None:
    refused(tmp_path, blobs, blobs, r"the metric 'mse' failed on val outputs", metrics=["mse"])


def test_training_features_of_the_wrong_shape_in_a_dataset(blobs, tmp_path: Path) -> None:
    X, y = blobs
    refused(tmp_path, Pairs(X[:, :7], y), None, r"failed on a batch of inputs of shape \(2, 7\)")


def test_an_augmentation_that_breaks_the_batch(blobs, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="augment returned 2 inputs but 64 targets"):
        nnrecipe.Trainer(TrainConfig(epochs=1), augment=lambda x, y, g: (x[:2], y), runs_dir=tmp_path).fit(mlp(), blobs, "cross_entropy")


def test_more_accumulation_steps_than_examples_per_batch(blobs) -> None:
    with pytest.raises(ConfigError, match=r"accumulate_steps=64 must be between 1 and the batch size \(32\)"):
        nnrecipe.fit(mlp(), blobs, config=TrainConfig(batch_size=32, accumulate_steps=64), runs_dir=None)


def test_runs_dir_that_is_a_file(blobs, tmp_path: Path) -> None:
    (tmp_path / "runs").write_text("")
    with pytest.raises(ConfigError, match="is a file, not a folder"):
        nnrecipe.fit(mlp(), blobs, config=TrainConfig(max_steps=1), runs_dir=tmp_path / "runs")
    with pytest.raises(ConfigError, match="cannot make a run folder"):
        nnrecipe.fit(mlp(), blobs, config=TrainConfig(max_steps=1), runs_dir=tmp_path / "runs" / "sub")


def test_a_read_only_runs_folder_is_one_clear_error(blobs, tmp_path: Path, monkeypatch) -> None:
    import errno

    from nnrecipe._core._errors import RunError
    from nnrecipe._train import _run

    def read_only(runs_dir, name):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(_run, "create_run_dir", read_only)
    with pytest.raises(RunError, match=r"could not write .*runs: Read-only file system"):
        nnrecipe.fit(mlp(), blobs, config=TrainConfig(max_steps=1), runs_dir=tmp_path / "runs")
