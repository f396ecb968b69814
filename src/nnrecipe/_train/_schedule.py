"""Learning-rate schedules as pure functions of the optimizer step.

A pure function needs no state in the checkpoint and gives the same learning rate after a
resume. Everything is per optimizer step (not per epoch), as the tuning playbook advises.
"""

from __future__ import annotations

import math

from .._core._config import ScheduleName

__all__ = ["lr_factor"]

_ONECYCLE_RISE = 0.3  # fraction of steps spent rising when no warmup is given (as PyTorch)
_ONECYCLE_START, _ONECYCLE_END = 1 / 25, 1 / 1e4
_STEP_MILESTONES = (0.5, 0.75)  # decay by 10x at half and three quarters of training


def lr_factor(schedule: ScheduleName, step: int, total: int, warmup: int = 0) -> float:
    """Multiplier of the peak learning rate for the optimizer step ``step`` (0-based).

    Args:
        schedule: The shape after warmup.
        step: Optimizer steps already taken.
        total: Total optimizer steps of the run.
        warmup: Steps of linear warmup from 0 (ignored by ``onecycle``, which has its own).

    Example:
        >>> [round(lr_factor("cosine", s, 4), 3) for s in range(4)]
        [1.0, 0.854, 0.5, 0.146]
    """
    if schedule == "onecycle":
        rise = max(1, warmup or int(_ONECYCLE_RISE * total))
        if step < rise:
            p = step / rise
            return _ONECYCLE_START + (1 - _ONECYCLE_START) * (1 - math.cos(math.pi * p)) / 2
        p = min(1.0, (step - rise) / max(1, total - rise))
        return _ONECYCLE_END + (1 - _ONECYCLE_END) * (1 + math.cos(math.pi * p)) / 2
    if step < warmup:
        return (step + 1) / warmup
    p = min(1.0, (step - warmup) / max(1, total - warmup))
    if schedule == "constant":
        return 1.0
    if schedule == "cosine":
        return (1 + math.cos(math.pi * p)) / 2
    if schedule == "linear":
        return 1 - p
    if schedule == "step":
        return 0.1 ** sum(p >= m for m in _STEP_MILESTONES)
    raise ValueError(f"unknown {schedule=}")
