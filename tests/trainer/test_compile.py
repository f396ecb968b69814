"""compile=True compiles the forward where it can and runs eagerly, with a warning, where not."""

import pytest
import torch
from torch import nn

import nnrecipe
from nnrecipe import TrainConfig
from nnrecipe._train import _compile


def mlp() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 3))


def test_a_backend_failure_falls_back_to_eager_with_a_warning(blobs, monkeypatch) -> None:
    def broken(gm, example_inputs):
        raise RuntimeError("no C++ compiler found")

    monkeypatch.setattr(_compile, "_inductor", broken)
    cfg = TrainConfig(max_steps=6, batch_size=64, log_every=1)
    eager = nnrecipe.fit(mlp(), blobs, config=cfg, runs_dir=None)
    with pytest.warns(RuntimeWarning, match=r"compile=True: torch.compile could not compile the model \(RuntimeError: no C\+\+ compiler"):
        compiled = nnrecipe.fit(mlp(), blobs, config=cfg.replace(compile=True), runs_dir=None)
    assert [r["loss"] for r in compiled.history] == pytest.approx([r["loss"] for r in eager.history])
    for a, b in zip(eager.model.state_dict().values(), compiled.model.state_dict().values()):
        torch.testing.assert_close(a, b)
    assert list(compiled.model.state_dict()) == list(eager.model.state_dict())  # the model's own names


def test_torch_compile_unavailable_runs_eagerly_with_a_warning(blobs, monkeypatch) -> None:
    def unavailable(*args, **kwargs):
        raise RuntimeError("Python 3.99 is not supported")

    monkeypatch.setattr(torch, "compile", unavailable)
    with pytest.warns(RuntimeWarning, match="torch.compile is not available here"):
        result = nnrecipe.fit(mlp(), blobs, config=TrainConfig(max_steps=2, compile=True), runs_dir=None)
    assert result.steps == 2
