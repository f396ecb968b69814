"""The trainer: one loop, read top to bottom, with named callback calls.

Everything a run needs to continue bit-exactly (weights, optimizer, RNG states, position in
the epoch, callback states) is checkpointed at each validation and every
``checkpoint_every`` steps; data order is a pure function of (seed, epoch).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ._checkpoint import atomic_write_text, latest_checkpoint, read_checkpoint
from .._core._config import TrainConfig
from .._core._data import DataSource, TensorData, as_source
from .._core._device import choose_threads, resolve_device
from .._core._errors import CheckpointError, ConfigError
from .._core._evaluate import evaluate_source
from .._core._losses import LossFn, LossLike, resolve_loss
from .._core._metrics import Metric, MetricLike, default_metrics, resolve_metrics
from ._optim import make_optimizer
from ._preflight import check_targets, logged_names, summarize_or_explain
from ._resume import epoch_batches, restore_resume_point, save_resume_point
from .._core._rng import rng_state, seed_everything
from ._runlog import RunLog
from ._runs import create_run_dir, find_parent, read_metrics, read_run_config, write_run_config
from ._schedule import lr_factor
from ._summary import ModelSummary
from .._core._task import TaskKind, infer_task
from ..callbacks import Callback, MonitorCallback, TerminateOnNaN, TrainerState

__all__ = ["Trainer", "FitResult"]

log = logging.getLogger(__name__)

# Epoch-end and validation checkpoints are skipped when the last one is more recent than
# this: a crash loses at most this much work, and short epochs do not pay a write each.
# `checkpoint_every` steps and the end of training always write one.
CHECKPOINT_SECONDS = 30.0


@dataclasses.dataclass(frozen=True)
class FitResult:
    """What a run produced.

    Attributes:
        model: The trained model (best weights restored if EarlyStopping asked for it).
        run_dir: The run folder, or ``None`` for a run without files.
        history: Every logged row: train rows (``step, epoch, loss, lr``) every
            ``log_every`` steps and validation rows (``step, epoch, val_loss, val_<metric>``).
        final: The last validation row (the last train row when there is no validation).
        best: The validation row with the best monitored value, and ``best_step`` its step.
        monitor: The name ``best`` was chosen by.
        steps: Optimizer steps taken; ``epochs`` completed epochs; ``seconds`` wall time.
        stopped_early: A callback stopped the run; ``diverged``: a non-finite loss was seen.
        config: The resolved training config; ``summary`` the model summary.
    """

    model: nn.Module
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
    config: TrainConfig
    summary: ModelSummary | None


class Trainer:
    """Trains a model with the recipe's defaults and Keras-style callbacks.

    Args:
        config: How to train; the recipe's defaults (Adam 3e-4, constant LR) when ``None``.
        callbacks: Callbacks, called in order. ``TerminateOnNaN`` is added if absent.
        metrics: Validation metrics by name or callable; ``None`` picks from the task
            (accuracy for classification, MAE for regression).
        runs_dir: Parent folder of run folders; ``None`` writes no files at all.
        name: Prefix of the run folder's name.
        parent: The run this one changes one thing from; by default the latest run of
            the same name in ``runs_dir``.

    Example:
        >>> import torch, nnrecipe
        >>> X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
        >>> result = nnrecipe.Trainer(nnrecipe.TrainConfig(epochs=2), runs_dir=None).fit(
        ...     torch.nn.Linear(4, 2), (X, y), "cross_entropy", val=(X, y))
        >>> result.steps
        2
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
    ) -> None:
        self.config = config or TrainConfig()
        self.callbacks = list(callbacks)
        if not any(isinstance(cb, TerminateOnNaN) for cb in self.callbacks):
            self.callbacks.append(TerminateOnNaN())
        self.metrics = metrics
        self.runs_dir = None if runs_dir is None else Path(runs_dir)
        self.name = name
        self.parent = None if parent is None else Path(parent)
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
    ) -> FitResult:
        """Train ``model`` in place on ``train``, validating on the whole of ``val``.

        Args:
            model: A fresh ``nn.Module``.
            train: ``(X, y)`` arrays or tensors, a ``Dataset`` of pairs, or a ``DataLoader``.
            loss: A loss name or a callable ``(output, target) -> scalar``.
            val: Validation data in the same forms.
            task: The task kind when it cannot be inferred.
            hparams: The flat hyperparameters to record (defaults to the config's fields).
            resume: A run folder to continue from its latest checkpoint.

        Returns:
            A :class:`FitResult`.

        Raises:
            DataError: Data unusable (shapes, lengths, non-finite values, labels out of range).
            ConfigError: A callback monitors a value that is never logged, and the like.
            CheckpointError: ``resume`` is not a run folder with a checkpoint.
        """
        cfg = self.config
        train_src = as_source(train, name="train")
        val_src = None if val is None else as_source(val, name="val")
        loss_fn, _ = resolve_loss(loss, label_smoothing=cfg.label_smoothing)
        x0, y0 = train_src.head(max(2, cfg.batch_size))
        task = infer_task(y0, loss, task)
        metrics = resolve_metrics(self.metrics if self.metrics is not None else default_metrics(task), task)
        available = logged_names(metrics, val_src is not None, cfg)
        for cb in self.callbacks:
            for name in cb.monitors():
                if name not in available:
                    raise ConfigError(
                        f"{type(cb).__name__} monitors {name!r}, which this run never logs; "
                        f"logged names: {sorted(available)}"
                        + ("" if val_src is not None else " (pass val data to log val_* values)")
                    )
        device = resolve_device(cfg.device)
        num_params = sum(p.numel() for p in model.parameters())
        threads_before = torch.get_num_threads()
        if device.type == "cpu":
            torch.set_num_threads(choose_threads(num_params, cfg.threads))
        try:
            model.to(device)
            summary = summarize_or_explain(model, x0[:2].to(device))
            check_targets(model, train_src, val_src, task, device)
            return self._run(model, train_src, val_src, loss_fn, metrics, device, summary, hparams, resume)
        finally:
            torch.set_num_threads(threads_before)

    def _run(
        self,
        model: nn.Module,
        train_src: DataSource,
        val_src: DataSource | None,
        loss_fn: LossFn,
        metrics: list[Metric],
        device: torch.device,
        summary: ModelSummary,
        hparams: Mapping[str, Any] | None,
        resume: str | Path | None,
    ) -> FitResult:
        cfg = self.config
        if isinstance(train_src, TensorData) and device.type != "cpu":
            train_src = train_src.to(device)  # small in-memory sets live on the device
        if isinstance(val_src, TensorData) and device.type != "cpu":
            val_src = val_src.to(device)
        steps_per_epoch = train_src.num_batches(cfg.batch_size)
        total_steps = cfg.max_steps or cfg.epochs * steps_per_epoch
        optimizer = make_optimizer(cfg, model)
        scaler = torch.amp.GradScaler("cuda") if cfg.precision == "fp16" and device.type == "cuda" else None
        amp_dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(cfg.precision)
        dynamic_lr = cfg.schedule != "constant" or cfg.warmup_steps > 0
        # In-memory data already on the device needs no per-step copy call.
        move = not (isinstance(train_src, TensorData) and train_src.X.device == device)
        no_autocast = contextlib.nullcontext()
        callbacks = self.callbacks
        seed_everything(cfg.seed)

        run_dir, resume_state = self._open_run_dir(model, hparams, resume, summary)
        state = TrainerState(model, optimizer, run_dir, total_steps)
        for cb in callbacks:
            cb.set_trainer(state)
        window_sum, window_n, grad_norm = 0.0, 0, None
        epoch_rng = rng_state()
        logs: dict[str, Any] = {}
        for cb in callbacks:
            cb.on_train_begin(logs)
        if resume_state is not None:
            window_sum, window_n, epoch_rng = restore_resume_point(resume_state, state, scaler, callbacks)
        runlog = None if run_dir is None else RunLog(run_dir, tensorboard=cfg.tensorboard, resume_step=resume_state["step"] if resume_state else None)
        # Rows after the checkpoint (written by the interrupted run) are dropped by RunLog.
        history: list[dict[str, Any]] = read_metrics(run_dir) if resume_state and run_dir else []

        def emit(row: dict[str, Any]) -> None:
            history.append(row)
            if runlog is not None:
                runlog.row(row)

        last_checkpoint = (state.step, time.monotonic())

        def checkpoint(force: bool = False) -> None:
            nonlocal last_checkpoint
            due = force or time.monotonic() - last_checkpoint[1] >= CHECKPOINT_SECONDS
            if run_dir is not None and state.step != last_checkpoint[0] and due:
                save_resume_point(run_dir, state, scaler, (window_sum, window_n), epoch_rng, callbacks, cfg)
                last_checkpoint = (state.step, time.monotonic())

        def validate() -> dict[str, Any]:
            assert val_src is not None
            row = {"step": state.step, "epoch": state.epoch, **evaluate_source(model, val_src, loss_fn, metrics, amp_dtype=amp_dtype, prefix="val_")}
            emit(row)
            if runlog is not None and cfg.histogram_every is None:
                runlog.histograms(model, state.step)
            for cb in callbacks:
                cb.on_validation_end(state.step, row)
            return row

        start = time.perf_counter()
        stop = False
        due = False
        model.train()
        try:
            while state.step < total_steps and not stop:
                for cb in callbacks:
                    cb.on_epoch_begin(state.epoch, logs)
                if state.batch_in_epoch == 0:
                    epoch_rng = rng_state()  # a DataLoader's sampler draws from it: kept for resume
                batches = epoch_batches(train_src, state, epoch_rng, cfg)
                for x, y in batches:
                    if move:
                        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
                    state.batch = (x, y)
                    if dynamic_lr:
                        lr = cfg.lr * lr_factor(cfg.schedule, state.step, total_steps, cfg.warmup_steps) * state.lr_scale
                        for group in optimizer.param_groups:
                            group["lr"] = lr
                    with torch.autocast(device.type, dtype=amp_dtype) if amp_dtype else no_autocast:
                        loss = loss_fn(model(x), y)
                    optimizer.zero_grad(set_to_none=True)
                    if scaler is not None:
                        scaler.scale(loss).backward()
                        scaler.unscale_(optimizer)
                    else:
                        loss.backward()
                    if cfg.grad_clip_norm is not None:
                        grad_norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip_norm))
                    if scaler is not None:
                        scaler.step(optimizer)
                        scaler.update()
                    else:
                        optimizer.step()
                    state.step += 1
                    state.batch_in_epoch += 1
                    loss_value = loss.item()
                    window_sum += loss_value
                    window_n += 1
                    step_logs = {"loss": loss_value} if grad_norm is None else {"loss": loss_value, "grad_norm": grad_norm}
                    for cb in callbacks:
                        cb.on_step_end(state.step, step_logs)
                    stop = any(cb.stop_training for cb in callbacks)
                    if state.diverged:
                        break
                    if dynamic_lr and runlog is not None:
                        runlog.scalar("lr", optimizer.param_groups[0]["lr"], state.step)
                    if state.step % cfg.log_every == 0 or state.step == total_steps:
                        row = {"step": state.step, "epoch": state.epoch, "loss": window_sum / window_n,
                               "lr": optimizer.param_groups[0]["lr"], "time": time.perf_counter() - start}
                        if grad_norm is not None:
                            row["grad_norm"] = grad_norm
                        emit(row)
                        window_sum, window_n = 0.0, 0
                    if runlog is not None and cfg.histogram_every and state.step % cfg.histogram_every == 0:
                        runlog.histograms(model, state.step)
                    end_of_epoch = state.batch_in_epoch == steps_per_epoch
                    if val_src is not None and cfg.val_every and state.step % cfg.val_every == 0 and not end_of_epoch:
                        validate()
                        stop = stop or any(cb.stop_training for cb in callbacks)
                        checkpoint()
                    due = cfg.checkpoint_every is not None and state.step % cfg.checkpoint_every == 0
                    if due and not end_of_epoch:  # at an epoch's end, after its validation
                        checkpoint(force=True)
                    if stop or state.step >= total_steps:
                        break
                if state.diverged:
                    break
                if state.batch_in_epoch >= steps_per_epoch:
                    state.epoch += 1
                    state.batch_in_epoch = 0
                    epoch_logs = validate() if val_src is not None else dict(step_logs)
                    stop = stop or any(cb.stop_training for cb in callbacks)
                    for cb in callbacks:
                        cb.on_epoch_end(state.epoch - 1, epoch_logs)
                    stop = stop or any(cb.stop_training for cb in callbacks)
                    checkpoint(force=due)
                elif state.step >= total_steps or stop:
                    # Stopped mid-epoch: validate the final weights unless just done.
                    if val_src is not None and not (history and "val_loss" in history[-1] and history[-1]["step"] == state.step):
                        validate()
            if not state.diverged:
                checkpoint(force=True)  # the end of training: what --resume and ensembles extend
            for cb in callbacks:
                cb.on_train_end(logs)
            if runlog is not None:
                last_val: dict[str, Any] = next((r for r in reversed(history) if "val_loss" in r), {})
                runlog.hparams(hparams if hparams is not None else cfg.to_dict(), {k: v for k, v in last_val.items() if k.startswith("val_")})
        finally:
            if runlog is not None:
                runlog.close()
        return self._result(model, run_dir, history, state, stop, time.perf_counter() - start, summary, runlog, hparams)

    # -- run folder, checkpoints and resume -------------------------------------------

    def _open_run_dir(
        self, model: nn.Module, hparams: Mapping[str, Any] | None, resume: str | Path | None, summary: ModelSummary
    ) -> tuple[Path | None, dict[str, Any] | None]:
        if resume is not None:
            run_dir = Path(resume)
            if not run_dir.is_dir():
                raise CheckpointError(f"resume folder {str(run_dir)!r} does not exist; pass a run folder printed by `nnrecipe fit`")
            read_run_config(run_dir)
            ckpt = latest_checkpoint(run_dir / "checkpoints")
            if ckpt is None:
                raise CheckpointError(f"{run_dir} has no checkpoint to resume from (it stopped before the first one); start a new run")
            log.info("resuming %s from %s", run_dir, ckpt.name)
            state = read_checkpoint(ckpt, model)
            if state["config"] != self.config.to_dict():
                changed = sorted(k for k in state["config"] if state["config"][k] != self.config.to_dict().get(k))
                raise CheckpointError(f"the resumed run was trained with different settings ({', '.join(changed)}); resume with the run's own config")
            return run_dir, state
        if self.runs_dir is None:
            return None, None
        run_dir = create_run_dir(self.runs_dir, self.name)
        parent = self.parent or find_parent(self.runs_dir, self.name, exclude=run_dir)
        hp = dict(hparams) if hparams is not None else self.config.to_dict()
        write_run_config(run_dir, hp, {"name": self.name, "train_config": self.config.to_dict(), **self.record}, parent)
        (run_dir / "summary.txt").write_text(summary.to_text() + "\n")
        # Only runs with a folder are a user's runs; short internal runs (checks) stay quiet.
        log.info("model summary:\n%s", summary.to_text())
        return run_dir, None

    def _result(
        self, model: nn.Module, run_dir: Path | None, history: list[dict[str, Any]], state: TrainerState,
        stop: bool, seconds: float, summary: ModelSummary, runlog: RunLog | None, hparams: Mapping[str, Any] | None,
    ) -> FitResult:
        monitor = next((cb.monitor for cb in self.callbacks if isinstance(cb, MonitorCallback)), "val_loss")
        mode = next((cb.mode for cb in self.callbacks if isinstance(cb, MonitorCallback)), "min")
        val_rows = [r for r in history if isinstance(r.get(monitor), float) and math.isfinite(r[monitor])]
        best = (max if mode == "max" else min)(val_rows, key=lambda r: r[monitor]) if val_rows else None
        final = next((r for r in reversed(history) if "val_loss" in r), history[-1] if history else {})
        result = FitResult(
            model=model, run_dir=run_dir, history=history, final=final, best=best,
            best_step=None if best is None else int(best["step"]), monitor=monitor, steps=state.step,
            epochs=state.epoch, seconds=seconds, stopped_early=stop and not state.diverged,
            diverged=state.diverged, config=self.config, summary=summary,
        )
        if run_dir is not None:
            facts = {k: v for k, v in dataclasses.asdict(result).items() if k in ("final", "best", "best_step", "monitor", "steps", "epochs", "seconds", "stopped_early", "diverged")}
            atomic_write_text(run_dir / "result.json", json.dumps(facts, indent=2))
        return result


