"""A run killed with SIGKILL at a random step and resumed ends bit-for-bit where an
uninterrupted run ends."""

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


def _run(runs_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), str(runs_dir), *extra], capture_output=True, text=True, timeout=300, check=True)


def _only_run(runs_dir: Path) -> Path:
    (run,) = list(runs_dir.iterdir())
    return run


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_resume_after_sigkill_is_bitwise_identical(tmp_path: Path, seed: int) -> None:
    _run(tmp_path / "straight")
    expected = load_file(str(_only_run(tmp_path / "straight") / "final.safetensors"))

    killed_dir = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, str(SCRIPT), str(killed_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    target = random.Random(seed).randint(5, 80)  # the step to kill at, past the first checkpoint
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        latest = list(killed_dir.glob("*/checkpoints/step-*"))
        steps = [int(p.name.split("-")[1]) for p in latest if p.is_dir()]
        if steps and max(steps) >= target:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    run = _only_run(killed_dir)
    assert not (run / "final.safetensors").exists(), "the run finished before it was killed"

    _run(killed_dir, "--resume", str(run))
    resumed = load_file(str(run / "final.safetensors"))
    assert resumed.keys() == expected.keys()
    for name in expected:
        assert torch.equal(resumed[name], expected[name]), name
    # The curve has each step once: rows written after the last checkpoint were replaced.
    import json

    steps = [json.loads(line)["step"] for line in (run / "metrics.jsonl").read_text().splitlines() if "loss" in json.loads(line)]
    assert steps == sorted(set(steps))
