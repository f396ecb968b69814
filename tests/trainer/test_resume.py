"""A run killed with SIGKILL at a random step, resumed, killed again while the resumed process
writes a file, and resumed once more, ends bit-for-bit where an uninterrupted run ends, with
every metric row once."""

import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

SCRIPT = Path(__file__).parent.parent / "_helpers" / "train_script.py"


def _script():
    spec = importlib.util.spec_from_file_location("nnrecipe_train_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ENV = {**os.environ, "NNRECIPE_TEST_NO_FSYNC": "1"}


def _start(runs_dir: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(SCRIPT), str(runs_dir), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)


def _temporaries(run: Path, pid: int | None = None) -> list[Path]:
    mark = ".tmp-" if pid is None else f".tmp-{pid}"
    return [p for p in run.rglob("*") if mark in p.name]


def _rows(lines: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "time"} for r in lines]


def _kill_when(proc: subprocess.Popen[bytes], ready, what: str) -> None:
    deadline = time.monotonic() + 240
    while not ready():
        assert proc.poll() is None, f"the run finished before it could be killed {what}"
        assert time.monotonic() < deadline, f"timed out waiting to kill {what}"
        time.sleep(0.0005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
def test_sigkill_during_a_run_and_during_its_resume_loses_nothing(tmp_path: Path) -> None:
    straight = _script().train(str(tmp_path / "straight"), sleep=0.0)
    expected = {k: v.clone() for k, v in straight.model.state_dict().items()}

    killed = tmp_path / "killed"
    target = random.Random(1).randint(5, 80)  # the step to kill at, past the first checkpoint
    first = _start(killed)

    def checkpoint_at_target() -> bool:
        steps = [int(p.name.split("-")[1]) for p in killed.glob("*/checkpoints/step-*") if p.is_dir()]
        return bool(steps) and max(steps) >= target

    _kill_when(first, checkpoint_at_target, f"at step {target}")
    (run,) = list(killed.iterdir())

    # The resumed process is killed while one of its temporaries exists: mid-write.
    second = _start(killed, "--resume", str(run))
    _kill_when(second, lambda: bool(_temporaries(run, second.pid)), "while the resumed run writes")
    assert not (run / "final.safetensors").exists()

    subprocess.run([sys.executable, str(SCRIPT), str(killed), "--resume", str(run)], capture_output=True, timeout=300, check=True, env=ENV)
    assert not _temporaries(run), "temporaries of the killed writes were not removed"
    resumed = load_file(str(run / "final.safetensors"))
    assert resumed.keys() == expected.keys()
    for name, weight in expected.items():
        assert torch.equal(resumed[name], weight), name
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert _rows(rows) == _rows(straight.history)  # no row lost, none twice
    assert os.path.getsize(run / "metrics.csv") > 0
