"""``nnrecipe.check``: run the recipe's sanity checks on a model, its data and its loss."""

from __future__ import annotations

import dataclasses
import logging
import time
import traceback
from collections.abc import Iterable, Sequence
from typing import Any

import torch

from .._core._config import TrainConfig
from .._core._errors import ConfigError
from .._core._experiment import ModelLike
from .._core._losses import LossLike
from .._core._rng import rng_state, set_rng_state
from .._core._world import by_itself
from ._base import Check, CheckSkipped, UserCodeError
from ._baseline import InputIndependentBaseline
from ._batch_independence import BatchIndependence
from ._causality import Causality
from ._context import CheckContext
from ._determinism import Determinism
from ._eval_determinism import EvalDeterminism
from ._gradient_flow import GradientFlow
from ._init_loss import InitLoss
from ._input_scale import InputScale
from ._last_layer import LastLayerInit
from ._layer_use import LayerUse
from ._loss_decreases import LossDecreases
from ._lr_range import LrRange
from ._options import CheckOptions
from ._output_semantics import OutputSemantics
from ._overfit import OverfitBatch
from ._result import CheckReport, CheckResult

__all__ = ["DEFAULT_CHECKS", "check", "select_checks"]

log = logging.getLogger(__name__)

# Cheap measurements first, short training runs last.
DEFAULT_CHECKS: tuple[Check, ...] = (
    InputScale(), OutputSemantics(), InitLoss(), LastLayerInit(), BatchIndependence(), Causality(),
    EvalDeterminism(), GradientFlow(), LayerUse(), Determinism(), LossDecreases(), InputIndependentBaseline(),
    OverfitBatch(), LrRange(),
)


def select_checks(only: Iterable[str] | None = None, skip: Iterable[str] | None = None,
                  checks: Sequence[Check] = DEFAULT_CHECKS) -> tuple[Check, ...]:
    """The checks named in ``only`` (all by default) minus those in ``skip``, in their order.

    Raises:
        ConfigError: A name that is not one of the checks.

    Example:
        >>> [c.name for c in select_checks(only=["init_loss", "causality"])]
        ['init_loss', 'causality']
    """
    names = [c.name for c in checks]
    only_list, skip_list = list(only or []), list(skip or [])
    unknown = sorted(set(only_list + skip_list) - set(names))
    if unknown:
        raise ConfigError(f"unknown checks {unknown}; the checks are {names}")
    return tuple(c for c in checks if (not only_list or c.name in only_list) and c.name not in skip_list)


def check(
    model: ModelLike,
    train: Any,
    loss_fn: LossLike,
    *,
    val: Any = None,
    config: TrainConfig | None = None,
    options: CheckOptions | None = None,
    checks: Sequence[Check] = DEFAULT_CHECKS,
) -> CheckReport:
    """Run the sanity checks of the recipe's second stage and return one verdict per check.

    Every check works on a random sample of the data with a fixed seed. The model is never
    deep-copied (a copy of a module whose forward calls a stored lambda still runs the
    original's layers): its exact state (weights, buffers, ``.grad``, ``requires_grad``,
    train/eval flags) is snapshotted and put back after each use, and so are the global
    random generators and torch's thread count.

    Args:
        model: An ``nn.Module`` (maybe pretrained), or a factory returning a fresh one (called
            under the config's seed; also checked for seeded initialisation).
        train: Training data: ``(X, y)``, a ``Dataset`` or a ``DataLoader``.
        loss_fn: A loss name (``"cross_entropy"``...) or a callable ``(output, target) -> scalar``.
        val: Validation data, for the input-independent baseline (else a held-out quarter).
        config: Optimizer, learning rate, batch size (capped at 32), label smoothing and seed
            of the short runs, as training will use them (default: Adam at 3e-4, seed 0);
            schedules and warmup are not applied.
        options: Task, causal dimension, optimizer factory, transform, frozen parameters,
            ``fix_init``, time budget and picture folder (:class:`CheckOptions`).
        checks: The checks to run, in order: ``DEFAULT_CHECKS``, a selection of it
            (:func:`select_checks`), or your own :class:`Check` subclasses added to it.

    Returns:
        A :class:`CheckReport`; ``report.ok`` is False when any check failed.

    Raises:
        ConfigError: A bad option, loss, model or factory.
        DataError: Data that cannot be used at all, or a transform that fails on it.

    Example:
        >>> import nnrecipe
        >>> X, y = torch.randn(256, 8), torch.randint(0, 3, (256,))
        >>> report = nnrecipe.check(nnrecipe.models.MLP(8, 3), (X, y), "cross_entropy",
        ...                         checks=select_checks(only=["batch_independence"]))
        >>> report["batch_independence"].status
        'pass'
    """
    checks = _validated(checks)
    config = config or TrainConfig()
    options = options or CheckOptions()
    if not isinstance(config, TrainConfig) or not isinstance(options, CheckOptions):
        raise ConfigError(f"config must be a TrainConfig and options a CheckOptions; got {type(config).__name__}, "
                          f"{type(options).__name__}")
    rng = rng_state()
    threads = torch.get_num_threads()
    ctx: CheckContext | None = None
    # The short runs train in this process only: under torchrun, on rank 0 alone or on every rank.
    with by_itself():
        try:
            ctx = CheckContext.build(model, train, loss_fn, val=val, config=config, options=options)
            if ctx.device.type == "cpu" and sum(p.numel() for p in ctx.fresh_model().parameters()) < 2_000_000:
                torch.set_num_threads(1)  # small models: one thread beats contention
            return CheckReport([_run_one(c, ctx) for c in checks])
        finally:
            if ctx is not None:
                ctx.close()
            torch.set_num_threads(threads)
            set_rng_state(*rng)


def _validated(checks: Sequence[Check]) -> tuple[Check, ...]:
    if isinstance(checks, (str, Check)) or not all(isinstance(c, Check) for c in checks):
        raise ConfigError(f"checks must be a list of Check instances, e.g. [*DEFAULT_CHECKS, MyCheck()]; got {checks!r}")
    names = [c.name for c in checks]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ConfigError(f"checks named {repeated} appear more than once; each check name must be unique")
    return tuple(checks)


def _run_one(check_: Check, ctx: CheckContext) -> CheckResult:
    start = time.perf_counter()
    name = check_.name
    try:
        result = check_.run(ctx)
    except CheckSkipped as e:
        result = CheckResult(name=name, status="skip", measured=str(e), expected="", summary=str(e).split(";")[0])
    except UserCodeError as e:
        result = CheckResult(name=name, status="fail", measured=str(e), expected="the model, loss and optimizer run",
                             why="the check could not run the user's code", fix="fix the error shown; the other checks still ran",
                             summary="user code raised an error")
    except Exception as e:  # noqa: BLE001 - one broken check must not hide the others' verdicts
        log.debug("check %s raised:\n%s", name, traceback.format_exc())
        result = CheckResult(name=name, status="fail", measured=f"{type(e).__name__}: {e}", expected="the check runs",
                             why="running this check raised an error", fix="rerun with --debug for the traceback",
                             summary=f"raised {type(e).__name__}")
    if not isinstance(result, CheckResult):
        result = CheckResult(name=name, status="fail", measured=f"the check returned {type(result).__name__}, not a CheckResult",
                             expected="a CheckResult", why="a check must return its verdict", fix="return a CheckResult from run()")
    return dataclasses.replace(result, name=name, seconds=time.perf_counter() - start)
