"""Two CPU processes under torchrun (gloo) train as one process does, and share every decision.

Tolerance: the two processes average their gradients in another order than one process sums
them, so weights agree to ``atol=1e-6, rtol=1e-5`` (measured: 2.4e-7 at most after 49 Adam
steps); both processes end bit-identical to each other; validation accuracy is equal and the
validation loss agrees to ``rtol=1e-6``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file

WORKER = Path(__file__).parent / "_worker.py"
_spec = importlib.util.spec_from_file_location("distributed_worker", WORKER)
assert _spec is not None and _spec.loader is not None
_worker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_worker)

pytestmark = pytest.mark.slow
HANG = 120  # seconds: a hang fails the test instead of the suite


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def torchrun(*args: str, cwd: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")}
    env.update(extra_env)
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2", "--master-addr", "127.0.0.1",
               "--master-port", str(free_port()), *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=HANG, check=False)


def outputs(out: Path, rank: int = 0) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    return load_file(str(out / f"rank{rank}.safetensors")), json.loads((out / f"rank{rank}.json").read_text())


def assert_same_model(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> None:
    assert a.keys() == b.keys()
    for k, value in a.items():
        torch.testing.assert_close(value, b[k], atol=1e-6, rtol=1e-5, msg=lambda m, k=k: f"{k}: {m}")


def without_newest_checkpoint(run_dir: Path, into: Path) -> Path:
    """A copy of ``run_dir`` as a crash before its last checkpoint leaves it."""
    copy = into / run_dir.name
    shutil.copytree(run_dir, copy)
    newest = max((copy / "checkpoints").glob("step-*"))
    shutil.rmtree(newest)
    return copy


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One process: the reference."""
    root = tmp_path_factory.mktemp("alone")
    _worker.train(root / "out", root / "runs")
    return root


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("two")
    done = torchrun(str(WORKER), str(root / "out"), str(root / "runs"), cwd=root)
    assert done.returncode == 0, done.stderr[-3000:]
    return root


def test_two_processes_end_with_the_weights_of_one(alone: Path, two: Path) -> None:
    weights0, _ = outputs(two / "out", 0)
    weights1, _ = outputs(two / "out", 1)
    assert all(torch.equal(weights0[k], weights1[k]) for k in weights0)
    assert_same_model(weights0, outputs(alone / "out")[0])


def test_validation_counts_every_example_once_and_agrees_with_one_process(alone: Path, two: Path) -> None:
    ref, got, other = outputs(alone / "out")[1]["validations"], outputs(two / "out", 0)[1]["validations"], outputs(two / "out", 1)[1]["validations"]
    assert got == other  # the same row on every process, before any callback saw it
    assert [r["step"] for r in got] == [r["step"] for r in ref]
    assert [r["val_accuracy"] for r in got] == [r["val_accuracy"] for r in ref]  # counts of 1100 examples: exact
    torch.testing.assert_close(torch.tensor([r["val_loss"] for r in got]), torch.tensor([r["val_loss"] for r in ref]), rtol=1e-6, atol=0)


def test_an_early_stop_stops_every_process_at_the_same_step(alone: Path, two: Path) -> None:
    facts = [outputs(two / "out", rank)[1] for rank in (0, 1)]
    reference = outputs(alone / "out")[1]
    assert reference["stopped_early"] and reference["steps"] < _worker.CONFIG.epochs * 7
    assert [f["stopped_early"] for f in facts] == [True, True]
    assert [f["steps"] for f in facts] == [reference["steps"]] * 2


def test_rank_0_alone_writes_one_run_folder(two: Path) -> None:
    folders = list((two / "runs").iterdir())
    assert len(folders) == 1
    rank0, rank1 = outputs(two / "out", 0)[1], outputs(two / "out", 1)[1]
    assert rank0["run_dir"] == str(folders[0]) and rank1["run_dir"] is None
    rows = [json.loads(line) for line in (folders[0] / "metrics.jsonl").read_text().splitlines()]
    assert len([r for r in rows if "val_loss" in r]) == len(rank0["validations"])  # each row once


def test_a_two_process_checkpoint_resumes_in_one_process(alone: Path, two: Path, tmp_path: Path) -> None:
    run_dir = without_newest_checkpoint(Path(outputs(two / "out")[1]["run_dir"]), tmp_path)
    _worker.train(tmp_path / "out", tmp_path / "runs", resume=run_dir)
    weights, facts = outputs(tmp_path / "out")
    assert facts["steps"] == outputs(two / "out")[1]["steps"]
    assert_same_model(weights, outputs(two / "out")[0])
    assert_same_model(weights, outputs(alone / "out")[0])


def test_a_one_process_checkpoint_resumes_in_two(alone: Path, tmp_path: Path) -> None:
    run_dir = without_newest_checkpoint(Path(outputs(alone / "out")[1]["run_dir"]), tmp_path)
    done = torchrun(str(WORKER), str(tmp_path / "out"), str(tmp_path / "runs"), str(run_dir), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    for rank in (0, 1):
        weights, facts = outputs(tmp_path / "out", rank)
        assert facts["steps"] == outputs(alone / "out")[1]["steps"]
        assert_same_model(weights, outputs(alone / "out")[0])


def test_a_two_process_run_with_dropout_resumes_bit_exactly_on_every_rank(tmp_path: Path) -> None:
    """Dropout masks come from (seed, rank, step) on every process: a resumed run draws what the
    uninterrupted one drew, on rank 1 too (whose generators are not in the resume point)."""
    straight = torchrun(str(WORKER), str(tmp_path / "straight"), str(tmp_path / "runs"), cwd=tmp_path, WORKER_DROPOUT="1")
    assert straight.returncode == 0, straight.stderr[-3000:]
    run_dir = without_newest_checkpoint(Path(outputs(tmp_path / "straight")[1]["run_dir"]), tmp_path / "cut")
    resumed = torchrun(str(WORKER), str(tmp_path / "resumed"), str(tmp_path / "runs2"), str(run_dir), cwd=tmp_path, WORKER_DROPOUT="1")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    for rank in (0, 1):
        before, after = outputs(tmp_path / "straight", rank)[0], outputs(tmp_path / "resumed", rank)[0]
        for name, weight in before.items():
            assert torch.equal(weight, after[name]), (rank, name)


def test_checks_called_on_rank_0_alone_train_there_without_waiting_for_the_others(tmp_path: Path) -> None:
    done = torchrun(str(Path(__file__).parent / "_check_on_rank0.py"), str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads((tmp_path / "out" / "rank0.json").read_text()) == {"loss_decreases": "pass", "overfit_batch": "pass"}
    assert (tmp_path / "out" / "rank0.done").is_file() and (tmp_path / "out" / "rank1.done").is_file()
