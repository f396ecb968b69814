"""Everything one ``fit`` call trains with, assembled before the first step.

The loop in ``_trainer.py`` reads only this bundle: the state callbacks see, the train
step, the training batches, the loss window, validation and the callbacks, the built-in
ones (history, run log, resume points) last so that they see what the others did.

When processes train together, only rank 0 has a run folder (so only it writes files: the
run log, resume points, and every callback that writes only when ``run_dir`` is set); the
others get rank 0's resume point and history rows from it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from .._core._config import TrainConfig
from .._core._data import DataSource
from .._core._errors import CheckpointError, ConfigError
from .._core._evaluate import evaluate_source
from .._core._experiment import Augment
from .._core._files import atomic_write_text
from .._core._losses import LossFn
from .._core._metrics import Direction, Metric
from .._core._rng import seed_everything
from .._core._task import TaskKind
from ..callbacks import Callback, TrainerState
from ._batches import TrainBatches
from ._checkpoint import writing
from ._compile import compiled_forward
from ._distributed import data_parallel, process_seed
from ._extend import EXTENDS, LENGTH_FIELDS, check_extension, copy_state, finished_steps
from ._history import History
from ._hooks import CallbackList
from ._optim import OptimizerFactory, build_optimizer
from ._resume import ResumePoints, open_resume_point, restore_resume_point, resume_position
from ._runlog import RunLog
from ._runs import create_run_dir, find_parent, read_run_config, write_run_config
from ._step import TrainStep
from ._summary import ModelSummary
from ._window import LossWindow

if TYPE_CHECKING:
    from .._core._peers import Peers

__all__ = ["Run", "RunSpec", "start_run"]

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class RunSpec:
    """What the trainer decided before the first step (inputs checked, names resolved)."""

    config: TrainConfig
    model: nn.Module
    train: DataSource
    val: DataSource | None
    loss_fn: LossFn
    metrics: list[Metric]
    directions: dict[str, Direction | None]
    device: torch.device
    summary: ModelSummary
    task: TaskKind | None = None


@dataclasses.dataclass(eq=False)
class Run:
    """One fit in progress: what the loop reads and the callbacks see."""

    spec: RunSpec
    state: TrainerState
    step: TrainStep
    batches: TrainBatches
    window: LossWindow
    callbacks: CallbackList
    history: History
    runlog: RunLog | None
    group: Peers | None = None
    validated_step: int = -1
    horizon: int | None = None  # an extension: the parent's last step, after which the LR is held (see _extend)

    def validate(self) -> dict[str, Any]:
        """The validation row for the current weights, over the whole validation set (each
        process evaluates its part; every one gets the row of the whole)."""
        spec, state = self.spec, self.state
        assert spec.val is not None
        amp_dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(spec.config.precision)
        if self.group is not None:
            self.group.sync_buffers(spec.model)  # one model evaluated: rank 0's running statistics
        scores = evaluate_source(spec.model, spec.val, spec.loss_fn, spec.metrics, amp_dtype=amp_dtype, prefix="val_", group=self.group)
        self.validated_step = state.step
        return {"step": state.step, "epoch": state.epoch, **scores}

    def epoch_logs(self) -> dict[str, Any]:
        """``on_epoch_end`` logs: the validation row just made, else the latest train row."""
        return dict(self.history.rows[-1]) if self.history.rows else {}


def start_run(
    spec: RunSpec, user_callbacks: Sequence[Callback], *, run_dir: Path | None, resume: dict[str, Any] | None,
    optimizer: OptimizerFactory | None, augment: Augment | None, hparams: Mapping[str, Any], group: Peers | None = None,
) -> Run:
    """Build the run, call ``on_train_begin`` and restore the resume point, if any."""
    cfg = spec.config
    rank, size = (0, 1) if group is None else (group.rank, group.size)
    seed_everything(process_seed(cfg.seed, rank))  # dropout masks differ between processes
    opt = build_optimizer(optimizer, cfg, spec.model, spec.device)
    forward = spec.model if group is None else data_parallel(spec.model, spec.device)
    step = TrainStep(spec.model, opt, spec.loss_fn, cfg, spec.device, compiled_forward(forward, cfg.compile), group)
    batches = TrainBatches(spec.train, cfg, spec.device, augment, rank=rank, size=size)
    window = LossWindow(spec.device)
    steps_per_epoch = spec.train.num_batches(cfg.batch_size)
    state = TrainerState(
        model=spec.model, optimizer=opt, run_dir=run_dir, total_steps=cfg.max_steps or cfg.epochs * steps_per_epoch,
        device=spec.device, steps_per_epoch=steps_per_epoch, directions=spec.directions, config=cfg,
        train=spec.train, val=spec.val, loss_fn=spec.loss_fn, task=spec.task,
    )
    history = History(run_dir)
    callbacks: list[Callback] = [*user_callbacks, history]
    runlog = None
    if run_dir is not None:
        runlog = RunLog(run_dir, tensorboard=cfg.tensorboard, histogram_every=cfg.histogram_every, hparams=hparams)
        callbacks.append(runlog)
        callbacks.append(ResumePoints(run_dir, cfg, step, window, batches, callbacks))
    for cb in callbacks:
        cb.set_trainer(state)
    if resume is not None:
        resume_position(resume, state, callbacks)
    run = Run(spec, state, step, batches, window, CallbackList(callbacks), history, runlog, group)
    run.callbacks.on_train_begin({})
    if resume is not None:
        restore_resume_point(resume, state, step, window, batches, callbacks)
        if group is not None:
            history.rows = group.from_main(history.rows)  # the rows are in rank 0's folder
        last = history.last_validation
        run.validated_step = -1 if last is None else int(last["step"])
    return run


def open_run_dir(
    spec: RunSpec, *, runs_dir: Path | None, name: str, parent: Path | None, resume: str | Path | None,
    hparams: Mapping[str, Any], record: Mapping[str, Any], extend: str | Path | None = None,
) -> tuple[Path | None, dict[str, Any] | None]:
    """A new run folder (config, parent, summary written), or the resumed one and its resume
    point, or an extension's child folder and its parent's final resume point (see ``_extend``).

    Raises:
        CheckpointError: ``resume`` is not a run folder with an intact checkpoint, or
            ``extend`` not a finished one.
        ConfigError: ``runs_dir`` is a file, or ``name`` has no usable character.
        RunError: The folder cannot be written (read-only or full disk).
    """
    if resume is not None:
        run_dir = Path(resume)
        if not run_dir.is_dir():
            raise CheckpointError(f"resume folder {str(run_dir)!r} does not exist; pass a run folder printed by `nnrecipe fit`")
        read_run_config(run_dir)
        return run_dir, open_resume_point(run_dir, spec.model, spec.config)
    if extend is not None:
        return _open_extension(spec, Path(extend), runs_dir=runs_dir, name=name, hparams=hparams, record=record)
    if runs_dir is None:
        return None, None
    if runs_dir.exists() and not runs_dir.is_dir():
        raise ConfigError(f"runs folder {str(runs_dir)!r} is a file, not a folder; pass --runs-dir with a folder")
    with writing(runs_dir):
        try:
            run_dir = create_run_dir(runs_dir, name)
        except (NotADirectoryError, FileExistsError) as e:
            raise ConfigError(f"cannot make a run folder under {str(runs_dir)!r}: {e.strerror or e}; pass --runs-dir with a folder") from None
    parent = parent or find_parent(runs_dir, name, exclude=run_dir)
    info = {"name": name, "train_config": spec.config.to_dict(), "directions": spec.directions, **record}
    with writing(run_dir):
        write_run_config(run_dir, hparams, info, parent)
        atomic_write_text(run_dir / "summary.txt", spec.summary.to_text() + "\n")
    # Only runs with a folder are a user's runs; short internal runs (checks) stay quiet.
    log.info("model summary:\n%s", spec.summary.to_text())
    return run_dir, None


def _open_extension(
    spec: RunSpec, parent: Path, *, runs_dir: Path | None, name: str, hparams: Mapping[str, Any], record: Mapping[str, Any],
) -> tuple[Path, dict[str, Any]]:
    """The child folder of ``parent``, holding a copy of its final state, and that resume point."""
    if runs_dir is None:
        raise ConfigError("an extension is a new run folder; give runs_dir (the folder to put it in)")
    steps = finished_steps(parent)
    cfg = spec.config
    total = cfg.max_steps or cfg.epochs * spec.train.num_batches(cfg.batch_size)
    check_extension(read_run_config(parent)["hparams"], hparams, steps, total)
    run_dir, _ = open_run_dir(spec, runs_dir=runs_dir, name=name, parent=parent, resume=None, hparams=hparams,
                              record={**record, EXTENDS: {"run": str(parent), "step": steps}})
    assert run_dir is not None
    with writing(run_dir):
        copy_state(parent, run_dir)
    log.info("extending %s from step %d to %d in %s", parent, steps, total, run_dir)
    return run_dir, {**open_resume_point(run_dir, spec.model, cfg, may_change=LENGTH_FIELDS), "extension": True}
