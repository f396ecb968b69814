"""A training run driven from a subprocess, for the kill-and-resume tests.

Usage: python train_script.py RUNS_DIR [--resume RUN_DIR]
Writes the final weights to <run>/final.safetensors. Each step sleeps a little (a
callback that touches no numbers) so that the parent can kill it at a chosen moment;
``train(runs_dir, sleep=0)`` runs the same training in the calling process.
"""

import os
import sys
import time
from pathlib import Path

import torch
from safetensors.torch import save_file

import nnrecipe
from nnrecipe.callbacks import Callback, EarlyStopping, ModelCheckpoint, ReduceLROnPlateau


class Slow(Callback):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def on_step_end(self, step, logs):  # type: ignore[no-untyped-def]
        time.sleep(self.seconds)


def jitter(x: torch.Tensor, y: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    return x + 0.05 * torch.randn(x.shape, generator=generator), y


def train(runs_dir: str, resume: str | None = None, sleep: float = 0.01) -> nnrecipe.FitResult:
    torch.manual_seed(0)  # the same initial weights in every process
    g = torch.Generator().manual_seed(0)
    X = torch.randn(600, 20, generator=g)
    y = (X[:, :5].sum(1) > 0).long() + (X[:, 5] > 1).long()
    model = torch.nn.Sequential(torch.nn.Linear(20, 64), torch.nn.ReLU(), torch.nn.Dropout(0.2), torch.nn.Linear(64, 3))
    config = nnrecipe.TrainConfig(
        epochs=6, batch_size=32, val_every=11, checkpoint_every=3, schedule="cosine", warmup_steps=10,
        log_every=5, lr=3e-3, threads=1, tensorboard=False,
    )
    callbacks = [EarlyStopping(patience=50), ModelCheckpoint(save_top_k=2), ReduceLROnPlateau(patience=2, factor=0.5), Slow(sleep)]
    trainer = nnrecipe.Trainer(config, callbacks=callbacks, runs_dir=runs_dir, name="killme", augment=jitter)
    result = trainer.fit(model, (X[:500], y[:500]), "cross_entropy", val=(X[500:], y[500:]), resume=resume)
    assert result.run_dir is not None
    save_file({k: v.contiguous() for k, v in result.model.state_dict().items()}, str(Path(result.run_dir) / "final.safetensors"))
    return result


def main() -> None:
    if os.environ.get("NNRECIPE_TEST_NO_FSYNC"):
        os.fsync = lambda fd: None  # atomicity is under test, not durability across power cuts
    resume = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--resume" else None
    result = train(sys.argv[1], resume)
    print("done", result.steps, flush=True)


if __name__ == "__main__":
    main()
