"""Resume points: what a checkpoint holds so that a run continues bit-exactly."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ._checkpoint import write_checkpoint
from .._core._config import TrainConfig
from .._core._data import Batch, DataSource, LoaderData
from .._core._errors import CheckpointError
from .._core._rng import rng_state, set_rng_state
from ..callbacks import Callback, TrainerState

__all__ = ["save_resume_point", "restore_resume_point", "epoch_batches", "KEEP_CHECKPOINTS"]

KEEP_CHECKPOINTS = 2  # resume points kept on disk: the newest and the one before it


def save_resume_point(
    run_dir: Path, state: TrainerState, scaler: Any, window: tuple[float, int], epoch_rng: Any,
    callbacks: Sequence[Callback], config: TrainConfig,
) -> None:
    """Write everything the loop needs to continue bit-exactly from ``state.step``."""
    meta, tensors = rng_state()
    payload = {
        "step": state.step,
        "epoch": state.epoch,
        "batch_in_epoch": state.batch_in_epoch,
        "lr_scale": state.lr_scale,
        "window": list(window),
        "optimizer": state.optimizer.state_dict(),
        "scaler": scaler.state_dict() if scaler is not None else None,
        "rng": {"meta": meta, "tensors": tensors},
        "epoch_rng": {"meta": epoch_rng[0], "tensors": epoch_rng[1]},
        "callbacks": [{"type": type(cb).__name__, "state": cb.state_dict()} for cb in callbacks],
        "config": config.to_dict(),
    }
    folder = run_dir / "checkpoints"
    write_checkpoint(folder, f"step-{state.step:08d}", state.model, payload)
    old = sorted(p for p in folder.glob("step-*") if p.is_dir())[:-KEEP_CHECKPOINTS]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)


def restore_resume_point(
    ckpt: dict[str, Any], state: TrainerState, scaler: Any, callbacks: Sequence[Callback]
) -> tuple[float, int, Any]:
    """Load a resume point into the live objects; returns the loss window and the epoch's RNG."""
    optimizer = state.optimizer
    optimizer.load_state_dict(ckpt["optimizer"])
    if scaler is not None and ckpt["scaler"] is not None:
        scaler.load_state_dict(ckpt["scaler"])
    state.step, state.epoch, state.batch_in_epoch = ckpt["step"], ckpt["epoch"], ckpt["batch_in_epoch"]
    state.lr_scale = ckpt["lr_scale"]
    saved = ckpt["callbacks"]
    if [s["type"] for s in saved] != [type(cb).__name__ for cb in callbacks]:
        raise CheckpointError(
            f"the resumed run had callbacks {[s['type'] for s in saved]} but this one has "
            f"{[type(cb).__name__ for cb in callbacks]}; resume with the same callbacks"
        )
    for cb, s in zip(callbacks, saved):
        cb.load_state_dict(s["state"])
    set_rng_state(ckpt["rng"]["meta"], ckpt["rng"]["tensors"])
    epoch_rng = (ckpt["epoch_rng"]["meta"], ckpt["epoch_rng"]["tensors"])
    return ckpt["window"][0], ckpt["window"][1], epoch_rng


def epoch_batches(src: DataSource, state: TrainerState, epoch_rng: Any, config: TrainConfig) -> Iterator[Batch]:
    """The rest of the current epoch's batches, in the order an uninterrupted run sees them."""
    cfg = config
    batches = src.batches(cfg.batch_size, seed=cfg.seed, epoch=state.epoch, shuffle=True, start=state.batch_in_epoch)
    if isinstance(src, LoaderData) and state.batch_in_epoch > 0:
        # Replay the sampler's draw from the epoch's starting RNG, then continue as before.
        now = rng_state()
        set_rng_state(*epoch_rng)
        first = next(batches, None)
        set_rng_state(*now)
        return itertools.chain([] if first is None else [first], batches)
    return batches
