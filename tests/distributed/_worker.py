"""One training run, as a process of several (under torchrun) or alone: what the tests compare.

``python -m torch.distributed.run --nproc-per-node 2 _worker.py OUT RUNS [RESUME]`` writes
``OUT/rank<r>.safetensors`` (the final weights) and ``OUT/rank<r>.json`` (the result's facts).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

import nnrecipe
from nnrecipe.callbacks import EarlyStopping

# 201 examples, batches of 32: six full batches, then one of 9 that splits 5 + 4 between two
# processes (an uneven part, weighted by its share). 1100 validation examples: three
# evaluation batches, two on rank 0 and one on rank 1.
CONFIG = nnrecipe.TrainConfig(batch_size=32, epochs=8, lr=1e-2, val_every=3, log_every=2, checkpoint_every=20, device="cpu", tensorboard=False)


def data(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 8, generator=g)
    return X, (X[:, 0] + X[:, 1] > 0).long() + (X[:, 2] > 0.5).long()


def model() -> torch.nn.Module:
    torch.manual_seed(0)
    # Batch norm (synchronised across the processes by default), no dropout. No bias before
    # it: its gradient is zero but for rounding, which Adam would blow up to full steps.
    dropout = [torch.nn.Dropout(0.3)] if os.environ.get("WORKER_DROPOUT") else []
    return torch.nn.Sequential(torch.nn.Linear(8, 32, bias=False), torch.nn.BatchNorm1d(32), torch.nn.ReLU(), *dropout, torch.nn.Linear(32, 3))


def train(out: Path, runs: Path, resume: Path | None = None) -> nnrecipe.FitResult:
    """Train (or resume) the run; write this process's weights and facts into ``out``."""
    stop = EarlyStopping(monitor="val_loss", patience=1, min_delta=0.005)
    trainer = nnrecipe.Trainer(CONFIG.replace(lr=float(os.environ.get("WORKER_LR", CONFIG.lr))), callbacks=[stop], runs_dir=runs, name="ddp")
    result = trainer.fit(model(), data(201, 1), "cross_entropy", val=data(1100, 2), resume=resume)
    rank = int(os.environ.get("RANK", "0"))
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in result.model.state_dict().items()}, str(out / f"rank{rank}.safetensors"))
    facts = {"steps": result.steps, "stopped_early": result.stopped_early, "run_dir": None if result.run_dir is None else str(result.run_dir),
             "validations": [r for r in result.history if "val_loss" in r]}
    (out / f"rank{rank}.json").write_text(json.dumps(facts))
    return result


if __name__ == "__main__":
    train(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
    nnrecipe.distributed.leave(together=True)
