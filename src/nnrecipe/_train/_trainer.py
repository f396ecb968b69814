"""The trainer: one loop, read top to bottom, with named callback calls.

Everything a run needs to continue bit-exactly (weights, optimizer, RNG states, position in
the epoch, the loss window, callback states) is in each resume point; data order and
augmentation are pure functions of (seed, epoch) and (seed, step). Files are the business
of built-in callbacks (``RunLog``, ``ResumePoints``): the loop knows nothing about them.

Started by ``torchrun``, every process runs this same ``fit`` on its part of each batch
(``_distributed.py``); rank 0 alone makes and writes the run folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import torch
from torch import nn

from .._core._config import TrainConfig
from .._core._data import LoaderData, as_source
from .._core._device import choose_threads, device_for, resolve_device
from .._core._experiment import Augment
from .._core._files import atomic_write_text
from .._core._losses import LossLike, resolve_loss
from .._core._metrics import MetricLike, default_metrics, resolve_metrics
from .._core._monitor import Monitor
from .._core._peers import agree, on_main, peers
from .._core._task import TaskKind, infer_task
from .._core._world import join
from ..callbacks import Callback, EarlyStopping, MonitorCallback, TerminateOnNaN
from ._checkpoint import writing
from ._distributed import check_split_among, fingerprint, training_together
from ._extend import schedule_horizon
from ._optim import OptimizerFactory
from ._preflight import (
    check_callbacks,
    check_settings,
    check_split,
    logged_directions,
    summarize_or_explain,
)
from ._run import Run, RunSpec, open_run_dir, start_run
from ._schedule import lr_factor
from ._summary import ModelSummary

__all__ = ["FitResult", "Trainer"]

log = logging.getLogger(__name__)

WeightsKind = Literal["final", "best", "last_finite"]


@dataclasses.dataclass(frozen=True)
class FitResult:
    """What a run produced.

    Attributes:
        model: The trained model; ``weights`` says which weights it holds.
        weights: ``"final"`` (after the last step), ``"best"`` (EarlyStopping put back the
            best validation's weights) or ``"last_finite"`` (the run diverged: the model
            holds the weights before the first non-finite step, whose update, like any
            later non-finite one, was never applied).
        run_dir: The run folder, or ``None`` for a run without files (and on every process
            but rank 0 of several, which write none).
        history: Every logged row: train rows (``step, epoch, loss, lr``; the loss is the
            mean since the previous row) every ``log_every`` steps and validation rows
            (``step, epoch, val_loss, val_<metric>``); ``epoch`` is the epoch in progress.
        final: The last validation row (the last train row when there is no validation).
        best: The validation row with the best monitored value, and ``best_step`` its step.
        monitor: The name ``best`` was chosen by (the first monitoring callback's).
        steps: Optimizer steps taken; ``epochs`` completed epochs; ``seconds`` wall time.
        stopped_early: A callback stopped the run (not a divergence).
        diverged: A non-finite loss or gradient stopped the run; ``diverged_at`` its step.
        config: The resolved training config; ``summary`` the model summary.
    """

    model: nn.Module
    weights: WeightsKind
    run_dir: Path | None
    history: list[dict[str, Any]]
    final: dict[str, Any]
    best: dict[str, Any] | None
    best_step: int | None
    monitor: str
    steps: int
    epochs: int
    seconds: float
    stopped_early: bool
    diverged: bool
    diverged_at: int | None
    config: TrainConfig
    summary: ModelSummary | None


class Trainer:
    """Trains a model with the recipe's defaults and Keras-style callbacks.

    The learning rate of each step is ``base_lr x schedule(step) x lr_scale``: the base is
    ``config.lr`` (or, with ``optimizer=``, each parameter group's own rate), the schedule a
    pure function of the step, the scale what ReduceLROnPlateau lowers.

    Args:
        config: How to train; the recipe's defaults (Adam 3e-4, constant LR) when ``None``.
        callbacks: Callbacks, called in order. ``TerminateOnNaN`` is added if absent.
        metrics: Validation metrics by name or callable; ``None`` picks from the task
            (accuracy for classification, MAE for regression).
        runs_dir: Parent folder of run folders; ``None`` writes no files at all.
        name: Prefix of the run folder's name.
        parent: The run this one changes one thing from; by default the latest run with
            exactly the same name in ``runs_dir``.
        optimizer: Your own optimizer, as a factory ``params -> torch.optim.Optimizer``
            (then ``config``'s optimizer, lr, weight_decay and momentum are not used).
        augment: A training-batch transform ``(x, y, generator) -> (x, y)``, seeded from
            (seed, step); never applied in validation.
        diagnostics: Add the default diagnostics (:mod:`nnrecipe.diagnostics`: prediction
            dynamics, first-layer weights, activation statistics, gradient and update norms,
            interpretation after training); ``None``: only when the run has a folder. One of
            their types in ``callbacks`` replaces the default one.

    Under ``torchrun`` the processes train one model together, data-parallel: each takes an
    equal part of every batch (``batch_size`` stays the global batch size), validation
    counts every example once, and only rank 0 writes files.

    Example:
        >>> import torch, nnrecipe
        >>> X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
        >>> sgd = lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9)
        >>> result = nnrecipe.Trainer(nnrecipe.TrainConfig(epochs=2), optimizer=sgd, runs_dir=None).fit(
        ...     torch.nn.Linear(4, 2), (X, y), "cross_entropy", val=(X, y))
        >>> result.steps, result.weights
        (2, 'final')
    """

    def __init__(
        self,
        config: TrainConfig | None = None,
        *,
        callbacks: Sequence[Callback] = (),
        metrics: Sequence[MetricLike] | None = None,
        runs_dir: str | Path | None = "runs",
        name: str = "run",
        parent: str | Path | None = None,
        optimizer: OptimizerFactory | None = None,
        augment: Augment | None = None,
        diagnostics: bool | None = None,
    ) -> None:
        self.config = config or TrainConfig()
        self.callbacks = list(callbacks)
        if not any(isinstance(cb, TerminateOnNaN) for cb in self.callbacks):
            self.callbacks.append(TerminateOnNaN())
        if diagnostics if diagnostics is not None else runs_dir is not None:
            # Imported here: the diagnostics read the ensemble's output rules, whose package imports the tuner, which imports this module.
            from ..diagnostics import default_diagnostics

            self.callbacks += default_diagnostics(self.callbacks)
        self.metrics = metrics
        self.runs_dir = None if runs_dir is None else Path(runs_dir)
        self.name = name
        self.parent = None if parent is None else Path(parent)
        self.optimizer, self.augment = optimizer, augment
        self.record: dict[str, Any] = {}  # extra facts for config.json (the experiment file)

    def fit(
        self,
        model: nn.Module,
        train: Any,
        loss: LossLike,
        *,
        val: Any = None,
        task: TaskKind | None = None,
        hparams: Mapping[str, Any] | None = None,
        resume: str | Path | None = None,
        extend: str | Path | None = None,
    ) -> FitResult:
        """Train ``model`` in place on ``train``, validating on the whole of ``val``.

        Everything that can be checked is checked before the first step and before a run
        folder is made: data shapes and labels of both splits through the model and the
        loss, monitored names and their directions, settings against the data.

        Args:
            model: A fresh ``nn.Module``.
            train: ``(X, y)`` arrays or tensors, a ``Dataset`` of pairs, or a ``DataLoader``.
            loss: A loss name or a callable ``(output, target) -> scalar``.
            val: Validation data in the same forms.
            task: The task kind when it cannot be inferred.
            hparams: The flat hyperparameters to record (defaults to the config's fields).
            resume: A run folder to continue from its newest intact checkpoint.
            extend: A finished run folder to continue longer, in a new child run (this
                config's ``epochs`` or ``max_steps`` sets the new total; nothing else may
                change). After the parent's steps the learning rate holds the value of its
                last step: a constant schedule stays constant, a decayed one goes on at the
                rate it reached.

        Returns:
            A :class:`FitResult`.

        Raises:
            DataError: Data unusable (shapes, lengths, non-finite values, labels out of range).
            ConfigError: A callback monitors a value that is never logged, a batch size that does
                not split among the processes torchrun started, processes that disagree on
                what they train, and the like.
            CheckpointError: ``resume`` is not a run folder with an intact checkpoint.
            RunError: A file could not be written (full or read-only disk); the last good
                checkpoint is intact.
        """
        cfg = self.config
        train_src = as_source(train, name="train")
        val_src = None if val is None else as_source(val, name="val")
        loss_fn, _ = resolve_loss(loss, label_smoothing=cfg.label_smoothing)
        x0, y0 = train_src.head(max(2, cfg.batch_size))
        task = infer_task(y0, loss, task)
        metrics = resolve_metrics(self.metrics if self.metrics is not None else default_metrics(task), task)
        directions = logged_directions(metrics, val_src is not None, cfg)
        check_callbacks(self.callbacks, directions, val_src is not None)
        check_settings(cfg, (train_src.loader.batch_size or 1) if isinstance(train_src, LoaderData) else cfg.batch_size)
        here = join()  # the processes torchrun started form one group (nothing for one process)
        check_split_among(cfg, train_src, here.size)
        device, group = device_for(resolve_device(cfg.device), here), peers()
        threads_before = torch.get_num_threads()
        if device.type == "cpu":  # the machine's cores are shared by the processes on it
            torch.set_num_threads(choose_threads(sum(p.numel() for p in model.parameters()), cfg.threads, here.local_size))
        try:
            model.to(device)
            summary = summarize_or_explain(model, x0[:2].to(device))
            check_split(model, train_src, "train", loss_fn, task, device, augment=self.augment)
            if val_src is not None:
                check_split(model, val_src, "val", loss_fn, task, device, metrics=metrics)
            spec = RunSpec(cfg, model, train_src, val_src, loss_fn, metrics, directions, device, summary, task)
            hp = dict(hparams) if hparams is not None else cfg.to_dict()
            agree(group, fingerprint(cfg, model, x0, hp, self.record))  # before any file or step
            run_dir, ckpt = on_main(group, lambda: open_run_dir(spec, runs_dir=self.runs_dir, name=self.name, parent=self.parent,
                                                                resume=resume, hparams=hp, record=self.record, extend=extend))
            # An extension holds its parent's last rate after the parent's steps: every process alike.
            horizon = on_main(group, lambda: schedule_horizon(run_dir))
            if here.size > 1:
                run_dir = run_dir if here.is_main else None  # rank 0 writes the run folder, alone
                if here.is_main:
                    log.info("%d processes train together: each takes %d examples of every batch of %d",
                             here.size, cfg.batch_size // here.size, cfg.batch_size)
            with training_together(model, group, cfg, cfg.batch_size // here.size):
                run = start_run(spec, self.callbacks, run_dir=run_dir, resume=ckpt, optimizer=self.optimizer,
                                augment=self.augment, hparams=hp, group=group)
                run.horizon = horizon
                start = time.perf_counter()
                try:
                    self._loop(run)
                finally:
                    if run.runlog is not None:
                        with contextlib.suppress(OSError):  # a crash: keep what was written, raise the crash
                            run.runlog.close()
            if group is not None:
                group.sync_buffers(model)  # every process ends with rank 0's model
            return self._result(run, time.perf_counter() - start)
        finally:
            torch.set_num_threads(threads_before)

    def _loop(self, run: Run) -> None:
        """The whole training story: epochs, steps, logged rows, validations, named callback calls."""
        state, cbs, cfg = run.state, run.callbacks, self.config
        while state.step < state.total_steps and not state.stop_training:
            epoch = state.epoch
            cbs.on_epoch_begin(epoch, {})
            for batch, share in run.batches.epoch(state):  # the rest of this epoch (this process's part), augmented
                state.batch = batch
                span = run.horizon or state.total_steps  # an extension holds its parent's last rate after its steps
                factor = lr_factor(cfg.schedule, min(state.step, span - 1), span, cfg.warmup_steps)
                state.lr = run.step.set_lr(factor * state.lr_scale)
                out = run.step(batch, share)  # forward, backward, finiteness guard, clipping, optimizer step
                state.step += 1
                state.batch_in_epoch += 1
                run.window.add(out)  # summed on the device; read only when a row is logged
                if state.step % cfg.log_every == 0 or state.step == state.total_steps:
                    cbs.on_log(state.step, run.window.read(state.step, epoch, state.lr))
                epoch_done = state.batch_in_epoch == state.steps_per_epoch
                val_due = state.step == state.total_steps or bool(cfg.val_every and state.step % cfg.val_every == 0)
                if run.spec.val is not None and (epoch_done or val_due):
                    cbs.on_validation_end(state.step, run.validate())
                if epoch_done:  # the epoch counter moves after its validation, before on_epoch_end
                    state.epoch, state.batch_in_epoch = epoch + 1, 0
                    cbs.on_epoch_end(epoch, run.epoch_logs())
                cbs.on_step_end(state.step, out.logs())  # the step and everything about it is done
                if state.stop_training or state.step >= state.total_steps:
                    break
        if run.spec.val is not None and run.validated_step != state.step:
            cbs.on_validation_end(state.step, run.validate())  # a run stopped mid-epoch: its final weights
        cbs.on_train_end({})

    def _result(self, run: Run, seconds: float) -> FitResult:
        state, history = run.state, run.history.rows
        watcher = next((cb for cb in self.callbacks if isinstance(cb, MonitorCallback)), None)
        monitor = watcher.watch if watcher is not None else Monitor("val_loss", "min")
        best = monitor.best(history)
        final = run.history.last_validation or (history[-1] if history else {})
        diverged_at = next((cb.bad_step for cb in self.callbacks if isinstance(cb, TerminateOnNaN) and cb.bad_step is not None), None)
        restored = any(isinstance(cb, EarlyStopping) and cb.restored_step is not None for cb in self.callbacks)
        weights: WeightsKind = "best" if restored else "last_finite" if diverged_at is not None else "final"
        result = FitResult(
            model=run.spec.model, weights=weights, run_dir=state.run_dir, history=history, final=final, best=best,
            best_step=None if best is None else int(best["step"]), monitor=monitor.name, steps=state.step,
            epochs=state.epoch, seconds=seconds, stopped_early=state.stop_training and diverged_at is None,
            diverged=diverged_at is not None, diverged_at=diverged_at, config=self.config, summary=run.spec.summary,
        )
        if state.run_dir is not None:
            keys = ("weights", "final", "best", "best_step", "monitor", "steps", "epochs", "seconds", "stopped_early", "diverged", "diverged_at")
            facts = {k: getattr(result, k) for k in keys}
            with writing(state.run_dir / "result.json"):
                atomic_write_text(state.run_dir / "result.json", json.dumps(facts, indent=2))
        return result
