"""The progress line shows the logged loss, and steps/s counts this process's steps only."""

import io
import re

import torch

import nnrecipe
from nnrecipe.callbacks import ProgressBar, TrainerState, _progress


def test_the_loss_shown_is_the_logged_loss() -> None:
    out = io.StringIO()
    X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
    result = nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), callbacks=[ProgressBar(stream=out)], runs_dir=None,
                          config=nnrecipe.TrainConfig(epochs=3, batch_size=16, log_every=5))
    shown = [float(m.group(1)) for m in re.finditer(r"loss \(mean of \d+ steps\) (\S+)", out.getvalue())]
    logged = [r["loss"] for r in result.history if "loss" in r]
    assert shown == [float(f"{v:.4g}") for v in logged] and len(shown) == 3  # steps 5, 10 and 12


def test_steps_per_second_count_only_the_steps_since_a_resume(state: TrainerState, monkeypatch) -> None:
    clock = iter([100.0, 102.0])
    monkeypatch.setattr(_progress.time, "perf_counter", lambda: next(clock))
    out = io.StringIO()
    bar = ProgressBar(stream=out)
    bar.set_trainer(state)
    state.step = 1000  # resumed at step 1000
    bar.on_train_begin({})
    bar.on_log(1050, {"loss": 0.5})
    assert "loss (mean of 50 steps) 0.5  25 steps/s" in out.getvalue()
