"""Resume points: what a checkpoint holds so that a run continues bit-exactly, and when one is written.

Policy (this module is the only place that decides when a checkpoint is written), checked
once a step and everything about it (its row, validation, epoch end) is done:

- every ``checkpoint_every`` steps;
- after a validation or an epoch end, unless the last one is less than
  :data:`CHECKPOINT_SECONDS` old (a crash loses at most that much work, and short epochs
  do not pay a write each);
- at the step where the run ends (its last step, or a stop).

The newest :data:`KEEP_CHECKPOINTS` are kept. Weights never hold a non-finite value (the
step skips such updates), so every resume point is a good one.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._core._config import TrainConfig
from .._core._errors import CheckpointError
from .._core._files import remove_stale_temporaries
from .._core._rng import rng_state, set_rng_state
from ..callbacks import Callback, TrainerState
from ._batches import TrainBatches
from ._checkpoint import load_weights, newest_intact, write_checkpoint
from ._step import TrainStep
from ._window import LossWindow

__all__ = ["CHECKPOINT_SECONDS", "KEEP_CHECKPOINTS", "ResumePoints", "open_resume_point", "restore_resume_point", "resume_position"]

log = logging.getLogger(__name__)

KEEP_CHECKPOINTS = 2  # resume points kept on disk: the newest and the one before it
CHECKPOINT_SECONDS = 30.0
FOLDER = "checkpoints"


class ResumePoints(Callback):
    """Writes resume points into ``<run>/checkpoints`` (the policy is the module's docstring).

    Built by the trainer, last among the callbacks, so that every other callback's state
    already includes the step it saves.

    Args:
        run_dir: The run folder.
        config: The run's config (saved with each point and compared on resume).
        step: The train step (its GradScaler state is saved).
        window: The loss window (its sums are saved, so rows after a resume are exact).
        batches: The training batches (the RNG at the epoch's start is saved).
        callbacks: Every callback of the run, this one included, whose states are saved.
    """

    def __init__(
        self, run_dir: Path, config: TrainConfig, step: TrainStep, window: LossWindow, batches: TrainBatches,
        callbacks: Sequence[Callback],
    ) -> None:
        self.folder = run_dir / FOLDER
        self.config, self.step, self.window, self.batches, self.callbacks = config, step, window, batches, callbacks

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.saved_step, self.saved_at, self.pending = self.trainer.step, time.monotonic(), False

    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None:
        self.pending = True

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        self.pending = True

    def on_step_end(self, step: int, logs: dict[str, Any]) -> None:
        state, every = self.trainer, self.config.checkpoint_every
        due = (every is not None and step % every == 0) or state.stop_training or step >= state.total_steps
        if self.pending:  # a validation or an epoch end: settled, unless the last point is recent
            due = due or time.monotonic() - self.saved_at >= CHECKPOINT_SECONDS
            self.pending = False
        if due and step != self.saved_step:
            self.save()

    def save(self) -> None:
        """Write everything the loop needs to continue bit-exactly from ``trainer.step``."""
        state = self.trainer
        meta, tensors = rng_state()
        epoch_meta, epoch_tensors = self.batches.epoch_rng
        scaler = self.step.scaler
        payload = {
            "step": state.step,
            "epoch": state.epoch,
            "batch_in_epoch": state.batch_in_epoch,
            "lr_scale": state.lr_scale,
            "window": self.window.state_dict(),
            "optimizer": state.optimizer.state_dict(),
            "scaler": scaler.state_dict() if scaler is not None else None,
            "rng": {"meta": meta, "tensors": tensors},
            "epoch_rng": {"meta": epoch_meta, "tensors": epoch_tensors},
            "callbacks": [{"type": type(cb).__name__, "state": cb.state_dict()} for cb in self.callbacks],
            "config": self.config.to_dict(),
        }
        write_checkpoint(self.folder, f"step-{state.step:08d}", state.model, payload)
        self.saved_step, self.saved_at = state.step, time.monotonic()
        for path in _points(self.folder)[:-KEEP_CHECKPOINTS]:
            shutil.rmtree(path, ignore_errors=True)


def _points(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("step-*") if p.is_dir())


def open_resume_point(run_dir: Path, model: Any, config: TrainConfig, *, may_change: tuple[str, ...] = ()) -> dict[str, Any]:
    """Load the newest intact resume point of ``run_dir`` into ``model``; returns its state.

    Temporaries left by a write that was killed are removed first, and so are points newer
    than the one used (damaged ones, or ones :func:`newest_intact` skipped). Settings in
    ``may_change`` may differ from the recorded ones (an extension's length).

    Raises:
        CheckpointError: No intact resume point, another model, or other settings.
    """
    folder = run_dir / FOLDER
    for where in (run_dir, folder, run_dir / "weights"):
        for path in remove_stale_temporaries(where):
            log.info("removed %s, left by a write that was interrupted", path)
    found = newest_intact(folder) if folder.is_dir() else None
    if found is None:
        raise CheckpointError(f"{run_dir} has no checkpoint to resume from (it stopped before the first one); start a new run")
    path, ckpt = found
    # A field added since the run was made (``sync_batchnorm``) had its default's behaviour then.
    recorded, now = {**TrainConfig().to_dict(), **ckpt.get("config", {})}, config.to_dict()
    changed = sorted(k for k in set(recorded) | set(now) if recorded.get(k) != now.get(k) and k not in may_change)
    if changed:
        raise CheckpointError(f"the resumed run was trained with different settings ({', '.join(changed)}); resume with the run's own config")
    load_weights(model, path)
    for newer in _points(folder):
        if newer.name > path.name:
            shutil.rmtree(newer, ignore_errors=True)
    log.info("resuming %s from %s", run_dir, path.name)
    return ckpt


def resume_position(ckpt: dict[str, Any], state: TrainerState, callbacks: Sequence[Callback]) -> None:
    """Put the counters where the resume point left them (before ``on_train_begin``).

    A process other than rank 0 of several has no run log and no resume points (it writes no
    files): the saved states of those two, last in the list, are not its business.

    An extension (``ckpt["extension"]``) may add or drop callbacks: each one takes the state
    of the parent's first unused callback of its type, if any, and starts afresh otherwise.

    Raises:
        CheckpointError: The run had other callbacks, whose states cannot be restored.
    """
    if ckpt.get("extension"):
        left = list(ckpt["callbacks"])
        ckpt["callbacks"] = [_take(left, type(cb).__name__) for cb in callbacks]
    saved = [s["type"] for s in ckpt["callbacks"]]
    names = [type(cb).__name__ for cb in callbacks]
    if saved[: len(names)] != names or not set(saved[len(names) :]) <= {"RunLog", "ResumePoints"}:
        raise CheckpointError(
            f"the resumed run had callbacks {saved} but this one has "
            f"{[type(cb).__name__ for cb in callbacks]}; resume with the same callbacks, diagnostics on or off as they were "
            "(a run without them: diagnostics=False, or --no-diagnostics)"
        )
    state.step, state.epoch, state.batch_in_epoch = ckpt["step"], ckpt["epoch"], ckpt["batch_in_epoch"]
    state.lr_scale = ckpt["lr_scale"]


def _take(saved: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """Remove and return the first saved state of callback type ``kind`` (a blank one if none)."""
    i = next((i for i, s in enumerate(saved) if s["type"] == kind), None)
    return saved.pop(i) if i is not None else {"type": kind, "state": None}


def restore_resume_point(
    ckpt: dict[str, Any], state: TrainerState, step: TrainStep, window: LossWindow, batches: TrainBatches,
    callbacks: Sequence[Callback],
) -> None:
    """Load a resume point into the live objects (after the callbacks' ``on_train_begin``)."""
    saved = ckpt["callbacks"]
    state.optimizer.load_state_dict(ckpt["optimizer"])
    if step.scaler is not None and ckpt["scaler"] is not None:
        step.scaler.load_state_dict(ckpt["scaler"])
    window.load_state_dict(ckpt["window"])
    for cb, s in zip(callbacks, saved):
        if s["state"] is not None:  # None: a callback an extension added
            cb.load_state_dict(s["state"])
    set_rng_state(ckpt["rng"]["meta"], ckpt["rng"]["tensors"])
    batches.epoch_rng = (ckpt["epoch_rng"]["meta"], ckpt["epoch_rng"]["tensors"])
