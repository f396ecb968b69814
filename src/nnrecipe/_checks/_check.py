"""``nnrecipe.check``: run the recipe's sanity checks on a model, its data and its loss."""

from __future__ import annotations

import dataclasses
import logging
import random
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .._core._config import TrainConfig
from .._core._experiment import ModelLike
from .._core._losses import LossLike
from ._baseline import check_input_independent_baseline
from ._batch_independence import check_batch_independence
from ._causality import check_causality
from ._context import CheckContext, CheckSkipped, OptimizerFactory, Transform, UserCodeError
from ._determinism import check_determinism
from ._eval_determinism import check_eval_determinism
from ._gradient_flow import check_gradient_flow
from ._init_loss import check_init_loss
from ._input_scale import check_input_scale
from ._last_layer import check_last_layer_init
from ._loss_decreases import check_loss_decreases
from ._lr_range import check_lr_range
from ._output_semantics import check_output_semantics
from ._overfit import check_overfit_batch
from ._result import CheckReport, CheckResult

__all__ = ["check", "CHECKS"]

log = logging.getLogger(__name__)

# Cheap measurements first, short training runs last.
CHECKS: dict[str, Callable[[CheckContext], CheckResult]] = {
    "input_scale": check_input_scale,
    "output_semantics": check_output_semantics,
    "init_loss": check_init_loss,
    "last_layer_init": check_last_layer_init,
    "batch_independence": check_batch_independence,
    "causality": check_causality,
    "eval_determinism": check_eval_determinism,
    "gradient_flow": check_gradient_flow,
    "determinism": check_determinism,
    "loss_decreases": check_loss_decreases,
    "input_independent_baseline": check_input_independent_baseline,
    "overfit_batch": check_overfit_batch,
    "lr_range": check_lr_range,
}


def _selection(only: Iterable[str] | None, skip: Iterable[str] | None) -> list[str]:
    only_list, skip_list = list(only or []), list(skip or [])
    unknown = sorted(set(only_list + skip_list) - set(CHECKS))
    if unknown:
        raise ValueError(f"unknown checks {unknown}; the checks are {list(CHECKS)}")
    return [n for n in CHECKS if (not only_list or n in only_list) and n not in skip_list]


def check(
    model: ModelLike,
    train: Any,
    loss_fn: LossLike,
    *,
    val: Any = None,
    task: str | None = None,
    optimizer: OptimizerFactory | None = None,
    transform: Transform | None = None,
    causal_dim: int | None = None,
    only: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    run_dir: str | Path | None = None,
    fix_init: bool = False,
    config: TrainConfig | None = None,
    budget: float = 5.0,
) -> CheckReport:
    """Run the sanity checks of the recipe's second stage and return one verdict per check.

    Every check works on fresh copies of the model and on a random sample of the data, with a
    fixed seed; nothing the caller passed is modified, and the global random state is restored.

    Args:
        model: A fresh ``nn.Module`` (copied) or a factory returning one (called under the seed).
        train: Training data: ``(X, y)``, a ``Dataset`` or a ``DataLoader``.
        loss_fn: A loss name (``"cross_entropy"``...) or a callable ``(output, target) -> scalar``.
        val: Validation data, for the input-independent baseline (else a held-out quarter).
        task: ``"classification"``, ``"binary"``, ``"regression"`` or ``"autoregressive"``;
            inferred from the loss and targets when ``None``.
        optimizer: Factory ``params -> Optimizer`` (default: the one ``config`` names).
        transform: The deterministic batch transform applied to inputs before the model
            (normalisation...). Augmentation is never applied by the checks.
        causal_dim: Time dimension of an autoregressive model's inputs; enables ``causality``.
        only: Run only these checks (names from ``CHECKS``).
        skip: Do not run these checks.
        run_dir: Folder for the decoded input pictures; ``None`` writes nothing.
        fix_init: Set the output layer's bias from the targets on every model copy first.
        config: Optimizer, learning rate, batch size (capped at 32) and seed of the short
            runs, as training will use them (default: the recipe's Adam at 3e-4, seed 0);
            schedules and warmup are not applied.
        budget: Seconds each check may spend training.

    Returns:
        A :class:`CheckReport`; ``report.ok`` is False when any check failed.

    Raises:
        ValueError: Unknown check names, or data that cannot be used at all.

    Example:
        >>> import nnrecipe
        >>> X, y = torch.randn(256, 8), torch.randint(0, 3, (256,))
        >>> report = nnrecipe.check(nnrecipe.models.MLP(8, 3), (X, y), "cross_entropy",
        ...                         only=["batch_independence"])
        >>> report["batch_independence"].status
        'pass'
    """
    names = _selection(only, skip)
    # Short runs seed every generator; the caller's random state comes back unchanged.
    py_state, np_state = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        threads = torch.get_num_threads()
        try:
            ctx = CheckContext.build(
                model, train, loss_fn, val=val, task=task, transform=transform, config=config,
                optimizer=optimizer, budget=budget,
                causal_dim=causal_dim, run_dir=Path(run_dir) if run_dir is not None else None, fix_init=fix_init,
            )
            if _small(ctx):
                torch.set_num_threads(1)  # small models: one thread beats contention
            return CheckReport([_run_one(name, ctx) for name in names])
        finally:
            torch.set_num_threads(threads)
            random.setstate(py_state)
            np.random.set_state(np_state)


def _small(ctx: CheckContext) -> bool:
    try:
        return ctx.device.type == "cpu" and sum(p.numel() for p in ctx.fresh_model().parameters()) < 2_000_000
    except Exception:
        return True


def _run_one(name: str, ctx: CheckContext) -> CheckResult:
    start = time.perf_counter()
    try:
        result = CHECKS[name](ctx)
    except CheckSkipped as e:
        result = CheckResult(name=name, status="skip", measured=str(e), expected="")
    except UserCodeError as e:
        result = CheckResult(name=name, status="fail", measured=str(e), expected="the model, loss and optimizer run",
                             why="the check could not run the user's code", fix="fix the error shown; the other checks still ran")
    except Exception as e:  # one broken check must not hide the others' verdicts
        log.debug("check %s raised:\n%s", name, traceback.format_exc())
        result = CheckResult(name=name, status="fail", measured=f"{type(e).__name__}: {e}", expected="the check runs",
                             why="running this check raised an error", fix="rerun with --debug for the traceback")
    return dataclasses.replace(result, seconds=time.perf_counter() - start)
