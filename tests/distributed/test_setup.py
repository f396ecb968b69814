"""Bad set-ups under torchrun get one clear message and exit code 2; single-process tools
run on rank 0 alone; batches split among the processes exactly."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from nnrecipe import ConfigError, TrainConfig
from nnrecipe._cli.main import main
from nnrecipe._core import _world
from nnrecipe._core._data import DatasetData, TensorData, part
from nnrecipe._train._distributed import check_split_among

EXPERIMENT = """
import os, torch, nnrecipe
g = torch.Generator().manual_seed(0)
X = torch.randn(64, 4, generator=g)
y = (X[:, 0] > 0).long()
experiment = nnrecipe.Experiment(name="tiny", model=lambda: torch.nn.Linear(4, 2), train=(X, y), val=(X, y),
    loss="cross_entropy", hparams={"epochs": 1, "batch_size": 16, "device": "cpu", "lr": 1e-3 * (1 + int(os.environ.get("RANK", "0")))})
"""


@pytest.fixture
def experiment(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.py"
    path.write_text(EXPERIMENT)
    return path


@pytest.fixture
def torchrun_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(_world, "_alone", False)
    return monkeypatch


def test_no_rendezvous_address_exits_2_with_the_fix(experiment: Path, tmp_path: Path, torchrun_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    torchrun_env.setenv("WORLD_SIZE", "2")
    torchrun_env.setenv("RANK", "0")
    assert main(["fit", str(experiment), "--runs-dir", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "MASTER_ADDR and MASTER_PORT" in err and "torchrun --nproc-per-node" in err
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("command", ["check", "audit"])
@pytest.mark.parametrize("rank", ["1", "0"])
def test_single_process_tools_run_on_rank_0_alone(command: str, rank: str, torchrun_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    torchrun_env.setenv("WORLD_SIZE", "2")
    torchrun_env.setenv("RANK", rank)
    seen = []
    torchrun_env.setattr(f"nnrecipe._cli._{command}.run", lambda args: seen.append(_world.world().size) or 0)
    assert main([command, "whatever.py"]) == 0
    if rank == "1":
        assert seen == [] and "run by rank 0 alone" in capsys.readouterr().err
    else:
        assert seen == [1]  # rank 0 trains its short runs as a world of one: nobody waits for rank 1


@pytest.mark.slow
def test_processes_that_train_different_experiments_all_exit_2(experiment: Path, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    procs = []
    for rank in (0, 1):  # what torchrun sets, without torchrun
        env = {**os.environ, "WORLD_SIZE": "2", "RANK": str(rank), "LOCAL_RANK": str(rank), "LOCAL_WORLD_SIZE": "2",
               "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)}
        procs.append(subprocess.Popen([sys.executable, "-m", "nnrecipe", "fit", str(experiment), "--runs-dir", str(tmp_path / "runs")],
                                      env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [2, 2], results
    assert all("not training the same experiment: rank 1's hyperparameters, training config differ" in err for _, err in results)
    assert not (tmp_path / "runs").exists()


def test_a_batch_size_that_does_not_split_is_refused_before_step_1() -> None:
    data = TensorData(torch.randn(64, 2), torch.zeros(64, dtype=torch.long))
    with pytest.raises(ConfigError, match="batch_size=30 does not split among 4 processes.*batch_size=28"):
        check_split_among(TrainConfig(batch_size=30), data, 4)
    with pytest.raises(ConfigError, match="last batch of each epoch holds 1 example"):
        check_split_among(TrainConfig(batch_size=21), TensorData(torch.randn(64, 2), torch.zeros(64, dtype=torch.long)), 3)
    check_split_among(TrainConfig(batch_size=30), data, 1)


def test_the_parts_of_a_batch_are_the_batch_in_order() -> None:
    X, y = torch.arange(50.0).unsqueeze(1), torch.arange(50)
    for source in (TensorData(X, y), DatasetData(torch.utils.data.TensorDataset(X, y), name="train")):
        whole = list(source.batches(16, seed=3, epoch=1, shuffle=True))
        parts = [list(source.part_batches(16, seed=3, epoch=1, start=0, rank=r, size=2)) for r in (0, 1)]
        for b, ((x0, _), s0), ((x1, _), s1) in zip(whole, *parts):
            torch.testing.assert_close(torch.cat([x0, x1]), b[0])
            assert (s0, s1) == (len(x0) * 2 / len(b[0]), len(x1) * 2 / len(b[0]))
    assert [part(9, r, 2) for r in (0, 1)] == [slice(0, 5), slice(5, 9)]


def test_processes_cut_the_same_batches_of_a_shuffling_dataloader() -> None:
    from nnrecipe._core._data import LoaderData
    from nnrecipe._train._batches import TrainBatches
    from nnrecipe.callbacks import TrainerState

    X = torch.arange(40.0).unsqueeze(1)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, torch.zeros(40, dtype=torch.long)), batch_size=8, shuffle=True)
    seen = []
    for rank in (0, 1):
        torch.manual_seed(100 + rank)  # each process's own generator state (its own dropout seed)
        batches = TrainBatches(LoaderData(loader), TrainConfig(batch_size=8), torch.device("cpu"), None, rank=rank, size=2)
        state = TrainerState(model=torch.nn.Linear(1, 1), optimizer=torch.optim.SGD([torch.zeros(1)], lr=0.1), run_dir=None, total_steps=5)
        seen.append([x.flatten().tolist() for (x, _), _ in batches.epoch(state)])
    for part0, part1 in zip(*seen):
        assert len(part0) == len(part1) == 4 and not set(part0) & set(part1)
    assert sorted(v for parts in seen for p in parts for v in p) == list(range(40))


def test_a_run_made_before_sync_batchnorm_existed_still_resumes(tmp_path: Path) -> None:
    import json

    import nnrecipe

    X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
    config = TrainConfig(epochs=2, batch_size=16, device="cpu", tensorboard=False)
    first = nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), config=config, runs_dir=tmp_path)
    assert first.run_dir is not None
    for state in first.run_dir.glob("checkpoints/step-*/state.json"):  # as an older nnrecipe wrote it
        meta = json.loads(state.read_text())
        del meta["config"]["sync_batchnorm"]
        state.write_text(json.dumps(meta))
    resumed = nnrecipe.Trainer(config, runs_dir=tmp_path).fit(torch.nn.Linear(4, 2), (X, y), "cross_entropy", resume=first.run_dir)
    assert resumed.steps == first.steps
